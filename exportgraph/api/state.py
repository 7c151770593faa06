"""What the running service holds: the settings, the build it serves and the store.

Replacing the served graph is one assignment of a new GraphState: a request sees
the old state or the new one, never a mix. The state holds a lease on its dataset
file, so that a build in the same directory keeps the file while it is served.
`serve`'s parent holds only the build and its lease (HeldBuild), or a remote store's settings (HeldRemote): each
web process loads its own store, or opens its own client, and builds its own text index (api/serve.py says why).
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


@dataclass(frozen=True)
class HeldBuild:
    """A build of the embedded store, leased but not loaded: what `serve`'s parent holds for its web processes,
    each of which loads its own store from it (`load`)."""

    settings: Settings
    build: Build
    problem: str
    lease: IO[bytes] = field(repr=False, compare=False)

    def load(self) -> GraphState:
        """This process's own store, from the leased dataset (the lease stays the holder's)."""
        store = open_store("embedded", self.build.dataset)
        return GraphState(self.settings, self.build, store, self.problem, self.lease)


@dataclass(frozen=True)
class HeldRemote:
    """A remote store, not yet opened: what `serve`'s parent holds for its web processes over a remote store,
    each of which opens its own client and builds its own text index (`load`, then api/serve.py own_state)."""

    settings: Settings
    build: Build | None
    problem: str

    def load(self) -> GraphState:
        s = self.settings
        return GraphState(s, self.build, open_store("remote", None, s.remote_query_url, s.remote_timeout_s),
                          self.problem)


def hold(settings: Settings, problem: str = "") -> HeldBuild | HeldRemote:
    """What `serve`'s parent holds: the build of the embedded store, leased, or the remote store's settings."""
    if settings.store == "remote":
        return HeldRemote(settings, read_manifest(settings.build_dir, required=False), problem)
    return hold_build(settings, problem)


def hold_build(settings: Settings, problem: str = "") -> HeldBuild:
    """The current build of the embedded store, leased: from here on no build removes its dataset."""
    build = read_manifest(settings.build_dir, required=True)
    assert build is not None
    return HeldBuild(settings, build, problem, lease(build.dataset))


def load_state(settings: Settings, problem: str = "") -> GraphState:
    if settings.store == "remote":
        return hold(settings, problem).load()
    held = hold_build(settings, problem)  # before the load: from here on no build removes the file
    try:
        return held.load()
    except BaseException:
        held.lease.close()
        raise
