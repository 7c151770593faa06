"""The comparison engine on the real data and on hand-made positions."""

from __future__ import annotations

import datetime as dt

import pytest

from exportgraph.exc import BadRequest
from exportgraph.query import compare as C

BEFORE, NOW = dt.date(2023, 12, 31), dt.date(2026, 11, 29)
ALL = ["cn", "us", "eu", "jp"]


def pos(j: str, value: str, rank: int | None = None, quantity: dict | None = None,  # type: ignore[type-arg]
        absence: bool = False) -> dict:  # type: ignore[type-arg]
    return {"jurisdiction": j, "value": value, "value_label": value, "rank": rank, "quantity": quantity,
            "absence": absence}


def test_units_are_converted_not_compared_blindly() -> None:
    verdict, why = C.compare_pair(pos("cn", "a", quantity={"value": 45, "unit": "working-day"}),
                                  pos("us", "b", quantity={"value": 90, "unit": "calendar-day"}))
    assert verdict == "different" and "63" in why and "approximate" in why
    verdict, _ = C.compare_pair(pos("cn", "a", quantity={"value": 45, "unit": "working-day"}),
                                pos("jp", "b", quantity={"value": 60, "unit": "calendar-day"}))
    assert verdict == "similar"
    verdict, why = C.compare_pair(pos("cn", "a", quantity={"value": 45, "unit": "working-day"}),
                                  pos("eu", "national"))
    assert verdict == "not comparable"


def test_ranks_and_absence() -> None:
    assert C.compare_pair(pos("a", "x", 2), pos("b", "y", 3))[0] == "similar"
    assert C.compare_pair(pos("a", "x", 1), pos("b", "y", 3))[0] == "different"
    assert C.compare_pair(pos("a", "none", 1, absence=True), pos("b", "y", 2))[0] == "different"
    assert C.compare_pair(pos("a", "x", 2), pos("b", "x", 2))[0] == "same"


def test_every_dimension_has_all_four_positions_today(store) -> None:  # type: ignore[no-untyped-def]
    result = C.compare(store, ALL, NOW)
    assert len(result["dimensions"]) >= 10
    for dim in result["dimensions"]:
        assert dim["missing"] == [], dim["dimension"]
        assert dim["outcome"] in ("converge", "diverge")
        for p in dim["positions"]:
            assert p["evidence"], f"{p['id']} has no evidence"
            assert any(s["url"].startswith("http") for s in p["sources"]), p["id"]


def test_answers_differ_where_facts_changed(store) -> None:  # type: ignore[no-untyped-def]
    then = {d["dimension"]: d for d in C.compare(store, ALL, BEFORE)["dimensions"]}
    now = {d["dimension"]: d for d in C.compare(store, ALL, NOW)["dimensions"]}
    changed = [k for k in now if [p["value"] for p in now[k]["positions"]] != [p["value"] for p in then[k]["positions"]]]
    assert len(changed) >= 3
    cn_limit_now = next(p for p in now["licensing-time-limit"]["positions"] if p["jurisdiction"] == "cn")
    assert cn_limit_now["quantity"] == {"value": 45, "unit": "working-day"}
    assert any(e["id"] == "cn/regulation/dual-use-items-2024/art-17" for e in cn_limit_now["evidence"])


def test_output_is_reproducible_and_ordered(store) -> None:  # type: ignore[no-untyped-def]
    a = C.compare(store, ["us", "cn", "jp", "eu"], NOW)
    b = C.compare(store, ALL, NOW)
    assert a == b
    assert [d["dimension"] for d in a["dimensions"]] == sorted(d["dimension"] for d in a["dimensions"])


def test_bad_requests(store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadRequest):
        C.compare(store, ["cn"], NOW)
    with pytest.raises(BadRequest, match="unknown dimension"):
        C.compare(store, ALL, NOW, ["no-such-dimension"])


def test_regime_overlap(store) -> None:  # type: ignore[no-untyped-def]
    result = C.regime_overlap(store, ALL, NOW)
    assert "regime/wa" in result["participation"]["us"] and "regime/wa" not in result["participation"]["cn"]
    pair = next(p for p in result["pairs"] if (p["a"], p["b"]) == ("cn", "us"))
    assert "regime/nsg" in pair["shared"] and "regime/wa" in pair["only_b"]
    assert 0 < pair["jaccard"] < 1


def test_item_level_comparisons(store) -> None:  # type: ignore[no-untyped-def]
    cov = C.list_coverage(store, "eu/list/annex-i/2025-11-15", "us/list/ccl/2026-07-23")
    assert cov["entries"] == 384 and 0.5 < cov["share"] < 1
    assert cov["with_counterpart"] + len(cov["without_counterpart"]) == cov["entries"]
    base = C.multilateral_baseline(store, "us/list/ccl/2026-07-23")
    assert base["by_regime"]["regime/wa"] > 100 and base["multilateral_share"] < 1
