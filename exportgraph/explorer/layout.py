"""Node positions for graph views, computed once in Python so the browser draws with physics off.

networkx's spring layout takes seconds at 1,000 nodes (see TRAPS.md); these layouts are linear in
the size of the graph: rings of breadth-first layers around a root, columns, or a time axis. Results
are cached by the graph's shape, so redrawing the same view costs a dictionary lookup.
"""

from __future__ import annotations

import hashlib
import math
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence

import networkx as nx

Positions = dict[Hashable, tuple[float, float]]
SPACING = 60.0  # distance between neighbouring nodes on a ring, in vis-network units
RING = 220.0  # distance between rings
_CACHE: OrderedDict[str, Positions] = OrderedDict()
_CACHE_SIZE = 128


def _key(kind: str, graph: nx.Graph, extra: Iterable[object] = ()) -> str:
    digest = hashlib.sha1(kind.encode())
    for node in sorted(map(str, graph.nodes)):
        digest.update(node.encode() + b"\0")
    for a, b in sorted(tuple(sorted((str(e[0]), str(e[1])))) for e in graph.edges):
        digest.update(a.encode() + b"\1" + b.encode() + b"\2")
    for item in extra:
        digest.update(repr(item).encode())
    return digest.hexdigest()


def cached(kind: str, graph: nx.Graph, compute: object, *extra: object) -> Positions:
    """Positions from the cache, else from compute(graph, *extra)."""
    key = _key(kind, graph, extra)
    found = _CACHE.get(key)
    if found is not None:
        _CACHE.move_to_end(key)
        return found
    assert callable(compute)
    positions: Positions = compute(graph, *extra)
    _CACHE[key] = positions
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return positions


def _ring_radius(depth: int, count: int) -> float:
    return max(depth * RING, count * SPACING / (2 * math.pi))


def radial(graph: nx.Graph, root: Hashable) -> Positions:
    """Breadth-first rings around root; each ring ordered by the angle of its parents."""
    undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    positions: Positions = {root: (0.0, 0.0)}
    angle: dict[Hashable, float] = {root: 0.0}
    radius = 0.0
    for depth, layer in enumerate(nx.bfs_layers(undirected, [root])):
        if depth == 0:
            continue

        def parent_angle(node: Hashable) -> tuple[float, str]:
            seen = [angle[n] for n in undirected.neighbors(node) if n in angle]
            return (sum(seen) / len(seen) if seen else 0.0, str(node))

        ordered = sorted(layer, key=parent_angle)
        radius = max(_ring_radius(depth, len(ordered)), radius + RING)
        for i, node in enumerate(ordered):
            # Start at the top and turn each ring a little, so that small rings do not put long labels
            # side by side on one horizontal line.
            theta = 2 * math.pi * i / len(ordered) - math.pi / 2 + depth * 0.35
            angle[node] = theta
            positions[node] = (radius * math.cos(theta), radius * math.sin(theta))
    # Anything not reachable from the root (should not happen in a neighbourhood) goes on an outer ring.
    rest = [n for n in graph.nodes if n not in positions]
    _outer_ring(positions, rest, radius + RING)
    return positions


def _outer_ring(positions: Positions, nodes: list[Hashable], radius: float) -> None:
    for i, node in enumerate(sorted(nodes, key=str)):
        theta = 2 * math.pi * i / max(1, len(nodes))
        r = max(radius, len(nodes) * SPACING / (2 * math.pi))
        positions[node] = (r * math.cos(theta), r * math.sin(theta))


def components(graph: nx.Graph) -> Positions:
    """Each connected component as rings around its best-connected node, components packed in a grid."""
    undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    parts = sorted(nx.connected_components(undirected), key=lambda c: (-len(c), min(map(str, c))))
    placed: list[Positions] = []
    for part in parts:
        sub = undirected.subgraph(part)
        root = max(sub.nodes, key=lambda n: (sub.degree(n), str(n)))
        placed.append(radial(sub, root))
    columns = max(1, math.ceil(math.sqrt(len(placed))))
    out: Positions = {}
    x = y = row_height = 0.0
    for i, pos in enumerate(placed):
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        width, height = max(xs) - min(xs) + 2 * SPACING, max(ys) - min(ys) + 2 * SPACING
        if i and i % columns == 0:
            x, y, row_height = 0.0, y + row_height, 0.0
        for node, (px, py) in pos.items():
            out[node] = (x + px - min(xs), y + py - min(ys))
        x += width
        row_height = max(row_height, height)
    return out


def columns(groups: Sequence[Sequence[Hashable]], gap: float = 320.0, step: float = 70.0) -> Positions:
    """Each group a vertical column, centred on y = 0."""
    out: Positions = {}
    for col, group in enumerate(groups):
        top = -(len(group) - 1) * step / 2
        for row, node in enumerate(group):
            out[node] = (col * gap, top + row * step)
    return out


def line(nodes: Sequence[Hashable], step: float = 200.0) -> Positions:
    return {node: (i * step, 0.0) for i, node in enumerate(nodes)}
