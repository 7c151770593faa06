"""Graph views as standalone HTML pages (vis-network served once under /static).

Errors are HTML pages with the status and a message, never JSON and never a traceback.
Parameters are parsed here (not by FastAPI's validation, whose errors are JSON).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import HTMLResponse, Response

from exportgraph.api.deps import Config, Store
from exportgraph.exc import BadRequest, ExportGraphError
from exportgraph.explorer import render as R
from exportgraph.explorer import views as V
from exportgraph.explorer.views import View
from exportgraph.query.base import parse_as_of

log = logging.getLogger(__name__)
router = APIRouter(tags=["views"])
LINK_BASE = "/id/"
STATIC_TYPES = {"vis-network.min.js": "text/javascript; charset=utf-8", "vis-network.css": "text/css; charset=utf-8"}
Text = Annotated[str | None, Query()]


def html_error(status: int, message: str) -> HTMLResponse:
    return HTMLResponse(R.error_page(status, message), status_code=status)


def _answer(build: Callable[[], View]) -> HTMLResponse:
    try:
        view = build()
    except ExportGraphError as exc:
        if exc.status >= 500:
            log.warning("view failed: %s", exc.message)
        return html_error(exc.status, exc.message)
    try:
        return HTMLResponse(R.render(view, inline=False, static="/static", link_base=LINK_BASE, home="/"))
    finally:
        V.release(view.graph)


def split(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def parse_depth(text: str | None) -> int:
    if text in (None, ""):
        return 1
    if text not in ("1", "2", "3"):
        raise BadRequest(f"depth: 1, 2 or 3, not {text!r}")
    return int(text)


@router.get("/static/{name}", include_in_schema=False)
def static(name: str) -> Response:
    if name == REDOC_JS:
        return Response(redoc_js(), media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=86400"})
    if name not in STATIC_TYPES:
        return html_error(404, f"no static file {name!r}")
    return Response(R.vis_asset(name), media_type=STATIC_TYPES[name],
                    headers={"Cache-Control": "public, max-age=86400"})


REDOC_JS = "redoc.standalone.js"
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@lru_cache(maxsize=1)
def redoc_js() -> str:
    """fastapi-offline's ReDoc build, less the one image it fetches from ReDoc's CDN (its logo in the menu)."""
    text = (resources.files("fastapi_offline") / "static" / REDOC_JS).read_text(encoding="utf-8")
    return text.replace(REDOC_LOGO, "data:image/gif;base64,R0lGODlhAQABAAAAACw=")


@router.get("/redoc", include_in_schema=False)
def redoc() -> HTMLResponse:
    """API documentation by ReDoc, served offline (Swagger UI at /docs comes from fastapi-offline as is)."""
    return get_redoc_html(openapi_url="/openapi.json", title="exportgraph - ReDoc", redoc_js_url=f"/static/{REDOC_JS}",
                          redoc_favicon_url="/static/docs/favicon.png", with_google_fonts=False)


@router.get("/views/neighbourhood/{record_id:path}", response_class=HTMLResponse,
            summary="Graph view: what is linked to a resource within 1-3 hops")
def neighbourhood(record_id: str, store: Store, config: Config, depth: Text = None,
                  classes: Annotated[list[str] | None, Query(alias="class")] = None,
                  jurisdiction: Text = None, as_of: Text = None) -> HTMLResponse:
    """Classes come as `class=A,B` or as one `class` parameter per class (the page's checkboxes)."""
    kinds = [c for text in classes or [] for c in split(text)]
    return _answer(lambda: V.neighbourhood(store, record_id, parse_depth(depth), kinds, split(jurisdiction),
                                           config.max_view_nodes, parse_as_of(as_of)))


@router.get("/views/path", response_class=HTMLResponse, summary="Graph view: the shortest path between two resources")
def path(store: Store, source: Annotated[str | None, Query(alias="from")] = None,
         target: Annotated[str | None, Query(alias="to")] = None) -> HTMLResponse:
    if not source or not target:
        return html_error(400, "give two resource ids: /views/path?from=cn&to=regime/nsg")
    return _answer(lambda: V.path(store, source, target))


@router.get("/views/compare", response_class=HTMLResponse,
            summary="Graph view: jurisdictions on the comparison dimensions, by converge/diverge")
def compare(store: Store, jurisdictions: Text = "cn,us,eu,jp", as_of: Text = None) -> HTMLResponse:
    return _answer(lambda: V.comparison(store, split(jurisdictions), parse_as_of(as_of)))


@router.get("/views/regimes", response_class=HTMLResponse, summary="Graph view: regime memberships")
def regimes(store: Store, as_of: Text = None) -> HTMLResponse:
    return _answer(lambda: V.regimes(store, parse_as_of(as_of)))


@router.get("/views/crosswalk/{entry:path}", response_class=HTMLResponse,
            summary="Graph view: an entry across every list, with its customs codes")
def crosswalk(entry: str, store: Store) -> HTMLResponse:
    return _answer(lambda: V.crosswalk(store, entry))


@router.get("/views/case/{case_id:path}", response_class=HTMLResponse, summary="Graph view: a case on a time axis")
def case(case_id: str, store: Store) -> HTMLResponse:
    return _answer(lambda: V.case(store, case_id))
