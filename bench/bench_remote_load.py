"""Benchmark: `exportgraph load --into` of a build into Oxigraph and into Virtuoso, and /api/health while the
remote store hangs.

1. An empty `oxigraph serve` (on disk, union default graph): `exportgraph load --into .../store` of the build,
   wall time and the load process's peak RSS; graphs and quads from the manifest.
2. The same into a Virtuoso Open Source server started in a temporary directory and set up as tests/virtuoso.py
   does (skipped if `virtuoso-t` is absent).
3. The service (store=remote, over the Oxigraph server just loaded) in a uvicorn thread; the store is stopped
   with SIGSTOP; --calls calls of /api/health, one after another: p50, p99, max, and the status answered.

    python bench/bench_remote_load.py [--build-dir /tmp/bench-build] [--calls 100] [--no-virtuoso]

Writes bench/results/bench_remote_load.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import (  # noqa: E402
    DEFAULT_BUILD,
    ensure_build,
    free_port,
    pct,
    running,
    spawn_rss,
    wait_for,
    write_results,
)


def load_into(build_dir: Path, gsp_url: str, log: Path) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "exportgraph", "load", "--into", gsp_url, "--build-dir", str(build_dir)]
    result = spawn_rss(cmd, stdout_path=log)
    result["output"] = log.read_text("utf-8").strip()
    result["load_avg_1m_after"] = os.getloadavg()[0]
    return result


def health_while_stopped(build_dir: Path, query_url: str, pid: int, calls: int) -> dict[str, Any]:
    import httpx
    import uvicorn

    from exportgraph.api.app import create_app
    from exportgraph.settings import Settings

    settings = Settings(build_dir=build_dir, store="remote", remote_query_url=query_url, query_workers=1)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    import threading

    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.1)
    times: list[float] = []
    statuses: dict[str, int] = {}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as c:
            before = c.get("/api/health").json()["status"]
            os.kill(pid, signal.SIGSTOP)
            try:
                for _ in range(calls):
                    started = time.perf_counter()
                    body = c.get("/api/health").json()
                    times.append(time.perf_counter() - started)
                    statuses[body["status"]] = statuses.get(body["status"], 0) + 1
                    time.sleep(0.05)
            finally:
                os.kill(pid, signal.SIGCONT)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
    return {"status_before": before, "statuses_while_stopped": statuses, "calls": calls,
            "p50_ms": statistics.median(times) * 1000, "p99_ms": pct(times, 99) * 1000, "max_ms": max(times) * 1000,
            "load_avg_1m": os.getloadavg()[0]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", type=Path, default=DEFAULT_BUILD)
    ap.add_argument("--calls", type=int, default=100)
    ap.add_argument("--no-virtuoso", action="store_true")
    args = ap.parse_args()
    ensure_build(args.build_dir)
    manifest = json.loads((args.build_dir / "manifest.json").read_text("utf-8"))
    out: dict[str, Any] = {"graphs": len(manifest["graphs"]), "quads": manifest["quads"]}
    print(f"build {args.build_dir}: {out['graphs']} graphs, {out['quads']:,} quads; load {os.getloadavg()[0]:.2f}")
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    with tempfile.TemporaryDirectory(prefix="bench-remote-") as tmp:
        work, port = Path(tmp), free_port()
        cmd = [binary, "serve", "--location", str(work / "ox"), "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
        with running(cmd) as proc:
            wait_for(f"http://127.0.0.1:{port}/query", proc)
            out["oxigraph"] = load_into(args.build_dir, f"http://127.0.0.1:{port}/store", work / "ox-load.log")
            print(f"oxigraph: {out['oxigraph']['wall_s']:.1f} s, load peak {out['oxigraph']['maxrss_mb']:.0f} MB, "
                  f"load avg after {out['oxigraph']['load_avg_1m_after']:.2f}")
            out["health"] = health_while_stopped(args.build_dir, f"http://127.0.0.1:{port}/query", proc.pid, args.calls)
            h = out["health"]
            print(f"health while the store is SIGSTOPped: p50 {h['p50_ms']:.1f} ms, p99 {h['p99_ms']:.1f} ms, "
                  f"max {h['max_ms']:.1f} ms over {h['calls']} calls, {h['statuses_while_stopped']}; "
                  f"load {h['load_avg_1m']:.2f}")
        if not args.no_virtuoso and shutil.which("virtuoso-t"):
            from tests.virtuoso import Virtuoso

            virtuoso = Virtuoso(work / "virtuoso", free_port(), free_port())
            try:
                virtuoso.wait()
                virtuoso.setup()
                out["virtuoso"] = load_into(args.build_dir, virtuoso.gsp_url, work / "v-load.log")
            finally:
                virtuoso.stop()
            print(f"virtuoso: {out['virtuoso']['wall_s']:.1f} s, load peak {out['virtuoso']['maxrss_mb']:.0f} MB, "
                  f"load avg after {out['virtuoso']['load_avg_1m_after']:.2f}")
    print(f"wrote {write_results('bench_remote_load', out)}")


if __name__ == "__main__":
    main()
