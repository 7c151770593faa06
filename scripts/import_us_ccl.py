"""Import the US Commerce Control List (15 CFR 774 Supp. 1), the Commerce Country Chart
(15 CFR 738 Supp. 1) and the Country Groups (15 CFR 740 Supp. 1) from the us-ccl snapshot.

Writes data/lists/us-ccl.yaml. See scripts/README.md for what is taken and what is corrected.
Run: /tmp/venv/bin/python scripts/import_us_ccl.py [--reference ../shared/reference]
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from _common import Date, clean, parse_args, regime_origin, short_heading, trim, write_yaml
from _countries import iso

EDITION_DATE = "2026-07-23"
LIST = "us/list/ccl"
EDITION = f"{LIST}/{EDITION_DATE}"
REASONS = {"NS", "MT", "NP", "CB", "AT", "RS", "CC", "FC", "SL", "UN", "SI", "EI", "CW", "AS"}
DEEP = {"1", "3", "4", "5"}

URL_774 = ("https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-774/"
           "appendix-Supplement%20No.%201%20to%20Part%20774")
URL_774_ON = URL_774.replace("/current/", f"/on/{EDITION_DATE}/")
URL_738 = ("https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-738/"
           "appendix-Supplement%20No.%201%20to%20Part%20738")
URL_740 = ("https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-740/"
           "appendix-Supplement%20No.%201%20to%20Part%20740")
URL_738_2 = "https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-738/section-738.2"

S774, S738, S740, SCONV, SDATA = ("src/lists/us-ccl/ecfr-774-supp1", "src/lists/us-ccl/ecfr-738-supp1",
                                  "src/lists/us-ccl/ecfr-740-supp1", "src/lists/us-ccl/ecfr-738-2",
                                  "src/lists/us-ccl/dataset")

SOURCES = [
    {"id": S774, "title": {"en": "15 CFR Part 774, Supplement No. 1 — The Commerce Control List (eCFR, as of 2026-07-23)"},
     "url": URL_774, "issued": Date(EDITION_DATE), "publisher": {"en": "Office of the Federal Register (eCFR)"},
     "kind": "primary", "language": "en"},
    {"id": S738, "title": {"en": "15 CFR Part 738, Supplement No. 1 — Commerce Country Chart (eCFR, as of 2026-07-23)"},
     "url": URL_738, "issued": Date(EDITION_DATE), "publisher": {"en": "Office of the Federal Register (eCFR)"},
     "kind": "primary", "language": "en"},
    {"id": S740, "title": {"en": "15 CFR Part 740, Supplement No. 1 — Country Groups (eCFR, as of 2026-07-23)"},
     "url": URL_740, "issued": Date(EDITION_DATE), "publisher": {"en": "Office of the Federal Register (eCFR)"},
     "kind": "primary", "language": "en"},
    {"id": SCONV, "title": {"en": "15 CFR 738.2 — Commerce Control List structure (ECCN numbering convention, § 738.2(d))"},
     "url": URL_738_2, "publisher": {"en": "Office of the Federal Register (eCFR)"}, "kind": "primary", "language": "en"},
    {"id": SDATA, "title": {"en": "export-controls-agent-mcp: CCL, Country Chart and Country Groups as JSON, built from eCFR XML (commit 5847b092)"},
     "url": "https://github.com/seelpeed-debug/export-controls-agent-mcp", "kind": "dataset", "language": "en"},
]

DERIVATION = "derived from the numbering convention"


# ----------------------------------------------------------------- reasons and chart columns

def parse_reasons(raw, chart, stats):
    """Codes of the ReasonForControl scheme from the snapshot's reason string.

    Words that are not codes ('Foreign policy') and codes outside the scheme ('SS', short supply)
    are dropped and counted; 'CC1' / 'CC 1' / 'AT.' / 'MT NP' / 'NS, MT and AT' are normalised.
    When the string is empty, the reasons are taken from the licence-requirement lines of the
    entry ('NS applies to entire entry' ...).
    """
    codes = []
    if raw:
        for tok in re.split(r"[,\s]+|\band\b", raw):
            tok = tok.strip(" .;")
            if not tok:
                continue
            m = re.fullmatch(r"([A-Z]{2})\d?", tok)
            if m and m.group(1) in REASONS:
                if m.group(0) != m.group(1):
                    stats["reason tokens normalised (e.g. CC1 -> CC)"] += 1
                codes.append(m.group(1))
            elif tok in ("1",):
                continue
            else:
                stats[f"reason word/code dropped: {tok.lower()}"] += 1
    if not codes:
        for c in chart:
            m = re.match(r"([A-Z]{2}) applies", c.get("control") or "")
            if m and m.group(1) in REASONS:
                codes.append(m.group(1))
        if codes:
            stats["entries with reasons taken from licence-requirement lines"] += 1
    out = []
    for c in codes:
        if c not in out:
            out.append(c)
    return out


def parse_columns(chart):
    cols = []
    for c in chart:
        text = f"{c.get('control') or ''} {c.get('countryChart') or ''}"
        for m in re.finditer(r"\b([A-Z]{2})\s+Column\s+(\d)", text):
            cols.append(m.group(1) + m.group(2))
        # 'Column 1.' without the reason: the reason is the start of the control line
        if not re.search(r"[A-Z]{2}\s+Column", c.get("countryChart") or "") and \
                re.fullmatch(r"Column\s+(\d)\.?", (c.get("countryChart") or "").strip()):
            m = re.match(r"([A-Z]{2}) applies", c.get("control") or "")
            if m:
                cols.append(m.group(1) + re.search(r"\d", c["countryChart"]).group(0))
    out = []
    for c in cols:
        if c[:2] in REASONS and c not in out:
            out.append(c)
    return out


def heading(text: str) -> str:
    """The ECCN heading, without the '(see List of Items Controlled)' and ITAR pointers, trimmed."""
    t = re.sub(r"\s*\(see List of Items Controlled\)", "", clean(text), flags=re.I)
    t = re.sub(r"\s*\(These items are “subject to the ITAR\.?”.*?\)\.?", "", t)
    return trim(t.rstrip(" ."), 200)


# ----------------------------------------------------------------- paragraphs

CODE_RE = re.compile(r"^[a-z](?:\.\d+(?:\.[a-z](?:\.\d+(?:\.[a-z])?)?)?)?$")


def parent_code(p: str):
    return p.rsplit(".", 1)[0] if "." in p else None


def seq_key(seg: str):
    return int(seg) if seg.isdigit() else ord(seg)


def paragraphs(entry, stats):
    """Return [(paragraph, text)] for an ECCN of categories 1, 3, 4, 5, or None if unreliable.

    Items are kept only if every paragraph code occurs once, its parent came before it, and
    siblings are in increasing order; otherwise the snapshot has mixed the sub-items of notes
    (Note 1 a., b. ...) into the paragraph tree (e.g. 1C350, 3A090) and the whole set is skipped.
    Text lines that start with a paragraph code whose parent exists ('c.3.a Two or more ...') are
    recovered as items.
    """
    items = []
    seen = set()
    for it in entry.get("items") or []:
        p, kind, text = it.get("paragraph"), it.get("kind"), it.get("text") or ""
        if kind == "item" and p and CODE_RE.match(p):
            items.append((p, text))
            seen.add(p)
        elif kind == "text" and not p:
            m = re.match(r"^([a-z](?:\.\d+)(?:\.[a-z])?(?:\.\d+)?)\s+(\S.*)$", text)
            if m and parent_code(m.group(1)) in seen and m.group(1) not in seen:
                items.append((m.group(1), m.group(2)))
                seen.add(m.group(1))
                stats["paragraphs recovered from text lines"] += 1
    if not items:
        return []
    codes = [p for p, _ in items]
    if len(codes) != len(set(codes)):
        return None
    last_child = {}
    present = set()
    for p in codes:
        par = parent_code(p)
        if par is not None and par not in present:
            return None
        seg = p.rsplit(".", 1)[-1]
        if par in last_child and seq_key(seg) <= seq_key(last_child[par]):
            return None
        last_child[par] = seg
        present.add(p)
    top = entry.get("topLevelParagraphs") or {}
    for p, text in items:
        if "." not in p and p in top and clean(top[p]) != clean(text):
            return None
    return items


# ----------------------------------------------------------------- main

def main():
    args = parse_args(__doc__)
    ref = Path(args.reference) / "us-ccl"
    ccl = json.loads((ref / "ccl.json").read_text(encoding="utf-8"))
    chart = json.loads((ref / "country-chart.json").read_text(encoding="utf-8"))
    groups = json.loads((ref / "country-groups.json").read_text(encoding="utf-8"))
    assert ccl["ecfrIssueDate"] == EDITION_DATE, ccl["ecfrIssueDate"]
    stats = Counter()

    entry_rows, sub_rows = [], []
    skipped = []
    for e in sorted(ccl["entries"], key=lambda x: x["eccn"]):
        code = e["eccn"]
        eid = f"{EDITION}/{code}"
        reasons = parse_reasons(e.get("reasonForControl"), e.get("countryChart") or [], stats)
        cols = parse_columns(e.get("countryChart") or [])
        reg = regime_origin(code, us=True)
        entry_rows.append([eid, code, heading(e["heading"]), EDITION, reasons or None, cols or None,
                           reg, DERIVATION if reg else None, URL_774])
        stats["entries"] += 1
        if reg:
            stats[f"regime origin {reg}"] += 1
        if e["category"] in DEEP and e.get("items"):
            paras = paragraphs(e, stats)
            if paras is None:
                skipped.append(code)
                continue
            for p, text in paras:
                par = parent_code(p)
                sub_rows.append([f"{eid}.{p}", f"{code}.{p}", short_heading(text), EDITION,
                                 f"{eid}.{par}" if par else eid])
    stats["sub-items"] = len(sub_rows)
    stats["entries with unreliable paragraph sets skipped"] = len(skipped)

    # country groups
    group_of = {}
    group_records = []
    for g in sorted(groups["groups"]):
        gid = "us/list/country-groups/" + g.lower().replace(":", "-")
        dests = sorted({iso(n) for n in groups["groups"][g]})
        for d in dests:
            group_of.setdefault(d, []).append(gid)
        group_records.append({
            "id": gid, "type": "CountryGroup", "source": S740, "locator": f"Country Group {g}",
            "skos:notation": g, "skos:prefLabel": {"en": f"Country Group {g}: {groups['labels'].get(g, '')}".rstrip(": ")},
            "eg:destination": dests, "eg:establishedBy": "us/rule/ear"})

    # chart rows
    chart_rows = []
    rows_by_iso = {}
    for name, row in chart["countries"].items():
        rows_by_iso.setdefault(iso(name), (name, row))
    for name, _info in chart.get("embargoed", {}).items():
        rows_by_iso.setdefault(iso(name), (name, {"marks": [], "embargoed": True}))
    for code in sorted(rows_by_iso):
        name, row = rows_by_iso[code]
        marks = [m.replace(" ", "") for m in row.get("marks", [])]
        note = None
        if row.get("embargoed"):
            note = "No marks in the chart: the row refers to Part 746 (and, for North Korea, § 742.19) instead."
        chart_rows.append([f"{LIST}/country-chart/{code.lower()}", code, name, marks or None,
                           sorted(group_of.get(code, [])) or None, note])
    stats["chart rows"] = len(chart_rows)
    stats["country groups"] = len(group_records)

    records = [
        {"id": LIST, "type": "ControlList", "source": S774,
         "skos:prefLabel": {"en": "Commerce Control List (CCL)"},
         "eg:jurisdiction": "us", "eg:maintainedBy": "us/agency/bis", "eg:establishedBy": "us/rule/ear",
         "eg:goodsCategory": "dual-use", "eg:officialText": URL_774},
        {"id": EDITION, "type": "ListEdition", "source": [S774, SDATA],
         "skos:prefLabel": {"en": f"Commerce Control List as of {EDITION_DATE}"},
         "eg:editionOf": LIST, "eg:validFrom": Date(EDITION_DATE), "eg:establishedBy": "us/rule/ear",
         "eg:officialText": URL_774_ON},
    ] + group_records

    tables = [
        {"type": "ControlEntry", "source": [S774, {"source": SCONV, "locator": "§ 738.2(d)"}, SDATA],
         "columns": ["id", "skos:notation", "skos:prefLabel@en", "skos:inScheme", "eg:reasonForControl",
                     "eg:chartColumn", "eg:regimeOrigin", "eg:derivation@en", "eg:officialText"],
         "rows": entry_rows},
        {"type": "ControlEntry", "source": [S774, SDATA],
         "columns": ["id", "skos:notation", "skos:prefLabel@en", "skos:inScheme", "skos:broader"],
         "rows": sub_rows},
        {"type": "ChartRow", "source": [S738, S740, SDATA],
         "columns": ["id", "eg:destination", "rdfs:label@en", "eg:licenceRequiredFor", "eg:countryGroup", "eg:note@en"],
         "rows": chart_rows},
    ]
    comments = ["Counts: " + "; ".join(f"{k}: {v}" for k, v in sorted(stats.items())),
                "Paragraph sets skipped as unreliable (notes mixed into the paragraph tree): " + " ".join(skipped)]
    out = Path(args.out) / "us-ccl.yaml"
    write_yaml(out, "GENERATED by scripts/import_us_ccl.py from us-ccl/ccl.json, country-chart.json, "
                    "country-groups.json (eCFR 2026-07-23); do not edit",
               sources=SOURCES, records=records, tables=tables, comments=comments)
    for k, v in sorted(stats.items()):
        print(f"{k}: {v}")
    print("skipped:", " ".join(skipped))


if __name__ == "__main__":
    main()
