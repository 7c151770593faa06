"""Thresholds as typed quantities: the shared parser (scripts/_thresholds.py) on literal lines, and
compare_parameters on the real build."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import _thresholds as T  # noqa: E402

from exportgraph.query.parameters import compare_parameters, compare_thresholds, similarity  # noqa: E402

EU = "eu/list/annex-i/2025-11-15/"
US = "us/list/ccl/2026-07-23/"


def one(text: str, eu: bool = False) -> T.LineResult:
    return T.parse_line(text, decimal_comma=eu)


# ------------------------------------------------------------------ parser (no build needed)

def test_gt_with_decimal_comma_and_unit_scaling() -> None:
    r = one("A bandwidth exceeding 3,2 GHz; or", eu=True)
    assert r.status == "whole"
    (t,) = r.thresholds
    assert (t.comparator, t.value, t.unit, t.symbol) == ("gt", Decimal("3.2e9"), "Hz", "GHz")
    assert t.parameter == "bandwidth"


def test_us_thousands_comma_and_or_more() -> None:
    (t,) = one("A 'total processing performance' of 4,800 or more; or").thresholds
    assert (t.parameter, t.comparator, t.value, t.unit) == ("total processing performance", "ge", 4800, "1")


def test_and_groups_and_dimensionless() -> None:
    r = one("A 'total processing performance' of 1600 or more and a 'performance density' of 5.92 or more.")
    assert r.status == "whole" and r.grouping == "and"
    assert [(t.parameter, t.value, t.group) for t in r.thresholds] == [
        ("total processing performance", 1600, 1), ("performance density", Decimal("5.92"), 1)]


def test_or_groups() -> None:
    r = one("Nozzles with thrust levels exceeding 45 kN or nozzle throat erosion rates of less than 0,075 mm/s;",
            eu=True)
    assert r.status == "whole" and r.grouping == "or"
    a, b = r.thresholds
    assert (a.comparator, a.value, a.unit, a.group) == ("gt", 45000, "N", 1)
    assert (b.comparator, b.value, b.unit, b.group) == ("lt", Decimal("0.000075"), "m/s", 2)


def test_bounded_range_and_frequency_range() -> None:
    r = one("A carrier frequency exceeding 1 GHz but not exceeding 6 GHz and having any of the following:",
            eu=True)
    (t,) = r.thresholds
    assert (t.comparator, t.value, t.upper, t.unit) == ("range", Decimal("1e9"), Decimal("6e9"), "Hz")
    (t,) = one("an operating pressure of 20 to 60 MPa.", eu=True).thresholds
    assert (t.comparator, t.value, t.upper, t.unit) == ("range", Decimal("2e7"), Decimal("6e7"), "Pa")


def test_equivalent_in_brackets_and_celsius() -> None:
    r = one("Hydrogen refrigeration units capable of cooling to 23 K (-250 °C) or less", eu=True)
    assert r.status == "whole"
    (t,) = r.thresholds
    assert (t.comparator, t.value, t.unit) == ("le", 23, "K")
    (t,) = one("heated to 600 °C or greater;").thresholds
    assert (t.comparator, t.value, t.unit, t.symbol) == ("ge", Decimal("873.15"), "K", "°C")


def test_lost_superscripts() -> None:
    (t,) = one('A "specific modulus" exceeding 10,15 × 106 m; and', eu=True).thresholds
    assert t.value == Decimal("10150000") and t.unit == "m"
    (t,) = one("having a 'C-NOT error' of less than or equal to 10-4;", eu=True).thresholds
    assert (t.comparator, t.value) == ("le", Decimal("0.0001"))


def test_better_than_is_not_guessed() -> None:
    r = one("Voltage regulation of better than 0,01 % over a period of 8 hours;", eu=True)
    assert r.status == "partial"
    assert [t.unit for t in r.thresholds] == ["s"]          # the period, not the regulation
    assert r.thresholds[0].group is None                     # grouping unknown on a partial line


def test_unknown_unit_is_not_guessed() -> None:
    r = one("A flow rate exceeding 5 furlongs per fortnight;")
    assert r.status == "none" and r.thresholds == []


def test_ambiguous_g_is_not_guessed() -> None:
    assert one("A value exceeding 90 g;").status == "none"
    (t,) = one("Net Explosive Quantity (NEQ) greater than 90 g; and", eu=True).thresholds
    assert (t.value, t.unit) == (Decimal("0.09"), "kg")


def test_references_are_not_quantities() -> None:
    r = one("Equipment specified in 3B001.a.1. or Category 5 Part 2 of Supplement No. 1 to part 740")
    assert r.status == "no-quantity"
    r = one('"Technology" for the "development" of equipment specified in 2A, 2B or 2D.', eu=True)
    assert r.status == "no-quantity"


def test_rejects_compound_unit_it_cannot_read() -> None:
    r = one("a 'memory bandwidth density' greater than 2 gigabytes per second per square millimeter.")
    assert r.thresholds == []


def test_tally() -> None:
    t = T.Tally()
    for line in ("exceeding 5 W", "better than 1 %", "no number here"):
        t.add(one(line))
    assert t.summary() == {"lines": 2, "whole": 1, "partial": 0, "none": 1}


# ------------------------------------------------------------------ compare_thresholds (no build needed)

def th(comp: str, value: float, unit: str = "Hz", upper: float | None = None) -> dict[str, object]:
    return {"comparator": comp, "value": value, "upper": upper, "unit": unit}


def test_verdicts() -> None:
    assert compare_thresholds(th("gt", 1e9), th("gt", 2e9)) == "stricter"    # lower 'exceeding' controls more
    assert compare_thresholds(th("gt", 2e9), th("gt", 1e9)) == "looser"
    assert compare_thresholds(th("ge", 1e9), th("gt", 1e9)) == "stricter"
    assert compare_thresholds(th("lt", 5), th("lt", 3)) == "stricter"        # higher 'less than' controls more
    assert compare_thresholds(th("range", 1, upper=10), th("range", 2, upper=5)) == "stricter"
    assert compare_thresholds(th("gt", 1), th("gt", 1)) == "same"
    assert compare_thresholds(th("gt", 1, "Hz"), th("gt", 1, "W")) == "not comparable"
    assert compare_thresholds(th("gt", 1), th("lt", 1)) == "not comparable"
    assert similarity("peak saturated power output", "saturated power output") > 0.5


# ------------------------------------------------------------------ on the real build

def test_eu_us_3b001_pair_up(store) -> None:  # type: ignore[no-untyped-def]
    r = compare_parameters(store, [EU + "3B001", US + "3B001"])
    c = r["comparisons"][0]
    assert len(c["pairs"]) >= 10
    pairs = {(p["a"]["notation"], p["b"]["notation"], p["a"]["unit"]): p["verdict"] for p in c["pairs"]}
    assert pairs[("3B001.a.1", "3B001.a.1", "m")] == "same"                 # 75 mm or more, both lists
    assert pairs[("3B001.h", "3B001.h", "m")] == "same"                     # wavelength less than 245 nm
    assert c["verdicts"].get("same", 0) >= 10


def test_us_3a090_thresholds(store) -> None:  # type: ignore[no-untyped-def]
    r = compare_parameters(store, [US + "3A090", EU + "3A090"])
    us = r["entries"][0]["thresholds"]
    tpp = [t for t in us if t["parameter"] == "total processing performance"]
    assert {t["value"] for t in tpp} >= {4800, 1600}
    assert all(t["unit"] == "1" for t in tpp)
    assert any(t["parameter"] == "performance density" and t["value"] == 5.92 for t in us)
    a2 = [t for t in us if t["notation"] == "3A090.a.2"]
    assert len({t["conditionGroup"] for t in a2}) == 1                    # TPP and density hold together
    assert r["entries"][1]["thresholds"] == []                             # the EU has no 3A090


def test_different_units_not_comparable(store) -> None:  # type: ignore[no-untyped-def]
    made_up = compare_parameters(store, [EU + "3B001", US + "3B001"])["comparisons"][0]["pairs"][0]
    a = dict(made_up["a"])
    b = dict(made_up["b"], unit="W")
    assert compare_thresholds(a, b) == "not comparable"


def test_5a002_and_4a003(store) -> None:  # type: ignore[no-untyped-def]
    for code in ("5A002", "4A003"):
        c = compare_parameters(store, [EU + code, US + code])["comparisons"][0]
        assert c["pairs"], code
        assert all(p["a"]["unit"] == p["b"]["unit"] for p in c["pairs"])


@pytest.mark.parametrize("prefix", [EU, US])
def test_thresholds_are_typed(store, prefix) -> None:  # type: ignore[no-untyped-def]
    rows = store.select(f"""SELECT (COUNT(?t) AS ?n) WHERE {{ ?e eg:threshold ?t . ?t eg:unit ?u ; eg:comparator ?c .
        FILTER(STRSTARTS(STR(?e), "https://w3id.org/exportgraph/id/{prefix}")) }}""")
    assert int(rows[0]["n"].value) > 1500
