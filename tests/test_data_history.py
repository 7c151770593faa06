"""History of the data back to 2000: dated positions and measures, the EU repeal chain, Annex I editions,
Japan's catch-all before and after the 2025 revision, and the numbering of EU acts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exportgraph.query.base import value

ROOT = Path(__file__).resolve().parent.parent
EG = "https://w3id.org/exportgraph/id/"


def compare_cli(build_dir: Path, as_of: str) -> dict:
    env = dict(os.environ, EXPORTGRAPH_BUILD_DIR=str(build_dir))
    out = subprocess.run([sys.executable, "-m", "exportgraph", "compare", "cn,us,eu,jp", "--as-of", as_of,
                          "--format", "json"], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize("as_of", ["2005-01-01", "2015-01-01", "2023-12-31"])
def test_compare_shows_no_position_that_began_later(built, build_dir: Path, as_of: str) -> None:
    result = compare_cli(build_dir, as_of)
    shown = [p for d in result["dimensions"] for p in d["positions"]]
    assert shown, "compare returned no positions"
    for p in shown:
        assert p["valid_from"] is not None, p["id"]
        assert p["valid_from"] <= as_of, (p["id"], p["valid_from"])
        assert p["valid_until"] is None or p["valid_until"] >= as_of, (p["id"], p["valid_until"])


def test_compare_2005_has_no_later_programmes(built, build_dir: Path) -> None:
    result = compare_cli(build_dir, "2005-01-01")
    by_dim = {d["dimension"]: {p["jurisdiction"]: p for p in d["positions"]} for d in result["dimensions"]}
    # Japan's compliance standards (2010) and the US VEU programme (2007) must not show in 2005.
    assert "jp" not in by_dim["icp-requirement"]
    assert by_dim["trusted-party-programme"]["us"]["value"] != "exporter-and-end-user"
    # The EU position in 2005 rests on Regulation 1334/2000, not on 2021/821.
    assert by_dim["list-making"]["eu"]["valid_from"] == "2000-09-28"
    assert by_dim["end-use-end-user-control"]["eu"]["value"] == "wmd-and-military"


def test_every_position_and_measure_is_dated(store) -> None:
    rows = store.select("""SELECT ?s WHERE { { ?s a eg:Position } UNION { ?s a eg:ControlMeasure }
        FILTER NOT EXISTS { ?s eg:validFrom ?d } }""")
    assert [value(r["s"]) for r in rows] == []


def test_eu_repeal_chain(store) -> None:
    rows = store.select(f"""SELECT ?a ?b WHERE {{ ?a eli:repeals ?b
        VALUES ?a {{ <{EG}eu/regulation/2021-821> <{EG}eu/regulation/428-2009> }} }}""")
    pairs = {(value(r["a"]).removeprefix(EG), value(r["b"]).removeprefix(EG)) for r in rows}
    assert ("eu/regulation/2021-821", "eu/regulation/428-2009") in pairs
    assert ("eu/regulation/428-2009", "eu/regulation/1334-2000") in pairs
    dates = {}
    for rid in ("eu/regulation/1334-2000", "eu/regulation/428-2009", "eu/regulation/2021-821"):
        row = store.select(f"SELECT ?f WHERE {{ <{EG}{rid}> eli:first_date_entry_in_force ?f }}")
        assert row, rid
        dates[rid] = value(row[0]["f"])
    assert dates == {"eu/regulation/1334-2000": "2000-09-28", "eu/regulation/428-2009": "2009-08-27",
                     "eu/regulation/2021-821": "2021-09-09"}
    # each regulation ends the day before its successor starts
    ends = store.select(f"""SELECT ?r ?u WHERE {{ ?r eg:validUntil ?u
        VALUES ?r {{ <{EG}eu/regulation/1334-2000> <{EG}eu/regulation/428-2009> }} }}""")
    assert {value(r["r"]).removeprefix(EG): value(r["u"]) for r in ends} == {
        "eu/regulation/1334-2000": "2009-08-26", "eu/regulation/428-2009": "2021-09-08"}


def test_annex_i_editions_date_the_list(store) -> None:
    rows = store.select(f"""SELECT ?e ?d WHERE {{ ?e a eg:ListEdition ; eg:editionOf <{EG}eu/list/annex-i> ;
        eg:validFrom ?d }} ORDER BY ?d""")
    dates = [value(r["d"]) for r in rows]
    assert dates[0] == "2000-09-28"
    assert {"2009-08-27", "2021-09-09", "2025-11-15"} <= set(dates)
    assert len(dates) == len(set(dates))


def test_japan_group_a_catch_all_before_and_after_2025(store) -> None:
    def measure(rid: str) -> dict:
        rows = store.select(f"""SELECT ?f ?u ?desc WHERE {{ <{EG}{rid}> eg:validFrom ?f
            OPTIONAL {{ <{EG}{rid}> eg:validUntil ?u }}
            OPTIONAL {{ <{EG}{rid}> eg:description ?desc FILTER(lang(?desc) = "en") }} }}""")
        assert rows, rid
        return {k: value(v) for k, v in rows[0].items()}
    before = measure("jp/measure/catch-all/2002-04-01")
    after = measure("jp/measure/catch-all")
    assert before["f"] == "2002-04-01" and before["u"] == "2025-10-08"
    assert after["f"] == "2025-10-09" and after["u"] is None
    assert "outside the catch-all altogether" in before["desc"]
    assert "Group A" in after["desc"] and "only by the inform requirement" in after["desc"]
    # no description of the pre-2025 rule may claim that Group A was subject to the inform requirement
    rows = store.select("""SELECT ?s ?desc WHERE { ?s eg:jurisdiction ?j ; eg:description ?desc ;
        eg:validUntil ?u FILTER(STR(?u) < "2025-10-09" && CONTAINS(STR(?desc), "Group A")
        && CONTAINS(LCASE(STR(?desc)), "only the inform")) }""")
    assert rows == []


def test_eu_numbering_explanation(store) -> None:
    rows = store.select(f"""SELECT ?s ?desc WHERE {{ ?s eg:description ?desc
        VALUES ?s {{ <{EG}eu/regulation/2021-821> <{EG}eu/regulation/428-2009> <{EG}eu/regulation/1334-2000> }} }}""")
    texts = {value(r["s"]).removeprefix(EG): value(r["desc"]) for r in rows}
    for rid, text in texts.items():
        # the prefix follows the treaty at adoption, not the adopting institution
        assert "A Council act, hence" not in text, rid
        assert "Parliament and the Council, so it is designated" not in text, rid
    assert "Lisbon" in texts["eu/regulation/2021-821"]
    assert "Treaty establishing the European Community" in texts["eu/regulation/428-2009"]
