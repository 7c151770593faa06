"""Core facts (issue "core facts"): a sample of verified values per part of data/core, the corrections
of the outline check, and the three questions of the outline answered through the CLI at two dates."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from typing import Any

import pytest

from exportgraph.graph.terms import ID
from exportgraph.query import base as queries
from exportgraph.query import compare

D_2023 = dt.date(2023, 12, 31)
D_2026 = dt.date(2026, 11, 29)


def iri(record_id: str) -> str:
    return f"<{ID}{record_id}>"


def one(store: Any, sparql: str) -> Any:
    rows = store.select(sparql)
    assert len(rows) == 1, f"expected one row, got {len(rows)}: {sparql}"
    return {k: queries.value(v) for k, v in rows[0].items()}


# ---------------------------------------------------------------- regimes and memberships

def test_six_regimes_with_counts_and_founding(store: Any) -> None:
    regimes = {r["id"]: r for r in queries.regimes(store)}
    assert set(regimes) == {"regime/wa", "regime/nsg", "regime/mtcr", "regime/ag", "regime/zc", "regime/cwc"}
    assert regimes["regime/wa"]["participants"] == 42
    assert regimes["regime/wa"]["participants_as_of"] == "2017-12-08"
    assert regimes["regime/mtcr"]["participants"] == 35
    assert regimes["regime/nsg"]["participants"] == 48
    assert regimes["regime/ag"]["participants"] == 43
    assert regimes["regime/wa"]["founded"] == "1995-12-19"
    assert regimes["regime/mtcr"]["founded"] == "1987-04-16"
    assert regimes["regime/ag"]["founded"] == "1985-06-01"


@pytest.mark.parametrize("regime, founded, precision", [
    ("regime/ag", "1985-06-01", "month"), ("regime/zc", "1971-01-01", "year"), ("regime/nsg", "1975-01-01", "year")])
def test_founding_dates_carry_their_precision(store: Any, regime: str, founded: str, precision: str) -> None:
    row = one(store, f"SELECT ?f ?p WHERE {{ {iri(regime)} eg:foundedOn ?f ; eg:datePrecision ?x . ?x skos:notation ?p }}")
    assert (row["f"], row["p"]) == (founded, precision)


def membership(store: Any, m: str) -> dict[str, Any]:
    found = [x for x in queries.memberships(store) if x["id"] == m]
    assert found, f"no membership {m}"
    return found[0]


@pytest.mark.parametrize("m, status, start", [
    ("membership/cn/nsg", "participant", "2004-06-10"),
    ("membership/cn/zc", "participant", "1997-10-16"),
    ("membership/us/wa", "participant", "1996-07-12"),
    ("membership/jp/wa", "participant", "1996-07-12"),
    ("membership/us/mtcr", "participant", "1987-04-16"),
    ("membership/eu/ag", "participant", "1985-06-01"),
    ("membership/nl/mtcr", "participant", "1990-01-01"),
    ("membership/us/zc", "participant", "1974-08-22"),
    ("membership/de/zc", "participant", "1974-08-22"),
    ("membership/cn/wa", "non-member", None),
    ("membership/cn/mtcr", "non-member", None),
    ("membership/cn/ag", "non-member", None),
])
def test_memberships(store: Any, m: str, status: str, start: str | None) -> None:
    found = membership(store, m)
    assert (found["status"], found["valid_from"]) == (status, start)


def test_month_and_year_precision_memberships(store: Any) -> None:
    rows = store.select("""SELECT ?m ?p ?d WHERE { ?m a eg:RegimeMembership ; eg:datePrecision ?x ; eg:validFrom ?d .
        ?x skos:notation ?p }""")
    got = {queries.rid(queries.value(r["m"])): (queries.value(r["p"]), queries.value(r["d"])) for r in rows}
    assert got["membership/eu/ag"][0] == "month"
    # A month or year date is the first day of that month or year, and says no more than that.
    assert all(d.endswith("-01") for p, d in got.values() if p == "month")
    assert all(d.endswith("-01-01") for p, d in got.values() if p == "year")


def test_china_is_participant_only_of_nsg_zc_cwc(store: Any) -> None:
    held = compare.regime_overlap(store, ["cn", "us"], D_2026)["participation"]
    assert held["cn"] == ["regime/cwc", "regime/nsg", "regime/zc"]
    assert {"regime/wa", "regime/mtcr", "regime/nsg", "regime/ag", "regime/zc"} <= set(held["us"])


def test_china_not_in_nsg_before_2004(store: Any) -> None:
    held = compare.regime_overlap(store, ["cn"], dt.date(2003, 12, 31))["participation"]
    assert "regime/nsg" not in held["cn"] and "regime/zc" in held["cn"]


# ---------------------------------------------------------------- counts per class

@pytest.mark.parametrize("cls, minimum", [("LegalInstrument", 40), ("Agency", 20), ("Dimension", 10),
                                          ("Recommendation", 5), ("Claim", 9)])
def test_class_counts(store: Any, cls: str, minimum: int) -> None:
    n = one(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a eg:{cls} }}")["n"]
    assert n >= minimum, f"{cls}: {n} < {minimum}"


def test_each_dimension_has_a_position_for_the_four(store: Any) -> None:
    dims = compare.dimensions(store)
    assert len(dims) >= 10
    found = compare.positions(store, None, ["cn", "us", "eu", "jp"], [d["code"] for d in dims])
    held = {(p["dimension"], p["jurisdiction"]) for p in found}
    missing = [(d["code"], j) for d in dims for j in ("cn", "us", "eu", "jp") if (d["code"], j) not in held]
    assert not missing, f"dimensions without a position: {missing}"


def test_cases_with_events_through_2025(store: Any) -> None:
    cases = queries.cases(store)
    assert len(cases) >= 10
    assert max(c["last_event"] for c in cases) >= "2025-01-01"
    assert all(c["events"] >= 1 for c in cases)


def test_recommendations_link_dimensions_and_practices(store: Any) -> None:
    recs = queries.recommendations(store)
    assert len({r["id"] for r in recs}) >= 5
    for r in recs:
        assert r["dimension"].startswith("dim/") and r["model_practice"] and r["learners"] == ["cn"]
    dangling = store.select("""SELECT ?p WHERE { ?r a eg:Recommendation ; eg:modelPractice ?p .
        FILTER NOT EXISTS { ?p a ?c } }""")
    assert not dangling


def test_every_claim_is_corrected_by_existing_records(store: Any) -> None:
    claims = store.select("SELECT ?c (COUNT(?x) AS ?n) WHERE { ?c a eg:Claim . OPTIONAL { ?c eg:correctedBy ?x } } GROUP BY ?c")
    assert len(claims) >= 9
    assert all(queries.value(r["n"]) >= 1 for r in claims), "a Claim without correctedBy"
    assert not store.select("SELECT ?x WHERE { ?c a eg:Claim ; eg:correctedBy ?x . FILTER NOT EXISTS { ?x a ?t } }")


def test_positions_link_the_new_memberships(store: Any) -> None:
    assert store.ask(f"ASK {{ {iri('position/multilateral-participation/eu')} eg:evidence {iri('membership/eu/ag')} }}")
    assert store.ask(f"ASK {{ {iri('position/multilateral-participation/us')} eg:evidence {iri('membership/us/zc')} }}")


# ---------------------------------------------------------------- corrections of the outline check

def test_itar_is_administered_by_ddtc_under_state(store: Any) -> None:
    assert store.ask(f"ASK {{ {iri('us/agency/ddtc')} org:subOrganizationOf {iri('us/agency/dos')} ; "
                     f"eg:administers {iri('us/rule/itar')} }}")
    assert store.ask(f"ASK {{ {iri('us/agency/bis')} org:subOrganizationOf {iri('us/agency/doc')} }}")


def test_regulation_2021_821(store: Any) -> None:
    row = one(store, f"""SELECT ?id ?force WHERE {{ {iri('eu/regulation/2021-821')} eli:id_local ?id ;
        eli:first_date_entry_in_force ?force ; eli:repeals {iri('eu/regulation/428-2009')} }}""")
    assert row == {"id": "Regulation (EU) 2021/821", "force": "2021-09-09"}


def test_china_45_working_days_in_art_17_and_no_60_days(store: Any) -> None:
    limits = [t for t in queries.time_limits(store, "cn", D_2026) if t["value"] == 45]
    assert limits and limits[0]["unit"] == "working-day"
    assert limits[0]["legal_basis"].startswith("cn/regulation/dual-use-items-2024")
    assert store.ask(f"ASK {{ ?q eg:numericValue ?n ; eg:legalBasis {iri('cn/regulation/dual-use-items-2024/art-17')} "
                     "FILTER(?n = 45) }")
    assert not store.ask("""ASK { ?l a eg:TimeLimit ; eg:numericValue ?n . ?p eg:jurisdiction ?j .
        { ?p eg:timeLimit ?l } UNION { ?p eg:quantity ?l } FILTER(?j = <%scn> && ?n = 60) }""" % ID)


def test_ear_time_limits(store: Any) -> None:
    got = {(t["legal_basis"], t["value"], t["unit"]) for t in queries.time_limits(store, "us")}
    assert ("us/rule/ear/750.2", 14, "calendar-day") in got
    assert ("us/rule/ear/750.4", 90, "calendar-day") in got


def test_ugeas_eu001_to_eu008(store: Any) -> None:
    rows = store.select("SELECT ?x ?id WHERE { ?x a eg:LicenceType ; eg:jurisdiction <%seu> ; dcterms:identifier ?id . "
                        "FILTER(STRSTARTS(?id, \"EU00\")) }" % ID)
    assert sorted({queries.value(r["id"]) for r in rows}) == [f"EU00{i}" for i in range(1, 9)]
    dest = {queries.value(r["d"]) for r in store.select(
        f"SELECT ?d WHERE {{ {iri('eu/licence/ugea/eu001')} eg:destination ?d }}")}
    assert {"US", "JP"} <= dest and "CN" not in dest


def test_china_nsg_yes_wa_no(store: Any) -> None:
    assert membership(store, "membership/cn/nsg")["status"] == "participant"
    assert membership(store, "membership/cn/wa")["status"] == "non-member"


def test_no_compliance_enterprise_certification(store: Any) -> None:
    practices = {r["model_practice"] for r in queries.recommendations(store)
                 if r["id"] == "recommendation/compliance-incentives"}
    assert "eu/recommendation/2019-1318" in practices
    # The phrase may appear only where the graph says it does not exist, never as the name of a thing.
    assert not store.ask("""ASK { ?s ?p ?l . VALUES ?p { skos:prefLabel rdfs:label eli:title skos:altLabel }
        FILTER(CONTAINS(LCASE(STR(?l)), "compliance enterprise")) }""")


def test_veu_is_748_15(store: Any) -> None:
    assert store.ask(f"ASK {{ {iri('us/licence/veu')} eg:legalBasis {iri('us/rule/ear/748.15')} }}")


# ---------------------------------------------------------------- sources and dates

def test_every_record_has_a_source_with_a_url(store: Any) -> None:
    # Records are the minted ids; nodes with a '#' (citations) belong to their record.
    rows = store.select(f"""SELECT ?s WHERE {{ ?s a ?c . FILTER(STRSTARTS(STR(?s), "{ID}") && !CONTAINS(STR(?s), "#"))
        FILTER(STRSTARTS(STR(?c), "https://w3id.org/exportgraph/ontology#") || ?c = org:Membership)
        FILTER NOT EXISTS {{ ?s prov:wasDerivedFrom ?src . ?src dcat:landingPage ?url }}
        FILTER NOT EXISTS {{ ?s dcat:landingPage ?own }} }} LIMIT 20""")  # a source document has its own URL
    assert not rows, f"records without a sourced URL: {[queries.value(r['s']) for r in rows]}"


def test_every_date_parses(store: Any) -> None:
    rows = store.select("SELECT DISTINCT ?d WHERE { ?s ?p ?d . FILTER(isLiteral(?d) && datatype(?d) = xsd:date) }")
    assert len(rows) > 100
    bad = []
    for r in rows:
        try:
            dt.date.fromisoformat(r["d"].value)
        except ValueError:
            bad.append(r["d"].value)
    assert not bad


# ---------------------------------------------------------------- the three questions, through the CLI

def cli_query(built: Any, sparql: str) -> list[dict[str, str]]:
    out = subprocess.run([sys.executable, "-m", "exportgraph", "query", sparql, "--format", "json",
                          "--build-dir", str(built.directory)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def valid(var: str, day: dt.date) -> str:
    return queries.valid_at(var, day)


@pytest.fixture(scope="module")
def regimes_by_date(built: Any) -> dict[dt.date, dict[str, set[str]]]:
    out: dict[dt.date, dict[str, set[str]]] = {}
    for day in (D_2023, D_2026):
        rows = cli_query(built, f"""SELECT ?j ?r WHERE {{ ?m a eg:RegimeMembership ; org:member ?j ; org:organization ?r ;
            eg:membershipStatus ?st . ?st skos:notation "participant" . {valid('?m', day)} }}""")
        got: dict[str, set[str]] = {}
        for r in rows:
            got.setdefault(queries.rid(r["j"]) or "", set()).add(queries.rid(r["r"]) or "")
        out[day] = got
    return out


@pytest.mark.parametrize("day", [D_2023, D_2026])
def test_q1_regimes(regimes_by_date: dict[dt.date, dict[str, set[str]]], day: dt.date) -> None:
    got = regimes_by_date[day]
    assert got["cn"] == {"regime/nsg", "regime/zc", "regime/cwc"}
    assert got["us"] == {"regime/wa", "regime/nsg", "regime/mtcr", "regime/ag", "regime/zc", "regime/cwc"}
    assert got["jp"] == got["us"]
    assert got["eu"] == {"regime/ag"}


def test_q2_licensing_agencies(built: Any) -> None:
    rows = cli_query(built, """SELECT ?a ?j WHERE { ?a a eg:Agency ; eg:role ?r ; eg:jurisdiction ?aj . ?r skos:notation "licensing" .
        OPTIONAL { ?aj eg:memberStateOf ?union } BIND(COALESCE(?union, ?aj) AS ?j) }""")
    got: dict[str, set[str]] = {}
    for r in rows:
        got.setdefault(queries.rid(r["j"]) or "", set()).add(queries.rid(r["a"]) or "")
    assert "cn/agency/mofcom" in got["cn"]
    assert "us/agency/bis" in got["us"] and "us/agency/ddtc" in got["us"]
    assert got["jp"] == {"jp/agency/meti"}
    assert {"de/agency/bafa", "nl/agency/cdiu"} <= got["eu"]  # the EU licenses through member-state agencies


def time_limit_answer(built: Any, day: dt.date) -> dict[str, set[tuple[str, str, str]]]:
    rows = cli_query(built, f"""SELECT ?j ?n ?unit ?basis WHERE {{ ?p a eg:Position ; eg:dimension ?d ; eg:jurisdiction ?j ;
        eg:quantity ?q . ?d skos:notation "licensing-time-limit" . ?q eg:numericValue ?n ; eg:unit ?u ; eg:legalBasis ?basis .
        ?u skos:notation ?unit . {valid('?p', day)} }}""")
    got: dict[str, set[tuple[str, str, str]]] = {}
    for r in rows:
        got.setdefault(queries.rid(r["j"]) or "", set()).add((r["n"], r["unit"], queries.rid(r["basis"]) or ""))
    return got


def test_q3_time_limits_differ_for_china_between_dates(built: Any) -> None:
    before, now = time_limit_answer(built, D_2023), time_limit_answer(built, D_2026)
    assert before["cn"] == {("45", "working-day", "cn/regulation/nuclear-dual-use")}
    assert now["cn"] == {("45", "working-day", "cn/regulation/dual-use-items-2024/art-17")}
    assert before["cn"] != now["cn"]
    assert ("90", "calendar-day", "us/rule/ear/750.4") in now["us"]
    assert before["us"] == now["us"]
