"""Real SPARQL clients against a live server: SPARQLWrapper and rdflib's SPARQLStore
(SELECT, ASK, CONSTRUCT), compared with the embedded store's answers."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
import rdflib
from fastapi import FastAPI
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from exportgraph.graph.store import EmbeddedStore
from exportgraph.settings import Settings
from tests.test_sparql_guards import live_server
from tests.test_sparql_protocol import ASK_FALSE, ASK_TRUE, CONSTRUCT, SELECT, expected_rows, same_graph, store_graph


@pytest.fixture(scope="module")
def url(settings: Settings, app: FastAPI) -> Iterator[str]:
    from exportgraph.api.app import create_app

    with live_server(create_app(settings, state=app.state.graph)) as base:
        yield f"{base}/sparql"


def _nt(term: rdflib.term.Node) -> str:
    if isinstance(term, rdflib.Literal):
        if term.language:
            return str(ox.Literal(str(term), language=term.language))
        if term.datatype:
            return str(ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype))))
        return str(ox.Literal(str(term)))
    return str(ox.NamedNode(str(term)))


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select(url: str, store: EmbeddedStore, method: str) -> None:
    client = SPARQLWrapper(url)
    client.setMethod(method)
    client.setQuery(SELECT)
    client.setReturnFormat(JSON)
    doc = client.query().convert()
    rows = [(f"<{b['s']['value']}>", b["label"]) for b in doc["results"]["bindings"]]  # type: ignore[index]
    want = expected_rows(store, SELECT)
    assert [s for s, _ in rows] == [s for s, _ in want]
    assert [str(ox.Literal(b["value"], language=b.get("xml:lang"))) for _, b in rows] == [lbl for _, lbl in want]


def test_sparqlwrapper_ask(url: str) -> None:
    client = SPARQLWrapper(url)
    client.setReturnFormat(JSON)
    client.setQuery(ASK_TRUE)
    assert client.query().convert()["boolean"] is True  # type: ignore[index]
    client.setQuery(ASK_FALSE)
    assert client.query().convert()["boolean"] is False  # type: ignore[index]


@pytest.mark.parametrize("fmt", [None, TURTLE])
def test_sparqlwrapper_construct(url: str, store: EmbeddedStore, fmt: str | None) -> None:
    client = SPARQLWrapper(url)
    client.setQuery(CONSTRUCT)
    if fmt:
        client.setReturnFormat(fmt)
    result = client.query().convert()
    got = result if isinstance(result, rdflib.Graph) else rdflib.Graph().parse(data=result, format="turtle")
    same_graph(got, store_graph(store, CONSTRUCT))


@pytest.fixture(scope="module")
def remote_graph(url: str) -> Iterator[rdflib.Graph]:
    graph = rdflib.Graph(store=SPARQLStore(url))
    yield graph
    graph.close()


def test_sparqlstore_select(remote_graph: rdflib.Graph, store: EmbeddedStore) -> None:
    rows = [(_nt(r[0]), _nt(r[1])) for r in remote_graph.query(SELECT)]  # type: ignore[index]
    assert rows == expected_rows(store, SELECT)


def test_sparqlstore_ask(remote_graph: rdflib.Graph) -> None:
    assert remote_graph.query(ASK_TRUE).askAnswer is True
    assert remote_graph.query(ASK_FALSE).askAnswer is False


def test_sparqlstore_construct(remote_graph: rdflib.Graph, store: EmbeddedStore) -> None:
    result = remote_graph.query(CONSTRUCT).graph
    assert result is not None
    same_graph(result, store_graph(store, CONSTRUCT))


def test_sparqlstore_triples_and_len(remote_graph: rdflib.Graph, store: EmbeddedStore) -> None:
    """rdflib's Graph API over the endpoint (its own generated SELECT queries)."""
    label = rdflib.URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    want = {r["label"].value for r in store.select(SELECT, prefixes=False)}
    got = {str(o) for _s, _p, o in remote_graph.triples((None, label, None))}
    assert want <= got
