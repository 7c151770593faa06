"""Benchmark: our /sparql (uvicorn, real HTTP, guarded, worker processes) against a bare
Oxigraph server loaded with the same dataset.

The same queries go to both; for 1, 8 and 32 concurrent clients it prints p50 / p99
latency and requests per second, and the ratio of ours to Oxigraph's. Every loop is
bounded (a request count and a time budget per level).

    python bench/bench_sparql.py [--build-dir DIR] [--requests 400] [--seconds 15]

Without --build-dir the dataset is built from data/ into a temporary directory.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import free_port, oxigraph_server, running, wait_for  # noqa: E402

from exportgraph.graph.build import build, read_manifest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
QUERIES = [
    # point lookup
    "ASK { <https://w3id.org/exportgraph/ontology#Agency> ?p ?o }",
    "SELECT ?p ?o WHERE { <https://w3id.org/exportgraph/ontology#Agency> ?p ?o }",
    # a page of labels
    "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?s LIMIT 20",
    # the graphs a resource is stated in (a full-scan aggregate such as COUNT per graph takes ~0.6 s in memory
    # at 700k quads and swamps every other figure: it is left out of the rotation)
    "SELECT DISTINCT ?g WHERE { GRAPH ?g { <https://w3id.org/exportgraph/ontology#Agency> ?p ?o } }",
    # a small graph
    "CONSTRUCT { ?c a <http://www.w3.org/2002/07/owl#Class> } WHERE { ?c a <http://www.w3.org/2002/07/owl#Class> } "
    "LIMIT 20",
]
LEVELS = (1, 8, 32)


@contextmanager
def exportgraph_server(build_dir: Path, workers: int) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "EXPORTGRAPH_BUILD_DIR": str(build_dir), "EXPORTGRAPH_QUERY_WORKERS": str(workers),
           "EXPORTGRAPH_MAX_CONCURRENT_QUERIES": "256", "EXPORTGRAPH_QUERY_TIMEOUT_S": "30"}
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "exportgraph.api.app:create_app", "--host", "127.0.0.1",
           "--port", str(port), "--log-level", "warning", "--no-access-log"]
    with running(cmd, env) as proc:
        url = f"http://127.0.0.1:{port}/sparql"
        wait_for(url, proc, 120)
        yield url


def run_level(url: str, clients: int, requests: int, seconds: float,
              text: Callable[[int], str]) -> tuple[list[float], float, int]:
    """`clients` threads, each with a keep-alive connection, until `requests` are done or time is up."""
    latencies: list[float] = []
    errors = 0
    counter = iter(range(requests))
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    parts = urlsplit(url)
    headers = {"Accept": "application/sparql-results+json, text/turtle;q=0.9",
               "Content-Type": "application/sparql-query"}

    def client() -> None:
        # http.client with one keep-alive connection: a light client, so the servers are what is measured
        nonlocal errors
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
        try:
            while time.monotonic() < stop_at:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                t0 = time.perf_counter()
                conn.request("POST", parts.path, body=text(i).encode(), headers=headers)
                response = conn.getresponse()
                response.read()
                took = time.perf_counter() - t0
                if response.getheader("connection", "").lower() == "close":
                    conn.close()
                with lock:
                    latencies.append(took)
                    errors += response.status != 200
        finally:
            conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.perf_counter() - started, errors


def figures(latencies: list[float], wall: float) -> tuple[float, float, float]:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered) * 1000, p99 * 1000, len(ordered) / wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", type=Path, help="an existing build (default: build data/ into a temp dir)")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    parser.add_argument("--requests", type=int, default=400, help="requests per level and target")
    parser.add_argument("--seconds", type=float, default=15.0, help="time budget per level and target")
    parser.add_argument("--workers", type=int, default=2, help="our query worker processes")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-sparql-") as tmp:
        build_dir = args.build_dir or Path(tmp) / "build"
        if args.build_dir is None:
            build(args.data_dir, build_dir)
        manifest = read_manifest(build_dir)
        assert manifest is not None
        print(f"dataset {manifest.manifest['dataset']}: {manifest.manifest['quads']} quads; "
              f"{len(QUERIES)} queries in rotation; {args.requests} requests or {args.seconds:g} s per row; "
              f"{args.workers} workers; {os.cpu_count()} CPUs")
        with oxigraph_server(manifest.dataset, Path(tmp)) as ox_url, exportgraph_server(build_dir, args.workers) as eg_url:
            warm = lambda i: QUERIES[i % len(QUERIES)]  # noqa: E731 - a one-line query source
            cold = lambda i: f"{QUERIES[i % len(QUERIES)]} # {time.time_ns()}"  # noqa: E731 - a new text each time
            for url in (ox_url, eg_url):
                run_level(url, 1, len(QUERIES) * 2, 30, warm)  # warm up (and fill the guard's verdict cache)
            rows = []
            for label, source, levels in (("repeated", warm, LEVELS), ("new text", cold, (1, 8))):
                for clients in levels:
                    ox_lat, ox_wall, ox_err = run_level(ox_url, clients, args.requests, args.seconds, source)
                    eg_lat, eg_wall, eg_err = run_level(eg_url, clients, args.requests, args.seconds, source)
                    rows.append((label, clients, figures(ox_lat, ox_wall), figures(eg_lat, eg_wall), ox_err + eg_err))
    print()
    print(f"{'queries':<9} {'clients':>7} | {'oxigraph p50':>12} {'p99':>7} {'req/s':>7} | "
          f"{'/sparql p50':>11} {'p99':>7} {'req/s':>7} | {'p50 x':>6} {'req/s x':>7} {'errors':>6}")
    for label, clients, (op50, op99, ors), (ep50, ep99, ers), errs in rows:
        print(f"{label:<9} {clients:>7} | {op50:>10.2f}ms {op99:>6.1f} {ors:>7.0f} | {ep50:>9.2f}ms {ep99:>6.1f} "
              f"{ers:>7.0f} | {ep50 / op50:>6.2f} {ers / ors:>7.2f} {errs:>6}")
    print("\np50 x: our median latency / Oxigraph's; req/s x: our throughput / Oxigraph's (higher is better).")
    print("'new text' adds a unique comment to every query, so each one goes through rdflib's parser in the guard.")


if __name__ == "__main__":
    main()
