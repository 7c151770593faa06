"""Item-level questions: look up an entry, crosswalk it, find candidates for a customs code,
find a party (what is in force on a day and list diffs: diffs.py).

Every "not found" is an error that says what was expected, never an empty success
that would read as "not controlled". Customs-code candidates are indicative only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from exportgraph.exc import BadRequest, NotFound
from exportgraph.graph import terms as T
from exportgraph.graph.rows import Row
from exportgraph.graph.store import GraphStore
from exportgraph.query.asks import Ask, answer
from exportgraph.query.base import (
    Json,
    by_part,
    check_id,
    label_of,
    label_parts,
    labels,
    labels_of,
    memo,
    parts_query,
    rid,
    select_parts,
    value,
)
from exportgraph.query.links import (
    different_items,
    entry_warnings,
    implementers,
    is_regime_entry,
    regime_links,
    regime_spellings,
    summary,
)
from exportgraph.query.subitems import descendants

# Real codes: letters and digits of any script, inner spaces, dots, hyphens, brackets ("Item 9", "3の2",
# "一(二)3", "Category XIV"); at most 80 characters, no control characters; \Z, not $ (which matches before a final newline).
CODE_RE = re.compile(r"^[\w(\[](?:[\w.\-()\[\]（） ]{0,78}[\w.)\]）])?\Z")
CUSTOMS_RE = re.compile(r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{8}|[0-9]{10})\Z")
INDICATIVE = ("Indicative only: customs codes and control entries are not in one-to-one correspondence; "
              "classify the item against the control list text.")


def literal(text: str) -> str:
    """A SPARQL string literal: pyoxigraph escapes quotes, backslashes, newlines and control characters."""
    return str(ox.Literal(text))


def _effective(entry: str, edition: str) -> str:
    """SPARQL binding ?from / ?until: the entry's own validity, else its edition's."""
    return (f"OPTIONAL {{ {entry} eg:validFrom ?ef }} OPTIONAL {{ {entry} eg:validUntil ?eu }} "
            f"OPTIONAL {{ {edition} eg:validFrom ?sf }} OPTIONAL {{ {edition} eg:validUntil ?su }} "
            "BIND(COALESCE(?ef, ?sf) AS ?from) BIND(COALESCE(?eu, ?su) AS ?until)")


def lists(store: GraphStore) -> list[Json]:
    """Every list with its editions and their entry counts, once per store (memo): counting reads every entry
    (0.6 s at 5M quads), and the home page, the list pages and /api/lists ask. Read only: shared."""
    return memo(store, "lists", lambda: _lists(store))


def _lists(store: GraphStore) -> list[Json]:
    rows = store.select("""SELECT ?l ?j ?ed ?from ?until (COUNT(DISTINCT ?e) AS ?n) WHERE {
        ?ed a eg:ListEdition ; eg:editionOf ?l . OPTIONAL { ?l eg:jurisdiction ?j }
        OPTIONAL { ?ed eg:validFrom ?from } OPTIONAL { ?ed eg:validUntil ?until }
        OPTIONAL { ?e skos:inScheme ?ed } } GROUP BY ?l ?j ?ed ?from ?until ORDER BY ?l ?from""")
    parties = store.select("""SELECT ?l ?j (COUNT(DISTINCT ?x) AS ?n) WHERE { ?l a eg:PartyList .
        OPTIONAL { ?l eg:jurisdiction ?j } OPTIONAL { ?x eg:onList ?l } } GROUP BY ?l ?j ORDER BY ?l""")
    names = labels(store, sorted({value(r["l"]) for r in rows + parties}))
    out: dict[str, Json] = {}
    for r in rows:
        lid = value(r["l"])
        item = out.setdefault(lid, {"id": rid(lid), "label": label_of(names.get(lid), rid(lid) or lid),
                                    "kind": "items", "jurisdiction": rid(value(r["j"])), "editions": []})
        item["editions"].append({"id": rid(value(r["ed"])), "valid_from": value(r["from"]),
                                 "valid_until": value(r["until"]), "entries": value(r["n"])})
    for r in parties:
        lid = value(r["l"])
        out[lid] = {"id": rid(lid), "label": label_of(names.get(lid), rid(lid) or lid), "kind": "parties",
                    "jurisdiction": rid(value(r["j"])), "listings": value(r["n"])}
    return [out[k] for k in sorted(out)]


def _check_code(code: str) -> str:
    code = code.strip()
    if not CODE_RE.match(code):
        raise BadRequest(f"code: malformed {code!r}; expected a list code such as 3B001, 3B001.a.1 or 1C902")
    return code


def check_list(store: GraphStore, list_id: str) -> str:
    check_id(list_id)
    if not store.ask(f"ASK {{ <{T.iri(list_id)}> a ?c . VALUES ?c {{ eg:ControlList eg:PartyList }} }}"):
        known = ", ".join(item["id"] for item in lists(store))
        raise NotFound(f"unknown list {list_id!r}; known lists: {known}")
    return T.iri(list_id)


def _spellings(code: str) -> set[str]:
    """The ways lists write a code: as given, upper case, and entry upper case with sub-items lower (3B001.a.1)."""
    head, dot, tail = code.partition(".")
    return {code, code.upper(), code.lower(), head.upper() + dot + tail.lower()}


def lookup(store: GraphStore, code: str, list_id: str | None = None) -> list[Json]:
    """Entries with this code (case-insensitive), in every list or one; the regime item with that code (in
    the regime's own spelling, 3.B.1 for 3B001) and, across lists, the entries linked to that regime item.
    Each entry carries its links to regime items. (query/lookup.py answers this with its warnings and
    parameters, its independent queries sent at once.)"""
    rows = entry_rows(store, code, list_id)
    entries = entries_of(store, rows)
    if list_id is None:
        entries += _linked_to_regime_items(store, entries)
        entries += _linked_from_other_lists(store, entries)
    with_regime_links(entries, regime_links(store, [T.iri(e["id"]) for e in entries]))
    return entries


def entry_rows(store: GraphStore, code: str, list_id: str | None = None) -> list[dict[str, Any]]:
    """The rows of the entries that have this code: NotFound if there are none."""
    code = _check_code(code)
    scope = f"?ed eg:editionOf <{check_list(store, list_id)}> ." if list_id else ""
    # Bound spellings, not FILTER(LCASE()): a bound literal is an index lookup, the filter a scan.
    spellings = " ".join(literal(c) for c in sorted(_spellings(code) | regime_spellings(code)))
    rows = store.select_values([f"""SELECT ?e ?code ?ed ?l ?from ?until ?parent WHERE {{ VALUES ?code {{ {spellings} }}
        ?e a eg:ControlEntry ; skos:notation ?code ; skos:inScheme ?ed . ?ed eg:editionOf ?l . {scope}
        OPTIONAL {{ ?e skos:broader ?parent }}
        {_effective('?e', '?ed')} }} ORDER BY ?l ?from ?e"""])[0]
    # The Wassenaar spelling (3.B.1) means the Wassenaar item only: MTCR's 3.B.1 is another item.
    regime_form = regime_spellings(code)
    rows = [r for r in rows if value(r["code"]) not in regime_form or "/regime/wa/" in value(r["l"])]
    if not rows:
        where = f"list {list_id}" if list_id else "any list"
        raise NotFound(f"no entry with code {code!r} in {where}")
    return rows


def with_regime_links(entries: list[Json], links: dict[str, list[Json]]) -> None:
    for e in entries:
        found = links.get(T.iri(e["id"]), [])
        e["regime_links"] = found
        e["regime_link"] = "regime item" if is_regime_entry(e["id"]) else "; ".join(summary(lk) for lk in found)
        e.setdefault("found_via", None)


def lookup_warnings(store: GraphStore, entries: list[Json], apart: list[tuple[str, str]] | None = None) -> list[str]:
    """What a reader must know beside a same-code lookup: pairs that are not the same item (`apart`, when
    already read), and the national item lists that have no entry with the code (nor one linked to its regime
    item)."""
    if apart is None:
        apart = different_items(store, [T.iri(e["id"]) for e in entries])
    notes = entry_warnings(entries, apart)
    present = {e["list"] for e in entries}
    munitions = any((e["code"] or "").upper().startswith("ML") or "usml" in (e["list"] or "") for e in entries)
    kinds: dict[str, set[str]] = defaultdict(set)
    names = {}
    for r in item_lists(store):
        kinds[rid(value(r["l"])) or ""].add(value(r["kind"]) or "")
        names[rid(value(r["l"])) or ""] = value(r["label"]) or rid(value(r["l"]))
    absent = [f"{names[lst]} ({lst})" for lst in sorted(kinds) if lst not in present
              and ("munitions" in kinds[lst] if munitions else bool(kinds[lst] - {"munitions"}))]
    if absent:
        notes.append("no entry with this code, nor one linked to its regime item, in: " + "; ".join(absent))
    return notes


def item_lists(store: GraphStore) -> list[dict[str, Any]]:
    """The national item lists of CN, US, EU and JP that hold entries, with their kinds of goods."""
    # EXISTS nested, not one EXISTS over a join: Oxigraph evaluated `?ed eg:editionOf ?l . ?x skos:inScheme ?ed`
    # as a hash join built from every skos:inScheme statement (286k on the real data, 4.7 s; more at 5M quads).
    # The same for every lookup: read once per store.
    return memo(store, "item-lists-of-cn-us-eu-jp", lambda: store.select("""SELECT ?l ?label ?kind WHERE {
        ?l a eg:ControlList ; eg:jurisdiction ?j .
        FILTER(?j IN (<%scn>, <%sus>, <%seu>, <%sjp>)) FILTER NOT EXISTS { ?l a eg:PartyList }
        OPTIONAL { ?l eg:goodsCategory ?g . ?g skos:notation ?kind }
        OPTIONAL { ?l skos:prefLabel|rdfs:label ?label FILTER(lang(?label) = "en") }
        FILTER EXISTS { ?ed eg:editionOf ?l FILTER EXISTS { ?x skos:inScheme ?ed } } } ORDER BY ?l""" % ((T.ID,) * 4)))


def _linked_from_other_lists(store: GraphStore, entries: list[Json]) -> list[Json]:
    """Entries of lists not yet shown that a positive link joins to a found entry or one of its sub-items (Japan's
    ordinance item on advanced chips, say, linked to US 3A090.a when no regime item exists)."""
    national = [T.iri(e["id"]) for e in entries if not is_regime_entry(e["id"])]
    if not national:
        return []
    # The sub-items of every entry in one query (a query per entry was a round trip each on a remote store).
    subs = {d for found in descendants(store, national).values() for d in found}
    found = other_list_links(store, subs, {e["list"] for e in entries})
    return with_found_via(describe_entries(store, sorted(found)[:20]), found)


def other_list_links(store: GraphStore, subs: set[str], present: set[str | None]) -> dict[str, list[Json]]:
    """{entry iri: [link, ...]}: entries of lists not in `present` with a positive link to one of `subs`."""
    return links_of_pairs(store, answer(store, link_pairs_ask(subs)), present)


def link_pairs_ask(subs: set[str]) -> Ask[list[Row]]:
    """The links (?c) that join these sub-items (?d) to others (?o), as a question (query/asks.py)."""
    if not subs:
        return Ask([], lambda _: [])
    # Simple patterns, not one join: a property path joined to a union is slow in Oxigraph (TRAPS.md), and one
    # pattern joining the links with their details made it hash-join every link's confidence (1.1 s against
    # 0.2 s; at 5M quads, 0.8 s against 13 ms). Without that OPTIONAL, the joined pattern was still slower at 5M
    # quads than these parts and a second query for the details (3.5 against 2.5 ms): each part repeats the
    # VALUES. Independent patterns go as the branches of one query (select_parts): one round trip each.
    # The VALUES once, outside the two directions: Oxigraph parses every IRI of a VALUES, and with the VALUES
    # in each branch the query took twice as long (2.4 against 1.1 ms for 127 sub-items at 5M quads).
    values = " ".join(f"<{i}>" for i in sorted(subs)[:2000])
    return Ask([parts_query(_LINK_PARTS, shared=f"VALUES ?d {{ {values} }}")], _link_pairs)


def links_below_ask(roots: list[str]) -> Ask[list[Row]]:
    """link_pairs_ask for the sub-items of these entries, reached in the same query (?d skos:broader* ?root from
    a VALUES of roots; only for a store that takes that form: query/subitems.py paths_from_values). It goes
    with the question that reads the sub-items, a wave earlier than link_pairs_ask can (0.9 ms for 27 roots at
    5M quads, against 1.4 ms for link_pairs_ask of their 127 sub-items)."""
    if not roots:
        return Ask([], lambda _: [])
    values = " ".join(f"<{r}>" for r in roots)
    return Ask([parts_query(_LINK_PARTS, shared=f"VALUES ?root {{ {values} }} ?d skos:broader* ?root .",
                            head="DISTINCT ?d ?c ?o ?_part")], _link_pairs)  # a sub-item under two roots: once


_LINK_PARTS = [f"?c eg:{a} ?d ; eg:{b} ?o"
               for a, b in (("correspondenceOf", "correspondsTo"), ("correspondsTo", "correspondenceOf"))]


def _link_pairs(answers: list[list[Row]]) -> list[Row]:
    return [r for part in by_part(answers[0], len(_LINK_PARTS)) for r in part]


def links_of_pairs(store: GraphStore, pairs: list[Row], present: set[str | None]) -> dict[str, list[Json]]:
    """other_list_links from the answer of link_pairs_ask: the details of the links, and the lists of the
    entries they reach."""
    if not pairs:
        return {}
    pairs = sorted(pairs, key=lambda r: (value(r["d"]), value(r["c"]), value(r["o"])))  # found_via: one order
    # Each IRI once, and the notations of the linked sub-items only (not of every sub-item: at 5M quads that
    # was 146 lookups for 8 notations).
    links = " ".join(dict.fromkeys(f"<{value(r['c'])}>" for r in pairs[:500]))
    others = " ".join(sorted({f"<{value(r['o'])}>" for r in pairs[:500]}))
    linked = " ".join(sorted({f"<{value(r['d'])}>" for r in pairs[:500]}))
    details, places, notations = select_parts(store, [
        f"""VALUES ?c {{ {links} }} ?c eg:matchType ?t . ?t skos:notation ?type . ?c eg:matchMethod ?m .
        ?m skos:notation ?method . OPTIONAL {{ ?c eg:confidence ?cf . ?cf skos:notation ?conf }}""",
        f"VALUES ?o {{ {others} }} ?o skos:inScheme ?ed . ?ed eg:editionOf ?l",
        f"VALUES ?d {{ {linked} }} ?d skos:notation ?code"])
    detail = {value(r["c"]): r for r in details}
    where = {value(r["o"]): r for r in places}
    codes = {value(r["d"]): value(r["code"]) for r in notations}
    rows = [{"o": r["o"], "d": r["d"], "l": where[value(r["o"])]["l"], "code": codes.get(value(r["d"])),
             "type": detail[value(r["c"])]["type"], "method": detail[value(r["c"])]["method"],
             "conf": detail[value(r["c"])]["conf"]}
            for r in pairs[:500] if value(r["o"]) in where and value(r["c"]) in detail
            and value(detail[value(r["c"])]["type"]) in ("exact", "close", "broad", "narrow", "related")]
    found: dict[str, list[Json]] = defaultdict(list)
    for r in rows:
        lst = rid(value(r["l"])) or ""
        if lst in present or is_regime_entry(lst):
            continue
        found[value(r["o"])].append({"target": rid(value(r["d"])), "target_code": r["code"],
                                     "match": value(r["type"]), "method": value(r["method"]),
                                     "confidence": value(r["conf"])})
    return dict(found)


def with_found_via(extra: list[Json], found: dict[str, list[Json]]) -> list[Json]:
    """The entries, each saying through which links it was found."""
    for e in extra:
        e["found_via"] = "; ".join(summary(lk) for lk in found[T.iri(e["id"])])
    return extra


def _linked_to_regime_items(store: GraphStore, entries: list[Json]) -> list[Json]:
    """Entries of other lists (Japan's rows, say) that implement a regime item found by code."""
    regime = [T.iri(e["id"]) for e in entries if is_regime_entry(e["id"])]
    found = implementers(store, regime)
    known = {T.iri(e["id"]) for e in entries}
    return with_found_via(describe_entries(store, sorted(set(found) - known)), found)


def entries_of(store: GraphStore, rows: list[dict[str, Any]]) -> list[Json]:
    return answer(store, entries_of_ask(rows))


def entries_of_ask(rows: list[dict[str, Any]]) -> Ask[list[Json]]:
    """The entries of these rows (entry_rows) with their labels and details, as a question (query/asks.py)."""
    iris = sorted({value(r["e"]) for r in rows} | {value(r["l"]) for r in rows})
    entries = sorted({value(r["e"]) for r in rows})
    # Labels and details in one query: each query is a round trip on a remote store.
    parts = label_parts(iris)
    details = _detail_parts(entries)

    def finish(answers: list[list[Row]]) -> list[Json]:
        split = by_part(answers[0], len(parts) + len(details))
        names = labels_of([row for rows_ in split[:len(parts)] for row in rows_])
        detail = _entry_details([row for rows_ in split[len(parts):] for row in rows_])
        return [{"id": rid(value(r["e"])), "code": value(r["code"]), "list": rid(value(r["l"])),
                 "list_label": label_of(names.get(value(r["l"])), ""), "edition": rid(value(r["ed"])),
                 "label": label_of(names.get(value(r["e"])), value(r["code"])), "labels": names.get(value(r["e"]), {}),
                 "valid_from": value(r["from"]), "valid_until": value(r["until"]),
                 "parent": rid(value(r.get("parent"))), **detail.get(value(r["e"]), {})} for r in rows]
    return Ask([parts_query(parts + details)], finish)


def _detail_parts(iris: list[str]) -> list[str]:
    return [f"""VALUES ?e {{ {" ".join(f"<{i}>" for i in iris[chunk:chunk + 300])} }}
                OPTIONAL {{ ?e eg:reasonForControl ?rc . ?rc skos:notation ?reason }}
                OPTIONAL {{ ?e eg:regimeOrigin ?regime }} OPTIONAL {{ ?e eg:officialText ?url }}"""
            for chunk in range(0, len(iris), 300)]


def _entry_details(rows: list[dict[str, Any]]) -> dict[str, Json]:
    out: dict[str, Json] = defaultdict(lambda: {"reasons": [], "regime_origin": None, "official_text": None})
    for r in rows:
        item = out[value(r["e"])]
        if r.get("reason") is not None and value(r["reason"]) not in item["reasons"]:
            item["reasons"].append(value(r["reason"]))
        item["regime_origin"] = item["regime_origin"] or rid(value(r.get("regime")))
        item["official_text"] = item["official_text"] or value(r.get("url"))
    for item in out.values():  # sorted: in the order of the rows, the embedded and a remote store differed
        item["reasons"].sort()
    return dict(out)


def _entry_iri(store: GraphStore, entry: str) -> str:
    """An entry id, or a code that names exactly one entry."""
    if "/" in entry:
        check_id(entry)
        if not store.ask(f"ASK {{ <{T.iri(entry)}> a eg:ControlEntry }}"):
            raise NotFound(f"no control entry with id {entry!r}")
        return T.iri(entry)
    found = lookup(store, entry)
    if len(found) > 1:
        choices = ", ".join(f["id"] for f in found)
        raise BadRequest(f"code {entry!r} is in several lists; give the entry id, one of: {choices}")
    return T.iri(found[0]["id"])


def crosswalk(store: GraphStore, entry: str) -> Json:
    """Counterparts of an entry in every other list: typed correspondences (with how each was
    established), same-code candidates, and the customs codes linked to it."""
    iri = _entry_iri(store, entry)
    # Four independent patterns, one query (select_parts): each query is a round trip on a remote store.
    corr, group, same, customs = select_parts(store, [
        f"""{{ ?c eg:correspondenceOf <{iri}> ; eg:correspondsTo ?other . BIND("out" AS ?dir) }}
        UNION {{ ?c eg:correspondsTo <{iri}> ; eg:correspondenceOf ?other . BIND("in" AS ?dir) }}
        ?c eg:matchType ?t . ?t skos:notation ?type . ?c eg:matchMethod ?m . ?m skos:notation ?method .
        OPTIONAL {{ ?c eg:confidence ?cf . ?cf skos:notation ?conf }}""",
        f"""{{ SELECT DISTINCT ?other WHERE {{ <{iri}> eg:crosswalkGroup ?g . ?other eg:crosswalkGroup ?g .
        FILTER(?other != <{iri}>) }} }}""",
        f"""{{ SELECT DISTINCT ?other WHERE {{ <{iri}> skos:notation ?code ; skos:inScheme ?ed .
        ?ed eg:editionOf ?l . ?other skos:notation ?code ; skos:inScheme ?ed2 . ?ed2 eg:editionOf ?l2 .
        FILTER(?l2 != ?l) }} }}""",
        f"""?link eg:controlEntry <{iri}> ; eg:customsCode ?code ; eg:confidence ?cf . ?cf skos:notation ?conf .
        ?code skos:notation ?notation ; skos:inScheme ?scheme"""])
    # Each part in the order its own query had (ORDER BY applies to a whole answer, not to a branch).
    corr.sort(key=lambda r: value(r["other"]))
    group.sort(key=lambda r: value(r["other"]))
    same.sort(key=lambda r: value(r["other"]))
    customs.sort(key=lambda r: value(r["notation"]))
    direct = {value(r["other"]) for r in corr}
    via_group = [value(r["other"]) for r in group if value(r["other"]) not in direct]
    candidates = [value(r["other"]) for r in same if value(r["other"]) not in direct]
    names = labels(store, sorted(direct | set(via_group) | set(candidates) | {iri}))
    info = {e["id"]: e for e in describe_entries(store, sorted(direct | set(via_group) | set(candidates)))}
    return {
        "entry": rid(iri), "label": label_of(names.get(iri), rid(iri) or iri),
        "correspondences": [dict(info.get(rid(value(r["other"])) or "", {}), match=value(r["type"]),
                                 method=value(r["method"]), confidence=value(r["conf"]),
                                 direction=value(r["dir"]), correspondence=rid(value(r["c"]))) for r in corr],
        "via_other_correspondences": [info[rid(o) or ""] for o in via_group if rid(o) in info],
        "same_code_candidates": [dict(info[rid(o) or ""], note="same code only: a candidate, scope not checked")
                                 for o in candidates if rid(o) in info],
        "customs_codes": [{"code": value(r["notation"]), "id": rid(value(r["code"])),
                           "nomenclature": rid(value(r["scheme"])), "confidence": value(r["conf"]),
                           "link": rid(value(r["link"]))} for r in customs],
        "note": INDICATIVE if customs else None,
    }


def describe_entries(store: GraphStore, iris: list[str]) -> list[Json]:
    if not iris:
        return []
    values = " ".join(f"<{i}>" for i in iris)
    rows = store.select_values([f"""SELECT ?e ?code ?ed ?l ?from ?until WHERE {{ VALUES ?e {{ {values} }}
        ?e skos:notation ?code ; skos:inScheme ?ed . ?ed eg:editionOf ?l . {_effective('?e', '?ed')} }} ORDER BY ?l ?e"""])[0]
    return entries_of(store, rows)


RELATION_RANK = {"same code": 0, "narrower code": 1, "broader code": 2, "related code": 3, "same heading": 4}
RELATION_NOTE = {
    "same code": "linked to this very code",
    "narrower code": "linked to a subdivision of this code",
    "broader code": "linked to a code above this one (its heading or chapter)",
    "related code": "linked to a code that this one's hierarchy reaches in another nomenclature",
    "same heading": ("linked only to another subheading of the same HS heading: shown because this jurisdiction "
                     "has no entry linked to the code, above it or below it; goods of this code are not "
                     "thereby candidates"),
}


def _customs_rows(store: GraphStore, starts: str, up: bool) -> list[dict[str, Any]]:
    """Entries linked to the start codes, their descendants and (when `up`) their ancestors."""
    ancestors = "{ ?start (skos:broader|eg:hsParent)* ?via } UNION " if up else ""
    return store.select(f"""SELECT DISTINCT ?e ?code ?ed ?l ?from ?until ?via ?conf WHERE {{
        VALUES ?start {{ {starts} }}
        {ancestors}{{ ?via (skos:broader|eg:hsParent)+ ?start }}
        ?link eg:customsCode ?via ; eg:controlEntry ?e ; eg:confidence ?cf . ?cf skos:notation ?conf .
        ?e skos:notation ?code ; skos:inScheme ?ed . ?ed eg:editionOf ?l . {_effective('?e', '?ed')} }}
        ORDER BY ?l ?code""")


def _relation(digits: str, via: str) -> str:
    if via == digits:
        return "same code"
    return "narrower code" if via.startswith(digits) else "broader code" if digits.startswith(via) else "related code"


def customs_candidates(store: GraphStore, code: str, as_of: dt.date | None = None) -> Json:
    """Control entries linked to an HS or CN code, its ancestors or descendants, in every jurisdiction.

    Candidates are ranked: the code itself, a subdivision of it, a code above it. Where a jurisdiction has
    none of these, entries linked to another subheading of the same HS heading are given last, marked
    "same heading", so that a reader sees what that jurisdiction controls nearby instead of a bare "none".
    """
    digits = code.replace(".", "").replace(" ", "")
    if not CUSTOMS_RE.match(digits):
        raise BadRequest(f"code: malformed customs code {code!r}; expected 2, 4, 6 (HS), 8 (EU CN) or 10 (China) digits")
    nodes = store.select(f"""SELECT ?c ?scheme WHERE {{ ?c a eg:CustomsCode ; skos:notation {literal(digits)} ;
        skos:inScheme ?scheme }} ORDER BY ?scheme""")
    if not nodes:
        raise NotFound(f"no HS or CN code {digits} in HS 2017, HS 2022, the EU CN 2023-2026 or China's 2026 tariff codes")
    related = " ".join(f"<{value(n['c'])}>" for n in nodes)
    rows = [dict(r, relation=_relation(digits, value(r["via"]).rsplit("/", 1)[-1]))
            for r in _customs_rows(store, related, up=True)]
    juris = _list_jurisdictions(store)
    direct = {juris.get(rid(value(r["l"])) or "", "other") for r in _in_force(rows, as_of)}
    if len(digits) > 4 and not {"cn", "eu", "jp", "us"} <= direct:
        headings = store.select(f"""SELECT ?c WHERE {{ ?c a eg:CustomsCode ; skos:notation {literal(digits[:4])} }}""")
        if headings:
            near = _customs_rows(store, " ".join(f"<{value(h['c'])}>" for h in headings), up=False)
            rows += [dict(r, relation="same heading") for r in near
                     if juris.get(rid(value(r["l"])) or "", "other") not in direct]
    rows = _in_force(rows, as_of)
    # One candidate per entry, with every customs code through which it was reached, at its closest relation.
    merged: dict[str, Json] = {}
    for entry, r in zip(entries_of(store, rows), rows, strict=True):
        via = value(r["via"]).rsplit("/", 1)[-1]
        conf = value(r["conf"])
        # A link an official source gives (China's licence catalogue) against one the graph derived.
        basis = "indicative" if conf == "indicative" else "official" if conf == "high" else "official, doubtful row"
        found = merged.setdefault(entry["id"], dict(entry, linked_via=[], confidence=conf, basis=basis,
                                                    relation=r["relation"]))
        if RELATION_RANK[r["relation"]] < RELATION_RANK[found["relation"]]:
            found["relation"] = r["relation"]
        if via not in found["linked_via"]:
            found["linked_via"].append(via)
    by_jurisdiction: dict[str, list[Json]] = defaultdict(list)
    for entry in merged.values():
        entry["relation_note"] = RELATION_NOTE[entry["relation"]]
        by_jurisdiction[juris.get(entry["list"] or "", "other")].append(entry)
    for entries in by_jurisdiction.values():
        entries.sort(key=lambda e: (RELATION_RANK[e["relation"]], e["basis"] != "official", e["list"], e["code"]))
    heading_only = sorted(j for j, es in by_jurisdiction.items() if all(e["relation"] == "same heading" for e in es))
    return {"code": digits, "nomenclatures": [rid(value(n["scheme"])) for n in nodes],
            "as_of": as_of.isoformat() if as_of else None, "indicative": True, "note": INDICATIVE,
            "candidates": dict(sorted(by_jurisdiction.items())), "count": len(merged),
            "ranking": list(RELATION_RANK), "same_heading_only_in": heading_only,
            "no_candidate_in": [j for j in ("cn", "eu", "jp", "us") if j not in by_jurisdiction]}


def _in_force(rows: list[dict[str, Any]], as_of: dt.date | None) -> list[dict[str, Any]]:
    if not as_of:
        return rows
    day = as_of.isoformat()
    return [r for r in rows if (value(r["from"]) or "") <= day and (r["until"] is None or value(r["until"]) >= day)]


def _list_jurisdictions(store: GraphStore) -> dict[str, str]:
    """The jurisdiction of every list with editions (the lists entries are in), read once per store: every
    subject with a jurisdiction was 17k rows and 1.8 s at 5M quads."""
    rows = memo(store, "list-jurisdictions", lambda: store.select(
        "SELECT DISTINCT ?l ?j WHERE { ?ed eg:editionOf ?l . ?l eg:jurisdiction ?j }"))
    return {rid(value(r["l"])) or "": rid(value(r["j"])) or "" for r in rows}
