"""The short path of a SPARQL query: /sparql answered by a raw ASGI handler in front of FastAPI.

FastAPI's routing, its Request and Response objects and Starlette's middleware stack cost more than the
guards themselves on a small query. This handler sits inside the limits, hygiene and store-gate middlewares
(api/app.py: ExportgraphApp.front; so the size caps, the control-character check and the security headers
still apply) and answers GET and
POST /sparql with a query through the same functions as the route (routes/sparql.py: parse_query_request,
answer_query): dataset parameters refused, precheck, the guard, negotiation, CORS, admission and the
worker pool with its killable deadline. Everything else, and /sparql without a query (the service
description), goes on to FastAPI unchanged.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from starlette.datastructures import QueryParams

from exportgraph.api.limits import ALWAYS, ASGIApp, Message, Receive, Scope, Send
from exportgraph.api.routes.sparql import CORS, REPLY_HEADERS, Reply, answer_now, answer_query, parse_query_request
from exportgraph.api.synclane import Answer, Request
from exportgraph.exc import ExportGraphError, InternalError

log = logging.getLogger(__name__)

PATH = "/sparql"


class SparqlFastPath:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        body = b"" if scope["method"] == "GET" else await _read_body(receive)
        try:
            params = QueryParams(scope["query_string"]).multi_items()
            text, in_url, params = parse_query_request(scope["method"], params,
                                                       headers.get(b"content-type", ""), body)
            if text is None:  # the service description: FastAPI's route, with the body it has not seen
                await self.app(scope, _replay(body, receive), send)
                return
            reply = await answer_query(scope["app"], headers.get(b"accept"), text, in_url, params)
        except ExportGraphError as exc:
            await _send_error(send, exc, scope)
            return
        except Exception:  # noqa: BLE001 - as the application's own handler: logged, never sent to the client
            log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            await _send_error(send, InternalError("internal error (logged on the server)"), scope)
            return
        await _send_reply(send, reply)


class SparqlFront:
    """/sparql as served: the usual request answered with the whole chain's checks made here at once.

    The chain (hygiene, limits, the store gate, then SparqlFastPath) costs about 40 µs of wrappers per request,
    as much as a point lookup's evaluation. A GET or POST with a declared body within the cap, a URL within its
    cap and the embedded store (no store gate) needs none of what the wrappers do beyond their checks: those
    are made here, and the answer carries the hygiene's headers. Anything else (HEAD, OPTIONS, a chunked or
    oversized body, a long URL, a remote store, the service description) goes through the chain unchanged.
    """

    def __init__(self, chain: ASGIApp, max_body_bytes: int, max_url_length: int, gated: Callable[[], bool]) -> None:
        self.chain = chain
        self.max_body_bytes = max_body_bytes
        self.max_url_length = max_url_length
        self.gated = gated
        self.answered_now = 0  # requests the synchronous lane answered from here (/api/health: sparql.at_once)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = self._usual(scope)
        if headers is None:
            await self.chain(scope, receive, send)
            return
        body = b"" if scope["method"] == "GET" else await _read_body(receive)
        try:
            params = QueryParams(scope["query_string"]).multi_items() if scope["query_string"] else []
            text, in_url, params = parse_query_request(scope["method"], params,
                                                       headers.get(b"content-type", ""), body)
            if text is None:  # the service description: through the chain, with the body it has not seen
                await self.chain(scope, _replay(body, receive), send)
                return
            reply = await answer_query(scope["app"], headers.get(b"accept"), text, in_url, params)
        except ExportGraphError as exc:
            await _send_error(_secured(send), exc, scope)
            return
        except Exception:  # noqa: BLE001 - as the application's own handler: logged, never sent to the client
            log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            await _send_error(_secured(send), InternalError("internal error (logged on the server)"), scope)
            return
        await _send_reply(send, reply, ALWAYS)

    def answer_now(self, app: Any, request: Request) -> Answer | None:
        """The answer to a whole request the synchronous lane read (api/synclane.py), made on this thread as
        __call__ would make it, when the query is one for the inline evaluator; None for anything else, which
        then goes through __call__ (and its chain) as usual."""
        if self.gated() or len(request.path) + len(request.query) + 1 > self.max_url_length:
            return None
        if len(request.body) > self.max_body_bytes:
            return None
        method = request.method
        try:
            params = QueryParams(request.query).multi_items() if request.query else []
            text, in_url, params = parse_query_request(method, params, request.headers.get(b"content-type", ""),
                                                       request.body)
            if text is None:
                return None  # the service description
            reply = answer_now(app, request.headers.get(b"accept"), text, in_url, params)
        except ExportGraphError as exc:
            headers, body = error_parts(exc, method, PATH)
            return Answer(exc.status, headers + ALWAYS, body)
        except Exception:  # noqa: BLE001 - as the application's own handler: logged, never sent to the client
            log.exception("unhandled error on %s %s", method, PATH)
            headers, body = error_parts(InternalError("internal error (logged on the server)"), method, PATH)
            return Answer(500, headers + ALWAYS, body)
        if reply is None:
            return None
        return Answer(200, reply_headers(reply, ALWAYS), reply.body)

    def _usual(self, scope: Scope) -> dict[bytes, str] | None:
        """The request's headers if the chain would let it through untouched, else None."""
        method = scope["type"] == "http" and scope["method"]
        if method not in ("GET", "POST") or self.gated():
            return None
        path = scope.get("raw_path") or b""
        query = scope["query_string"]
        if len(path) + (len(query) + 1 if query else 0) > self.max_url_length:
            return None
        headers = _headers(scope)
        declared = headers.get(b"content-length")
        if method == "POST" and (declared is None or not declared.isdigit() or int(declared) > self.max_body_bytes):
            return None  # chunked, invalid or over the cap: the limits middleware's to judge
        if method == "GET" and declared not in (None, "0"):
            return None
        return headers


def _secured(send: Send) -> Send:
    """The hygiene middleware's headers on an answer that did not go through it (an error's)."""

    async def secured(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message["headers"], *ALWAYS]}
        await send(message)

    return secured


def _headers(scope: Scope) -> dict[bytes, str]:
    """The first value of each header (as Starlette's `headers.get`)."""
    out: dict[bytes, str] = {}
    for name, value in scope["headers"]:
        out.setdefault(bytes(name), bytes(value).decode("latin-1"))
    return out


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def again() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return again


def _encoded(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]


_REPLY_HEADERS = _encoded(REPLY_HEADERS)


def reply_headers(reply: Reply, extra: list[tuple[bytes, bytes]] | None = None) -> list[tuple[bytes, bytes]]:
    headers = _REPLY_HEADERS.copy() if reply.headers is REPLY_HEADERS else _encoded(reply.headers)
    headers += [(b"content-length", str(len(reply.body)).encode()),
                (b"content-type", reply.media_type.encode("latin-1"))]
    if extra:
        headers += extra
    return headers


def error_parts(exc: ExportGraphError, method: str, path: str) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """As routes/sparql.py's error_response: the family's JSON, CORS, Retry-After where it applies."""
    if exc.status >= 500:
        log.warning("%s %s: %s", method, path, exc.message)
    body = json.dumps({"error": type(exc).__name__, "detail": exc.message}, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")
    headers: list[Any] = [(k.lower().encode("latin-1"), v.encode("latin-1"))
                          for k, v in {**CORS, **exc.headers()}.items()]
    headers += [(b"content-length", str(len(body)).encode()), (b"content-type", b"application/json")]
    return headers, body


async def _send_reply(send: Send, reply: Reply, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": reply_headers(reply, extra)})
    await send({"type": "http.response.body", "body": reply.body})


async def _send_error(send: Send, exc: ExportGraphError, scope: Scope) -> None:
    headers, body = error_parts(exc, scope["method"], scope["path"])
    await send({"type": "http.response.start", "status": exc.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
