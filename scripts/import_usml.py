"""Import the US Munitions List (22 CFR 121.1) from the curated table scripts/curated/usml-2026-06-25.csv,
and the editors' links from the USML categories and the US '600 series' ECCNs to the Wassenaar Munitions
List (scripts/curated/usml-wa-ml-links.csv).

There is no USML data set in the reference snapshots. The curated table was written by the editors from
the eCFR XML of 22 CFR Part 121 retrieved on 2026-06-25 (a copy kept in the public repository
draygada/Caddy, commit bed4c4d, packages/classification/data/ecfr/raw/title-22-part-121.xml); the
labels are the editors' short names, not the regulation's wording. See scripts/README.md.

Writes data/lists/us-usml.yaml. Reads data/lists/us-ccl.yaml (for the 600-series ECCNs) and
data/lists/regime-lists.yaml (to check the Wassenaar Munitions List ids).
Run: /tmp/venv/bin/python scripts/import_usml.py
"""
from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import yaml
from _common import REPO, Date, parse_args, write_yaml

EDITION_DATE = "2026-06-25"
LIST = "us/list/usml"
EDITION = f"{LIST}/{EDITION_DATE}"
CURATED = REPO / "scripts" / "curated" / f"usml-{EDITION_DATE}.csv"
LINKS = REPO / "scripts" / "curated" / "usml-wa-ml-links.csv"
CCL_EDITION = "us/list/ccl/2026-07-23"
WA_ML = "regime/wa/list/munitions/2025-12-01"

URL = "https://www.ecfr.gov/current/title-22/chapter-I/subchapter-M/part-121/section-121.1"
URL_ON = f"https://www.ecfr.gov/on/{EDITION_DATE}/title-22/chapter-I/subchapter-M/part-121/section-121.1"
S_ECFR, S_COPY, S_EDIT = ("src/lists/usml/ecfr-22-121-1", "src/lists/usml/ecfr-xml-copy",
                          "src/lists/usml/wa-ml-links-editorial")

SOURCES = [
    {"id": S_ECFR, "title": {"en": f"22 CFR 121.1 — The United States Munitions List (eCFR, as of {EDITION_DATE})"},
     "url": URL, "issued": Date(EDITION_DATE), "publisher": {"en": "Office of the Federal Register (eCFR)"},
     "kind": "primary", "language": "en"},
    {"id": S_COPY, "title": {"en": f"eCFR XML of 22 CFR Part 121 retrieved {EDITION_DATE}, as kept in the repository "
                                   "draygada/Caddy (commit bed4c4d, packages/classification/data/ecfr/raw/title-22-part-121.xml)"},
     "url": "https://github.com/draygada/Caddy", "kind": "secondary", "language": "en"},
    {"id": S_EDIT, "title": {"en": "exportgraph editorial links: USML categories and US 600-series ECCNs to the "
                                   "Wassenaar Arrangement Munitions List categories"},
     "url": "https://w3id.org/exportgraph/id/src/lists/usml/wa-ml-links-editorial", "kind": "editorial",
     "language": "en"},
]

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI",
         "XVII", "XVIII", "XIX", "XX", "XXI"]
CODE = re.compile(r"^([IVX]+)((?:\([a-z]\))?)((?:\(\d+\))?)$")

EDITION_NOTE = (f"The editors read 22 CFR Part 121 in the eCFR XML retrieved on {EDITION_DATE}, kept in a public "
                "repository (not on ecfr.gov itself), so the edition date is that retrieval date and the text has "
                "not been checked on ecfr.gov. The latest amendments cited in the part are of 2025 (90 FR 41784, "
                "August 2025) and a 2026 change to Category X(b) (a funding cut-off for exoskeletons in January 2026).")
B_D_E = {"B": ("18", "test, inspection and production equipment for military items; WA ML18 covers production "
                     "equipment"),
         "D": ("21", "software for military items; WA ML21 covers software"),
         "E": ("22", "technology for military items; WA ML22 covers technology")}


def entry_id(code: str) -> tuple[str, str, str | None]:
    """(id, notation, broader id) of a USML code 'XI', 'XI(a)' or 'XI(a)(1)'."""
    m = CODE.match(code)
    assert m and m.group(1) in ROMAN, code
    cat, para, sub = m.group(1), m.group(2)[1:-1], m.group(3)[1:-1]
    if not para:
        return f"{EDITION}/{cat}", f"Category {cat}", None
    if not sub:
        return f"{EDITION}/{cat}.{para}", code, f"{EDITION}/{cat}"
    return f"{EDITION}/{cat}.{para}.{sub}", code, f"{EDITION}/{cat}.{para}"


def main():
    args = parse_args(__doc__)
    stats = Counter()
    with CURATED.open(encoding="utf-8") as f:
        curated = list(csv.DictReader(f))
    rows, ids = [], {}
    for r in curated:
        eid, notation, broader = entry_id(r["code"])
        assert eid not in ids, r["code"]
        assert broader is None or broader in ids, f"parent of {r['code']} must come first"
        ids[eid] = r["code"]
        stats["categories" if broader is None else "lettered paragraphs" if eid.count(".") == 1
              else "numbered sub-paragraphs"] += 1
        rows.append([eid, notation, r["label"].strip(), EDITION, broader,
                     "official" if broader is None else "editors-summary", URL, r["locator"], "secondary"])
    cats = [x for x in ids.values() if "(" not in x]
    assert cats == ROMAN, cats

    # links to the Wassenaar Munitions List
    out_dir = Path(args.out)
    regime = yaml.safe_load((out_dir / "regime-lists.yaml").read_text(encoding="utf-8"))
    wa_ids = {row[0] for t in regime.get("tables", []) for row in t["rows"] if str(row[0]).startswith(WA_ML + "/")}
    ccl_text = (out_dir / "us-ccl.yaml").read_text(encoding="utf-8")
    ccl_600 = sorted(set(re.findall(rf"\[{re.escape(CCL_EDITION)}/([0-9][A-E]6\d\d),", ccl_text)))
    links = []
    with LINKS.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            kind, code = r["from"].split(":")
            if kind == "usml":
                src, lid = f"{EDITION}/{code}", f"link/regime/usml/usml-{code}-ml{r['ml']}"
                assert src in ids, code
            else:
                src, lid = f"{CCL_EDITION}/{code}", f"link/regime/usml/ccl-{code}-ml{r['ml']}"
                assert code in ccl_600, code
            links.append([lid, src, f"{WA_ML}/ml{r['ml']}", r["type"], "manual", r["confidence"],
                          "Editors' comparison of the headings: " + r["basis"] + ". Entries not compared item by item."])
            stats[f"links from {'USML categories' if kind == 'usml' else '600-series ECCNs (A and C groups)'}"] += 1
    for code in ccl_600:
        if code[1] in B_D_E:
            ml, why = B_D_E[code[1]]
            links.append([f"link/regime/usml/ccl-{code}-ml{ml}", f"{CCL_EDITION}/{code}", f"{WA_ML}/ml{ml}", "related",
                          "manual", "low", f"By product group: {code} is {why}. Not compared item by item."])
            stats["links from 600-series ECCNs (B, D and E groups)"] += 1
    for link in links:
        assert link[2] in wa_ids, link[2]
    assert len({x[0] for x in links}) == len(links)

    records = [
        {"id": LIST, "type": "ControlList", "source": S_ECFR,
         "skos:prefLabel": {"en": "United States Munitions List (USML)"},
         "skos:altLabel": {"en": "USML"},
         "eg:jurisdiction": "us", "eg:maintainedBy": "us/agency/ddtc", "eg:establishedBy": "us/rule/itar",
         "eg:goodsCategory": "munitions", "eg:officialText": URL,
         "eg:description": {"en": "The list of defense articles, technical data and defense services controlled under "
                                  "the ITAR, in 21 categories (22 CFR 121.1). Each category enumerates articles in "
                                  "lettered paragraphs, ending with technical data and defense services and a "
                                  "paragraph (x) for EAR items used with them."}},
        {"id": EDITION, "type": "ListEdition", "source": [S_ECFR, S_COPY], "unverified": True,
         "skos:prefLabel": {"en": f"United States Munitions List as of {EDITION_DATE}"},
         "eg:editionOf": LIST, "eg:validFrom": Date(EDITION_DATE), "eg:editionKind": "consolidated",
         "eg:establishedBy": "us/rule/itar", "eg:officialText": URL_ON, "eg:note": {"en": EDITION_NOTE}},
    ]
    tables = [
        {"type": "ControlEntry", "source": [S_ECFR, S_COPY],
         "columns": ["id", "skos:notation", "skos:prefLabel@en", "skos:inScheme", "skos:broader", "eg:labelOrigin",
                     "eg:officialText", "locator", "eg:verification"],
         "rows": rows},
        {"type": "Correspondence", "source": [S_EDIT, S_ECFR],
         "columns": ["id", "eg:correspondenceOf", "eg:correspondsTo", "eg:matchType", "eg:matchMethod",
                     "eg:confidence", "eg:note@en"],
         "rows": sorted(links)},
    ]
    stats["entries"] = len(rows)
    stats["links"] = len(links)
    comments = ["Counts: " + "; ".join(f"{k}: {v}" for k, v in sorted(stats.items())),
                "Notation: 'Category XI' for a category, 'XI(a)' and 'XI(a)(1)' for paragraphs, as the USML writes "
                "them; ids use dots (.../XI.a.1). Reserved paragraphs and the interpretation paragraphs V(k) and "
                "XIII(m) are not entries.",
                "Labels are the editors' short names (eg:labelOrigin editors-summary); category labels are the "
                "official category titles. eg:verification secondary: read in a copy of the eCFR XML, not on ecfr.gov."]
    write_yaml(out_dir / "us-usml.yaml",
               f"GENERATED by scripts/import_usml.py from scripts/curated/usml-{EDITION_DATE}.csv and "
               "scripts/curated/usml-wa-ml-links.csv; do not edit",
               sources=SOURCES, records=records, tables=tables, comments=comments)
    for line in comments[:1]:
        print(line)


if __name__ == "__main__":
    main()
