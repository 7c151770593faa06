"""The same query suite against the embedded store, a real Oxigraph server and a real Virtuoso server.

Virtuoso differences met and handled (graph/store.py, tests/virtuoso.py): it never answers a POST of
application/sparql-query (queries go as forms); asked for JSON first it answers a CONSTRUCT as a table, and
asked for N-Triples first a SELECT as a graph (the Accept header follows the query's form); its blank nodes
come as `nodeID://b1` (relabelled); its default graph includes its own system graphs unless they are made
private (done at setup); `GRAPH ?g {}` binds nothing; a result is cut at ResultSetMaxRows (raised in its ini);
`SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }` runs past 60 s where GROUP BY ?g takes 0.3 s.
"""

from __future__ import annotations

import datetime as dt

import pytest

from exportgraph.exc import BadRequest, StoreUnavailable
from exportgraph.graph.store import RemoteStore
from exportgraph.query import base as Q
from exportgraph.query import compare as C
from exportgraph.query import items as I

from .conftest import free_port

SUITE = {
    "count by class": "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c",
    "point lookup": 'SELECT ?e WHERE { ?e skos:notation "3B001" } ORDER BY ?e',
    "memberships": "SELECT ?m ?s WHERE { ?m a eg:RegimeMembership ; eg:membershipStatus ?s } ORDER BY ?m",
    # The load's mark (graph urn:exportgraph:load) is on a store that `exportgraph load` filled, not in the dataset.
    "graphs": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g != <urn:exportgraph:load>) } "
              "GROUP BY ?g ORDER BY ?g",
    "literal with language": 'SELECT ?s WHERE { ?s skos:prefLabel "中国"@zh }',
}


def _canon(rows: list[dict]) -> list[tuple]:  # type: ignore[type-arg]
    return [tuple(sorted((k, str(v)) for k, v in row.items())) for row in rows]


REMOTES = ["remote_store", "virtuoso_store"]


@pytest.mark.parametrize("remote", REMOTES)
@pytest.mark.parametrize("name", sorted(SUITE))
def test_same_answers_on_every_store(name: str, remote: str, store, request) -> None:  # type: ignore[no-untyped-def]
    local = store.select(SUITE[name])
    answers = request.getfixturevalue(remote).select(SUITE[name])
    assert local, f"{name}: empty answer on the real data"
    assert _canon(local) == _canon(answers)


@pytest.mark.parametrize("remote", REMOTES)
def test_ask_and_construct_on_every_store(remote: str, store, request) -> None:  # type: ignore[no-untyped-def]
    other = request.getfixturevalue(remote)
    q = "ASK { <https://w3id.org/exportgraph/id/cn> eg:isoCode \"CN\" }"
    assert store.ask(q) and other.ask(q)
    c = "CONSTRUCT { ?s eg:isoCode ?c } WHERE { ?s eg:isoCode ?c }"
    assert sorted(map(str, store.construct(c))) == sorted(map(str, other.construct(c)))


def test_virtuoso_adds_none_of_its_own_triples_to_the_default_graph(store, virtuoso_store, built) -> None:  # type: ignore[no-untyped-def]
    from .virtuoso import SYSTEM_GRAPHS

    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    mark = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:exportgraph:load> { ?s ?p ?o } }"
    on_virtuoso = int(virtuoso_store.select(count)[0]["n"].value) - int(virtuoso_store.select(mark)[0]["n"].value)
    assert on_virtuoso == int(store.select(count)[0]["n"].value)
    assert not virtuoso_store.ask("ASK { ?s a ?c FILTER(STRSTARTS(STR(?c), 'http://www.openlinksw.com/')) }")
    # GROUP BY, not DISTINCT: Virtuoso 7.2 runs `SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }` past 60 s.
    found = virtuoso_store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert len(found) == len(built.manifest["graphs"]) + 1 and not {r["g"].value for r in found} & set(SYSTEM_GRAPHS)


def test_the_service_answers_from_virtuoso(settings, virtuoso_server) -> None:  # type: ignore[no-untyped-def]
    import httpx

    from .servers import Server

    remote = settings.with_(store="remote", remote_query_url=virtuoso_server.query_url, query_workers=1)
    with Server(remote) as server, httpx.Client(base_url=server.base, timeout=30) as c:
        health = c.get("/api/health").json()
        assert health["status"] == "ok" and health["checks"]["store"]["state"] == "complete", health
        codes = [e["code"] for e in c.get("/api/entries", params={"code": "3B001"}).json()["items"]]
        assert "3B001" in codes, codes
        query = "SELECT ?n WHERE { <https://w3id.org/exportgraph/id/cn> <https://w3id.org/exportgraph/ontology#isoCode> ?n }"
        r = c.get("/sparql", params={"query": query},
                  headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200 and r.json()["results"]["bindings"][0]["n"]["value"] == "CN", r.text


def test_library_on_both_stores(any_store) -> None:  # type: ignore[no-untyped-def]
    cn = Q.memberships(any_store, dt.date(2023, 12, 31), "cn")
    assert {m["regime"] for m in cn if m["status"] == "participant"} >= {"regime/nsg", "regime/zc"}
    assert {m["regime"] for m in cn if m["status"] == "non-member"} >= {"regime/wa", "regime/mtcr"}
    # The EU and US entries by code, the Wassenaar item by its own spelling (3.B.1), Japan's row through it.
    found = I.lookup(any_store, "3B001")
    assert [e["list"] for e in found if e["code"] == "3B001"] == ["eu/list/annex-i", "us/list/ccl"]
    assert [e["code"] for e in found if e["list"] == "regime/wa/list/dual-use"] == ["3.B.1"]
    assert [e["code"] for e in found if e["list"] == "jp/list/appended-table-1"] == ["7(16)"]
    result = C.compare(any_store, ["cn", "us"], dt.date(2026, 11, 29), ["licensing-time-limit"])
    assert result["dimensions"][0]["outcome"] == "diverge"


def test_bad_query_is_a_clean_error(any_store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadRequest):
        any_store.select("SELECT ?x WHERE { ?x ")


def test_unreachable_remote_store_is_a_clean_error() -> None:
    remote = RemoteStore(f"http://127.0.0.1:{free_port()}/query", timeout_s=2)
    with pytest.raises(StoreUnavailable) as err:
        remote.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert "unreachable" in err.value.message


def test_cli_load_into_a_real_server_through_the_graph_store_protocol(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys
    import time

    import httpx

    from .conftest import oxigraph_binary
    from .test_build import GOOD, write

    data = tmp_path / "data"
    data.mkdir()
    write(data, GOOD)
    port = free_port()
    proc = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(tmp_path / "ox"), "--bind",
                             f"127.0.0.1:{port}", "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{base}/query", params={"query": "ASK {}"}, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        args = ["--data-dir", str(data), "--build-dir", str(tmp_path / "b")]
        run = lambda *a: subprocess.run([sys.executable, "-m", "exportgraph", *a], capture_output=True,  # noqa: E731
                                        text=True)
        assert run("build", *args).returncode == 0
        loaded = run("load", "--into", f"{base}/store", *args)
        assert loaded.returncode == 0, loaded.stderr
        remote = RemoteStore(f"{base}/query")
        rows = remote.select("SELECT ?n WHERE { ?j eg:isoCode ?n }")
        assert [r["n"].value for r in rows] == ["CN"]
        graphs = {r["g"].value for r in remote.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
        assert len(graphs) == 4 and "urn:exportgraph:load" in graphs  # three of the dataset and the load's mark
        queried = run("query", "SELECT ?n WHERE { ?j eg:isoCode ?n }", "--store", "remote", "--remote-query-url",
                      f"{base}/query", "--format", "csv", *args)
        assert queried.stdout.splitlines() == ["n", "CN"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    down = subprocess.run([sys.executable, "-m", "exportgraph", "query", "ASK {}", "--store", "remote",
                           "--remote-query-url", f"{base}/query"], capture_output=True, text=True)
    assert down.returncode != 0 and "unreachable" in down.stderr and "Traceback" not in down.stderr
