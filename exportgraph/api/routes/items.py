"""Item-level endpoints: lists and entries, crosswalks, customs-code lookups, list diffs, parties."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from exportgraph.api.deps import Store
from exportgraph.api.respond import AsOf, Format, Limit, Offset, page
from exportgraph.exc import BadRequest
from exportgraph.query import diffs as D
from exportgraph.query import items as I
from exportgraph.query import parties as P
from exportgraph.query.base import parse_as_of, search
from exportgraph.query.lookup import lookup_report

router = APIRouter(prefix="/api", tags=["items"])
ALL = 1_000_000  # "every row": the true total is the length of the whole answer, then respond.page slices it


@router.get("/lists", summary="Control lists and party lists, with their editions and counts")
def lists(store: Store, format: Format = "json", limit: Limit = 100, offset: Offset = 0) -> Response:
    rows = I.lists(store)
    if format == "csv":
        rows = [{k: v for k, v in r.items() if k != "editions"} for r in rows]
    return page(rows, format, limit, offset)


@router.get("/entries", summary="Entries with a code, in every list or in one")
def entries(store: Store, code: Annotated[str, Query(examples=["3B001"])],
            list: Annotated[str | None, Query(description="A list id", examples=["eu/list/annex-i"])] = None,
            format: Format = "json", limit: Limit = 100, offset: Offset = 0) -> Response:
    found = lookup_report(store, code, list)
    return page(found.entries, format, limit, offset, extra={"warnings": found.warnings,
                                                             "parameters": found.parameters})


@router.get("/entries/search", summary="Search control entries by text (English, Chinese, Japanese)")
def entries_search(store: Store, q: Annotated[str, Query(min_length=1, max_length=200, examples=["gallium"])],
                   format: Format = "json", limit: Limit = 50, offset: Offset = 0) -> Response:
    # Every hit, then the page: `total` counts them all (it counted only the first offset + limit).
    return page(search(store, q, limit=ALL, cls="ControlEntry"), format, limit, offset)


@router.get("/crosswalk", summary="An entry's counterparts in every other list, and its customs codes")
def crosswalk(store: Store, entry: Annotated[str, Query(description="An entry id, or a code found in one list",
                                                        examples=["eu/list/annex-i/2025-11-15/3B001"])]) -> dict[str, Any]:
    return I.crosswalk(store, entry)


@router.get("/customs/{code}", summary="Candidate control entries for an HS or CN code (indicative only)")
def customs(code: Annotated[str, Path(examples=["811292"])], store: Store, as_of: AsOf = None) -> dict[str, Any]:
    return I.customs_candidates(store, code, parse_as_of(as_of))


@router.get("/diff", summary="What changed in a list, or a jurisdiction's lists, between two dates")
def diff(store: Store, scope: Annotated[str, Query(description="A list id or a jurisdiction id", examples=["cn"])],
         before: Annotated[str, Query(examples=["2023-07-15"])],
         after: Annotated[str, Query(examples=["2023-08-15"])]) -> dict[str, Any]:
    b, a = parse_as_of(before), parse_as_of(after)
    if b is None or a is None:
        raise BadRequest("before and after: dates YYYY-MM-DD")
    return D.diff(store, scope, b, a)


@router.get("/in-force", summary="Entries of a list, or a jurisdiction's lists, in force on a date")
def in_force(store: Store, scope: Annotated[str, Query(examples=["cn"])],
             as_of: Annotated[str, Query(examples=["2025-06-01"])], format: Format = "json", limit: Limit = 100,
             offset: Offset = 0) -> Response:
    day = parse_as_of(as_of)
    if day is None:  # as_of= (empty) parses to None: a client error, not an assertion (a 500)
        raise BadRequest("as_of: a date YYYY-MM-DD")
    return page(sorted(D.in_force(store, scope, day).values(), key=lambda e: (e["list"], e["code"])),
                format, limit, offset)


@router.get("/parties", summary="Find a party on the party lists (any script)")
def parties(store: Store, name: Annotated[str, Query(min_length=2, max_length=200, examples=["Huawei"])],
            list: Annotated[str | None, Query(examples=["us/list/entity-list"])] = None, format: Format = "json",
            limit: Limit = 50, offset: Offset = 0) -> Response:
    rows = P.parties(store, name, list, limit=ALL)  # every match, so that `total` is true
    return page(rows, format, limit, offset)
