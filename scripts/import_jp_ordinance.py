"""Write data/lists/jp-ordinance-items.yaml: the items of Japan's goods ordinance (貨物等省令, e-Gov
403M50000400049) Arts. 6 (row 7, electronics), 7 (row 8, computers) and 8 (row 9, telecommunications and
information security) as sub-items of the Export Trade Control Order's Appended Table 1 sub-items, with their
thresholds as typed quantities and their correspondences to the Wassenaar (or US) items.

Input: the curated table scripts/curated/jp-ordinance-items.csv (three sections: @items, @thresholds, @links),
written by the editors while reading the ordinance in the Markdown rendering of the e-Gov XML kept in the
public repository xyna-bpinelab/law-as-code-fefta (commit 5594d9f, version in force from 2026-02-14). Values
are written as the ordinance writes them; this script normalises them to SI with the unit table of
scripts/_thresholds.py (the same unit codes as the EU and US thresholds). It reads the generated list files
jp-appended-table-1.yaml (the Order sub-items), regime-wa.yaml and us-ccl.yaml (link targets) and stops on an
unknown Order code, ordinance reference, unit, comparator, match type or target, a target marked "Not used",
a duplicate, or a threshold of an item that is not in the table.

Stdlib + PyYAML; deterministic output (rows in the order of the curated table).
"""
from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, parse_args, write_yaml  # noqa: E402
from _thresholds import _convert, fmt_decimal, read_unit  # noqa: E402

CURATED = REPO / "scripts" / "curated" / "jp-ordinance-items.csv"
JP_EDITION = "jp/list/appended-table-1/2026-06-05"
OFFICIAL = "https://laws.e-gov.go.jp/law/403M50000400049"
UPSTREAM = "https://github.com/xyna-bpinelab/law-as-code-fefta"
UPSTREAM_COMMIT = "5594d9f6f4bc630473e8b0464a23c46207bf4f40"
UPSTREAM_FILE = "jurisdictions/jp/processed/markdown/ministerial_orders/403M50000400049.md"

SRC_ORDINANCE = "src/jp/egov/goods-ordinance"           # defined in data/core/instruments-jp.yaml
SRC_DATASET = "src/lists/jp-ordinance/law-as-code-fefta"
SRC_EDITORIAL = "src/lists/jp-ordinance/editorial"

ARTICLES = {"6": "7", "7": "8", "8": "9"}               # article -> row of Appended Table 1
PREFIX = {"wa": "regime/wa/list/dual-use/2025-12-01/", "us": "us/list/ccl/2026-07-23/"}
COUNTERPART_LIST = {"wa": "regime/wa/list/dual-use"}
TYPES = {"exact", "close", "broad", "narrow", "related", "no-counterpart"}
CONFIDENCE = {"high", "medium", "low"}
COMPARATORS = {"gt", "ge", "lt", "le", "eq", "range"}

# iroha letters of the ordinance -> romanisation used in ids and locators
KANA = {"イ": "i", "ロ": "ro", "ハ": "ha", "ニ": "ni", "ホ": "ho", "ヘ": "he", "ト": "to", "チ": "chi", "リ": "ri",
        "ヌ": "nu", "ル": "ru", "ヲ": "wo", "ワ": "wa", "カ": "ka", "ヨ": "yo", "タ": "ta", "レ": "re", "ソ": "so",
        "ツ": "tsu", "ネ": "ne", "ナ": "na", "ラ": "ra", "ム": "mu", "ウ": "u", "ヰ": "wi", "ノ": "no", "オ": "o",
        "ク": "ku", "ヤ": "ya", "マ": "ma", "ケ": "ke", "フ": "fu", "コ": "ko", "エ": "e", "テ": "te", "ア": "a",
        "サ": "sa", "キ": "ki", "ユ": "yu", "メ": "me", "ミ": "mi", "シ": "shi"}
ITEM_RE = re.compile(r"^(\d+)(?:の(\d+))?$")


def read_sections() -> dict[str, list[dict[str, str]]]:
    """The three sections of the curated table, each a list of rows (dicts) with the CSV line number."""
    sections: dict[str, list[str]] = {}
    starts: dict[str, int] = {}
    current = None
    for n, line in enumerate(CURATED.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("@"):
            current = line[1:].strip()
            sections[current] = []
            starts[current] = n
            continue
        if current is None:
            raise SystemExit(f"line {n}: data before the first @section")
        sections[current].append(line)
    out = {}
    for name, lines in sections.items():
        rows = list(csv.DictReader(lines))
        for i, r in enumerate(rows):
            r["_line"] = f"{name} row {i + 1}"
        out[name] = rows
    for need in ("items", "thresholds", "links"):
        if need not in out:
            raise SystemExit(f"section @{need} missing")
    return out


def parse_ref(ref: str) -> tuple[str, str, str | None]:
    parts = ref.split("/")
    if len(parts) not in (2, 3) or parts[0] not in ARTICLES or not ITEM_RE.match(parts[1]):
        raise SystemExit(f"bad ordinance reference {ref!r}")
    letter = parts[2] if len(parts) == 3 else None
    if letter is not None and letter not in KANA:
        raise SystemExit(f"unknown letter in {ref!r}")
    return parts[0], parts[1], letter


def ref_tail(ref: str) -> str:
    art, item, letter = parse_ref(ref)
    m = ITEM_RE.match(item)
    tail = f"a{art}-{m.group(1)}" + (f"-{m.group(2)}" if m.group(2) else "")
    return tail + (f"-{KANA[letter]}" if letter else "")


def notation(ref: str) -> str:
    """As the ordinance cites itself: 省令6条1号ヨ, 省令6条17号の2."""
    art, item, letter = parse_ref(ref)
    m = ITEM_RE.match(item)
    return f"省令{art}条{m.group(1)}号" + (f"の{m.group(2)}" if m.group(2) else "") + (letter or "")


def locator(ref: str, point: str = "") -> str:
    art, item, letter = parse_ref(ref)
    loc = f"Art. {art} item {item}" + (f" ({KANA[letter]})" if letter else "")
    return f"{loc} {point}".strip() if point else loc


def load_lists(lists: Path) -> tuple[dict[str, str], dict[str, str]]:
    """JP notation -> (id, label); all target ids (WA, US) -> English label."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    jp: dict[str, str] = {}
    jp_labels: dict[str, str] = {}
    targets: dict[str, str] = {}
    for name in ("jp-appended-table-1", "regime-wa", "us-ccl"):
        doc = yaml.load((lists / f"{name}.yaml").read_text(encoding="utf-8"), Loader=loader)
        for t in doc.get("tables") or []:
            if t["type"] != "ControlEntry":
                continue
            for row in t["rows"]:
                rec = dict(zip(t["columns"], row))
                label = str(rec.get("skos:prefLabel@en") or "")
                if name == "jp-appended-table-1":
                    jp[str(rec["skos:notation"])] = rec["id"]
                    jp_labels[rec["id"]] = label
                else:
                    targets[rec["id"]] = label
    for i, lab in jp_labels.items():
        targets[i] = lab
    return jp, targets


def quantity(r: dict[str, str]) -> tuple[object, object, str, str | None]:
    """(SI value, SI upper, unit code, symbol as written) of a threshold row."""
    value, upper, symbol = r["value"].strip(), r["upper"].strip(), r["symbol"].strip()
    if r["unit"].strip():
        if not r["si"].strip():
            raise SystemExit(f"{r['_line']}: unit override without si value")
        si = Decimal(r["si"])
        si_up = Decimal(r["si_upper"]) if r["si_upper"].strip() else None
        if upper and si_up is None:
            raise SystemExit(f"{r['_line']}: upper bound without si_upper")
        return fmt_decimal(si), (fmt_decimal(si_up) if si_up is not None else None), r["unit"].strip(), symbol or None
    if not symbol:
        return fmt_decimal(Decimal(value)), (fmt_decimal(Decimal(upper)) if upper else None), "1", None
    unit = read_unit(symbol)
    if unit is None or unit[3] != symbol:
        raise SystemExit(f"{r['_line']}: unit {symbol!r} not in the table of _thresholds.py (give unit and si)")
    lo = _convert(Decimal(value), unit)
    hi = _convert(Decimal(upper), unit) if upper else None
    return fmt_decimal(lo), (fmt_decimal(hi) if hi is not None else None), unit[0], symbol


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    out = Path(args.out)
    jp, targets = load_lists(out)
    sec = read_sections()
    counts: Counter[str] = Counter()

    # ---- items
    entries: dict[str, dict] = {}          # ref -> entry
    order: list[str] = []
    for r in sec["items"]:
        ref = r["ref"].strip()
        art, item, letter = parse_ref(ref)
        if ref in entries:
            raise SystemExit(f"{r['_line']}: duplicate item {ref}")
        broader_codes = r["broader"].split()
        if broader_codes:
            broader = []
            for code in broader_codes:
                if code not in jp:
                    raise SystemExit(f"{r['_line']}: Order code {code!r} not in jp-appended-table-1.yaml")
                if not (code == ARTICLES[art] or code.startswith(ARTICLES[art] + "(")):
                    raise SystemExit(f"{r['_line']}: {code} is not in row {ARTICLES[art]} (Art. {art})")
                broader.append(jp[code])
            base = broader[0]
        else:
            parent = f"{art}/{item}"
            if letter is None or parent not in entries:
                raise SystemExit(f"{r['_line']}: no broader Order code and no item row {parent} before it")
            broader = [entries[parent]["id"]]
            base = entries[parent]["base"]
        if not r["ja"].strip() or not r["en"].strip():
            raise SystemExit(f"{r['_line']}: labels missing")
        eid = f"{base}/{ref_tail(ref)}"
        entries[ref] = {"id": eid, "base": base, "ref": ref, "broader": broader, "ja": r["ja"].strip(),
                        "en": r["en"].strip(), "note": r["note"].strip() or None, "thresholds": []}
        order.append(ref)
        counts[f"items of Art. {art}"] += 1
        counts["items: letters" if letter else "items: numbered items"] += 1

    # ---- thresholds
    th_rows = []
    per_entry: Counter[str] = Counter()
    for r in sec["thresholds"]:
        ref = r["ref"].strip()
        if ref not in entries:
            raise SystemExit(f"{r['_line']}: threshold of {ref}, which is not an item of the table")
        comp = r["comparator"].strip()
        if comp not in COMPARATORS:
            raise SystemExit(f"{r['_line']}: comparator {comp!r}")
        if (comp == "range") != bool(r["upper"].strip()):
            raise SystemExit(f"{r['_line']}: a range needs an upper value, and only a range has one")
        if not r["parameter"].strip():
            raise SystemExit(f"{r['_line']}: parameter missing")
        value, upper, unit, symbol = quantity(r)
        if upper is not None and Decimal(str(upper)) <= Decimal(str(value)):
            raise SystemExit(f"{r['_line']}: upper bound not above the lower bound")
        group = int(r["group"]) if r["group"].strip() else None
        e = entries[ref]
        per_entry[ref] += 1
        tid = f"{e['id']}/threshold-{per_entry[ref]}"
        e["thresholds"].append(tid)
        th_rows.append([tid, locator(ref, r["point"].strip()), r["parameter"].strip(), comp, value, upper, unit,
                        symbol, group])
        counts[f"thresholds of Art. {parse_ref(ref)[0]}"] += 1
        counts[f"thresholds: {comp}"] += 1

    # ---- links
    link_rows, none_rows = [], []
    seen: set[tuple[str, str]] = set()
    for r in sec["links"]:
        ref, target, kind, conf = r["ref"].strip(), r["target"].strip(), r["type"].strip(), r["confidence"].strip()
        note = (r.get("note") or "").strip()
        if ref not in entries:
            raise SystemExit(f"{r['_line']}: link of {ref}, which is not an item of the table")
        if kind not in TYPES or conf not in CONFIDENCE:
            raise SystemExit(f"{r['_line']}: bad type/confidence {kind}/{conf}")
        e = entries[ref]
        tail = e["id"][len(JP_EDITION) + 1:]
        prefix, _, code = target.partition(":")
        if prefix == "none":
            if kind != "no-counterpart" or code not in COUNTERPART_LIST:
                raise SystemExit(f"{r['_line']}: none: needs type no-counterpart and a list (wa)")
            none_rows.append([f"link/jp-ord/{tail}/none/{code}", locator(ref), e["id"], kind, "manual", conf,
                              COUNTERPART_LIST[code], note or None])
            counts["no-counterpart records"] += 1
            continue
        if kind == "no-counterpart" or prefix not in PREFIX or not code:
            raise SystemExit(f"{r['_line']}: bad target {target!r} for type {kind}")
        tid = PREFIX[prefix] + code
        if tid not in targets:
            raise SystemExit(f"{r['_line']}: target {tid} not found")
        if targets[tid].lower().startswith("not used"):
            raise SystemExit(f"{r['_line']}: target {tid} is marked not used")
        if (e["id"], tid) in seen:
            raise SystemExit(f"{r['_line']}: duplicate link {ref} -> {target}")
        seen.add((e["id"], tid))
        if not note:
            note = ("Ordinance item compared with the " + ("Wassenaar item" if prefix == "wa" else "US CCL item")
                    + " by the editors (goods named and parameters).")
        link_rows.append([f"link/jp-ord/{tail}/{prefix}/{code}", locator(ref), e["id"], tid, kind, "manual", conf,
                          note])
        counts[f"links to {'Wassenaar' if prefix == 'wa' else 'US CCL'}"] += 1
        counts[f"links: {kind}"] += 1
        counts[f"links: confidence {conf}"] += 1

    entry_rows = []
    for ref in order:
        e = entries[ref]
        entry_rows.append([e["id"], locator(ref), notation(ref), e["ja"], e["en"], "editors-translation", JP_EDITION,
                           e["broader"] if len(e["broader"]) > 1 else e["broader"][0], OFFICIAL,
                           e["thresholds"] or None, e["note"]])

    sources = [
        {"id": SRC_DATASET,
         "title": {"en": "law-as-code-fefta: the goods ordinance (403M50000400049) rendered as Markdown from the e-Gov "
                         f"XML, version in force from 2026-02-14 (commit {UPSTREAM_COMMIT[:7]}, {UPSTREAM_FILE}), "
                         "where the editors read Arts. 6-8"},
         "url": UPSTREAM, "kind": "dataset", "language": "ja"},
        {"id": SRC_EDITORIAL,
         "title": {"en": "exportgraph editorial links from the goods ordinance's items (Arts. 6-8) to Wassenaar and US "
                         "items (scripts/import_jp_ordinance.py)"},
         "url": "https://w3id.org/exportgraph/id/" + SRC_EDITORIAL, "kind": "editorial", "language": "en"},
    ]
    link_cols = ["id", "locator", "eg:correspondenceOf", "eg:correspondsTo", "eg:matchType", "eg:matchMethod",
                 "eg:confidence", "eg:note@en"]
    tables = [
        {"type": "ControlEntry", "source": [SRC_ORDINANCE, SRC_DATASET],
         "columns": ["id", "locator", "skos:notation", "skos:prefLabel@ja", "skos:prefLabel@en", "eg:labelOrigin",
                     "skos:inScheme", "skos:broader", "eg:officialText", "eg:threshold", "eg:note@en"],
         "rows": entry_rows},
        {"type": "Threshold", "source": [SRC_ORDINANCE, SRC_DATASET],
         "columns": ["id", "locator", "eg:parameter@en", "eg:comparator", "eg:numericValue", "eg:upperValue",
                     "eg:unit", "eg:unitSymbol", "eg:conditionGroup"], "rows": th_rows},
        {"type": "Correspondence", "source": [SRC_ORDINANCE, SRC_DATASET, SRC_EDITORIAL], "columns": link_cols,
         "rows": link_rows},
        {"type": "Correspondence", "source": [SRC_ORDINANCE, SRC_DATASET, SRC_EDITORIAL],
         "columns": ["id", "locator", "eg:correspondenceOf", "eg:matchType", "eg:matchMethod", "eg:confidence",
                     "eg:counterpartList", "eg:note@en"], "rows": none_rows},
    ]
    header_counts = "; ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
    write_yaml(
        out / "jp-ordinance-items.yaml",
        "GENERATED by scripts/import_jp_ordinance.py from scripts/curated/jp-ordinance-items.csv and "
        "data/lists/*.yaml; do not edit",
        sources=sources, tables=tables,
        comments=[
            f"Counts: {header_counts}",
            "Items of the goods ordinance 貨物等省令 (e-Gov 403M50000400049) Arts. 6-8 under the Order sub-items they "
            "specify (row 8 has none: its items hang on the row). Ids <Order sub-item>/a<art>-<item>[-<n of の n>]"
            "[-<letter>]; notation as the ordinance cites itself (省令6条1号ヨ).",
            "Thresholds written by hand from the ordinance text, normalised to SI with scripts/_thresholds.py; "
            "comparators: 超える gt, 以上 ge, 未満 lt, 以下 le; unitSymbol is the SI symbol of the unit the ordinance "
            "names in katakana.",
            "Text read: the version in force from 2026-02-14 (Markdown rendering of the e-Gov XML); the entries are "
            f"placed in the Order's edition of 2026-06-05. Match types say how the TARGET relates to the item.",
        ])
    print(header_counts)


if __name__ == "__main__":
    main()
