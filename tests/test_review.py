"""Defects found in review, each pinned by a test that failed before its fix."""

from __future__ import annotations

import pytest

from exportgraph.exc import BadRequest
from exportgraph.query import items as I
from exportgraph.query import parties as P
from exportgraph.query.base import check_id
from exportgraph.query.compare import MAX_JURISDICTIONS


def test_in_force_with_an_empty_date_is_a_400(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/in-force?scope=cn&as_of=")
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "BadRequest"


@pytest.mark.parametrize("text", ["a\nb", "a\rb", 'say "x" \\ y', "tab\there", "nul\x00"])
def test_string_literals_round_trip_through_sparql(store, text: str) -> None:  # type: ignore[no-untyped-def]
    rows = store.select(f"SELECT ?x WHERE {{ BIND({I.literal(text)} AS ?x) }}")
    assert rows[0]["x"].value == text


def test_party_search_with_a_newline_is_a_search_not_a_syntax_error(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/parties", params={"name": "hua\nwei"})
    assert r.status_code == 200, r.text
    assert r.json()["total"] == 0


@pytest.mark.parametrize("bad", ["cn\n", "cn/agency/mofcom\n"])
def test_an_id_with_a_final_newline_is_malformed(bad: str) -> None:
    with pytest.raises(BadRequest, match="malformed id"):
        check_id(bad)


@pytest.mark.parametrize("url", ["/api/memberships?jurisdiction=cn%0A", "/api/instruments?jurisdiction=cn%0A",
                                 "/api/list-coverage?list=cn%0A&other=us"])
def test_parameters_with_a_final_newline_are_refused_before_any_query(client, url: str) -> None:  # type: ignore[no-untyped-def]
    r = client.get(url)
    assert r.status_code == 400
    assert "malformed id" in r.json()["detail"]


@pytest.mark.parametrize("code", ["8542\n", "\u0668\u0665\u0664\u0662"])  # a final newline; Arabic-Indic digits
def test_customs_codes_are_ascii_digits_only(store, code: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadRequest, match="malformed customs code"):
        I.customs_candidates(store, code)


def test_regime_overlap_refuses_unbounded_jurisdiction_lists(client) -> None:  # type: ignore[no-untyped-def]
    # 600 made-up ids were 180,000 pairs and 15 MB of JSON; a long URL could ask for millions.
    many = ",".join(f"j{i}" for i in range(MAX_JURISDICTIONS + 1))
    for path in ("/api/regime-overlap", "/api/compare"):
        r = client.get(path, params={"jurisdictions": many})
        assert r.status_code == 400, (path, r.text[:200])
        assert f"at most {MAX_JURISDICTIONS}" in r.json()["detail"]


def test_regime_overlap_checks_ids(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/regime-overlap", params={"jurisdictions": "cn,<x>"})
    assert r.status_code == 400
    assert "malformed id" in r.json()["detail"]


def test_compare_needs_two_different_jurisdictions(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/compare", params={"jurisdictions": "cn,cn"})
    assert r.status_code == 400
    assert "at least two" in r.json()["detail"]


@pytest.mark.parametrize(("method", "url", "status", "name"), [
    ("GET", "/api/no-such-thing", 404, "NotFound"), ("DELETE", "/api/jurisdictions", 405, "MethodNotAllowed")])
def test_routing_errors_have_the_error_shape(client, method: str, url: str, status: int,  # type: ignore[no-untyped-def]
                                             name: str) -> None:
    r = client.request(method, url)
    assert r.status_code == status
    assert r.json()["error"] == name



@pytest.mark.parametrize("limit", [0, -1])
def test_search_and_party_limits_below_one_are_refused(store, limit: int) -> None:  # type: ignore[no-untyped-def]
    from exportgraph.query.base import search

    with pytest.raises(BadRequest, match="limit: at least 1"):
        search(store, "gallium", limit=limit)
    with pytest.raises(BadRequest, match="limit: at least 1"):
        P.parties(store, "huawei", limit=limit)


def test_text_index_goes_with_its_store() -> None:
    import gc

    import pyoxigraph as ox

    from exportgraph.graph.store import EmbeddedStore
    from exportgraph.query import textindex

    def small(label: str) -> EmbeddedStore:
        s = ox.NamedNode("https://w3id.org/exportgraph/id/x")
        raw = ox.Store()
        raw.add(ox.Quad(s, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal(label), s))
        raw.add(ox.Quad(s, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                        ox.NamedNode("https://w3id.org/exportgraph/ontology#Agency"), s))
        return EmbeddedStore(raw)

    before = len(textindex._indexes)
    first = small("alpha")
    assert [hit[1] for hit in textindex.index_for(first).search("alpha")] == ["alpha"]
    del first
    gc.collect()
    assert len(textindex._indexes) == before  # no index left behind for a freed id to inherit
    assert [hit[1] for hit in textindex.index_for(small("beta")).search("beta")] == ["beta"]
