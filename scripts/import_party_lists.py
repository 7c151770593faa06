#!/usr/bin/env python3
"""Generate the party-list files data/lists/parties-{us,cn,jp}.yaml.

Reads the snapshots under /work/shared/reference (see SOURCES.md there):

  us-lists/bis_entity_list.json   US Entity List (15 CFR 744 Supp. 4), 3,409 entries
  us-lists/bis_dpl.json           US Denied Persons List, 564 entries
  us-lists/bis_meu.json           US Military End-User List (15 CFR 744 Supp. 7), 70 entries
  cn-lists/sources/sanction-lists/unrealiable-entity-list/*.y*ml     MOFCOM UEL announcements
  cn-lists/sources/sanction-lists/import-export-control-list/*.yml   MOFCOM 管控名单 announcements
  jp-lists/sources/sanction-lists/foreign-user-list/20250929.yml     METI End User List, 835 entries

and writes PartyList, Party and Listing records in the compact `tables:` form.
Run:  /tmp/venv/bin/python scripts/import_party_lists.py [--ref DIR] [--out DIR]

Corrections of known snapshot defects (SOURCES.md) are made here, in code, and
are listed in scripts/README-parties.md:
  * the 28 entries of MOFCOM Announcement 2025 No. 1 (2025-01-02) are labelled
    反制裁清单 in the snapshot; the announcement lists them on the export-control
    control list (出口管制管控名单), which is where they are put;
  * the US Entity List snapshot has no effective dates: no eg:listingDate is
    written for it (the Federal Register citation is kept in eg:legalBasisText);
  * the snapshot URL of UEL Announcement 2023 No. 1 is a placeholder
    (art_123456.html): it is not used; the record cites the dataset and is
    marked as checked against a secondary source only;
  * UEL 〔2024〕3号 (start of an investigation of PVH) and 〔2025〕6号 (measures on
    Illumina, listed by 〔2025〕4号) are not listings and are left out;
  * the METI file fefta-list/20250131.yml (mixes measures) is not read.
"""

from __future__ import annotations

import argparse
import datetime
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
    tables = []
    specs = [
        ("us-entity-list", "us/list/entity-list", "bis_entity_list.json", "src/us/ecfr-744-supp4-entity-list", False),
        ("us-dpl", "us/list/dpl", "bis_dpl.json", "src/us/bis-denied-persons-list", True),
        ("us-meu", "us/list/meu", "bis_meu.json", "src/us/ecfr-744-supp7-meu-list", False),
    ]
    counts = {}
    for key, list_id, fname, src, use_dates in specs:
        data = json.load(open(os.path.join(ref, "us-lists", fname), encoding="utf-8"))
        ents = data["entities"]
        assert len(ents) == data["count"], fname
        slugs = assign_slugs([(e["name"], f"{e.get('country')}|{e.get('address')}") for e in ents])
        prow, lrow = [], []
        for n, (e, slug) in enumerate(zip(ents, slugs), start=1):
            name = clean(e["name"])
            iso = COUNTRY_ISO.get(e.get("country") or "")
            if e.get("country") and not iso:
                raise SystemExit(f"no ISO code for {e['country']!r}")
            aliases = [clean(a) for a in (e.get("aliases") or []) if clean(a) and latin(a)]
            pid = f"party/{key}/{slug}"
            prow.append([pid, name, iso, aliases or None])
            date = e.get("effective_date") if use_dates else None
            lrow.append([f"listing/{key}/{n}", list_id, pid, date, clean(e.get("federal_register"))])
        tables.append({
            "type": "Party",
            "source": [src, US_DATASET["id"]],
            "columns": ["id", "rdfs:label@en", "eg:country", "skos:altLabel"],
            "rows": prow,
        })
        tables.append({
            "type": "Listing",
            "source": [src, US_DATASET["id"]],
            "columns": ["id", "eg:onList", "eg:listedParty", "eg:listingDate", "eg:legalBasisText"],
            "rows": lrow,
        })
        counts[list_id] = len(lrow)
    return {"sources": sources, "records": records, "tables": tables}, counts


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
    tables = []
    counts = {"cn/list/unreliable-entity-list": 0, "cn/list/export-control-control-list": 0}
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
        prow, lrow = [], []
        for k, (e, slug) in enumerate(zip(ents, slugs), start=1):
            # DEFECT (SOURCES.md): 2025 No. 1 entries carry sanction_list 反制裁清单 in the snapshot;
            # the announcement lists them on the 出口管制管控名单, and so do we.
            lst = e.get("sanction_list")
            if kind == "ecl":
                assert lst in ("出口管制管控名单", "反制裁清单"), (path, lst)
            else:
                assert lst == "不可靠实体清单", (path, lst)
            pid = f"party/{key}/{slug}"
            en = clean(e["name"].get("en"))
            zh = clean(e["name"].get("zh-Hans"))
            pkind = {"organization": "organisation", "person": "person"}.get(e.get("type"))
            prow.append([pid, en, zh, country, pkind])
            ldate = str(e.get("effective_date") or date)
            lrow.append([f"listing/{key}/{year}-{num}-{k}", list_id, pid, ldate, basis])
        srcs = [src_id, CN_DATASET["id"]] if verified else [CN_DATASET["id"]]
        extra = {} if verified else {"verification": "secondary"}
        tables.append({"type": "Party", "source": srcs,
                       "columns": ["id", "rdfs:label@en", "eg:originalName@zh", "eg:country", "eg:partyKind"]
                       + (["eg:verification"] if extra else []),
                       "rows": [r + ([extra["verification"]] if extra else []) for r in prow]})
        tables.append({"type": "Listing", "source": srcs,
                       "columns": ["id", "eg:onList", "eg:listedParty", "eg:listingDate", "eg:legalBasisText"]
                       + (["eg:verification"] if extra else []),
                       "rows": [r + ([extra["verification"]] if extra else []) for r in lrow]})
        counts[list_id] += len(lrow)
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
        prow, lrow = [], []
        for k, (name, slug) in enumerate(zip(names, slugs), start=1):
            pid = f"party/cn-control-list/{slug}"
            prow.append([pid, name, reg_country.get(a["id"]), "unverified"])
            lrow.append([f"listing/cn-control-list/{year}-{num}-{k}", "cn/list/export-control-control-list", pid,
                         a.get("effectiveFrom") or a["date"], f"商务部公告{year}年第{num}号 ({a['date']})", "unverified"])
        tables.append({"type": "Party", "source": [src_id, REGISTER_ID],
                       "columns": ["id", "rdfs:label@en", "eg:country", "eg:verification"], "rows": prow})
        tables.append({"type": "Listing", "source": [src_id, REGISTER_ID],
                       "columns": ["id", "eg:onList", "eg:listedParty", "eg:listingDate", "eg:legalBasisText", "eg:verification"],
                       "rows": lrow})
        counts["cn/list/export-control-control-list"] += len(lrow)
    # merge parties that appear in several announcements of one list (same id): keep one row
    seen = set()
    for t in tables:
        if t["type"] == "Party":
            rows = []
            for r in t["rows"]:
                if r[0] in seen:
                    continue
                seen.add(r[0])
                rows.append(r)
            t["rows"] = rows
    tables = [t for t in tables if t["rows"]]
    return {"sources": sources, "records": records, "tables": tables}, counts


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
    prow, lrow = [], []
    for e, slug in zip(ents, slugs):
        n = int(e["id"].rsplit(".", 1)[1])
        en = clean(e["name"].get("en"))
        ja = clean(e["name"].get("ja"))
        pid = f"party/jp-end-user-list/{slug}"
        aliases = [clean(a) for a in (e.get("aliases") or []) if clean(a) and latin(a)]
        pkind = {"organization": "organisation", "person": "person"}.get(e.get("type"))
        prow.append([pid, en, ja, e.get("country_code"), pkind, aliases or None])
        lrow.append([f"listing/jp-end-user-list/{n}", "jp/list/end-user-list", pid,
                     f"METI End User List (外国ユーザーリスト), edition of 2025-09-29, No. {n}", f"No. {n}"])
    tables = [
        {"type": "Party", "source": [src["id"], JP_DATASET["id"]],
         "columns": ["id", "rdfs:label@en", "eg:originalName@ja", "eg:country", "eg:partyKind", "skos:altLabel"],
         "rows": prow},
        {"type": "Listing", "source": [src["id"], JP_DATASET["id"]],
         "columns": ["id", "eg:onList", "eg:listedParty", "eg:legalBasisText", "locator"],
         "rows": lrow},
    ]
    # 15 parties have only a Japanese name in the list: it is their label too (tagged ja).
    tables[0]["columns"] = ["id", "rdfs:label@en", "rdfs:label@ja", "eg:originalName@ja", "eg:country",
                            "eg:partyKind", "skos:altLabel"]
    tables[0]["rows"] = [[r[0], r[1], (r[2] if r[1] is None else None), r[2], r[3], r[4], r[5]] for r in prow]
    return {"sources": [src, page, JP_DATASET], "records": records, "tables": tables}, {"jp/list/end-user-list": len(lrow)}


# --------------------------------------------------------------------------- main

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ref", default=REF)
    ap.add_argument("--out", default=OUT)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    total = {}
    for tag, fn, origin in [
        ("us", build_us, "us-lists/bis_entity_list.json, bis_dpl.json, bis_meu.json (phagehunter/nsfreg @ 02787e8)"),
        ("cn", build_cn, "cn-lists/sources/sanction-lists (ammitto/data-cn @ 519d49c)"),
        ("jp", build_jp, "jp-lists/sources/sanction-lists/foreign-user-list/20250929.yml (ammitto/data-jp @ d529065)"),
    ]:
        doc, counts = fn(a.ref)
        header = f"# GENERATED by scripts/import_party_lists.py from /work/shared/reference/{origin}; do not edit"
        write(os.path.join(a.out, f"parties-{tag}.yaml"), header, doc)
        total.update(counts)
    for k, v in total.items():
        print(f"{k}: {v} listings")


if __name__ == "__main__":
    main()
