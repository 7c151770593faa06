"""Crosswalk between the national control lists (EU Annex I, US CCL and USML, Japan's Appended Table 1,
China's Dual-use Items Export Control List), entry by entry and sub-item by sub-item, derived through
the regime layer.

Reads every generated file in data/lists/ (the list files, regime-*.yaml, us-usml.yaml and, when it
exists, jp-links.yaml) and, for the texts, eu-annex-i/annex.json, us-ccl/ccl.json and
us-ccl-full/ccl-full-2025.json (as scripts/import_regime_links.py reads them).
Writes data/lists/crosswalk-<a>-<b>.yaml for the pairs eu-us, eu-jp, eu-cn, us-jp, us-cn, jp-cn.

How a link is made (see scripts/README.md):
- same regime item: two entries of different national lists that are linked to the same regime item
  (Wassenaar, NSG, MTCR, AG, CWC, Munitions List): the two regime links are composed (exact+exact ->
  exact; exact+narrow -> narrow; close+any -> close, at most medium; related -> related; two entries
  both narrower than the item -> related), confidence the lower of the two, method same-regime-item.
  US 1C350 chemicals are matched to the AG/CWC items by CAS number (read from the US text).
- same code, different item: same code in two lists, but their regime links point to different items
  of the same regime list (pathogens and chemicals: by name or CAS number), or one implements a regime
  item where the other is a national addition ('no counterpart' in the regime) -> different-item.
- US entries that carry no EAR control (ITAR placeholders "subject to the ITAR", pointers to another
  ECCN, "[Reserved]"): no positive link; the EU entry of the same code gets a no-counterpart record.
- EU-US same code with no shared regime item: the two texts are compared (difflib, as for the regime
  links); the 19 five-character entries the editors checked by hand keep their type and method.
- China: by equal code only a candidate (close, same-code-only, low), never exact, and none inside
  entries where the EU and US numberings themselves diverge (pathogens, chemicals).
- Japan: only through jp-links.yaml (regime links of Japan's entries) and the 10 manual row-category links.
Run: /tmp/venv/bin/python scripts/import_crosswalk.py
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml
from _common import clean, parse_args, write_yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import import_regime_links as rl  # noqa: E402  (text loading, normalisation and comparison of the regime links)

EU, US, JP = "eu/list/annex-i/2025-11-15", "us/list/ccl/2026-07-23", "jp/list/appended-table-1/2026-06-05"
USML = "us/list/usml/2026-06-25"
CN = "cn/list/dual-use-items"
LISTS = {"eu": "eu/list/annex-i", "us": "us/list/ccl", "jp": "jp/list/appended-table-1", "cn": "cn/list/dual-use-items"}
NAMES = {"eu": "EU", "us": "US", "jp": "Japan", "cn": "China"}
PAIRS = [("eu", "us"), ("eu", "jp"), ("eu", "cn"), ("us", "jp"), ("us", "cn"), ("jp", "cn")]
SRC = "src/lists/crosswalk/editorial"
SOURCES = [{"id": SRC, "title": {"en": "exportgraph editorial crosswalk between national control lists (EU Annex I, US CCL, Japan's "
                                       "Appended Table 1, China's list): links derived through the regime items, texts compared "
                                       "by scripts/import_crosswalk.py, and headings checked by the editors"},
            "url": "https://w3id.org/exportgraph/id/src/lists/crosswalk/editorial", "kind": "editorial", "language": "en"}]

# Checked by reading both headings (EU Annex I and 15 CFR 774 Supp. 1): (code, matchType, remark)
CHECKED = [
    ("1A001", "close", "both: components of fluorinated compounds"),
    ("1C011", "close", "same heading: metals and compounds"),
    ("1C350", "close", "both: chemical-weapons precursors; the EU numbers the chemicals, the US groups them by CWC schedule"),
    ("1C351", "close", "same heading: human and animal pathogens and toxins"),
    ("2B001", "close", "same heading: machine tools for removing or cutting metals, ceramics or composites"),
    ("3A001", "close", "same heading: electronic items; sub-items differ in places"),
    ("3A002", "close", "same heading: general purpose electronic assemblies, modules and equipment"),
    ("3B001", "close", "both: semiconductor manufacturing equipment; the US also names related equipment and moved items between 3B001 and 3B993/3B090"),
    ("3B002", "close", "both: test equipment for semiconductor devices; the US adds inspection equipment"),
    ("3C001", "close", "both: hetero-epitaxial materials; the EU excludes 3C507 materials"),
    ("3D001", "close", "both: software for development or production of 3A/3B items; the referenced paragraphs differ"),
    ("3E001", "close", "both: technology per the General Technology Note for 3A, 3B, 3C; the US lists exceptions"),
    ("4A001", "close", "same heading: electronic computers and related equipment"),
    ("5A001", "close", "same heading: telecommunications systems, equipment, components and accessories"),
    ("5A002", "close", "same heading: information security systems, equipment and components"),
    ("6A003", "close", "same heading: cameras, systems or equipment"),
    ("7A003", "close", "same heading: inertial measurement equipment or systems"),
    ("9A001", "close", "same heading: aero gas turbine engines"),
    ("9A004", "close", "both: space launch vehicles and spacecraft; wording of the spacecraft items differs"),
]

# Japan's rows -> EU Annex I categories (broad subject correspondence, manual)
JP_EU = [("2", "0"), ("5", "1"), ("6", "2"), ("7", "3"), ("8", "4"), ("9", "5"), ("10", "6"), ("11", "7"), ("12", "8"), ("13", "9")]

POSITIVE = ("exact", "close", "broad", "narrow", "related")
RANK = {"exact": 0, "narrow": 1, "broad": 1, "close": 2, "related": 3}
CONF = {"high": 0, "medium": 1, "low": 2, "indicative": 3}
INVERSE = {"broad": "narrow", "narrow": "broad"}
CONTENT = {"same-code-scope-checked", "manual", "same-regime-item", "regime-text-compared", "published-correlation",
           "derived-from-implementation"}
ITAR = re.compile(r"\((?:these items are|this entry is) [\"“]?subject to the itar", re.I)
POINTER = re.compile(r"(?:are|is) controlled by ECCN (\d[A-E]\d{3})\.?\)?\s*$", re.I)
RESERVED = re.compile(r"^\s*(?:(?:through|to)\s+\.?[a-z0-9.]+\s*)?\[reserved\]", re.I)
CAS = re.compile(r"C\.A\.S\. #\s*(\d{2,7}-\d{2}-\d)")


def lower(*conf):
    return max((c for c in conf if c), key=lambda c: CONF[c], default="low")


def compose(tx, ty):
    """Type of x -> y when x -> R is tx and y -> R is ty (SKOS sense: 'broad' = the target is broader)."""
    ty = INVERSE.get(ty, ty)                      # R -> y
    if "related" in (tx, ty):
        return "related"
    if "close" in (tx, ty):
        return "close"
    if tx == "exact":
        return ty
    if ty == "exact" or tx == ty:
        return tx
    if tx == "broad":
        return None                               # x and y are both parts of R: nothing follows about x and y
    return "related"                              # x and y both contain R: they overlap


class Data:
    """Entries and correspondences of data/lists/*.yaml (the crosswalk files themselves excepted)."""

    def __init__(self, out: Path, ignore: set):
        L = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        self.entries, self.corr = {}, []
        self.files = []
        for p in sorted(out.glob("*.yaml")):
            if p.name.startswith("crosswalk-") or p.name in ignore:
                continue
            text = p.read_text(encoding="utf-8")
            if "ControlEntry" not in text and "Correspondence" not in text:
                continue
            doc = yaml.load(text, Loader=L) or {}
            self.files.append(p.name)
            recs = []
            for t in doc.get("tables") or []:
                for row in t["rows"]:
                    r = dict(zip(t["columns"], row))
                    r["type"] = t["type"]
                    r.setdefault("source", t["source"])
                    if r.get("source") is None:
                        r["source"] = t["source"]
                    recs.append(r)
            recs += [dict(r) for r in doc.get("records") or []]
            for r in recs:
                src = r.get("source") or []
                src = [s if isinstance(s, str) else s["source"] for s in (src if isinstance(src, list) else [src])]
                if r["type"] == "ControlEntry":
                    label = r.get("skos:prefLabel@en") or r.get("skos:prefLabel")
                    if isinstance(label, dict):
                        label = label.get("en")
                    cas = r.get("eg:casNumber") or []
                    self.entries[r["id"]] = {"code": str(r.get("skos:notation") or r["id"].rsplit("/", 1)[1]),
                                             "label": label or "", "broader": r.get("skos:broader"), "src": src,
                                             "cas": cas if isinstance(cas, list) else [cas], "file": p.name}
                elif r["type"] == "Correspondence":
                    self.corr.append({"of": r["eg:correspondenceOf"], "to": r.get("eg:correspondsTo"),
                                      "type": r["eg:matchType"], "method": r["eg:matchMethod"],
                                      "conf": r.get("eg:confidence"), "list": r.get("eg:counterpartList"),
                                      "note": r.get("eg:note@en") or "", "src": src, "file": p.name, "id": r["id"]})

    def ancestors(self, i):
        out = set()
        while i in self.entries and self.entries[i]["broader"] and i not in out:
            i = self.entries[i]["broader"]
            out.add(i)
        return out


def nat_of(i: str):
    if not i:
        return None
    if i.startswith(EU + "/"):
        return "eu"
    if i.startswith(US + "/") or i.startswith(USML + "/"):
        return "us"
    if i.startswith(JP + "/"):
        return "jp"
    if i.startswith(CN + "/"):
        return "cn"
    return None


def regime_list(i: str) -> str:
    return "/".join(i.split("/")[:4])


def code_of(i: str) -> str:
    return i.rsplit("/", 1)[1]


def short(s: str, n: int = 60) -> str:
    s = clean(s)
    return s if len(s) <= n else s[:n].rsplit(" ", 1)[0] + "…"


def alnum(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", rl.norm(s or ""))


def same_name(lx, ly, tx, ty):
    """(type, confidence, how) for two pathogens/chemicals/groups of the same code; type None if they differ."""
    nx, ny = alnum(lx), alnum(ly)
    if nx and nx == ny:
        return "exact", "high", f"the same name ({short(lx)})"
    if nx and ny and (nx.startswith(ny) or ny.startswith(nx)) and min(len(nx), len(ny)) >= 5:
        return "close", "medium", f"one name extends the other ({short(lx)} / {short(ly)})"
    if tx and ty:
        t, conf, r, _ = rl.compare(tx, ty)
        if t in ("exact", "close"):
            return t, conf, f"the texts compared: similarity {r:.2f}"
    return None, None, None


def main():
    args = parse_args(__doc__, lambda p: p.add_argument(
        "--ignore", action="append", default=[], metavar="FILE",
        help="a data/lists file not to read (e.g. jp-links.yaml while it is not yet committed); may be repeated"))
    out, ref = Path(args.out), Path(args.reference)
    D = Data(out, set(args.ignore))
    stats = {p: Counter() for p in PAIRS}
    info = Counter()
    E = D.entries

    # ------------------------------------------------------------------ regime links of national entries
    reg = defaultdict(list)          # national entry -> [(regime item, type, conf, method, sources, how)]
    nocp = defaultdict(set)          # national entry -> regime lists in which it has no counterpart
    direct = []                      # national -> national links of other files (jp-links.yaml)
    for c in D.corr:
        a, b = nat_of(c["of"]), nat_of(c["to"])
        if not a:
            continue
        if c["type"] == "no-counterpart" and str(c["list"] or "").startswith("regime/"):
            nocp[c["of"]].add(c["list"])
        elif c["type"] in POSITIVE and str(c["to"] or "").startswith("regime/"):
            reg[c["of"]].append((c["to"], c["type"], c["conf"] or "low", c["method"], c["src"], c["file"]))
        elif c["type"] in POSITIVE and b and b != a:
            direct.append(c)
    info["regime links of national entries read"] = sum(len(v) for v in reg.values())
    # a national entry linked directly to another list's entry (jp-links.yaml: Japan -> EU) reaches that entry's regime items
    linked_direct = set()
    for c in direct:
        x, y = c["of"], c["to"]
        linked_direct |= {(x, y), (y, x)}
        for rid, ty, conf, _method, src, how in list(reg.get(y, [])):
            t = compose(c["type"], INVERSE.get(ty, ty))
            if t:
                reg[x].append((rid, t, lower(c["conf"] or "low", conf), f"through {NAMES[nat_of(y)]} {E[y]['code']}",
                               list(c["src"]) + list(src), how))

    # US 1C350 chemicals -> AG / CWC items by CAS number (the US text names the CAS number; the regime items carry theirs)
    us_text = rl.us_texts(ref)
    eu_text = rl.eu_texts(ref)
    by_cas = defaultdict(list)
    for i, e in E.items():
        if i.startswith(("regime/ag/", "regime/cwc/")):
            for n in e["cas"]:
                by_cas[str(n)].append(i)
    us_cas = {}
    for code, text in us_text.items():
        m = CAS.search(text or "")
        nid = f"{US}/{code}"
        if m and nid in E and code.startswith(("1C350.", "1C355.", "1C450.")):
            us_cas[nid] = m.group(1)
            for rid in by_cas.get(m.group(1), []):
                family = len(E[rid]["cas"]) > 1
                reg[nid].append((rid, "broad" if family else "exact", "medium" if family else "high", "cas",
                                 [SRC], "by CAS number " + m.group(1)))
                info["US chemicals linked to AG/CWC items by CAS number (this script)"] += 1

    # ------------------------------------------------------------------ US entries without an EAR control
    heads = {e["eccn"]: e for e in json.loads((ref / "us-ccl" / "ccl.json").read_text(encoding="utf-8"))["entries"]}
    no_ear = {}                      # US entry id -> why
    for code, e in heads.items():
        h = clean(e.get("heading") or "")
        if ITAR.search(h) and not e.get("reasonForControl"):
            no_ear[f"{US}/{code}"] = "subject to the ITAR (a placeholder in the CCL; the item is on the USML)"
        elif (m := POINTER.search(h)) and not e.get("reasonForControl"):
            no_ear[f"{US}/{code}"] = f"a pointer: the items are controlled by ECCN {m.group(1)}"
    for i, e in E.items():
        if i.startswith(US + "/") and "." in e["code"] and \
                (RESERVED.match(us_text.get(e["code"], "") or "") or RESERVED.match(e["label"] or "")):
            no_ear[i] = "[Reserved]"
    info["US entries without an EAR control (ITAR placeholders, pointers, reserved)"] = len(no_ear)

    def eu_empty(i):
        t = eu_text.get(E[i]["code"], E[i]["label"])
        return rl.empty(t) or rl.empty(E[i]["label"])

    # ------------------------------------------------------------------ derived: same regime item
    by_item = defaultdict(lambda: defaultdict(list))   # regime item -> nat -> [(entry, link)]
    for nid, links in reg.items():
        for link in links:
            by_item[link[0]][nat_of(nid)].append((nid, link))
    found = {}                                         # (x, y) -> candidate record (best)
    for rid in sorted(by_item):
        per = by_item[rid]
        for a, b in PAIRS:
            for x, lx in per.get(a, []):
                for y, ly in per.get(b, []):
                    t = compose(lx[1], ly[1])
                    if t is None:
                        info[f"{a}-{b}: both entries are parts of the same broader regime item (not linked through it)"] += 1
                        continue
                    conf = lower(lx[2], ly[2], "medium" if t in ("close", "related") else None)
                    rec = {"type": t, "conf": conf, "method": "same-regime-item", "items": [(rid, lx, ly)]}
                    old = found.get((x, y))
                    if old is None:
                        found[(x, y)] = rec
                    else:
                        old["items"].append((rid, lx, ly))
                        if (RANK[t], CONF[conf]) < (RANK[old["type"]], CONF[old["conf"]]):
                            old.update(type=t, conf=conf)

    rows = {p: [] for p in PAIRS}
    used = set()
    done = set()                                       # (x, y) pairs written

    def rid_for(a, b, x, y):
        cx, cy = code_of(x), code_of(y)
        base = f"crosswalk/{a}-{b}/{cx}" if cx == cy else f"crosswalk/{a}-{b}/{cx}/{cy}"
        if base in used:
            base = f"{base}/{y.split('/')[3]}"        # a code in two editions (China)
        assert base not in used, base
        used.add(base)
        return base

    positive = set()

    def emit(a, b, x, y, t, method, conf, note, src, counterpart=None):
        if t in POSITIVE:
            positive.add((x, y))
        rows[(a, b)].append([rid_for(a, b, x, y if y else x), x, y, counterpart, t, method, conf, note,
                             list(dict.fromkeys(src))])
        stats[(a, b)][f"type {t}"] += 1
        stats[(a, b)][f"method {method}"] += 1
        done.add((x, y))

    def label(i):
        e = E[i]
        return f"{NAMES[nat_of(i)]} {e['code']}" + (f" ({short(e['label'], 50)})" if e["label"] and nat_of(i) != "cn" else "")

    def item_label(rid):
        e = E.get(rid, {})
        reg_name = rid.split("/")[1].upper()
        return f"{reg_name} {e.get('code', code_of(rid))}" + (f" ({short(e['label'], 40)})" if e.get("label") else "")

    checked = {c: (m, note) for c, m, note in CHECKED}
    assert all(f"{EU}/{c}" in E and f"{US}/{c}" in E for c in checked)

    # pairs by code (same code in two lists)
    codes = defaultdict(lambda: defaultdict(list))
    for i, e in E.items():
        n = nat_of(i)
        if n and not i.startswith(USML + "/") and rl.CODE.match(e["code"]):
            codes[e["code"]][n].append(i)

    # 1. hand-checked EU-US five-character pairs
    for c, (m, why) in sorted(checked.items()):
        x, y = f"{EU}/{c}", f"{US}/{c}"
        via = found.get((x, y))
        extra = ""
        if via:
            rid, lx, ly = via["items"][0]
            extra = f" Both also implement {item_label(rid)} (EU {lx[1]}, US {ly[1]}, as the regime links say)."
        emit("eu", "us", x, y, m, "same-code-scope-checked", "high",
             f"Headings compared by the editors: {why}. Sub-items not compared one by one.{extra}", [SRC])

    # 2. US entries without an EAR control: no positive link; the EU entry of the same code gets a no-counterpart record
    for y, why in sorted(no_ear.items()):
        for x in codes[E[y]["code"]].get("eu", []):
            if eu_empty(x):
                info["same code empty in both (EU 'not used', US reserved): nothing written"] += 1
                done.add((x, y))
                continue
            emit("eu", "us", x, None, "no-counterpart", "same-code-scope-checked", "high",
                 f"US {E[y]['code']} carries no EAR control: {why}. The CCL has no counterpart for this EU item under its code.",
                 [SRC], counterpart=LISTS["us"])
            done.add((x, y))
    skipped_no_ear = Counter()
    for (x, y) in list(found):
        if y in no_ear or x in no_ear:
            skipped_no_ear[(nat_of(x), nat_of(y))] += 1
            del found[(x, y)]
    for k, v in skipped_no_ear.items():
        info[f"{k[0]}-{k[1]}: regime-derived pairs dropped (US side has no EAR control)"] = v

    # 3. derived through the same regime item
    for (x, y), rec in sorted(found.items()):
        if (x, y) in done or (x, y) in linked_direct:
            continue
        a, b = nat_of(x), nat_of(y)
        items = sorted(rec["items"], key=lambda it: (RANK.get(compose(it[1][1], it[2][1]), 9), it[0]))
        rid, lx, ly = items[0]
        how = []
        for n, lk in ((a, lx), (b, ly)):
            h = "by CAS number" if lk[3] == "cas" else ("by code only" if lk[3] == "numbering-convention" else lk[3])
            how.append(f"{NAMES[n]} {lk[1]} ({h})")
        more = f"; also {', '.join(item_label(i[0]) for i in items[1:3])}" + ("…" if len(items) > 3 else "") if len(items) > 1 else ""
        note = f"Both implement {item_label(rid)}: {how[0]}, {how[1]}{more}."
        if "cn" in (a, b):
            note += " China's items are its own: a candidate."
            rec["conf"] = "low"
            if rec["type"] == "exact":
                rec["type"] = "close"
        src = list(lx[4]) + list(ly[4]) + E.get(rid, {}).get("src", [])[:1]
        emit(a, b, x, y, rec["type"], "same-regime-item", rec["conf"], note, src)

    # 4. same code, no shared regime item
    divergent = set()                 # five-character entries where EU and US sub-items of the same code differ
    for a, b in PAIRS:                                 # EU-US first: China's candidates use what it found
        for code in sorted(codes):
            per = codes[code]
            for x in per.get(a, []):
                for y in per.get(b, []):
                    if (x, y) in done:
                        continue
                    if "jp" in (a, b):
                        continue                                  # Japan's codes are not in EU numbering
                    rx = {lk[0]: lk for lk in reg.get(x, [])}
                    ry = {lk[0]: lk for lk in reg.get(y, [])}
                    lists_x = {regime_list(i) for i in rx}
                    lists_y = {regime_list(i) for i in ry}
                    shared = lists_x & lists_y
                    diff = None
                    for L in sorted(shared):
                        ix = {i for i in rx if regime_list(i) == L}
                        iy = {i for i in ry if regime_list(i) == L}
                        if ix & iy:
                            continue
                        related = any(i in D.ancestors(j) or j in D.ancestors(i) for i in ix for j in iy)
                        if not related and "cn" not in (a, b):
                            diff = (sorted(ix)[0], sorted(iy)[0])
                            break
                    if diff is None and "cn" not in (a, b):
                        for L in sorted(lists_x & nocp.get(y, set())):
                            diff = (sorted(i for i in rx if regime_list(i) == L)[0], None)
                        for L in sorted(lists_y & nocp.get(x, set())):
                            diff = (None, sorted(i for i in ry if regime_list(i) == L)[0])
                    if diff:
                        ix, iy = diff
                        lx, ly = rx.get(ix), ry.get(iy)
                        confs = [lk[2] for lk in (lx, ly) if lk]
                        sx = f"{label(x)} implements {item_label(ix)}" if ix else f"{label(x)} has no counterpart in that regime list"
                        sy = f"{label(y)} implements {item_label(iy)}" if iy else f"{label(y)} has no counterpart in that regime list"
                        src = [SRC] + [s for lk in (lx, ly) if lk for s in lk[4]]
                        emit(a, b, x, y, "different-item", "same-code-scope-checked", lower(*confs),
                             f"Same code, different item: {sx}; {sy}.", src, counterpart=LISTS[b])
                        divergent.add(code[:5])
                        continue
                    if a == "eu" and b == "us":
                        if eu_empty(x) or rl.empty(us_text.get(code, "") or E[y]["label"]):
                            if not (eu_empty(x) and rl.empty(us_text.get(code, "") or E[y]["label"])):
                                info["eu-us: same code, one side 'not used' or reserved (not linked)"] += 1
                            continue
                        tx, ty = eu_text.get(code), us_text.get(code)
                        named = code[:5] in ("1C350", "1C351", "1C353", "1C354", "1C450") and "." in code
                        if named:
                            t, conf, how = same_name(E[x]["label"], E[y]["label"], tx, ty)
                            if t:
                                emit(a, b, x, y, t, "same-code-scope-checked", conf,
                                     f"Same code, and {how}; no regime item links them.", [SRC])
                            else:
                                emit(a, b, x, y, "different-item", "same-code-scope-checked", "high",
                                     f"Same code, different item: names compared, {label(x)} and {label(y)}.", [SRC],
                                     counterpart=LISTS[b])
                                divergent.add(code[:5])
                            continue
                        if tx and ty:
                            t, conf, r, remark = rl.compare(tx, ty)
                            if t == "related":
                                t = None                      # below 0.60 two national texts are not taken as a link
                            if t:
                                emit(a, b, x, y, t, "same-code-scope-checked", conf,
                                     f"EU and US texts of {code} compared by the import script: similarity {r:.2f}"
                                     + (f"; {remark.replace('national text', 'EU text').replace('regime text', 'US text').replace('regime item', 'US entry')}" if remark else "")
                                     + ". No shared regime item links them.", [SRC])
                            else:
                                info["eu-us: same code, texts disagree (similarity < 0.60; not linked)"] += 1
                                info_codes["eu-us texts disagree"].append(code)
                            continue
                        t = "close"
                        emit(a, b, x, y, t, "same-code-only", "medium" if "." not in code else "low",
                             "Same code; a candidate: the texts were not both available to compare.", [SRC])
                        continue
                    # China: a candidate by code only
                    other = x if b == "cn" else y
                    if "." in code and code[:5] in DIVERGENT_KNOWN | divergent:
                        info[f"{a}-{b}: same code inside an entry whose national numberings diverge (not linked)"] += 1
                        continue
                    if code in codes and codes[code].get("eu") and codes[code].get("us") and \
                            not any((e, u) in positive for e in codes[code]["eu"] for u in codes[code]["us"]):
                        info[f"{a}-{b}: same code, but the EU and US entries of this code are not linked to each other (not linked)"] += 1
                        continue
                    if other in no_ear or (nat_of(other) == "eu" and eu_empty(other)) or \
                            (nat_of(other) == "us" and rl.empty(us_text.get(code, "") or E[other]["label"])):
                        info[f"{a}-{b}: same code, the other list's place is empty or points elsewhere (not linked)"] += 1
                        continue
                    emit(a, b, x, y, "close", "same-code-only", "low",
                         "Same code only: China's items are its own, and China's list has no item text here to compare; a candidate.",
                         [SRC])

    # 5. Japan: the manual row-category links; national links of jp-links.yaml are not repeated
    for row, cat in JP_EU:
        x, y = f"{EU}/category-{cat}", f"{JP}/{row}"
        assert x in E and y in E, (x, y)
        rows[("eu", "jp")].append([f"crosswalk/eu-jp/category-{cat}/{row}", x, y, None, "related", "manual", "medium",
                                   f"Subject correspondence: Japan's row {row} covers the goods of EU Annex I category {cat} (and more or less).",
                                   [SRC]])
        stats[("eu", "jp")]["type related"] += 1
        stats[("eu", "jp")]["method manual"] += 1
    for c in direct:
        info[f"national links read from {c['file']} (not repeated here): {nat_of(c['of'])}-{nat_of(c['to'])}"] += 1

    # ------------------------------------------------------------------ write
    cols = ["id", "eg:correspondenceOf", "eg:correspondsTo", "eg:counterpartList", "eg:matchType", "eg:matchMethod",
            "eg:confidence", "eg:note@en", "source"]
    summary = []
    for a, b in PAIRS:
        rws = sorted(rows[(a, b)], key=lambda r: r[0])
        st = stats[(a, b)]
        content = sum(1 for r in rws if r[5] in CONTENT and not (r[5] == "same-regime-item" and "by code only" in r[7]))
        comments = ["Counts: " + "; ".join([f"{k}: {v}" for k, v in sorted(st.items())] + [f"records: {len(rws)}"]),
                    f"Reviewed against content (texts, names, CAS numbers, regime items compared, or hand-checked): {content} of {len(rws)}; "
                    f"by code only: {len(rws) - content}.",
                    "Types: exact/close/broad/narrow/related are links (SKOS mappings); different-item ('same code, different item') "
                    "and no-counterpart records join nothing."]
        if (a, b) == ("eu", "us"):
            comments += [f"{k}: {v}" for k, v in sorted(info.items())]
            if info_codes["eu-us texts disagree"]:
                comments.append("Same code, texts disagree (not linked): " + " ".join(sorted(info_codes["eu-us texts disagree"])))
        else:
            comments += [f"{k}: {v}" for k, v in sorted(info.items()) if k.startswith(f"{a}-{b}:") or (b == "jp" and "jp-links" in k)]
        if "jp" in (a, b) and "jp-links.yaml" not in D.files:
            comments.append("jp-links.yaml (Japan's entries -> regime items) was not read when this file was made (absent, or "
                            "--ignore): only the manual row-category links are written.")
        path = out / f"crosswalk-{a}-{b}.yaml"
        header = (f"GENERATED by scripts/import_crosswalk.py from data/lists/{', '.join(f for f in D.files)}"
                  " and the reference texts (eu-annex-i, us-ccl, us-ccl-full); do not edit")
        if rws:
            write_yaml(path, header, sources=SOURCES if (a, b) == ("eu", "us") else None,
                       tables=[{"type": "Correspondence", "source": SRC, "columns": cols, "rows": rws}], comments=comments)
        else:
            write_yaml(path, header, sources=SOURCES if (a, b) == ("eu", "us") else None, comments=comments)
            with path.open("a", encoding="utf-8") as f:
                f.write("tables: []\n")
        summary.append(f"{a}-{b}: {len(rws)} records; " + "; ".join(f"{k}: {v}" for k, v in sorted(st.items())))
    for s in summary:
        print(s)
    for k, v in sorted(info.items()):
        print(f"  {k}: {v}")


info_codes = defaultdict(list)
DIVERGENT_KNOWN = {"1C350", "1C351", "1C353", "1C354", "1C450"}   # chemicals and pathogens: numbered differently


if __name__ == "__main__":
    main()
