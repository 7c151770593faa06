"""Search: `/api/search` (JSON or CSV, true totals, pages, facets), `/api/suggest` (the typeahead),
the `/search` results page, and the pages' own static files (`/static/web/...`: no inline script needed)."""

from __future__ import annotations

from importlib import resources
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from exportgraph.api.deps import Store
from exportgraph.api.lang import reader_language
from exportgraph.api.respond import Format, JSONAnswer, Limit, Offset
from exportgraph.api.respond import page as paged
from exportgraph.exc import ExportGraphError
from exportgraph.query import base as Q

router = APIRouter()
STATIC = {"site.js": "text/javascript; charset=utf-8", "sparql.js": "text/javascript; charset=utf-8",
          "site.css": "text/css; charset=utf-8"}
PER_PAGE = 20
Text = Annotated[str | None, Query()]
Kind = Annotated[str | None, Query(description="A class, e.g. ControlEntry, Party, CustomsCode", examples=["Party"])]


@router.get("/static/web/{name}", include_in_schema=False)
def static(name: str) -> Response:
    if name not in STATIC:
        return Response(f"no static file {name!r}\n", status_code=404, media_type="text/plain; charset=utf-8")
    body = resources.files("exportgraph.api").joinpath("static", name).read_bytes()
    return Response(body, media_type=STATIC[name], headers={"Cache-Control": "public, max-age=3600"})


@router.get("/api/search", tags=["search"], summary="Search everything: codes, labels, names, descriptions (any script)")
def api_search(request: Request, store: Store,
               q: Annotated[str, Query(min_length=1, max_length=200, examples=["gallium", "华为", "8112.92"])],
               type: Kind = None, kind: Kind = None,
               jurisdiction: Annotated[str | None, Query(examples=["cn"])] = None,
               list: Annotated[str | None, Query(examples=["us/list/entity-list"])] = None,
               as_of: Annotated[str | None, Query(description="Only what is in force on this date (YYYY-MM-DD)")] = None,
               format: Format = "json", limit: Limit = 50, offset: Offset = 0) -> Response:
    """Hits ranked (exact code, code prefix, exact label, label, label words, description), `total` counting
    every hit that passes the filters, `facets` with counts, and the page asked for."""
    lang = reader_language(request)
    found = Q.find(store, q, kind or type, jurisdiction or None, list or None, Q.parse_as_of(as_of),
                   limit=limit if format == "json" else 1_000_000, offset=offset if format == "json" else 0, lang=lang)
    if format == "csv":
        rows = [{k: v for k, v in item.items() if k != "labels"} for item in found["items"]]
        return paged(rows, "csv", limit, offset)
    return JSONAnswer(found, headers={"X-Total-Count": str(found["total"])})


@router.get("/api/suggest", tags=["search"], summary="The first hits of a search, for a typeahead")
def suggest(request: Request, store: Store,
            q: Annotated[str, Query(min_length=1, max_length=200, examples=["3B0"])]) -> dict[str, Any]:
    found = Q.find(store, q, limit=8, lang=reader_language(request))
    return {"query": found["query"], "total": found["total"],
            "items": [{k: item[k] for k in ("id", "label", "type", "code", "href")} for item in found["items"]]}


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_page(request: Request, store: Store, q: Text = None, kind: Text = None, jurisdiction: Text = None,
                list: Text = None, as_of: Text = None, page: Text = None) -> HTMLResponse:
    from exportgraph.api.routes.pages import error
    from exportgraph.api.routes.pages import page as render

    lang = reader_language(request)
    if not q or not q.strip():
        return render("search.html", found=None, q="", lang=lang, links={})
    try:
        number = int(page or 1)
        if number < 1:
            raise ValueError
    except ValueError:
        return render("error.html", 400, status=400, message=f"page: a number from 1, not {page!r}")
    try:
        found = Q.find(store, q, kind or None, jurisdiction or None, list or None, Q.parse_as_of(as_of),
                       limit=PER_PAGE, offset=(number - 1) * PER_PAGE, lang=lang)
    except ExportGraphError as exc:
        return error(exc)
    current = {"q": q, "kind": kind, "jurisdiction": jurisdiction, "list": list, "as_of": as_of}
    return render("search.html", found=found, q=q, lang=lang, page=number, per_page=PER_PAGE,
                  links=_links(current, number, found["total"]), as_of=as_of or "")


def _url(params: dict[str, Any]) -> str:
    return "/search?" + urlencode({k: v for k, v in params.items() if v})


def _links(current: dict[str, Any], number: int, total: int) -> dict[str, Any]:
    """Links that set or clear one facet (back to page 1), and the previous and next pages."""
    facet = {name: {"clear": _url(dict(current, **{name: None}))} for name in ("kind", "jurisdiction", "list", "as_of")}
    return {"facet": facet, "set": lambda name, value: _url(dict(current, **{name: value})),
            "prev": _url(dict(current, page=number - 1)) if number > 1 else None,
            "next": _url(dict(current, page=number + 1)) if number * PER_PAGE < total else None,
            "csv": "/api/search?" + urlencode({**{k: v for k, v in current.items() if v}, "format": "csv"})}
