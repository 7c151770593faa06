"""Report where the data's sources come from (issue 12).

Reads every data file (`data/**/*.yaml`, YAML only, no build) and the allow-list of official
publishers `data/source-domains.yml`, and prints:
- the top N domains by number of sources (with the sources' kinds and whether the domain is allowed);
- per file: records, records marked `unverified: true`, sources of kind secondary, and the records
  whose sources are all secondary;
- the sources that break the allow-list (see data/FORMAT.md, "Where sources may come from").

Usage: python scripts/report_sources.py [--data DIR] [--top N]
Plain Python 3.11, stdlib + PyYAML. tests/test_data_sources.py imports the functions below.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
ALLOW_LIST = DATA / "source-domains.yml"
try:
    Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    Loader = yaml.SafeLoader

# Classes whose records may cite a publisher's homepage: the organisation itself is the fact.
ORGANISATION_CLASSES = {"Agency", "Jurisdiction", "Regime", "SourceDocument"}


@dataclass
class Rec:
    id: str
    type: str
    path: str                     # data file, relative to data/
    sources: list[str]
    unverified: bool
    props: dict[str, Any] = field(default_factory=dict)
    nested: bool = False          # a record written inside another record's property


@dataclass
class Src:
    id: str
    path: str
    url: str
    kind: str
    issued: str | None
    title: Any


def load_allow_list(path: Path = ALLOW_LIST) -> dict[str, dict[str, Any]]:
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)
    return {str(d["domain"]).lower(): d for d in doc["domains"]}


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def match_domain(host: str, allow: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The most specific allow-list entry for the host (itself or a parent domain)."""
    parts = host.split(".")
    for i in range(len(parts)):
        entry = allow.get(".".join(parts[i:]))
        if entry is not None:
            return entry
    return None


def _archive_ok(url: str, entry: dict[str, Any], allow: dict[str, dict[str, Any]]) -> bool:
    if entry["domain"] == "web.archive.org":
        m = re.search(r"/(https?://[^\s]+)$", urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else ""))
        if not m:
            m = re.search(r"(https?://\S+)", url[len("https://web.archive.org"):])
        if not m:
            return False
        inner = match_domain(host_of(m.group(1)), allow)
        return inner is not None and inner["kind"] not in ("archive", "dataset-host", "identifier")
    return bool(entry.get("archives"))


def check_source(src: Src, allow: dict[str, dict[str, Any]]) -> str | None:
    """None if the source's URL is acceptable for its kind, else the reason it is not."""
    host = host_of(src.url)
    entry = match_domain(host, allow)
    if src.kind == "secondary":
        return None  # a mirror is allowed as such; its records must be unverified (separate check)
    if entry is None:
        return f"{host} is not an official publisher's domain (kind {src.kind}; use kind secondary)"
    kind = entry["kind"]
    if kind == "dataset-host" and src.kind != "dataset":
        return f"{host} hosts datasets only, but the source is kind {src.kind}"
    if kind == "identifier" and src.kind != "editorial":
        return f"{host} holds identifiers only, but the source is kind {src.kind}"
    if kind == "archive" and not _archive_ok(src.url, entry, allow):
        return f"{host}: an archived copy of a page that is not on an allowed domain"
    return None


HOME_RE = re.compile(r"^/?((index|default|home)\.(s?html?|php|aspx?|jsp))?$|^/?(en|english|zh|ja|jp|cn|eng)/?$", re.I)


def is_homepage(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.query and not parts.fragment and bool(HOME_RE.match(parts.path or "/"))


def data_files(data: Path = DATA) -> list[Path]:
    return sorted(data.rglob("*.yaml"))


def _read_record(raw: dict[str, Any], path: str, inherited: list[str], unverified: bool, out: list[Rec],
                 nested: bool = False) -> None:
    src = raw.get("source", inherited)
    if isinstance(src, (str, dict)):
        src = [src]
    ids = [s if isinstance(s, str) else str(s.get("source")) for s in (src or [])] or inherited
    unv = bool(raw.get("unverified", unverified))
    props = {k: v for k, v in raw.items() if k not in ("id", "type", "source", "unverified")}
    rid = str(raw.get("id", ""))
    out.append(Rec(id=rid, type=str(raw.get("type", "")), path=path, sources=ids, unverified=unv, props=props,
                   nested=nested))
    # nested records (a mapping with type:) carry their own prose
    for k, v in raw.items():
        items = v if isinstance(v, list) else [v]
        for n, item in enumerate(items, 1):
            if isinstance(item, dict) and "type" in item and k.count(":") == 1:
                child = dict(item)
                child.setdefault("id", f"{rid}/{k.split(':')[1]}-{n}")
                _read_record(child, path, ids, unv, out, nested=True)


def read_all(data: Path = DATA) -> tuple[dict[str, Src], list[Rec]]:
    sources: dict[str, Src] = {}
    records: list[Rec] = []
    for f in data_files(data):
        rel = str(f.relative_to(data))
        doc = yaml.load(f.read_text(encoding="utf-8"), Loader=Loader) or {}
        for s in doc.get("sources") or []:
            sources[str(s["id"])] = Src(id=str(s["id"]), path=rel, url=str(s.get("url", "")), kind=str(s.get("kind")),
                                        issued=str(s["issued"]) if s.get("issued") else None, title=s.get("title"))
        for raw in doc.get("records") or []:
            _read_record(raw, rel, [], False, records)
        for t in doc.get("tables") or []:
            src = t.get("source")
            ids = [src] if isinstance(src, str) else [s if isinstance(s, str) else s["source"] for s in src or []]
            cols = t["columns"]
            for row in t.get("rows") or []:
                props = {c: v for c, v in zip(cols, row, strict=False) if c != "id" and v not in (None, "")}
                records.append(Rec(id=str(row[cols.index("id")]), type=str(t["type"]), path=rel, sources=list(ids),
                                   unverified=bool(t.get("unverified", False)), props=props))
    return sources, records


def per_file_counts(sources: dict[str, Src], records: list[Rec]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = collections.defaultdict(lambda: collections.Counter())
    for s in sources.values():
        if s.kind == "secondary":
            out[s.path]["secondary sources"] += 1
        out[s.path]["sources"] += 1
    for r in records:
        c = out[r.path]
        c["records"] += 1
        if r.unverified:
            c["unverified"] += 1
        kinds = {sources[s].kind for s in r.sources if s in sources}
        if kinds == {"secondary"}:
            c["secondary-only records"] += 1
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--top", type=int, default=20)
    args = ap.parse_args(argv)
    allow = load_allow_list(args.data / "source-domains.yml")
    sources, records = read_all(args.data)
    by_domain: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for s in sources.values():
        entry = match_domain(host_of(s.url), allow)
        key = entry["domain"] if entry else host_of(s.url)
        by_domain[key][s.kind] += 1
    print(f"{len(sources)} sources on {len(by_domain)} domains (allow-list: {len(allow)} domains)")
    print(f"\nTop {args.top} domains (a domain counts its subdomains when it is on the allow-list):")
    ranked = sorted(by_domain.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    for dom, kinds in ranked[: args.top]:
        mark = "allowed" if dom in allow else "NOT on the allow-list"
        k = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        print(f"  {sum(kinds.values()):4d}  {dom:32s} {mark:22s} ({k})")
    off = sum(sum(k.values()) for d, k in by_domain.items() if d not in allow)
    print(f"  ... {off} sources on {sum(1 for d in by_domain if d not in allow)} domains not on the allow-list")
    print("\nPer file: records / unverified / secondary-only records / sources / secondary sources")
    counts = per_file_counts(sources, records)
    tot: collections.Counter[str] = collections.Counter()
    for path in sorted(counts):
        c = counts[path]
        tot.update(c)
        if c["unverified"] or c["secondary sources"] or c["secondary-only records"]:
            print(f"  {path:34s} {c['records']:6d} {c['unverified']:5d} {c['secondary-only records']:5d}"
                  f" {c['sources']:5d} {c['secondary sources']:5d}")
    print(f"  {'TOTAL':34s} {tot['records']:6d} {tot['unverified']:5d} {tot['secondary-only records']:5d}"
          f" {tot['sources']:5d} {tot['secondary sources']:5d}")
    bad = [(s.path, s.id, why) for s in sources.values() if (why := check_source(s, allow))]
    print(f"\nSources breaking the allow-list: {len(bad)}")
    for path, sid, why in sorted(bad):
        print(f"  {path}: {sid}: {why}")
    home = sorted((s.path, s.id, s.url) for s in sources.values() if is_homepage(s.url) and s.kind != "editorial")
    print(f"\nSources that are a homepage: {len(home)}")
    for path, sid, url in home:
        print(f"  {path}: {sid}: {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
