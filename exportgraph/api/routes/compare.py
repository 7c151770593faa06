"""Convergence and divergence: the comparison engine over REST."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response

from exportgraph.api.deps import Store
from exportgraph.api.respond import AsOf, Format, page
from exportgraph.exc import BadRequest
from exportgraph.query import compare as C
from exportgraph.query.base import parse_as_of, today

router = APIRouter(prefix="/api", tags=["compare"])
Jurisdictions = Annotated[str, Query(description="Comma-separated jurisdiction ids.", examples=["cn,us,eu,jp"])]
Dimensions = Annotated[str | None, Query(description="Comma-separated dimension codes (default: all).",
                                         examples=["licensing-time-limit"])]


def _split(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


@router.get("/dimensions", summary="Comparison dimensions")
def dimensions(store: Store, format: Format = "json") -> Response:
    rows = C.dimensions(store)
    return page(rows, format, 1000, 0)


CACHE_BYTES = 4 << 20  # a web process's comparisons kept, per store: about 40 dates of the four jurisdictions


class Answers:
    """Encoded answers, the least recently used dropped first once they hold more than `limit` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit, self.size = limit, 0
        self.kept: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> bytes | None:
        with self.lock:
            found = self.kept.get(key)
            if found is not None:
                self.kept.move_to_end(key)
            return found

    def put(self, key: tuple[Any, ...], body: bytes) -> None:
        with self.lock:
            if key in self.kept:
                return
            self.kept[key] = body
            self.size += len(body)
            while self.size > self.limit and len(self.kept) > 1:
                self.size -= len(self.kept.popitem(last=False)[1])


def _compare(store: Any, jurisdictions: str, dimensions: str | None, as_of: str | None) -> bytes:
    """The comparison as JSON, memoised per store: a served graph never changes, so neither does the answer.

    Kept encoded: bytes are not objects the garbage collector walks, while a comparison kept as dicts and
    lists is about 220 of them, and 512 dates of them made every full collection (GIL held, /api/health
    waiting) walk 100,000 more objects. Encoded as FastAPI encodes a returned dict. Bounded in bytes: an
    answer is 85-105 KB, and 512 of them (the earlier bound, by count) were 50 MB in each web process."""
    key = (tuple(sorted(set(_split(jurisdictions)))), tuple(_split(dimensions)), as_of or today().isoformat())
    cache: Answers = store.__dict__.setdefault("_compare_cache", Answers(CACHE_BYTES))
    found = cache.get(key)
    if found is None:
        result = C.compare(store, list(key[0]), parse_as_of(key[2]), list(key[1]) or None)
        found = bytes(JSONResponse(jsonable_encoder(result)).body)
        cache.put(key, found)
    return found


@router.get("/compare", summary="Positions per dimension, with pairwise verdicts, evidence and explanation",
            response_class=JSONResponse)
def compare(store: Store, jurisdictions: Jurisdictions = "cn,us,eu,jp", dimensions: Dimensions = None,
            as_of: AsOf = None) -> Response:
    return Response(_compare(store, jurisdictions, dimensions, as_of), media_type="application/json")


def _only(store: Any, jurisdictions: str, dimensions: str | None, as_of: str | None, outcome: str) -> Response:
    result = json.loads(_compare(store, jurisdictions, dimensions, as_of))
    rows = [d for d in result["dimensions"] if d["outcome"] == outcome]
    return page(rows, "json", 1000, 0, {"as_of": result["as_of"], "jurisdictions": result["jurisdictions"]})


@router.get("/convergence", summary="Dimensions on which the jurisdictions converge (same or similar)")
def convergence(store: Store, jurisdictions: Jurisdictions = "cn,us,eu,jp", dimensions: Dimensions = None,
                as_of: AsOf = None) -> Response:
    return _only(store, jurisdictions, dimensions, as_of, "converge")


@router.get("/divergence", summary="Dimensions on which the jurisdictions diverge")
def divergence(store: Store, jurisdictions: Jurisdictions = "cn,us,eu,jp", dimensions: Dimensions = None,
               as_of: AsOf = None) -> Response:
    return _only(store, jurisdictions, dimensions, as_of, "diverge")


@router.get("/regime-overlap", summary="Regime participation per jurisdiction and overlap per pair")
def regime_overlap(store: Store, jurisdictions: Jurisdictions = "cn,us,eu,jp", as_of: AsOf = None) -> dict[str, Any]:
    js = _split(jurisdictions)
    if not js:
        raise BadRequest("jurisdictions: give at least one")
    return C.regime_overlap(store, js, parse_as_of(as_of))


@router.get("/list-coverage", summary="Share of one list edition's entries with a counterpart in another")
def list_coverage(store: Store, list: Annotated[str, Query(examples=["eu/list/annex-i/2025-11-15"])],
                  other: Annotated[str, Query(examples=["us/list/ccl/2026-07-23"])]) -> dict[str, Any]:
    return C.list_coverage(store, list, other)


@router.get("/multilateral-baseline", summary="Entries of a list edition by regime of origin")
def baseline(store: Store, edition: Annotated[str, Query(examples=["eu/list/annex-i/2025-11-15"])]) -> dict[str, Any]:
    return C.multilateral_baseline(store, edition)
