"""EU Annex I notes, glossary and Annex IV; Japan's Appended Table 1 labels (issue 10, "the EU" and "Japan").

Counts in the built graph are compared with the reference snapshots the lists were derived from (those
comparisons are skipped when ../shared/reference is absent)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from exportgraph.graph.terms import ID
from exportgraph.query.base import value
from tests.conftest import REFERENCE

EU_ED = "eu/list/annex-i/2025-11-15"
JP_ED = "jp/list/appended-table-1/2026-06-05"
GLOSSARY = f"{EU_ED}/glossary"
ANNEX_IV = "eu/list/annex-iv/2025-11-15"
LINE = re.compile(r"^(\d[A-E]\d{3}(?:\.[a-z0-9]+)*)\.?\s+(.*)$")
NOTE = re.compile(r"^(N\.B\.|Notes?\b|Technical Notes?\b|Note \d)", re.I)


def reference(*parts: str) -> Path:
    path = REFERENCE.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference snapshot {path} is absent (it lives in ../shared/reference, not in the repository)")
    return path


def eu_snapshot() -> dict[str, Any]:
    return json.loads(reference("eu-annex-i", "annex.json").read_text(encoding="utf-8"))


def snapshot_lines() -> list[tuple[str, str]]:
    out = []
    for e in eu_snapshot()["entries"]:
        for ln in e["verbatim_text"].split("\n"):
            m = LINE.match(ln.strip())
            if m:
                out.append((m.group(1), m.group(2).strip()))
    return out


def count(store: Any, where: str) -> int:
    return int(value(store.select(f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {where} }}")[0]["n"]))


def eu_notations(store: Any) -> set[str]:
    rows = store.select(f"SELECT ?c WHERE {{ ?e skos:inScheme <{ID}{EU_ED}> ; skos:notation ?c }}")
    return {value(r["c"]) for r in rows}


def notes_of_kind(store: Any, kinds: list[str]) -> int:
    values = " ".join(f"'{k}'" for k in kinds)
    return count(store, f"""?e a eg:EntryNote ; eg:noteKind ?k . ?k skos:notation ?kn . VALUES ?kn {{ {values} }}
        FILTER(STRSTARTS(STR(?e), '{ID}{EU_ED}/'))""")


# ---------------------------------------------------------------- EU notes

@pytest.mark.parametrize("prefix,kinds", [
    ("N.B.", ["nota-bene"]),
    ("Technical Note", ["technical-note"]),
    ("Note", ["note", "decontrol-note"]),
])
def test_eu_entry_notes_per_kind_against_snapshot(store: Any, prefix: str, kinds: list[str]) -> None:
    """Every note line of the snapshot is at least one EntryNote of its kind (a line may hold several notes)."""
    lines = [t for _, t in snapshot_lines() if NOTE.match(t)]
    if prefix == "Note":
        expected = sum(1 for t in lines if re.match(r"^Notes?\b", t))
    else:
        expected = sum(1 for t in lines if t.startswith(prefix))
    assert expected > 50
    assert notes_of_kind(store, kinds) >= expected


def test_eu_general_notes(store: Any) -> None:
    docs = {d["doc_type"]: d for d in eu_snapshot()["docs"]}
    numbered = [ln for ln in docs["general_notes"]["verbatim_text"].split("\n") if re.match(r"^\d+\s", ln)]
    general = [k for k in ("general_software_note", "general_technology_note", "nuclear_technology_note") if k in docs]
    assert notes_of_kind(store, ["general-note"]) >= len(numbered) + len(general)
    gtn = store.select(f"SELECT ?c WHERE {{ <{ID}{EU_ED}/gtn> eg:noteOf ?c }}")
    assert {value(r["c"]) for r in gtn} >= {f"{ID}{EU_ED}/category-3", f"{ID}{EU_ED}/category-9"}


def test_eu_notes_carry_no_text(store: Any) -> None:
    """The graph records where a note is and what kind it is; its words are read in the official text."""
    assert count(store, f"""?e a eg:EntryNote ; eg:description ?d FILTER(STRSTARTS(STR(?e), '{ID}{EU_ED}/'))""") == 0
    assert count(store, f"""?e a eg:EntryNote ; eg:noteOf ?x ; eg:officialText ?u
        FILTER(STRSTARTS(STR(?e), '{ID}{EU_ED}/'))""") >= 800


def test_eu_note_attached_to_the_item_it_names(store: Any) -> None:
    """'Note 2: 5A004.b. does not include: a. ...' qualifies 5A004.b, is a decontrol note, and its lettered
    paragraphs are not entries."""
    rows = store.select(f"""SELECT ?kn WHERE {{ ?n eg:noteOf <{ID}{EU_ED}/5A004.b> ; skos:notation 'Note 2' ;
        eg:noteKind ?k . ?k skos:notation ?kn }}""")
    assert [value(r["kn"]) for r in rows] == ["decontrol-note"]


def test_no_eu_code_made_from_a_note(store: Any) -> None:
    """The paragraphs of a Note or Technical Note ending with ':' are not entries (9A106.d.a, 9A004.f.2.1 ...)."""
    lines = snapshot_lines()
    made, open_note = set(), None
    for code, text in lines:
        if NOTE.match(text):
            open_note = code if text.rstrip().endswith(":") else None
        elif open_note and code.startswith(open_note + "."):
            made.add(code)
        else:
            open_note = None
    assert {"9A106.d.a", "9A004.f.2.1", "5A004.b.2.a"} <= made
    graph = eu_notations(store)
    assert not made & graph, sorted(made & graph)
    # EU codes alternate letters and numbers below the five-character entry; the known exceptions are the
    # numbered chemicals of 1C350 (1C350.1 ...) and 0B004.b.10.1-.4 as the snapshot codes them.
    odd = set()
    for c in graph:
        segs = c.split(".")
        if len(segs) < 2 or c.startswith("category") or c.startswith(("1C350.", "0B004.b.10.")):
            continue
        kinds = ["d" if s.isdigit() else "a" for s in segs[1:]]
        if kinds[0] != "a" or any(x == y for x, y in zip(kinds, kinds[1:], strict=False)):
            odd.add(c)
    assert not odd, sorted(odd)[:10]


def test_1c010_items_recoded(store: Any) -> None:
    graph = eu_notations(store)
    assert {"1C010.e.1", "1C010.e.2.c"} <= graph and not {c for c in graph if c.startswith("1C010.1")}


# ---------------------------------------------------------------- EU glossary and Annex IV

def test_eu_glossary_size(store: Any) -> None:
    text = next(d for d in eu_snapshot()["docs"] if d["doc_type"] == "definitions_annex")["verbatim_text"]
    defined = [ln for ln in text.split("\n") if ln.startswith('"') and not re.search(r'-\s*see\s+"', ln[:120])]
    n = count(store, f"?e a eg:DefinedTerm ; skos:inScheme <{ID}{GLOSSARY}>")
    assert n == len(defined) and n > 150


def test_eu_defined_terms_used_by_entries(store: Any) -> None:
    for term, entry in [("technology", "3E001"), ("development", "3E001"), ("nuclear-reactor", "0A001.a")]:
        assert count(store, f"<{ID}{EU_ED}/{entry}> eg:usesTerm ?e FILTER(?e = <{ID}{GLOSSARY}/{term}>)") == 1, (term, entry)
    assert count(store, f"?e eg:usesTerm <{ID}{GLOSSARY}/technology>") > 50
    # every term link goes to a term of the glossary
    assert count(store, f"""?x eg:usesTerm ?e FILTER(STRSTARTS(STR(?x), '{ID}{EU_ED}/'))
        FILTER NOT EXISTS {{ ?e skos:inScheme <{ID}{GLOSSARY}> }}""") == 0


def test_eu_annex_iv_collection(store: Any) -> None:
    rows = store.select(f"SELECT ?m WHERE {{ <{ID}{ANNEX_IV}> a eg:EntryCollection ; skos:member ?m }}")
    members = {value(r["m"]) for r in rows}
    assert f"{ID}{EU_ED}/0C002" in members
    assert all(m.startswith(f"{ID}{EU_ED}/") for m in members)


# ---------------------------------------------------------------- Japan

def jp_labels(store: Any) -> dict[str, dict[str, str]]:
    # The Order's rows and sub-items; the goods ordinance's items (notation 省令...) hang below them.
    rows = store.select(f"""SELECT ?c ?ja ?en ?o WHERE {{ ?e skos:inScheme <{ID}{JP_ED}> ; skos:notation ?c .
        FILTER(!STRSTARTS(?c, "省令"))
        OPTIONAL {{ ?e skos:prefLabel ?ja FILTER(lang(?ja) = 'ja') }}
        OPTIONAL {{ ?e skos:prefLabel ?en FILTER(lang(?en) = 'en') }}
        OPTIONAL {{ ?e eg:labelOrigin ?lo . ?lo skos:notation ?o }} }}""")
    return {value(r["c"]): {"ja": value(r["ja"]) or "", "en": value(r["en"]) or "", "origin": value(r["o"]) or ""}
            for r in rows}


def test_jp_every_row_and_sub_item_has_an_english_label(store: Any) -> None:
    labels = jp_labels(store)
    subs = {c: v for c, v in labels.items() if "(" in c}
    assert len(labels) - len(subs) == 17 and len(subs) == 248
    assert all(v["en"].strip() and v["ja"].strip() for v in labels.values())
    assert all(v["origin"] == "editors-translation" for v in subs.values())


def test_jp_japanese_labels_are_not_defective(store: Any) -> None:
    bad = {}
    for code, v in jp_labels(store).items():
        ja = v["ja"]
        if re.fullmatch(r"[（）()一二三四五六七八九十〇の、\s\d]*", ja):
            bad[code] = "only brackets or numerals"
        elif ja.endswith(("であつて", "であって")):
            bad[code] = "ends with であつて"
        elif ja.count("（") != ja.count("）"):
            bad[code] = "unbalanced parenthesis"
    assert not bad, bad


def test_jp_labels_are_pieces_of_the_source(store: Any) -> None:
    ref = json.loads(reference("jp-export-trade-control-order", "beppyo1_yushutsurei_20260605.json").read_text("utf-8"))
    first = {"9": "（七）", "15": "チャネルの数が一、〇〇〇を超える"}
    labels = jp_labels(store)
    assert labels["9(11)"]["ja"].startswith(first["9"]) and len(labels["9(11)"]["ja"]) > len(first["9"])
    assert labels["15(4)"]["ja"].startswith(first["15"])
    assert sum(len(r["items"]) for r in ref["beppyo_1"]) == sum(1 for c in labels if "(" in c)
