"""All-or-nothing `load --into` and a service that refuses to answer from an incomplete store (issue 15, item 2).

Real Oxigraph servers (empty, one per test), real `exportgraph load` processes killed with SIGKILL, a real
uvicorn service. The real build is loaded partway only (a whole load takes about a minute); the loads that
must complete use the small dataset of test_build.
"""

from __future__ import annotations

import os
import re
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from exportgraph.graph.build import Build, build
from exportgraph.graph.remoteload import MARK, read_mark
from exportgraph.graph.store import RemoteStore
from exportgraph.settings import Settings

from .conftest import free_port, oxigraph_binary
from .servers import Server
from .test_build import GOOD, write

COUNT = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { } }"


class Oxigraph:
    """An empty Oxigraph server of its own."""

    def __init__(self, where: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(where), "--bind",
                                      f"127.0.0.1:{self.port}", "--union-default-graph"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{self.base}/query", params={"query": "ASK {}"}, timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    pytest.fail("the Oxigraph server did not start")
                time.sleep(0.1)
        self.remote = RemoteStore(f"{self.base}/query", timeout_s=10)

    def graphs(self) -> int:
        return int(self.remote.select(COUNT, prefixes=False)[0]["n"].value)

    def stop(self) -> None:
        self.remote.close()
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGCONT)
            self.proc.kill()
        self.proc.wait(timeout=10)


@pytest.fixture()
def oxigraph(tmp_path: Path) -> Iterator[Oxigraph]:
    server = Oxigraph(tmp_path / "ox")
    yield server
    server.stop()


@pytest.fixture()
def small(tmp_path: Path) -> Build:
    data = tmp_path / "data"
    data.mkdir()
    write(data, GOOD)
    return build(data, tmp_path / "small-build")


def load(build_dir: Path, into: str, *more: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "exportgraph", "load", "--into", into, "--build-dir", str(build_dir),
                             *more], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_graphs(server: Oxigraph, at_least: int, proc: subprocess.Popen[str], within: float = 60) -> int:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = server.graphs()
        if found >= at_least:
            return found
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    pytest.fail(f"fewer than {at_least} graphs after {within} s")


def remote_settings(build: Build, server: Oxigraph) -> Settings:
    return Settings(data_dir=build.directory, build_dir=build.directory, store="remote",
                    remote_query_url=f"{server.base}/query", query_workers=1)


def test_a_load_marks_the_store_complete_and_the_next_load_removes_stale_graphs(small: Build, oxigraph: Oxigraph) -> None:
    stale, foreign = "https://w3id.org/exportgraph/id/src/withdrawn", "urn:x-other:graph"
    for graph in (stale, foreign):
        oxigraph.remote.put_graph(f"{oxigraph.base}/store", graph, b"<urn:x:s> <urn:x:p> <urn:x:o> .\n")
    out, err = load(small.directory, f"{oxigraph.base}/store").communicate(timeout=60)
    assert "the store is marked complete" in out, err
    graphs = {r["g"].value for r in oxigraph.remote.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert graphs == set(small.manifest["graphs"]) | {MARK, foreign}, graphs
    assert "removed 1 stale graph" in err and "not exportgraph's" in err and foreign in err
    mark = read_mark(oxigraph.remote)
    assert mark is not None and mark.status == "complete" and mark.graphs == len(small.manifest["graphs"])
    assert mark.quads == small.manifest["quads"] and mark.dataset == small.dataset.name


def test_the_service_answers_503_while_a_load_is_incomplete_and_answers_again_once_it_completes(
        small: Build, oxigraph: Oxigraph) -> None:
    from exportgraph.graph.remoteload import Mark

    oxigraph.remote.put_graph(f"{oxigraph.base}/store", MARK, Mark("incomplete", "g1", "x.nq", 3, 9).ntriples())
    with Server(remote_settings(small, oxigraph)) as server, httpx.Client(base_url=server.base, timeout=30) as c:
        for url, kind in (("/api/jurisdictions", "application/json"), ("/sparql?query=ASK%7B%7D", "application/json"),
                          ("/id/cn", "text/html")):
            r = c.get(url)
            assert r.status_code == 503 and r.headers["retry-after"] == "10", (url, r.status_code, r.text)
            assert r.headers["content-type"].startswith(kind) and "the store is incomplete" in r.text, r.text
        posted = c.post("/sparql", data={"query": "ASK {}"})  # a body, read and thrown away; the connection lives on
        assert posted.status_code == 503 and c.get("/api/health").status_code == 503, posted.text
        health = c.get("/api/health")
        assert health.status_code == 503 and health.json()["status"] == "failing"
        store = health.json()["checks"]["store"]
        assert store["state"] == "incomplete" and not store["ok"] and store["reachable"], store
        out, err = load(small.directory, f"{oxigraph.base}/store").communicate(timeout=60)
        assert "marked complete" in out, err
        deadline = time.monotonic() + 5  # the cached status is refreshed every second
        while c.get("/api/jurisdictions").status_code == 503 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert c.get("/api/jurisdictions").status_code == 200
        body = c.get("/api/health").json()
        assert body["status"] == "ok" and body["checks"]["store"]["state"] == "complete", body


def test_a_load_killed_halfway_leaves_the_store_marked_incomplete_and_the_service_says_so(
        built: Build, oxigraph: Oxigraph) -> None:
    proc = load(built.directory, f"{oxigraph.base}/store", "--quiet")
    try:
        wait_for_graphs(oxigraph, 20, proc)
    finally:
        proc.kill()  # SIGKILL: no chance to clean up
        proc.wait()
    mark = read_mark(oxigraph.remote)
    assert mark is not None and mark.status == "incomplete" and mark.graphs == len(built.manifest["graphs"])
    written = oxigraph.graphs()
    assert 20 <= written < len(built.manifest["graphs"])
    with Server(remote_settings(built, oxigraph)) as server, httpx.Client(base_url=server.base, timeout=30) as c:
        r = c.get("/api/entries", params={"code": "3B001"})  # not 404 "no entry in any list"
        assert r.status_code == 503 and "incomplete" in r.json()["detail"], r.text
        health = c.get("/api/health")
        assert health.status_code == 503 and health.json()["status"] == "failing", health.text


def test_a_load_with_the_store_stopped_midway_says_how_far_it_got_in_one_line(built: Build, oxigraph: Oxigraph) -> None:
    proc = load(built.directory, f"{oxigraph.base}/store", "--quiet")
    try:
        wait_for_graphs(oxigraph, 20, proc)
        oxigraph.proc.kill()  # the store goes away mid-load
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    lines = err.strip().splitlines()
    assert proc.returncode == 8 and len(lines) == 1, err
    total = len(built.manifest["graphs"])
    found = re.search(rf"(\d+) of {total} graphs, ([\d,]+) of ([\d,]+) quads written; the store is marked incomplete",
                      lines[0])
    assert found and 20 <= int(found[1]) < total, lines[0]
    assert int(found[3].replace(",", "")) == built.manifest["quads"] and "unreachable" in lines[0], lines[0]


def test_health_reads_a_cached_status_while_the_store_hangs(small: Build, oxigraph: Oxigraph) -> None:
    out, err = load(small.directory, f"{oxigraph.base}/store").communicate(timeout=60)
    assert "marked complete" in out, err
    with Server(remote_settings(small, oxigraph)) as server, httpx.Client(base_url=server.base, timeout=30) as c:
        assert c.get("/api/health").json()["status"] == "ok"
        os.kill(oxigraph.proc.pid, signal.SIGSTOP)
        try:
            times, last = [], {}
            for _ in range(100):
                started = time.perf_counter()
                last = c.get("/api/health").json()
                times.append(time.perf_counter() - started)
                time.sleep(0.04)
        finally:
            os.kill(oxigraph.proc.pid, signal.SIGCONT)
    times.sort()
    assert times[98] < 0.1, f"health p99 {times[98] * 1000:.1f} ms while the store hangs"
    store = last["checks"]["store"]  # 4 s after the stop: the status is stale or the poll timed out
    assert last["status"] == "failing" and not store["ok"] and not store["reachable"], store
    print(f"health while the store is stopped: p50 {statistics.median(times) * 1000:.1f} ms, "
          f"p99 {times[98] * 1000:.1f} ms, load {os.getloadavg()[0]:.2f}")


def test_a_load_into_a_store_that_is_down_writes_nothing_and_says_so(small: Build) -> None:
    down = f"http://127.0.0.1:{free_port()}"
    proc = load(small.directory, f"{down}/store", "--quiet")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 5 and len(err.strip().splitlines()) == 1, err
    assert "nothing was written" in err and "unreachable" in err and "Traceback" not in err, err
    proc = load(small.directory, f"{down}/somewhere")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and "--query-url" in err and "Traceback" not in err, err


def test_an_interrupted_load_says_how_far_it_got(built: Build, oxigraph: Oxigraph) -> None:
    proc = load(built.directory, f"{oxigraph.base}/store", "--quiet")
    try:
        wait_for_graphs(oxigraph, 5, proc)
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 8 and len(err.strip().splitlines()) == 1, err
    assert "interrupted" in err and "graphs" in err and "marked incomplete" in err, err
    mark = read_mark(oxigraph.remote)
    assert mark is not None and mark.status == "incomplete"
