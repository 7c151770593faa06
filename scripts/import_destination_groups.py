"""Dated destination groups: Japan's Groups A and D (Export Trade Control Order, Appended Tables 3, 3-2, 4) and
the other country tables of the Order (2-4), the US Country Groups (15 CFR 740 Supp. 1), and the destinations
of the EU's general export authorisation EU001.

Today's members come from the reference snapshots:
  - jp-export-trade-control-order/beppyo1_yushutsurei_20260605.json, `country_tables` (e-Gov revision 2026-06-05);
  - us-ccl/country-groups.json (eCFR 2026-07-23), names mapped to ISO codes with _countries.iso();
  - eu-annex-i/annex.json, `geas` EU001 (consolidated text of 2025-11-15).
Changes over time are curated below (CHANGES_*), each with the official publication that made it and the
sources the editors read; a membership whose start the editors could not source is dated with
`eg:datePrecision: before` at the earliest date on which a source shows it.

Writes data/core/destination-groups.yaml (GroupMembership records; CountryGroup records for Japan and EU001;
the US CountryGroup records are in data/lists/us-ccl.yaml and are only referred to).
Run: python scripts/import_destination_groups.py [--reference ../shared/reference] [--out data/core]
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from _common import REPO, Date, parse_args, write_yaml
from _countries import iso

JP_DATE = "2026-06-05"
US_DATE = "2026-07-23"
EU_DATE = "2025-11-15"

# Japanese country names as the Order writes them -> ISO 3166-1 alpha-2.
JA_ISO = {
    "アルゼンチン": "AR", "オーストラリア": "AU", "オーストリア": "AT", "ベルギー": "BE", "ブルガリア": "BG",
    "カナダ": "CA", "チェコ": "CZ", "デンマーク": "DK", "フィンランド": "FI", "フランス": "FR", "ドイツ": "DE",
    "ギリシャ": "GR", "ハンガリー": "HU", "アイルランド": "IE", "イタリア": "IT", "大韓民国": "KR",
    "ルクセンブルク": "LU", "オランダ": "NL", "ニュージーランド": "NZ", "ノルウェー": "NO", "ポーランド": "PL",
    "ポルトガル": "PT", "スペイン": "ES", "スウェーデン": "SE", "スイス": "CH", "英国": "GB",
    "アメリカ合衆国": "US", "アフガニスタン": "AF", "中央アフリカ": "CF", "コンゴ民主共和国": "CD", "イラク": "IQ",
    "レバノン": "LB", "リビア": "LY", "北朝鮮": "KP", "ソマリア": "SO", "南スーダン": "SS", "スーダン": "SD",
    "イラン": "IR", "アラブ首長国連邦": "AE", "アルメニア": "AM", "中華人民共和国": "CN", "インド": "IN",
    "カザフスタン": "KZ", "キルギス": "KG", "シリア": "SY", "タイ": "TH", "トルコ": "TR", "ウズベキスタン": "UZ",
}

# English names as EU001 Part 2 writes them -> ISO.
EU_ISO = {"Australia": "AU", "Canada": "CA", "Iceland": "IS", "Japan": "JP", "New Zealand": "NZ", "Norway": "NO",
          "Switzerland": "CH", "Liechtenstein": "LI", "United Kingdom": "GB", "United States": "US"}

ETCO = "jp/order/export-trade-control-order"
TABLES = {  # key in the snapshot -> (provision id suffix, id_local, short English name)
    "別表第三": ("appended-table-3", "別表第三 (Appended Table 3)",
             "destinations exempt from the catch-all licence requirement (Group A)"),
    "別表第三の二": ("appended-table-3-2", "別表第三の二 (Appended Table 3-2)", "UN arms-embargoed destinations"),
    "別表第四": ("appended-table-4", "別表第四 (Appended Table 4)",
             "destinations of concern for weapons of mass destruction"),
    "別表第二の四": ("appended-table-2-4", "別表第二の四 (Appended Table 2-4)",
                "destinations for which exports of Appended Table 2-3 goods through dealings with persons METI designates need approval"),
}

S_ETCO = "src/jp/egov/etco"
S740 = "src/lists/us-ccl/ecfr-740-supp1"
S821 = "src/eu/eurlex/reg-2021-821"
S821C = "src/eu/eurlex/reg-2021-821-consolidated-2025-11-15"

SOURCES = [
    # Japan (the official METI releases could not be read here; the facts rest on news reports and
    # reproductions, so the records citing them are marked unverified).
    {"id": "src/dg/jp/meti-2019-08-02-release-reproduction",
     "title": {"ja": "輸出貿易管理令の一部を改正する政令が閣議決定されました（経済産業省、2019年8月2日）の転載",
               "en": "METI release of 2019-08-02 on the Cabinet Order removing the Republic of Korea from Appended Table 3 (reproduction)"},
     "url": "https://www.gov-base.info/2019/08/02/37006", "issued": Date("2019-08-02"), "kind": "secondary", "language": "ja"},
    {"id": "src/dg/jp/asahi-2019-08-07",
     "title": {"ja": "ホワイト国から韓国除外、政令を公布（朝日新聞、2019年8月7日）",
               "en": "Asahi Shimbun, 2019-08-07: Cabinet Order removing Korea from the 'white countries' promulgated, in force on the 28th"},
     "url": "https://www.asahi.com/articles/ASM874HZNM87ULFA00T.html", "issued": Date("2019-08-07"), "kind": "secondary", "language": "ja"},
    {"id": "src/dg/jp/ntv-2019-08-28",
     "title": {"ja": "“ホワイト国”から韓国正式除外 政令施行（日テレNEWS、2019年8月28日）",
               "en": "NTV News, 2019-08-28: the Cabinet Order removing Korea took effect at 0:00 on 28 August"},
     "url": "https://news.ntv.co.jp/category/economy/489374", "issued": Date("2019-08-28"), "kind": "secondary", "language": "ja"},
    {"id": "src/dg/jp/nikkei-2019-09-01",
     "title": {"ja": "きょうのことば「優遇対象国」（日本経済新聞、2019年9月1日）",
               "en": "Nikkei, 2019-09-01, 'preferential countries': 27 countries; Korea preferential since 2004; Groups A to D from 2 August 2019"},
     "url": "https://www.nikkei4946.com/knowledgebank/selection/detail.aspx?value=1571&search=1", "issued": Date("2019-09-01"),
     "kind": "secondary", "language": "ja"},
    {"id": "src/dg/jp/nicovideo-group-a",
     "title": {"ja": "グループA（輸出国カテゴリー）（ニコニコ大百科）",
               "en": "Niconico encyclopaedia: Group A, with METI's 2019 table of Groups A to D and the 27 Group A countries"},
     "url": "https://dic.nicovideo.jp/t/r/a/%E3%82%B0%E3%83%AB%E3%83%BC%E3%83%97a%28%E8%BC%B8%E5%87%BA%E5%9B%BD%E3%82%AB%E3%83%86%E3%82%B4%E3%83%AA%E3%83%BC%29/2718064",
     "kind": "secondary", "language": "ja"},
    {"id": "src/dg/jp/toishi-nonwhite",
     "title": {"ja": "非ホワイト国の一覧（2013年1月時点）", "en": "List of non-white countries (as of January 2013): Bulgaria added in July 2012"},
     "url": "https://toishi.info/exportcontrol/nonwhite.html", "kind": "secondary", "language": "ja"},
    {"id": "src/dg/jp/jiji-2023-06-27",
     "title": {"ja": "韓国「グループA」復帰、政令改正を閣議決定 7月21日施行（時事通信、2023年6月27日）",
               "en": "Jiji Press, 2023-06-27: Cabinet decides the Order returning Korea to Group A, in force 21 July (read in a reproduction)"},
     "url": "https://news.yahoo.co.jp/articles/fe977a826fe9c6047886a3381d0a4318aa46e9ee", "issued": Date("2023-06-27"),
     "kind": "secondary", "language": "ja"},
    # United States: Federal Register rules that changed Supplement No. 1 to Part 740.
    {"id": "src/dg/us/fr-2018-16691",
     "title": {"en": "U.S.-India Major Defense Partners: Implementation Under the EAR of India's Membership in the Wassenaar Arrangement and Addition of India to Country Group A:5 (83 FR 38018, 2018-08-03)"},
     "url": "https://www.federalregister.gov/d/2018-16691", "issued": Date("2018-08-03"), "publisher": {"en": "Office of the Federal Register"},
     "kind": "primary", "language": "en"},
    {"id": "src/dg/us/fr-2020-02941",
     "title": {"en": "Amendments to Country Groups for Russia and Yemen Under the EAR (85 FR 10274, 2020-02-24; corrected 85 FR 13009, 2020-03-06)"},
     "url": "https://www.federalregister.gov/d/2020-02941", "issued": Date("2020-02-24"), "publisher": {"en": "Office of the Federal Register"},
     "kind": "primary", "language": "en"},
    {"id": "src/dg/us/fr-2020-28101",
     "title": {"en": "Removal of Hong Kong as a Separate Destination under the EAR (85 FR 83765, 2020-12-23)"},
     "url": "https://www.federalregister.gov/d/2020-28101", "issued": Date("2020-12-23"), "publisher": {"en": "Office of the Federal Register"},
     "kind": "primary", "language": "en"},
    {"id": "src/dg/us/fr-2020-26552",
     "title": {"en": "Amendment to Country Groups for Ukraine, Mexico and Cyprus Under the EAR (85 FR 84211, 2020-12-28)"},
     "url": "https://www.federalregister.gov/d/2020-26552", "issued": Date("2020-12-28"), "publisher": {"en": "Office of the Federal Register"},
     "kind": "primary", "language": "en"},
    {"id": "src/dg/us/fr-2024-10280",
     "title": {"en": "Conforming and Clarifying Changes to the EAR (89 FR 40369, 2024-05-10; effective 2024-05-30): Cyprus no longer in Country Group D:5"},
     "url": "https://www.federalregister.gov/d/2024-10280", "issued": Date("2024-05-10"), "publisher": {"en": "Office of the Federal Register"},
     "kind": "primary", "language": "en"},
    # European Union
    {"id": "src/dg/eu/com-2008-854",
     "title": {"en": "COM(2008) 854 final: Proposal for a Council Regulation amending Regulation (EC) No 1334/2000 (explanatory memorandum: EU001 covers seven countries)"},
     "url": "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:52008PC0854", "issued": Date("2008-12-16"),
     "publisher": {"en": "European Commission"}, "kind": "official", "language": "en"},
    {"id": "src/dg/eu/oeil-2018-0435",
     "title": {"en": "Legislative Observatory, 2018/0435(COD): summary of the proposal to add the United Kingdom to EU001 (lists the current EU001 destinations, 'Switzerland, including Liechtenstein')"},
     "url": "https://oeil.secure.europarl.europa.eu/oeil/en/document-summary?id=1567403", "issued": Date("2018-12-19"),
     "publisher": {"en": "European Parliament"}, "kind": "official", "language": "en"},
    {"id": "src/dg/eu/reg-2019-496",
     "title": {"en": "Regulation (EU) 2019/496 of 25 March 2019 amending Council Regulation (EC) No 428/2009 by granting a Union general export authorisation for the export of certain dual-use items from the Union to the United Kingdom"},
     "url": "https://eur-lex.europa.eu/eli/reg/2019/496/oj", "issued": Date("2019-03-25"),
     "publisher": {"en": "Publications Office of the European Union"}, "kind": "primary", "language": "en"},
]

US_RULES = [  # LegalInstrument records for the Federal Register rules cited
    ("us/rule/fr-2018-16691", "src/dg/us/fr-2018-16691", "U.S.-India Major Defense Partners: India in Country Groups A:1 and A:5", "2018-08-03", "83 FR 38018"),
    ("us/rule/fr-2020-02941", "src/dg/us/fr-2020-02941", "Amendments to Country Groups for Russia and Yemen", "2020-02-24", "85 FR 10274"),
    ("us/rule/fr-2020-28101", "src/dg/us/fr-2020-28101", "Removal of Hong Kong as a Separate Destination under the EAR", "2020-12-23", "85 FR 83765"),
    ("us/rule/fr-2020-26552", "src/dg/us/fr-2020-26552", "Amendment to Country Groups for Ukraine, Mexico and Cyprus", "2020-12-28", "85 FR 84211"),
    ("us/rule/fr-2024-10280", "src/dg/us/fr-2024-10280", "Conforming and Clarifying Changes to the EAR", "2024-05-30", "89 FR 40369"),
]

# US changes: (group, ISO, from, until, rule, note). `from` None = start not sourced (dated 'before' the first
# date a source shows); `until` None = still a member (must then be in the snapshot).
US_CHANGES = [
    ("A:6", "IN", None, "2018-08-02", "us/rule/fr-2018-16691", "India left A:6 when the 2018 rule placed it in A:1 and A:5."),
    ("A:1", "IN", "2018-08-03", None, "us/rule/fr-2018-16691", "Added on India's joining the Wassenaar Arrangement."),
    ("A:5", "IN", "2018-08-03", None, "us/rule/fr-2018-16691", "Added (STA Tier 1)."),
    ("A:2", "RU", None, "2020-02-23", "us/rule/fr-2020-02941", "Removed from A:2 (MTCR) by the 2020 rule."),
    ("A:4", "RU", None, "2020-02-23", "us/rule/fr-2020-02941", "Removed from A:4 (NSG) by the 2020 rule."),
    ("D:2", "RU", "2020-02-24", None, "us/rule/fr-2020-02941", "Added to D:2 (nuclear concern)."),
    ("D:4", "RU", "2020-02-24", None, "us/rule/fr-2020-02941", "Added to D:4 (missile technology concern)."),
    ("B", "YE", None, "2020-02-23", "us/rule/fr-2020-02941",
     "Removed from B; the instruction to remove it was added by the correction of the rule (85 FR 13009), applicable from 2020-02-24."),
    ("D:1", "YE", "2020-02-24", None, "us/rule/fr-2020-02941", "Added to D:1 (national security concern)."),
    ("A:6", "HK", None, "2020-12-22", "us/rule/fr-2020-28101",
     "Hong Kong stopped being a separate EAR destination on 2020-12-23 and is treated as China since; its A:6 and B listings ended (its licence-exception benefits had been suspended from July 2020)."),
    ("B", "HK", None, "2020-12-22", "us/rule/fr-2020-28101", "See the A:6 record."),
    ("D:1", "UA", None, "2020-12-27", "us/rule/fr-2020-26552", "Ukraine moved from Country Group D (D:1) to B."),
    ("B", "UA", "2020-12-28", None, "us/rule/fr-2020-26552", "Added to B."),
    ("A:6", "MX", "2020-12-28", None, "us/rule/fr-2020-26552", "Added to A:6."),
    ("A:6", "CY", "2020-12-28", None, "us/rule/fr-2020-26552", "Added to A:6."),
    ("D:5", "CY", None, "2024-05-29", "us/rule/fr-2024-10280",
     "A conforming change: the rule (effective 2024-05-30) removed Cyprus from D:5 to reflect that it is no longer a US arms-embargoed destination; the State Department's own change came earlier and is not dated here."),
]


def rid(*parts) -> str:
    return "/".join(p.lower().replace(":", "-") for p in parts)


def membership(group_id: str, short: str, code: str, start: str, precision: str | None, until: str | None,
               source, basis, note: str | None = None, unverified: bool = False, locator: str | None = None):
    r = {"id": rid("group-membership", short, code, start), "type": "GroupMembership", "source": source}
    if locator:
        r["locator"] = locator
    if unverified:
        r["unverified"] = True
    r["eg:groupMemberOf"] = group_id
    r["eg:destination"] = code
    r["eg:validFrom"] = Date(start)
    if until:
        r["eg:validUntil"] = Date(until)
    if precision:
        r["eg:datePrecision"] = precision
    r["eg:legalBasis"] = basis
    if note:
        r["eg:note"] = {"en": note}
    return r


def main():
    args = parse_args(__doc__.splitlines()[0], lambda p: p.set_defaults(out=str(REPO / "data" / "core")))
    ref = Path(args.reference)
    jp = json.loads((ref / "jp-export-trade-control-order" / "beppyo1_yushutsurei_20260605.json").read_text(encoding="utf-8"))
    us = json.loads((ref / "us-ccl" / "country-groups.json").read_text(encoding="utf-8"))
    eu = json.loads((ref / "eu-annex-i" / "annex.json").read_text(encoding="utf-8"))
    assert us["ecfrIssueDate"] == US_DATE, us["ecfrIssueDate"]
    stats = Counter()
    records, tables = [], []

    # ------------------------------------------------------------------ Japan
    jp_tables = {k: sorted(JA_ISO[n] for n in v) for k, v in jp["country_tables"].items()}
    assert set(jp_tables) == set(TABLES), jp_tables.keys()
    for key, (suffix, local, en) in TABLES.items():
        records.append({"id": f"{ETCO}/{suffix}", "type": "Provision", "source": {"source": S_ETCO, "locator": key},
                        "eli:is_part_of": ETCO, "eli:id_local": local,
                        "eg:summary": {"en": f"Country table of the Order: {en}."},
                        "eg:officialText": "https://laws.e-gov.go.jp/law/324CO0000000378"})
        gid = f"jp/group/{suffix}"
        records.append({"id": gid, "type": "CountryGroup", "source": {"source": S_ETCO, "locator": key},
                        "skos:notation": key, "skos:prefLabel": {"ja": f"輸出貿易管理令{key}の地域", "en": f"Destinations of {local.split(' (')[1].rstrip(')')} of the Export Trade Control Order ({en})"},
                        "eg:destination": jp_tables[key], "eg:establishedBy": f"{ETCO}/{suffix}", "eg:jurisdiction": "jp",
                        "eg:note": {"en": "Members as of the e-Gov revision that the import read (named in the file header)."}})
        stats[f"jp {key} destinations"] = len(jp_tables[key])
    group_a = jp_tables["別表第三"]
    group_d = sorted(set(jp_tables["別表第三の二"]) | set(jp_tables["別表第四"]))
    names_note = ("METI's names for its country categories since August 2019 (before that: 'white countries', "
                  "ホワイト国, and the rest); the categories are METI's practice, not terms of the Order. ")
    records += [
        {"id": "jp/group/a", "type": "CountryGroup", "source": [{"source": S_ETCO, "locator": "別表第三"}, "src/dg/jp/nicovideo-group-a"],
         "skos:notation": "A", "skos:prefLabel": {"ja": "グループA", "en": "Group A (Japan)"},
         "skos:altLabel": {"ja": "ホワイト国", "en": "white countries (name until August 2019)"},
         "eg:destination": group_a, "eg:establishedBy": f"{ETCO}/appended-table-3", "eg:jurisdiction": "jp",
         "eg:description": {"en": "The destinations of Appended Table 3 of the Export Trade Control Order: states with export controls that Japan judges equivalent; exports to them are outside the catch-all licence requirement and qualify for the general bulk licence."},
         "eg:note": {"en": names_note + "Members as of the e-Gov revision that the import read (named in the file header)."}},
        {"id": "jp/group/b", "type": "CountryGroup", "source": "src/dg/jp/nicovideo-group-a", "unverified": True,
         "skos:notation": "B", "skos:prefLabel": {"ja": "グループB", "en": "Group B (Japan)"}, "eg:jurisdiction": "jp",
         "eg:description": {"en": "Destinations outside Group A that take part in the export control regimes and meet further conditions METI sets; it matters for which bulk licences can be used."},
         "eg:note": {"en": names_note + "Group B is defined in METI circulars, not in the Order; its member list was not read in an official text and is not recorded."}},
        {"id": "jp/group/c", "type": "CountryGroup", "source": "src/dg/jp/nicovideo-group-a", "unverified": True,
         "skos:notation": "C", "skos:prefLabel": {"ja": "グループC", "en": "Group C (Japan)"}, "eg:jurisdiction": "jp",
         "eg:description": {"en": "All destinations in none of Groups A, B and D."},
         "eg:note": {"en": names_note + "A residual category; no member list."}},
        {"id": "jp/group/d", "type": "CountryGroup", "source": [{"source": S_ETCO, "locator": "別表第三の二; 別表第四"}, "src/dg/jp/nicovideo-group-a"],
         "skos:notation": "D", "skos:prefLabel": {"ja": "グループD", "en": "Group D (Japan)"},
         "eg:destination": group_d, "eg:establishedBy": [f"{ETCO}/appended-table-3-2", f"{ETCO}/appended-table-4"], "eg:jurisdiction": "jp",
         "eg:description": {"en": "The destinations of Appended Table 3-2 (UN arms-embargoed) and Appended Table 4 (WMD concern) of the Order, for which the strictest treatment applies."},
         "eg:note": {"en": names_note + "That Group D is the union of Appended Tables 3-2 and 4 rests on secondary reproductions of METI's 2019 table, not on a METI page read by the editors."}},
    ]
    # Group A memberships: Korea's history, Bulgaria's entry, the rest 'before' METI's list of 2 August 2019.
    kr_note1 = ("Korea was a 'white country' from 2004 (year only; the Cabinet Order that added it was not read). The Order removing it "
                "was decided by the Cabinet on 2019-08-02, promulgated on 2019-08-07 and took effect on 2019-08-28.")
    records.append(membership("jp/group/a", "jp/a", "KR", "2004-01-01", "year", "2019-08-27",
                              ["src/dg/jp/nikkei-2019-09-01", "src/dg/jp/meti-2019-08-02-release-reproduction",
                               "src/dg/jp/asahi-2019-08-07", "src/dg/jp/ntv-2019-08-28"],
                              f"{ETCO}/appended-table-3", kr_note1, unverified=True))
    records.append(membership("jp/group/a", "jp/a", "KR", "2023-07-21", None, None,
                              ["src/dg/jp/jiji-2023-06-27", {"source": S_ETCO, "locator": "別表第三"}],
                              f"{ETCO}/appended-table-3",
                              "Returned to Appended Table 3 by a Cabinet Order decided on 2023-06-27, in force 2023-07-21 (dates from a news report; the e-Gov revision that the import read lists Korea).",
                              unverified=True))
    records.append(membership("jp/group/a", "jp/a", "BG", "2012-07-01", "month", None,
                              ["src/dg/jp/toishi-nonwhite", {"source": S_ETCO, "locator": "別表第三"}],
                              f"{ETCO}/appended-table-3",
                              "Added in July 2012 according to a secondary source; the amending Cabinet Order was not read.", unverified=True))
    for code in group_a:
        if code in ("KR", "BG"):
            continue
        records.append(membership("jp/group/a", "jp/a", code, "2019-08-02", "before", None,
                                  [{"source": S_ETCO, "locator": "別表第三"}, "src/dg/jp/nicovideo-group-a"],
                                  f"{ETCO}/appended-table-3",
                                  "Listed in METI's table of Group A countries of 2 August 2019 (read in a reproduction) and in the e-Gov revision that the import read; the date of first listing was not researched."))
    stats["jp group A memberships"] = len(group_a) + 1
    for code in group_d:
        basis = [f"{ETCO}/{s}" for k, (s, _, _) in TABLES.items() if k in ("別表第三の二", "別表第四") and code in jp_tables[k]]
        records.append(membership("jp/group/d", "jp/d", code, JP_DATE, "before", None,
                                  {"source": S_ETCO, "locator": "別表第三の二; 別表第四"}, basis,
                                  "Listed in the e-Gov text of 2026-06-05; the date of first listing was not researched."))
    stats["jp group D memberships"] = len(group_d)

    # ------------------------------------------------------------------ United States
    for rid_, src, title, eff, cite in US_RULES:
        records.append({"id": rid_, "type": "LegalInstrument", "source": src,
                        "eli:title": {"en": title}, "eli:id_local": cite, "eg:instrumentType": "rule", "eg:jurisdiction": "us",
                        "eli:passed_by": "us/agency/bis", "eli:first_date_entry_in_force": Date(eff),
                        "eli:amends": "us/rule/ear", "eg:officialText": next(s["url"] for s in SOURCES if s["id"] == src)})
    rule_source = {r[0]: r[1] for r in US_RULES}
    current = {g: sorted({iso(n) for n in names}) for g, names in us["groups"].items()}
    changed = {(g, c) for g, c, f, u, _, _ in US_CHANGES if u is None}
    for g, c, f, u, rule, note in US_CHANGES:
        gid = rid("us/list/country-groups", g)
        src = [rule_source[rule]]
        if u is None:
            assert c in current[g], (g, c)
            src.append({"source": S740, "locator": f"Country Group {g}"})
        else:
            assert c not in current[g], (g, c)
        records.append(membership(gid, f"us/{g}", c, f or u, None if f else "before", u, src, [rule, "us/rule/ear/740"], note))
        stats["us dated changes"] += 1
    rows = []
    for g in sorted(current):
        gid = rid("us/list/country-groups", g)
        for c in current[g]:
            if (g, c) in changed:
                continue
            rows.append([rid("group-membership", f"us/{g}", c, US_DATE), gid, c, Date(US_DATE), "before", "us/rule/ear/740"])
    stats["us current memberships without a sourced start"] = len(rows)
    tables.append({"type": "GroupMembership", "source": [{"source": S740, "locator": "Supplement No. 1 to Part 740"}],
                   "columns": ["id", "eg:groupMemberOf", "eg:destination", "eg:validFrom", "eg:datePrecision", "eg:legalBasis"],
                   "rows": rows})

    # ------------------------------------------------------------------ EU001
    gea = next(x for x in eu["geas"] if x["id"] == "EU001")
    text = gea["verbatim_text"]
    part2 = text.split("Part 2")[1].split("Part 3")[0]
    eu001 = sorted({code for name, code in EU_ISO.items() if name in part2})
    assert len(eu001) == 10, eu001
    records.append({"id": "eu/group/eu001", "type": "CountryGroup", "source": {"source": S821C, "locator": "Annex II, Section A, Part 2"},
                    "skos:notation": "EU001", "skos:prefLabel": {"en": "Destinations of the Union general export authorisation EU001"},
                    "eg:destination": eu001, "eg:establishedBy": "eu/regulation/2021-821/annex-ii", "eg:jurisdiction": "eu",
                    "eg:description": {"en": "Low-risk destinations to which most Annex I items may be exported under EU001 (called the Community general export authorisation under Regulations 1334/2000 and 428/2009)."},
                    "eg:note": {"en": f"Members as of the consolidated text of {EU_DATE}. Whether the original 2000 text also named states that joined the EU in 2004 was not checked."}})
    eu_hist = {
        "AU": ("2008-12-16", ["src/dg/eu/com-2008-854", S821C]), "CA": ("2008-12-16", ["src/dg/eu/com-2008-854", S821C]),
        "JP": ("2008-12-16", ["src/dg/eu/com-2008-854", S821C]), "NZ": ("2008-12-16", ["src/dg/eu/com-2008-854", S821C]),
        "NO": ("2008-12-16", ["src/dg/eu/com-2008-854", S821C]), "CH": ("2008-12-16", ["src/dg/eu/com-2008-854", S821C]),
        "US": ("2008-12-16", ["src/dg/eu/com-2008-854", S821C]),
        "LI": ("2018-12-19", ["src/dg/eu/oeil-2018-0435", S821C]),
        "GB": ("2021-09-09", [S821, "src/dg/eu/reg-2019-496", S821C]),
        "IS": (EU_DATE, [S821C]),
    }
    eu_notes = {
        "AU": "One of the seven EU001 destinations named in the Commission's proposal of December 2008 (under Regulation 1334/2000); continued under 428/2009 and 2021/821.",
        "LI": "The EU001 list read 'Switzerland, including Liechtenstein' by December 2018; when Liechtenstein was first named was not checked.",
        "GB": "Named in Regulation 2021/821 from its application on 2021-09-09. Earlier, Regulation (EU) 2019/496 added the United Kingdom to EU001 of Regulation 428/2009 for the time after EU law ceased to apply to it; the day on which that took effect was not checked, so the membership is dated 'before' 2021-09-09.",
        "IS": "Named in the consolidated text of 2025-11-15 but, according to secondary sources, not in the original 2021 text; the act that added Iceland was not identified, so the membership is dated 'before' the consolidation date.",
    }
    for code in eu001:
        start, srcs = eu_hist[code]
        note = eu_notes.get(code, eu_notes["AU"])
        basis = ["eu/regulation/2021-821/annex-ii"] + (["eu/regulation/428-2009", "eu/regulation/1334-2000"] if start == "2008-12-16" else [])
        if code in ("LI",):
            basis = ["eu/regulation/2021-821/annex-ii", "eu/regulation/428-2009"]
        if code == "GB":
            basis = ["eu/regulation/2021-821/annex-ii"]
        records.append(membership("eu/group/eu001", "eu/eu001", code, start, "before", None, srcs, basis, note))
    stats["eu EU001 memberships"] = len(eu001)

    counts = "; ".join(f"{k}: {v}" for k, v in sorted(stats.items()))
    out = Path(args.out) / "destination-groups.yaml"
    write_yaml(out, f"GENERATED by scripts/import_destination_groups.py from jp-export-trade-control-order (e-Gov {JP_DATE}), "
                    f"us-ccl/country-groups.json (eCFR {US_DATE}), eu-annex-i/annex.json ({EU_DATE}) and the curated changes in the script; do not edit",
               sources=SOURCES, records=records, tables=tables, comments=[f"Counts: {counts}"])
    print(out, counts)


if __name__ == "__main__":
    main()
