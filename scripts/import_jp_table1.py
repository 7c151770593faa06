"""Import Japan's Export Trade Control Order, Appended Table 1 (輸出貿易管理令 別表第一), revision of
2026-06-05, from jp-export-trade-control-order/beppyo1_yushutsurei_20260605.json.

Writes data/lists/jp-appended-table-1.yaml. See scripts/README.md.
Run: /tmp/venv/bin/python scripts/import_jp_table1.py [--reference ../shared/reference]
"""
from __future__ import annotations

import json
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

# Short English headings, in the editors' words.
ROW_EN = {
    "1": "Weapons (arms and military items)", "2": "Nuclear items", "3": "Chemical weapons items",
    "3の2": "Biological weapons items", "4": "Missiles and their items", "5": "Advanced materials",
    "6": "Materials processing", "7": "Electronics", "8": "Computers", "9": "Telecommunications and information security",
    "10": "Sensors and lasers", "11": "Navigation", "12": "Marine", "13": "Propulsion", "14": "Other items",
    "15": "Sensitive items", "16": "Catch-all (items not in rows 1 to 15)",
}

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
    args = parse_args(__doc__)
    d = json.loads((Path(args.reference) / "jp-export-trade-control-order" / "beppyo1_yushutsurei_20260605.json")
                   .read_text(encoding="utf-8"))
    stats = Counter()
    rows, subs = [], []
    for r in d["beppyo_1"]:
        rn = arabic(r["row"])
        rid = f"{EDITION}/{slug(rn)}"
        rows.append([rid, rn, f"別表第一 {r['row']}の項", ROW_EN[rn], EDITION])
        stats["rows"] += 1
        for it in r["items"]:
            n = arabic(it["item"])
            text, fixed = it["text"], False
            for bad, good in FIXES:
                if bad in text:
                    text, fixed = text.replace(bad, good), True
            if fixed:
                stats["sub-items with a lost character restored"] += 1
            label = good_name_ja(text.replace("　", " "))
            subs.append([f"{rid}.{slug(n)}", f"{rn}({n})", label, EDITION, rid, FIX_NOTE if fixed else None])
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
         "columns": ["id", "skos:notation", "skos:prefLabel@ja", "skos:prefLabel@en", "skos:inScheme"],
         "rows": rows},
        {"type": "ControlEntry", "source": [SRC, SDATA],
         "columns": ["id", "skos:notation", "skos:prefLabel@ja", "skos:inScheme", "skos:broader", "eg:note@en"],
         "rows": subs},
    ]
    write_yaml(Path(args.out) / "jp-appended-table-1.yaml",
               "GENERATED by scripts/import_jp_table1.py from jp-export-trade-control-order/beppyo1_yushutsurei_20260605.json; do not edit",
               sources=SOURCES, records=records, tables=tables,
               comments=["Counts: " + "; ".join(f"{k}: {v}" for k, v in sorted(stats.items()))])
    for k, v in sorted(stats.items()):
        print(f"{k}: {v}")


if __name__ == "__main__":
    main()
