"""The build's memory- and time-saving parts give what the plain way gives: YAML parsed in worker processes,
SHACL checks run in threads, N-Quads lines taken from a store as bytes. Real files, real stores, no mocks."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from exportgraph.exc import DataError
from exportgraph.graph import records as R
from exportgraph.graph.build import ontology_text
from exportgraph.graph.nquads import digest, sorted_lines
from exportgraph.graph.shacl import load_checks, validate
from exportgraph.ontology.model import load_model

from .conftest import DATA
from .test_shacl import BASE, CASES


def test_worker_processes_parse_what_one_process_parses(tmp_path: Path) -> None:
    model = load_model()
    cache = tmp_path / "cache"
    pool, pending = R._warm_cache(sorted((DATA / "core").rglob("*.yaml")), cache, min_bytes=0)
    assert pool is not None and len(pending) > 1  # the workers ran, and filled the cache
    for future in pending.values():
        future.result()
    pool.shutdown()
    assert len(list(cache.glob("*.pickle"))) == len(pending)
    parallel = R.read_data(model, DATA / "core", cache=cache, parallel_min_bytes=0)
    serial = R.read_data(model, DATA / "core")
    assert parallel.records == serial.records and parallel.sources == serial.sources
    assert parallel.hashes == serial.hashes and len(parallel.records) > 1000


def _read_in_daemon(cache: str, out: multiprocessing.Queue[int]) -> None:
    out.put(len(R.read_data(load_model(), DATA / "core", cache=Path(cache), parallel_min_bytes=0).records))


def test_a_daemon_process_reads_without_workers(tmp_path: Path) -> None:
    """A daemonic process may not start children: it parses every file itself."""
    ctx = multiprocessing.get_context("spawn")
    out: multiprocessing.Queue[int] = ctx.Queue()
    proc = ctx.Process(target=_read_in_daemon, args=(str(tmp_path / "cache"), out), daemon=True)
    proc.start()
    count = out.get(timeout=120)
    proc.join(timeout=30)
    assert proc.exitcode == 0 and count == len(R.read_data(load_model(), DATA / "core").records)


def test_worker_processes_leave_errors_to_the_reader_in_file_order(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(DATA / "core" / "regimes.yaml", data / "a.yaml")
    shutil.copy(DATA / "core" / "review-factors.yaml", data / "d.yaml")
    (data / "b.yaml").write_text("records: [ {id: x", encoding="utf-8")
    (data / "c.yaml").write_text("records:\n  - {id: y, type: Nonsense, source: src/x}\n", encoding="utf-8")
    model = load_model()
    with pytest.raises(DataError) as first:
        R.read_data(model, data, cache=tmp_path / "cache", parallel_min_bytes=0)
    assert "b.yaml" in first.value.message and "malformed YAML" in first.value.message
    errors: list[DataError] = []
    R.read_data(model, data, errors, cache=tmp_path / "cache2", parallel_min_bytes=0)
    assert [e.path for e in errors] == ["data/b.yaml", "data/c.yaml"]
    serial: list[DataError] = []
    R.read_data(model, data, serial)
    assert [e.message for e in errors] == [e.message for e in serial]


@pytest.mark.parametrize("limit", [1, 3, 50])
def test_checks_in_threads_find_what_one_thread_finds(limit: int) -> None:
    store = ox.Store()
    text = BASE + "\n".join(v.replace("id:m ", f"id:m{n} ") for n, v in enumerate(CASES.values()))
    store.load(text, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("https://w3id.org/exportgraph/id/g"))
    store.load(ontology_text("exportgraph.ttl"), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode("https://w3id.org/exportgraph/ontology"))
    checks = load_checks(ontology_text("shapes.ttl"), ontology_text("exportgraph.ttl"))
    one = validate(store, checks, limit=limit)
    assert len(one) == min(limit, len(validate(store, checks, limit=1000))) and len(one) >= 1
    assert validate(store, checks, limit=limit, workers=4) == one


def test_lines_are_the_stores_and_split_only_at_newlines() -> None:
    g1, g2 = ox.NamedNode("http://example.org/g1"), ox.NamedNode("http://example.org/g2")
    s, p = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    odd = ["line\u2028separator", "next\x85line", "cr\rlf\n", 'quote " back \\ slash', "中文 ☃ 😀", "x" * 20_000]
    store = ox.Store()
    store.extend(ox.Quad(s, p, ox.Literal(text), g1) for text in odd)
    store.add(ox.Quad(s, p, ox.Literal("1.0", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")), g2))
    lines = sorted_lines(store)
    assert len(lines) == len(store) == len(odd) + 1
    assert lines == sorted(lines) and all(line.endswith(b" .\n") and line.count(b"\n") == 1 for line in lines)
    assert b"".join(lines) == b"".join(sorted(store.dump(format=ox.RdfFormat.N_QUADS).splitlines(keepends=True)))
    assert b'"1"^^<http://www.w3.org/2001/XMLSchema#decimal>' in b"".join(lines)  # the store's canonical form
    again = ox.Store()
    again.load(b"".join(lines), format=ox.RdfFormat.N_QUADS)
    assert set(again) == set(store)
    made = digest(lines)
    assert made.graphs == {"http://example.org/g1": len(odd), "http://example.org/g2": 1}
    assert made.bytes == len(b"".join(lines))
