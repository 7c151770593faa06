"""Indicative customs codes (HS 2022 subheadings) for EU, US and Japanese control-list entries.

Writes data/lists/customs-links-regime.yaml and data/lists/customs-links-manual.yaml. See scripts/README.md.
Run after the list imports, import_cn_catalogue.py and import_regime_links.py:
    /tmp/venv/bin/python scripts/import_customs_links.py

Only China's lists give customs codes officially (the 10-digit numbers of the 2026 licence catalogue, in
cn-dual-use-2024.yaml, and the announcements' numbers in cn-customs-links.yaml). No official correlation
for the EU, the US or Japan could be read (see scripts/README.md), so everything written here is
`eg:confidence indicative`, with the method in `eg:matchMethod` and explained in `eg:note`:
- same-regime-item: the EU, US or Japanese entry and a Chinese entry that has an official customs number are
  linked to the same regime item (regime-links.yaml, regime-*.yaml, jp-links.yaml); the HS 2022 subheading of
  China's number is offered for the EU, US or Japanese entry. China's own links to regime items are by equal code only, so China's
  entries whose customs numbers show that they are not the regime item of the same code are left out
  (EXCLUDED_CN below), and China's numbers that the catalogue's transcription flags (confidence low) are
  not used.
- manual: a few entries for which the editors compared the goods named with the HS subheading's wording
  (scripts/curated/customs-links-manual.tsv).
"""
from __future__ import annotations

import csv
import glob
from collections import Counter, defaultdict
from pathlib import Path

import yaml
from _common import REPO, parse_args, write_yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
CURATED = REPO / "scripts" / "curated" / "customs-links-manual.tsv"

EDITORIAL = {"id": "src/lists/customs-links/editorial",
             "title": {"en": "exportgraph editorial links from control-list entries to indicative HS 2022 subheadings (scripts/import_customs_links.py)"},
             "url": "https://w3id.org/exportgraph/id/src/lists/customs-links/editorial",
             "kind": "editorial", "language": "en"}
CN_CATALOGUE = "src/lists/cn/dual-use-catalogue-2026"   # defined in cn-dual-use-2024.yaml
HS_SOURCE = "src/lists/customs/wco-hs2022"              # defined in hs2022.yaml

# China's entries whose official customs numbers show that they are China's own items, not the regime item
# that has the same code (their regime links are by equal code only): never used as a bridge.
EXCLUDED_CN = {
    "3C001": "China's 3C001 items carry gallium numbers (unwrought gallium, gallium nitride, oxide ...); Wassenaar 3C001 is hetero-epitaxial materials",
    "3C002": "China's 3C002 items carry germanium numbers (unwrought germanium, germanium oxide ...); Wassenaar 3C002 is resist materials",
    "3C003": "China's 3C003 items carry antimony numbers (antimony ores, unwrought antimony ...); Wassenaar 3C003 is organo-inorganic compounds",
    "4A003": "China's 4A003 items carry numbers of network switching apparatus (8517.62); Wassenaar 4A003 is digital computers",
}
NATIONAL_TYPES = {"exact", "close", "narrow"}  # national entry -> regime item links that are used (narrow: the
#                                               regime item is narrower than the national entry, so inside it)
NATIONAL_CONFIDENCE = {"high", "medium"}


def load(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER) or {}


def rows(doc: dict):
    for t in doc.get("tables") or []:
        for r in t["rows"]:
            yield t["type"], dict(zip(t["columns"], r))
    for r in doc.get("records") or []:
        yield r.get("type"), r


def ids_of(path: Path, type_: str) -> set:
    return {r["id"] for ty, r in rows(load(path)) if ty == type_}


def jurisdiction(entry: str) -> str:
    return entry.split("/", 1)[0]


def cn_official(lists: Path):
    """(entry, hs2022 id, customs number or None, confidence) for China's official customs links."""
    doc = load(lists / "cn-dual-use-2024.yaml")
    parent = {r["id"]: r.get("eg:hsParent") for ty, r in rows(doc) if ty == "CustomsCode"}
    out = []
    for ty, r in rows(doc):
        if ty == "CustomsLink":
            code = r["eg:customsCode"]
            out.append((r["eg:controlEntry"], parent.get(code), code.rsplit("/", 1)[1], r["eg:confidence"]))
    for ty, r in rows(load(lists / "cn-customs-links.yaml")):
        if ty == "CustomsLink":
            out.append((r["eg:controlEntry"], r["eg:customsCode"], None, r["eg:confidence"]))
    return out


def regime_links(lists: Path):
    out = []
    for p in sorted(glob.glob(str(lists / "regime-*.yaml"))) + [str(lists / "jp-links.yaml")]:
        for ty, r in rows(load(Path(p))):
            if ty == "Correspondence" and r.get("eg:correspondsTo"):
                out.append(r)
    return out


def code_of(entry: str) -> str:
    return entry.rsplit("/", 1)[1]


def excluded(cn_entry: str):
    code = code_of(cn_entry)
    for prefix, why in EXCLUDED_CN.items():
        if code == prefix or code.startswith(prefix + "."):
            return why
    return None


def hs_label(hs: str) -> str:
    c = hs.rsplit("/", 1)[1]
    return f"{c[:4]}.{c[4:]}"


def main():
    args = parse_args(__doc__)
    lists = Path(args.out)
    stats = Counter()
    hs2022 = ids_of(lists / "hs2022.yaml", "CustomsCode")

    # 1. same regime item, through China's official customs numbers
    official = cn_official(lists)
    by_cn = defaultdict(list)
    for entry, hs, number, conf in official:
        if hs is None:
            stats["China's customs numbers without an HS 2022 subheading (not used)"] += 1
            continue
        if conf != "high":
            stats["China's customs links not used: flagged in the transcription (low)"] += 1
            continue
        by_cn[entry].append((hs, number))
    links = regime_links(lists)
    cn_to_regime = defaultdict(set)
    national_by_regime = defaultdict(list)
    for r in links:
        src, tgt = r["eg:correspondenceOf"], r["eg:correspondsTo"]
        if src.startswith("cn/"):
            cn_to_regime[src].add(tgt)
        elif (jurisdiction(src) in ("eu", "us", "jp") and r["eg:matchType"] in NATIONAL_TYPES
              and r.get("eg:confidence") in NATIONAL_CONFIDENCE):
            national_by_regime[tgt].append(src)
    excluded_seen = Counter()
    found = defaultdict(lambda: defaultdict(set))   # national entry -> hs -> {(cn entry, regime item, number)}
    for cn_entry, codes in sorted(by_cn.items()):
        regimes = cn_to_regime.get(cn_entry)
        if not regimes:
            continue
        why = excluded(cn_entry)
        if why:
            excluded_seen[code_of(cn_entry).split(".")[0]] += 1
            continue
        for reg in sorted(regimes):
            for nat in national_by_regime.get(reg, ()):
                for hs, number in codes:
                    found[nat][hs].add((cn_entry, reg, number))
    regime_rows = []
    for nat in sorted(found):
        for hs in sorted(found[nat]):
            via = sorted(found[nat][hs])
            cn_codes = sorted({code_of(c) for c, _, _ in via})
            regs = sorted({r for _, r, _ in via})
            numbers = sorted({n for _, _, n in via if n})
            reg_names = ", ".join(f"{r.split('/')[1].upper()} {code_of(r)}" for r in regs)
            note = (f"Indicative only, not a classification: HS {hs_label(hs)} is the subheading of China's customs number(s) "
                    f"{', '.join(numbers) if numbers else '(HS 2022 code of the announcement)'} for China's entry {', '.join(cn_codes)}, "
                    f"which, like this entry, is linked to the regime item {reg_names}. China's entry is linked to that item "
                    f"by equal code only (China's list text is not in the graph), and China's numbers are China's own tariff lines.")
            regime_rows.append([f"customslink/{nat}/{hs.rsplit('/', 1)[1]}", nat, hs, "indicative", "same-regime-item", note, True])
            stats[f"same-regime-item links ({jurisdiction(nat)})"] += 1

    # 2. manual, from the curated table
    known = set()
    for name in ("eu-annex-i.yaml", "us-ccl.yaml", "jp-appended-table-1.yaml"):
        known |= ids_of(lists / name, "ControlEntry")
    manual_rows = []
    with open(CURATED, encoding="utf-8") as f:
        for line in csv.reader((ln for ln in f if ln.strip() and not ln.startswith("#")), delimiter="\t"):
            entry, hs6, reason = line
            assert entry in known, f"unknown entry in {CURATED.name}: {entry}"
            hs = f"customs/hs2022/{hs6}"
            assert hs in hs2022, f"unknown HS 2022 subheading in {CURATED.name}: {hs6}"
            manual_rows.append([f"customslink/{entry}/{hs6}", entry, hs, "indicative", "manual",
                                f"Indicative only, chosen by the editors, not a classification nor an official correlation: {reason}"])
            stats[f"manual links ({jurisdiction(entry)})"] += 1
    manual_ids = {r[0] for r in manual_rows}
    before = len(regime_rows)
    regime_rows = [r for r in regime_rows if r[0] not in manual_ids]
    stats["same-regime-item links dropped because the manual table has the same link"] = before - len(regime_rows)
    for rows_ in (regime_rows, manual_rows):
        assert len({r[0] for r in rows_}) == len(rows_)
        for r in rows_:
            assert r[2] in hs2022, r
    regime_rows.sort(key=lambda r: r[0])
    manual_rows.sort(key=lambda r: r[0])

    entries = Counter(jurisdiction(e) for e in {r[1] for r in regime_rows + manual_rows})
    counts = "; ".join(f"{k}: {v}" for k, v in sorted(stats.items()))
    excl = "; ".join(f"{k} ({n} of its entries with usable numbers and a regime link): {EXCLUDED_CN[k]}" for k, n in sorted(excluded_seen.items()))
    common = ["Entries with an indicative HS 2022 subheading (both files): " + ", ".join(f"{k} {v}" for k, v in sorted(entries.items())),
              "National entry -> regime item links used: exact, close or narrow, confidence high or medium (regime-links.yaml, regime-*.yaml, jp-links.yaml)."]
    write_yaml(lists / "customs-links-regime.yaml",
               "GENERATED by scripts/import_customs_links.py from data/lists/cn-dual-use-2024.yaml, cn-customs-links.yaml, regime-*.yaml and jp-links.yaml; do not edit",
               sources=[EDITORIAL],
               tables=[{"type": "CustomsLink", "source": [EDITORIAL["id"], CN_CATALOGUE],
                        "columns": ["id", "eg:controlEntry", "eg:customsCode", "eg:confidence", "eg:matchMethod", "eg:note@en", "unverified"],
                        "rows": regime_rows}],
               comments=["Counts: " + counts,
                         "China's entries not used as a bridge (their customs numbers show a different item than the regime item of the same code): " + (excl or "none")]
               + common)
    write_yaml(lists / "customs-links-manual.yaml",
               "GENERATED by scripts/import_customs_links.py from scripts/curated/customs-links-manual.tsv; do not edit",
               tables=[{"type": "CustomsLink", "source": [EDITORIAL["id"], HS_SOURCE],
                        "columns": ["id", "eg:controlEntry", "eg:customsCode", "eg:confidence", "eg:matchMethod", "eg:note@en"],
                        "rows": manual_rows}],
               comments=[f"Counts: manual links: {len(manual_rows)}"] + common)
    print(counts)
    print(dict(entries))


if __name__ == "__main__":
    main()
