"""Write data/lists/regime-mtcr.yaml and data/lists/regime-nsg.yaml from the curated tables in
scripts/curated/ (mtcr-annex-2024.tsv, mtcr-eu-links.tsv, nsg-part1-derived.tsv, nsg-eu-links.tsv).

No snapshot of the NSG lists (INFCIRC/254 Parts 1 and 2) or of the MTCR Annex is in ../shared/reference,
and their official PDFs could not be read here, so the tables were curated by the editors:
- MTCR: item codes from a third-party transcription of the official Annex PDF of 14 March 2024
  (SECONDARY below); every item is `unverified` and cites the transcription first and the official PDF.
- NSG Part 1: Annex B items derived from their EU implementation (Annex I category 0), `unverified`,
  with `eg:derivation`, citing the EU regulation.
- Links: EU Annex I entry -> regime item, compared by the editors (manual) or derived from the EU
  implementation (derived-from-implementation).
The EU entry ids are checked against data/lists/eu-annex-i.yaml (a missing id stops the script).
Stdlib + PyYAML; deterministic output.
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, Date, block, flow, parse_args, scalar  # noqa: E402

CURATED = REPO / "scripts" / "curated"
EU_EDITION = "eu/list/annex-i/2025-11-15"
EU_SRC = "src/lists/eu-annex-i/eurlex-02021R0821-20251115"
EU_URL = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:02021R0821-20251115"

MTCR_ED = "regime/mtcr/list/annex/2024-03-14"
MTCR_PDF = ("https://www.mtcr.info/download/pictures/a8/bcr8jdpfbqag5rm5m1i3atrjptggwf/"
            "mtcr-tem-technical_annex_2024-03-14.docx.pdf")
SECONDARY_REPO = "https://github.com/Polleschnerjulian-creator/caelex-assessment"
SECONDARY_COMMIT = "834ef9f04692308e4aad8d08d606e5a786360f4c"

NSG1_ED = "regime/nsg/list/part-1/2019-10-18"
NSG2_ED = "regime/nsg/list/part-2/2019-01-01"
NSG1_URL = "https://www.nuclearsuppliersgroup.org/index.php/en/guidelines/nsg-guidelines/guidelines-part-1"

GROUPS = {"A": "Equipment, assemblies and components", "B": "Test and production equipment",
          "C": "Materials", "D": "Software", "E": "Technology"}

MTCR_NOTE = ("Code read from a third-party transcription of the official Annex PDF (Caelex, src/data/trade/"
             "mtcr.ts and mtcr-cat2.ts), not from the PDF itself, which could not be read here; to be "
             "checked against the PDF.")


def rows(name: str) -> list[list[str]]:
    out = []
    for line in (CURATED / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.append(line.split("\t"))
    return out


def eu_ids() -> set[str]:
    doc = yaml.load((REPO / "data" / "lists" / "eu-annex-i.yaml").read_text(encoding="utf-8"),
                    Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    ids = {r["id"] for r in doc.get("records") or []}
    for t in doc.get("tables") or []:
        ids.update(r[0] for r in t["rows"])
    return ids


def write(path: Path, header: list[str], sources: list[dict], tables: list[dict]) -> None:
    lines = [f"# {h}" for h in header]
    lines.append("sources:")
    for s in sources:
        sub = block(s, 4)
        sub[0] = "  - " + sub[0].lstrip()
        lines.extend(sub)
    lines.append("tables:")
    for t in tables:
        lines.append(f"  - type: {scalar(t['type'])}")
        lines.append(f"    source: {flow(t['source'])}")
        if t.get("unverified"):
            lines.append("    unverified: true")
        lines.append(f"    columns: {flow(t['columns'])}")
        lines.append("    rows:")
        for row in t["rows"]:
            assert len(row) == len(t["columns"]), row
            lines.append(f"      - {flow(list(row))}")
    text = "\n".join(lines) + "\n"
    path.write_text(text, encoding="utf-8")
    yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def sort_key(code: str):
    return [int(p) if p.isdigit() else p for p in code.split(".")]


def mtcr(out: Path, known_eu: set[str]) -> dict:
    items = rows("mtcr-annex-2024.tsv")
    codes = {r[0] for r in items}
    table = []
    groups = sorted({".".join(c.split(".")[:2]) for c in codes}, key=sort_key)
    for g in groups:
        n, letter = g.split(".")
        table.append([f"{MTCR_ED}/{g}", g, f"Item {n}, {GROUPS[letter].lower()}", f"{MTCR_ED}/item-{n}",
                      MTCR_ED, MTCR_PDF, "official", f"Annex, Item {n}.{letter}", MTCR_NOTE])
    for code, label, *flag in sorted(items, key=lambda r: sort_key(r[0])):
        parts = code.split(".")
        parent = ".".join(parts[:-1])
        assert parent in codes or len(parts) == 3, code
        origin = "editors-summary"
        table.append([f"{MTCR_ED}/{code}", code, label, f"{MTCR_ED}/{parent}", MTCR_ED, MTCR_PDF, origin,
                      f"Annex, Item {parts[0]}, {code}",
                      MTCR_NOTE + (" The transcription lists only the lettered sub-items of this code."
                                   if flag and flag[0] == "implied" else "")])
    links = []
    allcodes = codes | set(groups)
    for eu, code, mt in rows("mtcr-eu-links.tsv"):
        assert code in allcodes, code
        eid = f"{EU_EDITION}/{eu}"
        assert eid in known_eu, eid
        links.append([f"link/regime/mtcr/eu/{eu}/{code}", eid, f"{MTCR_ED}/{code}", mt, "manual", "medium"])
    linked_eu = {r[1] for r in links}
    eu_x1 = sorted(i for i in known_eu if i.count("/") == 4 and len(i.rsplit("/", 1)[1]) == 5
                   and i.rsplit("/", 1)[1][2] == "1")
    sources = [
        {"id": "src/lists/regimes/mtcr-annex-transcription-caelex",
         "title": {"en": "Caelex (caelex-assessment): MTCR Annex entries transcribed from the Annex of 14 March 2024, "
                         "src/data/trade/mtcr.ts and mtcr-cat2.ts"},
         "url": f"{SECONDARY_REPO}/tree/{SECONDARY_COMMIT}/src/data/trade",
         "kind": "secondary", "language": "en"},
        {"id": "src/lists/regimes/mtcr-annex-2024-03-14",
         "title": {"en": "MTCR Equipment, Software and Technology Annex (MTCR/TEM/2024/Annex), 14 March 2024"},
         "url": MTCR_PDF, "issued": Date("2024-03-14"),
         "publisher": {"en": "Missile Technology Control Regime"}, "kind": "primary", "language": "en"},
        {"id": "src/lists/regimes/mtcr-eu-links-editorial",
         "title": {"en": "exportgraph editors: EU Annex I entries compared with MTCR Annex items "
                         "(scripts/curated/mtcr-eu-links.tsv)"},
         "url": "https://w3id.org/exportgraph/id/src/lists/regimes/mtcr-eu-links-editorial",
         "kind": "editorial", "language": "en"},
    ]
    tables = [
        {"type": "ControlEntry", "unverified": True,
         "source": ["src/lists/regimes/mtcr-annex-transcription-caelex", "src/lists/regimes/mtcr-annex-2024-03-14"],
         "columns": ["id", "skos:notation", "skos:prefLabel@en", "skos:broader", "skos:inScheme",
                     "eg:officialText", "eg:labelOrigin", "locator", "eg:note@en"],
         "rows": table},
        {"type": "Correspondence", "source": ["src/lists/regimes/mtcr-eu-links-editorial", EU_SRC],
         "columns": ["id", "eg:correspondenceOf", "eg:correspondsTo", "eg:matchType", "eg:matchMethod",
                     "eg:confidence"],
         "rows": sorted(links)},
    ]
    counts = {"items": len(items), "groups": len(groups), "links": len(links), "eu_linked": len(linked_eu),
              "eu_x1xx": len(eu_x1)}
    header = [
        "GENERATED by scripts/import_regime_nsg_mtcr.py from scripts/curated/mtcr-annex-2024.tsv and "
        "mtcr-eu-links.tsv; do not edit",
        f"Counts: MTCR Annex items and sub-items: {counts['items']}; group headings (N.A .. N.E): "
        f"{counts['groups']}; EU Annex I links: {counts['links']} from {counts['eu_linked']} of "
        f"{counts['eu_x1xx']} EU x1xx entries",
        "Items 1-20 (item-N) are in regime-lists.yaml. All items are unverified: read from a transcription of "
        "the official PDF (see the sources).",
    ]
    write(out / "regime-mtcr.yaml", header, sources, tables)
    return counts


def nsg(out: Path, known_eu: set[str]) -> dict:
    derived = rows("nsg-part1-derived.tsv")
    codes = {r[0] for r in derived}
    table = []
    links = []
    for code, parent, eu, label in sorted(derived, key=lambda r: sort_key(r[0])):
        eid = f"{EU_EDITION}/{eu}"
        assert eid in known_eu, eid
        assert parent.startswith("annex-b-") or parent in codes, parent
        section = code.split(".")[0]
        table.append([f"{NSG1_ED}/{code}", code, label, f"{NSG1_ED}/{parent}", NSG1_ED, NSG1_URL,
                      "editors-summary", f"Annex B, section {section}",
                      f"derived from its EU implementation, Annex I entry {eu}",
                      "Not read from INFCIRC/254/Part 1 (no copy of the Trigger List could be read here): the "
                      "code is inferred from the order in which the EU's Annex I category 0 transposes Annex B; "
                      "to be checked against the NSG text."])
        links.append([f"link/regime/nsg/eu/{eu}/part-1/{code}", eid, f"{NSG1_ED}/{code}", "exact",
                      "derived-from-implementation", "medium"])
    for eu, node, mt, conf in rows("nsg-eu-links.tsv"):
        part, local = node.split(":")
        ed = NSG1_ED if part == "p1" else NSG2_ED
        eid = f"{EU_EDITION}/{eu}"
        assert eid in known_eu, eid
        links.append([f"link/regime/nsg/eu/{eu}/{'part-1' if part == 'p1' else 'part-2'}/{local}", eid,
                      f"{ed}/{local}", mt, "manual", conf])
    linked = {r[1].rsplit("/", 1)[1][:5] for r in links}
    eu_5 = [i.rsplit("/", 1)[1] for i in known_eu if i.count("/") == 4 and len(i.rsplit("/", 1)[1]) == 5]
    eu_0 = sorted(c for c in eu_5 if c[0] == "0")
    eu_2 = sorted(c for c in eu_5 if c[0] != "0" and c[2] == "2")
    sources = [
        {"id": "src/lists/regimes/nsg-eu-links-editorial",
         "title": {"en": "exportgraph editors: EU Annex I entries compared with the NSG list headings "
                         "(scripts/curated/nsg-eu-links.tsv, nsg-part1-derived.tsv)"},
         "url": "https://w3id.org/exportgraph/id/src/lists/regimes/nsg-eu-links-editorial",
         "kind": "editorial", "language": "en"},
    ]
    tables = [
        {"type": "ControlEntry", "unverified": True, "source": [EU_SRC, "src/lists/regimes/nsg-guidelines"],
         "columns": ["id", "skos:notation", "skos:prefLabel@en", "skos:broader", "skos:inScheme",
                     "eg:officialText", "eg:labelOrigin", "locator", "eg:derivation@en", "eg:note@en"],
         "rows": table},
        {"type": "Correspondence", "source": ["src/lists/regimes/nsg-eu-links-editorial", EU_SRC],
         "columns": ["id", "eg:correspondenceOf", "eg:correspondsTo", "eg:matchType", "eg:matchMethod",
                     "eg:confidence"],
         "rows": sorted(links)},
    ]
    counts = {"derived": len(table), "links": len(links),
              "eu_0_linked": len([c for c in eu_0 if c in linked]), "eu_0": len(eu_0),
              "eu_2_linked": len([c for c in eu_2 if c in linked]), "eu_2": len(eu_2)}
    header = [
        "GENERATED by scripts/import_regime_nsg_mtcr.py from scripts/curated/nsg-part1-derived.tsv and "
        "nsg-eu-links.tsv; do not edit",
        f"Counts: NSG Part 1 Annex B items derived from the EU implementation: {counts['derived']} (all "
        f"unverified); NSG Part 2 items: 0 (none readable); links: {counts['links']}, from "
        f"{counts['eu_0_linked']} of {counts['eu_0']} EU 0xxx entries and {counts['eu_2_linked']} of "
        f"{counts['eu_2']} EU x2xx entries",
        "Annex A, the Annex B sections and the Part 2 categories are in regime-lists.yaml.",
    ]
    write(out / "regime-nsg.yaml", header, sources, tables)
    return counts


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    out = Path(args.out)
    known = eu_ids()
    print("mtcr", mtcr(out, known))
    print("nsg", nsg(out, known))


if __name__ == "__main__":
    main()
