"""Benchmark: where a request's time goes on a remote store. In process, the library calls behind the REST
routes (lookup = /api/entries, search = /api/search, crosswalk, customs, compare) over a SPARQL server:
per request, the wall time, the SPARQL queries sent (count, summed HTTP time, rows) and the time left to
Python; then each query of the last request re-sent alone (the server's time plus one round trip).

    python bench/bench_remote_requests.py --remote http://127.0.0.1:7878/query [--calls 10] [--show lookup]

The server must hold a dataset (bench/_synth.py's, loaded once: bench_scale.py big). The load average is
printed beside the figures. Writes bench/results/bench_remote_requests.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ms, pct, table, write_results  # noqa: E402

from exportgraph.api.pauses import settle  # noqa: E402
from exportgraph.graph.store import PREFIXES, RemoteStore  # noqa: E402
from exportgraph.query import base as Q  # noqa: E402
from exportgraph.query import compare as C  # noqa: E402
from exportgraph.query import items as I  # noqa: E402

try:
    from exportgraph.query.lookup import lookup_report
except ImportError:  # a checkout from before query/lookup.py: the three calls the route made, one after the other
    from exportgraph.query.parameters import side_by_side

    def lookup_report(store: Any, code: str, list_id: str | None = None) -> Any:  # type: ignore[misc]
        entries = I.lookup(store, code, list_id)
        return entries, I.lookup_warnings(store, entries), side_by_side(store, entries)

SEARCHES = ["gallium", "semiconductor lasers", "3B0", "镓", "ガリウム", "machine tools", "811292", "valves pumps"]
CODES = ('SELECT DISTINCT ?c WHERE { ?e a eg:ControlEntry ; skos:notation ?c . '
         'FILTER(REGEX(?c, "^[0-9][A-E][0-9]{3}$")) } ORDER BY ?c LIMIT 200')
ENTRIES = ('SELECT ?e WHERE { ?e skos:notation ?c ; skos:inScheme ?ed . ?ed eg:editionOf '
           '<https://w3id.org/exportgraph/id/eu/list/dual-use> ; eg:validFrom "2025-11-15"^^xsd:date . '
           'FILTER(REGEX(?c, "^[0-9][A-E][0-9]{3}$")) } ORDER BY ?e LIMIT 40')


class Counting(RemoteStore):
    """A RemoteStore that notes each query it sends: text, seconds (the HTTP exchange; of texts sent at once,
    an equal share of the batch's time, so that the sum is the time spent waiting), rows."""

    def __init__(self, url: str) -> None:
        super().__init__(url, 600.0)
        self.sent: list[tuple[str, float, int]] = []

    def _ask_remote(self, sparql: str, accept: str) -> Any:
        started = time.perf_counter()
        response = super()._ask_remote(sparql, accept)
        try:
            rows = len(json.loads(response.content)["results"]["bindings"])
        except (ValueError, KeyError):
            rows = -1
        self.sent.append((sparql, time.perf_counter() - started, rows))
        return response

    def _at_once(self, texts: list[str], send: Callable[[list[str]], list[list[Any]]]) -> list[list[Any]]:
        """Texts sent at once: each noted with the time of the whole batch (they wait for each other)."""
        started = time.perf_counter()
        answers = send(texts)
        took = time.perf_counter() - started
        self.sent += [(PREFIXES + text, took / len(texts), len(rows)) for text, rows in zip(texts, answers, strict=True)]
        return answers

    def select_values(self, texts: list[str]) -> list[list[Any]]:
        return self._at_once(texts, super().select_values)

    def select_all(self, texts: list[str]) -> list[list[Any]]:  # a checkout from before select_values
        return self._at_once(texts, super().select_all)  # type: ignore[misc]


def alone(store: RemoteStore, sparql: str, times: int = 3) -> float:
    """The best of a few sends of one query (server time plus one round trip)."""
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        store.raw(sparql, "application/sparql-results+json")
        best = min(best, time.perf_counter() - started)
    return best


def requests(store: RemoteStore, calls: int) -> dict[str, list[Callable[[], Any]]]:
    codes = [r["c"].value for r in store.select(CODES)][:calls]
    entries = [r["e"].value.removeprefix("https://w3id.org/exportgraph/id/") for r in store.select(ENTRIES)][:calls]
    days = [f"20{10 + i % 16}-0{1 + i % 9}-1{i % 10}" for i in range(calls)]  # as bench_scale.py's
    return {
        "lookup": [lambda c=c: lookup_report(store, c) for c in codes],
        "search": [lambda q=q: Q.find(store, q, limit=50) for q in SEARCHES],
        "crosswalk": [lambda e=e: I.crosswalk(store, e) for e in entries],
        "customs": [lambda c=c: I.customs_candidates(store, c) for c in ("811292", "8112", "850110", "901320")],
        "compare": [lambda d=d: C.compare(store, ["cn", "us", "eu", "jp"], Q.parse_as_of(d)) for d in days],
    }


def measure(store: Counting, name: str, todo: list[Callable[[], Any]], show: bool) -> dict[str, Any]:
    walls, cpus, counts, http = [], [], [], []
    for call in todo:
        store.sent.clear()
        started, cpu = time.perf_counter(), time.process_time()
        call()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)  # every thread of this process: what a busy machine cannot stretch
        counts.append(len(store.sent))
        http.append(sum(s for _, s, _ in store.sent))
    out = {"p50_s": pct(walls, 50), "p95_s": pct(walls, 95), "cpu_p50_s": pct(cpus, 50), "queries_p50": pct(counts, 50),
           "queries_max": max(counts), "http_sum_p50_s": pct(http, 50), "load": round(os.getloadavg()[0], 2)}
    if show:  # a copy: alone() sends through the same store, which notes each send in store.sent (a loop for ever)
        out["last"] = [{"http_s": s, "alone_s": alone(store, q), "rows": n, "query": " ".join(q.split())[-160:]}
                       for q, s, n in list(store.sent)]
    return out


def _index(first_search: Callable[[], Any]) -> None:
    started = time.perf_counter()
    first_search()  # the text index, built once
    print(f"text index {time.perf_counter() - started:.1f} s (load {os.getloadavg()[0]:.2f})", flush=True)
    settle()  # what the service does once started: what start-up made, out of the collector's sight


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--remote", required=True, help="the query URL of a loaded SPARQL server")
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--show", default="lookup", help="requests whose last call's queries are listed")
    parser.add_argument("--only", default="lookup,search,crosswalk,customs,compare",
                        help="these requests only (without search, no text index is built)")
    args = parser.parse_args()
    store = Counting(args.remote)
    todo = {k: v for k, v in requests(store, args.calls).items() if k in args.only.split(",")}
    if "search" in todo:
        _index(todo["search"][0])
    else:
        settle()  # the GIL's switch interval and the collector's thresholds as in a web process of the service
    result = {name: measure(store, name, calls, name in args.show.split(",")) for name, calls in todo.items()}
    print(table(["request", "p50 ms", "p95 ms", "CPU ms here (p50)", "queries (p50 / max)", "HTTP ms summed (p50)",
                 "load avg"],
                [[k, ms(v["p50_s"]), ms(v["p95_s"]), ms(v["cpu_p50_s"]), f"{v['queries_p50']:g} / {v['queries_max']}",
                  ms(v["http_sum_p50_s"]), v["load"]] for k, v in result.items()]))
    for name, v in result.items():
        for q in v.get("last", []):
            print(f"  {name}: {ms(q['http_s'])} ms in the request, {ms(q['alone_s'])} ms alone, {q['rows']} rows: "
                  f"...{q['query']}")
    print(f"results: {write_results('bench_remote_requests', result)}")


if __name__ == "__main__":
    main()
