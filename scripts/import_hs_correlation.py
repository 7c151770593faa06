"""Correlate HS 2017 subheadings with HS 2022 subheadings: unchanged codes only, derived.

Writes data/lists/hs2017-hs2022.yaml (CustomsCorrelation records). See scripts/README.md.
Run after import_customs.py (and, for the chapter selection, after the customs-link imports):
    /tmp/venv/bin/python scripts/import_hs_correlation.py

The WCO's correlation tables HS 2017 <-> HS 2022 (and UNSD's machine-readable copy) could not be read
here, so nothing is taken from them. The script derives only what the two editions themselves show:
an HS 2017 subheading is correlated `exact` with the HS 2022 subheading of the same code when
  - both editions have the code, with the same description (UN Comtrade's short descriptions, compared
    after normalising case, spacing, punctuation, '&', and the numbers of chapter notes cited by letter), and
  - its heading has the same description and exactly the same subheadings in both editions (so no
    subheading of the heading was split, merged, added or deleted).
Method `unchanged-code-derived`, confidence medium: a change made only by a Section or Chapter Note (for
example goods moved to a new heading elsewhere, such as flat panel display modules to 85.24 in 2022) is
invisible to this test. Codes that fail it are not correlated; they are counted and named in the header.
Only the chapters that control-list entries touch are written: CHAPTERS below and the chapters of every
HS code linked from a control entry in data/lists (CustomsLink records).
"""
from __future__ import annotations

import csv
import glob
import re
from collections import Counter, defaultdict
from pathlib import Path

import yaml
from _common import parse_args, write_yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
CHAPTERS = {"28", "29", "38", "81", "84", "85", "88", "90", "93"}
EDITORIAL = {"id": "src/lists/customs/hs-correlation-derived",
             "title": {"en": "exportgraph: HS 2017 -> HS 2022 subheadings whose code, description and heading are unchanged, derived from the two editions by scripts/import_hs_correlation.py (not the WCO correlation tables)"},
             "url": "https://w3id.org/exportgraph/id/src/lists/customs/hs-correlation-derived",
             "kind": "editorial", "language": "en"}
SOURCES = [EDITORIAL["id"], "src/lists/customs/wco-hs2017", "src/lists/customs/wco-hs2022", "src/lists/customs/hs-dataset"]
NOT_SPECIFIED = {"99", "9999", "999999", "TOTAL"}


def norm(s: str) -> str:
    """Compare descriptions: case, spacing, punctuation, '&' for 'and', and references to a chapter note by
    letter only ('note 9-C' and 'note 11 (C)' are the same note, renumbered when notes were inserted)."""
    s = s.lower().replace("\u2019", "'").replace("&", " and ")
    s = re.sub(r"\bnote \d+\s*-?\s*\(?([a-z])\)?", r"note \1", s)
    s = re.sub(r"[;,.:()\[\]]", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def edition(ref: Path, year: str):
    """{code: description} for headings (4) and subheadings (6)."""
    out = {}
    with open(ref / "hs" / f"harmonized-system-HS{year}.csv", encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            code = r["hscode"]
            if code and code not in NOT_SPECIFIED and r["section"] != "TOTAL" and len(code) in (4, 6):
                out[code] = r["description"]
    return out


def linked_chapters(lists: Path) -> set:
    """Chapters of the HS codes that control entries are linked to (directly, or via a national code's hsParent)."""
    chapters = set()
    pat = re.compile(r"customs/hs2022/(\d{2})\d{4}\b")
    for p in sorted(glob.glob(str(lists / "*.yaml"))):
        text = Path(p).read_text(encoding="utf-8")
        if "CustomsLink" not in text:
            continue
        doc = yaml.load(text, Loader=LOADER) or {}
        parent = {}
        for t in doc.get("tables") or []:
            if t["type"] == "CustomsCode" and "eg:hsParent" in t["columns"]:
                i, j = t["columns"].index("id"), t["columns"].index("eg:hsParent")
                parent.update({r[i]: r[j] for r in t["rows"]})
        for t in doc.get("tables") or []:
            if t["type"] == "CustomsLink":
                k = t["columns"].index("eg:customsCode")
                for r in t["rows"]:
                    code = parent.get(r[k], r[k]) or ""
                    m = pat.fullmatch(code)
                    if m:
                        chapters.add(m.group(1))
    return chapters


def main():
    args = parse_args(__doc__)
    ref, out = Path(args.reference), Path(args.out)
    h17, h22 = edition(ref, "2017"), edition(ref, "2022")
    chapters = sorted(CHAPTERS | linked_chapters(out))
    subs = {y: defaultdict(set) for y in ("2017", "2022")}
    for y, ed in (("2017", h17), ("2022", h22)):
        for c in ed:
            if len(c) == 6:
                subs[y][c[:4]].add(c)
    stats = Counter()
    rows, failed = [], defaultdict(list)
    for code in sorted(c for c in h17 if len(c) == 6 and c[:2] in chapters):
        head = code[:4]
        if code not in h22:
            why = "deleted in HS 2022"
        elif norm(h17[code]) != norm(h22[code]):
            why = "description changed"
        elif head not in h22 or norm(h17[head]) != norm(h22[head]):
            why = "heading description changed"
        elif subs["2017"][head] != subs["2022"][head]:
            why = "subheadings of the heading changed"
        else:
            rows.append([f"customs/correlation/hs2017-hs2022/{code}", f"customs/hs2017/{code}", f"customs/hs2022/{code}",
                         "exact", "unchanged-code-derived", "medium"])
            stats[f"chapter {code[:2]}: correlated"] += 1
            continue
        failed[why].append(code)
        stats[f"chapter {code[:2]}: not correlated"] += 1
    new22 = sorted(c for c in h22 if len(c) == 6 and c[:2] in chapters and c not in h17)
    ids17 = {r[1] for r in rows}
    assert len(ids17) == len(rows)
    n17 = sum(1 for c in h17 if len(c) == 6 and c[:2] in chapters)
    comments = [
        f"Counts: chapters: {len(chapters)} ({', '.join(chapters)}); HS 2017 subheadings in them: {n17}; correlated (unchanged): {len(rows)}; "
        + "; ".join(f"not correlated, {k}: {len(v)}" for k, v in sorted(failed.items()))
        + f"; HS 2022 subheadings new in these chapters: {len(new22)}",
        "Per chapter: " + "; ".join(f"{k}: {v}" for k, v in sorted(stats.items())),
        "Derived from the two editions, not read from the WCO correlation tables (not readable here): only codes whose",
        "code, description and heading (description and set of subheadings) are the same in HS 2017 and HS 2022.",
    ]
    for why, codes in sorted(failed.items()):
        comments.append(f"Not correlated ({why}): " + " ".join(codes))
    comments.append("HS 2022 subheadings new in these chapters: " + " ".join(new22))
    write_yaml(out / "hs2017-hs2022.yaml",
               "GENERATED by scripts/import_hs_correlation.py from hs/harmonized-system-HS2017.csv and hs/harmonized-system-HS2022.csv; do not edit",
               sources=[EDITORIAL],
               tables=[{"type": "CustomsCorrelation", "source": SOURCES,
                        "columns": ["id", "eg:fromCode", "eg:toCode", "eg:matchType", "eg:matchMethod", "eg:confidence"],
                        "rows": rows}],
               comments=comments)
    print(comments[0])


if __name__ == "__main__":
    main()
