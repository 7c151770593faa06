"""`serve` over the embedded store: each web process loads its own store after the fork (api/serve.py own_state),
so a dataset that cannot be loaded is found there, after the fork; `serve` must still stop with one line saying
which file and why, not a traceback and not a loop of replacements."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from exportgraph.exc import ServeFailed
from exportgraph.settings import Settings
from tests.conftest import DATA, free_port


def test_a_dataset_that_cannot_be_loaded_stops_serve_with_one_line(settings: Settings, tmp_path: Path) -> None:
    shutil.copy(settings.build_dir / "manifest.json", tmp_path / "manifest.json")  # current for DATA: no rebuild
    dataset = json.loads((tmp_path / "manifest.json").read_text("utf-8"))["dataset"]
    (tmp_path / dataset).write_text('<https://example.org/s> <https://example.org/p> "unterminated .\n', "utf-8")
    done = subprocess.run([sys.executable, "-m", "exportgraph", "serve", "--port", str(free_port()), "--build-dir",
                           str(tmp_path), "--data-dir", str(DATA)], capture_output=True, text=True, timeout=120)
    assert done.returncode == ServeFailed.exit_code, done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert f"cannot load {tmp_path / dataset}" in done.stderr, done.stderr[-2000:]
    assert done.stderr.strip().splitlines()[-1].startswith("exportgraph serve: error:"), done.stderr[-2000:]


def test_over_a_remote_store_each_web_process_opens_its_own_client_and_index(settings: Settings,
                                                                            oxigraph_server: str) -> None:
    """The parent holds the remote store's settings only (no client, no text index, which searches would copy
    page by page out of the parent's memory); own_state gives a web process its own client with its index built."""
    from exportgraph.api.serve import before_fork, own_state, prepare
    from exportgraph.api.state import GraphState, HeldRemote
    from exportgraph.graph.store import RemoteStore
    from exportgraph.query import textindex

    remote = dataclasses.replace(settings, store="remote", remote_query_url=f"{oxigraph_server}/query")
    held = prepare(remote)
    assert isinstance(held, HeldRemote) and not isinstance(held, GraphState)
    indexed = set(textindex._indexes.keys())
    before_fork(remote, held)
    assert set(textindex._indexes.keys()) == indexed  # nothing built in the parent
    first, second = own_state(held), own_state(held)
    try:
        assert isinstance(first.store, RemoteStore) and first.store is not second.store
        assert first.store in textindex._indexes and second.store in textindex._indexes  # built before serving
        assert textindex._indexes[first.store] is not textindex._indexes[second.store]
        assert any(iri.endswith("/3A001") for iri, _, _ in textindex.index_for(first.store).search("3A001"))
    finally:
        first.close()
        second.close()


def test_a_remote_store_that_cannot_send_the_index_does_not_stop_the_web_process(settings: Settings, caplog) -> None:  # type: ignore[no-untyped-def]
    """Before, a web process whose index build failed exited, and its supervisor replaced it for ever (a 5M-quad
    store cutting the label stream at its own time limit). It serves; the next search builds the index."""
    from exportgraph.api.serve import own_state
    from exportgraph.api.state import hold
    from exportgraph.exc import StoreUnavailable
    from exportgraph.query import textindex

    remote = dataclasses.replace(settings, store="remote", remote_query_url=f"http://127.0.0.1:{free_port()}/query")
    state = own_state(hold(remote))  # nothing listens there
    try:
        assert state.store not in textindex._indexes
        assert "the search index could not be built" in caplog.text
        with pytest.raises(StoreUnavailable):
            textindex.index_for(state.store)  # the next search tries again, and says why it cannot answer
    finally:
        state.close()
