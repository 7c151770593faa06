"""Issue 15 item 1: health and cheap routes never wait behind expensive ones.

A real uvicorn server on the session build (tests/servers.py); the load comes from one asyncio loop in
a child process (in this one it would compete with the server's threads for the GIL): 64 graph views and
a burst of 32 REST requests that each cost a query (new `as_of` dates defeat the compare cache), while
/api/health and a cheap REST route are asked every 0.1 s. Nothing is mocked.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from exportgraph.api.limits import handler_threads
from exportgraph.settings import Settings

from .servers import Server

VIEWS = ["/views/neighbourhood/regime/wa?depth=1", "/views/neighbourhood/regime/nsg?depth=2", "/views/regimes",
         "/views/compare"]


@pytest.fixture(scope="module")
def server(settings: Settings) -> Iterator[Server]:
    with Server(settings.with_(queue_wait_s=5.0)) as s:
        yield s


# The load and the probes run in a child process: in this one they would compete with the server's threads
# for the GIL, and a late probe would measure the client.
CHILD = """
import asyncio, json, sys, time
import httpx

VIEWS = %r


async def main(base):
    seen = {"views": [], "rest": [], "health": [], "cheap": []}
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client, \\
            httpx.AsyncClient(base_url=base, timeout=60) as prober:
        await prober.get("/api/health")  # its connection is open before the burst

        async def one(kind, url):
            started = time.monotonic()
            answer = await client.get(url)
            seen[kind].append((answer.status_code, time.monotonic() - started))

        burst = [one("views", VIEWS[i %% len(VIEWS)]) for i in range(64)]
        burst += [one("rest", f"/api/compare?as_of={2001 + i %% 25}-{1 + i %% 12:02d}-{1 + i %% 28:02d}")
                  for i in range(16)]
        burst += [one("rest", f"/api/entries?code={code}") for code in ["3B001", "1C002", "5A002", "9A004"] * 4]
        load = asyncio.gather(*burst)
        await asyncio.sleep(0.3)  # the burst is in flight
        while not load.done():
            for kind, url in (("health", "/api/health"), ("cheap", "/api/jurisdictions")):
                started = time.monotonic()
                answer = await prober.get(url)
                seen[kind].append((answer.status_code, time.monotonic() - started))
            await asyncio.sleep(0.1)
        await load
    print(json.dumps(seen))


asyncio.run(main(sys.argv[1]))
""" % (VIEWS,)


def _load_and_probe(base: str) -> dict[str, list[tuple[int, float]]]:
    out = subprocess.run([sys.executable, "-c", CHILD, base], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    seen: dict[str, list[tuple[int, float]]] = json.loads(out.stdout)
    return seen


def test_health_and_cheap_routes_answer_while_64_views_and_a_rest_burst_are_in_flight(server: Server) -> None:
    with httpx.Client(base_url=server.base, timeout=60) as c:
        assert c.get("/api/health").status_code == 200
    started = time.monotonic()
    seen = _load_and_probe(server.base)
    took = time.monotonic() - started
    health = [s for _, s in seen["health"]]
    cheap = [s for _, s in seen["cheap"]]
    assert {st for st, _ in seen["health"]} == {200}, seen["health"]
    assert len(health) >= 5 and max(health) < 1.0, (len(health), sorted(health)[-5:])
    assert {st for st, _ in seen["cheap"]} == {200}, seen["cheap"]  # answered, not refused
    assert max(cheap) < 3.0, sorted(cheap)[-5:]
    # The burst itself: answered or refused with a 429 (the class limits), never an error.
    assert {st for st, _ in seen["views"]} <= {200, 429} and any(st == 200 for st, _ in seen["views"])
    assert {st for st, _ in seen["rest"]} <= {200, 429} and any(st == 200 for st, _ in seen["rest"])
    assert took < 30, took


def _most_handler_threads(stop: threading.Event, seen: list[int]) -> None:
    """Every 10 ms: the most anyio worker threads of one event loop (each server has its own pool)."""
    while not stop.wait(0.01):
        loops = Counter(id(getattr(t, "loop", None)) for t in threading.enumerate() if t.name == "AnyIO worker thread")
        seen.append(max(loops.values(), default=0))


def test_handlers_run_on_a_few_threads_and_the_rest_wait_on_the_loop(server: Server, settings: Settings) -> None:
    """The class limits admit 17 requests at once; only handler_threads of them hold a thread (and want the GIL)."""
    allowed = handler_threads(settings)
    assert allowed == 3  # the embedded store's default
    stop, seen = threading.Event(), [0]
    watcher = threading.Thread(target=_most_handler_threads, args=(stop, seen), daemon=True)
    watcher.start()
    try:
        answered = _load_and_probe(server.base)
    finally:
        stop.set()
        watcher.join()
    assert max(seen) <= allowed, max(seen)
    assert max(seen) == allowed  # the burst used every thread it may
    assert {st for st, _ in answered["rest"]} <= {200, 429} and any(st == 200 for st, _ in answered["rest"])
    assert {st for st, _ in answered["health"]} == {200}


def test_views_and_pages_never_hold_every_handler_thread() -> None:
    """Graph views and pages together enter the application at most `slow_threads` at a time; a REST request
    admitted meanwhile goes straight in, instead of waiting behind them for one of the few handler threads."""
    from exportgraph.api.limits import ClassLimitMiddleware

    inside: Counter[str] = Counter()
    most: Counter[str] = Counter()
    release = asyncio.Event()

    async def application(scope: Any, receive: Any, send: Any) -> None:
        kind = "slow" if scope["path"].startswith(("/views/", "/item/")) else "rest"
        inside[kind] += 1
        most[kind] = max(most[kind], inside[kind])
        try:
            if kind == "slow":
                await release.wait()
        finally:
            inside[kind] -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def sink(message: Any) -> None:
        return None

    async def call(middleware: ClassLimitMiddleware, path: str) -> None:
        await middleware({"type": "http", "path": path}, lambda: None, sink)  # type: ignore[arg-type,return-value]

    async def main() -> tuple[Counter[str], bool]:
        middleware = ClassLimitMiddleware(application, {"views": 2, "pages": 4, "api": 8, "cheap": 4}, wait_s=5,
                                          slow_threads=2)
        slow = [asyncio.create_task(call(middleware, p)) for p in ["/views/a", "/views/b", "/item/x", "/item/y"]]
        await asyncio.sleep(0.05)
        rest_done = False
        try:
            await asyncio.wait_for(call(middleware, "/api/entries"), timeout=1)  # not behind the slow ones
            rest_done = True
        finally:
            release.set()
            await asyncio.gather(*slow)
        return most, rest_done

    seen, rest_done = asyncio.run(main())
    assert rest_done
    assert seen["slow"] == 2, seen  # two views and pages at most inside at once, out of four admitted
