"""The remote store's monitor (exportgraph/api/storestatus.py) polls every second with one client: cheap
per poll, and it finds the store again after the store hung (SIGSTOP) and after it was killed and restarted.
Real Oxigraph servers; nothing mocked."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from exportgraph.api.storestatus import POLL_DOWN_S, POLL_S, StoreMonitor
from exportgraph.graph.build import Build, build
from exportgraph.settings import Settings

from .conftest import free_port, oxigraph_binary
from .test_build import GOOD, write
from .test_remote_load import Oxigraph, load, remote_settings


@pytest.fixture()
def small(tmp_path: Path) -> Build:
    data = tmp_path / "data"
    data.mkdir()
    write(data, GOOD)
    return build(data, tmp_path / "small-build")


def _monitor(query_url: str) -> StoreMonitor:
    return StoreMonitor(Settings(store="remote", remote_query_url=query_url, health_timeout_s=0.5), lambda: None)


def _until(monitor: StoreMonitor, reachable: bool, within: float = 20) -> float:
    started = time.monotonic()
    while time.monotonic() - started < within:
        monitor.poll()
        if monitor.status["reachable"] is reachable:
            return time.monotonic() - started
        time.sleep(0.1)
    pytest.fail(f"the monitor did not see the store {'up' if reachable else 'down'} within {within:g} s: "
                f"{monitor.status}")


def test_a_poll_costs_little_cpu_even_while_the_store_is_down() -> None:
    """A new httpx client a poll (as before) cost about 26 ms of CPU each, its SSL context built anew."""
    monitor = _monitor(f"http://127.0.0.1:{free_port()}/query")
    monitor.poll()
    started = time.thread_time()
    for _ in range(20):
        monitor.poll()
    per_poll_ms = (time.thread_time() - started) / 20 * 1000
    monitor.stop()
    assert not monitor.status["reachable"]
    assert per_poll_ms < 8, f"{per_poll_ms:.1f} ms of CPU a poll"


def test_the_monitor_finds_the_store_again_after_a_hang_and_after_a_restart(tmp_path: Path) -> None:
    server = Oxigraph(tmp_path / "ox")
    monitor = _monitor(f"{server.base}/query")
    try:
        _until(monitor, reachable=True)
        assert monitor._pause() == POLL_S
        os.kill(server.proc.pid, signal.SIGSTOP)
        _until(monitor, reachable=False)
        # hung: a check waited its whole time, so the next goes at once and is waiting when the store resumes
        assert monitor.waited and monitor._pause() == 0.0
        os.kill(server.proc.pid, signal.SIGCONT)
        _until(monitor, reachable=True)
        server.proc.kill()
        server.proc.wait(timeout=10)
        _until(monitor, reachable=False)
        assert not monitor.waited and monitor._pause() == POLL_DOWN_S  # refused at once: checked again shortly
        server.proc = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(tmp_path / "ox"), "--bind",
                                        f"127.0.0.1:{server.port}", "--union-default-graph"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _until(monitor, reachable=True, within=60)
        assert monitor.status["state"] == "unmarked", monitor.status
    finally:
        monitor.stop()
        server.stop()
    with pytest.raises(RuntimeError):  # stop() of a monitor that never started closes its client
        monitor.remote.client.get(httpx.URL(f"{server.base}/query"))


def test_the_text_index_is_built_once_across_a_store_restart(small: Build, tmp_path: Path) -> None:
    """A suspect of the memory growth on a remote store: an index built anew when the store comes back, while
    the old one is still held. The store object of the service does not change, so neither does its index."""
    from fastapi.testclient import TestClient

    from exportgraph.api.app import create_app
    from exportgraph.query import textindex

    server = Oxigraph(tmp_path / "ox")
    try:
        out, err = load(small.directory, f"{server.base}/store").communicate(timeout=60)
        assert "marked complete" in out, err
        with TestClient(create_app(remote_settings(small, server))) as client:
            assert client.get("/api/search", params={"q": "china"}).json()["total"] >= 1
            first = dict(textindex._indexes)
            server.proc.kill()
            server.proc.wait(timeout=10)
            assert client.get("/api/search", params={"q": "nuclear"}).status_code in (200, 502)
            server.proc = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(tmp_path / "ox"), "--bind",
                                            f"127.0.0.1:{server.port}", "--union-default-graph"],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 60
            while client.get("/api/entries", params={"code": "none"}).status_code == 502:
                assert time.monotonic() < deadline, "the store did not come back"
                time.sleep(0.2)
            assert client.get("/api/search", params={"q": "nuclear"}).json()["total"] >= 1
            store = client.app.state.graph.store  # type: ignore[attr-defined]
            assert [k for k in textindex._indexes if k is store] == [store]
            assert textindex._indexes[store] is first[store], "the index was built again"
    finally:
        server.stop()
