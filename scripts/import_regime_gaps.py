"""Say why a national entry has no link to a regime item.

Every EU Annex I, US CCL and Chinese entry whose code follows a regime's numbering (third character 0-4,
category 0; US x6xx; see `regime_origin` in _common.py) should link to the regime item it implements
(data/lists/regime-links.yaml, regime-*.yaml, crosswalk files) or carry a record that says why not. This
script reads every Correspondence of data/lists/*.yaml and writes, for each such entry that has neither a
link to a regime item nor a no-counterpart record, one 'not-established' record (no target) against the
regime list its numbering names, with the reason, chosen in this order:

1. an ancestor of the entry is linked to a regime item: the entry is covered through it, and no item-level
   link was established (the texts of the sub-item and the regime's sub-items were not matched);
2. the regime list is not itemised at this depth in the graph (NSG Part 2 has categories only; MTCR, AG and
   CWC items were matched by text, name or CAS number and this one was not);
3. a Chinese entry: China's item texts are not in the graph, so only equal codes with the Wassenaar list
   were linked;
4. otherwise: the texts were compared and did not agree closely enough to link (regime-links.yaml's header
   lists these codes).

Writes data/lists/regime-gaps.yaml. Run after import_regime_links.py and the other regime files.
Run: python scripts/import_regime_gaps.py
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import yaml
from _common import parse_args, regime_origin, write_yaml

SRC = "src/lists/regime-links/editorial"
CODE = re.compile(r"^\d[A-E]\d{3}(?:\.[A-Za-z0-9]+)*$")
NATIONAL = {"eu-annex-i.yaml": "eu", "us-ccl.yaml": "us", "cn-dual-use-list.yaml": "cn", "cn-dual-use-2024.yaml": "cn"}
REGIME_LIST = {"regime/wa": "regime/wa/list/dual-use", "regime/mtcr": "regime/mtcr/list/annex",
               "regime/ag": "regime/ag/list/common-control-lists", "regime/cwc": "regime/cwc/list/schedules"}
NAME = {"regime/wa": "Wassenaar", "regime/nsg": "NSG", "regime/mtcr": "MTCR", "regime/ag": "Australia Group",
        "regime/cwc": "CWC"}


def load(path: Path):
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}


def records(doc):
    """(type, dict of column -> value) for every record and table row of a data file."""
    for rec in doc.get("records") or []:
        yield rec.get("type"), rec
    for table in doc.get("tables") or []:
        cols = table["columns"]
        for row in table["rows"]:
            yield table["type"], dict(zip(cols, row))


def main() -> None:
    args = parse_args(__doc__)
    out_dir = Path(args.out)
    entries: dict[str, tuple[str, str, str | None]] = {}      # id -> (jurisdiction, code, broader)
    regime_linked: set[str] = set()                            # entries with a link to a regime item or a record
    for path in sorted(out_dir.glob("*.yaml")):
        if path.name == "regime-gaps.yaml":
            continue
        doc = load(path)
        nat = NATIONAL.get(path.name)
        for kind, rec in records(doc):
            if kind == "ControlEntry" and nat:
                code = str(rec.get("skos:notation") or "")
                broader = rec.get("skos:broader")
                entries[rec["id"]] = (nat, code, broader[0] if isinstance(broader, list) else broader)
            elif kind == "Correspondence":
                target = str(rec.get("eg:correspondsTo") or rec.get("eg:counterpartList") or "")
                if target.startswith("regime/"):
                    regime_linked.add(str(rec["eg:correspondenceOf"]))
    rows, stats = [], Counter()
    for eid in sorted(entries):
        nat, code, _ = entries[eid]
        if not CODE.match(code) or eid in regime_linked:
            continue
        origin = regime_origin(code[:5], us=(nat == "us"))
        if origin is None:
            continue
        if nat == "us" and code[2] == "6":
            continue                       # 600 series: linked to the Munitions List at entry level in us-usml.yaml
        counterpart = REGIME_LIST.get(origin) or ("regime/nsg/list/part-1" if code[0] == "0" else "regime/nsg/list/part-2")
        ancestor, parent = None, entries[eid][2]
        while parent:
            if parent in regime_linked:
                ancestor = parent
                break
            parent = entries.get(parent, (None, None, None))[2]
        if ancestor:
            why = (f"Covered through {entries[ancestor][1]}, which is linked to a {NAME[origin]} item; no link was "
                   "established for this sub-item itself (its text was not matched to a sub-item of the regime list).")
            reason = "covered through a linked ancestor"
        elif origin == "regime/nsg" and code[0] != "0":
            why = ("NSG Part 2 is in the graph by category only (its items could not be read from the official text), "
                   "so this entry's NSG item is not established.")
            reason = "NSG Part 2 not itemised"
        elif nat == "cn":
            why = (f"China's item texts are not in the graph: its codes were linked only where they equal a Wassenaar "
                   f"code; the {NAME[origin]} item this code follows was not established.")
            reason = "China: no item texts"
        elif nat == "us" and origin in ("regime/mtcr", "regime/nsg"):
            why = (f"Only the EU's entries were compared with the {NAME[origin]} items; links from the US list to them "
                   "were not made (the EU entry of the same code, and the EU-US crosswalk, may lead there).")
            reason = f"{NAME[origin]}: US not compared"
        elif origin in ("regime/mtcr", "regime/ag", "regime/cwc", "regime/nsg"):
            why = (f"The {NAME[origin]} items were matched by text, name or CAS number and none matched this entry; its "
                   "regime item is not established.")
            reason = f"{NAME[origin]}: not matched"
        else:
            why = ("The texts of this entry and of the Wassenaar item with its code were compared and did not agree "
                   "closely enough to link (see the header of regime-links.yaml), or its text is not in the snapshots.")
            reason = "Wassenaar: texts disagree or missing"
        rows.append([f"link/regime/gap/{eid}", eid, "not-established", "numbering-convention", counterpart, why])
        stats[f"{nat}: {reason}"] += 1
    stats["records written"] = len(rows)
    write_yaml(out_dir / "regime-gaps.yaml",
               "GENERATED by scripts/import_regime_gaps.py from data/lists/*.yaml; do not edit",
               comments=["Counts: " + "; ".join(f"{k}: {v}" for k, v in sorted(stats.items()))],
               tables=[{"type": "Correspondence", "source": SRC,
                        "columns": ["id", "eg:correspondenceOf", "eg:matchType", "eg:matchMethod", "eg:counterpartList",
                                    "eg:note@en"],
                        "rows": rows}])
    for k, v in sorted(stats.items()):
        print(f"{k}: {v}")


if __name__ == "__main__":
    main()
