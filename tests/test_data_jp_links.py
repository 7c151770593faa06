"""Links from Japan's Appended Table 1 to the regime items (data/lists/jp-links.yaml, made by
scripts/import_jp_links.py from scripts/curated/jp-table1-links.csv)."""

from __future__ import annotations

from exportgraph.query.base import value

NS = "https://w3id.org/exportgraph/id/"
JP = NS + "jp/list/appended-table-1/2026-06-05"
WA = NS + "regime/wa/list/dual-use/2025-12-01/"
ORDINANCE = NS + "src/jp/egov/goods-ordinance"

LINKS = f"""?l a eg:Correspondence ; eg:correspondenceOf ?jp .
    FILTER(STRSTARTS(STR(?l), "{NS}link/jp/"))"""


def jp_subitems(store) -> set[str]:
    """JP sub-items in force (sub-items are those with a parent row; 'Deleted' ones excluded)."""
    rows = store.select(f"""SELECT ?e WHERE {{ ?e a eg:ControlEntry ; skos:inScheme <{JP}> ; skos:broader ?row ;
        skos:notation ?c . FILTER(!STRSTARTS(?c, "省令"))
        FILTER NOT EXISTS {{ ?e skos:prefLabel "Deleted"@en }} }}""")
    return {value(r["e"]) for r in rows}


def test_share_of_subitems_linked(store):
    subitems = jp_subitems(store)
    assert len(subitems) >= 240  # 248 sub-items, 6 deleted
    linked = {value(r["jp"]) for r in store.select(f"SELECT DISTINCT ?jp WHERE {{ {LINKS} ?l eg:correspondsTo ?t }}")}
    share = len(linked & subitems) / len(subitems)
    # 232 of 242 at the time of writing; the rest are national items (no-counterpart records) and 1(12), 16(1), 16(2)
    assert share >= 0.9, share
    # every row 2-15 has at least one linked sub-item (row 8 has none: it is linked itself)
    rows = {j.rsplit("/", 1)[1].split(".")[0] for j in linked}
    for row in ["1", "2", "3", "3-2", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15"]:
        assert row in rows, row


def test_semiconductor_equipment_is_linked_to_3b001(store):
    rows = store.select(f"""SELECT ?t ?type WHERE {{ {LINKS} ?l eg:correspondsTo ?t ; eg:matchType ?type .
        FILTER(?jp = <{JP}/7.16>) }}""")
    targets = {value(r["t"]): value(r["type"]).rsplit("-", 1)[-1] for r in rows}
    assert WA + "3B001" in targets
    for sub in ("3B001.a", "3B001.b", "3B001.e", "3B001.f", "3B002"):
        assert targets.get(WA + sub) == "narrow", (sub, targets)
    # masks and mask blanks are separate Japanese sub-items
    blank = store.select(f"""SELECT ?type WHERE {{ {LINKS} ?l eg:correspondsTo <{WA}3B001.j> ; eg:matchType ?type .
        FILTER(?jp = <{JP}/7.17-2>) }}""")
    assert [value(r["type"]).rsplit("-", 1)[-1] for r in blank] == ["exact"]


def test_every_link_target_exists(store):
    missing = store.select(f"""SELECT ?l ?t WHERE {{ {LINKS} ?l eg:correspondsTo ?t .
        FILTER NOT EXISTS {{ ?t a eg:ControlEntry }} }}""")
    assert not missing, [(value(r["l"]), value(r["t"])) for r in missing]
    sources = store.select(f"""SELECT ?l WHERE {{ {LINKS} FILTER NOT EXISTS {{ ?jp a eg:ControlEntry ; skos:inScheme <{JP}> }} }}""")
    assert not sources, [value(r["l"]) for r in sources]


def test_no_exact_link_without_a_basis(store):
    rows = store.select(f"""SELECT ?l (SAMPLE(?loc) AS ?basis) WHERE {{ {LINKS} ?l eg:matchType ?type .
        FILTER(STRENDS(STR(?type), "exact"))
        OPTIONAL {{ ?l eg:citation ?c . ?c eg:citedSource <{ORDINANCE}> ; eg:locator ?loc }} }} GROUP BY ?l""")
    assert rows, "expected some exact links"
    for r in rows:
        basis = value(r["basis"]) if r.get("basis") is not None else None
        assert basis and basis.startswith("Art."), value(r["l"])


def test_national_items_are_recorded_as_no_counterpart(store):
    rows = store.select(f"""SELECT ?jp WHERE {{ {LINKS} ?l eg:matchType ?type .
        FILTER(STRENDS(STR(?type), "no-counterpart")) }}""")
    jp = {value(r["jp"]).rsplit("/", 1)[1] for r in rows}
    assert {"7.10-2", "7.15-3", "7.24", "7.25", "6.10"} <= jp, jp
