"""The read-only SPARQL 1.1 endpoint (/sparql), its service description, the dataset's
VoID / DCAT description (/.well-known/void, /api/dataset) and the dataset downloads.

Every query goes: size caps (limits middleware) -> the token guard (length, escapes,
tokens: forbidden keywords, nesting, numbers, regex bounds; microseconds) -> admission (a
bounded wait for a place, then 429) -> a worker process (Oxigraph, with a deadline that
kills; a query over the light budget moves to the heavy lane) or, with
query_evaluation=in-process, a thread of the web process, recycled past the deadline ->
bytes in the negotiated format. The raw ASGI handler of api/fastpath.py answers /sparql
queries through the same functions (parse_query_request, answer_query) without FastAPI's
routing.
"""

from __future__ import annotations

import asyncio
import functools
import html
import json
import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

import exportgraph
from exportgraph.api.negotiation import GRAPH_OFFERS, RESULT_OFFERS, choose_formats, negotiate
from exportgraph.api.state import GraphState
from exportgraph.exc import BadRequest, ExportGraphError, NotFound, QueryRefused, StoreTimeout
from exportgraph.graph import terms as T
from exportgraph.graph.build import lease
from exportgraph.settings import Settings
from exportgraph.sparql.admission import Admission
from exportgraph.sparql.guard import UPDATES_REFUSED, Checked, inspect
from exportgraph.sparql.inline import InlineEvaluator
from exportgraph.sparql.inprocess import InProcessEvaluator
from exportgraph.sparql.jobs import Answer, Job
from exportgraph.sparql.workers import EngineConfig, Lanes, NotAcceptable, WorkerPool, raise_for

log = logging.getLogger(__name__)

CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "X-Exportgraph-Truncated"}
PREFLIGHT = {**CORS, "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
             "Access-Control-Allow-Headers": "Content-Type, Accept", "Access-Control-Max-Age": "86400"}
TRUNCATED = "X-Exportgraph-Truncated"
REPLY_HEADERS = {**CORS, "Vary": "Accept"}  # of every answer (one object: api/fastpath.py keeps its bytes)
MAX_FORM_FIELDS = 50
INLINE_GUARD_CHARS = 2000  # a longer query is judged in a thread

FORMATS_NS = "http://www.w3.org/ns/formats/"
SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DOWNLOADS = {"nq": ("application/n-quads", None), "ttl": ("text/turtle; charset=utf-8", ox.RdfFormat.TURTLE),
             "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD)}


class UnsupportedMediaType(ExportGraphError):
    status = 415


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the query workers with the application; they stop through app.state.shutdown_hooks."""
    pool = get_pool(app)
    if not await asyncio.to_thread(pool.wait_ready, pool.start_timeout_s):
        log.error("some SPARQL workers are not ready; queries will wait for them")
    yield


router = APIRouter(tags=["sparql"], lifespan=lifespan)


def get_pool(app: FastAPI) -> WorkerPool | InProcessEvaluator:
    pool: WorkerPool | InProcessEvaluator | None = getattr(app.state, "sparql_pool", None)
    if pool is not None and not pool.closing:
        return pool
    settings: Settings = app.state.settings
    state: GraphState = app.state.graph
    pool = _in_process(app, settings, state) or _worker_pool(settings, state)
    app.state.sparql_pool = pool
    app.state.sparql_inline = _inline(app, settings, state)
    app.state.sparql_admission = Admission(settings.max_concurrent_queries, settings.query_queue_wait_s)
    app.state.shutdown_hooks.append(pool.close)
    return pool


def _worker_pool(settings: Settings, state: GraphState) -> WorkerPool:
    if settings.store == "remote":
        # The remote's own timeout fires just before the kill, so a slow remote costs no worker restart.
        remote_timeout = min(settings.remote_timeout_s, max(0.1, settings.query_timeout_s - 0.25))
        engine = EngineConfig("remote", remote_query_url=settings.remote_query_url, remote_timeout_s=remote_timeout)
    else:
        if state.build is None:
            raise NotFound("no built dataset to query")
        engine = EngineConfig("embedded", dataset=str(state.build.dataset))
    # Over a remote store a query that ran out of time runs on in the store up to the store's own limit, at
    # least remote_timeout_s (README): its heavy runner stays busy that long (sparql/lanes.py).
    hold = settings.remote_timeout_s if settings.store == "remote" else 0.0
    lanes = Lanes(settings.query_light_budget_s, settings.query_heavy_workers, settings.query_heavy_queue, hold)
    return WorkerPool(engine, settings.query_workers, settings.query_timeout_s, settings.max_concurrent_queries,
                      lanes=lanes)


def _inline(app: FastAPI, settings: Settings, state: GraphState) -> InlineEvaluator | None:
    """Anchored and known-quick queries on the event loop (sparql/inline.py): over the embedded store, in a web
    process that `serve` supervises (the watchdog's last resort ends the process; the parent replaces it)."""
    if settings.store != "embedded" or not getattr(app.state, "supervised", False):
        return None
    inline = InlineEvaluator(state.store, settings.query_timeout_s)
    app.state.shutdown_hooks.append(inline.close)
    return inline


def _in_process(app: FastAPI, settings: Settings, state: GraphState) -> InProcessEvaluator | None:
    """query_evaluation=in-process, where `serve` can recycle this web process (app.state.recycle)."""
    if settings.query_evaluation != "in-process":
        return None
    recycle = getattr(app.state, "recycle", None)
    if recycle is None or settings.store != "embedded":
        log.warning("query_evaluation=in-process needs `exportgraph serve` and store=embedded: using workers")
        return None
    return InProcessEvaluator(state.store, settings.query_workers, settings.query_timeout_s, recycle)


@functools.lru_cache(maxsize=512)  # a repeated text is not scanned again (a refusal raises: not cached)
def _prechecked(text: str, max_length: int, max_nesting: int, in_url: bool) -> Checked:
    return inspect(text, max_length, max_nesting, in_url)


# ---------------------------------------------------------------- the protocol


def _one(params: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise BadRequest(f"the {name!r} parameter is given {len(values)} times")
    return values[0] if values else None


def _refuse_dataset_params(params: list[tuple[str, str]]) -> None:
    names = {k for k, _ in params}
    if "update" in names or "using-graph-uri" in names or "using-named-graph-uri" in names:
        raise QueryRefused(UPDATES_REFUSED)
    if "default-graph-uri" in names or "named-graph-uri" in names:
        raise QueryRefused("default-graph-uri and named-graph-uri are not accepted: the dataset is fixed")


def parse_query_request(method: str, params: list[tuple[str, str]], content_type: str,
                        body: bytes) -> tuple[str | None, bool, list[tuple[str, str]]]:
    """(query text or None, whether it came in the URL, all parameters), from the parts of a request."""
    if method == "GET":
        _refuse_dataset_params(params)
        return _one(params, "query"), True, params
    kind = content_type.split(";")[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the request body is not UTF-8") from None
    if kind == "application/x-www-form-urlencoded":
        try:
            params = params + parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
        except ValueError:  # "Max number of fields exceeded": the client's form, not our failure
            raise BadRequest(f"the form has more than {MAX_FORM_FIELDS} fields") from None
        _refuse_dataset_params(params)
        return _one(params, "query"), False, params
    _refuse_dataset_params(params)
    if kind == "application/sparql-query":
        return text, False, params
    if kind == "application/sparql-update":
        raise QueryRefused(UPDATES_REFUSED)
    raise UnsupportedMediaType(f"POST a query as application/sparql-query or application/x-www-form-urlencoded, "
                               f"not {kind or 'no Content-Type'}")


async def read_query(request: Request) -> tuple[str | None, bool, list[tuple[str, str]]]:
    """(query text or None, whether it came in the URL, all parameters)."""
    params = list(request.query_params.multi_items())
    body = b"" if request.method == "GET" else await request.body()
    return parse_query_request(request.method, params, request.headers.get("content-type", ""), body)


def error_response(exc: ExportGraphError, request: Request) -> JSONResponse:
    if exc.status >= 500:
        log.warning("%s %s: %s", request.method, request.url.path, exc.message)
    return JSONResponse({"error": type(exc).__name__, "detail": exc.message}, status_code=exc.status,
                        headers={**CORS, **exc.headers()})


@dataclass(frozen=True)
class Reply:
    """A query's answer, ready to send: body, media type and headers (CORS, Vary, truncation)."""

    body: bytes
    media_type: str
    headers: dict[str, str]


async def answer_query(app: FastAPI, accept: str | None, text: str, in_url: bool,
                       params: list[tuple[str, str]]) -> Reply:
    """Every guard of a query, then its evaluation by a worker; raises the family's error for a refusal.

    Shared by the FastAPI route and the raw ASGI path of exportgraph/api/fastpath.py.
    """
    settings: Settings = app.state.settings
    if len(text) <= INLINE_GUARD_CHARS:
        checked = _prechecked(text, settings.max_query_length, settings.max_nesting, in_url)
    else:  # 20,000 characters of one-character tokens take ~30 ms: not on the event loop
        checked = await asyncio.to_thread(_prechecked, text, settings.max_query_length, settings.max_nesting, in_url)
    job = _job(app, accept, checked, params)
    inline: InlineEvaluator | None = app.state.sparql_inline
    if inline is not None and inline.wants(checked):
        answer = inline.run(job)  # anchored or known quick: no hand-off (sparql/inline.py)
    else:
        admission: Admission = app.state.sparql_admission
        async with admission.slot():
            started = time.monotonic()
            answer = await get_pool(app).run(job)
        if inline is not None:
            inline.answered(job, answer, time.monotonic() - started)
    return _reply(app, answer)


def answer_now(app: FastAPI, accept: str | None, text: str, in_url: bool,
               params: list[tuple[str, str]]) -> Reply | None:
    """answer_query's answer on this thread, for a query the inline evaluator takes; None for any other
    (too long to judge on the event loop, or one for the workers): answer_query is then the way."""
    if len(text) > INLINE_GUARD_CHARS:
        return None
    settings: Settings = app.state.settings
    checked = _prechecked(text, settings.max_query_length, settings.max_nesting, in_url)
    job = _job(app, accept, checked, params)
    inline: InlineEvaluator | None = app.state.sparql_inline
    if inline is None or not inline.wants(checked):
        return None
    return _reply(app, inline.run(job))


def _job(app: FastAPI, accept: str | None, checked: Checked, params: list[tuple[str, str]]) -> Job:
    results, graph = choose_formats(accept, [v for k, v in params if k == "format"])
    get_pool(app)  # made at the first query, with the inline evaluator beside it
    return Job(checked.text, results, graph, app.state.settings.max_rows)


def _reply(app: FastAPI, answer: Answer) -> Reply:
    if answer.status == 422 and _store_down(app):  # stopped at the deadline because the store hung: say so
        raise StoreTimeout("the remote store did not answer in time; try again shortly")
    raise_for(answer)
    if answer.truncated:
        return Reply(answer.body, answer.media_type, {**REPLY_HEADERS, TRUNCATED: "true"})
    return Reply(answer.body, answer.media_type, REPLY_HEADERS)


def _store_down(app: FastAPI) -> bool:
    monitor = getattr(app.state, "store_monitor", None)
    return monitor is not None and not monitor.snapshot()["ok"]


@router.get("/sparql", summary="SPARQL 1.1 query endpoint (read-only)", response_class=Response,
            operation_id="sparql_get")
@router.post("/sparql", summary="SPARQL 1.1 query endpoint (read-only)", response_class=Response,
             operation_id="sparql_post")
async def sparql(request: Request) -> Response:
    try:
        text, in_url, params = await read_query(request)
        if text is None:
            return describe_service(request)
        reply = await answer_query(request.app, request.headers.get("accept"), text, in_url, params)
        return Response(reply.body, media_type=reply.media_type, headers=reply.headers)
    except ExportGraphError as exc:
        return error_response(exc, request)


@router.options("/sparql", include_in_schema=False)
async def preflight() -> Response:
    return Response(status_code=204, headers=PREFLIGHT)


# ---------------------------------------------------------------- descriptions


def base_url(request: Request) -> str:
    settings: Settings = request.app.state.settings
    return (settings.base_url or str(request.base_url)).rstrip("/")


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(T.XSD + "integer"))


def service_triples(base: str, state: GraphState) -> list[ox.Triple]:
    endpoint = _n(f"{base}/sparql")
    dataset = _n(f"{base}/.well-known/void#dataset")
    a = _n(T.RDF + "type")
    out = [ox.Triple(endpoint, a, _n(SD + "Service")), ox.Triple(endpoint, _n(SD + "endpoint"), endpoint),
           ox.Triple(endpoint, _n(SD + "supportedLanguage"), _n(SD + "SPARQL11Query")),
           ox.Triple(endpoint, _n(SD + "feature"), _n(SD + "UnionDefaultGraph")),
           ox.Triple(endpoint, _n(SD + "defaultDataset"), dataset),
           ox.Triple(dataset, a, _n(SD + "Dataset"))]
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        out.append(ox.Triple(endpoint, _n(SD + "resultFormat"), _n(FORMATS_NS + name)))
    default = ox.BlankNode()
    out += [ox.Triple(dataset, _n(SD + "defaultGraph"), default), ox.Triple(default, a, _n(SD + "Graph"))]
    manifest = state.manifest
    if manifest.get("quads") is not None:
        out.append(ox.Triple(default, _n(VOID + "triples"), _int(int(manifest["quads"]))))
    for graph, count in sorted(manifest.get("graphs", {}).items()):
        named, inner = ox.BlankNode(), ox.BlankNode()
        out += [ox.Triple(dataset, _n(SD + "namedGraph"), named), ox.Triple(named, a, _n(SD + "NamedGraph")),
                ox.Triple(named, _n(SD + "name"), _n(graph)), ox.Triple(named, _n(SD + "graph"), inner),
                ox.Triple(inner, a, _n(SD + "Graph")), ox.Triple(inner, _n(VOID + "triples"), _int(int(count)))]
    return out


def _prefixes() -> dict[str, str]:
    return {**T.PREFIXES, "sd": SD, "void": VOID, "formats": FORMATS_NS}


def rdf_response(triples: list[ox.Triple], request: Request, default: str = "turtle") -> Response:
    offers = sorted(GRAPH_OFFERS, key=lambda o: o[1] != default)
    chosen = negotiate(request.headers.get("accept"), offers)
    if chosen is None:
        raise NotAcceptable("no RDF format matches the Accept header")
    from exportgraph.sparql.workers import GRAPH_FORMATS, MEDIA_TYPES

    body = ox.serialize(triples, format=GRAPH_FORMATS[chosen], prefixes=_prefixes()) or b""
    return Response(body, media_type=MEDIA_TYPES[chosen], headers={**CORS, "Vary": "Accept"})


def describe_service(request: Request) -> Response:
    """GET /sparql without a query: the SPARQL 1.1 service description, or a short help for people."""
    offers = [("text/turtle", "rdf"), ("text/html", "html"), ("application/json", "json")]
    offers += [(media, "rdf") for media, _ in GRAPH_OFFERS if media not in ("application/json",)]
    chosen = negotiate(request.headers.get("accept"), offers)
    base = base_url(request)
    if chosen == "rdf":
        return rdf_response(service_triples(base, request.app.state.graph), request)
    settings: Settings = request.app.state.settings
    help_ = {"endpoint": f"{base}/sparql", "usage": "GET ?query=..., or POST application/sparql-query, or POST "
             "application/x-www-form-urlencoded query=...; read-only (no updates, SERVICE, FROM, "
             "default-graph-uri or named-graph-uri)",
             "default_graph": "the union of all named graphs (one per source document)",
             "formats": {"select_ask": [m for m, _ in RESULT_OFFERS[:4]], "construct_describe":
                         [m for m, _ in GRAPH_OFFERS[:4]]},
             "limits": {"query_timeout_s": settings.query_timeout_s, "max_rows": settings.max_rows,
                        "max_query_length": settings.max_query_length, "max_nesting": settings.max_nesting},
             "dataset_description": f"{base}/.well-known/void", "ui": f"{base}/sparql-ui"}
    if chosen == "html":
        items = "".join(f"<li><b>{html.escape(k)}</b>: {html.escape(json.dumps(v))}</li>" for k, v in help_.items())
        page = (f"<!doctype html><html><head><meta charset='utf-8'><title>SPARQL endpoint</title></head><body>"
                f"<h1>exportgraph SPARQL endpoint</h1><p>Try the <a href='{html.escape(base)}/sparql-ui'>query "
                f"page</a>.</p><ul>{items}</ul></body></html>")
        return HTMLResponse(page, headers=CORS)
    if chosen == "json":
        return JSONResponse(help_, headers=CORS)
    raise NotAcceptable("the service description is available as Turtle, N-Triples, JSON-LD, RDF/XML, HTML or JSON")


def void_triples(base: str, state: GraphState) -> list[ox.Triple]:
    a, dct, dcat = _n(T.RDF + "type"), T.DCTERMS, T.DCAT
    ds = _n(f"{base}/.well-known/void#dataset")
    m = state.manifest
    out = [ox.Triple(ds, a, _n(VOID + "Dataset")), ox.Triple(ds, a, _n(dcat + "Dataset")),
           ox.Triple(ds, _n(dct + "title"),
                     ox.Literal("exportgraph: export controls on sensitive goods", language="en")),
           ox.Triple(ds, _n(dct + "description"), ox.Literal(
               "A comparative knowledge graph of export controls (China, the United States, the European Union, "
               "Japan, multilateral regimes); a named graph per source document.", language="en")),
           ox.Triple(ds, _n(VOID + "sparqlEndpoint"), _n(f"{base}/sparql")),
           ox.Triple(ds, _n(VOID + "uriSpace"), ox.Literal(T.ID)),
           ox.Triple(ds, _n(VOID + "vocabulary"), _n(T.EG)),
           ox.Triple(ds, _n(T.PREFIXES["owl"] + "versionInfo"), ox.Literal(str(exportgraph.__version__)))]
    if m.get("quads") is not None:
        out.append(ox.Triple(ds, _n(VOID + "triples"), _int(int(m["quads"]))))
    if m.get("data_as_of"):
        out.append(ox.Triple(ds, _n(dct + "modified"), ox.Literal(str(m["data_as_of"]), datatype=_n(T.XSD + "date"))))
    service = ox.BlankNode()
    out += [ox.Triple(service, a, _n(dcat + "DataService")), ox.Triple(ds, _n(dcat + "accessService"), service),
            ox.Triple(service, _n(dcat + "endpointURL"), _n(f"{base}/sparql")),
            ox.Triple(service, _n(dct + "conformsTo"), _n("https://www.w3.org/TR/sparql11-protocol/"))]
    if state.build is not None:
        for ext, (media, _fmt) in DOWNLOADS.items():
            url, dist = _n(f"{base}/download/dataset.{ext}"), ox.BlankNode()
            out += [ox.Triple(ds, _n(VOID + "dataDump"), url), ox.Triple(ds, _n(dcat + "distribution"), dist),
                    ox.Triple(dist, a, _n(dcat + "Distribution")), ox.Triple(dist, _n(dcat + "downloadURL"), url),
                    ox.Triple(dist, _n(dcat + "mediaType"), ox.Literal(media.split(";")[0]))]
    for graph, count in sorted(m.get("graphs", {}).items()):
        subset = ox.BlankNode()
        out += [ox.Triple(ds, _n(VOID + "subset"), subset), ox.Triple(subset, a, _n(VOID + "Dataset")),
                ox.Triple(subset, _n(SD + "name"), _n(graph)), ox.Triple(subset, _n(VOID + "triples"), _int(count))]
    return out


@router.get("/.well-known/void", summary="VoID / DCAT description of the dataset (Turtle by default)",
            response_class=Response)
def well_known_void(request: Request) -> Response:
    try:
        return rdf_response(void_triples(base_url(request), request.app.state.graph), request)
    except ExportGraphError as exc:
        return error_response(exc, request)


@router.get("/api/dataset", summary="VoID / DCAT description of the dataset (JSON-LD by default)",
            response_class=Response)
def api_dataset(request: Request) -> Response:
    try:
        return rdf_response(void_triples(base_url(request), request.app.state.graph), request, default="jsonld")
    except ExportGraphError as exc:
        return error_response(exc, request)


# ---------------------------------------------------------------- downloads

_DERIVE_LOCK = threading.Lock()


def derived_file(dataset: Path, ext: str) -> Path:
    """downloads/dataset-<sha>.<ext> next to the build, written once, streamed (Turtle: the union graph)."""
    target = dataset.parent / "downloads" / f"{dataset.stem}.{ext}"
    with _DERIVE_LOCK:
        if target.exists():
            return target
        target.parent.mkdir(exist_ok=True)
        fmt = DOWNLOADS[ext][1]
        quads = ox.parse(path=str(dataset), format=ox.RdfFormat.N_QUADS)
        # A triple stated in two graphs is written twice in Turtle: the same graph, and no set in memory.
        items: Any = quads if fmt is ox.RdfFormat.JSON_LD else (q.triple for q in quads)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.touch()
        with lease(tmp):  # a build removes temp files, but not one under a lease: this one is being written
            ox.serialize(items, output=str(tmp), format=fmt, prefixes=_prefixes())
            tmp.replace(target)
        for old in target.parent.glob(f"*.{ext}"):
            if old != target:
                old.unlink(missing_ok=True)
    return target


@router.get("/download/dataset.{ext}", summary="The whole dataset: N-Quads (as built), Turtle (union) or JSON-LD")
async def download(ext: str, request: Request) -> Response:
    state: GraphState = request.app.state.graph
    try:
        if ext not in DOWNLOADS:
            raise NotFound(f"no download dataset.{ext}; try nq, ttl or jsonld")
        if state.build is None:
            raise NotFound("this service has no local build to download (store=remote)")
        path = state.build.dataset if ext == "nq" else await asyncio.to_thread(derived_file, state.build.dataset, ext)
    except ExportGraphError as exc:
        return error_response(exc, request)
    except OSError:
        log.exception("could not write the %s download", ext)
        return error_response(ExportGraphError("the download could not be prepared"), request)
    return FileResponse(path, media_type=DOWNLOADS[ext][0], filename=f"exportgraph-dataset.{ext}", headers=CORS)
