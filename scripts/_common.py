"""Shared helpers for the import scripts (stdlib + PyYAML only).

- `reference_dir()` parses --reference (default: ../shared/reference relative to the repo root);
- `write_yaml()` writes a data file in the format of data/FORMAT.md, deterministically:
  sources and records in block style, table rows in flow style, one row per line;
- `short_heading()` trims a heading to a short title (never whole legal text).
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
DATA_LISTS = REPO / "data" / "lists"


def parse_args(description: str, extra=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--reference", default=str(REPO.parent / "shared" / "reference"),
                   help="folder of the reference snapshots (default: ../shared/reference from the repo root)")
    p.add_argument("--out", default=str(DATA_LISTS), help="output folder (default: data/lists)")
    if extra:
        extra(p)
    return p.parse_args()


# ---------------------------------------------------------------- YAML emitter

_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9/._@-]*(:[A-Za-z][A-Za-z0-9/._@-]*)?$")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "none", "~"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def scalar(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        r = repr(v)
        return r
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, Date):
        return v.s
    s = str(v)
    if _PLAIN.match(s) and s.lower() not in _RESERVED:
        return s
    return json.dumps(s, ensure_ascii=False)


class Date:
    """A date written unquoted (YYYY-MM-DD), read back by YAML as a date."""

    def __init__(self, s: str):
        assert _DATE.match(s), s
        self.s = s


def flow(v) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{scalar(k)}: {flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(flow(x) for x in v) + "]"
    return scalar(v)


def block(v, indent: int) -> list[str]:
    """Block-style lines for a mapping value (small dicts/lists of scalars in flow style)."""
    pad = " " * indent
    out = []
    for k, x in v.items():
        if isinstance(x, dict) and any(isinstance(y, (dict, list)) for y in x.values()):
            out.append(f"{pad}{scalar(k)}:")
            out.extend(block(x, indent + 2))
        elif isinstance(x, list) and any(isinstance(y, dict) for y in x):
            out.append(f"{pad}{scalar(k)}:")
            for y in x:
                if isinstance(y, dict):
                    sub = block(y, indent + 4)
                    sub[0] = pad + "  - " + sub[0].lstrip()
                    out.extend(sub)
                else:
                    out.append(f"{pad}  - {flow(y)}")
        else:
            out.append(f"{pad}{scalar(k)}: {flow(x)}")
    return out


def write_yaml(path: Path, header: str, sources=None, records=None, tables=None, comments=None) -> None:
    lines = [f"# {header}"]
    for c in comments or []:
        lines.append(f"# {c}" if c else "#")
    if sources:
        lines.append("sources:")
        for s in sources:
            sub = block(s, 4)
            sub[0] = "  - " + sub[0].lstrip()
            lines.extend(sub)
    if records:
        lines.append("records:")
        for r in records:
            sub = block(r, 4)
            sub[0] = "  - " + sub[0].lstrip()
            lines.extend(sub)
    if tables:
        lines.append("tables:")
        for t in tables:
            lines.append(f"  - type: {scalar(t['type'])}")
            lines.append(f"    source: {flow(t['source'])}")
            lines.append(f"    columns: {flow(t['columns'])}")
            lines.append("    rows:")
            n = len(t["columns"])
            for row in t["rows"]:
                assert len(row) == n, (t["type"], row)
                lines.append(f"      - {flow(list(row))}")
    text = "\n".join(lines) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    # round-trip check: the file must parse
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    yaml.load(text, Loader=loader)


# ---------------------------------------------------------------- text helpers

def clean(s: str) -> str:
    return re.sub(r"\s+", " ", s or "").strip()


def trim(s: str, limit: int) -> str:
    s = clean(s)
    if len(s) <= limit:
        return s
    cut = s[:limit]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-(") + "…"


def short_heading(s: str, limit: int = 120) -> str:
    """First clause of a paragraph: up to the first ';' or ':' (not inside brackets), trimmed."""
    s = clean(s)
    depth = 0
    for i, ch in enumerate(s):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch in ";:" and depth == 0 and i > 0:
            s = s[:i]
            break
    s = re.sub(r"(,?\s+(as follows|and|or))+$", "", s).rstrip(" ,.")
    return trim(s, limit)


# Where the name of a controlled good ends in a sub-item's legal text: the first of these marks
# (case-insensitive; a word mark only after the first character). See scripts/README.md, "Labels".
NAME_STOPS = (":", ";", ",", " having ", " with ", " which ", " that ", " specially ", " designed ",
              " as follows", " other than ", " except ", " (")
NAME_STOPS_JA = ("、", "であって", "のうち")
QUALIFIER = re.compile(r"(specially\s+)?(designed|modified|prepared)(\s+(or|and/or|and)\s+(designed|modified|prepared))*\s+",
                       re.IGNORECASE)


def cap_words(s: str, limit: int) -> str:
    """At most `limit` characters, cut on a word boundary, with no ellipsis."""
    if len(s) <= limit:
        return s
    cut = s[:limit]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-(")


def good_name(s: str, limit: int = 80) -> str:
    """The name of the controlled good in a sub-item's text: the text up to the first NAME_STOPS
    mark, capped at `limit` characters on a word boundary. Never more of the legal text."""
    s = clean(s)
    # "Specially designed components for X" names components: drop the leading qualifier, which
    # would otherwise leave the one word "Specially".
    lead = QUALIFIER.match(s)
    if lead and len(s) > lead.end():
        s = s[lead.end()].upper() + s[lead.end() + 1:]
    low = s.lower()
    cuts = [i for i in (low.find(stop, 1) for stop in NAME_STOPS if stop not in ",;:") if i > 0]
    # A punctuation mark ends the name only when a space or the end follows: chemical names such as
    # "N,N-dimethyl..." or "1,1,1-trichloro..." keep their commas.
    mark = re.compile(r"[,;:](\s|$)").search(s, 1)
    if mark:
        cuts.append(mark.start())
    if cuts:
        s = s[: min(cuts)]
    s = re.sub(r"(\s+(and|or|and/or))+$", "", s).rstrip(" ,.;:-")
    return cap_words(s, limit)


def good_name_ja(s: str, limit: int = 40) -> str:
    """Japanese: the text up to the first 、, であって or のうち, capped at `limit` characters."""
    s = clean(s)
    cuts = [i for i in (s.find(stop, 1) for stop in NAME_STOPS_JA) if i > 0]
    if cuts:
        s = s[: min(cuts)]
    s = s.rstrip("。、 ")
    return s[:limit]


# ---------------------------------------------------------------- regime of origin

REGIME_BY_DIGIT = {"0": "regime/wa", "1": "regime/mtcr", "2": "regime/nsg", "3": "regime/ag", "4": "regime/cwc"}


def regime_origin(code: str, us: bool = False):
    """Regime of origin from the numbering convention of a five-character code (e.g. 3B001).

    Category 0 is the NSG Trigger List (except the x5xx/x6xx/x9xx ranges); otherwise the third
    character gives the regime: 0 Wassenaar, 1 MTCR, 2 NSG, 3 Australia Group, 4 CWC. x5xx and
    x9xx are national (unilateral) entries; in the US, x6xx ("600 series") carries the Wassenaar
    Munitions List, and x09x (e.g. 3A090) are US unilateral entries. Returns None when no regime.
    """
    third = code[2]
    if third in "59":
        return None
    if us and third == "6":
        return "regime/wa"
    if us and code[2:4] == "09":
        return None
    if code[0] == "0":
        return "regime/nsg"
    return REGIME_BY_DIGIT.get(third)
