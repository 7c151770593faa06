"""Links between entries: which regime item a national entry implements, and which same-code pairs are not
the same item.

A link is a `eg:Correspondence` record with a type (exact, narrow, broad, close, related, or the two negative
kinds: different-item, no-counterpart), the method by which it was established and a confidence. A regime
item is an entry of a list that a regime maintains (ids under `regime/`).
"""

from __future__ import annotations

import re
from collections import defaultdict

from exportgraph.graph.rows import Row
from exportgraph.graph.store import GraphStore
from exportgraph.query.asks import Ask, answer
from exportgraph.query.base import Json, rid, value

POSITIVE = ("exact", "narrow", "broad", "close", "related")
# 3B001.f.2 (EU, US, CN form) -> 3.B.1.f.2 (the Wassenaar list's own form)
_EU_FORM = re.compile(r"^([0-9])([A-Ea-e])([0-9]{3})((?:\.[0-9A-Za-z]+)*)\Z")
CHINA_NOTE = "China's control codes are China's own: the same code in another list is not the same item."


def regime_spellings(code: str) -> set[str]:
    """How a regime list writes an EU-style code: 3B001.f.2 -> 3.B.1.f.2 (empty if the code is not EU-style)."""
    m = _EU_FORM.match(code)
    if not m:
        return set()
    digit, letter, number, rest = m.groups()
    return {f"{digit}.{letter.upper()}.{int(number)}{rest.lower()}"}


def is_regime_entry(entry_id: str | None) -> bool:
    return bool(entry_id and entry_id.startswith("regime/"))


def _values(iris: list[str]) -> str:
    return " ".join(f"<{i}>" for i in iris)


def links_from(store: GraphStore, iris: list[str]) -> dict[str, list[Json]]:
    """Every link that starts at one of these entries (positive or negative), with its target."""
    return answer(store, links_from_ask(iris))


def links_from_ask(iris: list[str]) -> Ask[dict[str, list[Json]]]:
    """links_from as a question (query/asks.py)."""
    texts = [f"""SELECT ?e ?c ?other ?code ?type ?method ?conf ?cl WHERE {{ VALUES ?e {{ {_values(iris[start:start + 200])} }}
            ?c eg:correspondenceOf ?e ; eg:matchType ?t . ?t skos:notation ?type .
            ?c eg:matchMethod ?m . ?m skos:notation ?method .
            OPTIONAL {{ ?c eg:correspondsTo ?other . OPTIONAL {{ ?other skos:notation ?code }} }}
            OPTIONAL {{ ?c eg:counterpartList ?cl }}
            OPTIONAL {{ ?c eg:confidence ?cf . ?cf skos:notation ?conf }} }} ORDER BY ?e ?other ?c"""
             for start in range(0, len(iris), 200)]

    def finish(answers: list[list[Row]]) -> dict[str, list[Json]]:
        out: dict[str, list[Json]] = defaultdict(list)
        for r in (r for rows in answers for r in rows):
            out[value(r["e"])].append({
                "target": rid(value(r["other"])), "target_code": value(r["code"]), "match": value(r["type"]),
                "method": value(r["method"]), "confidence": value(r["conf"]),
                "counterpart_list": rid(value(r["cl"])), "link": rid(value(r["c"]))})
        return dict(out)
    return Ask(texts, finish)


def regime_links(store: GraphStore, iris: list[str]) -> dict[str, list[Json]]:
    """The links of each entry to regime items (or its no-counterpart record against a regime list)."""
    return to_regime_items(links_from(store, iris))


def to_regime_items(links: dict[str, list[Json]]) -> dict[str, list[Json]]:
    """Of each entry's links, those to regime items (or its no-counterpart record against a regime list)."""
    return {e: [lk for lk in found if is_regime_entry(lk["target"]) or is_regime_entry(lk["counterpart_list"])]
            for e, found in links.items()}


def implementers(store: GraphStore, regime_iris: list[str]) -> dict[str, list[Json]]:
    """National entries with a positive link to these regime items: {entry iri: [link, ...]}."""
    return answer(store, implementers_ask(regime_iris))


def implementers_ask(regime_iris: list[str]) -> Ask[dict[str, list[Json]]]:
    """implementers as a question (query/asks.py)."""
    if not regime_iris:
        return Ask([], lambda _: {})
    types = " ".join(f'"{t}"' for t in POSITIVE)
    text = f"""SELECT ?e ?r ?code ?c ?type ?method ?conf WHERE {{ VALUES ?r {{ {_values(regime_iris)} }}
        VALUES ?type {{ {types} }} ?c eg:correspondsTo ?r ; eg:correspondenceOf ?e ; eg:matchType ?t .
        ?t skos:notation ?type . ?c eg:matchMethod ?m . ?m skos:notation ?method . OPTIONAL {{ ?r skos:notation ?code }}
        OPTIONAL {{ ?c eg:confidence ?cf . ?cf skos:notation ?conf }} }} ORDER BY ?e"""

    def finish(answers: list[list[Row]]) -> dict[str, list[Json]]:
        out: dict[str, list[Json]] = defaultdict(list)
        for r in answers[0]:
            out[value(r["e"])].append({"target": rid(value(r["r"])), "target_code": value(r["code"]),
                                       "match": value(r["type"]), "method": value(r["method"]),
                                       "confidence": value(r["conf"]), "link": rid(value(r["c"]))})
        return dict(out)
    return Ask([text], finish)


def different_items(store: GraphStore, iris: list[str]) -> list[tuple[str, str]]:
    """Pairs among these entries that a 'same code, different item' record keeps apart."""
    if len(iris) < 2:
        return []
    return among(different_links(store, iris), iris)


def different_links(store: GraphStore, iris: list[str]) -> set[tuple[str, str]]:
    """(a, b) IRIs: every 'same code, different item' record from one of these entries, whatever b is."""
    return answer(store, different_links_ask(iris))


def different_links_ask(iris: list[str]) -> Ask[set[tuple[str, str]]]:
    """different_links as a question (query/asks.py)."""
    if not iris:
        return Ask([], lambda _: set())
    # One VALUES block, the other end kept in Python: two VALUES blocks are joined as their cross product first.
    text = f"""SELECT ?a ?b WHERE {{ VALUES ?a {{ {_values(iris)} }}
        ?c eg:correspondenceOf ?a ; eg:correspondsTo ?b ; eg:matchType ?t . ?t skos:notation "different-item" }}"""
    return Ask([text], lambda answers: {(value(r["a"]), value(r["b"])) for r in answers[0]})


def among(links: set[tuple[str, str]], iris: list[str]) -> list[tuple[str, str]]:
    """The pairs of different_links whose both ends are among these entries, as short ids."""
    if len(iris) < 2:
        return []
    wanted = set(iris)
    return sorted({(rid(a) or "", rid(b) or "") for a, b in links if b in wanted})


def summary(link: Json) -> str:
    """One line for a table: 'exact -> 3.B.1 (regime-text-compared, high)'."""
    target = link.get("target_code") or link.get("target") or link.get("counterpart_list") or ""
    how = ", ".join(x for x in (link.get("method"), link.get("confidence")) if x)
    return f"{link['match']} -> {target} ({how})" if target else f"{link['match']} ({how})"


def entry_warnings(entries: list[Json], pairs: list[tuple[str, str]]) -> list[str]:
    """Warnings a reader needs beside a same-code lookup."""
    notes = [f"same code, different item: {a} and {b} control different things" for a, b in pairs]
    if any((e.get("list") or "").startswith("cn/") for e in entries) and len(entries) > 1:
        notes.append(CHINA_NOTE)
    return notes
