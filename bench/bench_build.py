"""Benchmark: the whole build, and the latency of the library's item questions on the real data.

1. `exportgraph build` in a subprocess (wall time, CPU, peak RSS of that child from os.wait4): first with an
   empty parse cache (XDG_CACHE_HOME set to a new temporary directory), then warm (same cache, new build
   directory), each --build-runs times. Per stage (parse, compile, validate, serialise, write), the wall and
   CPU seconds and the peak RSS after it, as the build reports them in its last progress line ("stage times:").
   Goals: cold build under 45 s, peak RSS under 1 GB (PASS / FAIL). Reference: loading the finished dataset
   into pyoxigraph (bulk_load) in a subprocess, the floor any build pays to hand over its result.
2. p50 / p95 / p99 over >= --calls calls (bounded by --budget seconds a function) of the crosswalk of EU 3B001
   with its parameters compared to its counterparts' (compare_parameters),
   items.crosswalk('eu/list/annex-i/2025-11-15/3B001'), items.lookup('3B001'),
   items.customs_candidates('811292') and compare.compare(store, ['cn', 'us', 'eu', 'jp'])
   in the embedded store on the real build. Each SPARQL query they send is timed, so the slowest one is
   named. Reference: the same calls through RemoteStore against an `oxigraph serve` loaded with the same
   dataset (fewer calls; skipped with --no-server).

    python bench/bench_build.py [--build-dir /tmp/bench-build] [--calls 200] [--budget 120] [--no-server]
                                [--skip-build | --only-build] [--build-runs 1]

The median of the crosswalk with its parameters compared must be under 20 ms: the script says PASS or FAIL.
Writes bench/results/bench_build.json.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    DEFAULT_BUILD,
    ROOT,
    ensure_build,
    ms,
    oxigraph_server,
    pct,
    ratio,
    spawn_rss,
    table,
    versions,
    write_results,
)

from exportgraph.graph.store import EmbeddedStore, GraphStore, RemoteStore, Result  # noqa: E402
from exportgraph.query import compare as C  # noqa: E402
from exportgraph.query import items, parameters  # noqa: E402

CROSSWALK_GOAL_S = 0.020
BUILD_GOAL_S = 45.0  # cold build, wall
BUILD_GOAL_MB = 1000.0  # peak RSS of any build
STAGE = re.compile(r"(\w+) ([\d.]+) s \(CPU ([\d.]+) s, peak (\d+) MB\)")


def crosswalk_with_parameters(store: GraphStore) -> Any:
    """An entry's counterparts, then its parameters compared with theirs (what `entry` and the item page show)."""
    found = items.crosswalk(store, "eu/list/annex-i/2025-11-15/3B001")
    ids = [found["entry"]] + [c["id"] for c in found["correspondences"]
                              if c.get("id") and not c["id"].startswith("regime/")]
    return parameters.compare_parameters(store, ids)


CALLS: dict[str, Callable[[GraphStore], Any]] = {
    "crosswalk + parameters of EU 3B001": crosswalk_with_parameters,
    "items.crosswalk('eu/list/annex-i/2025-11-15/3B001')":
        lambda s: items.crosswalk(s, "eu/list/annex-i/2025-11-15/3B001"),
    "items.lookup('3B001')": lambda s: items.lookup(s, "3B001"),
    "items.customs_candidates('811292')": lambda s: items.customs_candidates(s, "811292"),
    "compare.compare(store, ['cn','us','eu','jp'])": lambda s: C.compare(s, ["cn", "us", "eu", "jp"]),
}


class Timed(GraphStore):
    """Wraps a store; when on, records the time of every select/ask/construct (rows materialised)."""

    def __init__(self, inner: GraphStore) -> None:
        self.inner = inner
        self.log: list[tuple[str, float]] = []
        self.on = False

    def _timed(self, what: str, call: Callable[[], Any]) -> Any:
        if not self.on:
            return call()
        t0 = time.perf_counter()
        out = call()
        self.log.append((what, time.perf_counter() - t0))
        return out

    def query(self, sparql: str) -> Result:
        return self._timed(sparql, lambda: self.inner.query(sparql))

    def select(self, sparql: str, prefixes: bool = True) -> list[dict[str, Any]]:
        return self._timed(sparql, lambda: self.inner.select(sparql, prefixes))  # type: ignore[no-any-return]

    def ask(self, sparql: str) -> bool:
        return self._timed(sparql, lambda: self.inner.ask(sparql))  # type: ignore[no-any-return]

    def construct(self, sparql: str) -> list[Any]:
        return self._timed(sparql, lambda: self.inner.construct(sparql))  # type: ignore[no-any-return]


def short(sparql: str) -> str:
    body = sparql.split("\n")
    text = " ".join(line.strip() for line in body if not line.startswith("PREFIX "))
    return (text[:150] + "...") if len(text) > 150 else text


def latency(store: GraphStore, fn: Callable[[GraphStore], Any], calls: int, budget: float) -> dict[str, Any]:
    fn(store)  # warm up
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < calls and time.perf_counter() - started < budget:
        t0 = time.perf_counter()
        fn(store)
        times.append(time.perf_counter() - t0)
    note = "" if len(times) >= calls else f"only {len(times)} calls within the {budget:g} s budget"
    return {"n": len(times), "p50_s": statistics.median(times), "p95_s": pct(times, 95), "p99_s": pct(times, 99),
            "mean_s": statistics.fmean(times), "note": note}


def anatomy(store: Timed, fn: Callable[[GraphStore], Any], repeats: int = 21) -> dict[str, Any]:
    """One call taken apart, medians over `repeats` calls: the call, the time inside select/ask/construct
    (Oxigraph's parse, plan and evaluation plus turning rows into dicts), the rest (Python), and the
    slowest queries by their median."""
    per_query: dict[int, list[float]] = defaultdict(list)
    texts: dict[int, str] = {}
    totals, sparql, python = [], [], []
    for _ in range(repeats):
        store.log.clear()
        store.on = True
        t0 = time.perf_counter()
        fn(store)
        total = time.perf_counter() - t0
        store.on = False
        in_queries = sum(took for _, took in store.log)
        totals.append(total)
        sparql.append(in_queries)
        python.append(total - in_queries)
        for i, (text, took) in enumerate(store.log):
            per_query[i].append(took)
            texts[i] = text
    medians = {i: statistics.median(v) for i, v in per_query.items()}
    ranked = sorted(medians, key=lambda i: -medians[i])
    return {"queries_per_call": len(medians), "call_s": statistics.median(totals),
            "sparql_s": statistics.median(sparql), "python_s": statistics.median(python),
            "slowest": [{"ms": medians[i] * 1000, "query": short(texts[i])} for i in ranked[:3]]}


def stage_times(stderr: str) -> dict[str, dict[str, float]]:
    """The build's own figures per stage, from its "stage times:" progress line."""
    line = next((ln for ln in stderr.splitlines() if "stage times:" in ln), "")
    return {m[1]: {"wall_s": float(m[2]), "cpu_s": float(m[3]), "peak_mb": float(m[4])}
            for m in STAGE.finditer(line)}


def build_runs(data_dir: Path, dataset_for_load: Path, tmp: Path, timeout: float, runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for n in range(1, runs + 1):
        cache = tmp / f"xdg-cache-{n}"
        cache.mkdir()
        env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
        for label, build_dir in ((f"cold (empty parse cache) #{n}", tmp / f"build-cold-{n}"),
                                 (f"warm (parse cache filled) #{n}", tmp / f"build-warm-{n}")):
            print(f"  build, {label} ...", end=" ", flush=True)
            cmd = [sys.executable, "-m", "exportgraph", "build", "--build-dir", str(build_dir), "--data-dir",
                   str(data_dir)]
            load_before = os.getloadavg()[0]
            run = spawn_rss(cmd, env=env, timeout=timeout, stdout_path=tmp / f"{build_dir.name}.log")
            stderr = (tmp / f"{build_dir.name}.err").read_text()
            if run["returncode"] != 0:
                run["error"] = stderr[-1000:]
            run["stages"] = stage_times(stderr)
            run["load_average"] = [load_before, os.getloadavg()[0]]
            out[label] = run
            print(f"{run['wall_s']:.1f} s, peak {run['maxrss_mb']:.0f} MB, rc {run['returncode']}, "
                  f"load average {load_before:.1f} -> {os.getloadavg()[0]:.1f}", flush=True)
    code = ("import sys, pyoxigraph as ox; s = ox.Store(); "
            "s.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS); print(len(s))")
    print("  reference: pyoxigraph bulk_load of the dataset ...", end=" ", flush=True)
    ref = spawn_rss([sys.executable, "-c", code, str(dataset_for_load)], timeout=timeout)
    out["reference: load the dataset into pyoxigraph"] = ref
    print(f"{ref['wall_s']:.1f} s, peak {ref['maxrss_mb']:.0f} MB", flush=True)
    return out


def print_builds(b: dict[str, Any]) -> dict[str, Any]:
    ref = b["reference: load the dataset into pyoxigraph"]
    rows = [[k, f"{v['wall_s']:.1f}", f"{v['user_s'] + v['sys_s']:.1f}", f"{v['maxrss_mb']:,.0f}",
             ratio(v["wall_s"], ref["wall_s"]), ratio(v["maxrss_mb"], ref["maxrss_mb"]),
             " -> ".join(f"{x:.1f}" for x in v.get("load_average", []))] for k, v in b.items()]
    print("\n== build (subprocess; peak RSS from os.wait4)")
    print(table(["run", "wall s", "CPU s", "peak RSS MB", "wall / load", "RSS / load", "load average"], rows))
    runs = {k: v for k, v in b.items() if v.get("stages")}
    names = list(dict.fromkeys(name for v in runs.values() for name in v["stages"]))
    print("\n== build stages as the build reports them: wall s / CPU s (peak RSS MB after the stage)")
    print(table(["run", *names], [[k, *(f"{v['stages'][n]['wall_s']:.1f} / {v['stages'][n]['cpu_s']:.1f} "
                                       f"({v['stages'][n]['peak_mb']:.0f})" if n in v["stages"] else "-"
                                       for n in names)] for k, v in runs.items()]))
    cold = [v for k, v in b.items() if k.startswith("cold")]
    builds = [v for k, v in b.items() if not k.startswith("reference")]
    worst_cold = max(v["wall_s"] for v in cold)
    worst_rss = max(v["maxrss_mb"] for v in builds)
    failed = any(v["returncode"] != 0 for v in builds)
    verdict = "PASS" if worst_cold < BUILD_GOAL_S and worst_rss < BUILD_GOAL_MB and not failed else "FAIL"
    print(f"\nslowest cold build {worst_cold:.1f} s (goal < {BUILD_GOAL_S:.0f} s), highest peak RSS "
          f"{worst_rss:,.0f} MB (goal < {BUILD_GOAL_MB:,.0f} MB): {verdict}")
    return {"cold_wall_s": worst_cold, "peak_rss_mb": worst_rss, "verdict": verdict}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", type=Path, default=DEFAULT_BUILD, help="the real build (built if missing)")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    parser.add_argument("--calls", type=int, default=200, help="calls per function (embedded store)")
    parser.add_argument("--server-calls", type=int, default=60, help="calls per function (reference server)")
    parser.add_argument("--budget", type=float, default=120.0, help="seconds per function at most")
    parser.add_argument("--build-timeout", type=float, default=600.0)
    parser.add_argument("--skip-build", action="store_true", help="only the latencies")
    parser.add_argument("--only-build", action="store_true", help="only the builds, no latencies")
    parser.add_argument("--build-runs", type=int, default=1, help="cold + warm pairs, each with a new cache")
    parser.add_argument("--no-server", action="store_true", help="no Oxigraph server reference")
    args = parser.parse_args()

    dataset = ensure_build(args.build_dir, args.data_dir)
    print(f"dataset {dataset} ({dataset.stat().st_size / 1e6:.0f} MB); {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    results: dict[str, Any] = {"dataset": str(dataset)}
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp_name:
        tmp = Path(tmp_name)
        if not args.skip_build:
            results["build"] = build_runs(args.data_dir, dataset, tmp, args.build_timeout, args.build_runs)
            results["build_goal"] = print_builds(results["build"])
        if args.only_build:
            out = write_results("bench_build", {"versions": versions("pyoxigraph", "oxigraph", "rdflib"),
                                                "settings": vars(args), **results})
            print(f"results: {out}")
            return

        t0 = time.perf_counter()
        embedded = EmbeddedStore.from_file(dataset)
        load_s = time.perf_counter() - t0
        print(f"  embedded store loaded in {load_s:.1f} s ({len(embedded):,} quads)")
        timed = Timed(embedded)
        lat: dict[str, Any] = {}
        for name, fn in CALLS.items():
            print(f"  {name}: embedded ...", end=" ", flush=True)
            lat[name] = {"embedded": latency(timed, fn, args.calls, args.budget), "anatomy": anatomy(timed, fn)}
            print(f"p50 {ms(lat[name]['embedded']['p50_s'])} ms", flush=True)
        if not args.no_server:
            print("  reference: loading an Oxigraph server (oxigraph load + serve --union-default-graph) ...",
                  flush=True)
            with oxigraph_server(dataset, tmp) as url:
                remote = RemoteStore(url, timeout_s=120)
                for name, fn in CALLS.items():
                    print(f"  {name}: server ...", end=" ", flush=True)
                    lat[name]["server"] = latency(remote, fn, args.server_calls, args.budget / 2)
                    print(f"p50 {ms(lat[name]['server']['p50_s'])} ms", flush=True)
                remote.close()
        results["latency"] = lat
        results["embedded_load_s"] = load_s

    if "build" in results:
        print_builds(results["build"])
    rows = []
    for name, v in results["latency"].items():
        e, srv = v["embedded"], v.get("server")
        rows.append([name, e["n"], ms(e["p50_s"]), ms(e["p95_s"]), ms(e["p99_s"]),
                     ms(srv["p50_s"]) if srv else "-", ratio(e["p50_s"], srv["p50_s"]) if srv else "-"])
    print("\n== latency on the real data, embedded store (ms); reference: Oxigraph server via RemoteStore")
    print(table(["call", "n", "p50", "p95", "p99", "server p50", "embedded/server"], rows))
    print("\n== anatomy of one call (medians of 21 calls): SPARQL queries, time in Oxigraph, time in Python")
    rows = []
    for name, v in results["latency"].items():
        a = v["anatomy"]
        top = a["slowest"][0] if a["slowest"] else {"ms": 0, "query": ""}
        rows.append([name, a["queries_per_call"], ms(a["call_s"]), ms(a["sparql_s"]), ms(a["python_s"]),
                     f"{top['ms']:.1f}"])
    print(table(["call", "queries", "call ms", "SPARQL ms", "Python ms", "slowest query ms"], rows))
    for name, v in results["latency"].items():
        print(f"\n{name}: slowest queries")
        for q in v["anatomy"]["slowest"]:
            print(f"  {q['ms']:8.1f} ms  {q['query']}")
    crosswalk = results["latency"][next(iter(CALLS))]["embedded"]["p50_s"]
    verdict = "PASS" if crosswalk < CROSSWALK_GOAL_S else "FAIL"
    results["crosswalk_goal"] = {"p50_s": crosswalk, "goal_s": CROSSWALK_GOAL_S, "verdict": verdict}
    print(f"\ncrosswalk median {ms(crosswalk)} ms, goal < {CROSSWALK_GOAL_S * 1000:.0f} ms: {verdict}")
    out = write_results("bench_build", {"versions": versions("pyoxigraph", "oxigraph", "rdflib"),
                                        "settings": vars(args), **results})
    print(f"results: {out}")


if __name__ == "__main__":
    main()
