"""Import Japan's Export Trade Control Order, Appended Table 1 (輸出貿易管理令 別表第一), revision of
2026-06-05, from jp-export-trade-control-order/beppyo1_yushutsurei_20260605.json.

Writes data/lists/jp-appended-table-1.yaml. See scripts/README.md.
Run: /tmp/venv/bin/python scripts/import_jp_table1.py [--reference ../shared/reference]
"""
from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

from _common import Date, good_name_ja, parse_args, write_yaml

EDITION_DATE = "2026-06-05"
LIST = "jp/list/appended-table-1"
EDITION = f"{LIST}/{EDITION_DATE}"
URL = "https://laws.e-gov.go.jp/law/324CO0000000378"
SRC, SDATA = "src/lists/jp-appended-table-1/egov-324CO0000000378", "src/lists/jp-appended-table-1/dataset"

SOURCES = [
    {"id": SRC, "title": {"ja": "輸出貿易管理令（昭和二十四年政令第三百七十八号）別表第一", "en": "Export Trade Control Order (Cabinet Order No. 378 of 1949), Appended Table 1 (e-Gov, revision of 2026-06-05)"},
     "url": URL, "issued": Date(EDITION_DATE), "publisher": {"ja": "デジタル庁 e-Gov法令検索", "en": "Digital Agency (e-Gov law search)"},
     "kind": "primary", "language": "ja"},
    {"id": SDATA, "title": {"en": "law-as-code-fefta: Export Trade Control Order as Markdown from e-Gov XML (commit 075bc886), transcribed"},
     "url": "https://github.com/xyna-bpinelab/law-as-code-fefta", "kind": "dataset", "language": "ja"},
]

KANJI = {"〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

# Curated labels (scripts/curated/jp-table1-en.csv): for each row its official designation and a short English
# heading in the editors' words; for each sub-item the Japanese name of the good (a piece of the official text,
# "…" marking an elided enumeration) and the editors' English translation of that name.
CURATED = Path(__file__).resolve().parent / "curated" / "jp-table1-en.csv"
KNUM = "一二三四五六七八九十〇"
REF = re.compile(rf"^[{KNUM}の]+$")


def drop_parens(s: str) -> str:
    """The text without its parenthetical clauses（…を除く。）, keeping （一）-style item references."""
    res, stack = "", []
    for ch in s:
        if ch == "（":
            stack.append(len(res))
            res += ch
        elif ch == "）" and stack:
            start = stack.pop()
            res += ch
            if not stack and not REF.match(res[start + 1:-1]):
                res = res[:start]
        else:
            res += ch
    return res


def faithful(label: str, text: str) -> bool:
    """The label's pieces (split at '…') occur in order in the item text, with or without its parentheticals."""
    for t in (text, drop_parens(text)):
        pos = 0
        for piece in label.split("…"):
            i = t.find(piece, pos)
            if i < 0:
                break
            pos = i + len(piece)
        else:
            return True
    return False


def defective(label: str, text: str = "") -> str | None:
    """Why a Japanese label is not the name of a good, or None."""
    if re.fullmatch(rf"[（）(){KNUM}の、\s\d０-９]*", label):
        return "only brackets or numerals"
    if label.endswith(("であつて", "であって")):
        return "ends with であつて"
    if label.count("（") != label.count("）"):
        return "cut inside a parenthesis"
    if label[-1:] in KNUM and re.search(rf"{re.escape(label)}、[{KNUM}]", drop_parens(text)):
        return "cut inside a number"
    return None


def fix_kind(old: str) -> str:
    if old.endswith(("であつて", "であって")):
        return "trailing であつて dropped"
    if REF.match(old.strip("（）")):
        return "label that was only an item reference (（七）)"
    if old.count("（") != old.count("）") or len(old) == 40:
        return "label cut inside a parenthesis or mid-word at 40 characters"
    if "（" in old:
        return "exclusion clause in parentheses dropped"
    if old.startswith("次に掲げる貨物"):
        return "'the following goods' replaced by the name of the goods"
    return "label cut mid-phrase (at a comma inside a number or phrase) completed"

# Characters lost upstream (XML -> Markdown), restored from the e-Gov text (SOURCES.md, known defects).
FIXES = [("、素", "ひ素"), ("磁場配計", "磁場勾配計"), ("重力配計", "重力勾配計")]
FIX_NOTE = ("Corrected: the transcription lost one character here ('ひ' of ひ素, arsenic, or '勾' of 勾配計, gradiometer); "
            "restored to the e-Gov text.")


def kanji_number(s: str) -> int:
    """一, 十, 二十一, 三十五 (counting style) or 一〇, 一一 (positional style, used for rows 10-16)."""
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (KANJI[tens] if tens else 1) * 10 + (KANJI[ones] if ones else 0)
    n = 0
    for ch in s:
        n = n * 10 + KANJI[ch]
    return n


def arabic(s: str) -> str:
    """'三の二' -> '3の2', '一〇' -> '10'."""
    return "の".join(str(kanji_number(p)) for p in s.split("の"))


def slug(s: str) -> str:
    return s.replace("の", "-")


def main():
    args = parse_args(__doc__, lambda p: p.add_argument("--list-fixes", action="store_true",
                                                         help="print the Japanese labels that the curated table fixes"))
    d = json.loads((Path(args.reference) / "jp-export-trade-control-order" / "beppyo1_yushutsurei_20260605.json")
                   .read_text(encoding="utf-8"))
    stats = Counter()
    with CURATED.open(encoding="utf-8", newline="") as f:
        cur = {r["code"]: r for r in csv.DictReader(f)}
    rows, subs, fixes = [], [], []
    for r in d["beppyo_1"]:
        rn = arabic(r["row"])
        rid = f"{EDITION}/{slug(rn)}"
        c = cur.pop(rn)
        assert c["ja_label"] == f"別表第一 {r['row']}の項", rn
        rows.append([rid, rn, c["ja_label"], c["en_label"], EDITION, "editors-summary"])
        stats["rows"] += 1
        for it in r["items"]:
            n = arabic(it["item"])
            text, fixed = it["text"], False
            for bad, good in FIXES:
                if bad in text:
                    text, fixed = text.replace(bad, good), True
            if fixed:
                stats["sub-items with a lost character restored"] += 1
            code = f"{rn}({n})"
            c = cur.pop(code)
            label, en = c["ja_label"], c["en_label"]
            norm = text.replace("　", " ")
            assert faithful(label, norm), (code, label)
            assert not defective(label, norm) and en.strip(), (code, label, defective(label, norm))
            old = good_name_ja(norm)
            if label != old:
                fixes.append((code, old, label))
                stats[f"Japanese labels fixed: {fix_kind(old)}"] += 1
            stats["English labels (editors' translation)"] += 1
            subs.append([f"{rid}.{slug(n)}", code, label, en, "editors-translation", EDITION, rid, FIX_NOTE if fixed else None])
            stats["sub-items"] += 1
    records = [
        {"id": LIST, "type": "ControlList", "source": SRC,
         "skos:prefLabel": {"ja": "輸出貿易管理令 別表第一", "en": "Export Trade Control Order, Appended Table 1"},
         "eg:jurisdiction": "jp", "eg:maintainedBy": "jp/agency/meti",
         "eg:establishedBy": "jp/order/export-trade-control-order", "eg:goodsCategory": ["dual-use", "munitions"],
         "eg:officialText": URL},
        {"id": EDITION, "type": "ListEdition", "source": [SRC, SDATA],
         "skos:prefLabel": {"ja": "輸出貿易管理令 別表第一（2026年6月5日版）", "en": "Appended Table 1 as revised on 2026-06-05"},
         "eg:editionOf": LIST, "eg:validFrom": Date(EDITION_DATE), "eg:establishedBy": "jp/order/export-trade-control-order",
         "eg:officialText": URL,
         "eg:note": {"en": "The technical specifications of each row are set by the METI ordinance on goods (貨物等省令), not included here."}},
    ]
    tables = [
        {"type": "ControlEntry", "source": [SRC, SDATA],
         "columns": ["id", "skos:notation", "skos:prefLabel@ja", "skos:prefLabel@en", "skos:inScheme", "eg:labelOrigin"],
         "rows": rows},
        {"type": "ControlEntry", "source": [SRC, SDATA],
         "columns": ["id", "skos:notation", "skos:prefLabel@ja", "skos:prefLabel@en", "eg:labelOrigin", "skos:inScheme",
                     "skos:broader", "eg:note@en"],
         "rows": subs},
    ]
    write_yaml(Path(args.out) / "jp-appended-table-1.yaml",
               "GENERATED by scripts/import_jp_table1.py from jp-export-trade-control-order/beppyo1_yushutsurei_20260605.json; do not edit",
               sources=SOURCES, records=records, tables=tables,
               comments=["Counts: " + "; ".join(f"{k}: {v}" for k, v in sorted(stats.items())),
                         "English labels: the editors' translation of the Japanese name of each good (scripts/curated/jp-table1-en.csv);",
                         "rows carry a short English heading in the editors' words. Japanese labels that the former automatic cut",
                         "left defective were replaced by the curated name (listed in scripts/README.md)."])
    assert not cur, f"curated labels for codes not in the source: {sorted(cur)}"
    for k, v in sorted(stats.items()):
        print(f"{k}: {v}")
    if args.list_fixes:
        for code, old, new in fixes:
            print(f"{code}\t{old}\t{new}")


if __name__ == "__main__":
    main()
