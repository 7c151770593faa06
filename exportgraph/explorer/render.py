"""Render a View to one self-contained HTML page around vis-network.

pyvis's own template links Bootstrap from a CDN and inserts its heading and node ids unescaped
(TRAPS.md), so we use only the vis-network build that pyvis ships, with our own Jinja2 template:
every label and title goes in as JSON inside a <script type="application/json"> block (with `<`
written as \\u003c, so no value can close the block), and the page text is autoescaped. vis-network
is either inlined (standalone files) or served once by the service under /static.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import jinja2
import orjson

from exportgraph.explorer.views import View, style, text_colour
from exportgraph.graph import terms as T

VIS_VERSION = "9.1.2"
LARGE = 120  # above this many drawn edges, edge labels are left to the tooltips (drawing them is slow, reading them hard)


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("exportgraph.explorer", "templates"),
                              autoescape=True, trim_blocks=True, lstrip_blocks=True)


@lru_cache(maxsize=4)
def vis_asset(name: str) -> str:
    """vis-network.min.js or vis-network.css from the installed pyvis."""
    if name not in ("vis-network.min.js", "vis-network.css"):
        raise ValueError(name)
    base = resources.files("pyvis") / "templates" / "lib" / f"vis-{VIS_VERSION}" / name
    return base.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def app_js() -> str:
    return (resources.files("exportgraph.explorer") / "templates" / "view.js").read_text(encoding="utf-8")


# What must not appear as itself in JSON inside a <script> element, as UTF-8 bytes, and its JSON escape.
_SCRIPT_ESCAPES = tuple((c.encode(), f"\\u{ord(c):04x}".encode()) for c in "<>&\u2028\u2029")


def script_json(data: Any) -> str:
    """JSON that is safe inside a <script> element.

    By orjson, not json.dumps: a view carries up to 2 MB of it, and the standard library's encoder wrote that in
    one C call that holds the GIL for 40-70 ms (with the escapes), so the web process's event loop, and
    /api/health with it, waited as long (the soak's stall watch found it among the threads of the longest
    stalls); orjson and the escapes on bytes take 15-17 ms for the same text, character for character."""
    try:
        raw = orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:  # what orjson does not write (an integer past 64 bits, say): the standard library's way
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    for char, escape in _SCRIPT_ESCAPES:
        if char in raw:
            raw = raw.replace(char, escape)
    return raw.decode()


def _raw(text: str, tag: str) -> str:
    """Asset text that cannot end its own <script> or <style> element early."""
    return text.replace(f"</{tag}", f"<\\/{tag}")


INSIDE = {"box", "database", "ellipse", "circle", "text"}  # shapes that draw their label on their own colour


def _node(key: str, data: dict[str, Any], link_base: str) -> dict[str, Any]:
    colour, shape = style(data.get("cls"))
    colour = data.get("color") or colour
    shape = "box" if data.get("head") else data.get("shape") or shape
    node: dict[str, Any] = {"id": key, "label": str(data.get("label") or key), "title": str(data.get("title") or ""),
                            "x": data.get("x", 0.0), "y": data.get("y", 0.0), "shape": shape,
                            "cls": data.get("cls") or "Other", "under": list(data.get("under") or []),
                            "color": {"background": colour, "border": "#333333"}}
    if shape in INSIDE:
        node["font"] = {"color": text_colour(colour)}
    if data.get("head"):
        node.update(head=True, members=int(data.get("members") or 0), borderWidth=2,
                    shapeProperties={"borderDashes": [5, 3], "borderRadius": 8})
    if data.get("record"):
        node["url"] = link_base + str(data["record"])
        node["record"] = str(data["record"])
    if data.get("root"):
        node.update(root=True, size=24, borderWidth=3, font={"size": 16, "bold": True, **node.get("font", {})})
    return node


def _edge(i: int, u: str, v: str, data: dict[str, Any], labels: bool) -> dict[str, Any]:
    edge: dict[str, Any] = {"id": i, "from": u, "to": v, "title": str(data.get("title") or "")}
    for flag in ("hidden", "replaced", "synthetic"):
        if data.get(flag):
            edge[flag] = True
    if labels and data.get("label") and not data.get("context"):
        edge["label"] = str(data["label"])
    if data.get("color"):
        edge["color"] = {"color": data["color"]}
    if data.get("dashes"):
        edge["dashes"] = data["dashes"]
    if data.get("width"):
        edge["width"] = data["width"]
    if data.get("smooth"):
        edge["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.25}
    return edge


def view_data(view: View, link_base: str) -> dict[str, Any]:
    graph = view.graph
    drawn = sum(1 for *_, d in graph.edges(data=True) if not (d.get("hidden") or d.get("replaced")))
    labels = drawn <= LARGE
    return {"kind": view.kind,
            "nodes": [_node(str(k), d, link_base) for k, d in graph.nodes(data=True)],
            "edges": [_edge(i, str(u), str(v), d, labels) for i, (u, v, d) in enumerate(graph.edges(data=True))]}


def tables(view: View, link_base: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The text alternative: every node (groups left out: they stand for their members) and every link between
    resources, with names, classes and pages."""
    graph = view.graph
    nodes = [{"id": str(k), "label": str(d.get("label") or k), "cls": d.get("cls") or "Other",
              "record": d.get("record"), "url": link_base + str(d["record"]) if d.get("record") else None,
              "title": str(d.get("title") or "").replace("\n", " · ")}
             for k, d in graph.nodes(data=True) if not d.get("head")]
    nodes.sort(key=lambda n: (n["cls"], n["label"].lower()))
    name = {str(k): str(d.get("label") or k) for k, d in graph.nodes(data=True)}
    links = [{"from": name[str(u)], "to": name[str(v)], "link": str(d.get("label") or d.get("title") or k)}
             for u, v, k, d in graph.edges(keys=True, data=True) if not d.get("synthetic")]
    links.sort(key=lambda e: (e["from"].lower(), e["link"], e["to"].lower()))
    return nodes, links


def render(view: View, *, inline: bool = True, static: str = "/static", link_base: str = T.ID,
           home: str | None = None) -> str:
    """The page. inline=True makes a standalone file; else vis-network is loaded from `static`."""
    template = _env().get_template("view.html")
    node_rows, link_rows = tables(view, link_base)
    return template.render(
        title=view.title, subtitle=view.subtitle, message=view.message, legend=view.legend(),
        edge_legend=view.edge_legend, edge_legend_title=view.edge_legend_title, kind=view.kind, home=home,
        inline=inline, static=static, controls=view.controls if not inline else {},
        node_rows=node_rows, link_rows=link_rows, node_count=len(node_rows),
        groups=sum(1 for _, d in view.graph.nodes(data=True) if d.get("head")),
        nodes=view.graph.number_of_nodes(), edges=view.graph.number_of_edges(),
        data=script_json(view_data(view, link_base)),
        vis_js=_raw(vis_asset("vis-network.min.js"), "script") if inline else "",
        vis_css=_raw(vis_asset("vis-network.css"), "style") if inline else "",
        app_js=_raw(app_js(), "script"))


def error_page(status: int, message: str, home: str | None = "/") -> str:
    return _env().get_template("view_error.html").render(status=status, message=message, home=home)
