"""The Wassenaar Arrangement item layer (data/lists/regime-wa.yaml, scripts/import_wassenaar.py) and the links
from national entries to regime items (data/lists/regime-links.yaml, scripts/import_regime_links.py): counts
against the WA-LIST (25) 1 Corr. snapshot (skipped when ../shared/reference is absent), the 3B001 chain,
the Sensitive and Very Sensitive Lists, EU 3B001 -> WA 3B001, no-counterpart records, link methods."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from exportgraph.graph.terms import ID
from exportgraph.query.base import value
from tests.conftest import REFERENCE

DU = "regime/wa/list/dual-use/2025-12-01"
ML = "regime/wa/list/munitions/2025-12-01"
EU = "eu/list/annex-i/2025-11-15"
# Floors that hold without the snapshot: items as written by import_wassenaar.py on 2026-01-15's list.
DU_ENTRIES = 2140          # 36 group headings / explosives annex + 2,104 items (2,160 less 20 skipped)
ML_ENTRIES = 485           # ML1-ML22 (regime-lists.yaml) + 463 items
SL_MEMBERS, VSL_MEMBERS = 117, 40
TERMS = 148


def iri(i: str) -> str:
    return f"<{ID}{i}>"


def count(store: Any, where: str) -> int:
    return int(value(store.select(f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {where} }}")[0]["n"]))


def snapshot() -> dict:
    path = REFERENCE / "wassenaar" / "wa-list-2025-corr.json"
    if not path.exists():
        pytest.skip(f"reference snapshot {path} is absent (it lives in ../shared/reference, not in the repository)")
    return json.loads(Path(path).read_text(encoding="utf-8"))


def test_item_counts_do_not_fall(store):
    du = count(store, f"?e skos:inScheme {iri(DU)} ; a eg:ControlEntry . FILTER(!STRSTARTS(STR(?e), '{ID}{DU}/category-'))")
    ml = count(store, f"?e skos:inScheme {iri(ML)} ; a eg:ControlEntry")
    assert du >= DU_ENTRIES, du
    assert ml >= ML_ENTRIES, ml


def test_item_counts_match_the_snapshot(store):
    d = snapshot()
    items = d["items"]
    skipped = [it for it in items if any(f.startswith("not_an_item") for f in it.get("parse_flags") or [])
               or ("subject_heading_none" in (it.get("parse_flags") or []) and re.fullmatch(r"[A-Z ]+ - None", it["text"].strip()))]
    du_expected = sum(1 for it in items if it["list"] == "dual-use") - sum(1 for it in skipped if it["list"] == "dual-use")
    ml_expected = sum(1 for it in items if it["list"] == "munitions")
    du = count(store, f"?e skos:inScheme {iri(DU)} ; a eg:ControlEntry . FILTER(!STRSTARTS(STR(?e), '{ID}{DU}/category-'))")
    ml = count(store, f"?e skos:inScheme {iri(ML)} ; a eg:ControlEntry")
    assert (du, ml) == (du_expected, ml_expected)
    assert len(skipped) == 20
    # every item of the snapshot that is not skipped is in the graph under its EU-style code
    codes = {it["eu_style_code"] for it in items
             if it.get("eu_style_code") and it not in skipped and not it["code"].startswith("1.ANNEX")}
    rows = store.select(f"SELECT ?e WHERE {{ ?e skos:inScheme {iri(DU)} }}")
    have = {value(r["e"]).rsplit("/", 1)[1] for r in rows}
    assert not codes - have, sorted(codes - have)[:10]


def test_3b001_chain(store):
    rows = store.select(f"""SELECT ?n1 ?n2 ?n3 ?cat WHERE {{
        {iri(DU + '/3B001.f.2')} skos:notation ?n1 ; skos:broader ?p1 .
        ?p1 skos:notation ?n2 ; skos:broader ?p2 . ?p2 skos:notation ?n3 ; skos:broader ?p3 .
        ?p3 skos:broader ?cat }}""")
    assert len(rows) == 1
    r = rows[0]
    assert (value(r["n1"]), value(r["n2"]), value(r["n3"])) == ("3.B.1.f.2", "3.B.1.f", "3.B.1")
    assert value(r["cat"]) == f"{ID}{DU}/category-3"
    label = store.select(f"SELECT ?l WHERE {{ {iri(DU + '/3B001')} skos:prefLabel ?l }}")
    assert label and len(value(label[0]["l"])) <= 80


def test_munitions_item_under_its_ml_node(store):
    rows = store.select(f"SELECT ?b WHERE {{ {iri(ML + '/ML8.a.1')} skos:broader ?a . ?a skos:broader ?b }}")
    assert [value(r["b"]) for r in rows] == [f"{ID}{ML}/ml8"]


def test_sensitive_lists(store):
    sl = count(store, f"{iri(DU + '/sensitive-list')} skos:member ?e")
    vsl = count(store, f"{iri(DU + '/very-sensitive-list')} skos:member ?e")
    assert (sl, vsl) == (SL_MEMBERS, VSL_MEMBERS)
    # every VSL member is a Dual-Use List item, and 1C001 is on both
    assert count(store, f"{iri(DU + '/very-sensitive-list')} skos:member ?e . FILTER NOT EXISTS {{ ?e skos:inScheme {iri(DU)} }}") == 0
    for coll in ("sensitive-list", "very-sensitive-list"):
        assert count(store, f"{iri(DU + '/' + coll)} skos:member ?e FILTER(?e = {iri(DU + '/1C001')})") == 1


def test_sensitive_lists_against_snapshot(store):
    d = snapshot()
    assert len(d["very_sensitive_list"]) == VSL_MEMBERS
    # the snapshot's SL rows name 111 codes, 2 of them no longer items (6.A.6.g, 6.A.6.h); the script also
    # expands "7.D.4.a. to 7.D.4.d. & 7.D.4.g." and "9.E.3.a.1. to 9.E.3.a.5. & 9.E.3.a.8."
    assert sum(len(r["codes"]) for r in d["sensitive_list"]) - 2 <= SL_MEMBERS


def test_glossary_and_term_uses(store):
    terms = count(store, f"?e skos:inScheme {iri(DU + '/glossary')} ; a eg:DefinedTerm")
    assert terms >= TERMS
    users = count(store, f"?e eg:usesTerm ?t . ?t skos:inScheme {iri(DU + '/glossary')}")
    assert users >= 700
    assert store.select(f"SELECT ?t WHERE {{ {iri(DU + '/3D001')} eg:usesTerm ?t }}")


def test_notes_are_records_without_text(store):
    n = count(store, f"?e a eg:EntryNote ; eg:noteOf ?x . ?x skos:inScheme ?s FILTER(?s IN ({iri(DU)}, {iri(ML)}))")
    assert n >= 600
    assert count(store, f"?e a eg:EntryNote ; eg:description ?d . FILTER(STRSTARTS(STR(?e), '{ID}regime/wa/'))") == 0


def test_eu_3b001_links_to_wa_3b001(store):
    rows = store.select(f"""SELECT ?t ?m WHERE {{ ?c eg:correspondenceOf {iri(EU + '/3B001')} ;
        eg:correspondsTo {iri(DU + '/3B001')} ; eg:matchType ?t ; eg:matchMethod ?m }}""")
    assert len(rows) == 1
    assert value(rows[0]["m"]).endswith("regime-text-compared")


def test_no_counterpart_for_a_national_only_wassenaar_style_code(store):
    # EU 1A004.a.4.a (a riot control agent the EU enumerates; the WA list only names the defined term)
    rows = store.select(f"""SELECT ?t ?l WHERE {{ ?c eg:correspondenceOf {iri(EU + '/1A004.a.4.a')} ;
        eg:matchType ?t ; eg:counterpartList ?l . FILTER NOT EXISTS {{ ?c eg:correspondsTo ?x }} }}""")
    assert len(rows) == 1
    assert value(rows[0]["t"]).endswith("no-counterpart")
    assert value(rows[0]["l"]) == f"{ID}regime/wa/list/dual-use"


def test_every_link_has_method_and_type(store):
    where = f"?e a eg:Correspondence . FILTER(STRSTARTS(STR(?e), '{ID}link/regime/'))"
    total = count(store, where)
    assert total >= 3000
    assert count(store, where + " ?e eg:matchType ?t ; eg:matchMethod ?m .") == total
    # a link from a Chinese entry by equal code is never 'exact'
    assert count(store, f"""?e eg:correspondenceOf ?n ; eg:matchType ?t . FILTER(STRSTARTS(STR(?n), '{ID}cn/'))
        FILTER(STRENDS(STR(?t), 'exact'))""") == 0
