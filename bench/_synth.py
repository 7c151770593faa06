"""A generated export-control-shaped dataset (N-Quads), deterministic for a seed.

Shape, in our vocabulary (eg:, skos:, prov:): jurisdictions with two control lists each, four dated
editions per list (eg:editionOf, eg:validFrom/validUntil); entries with codes (skos:notation), labels in
English (and Chinese or Japanese for cn/jp), sub-items (skos:broader), reasons and regime of origin;
eg:crosswalkGroup on the entries of the latest editions; typed correspondences between latest editions
(eg:Correspondence); an HS 2022 / CN 8-digit nomenclature (skos:broader up to the chapter) with customs
links to entries (eg:CustomsLink); cases with dated events. One named graph per source document.

    python bench/_synth.py --triples 1000000 --seed 7 --out /tmp/synth.nq
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

ID = "https://w3id.org/exportgraph/id/"
EG = "https://w3id.org/exportgraph/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
PROV_FROM = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"

def _words(text: str) -> list[str]:
    return text.split()


JURISDICTIONS = ["cn", "us", "eu", "jp", "uk", "kr"]
LISTS = ["dual-use", "munitions"]
EDITIONS = ["2022-01-01", "2023-06-01", "2024-09-01", "2025-11-15"]
UNTIL = ["2023-05-31", "2024-08-31", "2025-11-14", None]
REGIMES = ["wa", "nsg", "mtcr", "ag", "cwc"]
REASONS = ["NS", "MT", "NP", "CB", "AT", "RS", "CC"]
MATCH = ["exact", "close", "broad", "narrow", "related"]
METHOD = ["same-code-only", "text-compared", "official-correlation"]
CONF = ["high", "medium", "low"]
WORDS = _words('equipment systems components materials software technology assemblies specially designed '
               'for the production development use of semiconductor devices lasers sensors navigation '
               'avionics marine propulsion telecommunications cryptography computers electronics nuclear '
               'chemical biological agents precursors alloys composites fibres ceramics magnets rare-earth '
               'germanium tungsten titanium beryllium lithium isotopes reactors centrifuges valves pumps '
               'machine tools robots vehicles aircraft spacecraft missiles rockets engines turbines radar '
               'sonar cameras detectors imaging thermal optical vacuum deposition etching lithography '
               'wafers masks substrates')
ZH = _words('设备 系统 部件 材料 软件 技术 专门设计 半导体 激光 传感器 导航 '
            '通信 密码 计算机 核 化学 生物 稀土 镓 锗 钨')
JA = _words('装置 システム 部品 材料 ソフトウェア 技術 特別に設計 半導体 レーザー センサー 航法 通信 暗号 ガリウム')


def _lit(text: str, lang: str | None = None, dtype: str | None = None) -> str:
    body = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if lang:
        return body + "@" + lang
    if dtype:
        return f"{body}^^<{dtype}>"
    return body


def generate(path: Path, triples: int = 1_000_000, seed: int = 7) -> int:
    """Write the dataset; entries per edition scale so that the total is close to `triples`. Returns the count."""
    rnd = random.Random(seed)
    # Fixed costs (nomenclature, cases, correspondences) are roughly a third at 1M; entries carry the rest.
    scale = triples / 1_000_000
    top_per_edition = max(20, int(480 * scale))
    universe_size = max(40, int(top_per_edition * 2.2))
    universe = sorted({f"{rnd.randrange(10)}{'ABCDE'[rnd.randrange(5)]}{rnd.randrange(1, 999):03d}"
                       for _ in range(universe_size * 2)})[:universe_size]
    if "3B001" not in universe:
        universe[0] = "3B001"
    n = 0
    with path.open("w", encoding="utf-8") as out:

        def q(s: str, p: str, o: str, g: str) -> None:
            nonlocal n
            out.write(f"{s} {p} {o} {g} .\n")
            n += 1

        def label(words: int = 7) -> str:
            text = " ".join(rnd.choice(WORDS) for _ in range(words))
            if rnd.random() < 0.004:
                text += " containing gallium"
            return text[0].upper() + text[1:]

        reg = f"<{ID}src/registry>"
        for j in JURISDICTIONS:
            q(f"<{ID}{j}>", RDF_TYPE, f"<{EG}Jurisdiction>", reg)
            q(f"<{ID}{j}>", RDFS_LABEL, _lit(j.upper(), "en"), reg)
        for r in REGIMES:
            q(f"<{ID}regime/{r}>", RDF_TYPE, f"<{EG}Regime>", reg)
        for r in REASONS:
            q(f"<{EG}ReasonForControl-{r}>", f"<{SKOS}notation>", _lit(r), reg)
        for kind, values in (("MatchType", MATCH), ("MatchMethod", METHOD), ("Confidence", CONF)):
            for v in values:
                q(f"<{EG}{kind}-{v}>", f"<{SKOS}notation>", _lit(v), reg)

        # HS 2022: chapters, headings, subheadings; CN 8-digit under subheadings.
        hs_graph = f"<{ID}src/customs/hs2022>"
        cn_graph = f"<{ID}src/customs/cn2025>"
        subheadings: list[str] = []
        for ch in range(1, 98):
            chap = f"{ch:02d}"
            c_iri = f"<{ID}customs/hs2022/{chap}>"
            for p, o in ((RDF_TYPE, f"<{EG}CustomsCode>"), (f"<{SKOS}notation>", _lit(chap)),
                         (f"<{SKOS}inScheme>", f"<{ID}customs/hs2022>"), (f"<{SKOS}prefLabel>", _lit(label(4), "en"))):
                q(c_iri, p, o, hs_graph)
            for h in range(1, 1 + max(2, int(13 * min(1.0, scale) + 1))):
                head = f"{chap}{h:02d}"
                if chap == "81" and h == 1:
                    head = "8112"
                elif chap == "81" and h == 12:
                    head = "8101"  # 8112 is heading 1 here: written twice, its quads were counted twice in the manifest
                h_iri = f"<{ID}customs/hs2022/{head}>"
                for p, o in ((RDF_TYPE, f"<{EG}CustomsCode>"), (f"<{SKOS}notation>", _lit(head)),
                             (f"<{SKOS}inScheme>", f"<{ID}customs/hs2022>"), (f"<{SKOS}broader>", c_iri),
                             (f"<{SKOS}prefLabel>", _lit(label(5), "en"))):
                    q(h_iri, p, o, hs_graph)
                for s in range(1, 6):
                    sub = f"{head}{s * 10 + (2 if s == 9 else 0):02d}"
                    if head == "8112" and s == 1:
                        sub = "811292"
                    s_iri = f"<{ID}customs/hs2022/{sub}>"
                    subheadings.append(s_iri)
                    for p, o in ((RDF_TYPE, f"<{EG}CustomsCode>"), (f"<{SKOS}notation>", _lit(sub)),
                                 (f"<{SKOS}inScheme>", f"<{ID}customs/hs2022>"), (f"<{SKOS}broader>", h_iri),
                                 (f"<{SKOS}prefLabel>", _lit(label(6), "en"))):
                        q(s_iri, p, o, hs_graph)
                    for c in range(1, 3):
                        cn8 = f"{sub}{c * 10:02d}"
                        n_iri = f"<{ID}customs/cn2025/{cn8}>"
                        for p, o in ((RDF_TYPE, f"<{EG}CustomsCode>"), (f"<{SKOS}notation>", _lit(cn8)),
                                     (f"<{SKOS}inScheme>", f"<{ID}customs/cn2025>"), (f"<{EG}hsParent>", s_iri),
                                     (f"<{SKOS}prefLabel>", _lit(label(6), "en"))):
                            q(n_iri, p, o, cn_graph)
        assert f"<{ID}customs/hs2022/811292>" in subheadings

        latest: dict[str, list[tuple[str, str]]] = {}  # list -> [(code, entry iri)] of its latest edition
        groups: dict[str, str] = {}
        for j in JURISDICTIONS:
            for lst in LISTS:
                list_id = f"{j}/list/{lst}"
                l_iri = f"<{ID}{list_id}>"
                q(l_iri, RDF_TYPE, f"<{EG}ControlList>", reg)
                q(l_iri, f"<{EG}jurisdiction>", f"<{ID}{j}>", reg)
                q(l_iri, RDFS_LABEL, _lit(f"{j.upper()} {lst} list", "en"), reg)
                codes = sorted(rnd.sample(universe, top_per_edition))
                if j == "eu" and lst == "dual-use" and "3B001" not in codes:
                    codes[0] = "3B001"
                    codes.sort()
                for k, (start, until) in enumerate(zip(EDITIONS, UNTIL, strict=True)):
                    ed_id = f"{list_id}/{start}"
                    ed = f"<{ID}{ed_id}>"
                    g = f"<{ID}src/{j}/{lst}/{start}>"
                    q(g, RDF_TYPE, f"<{EG}SourceDocument>", g)
                    q(ed, RDF_TYPE, f"<{EG}ListEdition>", g)
                    q(ed, f"<{EG}editionOf>", l_iri, g)
                    q(ed, f"<{EG}validFrom>", _lit(start, dtype=XSD_DATE), g)
                    if until:
                        q(ed, f"<{EG}validUntil>", _lit(until, dtype=XSD_DATE), g)
                    if k:  # an edition changes a few codes
                        for i in rnd.sample(range(len(codes)), max(1, len(codes) // 30)):
                            if codes[i] != "3B001":
                                codes[i] = rnd.choice(universe)
                        codes = sorted(set(codes))
                    for code in codes:
                        e = f"<{ID}{ed_id}/{code}>"
                        items = [(code, e, f"<{ID}{ed_id}/category-{code[0]}>")]
                        for a in range(rnd.randrange(0, 5)):
                            sub = f"{code}.{'abcdefgh'[a]}"
                            items.append((sub, f"<{ID}{ed_id}/{sub}>", e))
                            for b in range(rnd.randrange(0, 3)):
                                items.append((f"{sub}.{b + 1}", f"<{ID}{ed_id}/{sub}.{b + 1}>",
                                              f"<{ID}{ed_id}/{sub}>"))
                        for notation, iri, parent in items:
                            q(iri, RDF_TYPE, f"<{EG}ControlEntry>", g)
                            q(iri, f"<{SKOS}notation>", _lit(notation), g)
                            q(iri, f"<{SKOS}inScheme>", ed, g)
                            q(iri, f"<{SKOS}broader>", parent, g)
                            q(iri, f"<{SKOS}prefLabel>", _lit(label(), "en"), g)
                            if j in ("cn", "jp"):
                                words = ZH if j == "cn" else JA
                                native = "".join(rnd.choice(words) for _ in range(5))
                                q(iri, f"<{SKOS}prefLabel>", _lit(native, "zh" if j == "cn" else "ja"), g)
                            q(iri, PROV_FROM, g, g)
                            if iri == e:
                                q(iri, f"<{EG}reasonForControl>", f"<{EG}ReasonForControl-{rnd.choice(REASONS)}>", g)
                                if rnd.random() < 0.6:
                                    q(iri, f"<{EG}regimeOrigin>", f"<{ID}regime/{rnd.choice(REGIMES)}>", g)
                    if until is None:
                        latest[list_id] = [(c, f"<{ID}{ed_id}/{c}>") for c in codes]

        # crosswalk groups: one per code, on the entries of the latest editions
        derived = f"<{ID}src/exportgraph/derived>"
        for _list_id, entries in sorted(latest.items()):
            for code, e in entries:
                grp = groups.setdefault(code, f"<{ID}crosswalk/{len(groups):06x}>")
                q(e, f"<{EG}crosswalkGroup>", grp, derived)
        # typed correspondences between latest editions of lists of the same kind (dual-use with dual-use)
        ids = sorted(latest)
        for a_i, a in enumerate(ids):
            for b in ids[a_i + 1:]:
                if a.rsplit("/", 1)[-1] != b.rsplit("/", 1)[-1]:
                    continue
                g = f"<{ID}src/crosswalk/{a.replace('/', '-')}--{b.replace('/', '-')}>"
                b_codes = dict(latest[b])
                for code, e in latest[a]:
                    if code not in b_codes:
                        continue
                    c = f"<{ID}correspondence/{a}/{code}/{b.split('/')[0]}>"
                    q(c, RDF_TYPE, f"<{EG}Correspondence>", g)
                    q(c, f"<{EG}correspondenceOf>", e, g)
                    q(c, f"<{EG}correspondsTo>", b_codes[code], g)
                    q(c, f"<{EG}matchType>", f"<{EG}MatchType-{rnd.choice(MATCH)}>", g)
                    q(c, f"<{EG}matchMethod>", f"<{EG}MatchMethod-{rnd.choice(METHOD)}>", g)
                    q(c, f"<{EG}confidence>", f"<{EG}Confidence-{rnd.choice(CONF)}>", g)
                    q(c, PROV_FROM, g, g)
        # customs links from a quarter of the latest entries to subheadings (811292 always linked from 3B001s)
        target = f"<{ID}customs/hs2022/811292>"
        for list_id, entries in sorted(latest.items()):
            g = f"<{ID}src/customs-links/{list_id.replace('/', '-')}>"
            for code, e in entries:
                if code != "3B001" and rnd.random() > 0.25:
                    continue
                hs = target if code == "3B001" else rnd.choice(subheadings)
                link = f"<{ID}customslink/{list_id}/{code}/{hs.rsplit('/', 1)[-1]}"
                for p, o in ((RDF_TYPE, f"<{EG}CustomsLink>"), (f"<{EG}customsCode>", hs),
                             (f"<{EG}controlEntry>", e), (f"<{EG}confidence>", f"<{EG}Confidence-{rnd.choice(CONF)}>"),
                             (PROV_FROM, g)):
                    q(link, p, o, g)
        # cases with events, a graph per jurisdiction and year
        n_cases = max(50, int(3000 * scale))
        for i in range(n_cases):
            j = rnd.choice(JURISDICTIONS)
            year = 2015 + rnd.randrange(11)
            g = f"<{ID}src/cases/{j}/{year}>"
            case = f"<{ID}case/{j}/{year}/{i:05d}>"
            q(case, RDF_TYPE, f"<{EG}Case>", g)
            q(case, RDFS_LABEL, _lit(f"Case {i}: unlicensed export of {label(3).lower()}", "en"), g)
            q(case, f"<{EG}jurisdiction>", f"<{ID}{j}>", g)
            q(case, PROV_FROM, g, g)
            for k in range(rnd.randrange(2, 6)):
                ev = f"<{ID}case/{j}/{year}/{i:05d}#event-{k}>"
                q(ev, RDF_TYPE, f"<{EG}CaseEvent>", g)
                q(ev, f"<{EG}eventOf>", case, g)
                q(ev, f"<{EG}date>", _lit(f"{year}-{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 29):02d}",
                                          dtype=XSD_DATE), g)
                q(ev, RDFS_LABEL, _lit(label(4), "en"), g)
    return n


def cached(triples: int, seed: int, directory: Path = Path("/tmp")) -> tuple[Path, int]:
    """The generated file for (triples, seed), written once and reused."""
    path = directory / f"bench-synth-{triples}-{seed}.nq"
    count_file = path.with_suffix(".count")
    if path.exists() and count_file.exists():
        return path, int(count_file.read_text())
    tmp = path.with_suffix(".tmp")
    count = generate(tmp, triples, seed)
    tmp.replace(path)
    count_file.write_text(str(count))
    return path, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    print(f"{generate(args.out, args.triples, args.seed)} quads written to {args.out}")


if __name__ == "__main__":
    main()
