"""Rows as plain values (graph/rows.py): select_values gives what value() made of select()'s pyoxigraph terms,
on the embedded store and read straight from a remote store's JSON, the same on both."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from exportgraph.exc import StoreUnavailable
from exportgraph.graph.rows import Tagged, plain, rows_of_json
from exportgraph.graph.store import EmbeddedStore, RemoteStore
from exportgraph.query.base import value

# IRIs, labels in three languages, numbers of both kinds (a whole decimal is an int), an ill-typed integer, a
# date, a plain and a typed string, and an unbound variable.
TERMS = """SELECT ?e ?label ?i ?d ?w ?bad ?day ?s ?none WHERE {
    VALUES (?i ?d ?w ?bad ?day ?s) { (42 2.5 3.0 "x"^^xsd:integer "2024-09-01"^^xsd:date "a"^^xsd:string) }
    { SELECT ?e ?label WHERE { ?e a eg:ControlEntry ; skos:prefLabel ?label . FILTER(lang(?label) != "") }
      ORDER BY ?e ?label LIMIT 40 }
    OPTIONAL { ?e eg:noSuchProperty ?none } } ORDER BY ?e ?label"""
LANGS = """SELECT ?l WHERE { { SELECT ?l WHERE { ?s skos:prefLabel ?l FILTER(lang(?l) = "zh") } ORDER BY ?l LIMIT 3 } UNION
    { SELECT ?l WHERE { ?s skos:prefLabel ?l FILTER(lang(?l) = "ja") } ORDER BY ?l LIMIT 3 } UNION
    { SELECT ?l WHERE { ?s skos:prefLabel ?l FILTER(lang(?l) = "en") } ORDER BY ?l LIMIT 3 } } ORDER BY ?l"""


def _expected(store: EmbeddedStore | RemoteStore, text: str) -> list[dict[str, object]]:
    return [{k: plain(v) for k, v in row.items()} for row in store.select(text)]


@pytest.mark.parametrize("which", ["embedded", "remote"])
def test_select_values_are_the_plain_values_of_select(which: str, store: EmbeddedStore,
                                                      remote_store: RemoteStore) -> None:
    chosen = store if which == "embedded" else remote_store
    rows = chosen.select_values([TERMS])[0]
    assert len(rows) == 40
    assert rows == _expected(chosen, TERMS)
    first = rows[0]
    assert type(first["e"]) is str and first["e"].startswith("https://w3id.org/exportgraph/id/")
    assert (first["i"], first["d"], first["w"], first["bad"], first["day"], first["s"], first["none"]) == \
        (42, 2.5, 3, "x", "2024-09-01", "a", None)
    assert type(first["i"]) is int and type(first["w"]) is int and type(first["d"]) is float
    assert all(isinstance(r["label"], Tagged) for r in rows)
    labels = chosen.select_values([LANGS])[0]
    assert sorted({r["l"].language for r in labels}) == ["en", "ja", "zh"]
    assert [(r["l"], r["l"].language) for r in labels] == \
        [(row["l"].value, row["l"].language) for row in chosen.select(LANGS)]


def test_the_embedded_and_remote_rows_are_equal(store: EmbeddedStore, remote_store: RemoteStore) -> None:
    assert store.select_values([TERMS, LANGS]) == remote_store.select_values([TERMS, LANGS])


def test_value_gives_the_text_of_a_tagged_term_and_keeps_plain_values() -> None:
    assert type(value(ox.Literal("镓", language="zh"))) is str
    for plain_value in ("x", 3, 2.5, None, Tagged("y")):
        assert value(plain_value) == plain_value


@pytest.mark.parametrize("content", [
    b"not json", b'{"head":{}}', b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"uri"}}]}}',
    b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":"1"}]}}', b"[]",
])
def test_results_that_do_not_parse_are_a_store_error(content: bytes) -> None:
    with pytest.raises(StoreUnavailable, match="do not parse"):
        rows_of_json(content)


def test_json_terms_of_other_servers() -> None:
    # Virtuoso: "typed-literal" and blank nodes named nodeID://...
    content = (b'{"head":{"vars":["b","n","t"]},"results":{"bindings":[{"b":{"type":"bnode","value":"nodeID://b1"},'
               b'"n":{"type":"typed-literal","datatype":"http://www.w3.org/2001/XMLSchema#integer","value":"7"},'
               b'"t":{"type":"literal","xml:lang":"ja","value":"\xe3\x82\xac"}}]}}')
    (row,) = rows_of_json(content)
    assert row == {"b": "nodeID://b1", "n": 7, "t": "ガ"} and row["t"].language == "ja"
