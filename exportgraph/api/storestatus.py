"""The remote store's status, cached: checked by a background thread, read by health and by every request.

No request waits on the store for it: a thread asks the store every POLL_S seconds (its mark, see
graph/remoteload.py, or for an unmarked store its graph count), each time within health_timeout_s, and
keeps the answer with its time. A status older than stale_after_s counts as unknown (the store hangs, or
the thread does). `StoreGate` answers 503 with Retry-After to REST, pages and SPARQL while the store is known
incomplete, and while the last check found it unreachable (refused, or no answer within health_timeout_s):
a request then costs microseconds, not a connection error or the remote timeout. Between a failure and the
next check (at most POLL_S), requests meet the store's own error: 502 when it refuses, 503 when it does not
answer in time. Once it is down, checks follow each other closely (POLL_DOWN_S), so that its return is seen
at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from exportgraph.api.limits import send_error
from exportgraph.exc import ExportGraphError, StoreIncomplete, StoreTimeout
from exportgraph.graph.remoteload import store_status
from exportgraph.graph.store import RemoteStore
from exportgraph.settings import Settings

log = logging.getLogger(__name__)
POLL_S = 1.0
# While the store is unreachable, the next check follows at once after one that waited its whole time (a hung
# store: a check is then always waiting, and is answered the moment the store resumes), and after POLL_DOWN_S
# after a refused connection (a store that is gone). In the remote soak, with 0.2 s after either, requests were
# refused up to 0.19 s after the stopped store resumed (141 of them).
POLL_DOWN_S = 0.05
UNREACHABLE = "the remote store does not answer (checked {age:.1f} s ago); try again shortly"
INCOMPLETE = ("the store is incomplete: a load is in progress or failed; the service answers again once "
              "`exportgraph load --into` completes")


class StoreMonitor:
    """The cached status of a remote store, refreshed by its own thread."""

    def __init__(self, settings: Settings, expected_graphs: Callable[[], int | None]) -> None:
        self.settings, self.expected_graphs = settings, expected_graphs
        self.stale_after_s = max(3.0, 2 * POLL_S + settings.health_timeout_s)
        self.status: dict[str, Any] = {"reachable": False, "state": "unknown", "detail": "not checked yet"}
        self.checked = 0.0  # time.monotonic() of the last answer (or failure) recorded
        self.waited = False  # the last check waited its whole time for an answer (a hung store)
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        # One store for every poll: its queries go over one kept-alive connection of this thread (graph/store.py
        # _Queries), and a broken or timed-out connection is dropped there, so the next poll opens a new one. A new
        # store each second would also build an httpx client: its CA bundle in a new SSL context, about 26 ms of CPU.
        self.remote = RemoteStore(settings.remote_query_url, settings.health_timeout_s)

    def poll(self) -> None:
        """Ask the store once (at most health_timeout_s per request) and record the answer."""
        started, waited = time.monotonic(), False
        try:
            found: dict[str, Any] = {"reachable": True, **store_status(self.remote, self.expected_graphs())}
        except StoreTimeout:
            waited = True
            found = {"reachable": False, "state": "unknown",
                     "detail": f"no answer within {self.settings.health_timeout_s:g} s"}
        except ExportGraphError as exc:
            found = {"reachable": False, "state": "unknown", "detail": exc.message}
        except Exception as exc:  # noqa: BLE001 - recorded, not raised: the thread must keep running
            log.warning("checking the remote store failed: %s: %s", type(exc).__name__, exc)
            found = {"reachable": False, "state": "unknown", "detail": f"the check failed ({type(exc).__name__})"}
        found["latency_ms"] = round((time.monotonic() - started) * 1000, 1)
        self.status, self.checked, self.waited = found, time.monotonic(), waited

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="store-monitor", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopping.wait(self._pause()):
            self.poll()
        self.remote.close()

    def _pause(self) -> float:
        """Seconds until the next check (see POLL_DOWN_S)."""
        if self.status.get("reachable"):
            return POLL_S
        return 0.0 if self.waited else POLL_DOWN_S

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is None:  # never started: nothing else uses the client
            self.remote.close()

    def snapshot(self) -> dict[str, Any]:
        """The last status with its age; unknown (not ok) once older than stale_after_s."""
        age = time.monotonic() - self.checked if self.checked else None
        out = dict(self.status)
        out["age_s"] = round(age, 2) if age is not None else None
        if age is None or age > self.stale_after_s:
            out.update(reachable=False, state="unknown",
                       detail=f"no status for {age:.1f} s (the store does not answer)" if age else out.get("detail"))
        out["ok"] = bool(out["reachable"]) and out["state"] in ("complete", "unmarked")
        if out["state"] == "incomplete":
            out["detail"] = INCOMPLETE
        return out

    def unreachable(self) -> float | None:
        """Seconds since the check that found the store unreachable; None when it answered (or was never
        checked). A status gone stale is not this: a hung check thread must not close the service."""
        if not self.checked or self.status.get("reachable", True) or self.status.get("state") == "incomplete":
            return None
        age = time.monotonic() - self.checked
        return age if age <= self.stale_after_s else None

    def incomplete(self) -> bool:
        """Known incomplete (by the last status recorded, however old: a store that stopped answering after it
        was found incomplete has not become complete)."""
        return self.status.get("state") == "incomplete"


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
OPEN = ("/api/health", "/static/", "/docs", "/openapi.json", "/redoc", "/favicon")


class StoreGate:
    """Pure ASGI middleware: 503 with Retry-After to everything but health, docs and static files while the
    remote store is known incomplete. Reads the cached status only."""

    def __init__(self, app: ASGIApp, monitor: Callable[[], StoreMonitor | None]) -> None:
        self.app, self.monitor = app, monitor

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        monitor = self.monitor() if scope["type"] == "http" else None
        path: str = scope.get("path", "")
        if monitor is None or path.startswith(OPEN):
            await self.app(scope, receive, send)
            return
        refusal: ExportGraphError | None = None
        if monitor.incomplete():
            refusal = StoreIncomplete(INCOMPLETE)
        elif (age := monitor.unreachable()) is not None:
            refusal = StoreTimeout(UNREACHABLE.format(age=age))
        if refusal is None:
            await self.app(scope, receive, send)
            return
        await _read_body(receive)  # so that the connection stays usable (limits' middleware caps the body)
        page = not path.startswith(("/api/", "/sparql"))
        await send_error(send, refusal, close=False, page=page)


async def _read_body(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body"):
            return
