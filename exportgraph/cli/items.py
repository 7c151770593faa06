"""CLI commands beside the core ones: item lookups, crosswalks, customs codes, diffs, parties, comparison.

Each prints a table, JSON or CSV, and fails with one line and a non-zero exit like every command.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from exportgraph.cli.common import Add, open_store_for, print_rows
from exportgraph.settings import Settings


def _store(settings: Settings) -> Any:
    return open_store_for(settings)


def _emit(data: Any, fmt: str, columns: list[str] | None = None) -> None:
    if fmt == "json" or columns is None:
        print(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        print_rows(data, columns, fmt)


def cmd_entry(args: argparse.Namespace, settings: Settings) -> int:
    from exportgraph.query.items import lookup, lookup_warnings
    from exportgraph.query.parameters import side_by_side

    store = _store(settings)
    found = lookup(store, args.code, args.list)
    warnings = lookup_warnings(store, found)
    params = side_by_side(store, found) if args.parameters else {"entries": [], "rows": []}
    if args.format == "json":
        _emit({"code": args.code, "entries": found, "warnings": warnings, "parameters": params}, "json")
        return 0
    rows = [dict(e, link="; ".join(x for x in (e["regime_link"], f"via {e['found_via']}" if e["found_via"] else "") if x))
            for e in found]
    _emit(rows, args.format, ["code", "list", "edition", "valid_from", "label", "link"])
    out = sys.stderr if args.format == "csv" else sys.stdout
    for warning in warnings:
        print(f"warning: {warning}", file=out)
    if params["rows"] and args.format == "table":
        print("\nparameters side by side (verdict: the first entry against the second; stricter = controls more):")
        _emit(params["rows"], "table", ["a", "a_value", "verdict", "b_value", "b"])
    return 0


def cmd_crosswalk(args: argparse.Namespace, settings: Settings) -> int:
    from exportgraph.query.items import crosswalk

    result = crosswalk(_store(settings), args.entry)
    if args.format == "json":
        _emit(result, "json")
        return 0
    rows = [dict(r, kind=f"{r['match']} ({r['method']})") for r in result["correspondences"]]
    rows += [dict(r, kind="via other correspondences") for r in result["via_other_correspondences"]]
    rows += [dict(r, kind="same code only (candidate)") for r in result["same_code_candidates"]]
    rows += [{"id": c["id"], "code": c["code"], "list": c["nomenclature"], "kind": f"customs ({c['confidence']})",
              "label": ""} for c in result["customs_codes"]]
    print(f"{result['entry']}: {result['label']}")
    _emit(rows, args.format, ["kind", "code", "list", "id", "label"])
    if result["note"]:
        print(result["note"])
    return 0


def cmd_customs(args: argparse.Namespace, settings: Settings) -> int:
    from exportgraph.query.base import parse_as_of
    from exportgraph.query.items import customs_candidates

    result = customs_candidates(_store(settings), args.code, parse_as_of(args.as_of))
    if args.format == "json":
        _emit(result, "json")
        return 0
    rows = [dict(e, jurisdiction=j) for j, entries in result["candidates"].items() for e in entries]
    for row in rows:
        row["linked_via"] = ", ".join(row["linked_via"])
    _emit(rows, args.format, ["jurisdiction", "code", "list", "relation", "linked_via", "basis", "label"])
    if result["same_heading_only_in"]:
        print(f"only entries under another subheading of heading {result['code'][:4]} in: "
              + ", ".join(result["same_heading_only_in"]) + " (marked 'same heading': not candidates for goods of this code)")
    if result["no_candidate_in"]:
        print("no entry linked to this code, its headings or its subdivisions in: " + ", ".join(result["no_candidate_in"]))
    print(result["note"])
    return 0


def cmd_diff(args: argparse.Namespace, settings: Settings) -> int:
    from exportgraph.exc import BadRequest
    from exportgraph.query.base import parse_as_of
    from exportgraph.query.diffs import diff

    before, after = parse_as_of(args.before), parse_as_of(args.after)
    if before is None or after is None:
        raise BadRequest("give two dates YYYY-MM-DD")
    result = diff(_store(settings), args.scope, before, after)
    if args.format == "json":
        _emit(result, "json")
        return 0
    known = result["in_force_before"] if result["in_force_before"] is not None else "unknown"
    print(f"{args.scope}: {known} entries in force on {result['before']}, {result['in_force_after']} on {result['after']}")
    rows = [dict(e, change="added") for e in result["added"]] + [dict(e, change="removed") for e in result["removed"]]
    rows += [dict(c["after"], change="changed") for c in result["changed"]]
    _emit(rows, args.format, ["change", "list", "code", "valid_from", "valid_until", "label"])
    if result["note"]:
        print(f"note: {result['note']}")
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from exportgraph.query.base import search

    _emit(search(_store(settings), args.text, limit=args.limit, cls=args.type), args.format, ["type", "id", "label"])
    return 0


def cmd_party(args: argparse.Namespace, settings: Settings) -> int:
    from exportgraph.query.parties import parties

    rows = parties(_store(settings), args.name, args.list, limit=args.limit)
    if args.format == "json":
        _emit(rows, "json")
        return 0
    flat = [{"name": p["name"], "original": p["original_name"], "country": p["country"], "list": lst["list"],
             "date": lst["date"], "basis": lst["basis"]} for p in rows for lst in p["listings"]]
    _emit(flat, args.format, ["name", "original", "country", "list", "date", "basis"])
    return 0


def cmd_compare(args: argparse.Namespace, settings: Settings) -> int:
    from exportgraph.query.base import parse_as_of, today
    from exportgraph.query.compare import compare

    dims = [d for d in (args.dimensions or "").split(",") if d] or None
    result = compare(_store(settings), args.jurisdictions.split(","), parse_as_of(args.as_of) or today(), dims)
    if args.format == "json":
        _emit(result, "json")
        return 0
    rows = [{"dimension": d["dimension"], "outcome": d["outcome"], "verdict": d["verdict"],
             **{p["jurisdiction"]: p["value"] for p in d["positions"]}, "why": d["explanation"]}
            for d in result["dimensions"]]
    _emit(rows, args.format, ["dimension", "outcome", "verdict", *result["jurisdictions"], "why"])
    return 0


def _fmt(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")


def register(add: Add) -> None:
    """Add the item-level and comparison commands."""
    p = add("entry", cmd_entry, "Look an entry up by code in every list (or one).")
    p.add_argument("code", help="e.g. 3B001, 3B001.a.1, 1C902")
    p.add_argument("--list", help="a list id, e.g. eu/list/annex-i")
    p.add_argument("--no-parameters", dest="parameters", action="store_false",
                   help="do not compare the entries' parameters")
    _fmt(p)
    p = add("crosswalk", cmd_crosswalk, "An entry's counterparts in every other list, and its customs codes.")
    p.add_argument("entry", help="an entry id, or a code that is in one list only")
    _fmt(p)
    p = add("customs", cmd_customs, "Candidate control entries for an HS (2/4/6 digits) or CN (8 digits) code.")
    p.add_argument("code")
    p.add_argument("--as-of", help="only entries in force on this date")
    _fmt(p)
    p = add("diff", cmd_diff, "What changed in a list (or a jurisdiction's lists) between two dates.")
    p.add_argument("scope", help="a list id (cn/list/dual-use-items) or a jurisdiction (cn)")
    p.add_argument("before")
    p.add_argument("after")
    _fmt(p)
    p = add("search", cmd_search, "Search labels, titles and codes in English, Chinese or Japanese.")
    p.add_argument("text")
    p.add_argument("--type", help="a class, e.g. ControlEntry, Agency, LegalInstrument")
    p.add_argument("--limit", type=int, default=20)
    _fmt(p)
    p = add("party", cmd_party, "Find a party on the party lists.")
    p.add_argument("name")
    p.add_argument("--list", help="a party list id, e.g. us/list/entity-list")
    p.add_argument("--limit", type=int, default=20)
    _fmt(p)
    p = add("compare", cmd_compare, "Compare jurisdictions on the dimensions: converge or diverge, with evidence.")
    p.add_argument("jurisdictions", nargs="?", default="cn,us,eu,jp")
    p.add_argument("--dimensions", help="comma-separated dimension codes (default: all)")
    p.add_argument("--as-of", help="date YYYY-MM-DD (default: today)")
    _fmt(p)
