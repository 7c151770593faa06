"""Benchmark: past one machine. N service replicas over one SPARQL server, and a 5M-quad dataset on it.

(a) `replicas`: the real build bulk-loaded into one `oxigraph serve --union-default-graph`; 1, 2 and 3
    replicas (`exportgraph serve` processes, store=remote, one public URL); wrk (Debian's, a C client) with one
    connection per thread, thread i sent to replica i mod N (wrk's `thread.addr`, so one wrk run spreads
    its load over the replicas and reports one latency distribution), varied codes per request, on a REST
    lookup (`/api/entries?code=...`) and a SPARQL lookup (`/sparql?query=...`), at 8 and 32 clients:
    req/s, p50, p99, errors (non-2xx, socket) and the ratio of req/s to 1 replica.
(b) `big`: a generated export-control-shaped dataset of about 5M quads (bench/_synth.py, seed 7), pushed
    into an empty Oxigraph server with `exportgraph load --into` (wall time, loader peak RSS), then one
    replica over it: the text index build (first search), and p50/p95 of sequential requests (libcurl) for lookup,
    search, compare, crosswalk and customs; RSS of the Oxigraph server and of the service (its process
    tree: the SPARQL workers too).

    python bench/bench_scale.py replicas [--build-dir /tmp/eg-build] [--replicas 1,2,3] [--clients 8,32]
                                         [--seconds 15]
    python bench/bench_scale.py big [--triples 5720000] [--calls 40] [--workdir /tmp/bench-scale]
                                    [--remote http://127.0.0.1:7878/query   (already loaded: latencies only)]
    python bench/bench_scale.py all

The load average (1 min) is printed beside every figure: on a shared machine, the figures move with it.
Writes bench/results/bench_scale-<part>.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pycurl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, ensure_build, free_port, ms, pct, ratio, spawn_rss, table, write_results  # noqa: E402
from _synth import generate  # noqa: E402

PUBLIC = "https://exportgraph.example.org"
OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
PREFIXES = ("PREFIX eg: <https://w3id.org/exportgraph/ontology#> "
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> ")
SPARQL_LOOKUP = (PREFIXES + 'SELECT ?e ?l WHERE { ?e skos:notation "%s" ; skos:inScheme ?ed . '
                 "?ed eg:editionOf ?l } ORDER BY ?e")
CODES_QUERY = (PREFIXES + "SELECT DISTINCT ?c WHERE { ?e a eg:ControlEntry ; skos:notation ?c . "
               'FILTER(REGEX(?c, "^[0-9][A-E][0-9]{3}$")) } ORDER BY ?c LIMIT 200')


def load_avg() -> float:
    return round(os.getloadavg()[0], 2)


# ---------------------------------------------------------------- processes

def rss_mb(pid: int, tree: bool = False) -> dict[str, float]:
    """VmRSS and VmHWM (peak) of a process, summed over its descendants when `tree`."""
    pids = [pid] + (_descendants(pid) if tree else [])
    out = {"rss_mb": 0.0, "peak_mb": 0.0}
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                out["rss_mb"] += int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                out["peak_mb"] += int(line.split()[1]) / 1024
    return {k: round(v) for k, v in out.items()}


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait(url: str, proc: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{url} did not answer (exit code {proc.poll()})")
        time.sleep(0.2)


@contextmanager
def oxigraph(location: Path, dataset: Path | None = None) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`oxigraph serve --union-default-graph` on location (bulk-loaded with dataset first, if given)."""
    if dataset is not None:
        subprocess.run([OXIGRAPH, "load", "--location", str(location), "--file", str(dataset), "--format",
                        "application/n-quads"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    proc = subprocess.Popen([OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{base}/query?query=ASK%7B%7D", proc)
        yield base, proc
    finally:
        _stop(proc)


@contextmanager
def replica(query_url: str, build_dir: Path, workers: int = 2,
            wait_s: float = 120) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """One `exportgraph serve` over the remote store, on a free port, answering health within wait_s."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), EXPORTGRAPH_STORE="remote", EXPORTGRAPH_REMOTE_QUERY_URL=query_url,
               EXPORTGRAPH_BUILD_DIR=str(build_dir), EXPORTGRAPH_PORT=str(port), EXPORTGRAPH_BASE_URL=PUBLIC,
               EXPORTGRAPH_QUERY_WORKERS=str(workers), EXPORTGRAPH_REMOTE_TIMEOUT_S="60",
               EXPORTGRAPH_QUERY_TIMEOUT_S="60", EXPORTGRAPH_MAX_CONCURRENT_QUERIES="64")
    log = Path(tempfile.gettempdir()) / f"bench-scale-replica-{port}.log"  # kept: why a replica stopped
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "exportgraph", "serve"], env=env, cwd=ROOT,
                                stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{base}/api/health", proc, wait_s)
        yield base, proc
    finally:
        if proc.poll() is not None:
            print(f"the replica exited with {proc.returncode}; its log: {log}", flush=True)
        _stop(proc)


# ---------------------------------------------------------------- (a) replicas, with wrk

WRK_SCRIPT = """
local kind = "%(kind)s"
local ports = { %(ports)s }
local codes = { %(codes)s }
local counter = 0
local n = 0

function setup(thread)
  local addrs = wrk.lookup("127.0.0.1", tostring(ports[(n %% #ports) + 1]))
  thread.addr = addrs[1]
  thread:set("id", n)
  n = n + 1
end

local function escape(s)
  return (s:gsub("[^%%w%%-%%._~]", function(c) return string.format("%%%%%%02X", string.byte(c)) end))
end

function request()
  counter = counter + 1
  local code = codes[((id or 0) * 7919 + counter) %% #codes + 1]
  if kind == "rest" then
    return wrk.format("GET", "/api/entries?code=" .. code, { ["Accept"] = "application/json" })
  end
  local q = string.format([[%(sparql)s]], code)
  return wrk.format("GET", "/sparql?query=" .. escape(q), { ["Accept"] = "application/sparql-results+json" })
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, ' ..
    '"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}\\n', summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(99), e.connect, e.read, e.write, e.status,
    e.timeout))
end
"""


def wrk(ports: list[int], kind: str, codes: list[str], clients: int, seconds: float, workdir: Path) -> dict[str, Any]:
    script = workdir / f"wrk-{kind}.lua"
    script.write_text(WRK_SCRIPT % {"kind": kind, "ports": ", ".join(map(str, ports)),
                                    "codes": ", ".join(json.dumps(c) for c in codes),
                                    "sparql": SPARQL_LOOKUP}, "utf-8")
    before = load_avg()
    run = subprocess.run(["wrk", "-t", str(clients), "-c", str(clients), "-d", f"{seconds:g}s", "--timeout", "30s",
                          "-s", str(script), f"http://127.0.0.1:{ports[0]}/"], capture_output=True, text=True)
    line = next((ln for ln in run.stdout.splitlines() if ln.startswith("WRK ")), None)
    if line is None:
        raise SystemExit(f"wrk failed: {run.stdout[-500:]} {run.stderr[-500:]}")
    got = json.loads(line[4:])
    errors = got["connect"] + got["read"] + got["write"] + got["status"] + got["timeout"]
    return {"kind": kind, "clients": clients, "replicas": len(ports), "rps": got["requests"] / got["duration_us"] * 1e6,
            "p50_s": got["p50_us"] / 1e6, "p99_s": got["p99_us"] / 1e6, "errors": errors, "non_2xx": got["status"],
            "requests": got["requests"], "load_before": before, "load_after": load_avg()}


def _codes(query_url: str) -> list[str]:
    answer = httpx.post(query_url, content=CODES_QUERY.encode(), timeout=600,
                        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    codes = [b["c"]["value"] for b in answer.json()["results"]["bindings"]]
    if not codes:
        raise SystemExit("no entry codes in the store")
    return codes


def part_replicas(args: argparse.Namespace) -> dict[str, Any]:
    dataset = ensure_build(args.build_dir)
    counts = [int(x) for x in args.replicas.split(",")]
    levels = [int(x) for x in args.clients.split(",")]
    rows: list[dict[str, Any]] = []
    memory: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp, oxigraph(Path(tmp) / "ox", dataset) as (ox, ox_proc):
        codes = _codes(f"{ox}/query")[: args.codes]
        for n in counts:
            with ExitStack() as stack:
                started = [stack.enter_context(replica(f"{ox}/query", args.build_dir, args.workers)) for _ in range(n)]
                ports = [int(base.rsplit(":", 1)[1]) for base, _ in started]
                for base, _ in started:  # warm: imports, the guard's parser, connections
                    for code in codes[:5]:
                        httpx.get(f"{base}/api/entries", params={"code": code}, timeout=120)
                        httpx.get(f"{base}/sparql", params={"query": SPARQL_LOOKUP % code}, timeout=120,
                                  headers={"Accept": "application/sparql-results+json"})
                for kind in ("rest", "sparql"):
                    for clients in levels:
                        row = wrk(ports, kind, codes, clients, args.seconds, Path(tmp))
                        rows.append(row)
                        print(f"  {n} replica(s), {kind}, {clients} clients: {row['rps']:.0f} req/s, "
                              f"p50 {ms(row['p50_s'])} ms, errors {row['errors']}, load {row['load_after']}", flush=True)
                memory[f"{n} replicas"] = {"oxigraph": rss_mb(ox_proc.pid),
                                           "service": [rss_mb(p.pid, tree=True) for _, p in started]}
    base = {(r["kind"], r["clients"]): r["rps"] for r in rows if r["replicas"] == counts[0]}
    for r in rows:
        r["ratio"] = r["rps"] / base[(r["kind"], r["clients"])] if base.get((r["kind"], r["clients"])) else None
    print("\nThroughput over one Oxigraph server (real build), wrk, one connection per client:")
    print(table(["lookup", "replicas", "clients", "req/s", "p50 ms", "p99 ms", "errors", f"x {counts[0]} replica",
                 "load avg"],
                [[r["kind"], r["replicas"], r["clients"], f"{r['rps']:,.0f}", ms(r["p50_s"]), ms(r["p99_s"]), r["errors"],
                  ratio(r["rps"], base.get((r["kind"], r["clients"]))), r["load_after"]] for r in rows]))
    print("memory (MB):", json.dumps(memory))
    return {"dataset": str(dataset), "rows": rows, "memory": memory}


# ---------------------------------------------------------------- (b) 5M quads on the remote store

SEARCHES = ["gallium", "semiconductor lasers", "3B0", "镓", "ガリウム", "machine tools", "811292", "valves pumps"]


def synth_build(triples: int, seed: int, workdir: Path) -> tuple[Path, int]:
    """A build directory holding the generated dataset and a manifest (dataset, quads, graphs) for `load`."""
    build_dir = workdir / f"build-{triples}-{seed}"
    manifest = build_dir / "manifest.json"
    if manifest.exists():
        return build_dir, int(json.loads(manifest.read_text())["quads"])
    build_dir.mkdir(parents=True, exist_ok=True)
    dataset = build_dir / f"dataset-synth-{triples}-{seed}.nq"
    print(f"generating {dataset} ...", flush=True)
    quads = generate(dataset, triples, seed)
    graphs: dict[str, int] = {}
    with dataset.open("r", encoding="utf-8") as fh:
        for line in fh:
            graph = line.rstrip(" .\n").rpartition(" ")[2].strip("<>")
            graphs[graph] = graphs.get(graph, 0) + 1
    manifest.write_text(json.dumps({"dataset": dataset.name, "format": "application/n-quads", "quads": quads,
                                    "graphs": dict(sorted(graphs.items()))}, indent=1), "utf-8")
    return build_dir, quads


def timed(base: str, paths: list[str], calls: int) -> dict[str, Any]:
    """Sequential requests cycling over paths, sent by libcurl (pycurl: a C client on one kept-alive connection,
    as wrk; httpx added about 1 ms of its own Python to each request): p50/p95 and the statuses seen."""
    times, statuses = [], {}
    curl = pycurl.Curl()
    curl.setopt(pycurl.TCP_NODELAY, 1)
    curl.setopt(pycurl.TIMEOUT, 300)
    for i in range(calls):
        body = io.BytesIO()
        curl.setopt(pycurl.URL, base + paths[i % len(paths)])
        curl.setopt(pycurl.WRITEDATA, body)
        started = time.perf_counter()
        curl.perform()
        times.append(time.perf_counter() - started)
        status = curl.getinfo(pycurl.RESPONSE_CODE)
        statuses[status] = statuses.get(status, 0) + 1
    curl.close()
    return {"p50_s": pct(times, 50), "p95_s": pct(times, 95), "max_s": max(times), "statuses": statuses,
            "calls": calls, "load": load_avg(), "client": "pycurl"}


def part_big(args: argparse.Namespace) -> dict[str, Any]:
    if args.remote:  # a server already loaded: latencies only
        out: dict[str, Any] = {"remote": args.remote}
        with tempfile.TemporaryDirectory(prefix="bench-scale-") as empty:
            out["latency"] = _latencies(args.remote, Path(empty), args.calls, out)
        _print_big(out)
        return out
    workdir = args.workdir
    build_dir, quads = synth_build(args.triples, args.seed, workdir)
    location = workdir / "oxigraph-big"
    shutil.rmtree(location, ignore_errors=True)
    out = {"quads": quads, "graphs": len(json.loads((build_dir / "manifest.json").read_text())["graphs"])}
    with oxigraph(location) as (ox, ox_proc):
        print(f"loading {quads:,} quads with `exportgraph load --into {ox}/store` (load avg {load_avg()}) ...", flush=True)
        env = dict(os.environ, PYTHONPATH=str(ROOT), EXPORTGRAPH_REMOTE_TIMEOUT_S="600")
        load = spawn_rss([sys.executable, "-m", "exportgraph", "load", "--into", f"{ox}/store", "--query-url",
                          f"{ox}/query", "--build-dir", str(build_dir)], env=env)
        if load["returncode"] != 0:
            raise SystemExit(f"exportgraph load failed with exit code {load['returncode']}")
        out["load"] = {"wall_s": load["wall_s"], "loader_peak_mb": load["maxrss_mb"], "load_avg": load_avg()}
        out["oxigraph_after_load"] = rss_mb(ox_proc.pid)
        print(f"  load {load['wall_s']:.1f} s, loader peak {load['maxrss_mb']:.0f} MB, "
              f"oxigraph {out['oxigraph_after_load']}", flush=True)
        out["latency"] = _latencies(f"{ox}/query", build_dir, args.calls, out)
        out["oxigraph_end"] = rss_mb(ox_proc.pid)
    _print_big(out)
    return out


def _print_big(out: dict[str, Any]) -> None:
    print(table(["request", "p50 ms", "p95 ms", "max ms", "statuses", "load avg"],
                [[k, ms(v["p50_s"]), ms(v["p95_s"]), ms(v["max_s"]), v["statuses"], v["load"]]
                 for k, v in out["latency"].items()]))
    print("memory (MB):", json.dumps({k: out.get(k) for k in ("oxigraph_after_load", "oxigraph_end", "service")}))


def _latencies(query_url: str, build_dir: Path, calls: int, out: dict[str, Any]) -> dict[str, Any]:
    codes = _codes(query_url)
    entry_query = (PREFIXES + 'SELECT ?e WHERE { ?e skos:notation ?c ; skos:inScheme ?ed . ?ed eg:editionOf '
                   '<https://w3id.org/exportgraph/id/eu/list/dual-use> ; eg:validFrom "2025-11-15"^^<http://www.w3.org/'
                   '2001/XMLSchema#date> . FILTER(REGEX(?c, "^[0-9][A-E][0-9]{3}$")) } ORDER BY ?e LIMIT 40')
    answer = httpx.post(query_url, content=entry_query.encode(), timeout=600,
                        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    entries = [b["e"]["value"].removeprefix("https://w3id.org/exportgraph/id/")
               for b in answer.json()["results"]["bindings"]]
    started = time.perf_counter()
    # Each web process builds its own text index before it answers health (the two at once): at 5M quads that is
    # minutes.
    with replica(query_url, build_dir, wait_s=3600) as (base, proc), httpx.Client(base_url=base, timeout=300) as http:
        out["ready_s"] = time.perf_counter() - started
        http.get("/api/search", params={"q": "gallium"}, timeout=3600)  # waits for the text index, if not built yet
        out["index_build_s"] = time.perf_counter() - started
        print(f"  replica answering after {out['ready_s']:.1f} s, text index (first search) after "
              f"{out['index_build_s']:.1f} s (load {load_avg()})", flush=True)
        http.get("/api/compare")  # the route keeps answers per (jurisdictions, dimensions, as_of)
        paths = {
            "lookup /api/entries?code=": [f"/api/entries?code={c}" for c in codes[:calls]],
            "search /api/search?q=": [f"/api/search?q={quote(q)}" for q in SEARCHES],
            "compare /api/compare?as_of=": [f"/api/compare?as_of=20{10 + i % 16}-0{1 + i % 9}-1{i % 10}"
                                            for i in range(calls)],
            "crosswalk /api/crosswalk?entry=": [f"/api/crosswalk?entry={e}" for e in entries],
            "customs /api/customs/": [f"/api/customs/{c}" for c in ("811292", "8112", "850110", "901320")],
        }
        result = {}
        for name, todo in paths.items():
            result[name] = timed(base, todo, calls)
            print(f"  {name}: p50 {ms(result[name]['p50_s'])} ms, p95 {ms(result[name]['p95_s'])} ms "
                  f"{result[name]['statuses']} (load {result[name]['load']})", flush=True)
        out["service"] = rss_mb(proc.pid, tree=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("part", choices=["replicas", "big", "all"])
    parser.add_argument("--build-dir", type=Path, default=Path("/tmp/eg-build"), help="the real build (part a)")
    parser.add_argument("--replicas", default="1,2,3")
    parser.add_argument("--clients", default="8,32")
    parser.add_argument("--seconds", type=float, default=15.0, help="per wrk run")
    parser.add_argument("--codes", type=int, default=100, help="distinct codes the lookups cycle over")
    parser.add_argument("--workers", type=int, default=2, help="EXPORTGRAPH_QUERY_WORKERS of each replica")
    parser.add_argument("--triples", type=int, default=5_720_000, help="_synth.py size (5,720,000: 5.02M quads)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--calls", type=int, default=40, help="sequential requests per endpoint (part b)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench-scale"), help="part b: dataset, store")
    parser.add_argument("--remote", help="part b: the query URL of a server already loaded (skips generate and load)")
    args = parser.parse_args()
    if shutil.which("wrk") is None and args.part in ("replicas", "all"):
        raise SystemExit("wrk is not installed (Debian package `wrk`)")
    print(f"load average at start: {os.getloadavg()}", flush=True)
    if args.part in ("replicas", "all"):
        print(f"results: {write_results('bench_scale-replicas', part_replicas(args))}")
    if args.part in ("big", "all"):
        print(f"results: {write_results('bench_scale-big', part_big(args))}")


if __name__ == "__main__":
    main()
