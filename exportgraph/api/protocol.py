"""The HTTP protocol `serve` runs: uvicorn's h11 protocol with a deadline on the request head.

uvicorn closes an idle kept-alive connection (timeout_keep_alive) but waits for ever for a request line
and headers that never end: a client that sends one header byte a second (slowloris), or opens a
connection and sends nothing, holds it open without limit. Here each request head must be complete
within `header_timeout_s`, counted from the connection's opening for its first request and from the
first byte for the next ones (the wait between requests is uvicorn's keep-alive timeout). Past the
deadline, a connection that sent part of a head gets a 408 and is closed; one that sent nothing is
closed. A request whose head is complete is not timed here: a slow body or a slow reader is not cut.

It also runs the synchronous lane (api/synclane.py): a whole, plain request that the application can answer
at once (a /sparql query for the inline evaluator, /api/health) is answered inside data_received, without
h11 or an ASGI cycle; anything else goes to h11 as before. The lane is off with the access log (uvicorn
writes that line from its cycle).
"""

from __future__ import annotations

import asyncio
import json

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from exportgraph.api import synclane
from exportgraph.api.synclane import Lane


def with_header_timeout(seconds: float, lane: Lane | None = None, max_head: int = 0) -> type[asyncio.Protocol]:
    """The protocol class to give uvicorn.Config(http=...); with a lane, the synchronous lane on (heads up to
    max_head bytes: h11's own cap, h11_max_incomplete_event_size)."""

    class Protocol(HeaderTimeoutProtocol):
        header_timeout_s = seconds
        lane_answer = staticmethod(lane) if lane is not None else None
        lane_max_head = max_head

    return Protocol


def _timeout_answer(seconds: float) -> bytes:
    body = json.dumps({"error": "RequestTimeout",
                       "detail": f"the request line and headers did not arrive within {seconds:g} s"}).encode()
    head = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n" % len(body))
    return head + body


class HeaderTimeoutProtocol(H11Protocol):
    header_timeout_s = 10.0
    lane_answer: Lane | None = None
    lane_max_head = 0
    _deadline: asyncio.TimerHandle | None = None
    _head_started = False  # a byte of the pending request head has arrived

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self.lane_answer is not None and self._answered_at_once(data):
            return
        waiting = self.conn.their_state is h11.IDLE
        if waiting and self._deadline is None:
            self._arm()
        super().data_received(data)
        if self.conn.their_state is h11.IDLE:
            self._head_started = self._head_started or bool(data.strip())
        else:
            self._disarm()  # the head is complete: what follows is the body and the answer

    def _answered_at_once(self, data: bytes) -> bool:
        """The synchronous lane: True when `data` was one whole request, answered here."""
        conn = self.conn
        if (conn.their_state is not h11.IDLE or conn.our_state is not h11.IDLE or conn.trailing_data[0]
                or (self.cycle is not None and not self.cycle.response_complete) or self.access_log
                or self.transport.is_closing() or self.flow.write_paused):  # a client that does not read: h11's
            return False
        request = synclane.parse(data, self.lane_max_head)
        if request is None:
            return False
        answer = self.lane_answer(request)  # type: ignore[misc]
        if answer is None:
            return False
        self._unset_keepalive_if_required()
        self._disarm()
        self.transport.write(synclane.render(answer, self.server_state.default_headers))
        self.server_state.total_requests += 1
        self.timeout_keep_alive_task = self.loop.call_later(self.timeout_keep_alive, self.timeout_keep_alive_handler)
        return True

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._head_started = False
        self._deadline = self.loop.call_later(self.header_timeout_s, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if self._head_started:
            self.logger.info("closing a connection whose request head took over %g s", self.header_timeout_s)
            self.transport.write(_timeout_answer(self.header_timeout_s))
        self.transport.close()
