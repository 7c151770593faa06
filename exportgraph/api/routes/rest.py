"""REST endpoints for the core resources: jurisdictions, regimes, memberships, instruments,
agencies, procedures and time limits, cases, recommendations, search, and any resource by id."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from exportgraph.api.deps import Store
from exportgraph.api.respond import AsOf, Format, Limit, Offset, page
from exportgraph.query import base as Q

router = APIRouter(prefix="/api", tags=["resources"])
Jurisdiction = Annotated[str | None, Query(description="Jurisdiction id: cn, us, eu, jp, nl, de.",
                                           examples=["cn"])]


@router.get("/jurisdictions", summary="Jurisdictions (China, the US, the EU and member states, Japan)")
def jurisdictions(store: Store, format: Format = "json", limit: Limit = 100, offset: Offset = 0) -> Response:
    return page(Q.listing(store, "Jurisdiction"), format, limit, offset)


@router.get("/regimes", summary="Multilateral regimes with founding date and participant count")
def regimes(store: Store, format: Format = "json", limit: Limit = 100, offset: Offset = 0) -> Response:
    return page(Q.regimes(store), format, limit, offset)


@router.get("/regimes/{regime:path}/headcount", summary="A regime's head-count over time, from dated memberships")
def headcount(store: Store, regime: Annotated[str, Path(examples=["regime/nsg"])], format: Format = "json",
              limit: Limit = 1000, offset: Offset = 0) -> Response:
    return page(Q.headcounts(store, regime), format, limit, offset)


@router.get("/memberships", summary="Regime memberships, optionally as of a date")
def memberships(store: Store, as_of: AsOf = None, jurisdiction: Jurisdiction = None,
                regime: Annotated[str | None, Query(examples=["regime/nsg"])] = None,
                format: Format = "json", limit: Limit = 100, offset: Offset = 0) -> Response:
    day = Q.parse_as_of(as_of)
    rows = Q.memberships(store, day, jurisdiction, regime)
    return page(rows, format, limit, offset, {"as_of": as_of, "note": Q.span_note(store, day, "RegimeMembership")})


@router.get("/instruments", summary="Legal instruments, optionally of one jurisdiction and in force on a date")
def instruments(store: Store, jurisdiction: Jurisdiction = None, as_of: AsOf = None, format: Format = "json",
                limit: Limit = 100, offset: Offset = 0) -> Response:
    return page(Q.instruments(store, jurisdiction, Q.parse_as_of(as_of)), format, limit, offset)


@router.get("/agencies", summary="Agencies with their parent bodies and roles")
def agencies(store: Store, jurisdiction: Jurisdiction = None,
             role: Annotated[str | None, Query(description="licensing, list-maintenance, enforcement, customs, ...",
                                               examples=["licensing"])] = None,
             as_of: AsOf = None, format: Format = "json", limit: Limit = 100, offset: Offset = 0) -> Response:
    return page(Q.agencies(store, jurisdiction, role, Q.parse_as_of(as_of)), format, limit, offset)


@router.get("/time-limits", summary="Licensing time limits, their legal basis and whether it binds (statutory) or sets a target")
def time_limits(store: Store, jurisdiction: Jurisdiction = None, as_of: AsOf = None, format: Format = "json",
                limit: Limit = 100, offset: Offset = 0) -> Response:
    return page(Q.time_limits(store, jurisdiction, Q.parse_as_of(as_of)), format, limit, offset)


@router.get("/procedures", summary="Licensing, classification and commodity-jurisdiction procedures")
def procedures(store: Store, jurisdiction: Jurisdiction = None, format: Format = "json", limit: Limit = 100,
               offset: Offset = 0) -> Response:
    return page(Q.listing(store, "Procedure", jurisdiction=jurisdiction), format, limit, offset)


@router.get("/licence-types", summary="Licence types and general authorisations")
def licence_types(store: Store, jurisdiction: Jurisdiction = None, format: Format = "json", limit: Limit = 100,
                  offset: Offset = 0) -> Response:
    return page(Q.listing(store, "LicenceType", jurisdiction=jurisdiction), format, limit, offset)


@router.get("/measures", summary="Control measures (catch-all, end-user, extraterritorial, penalties, ...)")
def measures(store: Store, jurisdiction: Jurisdiction = None, as_of: AsOf = None, format: Format = "json",
             limit: Limit = 100, offset: Offset = 0) -> Response:
    return page(Q.listing(store, "ControlMeasure", Q.parse_as_of(as_of), jurisdiction), format, limit, offset)


@router.get("/cases", summary="Cases, with the dates of their first and last events")
def cases(store: Store, format: Format = "json", limit: Limit = 100, offset: Offset = 0) -> Response:
    return page(Q.cases(store), format, limit, offset)


@router.get("/cases/{case_id:path}/timeline", summary="A case as dated events")
def timeline(case_id: Annotated[str, Path(examples=["case/cn-gallium-germanium"])], store: Store) -> dict[str, Any]:
    return Q.timeline(store, case_id)


@router.get("/recommendations", summary="Recommendations: who could learn what from whom, and why")
def recommendations(store: Store, format: Format = "json", limit: Limit = 100, offset: Offset = 0) -> Response:
    return page(Q.recommendations(store), format, limit, offset)


# /api/search lives in routes/search.py (facets, true totals, pages).


@router.get("/resource/{record_id:path}", summary="Every statement about a resource, with sources")
def resource(record_id: Annotated[str, Path(examples=["cn/agency/mofcom"])], store: Store) -> dict[str, Any]:
    return Q.describe(store, record_id)
