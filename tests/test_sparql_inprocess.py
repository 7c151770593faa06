"""query_evaluation=in-process under `exportgraph serve` with two web processes: the guards hold, and a
runaway query still gets its 422 at the deadline and is stopped (its web process is replaced).

A real `exportgraph serve` subprocess on a small data directory; nothing is mocked.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port
from tests.test_http_edges import Service, stop_service, write_data

TIMEOUT_S = 2.0
# Ten VALUES of ten: 10^10 rows to count, whatever the data.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(
    f"VALUES ?v{i} {{ 0 1 2 3 4 5 6 7 8 9 }}" for i in range(10)) + " }"
QUICK = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"


def web_processes(serve_pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_bytes().rpartition(b")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == serve_pid and fields[0] not in (b"Z", b"X"):
                found.add(int(entry.name))
    return found


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    root = tmp_path_factory.mktemp("inprocess")
    write_data(root / "data")
    env = {**os.environ, "EXPORTGRAPH_QUERY_EVALUATION": "in-process", "EXPORTGRAPH_WEB_PROCESSES": "2", "EXPORTGRAPH_QUERY_WORKERS": "2",
           "EXPORTGRAPH_QUERY_TIMEOUT_S": str(TIMEOUT_S), "XDG_CACHE_HOME": str(root / "cache")}
    port, log = free_port(), root / "serve.log"
    proc = subprocess.Popen([sys.executable, "-m", "exportgraph", "serve", "--port", str(port), "--data-dir",
                             str(root / "data"), "--build-dir", str(root / "build")], env=env, text=True,
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    running = Service(proc, port, log, root / "build")
    deadline = time.monotonic() + 180
    while not _answers(running):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"exportgraph serve did not start:\n{log.read_text('utf-8')}")
        time.sleep(0.3)
    yield running
    stop_service(running)


def _answers(service: Service) -> bool:
    try:
        return httpx.get(f"{service.base}/sparql", params={"query": "ASK {}"}, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def sparql(service: Service, text: str, timeout: float = 30) -> httpx.Response:
    return httpx.post(f"{service.base}/sparql", content=text.encode(), timeout=timeout,
                      headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})


def test_two_web_processes_answer_with_every_guard(service: Service) -> None:
    assert len(web_processes(service.proc.pid)) == 2
    ok = sparql(service, QUICK)
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == "*"
    assert ok.headers["x-content-type-options"] == "nosniff"
    for refused in ("SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }",
                    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
                    "SELECT * WHERE { \\u0053ERVICE <http://example.org/> { ?s ?p ?o } }",
                    "INSERT DATA { <a:b> <a:c> <a:d> }"):
        answer = sparql(service, refused)
        assert answer.status_code == 400, (refused, answer.text)
        assert "Traceback" not in answer.text
    health = httpx.get(f"{service.base}/api/health", timeout=10).json()["checks"]["sparql"]
    assert health["ok"] and health["in_process"], health


def test_a_runaway_query_gets_422_and_its_web_process_is_replaced(service: Service) -> None:
    before = web_processes(service.proc.pid)
    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        slow = pool.submit(sparql, service, RUNAWAY)
        time.sleep(0.3)
        for _ in range(4):  # new connections: either web process, even the one evaluating the runaway
            t0 = time.monotonic()
            assert sparql(service, QUICK).status_code == 200
            assert time.monotonic() - t0 < 1.0
        answer = slow.result()
    took = time.monotonic() - started
    assert answer.status_code == 422 and "limit" in answer.json()["detail"], answer.text
    assert TIMEOUT_S - 0.1 < took < TIMEOUT_S + 2.5
    deadline = time.monotonic() + 15
    while True:  # the process that ran it exits (which stops the evaluation) and a new one takes its place
        now = web_processes(service.proc.pid)
        if len(now) == 2 and len(before - now) == 1:
            break
        assert time.monotonic() < deadline, (before, now)
        time.sleep(0.1)
    gone = (before - now).pop()
    assert not Path(f"/proc/{gone}").exists() or (Path(f"/proc/{gone}/stat").read_bytes().rpartition(b")")[2]
                                                   .split()[0] in (b"Z", b"X"))
    assert sparql(service, QUICK).status_code == 200
    assert "web process 0" in service.log.read_text("utf-8") or "web process 1" in service.log.read_text("utf-8")
