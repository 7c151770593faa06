"""Australia Group common control lists and CWC Schedules 1-3, item by item, with CAS numbers, and
their correspondences from EU Annex I and US CCL entries.

Reads: scripts/curated/cwc-schedules.csv (the Annex on Chemicals, entry by entry, curated from the
OPCW's text), scripts/curated/ag-verified.csv (AG items read on the AG's own pages), the EU Annex I
snapshot eu-annex-i/annex.json (for AG items known only from their EU implementation, and for CAS
numbers), and the generated data/lists/eu-annex-i.yaml and us-ccl.yaml (ids of the linked entries).

Writes data/lists/regime-cwc.yaml and data/lists/regime-ag.yaml. See scripts/README.md.
Run: /tmp/venv/bin/python scripts/import_regime_ag_cwc.py
"""
from __future__ import annotations

import csv
import difflib
import json
import re
from collections import Counter
from pathlib import Path

import yaml
from _common import REPO, clean, good_name, parse_args, write_yaml

CWC = "regime/cwc/list/schedules/2020-06-07"
AG = "regime/ag/list/common-control-lists/before-2025-11-15"
EU = "eu/list/annex-i/2025-11-15"
US = "us/list/ccl/2026-07-23"
CURATED = REPO / "scripts" / "curated"

SRC_OPCW = "src/lists/regimes/opcw-annex-chemicals"
SRC_OPCW_CHANGES = "src/lists/regimes/opcw-changes-annex-chemicals"
SRC_AG = "src/lists/regimes/ag-control-lists"
SRC_EU = "src/lists/eu-annex-i/eurlex-02021R0821-20251115"
SRC_HAP = "src/lists/regimes/ag-human-animal-pathogens-2023-11-21"
SRC_DBE = "src/lists/regimes/ag-dual-use-biological-equipment-2022-11-30"
SRC_PP2012 = "src/lists/regimes/ag-plant-pathogens-2012-06-de"
SRC_LINKS = "src/lists/regimes/ag-cwc-links-editorial"

URL_OPCW = "https://www.opcw.org/chemical-weapons-convention/annexes/annex-chemicals/annex-chemicals"
URL_HAP = "https://www.dfat.gov.au/publications/minisite/theaustraliagroupnet/site/en/human_animal_pathogens.html"
URL_DBE = "https://dfat.gov.au/publications/minisite/theaustraliagroupnet/site/en/dual_biological.html"
URL_PP2012 = "https://dfat.gov.au/publications/minisite/theaustraliagroupnet/site/de/plants.html"
URL_AG = "https://www.dfat.gov.au/publications/minisite/theaustraliagroupnet/site/en/controllists.html"
URL_EU = "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:02021R0821-20251115"

AG_SOURCES = [
    {"id": SRC_HAP, "title": {"en": "Australia Group: List of Human and Animal Pathogens and Toxins for Export Control (21 November 2023)"},
     "url": URL_HAP, "issued": "2023-11-21", "publisher": {"en": "Australia Group (Australian Department of Foreign Affairs and Trade)"},
     "kind": "official", "language": "en"},
    {"id": SRC_DBE, "title": {"en": "Australia Group: Control List of Dual-Use Biological Equipment and Related Technology and Software (30 November 2022)"},
     "url": URL_DBE, "issued": "2022-11-30", "publisher": {"en": "Australia Group (Australian Department of Foreign Affairs and Trade)"},
     "kind": "official", "language": "en"},
    {"id": SRC_PP2012, "title": {"en": "Australia Group: List of Plant Pathogens for Export Control, German version (Liste der Pflanzenpathogene für die Ausfuhrkontrolle), June 2012"},
     "url": URL_PP2012, "publisher": {"en": "Australia Group (Australian Department of Foreign Affairs and Trade)"},
     "kind": "official", "language": "de"},
    {"id": SRC_LINKS, "title": {"en": "exportgraph editorial correspondences: EU Annex I and US CCL entries to Australia Group and CWC items (by CAS number, by agent name, by heading)"},
     "url": "https://w3id.org/exportgraph/id/src/lists/regimes/ag-cwc-links-editorial", "kind": "editorial", "language": "en"},
]

CAS_RE = re.compile(r"CAS\s+([0-9]{2,7}-[0-9]{2}-[0-9])")


def cas_ok(cas: str) -> bool:
    """CAS check digit: the digits before it, weighted 1, 2, 3 ... from the right, sum mod 10."""
    if not re.fullmatch(r"[0-9]{2,7}-[0-9]{2}-[0-9]", cas):
        return False
    d = cas.replace("-", "")
    return sum(int(x) * (i + 1) for i, x in enumerate(reversed(d[:-1]))) % 10 == int(d[-1])


def slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")[:60].rstrip("-")


def eu_lines(reference: Path) -> dict[str, str]:
    """First non-note line of each dotted code of the AG/CWC-related EU entries."""
    d = json.loads((reference / "eu-annex-i" / "annex.json").read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for e in d["entries"]:
        if e["entry_code"] not in {"1C350", "1C351", "1C353", "1C354", "1C450", "2B350", "2B351", "2B352"}:
            continue
        for line in e["verbatim_text"].split("\n"):
            code, _, text = line.partition(" ")
            if re.match(r"^(N\.B\.|Note|Technical)", text) or code in out:
                continue
            out[code] = clean(text)
    return out


def eu_name(text: str) -> str:
    t = re.sub(r"^SEE MILITARY GOODS CONTROLS (for|FOR) ", "", text)
    t = CAS_RE.sub("", t).replace("()", "")
    return good_name(t)


def key(name: str) -> str:
    s = name.lower().replace("clostriduim", "clostridium").replace("puccinnia", "puccinia")
    s = re.sub(r"\(.*?\)|\[.*?\]", " ", s)
    s = re.split(r"[:;]|, | and ", s)[0]
    words = [w for w in re.findall(r"[a-z0-9]+", s) if w not in {"virus", "viruses", "the", "and", "other", "all"}]
    return " ".join(words[:4])


def load_rows(path: Path) -> dict[str, list]:
    d = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    out = {}
    for t in d.get("tables") or []:
        if t["type"] == "ControlEntry":
            for r in t["rows"]:
                out[r[0]] = r
    return out


# ------------------------------------------------------------------------------------------ CWC

def build_cwc(out_dir: Path, eu: dict[str, str], eu_ids: set[str]) -> Counter:
    stats: Counter = Counter()
    rows, parts = [], []
    part_names = {"A": "Toxic chemicals", "B": "Precursors"}
    seen_parts = set()
    cas_index: dict[str, tuple[str, str]] = {}
    for r in csv.DictReader((CURATED / "cwc-schedules.csv").open(encoding="utf-8")):
        sch, part, no = r["code"].split(".")
        if (sch, part) not in seen_parts:
            seen_parts.add((sch, part))
            parts.append([f"{CWC}/{sch}.{part}", f"{sch}.{part}", f"Schedule {sch}, Part {part} — {part_names[part]}",
                          CWC, f"{CWC}/schedule-{sch}", f"Schedule {sch}, Part {part}"])
        cas = [c for c in r["cas"].split(";") if c]
        for c in cas:
            assert cas_ok(c), (r["code"], c)
            cas_index.setdefault(c, (r["code"], r["cas_kind"]))
        note = r["note"] or None
        if r["cas_kind"] == "examples":
            note = ("A family of chemicals with no single CAS number: the CAS numbers given are those of the examples the Annex names. " + (note or "")).strip()
        added = r["added"]
        if added:
            note = (f"Added to Schedule 1 by decision {added} of the Conference of the States Parties (27 November 2019), in force from 7 June 2020. " + (note or "")).strip()
        rows.append([f"{CWC}/{r['code']}", r["code"], r["name"], CWC, f"{CWC}/{sch}.{part}", cas or None,
                     "editors-summary", "chemical", URL_OPCW, "2020-06-07" if added else None, note,
                     [SRC_OPCW, SRC_OPCW_CHANGES] if added else SRC_OPCW,
                     f"Annex on Chemicals, Schedule {sch}, Part {part}, ({no})"])
        stats[f"schedule {sch}"] += 1
        stats["CAS numbers"] += len(cas)
    # correspondences from EU Annex I
    links = []
    for code, text in sorted(eu.items()):
        if not (code.startswith("1C350.") or code.startswith("1C450.")) or f"{EU}/{code}" not in eu_ids:
            continue
        m = CAS_RE.search(text)
        if not m or text.startswith("See 1C350"):
            continue
        target = cas_index.get(m.group(1))
        if not target:
            continue
        tcode, kind = target
        pointer = text.upper().startswith("SEE MILITARY")
        if pointer:
            mt, conf, note = "related", "medium", f"Same CAS number ({m.group(1)}); the EU line only points to the military list for this chemical."
        elif kind == "examples":
            mt, conf, note = "broad", "high", f"Same CAS number ({m.group(1)}): the EU chemical is a named example of the CWC family entry, which is broader."
        else:
            mt, conf, note = "exact", "high", f"Same CAS number ({m.group(1)}); a CAS number names one substance, so a shared number is a strong match."
        if len(text) > 0 and kind == "listed":
            mt, note = "broad", f"Same CAS number ({m.group(1)}): the EU chemical is one of the chemicals the CWC entry names."
        links.append([f"link/regime/cwc/eu/{code}", f"{EU}/{code}", f"{CWC}/{tcode}", mt, "manual", conf, note])
        stats["links EU by CAS"] += 1
    families = {"1C450.b.1": "2.B.4", "1C450.b.2": "2.B.5", "1C450.b.3": "2.B.6", "1C450.b.4": "2.B.10",
                "1C450.b.5": "2.B.11", "1C450.b.6": "2.B.12"}
    for code, tcode in families.items():
        links.append([f"link/regime/cwc/eu/{code}", f"{EU}/{code}", f"{CWC}/{tcode}", "close", "manual", "medium",
                      "Same family of chemicals (texts compared); the EU entry leaves out members it controls elsewhere (1C350 or the military list)."])
        stats["links EU by family"] += 1
    links.sort()
    header = "GENERATED by scripts/import_regime_ag_cwc.py from scripts/curated/cwc-schedules.csv and eu-annex-i/annex.json; do not edit"
    write_yaml(out_dir / "regime-cwc.yaml", header, sources=[AG_SOURCES[-1]], tables=[
        {"type": "ControlEntry", "source": SRC_OPCW,
         "columns": ["id", "skos:notation", "skos:prefLabel@en", "skos:inScheme", "skos:broader", "locator"], "rows": parts},
        {"type": "ControlEntry", "source": SRC_OPCW,
         "columns": ["id", "skos:notation", "skos:prefLabel@en", "skos:inScheme", "skos:broader", "eg:casNumber", "eg:labelOrigin",
                     "eg:goodsCategory", "eg:officialText", "eg:validFrom", "eg:note@en", "source", "locator"], "rows": rows},
        {"type": "Correspondence", "source": SRC_LINKS,
         "columns": ["id", "eg:correspondenceOf", "eg:correspondsTo", "eg:matchType", "eg:matchMethod", "eg:confidence", "eg:note@en"], "rows": links},
    ], comments=["Counts: " + "; ".join(f"{k}: {v}" for k, v in sorted(stats.items())),
                 "Schedule 1 Part A numbers run (1)-(8) and, after the 2020 additions, (13)-(16); Part B is (9)-(12), as in the Annex."])
    return stats


# ------------------------------------------------------------------------------------------- AG

def build_ag(out_dir: Path, eu: dict[str, str], eu_ids: set[str], us_rows: dict[str, list]) -> Counter:
    stats: Counter = Counter()
    cat = {"cwp": f"{AG}/chemical-precursors", "dce": f"{AG}/chemical-equipment", "dbe": f"{AG}/biological-equipment",
           "hap": f"{AG}/human-animal-pathogens", "pp": f"{AG}/plant-pathogens"}
    sections = {("hap", "Viruses"): "hap-viruses", ("hap", "Bacteria"): "hap-bacteria", ("hap", "Toxins"): "hap-toxins",
                ("hap", "Fungi"): "hap-fungi", ("hap", "Genetic elements and genetically modified organisms"): "hap-genetic",
                ("pp", "Bacteria"): "pp-bacteria", ("pp", "Fungi"): "pp-fungi", ("pp", "Viruses"): "pp-viruses",
                ("pp", "Genetic elements and genetically modified organisms"): "pp-genetic"}
    sec_rows = [[f"{AG}/{sid}", sec, f"{'Human and animal pathogens and toxins' if lst == 'hap' else 'Plant pathogens'}: {sec.lower()}",
                 AG, cat[lst]] for (lst, sec), sid in sections.items()]
    src_of = {"hap": SRC_HAP, "dbe": SRC_DBE, "pp2012": SRC_PP2012}
    url_of = {"hap": URL_HAP, "dbe": URL_DBE, "pp2012": URL_PP2012}
    gcat = {"cwp": "chemical", "dce": "chemical", "dbe": "biological", "hap": "biological", "pp": "biological"}
    rows = []   # id, notation, label, inScheme, broader, cas, goodsCategory, officialText, derivation, note, unverified, source, locator
    names: dict[str, list[tuple[str, str]]] = {}   # section key -> [(name, id)]

    def add(rid, notation, label, broader, lst, cas=None, url=None, derivation=None, note=None, unverified=None, source=None, locator=None, section=None):
        rows.append([rid, notation, label, AG, broader, cas, gcat[lst], url, derivation, note, unverified, source, locator])
        if section:
            names.setdefault(section, []).append((label, rid))

    # verified items (read on the AG's own pages)
    for r in csv.DictReader((CURATED / "ag-verified.csv").open(encoding="utf-8")):
        lst, sec, num = r["list"], r["section"], r["number"]
        if lst == "pp":
            rid, notation = f"{AG}/pp-{num.lower()}", num
        elif lst == "dbe":
            rid, notation = f"{AG}/dbe-{num}", num
        else:
            rid, notation = f"{AG}/hap-{slug(sec)}-{num}", f"{sec} {num}"
        broader = f"{AG}/{sections[(lst, sec)]}" if (lst, sec) in sections else cat[lst]
        note = r["note"] or None
        unv = None
        if r["source"] == "pp2012":
            unv = True
            note = ("Numbered as in the AG plant pathogens list of June 2012 (German version on the AG's site); the current English list "
                    "was not found, so current membership is not confirmed; the name follows the current EU implementation (1C354). " + (note or "")).strip()
        add(rid, notation, r["name"], broader, lst, url=url_of[r["source"]], note=note, unverified=unv,
            source=src_of[r["source"]], locator=f"{sec}, {num}", section=f"{lst}:{sec}")
        stats[f"{lst} from the AG's pages"] += 1

    def derived(eu_code, lst, rid, notation, broader, section=None, extra=""):
        text = eu[eu_code]
        m = CAS_RE.search(text)
        cas = None
        if m:
            assert cas_ok(m.group(1)), (eu_code, m.group(1))
            cas = [m.group(1)]
        label = eu_name(text)
        deriv = f"derived from its EU implementation, Annex I entry {eu_code}{extra}"
        add(rid, notation, label, broader, lst, cas=cas, url=URL_AG, derivation=deriv,
            note="Known here only from the EU implementation: not checked against the Australia Group's own list.",
            unverified=True, source=[SRC_EU, SRC_AG], locator=f"Annex I, {eu_code}", section=section)
        stats[f"{lst} derived from EU Annex I"] += 1
        return cas

    # chemical weapons precursors: EU 1C350.1-.90
    cwp_cas = {}
    for n in range(1, 200):
        code = f"1C350.{n}"
        if code not in eu:
            break
        cas = derived(code, "cwp", f"{AG}/cwp-{n}", str(n), cat["cwp"], section="cwp",
                      extra=f"; the EU numbers the precursors in the Australia Group's order, so {n} is taken as the AG item number")
        cwp_cas[code] = (f"{AG}/cwp-{n}", cas[0] if cas else None)
    # human and animal pathogens: bacteria 9-22, toxins, fungi, genetic elements
    for n in range(9, 23):
        derived(f"1C351.c.{n}", "hap", f"{AG}/hap-bacteria-{n}", f"Bacteria {n}", f"{AG}/hap-bacteria", section="hap:Bacteria",
                extra=f"; the EU lists bacteria 1-8 in the AG's order, so {n} is taken as the AG number")
    for code in sorted((c for c in eu if re.fullmatch(r"1C351\.d\.\d+", c)), key=lambda c: int(c.split(".")[-1])):
        if eu[code].startswith("Not used"):
            continue
        derived(code, "hap", f"{AG}/hap-toxin-{slug(eu_name(eu[code]))}", code, f"{AG}/hap-toxins", section="hap:Toxins",
                extra="; the notation is the EU code because the AG's own toxin numbers were not read")
    for n in (1, 2):
        derived(f"1C351.e.{n}", "hap", f"{AG}/hap-fungi-{n}", f"Fungi {n}", f"{AG}/hap-fungi", section="hap:Fungi")
    for code in ("1C353.a.1", "1C353.a.2", "1C353.a.3"):
        derived(code, "hap", f"{AG}/hap-genetic-{code[-1]}", code, f"{AG}/hap-genetic")
    # plant pathogens: fungi the 2012 list does not have
    for n in range(7, 12):
        code = f"1C354.c.{n}"
        derived(code, "pp", f"{AG}/pp-{slug(eu_name(eu[code]))}", code, f"{AG}/pp-fungi", section="pp:Fungi",
                extra="; the notation is the EU code because the AG's own number was not read")
    # biological equipment 2B352.e-.j; chemical equipment 2B350.a-.i, 2B351
    for letter in "efghij":
        code = f"2B352.{letter}"
        derived(code, "dbe", f"{AG}/dbe-{slug(eu_name(eu[code]))}", code, cat["dbe"], section="dbe",
                extra="; the notation is the EU code because the AG's own number was not read")
    for letter in "abcdefghi":
        code = f"2B350.{letter}"
        derived(code, "dce", f"{AG}/dce-{code.lower()}", code, cat["dce"], section="dce",
                extra="; the notation is the EU code because the AG's own number was not read")
    derived("2B351", "dce", f"{AG}/dce-2b351", "2B351", cat["dce"], section="dce",
            extra="; the notation is the EU code because the AG's own number was not read")

    ids = {r[0] for r in rows}
    verified = {r[0] for r in rows if not r[10]}
    # ------------------------------------------------------------------ correspondences
    links = []
    for code, (rid, cas) in sorted(cwp_cas.items(), key=lambda x: int(x[0].split(".")[1])):
        if f"{EU}/{code}" not in eu_ids:
            continue
        pointer = eu[code].upper().startswith("SEE MILITARY")
        links.append([f"link/regime/ag/eu/{code}", f"{EU}/{code}", rid, "related" if pointer else "exact", "derived-from-implementation", "medium",
                      (f"Same CAS number ({cas}); the EU line only points to its military list for this chemical." if pointer else
                       f"Same CAS number ({cas}): a CAS number names one substance, so a shared number is a strong match; the AG item itself is known here only from this EU line.")])
        stats["links EU 1C350 -> AG by CAS"] += 1
    # pathogens and toxins by name, section by section (never by sub-item number)
    eu_secs = {"hap:Viruses": "1C351.a", "hap:Bacteria": "1C351.c", "hap:Toxins": "1C351.d", "hap:Fungi": "1C351.e",
               "pp:Viruses": "1C354.a", "pp:Bacteria": "1C354.b", "pp:Fungi": "1C354.c"}
    us_secs = {"hap:Viruses": "1C351.a", "hap:Bacteria": "1C351.c", "hap:Toxins": "1C351.d", "hap:Fungi": "1C351.e",
               "pp:Bacteria": "1C354.a", "pp:Fungi": "1C354.b", "pp:Viruses": "1C354.c"}
    unmatched = []

    def match(section, label):
        cands = {key(n): rid for n, rid in names.get(section, [])}
        k = key(label)
        if k in cands:
            return cands[k]
        best = difflib.get_close_matches(k, list(cands), n=1, cutoff=0.85)
        if best:
            return cands[best[0]]
        # one name is the other with more words (e.g. "Xanthomonas oryzae" / "... pv. oryzae"): a close match only
        pre = [c for c in cands if len(min(c, k, key=len).split()) >= 2 and (c.startswith(k + " ") or k.startswith(c + " "))]
        return (cands[pre[0]], "close") if len(pre) == 1 else None

    for section, prefix in eu_secs.items():
        for code in sorted(c for c in eu if re.fullmatch(re.escape(prefix) + r"\.\d+", c)):
            if eu[code].startswith("Not used") or f"{EU}/{code}" not in eu_ids:
                continue
            rid = match(section, eu_name(eu[code]))
            if not rid:
                unmatched.append(f"EU {code} {eu_name(eu[code])}")
                continue
            rid, mt = rid if isinstance(rid, tuple) else (rid, "exact")
            ver = rid in verified
            links.append([f"link/regime/ag/eu/{code}", f"{EU}/{code}", rid, mt, "manual" if ver else "derived-from-implementation",
                          "high" if ver else "medium", "Same agent, matched by name (not by sub-item number)."])
            stats["links EU pathogens -> AG by name"] += 1
    for section, prefix in us_secs.items():
        for uid, r in sorted(us_rows.items()):
            code = r[1]
            if not re.fullmatch(re.escape(prefix) + r"\.\d+", code):
                continue
            rid = match(section, r[2])
            if not rid:
                unmatched.append(f"US {code} {r[2][:60]}")
                continue
            rid, mt = rid if isinstance(rid, tuple) else (rid, "exact")
            links.append([f"link/regime/ag/us/{code}", uid, rid, mt, "manual", "high" if rid in verified else "medium",
                          "Same agent, matched by name (not by sub-item number: the US and EU numberings differ)."])
            stats["links US pathogens -> AG by name"] += 1
    # equipment by heading
    for letter in "abcdefghij":
        code = f"2B352.{letter}"
        tgt = {"a": f"{AG}/dbe-1", "b": f"{AG}/dbe-2", "c": f"{AG}/dbe-3", "d": f"{AG}/dbe-4"}.get(letter) or f"{AG}/dbe-{slug(eu_name(eu[code]))}"
        if f"{EU}/{code}" in eu_ids:
            ver = tgt in verified
            links.append([f"link/regime/ag/eu/{code}", f"{EU}/{code}", tgt, "close" if ver else "exact", "manual" if ver else "derived-from-implementation",
                          "high" if ver else "medium", "Same kind of equipment, headings compared; parameters not compared one by one." if ver else
                          "The AG item is known here only from this EU line."])
            stats["links EU equipment -> AG"] += 1
    for code in [f"2B350.{x}" for x in "abcdefghi"] + ["2B351"]:
        if f"{EU}/{code}" in eu_ids:
            links.append([f"link/regime/ag/eu/{code}", f"{EU}/{code}", f"{AG}/dce-{code.lower()}", "exact", "derived-from-implementation", "medium",
                          "The AG item is known here only from this EU line."])
            stats["links EU equipment -> AG"] += 1
    # five-character entries to the AG list headings
    heads = [("eu", EU, "1C350", "cwp", "close"), ("eu", EU, "1C351", "hap", "close"), ("eu", EU, "1C354", "pp", "close"),
             ("eu", EU, "2B350", "dce", "broad"), ("eu", EU, "2B352", "dbe", "close"),
             ("us", US, "1C350", "cwp", "close"), ("us", US, "1C351", "hap", "close"), ("us", US, "1C354", "pp", "narrow"),
             ("us", US, "2B350", "dce", "broad"), ("us", US, "2B352", "dbe", "close")]
    notes = {"close": "Both cover the same AG list; headings compared, the national entry may word or split items differently.",
             "broad": "The national entry covers part of the AG list (the AG list heading is broader: it also covers other equipment, technology and software).",
             "narrow": "The US entry also lists pathogens that are not on the AG list (APHIS select agents), so the AG list is narrower."}
    for pre, ed, code, lst, mt in heads:
        links.append([f"link/regime/ag/{pre}/{code}", f"{ed}/{code}", cat[lst], mt, "manual", "medium", notes[mt]])
        stats["links entry -> AG list heading"] += 1
    links.sort()
    for rid in [link[2] for link in links]:
        assert rid in ids or rid in cat.values(), rid
    rows.sort(key=lambda r: r[0])
    header = "GENERATED by scripts/import_regime_ag_cwc.py from scripts/curated/ag-verified.csv and eu-annex-i/annex.json; do not edit"
    write_yaml(out_dir / "regime-ag.yaml", header, sources=AG_SOURCES[:-1], tables=[
        {"type": "ControlEntry", "source": SRC_AG, "columns": ["id", "skos:notation", "skos:prefLabel@en", "skos:inScheme", "skos:broader"],
         "rows": sorted(sec_rows)},
        {"type": "ControlEntry", "source": SRC_AG,
         "columns": ["id", "skos:notation", "skos:prefLabel@en", "skos:inScheme", "skos:broader", "eg:casNumber", "eg:goodsCategory",
                     "eg:officialText", "eg:derivation@en", "eg:note@en", "unverified", "source", "locator"], "rows": rows},
        {"type": "Correspondence", "source": SRC_LINKS,
         "columns": ["id", "eg:correspondenceOf", "eg:correspondsTo", "eg:matchType", "eg:matchMethod", "eg:confidence", "eg:note@en"], "rows": links},
    ], comments=["Counts: " + "; ".join(f"{k}: {v}" for k, v in sorted(stats.items())),
                 "Items marked unverified are known only from the EU implementation (eg:derivation says which Annex I line) or from an older AG list.",
                 "Not matched by name (no AG counterpart found): " + (", ".join(unmatched) or "none")])
    return stats


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    reference, out_dir = Path(args.reference), Path(args.out)
    eu = eu_lines(reference)
    eu_ids = set(load_rows(out_dir / "eu-annex-i.yaml"))
    us_rows = load_rows(out_dir / "us-ccl.yaml")
    for k, v in sorted(build_cwc(out_dir, eu, eu_ids).items()):
        print(f"cwc {k}: {v}")
    for k, v in sorted(build_ag(out_dir, eu, eu_ids, us_rows).items()):
        print(f"ag {k}: {v}")


if __name__ == "__main__":
    main()
