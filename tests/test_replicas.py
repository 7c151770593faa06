"""Past one machine: two service replicas (real `exportgraph serve` processes, store=remote) over one real
Oxigraph server loaded with the real build answer the same bodies; with one replica stopped, the other
still answers.

The replicas share one public URL (EXPORTGRAPH_BASE_URL), as they would behind a load balancer, so that
links in pages and descriptions do not name a replica's own port.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from .conftest import ROOT, free_port

PUBLIC = "https://exportgraph.example.org"
PREFIXES = ("PREFIX eg: <https://w3id.org/exportgraph/ontology#> "
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> ")
SELECT = (PREFIXES + "SELECT ?e ?code WHERE { ?e a eg:ControlEntry ; skos:notation ?code . "
          'FILTER(?code IN ("3B001", "1C002", "3A090")) } ORDER BY ?e')
CONSTRUCT = PREFIXES + "CONSTRUCT { ?j eg:isoCode ?c } WHERE { ?j eg:isoCode ?c } "
# (path, Accept): REST (JSON and CSV), pages (HTML, Turtle by negotiation) and SPARQL (JSON results, N-Triples).
REQUESTS = [
    ("/api/jurisdictions", "application/json"),
    ("/api/entries?code=3B001", "application/json"),
    ("/api/crosswalk?entry=eu/list/annex-i/2025-11-15/3B001", "application/json"),
    ("/api/customs/811292", "application/json"),
    ("/api/compare?jurisdictions=cn,us,eu,jp&as_of=2023-12-31", "application/json"),
    ("/api/search?q=gallium&limit=20", "application/json"),
    ("/api/memberships?as_of=2023-12-31&format=csv", "text/csv"),
    ("/id/cn", "text/html"),
    ("/id/cn", "text/turtle"),
    ("/item/3B001", "text/html"),
    ("/search?q=%E9%95%93", "text/html"),
    ("/sparql?query=" + quote(SELECT, safe=""), "application/sparql-results+json"),
    ("/sparql?query=" + quote(CONSTRUCT, safe=""), "application/n-triples"),
]


class Replica:
    """One `exportgraph serve` process over the remote store."""

    def __init__(self, query_url: str, build_dir: Path, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, PYTHONPATH=str(ROOT), EXPORTGRAPH_STORE="remote", EXPORTGRAPH_REMOTE_QUERY_URL=query_url,
                   EXPORTGRAPH_BUILD_DIR=str(build_dir), EXPORTGRAPH_PORT=str(self.port),
                   EXPORTGRAPH_BASE_URL=PUBLIC, EXPORTGRAPH_QUERY_WORKERS="1")
        self.log = log.open("wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "exportgraph", "serve"], env=env, cwd=ROOT,
                                     stdout=self.log, stderr=subprocess.STDOUT)

    def wait(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                if httpx.get(f"{self.base}/api/health", timeout=2).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"replica on {self.port} did not start (exit {self.proc.poll()}): see {self.log.name}")
            time.sleep(0.2)

    def get(self, path: str, accept: str) -> httpx.Response:
        return httpx.get(self.base + path, headers={"Accept": accept}, timeout=180)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture(scope="module")
def replicas(oxigraph_server: str, build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Replica]]:
    logs = tmp_path_factory.mktemp("replicas")
    started = [Replica(f"{oxigraph_server}/query", build_dir, logs / f"replica-{n}.log") for n in (1, 2)]
    try:
        for replica in started:
            replica.wait()
            # The text index is built at start in the background; the first search waits for it.
            assert replica.get("/api/search?q=3B001", "application/json").status_code == 200
        yield started
    finally:
        for replica in started:
            replica.stop()


def _body(response: httpx.Response) -> bytes:
    assert response.status_code == 200, f"{response.request.url}: {response.status_code} {response.text[:300]}"
    return response.content


def test_two_replicas_answer_the_same_bodies(replicas: list[Replica]) -> None:
    a, b = replicas
    for path, accept in REQUESTS:
        first, second = _body(a.get(path, accept)), _body(b.get(path, accept))
        assert len(first) > 100, f"{path} ({accept}): a near-empty answer on the real data: {first[:200]!r}"
        assert first == second, f"{path} ({accept}): the replicas differ"
        assert f"127.0.0.1:{a.port}".encode() not in first, f"{path}: a replica's own address leaks into the body"


def test_the_same_answer_as_the_embedded_store(replicas: list[Replica], client) -> None:  # type: ignore[no-untyped-def]
    for path in ("/api/entries?code=3B001", "/api/crosswalk?entry=eu/list/annex-i/2025-11-15/3B001",
                 "/api/search?q=gallium&limit=20"):
        assert replicas[0].get(path, "application/json").json() == client.get(path).json(), path


def test_one_replica_stopped_the_other_still_answers(replicas: list[Replica]) -> None:
    a, b = replicas
    before = {(p, acc): _body(b.get(p, acc)) for p, acc in REQUESTS}
    a.stop()
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{a.base}/api/health", timeout=2)
    for (path, accept), body in before.items():
        assert _body(b.get(path, accept)) == body, f"{path} ({accept}): changed after the other replica stopped"
    assert b.get("/api/health", "application/json").json()["status"] == "ok"
