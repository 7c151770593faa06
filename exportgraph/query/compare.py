"""The comparison engine: where jurisdictions converge and diverge, as of a date, on what evidence.

For each dimension, the positions in force on `as_of` are compared:
- numeric positions (a quantity with a unit) as quantities: units are converted
  where a conversion is defined (working days to calendar days at 7/5, flagged
  as approximate), and never compared blindly;
- coded positions by code, then by rank in the dimension's ordered value scheme.
The verdict is `same`, `similar` (adjacent ranks, unless one value is an absence
of control and the other is not; or quantities within 25%),
`different`, or `not comparable`; `converge` covers same and similar. Output is
sorted, so the same graph and question give the same answer.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from typing import Any

from exportgraph.exc import BadRequest
from exportgraph.graph import terms as T
from exportgraph.graph.store import GraphStore
from exportgraph.query.base import Json, check_id, label_of, labels, rid, span_note, valid_at, value

# Conversion of time units into calendar days; working days are approximate (5 a week, no holidays).
TO_CALENDAR_DAYS = {"calendar-day": (1.0, False), "working-day": (7 / 5, True), "month": (30.4375, True),
                    "year": (365.25, False)}
SIMILAR_RATIO = 1.25
# The graph holds a handful of jurisdictions; work per request grows with the square of the number asked for.
MAX_JURISDICTIONS = 50


def _checked(jurisdictions: list[str]) -> list[str]:
    """Distinct, well-formed jurisdiction ids, sorted, at most MAX_JURISDICTIONS of them."""
    distinct = sorted(dict.fromkeys(jurisdictions))
    if len(distinct) > MAX_JURISDICTIONS:
        raise BadRequest(f"jurisdictions: at most {MAX_JURISDICTIONS}, got {len(distinct)}")
    return [check_id(j) for j in distinct]


def dimensions(store: GraphStore) -> list[Json]:
    rows = store.select("""SELECT ?d ?code ?def WHERE { ?d a eg:Dimension ; skos:notation ?code .
        OPTIONAL { ?d skos:definition ?def FILTER(lang(?def) = "en") } } ORDER BY ?code""")
    names = labels(store, [value(r["d"]) for r in rows])
    return [{"id": rid(value(r["d"])), "code": value(r["code"]), "label": label_of(names.get(value(r["d"])), ""),
             "labels": names.get(value(r["d"]), {}), "definition": value(r["def"])} for r in rows]


def positions(store: GraphStore, as_of: dt.date | None, jurisdictions: list[str],
              dims: list[str] | None = None) -> list[Json]:
    # FILTER IN, not VALUES ?j: with VALUES Oxigraph started from every subject with one of these jurisdictions
    # (11k cases at 5M quads: 1.05 s), with the filter from the positions (0.08 s).
    jvalues = ", ".join(f"<{T.iri(check_id(j))}>" for j in jurisdictions)
    dfilter = ""
    if dims:
        dfilter = "VALUES ?dcode { " + " ".join(f'"{check_id(d)}"' for d in dims) + " }"
    rows = store.select(f"""SELECT ?p ?d ?dcode ?j ?v ?vcode ?rank ?abs ?desc ?n ?unit ?from ?until
        (GROUP_CONCAT(DISTINCT STR(?ev); separator=" ") AS ?evidence) WHERE {{
        {dfilter} ?p a eg:Position ; eg:dimension ?d ; eg:jurisdiction ?j . FILTER(?j IN ({jvalues}))
        ?p eg:codedValue ?v ; eg:evidence ?ev .
        ?d skos:notation ?dcode . ?v skos:notation ?vcode . OPTIONAL {{ ?v eg:codeRank ?rank }}
        OPTIONAL {{ ?v eg:isAbsence ?abs }}
        OPTIONAL {{ ?p eg:description ?desc FILTER(lang(?desc) = "en") }}
        OPTIONAL {{ ?p eg:quantity ?q . ?q eg:numericValue ?n ; eg:unit ?u . ?u skos:notation ?unit }}
        OPTIONAL {{ ?p eg:validFrom ?from }} OPTIONAL {{ ?p eg:validUntil ?until }}
        {valid_at('?p', as_of)} }}
        GROUP BY ?p ?d ?dcode ?j ?v ?vcode ?rank ?abs ?desc ?n ?unit ?from ?until ORDER BY ?dcode ?j ?p""")
    evidence_iris = sorted({e for r in rows for e in (value(r["evidence"]) or "").split()})
    names = labels(store, evidence_iris + sorted({value(r["v"]) for r in rows}))
    sources = _sources(store, evidence_iris + [value(r["p"]) for r in rows])
    out = []
    for r in rows:
        ev = sorted((value(r["evidence"]) or "").split())
        out.append({
            "id": rid(value(r["p"])), "dimension": value(r["dcode"]), "jurisdiction": rid(value(r["j"])),
            "value": value(r["vcode"]), "value_label": label_of(names.get(value(r["v"])), value(r["vcode"])),
            "rank": value(r["rank"]), "absence": value(r["abs"]) == "true", "description": value(r["desc"]),
            "quantity": {"value": value(r["n"]), "unit": value(r["unit"])} if r["n"] is not None else None,
            "valid_from": value(r["from"]), "valid_until": value(r["until"]),
            "evidence": [{"id": rid(e), "label": label_of(names.get(e), rid(e) or e), "sources": sources.get(e, [])}
                         for e in ev],
            "sources": sources.get(value(r["p"]), []),
        })
    return out


def _sources(store: GraphStore, iris: list[str]) -> dict[str, list[Json]]:
    out: dict[str, list[Json]] = defaultdict(list)
    for chunk in range(0, len(iris), 300):
        values = " ".join(f"<{i}>" for i in iris[chunk:chunk + 300])
        rows = store.select(f"""SELECT DISTINCT ?s ?src ?url ?loc WHERE {{ VALUES ?s {{ {values} }}
            ?s prov:wasDerivedFrom ?src . ?src dcat:landingPage ?url .
            OPTIONAL {{ ?s eg:citation ?c . ?c eg:citedSource ?src ; eg:locator ?loc }} }} ORDER BY ?s ?src""")
        for r in rows:
            out[value(r["s"])].append({"id": rid(value(r["src"])), "url": value(r["url"]), "locator": value(r["loc"])})
    return out


def _in_days(q: Json) -> tuple[float, bool] | None:
    factor = TO_CALENDAR_DAYS.get(q["unit"])
    if factor is None:
        return None
    return float(q["value"]) * factor[0], factor[1]


def compare_pair(a: Json, b: Json) -> tuple[str, str]:
    """Verdict and explanation for two positions on the same dimension."""
    ja, jb = a["jurisdiction"].upper(), b["jurisdiction"].upper()
    qa, qb = a["quantity"], b["quantity"]
    if qa and qb:
        if qa["unit"] == qb["unit"]:
            x, y, approx = float(qa["value"]), float(qb["value"]), False
        else:
            da, db = _in_days(qa), _in_days(qb)
            if da is None or db is None:
                return "not comparable", f"{ja} counts in {qa['unit']}, {jb} in {qb['unit']}: no conversion defined"
            x, y, approx = da[0], db[0], da[1] or db[1]
        unit = qa["unit"] if qa["unit"] == qb["unit"] else "calendar days"
        note = " (converted; working days taken as 7/5 calendar days, approximate)" if approx else ""
        if x == y:
            return "same", f"{ja} and {jb} both allow {x:g} {unit}{note}"
        ratio = max(x, y) / min(x, y) if min(x, y) > 0 else float("inf")
        verdict = "similar" if ratio <= SIMILAR_RATIO else "different"
        return verdict, f"{ja} {x:g} vs {jb} {y:g} {unit}{note}: ratio {ratio:.2f}"
    if bool(qa) != bool(qb) and a["value"] != b["value"]:
        with_q, without = (a, b) if qa else (b, a)
        return "not comparable", (f"{with_q['jurisdiction'].upper()} sets a number, {without['jurisdiction'].upper()} "
                                  f"does not ({without['value_label']})")
    if a["value"] == b["value"]:
        return "same", f"{ja} and {jb} both: {a['value_label']}"
    if a["absence"] != b["absence"]:
        none, some = (a, b) if a["absence"] else (b, a)
        return "different", (f"{none['jurisdiction'].upper()} has none ({none['value_label']}); "
                             f"{some['jurisdiction'].upper()}: {some['value_label']}")
    if a["rank"] is not None and b["rank"] is not None:
        gap = abs(int(a["rank"]) - int(b["rank"]))
        verdict = "similar" if gap <= 1 else "different"
        return verdict, f"{ja}: {a['value_label']}; {jb}: {b['value_label']} ({gap} step(s) apart)"
    return "different", f"{ja}: {a['value_label']}; {jb}: {b['value_label']}"


ORDER = {"same": 0, "similar": 1, "different": 2, "not comparable": 3}


def compare(store: GraphStore, jurisdictions: list[str], as_of: dt.date | None = None,
            dims: list[str] | None = None) -> Json:
    """Per dimension: positions, pairwise verdicts, and the overall verdict, converge or diverge."""
    jurisdictions = _checked(jurisdictions)
    if len(jurisdictions) < 2:
        raise BadRequest("jurisdictions: give at least two different ones, e.g. cn,us")
    known = {d["code"]: d for d in dimensions(store)}
    wanted = dims or sorted(known)
    unknown = [d for d in wanted if d not in known]
    if unknown:
        raise BadRequest(f"unknown dimension(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    found = positions(store, as_of, jurisdictions, wanted)
    by_dim: dict[str, dict[str, Json]] = defaultdict(dict)
    for p in found:
        # If several positions of one jurisdiction hold on the date, the latest-starting one applies.
        current = by_dim[p["dimension"]].get(p["jurisdiction"])
        if current is None or (p["valid_from"] or "") > (current["valid_from"] or ""):
            by_dim[p["dimension"]][p["jurisdiction"]] = p
    results = [_dimension_result(known[code], by_dim.get(code, {}), jurisdictions) for code in wanted]
    tally: dict[str, int] = defaultdict(int)
    for r in results:
        tally[r["outcome"]] += 1
    return {"as_of": as_of.isoformat() if as_of else None, "jurisdictions": jurisdictions,
            "note": span_note(store, as_of), "summary": dict(sorted(tally.items())), "dimensions": results}


def _dimension_result(dim: Json, held: dict[str, Json], jurisdictions: list[str]) -> Json:
    missing = [j for j in jurisdictions if j not in held]
    pairs = []
    for a, b in itertools.combinations(sorted(held), 2):
        verdict, why = compare_pair(held[a], held[b])
        pairs.append({"a": a, "b": b, "verdict": verdict, "explanation": why})
    verdicts = {p["verdict"] for p in pairs}
    if len(held) < 2:
        overall, outcome = "not comparable", "not comparable"
        why = "fewer than two jurisdictions have a position in force on this date"
    elif verdicts <= {"same"}:
        overall, outcome, why = "same", "converge", "every position is the same"
    elif verdicts <= {"same", "similar"}:
        overall, outcome, why = "similar", "converge", "positions are the same or adjacent"
    elif "different" in verdicts:
        overall, outcome = "different", "diverge"
        why = "; ".join(p["explanation"] for p in pairs if p["verdict"] == "different")
    else:
        overall, outcome = "not comparable", "not comparable"
        why = "; ".join(p["explanation"] for p in pairs if p["verdict"] == "not comparable")
    if missing:
        why += f"; no position in force for {', '.join(m.upper() for m in missing)}"
    return {"dimension": dim["code"], "label": dim["label"], "verdict": overall, "outcome": outcome,
            "explanation": why, "missing": missing,
            "positions": [held[j] for j in sorted(held)], "pairs": sorted(pairs, key=lambda p: (ORDER[p["verdict"]],
                                                                                                 p["a"], p["b"]))}


def regime_overlap(store: GraphStore, jurisdictions: list[str], as_of: dt.date | None = None) -> Json:
    """Which regimes each jurisdiction participates in, and the overlap (Jaccard) per pair."""
    from exportgraph.query.base import memberships

    held: dict[str, set[str]] = {j: set() for j in _checked(jurisdictions)}
    status: dict[str, dict[str, str]] = defaultdict(dict)
    for m in memberships(store, as_of):
        if m["jurisdiction"] in held:
            status[m["jurisdiction"]][m["regime"]] = m["status"]
            if m["status"] in ("participant", "adherent"):
                held[m["jurisdiction"]].add(m["regime"])
    pairs = []
    for a, b in itertools.combinations(sorted(held), 2):
        union = held[a] | held[b]
        pairs.append({"a": a, "b": b, "shared": sorted(held[a] & held[b]), "only_a": sorted(held[a] - held[b]),
                      "only_b": sorted(held[b] - held[a]),
                      "jaccard": round(len(held[a] & held[b]) / len(union), 3) if union else None})
    return {"as_of": as_of.isoformat() if as_of else None,
            "participation": {j: sorted(held[j]) for j in sorted(held)},
            "status": {j: dict(sorted(status[j].items())) for j in sorted(held)}, "pairs": pairs}


ENTRY_CODE = "^[0-9][A-E][0-9]{3}$"


def _top_entries(store: GraphStore, edition: str) -> dict[str, str]:
    """Five-character entries of an edition (not categories, not sub-items): code -> IRI."""
    rows = store.select(f"""SELECT ?e ?code WHERE {{ ?e skos:inScheme <{edition}> ; skos:notation ?code .
        FILTER(REGEX(?code, "{ENTRY_CODE}")) }}""")
    return {value(r["code"]): value(r["e"]) for r in rows}


def list_coverage(store: GraphStore, list_a: str, list_b: str) -> Json:
    """Share of one list edition's five-character entries that have a counterpart (a correspondence,
    in either direction) in another edition, and the entries without one."""
    a, b = T.iri(check_id(list_a)), T.iri(check_id(list_b))
    entries = _top_entries(store, a)
    if not entries:
        raise BadRequest(f"list edition {list_a!r} has no five-character entries")
    if not _top_entries(store, b):
        raise BadRequest(f"list edition {list_b!r} has no five-character entries")
    # Only positive links count: a "same code, different item" record names a target but is no counterpart.
    rows = store.select(f"""SELECT DISTINCT ?e WHERE {{ ?e skos:inScheme <{a}> .
        {{ ?c eg:correspondenceOf ?e ; eg:correspondsTo ?o }} UNION {{ ?c eg:correspondsTo ?e ; eg:correspondenceOf ?o }}
        ?o skos:inScheme <{b}> . ?c eg:matchType ?t . ?t skos:notation ?type
        VALUES ?type {{ "exact" "close" "broad" "narrow" "related" }} }}""")
    linked = {value(r["e"]) for r in rows}
    matched = sorted(code for code, iri in entries.items() if iri in linked)
    unmatched = sorted(code for code, iri in entries.items() if iri not in linked)
    return {"list": list_a, "other": list_b, "entries": len(entries), "with_counterpart": len(matched),
            "share": round(len(matched) / len(entries), 4), "without_counterpart": unmatched}


def multilateral_baseline(store: GraphStore, edition: str) -> Json:
    """Five-character entries of a list edition by regime of origin: the multilateral baseline
    against national additions (regime of origin as the graph records it, derived or read)."""
    e = T.iri(check_id(edition))
    rows = store.select(f"""SELECT ?regime (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x skos:inScheme <{e}> ;
        skos:notation ?code . FILTER(REGEX(?code, "{ENTRY_CODE}")) OPTIONAL {{ ?x eg:regimeOrigin ?regime }} }}
        GROUP BY ?regime ORDER BY ?regime""")
    counts: dict[str, Any] = {(rid(value(r["regime"])) or "national or unattributed"): value(r["n"]) for r in rows}
    total = sum(counts.values())
    if not total:
        raise BadRequest(f"list edition {edition!r} has no five-character entries")
    national = counts.get("national or unattributed", 0)
    return {"edition": edition, "entries": total, "by_regime": counts,
            "multilateral_share": round((total - national) / total, 4)}
