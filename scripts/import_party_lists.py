#!/usr/bin/env python3
"""Generate the party-list files data/lists/parties-{us,cn,jp}.yaml: one Party per real party, one
Listing per list entry.

Reads the snapshots under /work/shared/reference (see SOURCES.md there):

  us-lists/bis_entity_list.json   US Entity List (15 CFR 744 Supp. 4), 3,409 entries
  us-lists/bis_dpl.json           US Denied Persons List, 564 entries
  us-lists/bis_meu.json           US Military End-User List (15 CFR 744 Supp. 7), 70 entries
  cn-lists/sources/sanction-lists/unrealiable-entity-list/*.y*ml     MOFCOM UEL announcements
  cn-lists/sources/sanction-lists/import-export-control-list/*.yml   MOFCOM 管控名单 announcements
  jp-lists/sources/sanction-lists/foreign-user-list/20250929.yml     METI End User List, 835 entries

and the curated tables scripts/curated/party-merges.csv (which list entries are one party, and why)
and scripts/curated/party-splits.csv (entries that look alike but are different parties).
Run:  python scripts/import_party_lists.py [--ref DIR] [--out DIR] [--refresh-curated]

Every entry of every list becomes a Listing (eg:onList, eg:listedParty, eg:listingDate with
eg:datePrecision, eg:legalBasisText, eg:licenceRequirement). Entries are joined into one Party by the
pairs of party-merges.csv only: --refresh-curated rewrites the automatic pairs of that file (rules in
scripts/README-parties.md) and keeps its hand-checked rows; a normal run prints the automatic pairs
that the file does not hold, so that a new snapshot's candidates are reviewed, not merged silently.

Corrections of known snapshot defects (SOURCES.md) are made here, in code, and
are listed in scripts/README-parties.md:
  * the 28 entries of MOFCOM Announcement 2025 No. 1 (2025-01-02) are labelled
    反制裁清单 in the snapshot; the announcement lists them on the export-control
    control list (出口管制管控名单), which is where they are put;
  * the US Entity List snapshot has no effective dates: the listing date is the date of the
    first Federal Register citation of the entry (publication date, as the list prints it);
  * aliases of the US snapshot that carry an address (the parser ran the a.k.a. and the address
    together) are split into name and address;
  * the snapshot URL of UEL Announcement 2023 No. 1 is a placeholder
    (art_123456.html): it is not used; the record cites the dataset and is
    marked as checked against a secondary source only;
  * UEL 〔2024〕3号 (start of an investigation of PVH) and 〔2025〕6号 (measures on
    Illumina, listed by 〔2025〕4号) are not listings and are left out;
  * the METI file fefta-list/20250131.yml (mixes measures) is not read.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import difflib
import glob
import hashlib
import json
import os
import re
import unicodedata

import yaml

REF = "/work/shared/reference"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "lists")

# --------------------------------------------------------------------------- helpers

COUNTRY_ISO = {
    "Afghanistan": "AF", "Argentina": "AR", "Armenia": "AM", "Australia": "AU", "Austria": "AT",
    "Bahrain": "BH", "Belarus": "BY", "Belgium": "BE", "Belize": "BZ", "Bolivia": "BO",
    "Brazil": "BR", "Bulgaria": "BG", "Burma": "MM", "Canada": "CA", "Chile": "CL", "China": "CN",
    "Costa Rica": "CR", "Crimea Region of Ukraine": "UA", "Cuba": "CU", "Cyprus": "CY",
    "Denmark": "DK", "Ecuador": "EC", "Egypt": "EG", "Estonia": "EE", "Finland": "FI",
    "France": "FR", "Georgia": "GE", "Germany": "DE", "Greece": "GR", "Hungary": "HU",
    "India": "IN", "Indonesia": "ID", "Iran": "IR", "Iraq": "IQ", "Ireland": "IE", "Israel": "IL",
    "Italy": "IT", "Jamaica": "JM", "Japan": "JP", "Jordan": "JO", "Kazakhstan": "KZ",
    "Kenya": "KE", "Kyrgyzstan": "KG", "Laos": "LA", "Latvia": "LV", "Lebanon": "LB",
    "Libya": "LY", "Liechtenstein": "LI", "Lithuania": "LT", "Luxembourg": "LU",
    "Madagascar": "MG", "Malaysia": "MY", "Malta": "MT", "Mexico": "MX", "Morocco": "MA",
    "Netherlands": "NL", "New Zealand": "NZ", "Nicaragua": "NI", "North Macedonia": "MK",
    "Norway": "NO", "Oman": "OM", "Pakistan": "PK", "Panama": "PA", "Paraguay": "PY",
    "Peru": "PE", "Philippines": "PH", "Poland": "PL", "Portugal": "PT", "Qatar": "QA",
    "Romania": "RO", "Russia": "RU", "Saudi Arabia": "SA", "Senegal": "SN", "Singapore": "SG",
    "Slovakia": "SK", "South Africa": "ZA", "South Korea": "KR", "South Sudan": "SS",
    "Spain": "ES", "Sri Lanka": "LK", "Sweden": "SE", "Switzerland": "CH", "Syria": "SY",
    "Taiwan": "TW", "Thailand": "TH", "Turkey": "TR", "Uganda": "UG", "Ukraine": "UA",
    "United Arab Emirates": "AE", "United Kingdom": "GB", "United States": "US",
    "Uzbekistan": "UZ", "Venezuela": "VE", "Vietnam": "VN",
}


def slugify(text: str, maxlen: int = 60) -> str:
    t = unicodedata.normalize("NFKD", text)
    t = t.encode("ascii", "ignore").decode("ascii").lower()
    t = re.sub(r"[^a-z0-9]+", "-", t).strip("-")
    if len(t) > maxlen:
        t = t[:maxlen].rstrip("-")
    return t


def short_hash(*parts: str, n: int = 8) -> str:
    return hashlib.sha1("|".join(p or "" for p in parts).encode("utf-8")).hexdigest()[:n]


def assign_slugs(keys: list[tuple[str, str]]) -> list[str]:
    """keys: (name, disambiguator). Slug of the name; where two entries of one list share a
    slug, every one of them gets a hash of name+disambiguator appended, so ids do not
    depend on the order of the snapshot."""
    base = []
    for name, _extra in keys:
        s = slugify(name)
        base.append(s if s else "h-" + short_hash(name))
    counts: dict[str, int] = {}
    for s in base:
        counts[s] = counts.get(s, 0) + 1
    out, seen = [], set()
    for (name, extra), s in zip(keys, base):
        if counts[s] > 1:
            s = f"{s}-{short_hash(name, extra)}"
        n, s0 = 2, s
        while s in seen:  # identical name and disambiguator: keep ids unique
            s, n = f"{s0}-{n}", n + 1
        seen.add(s)
        out.append(s)
    return out


def latin(s: str) -> bool:
    """True if every letter of s is Latin (so that an English tag is not wrong by script)."""
    for ch in s:
        if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN"):
            return False
    return True


def clean(s):
    if s is None:
        return None
    s = re.sub(r"\s+", " ", str(s)).strip()
    return s or None


class Dumper(yaml.SafeDumper):
    pass


def _str(dumper, data):
    style = None
    if "\n" in data:
        style = "|"
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


Dumper.add_representer(str, _str)


DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def as_dates(x):
    """ISO date strings -> datetime.date, so that YAML writes them as plain dates."""
    if isinstance(x, dict):
        return {k: as_dates(v) for k, v in x.items()}
    if isinstance(x, list):
        return [as_dates(v) for v in x]
    if isinstance(x, str) and DATE_RE.match(x):
        return datetime.date.fromisoformat(x)
    return x


def write(path: str, header: str, doc: dict) -> None:
    doc = as_dates(doc)
    with open(path, "w", encoding="utf-8") as f:
        f.write(header.rstrip() + "\n")
        yaml.dump(doc, f, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=200,
                  default_flow_style=None)


# --------------------------------------------------------------------------- US

US_DATASET = {
    "id": "src/dataset/nsfreg-us-party-lists",
    "title": {"en": "US party lists snapshot (phagehunter/nsfreg @ 02787e8): BIS Entity List, Denied Persons List, Military End-User List"},
    "url": "https://github.com/phagehunter/nsfreg",
    "issued": "2026-07-09",
    "publisher": {"en": "phagehunter/nsfreg (GitHub)"},
    "kind": "dataset",
    "language": "en",
}


def build_us(ref: str) -> dict:
    sources = [
        {
            "id": "src/us/ecfr-744-supp4-entity-list",
            "title": {"en": "15 CFR Part 744, Supplement No. 4 - Entity List (eCFR, current)"},
            "url": "https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-744#Supplement-No.-4-to-Part-744",
            "publisher": {"en": "Office of the Federal Register (eCFR); Bureau of Industry and Security"},
            "kind": "primary",
            "language": "en",
        },
        {
            "id": "src/us/ecfr-744-supp7-meu-list",
            "title": {"en": "15 CFR Part 744, Supplement No. 7 - 'Military End-User' (MEU) List (eCFR, current)"},
            "url": "https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-744/appendix-Supplement%20No.%207%20to%20Part%20744",
            "publisher": {"en": "Office of the Federal Register (eCFR); Bureau of Industry and Security"},
            "kind": "primary",
            "language": "en",
        },
        {
            "id": "src/us/bis-denied-persons-list",
            "title": {"en": "Denied Persons List (BIS)"},
            "url": "https://www.bis.gov/licensing/end-user-guidance/denied-persons-list-dpl",
            "publisher": {"en": "Bureau of Industry and Security"},
            "kind": "official",
            "language": "en",
        },
        US_DATASET,
    ]
    records = [
        {
            "id": "us/list/entity-list",
            "type": "PartyList",
            "source": "src/us/ecfr-744-supp4-entity-list",
            "rdfs:label": {"en": "Entity List"},
            "skos:prefLabel": {"en": "Entity List (Supplement No. 4 to Part 744 of the EAR)"},
            "eg:jurisdiction": "us",
            "eg:maintainedBy": ["us/agency/bis", "us/agency/eurc"],
            "eg:establishedBy": "us/rule/ear",
            "eg:officialText": sources[0]["url"],
            "eg:description": {"en": "Foreign parties for which the EAR impose licence requirements beyond those of the Commerce Control List, added and removed by the End-User Review Committee through Federal Register rules."},
        },
        {
            "id": "us/list/meu",
            "type": "PartyList",
            "source": "src/us/ecfr-744-supp7-meu-list",
            "rdfs:label": {"en": "Military End-User List"},
            "skos:prefLabel": {"en": "'Military End-User' (MEU) List (Supplement No. 7 to Part 744 of the EAR)"},
            "eg:jurisdiction": "us",
            "eg:maintainedBy": ["us/agency/bis", "us/agency/eurc"],
            "eg:establishedBy": "us/rule/ear",
            "eg:officialText": sources[1]["url"],
            "eg:description": {"en": "Parties that BIS has determined to be military end users, for which the military end-use and end-user licence requirement of the EAR applies."},
        },
        {
            "id": "us/list/dpl",
            "type": "PartyList",
            "source": "src/us/bis-denied-persons-list",
            "rdfs:label": {"en": "Denied Persons List"},
            "eg:jurisdiction": "us",
            "eg:maintainedBy": "us/agency/bis",
            "eg:establishedBy": "us/rule/ear",
            "eg:officialText": sources[2]["url"],
            "eg:description": {"en": "Persons whose export privileges BIS has denied by order, each for the period of its denial order."},
        },
    ]
    specs = [
        ("us-entity-list", "us/list/entity-list", "bis_entity_list.json", "src/us/ecfr-744-supp4-entity-list"),
        ("us-dpl", "us/list/dpl", "bis_dpl.json", "src/us/bis-denied-persons-list"),
        ("us-meu", "us/list/meu", "bis_meu.json", "src/us/ecfr-744-supp7-meu-list"),
    ]
    entries = []
    for key, list_id, fname, src in specs:
        data = json.load(open(os.path.join(ref, "us-lists", fname), encoding="utf-8"))
        ents = data["entities"]
        assert len(ents) == data["count"], fname
        slugs = assign_slugs([(e["name"], f"{e.get('country')}|{e.get('address')}") for e in ents])
        for n, (e, slug) in enumerate(zip(ents, slugs), start=1):
            name = clean(e["name"])
            iso = COUNTRY_ISO.get(e.get("country") or "")
            if e.get("country") and not iso:
                raise SystemExit(f"no ISO code for {e['country']!r}")
            address = [clean(e.get("address"))] if clean(e.get("address")) else []
            aliases = []
            for a in e.get("aliases") or []:
                a, addr = split_alias(clean(a) or "", bool(address))
                if addr:
                    address.append(addr)
                if a and latin(a):
                    aliases.append(a)
            fr = clean(e.get("federal_register"))
            if key == "us-dpl":
                date, precision = e.get("effective_date"), None
                basis = f"Denial order effective {date}; Federal Register: {fr}" if fr else f"Denial order effective {date}"
                licence = None
            else:
                date, precision, first = fr_listing_date(fr)
                basis = f"Federal Register: {fr}" if fr else None
                licence = clean(e.get("notes")) if key == "us-entity-list" else None
            entries.append({
                "lid": f"listing/{key}/{n}", "list": list_id, "lkey": key, "file": "us", "row": n,
                "old_pid": f"party/{key}/{slug}", "en": name, "zh": None, "ja": None, "aliases": aliases,
                "country": iso, "kind": None, "address": address, "date": date, "precision": precision,
                "basis": basis, "licence": licence, "locator": f"{fname} entry {n}", "fr_first": fr_first(fr),
                "srcs": [src, US_DATASET["id"]], "verification": None,
            })
    # An undated first citation: the day of its Federal Register issue when the pages of other, dated
    # citations of the same volume bracket it with one date (an issue's pages are consecutive).
    known = sorted({(e["fr_first"][0], e["fr_first"][1], e["date"]) for e in entries
                    if e["fr_first"] and e["date"] and not e["precision"] and e["lkey"] != "us-dpl"})
    for e in entries:
        if e["precision"] == "year" and e["fr_first"]:
            vol, page = e["fr_first"]
            lo = [k for k in known if k[0] == vol and k[1] <= page]
            hi = [k for k in known if k[0] == vol and k[1] >= page]
            if lo and hi and lo[-1][2] == hi[0][2]:
                e["date"], e["precision"] = lo[-1][2], None
                e["basis"] += (f" (date of the issue: other entries cite {vol} FR {page} with this date)" if lo[-1][1] == hi[0][1] == page
                               else f" (date of the issue: the dated citations {vol} FR {lo[-1][1]} and {vol} FR {hi[0][1]} bracket the page)")
    return {"sources": sources, "records": records}, entries


FR_CIT = re.compile(r"(\d+)\s*F\.?\s*R\.?\s*(?:[^\d,;]{0,40}?)(\d+)")
FR_CIT_DATE = re.compile(r"(\d+)\s*F\.?\s*R\.?\s+(\d+)[^/]{0,40}?(\d{1,2})/(\d{1,2})/(\d{2,4})")


def fr_first(fr):
    """(volume, page) of the first Federal Register citation of an entry, or None."""
    m = FR_CIT.search(fr or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


def fr_listing_date(fr):
    """Date of the first (earliest) dated Federal Register citation, as the list prints it next to
    the citation (the publication date of the rule). The year must be the volume's (volume = year
    - 1935); an undated citation gives the year only (precision 'year'). -> (date, precision, (vol, page))"""
    if not fr:
        return None, None, None
    best = None
    for m in FR_CIT_DATE.finditer(fr):
        vol, page, mo, dy, yr = (int(x) for x in m.groups())
        yr = yr + (2000 if yr < 50 else 1900) if yr < 100 else yr
        try:
            d = datetime.date(yr, mo, dy)
        except ValueError:
            continue
        if yr != vol + 1935:
            continue  # a date that is not the citation's volume year: not trusted
        if best is None or d < best[0]:
            best = (d, vol, page)
    if best:
        return best[0].isoformat(), None, (best[1], best[2])
    first = fr_first(fr)
    if first and 1936 <= first[0] + 1935 <= 2100:
        return f"{first[0] + 1935}-01-01", "year", first
    return None, None, None


COUNTRY_TAIL = re.compile(r"(?:,|\.)\s*(?:" + "|".join(re.escape(k) for k in sorted(COUNTRY_ISO, key=len, reverse=True))
                          + r"|Hong Kong|U\.A\.E|UAE|England)\.?(?:\s*\d{4,6})?\)?\.?$")


def split_alias(alias: str, has_address: bool):
    """The US snapshot runs some a.k.a. names and their address together ("X. 5 Dzerzhinsky Ave.,
    Minsk, 220036, Belarus"). Split them at the first '. ' or ', ' when the text ends with a country;
    a short text that is only a place ("Rabat, Morocco") is an address. -> (alias or None, address or None)"""
    if not alias or not COUNTRY_TAIL.search(alias):
        return alias, None
    if len(alias.split()) <= 3:
        return None, alias
    seps = list(re.finditer(r"[.,]\s+(?=\S)", alias))
    m = next((x for x in seps if alias[x.end()].isdigit()), None)
    if m is None:
        m = next((x for x in seps if alias[x.start()] == "."
                  and not re.search(r"\b(?:Co|Ltd|Inc|Corp|St|No|Pvt|Mr|Dr|[A-Z])$", alias[:x.start()])), None)
    if m is None:
        m = next((x for x in seps if alias[x.start()] == ","), None)
    if m is None:
        return None, alias
    name, addr = alias[:m.start()].strip(" .,"), alias[m.end():].strip()
    return (name or None), (addr or None)
# --------------------------------------------------------------------------- China

CN_DATASET = {
    "id": "src/dataset/ammitto-data-cn",
    "title": {"en": "China sanction and export-control list announcements, structured (ammitto/data-cn @ 519d49c)"},
    "url": "https://github.com/ammitto/data-cn",
    "issued": "2026-02-24",
    "publisher": {"en": "ammitto (GitHub)"},
    "kind": "dataset",
    "language": "zh",
}

REGISTER_ID = "src/dataset/china-export-control-register"  # defined in data/core/instruments-cn.yaml

# placeholder URL in the snapshot (SOURCES.md: check against the official text)
CN_BAD_URLS = {"https://www.mofcom.gov.cn/zwgk/zcfb/art/2023/art_123456.html"}
# not listings: 〔2024〕3号 opens an investigation; 〔2025〕6号 sets measures on a party listed by 〔2025〕4号
CN_SKIP = {("uel", "〔2024〕3号"), ("uel", "〔2025〕6号")}


def cn_country(title_zh: str):
    if "美国" in title_zh:
        return "US"
    if "台湾地区" in title_zh:
        return "TW"
    if "日本" in title_zh:
        return "JP"
    return None  # e.g. 〔2025〕10号 ("外国实体"): the announcement gives no country per entity


def build_cn(ref: str) -> dict:
    base = os.path.join(ref, "cn-lists", "sources", "sanction-lists")
    files = [("uel", f) for f in sorted(glob.glob(os.path.join(base, "unrealiable-entity-list", "*.y*ml")))]
    files += [("ecl", f) for f in sorted(glob.glob(os.path.join(base, "import-export-control-list", "*.y*ml")))]
    sources = [CN_DATASET]
    records = [
        {
            "id": "cn/list/unreliable-entity-list",
            "type": "PartyList",
            "source": "src/cn/mofcom/uel-provisions-2020",  # defined in data/core/instruments-cn.yaml,
            "rdfs:label": {"zh": "不可靠实体清单", "en": "Unreliable Entity List"},
            "eg:jurisdiction": "cn",
            "eg:maintainedBy": "cn/agency/mofcom",
            "eg:establishedBy": "cn/rule/unreliable-entity-list-provisions",
            "eg:description": {"en": "Foreign entities designated by the Unreliable Entity List working mechanism (housed in MOFCOM) under the 2020 Provisions; measures are set per announcement (for example bans on China-related import and export, on new investment, on entry of senior managers, fines). A list distinct from the export-control control list."},
        },
        {
            "id": "cn/list/export-control-control-list",
            "type": "PartyList",
            "source": "src/cn/mofcom-2025-1-control-list",
            "rdfs:label": {"zh": "出口管制管控名单", "en": "Export Control Control List"},
            "skos:altLabel": {"en": "list of importers and end users subject to control (export-control watch list)"},
            "eg:jurisdiction": "cn",
            "eg:maintainedBy": "cn/agency/mofcom",
            "eg:establishedBy": "cn/law/export-control-law",
            "eg:description": {"en": "Importers and end users listed by MOFCOM under the Export Control Law and the 2024 Dual-use Items Export Control Regulations; exports of dual-use items to them are prohibited unless MOFCOM grants an exception on application."},
        },
    ]
    entries = []
    seen_src = set()
    for kind, path in files:
        doc = yaml.safe_load(open(path, encoding="utf-8"))
        ann = doc["announcement"]
        docid = str(ann.get("document_id"))
        if (kind, docid) in CN_SKIP:
            continue
        title = ann["title"][0]
        date = str(ann["publish_date"])
        year = date[:4]
        num = re.search(r"(\d+)号", docid).group(1)
        if kind == "uel":
            src_id = f"src/cn/uel-working-mechanism-{year}-{num}"
            basis = f"不可靠实体清单工作机制公告 {docid} ({date})"
            list_id = "cn/list/unreliable-entity-list"
            key = "cn-uel"
            publisher = {"zh": "不可靠实体清单工作机制（商务部）", "en": "Unreliable Entity List working mechanism (MOFCOM)"}
        else:
            src_id = f"src/cn/mofcom-{year}-{num}-control-list"
            basis = f"商务部公告{year}年第{num}号 ({date})"
            list_id = "cn/list/export-control-control-list"
            key = "cn-control-list"
            publisher = {"zh": "商务部", "en": "Ministry of Commerce (MOFCOM)"}
        url = ann.get("url")
        verified = url and url not in CN_BAD_URLS
        if verified and src_id not in seen_src:
            seen_src.add(src_id)
            sources.append({
                "id": src_id,
                "title": {"zh": title["zh-Hans"], "en": title.get("en")},
                "url": url,
                "issued": date,
                "publisher": publisher,
                "kind": "primary",
                "language": "zh",
            })
        if kind == "ecl" and year == "2025" and num == "1":
            records[1]["source"] = src_id
        country = cn_country(title["zh-Hans"])
        ents = doc["sanction_details"]["entities"]
        slugs = assign_slugs([(e["name"].get("en") or "", e["name"].get("zh-Hans") or "") for e in ents])
        srcs = [src_id, CN_DATASET["id"]] if verified else [CN_DATASET["id"]]
        for k, (e, slug) in enumerate(zip(ents, slugs), start=1):
            # DEFECT (SOURCES.md): 2025 No. 1 entries carry sanction_list 反制裁清单 in the snapshot;
            # the announcement lists them on the 出口管制管控名单, and so do we.
            lst = e.get("sanction_list")
            if kind == "ecl":
                assert lst in ("出口管制管控名单", "反制裁清单"), (path, lst)
            else:
                assert lst == "不可靠实体清单", (path, lst)
            entries.append({
                "lid": f"listing/{key}/{year}-{num}-{k}", "list": list_id, "lkey": key, "file": "cn", "row": k,
                "old_pid": f"party/{key}/{slug}", "en": clean(e["name"].get("en")), "zh": clean(e["name"].get("zh-Hans")),
                "ja": None, "aliases": [], "country": country,
                "kind": {"organization": "organisation", "person": "person"}.get(e.get("type")), "address": [],
                "date": str(e.get("effective_date") or date), "precision": None, "basis": basis, "licence": None,
                "locator": None, "fr_first": None, "srcs": srcs, "verification": None if verified else "secondary",
            })
    # Control-list announcements after the data-cn snapshot (2026-02-24), from the derived register
    # us-ccl/china-export-control.derived.json: English names only, hand-transcribed there;
    # each cites the MOFCOM URL that the register gives, and is marked unverified.
    reg = json.load(open(os.path.join(ref, "us-ccl", "china-export-control.derived.json"), encoding="utf-8"))
    reg_country = {"2026-23": "US", "2026-27": "JP"}  # "U.S. entities", "Japanese entities"; EU ones: no single country
    for a in reg["ANNOUNCEMENTS"]:
        if a.get("designationList") != "control-list" or not a.get("namedEntitiesComplete"):
            continue
        year, num = a["id"].split("-")
        src_id = f"src/cn/mofcom-{year}-{num}-control-list"
        sources.append({
            "id": src_id,
            "title": {"en": f"MOFCOM Announcement No. {num} of {year}: {a['subject']}"},
            "url": a["source"],
            "issued": a["date"],
            "publisher": {"zh": "商务部", "en": "Ministry of Commerce (MOFCOM)"},
            "kind": "primary",
            "language": "zh",
        })
        names = a["knownNamedEntities"]
        slugs = assign_slugs([(n, "") for n in names])
        for k, (name, slug) in enumerate(zip(names, slugs), start=1):
            entries.append({
                "lid": f"listing/cn-control-list/{year}-{num}-{k}", "list": "cn/list/export-control-control-list",
                "lkey": "cn-control-list", "file": "cn", "row": k, "old_pid": f"party/cn-control-list/{slug}",
                "en": clean(name), "zh": None, "ja": None, "aliases": [], "country": reg_country.get(a["id"]),
                "kind": None, "address": [], "date": a.get("effectiveFrom") or a["date"], "precision": None,
                "basis": f"商务部公告{year}年第{num}号 ({a['date']})", "licence": None, "locator": None,
                "fr_first": None, "srcs": [src_id, REGISTER_ID], "verification": "unverified",
            })
    return {"sources": sources, "records": records}, entries


# --------------------------------------------------------------------------- Japan

JP_DATASET = {
    "id": "src/dataset/ammitto-data-jp",
    "title": {"en": "Japan export-control lists, structured (ammitto/data-jp @ d529065)"},
    "url": "https://github.com/ammitto/data-jp",
    "issued": "2025-09-29",
    "publisher": {"en": "ammitto (GitHub)"},
    "kind": "dataset",
    "language": "ja",
}


def build_jp(ref: str) -> dict:
    path = os.path.join(ref, "jp-lists", "sources", "sanction-lists", "foreign-user-list", "20250929.yml")
    doc = yaml.safe_load(open(path, encoding="utf-8"))
    ann = doc["announcement"]
    assert str(ann["publish_date"]) == "2025-09-29"
    src = {
        "id": "src/jp/meti-end-user-list-2025-09-29",
        "title": {"ja": "外国ユーザーリスト（2025年9月29日）", "en": "End User List (METI), edition of 2025-09-29"},
        "url": ann["source_url"],
        "issued": "2025-09-29",
        "publisher": {"ja": "経済産業省", "en": "Ministry of Economy, Trade and Industry (METI)"},
        "kind": "primary",
        "language": "ja",
    }
    page = {
        "id": "src/jp/meti-anpo-page",
        "title": {"ja": "安全保障貿易管理（経済産業省）", "en": "Security Export Control (METI web page)"},
        "url": ann["url"],
        "publisher": {"ja": "経済産業省", "en": "METI"},
        "kind": "official",
        "language": "ja",
    }
    records = [{
        "id": "jp/list/end-user-list",
        "type": "PartyList",
        "source": [src["id"], page["id"]],
        "rdfs:label": {"ja": "外国ユーザーリスト", "en": "End User List"},
        "eg:jurisdiction": "jp",
        "eg:maintainedBy": "jp/agency/meti",
        "eg:officialText": src["url"],
        "eg:description": {"en": "Foreign entities of concern for the development of weapons of mass destruction or conventional weapons that METI publishes to support exporters' catch-all checks; an export to a listed entity needs a licence unless it is clear that the goods will not be used for such purposes."},
    }]
    ents = doc["sanction_details"]["entities"]
    slugs = assign_slugs([(e["name"].get("en") or e["name"].get("ja") or "", e.get("country_code") or "") for e in ents])
    entries = []
    for e, slug in zip(ents, slugs):
        n = int(e["id"].rsplit(".", 1)[1])
        assert str(e.get("effective_date")) == "2025-09-29"  # the edition date, not a date of listing
        entries.append({
            "lid": f"listing/jp-end-user-list/{n}", "list": "jp/list/end-user-list", "lkey": "jp-end-user-list",
            "file": "jp", "row": n, "old_pid": f"party/jp-end-user-list/{slug}", "en": clean(e["name"].get("en")),
            "zh": None, "ja": clean(e["name"].get("ja")),
            "aliases": [clean(a) for a in (e.get("aliases") or []) if clean(a) and latin(a)],
            "country": e.get("country_code"), "kind": {"organization": "organisation", "person": "person"}.get(e.get("type")),
            "address": [], "date": None, "precision": None,
            "basis": f"METI End User List (外国ユーザーリスト), edition of 2025-09-29, No. {n}", "licence": None,
            "locator": f"No. {n}", "fr_first": None, "srcs": [src["id"], JP_DATASET["id"]], "verification": None,
        })
    return {"sources": [src, page, JP_DATASET], "records": records}, entries


# --------------------------------------------------------------------------- names

# Legal-form words dropped from the end of a name before names are compared ("Co., Ltd.", "Corporation",
# "有限公司", "株式会社" ...). "Group", "Holdings" and a lone "Company" are kept: the lists name a group and
# its company, or a person and his company, as different parties ("Khalil Zadran" / "Khalil Zadran Company").
LEGAL_FORMS = [
    "co ltd", "company limited", "company ltd", "co limited", "co", "corp", "corporation", "inc", "incorporated",
    "llc", "l l c", "ltd", "limited", "plc", "gmbh", "ag", "sa", "s a", "srl", "s r l", "bv", "b v", "nv", "n v",
    "oy", "ab", "spa", "s p a", "pte", "pty", "pvt", "private", "kk", "k k", "jsc", "ojsc", "cjsc", "pjsc", "ooo",
    "zao", "oao", "llp", "fze", "fzco", "fzc", "fz llc", "fzllc", "sdn bhd", "bhd", "sarl", "sas", "sasu", "ltda",
    "limitada", "co inc", "s de rl de cv", "sa de cv", "de cv", "sociedad anonima", "aps", "a s", "as", "sro",
    "s r o", "kft", "doo", "d o o", "lda", "plc ltd",
]
_FORMS_RE = re.compile(r"(?:^|\s)(?:" + "|".join(re.escape(f) for f in sorted(LEGAL_FORMS, key=len, reverse=True)) + r")$")
CJK_FORMS = ["股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "集团公司", "株式会社", "有限会社", "合同会社", "公司"]
_ACRONYM_RE = re.compile(r"\s*\(([A-Z0-9][A-Z0-9&.\- ]{0,14}|[A-Z][A-Za-z]{1,12})\)\s*$")


def light(s: str | None) -> str:
    """Case, accents, punctuation and spacing only: the 'same text' of two names."""
    t = unicodedata.normalize("NFKC", s or "").casefold()
    t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    t = t.replace("&", " and ")
    return re.sub(r"[\W_]+", " ", t).strip()


def norm(s: str | None) -> str:
    """A name without its legal form, a trailing acronym in brackets ("(SMIC)") and a leading "the".
    Place names in brackets ("Huawei Device (Dongguan) Co., Ltd.") are kept: they name other companies."""
    t = unicodedata.normalize("NFKC", s or "").strip()
    t = _ACRONYM_RE.sub("", t) if not re.fullmatch(r"\([^)]*\)", t) else t
    for f in CJK_FORMS:
        if t.endswith(f) and len(t) > len(f) + 1:
            t = t[: -len(f)]
            break
    t = light(t)
    prev = None
    while prev != t:
        prev = t
        t = re.sub(r"^the\s+", "", t)
        t2 = _FORMS_RE.sub("", t).strip()
        t = t2 if t2 else t
    return t


# --------------------------------------------------------------------------- merging

LIST_ORDER = ["us-entity-list", "us-meu", "us-dpl", "jp-end-user-list", "cn-uel", "cn-control-list"]
REASONS = {
    "repeated-entry": "the same name on the same list with the same country or the same Federal Register citation (an entry repeated for several addresses or countries)",
    "same-name-country": "the same name after normalisation and the same country",
    "alias": "the name on one list is an alias on the other, same country",
    "hand-checked": "checked by hand",
}
CURATED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "curated")
MERGES_CSV = os.path.join(CURATED, "party-merges.csv")
SPLITS_CSV = os.path.join(CURATED, "party-splits.csv")
CSV_COLS = ["listing_a", "listing_b", "reason", "name_a", "name_b", "note"]


def entry_names(e) -> list[str]:
    return [n for n in [e["en"], e["zh"], e["ja"]] if n]


def auto_pairs(entries):
    """Candidate merges by rule and the same-list look-alikes that are split by rule.
    -> (merges {(a, b): reason}, splits {(a, b): reason})"""
    merges, splits = {}, {}

    def add(d, a, b, reason):
        k = tuple(sorted([a["lid"], b["lid"]], key=lid_key))
        d.setdefault(k, reason)
    by_list_name = {}
    for e in entries:
        by_list_name.setdefault((e["lkey"], light(e["en"] or e["ja"] or e["zh"])), []).append(e)
    for (_lkey, nm), group in by_list_name.items():
        if not nm:
            continue
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if a["country"] == b["country"] or (a["fr_first"] and a["fr_first"] == b["fr_first"]):
                    add(merges, a, b, "repeated-entry")
    by_norm = {}
    for e in entries:
        for n in {norm(x) for x in entry_names(e)}:
            if n:
                by_norm.setdefault((n, e["country"]), []).append(e)
    for (_n, country), group in sorted(by_norm.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if a["lid"] == b["lid"]:
                    continue
                if a["lkey"] == b["lkey"]:
                    if light(a["en"] or a["ja"] or a["zh"]) != light(b["en"] or b["ja"] or b["zh"]):
                        add(splits, a, b, f"separate entries of {a['list']}")
                elif country:
                    add(merges, a, b, "same-name-country")
    by_alias = {}
    for e in entries:
        for al in e["aliases"]:
            if norm(al):
                by_alias.setdefault((norm(al), e["country"]), []).append(e)
    for e in entries:
        if not e["country"]:
            continue
        for n in {norm(x) for x in entry_names(e)}:
            for b in by_alias.get((n, e["country"]), []):
                if b["lkey"] != e["lkey"]:
                    add(merges, e, b, "alias")
    return merges, splits


def lid_key(lid: str):
    parts = lid.split("/")
    return (LIST_ORDER.index(parts[1]) if parts[1] in LIST_ORDER else 99, [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", parts[2])])


def read_csv(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_COLS, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in CSV_COLS})


class Groups:
    def __init__(self, lids):
        self.up = {x: x for x in lids}
        self.members = {x: [x] for x in lids}

    def find(self, x):
        while self.up[x] != x:
            self.up[x] = self.up[self.up[x]]
            x = self.up[x]
        return x

    def union(self, a, b, split_set, by_lid=None):
        """Join the groups of a and b unless a split pair would end in one group, or (by_lid given:
        automatic merges) two differently named entries of one list would: the list itself keeps them
        apart, and only a hand-checked merge may join them."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        for x in self.members[ra]:
            for y in self.members[rb]:
                if (x, y) in split_set or (y, x) in split_set:
                    return False
                if by_lid is not None:
                    ex, ey = by_lid[x], by_lid[y]
                    if ex["lkey"] == ey["lkey"] and light(ex["en"] or ex["ja"]) != light(ey["en"] or ey["ja"]):
                        return False
        if lid_key(ra) > lid_key(rb):
            ra, rb = rb, ra
        self.up[rb] = ra
        self.members[ra] += self.members.pop(rb)
        return True


def resolve(entries, refresh: bool):
    """Apply party-merges.csv (vetoed by party-splits.csv) -> (groups of entries, merge rows used, report)."""
    by_lid = {e["lid"]: e for e in entries}
    auto_m, auto_s = auto_pairs(entries)
    merges, splits = read_csv(MERGES_CSV), read_csv(SPLITS_CSV)
    if refresh:
        known_s = {(r["listing_a"], r["listing_b"]) for r in splits}
        splits += [{"listing_a": a, "listing_b": b, "reason": r, "name_a": by_lid[a]["en"] or by_lid[a]["ja"],
                    "name_b": by_lid[b]["en"] or by_lid[b]["ja"]} for (a, b), r in sorted(auto_s.items(), key=lambda kv: (lid_key(kv[0][0]), lid_key(kv[0][1])))
                   if (a, b) not in known_s]
        hand = [r for r in merges if r["reason"] == "hand-checked"]
        merges = hand + [{"listing_a": a, "listing_b": b, "reason": r, "name_a": by_lid[a]["en"] or by_lid[a]["ja"],
                          "name_b": by_lid[b]["en"] or by_lid[b]["ja"]} for (a, b), r in auto_m.items()]
        merges.sort(key=lambda r: (list(REASONS).index(r["reason"]), lid_key(r["listing_a"]), lid_key(r["listing_b"])))
        write_csv(SPLITS_CSV, splits)
    split_set = {(r["listing_a"], r["listing_b"]) for r in splits}
    g = Groups([e["lid"] for e in entries])
    used, blocked, report = [], [], []
    for r in merges:
        a, b = r["listing_a"], r["listing_b"]
        if a not in by_lid or b not in by_lid:
            raise SystemExit(f"party-merges.csv: unknown listing {a if a not in by_lid else b}")
        for lid, nm in [(a, r["name_a"]), (b, r["name_b"])]:
            if nm and light(nm) != light(by_lid[lid]["en"] or by_lid[lid]["ja"]):
                raise SystemExit(f"party-merges.csv: {lid} is {by_lid[lid]['en']!r} in the snapshot, not {nm!r}")
        if r["reason"] not in REASONS:
            raise SystemExit(f"party-merges.csv: unknown reason {r['reason']!r}")
        if g.union(a, b, split_set, None if r["reason"] == "hand-checked" else by_lid):
            used.append(r)
        else:
            blocked.append(r)
    if refresh:
        write_csv(MERGES_CSV, [r for r in merges if r not in blocked])
        known_s = {(r["listing_a"], r["listing_b"]) for r in splits}
        splits += [dict(r, reason="would join two separate entries of one list", note="") for r in blocked
                   if (r["listing_a"], r["listing_b"]) not in known_s]
        write_csv(SPLITS_CSV, splits)
        split_set = {(r["listing_a"], r["listing_b"]) for r in splits}
    in_csv = {(r["listing_a"], r["listing_b"]) for r in merges} | {(r["listing_b"], r["listing_a"]) for r in merges}
    new = [k for k in auto_m if k not in in_csv and k not in split_set]
    if new:
        report.append(f"{len(new)} automatic merge candidates are not in party-merges.csv (run --refresh-curated to review): {new[:5]}")
    if blocked:
        report.append(f"{len(blocked)} merges blocked (party-splits.csv, or two entries of one list): " + "; ".join(f"{r['name_a']} / {r['name_b']}" for r in blocked[:10]))
    # near names (difflib) across lists, same country: printed for review, never merged by the script
    groups = {}
    for e in entries:
        groups.setdefault(g.find(e["lid"]), []).append(e)
    return [sorted(v, key=lambda e: lid_key(e["lid"])) for k, v in sorted(groups.items(), key=lambda kv: lid_key(kv[0]))], used, report


def near_candidates(groups, threshold=0.93):
    """Parties of different lists, same country, whose normalised names are close (difflib ratio):
    printed for hand-checking, never merged by the script."""
    reps = []
    for grp in groups:
        e = grp[0]
        if e["country"] and e["en"]:
            reps.append((e["country"], norm(e["en"]), {x["lkey"] for x in grp}, e))
    reps.sort(key=lambda r: (r[0], r[1]))
    out = []
    by_c = {}
    for r in reps:
        by_c.setdefault(r[0], []).append(r)
    for _c, rs in by_c.items():
        for i, a in enumerate(rs):
            for b in rs[i + 1:i + 40]:
                if a[2] & b[2] or a[1] == b[1]:
                    continue
                if abs(len(a[1]) - len(b[1])) > 6:
                    continue
                ratio = difflib.SequenceMatcher(None, a[1], b[1]).ratio()
                if ratio >= threshold:
                    out.append((round(ratio, 3), a[3]["lid"], a[3]["en"], b[3]["lid"], b[3]["en"]))
    return sorted(out, reverse=True)


# --------------------------------------------------------------------------- records

LIST_NAMES = {"us-entity-list": "Entity List", "us-meu": "MEU List", "us-dpl": "Denied Persons List",
              "jp-end-user-list": "End User List", "cn-uel": "Unreliable Entity List", "cn-control-list": "Export Control Control List"}
VERIF_RANK = {None: 0, "secondary": 1, "unverified": 2}


def uniq(xs):
    out, seen = [], set()
    for x in xs:
        if x and x not in seen:
            seen.add(x)
            out.append(x)
    return out


def build_records(groups, used):
    """-> (party rows by (file, sources), listing rows by (file, sources), stats)"""
    reasons_of = {}
    for r in used:
        reasons_of.setdefault(r["listing_a"], set()).add(r["reason"])
        reasons_of.setdefault(r["listing_b"], set()).add(r["reason"])
    pid_of_slug = {}
    parties, listings = {}, {}
    stats = {"parties": 0, "merged": 0, "by_reason": {}}
    for grp in groups:
        head = grp[0]
        en = head["en"] or next((e["en"] for e in grp if e["en"]), None)
        cc = (head["country"] or "xx").lower()
        slug = slugify(en or "") or "h-" + short_hash(head["ja"] or head["zh"] or head["lid"])
        pid = f"party/{cc}/{slug}"
        if pid in pid_of_slug:
            pid = f"{pid}-{short_hash(*[e['lid'] for e in grp])}"
        pid_of_slug[pid] = True
        for e in grp:
            e["pid"] = pid
        names_en = uniq([e["en"] for e in grp if e["en"] and latin(e["en"])])
        seen_light = {light(en)} if en else set()
        alts = []
        for a in [n for n in names_en if n != en] + [a for e in grp for a in e["aliases"]]:
            if light(a) not in seen_light:
                seen_light.add(light(a))
                alts.append(a)
        ja_only = None if en else head["ja"]
        kinds = uniq([e["kind"] for e in grp])
        if len(kinds) > 1:
            print(f"warning: {pid} merges entries typed {kinds}")
        countries = uniq([e["country"] for e in grp])
        old = uniq([e["old_pid"] for e in grp])
        note = None
        if len(old) > 1:
            stats["merged"] += 1
            rs = sorted({r for e in grp for r in reasons_of.get(e["lid"], ())}, key=list(REASONS).index)
            for r in rs:
                stats["by_reason"][r] = stats["by_reason"].get(r, 0) + 1
            lists = uniq([LIST_NAMES[e["lkey"]] for e in grp])
            note = (f"One party for {len(grp)} list entries ({', '.join(lists)}), joined because of "
                    + "; ".join(REASONS[r] for r in rs) + ". The pairs and their reasons are in scripts/curated/party-merges.csv.")
        verif = max((e["verification"] for e in grp), key=lambda v: VERIF_RANK[v]) if all(e["verification"] for e in grp) else None
        srcs = tuple(uniq([s for e in grp for s in e["srcs"]]))
        zhs, jas = uniq([e["zh"] for e in grp]), uniq([e["ja"] for e in grp])
        if len(zhs) > 1 or len(jas) > 1:  # a language-tagged cell holds one value: the first entry's
            stats["dropped_original"] = stats.get("dropped_original", 0) + len(zhs[1:]) + len(jas[1:])
        row = [pid, en, en, ja_only, ja_only, zhs[0] if zhs else None, jas[0] if jas else None,
               alts or None, countries or None, kinds[0] if kinds else None, uniq([a for e in grp for a in e["address"]]) or None,
               old if len(old) > 1 else None, note, verif]
        parties.setdefault((head["file"], srcs), []).append(row)
        stats["parties"] += 1
        # listings: rows of one list with the same date are one listing (an entry repeated per address)
        done = {}
        for e in grp:
            k = (e["list"], e["date"])
            if k in done:
                done[k][7] = f"{done[k][7]}; {e['locator']}" if done[k][7] else e["locator"]
                continue
            lrow = [e["lid"], e["list"], pid, e["date"], e["precision"], e["basis"], e["licence"], e["locator"], e["verification"]]
            done[k] = lrow
            listings.setdefault((e["file"], tuple(e["srcs"])), []).append(lrow)
    return parties, listings, stats


PARTY_COLS = ["id", "skos:prefLabel@en", "rdfs:label@en", "skos:prefLabel@ja", "rdfs:label@ja", "eg:originalName@zh",
              "eg:originalName@ja", "skos:altLabel", "eg:country", "eg:partyKind", "eg:address", "eg:mergedFrom",
              "eg:note@en", "eg:verification"]
LISTING_COLS = ["id", "eg:onList", "eg:listedParty", "eg:listingDate", "eg:datePrecision", "eg:legalBasisText",
                "eg:licenceRequirement", "locator", "eg:verification"]


def trim_columns(cols, rows):
    """Drop the columns that are empty in every row (smaller files, same graph)."""
    keep = [i for i, c in enumerate(cols) if c == "id" or any(r[i] not in (None, "", []) for r in rows)]
    return [cols[i] for i in keep], [[r[i] for i in keep] for r in rows]


def tables_for(file_tag, parties, listings):
    tables = []
    for (f, srcs), rows in parties.items():
        if f == file_tag:
            cols, rows = trim_columns(PARTY_COLS, sorted(rows, key=lambda r: r[0]))
            tables.append({"type": "Party", "source": list(srcs), "columns": cols, "rows": rows})
    for (f, srcs), rows in listings.items():
        if f == file_tag:
            cols, rows = trim_columns(LISTING_COLS, sorted(rows, key=lambda r: lid_key(r[0])))
            tables.append({"type": "Listing", "source": list(srcs), "columns": cols, "rows": rows})
    return tables


# --------------------------------------------------------------------------- main

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ref", default=REF)
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--refresh-curated", action="store_true",
                    help="rewrite the automatic rows of scripts/curated/party-merges.csv and add rule splits")
    ap.add_argument("--near", action="store_true", help="print near names across lists (difflib) for hand-checking")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    docs, entries = {}, []
    for tag, fn in [("us", build_us), ("cn", build_cn), ("jp", build_jp)]:
        doc, ents = fn(a.ref)
        docs[tag] = doc
        entries += ents
    groups, used, report = resolve(entries, a.refresh_curated)
    parties, listings, stats = build_records(groups, used)
    origins = {
        "us": "us-lists/bis_entity_list.json, bis_dpl.json, bis_meu.json (phagehunter/nsfreg @ 02787e8)",
        "cn": "cn-lists/sources/sanction-lists (ammitto/data-cn @ 519d49c)",
        "jp": "jp-lists/sources/sanction-lists/foreign-user-list/20250929.yml (ammitto/data-jp @ d529065)",
    }
    for tag, doc in docs.items():
        tables = tables_for(tag, parties, listings)
        doc = {"sources": doc["sources"], "records": doc["records"], "tables": tables}
        np_ = sum(len(t["rows"]) for t in tables if t["type"] == "Party")
        nl = sum(len(t["rows"]) for t in tables if t["type"] == "Listing")
        nd = sum(1 for t in tables if t["type"] == "Listing" for r in t["rows"] if r[t["columns"].index("eg:listingDate")]) \
            if any("eg:listingDate" in t["columns"] for t in tables if t["type"] == "Listing") else 0
        header = (f"# GENERATED by scripts/import_party_lists.py from /work/shared/reference/{origins[tag]}"
                  f" and scripts/curated/party-merges.csv, party-splits.csv; do not edit\n"
                  f"# Counts: {np_} parties (whose first listing is in this file), {nl} listings, {nd} with a listing date")
        path = os.path.join(a.out, f"parties-{tag}.yaml")
        write(path, header, doc)
        yaml.safe_load(open(path, encoding="utf-8"))
    print(f"{len(entries)} list entries -> {stats['parties']} parties; {stats['merged']} parties merged from several entries")
    print("merged parties by kind of evidence:", stats["by_reason"])
    print("original-script names not written (a second name of one script):", stats.get("dropped_original", 0))
    nl = sum(len(v) for v in listings.values())
    print(f"{nl} listings")
    for line in report:
        print("note:", line)
    if a.near:
        for c in near_candidates(groups):
            print("near:", c)


if __name__ == "__main__":
    main()
