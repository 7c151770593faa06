"""A web process answers a request of each kind to itself before it accepts connections (api/warmup.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from exportgraph.api.warmup import PATHS, warm_up
from exportgraph.settings import Settings
from tests.conftest import DATA, free_port


def test_the_warm_up_requests_answer_on_the_real_data(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as client:  # the lifespan running, as in a web process
        statuses = client.portal.call(warm_up, app)
    assert list(statuses) == list(PATHS)
    assert all(code == 200 for code in statuses.values()), statuses  # every kind served, none refused or failed


def test_a_warm_up_request_that_fails_is_skipped_and_the_budget_stops_the_rest() -> None:
    seen: list[str] = []

    async def app(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        seen.append(scope["path"])
        if scope["path"] == "/boom":
            raise RuntimeError("a route that fails")
        if scope["path"] == "/slow":
            time.sleep(0.3)
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    import anyio

    statuses = anyio.run(warm_up, app, ("/boom", "/api/x", "/slow", "/never"), 0.2)
    assert statuses == {"/boom": 0, "/api/x": 404, "/slow": 404}
    assert seen == ["/boom", "/api/x", "/slow"]


def _serve_log(settings: Settings, tmp_path: Path, env: dict[str, str]) -> str:
    """`serve` started: its log when it first answers health (200, or 503 over a store that does not answer)."""
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "EXPORTGRAPH_VERBOSE": "1", "EXPORTGRAPH_WEB_PROCESSES": "1", **env}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "exportgraph", "serve", "--port", str(port), "--build-dir",
                                 str(settings.build_dir), "--data-dir", str(DATA)], stdout=out, stderr=subprocess.STDOUT,
                                env=env)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=5).status_code in (200, 503):
                    return log.read_text("utf-8")
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError(log.read_text("utf-8")[-3000:])
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_serve_answers_health_only_after_its_warm_up(settings: Settings, tmp_path: Path) -> None:
    text = _serve_log(settings, tmp_path, {})  # written before the first health answer, or the order is wrong
    assert f"warm-up: {len(PATHS)} requests" in text, text[-3000:]


def test_no_warm_up_while_the_remote_store_does_not_answer(settings: Settings, tmp_path: Path) -> None:
    text = _serve_log(settings, tmp_path, {"EXPORTGRAPH_STORE": "remote",
                                           "EXPORTGRAPH_REMOTE_QUERY_URL": f"http://127.0.0.1:{free_port()}/query"})
    assert "Application startup complete" in text, text[-3000:]
    assert "warm-up:" not in text, text[-3000:]
