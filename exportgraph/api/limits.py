"""Request size limits as a pure ASGI middleware: URL length (414) and body size (413).

The body is never read past the cap: a declared Content-Length over the cap is
refused before any byte is received, and a streamed (chunked) body is counted
as it arrives; the chunk that crosses the cap is the last one read. Whatever the
application answered after that is replaced by the 413.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI

from exportgraph.exc import BadRequest, ExportGraphError, QueryTooLarge, UriTooLong
from exportgraph.settings import Settings

Message = MutableMapping[str, Any]
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class _BodyTooLarge(Exception):
    """Raised inside the application's receive() once the body crosses the cap."""


async def send_error(send: Send, exc: ExportGraphError) -> None:
    body = json.dumps({"error": type(exc).__name__, "detail": exc.message}).encode("utf-8")
    await send({"type": "http.response.start", "status": exc.status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"access-control-allow-origin", b"*"), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def _declared_length(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
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
        if refusal is not None:
            await send_error(send, refusal)
            return
        await self._bounded(scope, receive, send)

    def _refusal(self, scope: Scope) -> ExportGraphError | None:
        path = scope.get("raw_path") or str(scope.get("path", "")).encode("utf-8")
        query = scope.get("query_string", b"")
        length = len(path) + (len(query) + 1 if query else 0)
        if length > self.max_url_length:
            return UriTooLong(f"the request URL is {length} bytes long; the limit is {self.max_url_length}")
        declared = _declared_length(scope)
        if declared is None:
            return None
        if not declared.strip().isdigit():
            return BadRequest("invalid Content-Length")
        if int(declared) > self.max_body_bytes:
            return QueryTooLarge(f"the request body is {int(declared)} bytes; the limit is {self.max_body_bytes}")
        return None

    async def _bounded(self, scope: Scope, receive: Receive, send: Send) -> None:
        received = 0
        over = started = False

        async def limited_receive() -> Message:
            nonlocal received, over
            if over:
                raise _BodyTooLarge()
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
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
            await send_error(send, QueryTooLarge(
                f"the request body is over the limit of {self.max_body_bytes} bytes"))


def install(app: FastAPI, settings: Settings) -> None:
    """Called by create_app: the limits wrap every route."""
    app.add_middleware(LimitsMiddleware, max_body_bytes=settings.max_body_bytes,
                       max_url_length=settings.max_url_length)
