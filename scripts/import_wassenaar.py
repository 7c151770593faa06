"""Wassenaar Arrangement control lists, WA-LIST (25) 1 Corr. (15 January 2026): the items of the List of
Dual-Use Goods and Technologies (with the Annex to Category 1, list of explosives) and of the Munitions
List, the Notes attached to them, the Sensitive and Very Sensitive Lists, and the defined terms.

Reads wassenaar/wa-list-2025-corr.json (items, notes) and wassenaar/wa-list-2025-corr.txt (definitions,
Sensitive List, Very Sensitive List, pages of notes). Writes data/lists/regime-wa.yaml.
No legal text is copied: labels are the names of the goods (good_name), notes and terms are records of
where the text is and what kind it is. See scripts/README.md.
Run: /tmp/venv/bin/python scripts/import_wassenaar.py
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from _common import clean, good_name, parse_args, write_yaml

DU, ML = "regime/wa/list/dual-use/2025-12-01", "regime/wa/list/munitions/2025-12-01"
URL = "https://www.wassenaar.org/app/uploads/2026/01/List-of-Dual-Use-Goods-and-Technologies-and-ML-2025-Corr.pdf"
SRC, SDATA = "src/lists/regimes/wa-list-2025-corr", "src/lists/regimes/wa-list-2025-corr/dataset"
GLOSSARY = f"{DU}/glossary"
SOURCES = [
    {"id": SRC,
     "title": {"en": "Wassenaar Arrangement, Public Documents Volume II: List of Dual-Use Goods and Technologies and "
                     "Munitions List, 2025 Corr. (WA-LIST (25) 1 Corr., 15 January 2026)"},
     "url": URL, "issued": "@DATE@2026-01-15",
     "publisher": {"en": "Wassenaar Arrangement Secretariat"}, "kind": "primary", "language": "en"},
    {"id": SDATA,
     "title": {"en": "WA-LIST (25) 1 Corr. as data: the text layer of the Secretariat's PDF (pdftotext) parsed into items, "
                     "notes, Sensitive and Very Sensitive List rows (PDF sha256 1a92a954…, as kept in jaepaly/2026sanbo @ a932d26)"},
     "url": "https://github.com/jaepaly/2026sanbo", "kind": "dataset", "language": "en"},
]

# Private-use characters of the PDF's Symbol font, as pdftotext left them.
SYMBOL = {"\uf0a2": "′", "\uf06d": "μ", "\uf02d": "−", "\uf0b0": "°", "\uf063": "χ", "\uf06c": "λ", "\uf0b4": "×"}
# Trailing text that is not the item's: the next group's heading ("4. B. TEST ... - None") or Category 5 Part 2.
TAIL = re.compile(r"\s+(?:\d\.\s?[A-E]\.\s+[A-Z][A-Z ,\"-]+ - None\b.*|Part 2 - \"INFORMATION SECURITY\".*)$")
# Notes that the parser left in the item's own text, after the end of a sentence.
INLINE_NOTE = re.compile(r"(?<=[.:;)\"\]])\s+(?=(?:N\.B\.|Notes?\s+\d+(?=\s)|Note(?=\s)(?!\s+\d+\.[a-z])|Technical Notes?)\s)")
NOTE_HEAD = re.compile(r"^(?:(N\.B\.)\s*(?:(\d+)\.)?|(Technical Notes?)\b\.?(\s+cont\.)?|(Notes?)(?:\s+(\d+)(?=\s))?"
                       r"(?:\s+(to the Cryptography Note))?)\s*")
DECONTROL = re.compile(r"\bdoes not (?:control|apply|include|release)\b|\bdo not apply\b|\bare not controlled\b|\bis not controlled\b", re.I)
CODE = r"(?:ML\d+|\d\.(?:[A-E]|ANNEX))(?:\.[0-9a-z]+)*"
LEFT = re.compile(r"^\s*((?:(?:Cat|ML|GTN|GSN|NTN|Both|Lists|All|&|\d+(?:P[12])?)[,\s]*)+)")
NOT_USED = re.compile(r"^Not used since (\d{4})")

# Category 5: the general notes of Part 2 ("Information Security") were read into the last item of Part 1
# (5.E.1.e.2). They are notes to the category (PDF p. 92); written here on category-5, not on 5.E.1.e.2.
CAT5_PART2_NOTES = [("note-part2-2", "Category 5 Part 2, Note 2", "decontrol-note"),
                    ("note-part2-3", "Category 5 Part 2, Note 3 (Cryptography Note)", "decontrol-note"),
                    ("note-part2-3-note", "Category 5 Part 2, Note to the Cryptography Note", "note")]


def fix(s: str) -> str:
    for k, v in SYMBOL.items():
        s = s.replace(k, v)
    return clean(s)


def slugify(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


def sentence_case(s: str) -> str:
    s = clean(s).lower()
    return s[:1].upper() + s[1:]


class Pages:
    """The .txt with whitespace collapsed, and the PDF page at each position: finds where a note starts."""

    def __init__(self, text: str):
        self.parts, self.starts, pos = [], [], 0
        buf = []
        page = 0
        for chunk in re.split(r"(\[p\. \d+\])", text):
            m = re.match(r"\[p\. (\d+)\]", chunk)
            if m:
                page = int(m.group(1))
                continue
            c = fix(chunk)
            if not c:
                continue
            self.starts.append((pos, page))
            buf.append(c + " ")
            pos += len(c) + 1
        self.text = "".join(buf)
        self.page_pos = {}
        for p, pg in self.starts:
            self.page_pos.setdefault(pg, p)

    def page_at(self, pos: int) -> int:
        page = 0
        for p, pg in self.starts:
            if p > pos:
                break
            page = pg
        return page

    def find(self, snippet: str, from_page: int):
        start = self.page_pos.get(from_page, 0)
        i = self.text.find(snippet, start)
        return self.page_at(i) if i >= 0 else None


def wa_id(code: str, eu: dict) -> str:
    """Graph id of a WA code: category and ML nodes of regime-lists.yaml, group headings (1A), the Annex to
    Category 1 (1-annex.12.a), items in EU/CCL form (3B001.f.2), munitions in ML form (ML8.a.1)."""
    if code.startswith("ML"):
        return f"{ML}/{code.lower()}" if "." not in code else f"{ML}/{code}"
    if re.fullmatch(r"\d", code):
        return f"{DU}/category-{code}"
    if re.fullmatch(r"\d\.[A-E]", code):
        return f"{DU}/{code.replace('.', '')}"
    if code.startswith("1.ANNEX"):
        return f"{DU}/1-annex{code[len('1.ANNEX'):]}"
    return f"{DU}/{eu[code]}"


def split_note_blocks(blocks):
    """Note blocks of one item -> [(kind, notation, body)]; blocks without a head continue the previous one."""
    out = []
    for b in blocks:
        b = fix(b)
        m = NOTE_HEAD.match(b)
        if not m or m.end() == 0 or (m.group(4) and out):       # no head, or "Technical Notes cont."
            if out:
                out[-1][2] += " " + (b[m.end():] if m and m.group(4) else b)
                continue
            out.append([None, None, b])
            continue
        body = b[m.end():]
        if m.group(1):
            kind, notation = "nota-bene", "N.B." + (f" {m.group(2)}" if m.group(2) else "")
        elif m.group(3):
            kind, notation = "technical-note", m.group(3)
        else:
            notation = m.group(5) + (f" {m.group(6)}" if m.group(6) else "") + (f" {m.group(7)}" if m.group(7) else "")
            kind = "decontrol-note" if DECONTROL.search(body[:300]) else "note"
        out.append([kind, notation, body])
    return out


def cited_codes(body: str):
    """Codes that a note names first ('1.A.2. does not apply', 'For the purposes of ML10.a., ML10.d. and ML10.j.')."""
    m = re.match(rf"^(?:For the purposes of |For |In )?({CODE})\.?", body)
    if not m:
        return []
    codes, rest = [m.group(1)], body[m.end():]
    while True:
        m = re.match(rf"^,?\s*(?:and|or|to|&)?\s*({CODE})\.?", rest)
        if not m:
            return codes
        codes.append(m.group(1))
        rest = rest[m.end():]


def common_ancestor(codes):
    parts = [c.split(".") for c in codes]
    n = 0
    while all(len(p) > n and p[n] == parts[0][n] for p in parts):
        n += 1
    return ".".join(parts[0][:n])


def parse_definitions(lines, stats):
    """Defined terms of 'Definitions of terms used in these Lists': [(label, abbreviation, scope, page)]."""
    start = next(i for i, ln in enumerate(lines) if "DEFINITIONS OF TERMS USED IN THESE LISTS" in ln and i > 1000)
    end = next(i for i, ln in enumerate(lines) if "ACRONYMS AND ABBREVIATIONS USED IN THESE LISTS" in ln and i > start)
    out = []
    page = next(int(m.group(1)) for ln in reversed(lines[:start]) if (m := re.match(r"^\[p\. (\d+)\]", ln)))
    prev_blank = True
    i = start
    while i < end:
        ln = lines[i]
        m = re.match(r"^\[p\. (\d+)\]", ln)
        if m:
            page, prev_blank = int(m.group(1)), True
            i += 1
            continue
        q = ln.find('"')
        if prev_blank and 0 <= q <= 16 and ln.strip():
            left = ln[:q].strip()
            term_part = ln[q:].strip()
            if term_part.count('"') % 2 and i + 1 < end:            # a term written over two lines
                term_part += " " + lines[i + 1].strip()
                i += 1
            m = re.match(r'^"([^"]+)"\s*(.*)$', term_part)
            rest = m.group(2) if m else ""
            if m and len(rest) <= 45 and len(rest.split()) <= 5:
                if re.search(r"\bsee\b", rest):
                    stats["definitions that only refer to another term (not written)"] += 1
                else:
                    term = clean(m.group(1))
                    abbrev = re.search(r'\("([^"]+)"\)', rest)
                    qual = clean(re.sub(r'\("[^"]+"\)', "", rest)) or None
                    scope = [left] if left else []
                    j = i + 1
                    while j < end and lines[j][:q].strip() and not lines[j].startswith("[p."):
                        lm = LEFT.match(lines[j])
                        if not lm:
                            break
                        scope.append(lm.group(1).strip())
                        j += 1
                    out.append((term + (f" {qual}" if qual else ""), term, abbrev.group(1) if abbrev else None,
                                clean(" ".join(scope)), page))
        prev_blank = not ln.strip()
        i += 1
    return out


def term_forms(term: str, abbrev):
    out = set()
    for t in filter(None, [term, abbrev]):
        t = t.lower()
        if t.endswith("(s)"):
            t = t[:-3]
        out |= {t, t + "s", t + "es"}
        if t.endswith("y"):
            out.add(t[:-1] + "ies")
        if t.endswith("s"):
            out.add(t[:-1])
    return out


def parse_sensitive(lines, title, stop, items_order, stats, key):
    """Rows of the Sensitive List / Very Sensitive List from the .txt: the codes a row names ('X to Y' and
    '&' expanded over the items of the list, rows continued on the next line joined)."""
    start = next(i for i, ln in enumerate(lines) if ln.strip() == title)
    end = next(i for i, ln in enumerate(lines) if i > start and stop in ln)
    rows = []
    cont = False
    for ln in lines[start:end]:
        if not ln or ln[0] not in "0123456789&":
            if ln.strip():
                cont = False
            continue
        head = re.split(r"\s{2,}", ln.strip(), maxsplit=1)[0]
        if not re.match(r"^(?:\d\.[A-E]\.|&)", head):
            continue
        toks = re.findall(r"\d\.[A-E]\.[0-9a-z.]*[0-9a-z]|&|\bto\b|,", head)
        if cont or toks[0] == "&":
            rows[-1].extend(toks)
        else:
            rows.append(toks)
        cont = toks[-1] in ("&", "to", ",")
    pos = {c: i for i, c in enumerate(items_order)}
    members, missing = [], []
    for toks in rows:
        codes, i = [], 0
        while i < len(toks):
            t = toks[i]
            if t == "to":
                a, b = codes[-1], toks[i + 1]
                if a in pos and b in pos:
                    parent = a.rsplit(".", 1)[0]
                    codes.extend(c for c in items_order[pos[a] + 1: pos[b] + 1] if c.rsplit(".", 1)[0] == parent)
                else:
                    codes.append(b)
                i += 2
                continue
            if t not in ("&", ","):
                codes.append(t)
            i += 1
        for c in codes:
            (members if c in pos else missing).append(c)
    stats[f"{key}: rows"] = len(rows)
    stats[f"{key}: codes not in the main list (not used there; not written)"] = len(missing)
    return members, missing


def main():
    args = parse_args(__doc__)
    ref = Path(args.reference) / "wassenaar"
    d = json.loads((ref / "wa-list-2025-corr.json").read_text(encoding="utf-8"))
    txt = (ref / "wa-list-2025-corr.txt").read_text(encoding="utf-8")
    assert d["source"]["document"] == "WA-LIST (25) 1 Corr." and d["source"]["dated"] == "2026-01-15"
    lines = txt.split("\n")
    pages = Pages(txt)
    stats = Counter()

    items = d["items"]
    eu = {it["code"]: it["eu_style_code"] for it in items if it.get("eu_style_code")}
    skipped = {}
    for it in items:
        flags = it.get("parse_flags") or []
        if any(f.startswith("not_an_item") for f in flags):
            skipped[it["code"]] = "not_an_item (a Technical Note definition of the 2.E.3.f table read as an item)"
        elif "subject_heading_none" in flags and re.fullmatch(r"[A-Z ]+ - None", it["text"].strip()):
            skipped[it["code"]] = "subject_heading_none (a subject heading with no items, 'X - None')"
    stats["items in the snapshot"] = len(items)
    stats["skipped: not_an_item"] = sum(1 for v in skipped.values() if v.startswith("not_an_item"))
    stats["skipped: subject_heading_none"] = sum(1 for v in skipped.values() if v.startswith("subject_heading"))
    kept = [it for it in items if it["code"] not in skipped]
    codes = {it["code"] for it in kept}
    order = [it["code"] for it in kept]

    # ------------------------------------------------------------ item texts and notes
    text_of, note_blocks = {}, {}
    for it in kept:
        raw = fix(it["text"])
        cut = TAIL.search(raw)
        if cut:
            raw = raw[:cut.start()]
            stats["item texts cut before a following heading"] += 1
        parts = INLINE_NOTE.split(raw)
        # "MAGNETIC AND ELECTRIC FIELD SENSORS - Not used since 2004": the subject heading is not the item's
        text_of[it["code"]] = re.sub(r"^[A-Z][A-Z ]+ - (?=Not used)", "", parts[0].strip())
        blocks = list(parts[1:]) + list(it["notes"])
        if parts[1:]:
            stats["notes found inside an item's text"] += len(parts) - 1
        if it["code"] == "5.E.1.e.2":
            stats["note blocks on 5.E.1.e.2 that are Category 5 Part 2 general notes (moved to category-5)"] = len(blocks)
            blocks = []
        note_blocks[it["code"]] = blocks

    def root(code):
        """The five-character entry (1.A.2), ML entry (ML8) or annex item (1.ANNEX.12) a code belongs to."""
        p = code.split(".")
        return p[0] if code.startswith("ML") else ".".join(p[:3])

    def holder_ok(target, code):
        """A note may name its own item, an item above it, or another item of the same entry (Note 3 to
        1.A.2.b.1 printed after 1.A.2.b.2)."""
        return bool(target) and (target in codes or re.fullmatch(r"ML\d+", target)) and \
            (code.startswith(target + ".") or (len(target) >= len(root(code)) and root(target) == root(code)))

    notes = []     # (target code, kind, notation, body, placed on)
    for it in kept:
        code = it["code"]
        for kind, notation, body in split_note_blocks(note_blocks[code]):
            if kind is None:
                stats["note text without a head and no note before it (not written)"] += 1
                continue
            target = code
            cited = cited_codes(body) if kind in ("note", "decontrol-note", "technical-note") else []
            if cited:
                anc = common_ancestor(cited + [code]) if len(cited) > 1 else cited[0]
                if holder_ok(anc, code) and anc != code:
                    target = anc
                    stats["notes moved to the item they name (the snapshot put them on a later sub-item)"] += 1
            notes.append((target, kind, notation, body, code))

    # ------------------------------------------------------------ defined terms
    defs = parse_definitions(lines, stats)
    term_rows, by_form, seen = [], {}, set()
    for label, term, abbrev, scope, page in defs:
        tid = f"{GLOSSARY}/{slugify(label)}"
        if tid in seen:
            stats["definitions repeated (written once)"] += 1
            continue
        seen.add(tid)
        term_rows.append([tid, label, abbrev, f"Used in: {scope}." if scope else None, GLOSSARY, URL, f"PDF p. {page}"])
        for f in term_forms(term, abbrev):
            by_form.setdefault(f, set()).add(tid)
    stats["defined terms"] = len(term_rows)

    def uses(text):
        found = set()
        for q in re.findall(r'"([^"]{1,80})"', text):
            found |= by_form.get(re.sub(r"-\s+", "-", clean(q)).lower(), set())
        return sorted(found) or None

    # ------------------------------------------------------------ entries
    group_rows, du_rows, ml_rows = [], [], []
    for it in kept:
        code, text = it["code"], text_of[it["code"]]
        if re.fullmatch(r"ML\d+", code):
            continue                     # ML1..ML22 are the nodes of regime-lists.yaml
        iid = wa_id(code, eu)
        par = it["parent"]
        if par and par not in codes and not re.fullmatch(r"\d|ML\d+", par):
            stats[f"parents missing in the snapshot (linked to the category): {par}"] += 1
            par = par.split(".")[0]
        loc = f"PDF p. {it['page']}"
        if it["level"] == 0:
            label = "Annex to Category 1: list of explosives" if code == "1.ANNEX" else sentence_case(text)
            group_rows.append([iid, code, label, DU, wa_id(par, eu), URL, uses(text), loc])
            continue
        nu = NOT_USED.match(text)
        note = None
        if nu:
            label = f"Not used since {nu.group(1)}"
            note = f"A numbered place the list keeps empty: the item was withdrawn in {nu.group(1)} (marked 'not used')."
            stats["items 'not used since' (kept, with a note)"] += 1
        else:
            label = good_name(text) or code
            if label.count('"') % 2:           # a quoted term cut by the length cap: drop its opening quote
                i = label.rfind('"')
                label = label[:i] + label[i + 1:]
        row = [iid, code, label, DU if it["list"] == "dual-use" else ML, wa_id(par, eu), URL, uses(text), note, loc]
        (du_rows if it["list"] == "dual-use" else ml_rows).append(row)
    stats["dual-use group headings (1.A ... 9.E) and the Annex to Category 1"] = len(group_rows)
    stats["dual-use items"] = len(du_rows)
    stats["munitions items (below ML1-ML22)"] = len(ml_rows)
    stats["items quoting a defined term"] = sum(1 for r in group_rows + du_rows + ml_rows if r[6])
    stats["uses of defined terms"] = sum(len(r[6]) for r in group_rows + du_rows + ml_rows if r[6])

    # ------------------------------------------------------------ notes (no text: kind, notation, place)
    note_rows, per = [], Counter()
    for target, kind, notation, body, placed in notes:
        tid = wa_id(target, eu)
        per[tid] += 1
        page = pages.find(fix(body)[:60], next(i["page"] for i in kept if i["code"] == placed)) or \
            next(i["page"] for i in kept if i["code"] == placed)
        note_rows.append([f"{tid}/note-{per[tid]}", f"PDF p. {page}, {target}, {notation}", kind, notation, tid, URL])
        stats[f"notes: {kind}"] += 1
    for suffix, notation, kind in CAT5_PART2_NOTES:
        note_rows.append([f"{DU}/category-5/{suffix}", f"PDF p. 92, {notation}", kind, notation, f"{DU}/category-5", URL])
        stats[f"notes: {kind}"] += 1
    stats["notes"] = len(note_rows)

    # ------------------------------------------------------------ Sensitive List, Very Sensitive List
    du_order = [c for c in order if not c.startswith("ML")]
    sl, sl_missing = parse_sensitive(lines, "THE SENSITIVE LIST OF DUAL-USE GOODS AND TECHNOLOGIES",
                                     "VERY SENSITIVE LIST OF DUAL-USE GOODS AND TECHNOLOGIES", du_order, stats, "SL")
    vsl, vsl_missing = parse_sensitive(lines, "VERY SENSITIVE LIST OF DUAL-USE GOODS AND TECHNOLOGIES",
                                       "MUNITIONS LIST", du_order, stats, "VSL")
    stats["SL: members"], stats["VSL: members"] = len(sl), len(vsl)
    assert len(set(sl)) == len(sl) and len(set(vsl)) == len(vsl)

    records = [
        {"id": f"{DU}/sensitive-list", "type": "EntryCollection", "source": [SRC, SDATA], "locator": "Sensitive List (PDF pp. 169-176)",
         "skos:prefLabel": {"en": "Wassenaar Arrangement Sensitive List of Dual-Use Goods and Technologies (2025 Corr.)"},
         "eg:officialText": URL,
         "eg:note": {"en": "Members are the Dual-Use List items that the Sensitive List names (ranges such as 'X to Y' expanded). "
                           "Some rows name only part of an item; the Sensitive List's own wording says which. Codes that the "
                           "Sensitive List names but the main list no longer has (marked not used there) are not members: "
                           + ", ".join(sl_missing) + "."},
         "skos:member": [wa_id(c, eu) for c in sl]},
        {"id": f"{DU}/very-sensitive-list", "type": "EntryCollection", "source": [SRC, SDATA], "locator": "Very Sensitive List (PDF pp. 177-179)",
         "skos:prefLabel": {"en": "Wassenaar Arrangement Very Sensitive List of Dual-Use Goods and Technologies (2025 Corr.)"},
         "eg:officialText": URL,
         "eg:note": {"en": "Members are the Dual-Use List items that the Very Sensitive List names. Some rows name only part of "
                           "an item; the Very Sensitive List's own wording says which."},
         "skos:member": [wa_id(c, eu) for c in vsl]},
        {"id": GLOSSARY, "type": "Glossary", "source": [SRC, SDATA], "locator": "Definitions of Terms used in these Lists (PDF pp. 214-235)",
         "skos:prefLabel": {"en": "Defined terms of the Wassenaar Arrangement lists (2025 Corr.)"},
         "eg:editionOf": "regime/wa/list/dual-use", "eg:officialText": URL,
         "eg:note": {"en": "Terms written between double quotes in the Dual-Use List and the Munitions List and defined in their "
                           "common definitions section; the definitions are read in the official text. The 'Used in' note of a "
                           "term repeats the categories the list names beside it. PDF page 216 has no text in the snapshot; no "
                           "term quoted by the items falls in its alphabetical range."}},
    ]
    tables = [
        {"type": "ControlEntry", "source": [SRC, SDATA],
         "columns": ["id", "skos:notation", "skos:prefLabel@en", "skos:inScheme", "skos:broader", "eg:officialText", "eg:usesTerm", "locator"],
         "rows": group_rows},
        {"type": "ControlEntry", "source": [SRC, SDATA],
         "columns": ["id", "skos:notation", "skos:prefLabel@en", "skos:inScheme", "skos:broader", "eg:officialText", "eg:usesTerm",
                     "eg:note@en", "locator"],
         "rows": du_rows},
        {"type": "ControlEntry", "source": [SRC, SDATA],
         "columns": ["id", "skos:notation", "skos:prefLabel@en", "skos:inScheme", "skos:broader", "eg:officialText", "eg:usesTerm",
                     "eg:note@en", "locator"],
         "rows": ml_rows},
        {"type": "EntryNote", "source": [SRC, SDATA],
         "columns": ["id", "locator", "eg:noteKind", "skos:notation", "eg:noteOf", "eg:officialText"],
         "rows": note_rows},
        {"type": "DefinedTerm", "source": [SRC, SDATA],
         "columns": ["id", "skos:prefLabel@en", "skos:altLabel@en", "eg:note@en", "skos:inScheme", "eg:officialText", "locator"],
         "rows": term_rows},
    ]
    ids = [r[0] for t in tables for r in t["rows"]]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1][:10]

    fix_date(SOURCES)
    skipped_line = "Skipped items (" + str(len(skipped)) + "): " + "; ".join(f"{c} {why.split(' ')[0]}" for c, why in sorted(skipped.items()))
    write_yaml(Path(args.out) / "regime-wa.yaml",
               "GENERATED by scripts/import_wassenaar.py from wassenaar/wa-list-2025-corr.json and .txt (WA-LIST (25) 1 Corr., 15-01-2026); do not edit",
               sources=SOURCES, records=records, tables=tables,
               comments=["Counts: " + "; ".join(f"{k}: {v}" for k, v in sorted(stats.items())), skipped_line,
                         "Checked by hand: the 12 parse_warnings of the snapshot (abbreviated entry numbers 1.D.2, 1.D.3, 2.D.1, 4.A.1, "
                         "6.B.1, 6.B.3, 6.D.1-3 read correctly; the unplaced markers are in the skipped 2.E.3 table notes and in the "
                         "Category 5 Part 2 notes moved to category-5)."])
    for k, v in sorted(stats.items()):
        print(f"{k}: {v}")


def fix_date(sources):
    from _common import Date
    for s in sources:
        if isinstance(s.get("issued"), str) and s["issued"].startswith("@DATE@"):
            s["issued"] = Date(s["issued"][len("@DATE@"):])


if __name__ == "__main__":
    main()
