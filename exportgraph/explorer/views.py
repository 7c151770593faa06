"""Graph views: networkx graphs built from the store, with positions, styles and a legend.

Each builder returns a `View`: a networkx MultiDiGraph whose nodes carry `label`, `cls`, `title`
(plain text: dates and sources), `record` (the id their page lives at) and `x`/`y`, and whose edges carry
`label`, `title`, `color` and `dashes`; plus the view's title, legend and, when the node cap cut the
view, a message that says so. `exportgraph.explorer.render` turns a View into a standalone HTML page.
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from exportgraph.exc import BadRequest, NotFound
from exportgraph.explorer import layout
from exportgraph.graph import terms as T
from exportgraph.graph.store import PREFIXES, GraphStore
from exportgraph.query.base import Json, check_id, label_of, labels, rid, value

# Links that are not part of the subject matter: provenance, citations and typing.
EXCLUDED = ("rdf:type", "prov:wasDerivedFrom", "eg:citedSource", "eg:citation")
NOT_EXCLUDED = f"FILTER(?p NOT IN ({', '.join(EXCLUDED)}))"
CLASS_STYLE: dict[str, tuple[str, str]] = {
    "Jurisdiction": ("#1f77b4", "box"), "Regime": ("#9467bd", "hexagon"),
    "RegimeMembership": ("#c5b0d5", "dot"), "Agency": ("#ff7f0e", "diamond"),
    "LegalInstrument": ("#2ca02c", "square"), "Provision": ("#98df8a", "dot"),
    "ControlList": ("#8c564b", "triangle"), "PartyList": ("#8c564b", "triangleDown"),
    "ListEdition": ("#c49c94", "triangle"), "ControlEntry": ("#d62728", "dot"),
    "CustomsCode": ("#17becf", "triangleDown"), "Nomenclature": ("#9edae5", "triangle"),
    "Case": ("#e377c2", "star"), "WtoDispute": ("#e377c2", "star"), "Event": ("#f7b6d2", "dot"),
    "Party": ("#7f7f7f", "dot"), "Listing": ("#c7c7c7", "dot"), "Position": ("#bcbd22", "dot"),
    "Dimension": ("#dbdb8d", "box"), "ControlMeasure": ("#ffbb78", "dot"), "Procedure": ("#aec7e8", "dot"),
    "LicenceType": ("#aec7e8", "square"), "CodedValue": ("#e7e7e7", "dot"), "SourceDocument": ("#cccccc", "dot"),
    "Recommendation": ("#ff9896", "dot"), "CountryGroup": ("#c49c94", "dot"),
}
OTHER_STYLE = ("#b0b0b0", "dot")
VERDICT_COLOURS = {"same": "#1a9850", "similar": "#91cf60", "different": "#d73027",
                   "not comparable": "#999999", "converge": "#1a9850", "diverge": "#d73027"}
STATUS_DASHES: dict[str, Any] = {"participant": False, "adherent": [10, 6], "observer": [4, 6],
                                 "applicant": [2, 4], "non-member": [2, 8], "former": [12, 4, 2, 4]}


@dataclass
class View:
    kind: str
    title: str
    graph: nx.MultiDiGraph
    subtitle: str = ""
    message: str | None = None
    edge_legend: list[dict[str, Any]] = field(default_factory=list)

    def legend(self) -> list[dict[str, Any]]:
        counts: dict[str, int] = {}
        for _, data in self.graph.nodes(data=True):
            counts[data.get("cls") or "Other"] = counts.get(data.get("cls") or "Other", 0) + 1
        return [{"cls": cls, "color": style(cls)[0], "shape": style(cls)[1], "count": n}
                for cls, n in sorted(counts.items())]


def style(cls: str | None) -> tuple[str, str]:
    return CLASS_STYLE.get(cls or "", OTHER_STYLE)


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
    names = labels(store, list(out) + source_iris)
    for iri, meta in out.items():
        meta["label"] = label_of(names.get(iri), rid(iri) or iri)
        meta["source_labels"] = [label_of(names.get(s), rid(s) or s) for s in meta["sources"]]
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


def _keep(meta: Json, iri: str, classes: set[str], jurisdictions: set[str]) -> bool:
    if classes and meta.get("cls") not in classes:
        return False
    if jurisdictions:
        own = rid(iri) if meta.get("cls") == "Jurisdiction" else meta.get("jurisdiction")
        return own is None or own in jurisdictions
    return True


def neighbourhood(store: GraphStore, record_id: str, depth: int = 1, classes: list[str] | None = None,
                  jurisdictions: list[str] | None = None, max_nodes: int = 1500) -> View:
    """Everything linked to a resource within `depth` hops (1-3), optionally only some classes or
    jurisdictions (the resource itself is always shown)."""
    if not 1 <= depth <= 3:
        raise BadRequest("depth: 1, 2 or 3")
    root = _exists(store, record_id)
    wanted_classes = set(classes or [])
    wanted_j = {check_id(j) for j in jurisdictions or []}
    graph = nx.MultiDiGraph()
    meta = node_meta(store, [root])
    add_node(graph, root, meta.get(root, {}), root=True)
    frontier, found, cut = [root], {root}, False
    for _ in range(depth):
        links = []
        for start in range(0, len(frontier), 200):
            links.extend(_links(store, frontier[start:start + 200], max_nodes * 4))
        new = sorted({n for s, _, o in links for n in (s, o)} - found)
        info = node_meta(store, new)
        kept = [n for n in new if _keep(info.get(n, {}), n, wanted_classes, wanted_j)]
        room = max_nodes - graph.number_of_nodes()
        if len(kept) > room:
            cut, kept = True, kept[:room]
        found.update(new)
        for n in kept:
            add_node(graph, n, info.get(n, {}))
        for s, p, o in links:
            if s in graph and o in graph and not graph.has_edge(s, o, key=p):
                graph.add_edge(s, o, key=p, label=curie(p), title=curie(p))
        frontier = kept
        if cut or not frontier:
            break
    _place(graph, layout.cached("radial", graph, layout.radial, root))
    view = View("neighbourhood", f"Neighbourhood of {graph.nodes[root]['label']}", graph,
                subtitle=f"{record_id} · depth {depth}")
    if cut:
        view.message = (f"The view is cut at {max_nodes} nodes (the max_view_nodes setting): more resources lie "
                        f"within {depth} hop(s). Narrow it with a class or jurisdiction filter or a smaller depth.")
    return view


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
                edge_legend=[{"label": v, "color": c, "dashes": False} for v, c in VERDICT_COLOURS.items()])


# ---------------------------------------------------------------- (d) regime memberships

def regimes(store: GraphStore, as_of: dt.date | None = None) -> View:
    """Jurisdictions (left) and regimes (right), one edge per membership, styled by status."""
    from exportgraph.query.base import memberships

    rows = memberships(store, as_of)
    graph = nx.MultiDiGraph()
    js = sorted({T.iri(r["jurisdiction"]) for r in rows})
    rs = sorted({T.iri(r["regime"]) for r in rows})
    meta = node_meta(store, js + rs)
    for n in js + rs:
        add_node(graph, n, meta.get(n, {}))
    statuses: set[str] = set()
    for r in rows:
        statuses.add(r["status"])
        since = f"from {r['valid_from']}" if r["valid_from"] else ""
        until = f" until {r['valid_until']}" if r["valid_until"] else ""
        graph.add_edge(T.iri(r["jurisdiction"]), T.iri(r["regime"]), key=r["id"], label=r["status"],
                       title=f"{r['jurisdiction_label']} in {r['regime_label']}: {r['status']} {since}{until}".strip(),
                       dashes=STATUS_DASHES.get(r["status"], [1, 3]),
                       color="#555555" if r["status"] in ("participant", "adherent") else "#bbbbbb")
    _place(graph, layout.columns([js, rs], gap=600.0, step=90.0))
    return View("regimes", "Regime memberships", graph, subtitle=f"as of {as_of or 'any date'}",
                edge_legend=[{"label": s, "color": "#555555", "dashes": STATUS_DASHES.get(s, [1, 3])}
                             for s in sorted(statuses)])


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
