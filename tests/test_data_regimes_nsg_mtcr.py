"""NSG and MTCR list items (data/lists/regime-nsg.yaml, regime-mtcr.yaml, made by
scripts/import_regime_nsg_mtcr.py) and the editions and categories in regime-lists.yaml."""

from __future__ import annotations

from exportgraph.query.base import value

NS = "https://w3id.org/exportgraph/id/"
MTCR = NS + "regime/mtcr/list/annex/2024-03-14"
NSG1 = NS + "regime/nsg/list/part-1/2019-10-18"
NSG2 = NS + "regime/nsg/list/part-2/2019-01-01"


def entries(store, edition: str) -> dict[str, str]:
    """notation -> entry IRI of the edition's entries."""
    rows = store.select(f"""SELECT ?e ?n WHERE {{ ?e a eg:ControlEntry ; skos:inScheme <{edition}> ;
        skos:notation ?n }}""")
    return {value(r["n"]): value(r["e"]) for r in rows}


def broader(store, entry: str) -> set[str]:
    return {value(r["b"]) for r in store.select(f"SELECT ?b WHERE {{ <{entry}> skos:broader ?b }}")}


def test_counts_do_not_fall(store):
    # in the graph / curated: MTCR 20 items + 61 group headings + 190 items and sub-items;
    # NSG Part 1: Annex A + 7 sections + 34 derived items; NSG Part 2: 6 categories
    assert len(entries(store, MTCR)) >= 271
    assert len(entries(store, NSG1)) >= 42
    assert len(entries(store, NSG2)) >= 6


def test_editions_exist_and_are_dated(store):
    for ed, date in ((MTCR, "2024-03-14"), (NSG1, "2019-10-18"), (NSG2, "2019-01-01")):
        rows = store.select(f"SELECT ?d WHERE {{ <{ed}> a eg:ListEdition ; eg:validFrom ?d }}")
        assert [value(r["d"]) for r in rows] == [date], ed


def test_known_items_and_parents(store):
    mtcr = entries(store, MTCR)
    assert broader(store, mtcr["1.A.1"]) == {f"{MTCR}/1.A"}
    assert broader(store, mtcr["1.A"]) == {f"{MTCR}/item-1"}
    assert broader(store, mtcr["2.A.1"]) == {f"{MTCR}/2.A"}
    assert broader(store, mtcr["2.A.1.d"]) == {mtcr["2.A.1"]}
    assert {"3.A.1", "6.C.8", "9.A.6", "11.A.3", "19.A.3", "20.A.1.b"} <= set(mtcr)
    nsg1 = entries(store, NSG1)
    assert broader(store, nsg1["1.1"]) == {f"{NSG1}/annex-b-1"}
    assert broader(store, nsg1["7.1.9"]) == {nsg1["7.1"]}
    assert "6.6" not in nsg1, "6.6 is not derived (the EU keeps 'Not used' in its place)"


def test_every_item_is_in_its_edition_and_sourced(store):
    for ed in (MTCR, NSG1):
        rows = store.select(f"""SELECT ?e WHERE {{ ?e skos:inScheme <{ed}> .
            FILTER NOT EXISTS {{ ?e skos:broader ?b . ?b skos:inScheme <{ed}> }}
            FILTER NOT EXISTS {{ ?e skos:notation ?n . FILTER(STRSTARTS(STR(?e), "{ed}/item-")
              || STRSTARTS(STR(?e), "{ed}/annex-")) }} }}""")
        assert not rows, f"entries of {ed} without a parent in the edition: {[value(r['e']) for r in rows][:5]}"
    # derived NSG items say so and are unverified
    rows = store.select(f"""SELECT ?e WHERE {{ ?e skos:inScheme <{NSG1}> ; skos:broader ?b .
        FILTER NOT EXISTS {{ ?e eg:derivation ?d }} FILTER(!STRSTARTS(STR(?e), "{NSG1}/annex-")) }}""")
    assert not rows, [value(r["e"]) for r in rows][:5]
    rows = store.select(f"""SELECT (COUNT(?e) AS ?n) WHERE {{ ?e skos:inScheme <{MTCR}> ; skos:broader ?b ;
        eg:verification ?v . FILTER(STRENDS(STR(?v), "unverified")) }}""")
    assert int(value(rows[0]["n"])) >= 251


def test_links_resolve(store):
    rows = store.select("""SELECT ?c ?from ?to ?m WHERE { ?c a eg:Correspondence ; eg:correspondenceOf ?from ;
        eg:correspondsTo ?to ; eg:matchMethod ?m .
        FILTER(STRSTARTS(STR(?c), "https://w3id.org/exportgraph/id/link/regime/nsg/")
            || STRSTARTS(STR(?c), "https://w3id.org/exportgraph/id/link/regime/mtcr/")) }""")
    assert len(rows) >= 196
    for r in rows:
        for end in (value(r["from"]), value(r["to"])):
            assert store.select(f"SELECT ?s WHERE {{ <{end}> skos:inScheme ?s }}"), f"{value(r['c'])}: {end}"
        assert value(r["from"]).startswith(NS + "eu/list/annex-i/")
    mtcr = [r for r in rows if "/link/regime/mtcr/" in value(r["c"])]
    assert len({value(r["from"]) for r in mtcr}) >= 77
    assert any(value(r["c"]).endswith("link/regime/mtcr/eu/7A117/2.A.1.d") for r in mtcr)
