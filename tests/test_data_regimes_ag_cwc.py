"""Regime layer: CWC Schedules 1-3 and the Australia Group lists item by item (data/lists/regime-cwc.yaml,
regime-ag.yaml, made by scripts/import_regime_ag_cwc.py), their CAS numbers, and the correspondences
from EU Annex I and US CCL entries."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from exportgraph.graph.terms import ID
from exportgraph.query.base import value
from tests.conftest import REFERENCE

CWC = "regime/cwc/list/schedules/2020-06-07"
AG = "regime/ag/list/common-control-lists/before-2025-11-15"
EU = "eu/list/annex-i/2025-11-15"


def count(store: Any, where: str) -> int:
    return int(value(store.select(f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {where} }}")[0]["n"]))


def cas_ok(cas: str) -> bool:
    if not re.fullmatch(r"[0-9]{2,7}-[0-9]{2}-[0-9]", cas):
        return False
    d = cas.replace("-", "")
    return sum(int(x) * (i + 1) for i, x in enumerate(reversed(d[:-1]))) % 10 == int(d[-1])


# Entries of the Annex on Chemicals (as amended in 2020): Schedule 1 (1)-(16), 2 (1)-(14), 3 (1)-(17).
@pytest.mark.parametrize(("schedule", "minimum"), [("1", 16), ("2", 14), ("3", 17)])
def test_cwc_entries_per_schedule(store: Any, schedule: str, minimum: int) -> None:
    n = count(store, f"""?e skos:inScheme <{ID}{CWC}> ; skos:notation ?c ; skos:broader/skos:broader <{ID}{CWC}/schedule-{schedule}> .""")
    assert n >= minimum


@pytest.mark.parametrize(("where", "minimum"), [
    (f"?e skos:broader <{ID}{AG}/chemical-precursors>", 90),
    (f"?e skos:broader <{ID}{AG}/hap-viruses>", 58),
    (f"?e skos:broader <{ID}{AG}/hap-bacteria>", 22),
    (f"?e skos:broader <{ID}{AG}/hap-toxins>", 22),
    (f"?e skos:broader <{ID}{AG}/hap-fungi>", 2),
    (f"?e skos:broader/skos:broader <{ID}{AG}/plant-pathogens>", 20),
    (f"?e skos:broader <{ID}{AG}/biological-equipment>", 10),
    (f"?e skos:broader <{ID}{AG}/chemical-equipment>", 10),
])
def test_ag_items_per_list(store: Any, where: str, minimum: int) -> None:
    assert count(store, f"?e skos:inScheme <{ID}{AG}> . {where}") >= minimum


def test_every_cas_number_is_well_formed(store: Any) -> None:
    rows = store.select(f"""SELECT ?e ?cas WHERE {{ ?e eg:casNumber ?cas ; skos:inScheme ?s
        FILTER(?s IN (<{ID}{CWC}>, <{ID}{AG}>)) }}""")
    assert len(rows) >= 150
    bad = [(value(r["e"]), value(r["cas"])) for r in rows if not cas_ok(value(r["cas"]))]
    assert not bad


def test_every_precursor_has_a_cas_number(store: Any) -> None:
    assert count(store, f"""?e skos:broader <{ID}{AG}/chemical-precursors> FILTER NOT EXISTS {{ ?e eg:casNumber ?c }}""") == 0


def entries_with_cas(store: Any, cas: str) -> set[str]:
    return {value(r["e"]).removeprefix(ID) for r in store.select(f'SELECT ?e WHERE {{ ?e eg:casNumber "{cas}" }}')}


def test_sarin_is_schedule_1(store: Any) -> None:
    assert f"{CWC}/1.A.1" in entries_with_cas(store, "107-44-8")
    assert count(store, f"""VALUES ?e {{ <{ID}{CWC}/1.A.1> }} ?e skos:broader/skos:broader <{ID}{CWC}/schedule-1> .""") == 1


def test_thiodiglycol_is_schedule_2_and_an_ag_precursor(store: Any) -> None:
    found = entries_with_cas(store, "111-48-8")
    assert f"{CWC}/2.B.13" in found
    assert f"{AG}/cwp-1" in found


def test_2020_additions_to_schedule_1(store: Any) -> None:
    rows = store.select(f"""SELECT ?e WHERE {{ ?e skos:inScheme <{ID}{CWC}> ; eg:validFrom ?d FILTER(str(?d) = "2020-06-07") }}""")
    assert {value(r["e"]).removeprefix(ID) for r in rows} >= {f"{CWC}/1.A.{n}" for n in (13, 14, 15, 16)}


def test_links_by_cas_join_eu_1c350_and_the_ag_precursor(store: Any) -> None:
    rows = store.select(f"""SELECT ?t ?cas WHERE {{ ?l eg:correspondenceOf <{ID}{EU}/1C350.1> ; eg:correspondsTo ?t .
        ?t eg:casNumber ?cas }}""")
    targets = {value(r["t"]).removeprefix(ID): value(r["cas"]) for r in rows}
    assert targets.get(f"{AG}/cwp-1") == "111-48-8"
    assert targets.get(f"{CWC}/2.B.13") == "111-48-8"
    # every EU 1C350 chemical is joined to the AG precursor with the same CAS number
    n = count(store, f"""?l eg:correspondenceOf ?e ; eg:correspondsTo ?e2 . ?e2 skos:broader <{ID}{AG}/chemical-precursors> .""")
    assert n >= 90


def test_pathogens_are_matched_by_name_not_by_number(store: Any) -> None:
    # EU 1C351.a.19 is Suid herpesvirus 1; US 1C351.a.19 is another virus: they must not reach the same AG item
    rows = store.select(f"""SELECT ?src ?label WHERE {{ ?l eg:correspondenceOf ?src ; eg:correspondsTo ?t . ?t skos:prefLabel ?label
        FILTER(?src IN (<{ID}{EU}/1C351.a.19>, <{ID}us/list/ccl/2026-07-23/1C351.a.19>)) }}""")
    got = {value(r["src"]).removeprefix(ID): value(r["label"]) for r in rows}
    assert got[f"{EU}/1C351.a.19"].startswith("Suid herpesvirus 1")
    assert got[f"{EU}/1C351.a.19"] != got.get("us/list/ccl/2026-07-23/1C351.a.19")


def test_derived_items_say_so(store: Any) -> None:
    n_derived = count(store, f"?e skos:inScheme <{ID}{AG}> ; eg:derivation ?d")
    n_unverified = count(store, f"?e skos:inScheme <{ID}{AG}> ; eg:derivation ?d ; eg:verification ?v FILTER(strends(str(?v), 'unverified'))")
    assert n_derived >= 150 and n_unverified == n_derived


def test_precursor_cas_numbers_match_the_eu_snapshot(store: Any) -> None:
    path = REFERENCE / "eu-annex-i" / "annex.json"
    if not path.exists():
        pytest.skip("reference snapshot absent")
    text = next(e["verbatim_text"] for e in json.loads(path.read_text(encoding="utf-8"))["entries"] if e["entry_code"] == "1C350")
    eu = dict(re.findall(r"^1C350\.(\d+) .*?\(CAS ([0-9-]+)\)", text, flags=re.M))
    rows = store.select(f"""SELECT ?n ?cas WHERE {{ ?e skos:broader <{ID}{AG}/chemical-precursors> ; skos:notation ?n ; eg:casNumber ?cas }}""")
    ours = {value(r["n"]): value(r["cas"]) for r in rows}
    assert ours == eu
