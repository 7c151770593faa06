"""Sub-items (query/subitems.py): the two forms of the question give the same answer, and each store gets the
form it takes (paths_from_values), found out once and only from a store that answers."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from exportgraph.exc import StoreUnavailable
from exportgraph.graph.store import RemoteStore
from exportgraph.query.asks import answer
from exportgraph.query.subitems import descendants, descendants_ask, paths_from_values

# Entries with sub-items at several depths, and entries without any.
ROOTS = """SELECT DISTINCT ?e WHERE { ?x skos:broader ?m . ?m skos:broader ?e . ?e a eg:ControlEntry .
    FILTER NOT EXISTS { ?e skos:broader ?up } } ORDER BY ?e LIMIT 60"""
LEAVES = """SELECT ?e WHERE { ?e a eg:ControlEntry . FILTER NOT EXISTS { ?x skos:broader ?e } } ORDER BY ?e LIMIT 20"""


def _roots(store: Any) -> list[str]:
    return [r["e"] for r in store.select_values([ROOTS, LEAVES]) for r in r]


def test_each_engine_gets_the_form_it_takes(any_store: Any, request: pytest.FixtureRequest) -> None:
    takes = request.node.callspec.params["any_store"] != "virtuoso"
    assert paths_from_values(any_store) is takes


def test_both_forms_give_the_same_sub_items(any_store: Any) -> None:
    roots = _roots(any_store)
    assert len(roots) == 80
    branches = answer(any_store, descendants_ask(roots, False))
    assert set(branches) == set(roots)
    assert sum(len(found) > 2 for found in branches.values()) >= 40  # deep trees, not only the roots themselves
    if paths_from_values(any_store):
        values = answer(any_store, descendants_ask(roots, True))
        assert {r: sorted(found) for r, found in values.items()} == {r: sorted(found) for r, found in branches.items()}
    assert {r: sorted(found) for r, found in descendants(any_store, roots).items()} == \
        {r: sorted(found) for r, found in branches.items()}


def test_a_store_that_does_not_answer_is_an_error_and_nothing_is_kept() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nothing listens there
    store = RemoteStore(f"http://127.0.0.1:{port}/query", 2.0)
    for _ in range(2):  # a kept answer would be returned the second time
        with pytest.raises(StoreUnavailable):
            paths_from_values(store)
