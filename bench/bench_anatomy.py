"""Benchmark: where the time of one /sparql request goes, in process (no network, no HTTP parsing).

Each step is timed on its own, many times, on the real build, for the repeated lookup (a) of
bench_endpoint.py:
  evaluate + serialise in process   pyoxigraph Store.query + JSON serialiser (what the raw floor does)
  precheck / negotiation / verdict  the guards that run in the web process for every request
  worker round trip                 WorkerPool.run: queue, pipe to the worker, evaluation there, pipe back
  whole app, FastAPI route          the ASGI app without the fast path (middlewares + FastAPI + the route)
  whole app, fast path              the ASGI app as served (middlewares + api/fastpath.py)
  whole app, in-process             the same with query_evaluation=in-process (a thread of this process)
  whole app as served, inline       as `serve` runs it: anchored queries on the event loop (sparql/inline.py),
                                    entered through api/app.py `served`
and (b), new text every request, through the whole app (the guard's parse of a new text included).

    python bench/bench_anatomy.py --build-dir /tmp/eg-build [--calls 500]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import pct, table, write_results  # noqa: E402
from bench_endpoint import QUERIES  # noqa: E402

QA = QUERIES["a"]


def _scope(path: str, body: bytes) -> dict[str, Any]:
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
            "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
            "headers": [(b"host", b"bench"), (b"content-type", b"application/sparql-query"),
                        (b"accept", b"application/sparql-results+json"),
                        (b"content-length", str(len(body)).encode())],
            "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "state": {}}


async def call(app: Any, body: bytes) -> int:
    sent: list[dict[str, Any]] = []
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return pending.pop() if pending else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(_scope("/sparql", body), receive, send)
    return int(sent[0]["status"])


async def timed(calls: int, step: Callable[[int], Awaitable[object]]) -> list[float]:
    for i in range(min(50, calls)):
        await step(-i - 1)
    out = []
    for i in range(calls):
        started = time.perf_counter()
        await step(i)
        out.append(time.perf_counter() - started)
    return out


async def measure(build_dir: Path, calls: int) -> list[list[Any]]:
    import pyoxigraph as ox

    from exportgraph.api.app import create_app, served
    from exportgraph.api.fastpath import SparqlFastPath
    from exportgraph.api.negotiation import RESULT_OFFERS, choose_formats
    from exportgraph.api.routes.sparql import get_pool
    from exportgraph.settings import Settings
    from exportgraph.sparql.guard import precheck
    from exportgraph.sparql.jobs import Job

    settings = Settings.from_env(build_dir=build_dir)
    app = create_app(settings)
    routed = create_app(settings, app.state.graph)
    routed.user_middleware = [m for m in routed.user_middleware if m.cls is not SparqlFastPath]  # type: ignore[comparison-overlap]  # Starlette types cls as a factory
    inproc = create_app(settings.with_(query_evaluation="in-process"), app.state.graph)
    inproc.state.recycle = lambda: None  # as `serve` does; no runaway here
    inline = create_app(settings, app.state.graph)
    inline.state.supervised = True  # as `serve` does: anchored queries are evaluated on the event loop
    door = served(inline)
    for each in (app, routed, inproc, inline):
        await asyncio.to_thread(get_pool(each).wait_ready, 600)
    store: ox.Store = app.state.graph.store.store
    accept = RESULT_OFFERS[0][0]
    job = Job(QA, "json", "turtle", settings.max_rows)
    pool = get_pool(app)

    async def evaluate(_i: int) -> object:
        result: Any = store.query(QA, use_default_graph_as_union=True)  # QuerySolutions for this SELECT
        return result.serialize(format=ox.QueryResultsFormat.JSON)

    async def guards(_i: int) -> object:
        checked = precheck(QA, settings.max_query_length, settings.max_nesting)
        return choose_formats(accept, []), checked

    async def ok(target: Any, body: bytes) -> None:
        status = await call(target, body)
        assert status == 200, status

    steps: list[tuple[str, Callable[[int], Awaitable[object]]]] = [
        ("(a) evaluate + serialise in process", evaluate),
        ("(a) token guard + negotiation", guards),
        ("(a) worker round trip (pool.run)", lambda _i: pool.run(job)),
        ("(a) whole app, FastAPI route", lambda _i: ok(routed, QA.encode())),
        ("(a) whole app, fast path", lambda _i: ok(app, QA.encode())),
        ("(a) whole app, fast path, in-process", lambda _i: ok(inproc, QA.encode())),
        ("(b) whole app, fast path, new text", lambda i: ok(app, QUERIES["b"].replace("{nonce}", str(i)).encode())),
        ("(b) whole app, fast path, in-process", lambda i: ok(inproc, QUERIES["b"].replace("{nonce}", f"p{i}").encode())),
        ("(a) whole app as served, inline", lambda _i: ok(door, QA.encode())),
        ("(b) whole app as served, inline", lambda i: ok(door, QUERIES["b"].replace("{nonce}", f"s{i}").encode())),
    ]
    rows = []
    for name, step in steps:
        values = await timed(calls, step)
        rows.append([name, f"{pct(values, 50) * 1e6:,.0f}", f"{pct(values, 90) * 1e6:,.0f}",
                     f"{pct(values, 99) * 1e6:,.0f}", f"{os.getloadavg()[0]:.2f}"])
        print(" ".join(map(str, rows[-1])), flush=True)
    for each in (app, routed, inproc, inline):
        get_pool(each).close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", type=Path, default=Path("/tmp/eg-build"))
    parser.add_argument("--calls", type=int, default=500)
    args = parser.parse_args()
    rows = asyncio.run(measure(args.build_dir, args.calls))
    print()
    print(table(["step", "p50 us", "p90 us", "p99 us", "load"], rows))
    path = write_results("bench_anatomy", {"calls": args.calls, "rows": rows})
    print(f"\nresults: {path}")


if __name__ == "__main__":
    main()
