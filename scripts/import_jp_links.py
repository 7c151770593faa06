"""Write data/lists/jp-links.yaml: Correspondence records from Japan's Appended Table 1 (輸出貿易管理令
別表第一) rows and sub-items to the regime items they implement (Wassenaar dual-use and Munitions List,
NSG, MTCR, Australia Group, CWC), or to the EU Annex I entry where the regime has no itemised list
(NSG Part 2; parts of the NSG Trigger List).

Input: the curated table scripts/curated/jp-table1-links.csv (one line per link, written by the editors
after comparing each item of the METI goods ordinance 貨物等省令 (e-Gov 403M50000400049, Arts. 1-14) with
the regime item; row 1, which has no ordinance article, is compared on the Order's text and the ML
headings). The script reads the generated list files to check both ends of every link:
jp-appended-table-1.yaml (the JP codes), regime-wa.yaml, regime-lists.yaml, regime-nsg.yaml,
regime-mtcr.yaml, regime-ag.yaml, regime-cwc.yaml and eu-annex-i.yaml (the targets). A missing id, an
unknown match type, a duplicate link, an exact link without a locator, or a target that the regime marks
"Not used" stops the script.

Stdlib + PyYAML; deterministic output (rows in the order of the curated table).
"""
from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, parse_args, write_yaml  # noqa: E402

CURATED = REPO / "scripts" / "curated" / "jp-table1-links.csv"
JP_EDITION = "jp/list/appended-table-1/2026-06-05"

PREFIX = {
    "wa": "regime/wa/list/dual-use/2025-12-01/",
    "ml": "regime/wa/list/munitions/2025-12-01/",
    "nsg1": "regime/nsg/list/part-1/2019-10-18/",
    "nsg2": "regime/nsg/list/part-2/2019-01-01/",
    "mtcr": "regime/mtcr/list/annex/2024-03-14/",
    "ag": "regime/ag/list/common-control-lists/before-2025-11-15/",
    "cwc": "regime/cwc/list/schedules/2020-06-07/",
    "eu": "eu/list/annex-i/2025-11-15/",
}
COUNTERPART_LIST = {"wa": "regime/wa/list/dual-use", "ml": "regime/wa/list/munitions", "eu": "eu/list/annex-i"}
REGIME_NAME = {"wa": "Wassenaar dual-use", "ml": "Wassenaar Munitions List", "nsg1": "NSG Part 1",
               "nsg2": "NSG Part 2", "mtcr": "MTCR Annex", "ag": "Australia Group", "cwc": "CWC",
               "eu": "EU Annex I"}
TYPES = {"exact", "close", "broad", "narrow", "related", "no-counterpart"}
METHODS = {"manual"}
CONFIDENCE = {"high", "medium", "low"}
LIST_FILES = ["jp-appended-table-1", "regime-wa", "regime-lists", "regime-nsg", "regime-mtcr",
              "regime-ag", "regime-cwc", "eu-annex-i"]

SRC_ORDINANCE = "src/jp/egov/goods-ordinance"          # defined in data/core/instruments-jp.yaml
SRC_ORDER = "src/lists/jp-appended-table-1/egov-324CO0000000378"  # defined in jp-appended-table-1.yaml
SRC_DATASET = "src/lists/jp-links/law-as-code-fefta"
SRC_EDITORIAL = "src/lists/jp-links/editorial"
UPSTREAM = "https://github.com/xyna-bpinelab/law-as-code-fefta"
UPSTREAM_COMMIT = "5594d9f6f4bc630473e8b0464a23c46207bf4f40"


def load_entries(lists: Path) -> tuple[dict[str, str], dict[str, str]]:
    """All ControlEntry-like ids of the list files -> English (or Japanese) label; JP notation -> id."""
    labels: dict[str, str] = {}
    jp: dict[str, str] = {}
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for name in LIST_FILES:
        doc = yaml.load((lists / f"{name}.yaml").read_text(encoding="utf-8"), Loader=loader)
        for r in doc.get("records") or []:
            lab = r.get("skos:prefLabel")
            labels[r["id"]] = (lab.get("en") or "") if isinstance(lab, dict) else str(lab or "")
        for t in doc.get("tables") or []:
            if t["type"] != "ControlEntry":
                continue
            cols = t["columns"]
            for row in t["rows"]:
                rec = dict(zip(cols, row))
                labels[rec["id"]] = str(rec.get("skos:prefLabel@en") or rec.get("skos:prefLabel@ja") or "")
                if name == "jp-appended-table-1":
                    jp[str(rec["skos:notation"])] = rec["id"]
    return labels, jp


def target_id(target: str) -> tuple[str, str]:
    prefix, _, code = target.partition(":")
    if prefix == "none":
        return "none", code
    if prefix not in PREFIX or not code:
        raise SystemExit(f"unknown target {target!r}")
    if prefix == "ml" and "." not in code:
        code = code.lower()  # ML categories are the nodes ml1 .. ml22 of regime-lists.yaml
    return prefix, PREFIX[prefix] + code


def read_curated() -> list[dict[str, str]]:
    lines = [ln for ln in CURATED.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines))


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    out = Path(args.out)
    labels, jp = load_entries(out)
    counts: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    ord_rows, order_rows, none_rows = [], [], []
    linked_sub, linked_rows = set(), set()

    for n, r in enumerate(read_curated(), 2):
        code, kind, method, conf = r["jp"], r["type"], r["method"], r["confidence"]
        loc, note = r["locator"].strip(), (r.get("note") or "").strip()
        if code not in jp:
            raise SystemExit(f"line {n}: JP code {code!r} not in jp-appended-table-1.yaml")
        if kind not in TYPES or method not in METHODS or conf not in CONFIDENCE:
            raise SystemExit(f"line {n}: bad type/method/confidence {kind}/{method}/{conf}")
        if not loc:
            raise SystemExit(f"line {n}: no locator (basis)")
        if kind == "exact" and not loc.startswith("Art."):
            raise SystemExit(f"line {n}: an exact link needs an ordinance article as its basis")
        src_id = jp[code]
        tail = src_id[len(JP_EDITION) + 1:]
        prefix, tid = target_id(r["target"])
        if prefix == "none":
            if kind != "no-counterpart" or tid not in COUNTERPART_LIST:
                raise SystemExit(f"line {n}: none: needs type no-counterpart and a list (wa, ml, eu)")
            rid = f"link/jp/{tail}/none/{tid}"
            none_rows.append([rid, loc, src_id, kind, method, conf, COUNTERPART_LIST[tid], note])
            counts["no-counterpart"] += 1
            continue
        if kind == "no-counterpart":
            raise SystemExit(f"line {n}: no-counterpart with a target")
        if tid not in labels:
            raise SystemExit(f"line {n}: target {tid} not found in the list files")
        if labels[tid].lower().startswith("not used"):
            raise SystemExit(f"line {n}: target {tid} is marked not used")
        key = (src_id, tid)
        if key in seen:
            raise SystemExit(f"line {n}: duplicate link {key}")
        seen.add(key)
        rid = f"link/jp/{tail}/{prefix}/{tid[len(PREFIX[prefix]):]}"
        if not note:
            note = (f"Specification of the Japanese item compared with the {REGIME_NAME[prefix]} item "
                    "by the editors.")
        row = [rid, loc, src_id, tid, kind, method, conf, note]
        (ord_rows if loc.startswith("Art.") else order_rows).append(row)
        counts[f"links: {kind}"] += 1
        counts[f"links: confidence {conf}"] += 1
        counts[f"links to {REGIME_NAME[prefix]}"] += 1
        (linked_rows if "." not in tail else linked_sub).add(src_id)

    subitems = {i for i in jp.values() if "." in i[len(JP_EDITION) + 1:]}
    deleted = {i for i in subitems if labels.get(i) == "Deleted"}
    rows = {i for i in jp.values() if "." not in i[len(JP_EDITION) + 1:]}
    header_counts = "; ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
    linked_sub_rows = {i[len(JP_EDITION) + 1:].split(".")[0] for i in linked_sub} | \
        {i[len(JP_EDITION) + 1:] for i in linked_rows}
    coverage = (f"JP sub-items linked to a regime or EU item: {len(linked_sub)} of {len(subitems - deleted)} "
                f"in force ({len(deleted)} deleted of {len(subitems)}); rows with a link: "
                f"{len(linked_sub_rows)} of {len(rows)}")
    columns = ["id", "locator", "eg:correspondenceOf", "eg:correspondsTo", "eg:matchType", "eg:matchMethod",
               "eg:confidence", "eg:note@en"]
    sources = [
        {"id": SRC_EDITORIAL,
         "title": {"en": "exportgraph editorial links from Japan's Appended Table 1 to regime items "
                         "(goods ordinance items compared with the regime lists; scripts/import_jp_links.py)"},
         "url": "https://w3id.org/exportgraph/id/" + SRC_EDITORIAL, "kind": "editorial", "language": "en"},
        {"id": SRC_DATASET,
         "title": {"en": "law-as-code-fefta: the goods ordinance (403M50000400049) rendered as Markdown from "
                         f"the e-Gov XML (commit {UPSTREAM_COMMIT[:7]}), where the editors read the text"},
         "url": UPSTREAM, "kind": "dataset", "language": "ja"},
    ]
    tables = [
        {"type": "Correspondence", "source": [SRC_ORDINANCE, SRC_ORDER, SRC_DATASET, SRC_EDITORIAL],
         "columns": columns, "rows": ord_rows},
        {"type": "Correspondence", "source": [SRC_ORDER, SRC_EDITORIAL], "columns": columns, "rows": order_rows},
        {"type": "Correspondence", "source": [SRC_ORDINANCE, SRC_ORDER, SRC_DATASET, SRC_EDITORIAL],
         "columns": ["id", "locator", "eg:correspondenceOf", "eg:matchType", "eg:matchMethod", "eg:confidence",
                     "eg:counterpartList", "eg:note@en"], "rows": none_rows},
    ]
    unlinked = sorted(i[len(JP_EDITION) + 1:] for i in subitems - deleted - linked_sub
                      if i not in {x[2] for x in none_rows})
    write_yaml(
        out / "jp-links.yaml",
        "GENERATED by scripts/import_jp_links.py from scripts/curated/jp-table1-links.csv and data/lists/*.yaml; "
        "do not edit",
        sources=sources, tables=tables,
        comments=[
            f"Counts: {header_counts}",
            coverage,
            "Match types say how the TARGET relates to the Japanese item (model.yaml): narrow = the regime item is "
            "narrower (one of several the Japanese item covers); broad = the regime item is broader.",
            "Locator: the article and item of the goods ordinance (貨物等省令, e-Gov 403M50000400049) that specifies "
            "the Japanese item; 'Order 1の項 (n)' where the Order itself is the only text (row 1, 14(6)).",
            "Sub-items in force without a link or a no-counterpart record: " + (" ".join(unlinked) or "none"),
        ])
    print(coverage)
    print(header_counts)


if __name__ == "__main__":
    main()
