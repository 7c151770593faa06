"""Every national entry whose code follows a regime's numbering links to a regime item, or a record says why
not (issue "every list complete": no silent gaps). Also: every such record names the regime list and a reason."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from exportgraph.query.base import rid, value

REGIME = "https://w3id.org/exportgraph/id/regime/"
LISTS = ("eu/list/annex-i", "us/list/ccl", "cn/list/dual-use-items")


def _regime_numbered(code: str, jurisdiction: str) -> bool:
    m = re.match(r"^([0-9])[A-E]([0-9])([0-9]{2})", code)
    if not m:
        return False
    third = m.group(2)
    if jurisdiction == "us" and (third == "6" or code[2:4] == "09"):
        return False  # 600 series (linked at entry level to the Munitions List) and US-only x09x entries
    return third in "01234"


def test_no_regime_numbered_entry_is_silent(store: Any) -> None:
    values = " ".join(f"<https://w3id.org/exportgraph/id/{x}>" for x in LISTS)
    rows = store.select(f"""SELECT ?e ?code ?l WHERE {{ VALUES ?l {{ {values} }} ?ed eg:editionOf ?l .
        ?e skos:inScheme ?ed ; skos:notation ?code }}""")
    said = {value(r["e"]) for r in store.select(f"""SELECT DISTINCT ?e WHERE {{ ?c eg:correspondenceOf ?e .
        {{ ?c eg:correspondsTo ?x }} UNION {{ ?c eg:counterpartList ?x }} FILTER(STRSTARTS(STR(?x), "{REGIME}")) }}""")}
    silent: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for r in rows:
        j = (rid(value(r["l"])) or "").split("/")[0]
        if not _regime_numbered(value(r["code"]), j):
            continue
        total[j] += 1
        if value(r["e"]) not in said:
            silent[j] += 1
    print("regime-numbered entries per list:", dict(total), "silent:", dict(silent))
    assert total["eu"] > 3000 and total["us"] > 3000 and total["cn"] > 600
    assert not silent, dict(silent)


def test_gap_records_name_their_list_and_reason(store: Any) -> None:
    rows = store.select("""SELECT ?c ?cl ?note WHERE { ?c eg:matchType ?t . ?t skos:notation "not-established" .
        OPTIONAL { ?c eg:counterpartList ?cl } OPTIONAL { ?c eg:note ?note } }""")
    assert rows
    assert all(r["cl"] is not None and value(r["cl"]).startswith(REGIME) for r in rows)
    assert all(r["note"] is not None and len(value(r["note"])) > 40 for r in rows)
