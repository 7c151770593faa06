"""Import the EU dual-use list (Annex I of Regulation (EU) 2021/821, consolidated text valid from
2025-11-15) and the Union general export authorisations of Annex II from eu-annex-i/annex.json.

Writes data/lists/eu-annex-i.yaml and data/lists/eu-annex-ii.yaml. See scripts/README.md.
Run: /tmp/venv/bin/python scripts/import_eu_annex_i.py [--reference ../shared/reference]
"""
from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

from _common import Date, clean, good_name, parse_args, regime_origin, write_yaml
from _countries import iso

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

# ------------------------------------------------------------------ thresholds

UNITS = [
    "dBm", "dBc", "dBi", "dB", "GHz", "MHz", "kHz", "THz", "Hz", "nm", "μm", "µm", "mm", "cm", "km", "m",
    "kg", "mg", "g", "MPa", "GPa", "kPa", "Pa", "mbar", "bar", "TW", "GW", "MW", "kW", "mW", "W", "kV", "mV", "V",
    "mA", "A", "MJ", "kJ", "mJ", "J", "K", "°C", "%", "ppm", "ns", "ps", "fs", "μs", "µs", "ms", "s", "min", "h",
    "Gy", "mrad", "μrad", "µrad", "rad", "degrees", "°", "keV", "MeV", "eV", "kN", "N", "rpm", "bit", "bits",
    "MSPS", "GSPS", "mSv", "Bq", "TBq", "GBq", "l", "t", "W/kg", "kg/h", "m/s", "km/h", "lux", "W/m2",
]
UNIT_RE = "|".join(re.escape(u) for u in sorted(set(UNITS), key=len, reverse=True))
NUM = r"(\d[\d\u2009\u202f ]*(?:,\d+)?)"
EXP = r"(?:\s*×\s*10(−|-)?(\d{1,2}))?"
COMPARATORS = [
    (r"(?:greater|more|higher) than or equal to|equal to or (?:more|greater|higher) than|equal to or exceeding|not less than|at least|≥", "ge"),
    (r"(?:less|lower|smaller) than or equal to|equal to or (?:less|lower|smaller) than|not exceeding|not more than|up to and including|≤", "le"),
    (r"exceeding|more than|greater than|higher than|above|over|>", "gt"),
    (r"less than|lower than|smaller than|below|under|<", "lt"),
]
POST = [(r"or more|or greater|or higher|or above", "ge"), (r"or less|or lower|or smaller|or below", "le")]
AFTER_UNIT = r"(?![A-Za-z0-9/·²³])(?!\s*(?:mrad|·))"


def to_number(num: str, sign, exp):
    n = Decimal(re.sub(r"[\u2009\u202f ]", "", num).replace(",", "."))
    if exp:
        n = n * (Decimal(10) ** (-int(exp) if sign else int(exp)))
    return n


STOP_LEAD = {"a", "an", "the", "having", "with", "of", "and", "or", "any", "for", "at", "in", "within", "to", "by", "than"}
STOP_TAIL = {"of", "a", "an", "the", "is", "be", "being", "having", "with", "to", "at", "and", "or", "in", "for", "by"}


def parameter_words(before: str) -> str:
    """A few words naming what the threshold measures: the last clause before the comparator."""
    text = re.sub(r"[\"“”'‘’]", "", before)
    parts = [p for p in re.split(r",|;|:|\b(?:and|or|but)\b", text) if p.strip()]
    words = (parts[-1] if parts else "").split()
    while words and words[0].lower() in STOP_LEAD:
        words = words[1:]
    while words and words[-1].lower() in STOP_TAIL:
        words = words[:-1]
    return " ".join(words[-6:])


def parse_threshold(text: str):
    """(parameter, comparator, value, unit) for the earliest 'comparator number unit' (or
    'number unit or more') of a line, or None. Units followed by '/' (kg/m2) are not taken."""
    found = []
    for pat, comp in COMPARATORS:
        for m in re.finditer(rf"(?:^|(?<=[\s(]))({pat})\s+{NUM}{EXP}\s*({UNIT_RE}){AFTER_UNIT}", text, re.I):
            found.append((m.start(1), -len(m.group(1)), comp, m.group(2), m.group(3), m.group(4), m.group(5)))
            break
    for pat, comp in POST:
        for m in re.finditer(rf"(?:^|(?<=[\s(±]))±?{NUM}{EXP}\s*({UNIT_RE}){AFTER_UNIT}\s+(?:\([^)]*\)\s+)?({pat})\b", text, re.I):
            found.append((m.start(), 0, comp, m.group(1), m.group(2), m.group(3), m.group(4)))
            break
    if not found:
        return None
    start, _, comp, num, sign, exp, unit = min(found)
    return parameter_words(text[:start]), comp, to_number(num, sign, exp), unit


def fmt_decimal(d: Decimal):
    d = d.normalize()
    if d == d.to_integral_value():
        return int(d)
    return float(d) if len(str(d)) < 16 else str(d)


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


# ------------------------------------------------------------------ main

def main():
    args = parse_args(__doc__)
    d = json.loads((Path(args.reference) / "eu-annex-i" / "annex.json").read_text(encoding="utf-8"))
    assert d["corpus_version"] == CELEX and d["valid_from"] == EDITION_DATE
    stats = Counter()

    heading = {}     # code -> text of its first non-note line
    order = []
    for e in d["entries"]:
        for ln in e["verbatim_text"].split("\n"):
            m = LINE.match(ln.strip())
            if not m:
                stats["lines without a code"] += 1
                continue
            code, rest = m.group(1), clean(m.group(2))
            if code not in heading:
                order.append(code)
                heading[code] = None
            if heading[code] is None and not NOTE.match(rest):
                heading[code] = rest
    five = sorted(c for c in order if "." not in c)
    dotted = [c for c in order if "." in c]
    stats["five-character entries"] = len(five)

    def parent(code):
        p = code.rsplit(".", 1)[0]
        while p not in heading and "." in p:
            p = p.rsplit(".", 1)[0]
            stats["sub-items whose direct parent is missing (linked to the nearest ancestor)"] += 1
        return p

    # thresholds, from the lines the snapshot flags
    thr = {}
    for e in d["entries"]:
        for line in e.get("parameters") or []:
            m = LINE.match(line.strip())
            if not m or m.group(1) not in heading:
                stats["threshold lines skipped (no code)"] += 1
                continue
            code = m.group(1)
            parsed = parse_threshold(m.group(2))
            if not parsed or code in thr:
                stats["threshold lines skipped (no reliable number + unit)" if not parsed else "threshold lines skipped (second on the same code)"] += 1
                continue
            thr[code] = parsed
            stats["threshold lines parsed"] += 1

    cat_rows, entry_rows, sub_rows, thr_rows = [], [], [], []
    for c, name in sorted(CATEGORIES.items()):
        cat_rows.append([f"{EDITION}/category-{c}", c, f"Category {c} — {name}", EDITION])
    for code in five:
        eid = f"{EDITION}/{code}"
        reg = regime_origin(code)
        label = heading[code] or code
        tid = None
        if code in thr:
            tid = f"{eid}/threshold-1"
        entry_rows.append([eid, code, good_name(label) or code, EDITION, f"{EDITION}/category-{code[0]}", reg,
                           "derived from the numbering convention" if reg else None, URL, tid])
        if reg:
            stats[f"regime origin {reg}"] += 1
    for code in sorted(dotted, key=lambda c: (c.split(".")[0], order.index(c))):
        if heading[code] is None:
            stats["dotted codes with only note lines (skipped)"] += 1
            continue
        eid = f"{EDITION}/{code}"
        tid = f"{eid}/threshold-1" if code in thr else None
        sub_rows.append([eid, code, good_name(heading[code]), EDITION, f"{EDITION}/{parent(code)}", tid])
    stats["dotted sub-items"] = len(sub_rows)
    for code in sorted(thr):
        if heading.get(code) is None:
            continue
        param, comp, value, unit = thr[code]
        thr_rows.append([f"{EDITION}/{code}/threshold-1", param or None, comp, fmt_decimal(value), unit])
    stats["thresholds written"] = len(thr_rows)

    records = [
        {"id": LIST, "type": "ControlList", "source": SRC,
         "skos:prefLabel": {"en": "EU dual-use list (Annex I to Regulation (EU) 2021/821)"},
         "eg:jurisdiction": "eu", "eg:maintainedBy": "eu/agency/commission", "eg:establishedBy": "eu/regulation/2021-821",
         "eg:goodsCategory": "dual-use", "eg:officialText": URL},
        {"id": EDITION, "type": "ListEdition", "source": [SRC, SDATA],
         "skos:prefLabel": {"en": "EU dual-use list, consolidated version valid from 15 November 2025"},
         "eg:editionOf": LIST, "eg:validFrom": Date(EDITION_DATE), "eg:establishedBy": "eu/regulation/2021-821",
         "eg:officialText": URL},
    ]
    tables = [
        {"type": "ControlEntry", "source": [SRC, SDATA], "columns": ["id", "skos:notation", "skos:prefLabel@en", "skos:inScheme"],
         "rows": cat_rows},
        {"type": "ControlEntry", "source": [SRC, {"source": SCONV, "locator": "§ 738.2(d)"}, SDATA],
         "columns": ["id", "skos:notation", "skos:prefLabel@en", "skos:inScheme", "skos:broader", "eg:regimeOrigin",
                     "eg:derivation@en", "eg:officialText", "eg:threshold"],
         "rows": entry_rows},
        {"type": "ControlEntry", "source": [SRC, SDATA],
         "columns": ["id", "skos:notation", "skos:prefLabel@en", "skos:inScheme", "skos:broader", "eg:threshold"],
         "rows": sub_rows},
        {"type": "Threshold", "source": [SRC, SDATA],
         "columns": ["id", "eg:parameter@en", "eg:comparator", "eg:numericValue", "eg:unit"],
         "rows": thr_rows},
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
               "eg:legalBasis": "eu/regulation/2021-821/art-12"}
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
