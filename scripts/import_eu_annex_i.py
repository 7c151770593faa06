"""Import the EU dual-use list (Annex I of Regulation (EU) 2021/821, consolidated text valid from
2025-11-15) and the Union general export authorisations of Annex II from eu-annex-i/annex.json.

Writes data/lists/eu-annex-i.yaml and data/lists/eu-annex-ii.yaml. See scripts/README.md.
Run: /tmp/venv/bin/python scripts/import_eu_annex_i.py [--reference ../shared/reference]
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from _common import Date, clean, good_name, parse_args, regime_origin, write_yaml
from _countries import iso
from _thresholds import Tally, fmt_decimal, parse_line

EDITION_DATE = "2025-11-15"
LIST = "eu/list/annex-i"
EDITION = f"{LIST}/{EDITION_DATE}"
CELEX = "02021R0821-20251115"
URL = f"https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:{CELEX}"
SRC, SDATA, SCONV = "src/lists/eu-annex-i/eurlex-02021R0821-20251115", "src/lists/eu-annex-i/dataset", "src/lists/us-ccl/ecfr-738-2"

SOURCES = [
    {"id": SRC, "title": {"en": "Regulation (EU) 2021/821, consolidated text valid from 15 November 2025 (CELEX 02021R0821-20251115), Annexes I and II"},
     "url": URL, "issued": Date(EDITION_DATE), "publisher": {"en": "Publications Office of the European Union (EUR-Lex)"},
     "kind": "primary", "language": "en"},
    {"id": SDATA, "title": {"en": "exports-watch: Annex I of Regulation (EU) 2021/821 as JSON, parsed from EUR-Lex CELLAR (commit dce8ed94)"},
     "url": "https://github.com/rikiosso/exports-watch", "kind": "dataset", "language": "en"},
]

CATEGORIES = {
    "0": "Nuclear materials, facilities and equipment",
    "1": "Special materials and related equipment",
    "2": "Materials processing",
    "3": "Electronics",
    "4": "Computers",
    "5": "Telecommunications and information security",
    "6": "Sensors and lasers",
    "7": "Navigation and avionics",
    "8": "Marine",
    "9": "Aerospace and propulsion",
}

LINE = re.compile(r"^(\d[A-E]\d{3}(?:\.[a-z0-9]+)*)\.?\s+(.*)$")
NOTE = re.compile(r"^(N\.B\.|Notes?\b|Technical Notes?\b|Note \d|Nota)", re.I)

# ------------------------------------------------------------------ notes, note-made codes, recoded codes

# The snapshot codes the items of 1C010.e.1 and 1C010.e.2 as "1C010.1" and "1C010.1.2" (a parse slip: the
# official text, like WA 1.C.10.e.1 / 1.C.10.e.2, has them under 1C010.e). They are items, not notes: they are
# recoded, and the notes the snapshot put on "1C010.1" (Notes 1, 2 and the Technical Notes to 1C010.e) go to
# 1C010.e. Longest prefix first.
RECODE = [("1C010.1.2", "1C010.e.2"), ("1C010.1", "1C010.e.1")]
RECODE_NOTES = {"1C010.1": "1C010.e"}

# Starts of the separate notes inside one line ("Technical Note: ... Note 1: ... Note 2: ..."), and their kind.
NOTE_START = re.compile(r"(?:(?<=^)|(?<=[.;:)]\s))(?=(?:N\.B\.|Technical Notes?\b|Notes?\b(?:\s*\d+)?\s*:|Note\s+\d))")
NOTE_HEAD = re.compile(r"^(?:(N\.B\.)\s*(\d+)?\.?|(Technical Notes?)\b\s*(\d+)?\.?:?|(Notes?)\b\s*(\d+)?:?)\s*")
DECONTROL = re.compile(r"\bdoes not (?:control|apply|include|release)\b|\bare not controlled\b|\bis not controlled\b", re.I)
CODE_AT_START = re.compile(r"^(?:For the purposes? of |In |For )?(\d[A-E]\d{3}(?:\.[a-z0-9]+)*)\.?(?=[\s,:;]|$)")
SQ_TERM = re.compile(r"'([^']{2,60})'")


def recode(code: str, is_note: bool) -> str:
    if is_note and code in RECODE_NOTES:
        return RECODE_NOTES[code]
    for old, new in RECODE:
        if code == old or code.startswith(old + "."):
            return new + code[len(old):]
    return code


def split_notes(text: str):
    """The separate notes of one note line: [(kind, notation, body)]."""
    parts = [p.strip() for p in NOTE_START.split(text) if p.strip()]
    out = []
    for part in parts:
        m = NOTE_HEAD.match(part)
        if not m:        # text before the first note head: belongs to the previous note
            if out:
                out[-1] = (out[-1][0], out[-1][1], out[-1][2] + " " + part)
            continue
        body = part[m.end():]
        if m.group(1):
            kind, notation = "nota-bene", "N.B." + (f" {m.group(2)}" if m.group(2) else "")
        elif m.group(3):
            kind, notation = "technical-note", m.group(3) + (f" {m.group(4)}" if m.group(4) else "")
        else:
            notation = m.group(5) + (f" {m.group(6)}" if m.group(6) else "")
            kind = "decontrol-note" if DECONTROL.search(body) else "note"
        out.append((kind, notation, body))
    return out


def classify_lines(entry_text: str, stats: Counter):
    """The lines of one entry as (code, text, role): role item | note | note-continuation | note-item.
    A note ending with ':' whose next lines carry codes below the note's code made those codes up: the
    snapshot turned the lettered/numbered paragraphs of a Note or Technical Note into sub-items
    (9A106.d.a, 9A004.f.2.1, 5A004.b.2.a ...); they are note-items, not entries."""
    out = []
    open_note = None     # code of a note ending with ':' whose sub-paragraphs may follow
    prev = None
    for ln in entry_text.split("\n"):
        m = LINE.match(ln.strip())
        if not m:
            stats["lines without a code"] += 1
            continue
        raw, rest = m.group(1), clean(m.group(2))
        is_note = bool(NOTE.match(rest))
        code = recode(raw, is_note)
        if is_note:
            role = "note"
            open_note = code if rest.rstrip().endswith(":") else None
        elif open_note and code.startswith(open_note + "."):
            role = "note-item"
        elif prev and prev[2] in ("note", "note-continuation") and code == prev[0]:
            role = "note-continuation"       # "6A008.l.1 Technical Note:" then its text on a line of its own
        else:
            role = "item"
            open_note = None
        prev = (code, rest, role)
        out.append(prev)
    return out


def slugify(s: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")
    return s or "term"


# ------------------------------------------------------------------ thresholds
# Parsed by the shared module scripts/_thresholds.py (see scripts/README.md, "Thresholds").


# ------------------------------------------------------------------ Annex II

GEA_WORDS = {
    "EU001": "Most Annex I items (not those of Annex II Section I) to the listed close partner countries.",
    "EU002": "Certain listed dual-use items to the listed destinations.",
    "EU003": "Export after repair or replacement, to the original destination, of items first exported under an authorisation.",
    "EU004": "Temporary export of listed items for an exhibition or fair, to be re-imported within a set period.",
    "EU005": "Certain listed telecommunications items to the listed destinations.",
    "EU006": "Certain listed chemicals to the listed destinations.",
    "EU007": "Intra-group export of listed software and technology to subsidiaries or sister companies in the listed destinations.",
    "EU008": "Certain encryption items to all destinations except those of EU001 and a listed set of excluded or embargoed destinations.",
}
SANCTIONS_NOTE = ("Russia appears in the list of destinations of the consolidated Annex II, but EU sanctions "
                  "(Council Regulation (EU) No 833/2014, Art. 2) prohibit exports of dual-use items to Russia.")


def destinations(text: str):
    m = re.search(r"following destinations:\s*(.*?)(?:\.\s*Part 3|\.\s*$)", text, re.S)
    if not m:
        return None
    raw = re.sub(r"\((?:without prejudice|including Hong Kong)[^()]*(?:\([^()]*\)[^()]*)*\)", lambda x: "(HKMO)" if "Hong Kong" in x.group(0) else "", m.group(1))
    out = set()
    for part in re.split(r",\s*", raw):
        part = clean(part)
        if not part or part == "French overseas territories":
            continue
        if part.startswith("including "):
            part = part[len("including "):]
        if part.endswith("(HKMO)"):
            out.update({"CN", "HK", "MO"})
            continue
        out.add(iso(part))
    return sorted(out)


# ------------------------------------------------------------------ glossary, general notes

GLOSSARY = f"{EDITION}/glossary"

# Annex IV (items whose transfer within the Union needs an authorisation, Art. 11 of Regulation (EU) 2021/821).
# The snapshot does not contain Annex IV, and no copy of its official text could be read with the search tools
# (EUR-Lex consolidated text 02021R0821-20251115; find_string on distinctive phrases of the annex found no public
# copy). Only what the official text in the snapshot itself says about Annex IV is recorded: Annex II, Section I
# excludes from EU001 "all items specified in Annex IV" and names 0C002 items "other than those specified in
# Annex IV", so some (not all) 0C002 items are in Annex IV. The collection is marked unverified and incomplete.
ANNEX_IV = f"eu/list/annex-iv/{EDITION_DATE}"
ANNEX_IV_MEMBERS = ["0C002"]
ANNEX_IV_NOTE = ("Incomplete: Annex IV was not in the snapshot and its official text could not be read with the tools "
                 "available (EUR-Lex consolidated text 02021R0821-20251115 searched for, not found in stored copies). "
                 "Only 0C002 is recorded, because Annex II, Section I of the same consolidated text refers to 0C002 "
                 "items 'specified in Annex IV'; Annex IV lists some, not all, items of 0C002 (special fissile "
                 "materials). The other members must be added from the official text.")
DEF_LINE = re.compile(r'^"([^"]+)"((?:\s*\((?:"[^"]+"|[^()\d"]*)\))*)\s*\(((?:\d|GTN|NTN|GSN|NSN|GISN|All|def|[ ,])+)\)')
ABBREV = re.compile(r'\("([^"]+)"\)')
QUOTED = re.compile(r'"([^"]{1,80})"')


def parse_definitions(text: str, stats: Counter):
    """Defined terms of 'DEFINITIONS OF TERMS USED IN THIS ANNEX': (term, qualifier, abbreviation, scope)."""
    out = []
    for ln in text.split("\n"):
        ln = ln.strip()
        if not ln.startswith('"'):
            continue
        if re.search(r'-\s*see\s+"', ln[:120]):
            stats["definition lines that only refer to another term (not written)"] += 1
            continue
        m = DEF_LINE.match(ln)
        if not m:
            stats["definition lines not parsed"] += 1
            continue
        extra = m.group(2) or ""
        abbrev = ABBREV.search(extra)
        qual = re.sub(r'\("[^"]+"\)', "", extra).strip(" ()")
        out.append((m.group(1), qual or None, abbrev.group(1) if abbrev else None, m.group(3).split()))
    return out


def scope_words(scope):
    """['2', '3', 'GTN'] -> 'Categories 2, 3; General Technology Note'."""
    names = {"GTN": "General Technology Note", "NTN": "Nuclear Technology Note", "GSN": "General Software Note",
             "NSN": "Nuclear Software Note", "GISN": "General Information Security Note", "All": "all categories",
             "def": "used in other definitions only"}
    cats = [x for x in scope if x.isdigit()]
    words = [names[x] for x in scope if not x.isdigit()]
    if cats:
        words.insert(0, ("Category " if len(cats) == 1 else "Categories ") + ", ".join(cats))
    return "; ".join(words)


def term_forms(term: str, abbrev):
    """Lower-case spellings under which a defined term is quoted in the entries (singular and plural)."""
    out = set()
    for t in filter(None, [term, abbrev]):
        t = t.lower()
        out |= {t, t + "s", t + "es"}
        if t.endswith("y"):
            out.add(t[:-1] + "ies")
        if t.endswith("s"):
            out.add(t[:-1])
    return out


# Notes at the level of the annex or of a category, from the snapshot's `docs`: (doc_type, title start) ->
# (id suffix, notation, the category entries they qualify).
ALL_CATS = [str(i) for i in range(10)]
GENERAL_DOCS = {
    "general_software_note": ("gsn", "General Software Note (GSN)", [str(i) for i in range(1, 10)]),
    "general_technology_note": ("gtn", "General Technology Note (GTN)", [str(i) for i in range(1, 10)]),
    "information_security_note": ("gisn", 'General "Information Security" Note (GISN)', ["5"]),
    "nuclear_software_note": ("nsn", "Nuclear Software Note (NSN)", ["0"]),
    "nuclear_technology_note": ("ntn", "Nuclear Technology Note (NTN)", ["0"]),
}


# ------------------------------------------------------------------ main

def main():
    args = parse_args(__doc__)
    d = json.loads((Path(args.reference) / "eu-annex-i" / "annex.json").read_text(encoding="utf-8"))
    assert d["corpus_version"] == CELEX and d["valid_from"] == EDITION_DATE
    stats = Counter()

    heading = {}     # code -> text of its first non-note line
    order = []
    lines_of = {}    # entry code -> classified lines
    item_text = {}   # code -> its own item lines (not notes), joined
    for e in d["entries"]:
        lines = classify_lines(e["verbatim_text"], stats)
        lines_of[e["entry_code"]] = lines
        for code, rest, role in lines:
            if role == "note-item":
                stats["note paragraphs the snapshot coded as items (now part of their note)"] += 1
                continue
            if code not in heading:
                order.append(code)
                heading[code] = None
            if role == "item":
                item_text[code] = (item_text.get(code, "") + " " + rest).strip()
                if heading[code] is None:
                    heading[code] = rest
    note_made = sorted({c for ls in lines_of.values() for c, _, r in ls if r == "note-item"} - set(heading))
    stats["codes made from notes (not written as entries)"] = len(note_made)
    stats["codes recoded (1C010.1... -> 1C010.e.1...)"] = len({recode(c, False) for ls in lines_of.values()
                                                            for c, _, r in ls if c.startswith("1C010.e.")})
    five = sorted(c for c in order if "." not in c)
    dotted = [c for c in order if "." in c]
    stats["five-character entries"] = len(five)

    def parent(code):
        p = code.rsplit(".", 1)[0]
        while p not in heading and "." in p:
            p = p.rsplit(".", 1)[0]
            stats["sub-items whose direct parent is missing (linked to the nearest ancestor)"] += 1
        return p

    # thresholds: the lines the snapshot flags, and the other item lines of written codes that hold a
    # quantity-like number (the same test as for the US list); parsed by _thresholds.parse_line
    thr = {}
    flagged, tally_flag, tally_other = set(), Tally(), Tally()
    for e in d["entries"]:
        for line in e.get("parameters") or []:
            m = LINE.match(line.strip())
            code = recode(m.group(1), False) if m else None
            if code in note_made:
                stats["threshold lines skipped (on a note paragraph)"] += 1
                continue
            if not m or code not in heading or heading[code] is None:
                stats["threshold lines skipped (no code)"] += 1
                continue
            flagged.add(code)
            res = parse_line(m.group(2), decimal_comma=True)
            tally_flag.add(res)
            if res.thresholds:
                thr[code] = res
    for code, text in sorted(item_text.items()):
        if code in flagged or code in note_made or heading.get(code) is None:
            continue
        res = parse_line(text, decimal_comma=True)
        if res.status == "no-quantity":
            continue
        tally_other.add(res)
        if res.thresholds:
            thr[code] = res
    for name, t in (("flagged threshold lines", tally_flag), ("other item lines with numbers", tally_other)):
        for k, v in t.summary().items():
            stats[f"{name}: {k}"] = v
        stats[f"{name}: no quantity-like number"] = t.lines["no-quantity"]
    stats["threshold comparators"] = ", ".join(f"{k} {v}" for k, v in sorted((tally_flag.comparators + tally_other.comparators).items()))
    stats["threshold units"] = ", ".join(f"{k} {v}" for k, v in sorted((tally_flag.units + tally_other.units).items(), key=lambda x: (-x[1], x[0])))

    cat_rows, entry_rows, sub_rows, thr_rows = [], [], [], []
    for c, name in sorted(CATEGORIES.items()):
        cat_rows.append([f"{EDITION}/category-{c}", c, f"Category {c} — {name}", EDITION])
    for code in five:
        eid = f"{EDITION}/{code}"
        reg = regime_origin(code)
        label = heading[code] or code
        tid = [f"{eid}/threshold-{n}" for n in range(1, len(thr[code].thresholds) + 1)] if code in thr else None
        entry_rows.append([eid, code, good_name(label) or code, EDITION, f"{EDITION}/category-{code[0]}", reg,
                           "derived from the numbering convention" if reg else None, URL, tid, "@USES@" + code])
        if reg:
            stats[f"regime origin {reg}"] += 1
    for code in sorted(dotted, key=lambda c: (c.split(".")[0], order.index(c))):
        if heading[code] is None:
            stats["dotted codes with only note lines (skipped)"] += 1
            continue
        eid = f"{EDITION}/{code}"
        tid = [f"{eid}/threshold-{n}" for n in range(1, len(thr[code].thresholds) + 1)] if code in thr else None
        sub_rows.append([eid, code, good_name(heading[code]), EDITION, f"{EDITION}/{parent(code)}", tid, "@USES@" + code])
    stats["dotted sub-items"] = len(sub_rows)
    for code in sorted(thr):
        if heading.get(code) is None:
            continue
        for n, th in enumerate(thr[code].thresholds, 1):
            thr_rows.append([f"{EDITION}/{code}/threshold-{n}", th.parameter or None, th.comparator,
                             fmt_decimal(th.value), fmt_decimal(th.upper) if th.upper is not None else None,
                             th.unit, th.symbol, th.group])
    stats["thresholds written"] = len(thr_rows)

    written = {c for c in order if heading.get(c) is not None} | set(five)

    def holder(code):
        """The nearest written code at or above `code` (a note on a code with note lines only goes up)."""
        while code not in written and "." in code:
            code = code.rsplit(".", 1)[0]
        return code

    # notes attached to entries and sub-items (no text copied: kind, notation, the item they qualify)
    note_rows, per_code = [], Counter()
    for ecode in sorted(lines_of):
        notes = []          # [target, kind, notation, body, placed code]
        for code, rest, role in lines_of[ecode]:
            if role == "note-continuation" and notes:
                notes[-1][3] += " " + rest
                continue
            if role != "note":
                continue
            for kind, notation, body in split_notes(rest):
                m = CODE_AT_START.match(body)
                named = recode(m.group(1), False) if m else None
                target = named if named in written and named.startswith(ecode) else holder(code)
                if named and target == named and named != code:
                    stats["notes attached to the item they name (not where the snapshot put them)"] += 1
                notes.append([target, kind, notation, body, code])
        for target, kind, notation, body, _placed in notes:
            per_code[target] += 1
            pm = SQ_TERM.search(body) if kind == "technical-note" else None
            param = pm.group(1) if pm and re.search(r"'\s+(?:is|are|means|mean|denotes|refers|includes)\b", body[pm.start():pm.end() + 12]) else None
            note_rows.append([f"{EDITION}/{target}/note-{per_code[target]}", f"Annex I, {target}, {notation}", kind, notation,
                              f"{EDITION}/{target}", param, URL])
            stats[f"entry notes: {kind}"] += 1

    # notes to the whole annex and to categories or their sections (from the snapshot's docs)
    gen_rows = []
    cat_count = Counter()
    app_done = False
    for doc in d["docs"]:
        dt, title, text = doc["doc_type"], doc["title"], doc["verbatim_text"].strip()
        if dt == "general_notes":
            for ln in text.split("\n"):
                m = re.match(r"^(\d+)\s+(N\.B\.)?", ln)
                if not m:
                    continue
                suffix, notation = (f"general-note-{m.group(1)}-nb", f"General Note {m.group(1)}, N.B.") if m.group(2) \
                    else (f"general-note-{m.group(1)}", f"General Note {m.group(1)}")
                gen_rows.append([f"{EDITION}/{suffix}", "Annex I, General Notes to Annex I", "general-note", notation,
                                 [f"{EDITION}/category-{c}" for c in ALL_CATS], None, URL])
        elif dt in GENERAL_DOCS:
            suffix, notation, cats = GENERAL_DOCS[dt]
            gen_rows.append([f"{EDITION}/{suffix}", f"Annex I, {notation}", "general-note", notation,
                             [f"{EDITION}/category-{c}" for c in cats], None, URL])
        elif dt in ("section_note", "category_note"):
            cat = title[len("Category ")]
            where = title.split(" — ")[1] if " — " in title else title
            target = f"{EDITION}/category-{cat}"
            if text.rstrip(".") == "None":
                stats["category sections whose notes read 'None'"] += 1
                continue
            if "DEPOSITION TECHNIQUES" in title:           # notes to the table of 2E003.f
                kind, notation = ("technical-note", "Technical Note to the Table - Deposition Techniques") \
                    if "TECHNICAL NOTE" in title else ("note", "Notes to the Table - Deposition Techniques")
                gen_rows.append([f"{EDITION}/2E003.f/note-table-{kind}", f"Annex I, Category 2, {where}", kind, notation,
                                 f"{EDITION}/2E003.f", None, URL])
                stats[f"category notes: {kind}"] += 1
                continue
            if where.startswith("2E Technology"):          # the deposition table itself: part of 2E003.f, not a note
                stats["docs that are a table, not a note (skipped)"] += 1
                continue
            if "APP" in where or "Abbreviations used in this Technical Note" in where:
                if not app_done:                            # three docs make one Technical Note
                    gen_rows.append([f"{EDITION}/category-4/technical-note-app", "Annex I, Category 4, Technical Note on "
                                     '"Adjusted Peak Performance" ("APP")', "technical-note",
                                     'Technical Note on "Adjusted Peak Performance" ("APP")', target, "Adjusted Peak Performance", URL])
                    stats["category notes: technical-note"] += 1
                    app_done = True
                continue
            for ln in text.split("\n"):
                for kind, notation, _body in split_notes(ln):
                    cat_count[cat] += 1
                    gen_rows.append([f"{EDITION}/category-{cat}/note-{cat_count[cat]}", f"Annex I, Category {cat}, {where}",
                                     kind, notation, target, None, URL])
                    stats[f"category notes: {kind}"] += 1
    stats["general notes (annex level)"] = sum(1 for r in gen_rows if r[2] == "general-note")

    # glossary: the defined terms of 'Definitions of terms used in this Annex', and which entries quote them
    defs = parse_definitions(next(x for x in d["docs"] if x["doc_type"] == "definitions_annex")["verbatim_text"], stats)
    term_rows, by_form = [], {}
    for term, qual, abbrev, scope in defs:
        tid = f"{GLOSSARY}/{slugify(term + (' ' + qual if qual else ''))}"
        assert tid not in {r[0] for r in term_rows}, tid
        label = term + (f" ({qual})" if qual else "")
        term_rows.append([tid, label, abbrev, f"Applies to: {scope_words(scope)}.", GLOSSARY, URL])
        for f in term_forms(term, abbrev):
            by_form.setdefault(f, set()).add(tid)
    stats["defined terms"] = len(term_rows)
    assert "all items specified in Annex IV" in d["gea_common_list"] and "other than those specified in Annex IV" in d["gea_common_list"]
    stats["Annex IV members (incomplete, unverified)"] = len(ANNEX_IV_MEMBERS)
    uses = {}
    for code, text in item_text.items():
        found = set()
        for q in QUOTED.findall(text.replace("“", '"').replace("”", '"')):
            found |= by_form.get(q.strip().lower(), set())
        if found:
            uses[code] = sorted(found)
    stats["entries and sub-items quoting a defined term"] = sum(1 for c in uses if c in written)
    stats["uses of defined terms"] = sum(len(v) for c, v in uses.items() if c in written)

    for row in entry_rows + sub_rows:
        code = row[-1][len("@USES@"):]
        row[-1] = uses.get(code) or None

    records = [
        {"id": LIST, "type": "ControlList", "source": SRC,
         "skos:prefLabel": {"en": "EU dual-use list (Annex I to Regulation (EU) 2021/821)"},
         "eg:jurisdiction": "eu", "eg:maintainedBy": "eu/agency/commission", "eg:establishedBy": "eu/regulation/2021-821",
         "eg:goodsCategory": "dual-use", "eg:officialText": URL},
        {"id": EDITION, "type": "ListEdition", "source": [SRC, SDATA],
         "skos:prefLabel": {"en": "EU dual-use list, consolidated version valid from 15 November 2025"},
         "eg:editionOf": LIST, "eg:validFrom": Date(EDITION_DATE), "eg:establishedBy": "eu/regulation/2021-821",
         "eg:officialText": URL},
        {"id": ANNEX_IV, "type": "EntryCollection", "source": SRC, "locator": "Annex IV; Annex II, Section I",
         "unverified": True,
         "skos:prefLabel": {"en": "Annex IV of Regulation (EU) 2021/821: dual-use items whose transfer within the Union "
                                  "requires an authorisation (Art. 11), consolidated text valid from 15 November 2025"},
         "skos:member": [f"{EDITION}/{c}" for c in ANNEX_IV_MEMBERS], "eg:establishedBy": "eu/regulation/2021-821",
         "eg:officialText": URL, "eg:note": {"en": ANNEX_IV_NOTE}},
        {"id": GLOSSARY, "type": "Glossary", "source": SRC, "locator": "Annex I, Definitions of terms used in this Annex",
         "skos:prefLabel": {"en": "Defined terms of the EU dual-use list (Annex I), consolidated version valid from 15 November 2025"},
         "eg:editionOf": LIST, "eg:officialText": URL,
         "eg:note": {"en": "Terms written between double quotes in Annex I and defined in its definitions section; the "
                           "definitions themselves are read in the official text. Terms in single quotes are defined in "
                           "Technical Notes of the entries (see the EntryNote records)."}},
    ]
    tables = [
        {"type": "ControlEntry", "source": [SRC, SDATA], "columns": ["id", "skos:notation", "skos:prefLabel@en", "skos:inScheme"],
         "rows": cat_rows},
        {"type": "ControlEntry", "source": [SRC, {"source": SCONV, "locator": "§ 738.2(d)"}, SDATA],
         "columns": ["id", "skos:notation", "skos:prefLabel@en", "skos:inScheme", "skos:broader", "eg:regimeOrigin",
                     "eg:derivation@en", "eg:officialText", "eg:threshold", "eg:usesTerm"],
         "rows": entry_rows},
        {"type": "ControlEntry", "source": [SRC, SDATA],
         "columns": ["id", "skos:notation", "skos:prefLabel@en", "skos:inScheme", "skos:broader", "eg:threshold", "eg:usesTerm"],
         "rows": sub_rows},
        {"type": "Threshold", "source": [SRC, SDATA],
         "columns": ["id", "eg:parameter@en", "eg:comparator", "eg:numericValue", "eg:upperValue", "eg:unit",
                     "eg:unitSymbol", "eg:conditionGroup"],
         "rows": thr_rows},
        {"type": "EntryNote", "source": [SRC, SDATA],
         "columns": ["id", "locator", "eg:noteKind", "skos:notation", "eg:noteOf", "eg:parameter@en", "eg:officialText"],
         "rows": note_rows + sorted(gen_rows)},
        {"type": "DefinedTerm", "source": [SRC, SDATA],
         "columns": ["id", "skos:prefLabel@en", "skos:altLabel@en", "eg:note@en", "skos:inScheme", "eg:officialText"],
         "rows": sorted(term_rows)},
    ]
    out = Path(args.out)
    write_yaml(out / "eu-annex-i.yaml",
               f"GENERATED by scripts/import_eu_annex_i.py from eu-annex-i/annex.json (CELEX {CELEX}); do not edit",
               sources=SOURCES, records=records, tables=tables,
               comments=["Counts: " + "; ".join(f"{k}: {v}" for k, v in sorted(stats.items())),
                         "Categories 0-9 are written as entries (category-N) so that other lists can be linked to them."])

    # Annex II: Union general export authorisations
    lic = []
    for g in sorted(d["geas"], key=lambda x: x["id"]):
        gid = g["id"]
        rec = {"id": f"eu/licence/{gid.lower()}", "type": "LicenceType", "source": SRC,
               "locator": f"Annex II, Section {'ABCDEFGH'[int(gid[2:]) - 1]} ({gid})",
               "skos:prefLabel": {"en": f"Union general export authorisation {gid}"},
               "dcterms:identifier": gid, "eg:licenceKind": "general", "eg:jurisdiction": "eu",
               "eg:legalBasis": "eu/regulation/2021-821/art-12",
               # as an authorisation of Regulation (EU) 2021/821, from the day it applies (Art. 32); earlier
               # Community/Union general authorisations under 1334/2000 and 428/2009 are records of their own
               "eg:validFrom": "2021-09-09"}
        dest = destinations(g["verbatim_text"])
        if dest:
            rec["eg:destination"] = dest
        rec["eg:condition"] = {"en": GEA_WORDS[gid]}
        if dest and "RU" in dest:
            rec["eg:note"] = {"en": SANCTIONS_NOTE}
        lic.append(rec)
    write_yaml(out / "eu-annex-ii.yaml",
               f"GENERATED by scripts/import_eu_annex_i.py from eu-annex-i/annex.json (CELEX {CELEX}, Annex II); do not edit",
               records=lic)
    for k, v in sorted(stats.items()):
        print(f"{k}: {v}")
    print("licence types:", len(lic))


if __name__ == "__main__":
    main()
