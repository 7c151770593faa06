"""Customs codes of control-list entries, and the HS 2017 -> HS 2022 correlation.

China's links are official (the customs numbers of its licence catalogue and announcements); the EU's,
the US's and Japan's are indicative (scripts/import_customs_links.py: same regime item, or manual), and
data/lists/hs2017-hs2022.yaml correlates the unchanged subheadings (scripts/import_hs_correlation.py).
"""

from __future__ import annotations

import pytest

from exportgraph.query.base import value

NS = "https://w3id.org/exportgraph/id/"
EG = "https://w3id.org/exportgraph/ontology#"

# entries with at least one customs link, per jurisdiction: floors (in the graph at the time of writing:
# China 578 official; indicative EU 40, US 37, Japan 5)
OFFICIAL_FLOOR = {"cn": 500}
INDICATIVE_FLOOR = {"eu": 35, "us": 30, "jp": 4}


def links(store) -> list[dict]:
    rows = store.select("""SELECT ?l ?e ?code ?hs ?conf ?method ?note WHERE {
        ?l a eg:CustomsLink ; eg:controlEntry ?e ; eg:customsCode ?code ; eg:confidence ?conf .
        OPTIONAL { ?code eg:hsParent ?p }
        BIND(COALESCE(?p, ?code) AS ?hs)
        OPTIONAL { ?l eg:matchMethod ?method }
        OPTIONAL { ?l eg:note ?note } }""")
    out = []
    for r in rows:
        e = value(r["e"])
        out.append({"link": value(r["l"]), "entry": e, "jurisdiction": e[len(NS):].split("/", 1)[0],
                    "hs": value(r["hs"]).rsplit("/", 1)[1], "confidence": value(r["conf"]).rsplit("-", 1)[1],
                    "method": value(r["method"]).split("MatchMethod-", 1)[1] if r.get("method") else None,
                    "note": value(r["note"]) if r.get("note") else None})
    return out


@pytest.fixture(scope="module")
def customs_links(store) -> list[dict]:
    return links(store)


def test_entries_with_customs_codes_per_jurisdiction(customs_links):
    official, indicative = {}, {}
    for lk in customs_links:
        target = indicative if lk["confidence"] == "indicative" else official
        target.setdefault(lk["jurisdiction"], set()).add(lk["entry"])
    for j, floor in OFFICIAL_FLOOR.items():
        assert len(official.get(j, ())) >= floor, (j, len(official.get(j, ())))
    for j, floor in INDICATIVE_FLOOR.items():
        assert len(indicative.get(j, ())) >= floor, (j, len(indicative.get(j, ())))
    # only China's lists give customs codes officially
    assert set(official) == {"cn"}, sorted(official)


def test_every_non_chinese_link_is_labelled_indicative(customs_links):
    others = [lk for lk in customs_links if lk["jurisdiction"] != "cn"]
    assert others
    for lk in others:
        assert lk["confidence"] == "indicative", lk
        assert lk["method"] in {"same-regime-item", "manual"}, lk
        assert lk["note"] and lk["note"].startswith("Indicative only"), lk
        assert len(lk["hs"]) == 6, lk   # HS 6-digit only outside China


def test_every_indicative_link_says_how_it_was_made(customs_links):
    for lk in customs_links:
        if lk["confidence"] == "indicative":
            assert lk["method"] in {"same-regime-item", "manual"} and lk["note"], lk


@pytest.mark.parametrize("hs, official, indicative", [
    ("811292", {"cn"}, {"eu", "us", "jp"}),   # gallium, germanium, indium, niobium, vanadium: unwrought, powders
    ("848620", set(), {"eu", "us", "jp"}),    # machines for making semiconductor devices (China's list has no such number)
])
def test_subheading_reaches_entries_in_each_jurisdiction(customs_links, hs, official, indicative):
    got_official = {lk["jurisdiction"] for lk in customs_links if lk["hs"] == hs and lk["confidence"] != "indicative"}
    got_indicative = {lk["jurisdiction"] for lk in customs_links if lk["hs"] == hs and lk["confidence"] == "indicative"}
    assert official <= got_official, (hs, got_official)
    assert indicative <= got_indicative, (hs, got_indicative)


def test_semiconductor_equipment_entries(customs_links):
    entries = {lk["entry"][len(NS):] for lk in customs_links if lk["hs"] == "848620"}
    assert {"eu/list/annex-i/2025-11-15/3B001", "us/list/ccl/2026-07-23/3B001",
            "jp/list/appended-table-1/2026-06-05/7.16"} <= entries, sorted(entries)


def test_no_bridge_through_chinese_entries_that_are_other_items(customs_links):
    """China's 3C001-3C003 (gallium, germanium, antimony) share codes with different Wassenaar items."""
    for lk in customs_links:
        if lk["method"] == "same-regime-item":
            code = lk["entry"].rsplit("/", 1)[1]
            assert not code.startswith(("3C001", "3C002", "3C003", "4A003")), lk
    eu_3c001a = [lk for lk in customs_links if lk["entry"] == NS + "eu/list/annex-i/2025-11-15/3C001.a"]
    assert not any(lk["hs"] == "811292" for lk in eu_3c001a)


def test_same_regime_item_links_share_a_regime_item_with_a_chinese_entry(store, customs_links):
    """Each same-regime-item link: the national entry and a Chinese entry with an official (high) number of
    that subheading correspond to one regime item."""
    regimes: dict[str, set[str]] = {}
    for r in store.select("SELECT ?e ?r WHERE { ?c a eg:Correspondence ; eg:correspondenceOf ?e ; eg:correspondsTo ?r }"):
        regimes.setdefault(value(r["e"]), set()).add(value(r["r"]))
    cn_by_regime_hs: set[tuple[str, str]] = set()
    for lk in customs_links:
        if lk["jurisdiction"] == "cn" and lk["confidence"] == "high":
            for reg in regimes.get(lk["entry"], ()):
                cn_by_regime_hs.add((reg, lk["hs"]))
    bridged = [lk for lk in customs_links if lk["method"] == "same-regime-item"]
    assert len(bridged) >= 150
    for lk in bridged:
        assert any((reg, lk["hs"]) in cn_by_regime_hs for reg in regimes.get(lk["entry"], ())), lk


def correlations(store) -> list[tuple[str, str, str, str]]:
    rows = store.select("""SELECT ?f ?t ?type ?method WHERE { ?c a eg:CustomsCorrelation ; eg:fromCode ?f ; eg:toCode ?t ;
        eg:matchType ?type ; eg:matchMethod ?method }""")
    return [(value(r["f"])[len(NS):], value(r["t"])[len(NS):], value(r["type"]).rsplit("-", 1)[1],
             value(r["method"]).split("MatchMethod-", 1)[1]) for r in rows]


def test_hs2017_hs2022_correlation_covers_chapter_81_and_the_control_chapters(store):
    corr = correlations(store)
    by_chapter: dict[str, int] = {}
    for f, t, _, _ in corr:
        assert f.startswith("customs/hs2017/") and t.startswith("customs/hs2022/"), (f, t)
        by_chapter[f.rsplit("/", 1)[1][:2]] = by_chapter.get(f.rsplit("/", 1)[1][:2], 0) + 1
    assert by_chapter.get("81", 0) >= 20, by_chapter
    for ch in ("28", "29", "38", "84", "85", "88", "90", "93"):
        assert by_chapter.get(ch, 0) >= 1, (ch, by_chapter)


def test_hs_correlation_is_unchanged_codes_only(store):
    corr = correlations(store)
    assert all(f.rsplit("/", 1)[1] == t.rsplit("/", 1)[1] for f, t, _, _ in corr)
    assert {(m, ty) for _, _, ty, m in corr} == {("unchanged-code-derived", "exact")}
    froms = {f.rsplit("/", 1)[1] for f, _, _, _ in corr}
    # 8112.92 lost hafnium and rhenium to the new 8112.31 and 8112.41 in HS 2022: not unchanged
    assert "811292" not in froms and "811299" not in froms
    # 8486.20 (machines for semiconductor devices) is unchanged
    assert "848620" in froms
