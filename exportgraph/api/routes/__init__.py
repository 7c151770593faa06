"""Router modules, one per resource. Each module exposes `router`."""

from __future__ import annotations

import importlib

from fastapi import APIRouter

# Order matters only for overlapping paths; pages last (its catch-alls are the widest).
MODULES = ("meta", "rest", "compare", "items", "sparql", "views", "search", "web", "diff", "pages")


def routers() -> list[APIRouter]:
    found = []
    for name in MODULES:
        try:
            module = importlib.import_module(f"exportgraph.api.routes.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"exportgraph.api.routes.{name}":
                continue
            raise
        found.append(module.router)
    return found
