"""The FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException

import exportgraph
from exportgraph.api import limits, memory, pauses, synclane
from exportgraph.api.fastpath import PATH as SPARQL_PATH
from exportgraph.api.fastpath import SparqlFastPath, SparqlFront
from exportgraph.api.limits import ASGIApp, Receive, Scope, Send
from exportgraph.api.respond import JSONAnswer, error_response
from exportgraph.api.routes.items import entries
from exportgraph.api.routes.meta import health_asgi, health_parts
from exportgraph.api.shortroutes import ShortRoutes
from exportgraph.api.state import GraphState, load_state
from exportgraph.api.storestatus import StoreGate, StoreMonitor
from exportgraph.api.synclane import Answer, Lane
from exportgraph.api.warmup import warm_up
from exportgraph.exc import ExportGraphError
from exportgraph.settings import Settings

log = logging.getLogger(__name__)
HEALTH_PATH = "/api/health"
HEALTH_PATH_BYTES = HEALTH_PATH.encode()
SPARQL_PATH_BYTES = SPARQL_PATH.encode()

DESCRIPTION = """A comparative knowledge graph of export controls on sensitive goods: China, the United States,
the European Union, Japan and the multilateral regimes. REST endpoints answer convergence and divergence
questions; `/sparql` is a read-only SPARQL 1.1 endpoint; every IRI under `/id/` dereferences."""


def _in_front(app: FastAPI, settings: Settings, monitor: Callable[[], StoreMonitor | None]) -> None:
    """/sparql and /api/health answered in front of Starlette's middleware stack (its error middleware,
    FastAPI's own middlewares, routing), which costs more than the guards on a point lookup: the same hygiene,
    limits and store gate as every route, in the same order, around raw handlers (api/fastpath.py, which hands
    anything but a query, the service description, to the whole stack; routes/meta.py: health_asgi).
    Starlette builds the stack on the first request."""
    build_whole = app.build_middleware_stack

    def build() -> ASGIApp:
        whole = build_whole()

        def wrapped(inner: ASGIApp) -> ASGIApp:
            return limits.HygieneMiddleware(limits.LimitsMiddleware(
                inner, max_body_bytes=settings.max_body_bytes, max_url_length=settings.max_url_length))

        sparql = SparqlFront(wrapped(StoreGate(SparqlFastPath(whole), monitor=monitor)), settings.max_body_bytes,
                             settings.max_url_length, gated=lambda: monitor() is not None)
        health = wrapped(health_asgi)  # the store gate lets health through (storestatus.OPEN)
        app.state.sparql_front = sparql  # for the synchronous lane (lane, below)

        async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http":
                if scope["path"] == SPARQL_PATH:
                    await sparql(scope, receive, send)
                    return
                if scope["path"] == HEALTH_PATH and scope["method"] in ("GET", "HEAD"):
                    await health(scope, receive, send)
                    return
            await whole(scope, receive, send)

        return dispatch

    setattr(app, "build_middleware_stack", build)  # noqa: B010 - this instance's own builder


def served(app: FastAPI) -> ASGIApp:
    """What `serve` gives uvicorn: the app, with /sparql and /api/health handed straight to the stack that
    _in_front builds. FastAPI's own entry checks its telemetry's configuration on every request (three
    environment reads, about 5 µs); those two paths skip it, everything else enters as usual."""

    async def door(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in (SPARQL_PATH, HEALTH_PATH):
            scope["app"] = app
            if app.middleware_stack is None:
                app.middleware_stack = app.build_middleware_stack()
            await app.middleware_stack(scope, receive, send)
            return
        await app(scope, receive, send)

    return door


def lane(app: FastAPI) -> Lane:
    """What the protocol's synchronous lane (api/synclane.py) may answer at once: a /sparql query that the
    inline evaluator takes, as SparqlFront would answer it, and GET /api/health, as the chain would (its
    headers and the hygiene's). None for anything else: the request then goes to uvicorn's cycle and `served`."""

    def answer(request: synclane.Request) -> Answer | None:
        if request.path == SPARQL_PATH_BYTES:
            if app.middleware_stack is None:
                app.middleware_stack = app.build_middleware_stack()
            front: SparqlFront = app.state.sparql_front
            answer = front.answer_now(app, request)
            front.answered_now += answer is not None
            return answer
        if request.path == HEALTH_PATH_BYTES and request.method == "GET" and not request.query:
            code, headers, body = health_parts(app)
            return Answer(code, headers + limits.ALWAYS, body)
        return None

    return answer


def create_app(settings: Settings | None = None, state: GraphState | None = None) -> FastAPI:
    """Build the application. The graph is loaded here, once, unless a state is given."""
    settings = settings or Settings.from_env()
    memory.limit_arenas(settings.malloc_arena_max)  # before the threads that would open arenas of their own
    loaded = state or load_state(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # A few threads run the sync routes; what the class limits admit beyond them waits on the loop (limits.py).
        anyio.to_thread.current_default_thread_limiter().total_tokens = limits.handler_threads(settings)
        monitor: StoreMonitor | None = app.state.store_monitor
        if monitor is not None:  # one check before the first request (bounded by health_timeout_s), then a thread
            await anyio.to_thread.run_sync(monitor.poll)
            monitor.start()
            app.state.shutdown_hooks.append(monitor.stop)
        memory.start_trimming(settings.malloc_trim_s)  # freed memory back to the system (api/memory.py)
        pauses.settle()  # full garbage collections walk only what is new, GIL switches every ms (pauses.py)
        # `serve`: a request of each kind to itself first (warmup.py); not while the remote store does not answer
        # (each request would wait for it, and the readers after them).
        if getattr(app.state, "warm_up", False) and (monitor is None or monitor.snapshot()["ok"]):
            await warm_up(app)
            pauses.settle()
        yield
        hooks = getattr(app.state, "shutdown_hooks", [])
        for hook in hooks:
            hook()
        app.state.graph.close()  # the store, and the lease on the dataset file

    # /docs and /redoc from the Swagger UI and ReDoc files that fastapi-offline ships (no CDN: they work offline).
    app = FastAPIOffline(title="exportgraph", version=exportgraph.__version__, description=DESCRIPTION,
                         lifespan=lifespan, static_url="/static/docs", swagger_ui_parameters={"validatorUrl": None},
                         default_response_class=JSONAnswer,  # a returned dict written by orjson (respond.py)
                         redoc_url=None)  # /redoc: exportgraph/api/routes/views.py (ReDoc's logo without its CDN)
    app.state.settings = settings
    app.state.graph = loaded
    app.state.shutdown_hooks = []
    app.state.store_monitor = None
    if settings.store == "remote":
        app.state.store_monitor = StoreMonitor(settings, lambda: len(app.state.graph.manifest.get("graphs") or {}) or None)
    _errors(app)
    _routes(app)

    def monitor() -> StoreMonitor | None:
        store_monitor: StoreMonitor | None = app.state.store_monitor
        return store_monitor

    app.add_middleware(ShortRoutes, routes={"/api/entries": entries}, state=app.state)  # innermost: the lookup
    app.add_middleware(StoreGate, monitor=monitor)  # inside limits: its headers apply
    limits.install(app, settings)  # class limits (503), URL (414) and body (413) caps, headers
    _in_front(app, settings, monitor)
    return app


def _errors(app: FastAPI) -> None:
    @app.exception_handler(ExportGraphError)
    async def known(request: Request, exc: ExportGraphError) -> JSONResponse:
        return error_response(exc, request.method, request.url.path)

    @app.exception_handler(HTTPException)
    async def routing(request: Request, exc: HTTPException) -> JSONResponse:
        # What Starlette answers by itself (no route: 404, wrong method: 405) in the family's shape.
        name = {404: "NotFound", 405: "MethodNotAllowed"}.get(exc.status_code, "HTTPError")
        return JSONResponse({"error": name, "detail": str(exc.detail)}, status_code=exc.status_code,
                            headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors()]
        return JSONResponse({"error": "BadRequest", "detail": "; ".join(problems)}, status_code=400)

    @app.exception_handler(Exception)
    async def unknown(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"error": "InternalError", "detail": "internal error (logged on the server)"},
                            status_code=500)


def _routes(app: FastAPI) -> None:
    """Each router module registers itself here; see exportgraph/api/routes/."""
    from exportgraph.api import routes

    for router in routes.routers():
        app.include_router(router)
