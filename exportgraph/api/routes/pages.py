"""HTML pages: home, the comparison heat map, a page per resource (with linked-data content
negotiation on /id/), case timelines and a SPARQL page. Jinja2 with autoescaping; no page loads
anything from another host."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import urlsplit

import jinja2
import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from exportgraph.api.deps import State, Store
from exportgraph.api.routes.views import Text, split
from exportgraph.api.sparql_examples import EXAMPLES
from exportgraph.exc import BadRequest, ExportGraphError, NotFound
from exportgraph.explorer.views import VERDICT_COLOURS, curie
from exportgraph.graph import terms as T
from exportgraph.graph.store import GraphStore
from exportgraph.query import base as Q
from exportgraph.query import compare as C
from exportgraph.query import items as I

router = APIRouter(tags=["pages"], include_in_schema=False)
RDF_TYPES = {"turtle": ("text/turtle; charset=utf-8", ox.RdfFormat.TURTLE),
             "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
             "ntriples": ("application/n-triples", ox.RdfFormat.N_TRIPLES)}
OFFERS = {"text/html": "html", "application/xhtml+xml": "html", "text/turtle": "turtle",
          "application/x-turtle": "turtle", "application/ld+json": "jsonld", "application/n-triples": "ntriples"}


def safe_url(url: Any) -> str | None:
    """Only http(s) links from the data become hrefs (a `javascript:` URL would run)."""
    text = str(url or "")
    return text if urlsplit(text).scheme in ("http", "https") else None


def local(iri: Any) -> str | None:
    """The page of a minted IRI, else None."""
    found = T.local_id(str(iri or ""))
    return f"/id/{found}" if found and T.ID_RE.match(found.split("#")[0]) else None


def ink(colour: str) -> str:
    """Black or white text, whichever contrasts more with a #rrggbb background (WCAG relative luminance)."""
    rgb = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lum = sum(w * (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
              for w, c in zip((0.2126, 0.7152, 0.0722), rgb, strict=True))
    return "#000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#fff"


def pick(names: dict[str, str] | None, lang: str = "en", fallback: str = "") -> str:
    """A label in the reader's language, else English, else any."""
    if not names:
        return fallback
    return names.get(lang) or names.get("en") or next(iter(names.values()))


@lru_cache(maxsize=1)
def env() -> jinja2.Environment:
    e = jinja2.Environment(loader=jinja2.PackageLoader("exportgraph.api", "templates"), autoescape=True,
                           trim_blocks=True, lstrip_blocks=True)
    e.filters.update(safe_url=safe_url, local=local, curie=curie, ink=ink, pick=pick)
    e.globals.update(colours=VERDICT_COLOURS)
    return e


def page(name: str, code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(env().get_template(name).render(**context), status_code=code)


def error(exc: ExportGraphError) -> HTMLResponse:
    return page("error.html", exc.status, status=exc.status, message=exc.message)


@router.get("/", response_class=HTMLResponse)
def home(store: Store, state: State) -> HTMLResponse:
    counts = {Q.value(r["j"]): Q.value(r["n"]) for r in store.select(
        "SELECT ?j (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s eg:jurisdiction ?j } GROUP BY ?j")}
    jurisdictions = [dict(j, count=counts.get(j["iri"], 0)) for j in Q.listing(store, "Jurisdiction")]
    members: dict[str, int] = {}
    for m in Q.memberships(store):
        if m["status"] in ("participant", "adherent"):
            members[m["regime"]] = members.get(m["regime"], 0) + 1
    m = state.manifest
    return page("home.html", jurisdictions=jurisdictions, regimes=Q.regimes(store), members=members,
                lists=I.lists(store), cases=Q.cases(store), data_as_of=m.get("data_as_of"), quads=m.get("quads"),
                records=m.get("records"), by_class=m.get("records_by_class", {}))


@router.get("/compare", response_class=HTMLResponse)
def compare_page(store: Store, jurisdictions: Text = "cn,us,eu,jp", as_of: Text = None, since: Text = None) -> HTMLResponse:
    chosen = split(jurisdictions)
    try:
        day = Q.parse_as_of(as_of) if as_of else dt.date.today()
        start = Q.parse_as_of(since)
        result = C.compare(store, chosen, day)
        limits = [t for j in result["jurisdictions"] for t in Q.time_limits(store, j, day)]
    except ExportGraphError as exc:
        return error(exc)
    return page("compare.html", result=result, as_of=day.isoformat() if day else "", since=start.isoformat() if start else "",
                all_jurisdictions=Q.listing(store, "Jurisdiction"), chosen=result["jurisdictions"], time_limits=limits)


@router.get("/cases", response_class=HTMLResponse)
def cases_page(store: Store) -> HTMLResponse:
    return page("cases.html", cases=Q.cases(store))


@router.get("/cases/{case_id:path}", response_class=HTMLResponse)
def case_page(case_id: str, store: Store) -> HTMLResponse:
    try:
        timeline = Q.timeline(store, case_id)
    except ExportGraphError as exc:
        return error(exc)
    return page("case.html", case=timeline)


@router.get("/sparql-ui", response_class=HTMLResponse)
def sparql_page(query: Annotated[str | None, Query(max_length=20000)] = None) -> HTMLResponse:
    """The SPARQL page; with ?query= (a permalink) it opens with that query, ready to run."""
    return page("sparql.html", examples=EXAMPLES, initial=query)


def negotiate(accept: str) -> str | None:
    """The best of our offers for an Accept header (HTML for none or */*)."""
    best: tuple[float, int, str] | None = None
    for part in (accept or "*/*").split(","):
        fields = [f.strip() for f in part.split(";")]
        media, q = fields[0].lower(), 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if media in ("*/*", "text/*"):
            found: str | None = "html"
        else:
            found = OFFERS.get(media)
        specific = 0 if media.endswith("*") else 1
        if found and q > 0 and (best is None or (q, specific) > best[:2]):
            best = (q, specific, found)
    return best[2] if best else None


def triples(store: GraphStore, record_id: str) -> list[ox.Triple]:
    """The resource's statements and those of its own #-fragments (citations, quantities)."""
    Q.check_id(record_id)
    s = T.iri(record_id)
    found = store.construct(f"""CONSTRUCT {{ ?a ?p ?o }} WHERE {{
        {{ BIND(<{s}> AS ?a) ?a ?p ?o }} UNION
        {{ <{s}> ?q ?a . FILTER(isIRI(?a) && STRSTARTS(STR(?a), "{s}#")) ?a ?p ?o }} }}""")
    if not found:
        raise NotFound(f"no resource with id {record_id!r}")
    return sorted(set(found), key=str)


@router.get("/id/{record_id:path}")
def resource(record_id: str, request: Request, store: Store) -> Response:
    kind = negotiate(request.headers.get("accept", ""))
    try:
        if kind is None:
            raise _NotAcceptable("acceptable: text/html, text/turtle, application/ld+json, application/n-triples")
        if kind != "html":
            media, fmt = RDF_TYPES[kind]
            body = ox.serialize(triples(store, record_id), format=fmt, prefixes=dict(T.PREFIXES))
            return Response(body, media_type=media, headers={"Vary": "Accept"})
        info = Q.describe(store, record_id)
        extra = _entity_extra(store, info)
    except ExportGraphError as exc:
        if kind == "html" or kind is None:
            return error(exc)
        return Response(exc.message + "\n", status_code=exc.status, media_type="text/plain; charset=utf-8")
    from exportgraph.api.lang import reader_language

    return page("entity.html", r=info, lang=reader_language(request), **_entity_context(info), **extra)


INCOMING_CAP = 500  # Q.describe lists at most this many resources that link to one


def _entity_extra(store: GraphStore, info: dict[str, Any]) -> dict[str, Any]:
    """Memberships by name and date on a jurisdiction's page; on a list's page, the link to its entries page by
    page, and whether the 'linked from' list was cut at the cap."""
    classes = {t.rsplit("#", 1)[-1] for t in info["types"]}
    memberships = Q.memberships(store, jurisdiction=info["id"]) if "Jurisdiction" in classes else []
    listed = bool(classes & {"ControlList", "PartyList", "ListEdition"})
    return {"memberships": memberships, "list_page": f"/list/{info['id']}" if listed else None,
            "incoming_capped": len(info["incoming"]) >= INCOMING_CAP}


class _NotAcceptable(BadRequest):
    status = 406


def _entity_context(info: dict[str, Any]) -> dict[str, Any]:
    facts = info["facts"]
    validity = {curie(f["property"]): f["value"] for f in facts
                if f["property"] in (T.EG + "validFrom", T.EG + "validUntil")}
    classes = [curie(t).split(":")[-1] for t in info["types"]]
    views = [("Neighbourhood graph", f"/views/neighbourhood/{info['id']}")]
    if {"Case", "WtoDispute"} & set(classes):
        views += [("Timeline page", f"/cases/{info['id']}"), ("Timeline graph", f"/views/case/{info['id']}")]
    if "ControlEntry" in classes:
        views.append(("Crosswalk graph", f"/views/crosswalk/{info['id']}"))
    neighbours = sorted({(f["value_label"] or f["value"], f["value"]) for f in facts
                         if f["iri"] and local(f["value"])})
    return {"validity": validity, "classes": classes, "views": views, "neighbours": neighbours}
