"""What is in force in a list on a day, and what changed between two dates (added, removed, changed).

Split from items.py: the same rule holds, every "not known" is said, never an empty success.
"""

from __future__ import annotations

import datetime as dt

from exportgraph.exc import BadRequest, NotFound
from exportgraph.graph import terms as T
from exportgraph.graph.store import GraphStore
from exportgraph.query.base import Json, check_id, label_of, labels, rid, value
from exportgraph.query.items import _effective, check_list


def in_force(store: GraphStore, scope: str, day: dt.date) -> dict[str, Json]:
    """Entries in force on a day, in a list (id) or in every list of a jurisdiction (cn, us, ...)."""
    check_id(scope)
    if "/" in scope:
        lists_filter = f"VALUES ?l {{ <{check_list(store, scope)}> }}"
    else:
        if not store.ask(f"ASK {{ <{T.iri(scope)}> a eg:Jurisdiction }}"):
            raise NotFound(f"unknown list or jurisdiction {scope!r}")
        lists_filter = f"?l eg:jurisdiction <{T.iri(scope)}> ."
    first = store.select(f"""SELECT (MIN(?f) AS ?first) WHERE {{ {lists_filter} ?ed eg:editionOf ?l ;
        eg:validFrom ?f }}""")
    start = value(first[0]["first"]) if first else None
    if start is None:
        raise NotFound(f"{scope!r} has no dated edition")
    if day.isoformat() < start:
        raise BadRequest(f"{day} is before the first edition of {scope} ({start}): the graph does not know what "
                         "was controlled then")
    d = f'"{day.isoformat()}"^^xsd:date'
    rows = store.select(f"""SELECT ?e ?code ?ed ?l ?from ?until WHERE {{ {lists_filter} ?ed eg:editionOf ?l .
        ?e skos:inScheme ?ed ; skos:notation ?code . {_effective('?e', '?ed')}
        FILTER(BOUND(?from) && ?from <= {d} && (!BOUND(?until) || ?until >= {d})) }} ORDER BY ?l ?code""")
    names = labels(store, sorted({value(r["e"]) for r in rows}))
    return {f"{rid(value(r['l']))}#{value(r['code'])}": {
        "id": rid(value(r["e"])), "code": value(r["code"]), "list": rid(value(r["l"])),
        "label": label_of(names.get(value(r["e"])), value(r["code"])), "valid_from": value(r["from"]),
        "valid_until": value(r["until"])} for r in rows}


def diff(store: GraphStore, scope: str, before: dt.date, after: dt.date) -> Json:
    """What changed in a list (or a jurisdiction's lists) between two dates: added, removed, changed.

    When the first date precedes every edition the graph holds, what was controlled then is unknown: only
    entries known to have begun inside the window count as added (an entry with its own start date, or an
    entry of an amendment edition); entries of a consolidated edition are not claimed as new.
    """
    if after < before:
        raise BadRequest(f"the second date {after} is before the first {before}")
    note = None
    new = in_force(store, scope, after)
    in_force_after = len(new)
    try:
        old = in_force(store, scope, before)
    except BadRequest:
        began = _began_after(store, scope, before)
        note = (f"the graph holds no edition of {scope} in force on {before}: 'added' lists only the entries "
                f"known to have begun after {before} (own start date, or an amendment edition); "
                "the others are not compared")
        new = {k: v for k, v in new.items() if v["id"] in began}
        old = {}
    else:
        partial = [str(d) for d in (before, after) if not _consolidated_in_force(store, scope, d)]
        if partial:
            note = (f"no consolidated edition of {scope} is in force on {' and '.join(partial)}: only entries of "
                    "amendment editions are known then, so the comparison covers those entries alone")
    added = [new[k] for k in sorted(set(new) - set(old))]
    removed = [old[k] for k in sorted(set(old) - set(new))]
    # Keys are list and code, so an entry carried into a new edition is the same entry; it changed if its label did.
    changed = [{"before": old[k], "after": new[k]} for k in sorted(set(old) & set(new)) if old[k]["label"] != new[k]["label"]]
    return {"scope": scope, "before": before.isoformat(), "after": after.isoformat(),
            "in_force_before": len(old) if not note or "amendment editions are known" in note else None,
            "in_force_after": in_force_after,
            "added": added, "removed": removed, "changed": changed, "note": note}


def _consolidated_in_force(store: GraphStore, scope: str, day: dt.date) -> bool:
    lists_filter = (f"VALUES ?l {{ <{T.iri(scope)}> }}" if "/" in scope else f"?l eg:jurisdiction <{T.iri(scope)}> .")
    d = f'"{day.isoformat()}"^^xsd:date'
    return store.ask(f"""ASK {{ {lists_filter} ?ed eg:editionOf ?l ; eg:validFrom ?f .
        FILTER NOT EXISTS {{ ?ed eg:editionKind eg:EditionKind-amendment }}
        OPTIONAL {{ ?ed eg:validUntil ?u }} FILTER(?f <= {d} && (!BOUND(?u) || ?u >= {d})) }}""")


def _began_after(store: GraphStore, scope: str, day: dt.date) -> set[str]:
    """Ids of entries known to have begun after the day: their own eg:validFrom, or their amendment edition's."""
    lists_filter = (f"VALUES ?l {{ <{T.iri(scope)}> }}" if "/" in scope else f"?l eg:jurisdiction <{T.iri(scope)}> .")
    d = f'"{day.isoformat()}"^^xsd:date'
    rows = store.select(f"""SELECT DISTINCT ?e WHERE {{ {lists_filter} ?ed eg:editionOf ?l . ?e skos:inScheme ?ed .
        {{ ?e eg:validFrom ?f }} UNION {{ ?ed eg:editionKind eg:EditionKind-amendment ; eg:validFrom ?f
        FILTER NOT EXISTS {{ ?e eg:validFrom ?own }} }} FILTER(?f > {d}) }}""")
    return {rid(value(r["e"])) or "" for r in rows}
