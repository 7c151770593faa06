"""Benchmark: the embedded store. rdflib's in-memory Dataset against pyoxigraph's Store (the reference),
and rdflib on oxrdflib's Oxigraph store if it is installed.

Two datasets: (a) the real build (`exportgraph build --build-dir /tmp/bench-build`, run if missing) and
(b) a generated export-control-shaped dataset of about 1M quads (bench/_synth.py, seeded). Each engine
runs in its own subprocess, so its peak memory is its own (os.wait4 ru_maxrss of that child; tracemalloc
does not see Rust allocations). Per engine: load time, peak RSS, and for each typical query the first
(cold) run and the median and p95 of up to --runs further runs, bounded by --budget seconds a query.
A query run over --cap seconds is abandoned (SIGALRM; rdflib's engine is Python, so it stops) and noted.

    python bench/bench_stores.py [--build-dir /tmp/bench-build] [--triples 1000000] [--runs 20]
                                 [--budget 10] [--cap 30] [--engines oxigraph,rdflib,oxrdflib] [--only real|synth]

Prints a table per dataset with ratios against Oxigraph and writes bench/results/bench_stores.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DEFAULT_BUILD, ensure_build, ms, pct, ratio, spawn_rss, table, versions, write_results  # noqa: E402

ENGINES = ("oxigraph", "rdflib", "oxrdflib")
EXTRA_ENGINES = ("oxigraph-load",)  # pyoxigraph with Store.load (transactional) instead of bulk_load
PREFIXES = """PREFIX eg: <https://w3id.org/exportgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
ID = "https://w3id.org/exportgraph/id/"

# Parameters of the typical questions, per dataset.
PARAMS = {
    "real": {"code": "3B001", "list": "eu/list/annex-i", "date": "2025-12-01",
             "entry": "eu/list/annex-i/2025-11-15/3B001", "customs": "811292", "text": "gallium"},
    "synth": {"code": "3B001", "list": "eu/list/dual-use", "date": "2024-12-01",
              "entry": "eu/list/dual-use/2025-11-15/3B001", "customs": "811292", "text": "gallium"},
}


def queries(p: dict[str, str]) -> dict[str, str]:
    d = f'"{p["date"]}"^^xsd:date'
    entry = f"<{ID}{p['entry']}>"
    return {
        "point lookup by notation": f"""SELECT ?e ?ed WHERE {{ ?e skos:notation "{p['code']}" ;
            skos:inScheme ?ed }}""",
        "notation, case-insensitive (FILTER LCASE, as items.lookup)": f"""SELECT ?e WHERE {{
            ?e a eg:ControlEntry ; skos:notation ?c . FILTER(LCASE(?c) = "{p['code'].lower()}") }}""",
        "entries of a list edition in force on a date": f"""SELECT ?e ?code WHERE {{
            ?ed eg:editionOf <{ID}{p['list']}> ; eg:validFrom ?from . OPTIONAL {{ ?ed eg:validUntil ?until }}
            FILTER(?from <= {d} && (!BOUND(?until) || ?until >= {d}))
            ?e skos:inScheme ?ed ; skos:notation ?code }}""",
        "one-hop crosswalk via eg:crosswalkGroup": f"""SELECT DISTINCT ?other ?code WHERE {{
            {entry} eg:crosswalkGroup ?g . ?other eg:crosswalkGroup ?g ; skos:notation ?code .
            FILTER(?other != {entry}) }}""",
        "customs code to candidate entries (skos:broader?)": f"""SELECT DISTINCT ?e ?via WHERE {{
            ?c a eg:CustomsCode ; skos:notation "{p['customs']}" . ?c skos:broader? ?via .
            ?link eg:customsCode ?via ; eg:controlEntry ?e }}""",
        "label CONTAINS search": f"""SELECT ?s ?l WHERE {{ {{ ?s skos:prefLabel ?l }} UNION {{ ?s rdfs:label ?l }}
            FILTER(CONTAINS(LCASE(STR(?l)), "{p['text']}")) }}""",
        "count by class": "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c",
    }


# ---------------------------------------------------------------- worker (one engine, one dataset)

class Abandoned(Exception):
    pass


def _alarm(_signum: int, _frame: Any) -> None:
    raise Abandoned


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(engine: str, dataset: Path, which: str, runs: int, budget: float, cap: float) -> dict[str, Any]:
    out: dict[str, Any] = {"engine": engine, "rss_after_import_mb": 0.0}
    if engine in ("oxigraph", "oxigraph-load"):
        import pyoxigraph as ox

        out["rss_after_import_mb"] = rss_mb()
        t0 = time.perf_counter()
        store = ox.Store()
        # EmbeddedStore.from_file uses bulk_load; oxrdflib's parser uses load
        loader = store.bulk_load if engine == "oxigraph" else store.load
        loader(path=str(dataset), format=ox.RdfFormat.N_QUADS)
        out["load_s"] = time.perf_counter() - t0
        out["quads"] = len(store)

        def run(text: str) -> int:
            result = store.query(text, use_default_graph_as_union=True)
            return len([[term for term in solution] for solution in result])
    else:
        from rdflib import Dataset

        out["rss_after_import_mb"] = rss_mb()
        t0 = time.perf_counter()
        if engine == "rdflib":
            ds = Dataset(default_union=True)
            ds.parse(str(dataset), format="nquads")
        else:
            ds = Dataset(store="Oxigraph", default_union=True)
            ds.parse(str(dataset), format="ox-nquads")
        out["load_s"] = time.perf_counter() - t0
        out["quads"] = sum(1 for _ in ds.quads((None, None, None, None))) if engine == "rdflib" else len(
            ds.store._inner)  # type: ignore[attr-defined]

        def run(text: str) -> int:
            return len(list(ds.query(text)))

    out["rss_after_load_mb"] = rss_mb()
    signal.signal(signal.SIGALRM, _alarm)
    results: dict[str, Any] = {}
    for name, text in queries(PARAMS[which]).items():
        item: dict[str, Any] = {"note": ""}
        signal.setitimer(signal.ITIMER_REAL, cap)
        try:
            t0 = time.perf_counter()
            item["rows"] = run(PREFIXES + text)
            item["first_s"] = time.perf_counter() - t0
        except Abandoned:
            item.update(first_s=None, median_s=None, p95_s=None, n=0, note=f"skipped: a run took over {cap:g} s")
            results[name] = item
            continue
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        times: list[float] = []
        spent = item["first_s"]
        while len(times) < runs and spent < budget:
            t0 = time.perf_counter()
            run(PREFIXES + text)
            took = time.perf_counter() - t0
            times.append(took)
            spent += took
        if not times:  # the first run used the budget: report it alone
            times = [item["first_s"]]
            item["note"] = f"1 run (first run {item['first_s']:.1f} s > budget {budget:g} s)"
        elif len(times) < runs:
            item["note"] = f"{len(times)} runs (budget {budget:g} s)"
        item.update(median_s=statistics.median(times), p95_s=pct(times, 95), n=len(times))
        results[name] = item
    out["queries"] = results
    out["rss_end_mb"] = rss_mb()
    return out


# ---------------------------------------------------------------- parent

def measure(engine: str, dataset: Path, which: str, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    result_path = tmp / f"{which}-{engine}.json"
    cmd = [sys.executable, __file__, "--worker", engine, "--dataset", str(dataset), "--which", which,
           "--runs", str(args.runs), "--budget", str(args.budget), "--cap", str(args.cap)]
    print(f"  {engine} on {which} ...", end=" ", flush=True)
    proc = spawn_rss(cmd, timeout=args.engine_timeout, stdout_path=result_path)
    if proc["returncode"] != 0 or proc["timed_out"]:
        err = result_path.with_suffix(".err").read_text()[-800:]
        print(f"failed ({'timed out' if proc['timed_out'] else proc['returncode']})\n{err}")
        return {"engine": engine, "failed": True, "error": err, **proc}
    data = json.loads(result_path.read_text().strip().splitlines()[-1])
    data.update(peak_rss_mb=proc["maxrss_mb"], wall_s=proc["wall_s"], cpu_s=proc["user_s"] + proc["sys_s"])
    print(f"load {data['load_s']:.1f} s, peak {data['peak_rss_mb']:.0f} MB, wall {proc['wall_s']:.0f} s", flush=True)
    return data


def report(which: str, label: str, found: dict[str, dict[str, Any]]) -> str:
    engines = [e for e in ENGINES + EXTRA_ENGINES if e in found and not found[e].get("failed")]
    others = [e for e in engines if e != "oxigraph"]
    headers = ["", *[f"{e}" for e in engines], *[f"{e}/oxigraph" for e in others]]
    rows: list[list[Any]] = []
    ref = found.get("oxigraph", {})

    def row(name: str, get: Any, fmt: Any) -> None:
        vals = [get(found[e]) for e in engines]
        rows.append([name, *[fmt(v) for v in vals], *[ratio(get(found[e]), get(ref)) for e in others]])

    row("quads loaded", lambda d: d.get("quads"), lambda v: f"{v:,}" if v is not None else "-")
    row("load (s)", lambda d: d.get("load_s"), lambda v: f"{v:.1f}")
    row("peak RSS (MB)", lambda d: d.get("peak_rss_mb"), lambda v: f"{v:,.0f}")
    row("RSS growth by the load (MB)", lambda d: d["rss_after_load_mb"] - d["rss_after_import_mb"],
        lambda v: f"{v:,.0f}")
    notes = []
    for q in queries(PARAMS[which]):
        for stat, key in (("median", "median_s"), ("p95", "p95_s")):
            row(f"{q}: {stat} ms", lambda d, q=q, key=key: d["queries"][q].get(key), ms)
        counts = {e: found[e]["queries"][q].get("rows") for e in engines}
        for e in engines:
            note = found[e]["queries"][q].get("note")
            if note:
                notes.append(f"{e}, {q}: {note}")
        if len({c for c in counts.values() if c is not None}) > 1:
            notes.append(f"{q}: row counts differ {counts} (union default graph: Oxigraph keeps a triple once per "
                         "graph, rdflib's union once overall)")
    text = f"\n== {label}\n" + table(headers, rows)
    if notes:
        text += "\nnotes:\n  " + "\n  ".join(notes)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", type=Path, default=DEFAULT_BUILD)
    parser.add_argument("--triples", type=int, default=1_000_000, help="size of the generated dataset")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=20, help="timed runs per query after the first")
    parser.add_argument("--budget", type=float, default=10.0, help="seconds of repeats per query and engine")
    parser.add_argument("--cap", type=float, default=30.0, help="abandon a query run longer than this")
    parser.add_argument("--engine-timeout", type=float, default=900.0, help="kill an engine's run after this")
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help=f"among {', '.join(ENGINES + EXTRA_ENGINES)}; oxigraph is the reference")
    parser.add_argument("--tag", default="", help="results file bench_stores-TAG.json instead of bench_stores.json")
    parser.add_argument("--only", choices=("real", "synth"))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--dataset", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--which", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        print(json.dumps(worker(args.worker, args.dataset, args.which, args.runs, args.budget, args.cap)))
        return

    from _synth import cached

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if "oxrdflib" in engines:
        try:
            import oxrdflib  # noqa: F401
        except ImportError:
            print("oxrdflib is not installed (pip install oxrdflib): skipping it")
            engines.remove("oxrdflib")
    datasets = []
    if args.only in (None, "real"):
        datasets.append(("real", ensure_build(args.build_dir), "real build"))
    if args.only in (None, "synth"):
        t0 = time.perf_counter()
        path, count = cached(args.triples, args.seed)
        print(f"generated dataset {path}: {count:,} quads ({time.perf_counter() - t0:.1f} s, cached afterwards)")
        datasets.append(("synth", path, f"generated, {count:,} quads, seed {args.seed}"))
    print(f"engines {', '.join(engines)}; {args.runs} runs a query within {args.budget:g} s; cap {args.cap:g} s; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    all_results: dict[str, Any] = {}
    texts = []
    with tempfile.TemporaryDirectory(prefix="bench-stores-") as tmp:
        for which, path, label in datasets:
            label = f"{label}: {path.name} ({path.stat().st_size / 1e6:.0f} MB)"
            print(f"\n{label}")
            found = {e: measure(e, path, which, args, Path(tmp)) for e in engines}
            all_results[which] = {"dataset": str(path), "label": label, "engines": found,
                                  "params": PARAMS[which], "queries": queries(PARAMS[which])}
            texts.append(report(which, label, found))
    for text in texts:
        print(text)
    print("\nratios: engine / oxigraph (pyoxigraph Store with bulk_load, as EmbeddedStore; the reference); "
          "above 1x is slower or larger.")
    settings = {k: v for k, v in vars(args).items() if k not in ("worker", "dataset", "which")}
    payload = {"versions": versions("rdflib", "pyoxigraph", "oxrdflib"), "settings": settings,
               "results": all_results}
    out = write_results("bench_stores" + (f"-{args.tag}" if args.tag else ""), payload)
    print(f"results: {out}")


if __name__ == "__main__":
    main()
