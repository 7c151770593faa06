"""Soak (issue 15 item 8): N clients mixing every class of route for D seconds, health probed apart.

    python bench/bench_soak.py --build-dir /tmp/eg-build --store embedded --clients 32 --duration 600
    python bench/bench_soak.py --build-dir /tmp/eg-build --store remote --clients 32 --duration 600
    python bench/bench_soak.py --build-dir /tmp/eg-build --store both --clients 32 --duration 120   # a short run

Each client loops on a weighted mix: REST (/api/entries?code=, /api/compare, /api/search, /api/crosswalk),
pages (/, /id/..., /item/...), graph views (/views/...), SPARQL light (ASK, a lookup) and SPARQL heavy (a
cartesian-product COUNT that runs to the deadline). A separate process probes /api/health at a fixed rate
(open loop: latency counts from the moment the probe was due, so a stalled service cannot hide by slowing
the prober). With --store remote the bench starts `oxigraph serve`, fills it with `exportgraph load --into`,
and mid-run SIGKILLs it (then restarts and reloads it) and later SIGSTOPs it for a while (then SIGCONT).

Output: per class p50/p99/max, count and errors by status; health p50/p99/max per phase (idle, before,
store down, reloaded, store stopped, after); RSS of the service and of its worker processes at start
(after warm-up) and end; the client's own CPU per request. Results go to bench/results/soak-<store>.json.
Not run in CI (it takes minutes).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
import contextlib

from _common import ROOT, free_port, ms, pct, table, write_results  # noqa: E402 - after the path
from _rawhttp import Answer, Connection  # noqa: E402

from exportgraph.sparql.lanes import HEAVY_NICE  # noqa: E402

HOST = "127.0.0.1"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
LOOKUP = ("SELECT ?p ?o WHERE { <https://w3id.org/exportgraph/id/%s> ?p ?o } LIMIT 50")
CODES = ["3A090", "3B001", "1C002", "5A002", "9A004", "1C351", "3A001", "6A003", "2B001", "0A501"]
WORDS = ["gallium", "semiconductor", "centrifuge", "laser", "encryption", "半導体", "镓", "uranium"]
ENTRIES = [f"eu/list/annex-i/2025-11-15/{c}" for c in ["3B001", "1C002", "5A002", "9A004", "1C351", "3A001"]]
IDS = ["cn", "us", "eu", "jp", "regime/wa", "regime/nsg", "regime/mtcr"]

# class -> (weight, list of request makers); a maker returns (target, POST body or None, Accept)
Req = tuple[str, bytes | None, str]


def _sparql(query: str) -> Req:
    return "/sparql?" + urlencode({"query": query}), None, "application/sparql-results+json"


MIX: dict[str, tuple[int, list[Any]]] = {
    "rest": (36, [
        lambda r: (f"/api/entries?code={r.choice(CODES)}", None, "application/json"),
        lambda r: ("/api/compare", None, "application/json"),
        lambda r: (f"/api/compare?as_of={2015 + r.randrange(11)}-{1 + r.randrange(12):02d}-15", None,
                   "application/json"),
        lambda r: (f"/api/search?q={quote(r.choice(WORDS))}", None, "application/json"),
        lambda r: (f"/api/crosswalk?entry={r.choice(ENTRIES)}", None, "application/json"),
        lambda r: ("/api/jurisdictions", None, "application/json"),
    ]),
    "pages": (20, [
        lambda r: ("/", None, "text/html"),
        lambda r: (f"/id/{r.choice(IDS)}", None, "text/html"),
        lambda r: (f"/item/{r.choice(CODES)}", None, "text/html"),
        lambda r: ("/compare", None, "text/html"),
    ]),
    "views": (14, [
        lambda r: (f"/views/neighbourhood/{r.choice(IDS[4:])}?depth={r.choice('12')}", None, "text/html"),
        lambda r: ("/views/regimes", None, "text/html"),
        lambda r: ("/views/compare", None, "text/html"),
        lambda r: (f"/views/crosswalk/{r.choice(ENTRIES)}", None, "text/html"),
    ]),
    "sparql_light": (28, [
        lambda r: _sparql("ASK {}"),
        lambda r: _sparql(LOOKUP % r.choice(IDS)),
    ]),
    "sparql_heavy": (2, [lambda r: _sparql(HEAVY)]),
}


# ---------------------------------------------------------------- the health prober (its own process)


def prober(port: int, rate: float, stop: Any, out: Any) -> None:
    asyncio.run(_probe(port, rate, stop, out))


async def _probe(port: int, rate: float, stop: Any, out: Any) -> None:
    """Open loop: a probe is due every 1/rate s; a probe still running does not delay the next one."""
    idle: list[Connection] = []
    results: list[tuple[float, float, str, float]] = []
    tasks: set[asyncio.Task[None]] = set()

    async def one(due_wall: float, due: float) -> None:
        lag = time.perf_counter() - due  # the prober's own lateness: the part of the latency that is not the service's
        conn = idle.pop() if idle else Connection(HOST, port)
        answer = await conn.request("/api/health", timeout=30)
        results.append((due_wall, time.perf_counter() - due, answer.status, lag))
        idle.append(conn)

    step, due = 1 / rate, time.perf_counter()
    while not stop.is_set():
        due += step
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        task = asyncio.create_task(one(time.time(), due))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks, timeout=35)
    out.put(results)


# ---------------------------------------------------------------- the load


class Load:
    def __init__(self, port: int, clients: int, seed: int) -> None:
        self.port, self.clients, self.seed = port, clients, seed
        self.results: list[tuple[float, str, str, float]] = []  # (wall time, class, status, seconds)
        self.running = True
        classes = list(MIX)
        self.classes, self.weights = classes, [MIX[c][0] for c in classes]

    async def client(self, n: int) -> None:
        rnd = random.Random(self.seed * 1000 + n)
        conn = Connection(HOST, self.port)
        while self.running:
            cls = rnd.choices(self.classes, self.weights)[0]
            target, body, accept = rnd.choice(MIX[cls][1])(rnd)
            answer: Answer = await conn.request(target, timeout=120, body=body, accept=accept)
            self.results.append((time.time(), cls, answer.status, answer.seconds))
            if answer.status == "conn-error":
                await asyncio.sleep(0.05)  # the service is gone for a moment: do not spin
        await conn.close()

    async def run(self, seconds: float, faults: Any = None) -> list[tuple[str, float]]:
        tasks = [asyncio.create_task(self.client(n)) for n in range(self.clients)]
        phases: list[tuple[str, float]] = [("before" if faults else "load", time.time())]
        if faults is not None:
            await faults(phases, seconds)
        else:
            await asyncio.sleep(seconds)
        self.running = False
        await asyncio.wait(tasks, timeout=130)
        phases.append(("end", time.time()))
        return phases


# ---------------------------------------------------------------- processes: service, remote store


def rss(pid: int) -> dict[str, float]:
    """Memory in MB of the service (its supervisor and web processes) and of its SPARQL worker processes (those
    the multiprocessing fork server started), summed. PSS, not RSS: the web processes and the supervisor share
    the loaded graph copy-on-write, and RSS would count it once per process.

    The heavy lane's workers are counted apart (`heavy_mb`): each lives for one heavy query (sparql/lanes.py), so
    their number at a moment is how many heavy queries run then (none at start, 0-2 under the soak's load), not
    memory the service keeps. They are the ones at the heavy lane's niceness."""
    try:
        main = psutil.Process(pid)
        kids = main.children(recursive=True)
        mine = main.memory_full_info().pss
    except psutil.NoSuchProcess:
        return {"service_mb": float("nan"), "workers_mb": float("nan"), "workers": 0, "heavy_mb": 0.0, "heavy": 0}
    workers = count = heavy = heavy_count = 0
    for kid in kids:
        with contextlib.suppress(psutil.NoSuchProcess):
            pss = kid.memory_full_info().pss
            if any("multiprocessing" in part for part in kid.cmdline()):
                if kid.nice() >= HEAVY_NICE:
                    heavy, heavy_count = heavy + pss, heavy_count + 1
                else:
                    workers, count = workers + pss, count + 1
            else:
                mine += pss
    return {"service_mb": mine / 2**20, "workers_mb": workers / 2**20, "workers": count,
            "heavy_mb": heavy / 2**20, "heavy": heavy_count}


async def sample_rss(pid: int, samples: list[dict[str, float]], every_s: float = 10.0) -> None:
    """RSS every few seconds: growth that levels off is caches filling, growth that goes on is a leak."""
    started = time.time()
    while True:
        samples.append({"t": time.time() - started, **rss(pid)})
        await asyncio.sleep(every_s)


def start_service(build_dir: Path, port: int, env_extra: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **env_extra}
    cmd = [sys.executable, str(ROOT / "bench" / "_serve.py"), "--build-dir", str(build_dir), "--data-dir",
           str(ROOT / "data"), "--port", str(port)]
    return subprocess.Popen(cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


async def wait_health(port: int, seconds: float) -> None:
    conn, deadline = Connection(HOST, port), time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (await conn.request("/api/health", timeout=5)).status == "200":
            await conn.close()
            return
        await asyncio.sleep(0.5)
    raise SystemExit(f"the service on port {port} did not become healthy within {seconds:g} s")


async def warm(port: int) -> None:
    """Every request maker once, so that caches and the text index are filled before memory is read."""
    conn, rnd = Connection(HOST, port), random.Random(0)
    for cls, (_, makers) in MIX.items():
        if cls == "sparql_heavy":
            continue
        for make in makers:
            target, body, accept = make(rnd)
            await conn.request(target, timeout=120, body=body, accept=accept)
    await conn.close()


class Remote:
    """`oxigraph serve` on a directory of its own, filled by `exportgraph load --into`."""

    def __init__(self, build_dir: Path, workdir: Path) -> None:
        self.build_dir, self.location = build_dir, workdir / "oxigraph"
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.binary = str(Path(sys.executable).parent / "oxigraph")
        self.failures: list[str] = []

    def start(self) -> None:
        log = (self.location.parent / "oxigraph.log").open("ab")
        # --timeout-s as the README says: a query the service gave up on stops on the server too
        self.proc = subprocess.Popen([self.binary, "serve", "--location", str(self.location), "--bind",
                                      f"{HOST}:{self.port}", "--union-default-graph", "--timeout-s", "30"],
                                     stdout=log, stderr=subprocess.STDOUT)

    async def ready(self, seconds: float = 600) -> bool:
        """Whether it answers within `seconds` (after a SIGKILL, RocksDB replays its log first)."""
        conn, deadline = Connection(HOST, self.port), time.monotonic() + seconds
        while time.monotonic() < deadline:
            if (await conn.request("/query?query=ASK%7B%7D", timeout=2)).status == "200":
                await conn.close()
                return True
            if self.proc is not None and self.proc.poll() is not None:
                self.start()  # it exited (a lock not yet released?): try again
            await asyncio.sleep(0.2)
        self.failures.append(f"oxigraph serve did not answer within {seconds:g} s (log: {self.location.parent})")
        return False

    async def load(self) -> float:
        started = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "exportgraph", "load", "--build-dir", str(self.build_dir), "--into",
            f"{self.base}/store", "--query-url", f"{self.base}/query",
            env={**os.environ, "PYTHONPATH": str(ROOT), "EXPORTGRAPH_REMOTE_TIMEOUT_S": "600"},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, err = await proc.communicate()
        if proc.returncode != 0:
            self.failures.append(f"load --into exited {proc.returncode}: {err.decode().strip()[-300:]}")
            print(self.failures[-1], flush=True)
        return time.perf_counter() - started

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, sig)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def remote_faults(remote: Remote, events: dict[str, float]) -> Any:
    """Kill at 25% of the run (restart, reload), stop at 60% for max(10 s, 10%), then go on to the end."""
    async def faults(phases: list[tuple[str, float]], seconds: float) -> None:
        begin = time.monotonic()
        outage = max(10.0, seconds * 0.10)

        async def until(fraction: float) -> None:
            await asyncio.sleep(max(0.0, begin + seconds * fraction - time.monotonic()))

        await until(0.25)
        remote.signal(signal.SIGKILL)
        remote.proc and remote.proc.wait()
        phases.append(("store down", time.time()))
        await asyncio.sleep(outage)
        remote.start()
        if await remote.ready():
            events["restart_s"] = time.time() - phases[-1][1]
            events["reload_s"] = await remote.load()
        phases.append(("reloaded", time.time()))
        await until(0.60)
        if remote.proc is None or remote.proc.poll() is not None:
            remote.failures.append("no remote store to stop (it did not come back)")
            await asyncio.sleep(max(0.0, begin + seconds - time.monotonic()))
            return
        remote.signal(signal.SIGSTOP)
        phases.append(("store stopped", time.time()))
        await asyncio.sleep(outage)
        remote.signal(signal.SIGCONT)
        phases.append(("after", time.time()))
        await asyncio.sleep(max(0.0, begin + seconds - time.monotonic()))
    return faults


# ---------------------------------------------------------------- one run


async def run_one(args: argparse.Namespace, store: str) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix=f"soak-{store}-"))
    port, remote, env, events = free_port(), None, {}, {}
    if store == "remote" and args.remote_url:  # a server already filled: no faults (a quicker memory repro)
        env = {"EXPORTGRAPH_STORE": "remote", "EXPORTGRAPH_REMOTE_QUERY_URL": f"{args.remote_url}/query"}
    elif store == "remote":
        remote = Remote(args.build_dir, workdir)
        remote.start()
        if not await remote.ready():
            raise SystemExit(remote.failures[-1])
        events["initial_load_s"] = await remote.load()
        if remote.failures:
            remote.stop()
            raise SystemExit(f"the remote store could not be filled: {remote.failures[0]}")
        env = {"EXPORTGRAPH_STORE": "remote", "EXPORTGRAPH_REMOTE_QUERY_URL": f"{remote.base}/query"}
    log = workdir / "service.log"
    service = start_service(args.build_dir, port, env, log)
    try:
        await wait_health(port, 300)
        first = rss(service.pid)
        events["rss_first_health"] = first["service_mb"]  # the baseline the issue names
        events["rss_first_health_total"] = first["service_mb"] + first["workers_mb"]  # the whole process tree
        await warm(port)
        return await measure(args, store, port, service, remote, events) | {"service_log": str(log)}
    finally:
        service.terminate()
        try:
            service.wait(timeout=20)
        except subprocess.TimeoutExpired:
            service.kill()
        if remote is not None:
            remote.stop()


async def measure(args: argparse.Namespace, store: str, port: int, service: subprocess.Popen[bytes],
                  remote: Remote | None, events: dict[str, float]) -> dict[str, Any]:
    ctx = mp.get_context("fork")
    stop, out = ctx.Event(), ctx.Queue()
    probe = ctx.Process(target=prober, args=(port, args.health_rate, stop, out), daemon=True)
    idle_from = time.time()
    probe.start()
    await asyncio.sleep(args.idle)  # health with no load: the floor
    start_rss, cpu0, load0 = rss(service.pid), resource.getrusage(resource.RUSAGE_SELF), os.getloadavg()
    load = Load(port, args.clients, args.seed)
    faults = remote_faults(remote, events) if remote is not None else None
    samples: list[dict[str, float]] = []
    sampler = asyncio.create_task(sample_rss(service.pid, samples))
    phases = [("idle", idle_from)] + await load.run(args.duration, faults)
    sampler.cancel()
    cpu1, end_rss = resource.getrusage(resource.RUSAGE_SELF), rss(service.pid)
    stop.set()
    health = out.get(timeout=60)
    probe.join(timeout=10)
    client_cpu = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
    return {"store": store, "clients": args.clients, "duration_s": args.duration, "health_rate": args.health_rate,
            "load_avg_before": load0, "load_avg_after": os.getloadavg(), "events": events,
            "remote_failures": remote.failures if remote is not None else [],
            "rss_start": start_rss, "rss_end": end_rss, "rss_samples": samples, "phases": phases,
            "classes": summarise(load.results), "health": health_by_phase(health, phases),
            "errors_by_phase": errors_by_phase(load.results, phases),
            "client": {"cpu_s": client_cpu, "requests": len(load.results),
                       "cpu_us_per_request": 1e6 * client_cpu / max(1, len(load.results)),
                       "core_fraction": client_cpu / args.duration}}


OUTAGES = ("store down", "store stopped")  # the phases in which the remote store does not answer


def errors_by_phase(results: list[tuple[float, str, str, float]], phases: list[tuple[str, float]]) -> dict[str, Any]:
    """Per phase, the answers of every class that were not 2xx, 404 or 429, by status: where 5xx happened (a
    502 or 503 is expected only while the remote store is down or stopped). A request counts in the phase in
    which it was sent. Then every 5xx by what the store was doing: a 502 or 503 in an outage (sent during one, or
    sent before and still waiting when it began), sent after the store was back (how many, the last how long
    after), or neither (with the store up); any other 5xx is a defect wherever it is."""
    out: dict[str, Counter[str]] = {name: Counter() for name, _ in phases[:-1]}
    bounds = list(zip(phases, phases[1:], strict=False))
    outages = [(begin, end) for (name, begin), (_, end) in bounds if name in OUTAGES]
    backs = [end for _, end in outages]
    fives: Counter[str] = Counter()
    late: list[float] = []
    for ended, _, status, seconds in results:
        if status.startswith("2") or status in ("404", "429"):
            continue
        sent = ended - seconds
        for (name, begin), (_, end) in bounds:
            if begin <= sent < end:
                out[name][status] += 1
                break
        if not status.startswith("5"):
            continue
        if status not in ("502", "503"):
            fives[f"{status} (a defect wherever it is)"] += 1
        elif any(sent < end and ended >= begin for begin, end in outages):
            fives["in an outage" if any(begin <= sent for begin, end in outages if sent < end) else
                  "in flight when an outage began"] += 1
        elif any(sent >= back for back in backs):
            fives["sent after the store was back"] += 1
            late.append(min(sent - back for back in backs if sent >= back))
        else:
            fives["502/503 with the store up"] += 1
    found: dict[str, Any] = {name: dict(counts) for name, counts in out.items()}
    if outages:
        found["5xx"] = {**dict(fives), "last after the store was back (s)": round(max(late), 3) if late else None}
    return found


def summarise(results: list[tuple[float, str, str, float]]) -> dict[str, Any]:
    by: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for _, cls, status, seconds in results:
        by[cls].append((status, seconds))
    out = {}
    for cls in MIX:
        rows = by.get(cls, [])
        ok = [s for st, s in rows if st == "200"]
        out[cls] = {"count": len(rows), "ok": len(ok), "statuses": dict(Counter(st for st, _ in rows)),
                    "p50": pct(ok, 50) if ok else None, "p99": pct(ok, 99) if ok else None,
                    "max": max(ok) if ok else None,
                    "p99_all": pct([s for _, s in rows], 99) if rows else None}
    return out


def health_by_phase(probes: list[tuple[float, float, str, float]], phases: list[tuple[str, float]]) -> dict[str, Any]:
    out = {}
    for (name, begin), (_, end) in zip(phases, phases[1:], strict=False):
        rows = [(lat, st, lag) for t, lat, st, lag in probes if begin <= t < end]
        lat, lags = [x for x, _, _ in rows], [g for _, _, g in rows]
        out[name] = {"count": len(rows), "statuses": dict(Counter(st for _, st, _ in rows)),
                     "p50": pct(lat, 50) if lat else None, "p99": pct(lat, 99) if lat else None,
                     "max": max(lat) if lat else None, "seconds": end - begin,
                     "prober_lag_p99": pct(lags, 99) if lags else None}
    return out


def report(result: dict[str, Any]) -> None:
    print(f"\n== store {result['store']}: {result['clients']} clients x {result['duration_s']:g} s, "
          f"load average before {result['load_avg_before'][0]:.2f} after {result['load_avg_after'][0]:.2f}")
    rows = []
    for cls, r in result["classes"].items():
        statuses = " ".join(f"{k}:{v}" for k, v in sorted(r["statuses"].items()))
        rows.append([cls, r["count"], ms(r["p50"]), ms(r["p99"]), ms(r["max"]), statuses])
    print(table(["class", "count", "p50 ms", "p99 ms", "max ms", "statuses"], rows, "lrrrrl"))
    print("(latencies of 200 answers; refusals are fast and counted under statuses)")
    rows = []
    for phase, h in result["health"].items():
        statuses = " ".join(f"{k}:{v}" for k, v in sorted(h["statuses"].items()))
        rows.append([phase, f"{h['seconds']:.0f}", h["count"], ms(h["p50"]), ms(h["p99"]), ms(h["max"]),
                     ms(h["prober_lag_p99"]), statuses])
    print(table(["health phase", "s", "probes", "p50 ms", "p99 ms", "max ms", "prober lag p99", "statuses"], rows,
                "lrrrrrrl"))
    print("(prober lag: how late the prober itself sent a probe; it is inside the latency, and is not the service)")
    for phase, counts in result.get("errors_by_phase", {}).items():
        if phase == "5xx":
            print("5xx by what the store was doing: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
            continue
        print(f"answers other than 2xx, 404, 429 sent while {phase}: "
              + (" ".join(f"{k}:{v}" for k, v in sorted(counts.items())) or "none"))
    a, b = result["rss_start"], result["rss_end"]
    first = result["events"].get("rss_first_health")
    if first is not None:
        print(f"memory (PSS) service at its first health answer {first:.0f} MB -> end {b['service_mb']:.0f} MB "
              f"({100 * (b['service_mb'] / first - 1):+.1f}%); below, from after the warm-up requests and idle")
    first_total = result["events"].get("rss_first_health_total")
    if first_total is not None:
        end_total = b["service_mb"] + b["workers_mb"]
        print(f"memory (PSS) whole process tree at the first health answer {first_total:.0f} MB -> end "
              f"{end_total:.0f} MB ({100 * (end_total / first_total - 1):+.1f}%); the heavy lane's workers apart, "
              f"one a heavy query running: {b.get('heavy', 0)} at the end, {b.get('heavy_mb', 0.0):.0f} MB, at most "
              f"{max((x.get('heavy', 0) for x in result['rss_samples']), default=0)} in the samples")
    total_a, total_b = a["service_mb"] + a["workers_mb"], b["service_mb"] + b["workers_mb"]
    print(f"memory (PSS) service {a['service_mb']:.0f} -> {b['service_mb']:.0f} MB, workers ({b['workers']}) "
          f"{a['workers_mb']:.0f} -> {b['workers_mb']:.0f} MB, total {total_a:.0f} -> {total_b:.0f} MB "
          f"({100 * (total_b / total_a - 1):+.1f}%)")
    half = [x for x in result["rss_samples"] if x["t"] >= result["duration_s"] / 2][:1]
    if half:
        print(f"memory (PSS) service at half time {half[0]['service_mb']:.0f} MB: growth in the second half "
              f"{100 * (b['service_mb'] / half[0]['service_mb'] - 1):+.1f}%")
    c = result["client"]
    print(f"client: {c['requests']} requests, {c['cpu_us_per_request']:.0f} us CPU each, "
          f"{100 * c['core_fraction']:.1f}% of one core")
    if {k for k in result["events"] if not k.startswith("rss_")}:
        print("remote store (s): " + ", ".join(f"{k} {v:.1f}" for k, v in result["events"].items()
                                                if not k.startswith("rss_")))
    for failure in result.get("remote_failures", []):
        print(f"remote store failure: {failure}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", type=Path, default=Path("/tmp/eg-build"), help="a built dataset")
    parser.add_argument("--store", choices=["embedded", "remote", "both"], default="embedded")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=600, help="seconds of load per store")
    parser.add_argument("--health-rate", type=float, default=10, help="health probes per second")
    parser.add_argument("--idle", type=float, default=5, help="seconds of health probes before the load")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--remote-url", default="", help="with --store remote: an Oxigraph server already "
                        "filled (its base URL); no kill, no stop")
    parser.add_argument("--weight", action="append", default=[], metavar="CLASS=N",
                        help="change a class's weight in the mix (e.g. sparql_heavy=0 for a shorter memory repro)")
    args = parser.parse_args()
    for item in args.weight:
        cls, _, weight = item.partition("=")
        if cls not in MIX or not weight.isdigit():
            raise SystemExit(f"--weight {item}: expected CLASS=N with CLASS one of {', '.join(MIX)}")
        MIX[cls] = (int(weight), MIX[cls][1])
    if not (args.build_dir / "manifest.json").exists():
        raise SystemExit(f"no build in {args.build_dir}: run `exportgraph build --build-dir {args.build_dir}`")
    stores = ["embedded", "remote"] if args.store == "both" else [args.store]
    for store in stores:
        result = asyncio.run(run_one(args, store))
        report(result)
        print(f"results: {write_results(f'soak-{store}', result)}")


if __name__ == "__main__":
    main()
