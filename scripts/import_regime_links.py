"""Links from national list entries to the regime items they implement (Correspondence records).

Reads the generated list files in data/lists/ (eu-annex-i.yaml, us-ccl.yaml, regime-wa.yaml; and, when they
exist, the other regime-*.yaml files and China's cn-dual-use*.yaml), and for the texts
eu-annex-i/annex.json, us-ccl/ccl.json, us-ccl-full/ccl-full-2025.json and wassenaar/wa-list-2025-corr.json.
Writes data/lists/regime-links.yaml. Run after the list imports (import_wassenaar.py first).

- EU Annex I and US CCL entries and sub-items whose code is a Wassenaar code (numbering convention:
  third character 0, not category 0, not US x09x) and exists in the Wassenaar Dual-Use List: the two
  texts are compared (normalised; difflib ratio) and the link typed exact / close / broad / narrow /
  related, method regime-text-compared.
- Such entries with no Wassenaar item: a 'no-counterpart' record (counterpart list regime/wa/list/dual-use).
- US "600 series" ECCNs (xY6zz): linked to Munitions List category zz when the headings share a content
  word; otherwise left unlinked (listed in the header).
- China's entries (codes in EU numbering, but China's own items): by equal code, numbering-convention,
  confidence low; never exact.
- Other regime files (NSG, MTCR, AG, CWC): an entry whose last id segment is an EU-style code is linked
  from national entries with that code and the same regime of origin, numbering-convention, low.
- Japan's Appended Table 1 does not follow the numbering: not linked.
See scripts/README.md.
Run: /tmp/venv/bin/python scripts/import_regime_links.py
"""
from __future__ import annotations

import difflib
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml
from _common import REPO, clean, parse_args, regime_origin, write_yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import import_wassenaar as wa  # noqa: E402  (its text clean-up: symbol characters, inline notes, trailing headings)

SRC = "src/lists/regime-links/editorial"
SOURCES = [{"id": SRC, "title": {"en": "exportgraph editorial links from national control-list entries to the regime items they implement "
                                       "(texts compared by scripts/import_regime_links.py)"},
            "url": "https://w3id.org/exportgraph/id/src/lists/regime-links/editorial", "kind": "editorial", "language": "en"}]
WA_DU = "regime/wa/list/dual-use"
WA_ML = "regime/wa/list/munitions"
CODE = re.compile(r"^\d[A-E]\d{3}(?:\.[a-z0-9]+)*$")
EXACT, CLOSE_HIGH, CLOSE, DISAGREE = 0.95, 0.80, 0.60, 0.35
OWN = {"wa", "links", "lists"}           # regime-wa.yaml, regime-links.yaml, regime-lists.yaml
SPELL = [("fibre", "fiber"), ("aluminium", "aluminum"), ("analyser", "analyzer"), ("centre", "center"), ("metre", "meter"),
         ("colour", "color"), ("modelling", "modeling"), ("programme", "program"), ("sulphide", "sulfide"), ("sulphur", "sulfur"),
         ("vapour", "vapor"), ("armour", "armor"), ("calibre", "caliber"), ("characteris", "characteriz"), ("optimis", "optimiz"),
         ("synthesis", "synthesiz"), ("ise ", "ize "), ("ised ", "ized "), ("isation", "ization"), ("litre", "liter")]
EXCLUSION = re.compile(r"\b(other than|except|excluding|not specified|not controlled|does not|unless)\b")


COMMITTED = False     # --committed-only: entries must also be in the file as committed (git HEAD)


def load(path: Path):
    L = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=L) if path.exists() else None
    if doc and COMMITTED:
        rel = path.resolve().relative_to(REPO)
        r = subprocess.run(["git", "-C", str(REPO), "show", f"HEAD:{rel}"], capture_output=True, text=True)
        head = yaml.load(r.stdout, Loader=L) if r.returncode == 0 else None
        keep = set(entries(head))
        for t in doc.get("tables") or []:
            if t["type"] == "ControlEntry":
                t["rows"] = [row for row in t["rows"] if row[t["columns"].index("id")] in keep]
        doc["records"] = [x for x in doc.get("records") or [] if x.get("type") != "ControlEntry" or x["id"] in keep]
    return doc


def entries(doc):
    """ControlEntry records of a data file: id -> notation."""
    out = {}
    if not doc:
        return out
    for r in doc.get("records") or []:
        if r.get("type") == "ControlEntry":
            out[r["id"]] = str(r.get("skos:notation", ""))
    for t in doc.get("tables") or []:
        if t["type"] != "ControlEntry":
            continue
        cols = t["columns"]
        i_id, i_not = cols.index("id"), cols.index("skos:notation")
        for row in t["rows"]:
            out[row[i_id]] = str(row[i_not])
    return out


def wa_to_eu(m):
    return f"{m.group(1)}{m.group(2)}{int(m.group(3)):03d}{m.group(4) or ''}"


# "(These items are "subject to the ITAR" ...)": a CCL placeholder for an item on the USML
ITAR_PLACEHOLDER = re.compile(r"\((?:these items are|this entry is) [\"“]?subject to the itar", re.I)


def norm(s: str) -> str:
    """Case, quotes, footnote marks, whitespace, trailing connectives, code spellings (1.C.10.c. -> 1c010.c)."""
    s = wa.fix(s or "")
    s = re.sub(r"\b(\d)\.\s?([A-E])\.\s?(\d{1,3})((?:\.[0-9a-z]+)*)\.?(?=[\s,;:)]|$)", wa_to_eu, s)
    s = re.sub(r"\b(\d[A-E]\d{3}(?:\.[0-9a-z]+)*)\.(?=[\s,;:)]|$)", r"\1", s)
    s = re.sub(r"\((?:see list of items controlled|these items are [^)]*)\)", "", s, flags=re.I)
    s = s.lower()
    s = re.sub(r"[\"“”‘’'*`]", "", s)
    s = s.replace("‑", "-").replace("–", "-").replace("—", "-")
    for a, b in SPELL:
        s = s.replace(a, b)
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"(?:[;,.:]\s*(?:and|or|and/or))?\s*[;,.:]*$", "", s).strip()
    return s


def empty(text: str) -> bool:
    t = norm(text)
    return not t or t.startswith("not used") or t in ("[reserved]", "reserved")


def compare(nat: str, reg: str):
    """(matchType, confidence, ratio, remark) for two texts of the same item."""
    a, b = norm(nat), norm(reg)
    r = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    if r >= EXACT:
        return "exact", "high", r, None
    if r < DISAGREE:
        return None, None, r, None
    if min(len(a), len(b)) >= 20 and (b in a or a in b) and a != b:
        longer, shorter = (a, b) if len(a) > len(b) else (b, a)
        extra = longer.replace(shorter, " ")
        if EXCLUSION.search(extra):
            # the text with the extra exclusion is the narrower one
            if longer is a:
                return "broad", "medium", r, "the national text adds an exclusion: the regime item is broader"
            return "narrow", "medium", r, "the regime text adds an exclusion: the regime item is narrower"
    if r >= CLOSE_HIGH:
        return "close", "high", r, None
    if r >= CLOSE:
        return "close", "medium", r, None
    return "related", "medium", r, "the wordings differ widely; read both texts"


def eu_texts(ref: Path):
    """EU Annex I: code -> its first non-note line (as in import_eu_annex_i.py; its recoding applied if present)."""
    try:
        from import_eu_annex_i import recode  # 1C010.1 -> 1C010.e.1 (a slip of the snapshot)
    except Exception:                               # noqa: BLE001 - older versions of that script have none
        def recode(code, is_note):
            return code
    d = json.loads((ref / "eu-annex-i" / "annex.json").read_text(encoding="utf-8"))
    line = re.compile(r"^(\d[A-E]\d{3}(?:\.[a-z0-9]+)*)\.?\s+(.*)$")
    note = re.compile(r"^(N\.B\.|Notes?\b|Technical Notes?\b|Note \d|Nota)", re.I)
    out = {}
    for e in d["entries"]:
        for ln in e["verbatim_text"].split("\n"):
            m = line.match(ln.strip())
            if not m:
                continue
            is_note = bool(note.match(m.group(2)))
            code = recode(m.group(1), is_note)
            if not is_note and code not in out:
                out[code] = clean(m.group(2))
    return out


def us_texts(ref: Path):
    """US CCL: ECCN -> heading, ECCN.paragraph -> paragraph text (eCFR 2026-07-23; else the 2025 full text)."""
    out = {}
    full = ref / "us-ccl-full" / "ccl-full-2025.json"
    if full.exists():
        for e in json.loads(full.read_text(encoding="utf-8"))["eccns"]:
            out[e["eccn"]] = e.get("heading") or ""
            for p in e.get("paragraphs") or []:
                out[p["code"]] = p.get("text") or ""
    for e in json.loads((ref / "us-ccl" / "ccl.json").read_text(encoding="utf-8"))["entries"]:
        out[e["eccn"]] = e.get("heading") or out.get(e["eccn"], "")
        for it in e.get("items") or []:
            if it.get("kind") == "item" and it.get("paragraph"):
                out[f"{e['eccn']}.{it['paragraph']}"] = it["text"]
    return out


def wa_items(ref: Path):
    """WA: EU-style code -> (WA code, cleaned text, not used?); ML code -> text."""
    d = json.loads((ref / "wassenaar" / "wa-list-2025-corr.json").read_text(encoding="utf-8"))
    du, ml = {}, {}
    for it in d["items"]:
        raw = wa.fix(it["text"])
        cut = wa.TAIL.search(raw)
        raw = raw[:cut.start()] if cut else raw
        text = re.sub(r"^[A-Z][A-Z ]+ - (?=Not used)", "", wa.INLINE_NOTE.split(raw)[0].strip())
        if it.get("eu_style_code"):
            du[it["eu_style_code"]] = (it["code"], text, bool(wa.NOT_USED.match(text)))
        elif it["code"].startswith("ML") and "." not in it["code"]:
            ml[it["code"]] = text
    return du, ml


GROUP_ML = {"B": ("ML18", "production", "test, inspection and production equipment"),
            "D": ("ML21", "software", "software"), "E": ("ML22", "technology", "technology")}
STOP = set(["a", "an", "and", "or", "the", "of", "for", "to", "in", "on", "with", "as", "by", "related", "commodities", "equipment", "items", "item", "military", "specially", "designed", "components", "component", "parts", "part", "systems", "system", "other", "follows", "following", "than", "therefor", "thereof", "not", "controlled", "enumerated", "described", "usml", "list", "see", "technology", "software", "development", "production", "use"])


def content_words(s: str):
    return {w.rstrip("s") for w in re.findall(r"[a-z]+", norm(s)) if w not in STOP and len(w) > 2}


def main():
    global COMMITTED
    args = parse_args(__doc__, lambda p: p.add_argument(
        "--committed-only", action="store_true",
        help="link only entries that are also in the committed (git HEAD) version of their list file "
             "(while other list files are being rewritten)"))
    COMMITTED = args.committed_only
    out_dir, ref = Path(args.out), Path(args.reference)
    stats = Counter()
    wa_doc = load(out_dir / "regime-wa.yaml")
    assert wa_doc, "run scripts/import_wassenaar.py first"
    wa_ids = entries(wa_doc)
    wa_by_code = {}
    for i in wa_ids:
        if i.startswith(WA_DU + "/") and CODE.match(i.rsplit("/", 1)[1]):
            wa_by_code[i.rsplit("/", 1)[1]] = i
    wa_edition = next(t["rows"][0][t["columns"].index("skos:inScheme")] for t in wa_doc["tables"] if t["type"] == "ControlEntry")
    wa_du_text, wa_ml_text = wa_items(ref)
    ml_labels = {n: i for i, n in entries(load(out_dir / "regime-lists.yaml")).items() if re.fullmatch(r"ML\d+", n)}

    # other regimes' entries by EU-style code (their last id segment)
    other = defaultdict(dict)     # regime -> EU-style code (last id segment or notation) -> id
    linked = defaultdict(set)     # regime -> national entries that file already links
    for p in sorted(out_dir.glob("regime-*.yaml")):
        key = p.stem[len("regime-"):]
        if key in OWN:
            continue
        doc = load(p)
        ents = entries(doc)
        for i, notation in ents.items():
            m = re.match(r"^(regime/[a-z]+)/", i)
            last = i.rsplit("/", 1)[1]
            for c in (last, notation):
                if m and CODE.match(c):
                    other[m.group(1)].setdefault(c, i)
        for t in doc.get("tables") or []:
            if t["type"] == "Correspondence" and "eg:correspondsTo" in t["columns"]:
                i_of, i_to = t["columns"].index("eg:correspondenceOf"), t["columns"].index("eg:correspondsTo")
                for row in t["rows"]:
                    m = re.match(r"^(regime/[a-z]+)/", str(row[i_to] or ""))
                    if m:
                        linked[m.group(1)].add(row[i_of])
        stats[f"other regime file read: {p.name} (entries)"] = len(ents)

    # national entries that another file already links to a Wassenaar item (e.g. us-usml.yaml: 600 series -> ML)
    wa_linked = set()
    for p in sorted(out_dir.glob("*.yaml")):
        if p.name == "regime-links.yaml" or "Correspondence" not in p.read_text(encoding="utf-8"):
            continue
        for t in (load(p) or {}).get("tables") or []:
            if t["type"] == "Correspondence" and "eg:correspondsTo" in t["columns"]:
                i_of, i_to = t["columns"].index("eg:correspondenceOf"), t["columns"].index("eg:correspondsTo")
                wa_linked |= {row[i_of] for row in t["rows"] if str(row[i_to] or "").startswith("regime/wa/")}

    nat_files = [("eu", out_dir / "eu-annex-i.yaml"), ("us", out_dir / "us-ccl.yaml")]
    nat_files += [("cn", p) for p in sorted(out_dir.glob("cn-dual-use*.yaml"))]
    texts = {"eu": eu_texts(ref), "us": us_texts(ref)}

    rows, no_rows, other_rows, unlinked_600, disagree = [], [], [], [], []
    seen = set()
    for nat, path in nat_files:
        ents = entries(load(path))
        if not ents:
            stats[f"{nat}: no entries read from {path.name} (absent, or none committed)"] += 1
            continue
        for nid, code in sorted(ents.items()):
            if not CODE.match(code) or nid in seen:
                continue
            seen.add(nid)
            five = code[:5]
            origin = regime_origin(five, us=(nat == "us"))
            lid = f"link/regime/wa/{nid}"
            if nid in wa_linked:
                stats[f"{nat}: already linked to a Wassenaar item in another file (not repeated)"] += 1
                continue
            # ---------------------------------------------------------- US 600 series -> Munitions List
            if nat == "us" and five[2] == "6":
                if "." in code:
                    stats["us: 600-series sub-items (not linked: paragraph letters do not follow the ML's)"] += 1
                    continue
                heading = texts["us"].get(code, "")
                group = five[1]
                if group in GROUP_ML:                  # software, technology, production equipment: ML21, ML22, ML18
                    ml, word, what = GROUP_ML[group]
                    ok = word in norm(heading)
                    shared = {word} if ok else set()
                    why = (f"US '600 series': ECCN {five} ({what} for military items) corresponds to Munitions List {ml}, where the "
                           f"Wassenaar list places {what} for all Munitions List items")
                else:
                    ml = f"ML{int(five[3:5])}"
                    shared = content_words(heading) & content_words(wa_ml_text.get(ml, "") + " " + ml_labels.get(ml, ""))
                    ok = bool(shared)
                    why = (f"US '600 series': ECCN {five} carries the part of Munitions List {ml} that is not on the US Munitions "
                           f"List (the last two digits name the ML category); headings share: {', '.join(sorted(shared))}")
                if ml in ml_labels and ok:
                    rows.append([lid, nid, f"{WA_ML}/2025-12-01/{ml.lower()}", "broad", "numbering-convention", "medium", None,
                                 why + ". The regime item is broader; the ECCN's .y paragraphs, if any, are US-only."])
                    stats["us: 600-series ECCNs linked to an ML category"] += 1
                else:
                    unlinked_600.append(code)
                    stats["us: 600-series ECCNs left unlinked (heading shares no word with ML category of its digits)"] += 1
                continue
            # ---------------------------------------------------------- other regimes (generic)
            if origin and origin != "regime/wa":
                rid = other.get(origin, {}).get(code)
                if rid and nid in linked[origin]:
                    stats[f"{nat}: already linked to {origin} in its regime file (not repeated)"] += 1
                elif rid:
                    reg = origin.split("/")[1]
                    other_rows.append([f"link/regime/{reg}/{nid}", nid, rid, "close", "numbering-convention", "low",
                                       f"Same code as the {reg.upper()} item as written in EU-style numbering; texts not compared."])
                    stats[f"{nat}: links to {reg} by code"] += 1
                continue
            if origin != "regime/wa":
                continue
            # ---------------------------------------------------------- Wassenaar Dual-Use List
            wid = wa_by_code.get(code)
            wa_code, wa_text, wa_unused = wa_du_text.get(code, (None, "", False))
            if nat == "cn":
                if wid and not wa_unused:
                    rows.append([lid, nid, wid, "close", "numbering-convention", "low", None,
                                 "China's code equals the Wassenaar item's EU-style code; China's items are its own and the texts were not compared."])
                    stats["cn: close (numbering-convention, low)"] += 1
                else:
                    no_rows.append([lid, nid, "no-counterpart", "numbering-convention", "low", f"{WA_DU}",
                                    "China's code follows the Wassenaar numbering, but the Wassenaar list has no item with this code"
                                    + (" in use (marked not used there)." if wid else ".")])
                    stats["cn: no-counterpart"] += 1
                continue
            ntext = texts[nat].get(code)
            if not wid:
                no_rows.append([lid, nid, "no-counterpart", "regime-text-compared", "high" if "." not in code else "medium", WA_DU,
                                f"The code follows the Wassenaar numbering, but the Wassenaar Dual-Use List (2025 Corr.) has no item {code}."])
                stats[f"{nat}: no-counterpart"] += 1
                continue
            if ntext is None:
                stats[f"{nat}: entries whose text is not in the snapshots (not linked)"] += 1
                continue
            if empty(ntext):
                stats[f"{nat}: national place empty ('not used' / reserved; not linked)"] += 1
                continue
            if nat == "us" and ITAR_PLACEHOLDER.search(ntext):
                no_rows.append([lid, nid, "no-counterpart", "regime-text-compared", "high", WA_DU,
                                "The ECCN is a placeholder 'subject to the ITAR': the item is controlled on the US Munitions "
                                "List, not under the EAR, so this entry implements no Wassenaar dual-use item."])
                stats["us: ITAR placeholders (no-counterpart)"] += 1
                continue
            if wa_unused:
                no_rows.append([lid, nid, "no-counterpart", "regime-text-compared", "high", WA_DU,
                                f"The Wassenaar item {wa_code} is marked not used ({wa_text}); the national entry is not empty."])
                stats[f"{nat}: no-counterpart (the Wassenaar item is marked not used)"] += 1
                continue
            mtype, conf, ratio, remark = compare(ntext, wa_text)
            if mtype is None:
                stats[f"{nat}: texts disagree (ratio < {DISAGREE}; not linked: numbering differs or a snapshot misnumbers)"] += 1
                disagree.append(code if nat == "eu" else f"US {code}")
                continue
            rows.append([lid, nid, wid, mtype, "regime-text-compared", conf, round(ratio, 3),
                         f"Texts of {code} and Wassenaar {wa_code} compared: similarity {ratio:.2f} (difflib ratio after normalising "
                         "case, quotes, spacing, spelling and code forms)" + (f"; {remark}." if remark else ".")])
            stats[f"{nat}: {mtype}"] += 1
            stats[f"{nat}: ratio band {'>=0.95' if ratio >= EXACT else '0.80-0.95' if ratio >= CLOSE_HIGH else '0.60-0.80' if ratio >= CLOSE else '<0.60'}"] += 1

    # regime-links.yaml: the ratio column is written into the note only (no property for it)
    link_rows = [r[:6] + [r[7]] for r in rows]
    tables = [
        {"type": "Correspondence", "source": SRC,
         "columns": ["id", "eg:correspondenceOf", "eg:correspondsTo", "eg:matchType", "eg:matchMethod", "eg:confidence", "eg:note@en"],
         "rows": link_rows},
        {"type": "Correspondence", "source": SRC,
         "columns": ["id", "eg:correspondenceOf", "eg:matchType", "eg:matchMethod", "eg:confidence", "eg:counterpartList", "eg:note@en"],
         "rows": no_rows},
    ]
    if other_rows:
        tables.append({"type": "Correspondence", "source": SRC,
                       "columns": ["id", "eg:correspondenceOf", "eg:correspondsTo", "eg:matchType", "eg:matchMethod", "eg:confidence", "eg:note@en"],
                       "rows": other_rows})
    ids = [r[0] for t in tables for r in t["rows"]]
    assert len(ids) == len(set(ids))
    stats["links written"] = len(link_rows) + len(other_rows)
    stats["no-counterpart records written"] = len(no_rows)
    assert wa_edition
    write_yaml(out_dir / "regime-links.yaml",
               "GENERATED by scripts/import_regime_links.py from data/lists/*.yaml and the reference texts (eu-annex-i, us-ccl, us-ccl-full, wassenaar); do not edit",
               sources=SOURCES, tables=tables,
               comments=["Counts: " + "; ".join(f"{k}: {v}" for k, v in sorted(stats.items())),
                         f"Thresholds (difflib ratio of normalised texts): exact >= {EXACT}; close >= {CLOSE} (confidence high from {CLOSE_HIGH}); "
                         f"{DISAGREE}-{CLOSE}: related; below {DISAGREE}: not linked. broad/narrow where one text contains the other plus an exclusion (other than, except ...).",
                         f"Same code, texts disagree (ratio < {DISAGREE}), not linked: " + " ".join(disagree),
                         "US 600-series ECCNs not linked here nor in another file: " + (" ".join(unlinked_600) or "none"),
                         "Japan's Appended Table 1 (jp-appended-table-1.yaml) does not follow the numbering: not linked."])
    for k, v in sorted(stats.items()):
        print(f"{k}: {v}")


if __name__ == "__main__":
    main()
