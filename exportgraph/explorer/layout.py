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


# ---------------------------------------------------------------- clustered trees

CELL = (230.0, 64.0)  # a member's cell in an opened cluster: room for a short label under a dot


def _skeleton_kids(tree: nx.DiGraph, node: Hashable, heads: set[Hashable]) -> list[Hashable]:
    """A node's children in the drawing order (the `order` attribute: class, then name)."""
    if node in heads:
        return []
    return sorted(tree.successors(node), key=lambda k: (tree.nodes[k].get("order") or ("", ""), str(k)))


def _weights(tree: nx.DiGraph, root: Hashable, heads: set[Hashable]) -> dict[Hashable, float]:
    """Room each subtree needs: its leaves; a closed group counts by its `weight` attribute."""
    weight: dict[Hashable, float] = {}
    for node in reversed(list(nx.dfs_preorder_nodes(tree, root))):
        kids = _skeleton_kids(tree, node, heads)
        own = float(tree.nodes[node].get("weight") or 1.0)
        weight[node] = max(own, sum(weight.get(k, 1.0) for k in kids))
    return weight


def clustered_tree(tree: nx.DiGraph, root: Hashable, heads: set[Hashable], radial: bool = True) -> Positions:
    """Positions for a tree whose `heads` stand for groups of members (the heads' children).

    The skeleton (the tree without the heads' members) is laid out as a radial tree around root (or top-down
    when radial is False), each subtree in a sector as wide as its number of leaves; each head's members, drawn
    when the reader opens the group, sit in a grid block just beyond the head."""
    weight = _weights(tree, root, heads)
    positions: Positions = {root: (0.0, 0.0)}
    total = weight[root]
    span = 2 * math.pi if radial else total * 200.0
    # Each ring is wide enough for its nodes' labels (about 90 units each), and at least RING beyond the last.
    per_level: dict[int, int] = {}
    for node, level in nx.single_source_shortest_path_length(tree, root).items():
        if not any(up in heads for up in tree.predecessors(node)):
            per_level[level] = per_level.get(level, 0) + 1
    radii = [0.0]
    for level in range(1, max(per_level) + 1 if per_level else 1):
        radii.append(max(radii[-1] + RING, per_level.get(level, 0) * 90.0 / (2 * math.pi)))

    def place(node: Hashable, start: float, end: float, level: int) -> None:
        kids = _skeleton_kids(tree, node, heads)
        if not kids:
            return
        ring = radii[min(level + 1, len(radii) - 1)]
        crowded = (end - start) / len(kids) * ring < 2.5 * SPACING if radial else False
        at = start
        for i, kid in enumerate(kids):
            width = (end - start) * weight[kid] / max(1.0, sum(weight[k] for k in kids))
            mid = at + width / 2
            if radial:
                radius = ring + (0.45 * RING if crowded and i % 2 else 0.0)
                positions[kid] = (radius * math.cos(mid - math.pi / 2), radius * math.sin(mid - math.pi / 2))
            else:
                positions[kid] = (mid - span / 2, (level + 1) * 180.0 + (60.0 if len(kids) > 12 and i % 2 else 0.0))
            place(kid, at, at + width, level + 1)
            at += width

    place(root, 0.0, span, 0)
    for head in [n for n in nx.bfs_tree(tree, root) if n in heads]:
        if head in positions:
            _block(tree, head, positions, radial)
    _outer_ring(positions, [n for n in tree.nodes if n not in positions], 6 * RING)
    return positions


def _block(tree: nx.DiGraph, head: Hashable, positions: Positions, radial: bool) -> None:
    """The head's members in a grid beyond it (away from its parent), then their own children beyond them."""
    members = sorted(tree.successors(head), key=str)
    parent = next(iter(tree.predecessors(head)), None)
    hx, hy = positions[head]
    px, py = positions.get(parent, (0.0, 0.0)) if parent is not None else (0.0, 0.0)
    dx, dy = (hx - px, hy - py) if radial else (0.0, 1.0)
    norm = math.hypot(dx, dy) or 1.0
    dx, dy = dx / norm, dy / norm
    cols = max(1, min(len(members), math.ceil(math.sqrt(len(members) * 2.5))))
    rows = math.ceil(len(members) / cols)
    width, height = cols * CELL[0], rows * CELL[1]
    reach = RING * 0.5 + abs(dx) * width / 2 + abs(dy) * height / 2
    cx, cy = hx + dx * reach, hy + dy * reach
    for i, member in enumerate(members):
        row, col = divmod(i, cols)
        positions[member] = (cx - width / 2 + (col + 0.5) * CELL[0], cy - height / 2 + (row + 0.5) * CELL[1])
        kids = sorted(tree.successors(member), key=str)
        for j, kid in enumerate(kids):  # a member's own neighbours (depth 2 and 3): a short fan beyond it
            angle = math.atan2(dy, dx) + (j - (len(kids) - 1) / 2) * 0.35
            mx, my = positions[member]
            positions[kid] = (mx + 160.0 * math.cos(angle), my + 160.0 * math.sin(angle))
