"""Pure ASGI middlewares around every route.

- `LimitsMiddleware`: URL length (414) and body size (413). The body is never kept
  past the cap: a streamed (chunked) body is counted as it arrives, and whatever
  the application answered to a cut body is replaced by the 413. The 413 goes out
  at once; then the rest of the body is read and thrown away, up to DRAIN_MAX_BYTES
  in all and DRAIN_MAX_S, before the connection is closed: a client that sends its
  whole body before it reads (requests, httpx, curl without 100-continue) gets the
  413 instead of a connection reset, since closing a socket with unread bytes makes
  the kernel send a reset. A declared Content-Length over DRAIN_MAX_BYTES, or one
  sent with `Expect: 100-continue`, is refused before any byte of the body is read.
- `HygieneMiddleware`: a path with a control character is a 404 (Starlette's `$`
  would match `/api/health` before a final newline); HEAD is answered as GET
  without the body; every answer carries `nosniff` and anti-framing headers, every
  HTML answer a Content-Security-Policy header; a 416 says why.
- `ClassLimitMiddleware`: graph views, REST, cheap REST listings and pages each have their own limit of
  requests at once, with a bounded wait (then 429 + Retry-After), so that no class
  can hold every thread of FastAPI's shared pool (once 40 threads: 64 concurrent views
  made /api/health wait 43 s). The pool itself is small (`handler_threads`): admitted
  requests wait for a thread on the event loop. Health, SPARQL (its own worker pool,
  429), static files and downloads are not counted; health is async and never waits
  for a thread.
"""

from __future__ import annotations

import html
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio
from fastapi import FastAPI

from exportgraph.exc import BadRequest, ExportGraphError, NotFound, Overloaded, QueryTooLarge, UriTooLong
from exportgraph.settings import Settings

Message = MutableMapping[str, Any]
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


DRAIN_MAX_BYTES = 64 * 1024 * 1024  # a body over the cap is read and thrown away up to this size...
DRAIN_MAX_S = 30.0  # ...and for at most this long; then the connection is closed with the rest unread


class _BodyTooLarge(Exception):
    """Raised inside the application's receive() once the body crosses the cap."""


def error_messages(exc: ExportGraphError, close: bool = True, page: bool = False) -> tuple[Message, Message]:
    """The error as JSON, or for a page or a view (whose errors are pages, never JSON) as a small HTML page."""
    if page:
        text = (f"<!doctype html><meta charset=utf-8><title>{exc.status}</title><h1>{exc.status}</h1>"
                f"<p>{html.escape(exc.message)}</p>")
        body, kind = text.encode("utf-8"), b"text/html; charset=utf-8"
    else:
        body, kind = json.dumps({"error": type(exc).__name__, "detail": exc.message}).encode("utf-8"), b"application/json"
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
               (b"access-control-allow-origin", b"*")]
    headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in exc.headers().items()]
    if close:
        headers.append((b"connection", b"close"))
    return ({"type": "http.response.start", "status": exc.status, "headers": headers},
            {"type": "http.response.body", "body": body})


async def send_error(send: Send, exc: ExportGraphError, close: bool = True, page: bool = False) -> None:
    for message in error_messages(exc, close, page):
        await send(message)


async def refuse_and_drain(send: Send, receive: Receive, exc: ExportGraphError, received: int = 0,
                           ended: bool = False) -> None:
    """Send the whole error, then read and discard the body (bounded) before the answer ends and the server closes.

    The error's bytes go out in a body chunk with more to come, so that the server keeps reading the request
    (uvicorn stops reading once an answer is complete); the client has the whole answer by its Content-Length.
    """
    start, body = error_messages(exc)
    await send(start)
    await send({**body, "more_body": True})
    with anyio.move_on_after(DRAIN_MAX_S):
        while not ended and received <= DRAIN_MAX_BYTES:
            message = await receive()
            if message["type"] != "http.request":
                break
            received += len(message.get("body", b""))
            ended = not message.get("more_body", False)
    await send({"type": "http.response.body", "body": b""})


def _header_value(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return bytes(value).decode("latin-1")
    return None


class LimitsMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int, max_url_length: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_url_length = max_url_length

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is None:
            await self._bounded(scope, receive, send)
        elif isinstance(refusal, QueryTooLarge) and self._drains(scope):
            await refuse_and_drain(send, receive, refusal)
        else:
            await send_error(send, refusal)

    @staticmethod
    def _drains(scope: Scope) -> bool:
        """Read the declared body before answering? Not when it is huge, nor when the client waits to be asked."""
        expect = (_header_value(scope, b"expect") or "").strip().lower()
        return expect != "100-continue" and int(_header_value(scope, b"content-length") or 0) <= DRAIN_MAX_BYTES

    def _refusal(self, scope: Scope) -> ExportGraphError | None:
        path = scope.get("raw_path") or str(scope.get("path", "")).encode("utf-8")
        query = scope.get("query_string", b"")
        length = len(path) + (len(query) + 1 if query else 0)
        if length > self.max_url_length:
            return UriTooLong(f"the request URL is {length} bytes long; the limit is {self.max_url_length}")
        declared = _header_value(scope, b"content-length")
        if declared is None:
            return None
        if not declared.strip().isdigit():
            return BadRequest("invalid Content-Length")
        if int(declared) > self.max_body_bytes:
            return QueryTooLarge(f"the request body is {int(declared)} bytes; the limit is {self.max_body_bytes}")
        return None

    async def _bounded(self, scope: Scope, receive: Receive, send: Send) -> None:
        received = 0
        over = started = ended = False

        async def limited_receive() -> Message:
            nonlocal received, over, ended
            if over:
                raise _BodyTooLarge()
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                ended = not message.get("more_body", False)
                if received > self.max_body_bytes:
                    over = True
                    raise _BodyTooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if over and not started:
                return  # the application's answer to a cut body is replaced by the 413
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not over:
                raise
        if over and not started:
            await refuse_and_drain(send, receive, QueryTooLarge(
                f"the request body is over the limit of {self.max_body_bytes} bytes"), received, ended)


# The pages' policy (also in their <meta> tags), plus what only a header can say: no framing.
PAGE_CSP = ("default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
# /docs and /redoc (fastapi-offline: Swagger UI and ReDoc from /static/docs) also need fonts, data images and
# ReDoc's blob: worker.
DOCS_CSP = ("default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; "
            "base-uri 'none'; frame-ancestors 'none'")
DOCS_PATHS = ("/docs", "/redoc")
ALWAYS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY")]


def has_control(path: str) -> bool:
    return any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in path)


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    return next((bytes(v) for k, v in headers if bytes(k).lower() == name), None)


class HygieneMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        head = scope.get("method") == "HEAD"
        csp = (DOCS_CSP if path.startswith(DOCS_PATHS) else PAGE_CSP).encode("latin-1")
        replaced = False

        async def hygienic_send(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start":
                headers = [(bytes(k), bytes(v)) for k, v in message.get("headers", [])]
                if message["status"] == 416 and not replaced:
                    replaced = True
                    start, body = _range_error(headers)
                    await hygienic_send(start)
                    await send(body if not head else {**body, "body": b""})
                    return
                message = {**message, "headers": _secured(headers, csp)}
            elif message["type"] == "http.response.body":
                if replaced:
                    return  # the application's empty 416 body; ours went out already
                if head:
                    if message.get("more_body", False):
                        return  # the last (empty) chunk ends the answer
                    message = {**message, "body": b""}
            await send(message)

        if has_control(path):
            await send_error(hygienic_send, NotFound("no resource at a path with control characters"), close=False)
            return
        inner = {**scope, "method": "GET"} if head else scope
        await self.app(inner, receive, hygienic_send)


def _secured(headers: list[tuple[bytes, bytes]], csp: bytes) -> list[tuple[bytes, bytes]]:
    out = headers + [h for h in ALWAYS if _header(headers, h[0]) is None]
    kind = _header(headers, b"content-type") or b""
    if kind.startswith(b"text/html") and _header(headers, b"content-security-policy") is None:
        out.append((b"content-security-policy", csp))
    return out


def _range_error(headers: list[tuple[bytes, bytes]]) -> tuple[Message, Message]:
    """Starlette answers an unsatisfiable Range with an empty 416: say why, and keep Content-Range."""
    size = (_header(headers, b"content-range") or b"").decode("latin-1").rpartition("/")[2]
    last = str(int(size) - 1) if size.isdigit() else "N"
    exc = RangeNotSatisfiable(f"the requested range starts beyond the end of the file ({size} bytes); "
                              f"ranges must start between 0 and {last}")
    body = json.dumps({"error": type(exc).__name__, "detail": exc.message}).encode("utf-8")
    out = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    out += [(k, v) for k, v in headers if k.lower() not in (b"content-type", b"content-length")]
    return ({"type": "http.response.start", "status": 416, "headers": out},
            {"type": "http.response.body", "body": body})


class RangeNotSatisfiable(ExportGraphError):
    status = 416


# Listings with a small, fixed answer (tens of ms): a class of their own, so that they never queue behind
# /api/compare, /api/entries or /api/search when the api class is full (a burst of 32 REST requests made
# /api/jurisdictions wait 5 s).
CHEAP_API = frozenset({"/api/jurisdictions", "/api/regimes", "/api/stats", "/api/dimensions", "/api/agencies",
                       "/api/licence-types", "/api/measures", "/api/cases", "/api/recommendations",
                       "/api/instruments", "/api/procedures", "/api/time-limits", "/api/memberships"})
CHEAP_AT_ONCE = 4
UNCOUNTED = frozenset({"/api/health", "/sparql", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})
UNCOUNTED_PREFIXES = ("/static/", "/download/")
WAITING_PER_SLOT = 8  # at most this many requests wait per running one; beyond that: 429 at once


def route_class(path: str) -> str | None:
    """views, api, cheap or pages; None for what has its own limits or costs nothing."""
    if path in UNCOUNTED or path.startswith(UNCOUNTED_PREFIXES):
        return None
    if path in CHEAP_API:
        return "cheap"
    if path.startswith("/views/"):
        return "views"
    return "api" if path.startswith("/api/") else "pages"


SLOW_CLASSES = ("views", "pages")


class ClassLimitMiddleware:
    """Admission per class (above), then, for graph views and pages, a share of the handler threads: together
    they hold at most `slow_threads` of them, so that REST always finds one (with one pool for all, first come
    first served, a REST request waited behind views of seconds: its p50 doubled in the soak)."""

    def __init__(self, app: ASGIApp, limits: dict[str, int], wait_s: float, slow_threads: int = 0) -> None:
        self.app = app
        self.wait_s = wait_s
        self.limiters = {name: anyio.CapacityLimiter(n) for name, n in limits.items()}
        self.slow = anyio.CapacityLimiter(slow_threads) if slow_threads > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        name = route_class(str(scope.get("path", ""))) if scope["type"] == "http" else None
        if name is None:
            await self.app(scope, receive, send)
            return
        limiter, borrower = self.limiters[name], object()
        refusal = await self._admit(name, limiter, borrower)
        if refusal is not None:
            await send_error(send, refusal, close=False, page=name in ("views", "pages"))
            return
        try:
            if self.slow is not None and name in SLOW_CLASSES:
                async with self.slow:  # waits on the loop: admitted already, bounded by the class limit
                    await self.app(scope, receive, send)
            else:
                await self.app(scope, receive, send)
        finally:
            limiter.release_on_behalf_of(borrower)

    async def _admit(self, name: str, limiter: anyio.CapacityLimiter, borrower: object) -> Overloaded | None:
        total = int(limiter.total_tokens)
        if limiter.statistics().tasks_waiting >= total * WAITING_PER_SLOT:
            return Overloaded(f"too many {name} requests are waiting ({total} run at once); try again shortly")
        with anyio.move_on_after(self.wait_s):
            await limiter.acquire_on_behalf_of(borrower)
            return None
        return Overloaded(f"the {name} requests are at their limit ({total} at once) and this one waited "
                          f"{self.wait_s:g} s; try again shortly")


HANDLER_THREADS = 3  # handler_threads=0: Python threads compete for the GIL (each
# busy one delays the event loop's turn, and health's). Over a remote store they wait on the network, but parse
# every answer with the GIL held, and a store on the same cores keeps them waiting for a CPU while they hold it:
# with 8, a 60 s remote soak (no heavy queries) had health p99 133.8 ms and load 10; with 3, 28.0 ms and load 6.5,
# 10 % fewer REST answers.


def handler_threads(settings: Settings) -> int:
    """Threads of anyio's default pool (FastAPI's sync routes, their dependencies, file reads) per web process.

    Small on purpose: the class limits admit up to views + api + pages + cheap requests at once; those past the
    threads wait for one on the event loop (anyio's limiter, first come first served), where waiting costs no GIL.
    With 40 threads, 17 admitted handlers each took the GIL in turn, and health waited behind them."""
    return settings.handler_threads or HANDLER_THREADS


def install(app: FastAPI, settings: Settings) -> None:
    """Called by create_app: the class limits wrap every route, the size limits wrap them, the hygiene wraps all."""
    app.add_middleware(ClassLimitMiddleware, limits={"views": settings.max_concurrent_views,
                                                     "api": settings.max_concurrent_api,
                                                     "pages": settings.max_concurrent_pages,
                                                     "cheap": CHEAP_AT_ONCE},
                       wait_s=settings.queue_wait_s, slow_threads=max(1, handler_threads(settings) - 1))
    app.add_middleware(LimitsMiddleware, max_body_bytes=settings.max_body_bytes,
                       max_url_length=settings.max_url_length)
    app.add_middleware(HygieneMiddleware)
