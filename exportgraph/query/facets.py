"""Facets and pages of a search over the text index (query/textindex.py): per facet (kind, jurisdiction, list,
in force on a date) the count of each value among the hits that pass every other active filter, how many hits
pass them all, and the page of those asked for."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from exportgraph.query.textindex import Hit, Resource, Shared, TextIndex

UNDATED = "undated"
FACETS = ("kind", "jurisdiction", "list", "as_of")


def _keep(r: Resource, filters: dict[str, str | None], skip: str | None = None) -> bool:
    for name, wanted in filters.items():
        if not wanted or name == skip:
            continue
        if name == "kind" and r.kind != wanted:
            return False
        if name == "jurisdiction" and wanted not in r.jurisdictions:
            return False
        if name == "list" and wanted not in r.lists:
            return False
        if name == "as_of" and not r.in_force(wanted):
            return False
    return True


def facet_counts(index: TextIndex, hits: list[int], filters: dict[str, str | None]) -> dict[str, dict[str, int]]:
    """Per facet, the count of each value among the hits (resource numbers) that pass every OTHER active filter.

    A hit that passes every active filter counts in every facet, one that fails exactly one filter counts in that
    filter's facet only, one that fails two counts nowhere. Counted by Counter over maps of the index's lists
    (C), not per hit in Python: a search counts every hit (tens of thousands for a common word at 5M quads)."""
    active = [name for name in FACETS if filters.get(name)]
    passing: list[int] = []
    failing: dict[str, list[int]] = {name: [] for name in FACETS}
    if not active:
        passing = hits
    for n in hits if active else ():
        r = index.resources[n]
        failed = [name for name in active if not _keep(r, {name: filters[name]})]
        if not failed:
            passing.append(n)
        elif len(failed) == 1:
            failing[failed[0]].append(n)
    day = filters.get("as_of")
    out: dict[str, Counter[str]] = {}
    for name in FACETS:
        counted = passing + failing[name] if failing[name] else passing
        if name == "kind":
            out[name] = Counter(map(index.kinds.__getitem__, counted))
        elif name == "jurisdiction":
            out[name] = _count(map(index.jurisdictions.__getitem__, counted))
        elif name == "list":
            out[name] = _count(map(index.lists.__getitem__, counted))
        else:
            out[name] = Counter(_state(index.resources[n].in_force(day)) for n in counted) if day else Counter()
    return {name: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))) for name, c in out.items()}


def _count(values: Iterable[Shared]) -> Counter[str]:
    """Counter over the values of every hit: the shared objects counted first (in C), tuples spread after."""
    counted: Counter[str] = Counter()
    for value, k in Counter(values).items():
        if isinstance(value, str):
            counted[value] += k
        elif value is not None:
            for v in value:
                counted[v] += k
    return counted


def _state(in_force: bool | None) -> str:
    return UNDATED if in_force is None else "in force" if in_force else "not in force"


def faceted(index: TextIndex, text: str, filters: dict[str, str | None], offset: int = 0,
            limit: int | None = None) -> tuple[int, list[Hit], dict[str, Any]]:
    """How many hits pass the filters, the page of them asked for (best first), and the facet counts."""
    found = index.found(text)
    if found is None:
        return 0, [], facet_counts(index, [], filters)
    resources = index.resources
    hits = list(found.resources)
    facets = facet_counts(index, hits, filters)
    kept = {n for n in hits if _keep(resources[n], filters)} if any(filters.values()) else None
    page = found.top(kept, None if limit is None else offset + limit)[offset:]
    return len(hits if kept is None else kept), page, facets
