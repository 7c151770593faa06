"""Helpers shared by the benchmarks: percentiles, tables, the results JSON, the real build, subprocesses."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_BUILD = Path("/tmp/bench-build")


def pct(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def ms(seconds: float | None) -> str:
    if seconds is None or seconds != seconds:
        return "-"
    value = seconds * 1000
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0 or a != a or b != b:
        return "-"
    r = a / b
    return f"{r:,.0f}x" if r >= 100 else f"{r:.1f}x" if r >= 10 else f"{r:.2f}x"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], align: str | None = None) -> str:
    """A plain-text table; align is one char per column, 'l' or 'r' (default: first left, rest right)."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    align = align or "l" + "r" * (len(headers) - 1)
    out = []
    for n, row in enumerate(cells):
        padded = (c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(row, widths, align, strict=True))
        out.append("  ".join(padded))
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def machine() -> dict[str, Any]:
    return {"date": dt.datetime.now().isoformat(timespec="seconds"), "python": platform.python_version(),
            "platform": platform.platform(), "cpus": os.cpu_count(), "load_avg_1m": os.getloadavg()[0]}


def versions(*names: str) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in names:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def write_results(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **payload}, indent=2, default=str) + "\n", "utf-8")
    return path


def ensure_build(build_dir: Path, data_dir: Path = ROOT / "data") -> Path:
    """The dataset of the build in build_dir; runs `exportgraph build` there first if there is none."""
    manifest = build_dir / "manifest.json"
    if not manifest.exists():
        print(f"no build in {build_dir}: running `exportgraph build --build-dir {build_dir}` (about a minute)",
              flush=True)
        cmd = [sys.executable, "-m", "exportgraph", "build", "--build-dir", str(build_dir), "--data-dir",
               str(data_dir)]
        subprocess.run(cmd, check=True)
    name = json.loads(manifest.read_text("utf-8"))["dataset"]
    return build_dir / name


def spawn_rss(cmd: list[str], env: dict[str, str] | None = None, timeout: float | None = None,
              stdout_path: Path | None = None) -> dict[str, Any]:
    """Run a child and wait for it with os.wait4, so its own peak RSS (ru_maxrss, KiB on Linux) is known."""
    started = time.perf_counter()
    out = open(stdout_path, "w") if stdout_path else subprocess.DEVNULL  # noqa: SIM115 - closed below
    err_path = (stdout_path.with_suffix(".err") if stdout_path else None)
    err = open(err_path, "w") if err_path else subprocess.DEVNULL  # noqa: SIM115
    try:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err)
        deadline = None if timeout is None else started + timeout
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                timed_out = True
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdout_path:
            out.close()
            err.close()
    return {"wall_s": time.perf_counter() - started, "returncode": proc.returncode, "timed_out": timed_out,
            "maxrss_mb": usage.ru_maxrss / 1024, "user_s": usage.ru_utime, "sys_s": usage.ru_stime}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    """Wait until a SPARQL endpoint answers ASK {}, or stop if its process died or the time ran out."""
    import httpx

    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(url, params={"query": "ASK {}"}, timeout=2)
            return
        except httpx.HTTPError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{url} did not start") from None
            time.sleep(0.2)


@contextmanager
def running(cmd: list[str], env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """A background process, terminated (then killed) on the way out."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def oxigraph_server(dataset: Path, workdir: Path) -> Iterator[str]:
    """The reference engine: `oxigraph serve` on the dataset, bulk-loaded first; yields its query URL."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    location = workdir / "oxigraph"
    subprocess.run([binary, "load", "--location", str(location), "--file", str(dataset)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    with running([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                  "--union-default-graph"]) as proc:
        url = f"http://127.0.0.1:{port}/query"
        wait_for(url, proc)
        yield url
