"""Import China's Dual-use Items Export Control List codes and their customs codes from the 2026 catalogue.

Reads cn-dual-use-catalogue/catalogue-2026.json (the control codes and 10-digit customs commodity numbers
of the 2026 Catalogue for Import and Export Licence Administration of Dual-use Items and Technologies,
MOFCOM/GACC Announcement 2025 No. 91), hs/harmonized-system-HS2022.csv (to link each Chinese code to its
HS 2022 subheading) and the hand-curated data/lists/cn-dual-use-list.yaml (to reuse the records that
already exist: the category and item-type nodes of the 2024-12-01 edition and the entries of the 2025
amendments). Writes data/lists/cn-dual-use-2024.yaml. See scripts/README.md.

Run: /tmp/venv/bin/python scripts/import_cn_catalogue.py [--reference ../shared/reference]
Only the export part's list section is imported; the nuclear and precursor export sections (no control
codes) and the import part are counted and left out.
"""
from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import yaml
from _common import REPO, Date, parse_args, write_yaml

LIST = "cn/list/dual-use-items"
BASE = "2024-12-01"
HAND = REPO / "data" / "lists" / "cn-dual-use-list.yaml"
NOMENCLATURE = "cn/customs/2026"
CODE_RE = re.compile(r"^[0-9][A-E][0-9]{3}(\.([a-z]|[0-9]{1,2}))*$")
HS10_RE = re.compile(r"^[0-9]{10}$")

# Entries added to the list after 2024-12-01 by announcements that the hand-curated file models as
# amendment editions (records cn/list/dual-use-items/<date>/<code> in cn-dual-use-list.yaml). A catalogue
# code equal to one of these prefixes or below it belongs to that amendment; every other code is placed
# in the 2024-12-01 edition. 1C117 and 1E101 themselves are NOT here: Announcement 2025 No. 10 added
# sub-items (1C117.b-d, 1E101.b) to entries that the 2024 list already had (1E101.a is in the catalogue
# without being in the announcement).
AMENDMENTS = {
    "2025-02-04": {"announcement": "cn/announcement/mofcom-2025-10", "source": "src/cn/mofcom/2025-10",
                   "name": "Announcement 2025 No. 10",
                   "prefixes": ["1C004", "1E004", "3C004", "3E004", "6C001", "6C002", "6E001", "6E002",
                                "1C117.b", "1C117.c", "1C117.d", "1E101.b"]},
    "2025-04-04": {"announcement": "cn/announcement/mofcom-2025-18", "source": "src/cn/mofcom/2025-18",
                   "name": "Announcement 2025 No. 18",
                   "prefixes": [f"1C90{n}" for n in range(2, 9)]},
}

SRC_CAT = "src/lists/cn/dual-use-catalogue-2026"
SRC_LIST = "src/lists/cn/dual-use-list-2024"
SRC_DATA = "src/lists/cn/dual-use-catalogue-dataset"
LIST_PAGE = "http://exportcontrol.mofcom.gov.cn/article/zcfg/gnzcfg/zcfggzqd/202411/1067.html"
CAT_PAGE = "https://exportcontrol.mofcom.gov.cn/article/hgfw/lywxcx/gzqd/202601/1203.html"
SOURCES = [
    {"id": SRC_CAT,
     "title": {"zh": "2026年度《两用物项和技术进出口许可证管理目录》（商务部 海关总署公告2025年第91号）",
               "en": "2026 Catalogue for Import and Export Licence Administration of Dual-use Items and Technologies "
                     "(MOFCOM/GACC Announcement No. 91 of 2025)"},
     "url": CAT_PAGE, "publisher": {"zh": "商务部 海关总署", "en": "MOFCOM and GACC"}, "kind": "official",
     "language": "zh"},
    {"id": SRC_LIST,
     "title": {"zh": "关于发布《中华人民共和国两用物项出口管制清单》的公告（商务部 工业和信息化部 海关总署 国家密码管理局公告2024年第51号）",
               "en": "Announcement No. 51 of 2024 publishing the Dual-use Items Export Control List of the PRC "
                     "(MOFCOM, MIIT, GACC, State Cryptography Administration)"},
     "url": LIST_PAGE, "publisher": {"zh": "商务部", "en": "Ministry of Commerce"}, "kind": "primary", "language": "zh"},
    {"id": SRC_DATA,
     "title": {"en": "Control codes and customs commodity numbers of the 2026 dual-use licence catalogue, transcribed by "
                     "hand from chycici/dual-use-export-control-catalog @ 823ecad (a PDF-to-JSON extraction of the "
                     "official catalogue); the project's reference snapshot cn-dual-use-catalogue/catalogue-2026.json"},
     "url": "https://github.com/chycici/dual-use-export-control-catalog", "kind": "dataset", "language": "zh"},
]

OWN_CODES = ("China's own control code: the same code in the EU, US or Japanese lists, or in the regime lists, "
             "may denote a different item.")
NO_NAME = ("Item name not recorded: no public copy of the list text could be checked, and the names in the "
           "upstream extraction are mis-assigned PDF fragments; the wording is in the official text.")
VERIFY = ("Code read from a transcription of the official catalogue (MOFCOM's page and PDF were not fetched); "
          "unverified.")


def load_hand() -> tuple[set[str], dict[str, str]]:
    """Ids of the hand-curated records and the notation of each ControlEntry of the list."""
    doc = yaml.safe_load(HAND.read_text(encoding="utf-8"))
    ids: set[str] = set()
    notation: dict[str, str] = {}
    for r in doc.get("records") or []:
        ids.add(r["id"])
        if r.get("type") == "ControlEntry" and r["id"].startswith(LIST + "/"):
            notation[r["id"]] = str(r["skos:notation"])
    return ids, notation


def hs2022(reference: Path) -> set[str]:
    with (reference / "hs" / "harmonized-system-HS2022.csv").open(encoding="utf-8") as f:
        return {row["hscode"] for row in csv.DictReader(f) if len(row["hscode"]) == 6 and row["hscode"] != "999999"}


def edition_of(code: str) -> str:
    for date, a in AMENDMENTS.items():
        for p in a["prefixes"]:
            if code == p or code.startswith(p + "."):
                return date
    return BASE


def parent_of(code: str) -> str:
    """1C111.b.1.a -> 1C111.b.1 -> 1C111.b -> 1C111 -> 1C (the item-type node of the hand-curated edition)."""
    return code.rsplit(".", 1)[0] if "." in code else code[:2]


def node_id(code: str) -> str:
    if len(code) == 2:
        return f"{LIST}/{BASE}/{code}"
    return f"{LIST}/{edition_of(code)}/{code}"


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    reference = Path(args.reference)
    cat = json.loads((reference / "cn-dual-use-catalogue" / "catalogue-2026.json").read_text(encoding="utf-8"))
    hand_ids, hand_notation = load_hand()
    for date, a in AMENDMENTS.items():
        for p in a["prefixes"]:
            assert f"{LIST}/{date}/{p}" in hand_ids, f"{p}: no hand-curated record in the {date} edition"
    hs6 = hs2022(reference)
    stats: Counter = Counter()

    # ---- catalogue rows -> codes with their customs numbers
    rows: dict[str, dict] = {}
    bogus: list[str] = []
    for r in cat["records"]:
        stats[f"records {r['catalogue_part']}/{r['section']}"] += 1
        if (r["catalogue_part"], r["section"]) != ("export", "list"):
            continue
        code = r.get("code_from_keywords") or r["code"]
        if not code or not CODE_RE.match(code):
            bogus.append(f"{r['code']} (seq {r['seq']})")
            continue
        if r.get("code_from_keywords"):
            stats["codes recovered from keywords (broken code field)"] += 1
        flags = r.get("flags") or []
        row = rows.setdefault(code, {"seq": [], "hs": {}, "flags": []})
        row["seq"].append(r["seq"])
        row["flags"].extend(flags)
        for hs in r["hs10"]:
            assert HS10_RE.match(hs), hs
            # a link is high only if some unflagged row gives it
            row["hs"][hs] = row["hs"].get(hs, False) or not flags

    # ---- entries: every catalogue code and the parents it needs
    new: dict[str, dict] = {}

    def ensure(code: str, from_catalogue: bool) -> None:
        nid = node_id(code)
        if nid in hand_ids or nid in new:
            if nid in hand_ids and from_catalogue:
                stats["catalogue codes already in cn-dual-use-list.yaml"] += 1
            return
        assert len(code) >= 5, code
        new[nid] = {"code": code, "catalogue": from_catalogue}
        ensure(parent_of(code), False)

    for code in sorted(rows):
        ensure(code, True)
    for nid, n in new.items():
        p = node_id(parent_of(n["code"]))
        assert p in hand_ids or p in new, (nid, p)
        n["broader"] = p

    tables = []
    entry_cols = ["id", "skos:notation", "skos:inScheme", "skos:broader", "eg:validFrom", "eg:establishedBy",
                  "eg:officialText", "eg:goodsCategory", "eg:derivation@en", "eg:note@en", "locator", "unverified"]
    for date in [BASE, *AMENDMENTS]:
        a = AMENDMENTS.get(date)
        out = []
        for nid in sorted(new, key=lambda i: _sort_key(new[i]["code"])):
            n = new[nid]
            if edition_of(n["code"]) != date or len(n["code"]) == 2:
                continue
            code = n["code"]
            if n["catalogue"]:
                seqs = ", ".join(str(s) for s in rows[code]["seq"])
                where = ("the 2024-12-01 edition because no 2025 announcement modelled in the graph added it "
                         "(removals between 2024-12-01 and 2026-01-01, if any, are not known)" if not a else
                         f"the amendment edition of {a['name']} because its parent entry was added by that "
                         "announcement (hand-curated records in cn-dual-use-list.yaml)")
                deriv = (f"Control code listed in the 2026 licence catalogue (row {seqs}), which gives the codes of the "
                         f"Dual-use Items Export Control List as of 2026-01-01; placed in {where}.")
                locator = f"序号 {seqs}"
                stats[f"entries from catalogue codes ({date})"] += 1
            else:
                deriv = ("Not a row of the 2026 licence catalogue (which lists only codes with licence rows): created "
                         "as the parent of the catalogue codes below it; that the list has this code follows from its "
                         "sub-items' codes.")
                locator = None
                stats[f"parent entries created ({date})"] += 1
            out.append([nid, code, f"{LIST}/{date}", n["broader"], Date(date),
                        a["announcement"] if a else "cn/announcement/mofcom-2024-51",
                        LIST_PAGE if not a else None, "critical-minerals" if a else None,
                        deriv, f"{OWN_CODES} {NO_NAME} {VERIFY}", locator, True])
        if out:
            src = [SRC_CAT, a["source"] if a else SRC_LIST, SRC_DATA]
            tables.append({"type": "ControlEntry", "source": src, "columns": entry_cols, "rows": out})

    # ---- customs codes and links
    codes10 = sorted({hs for row in rows.values() for hs in row["hs"]})
    no_hs = [c for c in codes10 if c[:6] not in hs6]
    tables.append({"type": "CustomsCode", "source": [SRC_CAT, SRC_DATA],
                   "columns": ["id", "skos:notation", "skos:inScheme", "eg:hsParent", "eg:codeLevel", "unverified"],
                   "rows": [[f"{NOMENCLATURE}/{c}", c, NOMENCLATURE,
                             f"customs/hs2022/{c[:6]}" if c[:6] in hs6 else None, "national", True] for c in codes10]})
    links = []
    for code in sorted(rows, key=_sort_key):
        row = rows[code]
        entry = node_id(code)
        note = None
        if row["flags"]:
            note = ("Flagged in the transcription of the catalogue, so low confidence: "
                    + " | ".join(dict.fromkeys(row["flags"])))
        for hs, high in sorted(row["hs"].items()):
            links.append([f"customslink/{entry}/{hs}", entry, f"{NOMENCLATURE}/{hs}", "high" if high else "low",
                          None if high else note, f"序号 {', '.join(str(s) for s in row['seq'])}", True])
            stats[f"customs links {'high' if high else 'low'}"] += 1
    tables.append({"type": "CustomsLink", "source": [SRC_CAT, SRC_DATA],
                   "columns": ["id", "eg:controlEntry", "eg:customsCode", "eg:confidence", "eg:note@en", "locator",
                               "unverified"],
                   "rows": links})

    entries5 = sorted({c[:5] for c in rows})
    nomenclature = {
        "id": NOMENCLATURE, "type": "Nomenclature", "source": [SRC_CAT, SRC_DATA], "unverified": True,
        "skos:prefLabel": {"zh": "海关商品编号（2026年，两用物项许可证管理目录所列）",
                           "en": "China's 10-digit customs commodity numbers (2026), as used by the dual-use licence catalogue"},
        "eg:maintainedBy": "cn/agency/gac",
        "eg:validFrom": Date("2026-01-01"),
        "eg:note": {"en": "Not China's whole tariff: only the 10-digit customs commodity numbers (海关商品编号) that the 2026 "
                          "dual-use licence catalogue gives for the items of the Dual-use Items Export Control List. The "
                          "first six digits are the HS subheading (eg:hsParent, when HS 2022 has it); the names of the "
                          "codes are not recorded. The codes are China's own national subdivisions. Read from a "
                          "transcription of the catalogue; unverified."},
    }
    stats.update({"catalogue codes (distinct, valid)": len(rows), "five-character entries": len(entries5),
                  "bogus records dropped": len(bogus), "customs codes (10-digit)": len(codes10),
                  "customs codes with no HS 2022 subheading": len(no_hs),
                  "catalogue codes with no customs code": sum(1 for r in rows.values() if not r["hs"]),
                  "entries with a name": 0})
    header = ("GENERATED by scripts/import_cn_catalogue.py from cn-dual-use-catalogue/catalogue-2026.json, "
              "hs/harmonized-system-HS2022.csv and data/lists/cn-dual-use-list.yaml; do not edit")
    comments = ["Counts: " + "; ".join(f"{k}: {v}" for k, v in sorted(stats.items())),
                "Bogus records dropped: " + ", ".join(bogus),
                "Customs codes with no HS 2022 subheading (no eg:hsParent): " + (", ".join(no_hs) or "none"),
                "China's control codes are China's own: the same code elsewhere may denote a different item."]
    write_yaml(Path(args.out) / "cn-dual-use-2024.yaml", header, sources=SOURCES, records=[nomenclature],
               tables=tables, comments=comments)
    for line in comments[:1]:
        print(line)


def _sort_key(code: str):
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split(".")]


if __name__ == "__main__":
    main()
