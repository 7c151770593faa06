"""What the running service holds: the settings, the build it serves and the store.

Replacing the served graph is one assignment of a new GraphState: a request sees
the old state or the new one, never a mix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from exportgraph.graph.build import Build, read_manifest
from exportgraph.graph.store import GraphStore, open_store
from exportgraph.settings import Settings


@dataclass(frozen=True)
class GraphState:
    settings: Settings
    build: Build | None
    store: GraphStore

    @property
    def manifest(self) -> dict[str, Any]:
        return self.build.manifest if self.build else {}


def load_state(settings: Settings) -> GraphState:
    build = read_manifest(settings.build_dir, required=settings.store == "embedded")
    if settings.store == "remote":
        store = open_store("remote", None, settings.remote_query_url, settings.remote_timeout_s)
    else:
        assert build is not None
        store = open_store("embedded", build.dataset)
    return GraphState(settings, build, store)
