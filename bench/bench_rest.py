"""Benchmark: REST endpoints over real HTTP on the real build.

Starts the app from its factory (bench/_serve.py: create_app(Settings(build_dir=..., data_dir=...)) on
uvicorn) in a subprocess on a free port, then for each endpoint runs 1 and 8 concurrent clients (threads,
each with its own keep-alive httpx.Client), bounded by --requests and --seconds per row, and reports
p50 / p99 and requests per second. Reference: the same library call in this process, without HTTP
(the store loaded here too), so the ratio is the cost of the HTTP layer (FastAPI, JSON, uvicorn, client).

    python bench/bench_rest.py [--build-dir /tmp/bench-build] [--requests 200] [--seconds 20]

Goal: median under 20 ms on the real data (1 client). Writes bench/results/bench_rest.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    DEFAULT_BUILD,
    ROOT,
    ensure_build,
    free_port,
    ms,
    pct,
    ratio,
    table,
    versions,
    write_results,
)

from exportgraph.graph.store import EmbeddedStore, GraphStore  # noqa: E402
from exportgraph.query import base as Q  # noqa: E402
from exportgraph.query import compare as C  # noqa: E402

GOAL_S = 0.020
_days = itertools.count()


def _day(i: int) -> dt.date:
    return dt.date(2015, 1, 1) + dt.timedelta(days=i % 4000)


def _path(template: str, i: int) -> str:
    return template.format(day=_day(i).isoformat()) if "{day}" in template else template
ENDPOINTS: dict[str, Callable[[GraphStore], Any]] = {
    "/api/jurisdictions": lambda s: Q.listing(s, "Jurisdiction"),
    "/api/memberships?as_of=2023-12-31": lambda s: Q.memberships(s, dt.date(2023, 12, 31), None, None),
    "/api/compare": lambda s: C.compare(s, ["cn", "us", "eu", "jp"]),
    # The route keeps answers per (jurisdictions, dimensions, as_of); a new date per request misses it.
    "/api/compare?as_of={day}": lambda s: C.compare(s, ["cn", "us", "eu", "jp"], _day(next(_days))),
    "/api/search?q=gallium": lambda s: Q.search(s, "gallium", limit=50),
    "/api/resource/cn": lambda s: Q.describe(s, "cn"),
}


def run_level(base: str, path: str, clients: int, requests: int, seconds: float, offset: int = 0) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    counter = iter(range(requests))
    stop_at = time.monotonic() + seconds

    def client() -> None:
        with httpx.Client(base_url=base, timeout=120) as http:
            while time.monotonic() < stop_at:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                t0 = time.perf_counter()
                response = http.get(_path(path, offset + i))
                took = time.perf_counter() - t0
                with lock:
                    latencies.append(took)
                    if response.status_code != 200:
                        errors.append(response.status_code)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    note = "" if len(latencies) >= requests else f"{len(latencies)} requests within {seconds:g} s"
    return {"n": len(latencies), "p50_s": statistics.median(latencies), "p99_s": pct(latencies, 99),
            "rps": len(latencies) / wall, "errors": len(errors), "statuses": sorted(set(errors)), "note": note}


def direct(store: GraphStore, fn: Callable[[GraphStore], Any], requests: int, seconds: float) -> dict[str, Any]:
    fn(store)
    times: list[float] = []
    stop_at = time.monotonic() + seconds
    while len(times) < requests and time.monotonic() < stop_at:
        t0 = time.perf_counter()
        fn(store)
        times.append(time.perf_counter() - t0)
    return {"n": len(times), "p50_s": statistics.median(times), "p99_s": pct(times, 99)}


def start_server(build_dir: Path, data_dir: Path, log: Path) -> tuple[subprocess.Popen[bytes], str, float]:
    port = free_port()
    cmd = [sys.executable, str(Path(__file__).with_name("_serve.py")), "--build-dir", str(build_dir),
           "--data-dir", str(data_dir), "--port", str(port)]
    t0 = time.perf_counter()
    with log.open("wb") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    while True:
        try:
            if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                return proc, base, time.perf_counter() - t0
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise SystemExit(f"the server did not start; see {log}:\n{log.read_text()[-2000:]}")
        time.sleep(0.25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", type=Path, default=DEFAULT_BUILD)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    parser.add_argument("--requests", type=int, default=200, help="requests per endpoint and level")
    parser.add_argument("--seconds", type=float, default=20.0, help="time budget per endpoint and level")
    parser.add_argument("--levels", default="1,8", help="concurrent clients")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]

    dataset = ensure_build(args.build_dir, args.data_dir)
    print(f"dataset {dataset.name}; {args.requests} requests or {args.seconds:g} s per row; levels {levels}; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    log = Path("/tmp") / f"bench-rest-server-{os.getpid()}.log"
    proc, base, startup = start_server(args.build_dir, args.data_dir, log)
    print(f"server up at {base} in {startup:.1f} s (log {log})")
    results: dict[str, Any] = {"startup_s": startup, "endpoints": {}}
    try:
        for path in ENDPOINTS:
            t0 = time.perf_counter()
            response = httpx.get(base + _path(path, 9999), timeout=120)
            first = time.perf_counter() - t0
            if response.status_code != 200:
                print(f"  {path}: HTTP {response.status_code} {response.text[:200]}")
            size = len(response.content)
            for i in range(3):
                httpx.get(base + _path(path, 9990 + i), timeout=120)
            entry: dict[str, Any] = {"status": response.status_code, "bytes": size, "first_s": first}
            for n, clients in enumerate(levels):
                print(f"  {path}, {clients} client(s) ...", end=" ", flush=True)
                entry[str(clients)] = run_level(base, path, clients, args.requests, args.seconds,
                                                offset=n * 1000)
                print(f"p50 {ms(entry[str(clients)]['p50_s'])} ms", flush=True)
            results["endpoints"][path] = entry
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()

    print("  reference: the same library calls in this process (no HTTP) ...", flush=True)
    store = EmbeddedStore.from_file(dataset)
    for path, fn in ENDPOINTS.items():
        results["endpoints"][path]["direct"] = direct(store, fn, args.requests, args.seconds)

    headers = ["endpoint", "bytes", "first"]
    for c in levels:
        headers += [f"p50 @{c}", f"p99 @{c}", f"req/s @{c}"]
    headers += ["direct p50", "HTTP/direct", f"goal <{GOAL_S * 1000:.0f} ms"]
    rows = []
    for path, e in results["endpoints"].items():
        row: list[Any] = [path, f"{e['bytes']:,}", ms(e["first_s"])]
        for c in levels:
            r = e[str(c)]
            row += [ms(r["p50_s"]), ms(r["p99_s"]), f"{r['rps']:.0f}"]
        first = e[str(levels[0])]
        verdict = "PASS" if first["p50_s"] < GOAL_S else "FAIL"
        e["goal"] = verdict
        row += [ms(e["direct"]["p50_s"]), ratio(first["p50_s"], e["direct"]["p50_s"]), verdict]
        rows.append(row)
    print("\n== REST over HTTP (uvicorn, 1 process), latency in ms; direct = the library call without HTTP")
    print(table(headers, rows))
    notes = [f"{p}, {c} clients: {e[str(c)]['note']}" for p, e in results["endpoints"].items() for c in levels
             if e[str(c)]["note"]]
    notes += [f"{p}, {c} clients: {e[str(c)]['errors']} errors {e[str(c)]['statuses']}"
              for p, e in results["endpoints"].items() for c in levels if e[str(c)]["errors"]]
    if notes:
        print("notes:\n  " + "\n  ".join(notes))
    print(f"goal: median < {GOAL_S * 1000:.0f} ms with 1 client; HTTP/direct = p50 over HTTP (1 client) / "
          "p50 of the direct call; first = the first request (cold caches)")
    print("/api/compare keeps its answers per question in the route, so repeated requests measure that cache; "
          "/api/compare?as_of={day} asks for a new date every request (cache misses).")
    out = write_results("bench_rest", {"versions": versions("fastapi", "starlette", "uvicorn", "httpx",
                                                             "pyoxigraph"),
                                       "settings": vars(args), "dataset": str(dataset), **results})
    print(f"results: {out}")


if __name__ == "__main__":
    main()
