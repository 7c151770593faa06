"""Party lists (issue 11, item 4): one Party per real party across the US, Chinese and Japanese lists,
each list entry a dated Listing; merges and splits come from scripts/curated/party-{merges,splits}.csv."""

from __future__ import annotations

import csv
import importlib.util
from collections import defaultdict
from pathlib import Path
from typing import Any

from exportgraph.graph.terms import ID
from exportgraph.query.base import value

ROOT = Path(__file__).resolve().parent.parent
CURATED = ROOT / "scripts" / "curated"


def _script() -> Any:
    spec = importlib.util.spec_from_file_location("import_party_lists", ROOT / "scripts" / "import_party_lists.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def rid(iri: str | None) -> str:
    return (iri or "").removeprefix(ID)


def count(store: Any, where: str) -> int:
    return int(value(store.select(f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {where} }}")[0]["n"]))


def csv_rows(name: str) -> list[dict[str, str]]:
    with open(CURATED / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_huawei_is_one_party_with_dated_listings(store: Any) -> None:
    norm = _script().norm
    rows = store.select("""SELECT ?p ?name ?c WHERE { ?p a eg:Party ; skos:prefLabel ?name ; eg:country ?c .
        FILTER(CONTAINS(LCASE(STR(?name)), "huawei technologies co")) }""")
    huawei = {rid(value(r["p"])) for r in rows if norm(value(r["name"])) == "huawei technologies" and value(r["c"]) == "CN"}
    assert len(huawei) == 1, huawei
    pid = huawei.pop()
    listings = store.select(f"""SELECT ?x ?l ?d WHERE {{ ?x eg:listedParty <{ID}{pid}> ; eg:onList ?l .
        OPTIONAL {{ ?x eg:listingDate ?d }} }}""")
    assert listings and all(value(r["d"]) for r in listings), listings
    dates = {rid(value(r["l"])): str(value(r["d"])) for r in listings}
    assert dates.get("us/list/entity-list") == "2019-05-21"  # 84 FR 22961, published 21 May 2019
    # its affiliates stay separate parties
    assert count(store, """?e a eg:Party ; skos:prefLabel ?n ; eg:country "CN" .
        FILTER(CONTAINS(STR(?n), "Huawei"))""") >= 30


def test_party_merged_across_us_and_jp_lists(store: Any) -> None:
    both = """?e a eg:Party . ?a eg:listedParty ?e ; eg:onList <%sus/list/entity-list> .
        ?b eg:listedParty ?e ; eg:onList <%sjp/list/end-user-list> .""" % (ID, ID)
    assert count(store, both) >= 250
    rows = store.select("""SELECT ?l WHERE { ?p skos:prefLabel "Rostec (Russian Technologies State Corporation)"@en .
        ?x eg:listedParty ?p ; eg:onList ?l }""")
    assert {rid(value(r["l"])) for r in rows} >= {"us/list/entity-list", "jp/list/end-user-list"}
    # a merged party keeps the ids of the per-list records it replaces, and says why it was merged
    assert count(store, "?e a eg:Party ; eg:mergedFrom ?m ; eg:note ?n") >= 450


def test_no_unexplained_lookalikes(store: Any) -> None:
    """No two parties with the same normalised name and country unless party-splits.csv says they differ."""
    norm = _script().norm
    rows = store.select("""SELECT ?p ?name ?c ?x WHERE { ?p a eg:Party ; skos:prefLabel ?name . ?x eg:listedParty ?p .
        OPTIONAL { ?p eg:country ?c } }""")
    listings: dict[str, set[str]] = defaultdict(set)
    keys: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        pid = rid(value(r["p"]))
        listings[pid].add(rid(value(r["x"])))
        keys[(norm(value(r["name"])), value(r["c"]) or "")].add(pid)
    splits = {frozenset((s["listing_a"], s["listing_b"])) for s in csv_rows("party-splits.csv")}
    bad = []
    for key, pids in keys.items():
        if len(pids) < 2 or not key[0]:
            continue
        ps = sorted(pids)
        for i, a in enumerate(ps):
            for b in ps[i + 1:]:
                if not any(frozenset((x, y)) in splits for x in listings[a] for y in listings[b]):
                    bad.append((key, a, b))
    assert not bad, bad[:10]


def test_merges_file_is_what_the_graph_holds(store: Any) -> None:
    """Every kept merge of party-merges.csv joins two listings of one party (the merges are reversible:
    drop a row, or add the pair to party-splits.csv, and rerun the script)."""
    rows = store.select("SELECT ?x ?p WHERE { ?x a eg:Listing ; eg:listedParty ?p }")
    party = {rid(value(r["x"])): rid(value(r["p"])) for r in rows}
    merges = csv_rows("party-merges.csv")
    assert len(merges) >= 400
    reasons = {m["reason"] for m in merges}
    assert reasons <= {"repeated-entry", "same-name-country", "alias", "hand-checked"}
    split = {frozenset((s["listing_a"], s["listing_b"])) for s in csv_rows("party-splits.csv")}
    wrong = []
    for m in merges:
        a, b = m["listing_a"], m["listing_b"]
        # a listing folded into another of the same list and date is not a record of its own
        if a in party and b in party and party[a] != party[b]:
            wrong.append((a, b))
        assert frozenset((a, b)) not in split
    assert not wrong, wrong[:10]


def test_dpl_listing_dates(store: Any) -> None:
    total = count(store, f"?e eg:onList <{ID}us/list/dpl>")
    dated = count(store, f"?e eg:onList <{ID}us/list/dpl> ; eg:listingDate ?d")
    assert total >= 450 and dated == total
    # a denial order's effective date, never after the Federal Register notice year + 1
    rows = store.select(f"SELECT ?d ?b WHERE {{ ?e eg:onList <{ID}us/list/dpl> ; eg:listingDate ?d ; eg:legalBasisText ?b }}")
    assert len(rows) >= 450


def test_dated_listings_per_list(store: Any) -> None:
    floors = {"us/list/entity-list": 3200, "us/list/meu": 70, "us/list/dpl": 450,
              "cn/list/unreliable-entity-list": 80, "cn/list/export-control-control-list": 150}
    for list_id, floor in floors.items():
        n = count(store, f"?e eg:onList <{ID}{list_id}> ; eg:listingDate ?d")
        assert n >= floor, (list_id, n)
    # Entity List dates are those of the first Federal Register citation: the year is the volume's
    rows = store.select(f"""SELECT ?d ?b WHERE {{ ?e eg:onList <{ID}us/list/entity-list> ; eg:listingDate ?d ;
        eg:legalBasisText ?b }}""")
    import re
    off = [(value(r["d"]), value(r["b"])) for r in rows
           if (m := re.search(r"(\d+)\s*FR", value(r["b"]) or "")) and int(str(value(r["d"]))[:4]) != int(m.group(1)) + 1935]
    assert not off, off[:5]
    # the Japanese list gives no date of listing: none is invented
    assert count(store, f"?e eg:onList <{ID}jp/list/end-user-list> ; eg:listingDate ?d") == 0


def test_addresses(store: Any) -> None:
    assert count(store, "?e a eg:Party ; eg:address ?a") >= 3500
