"""The `render` command: graph views as standalone HTML files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from exportgraph.cli.common import Add, open_store_for
from exportgraph.exc import BadRequest
from exportgraph.settings import Settings

RENDER_KINDS = ("neighbourhood", "path", "compare", "regimes", "crosswalk", "case")


def _split(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def _build_view(args: argparse.Namespace, store: Any, settings: Settings) -> Any:
    from exportgraph.explorer import views as V
    from exportgraph.query.base import parse_as_of

    ids: list[str] = args.ids
    needs = {"neighbourhood": 1, "path": 2, "crosswalk": 1, "case": 1, "compare": 0, "regimes": 0}[args.kind]
    if len(ids) != needs:
        raise BadRequest(f"render {args.kind}: expected {needs} id(s), got {len(ids)}")
    if args.kind == "neighbourhood":
        return V.neighbourhood(store, ids[0], args.depth, _split(args.classes), _split(args.jurisdiction),
                               settings.max_view_nodes)
    if args.kind == "path":
        return V.path(store, ids[0], ids[1])
    if args.kind == "compare":
        return V.comparison(store, _split(args.jurisdictions), parse_as_of(args.as_of))
    if args.kind == "regimes":
        return V.regimes(store, parse_as_of(args.as_of))
    if args.kind == "crosswalk":
        return V.crosswalk(store, ids[0])
    return V.case(store, ids[0])


def cmd_render(args: argparse.Namespace, settings: Settings) -> int:
    from exportgraph.explorer.render import render

    view = _build_view(args, open_store_for(settings), settings)
    html = render(view, inline=True, link_base=args.link_base)
    try:
        Path(args.output).write_text(html, encoding="utf-8")
    except OSError as exc:
        raise BadRequest(f"{args.output}: cannot write ({exc.strerror})") from None
    note = f" ({view.message})" if view.message else ""
    print(f"wrote {args.output}: {view.graph.number_of_nodes()} nodes, {view.graph.number_of_edges()} links{note}")
    return 0


def register(add: Add) -> None:
    """Add the render command."""
    from exportgraph.graph.terms import ID

    p = add("render", cmd_render, "Draw a graph view as one standalone HTML file (vis-network inlined, no outside "
            "requests): neighbourhood ID | path FROM TO | compare | regimes | crosswalk ENTRY | case CASE.")
    p.add_argument("kind", choices=RENDER_KINDS)
    p.add_argument("ids", nargs="*", help="resource id(s): one, two for path, none for compare and regimes")
    p.add_argument("--output", "-o", required=True, help="HTML file to write")
    p.add_argument("--depth", type=int, choices=[1, 2, 3], default=1, help="neighbourhood: hops (1-3)")
    p.add_argument("--class", dest="classes", help="neighbourhood: only these classes (comma-separated)")
    p.add_argument("--jurisdiction", help="neighbourhood: only these jurisdictions (comma-separated)")
    p.add_argument("--jurisdictions", default="cn,us,eu,jp", help="compare: jurisdictions (comma-separated)")
    p.add_argument("--as-of", help="compare, regimes: date YYYY-MM-DD")
    p.add_argument("--link-base", default=ID,
                   help=f"prefix of the page a node links to (default {ID}; e.g. http://127.0.0.1:8000/id/)")
