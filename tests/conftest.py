"""Fixtures.

Strategy: the real data in data/ is built once per test session into a temporary
directory (`built`); every test that reads the graph uses that build, through the
embedded store (`store`), the FastAPI app (`client`), or a real Oxigraph server
started on 127.0.0.1 and loaded with the same dataset (`oxigraph_server`,
`remote_store`), and a real Virtuoso Open Source server in a temporary directory, loaded by
`exportgraph load --into` (`virtuoso_server`, `virtuoso_store`; skipped only where `virtuoso-t` is not
installed: scripts/test.sh installs it). Tests of bad input build small data directories of their own
(`tmp_data`). Nothing is mocked.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from exportgraph.graph.build import Build, build
from exportgraph.graph.store import EmbeddedStore, RemoteStore
from exportgraph.settings import Settings

from .virtuoso import Virtuoso
from .virtuoso import binaries as virtuoso_binaries

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
REFERENCE = ROOT.parent / "shared" / "reference"
ARTIFACTS = ROOT / "tests" / "artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("build")


@pytest.fixture(scope="session")
def built(build_dir: Path) -> Build:
    return build(DATA, build_dir)


@pytest.fixture(scope="session")
def settings(built: Build, build_dir: Path) -> Settings:
    return Settings(data_dir=DATA, build_dir=build_dir, query_timeout_s=3.0)


@pytest.fixture(scope="session")
def store(built: Build) -> EmbeddedStore:
    return EmbeddedStore.from_file(built.dataset)


@pytest.fixture(scope="session")
def app(settings: Settings):  # type: ignore[no-untyped-def]
    from exportgraph.api.app import create_app

    return create_app(settings)


@pytest.fixture(scope="session")
def client(app):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        pytest.fail("the oxigraph server (PyPI package `oxigraph`) is not installed: pip install -e '.[test]'")
    return found


@pytest.fixture(scope="session")
def oxigraph_server(built: Build, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph server on 127.0.0.1, loaded with the built dataset."""
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    # Bulk-load the dataset before the server starts (seconds, where PUTs of 300 graphs take minutes);
    # `exportgraph load` through the Graph Store Protocol is tested on its own, on a small dataset.
    subprocess.run([oxigraph_binary(), "load", "--location", str(location), "--file", str(built.dataset),
                    "--format", "application/n-quads"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proc = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
         "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/query", params={"query": "ASK {}"}, timeout=1.0)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("the Oxigraph server did not start")
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def remote_store(oxigraph_server: str) -> Iterator[RemoteStore]:
    remote = RemoteStore(f"{oxigraph_server}/query")
    yield remote
    remote.close()


@pytest.fixture(scope="session")
def virtuoso_server(built: Build, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A real Virtuoso server, set up as an operator must (tests/virtuoso.py) and loaded with `exportgraph load`."""
    if virtuoso_binaries() is None:
        pytest.skip("Virtuoso is not installed (Debian package virtuoso-opensource: virtuoso-t and isql-vt)")
    server = Virtuoso(tmp_path_factory.mktemp("virtuoso"), free_port(), free_port())
    try:
        server.wait()
        server.setup()
        loaded = subprocess.run([sys.executable, "-m", "exportgraph", "load", "--into", server.gsp_url, "--quiet",
                                 "--build-dir", str(built.directory)], capture_output=True, text=True, check=False)
        if loaded.returncode != 0:
            pytest.fail(f"exportgraph load into Virtuoso failed: {loaded.stderr}")
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def virtuoso_store(virtuoso_server: Virtuoso) -> Iterator[RemoteStore]:
    remote = RemoteStore(virtuoso_server.query_url)
    yield remote
    remote.close()


STORES = {"embedded": "store", "oxigraph": "remote_store", "virtuoso": "virtuoso_store"}


@pytest.fixture(params=sorted(STORES))
def any_store(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """The same test against every backend: embedded, an Oxigraph server, a Virtuoso server."""
    return request.getfixturevalue(STORES[request.param])


@pytest.fixture()
def tmp_data(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d
