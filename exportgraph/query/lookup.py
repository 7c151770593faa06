"""A code looked up with all a reader needs beside it: the entries (items.lookup), the warnings
(items.lookup_warnings) and the parameters side by side (parameters.side_by_side), the same answers as those
three calls made one after the other, with far fewer waits.

On a remote store each query is a round trip, and those calls made them one after the other (nine for a
code in six lists at 5M quads, one of them twice). Here, once the entries with the code are known, every
question that depends only on them goes at once (query/asks.py: one thread, a connection each): labels and
details, sub-items, regime links, 'different item' records, the regime items' implementers; and, where the
store takes a path from VALUES (Oxigraph, the embedded store), the sub-items' links and thresholds, reached
from the entries in the same query. Elsewhere (Virtuoso) those wait for the sub-items, a wave later. Then the
details of the links, then (only when links or regime items bring entries of other lists) the same questions
for those entries.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from exportgraph.graph import terms as T
from exportgraph.graph.rows import Row
from exportgraph.graph.store import GraphStore
from exportgraph.query import items as I
from exportgraph.query.asks import Ask, asked
from exportgraph.query.base import Json, rid, value
from exportgraph.query.fanout import together
from exportgraph.query.links import (
    among,
    different_links_ask,
    implementers_ask,
    is_regime_entry,
    links_from_ask,
    to_regime_items,
)
from exportgraph.query.parameters import (
    side_by_side,
    threshold_ask,
    threshold_rows,
    thresholds_below_ask,
    thresholds_of,
)
from exportgraph.query.subitems import descendants_ask, paths_from_values


class Report(NamedTuple):
    entries: list[Json]
    warnings: list[str]
    parameters: dict[str, Any]


class _Read:
    """What has been read about the entries so far, by IRI."""

    def __init__(self, from_values: bool) -> None:
        self.from_values = from_values            # the store takes paths from VALUES (subitems.paths_from_values)
        self.subs: dict[str, list[str]] = {}      # entry -> itself and its sub-items
        self.links: dict[str, list[Json]] = {}    # entry -> its links (links_from)
        self.apart: set[tuple[str, str]] = set()  # 'different item' records from the entries
        self.thresholds: list[dict[str, Any]] = []
        self.pairs: list[Row] = []                # links of sub-items, read with them (links_below_ask)
        self.covered: set[str] = set()            # entries whose sub-items' thresholds were read with them
        self.paired: set[str] = set()             # entries whose sub-items' links were read with them

    def about(self, ids: list[str], pairs: bool = False) -> list[Ask[Any]]:
        """The questions that read what is needed of these entries (short ids, as the entries give them); with
        `pairs`, the links of their sub-items too (link_pairs_ask's question). Where the store takes paths from
        VALUES, the sub-items' thresholds and links are asked by the entries, in the same wave as the sub-items;
        elsewhere they wait for the sub-items (lookup_report)."""
        iris = [T.iri(i) for i in ids]
        national = [i for i in dict.fromkeys(T.iri(i) for i in ids if not is_regime_entry(i)) if i not in self.subs]
        asks: list[Ask[Any]] = [descendants_ask(national, self.from_values).then(self.subs.update),
                                links_from_ask(iris).then(self.links.update), different_links_ask(iris).then(self.apart.update)]
        if self.from_values:
            asks.append(thresholds_below_ask(national).then(self.thresholds.extend))
            self.covered.update(national)
            if pairs:
                asks.append(I.links_below_ask(national).then(self.pairs.extend))
                self.paired.update(national)
        return asks

    def todo(self, done: set[str]) -> list[str]:
        """The sub-items read whose thresholds are neither read with their entry nor among `done`."""
        return sorted({d for root, found in self.subs.items() if root not in self.covered for d in found} - done)


def lookup_report(store: GraphStore, code: str, list_id: str | None = None) -> Report:
    rows = I.entry_rows(store, code, list_id)
    ids = [rid(value(r["e"])) or "" for r in rows]
    read = _Read(paths_from_values(store))
    regime = [T.iri(i) for i in ids if is_regime_entry(i)] if list_id is None else []
    entries, implementing, *_ = asked(store, [I.entries_of_ask(rows), implementers_ask(regime),
                                              *read.about(ids, pairs=list_id is None)])
    done: set[str] = set()
    if list_id is None:  # entries of other lists: implementers of the regime items, then linked ones
        entries += _described(store, read, sorted(set(implementing) - {T.iri(i) for i in ids}), implementing, True)
        national = [T.iri(e["id"]) for e in entries if not is_regime_entry(e["id"])]
        subs = {d for n in national if n not in read.paired for d in read.subs.get(n, [])}
        present = {e["list"] for e in entries}
        todo = read.todo(done)  # both empty where the store takes paths from VALUES: no wave
        pairs, _ = asked(store, [I.link_pairs_ask(subs), threshold_ask(todo).then(read.thresholds.extend)])
        done.update(todo)
        found = I.links_of_pairs(store, read.pairs + pairs, present)
        entries += _described(store, read, sorted(found)[:20], found)
    read.thresholds += threshold_rows(store, read.todo(done))
    I.with_regime_links(entries, to_regime_items({i: read.links.get(i, []) for i in (T.iri(e["id"]) for e in entries)}))
    warnings = I.lookup_warnings(store, entries, among(read.apart, [T.iri(e["id"]) for e in entries]))
    national_ids = list(dict.fromkeys(e["id"] for e in entries if e.get("id") and not is_regime_entry(e["id"])))
    known = thresholds_of(national_ids, read.subs, read.thresholds) if national_ids else None
    return Report(entries, warnings, side_by_side(store, entries, known))


def _described(store: GraphStore, read: _Read, iris: list[str], found: dict[str, list[Json]],
               pairs: bool = False) -> list[Json]:
    """These entries, each with the links it was found through, and what is read about them meanwhile."""
    if not iris:
        return []
    about = read.about([rid(i) or "" for i in iris], pairs)
    extra, _ = together(store, [lambda: I.describe_entries(store, iris), lambda: asked(store, about)])
    return I.with_found_via(extra, found)
