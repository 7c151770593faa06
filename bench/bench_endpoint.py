"""Benchmark: the guarded /sparql against a bare Oxigraph server and a raw ASGI + pyoxigraph floor, with wrk.

In one run, on the same build, three endpoints are started side by side:
  oxigraph     `oxigraph serve` in memory, --union-default-graph, the dataset POSTed to /store;
  raw          bench/_raw_endpoint.py: one uvicorn process, a bare ASGI callable over pyoxigraph, no guards;
  exportgraph  `exportgraph serve` on the build (every guard on, the settings as deployed unless --env).
Each answers the same three queries, checked first to give the same number of rows:
  (a) the same lookup repeated; (b) new query text every request (a literal that changes); (c) a join, LIMIT 100;
at 1, 8 and 32 connections with wrk (a C load generator: a Python client saturates first), POST
application/sparql-query. Per cell: req/s, p50, p99, non-2xx and socket errors; then the ratios of
exportgraph (and of the floor) to the raw floor and to bare Oxigraph, and the goals of issue 14:
throughput >= the raw floor at 8 and 32 connections; p50 at 1 connection <= 1.3x the floor's on (a) and (b);
no refusal at 32 connections.

    python bench/bench_endpoint.py --build-dir /tmp/eg-build [--seconds 10] [--connections 1,8,32]
        [--targets oxigraph,raw,exportgraph] [--queries a,b,c] [--env EXPORTGRAPH_QUERY_WORKERS=2]

The machine's load average is printed beside the table: the three servers and wrk share its cores.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import free_port, ratio, table, write_results  # noqa: E402

HERE = Path(__file__).resolve().parent
ENTRY = "https://w3id.org/exportgraph/id/eu/list/annex-i/2025-11-15/3B001"
SKOS = "http://www.w3.org/2004/02/skos/core#"
EG = "https://w3id.org/exportgraph/ontology#"
QUERIES = {
    "a": f"SELECT ?p ?o WHERE {{ <{ENTRY}> ?p ?o }}",
    # {nonce} becomes "<thread>-<counter>" in wrk: each request is a text the guard has never seen.
    "b": f'SELECT ?p ?o WHERE {{ <{ENTRY}> ?p ?o FILTER(?o != "nonce-{{nonce}}") }}',
    "c": (f"SELECT ?e ?code ?label ?match WHERE {{ ?e a <{EG}ControlEntry> ; <{SKOS}notation> ?code ; "
          f"<{SKOS}prefLabel> ?label ; <{SKOS}exactMatch> ?match }} LIMIT 100"),
}
QUERY_NAMES = {"a": "(a) same lookup", "b": "(b) new text", "c": "(c) join LIMIT 100"}
ACCEPT = "application/sparql-results+json"

# The wrk script: a POST of the query; counts of every status other than 200; a JSON line at the end.
LUA = r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/sparql-query"
wrk.headers["Accept"] = "%(accept)s"
local head, tail = %(head)s, %(tail)s
if tail == nil then wrk.body = head end
local threads = {}
statuses, id, counter = {}, 0, 0  -- globals: setup() sets id, done() reads statuses of each thread
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end
%(request)s
function response(status, headers, body)
  if status ~= 200 then statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1 end
end
function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses")) do merged[code] = (merged[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(merged) do table.insert(parts, string.format('"%%s": %%d', code, n)) end
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, ' ..
    '"non2xx": %%d, "connect": %%d, "read": %%d, "write": %%d, "timeout": %%d, "statuses": {%%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), e.status,
    e.connect, e.read, e.write, e.timeout, table.concat(parts, ", ")))
end
"""
VARYING = """
function request()
  counter = counter + 1
  return wrk.format(nil, nil, nil, head .. id .. "-" .. counter .. tail)
end
"""


def lua_string(text: str) -> str:
    level = "=" * 4
    assert f"]{level}]" not in text
    return f"[{level}[{text}]{level}]"


def write_script(directory: Path, name: str, text: str) -> Path:
    if "{nonce}" in text:
        head, tail = text.split("{nonce}")
        values = {"head": lua_string(head), "tail": lua_string(tail), "request": VARYING}
    else:
        values = {"head": lua_string(text), "tail": "nil", "request": ""}
    path = directory / f"query-{name}.lua"
    path.write_text(LUA % {**values, "accept": ACCEPT}, "utf-8")
    return path


# ---------------------------------------------------------------- the three servers


def _post(url: str, data: bytes | Any, kind: str, timeout: float = 60, accept: str = ACCEPT) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": kind, "Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - our own servers
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_until_up(url: str, proc: subprocess.Popen[bytes], name: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            status, _ = _post(url, b"ASK {}", "application/sparql-query", timeout=5)
            if status == 200:
                return
        except OSError:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"{name}: the server exited with code {proc.returncode} before answering")
        if time.monotonic() > deadline:
            raise SystemExit(f"{name}: no answer at {url} within {seconds:g} s")
        time.sleep(0.3)


@contextmanager
def server(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def start_oxigraph(stack: ExitStack, dataset: Path, workdir: Path) -> tuple[str, subprocess.Popen[bytes]]:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    cmd = [binary, "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    return f"http://127.0.0.1:{port}", stack.enter_context(server(cmd, workdir / "oxigraph.log"))


def load_oxigraph(base: str, dataset: Path) -> None:
    with open(dataset, "rb") as body:
        request = urllib.request.Request(f"{base}/store", data=body, method="POST",
                                         headers={"Content-Type": "application/n-quads",
                                                  "Content-Length": str(dataset.stat().st_size)})
        with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310 - our own server
            if response.status not in (200, 201, 204):
                raise SystemExit(f"oxigraph: loading the dataset answered {response.status}")


def start_raw(stack: ExitStack, dataset: Path, workdir: Path) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    cmd = [sys.executable, str(HERE / "_raw_endpoint.py"), "--dataset", str(dataset), "--port", str(port)]
    return f"http://127.0.0.1:{port}/sparql", stack.enter_context(server(cmd, workdir / "raw.log"))


def start_exportgraph(stack: ExitStack, build_dir: Path, workdir: Path,
                      extra_env: dict[str, str]) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    env = {**os.environ, **extra_env}
    cmd = [sys.executable, "-m", "exportgraph", "serve", "--build-dir", str(build_dir), "--port", str(port)]
    return f"http://127.0.0.1:{port}/sparql", stack.enter_context(server(cmd, workdir / "exportgraph.log", env))


def warm_text_index(sparql_url: str) -> None:
    """Wait until the service's text index is built: a web process builds it in a thread at start, which
    would otherwise take CPU from the first measurements. A search waits for it; several, for several
    web processes (each new connection may reach another)."""
    base = sparql_url.rsplit("/sparql", 1)[0]
    for _ in range(4):
        with urllib.request.urlopen(f"{base}/api/search?q=3B001", timeout=600) as response:  # noqa: S310
            response.read()


def check_answers(urls: dict[str, str]) -> None:
    """Every endpoint gives the same number of rows for each query (else the comparison means nothing)."""
    for name, text in QUERIES.items():
        counts = {}
        for target, url in urls.items():
            status, body = _post(url, text.replace("{nonce}", "check").encode(), "application/sparql-query")
            if status != 200:
                raise SystemExit(f"{target}: query {name} answered {status}: {body[:300]!r}")
            counts[target] = len(json.loads(body)["results"]["bindings"])
        if len(set(counts.values())) != 1 or 0 in counts.values():
            raise SystemExit(f"query {name}: the endpoints disagree or find nothing: {counts}")
        print(f"query {name}: {next(iter(counts.values()))} rows from each of {', '.join(counts)}", flush=True)


# ---------------------------------------------------------------- wrk


def run_wrk(url: str, script: Path, connections: int, seconds: float) -> dict[str, Any]:
    threads = min(connections, 2)
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "30s",
           "-s", str(script), url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=seconds + 60)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result (exit {out.returncode}): {out.stdout[-500:]} {out.stderr[-500:]}")
    cell: dict[str, Any] = json.loads(line[len("RESULT "):])
    cell["rps"] = cell["requests"] / (cell["duration_us"] / 1e6)
    cell["socket_errors"] = cell["connect"] + cell["read"] + cell["write"] + cell["timeout"]
    cell["load_avg_1m"] = os.getloadavg()[0]
    return cell


def measure(urls: dict[str, str], scripts: dict[str, Path], levels: list[int], seconds: float,
            warmup: float) -> dict[str, dict[str, dict[int, dict[str, Any]]]]:
    results: dict[str, dict[str, dict[int, dict[str, Any]]]] = {}
    for name, script in scripts.items():
        for target, url in urls.items():
            if warmup > 0:
                run_wrk(url, script, 8, warmup)
            for level in levels:
                cell = run_wrk(url, script, level, seconds)
                results.setdefault(name, {}).setdefault(target, {})[level] = cell
                print(f"{QUERY_NAMES[name]:<20} {target:<12} c={level:<3} {cell['rps']:>9,.0f} req/s  "
                      f"p50 {cell['p50_us'] / 1000:7.2f} ms  p99 {cell['p99_us'] / 1000:7.2f} ms  "
                      f"non-2xx {cell['non2xx']} {cell['statuses'] or ''}  socket errors {cell['socket_errors']}  "
                      f"load {cell['load_avg_1m']:.2f}", flush=True)
    return results


# ---------------------------------------------------------------- report


def report(results: dict[str, dict[str, dict[int, dict[str, Any]]]], levels: list[int]) -> list[str]:
    rows = []
    for name, by_target in results.items():
        for level in levels:
            ox_, raw, eg = (by_target.get(t, {}).get(level) for t in ("oxigraph", "raw", "exportgraph"))

            def f(cell: dict[str, Any] | None, key: str, scale: float = 1.0, fmt: str = "{:,.0f}") -> str:
                return "-" if cell is None else fmt.format(cell[key] / scale)

            rows.append([QUERY_NAMES[name], level,
                         f(ox_, "rps"), f(raw, "rps"), f(eg, "rps"),
                         ratio(_get(eg, "rps"), _get(raw, "rps")), ratio(_get(eg, "rps"), _get(ox_, "rps")),
                         ratio(_get(raw, "rps"), _get(ox_, "rps")),
                         f(ox_, "p50_us", 1000, "{:.2f}"), f(raw, "p50_us", 1000, "{:.2f}"),
                         f(eg, "p50_us", 1000, "{:.2f}"), ratio(_get(eg, "p50_us"), _get(raw, "p50_us")),
                         f(raw, "p99_us", 1000, "{:.1f}"), f(eg, "p99_us", 1000, "{:.1f}"),
                         f(eg, "non2xx"), f(eg, "socket_errors"),
                         f(eg or raw or ox_, "load_avg_1m", 1, "{:.2f}")])
    headers = ["query", "conns", "oxigraph req/s", "raw req/s", "/sparql req/s", "/sparql:raw", "/sparql:ox",
               "raw:ox", "ox p50", "raw p50", "/sparql p50", "p50 /sparql:raw", "raw p99", "/sparql p99",
               "/sparql non-2xx", "/sparql sock err", "load"]
    print()
    print(table(headers, rows))
    return goals(results, levels)


def _get(cell: dict[str, Any] | None, key: str) -> float | None:
    return None if cell is None else float(cell[key])


def goals(results: dict[str, dict[str, dict[int, dict[str, Any]]]], levels: list[int]) -> list[str]:
    """The goals of issue 14 that this run can judge, each PASS or FAIL with its figures."""
    verdicts = []
    for name, by_target in results.items():
        raw, eg = by_target.get("raw", {}), by_target.get("exportgraph", {})
        for level in (8, 32):
            if level in raw and level in eg:
                ok = eg[level]["rps"] >= raw[level]["rps"]
                verdicts.append(f"{'PASS' if ok else 'FAIL'} {name} c={level}: {eg[level]['rps']:,.0f} req/s "
                                f">= raw floor {raw[level]['rps']:,.0f}")
        if name in ("a", "b") and 1 in raw and 1 in eg:
            r = eg[1]["p50_us"] / raw[1]["p50_us"]
            verdicts.append(f"{'PASS' if r <= 1.3 else 'FAIL'} {name} c=1: p50 {eg[1]['p50_us'] / 1000:.2f} ms "
                            f"= {r:.2f}x the floor's {raw[1]['p50_us'] / 1000:.2f} ms (goal <= 1.3x)")
        if 32 in eg:
            refused = int(eg[32]["statuses"].get("429", 0))
            bad = eg[32]["non2xx"] + eg[32]["socket_errors"]
            verdicts.append(f"{'PASS' if bad == 0 else 'FAIL'} {name} c=32: {refused} refusals (429), "
                            f"{eg[32]['non2xx']} non-2xx in all, {eg[32]['socket_errors']} socket errors")
    print()
    print("\n".join(verdicts))
    return verdicts


def parse_env(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise SystemExit(f"--env {pair!r}: expected NAME=VALUE")
        out[key] = value
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", type=Path, default=Path("/tmp/eg-build"),
                        help="a finished build (manifest.json and its dataset); it is not rebuilt")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each wrk run")
    parser.add_argument("--warmup", type=float, default=2.0, help="a wrk run at 8 connections before each series")
    parser.add_argument("--connections", default="1,8,32")
    parser.add_argument("--targets", default="oxigraph,raw,exportgraph")
    parser.add_argument("--queries", default="a,b,c")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for `exportgraph serve` (repeatable)")
    parser.add_argument("--tag", default="", help="suffix of the results file bench/results/bench_endpoint-TAG.json")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    manifest = args.build_dir / "manifest.json"
    if not manifest.exists():
        raise SystemExit(f"{manifest}: no build there; run `exportgraph build --build-dir {args.build_dir}`")
    dataset = args.build_dir / json.loads(manifest.read_text("utf-8"))["dataset"]
    levels = [int(c) for c in args.connections.split(",")]
    targets = [t.strip() for t in args.targets.split(",")]
    unknown = set(targets) - {"oxigraph", "raw", "exportgraph"}
    if unknown or not set(args.queries.split(",")) <= set(QUERIES):
        raise SystemExit(f"--targets: oxigraph, raw, exportgraph; --queries: a, b, c (got {args.targets}, "
                         f"{args.queries})")
    extra_env = parse_env(args.env)
    with tempfile.TemporaryDirectory(prefix="bench-endpoint-") as tmp, ExitStack() as stack:
        workdir = Path(tmp)
        print(f"dataset {dataset} ({dataset.stat().st_size / 1e6:,.0f} MB); logs in {workdir}", flush=True)
        started = time.monotonic()
        procs: dict[str, tuple[str, subprocess.Popen[bytes]]] = {}
        if "oxigraph" in targets:
            procs["oxigraph"] = start_oxigraph(stack, dataset, workdir)
        if "raw" in targets:
            procs["raw"] = start_raw(stack, dataset, workdir)
        if "exportgraph" in targets:
            procs["exportgraph"] = start_exportgraph(stack, args.build_dir, workdir, extra_env)
        urls = {}
        for target in targets:  # the order of the table
            base, proc = procs[target]
            if target == "oxigraph":
                wait_until_up(f"{base}/query", proc, target, 60)
                load_oxigraph(base, dataset)
                urls[target] = f"{base}/query"
            else:
                wait_until_up(base, proc, target, 600)
                urls[target] = base
        if "exportgraph" in urls:
            warm_text_index(urls["exportgraph"])
        print(f"servers up in {time.monotonic() - started:.0f} s", flush=True)
        check_answers(urls)
        scripts = {name: write_script(workdir, name, QUERIES[name]) for name in args.queries.split(",")}
        results = measure(urls, scripts, levels, args.seconds, args.warmup)
        verdicts = report(results, levels)
    path = write_results(f"bench_endpoint{'-' + args.tag if args.tag else ''}", {
        "settings": vars(args) | {"build_dir": str(args.build_dir)}, "queries": QUERIES,
        "results": results, "goals": verdicts})
    print(f"\nresults: {path}; load average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
