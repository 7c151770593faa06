"""The package's rooms: each folder is one concern and imports run one way.

ontology <- graph <- query <- explorer | sparql <- api <- cli (exc and settings are leaves that any layer
may use). Every import counts, including those inside functions, because a lazy import is still an
arrow. A test also runs the checker on a copy of the old layout's circle (cli -> commands -> render_cli
-> cli) to show that it fails there.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "exportgraph"
RANK = {"exc": 0, "settings": 0.5, "ontology": 1, "graph": 2, "query": 3, "explorer": 4, "sparql": 4,
        "api": 5, "cli": 6, "__main__": 7}
MAX_LINES = 500


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(root: Path, path: Path) -> set[str]:
    """Modules of the package that a file imports, anywhere in the file."""
    top = root.name
    found: set[str] = set()
    package = module_name(root, path) if path.name == "__init__.py" else module_name(root, path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == top)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            if base.split(".")[0] != top:
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if (root.parent / candidate.replace(".", "/")).with_suffix(".py").exists()
                          or (root.parent / candidate.replace(".", "/") / "__init__.py").exists() else base)
    return found


def graph_of(root: Path) -> dict[str, set[str]]:
    files = {module_name(root, p): p for p in root.rglob("*.py")}
    return {name: {m for m in imports_of(root, path) if m in files and m != name} for name, path in files.items()}


def room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    bad = []
    for module, targets in graph.items():
        here = room(module)
        for target in targets:
            there = room(target)
            if here == there or there == "__init__":
                continue
            if here == "__init__" or RANK[there] > RANK[here] or (RANK[there] == RANK[here]):
                bad.append(f"{module} imports {target} ({here} may not import {there})")
    return sorted(bad)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import circle, each reported once (depth-first search with colours)."""
    found: list[list[str]] = []
    colour: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        colour[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if colour.get(nxt) == 1:
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in colour:
                visit(nxt)
        stack.pop()
        colour[node] = 2

    for node in sorted(graph):
        if node not in colour:
            visit(node)
    return found


def test_every_room_is_known() -> None:
    assert {room(m) for m in graph_of(PACKAGE)} - {"__init__"} <= set(RANK)


def test_imports_run_one_way() -> None:
    assert upward_imports(graph_of(PACKAGE)) == []


def test_no_import_circle() -> None:
    assert cycles(graph_of(PACKAGE)) == []


def test_modules_are_small_or_say_why() -> None:
    big = [f"{p.relative_to(PACKAGE)}: {n} lines" for p in PACKAGE.rglob("*.py")
           if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES
           and "Size:" not in "\n".join(p.read_text("utf-8").splitlines()[:30])]
    assert big == []


@pytest.fixture()
def old_layout(tmp_path: Path) -> Path:
    """The old layout's circle, reduced to its imports: cli.py, commands.py and render_cli.py."""
    root = tmp_path / "exportgraph"
    (root / "graph").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "graph" / "__init__.py").write_text("")
    (root / "graph" / "views.py").write_text("def view():\n    from exportgraph.graph import queries\n")
    (root / "graph" / "queries.py").write_text("")
    (root / "cli.py").write_text("def ext():\n    from exportgraph import commands\n")
    (root / "commands.py").write_text("def s():\n    from exportgraph.cli import _store\n"
                                      "def r():\n    from exportgraph import render_cli\n")
    (root / "render_cli.py").write_text("def c():\n    from exportgraph.cli import _store\n")
    return root


def test_the_checker_finds_the_old_circle(old_layout: Path) -> None:
    found = cycles(graph_of(old_layout))
    assert ["exportgraph.cli", "exportgraph.commands", "exportgraph.cli"] in found
    assert any("exportgraph.render_cli" in c for c in found)


def test_the_checker_finds_an_upward_import(tmp_path: Path) -> None:
    root = tmp_path / "exportgraph"
    for folder in ("graph", "api"):
        (root / folder).mkdir(parents=True)
        (root / folder / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / "api" / "app.py").write_text("")
    (root / "graph" / "build.py").write_text("def f():\n    from exportgraph.api.app import x\n")
    assert upward_imports(graph_of(root)) == ["exportgraph.graph.build imports exportgraph.api.app (graph may not import api)"]
