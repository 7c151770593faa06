"""Import the US Commerce Control List (15 CFR 774 Supp. 1), the Commerce Country Chart
(15 CFR 738 Supp. 1) and the Country Groups (15 CFR 740 Supp. 1) from the us-ccl snapshot, with the
paragraph sub-items of all ten categories combined from us-ccl (eCFR 2026-07-23, newer, categories
1, 3, 4, 5 only) and us-ccl-full (eCFR before 2025-07-11, older, categories 0-9).

Writes data/lists/us-ccl.yaml. See scripts/README.md for what is taken and what is corrected.
Run: /tmp/venv/bin/python scripts/import_us_ccl.py [--reference ../shared/reference]
"""
from __future__ import annotations

import ast
import json
import re
from collections import Counter
from pathlib import Path

from _common import Date, clean, good_name, parse_args, regime_origin, short_heading, trim, write_yaml
from _countries import iso
from _thresholds import Tally, fmt_decimal, parse_line

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
S774_OLD = "src/lists/us-ccl/ecfr-774-supp1-before-2025-07"
OLD_LABEL = "eCFR text before 2025-07-11"
# ECCNs that the 2026-07-23 snapshot merged into the entry before them: the neighbour's record carries
# the merged ECCN's heading (at the end of its own), licence requirements and paragraphs.
MERGED = {"0D614": "0D606", "2B352": "2B351", "3D006": "3D005", "3E002": "3E001"}
NEIGHBOUR = {v: k for k, v in MERGED.items()}

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
    {"id": S774_OLD, "title": {"en": "15 CFR Part 774, Supplement No. 1 — The Commerce Control List, an older eCFR text "
                                      "(fetched before 2025-07-11; exact eCFR date not recorded), as rendered with its "
                                      "paragraphs in waynehacking8/eccn-agent (commit 0bd163a, ccl_parsed_checked.json)"},
     "url": URL_774, "publisher": {"en": "Office of the Federal Register (eCFR), via waynehacking8/eccn-agent"},
     "kind": "dataset", "language": "en"},
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


OLD_CODE_RE = re.compile(r"^[a-z](?:\.\d+(?:\.[a-z](?:\.\d+(?:\.[a-z](?:\.\d+)?)?)?)?)?$")


def old_text(s: str) -> str:
    """Paragraph text of the older rendering without its markdown: links, '*' italics marks."""
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s or "")
    return clean(s.replace("*", ""))


def old_paragraphs(rec, stats):
    """Return [(paragraph, text, parent paragraph or None)] of an ECCN of the older text.

    The older rendering keeps Notes apart from the paragraphs (its own field), so Note sub-items are
    not mixed in. Its known defects are handled here: paragraphs set in italics are missing (e.g.
    3A090.b, 1C002.b.4), so a paragraph whose parent is absent is attached to its nearest present
    ancestor (counted); a repeated code (1C001.b, 6A002.a.3) is kept once.
    """
    out, seen = [], set()
    for par in rec.get("paragraphs") or []:
        code = par["code"]
        assert code.startswith(rec["eccn"] + "."), code
        p = code[len(rec["eccn"]) + 1:]
        if not OLD_CODE_RE.match(p):
            stats["older text: paragraph codes not of the paragraph pattern, dropped"] += 1
            continue
        if p in seen:
            stats["older text: repeated paragraph codes kept once"] += 1
            continue
        up = parent_code(p)
        while up is not None and up not in seen:
            up = parent_code(up)
        if up != parent_code(p):
            stats["older text: paragraphs attached to the nearest present ancestor (parent missing)"] += 1
        out.append((p, old_text(par["text"]), up))
        seen.add(p)
    return out


def old_reasons(rec):
    raw = rec.get("reasons_for_control") or []
    if isinstance(raw, str):
        raw = ast.literal_eval(raw) if raw.startswith("[") else re.split(r"[,\s]+", raw)
    return [r for r in raw if r in REASONS]


def old_columns(rec):
    cols = []
    for m in re.finditer(r"\b([A-Z]{2})\s+Column\s+(\d)", rec.get("full_text_markdown") or ""):
        c = m.group(1) + m.group(2)
        if m.group(1) in REASONS and c not in cols:
            cols.append(c)
    return cols


def tidy_heading(s: str) -> str:
    """Spacing inside quotation marks and brackets, as the renderings leave it ('“ Technology ”')."""
    s = re.sub(r"“\s+", "“", re.sub(r"\s+”", "”", s))
    s = re.sub(r'"\s*([^"]*?)\s*"', r'"\1"', s)
    s = re.sub(r"'\s+([^']*?)\s+'", r"'\1'", s)
    return re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", s))


def label(text: str) -> str:
    """Short name of the good (good_name); a leading CAS number '(C.A.S. #7784-34-1)' is skipped."""
    t = re.sub(r"^\(C\.?A\.?S\.?\s*(No\.|#)?\s*[\d-]+\)\s*", "", clean(text))
    return good_name(t) or short_heading(t) or clean(text)[:80]


# ----------------------------------------------------------------- main

NOTE_OLD = ("Sub-items (paragraphs) taken from the older eCFR text (before 2025-07-11) because the 2026-07-23 "
            "snapshot has {why}; the current eCFR text may differ.")
NOTE_A = ("Paragraph a taken from the older eCFR text (before 2025-07-11): the 2026-07-23 snapshot lost it; the "
          "other sub-items are from the 2026-07-23 text.")
NOTE_RESTORED = ("Entry restored: the 2026-07-23 snapshot merged it into {nb} (its heading, licence requirements and "
                 "paragraphs were read as part of {nb}). {head} Reasons and chart columns from the older eCFR text "
                 "(before 2025-07-11), which agree with those the snapshot attached to {nb}. {paras}")
NOTE_NEIGHBOUR = ("Reasons and chart columns from the older eCFR text (before 2025-07-11): the 2026-07-23 snapshot "
                  "attached the licence requirements and paragraphs of {m}, which follows this entry, to it.")


def main():
    args = parse_args(__doc__)
    ref = Path(args.reference) / "us-ccl"
    ccl = json.loads((ref / "ccl.json").read_text(encoding="utf-8"))
    chart = json.loads((ref / "country-chart.json").read_text(encoding="utf-8"))
    groups = json.loads((ref / "country-groups.json").read_text(encoding="utf-8"))
    full = json.loads((Path(args.reference) / "us-ccl-full" / "ccl-full-2025.json").read_text(encoding="utf-8"))
    assert ccl["ecfrIssueDate"] == EDITION_DATE, ccl["ecfrIssueDate"]
    old = {r["eccn"]: r for r in full["eccns"]}
    new = {e["eccn"]: e for e in ccl["entries"]}
    assert not set(MERGED) & set(new) and set(MERGED) <= set(old) and set(NEIGHBOUR) <= set(new)
    stats = Counter()

    entry_rows, repaired_rows, new_subs, old_subs = [], [], [], []
    new_thr, old_thr, tally = [], [], Tally()
    skipped = {}          # ECCN -> why its sub-items are missing or partial
    per_cat = {}          # category -> Counter

    def thresholds(sid, text, rows):
        """Threshold ids of a sub-item (parsed by _thresholds.parse_line), its rows added to `rows`."""
        res = parse_line(text)
        if res.status == "no-quantity":
            return None
        tally.add(res)
        ids = []
        for n, th in enumerate(res.thresholds, 1):
            ids.append(f"{sid}/threshold-{n}")
            rows.append([ids[-1], th.parameter or None, th.comparator, fmt_decimal(th.value),
                         fmt_decimal(th.upper) if th.upper is not None else None, th.unit, th.symbol, th.group])
        return ids or None

    def add_subs(eid, code, cat, paras_new, paras_old):
        c = per_cat.setdefault(cat, Counter())
        for p, text in paras_new:
            par = parent_code(p)
            new_subs.append([f"{eid}.{p}", f"{code}.{p}", label(text), EDITION, f"{eid}.{par}" if par else eid,
                             thresholds(f"{eid}.{p}", text, new_thr)])
        for p, text, up in paras_old:
            old_subs.append([f"{eid}.{p}", f"{code}.{p}", label(text), EDITION, f"{eid}.{up}" if up else eid,
                             thresholds(f"{eid}.{p}", text, old_thr)])
        c["sub-items from 2026-07-23"] += len(paras_new)
        c["sub-items from the older text"] += len(paras_old)
        if paras_new or paras_old:
            c["ECCNs with sub-items"] += 1

    def choose(code, cat, rec_new, rec_old):
        """(paragraphs from the 2026-07-23 text, paragraphs from the older text, note or None)."""
        olds = old_paragraphs(rec_old, stats) if rec_old else []
        paras, tried = [], False
        if rec_new is not None and rec_new.get("items") and (cat in DEEP or code in MERGED):
            paras, tried = paragraphs(rec_new, stats), True
            per_cat.setdefault(cat, Counter())["paragraph sets in the 2026-07-23 snapshot"] += 1
            if paras is None:
                per_cat[cat]["of which unreliable (Note sub-items mixed in)"] += 1
        if paras:
            codes = {p for p, _ in paras}
            extra = [x for x in olds if x[0] == "a"] if "a" not in codes else []
            if "a" not in codes and not extra:
                skipped[code] = "no paragraph a in either text"
            return paras, extra, (NOTE_A if extra else None)
        if olds:
            why = ("an unreliable paragraph tree (Note sub-items mixed in)" if tried and paras is None
                   else "no paragraphs for this category" if cat not in DEEP else "no paragraphs for this entry")
            if code in NEIGHBOUR:
                why = f"given this entry the paragraphs of {NEIGHBOUR[code]}"
            return [], olds, NOTE_OLD.format(why=why)
        if tried and paras is None:
            skipped[code] = "unreliable in the 2026-07-23 snapshot and no paragraphs in the older text"
        return [], [], None

    for e in sorted(ccl["entries"], key=lambda x: x["eccn"]):
        code = e["eccn"]
        eid = f"{EDITION}/{code}"
        cat = e["category"]
        per_cat.setdefault(cat, Counter())["ECCNs"] += 1
        reg = regime_origin(code, us=True)
        if code in NEIGHBOUR:
            # the snapshot's record carries the merged ECCN's licence lines and paragraphs: use the older text
            reasons, cols = old_reasons(old[code]), old_columns(old[code])
            pn, po, note = choose(code, cat, None, old.get(code))
            repaired_rows.append([eid, code, heading(re.sub(r"\s+\.", ".", e["heading"].split(f" {NEIGHBOUR[code]} ")[0].split(" License Requirements")[0])), EDITION,
                                  reasons or None, cols or None, reg, DERIVATION if reg else None, URL_774,
                                  " ".join(x for x in (NOTE_NEIGHBOUR.format(m=NEIGHBOUR[code]), note) if x)])
        else:
            reasons = parse_reasons(e.get("reasonForControl"), e.get("countryChart") or [], stats)
            cols = parse_columns(e.get("countryChart") or [])
            pn, po, note = choose(code, cat, e, old.get(code))
            entry_rows.append([eid, code, heading(e["heading"]), EDITION, reasons or None, cols or None,
                               reg, DERIVATION if reg else None, URL_774, note])
        stats["entries"] += 1
        if reg:
            stats[f"regime origin {reg}"] += 1
        add_subs(eid, code, cat, pn, po)

    for code, nb in sorted(MERGED.items()):
        rec_old, rec_nb = old[code], new[nb]
        eid = f"{EDITION}/{code}"
        cat = code[0]
        per_cat.setdefault(cat, Counter())["ECCNs"] += 1
        per_cat[cat]["ECCNs restored (merged into the entry before them in the snapshot)"] += 1
        tail = rec_nb["heading"].split(f" {code} ", 1)
        if len(tail) == 2:
            head, hnote = heading(tidy_heading(tail[1])), f"Heading from the 2026-07-23 text (end of the {nb} record)."
        else:
            head, hnote = heading(tidy_heading(rec_old["heading"])), "Heading from the older eCFR text."
        pn, po, _ = choose(code, cat, rec_nb, rec_old)
        pnote = ("Sub-items from the 2026-07-23 text (read there as paragraphs of " + nb + ")." if pn
                 else "Sub-items from the older eCFR text." if po else "")
        reg = regime_origin(code, us=True)
        repaired_rows.append([eid, code, head, EDITION, old_reasons(rec_old) or None, old_columns(rec_old) or None,
                              reg, DERIVATION if reg else None, URL_774,
                              NOTE_RESTORED.format(nb=nb, head=hnote, paras=pnote).strip()])
        stats["entries"] += 1
        stats["entries restored (merged in the snapshot)"] += 1
        if reg:
            stats[f"regime origin {reg}"] += 1
        add_subs(eid, code, cat, pn, po)

    stats["sub-items from 2026-07-23"] = len(new_subs)
    stats["sub-items from the older text"] = len(old_subs)
    stats["ECCNs whose sub-items are missing or partial"] = len(skipped)
    for k, v in tally.summary().items():
        stats[f"threshold lines (sub-items with a quantity-like number): {k}"] = v
    stats["thresholds written"] = len(new_thr) + len(old_thr)
    stats["threshold comparators"] = ", ".join(f"{k} {v}" for k, v in sorted(tally.comparators.items()))
    stats["threshold units"] = ", ".join(f"{k} {v}" for k, v in sorted(tally.units.items(), key=lambda x: (-x[1], x[0])))

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

    entry_cols = ["id", "skos:notation", "skos:prefLabel@en", "skos:inScheme", "eg:reasonForControl",
                  "eg:chartColumn", "eg:regimeOrigin", "eg:derivation@en", "eg:officialText", "eg:note@en"]
    sub_cols = ["id", "skos:notation", "skos:prefLabel@en", "skos:inScheme", "skos:broader", "eg:threshold"]
    thr_cols = ["id", "eg:parameter@en", "eg:comparator", "eg:numericValue", "eg:upperValue", "eg:unit",
                "eg:unitSymbol", "eg:conditionGroup"]
    tables = [
        {"type": "ControlEntry", "source": [S774, {"source": SCONV, "locator": "§ 738.2(d)"}, SDATA],
         "columns": entry_cols, "rows": entry_rows},
        {"type": "ControlEntry", "source": [S774, S774_OLD, {"source": SCONV, "locator": "§ 738.2(d)"}, SDATA],
         "columns": entry_cols, "rows": repaired_rows},
        {"type": "ControlEntry", "source": [S774, SDATA], "columns": sub_cols, "rows": sorted(new_subs)},
        {"type": "ControlEntry", "source": [S774_OLD], "columns": sub_cols, "rows": sorted(old_subs)},
        {"type": "Threshold", "source": [S774, SDATA], "columns": thr_cols, "rows": sorted(new_thr)},
        {"type": "Threshold", "source": [S774_OLD], "columns": thr_cols, "rows": sorted(old_thr)},
        {"type": "ChartRow", "source": [S738, S740, SDATA],
         "columns": ["id", "eg:destination", "rdfs:label@en", "eg:licenceRequiredFor", "eg:countryGroup", "eg:note@en"],
         "rows": chart_rows},
    ]
    comments = ["Counts: " + "; ".join(f"{k}: {v}" for k, v in sorted(stats.items()))]
    for cat in sorted(per_cat):
        comments.append(f"Category {cat}: " + "; ".join(f"{k}: {v}" for k, v in sorted(per_cat[cat].items())))
    comments.append("Sub-items from the 2026-07-23 text are in the table sourced to " + S774 + ", those from the "
                    "older eCFR text (before 2025-07-11) in the table sourced to " + S774_OLD + ".")
    comments.append("Sub-items missing or partial: " + "; ".join(f"{k} ({v})" for k, v in sorted(skipped.items())))
    out = Path(args.out) / "us-ccl.yaml"
    write_yaml(out, "GENERATED by scripts/import_us_ccl.py from us-ccl/ccl.json, country-chart.json, "
                    "country-groups.json (eCFR 2026-07-23) and us-ccl-full/ccl-full-2025.json (older eCFR text, "
                    "paragraphs); do not edit",
               sources=SOURCES, records=records, tables=tables, comments=comments)
    for line in comments:
        print(line)


if __name__ == "__main__":
    main()
