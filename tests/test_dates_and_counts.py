"""Answers about dates (issue "every fact right ... dated back to 2000"): as_of outside the graph's dates says
so, time limits say whether their basis binds, head-counts come from dated memberships."""

from __future__ import annotations

import datetime as dt
from typing import Any

from exportgraph.query import base as Q
from exportgraph.query.compare import compare


def test_compare_before_the_data_says_so(store: Any) -> None:
    early = compare(store, ["cn", "us", "eu", "jp"], dt.date(1990, 1, 1))
    assert early["note"] and "before the earliest" in early["note"]
    assert compare(store, ["cn", "us", "eu", "jp"], dt.date(2015, 1, 1))["note"] is None


def test_compare_in_2005_shows_nothing_that_began_later(store: Any) -> None:
    result = compare(store, ["cn", "us", "eu", "jp"], dt.date(2005, 1, 1))
    starts = [p["valid_from"] for d in result["dimensions"] for p in d["positions"]]
    assert starts and all(s <= "2005-01-01" for s in starts)


def test_time_limits_say_what_binds(store: Any) -> None:
    limits = Q.time_limits(store)
    by_basis = {(t["jurisdiction"], t["value"], t["unit"]): t["binding"] for t in limits}
    assert by_basis[("cn", 45, "working-day")] == "statutory"
    assert by_basis[("us", 90, "calendar-day")] == "statutory"
    # The ITAR's 60 days is a processing target from a presidential directive, published as a notice.
    assert by_basis[("us", 60, "calendar-day")] == "target or policy"
    # Japan sets no statutory limit for these licences (FEFTA Art. 55-13 disapplies the APA's standard period).
    assert not [t for t in limits if t["jurisdiction"] == "jp" and t["binding"] == "statutory"]


def test_headcounts_follow_dated_memberships(store: Any) -> None:
    wa = Q.headcounts(store, "regime/wa")
    assert wa[0]["date"] == "1996-07-12"
    assert wa[-1]["participant"] == 42 and wa[-1]["date"] == "2017-12-08"  # India, the 42nd
    counts = [row["participant"] for row in wa]
    assert counts == sorted(counts)


def test_memberships_before_any_regime_say_so(client: Any) -> None:
    body = client.get("/api/memberships", params={"as_of": "1960-01-01"}).json()
    # only undated "notable non-member" records may appear; no participation is claimed before any regime existed
    assert not [m for m in body["items"] if m["status"] != "non-member"]
    assert "before the earliest" in body["note"]
    assert client.get("/api/regimes/regime/nsg/headcount").json()["items"][-1]["participant"] == 48
    assert client.get("/api/regimes/regime/nowhere/headcount").status_code == 404
