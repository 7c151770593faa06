"""China's Dual-use Items Export Control List as imported from the 2026 licence catalogue.

data/lists/cn-dual-use-2024.yaml (scripts/import_cn_catalogue.py) together with the hand-curated
cn-dual-use-list.yaml. The comparisons with the reference snapshot are skipped when it is absent.
"""

from __future__ import annotations

import json
import re

import pytest

from exportgraph.query.base import value
from tests.conftest import REFERENCE

NS = "https://w3id.org/exportgraph/id/"
LIST = NS + "cn/list/dual-use-items"
NOMENCLATURE = NS + "cn/customs/2026"
CODE_RE = re.compile(r"^[0-9][A-E][0-9]{3}(\.([a-z]|[0-9]{1,2}))*$")


def catalogue() -> dict[str, set[str]]:
    """Valid control codes of the export list section -> their 10-digit customs codes (bogus rows dropped)."""
    path = REFERENCE / "cn-dual-use-catalogue" / "catalogue-2026.json"
    if not path.exists():
        pytest.skip(f"reference snapshot {path} is absent (it lives in ../shared/reference, not in the repository)")
    out: dict[str, set[str]] = {}
    for r in json.loads(path.read_text(encoding="utf-8"))["records"]:
        if (r["catalogue_part"], r["section"]) != ("export", "list"):
            continue
        code = r.get("code_from_keywords") or r["code"]
        if code and CODE_RE.match(code):
            out.setdefault(code, set()).update(r["hs10"])
    return out


def cn_entries(store) -> dict[str, set[str]]:
    rows = store.select(f"""SELECT ?e ?n WHERE {{ ?e a eg:ControlEntry ; skos:notation ?n ; skos:inScheme ?ed .
        ?ed eg:editionOf <{LIST}> }}""")
    out: dict[str, set[str]] = {}
    for r in rows:
        out.setdefault(value(r["n"]), set()).add(value(r["e"]))
    return out


def test_every_catalogue_code_is_an_entry(store):
    cat = catalogue()
    assert len(cat) >= 721
    graph = cn_entries(store)
    missing = sorted(set(cat) - set(graph))
    # codes in the graph / codes in the catalogue: must stay complete
    assert not missing, f"{len(cat) - len(missing)}/{len(cat)} catalogue codes in the graph; missing {missing[:20]}"
    five = {c[:5] for c in cat}
    assert len(five) >= 188 and five <= set(graph)
    assert {str(n) for n in range(10)} <= set(graph), "the ten categories 0-9"


def test_catalogue_customs_codes_and_links(store):
    cat = catalogue()
    codes = {value(r["n"]) for r in store.select(f"""SELECT ?n WHERE {{ ?c a eg:CustomsCode ;
        skos:inScheme <{NOMENCLATURE}> ; skos:notation ?n }}""")}
    wanted = set().union(*cat.values())
    assert len(wanted) >= 561
    assert wanted <= codes, f"{len(wanted & codes)}/{len(wanted)} customs codes; missing {sorted(wanted - codes)[:10]}"
    rows = store.select(f"""SELECT ?n ?hs ?conf WHERE {{ ?l a eg:CustomsLink ; eg:controlEntry ?e ; eg:customsCode ?c ;
        eg:confidence ?cf . ?cf skos:notation ?conf . ?c skos:inScheme <{NOMENCLATURE}> ; skos:notation ?hs .
        ?e skos:notation ?n }}""")
    pairs = {(value(r["n"]), value(r["hs"])) for r in rows}
    expected = {(code, hs) for code, hss in cat.items() for hs in hss}
    assert expected <= pairs, sorted(expected - pairs)[:10]
    conf = {value(r["conf"]) for r in rows}
    assert conf <= {"high", "low"} and "low" in conf and "high" in conf
    # every 10-digit code that has an HS 2022 subheading points to it
    parents = store.select(f"""SELECT ?n ?p WHERE {{ ?c skos:inScheme <{NOMENCLATURE}> ; skos:notation ?n ;
        eg:hsParent ?p }}""")
    assert len(parents) >= 0.95 * len(codes)
    assert all(value(r["p"]).endswith("/hs2022/" + value(r["n"])[:6]) for r in parents)


def test_flagged_rows_are_low_confidence(store):
    # 3C001-3C003: the customs column is shifted one row up in the transcription (SOURCES.md)
    rows = store.select("""SELECT ?conf ?note WHERE { ?l eg:controlEntry ?e ; eg:confidence ?cf ; eg:customsCode ?c .
        ?cf skos:notation ?conf . ?c skos:notation "8112929090" . ?e skos:notation "3C001.a" .
        OPTIONAL { ?l eg:note ?note } }""")
    assert rows and all(value(r["conf"]) == "low" and "shifted" in value(r["note"]) for r in rows)


def test_broader_chain_to_category(store):
    for code, cat in [("1C111.b.1.a", "1"), ("2B350.a.1", "2"), ("1C902.a.2.a", "1"), ("3C001.a", "3")]:
        rows = store.select(f"""SELECT ?n WHERE {{ ?e skos:notation "{code}" ; skos:inScheme ?ed ; skos:broader+ ?b .
            ?ed eg:editionOf <{LIST}> . ?b skos:notation ?n }}""")
        chain = {value(r["n"]) for r in rows}
        assert cat in chain and code[:5] in chain and code[:2] in chain, (code, chain)
    # 1C001 is not in the 2026 catalogue: the graph must not invent it
    assert "1C001" not in cn_entries(store)


def test_every_entry_reaches_a_category_and_has_an_edition(store):
    rows = store.select(f"""SELECT ?e WHERE {{ ?e a eg:ControlEntry ; skos:inScheme ?ed ; skos:notation ?n .
        ?ed eg:editionOf <{LIST}> .
        FILTER(STRLEN(?n) > 1 && NOT EXISTS {{ ?e skos:broader+ ?top . ?top skos:notation ?t .
            FILTER(STRLEN(?t) = 1) }}) }}""")
    assert not rows, [value(r["e"]) for r in rows][:10]
    orphans = store.select(f"""SELECT ?e WHERE {{ ?e a eg:ControlEntry . FILTER(STRSTARTS(STR(?e), "{LIST}/"))
        FILTER NOT EXISTS {{ ?e skos:inScheme ?ed . ?ed a eg:ListEdition ; eg:editionOf <{LIST}> }} }}""")
    assert not orphans, [value(r["e"]) for r in orphans][:10]


def test_gallium_items_have_customs_links(store):
    for code in ["3C001.a", "3C001.b", "3C001.c", "3C001.d", "3C001.f", "3C001.h"]:
        rows = store.select(f"""SELECT ?c WHERE {{ ?l eg:controlEntry ?e ; eg:customsCode ?c . ?e skos:notation "{code}" ;
            skos:inScheme ?ed . ?ed eg:editionOf <{LIST}> }}""")
        assert rows, code


def test_no_bogus_code(store):
    graph = cn_entries(store)
    assert not {"MPa", "L", "Gbps", "8413709980", "8418999910"} & set(graph)
    assert all(CODE_RE.match(n) or re.fullmatch(r"[0-9][A-E]?", n) for n in graph), sorted(graph)[:5]
