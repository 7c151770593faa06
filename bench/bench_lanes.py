"""Benchmark: how long `ASK {}` waits while two cartesian products run, without lanes and with them,
and how long two exploding regular expressions take to be answered (issue 15's, and a{1000}{100}).

    python bench/bench_lanes.py [--build-dir /tmp/eg-build] [--timeout 10] [--asks 20] [--before /work/main]

For each configuration a service (uvicorn, real HTTP, 2 light workers) is started on the build; two
clients send `SELECT (COUNT(*) AS ?n) WHERE {?a ?b ?c. ?d ?e ?f}` (each its own text), and a third sends
`ASK {}` one after the other, starting 0.1 s later, until the products are answered or `--asks` are done.
"Without lanes" is query_light_budget_s=0: every query runs to its deadline where it started, as before.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ensure_build, free_port, running, table, wait_for  # noqa: E402

PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE {?a ?b ?c. ?d ?e ?f}"
# the pattern, and one just small enough for Oxigraph to compile (for every row: over 20 s)
REGEXES = ['SELECT * WHERE { ?s ?p ?o FILTER REGEX(STR(?o), "a{100000}{100000}") }',
           'SELECT * WHERE { ?s ?p ?o FILTER REGEX(STR(?o), "a{1000}{100}") }']
HEADERS = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}


@contextmanager
def service(build_dir: Path, timeout_s: float, budget_s: float, code: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(code), "EXPORTGRAPH_BUILD_DIR": str(build_dir),
           "EXPORTGRAPH_QUERY_WORKERS": "2",
           "EXPORTGRAPH_QUERY_TIMEOUT_S": str(timeout_s), "EXPORTGRAPH_QUERY_LIGHT_BUDGET_S": str(budget_s)}
    # --app-dir: `python -m` puts the working directory first on sys.path, ahead of PYTHONPATH
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "exportgraph.api.app:create_app", "--host", "127.0.0.1",
           "--port", str(port), "--log-level", "warning", "--no-access-log", "--app-dir", str(code)]
    with running(cmd, env) as proc:
        url = f"http://127.0.0.1:{port}/sparql"
        wait_for(url, proc, 180)
        yield url


def post(url: str, text: str) -> tuple[int, float]:
    t0 = time.monotonic()
    r = httpx.post(url, content=text.encode(), headers=HEADERS, timeout=120)
    return r.status_code, time.monotonic() - t0


class Run(NamedTuple):
    ask_p50: float
    ask_max: float
    asks: int
    products: list[tuple[int, float]]
    regex: list[tuple[int, float, str]]


def one_config(url: str, asks: int, tag: str) -> Run:
    products: list[tuple[int, float]] = []
    threads = [threading.Thread(target=lambda i=i: products.append(post(url, f"{PRODUCT} # {tag}-{i}")))
               for i in range(2)]
    for t in threads:
        t.start()
    time.sleep(0.1)
    waits: list[float] = []
    while len(waits) < asks and any(t.is_alive() for t in threads):
        status, took = post(url, "ASK {}")
        waits.append(took)
    for t in threads:
        t.join()
    regex = []
    for text in REGEXES:
        r = httpx.post(url, content=text.encode(), headers=HEADERS, timeout=120)
        regex.append((r.status_code, r.elapsed.total_seconds(), r.text[:100]))
    return Run(statistics.median(waits), max(waits), len(waits), sorted(products), regex)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", type=Path, default=Path("/tmp/eg-build"))
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--asks", type=int, default=20)
    parser.add_argument("--before", type=Path, help="a checkout of the code before lanes (e.g. main) to run too")
    args = parser.parse_args()
    ensure_build(args.build_dir)
    rows: list[tuple[object, ...]] = []
    details: list[str] = []
    ours = Path(__file__).resolve().parent.parent
    configs = [("before: " + str(args.before), 0.0, args.before)] if args.before else []
    configs += [("without lanes", 0.0, ours), ("with lanes (budget 0.5 s)", 0.5, ours)]
    for name, budget, code in configs:
        with open("/proc/loadavg") as fh:
            load = " ".join(fh.read().split()[:3])
        with service(args.build_dir, args.timeout, budget, code) as url:
            post(url, "ASK {}")
            # twice: the second time the products' texts are known heavy and skip the light workers
            for run in ("first", "again"):
                r = one_config(url, args.asks, run)
                rows.append((name, run, f"{r.ask_p50:.3f}", f"{r.ask_max:.3f}", r.asks,
                             " / ".join(f"{s} in {t:.1f} s" for s, t in r.products),
                             " / ".join(f"{s} in {t:.2f} s" for s, t, _ in r.regex), load))
                details.extend(f"  {name}, {run}, regex {i}: {m}" for i, (_, _, m) in enumerate(r.regex))
    print(table(["config", "run", "ASK {} p50 s", "max s", "asks", "the two products", "regex queries", "load"],
                rows))
    print("\n".join(details))


if __name__ == "__main__":
    main()
