"""Japan's goods ordinance (貨物等省令) Arts. 6-8 as sub-items of the Order's Appended Table 1, with thresholds and
links (data/lists/jp-ordinance-items.yaml, made by scripts/import_jp_ordinance.py from
scripts/curated/jp-ordinance-items.csv)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from exportgraph.query.base import value
from exportgraph.query.parameters import compare_parameters

NS = "https://w3id.org/exportgraph/id/"
JP_ED = "jp/list/appended-table-1/2026-06-05"
AI_CHIP = f"{JP_ED}/7.1/a6-1-yo"
ORD = """?e a eg:ControlEntry ; skos:notation ?n . FILTER(STRSTARTS(?n, "省令"))"""


def count(store: Any, where: str) -> int:
    return int(value(store.select(f"SELECT (COUNT(DISTINCT ?e) AS ?c) WHERE {{ {where} }}")[0]["c"]))


def test_counts(store: Any) -> None:
    # 107 / 9 / 21 items of Arts. 6 / 7 / 8 when written
    for art, floor in (("6", 100), ("7", 8), ("8", 20)):
        n = count(store, f'{ORD} FILTER(STRSTARTS(?n, "省令{art}条"))')
        assert n >= floor, (art, n)
    assert count(store, f"{ORD} ?e eg:threshold ?t") >= 80  # items with thresholds (86 when written)
    thresholds = int(value(store.select(f"""SELECT (COUNT(DISTINCT ?t) AS ?c) WHERE {{ {ORD} ?e eg:threshold ?t }}""")[0]["c"]))
    assert thresholds >= 290, thresholds
    links = count(store, f'?e a eg:Correspondence . FILTER(STRSTARTS(STR(?e), "{NS}link/jp-ord/"))')
    assert links >= 130, links  # 93 links and 45 no-counterpart records


def test_every_item_hangs_under_an_order_subitem(store: Any) -> None:
    rows = store.select(f"""SELECT ?e ?n ?b ?bn ?ed WHERE {{ {ORD} ?e skos:broader ?b ; skos:inScheme ?ed .
        ?b skos:notation ?bn }}""")
    assert len(rows) >= 130
    parents: dict[str, set[str]] = {}
    notations: dict[str, str] = {}
    for r in rows:
        assert value(r["ed"]) == NS + JP_ED, r
        assert re.match(r"^(\d+|\d+\(.+\)|省令\d条.+)$", value(r["bn"]) or ""), r
        parents.setdefault(value(r["e"]), set()).add(value(r["b"]))
        notations[value(r["b"])] = value(r["bn"])
    for e in parents:
        # walk up: an ordinance letter hangs on its numbered item, which hangs on an Order row or sub-item
        seen, todo = set(), [e]
        while todo:
            x = todo.pop()
            for b in parents.get(x, ()):
                if b not in seen:
                    seen.add(b)
                    todo.append(b)
        order = [b for b in seen if not notations[b].startswith("省令")]
        assert order and all(b.startswith(f"{NS}{JP_ED}/") for b in order), (e, seen)


def test_ai_chip_item_and_its_threshold(store: Any) -> None:
    rows = store.select(f"""SELECT ?n ?ja ?en ?b WHERE {{ <{NS}{AI_CHIP}> skos:notation ?n ; skos:broader ?b ;
        skos:prefLabel ?ja, ?en . FILTER(lang(?ja) = "ja" && lang(?en) = "en") }}""")
    assert rows, "Art. 6 item 1 ヨ is missing"
    assert value(rows[0]["n"]) == "省令6条1号ヨ"
    assert value(rows[0]["b"]) == f"{NS}{JP_ED}/7.1/a6-1"
    th = store.select(f"""SELECT ?p ?c ?v ?u WHERE {{ <{NS}{AI_CHIP}> eg:threshold ?t . ?t eg:parameter ?p ;
        eg:comparator ?c ; eg:numericValue ?v ; eg:unit ?u }}""")
    assert [(value(r["p"]), value(r["c"]), Decimal(value(r["v"])), value(r["u"])) for r in th] == \
        [("total processing performance", "ge", Decimal(6000), "1")]
    # linked to US 3A090.a, and the comparison says the US bound (4800) controls more
    targets = {value(r["t"]) for r in store.select(f"""SELECT ?t WHERE {{ ?l eg:correspondenceOf <{NS}{AI_CHIP}> ;
        eg:correspondsTo ?t }}""")}
    assert f"{NS}us/list/ccl/2026-07-23/3A090.a" in targets
    comp = compare_parameters(store, ["us/list/ccl/2026-07-23/3A090", AI_CHIP])["comparisons"][0]
    tpp = [p for p in comp["pairs"] if p["a"]["parameter"] == "total processing performance"]
    assert tpp and tpp[0]["verdict"] == "stricter", comp["pairs"]


def test_thresholds_are_well_formed(store: Any) -> None:
    rows = store.select(f"""SELECT ?t ?p ?c ?v ?up ?u WHERE {{ {ORD} ?e eg:threshold ?t . ?t eg:comparator ?c ;
        eg:numericValue ?v ; eg:unit ?u . OPTIONAL {{ ?t eg:parameter ?p }} OPTIONAL {{ ?t eg:upperValue ?up }} }}""")
    assert len(rows) >= 290
    for r in rows:
        p, c, u = value(r["p"]), value(r["c"]), value(r["u"])
        assert p and re.match(r"^[A-Za-z0-9 ,()/×.π'-]+$", p), r  # English words, no Japanese
        assert c in {"gt", "ge", "lt", "le", "eq", "range"}, r
        assert u and not re.search(r"[ぁ-んァ-ン一-龥]", u), r
        if c == "range":
            assert r.get("up") is not None and Decimal(value(r["up"])) > Decimal(value(r["v"])), r
        else:
            assert r.get("up") is None, r


def test_lithography_bounds_match_the_eu(store: Any) -> None:
    """Art. 6 item 17 ヘ(一)1: light source wavelength below 193 nm, as EU 3B001.f.1.a."""
    comp = compare_parameters(store, [f"{JP_ED}/7.16/a6-17-he", "eu/list/annex-i/2025-11-15/3B001.f"])["comparisons"][0]
    wl = [p for p in comp["pairs"] if p["a"]["parameter"] == "light source wavelength"]
    assert wl and wl[0]["verdict"] == "same" and Decimal(str(wl[0]["a"]["value"])) == Decimal("1.93E-7"), comp["pairs"]


def test_links_have_known_targets_and_methods(store: Any) -> None:
    rows = store.select(f"""SELECT ?l ?m ?type ?t ?cl WHERE {{ ?l a eg:Correspondence ; eg:matchMethod ?mm ;
        eg:matchType ?tt . ?mm skos:notation ?m . ?tt skos:notation ?type .
        OPTIONAL {{ ?l eg:correspondsTo ?t }} OPTIONAL {{ ?l eg:counterpartList ?cl }}
        FILTER(STRSTARTS(STR(?l), "{NS}link/jp-ord/")) }}""")
    assert rows
    for r in rows:
        assert value(r["m"]) == "manual", r
        if value(r["type"]) == "no-counterpart":
            assert r.get("t") is None and value(r["cl"]) == NS + "regime/wa/list/dual-use", r
        else:
            t = value(r["t"]) or ""
            assert t.startswith(NS + "regime/wa/list/dual-use/") or t.startswith(NS + "us/list/ccl/"), r
