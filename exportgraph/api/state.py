"""What the running service holds: the settings, the build it serves and the store.

Replacing the served graph is one assignment of a new GraphState: a request sees
the old state or the new one, never a mix. The state holds a lease on its dataset
file, so that a build in the same directory keeps the file while it is served.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import IO, Any

from exportgraph.graph.build import Build, lease, read_manifest
from exportgraph.graph.store import GraphStore, open_store
from exportgraph.settings import Settings


@dataclass(frozen=True)
class GraphState:
    settings: Settings
    build: Build | None
    store: GraphStore
    problem: str = ""  # why this build is served although the data changed (a failed rebuild), for /api/health
    lease: IO[bytes] | None = field(default=None, repr=False, compare=False)

    def close(self) -> None:
        self.store.close()
        if self.lease is not None:
            with contextlib.suppress(OSError):
                self.lease.close()

    @property
    def manifest(self) -> dict[str, Any]:
        return self.build.manifest if self.build else {}


def load_state(settings: Settings, problem: str = "") -> GraphState:
    build = read_manifest(settings.build_dir, required=settings.store == "embedded")
    if settings.store == "remote":
        store = open_store("remote", None, settings.remote_query_url, settings.remote_timeout_s)
        return GraphState(settings, build, store, problem)
    assert build is not None
    held = lease(build.dataset)  # before the load: from here on no build removes the file
    try:
        store = open_store("embedded", build.dataset)
    except BaseException:
        held.close()
        raise
    return GraphState(settings, build, store, problem, held)
