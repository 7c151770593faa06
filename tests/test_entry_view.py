"""The entry view (CLI `entry`, REST /api/entries): the regime item and every national entry, each with its
scheme, edition and link type to the regime item; warnings where a same code is not the same item; the
parameters side by side with which is stricter."""

from __future__ import annotations

import json
from typing import Any

import pytest

from exportgraph.query import items as I
from exportgraph.query.parameters import side_by_side


def test_3b001_in_every_list_with_its_regime_item(store: Any) -> None:
    found = {e["list"]: e for e in I.lookup(store, "3B001")}
    assert found["regime/wa/list/dual-use"]["code"] == "3.B.1"
    assert found["regime/wa/list/dual-use"]["regime_link"] == "regime item"
    for national in ("eu/list/annex-i", "us/list/ccl"):
        links = found[national]["regime_links"]
        assert any(lk["target"] == "regime/wa/list/dual-use/2025-12-01/3B001" and lk["match"] in ("exact", "close")
                   and lk["method"] for lk in links), links
        assert found[national]["edition"].startswith(national)
    japan = found["jp/list/appended-table-1"]
    assert japan["found_via"] and "3.B.1" in japan["found_via"]
    # China's list has no 3B001 (China is not a Wassenaar participant): the view says so, it does not go silent.
    assert any("cn/list/dual-use-items" in w for w in I.lookup_warnings(store, list(found.values())))


def test_the_mtcr_item_with_the_same_spelling_is_not_the_wassenaar_item(store: Any) -> None:
    assert not [e for e in I.lookup(store, "3B001") if e["list"] == "regime/mtcr/list/annex"]


def test_same_code_different_item_is_flagged(store: Any) -> None:
    found = I.lookup(store, "1C351.a.19")
    warnings = I.lookup_warnings(store, found)
    if not any("different item" in w for w in warnings):
        pytest.fail(f"EU and US 1C351.a.19 are different viruses; the view must say so: {warnings}")


def test_parameters_side_by_side_say_which_is_stricter(store: Any) -> None:
    rows = side_by_side(store, I.lookup(store, "3B001"))["rows"]
    paired = [r for r in rows if r["a_value"] and r["b_value"]]
    assert len(paired) >= 10
    assert {r["verdict"] for r in paired} <= {"same", "stricter", "looser", "not comparable"}
    assert any("193 nm" in r["a_value"] for r in paired)


def test_cli_entry_json(built: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from exportgraph.cli import main

    monkeypatch.setenv("EXPORTGRAPH_BUILD_DIR", str(built.dataset.parent))
    assert main(["entry", "3A090", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [e["list"] for e in out["entries"] if e["code"] == "3A090"] == ["us/list/ccl"]
    assert any("total processing performance" in r["a_value"] for r in out["parameters"]["rows"])


def test_rest_entries_carry_warnings_and_parameters(client: Any) -> None:
    body = client.get("/api/entries", params={"code": "3B001"}).json()
    assert body["total"] >= 4 and "warnings" in body and body["parameters"]["rows"]


def test_reverse_customs_lookup_is_labelled(store: Any) -> None:
    gallium = I.customs_candidates(store, "8112.92")
    assert {"cn", "eu", "us", "jp"} <= set(gallium["candidates"])
    assert any(e["basis"] == "official" for e in gallium["candidates"]["cn"])
    for j in ("eu", "us", "jp"):
        assert {e["basis"] for e in gallium["candidates"][j]} == {"indicative"}
    equipment = I.customs_candidates(store, "8486.20")
    assert {"eu", "us", "jp"} <= set(equipment["candidates"])
    for j in ("eu", "us", "jp"):
        assert {e["relation"] for e in equipment["candidates"][j]} == {"same code"}
    # China's catalogue gives no code under 8486.20, only 8486.90 (parts) for rare-earth items: those are
    # offered as "same heading" candidates, official as catalogue links, and the answer says they are not
    # candidates for goods of 8486.20.
    assert equipment["same_heading_only_in"] == ["cn"] and equipment["no_candidate_in"] == []
    china = equipment["candidates"]["cn"]
    assert {e["relation"] for e in china} == {"same heading"} and {e["basis"] for e in china} == {"official"}
    assert all(v.startswith("848690") for e in china for v in e["linked_via"])
    # A jurisdiction with direct candidates gets no same-heading ones, and candidates are ranked.
    assert all(e["relation"] != "same heading" for e in equipment["candidates"]["eu"])
    ranks = [I.RELATION_RANK[e["relation"]] for e in gallium["candidates"]["cn"]]
    assert ranks == sorted(ranks)
