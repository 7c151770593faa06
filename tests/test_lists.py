"""Item-level lists (issue "item-level lists"): counts per list in the built graph, a comparison with
the reference snapshots each list was derived from (skipped when ../shared/reference is absent), and
the items library (lookup, crosswalk, customs candidates, coverage, diff, bad input)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from exportgraph.exc import BadRequest, NotFound
from exportgraph.graph.terms import ID
from exportgraph.query import compare, diffs, items
from exportgraph.query.base import rid, value
from tests.conftest import REFERENCE

EU_ED = "eu/list/annex-i/2025-11-15"
US_ED = "us/list/ccl/2026-07-23"
JP_ED = "jp/list/appended-table-1/2026-06-05"


def reference(*parts: str) -> Path:
    path = REFERENCE.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference snapshot {path} is absent (it lives in ../shared/reference, not in the repository)")
    return path


def count(store: Any, where: str) -> int:
    return int(value(store.select(f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {where} }}")[0]["n"]))


def notations(store: Any, where: str) -> dict[str, str]:
    rows = store.select(f"SELECT ?code ?label WHERE {{ {where} OPTIONAL {{ ?e skos:prefLabel ?label FILTER(lang(?label) = 'en') }} }}")
    return {value(r["code"]): value(r["label"]) or "" for r in rows}


def top(edition: str) -> str:
    return f"?e skos:inScheme <{ID}{edition}> ; skos:notation ?code . FILTER(REGEX(?code, '^[0-9][A-E][0-9]{{3}}$'))"


# ---------------------------------------------------------------- counts in the built graph

def test_us_ccl_count(store: Any) -> None:
    assert count(store, top(US_ED)) >= 600


def test_eu_annex_i_counts(store: Any) -> None:
    assert count(store, top(EU_ED)) == 384
    assert count(store, f"?e skos:inScheme <{ID}{EU_ED}> ; skos:notation ?c . FILTER(CONTAINS(?c, '.'))") >= 3000


def test_jp_rows_with_sub_items(store: Any) -> None:
    # The Order's sub-items only: the goods ordinance's items (notation 省令...) also hang below the rows.
    rows = store.select(f"""SELECT ?code (COUNT(?sub) AS ?n) WHERE {{ ?row skos:inScheme <{ID}{JP_ED}> ; skos:notation ?code .
        FILTER NOT EXISTS {{ ?row skos:broader ?up }}
        OPTIONAL {{ ?sub skos:broader ?row ; skos:notation ?sc FILTER(!STRSTARTS(?sc, "省令")) }} }} GROUP BY ?code""")
    got = {value(r["code"]): value(r["n"]) for r in rows}
    assert len(got) == 17
    # Row 8 (八の項) has no numbered sub-items in the Order; every other row has some.
    assert [code for code, n in got.items() if n == 0] == ["8"]
    assert got["2"] == 54


@pytest.mark.parametrize("pattern", ["gallium", "germanium", "graphite", "antimony", "rare-earth"])
def test_chinese_critical_mineral_entries(store: Any, pattern: str) -> None:
    n = count(store, f"""?e a eg:ControlEntry ; skos:inScheme ?ed ; skos:prefLabel ?l . ?ed eg:editionOf ?list .
        FILTER(STRSTARTS(STR(?list), "{ID}cn/list/")) FILTER(CONTAINS(LCASE(STR(?l)), "{pattern}"))""")
    assert n >= 2, pattern


def test_gallium_germanium_ids(store: Any) -> None:
    base = "cn/list/dual-use-licence-catalogue/2023-08-01"
    for code in [f"ga-{i}" for i in range(1, 9)] + [f"ge-{i}" for i in range(1, 7)]:
        assert store.ask(f"ASK {{ <{ID}{base}/{code}> eg:validFrom '2023-08-01'^^xsd:date }}"), code


def test_hs2022_subheadings(store: Any) -> None:
    assert count(store, f"?e skos:inScheme <{ID}customs/hs2022> ; eg:codeLevel ?l . ?l skos:notation 'subheading'") == 5612


@pytest.mark.parametrize("year", [2023, 2024, 2025, 2026])
def test_cn_codes_per_year(store: Any, year: int) -> None:
    assert count(store, f"?e skos:inScheme <{ID}customs/cn{year}> ; eg:codeLevel ?l . ?l skos:notation 'cn8'") >= 9700


def test_eu_us_correspondences(store: Any) -> None:
    assert count(store, f"""?e eg:correspondenceOf ?a ; eg:correspondsTo ?b . ?a skos:inScheme <{ID}{EU_ED}> .
        ?b skos:inScheme <{ID}{US_ED}>""") >= 300


@pytest.mark.parametrize("lists, minimum", [
    (("us/list/entity-list", "us/list/dpl", "us/list/meu"), 3000),
    (("cn/list/unreliable-entity-list", "cn/list/export-control-control-list"), 150),
    (("jp/list/end-user-list",), 800)])
def test_party_listings(store: Any, lists: tuple[str, ...], minimum: int) -> None:
    values = " ".join(f"<{ID}{x}>" for x in lists)
    assert count(store, f"VALUES ?l {{ {values} }} ?e eg:onList ?l") >= minimum


# ---------------------------------------------------------------- against the reference snapshots

def test_ccl_matches_reference(store: Any) -> None:
    ref = json.loads(reference("us-ccl", "ccl.json").read_text(encoding="utf-8"))["entries"]
    graph = notations(store, top(US_ED))
    missing = [e["eccn"] for e in ref if e["eccn"] not in graph]
    assert not missing, f"ECCNs of the snapshot not in the graph: {missing[:10]}"
    mismatched = []
    for e in ref:
        words = re.sub(r"\s+", " ", e["heading"]).strip().split(" ")[:3]
        if not graph[e["eccn"]].startswith(" ".join(words)):
            mismatched.append(e["eccn"])
    assert len(mismatched) <= len(ref) // 50, f"headings that differ from the snapshot: {mismatched[:10]}"


def test_eu_annex_matches_reference(store: Any) -> None:
    ref = json.loads(reference("eu-annex-i", "annex.json").read_text(encoding="utf-8"))
    assert {e["entry_code"] for e in ref["entries"]} == set(notations(store, top(EU_ED)))


def test_jp_rows_match_reference(store: Any) -> None:
    ref = json.loads(reference("jp-export-trade-control-order", "beppyo1_yushutsurei_20260605.json").read_text("utf-8"))
    subs = count(store, f"?e skos:inScheme <{ID}{JP_ED}> ; skos:broader ?up ; skos:notation ?c FILTER(!STRSTARTS(?c, '省令'))")
    assert len(ref["beppyo_1"]) == 17
    assert subs == sum(len(r["items"]) for r in ref["beppyo_1"])


def test_hs2022_matches_reference(store: Any) -> None:
    with reference("hs", "harmonized-system-HS2022.csv").open(encoding="utf-8") as f:
        ref = {r["hscode"] for r in csv.DictReader(f) if r["level"] == "6"} - {"999999"}
    graph = set(notations(store, f"?e skos:inScheme <{ID}customs/hs2022> ; skos:notation ?code ; eg:codeLevel ?l . "
                                 "?l skos:notation 'subheading'"))
    assert graph == ref


@pytest.mark.parametrize("year", [2023, 2024, 2025, 2026])
def test_cn_codes_match_reference(store: Any, year: int) -> None:
    ref = {c["code"] for c in json.loads(reference("eu-cn8", f"cnCodes_{year}.json").read_text(encoding="utf-8"))}
    graph = set(notations(store, f"?e skos:inScheme <{ID}customs/cn{year}> ; skos:notation ?code ; eg:codeLevel ?l . "
                                 "?l skos:notation 'cn8'"))
    assert graph == ref


# ---------------------------------------------------------------- the items library

def test_lookup_3b001_in_eu_and_us(store: Any) -> None:
    found = {e["list"] for e in items.lookup(store, "3B001")}
    assert {"eu/list/annex-i", "us/list/ccl"} <= found


def test_crosswalk_3b001(store: Any) -> None:
    cw = items.crosswalk(store, f"{EU_ED}/3B001")
    others = {c["id"] for c in cw["correspondences"]} | {c["id"] for c in cw["same_code_candidates"]}
    assert f"{US_ED}/3B001" in others


def test_gallium_customs_candidates_in_china(store: Any) -> None:
    rows = store.select(f"""SELECT DISTINCT ?n WHERE {{ ?link eg:controlEntry <{ID}cn/list/dual-use-licence-catalogue/2023-08-01/ga-1> ;
        eg:customsCode ?c . ?c skos:notation ?n }}""")
    assert rows, "gallium metal has no customs code"
    code = value(rows[0]["n"])
    result = items.customs_candidates(store, code)
    assert result["indicative"] is True and result["note"]
    ids = {e["id"] for e in result["candidates"].get("cn", [])}
    assert "cn/list/dual-use-licence-catalogue/2023-08-01/ga-1" in ids


def test_list_coverage_both_ways(store: Any) -> None:
    eu_us = compare.list_coverage(store, EU_ED, US_ED)
    us_eu = compare.list_coverage(store, US_ED, EU_ED)
    assert eu_us["entries"] == 384 and 0 < eu_us["with_counterpart"] < 384
    assert eu_us["without_counterpart"] and us_eu["without_counterpart"]
    assert len(eu_us["without_counterpart"]) == eu_us["entries"] - eu_us["with_counterpart"]
    assert "3A090" in us_eu["without_counterpart"]  # a US-only (unilateral) entry


def test_cn_diff_shows_gallium_and_germanium_added(store: Any) -> None:
    d = diffs.diff(store, "cn", dt.date(2023, 7, 15), dt.date(2023, 8, 15))
    added = {e["id"].rsplit("/", 1)[-1] for e in d["added"]}
    assert {f"ga-{i}" for i in range(1, 9)} | {f"ge-{i}" for i in range(1, 7)} <= added
    assert not any(a.startswith("graphite") for a in added)  # graphite came on 2023-12-01
    assert d["removed"] == []


def test_unknown_code_is_not_found(store: Any) -> None:
    with pytest.raises(NotFound):
        items.lookup(store, "9Z999")


def test_malformed_hs_code_is_bad_request(store: Any) -> None:
    with pytest.raises(BadRequest):
        items.customs_candidates(store, "28059")


def test_date_before_every_edition_is_bad_request(store: Any) -> None:
    with pytest.raises(BadRequest):
        diffs.in_force(store, "cn", dt.date(2020, 1, 1))


def test_unknown_list_is_not_found(store: Any) -> None:
    with pytest.raises(NotFound):
        items.lookup(store, "3B001", "xx/list/nothing")
    assert rid(f"{ID}{EU_ED}") == EU_ED
