"""Graph views: networkx graphs built from the store, with positions, styles and a legend.

Each builder returns a `View`: a networkx MultiDiGraph whose nodes carry `label`, `cls`, `title`
(plain text: dates and sources), `record` (the id their page lives at) and `x`/`y`, and whose edges carry
`label`, `title`, `color` and `dashes`; plus the view's title, legend and, when the node cap cut the
view, a message that says so. `exportgraph.explorer.render` turns a View into a standalone HTML page.

Size: over 500 lines, one concern: the six view builders share the View type, the node and edge helpers and
the legend; the layouts are in layout.py and the names in names.py. A split per view is the next step.
"""

from __future__ import annotations

import datetime as dt
import math
import weakref
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from exportgraph.exc import BadRequest, NotFound
from exportgraph.explorer import layout, names
from exportgraph.graph import terms as T
from exportgraph.graph.store import PREFIXES, GraphStore
from exportgraph.query.base import Json, check_id, label_of, labels, rid, value

# Links that are not part of the subject matter: provenance, citations and typing.
EXCLUDED = ("rdf:type", "prov:wasDerivedFrom", "eg:citedSource", "eg:citation")
NOT_EXCLUDED = f"FILTER(?p NOT IN ({', '.join(EXCLUDED)}))"
# One colour per class, no two alike (the closest pair is 26 apart in CIELAB), and one shape per family.
CLASS_STYLE: dict[str, tuple[str, str]] = {
    "Jurisdiction": ("#1f77b4", "box"), "Regime": ("#9467bd", "hexagon"), "RegimeMembership": ("#0000e0", "dot"),
    "Agency": ("#ff7f0e", "diamond"), "LegalInstrument": ("#2ca02c", "square"), "Provision": ("#e000e0", "dot"),
    "ControlList": ("#8c564b", "triangle"), "PartyList": ("#204000", "triangleDown"),
    "ListEdition": ("#c0e0a0", "triangle"), "ControlEntry": ("#d62728", "dot"),
    "CustomsCode": ("#17becf", "triangleDown"), "Nomenclature": ("#00e000", "triangle"), "Case": ("#e377c2", "star"),
    "WtoDispute": ("#2020a0", "star"), "Event": ("#e0a060", "dot"), "Party": ("#7f7f7f", "dot"),
    "Listing": ("#00e0a0", "dot"), "Position": ("#bcbd22", "dot"), "Dimension": ("#800040", "box"),
    "ControlMeasure": ("#008060", "dot"), "Procedure": ("#e0e0e0", "dot"), "LicenceType": ("#e00080", "square"),
    "CodedValue": ("#004040", "dot"), "SourceDocument": ("#800080", "dot"), "Recommendation": ("#808040", "dot"),
    "CountryGroup": ("#802000", "dot"), "ReviewFactor": ("#a0e000", "dot"), "Correspondence": ("#604060", "dot"),
    "Threshold": ("#e0a000", "dot"), "EntryNote": ("#e0a0a0", "dot"), "CustomsLink": ("#604000", "dot"),
    "GroupMembership": ("#e06080", "dot"), "ProcedureStep": ("#8000c0", "dot"), "TimeLimit": ("#0060e0", "dot"),
    "Claim": ("#a0a0e0", "dot"), "CustomsCorrelation": ("#e040c0", "dot"), "DefinedTerm": ("#00e060", "dot"),
    "ChartRow": ("#608000", "dot"),
}
OTHER_STYLE = ("#c06020", "dot")
VERDICT_COLOURS = {"same": "#1a9850", "similar": "#91cf60", "different": "#d73027",
                   "not comparable": "#999999", "converge": "#1a9850", "diverge": "#d73027"}

@dataclass
class View:
    kind: str
    title: str
    graph: nx.MultiDiGraph
    subtitle: str = ""
    message: str | None = None
    edge_legend: list[dict[str, Any]] = field(default_factory=list)
    edge_legend_title: str = "Links"
    # What the page's form offers: depth, classes (and the available ones), jurisdiction, as_of, jurisdictions.
    controls: dict[str, Any] = field(default_factory=dict)

    def legend(self) -> list[dict[str, Any]]:
        counts: dict[str, int] = {}
        for _, data in self.graph.nodes(data=True):
            if not data.get("head"):
                counts[data.get("cls") or "Other"] = counts.get(data.get("cls") or "Other", 0) + 1
        return [{"cls": cls, "color": style(cls)[0], "text": text_colour(style(cls)[0]), "shape": style(cls)[1],
                 "count": n} for cls, n in sorted(counts.items())]


def release(*graphs: nx.Graph) -> None:
    """Free finished graphs now rather than at the garbage collector's next full collection.

    A networkx graph keeps views of itself (`graph.edges`, `graph.nodes`, ...) that point back at it: a
    cycle, so its node and edge dicts (11,000 for a neighbourhood of depth 2) are freed only when the cyclic
    collector finds them, walking every one with the GIL held while /api/health waits. Emptied, the graph
    holds nothing and reference counting frees its contents at once. A released graph is empty."""
    for graph in graphs:
        graph.clear()
        vars(graph).clear()


def style(cls: str | None) -> tuple[str, str]:
    return CLASS_STYLE.get(cls or "", OTHER_STYLE)


def luminance(colour: str) -> float:
    """WCAG relative luminance of #rrggbb."""
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else float(((v + 0.055) / 1.055) ** 2.4)
    r, g, b = (channel(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on the background (every colour gets 4.5:1 or more with one)."""
    return "#000000" if contrast(background, "#000000") >= contrast(background, "#ffffff") else "#ffffff"


def _values(iris: list[str]) -> str:
    return " ".join(f"<{i}>" for i in iris)


def node_meta(store: GraphStore, iris: list[str]) -> dict[str, Json]:
    """Class, jurisdiction, dates, sources and label of each IRI."""
    out: dict[str, Json] = {}
    for start in range(0, len(iris), 300):
        chunk = iris[start:start + 300]
        rows = store.select(f"""SELECT ?s (SAMPLE(?c) AS ?cls) (SAMPLE(?j) AS ?jur) (MIN(?f) AS ?from)
            (MAX(?u) AS ?until) (MIN(?d) AS ?date) (GROUP_CONCAT(DISTINCT STR(?src); separator=" ") AS ?srcs)
            WHERE {{ VALUES ?s {{ {_values(chunk)} }}
            OPTIONAL {{ ?s a ?c FILTER(STRSTARTS(STR(?c), "{T.EG}")) }} OPTIONAL {{ ?s eg:jurisdiction ?j }}
            OPTIONAL {{ ?s eg:validFrom ?f }} OPTIONAL {{ ?s eg:validUntil ?u }} OPTIONAL {{ ?s eg:eventDate ?d }}
            OPTIONAL {{ ?s prov:wasDerivedFrom ?src }} }} GROUP BY ?s""")
        for r in rows:
            cls = value(r["cls"])
            out[value(r["s"])] = {
                "cls": cls[len(T.EG):] if cls else None, "jurisdiction": rid(value(r["jur"])),
                "from": value(r["from"]), "until": value(r["until"]), "date": value(r["date"]),
                "sources": sorted((value(r["srcs"]) or "").split())}
    source_iris = sorted({s for m in out.values() for s in m["sources"]})
    found = labels(store, list(out) + source_iris)
    made = names.names(store, {iri: m["cls"] for iri, m in out.items() if iri not in found})
    for iri, meta in out.items():
        meta["label"] = label_of(found.get(iri), made.get(iri) or rid(iri) or iri)
        meta["source_labels"] = [label_of(found.get(s), rid(s) or s) for s in meta["sources"]]
    return out


def tooltip(meta: Json, iri: str, extra: list[str] | None = None) -> str:
    """Plain-text tooltip: label, class, id, dates, sources (no HTML: vis-network shows it as text)."""
    lines = [meta.get("label") or iri, f"{meta.get('cls') or 'Resource'} · {rid(iri)}"]
    if meta.get("date"):
        lines.append(f"Date: {meta['date']}")
    if meta.get("from") or meta.get("until"):
        lines.append(f"Valid: {meta.get('from') or '?'} to {meta.get('until') or 'now'}")
    lines.extend(extra or [])
    srcs = meta.get("source_labels") or []
    if srcs:
        lines.append("Sources: " + "; ".join(srcs[:3]) + (f" (and {len(srcs) - 3} more)" if len(srcs) > 3 else ""))
    return "\n".join(lines)


def short_label(text: str, limit: int = 48) -> str:
    """Labels drawn on the canvas stay short; the tooltip carries the whole label."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(",;:") + "…"


def add_node(graph: nx.MultiDiGraph, iri: str, meta: Json, extra: list[str] | None = None,
             **attrs: Any) -> None:
    data = {"label": short_label(meta.get("label") or rid(iri) or iri), "cls": meta.get("cls"), "record": rid(iri),
            "title": tooltip(meta, iri, extra)}
    data.update(attrs)
    graph.add_node(iri, **data)


def _place(graph: nx.MultiDiGraph, positions: layout.Positions) -> None:
    for node, (x, y) in positions.items():
        if node in graph:
            graph.nodes[node]["x"], graph.nodes[node]["y"] = round(x, 1), round(y, 1)


def _exists(store: GraphStore, record_id: str) -> str:
    check_id(record_id)
    iri = T.iri(record_id)
    if not store.ask(f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}"):
        raise NotFound(f"no resource with id {record_id!r}")
    return iri


def curie(p: str) -> str:
    for prefix, base in T.PREFIXES.items():
        if p.startswith(base):
            return f"{prefix}:{p[len(base):]}"
    return p


# ---------------------------------------------------------------- (a) neighbourhood

def _links(store: GraphStore, iris: list[str], limit: int) -> list[tuple[str, str, str]]:
    rows = store.select(f"""SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?x {{ {_values(iris)} }}
        {{ ?x ?p ?o BIND(?x AS ?s) }} UNION {{ ?s ?p ?x BIND(?x AS ?o) }} {NOT_EXCLUDED}
        FILTER(isIRI(?s) && isIRI(?o) && STRSTARTS(STR(?s), "{T.ID}") && STRSTARTS(STR(?o), "{T.ID}")) }}
        ORDER BY ?s ?p ?o LIMIT {int(limit)}""")
    return [(value(r["s"]), value(r["p"]), value(r["o"])) for r in rows]


def _keep(meta: Json, iri: str, classes: set[str], jurisdictions: set[str], as_of: dt.date | None = None) -> bool:
    if classes and meta.get("cls") not in classes:
        return False
    if as_of is not None:
        day = as_of.isoformat()
        if (meta.get("from") or "")[:10] > day or (meta.get("until") or "9999")[:10] < day:
            return False
    if jurisdictions:
        own = rid(iri) if meta.get("cls") == "Jurisdiction" else meta.get("jurisdiction")
        return own is None or own in jurisdictions
    return True


CLUSTER_MIN = 6  # more neighbours of one class than this under one node are drawn as one group that opens on click
PLURALS = {"Agency": "agencies", "Party": "parties", "Nomenclature": "nomenclatures", "Case": "cases",
           "Listing": "listings", "Correspondence": "correspondences", "ControlEntry": "list entries",
           "LegalInstrument": "legal instruments", "RegimeMembership": "regime memberships",
           "CustomsCode": "customs codes", "ControlMeasure": "control measures", "ReviewFactor": "review factors",
           "LicenceType": "licence types", "CodedValue": "coded values", "WtoDispute": "WTO disputes",
           "ListEdition": "list editions", "ProcedureStep": "procedure steps", "TimeLimit": "time limits"}
HIERARCHICAL = {"ControlList", "PartyList", "ListEdition", "Regime", "Nomenclature", "CountryGroup"}


def plural(cls: str) -> str:
    if cls in PLURALS:
        return PLURALS[cls]
    words = "".join(f" {c.lower()}" if c.isupper() else c for c in cls).strip()
    return words + ("es" if words.endswith("s") else "s")


def neighbourhood(store: GraphStore, record_id: str, depth: int = 1, classes: list[str] | None = None,
                  jurisdictions: list[str] | None = None, max_nodes: int = 1500,
                  as_of: dt.date | None = None) -> View:
    """Everything linked to a resource within `depth` hops (1-3), optionally only some classes or
    jurisdictions, or what is in force on a date (the resource itself is always shown).

    A node's neighbours of one class, when there are more than CLUSTER_MIN of them, are drawn as one group
    node ("49 legal instruments") that opens on click; the page starts with the groups closed."""
    if not 1 <= depth <= 3:
        raise BadRequest("depth: 1, 2 or 3")
    root = _exists(store, record_id)
    wanted_classes = set(classes or [])
    wanted_j = {check_id(j) for j in jurisdictions or []}
    graph = nx.MultiDiGraph()
    meta = node_meta(store, [root])
    add_node(graph, root, meta.get(root, {}), root=True)
    frontier, found, cut = [root], {root}, False
    parent: dict[str, tuple[str, str]] = {}
    seen_classes: set[str] = set()
    for _ in range(depth):
        links = []
        for start in range(0, len(frontier), 200):
            links.extend(_links(store, frontier[start:start + 200], max_nodes * 4))
        new = sorted({n for s, _, o in links for n in (s, o)} - found)
        info = node_meta(store, new)
        seen_classes.update(str(info.get(n, {}).get("cls") or "Other") for n in new)
        kept = [n for n in new if _keep(info.get(n, {}), n, wanted_classes, wanted_j, as_of)]
        room = max_nodes - graph.number_of_nodes()
        if len(kept) > room:
            cut, kept = True, kept[:room]
        found.update(new)
        on_frontier = set(frontier)
        for n in kept:
            add_node(graph, n, info.get(n, {}))
        for s, p, o in links:
            for near, far in ((s, o), (o, s)):
                if near in on_frontier and far in graph and far not in parent and far != root:
                    parent[far] = (near, curie(p))
            if s in graph and o in graph and not graph.has_edge(s, o, key=p):
                graph.add_edge(s, o, key=p, label=curie(p), title=curie(p))
        frontier = kept
        if cut or not frontier:
            break
    tree, heads = _group(graph, root, parent)
    radial = graph.nodes[root].get("cls") not in HIERARCHICAL
    _place(graph, layout.cached("clustered" if radial else "clustered-down", tree, layout.clustered_tree, root,
                                heads, radial))
    release(tree)
    view = View("neighbourhood", f"Neighbourhood of {graph.nodes[root]['label']}", graph,
                subtitle=f"{record_id} · depth {depth}" + (f" · in force on {as_of}" if as_of else ""),
                controls={"depth": depth, "classes": sorted(wanted_classes), "available": sorted(seen_classes),
                          "jurisdiction": ",".join(sorted(wanted_j)), "as_of": as_of.isoformat() if as_of else ""})
    if cut:
        view.message = (f"The view is cut at {max_nodes} nodes (the max_view_nodes setting): more resources lie "
                        f"within {depth} hop(s). Narrow it with a class or jurisdiction filter or a smaller depth.")
    return view


def _group(graph: nx.MultiDiGraph, root: str, parent: dict[str, tuple[str, str]]) -> tuple[nx.DiGraph, set[str]]:
    """Group each node's children (its neighbours one hop further out) by class; a group larger than CLUSTER_MIN
    (3 further out) gets a head node that stands for it. Each node records the heads above it (`under`): it is
    drawn only when they are all open. Links that are not part of this tree are drawn light and unlabelled.
    Returns the display tree (heads included) and the heads."""
    children: dict[str, dict[str, list[str]]] = {}
    for node, (above, _) in sorted(parent.items()):
        if node in graph:
            children.setdefault(above, {}).setdefault(graph.nodes[node].get("cls") or "Other", []).append(node)
    tree = nx.DiGraph()
    tree.add_node(root)
    heads: set[str] = set()
    for above in nx.bfs_tree(graph.to_undirected(as_view=True), root):
        limit = CLUSTER_MIN if above == root else 3
        for cls, members in sorted(children.get(above, {}).items()):
            if len(members) <= limit:
                for m in members:
                    tree.add_edge(above, m)
                    tree.nodes[m]["order"] = (cls, graph.nodes[m]["label"].lower())
                continue
            head = _head(graph, above, cls, members, parent)
            heads.add(head)
            tree.add_edge(above, head)
            tree.nodes[head].update(order=(cls, ""), weight=1 + math.log2(len(members)) / 2)
            for m in members:
                tree.add_edge(head, m)
                tree.nodes[m]["order"] = (cls, graph.nodes[m]["label"].lower())
    for u, v, data in graph.edges(data=True):
        if data.get("synthetic") or data.get("replaced"):
            continue
        if not (tree.has_edge(u, v) or tree.has_edge(v, u)):
            data.update(context=True, color="#d4d4d4")
    for node in nx.bfs_tree(tree, root):
        up = next(iter(tree.predecessors(node)), None)
        graph.nodes[node]["under"] = ([] if up is None else graph.nodes[up].get("under", [])
                                      + ([up] if up in heads else []))
    return tree, heads


def _head(graph: nx.MultiDiGraph, above: str, cls: str, members: list[str], parent: dict[str, tuple[str, str]]) -> str:
    """A node that stands for `members` (all of one class, all linked to `above`) until the reader opens it."""
    head = f"group:{rid(above)}:{cls}"
    links = sorted({parent[m][1] for m in members})
    graph.add_node(head, label=f"{len(members)} {plural(cls)}", cls=cls, head=True, members=len(members),
                   title=f"{len(members)} {plural(cls)} linked to {graph.nodes[above]['label']} "
                         f"({', '.join(links)}). Click to show them.", color=style(cls)[0])
    graph.add_edge(above, head, key="group", label=", ".join(links), title=", ".join(links), synthetic=True, width=3)
    for m in members:
        graph.add_edge(head, m, key="member", synthetic=True, color="#bbbbbb")
        for u, v in ((above, m), (m, above)):
            for key in list(graph.get_edge_data(u, v, default={})):
                graph.edges[u, v, key]["replaced"] = True
    return head


# ---------------------------------------------------------------- (b) path

_PROJECTIONS: weakref.WeakKeyDictionary[GraphStore, tuple[nx.Graph, list[str], dict[str, int]]] = \
    weakref.WeakKeyDictionary()


def projection(store: GraphStore) -> tuple[nx.Graph, list[str], dict[str, int]]:
    """The undirected graph of IRI links between minted resources (integers as nodes), built once per store."""
    cached = _PROJECTIONS.get(store)
    if cached is not None:
        return cached
    result = store.query(PREFIXES + f"""SELECT ?s ?o WHERE {{ ?s ?p ?o . {NOT_EXCLUDED}
        FILTER(isIRI(?o) && STRSTARTS(STR(?s), "{T.ID}") && STRSTARTS(STR(?o), "{T.ID}") && ?s != ?o) }}""")
    index: dict[str, int] = {}
    pairs = [(index.setdefault(sol[0].value, len(index)), index.setdefault(sol[1].value, len(index)))
             for sol in result]
    names = list(index)  # dicts keep insertion order, so names[i] is the IRI numbered i
    graph = nx.Graph()
    graph.add_edges_from(pairs)
    _PROJECTIONS[store] = (graph, names, index)
    return graph, names, index


def path(store: GraphStore, source: str, target: str) -> View:
    """The shortest chain of links between two resources (provenance, citations and types left out)."""
    a, b = _exists(store, source), _exists(store, target)
    graph, names, index = projection(store)
    if a not in index or b not in index:
        raise NotFound(f"{source if a not in index else target!r} has no links to other resources")
    try:
        chain = [names[i] for i in nx.shortest_path(graph, index[a], index[b])]
    except nx.NetworkXNoPath:
        raise NotFound(f"no path between {source!r} and {target!r}") from None
    view_graph = nx.MultiDiGraph()
    meta = node_meta(store, chain)
    for n in chain:
        add_node(view_graph, n, meta.get(n, {}), root=n in (a, b))
    for x, y in zip(chain, chain[1:], strict=False):
        rows = store.select(f"""SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES (?s ?o) {{ (<{x}> <{y}>) (<{y}> <{x}>) }}
            ?s ?p ?o . {NOT_EXCLUDED} }} ORDER BY ?p""")
        for r in rows[:1]:
            s, p, o = value(r["s"]), value(r["p"]), value(r["o"])
            view_graph.add_edge(s, o, key=p, label=curie(p), title=curie(p))
    _place(view_graph, layout.line(chain))
    return View("path", f"Path from {view_graph.nodes[a]['label']} to {view_graph.nodes[b]['label']}", view_graph,
                subtitle=f"{source} to {target}: {len(chain) - 1} link(s)")


# ---------------------------------------------------------------- (c) comparison

def comparison(store: GraphStore, jurisdictions: list[str], as_of: dt.date | None = None) -> View:
    """Jurisdictions (columns) against dimensions (rows): position nodes, dimension nodes coloured by
    converge/diverge, and pairwise verdict edges between positions."""
    from exportgraph.query.compare import compare

    result = compare(store, jurisdictions, as_of)
    js = result["jurisdictions"]
    graph = nx.MultiDiGraph()
    meta = node_meta(store, [T.iri(j) for j in js])
    gap, step = 320.0, 110.0
    for col, j in enumerate(js):
        add_node(graph, T.iri(j), meta.get(T.iri(j), {}), x=(col + 1) * gap, y=-step)
    for row, dim in enumerate(result["dimensions"]):
        colour = VERDICT_COLOURS.get(dim["outcome"], "#999999")
        dim_key = T.iri(f"dim/{dim['dimension']}")
        graph.add_node(dim_key, label=dim["label"], cls="Dimension", record=f"dim/{dim['dimension']}",
                       title=f"{dim['label']}\nOutcome: {dim['outcome']} ({dim['verdict']})\n{dim['explanation']}",
                       x=0.0, y=row * step, color=colour)
        held = {p["jurisdiction"]: p for p in dim["positions"]}
        for col, j in enumerate(js):
            p = held.get(j)
            if p is None:
                continue
            key = T.iri(p["id"])
            evidence = "; ".join(e["label"] for e in p["evidence"][:3])
            graph.add_node(key, label=p["value_label"], cls="Position", record=p["id"], x=(col + 1) * gap,
                           y=row * step, color=colour,
                           title="\n".join(filter(None, [
                               f"{j.upper()} · {dim['label']}: {p['value_label']}", p.get("description"),
                               f"Valid: {p['valid_from'] or '?'} to {p['valid_until'] or 'now'}",
                               f"Evidence: {evidence}" if evidence else None])))
            graph.add_edge(dim_key, key, key="dimension", color=colour, title=f"{dim['outcome']}")
            graph.add_edge(T.iri(j), key, key="position", color="#dddddd", title=f"position of {j.upper()}")
        for pair in dim["pairs"]:
            a, b = held[pair["a"]], held[pair["b"]]
            graph.add_edge(T.iri(a["id"]), T.iri(b["id"]), key="verdict", label=pair["verdict"],
                           color=VERDICT_COLOURS[pair["verdict"]], title=pair["explanation"], smooth=True)
    summary = ", ".join(f"{k}: {v}" for k, v in result["summary"].items())
    return View("compare", f"Comparison of {', '.join(j.upper() for j in js)}", graph,
                subtitle=f"as of {result['as_of'] or 'any date'} · {summary}",
                edge_legend=[{"label": v, "color": c, "dashes": False} for v, c in VERDICT_COLOURS.items()],
                controls={"jurisdictions": ",".join(js), "as_of": result["as_of"] or ""})


# ---------------------------------------------------------------- (d) regime memberships

STATUS_COLOURS = {"participant": "#1a9850", "adherent": "#91cf60", "observer": "#fee08b", "applicant": "#fdae61",
                  "non-member": "#e0e0e0", "former": "#d73027"}


def regimes(store: GraphStore, as_of: dt.date | None = None) -> View:
    """A grid: regimes as columns, jurisdictions as rows, one cell per membership saying its status and since when
    (the most connected jurisdictions first). Rows and columns stand for the links, which are not drawn."""
    from exportgraph.query.base import memberships

    rows = memberships(store, as_of)
    graph = nx.MultiDiGraph()
    rs = sorted({T.iri(r["regime"]) for r in rows})
    weight: dict[str, int] = {}
    for r in rows:
        if r["status"] != "non-member":
            weight[T.iri(r["jurisdiction"])] = weight.get(T.iri(r["jurisdiction"]), 0) + 1
    meta = node_meta(store, rs + sorted({T.iri(r["jurisdiction"]) for r in rows}))
    js = sorted({T.iri(r["jurisdiction"]) for r in rows},
                key=lambda j: (-weight.get(j, 0), meta.get(j, {}).get("label") or j))
    gap_x, gap_y = 250.0, 46.0
    for col, n in enumerate(rs):
        add_node(graph, n, meta.get(n, {}), x=(col + 1) * gap_x, y=-10.0)
    for row, n in enumerate(js):
        add_node(graph, n, meta.get(n, {}), x=0.0, y=(row + 1) * gap_y)
    statuses: set[str] = set()
    for r in rows:
        statuses.add(r["status"])
        j, g = T.iri(r["jurisdiction"]), T.iri(r["regime"])
        since = f" since {r['valid_from']}" if r["valid_from"] else ""
        until = f" until {r['valid_until']}" if r["valid_until"] else ""
        cell = T.iri(r["id"])
        graph.add_node(cell, label=f"{r['status']}{since}{until}", cls="RegimeMembership", record=r["id"],
                       shape="box", color=STATUS_COLOURS.get(r["status"], "#cccccc"),
                       x=(rs.index(g) + 1) * gap_x, y=(js.index(j) + 1) * gap_y,
                       title=f"{r['jurisdiction_label']} in {r['regime_label']}: {r['status']}{since}{until}")
        graph.add_edge(j, cell, key="org:member", label="member", title="org:member", hidden=True)
        graph.add_edge(cell, g, key="org:organization", label="organization", title="org:organization", hidden=True)
    return View("regimes", "Regime memberships", graph, subtitle=f"as of {as_of or 'any date'}",
                edge_legend=[{"label": s, "color": STATUS_COLOURS.get(s, "#cccccc"), "chip": True,
                              "text": text_colour(STATUS_COLOURS.get(s, "#cccccc"))} for s in sorted(statuses)],
                edge_legend_title="Membership status",
                controls={"as_of": as_of.isoformat() if as_of else ""})


# ---------------------------------------------------------------- (e) crosswalk

def crosswalk(store: GraphStore, entry: str) -> View:
    """An entry, its counterparts in every other list, their lists, and its customs codes."""
    from exportgraph.query.items import crosswalk as walk

    cw = walk(store, entry)
    root = T.iri(cw["entry"])
    others: list[tuple[Json, str, Any]] = (
        [(c, c.get("match") or "corresponds", False) for c in cw["correspondences"] if c.get("id")]
        + [(c, "via crosswalk group", [8, 6]) for c in cw["via_other_correspondences"]]
        + [(c, "same code (candidate)", [2, 6]) for c in cw["same_code_candidates"]])
    iris = [root] + [T.iri(c["id"]) for c, _, _ in others] + [T.iri(c["id"]) for c in cw["customs_codes"]]
    meta = node_meta(store, sorted(set(iris)))
    graph = nx.MultiDiGraph()
    add_node(graph, root, meta.get(root, {}), root=True)
    for c, how, dashes in others:
        n = T.iri(c["id"])
        extra = [f"List: {c.get('list_label') or c.get('list')}", f"Match: {how}"]
        if c.get("method"):
            extra.append(f"Method: {c['method']}, confidence {c.get('confidence') or 'n/a'}")
        add_node(graph, n, meta.get(n, {}), extra)
        graph.add_edge(root, n, key=how, label=how, title=how, dashes=dashes)
    for code in cw["customs_codes"]:
        n = T.iri(code["id"])
        add_node(graph, n, meta.get(n, {}), [f"Nomenclature: {code['nomenclature']}",
                                             f"Confidence: {code['confidence']}", cw["note"] or ""],
                 label=f"{code['code']} ({code['nomenclature'].rsplit('/', 1)[-1]})", cls="CustomsCode")
        graph.add_edge(root, n, key=code["link"], label=code["confidence"], title=cw["note"] or "",
                       dashes=[4, 4], color="#17becf")
    _add_lists(store, graph)
    _place(graph, layout.cached("radial", graph, layout.radial, root))
    return View("crosswalk", f"Crosswalk of {cw['label']}", graph, subtitle=cw["entry"],
                edge_legend=[{"label": "correspondence", "color": "#848484", "dashes": False},
                             {"label": "via crosswalk group", "color": "#848484", "dashes": [8, 6]},
                             {"label": "same code (candidate)", "color": "#848484", "dashes": [2, 6]},
                             {"label": "customs code (indicative)", "color": "#17becf", "dashes": [4, 4]}])


def _add_lists(store: GraphStore, graph: nx.MultiDiGraph) -> None:
    entries = [n for n, d in graph.nodes(data=True) if d.get("cls") == "ControlEntry"]
    if not entries:
        return
    rows = store.select(f"""SELECT DISTINCT ?e ?l WHERE {{ VALUES ?e {{ {_values(entries)} }}
        ?e skos:inScheme ?ed . ?ed eg:editionOf ?l }}""")
    lists = sorted({value(r["l"]) for r in rows})
    meta = node_meta(store, lists)
    for n in lists:
        add_node(graph, n, meta.get(n, {}))
    for r in rows:
        graph.add_edge(value(r["e"]), value(r["l"]), key="list", label="in list", title="in list", color="#c49c94")


# ---------------------------------------------------------------- (f) case timeline

LANES = {"LegalInstrument": -260.0, "Agency": -420.0, "ControlEntry": 260.0, "Party": 420.0}


def case(store: GraphStore, case_id: str) -> View:
    """A case's events along a time axis, with the instruments, items, agencies and parties involved."""
    from exportgraph.query.base import timeline

    tl = timeline(store, case_id)
    events = tl["events"]
    if not events:
        raise NotFound(f"case {case_id!r} has no dated events")
    graph = nx.MultiDiGraph()
    root = T.iri(case_id)
    involved = sorted({T.iri(i["id"]) for e in events for i in e["involved"]})
    meta = node_meta(store, [root] + [T.iri(e["id"]) for e in events] + involved)
    first = dt.date.fromisoformat(events[0]["date"][:10])
    xs: list[float] = []
    for e in events:
        days = (dt.date.fromisoformat(e["date"][:10]) - first).days
        xs.append(max(days * 1.2, xs[-1] + 170.0) if xs else 0.0)
    add_node(graph, root, meta.get(root, {}), root=True, x=-300.0, y=0.0)
    previous = root
    touching: dict[str, list[float]] = {}
    for e, x in zip(events, xs, strict=True):
        n = T.iri(e["id"])
        add_node(graph, n, meta.get(n, {}), [f"Type: {e['type']}", e["description"] or ""],
                 label=f"{e['date']}\n{e['type']}", x=x, y=0.0)
        graph.add_edge(previous, n, key="next", color="#e377c2", width=3, title="then")
        previous = n
        for i in e["involved"]:
            touching.setdefault(T.iri(i["id"]), []).append(x)
            graph.add_edge(n, T.iri(i["id"]), key="involves", color="#cccccc", title="involves")
    _lanes(graph, meta, touching)
    return View("case", f"Case: {tl['label']}", graph, subtitle=f"{case_id} · {events[0]['date']} to "
                f"{events[-1]['date']} · {len(events)} event(s)",
                edge_legend=[{"label": "next event", "color": "#e377c2", "dashes": False},
                             {"label": "involves", "color": "#cccccc", "dashes": False}])


def _lanes(graph: nx.MultiDiGraph, meta: dict[str, Json], touching: dict[str, list[float]]) -> None:
    """Involved resources above or below the time axis by class, at the mean x of their events."""
    placed: dict[float, list[float]] = {}
    for n in sorted(touching, key=lambda k: (sum(touching[k]) / len(touching[k]), k)):
        info = meta.get(n, {})
        lane = LANES.get(info.get("cls") or "", 560.0)
        x = sum(touching[n]) / len(touching[n])
        taken = placed.setdefault(lane, [])
        y = lane
        while any(abs(x - t) < 150 for t in taken[-3:]):
            x += 150.0
        taken.append(x)
        add_node(graph, n, info, x=x, y=y)
