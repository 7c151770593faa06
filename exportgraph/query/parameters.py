"""Compare the controlled parameters (Threshold records) of entries of any lists.

`compare_parameters(store, entry_ids)` fetches the thresholds of each entry and of its sub-items
(skos:broader*), pairs the thresholds of two entries that measure the same parameter (same normalised
unit, similar parameter words or the same sub-item path), and says for each pair whether the first
entry's bound is stricter, looser, the same, or not comparable. For an export control "stricter" means
that it controls MORE items: a lower "exceeding X" bound, a higher "less than X" bound, a wider range.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from typing import Any

from exportgraph.exc import BadRequest
from exportgraph.graph import terms as T
from exportgraph.graph.store import GraphStore
from exportgraph.query.asks import Ask, answer
from exportgraph.query.base import check_id, rid, value
from exportgraph.query.subitems import descendants

Json = dict[str, Any]

LOWER = {"gt", "ge"}      # controlled above the value
UPPER = {"lt", "le"}      # controlled below the value
STOP = {"a", "an", "the", "of", "and", "or", "in", "at", "to", "for", "with", "any", "than", "per", "on", "by"}


def _words(text: str | None) -> set[str]:
    out = set()
    for w in re.findall(r"[a-z0-9]+", (text or "").lower()):
        if w in STOP:
            continue
        out.add(w[:-1] if len(w) > 3 and w.endswith("s") else w)
    return out


def similarity(a: str | None, b: str | None) -> float:
    """Jaccard similarity of the parameter words (plural s dropped, small words ignored)."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


def _dec(x: Any) -> Decimal | None:
    return None if x is None else Decimal(str(x))


def compare_thresholds(a: Json, b: Json) -> str:
    """'stricter' / 'looser' / 'same' / 'not comparable': a's bound against b's (stricter = controls more)."""
    if a.get("unit") != b.get("unit"):
        return "not comparable"
    ca, cb = a["comparator"], b["comparator"]
    va, vb = _dec(a["value"]), _dec(b["value"])
    if va is None or vb is None:
        return "not comparable"
    if ca in LOWER and cb in LOWER:
        if va != vb:
            return "stricter" if va < vb else "looser"
        if ca == cb:
            return "same"
        return "stricter" if ca == "ge" else "looser"
    if ca in UPPER and cb in UPPER:
        if va != vb:
            return "stricter" if va > vb else "looser"
        if ca == cb:
            return "same"
        return "stricter" if ca == "le" else "looser"
    if ca == "range" and cb == "range":
        ua, ub = _dec(a.get("upper")), _dec(b.get("upper"))
        if ua is None or ub is None:
            return "not comparable"
        if (va, ua) == (vb, ub):
            return "same"
        if va <= vb and ua >= ub:
            return "stricter"
        if va >= vb and ua <= ub:
            return "looser"
        return "not comparable"
    if ca == "eq" and cb == "eq":
        return "same" if va == vb else "not comparable"
    return "not comparable"


def _thresholds(store: GraphStore, entry_ids: list[str]) -> dict[str, list[Json]]:
    """The thresholds of each entry and its sub-items, in two queries for all the entries (sub-items, then
    their thresholds through a bound VALUES list: a property path joined to other patterns is slow in
    Oxigraph, TRAPS.md); two queries per entry cost two round trips each on a remote store."""
    items = descendants(store, [T.iri(e) for e in entry_ids])
    return thresholds_of(entry_ids, items, threshold_rows(store, sorted({i for found in items.values() for i in found})))


def threshold_rows(store: GraphStore, items: list[str]) -> list[dict[str, Any]]:
    """The thresholds of these items (entries or sub-items), a row each."""
    return answer(store, threshold_ask(items))


def threshold_ask(items: list[str]) -> Ask[list[dict[str, Any]]]:
    """threshold_rows as a question (query/asks.py)."""
    texts = [f"""SELECT ?item ?notation ?th ?param ?comp ?val ?up ?unit ?sym ?grp WHERE {{
            VALUES ?item {{ {" ".join(f"<{i}>" for i in items[chunk:chunk + 400])} }} {_THRESHOLD} }}"""
             for chunk in range(0, len(items), 400)]
    return Ask(texts, lambda answers: [row for rows in answers for row in rows])


def thresholds_below_ask(roots: list[str]) -> Ask[list[dict[str, Any]]]:
    """threshold_ask for these entries and their sub-items, reached in the same query (from a VALUES of roots:
    only for a store that takes that form, query/subitems.py paths_from_values); it goes with the question
    that reads the sub-items, a wave earlier than threshold_ask can."""
    if not roots:
        return Ask([], lambda _: [])
    text = f"""SELECT DISTINCT ?item ?notation ?th ?param ?comp ?val ?up ?unit ?sym ?grp WHERE {{
        VALUES ?root {{ {" ".join(f"<{r}>" for r in roots)} }} ?item skos:broader* ?root . {_THRESHOLD} }}"""
    return Ask([text], lambda answers: answers[0])


_THRESHOLD = """?item eg:threshold ?th . ?th eg:comparator ?comp ; eg:numericValue ?val ; eg:unit ?unit .
    OPTIONAL { ?item skos:notation ?notation } OPTIONAL { ?th eg:parameter ?param } OPTIONAL { ?th eg:upperValue ?up }
    OPTIONAL { ?th eg:unitSymbol ?sym } OPTIONAL { ?th eg:conditionGroup ?grp }"""


def thresholds_of(entry_ids: list[str], items: dict[str, list[str]], rows: list[dict[str, Any]]) -> dict[str, list[Json]]:
    """Each entry's thresholds: `items` gives each entry IRI's sub-items (itself included), `rows` their
    thresholds (threshold_rows)."""
    by_item: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_item.setdefault(value(r["item"]), []).append(r)
    return {e: _shaped(e, [r for i in items[T.iri(e)] for r in by_item.get(i, [])]) for e in entry_ids}


def _shaped(entry_id: str, rows: list[dict[str, Any]]) -> list[Json]:
    out: dict[str, Json] = {}
    for r in rows:
        tid = rid(value(r["th"])) or ""
        item = rid(value(r["item"])) or ""
        out[tid] = {"id": tid, "item": item, "notation": value(r.get("notation")),
                    "path": item[len(entry_id):].lstrip("."),
                    "parameter": value(r.get("param")), "comparator": value(r["comp"]),
                    "value": value(r["val"]), "upper": value(r.get("up")), "unit": value(r["unit"]),
                    "unitSymbol": value(r.get("sym")), "conditionGroup": value(r.get("grp"))}
    return sorted(out.values(), key=lambda t: (t["item"], t["id"]))


def _jaccard(wa: set[str], wb: set[str]) -> float:
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def _pair(ta: list[Json], tb: list[Json]) -> tuple[list[Json], list[Json], list[Json]]:
    if not ta or not tb:  # most pairs of a lookup (21 entries: 210 pairs) have no thresholds on one side
        return [], list(ta), list(tb)
    candidates: list[tuple[float, int, int]] = []
    words_a = [_words(t["parameter"]) for t in ta]   # once per threshold, not once per pair
    words_b = [_words(t["parameter"]) for t in tb]
    per_a = Counter((t["path"], t["unit"]) for t in ta)
    per_b = Counter((t["path"], t["unit"]) for t in tb)
    for i, a in enumerate(ta):
        for j, b in enumerate(tb):
            if a["unit"] != b["unit"]:
                continue
            sim = _jaccard(words_a[i], words_b[j])
            same_path = bool(a["path"]) and a["path"] == b["path"]
            # the only thresholds of this unit at the same sub-item path on both sides
            unique = same_path and per_a[(a["path"], a["unit"])] == 1 and per_b[(b["path"], b["unit"])] == 1
            if sim >= 0.5 or (same_path and (sim > 0 or unique)):
                candidates.append((sim + (1.0 if same_path else 0.0), i, j))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs: list[Json] = []
    for score, i, j in candidates:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append({"a": ta[i], "b": tb[j], "score": round(score, 3),
                      "verdict": compare_thresholds(ta[i], tb[j])})
    pairs.sort(key=lambda p: (p["a"]["item"], p["a"]["id"]))
    return (pairs, [t for i, t in enumerate(ta) if i not in used_a],
            [t for j, t in enumerate(tb) if j not in used_b])


def compare_parameters(store: GraphStore, entry_ids: list[str],
                       known: dict[str, list[Json]] | None = None, bare: bool = True) -> dict[str, Any]:
    """Thresholds of each entry (and its sub-items; `known` when already read: thresholds_of), and for each
    pair of entries the paired thresholds with a verdict for the first entry against the second, and the
    thresholds left unpaired. `bare=False` leaves out the pairs in which neither entry has a threshold (a
    lookup of 20 entries has 190 pairs, most of them so)."""
    if not entry_ids:
        raise BadRequest("compare_parameters: give at least one entry id")
    for e in entry_ids:
        check_id(e)
    found = known if known is not None else _thresholds(store, list(dict.fromkeys(entry_ids)))
    comparisons: list[Json] = []
    for n, a in enumerate(entry_ids):
        for b in entry_ids[n + 1:]:
            if not bare and not found[a] and not found[b]:
                continue
            pairs, only_a, only_b = _pair(found[a], found[b])
            verdicts: dict[str, int] = {}
            for p in pairs:
                verdicts[p["verdict"]] = verdicts.get(p["verdict"], 0) + 1
            comparisons.append({"a": a, "b": b, "pairs": pairs, "unpairedA": only_a, "unpairedB": only_b,
                                "verdicts": verdicts})
    return {"entries": [{"id": e, "thresholds": found[e]} for e in entry_ids], "comparisons": comparisons}


PREFIXES = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1.0, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n"),
            (1e-12, "p")]
SI_UNITS = {"m", "Hz", "W", "Pa", "s", "V", "A", "J", "F", "H", "Gy", "Bq", "N", "g", "bit/s"}


def _si(number: Any, unit: str) -> str:
    """A normalised value written with an SI prefix: 1.93e-07 m -> '193 nm'."""
    x = float(number)
    if unit not in SI_UNITS or x == 0:
        return f"{x:g} {unit if unit != '1' else ''}".strip()
    for factor, prefix in PREFIXES:
        if abs(x) >= factor:
            return f"{x / factor:.6g} {prefix}{unit}"
    return f"{x:g} {unit}"


def _show(t: Json) -> str:
    """A threshold as a reader writes it, in normalised units: '< 193 nm (light source wavelength)'."""
    signs = {"gt": ">", "ge": ">=", "lt": "<", "le": "<=", "eq": "="}
    unit = t["unit"]
    if t["comparator"] == "range" and t.get("upper") is not None:
        number = f"{_si(t['value'], unit)} to {_si(t['upper'], unit)}"
    else:
        number = f"{signs.get(t['comparator'], '')} {_si(t['value'], unit)}"
    where = f"{t['path']}: " if t.get("path") else ""
    return f"{where}{number}".strip() + (f" ({t['parameter']})" if t.get("parameter") else "")


def side_by_side(store: GraphStore, entries: list[Json], known: dict[str, list[Json]] | None = None) -> dict[str, Any]:
    """The parameters of the national entries of a lookup, paired across lists, one row per threshold:
    {'rows': [{'a', 'b', 'a_value', 'b_value', 'verdict'}], 'entries': [...]} ('verdict' is for a against b;
    stricter = controls more). Regime items carry no thresholds here and are left out."""
    ids = [e["id"] for e in entries if e.get("id") and not e["id"].startswith("regime/")]
    if not ids:
        return {"entries": [], "rows": []}
    result = compare_parameters(store, ids, known, bare=False)  # a pair with no thresholds gives no row
    rows: list[Json] = []
    for comp in result["comparisons"]:
        for pair in comp["pairs"]:
            rows.append({"a": comp["a"], "b": comp["b"], "a_value": _show(pair["a"]), "b_value": _show(pair["b"]),
                         "verdict": pair["verdict"]})
        rows += [{"a": comp["a"], "b": comp["b"], "a_value": _show(t), "b_value": "", "verdict": "only in a"}
                 for t in comp["unpairedA"]]
        rows += [{"a": comp["a"], "b": comp["b"], "a_value": "", "b_value": _show(t), "verdict": "only in b"}
                 for t in comp["unpairedB"]]
    if len(ids) == 1:
        rows = [{"a": ids[0], "b": None, "a_value": _show(t), "b_value": "", "verdict": "no other list"}
                for t in result["entries"][0]["thresholds"]]
    counts = {e["id"]: len(e["thresholds"]) for e in result["entries"]}
    return {"entries": [{"id": i, "thresholds": counts[i]} for i in ids], "rows": rows}
