"""`exportgraph serve`: build if needed, then run uvicorn."""

from __future__ import annotations

import logging
import socket
import sys
from typing import TYPE_CHECKING, Any

from exportgraph.exc import ExportGraphError, ServeFailed
from exportgraph.graph.build import build, is_current, read_manifest
from exportgraph.settings import Settings

if TYPE_CHECKING:
    from exportgraph.api.state import GraphState, HeldBuild, HeldRemote
    from exportgraph.graph.store import GraphStore

    Source = GraphState | HeldBuild | HeldRemote

log = logging.getLogger(__name__)


def ensure_build(settings: Settings, rebuild: bool = False) -> str:
    """Build when there is no build, when asked, or when data/ or the ontology changed since the last build.

    A build that fails while a previous one exists leaves that one served: the answer is why (logged, and
    shown by /api/health); "" when the build served is current. Without a previous build, the failure stands.
    """
    if settings.store == "remote" and not rebuild:
        return ""
    current = read_manifest(settings.build_dir, required=False)
    if not (rebuild or current is None or not is_current(current, settings.data_dir)):
        return ""
    say = (lambda m: print(f"... {m}", file=sys.stderr, flush=True)) if sys.stderr.isatty() else None  # noqa: T201
    try:
        build(settings.data_dir, settings.build_dir, say)
    except ExportGraphError as exc:
        if current is None or not current.dataset.exists():
            raise
        problem = (f"serving the previous build {current.manifest.get('dataset')}: the data in {settings.data_dir} "
                   f"changed but do not build: {exc.message}")
        log.warning("%s", problem)
        return problem
    return ""


def serve(settings: Settings, rebuild: bool = False) -> None:
    from exportgraph.api import memory

    memory.limit_arenas(settings.malloc_arena_max)  # before the load and its threads (api/memory.py)
    # Before the build and the load: a taken port fails at once.
    socks = bind(settings.host, settings.port, settings.web_processes)
    problem = ensure_build(settings, rebuild)
    serve_loaded(settings, prepare(settings, problem), socks)


def prepare(settings: Settings, problem: str = "") -> Source:
    """What `serve`'s parent holds for its web processes. The embedded store: the build, leased, not loaded;
    each web process loads its own store (own_state). Sharing one loaded in the parent copy-on-write did not
    stay shared: reading Oxigraph's in-memory store writes to the pages it reads, and searches write to the
    reference counts of the text index, so each web process copied them bit by bit (the soak: +51 % of the
    service's memory in 180 s, then a plateau). A remote store: its settings only; each web process opens its own
    client and builds its own text index. The index built once here and shared was copied the same way: searches
    write to its reference counts (a 90 s remote soak: the service +34 % from its first health answer, the
    parent's copy never freed), and each web process building its own, on its own core, takes as long."""
    from exportgraph.api.state import hold

    return hold(settings, problem)


def serve_loaded(settings: Settings, source: Source, socks: list[socket.socket]) -> None:
    """The web processes over a prepared source (a held build or a loaded state), on bound sockets (one per web
    process), until told to stop."""
    from exportgraph.api.processes import run_forked

    before_fork(settings, source)
    # The parent replaces a web process that stops (a query evaluated on a web process's event loop that runs
    # past the deadline ends it); the new one loads its own store, as the first did.
    run_forked(socks, lambda sock: _serve_one(settings, own_state(source), sock))


def before_fork(settings: Settings, source: Source) -> None:
    """What the web processes share, made once here: the text index of a loaded state, then every object of the
    load frozen out of the garbage collector's sight. Frozen before the fork, not in each web process after it:
    a web process's first full collection walked (and wrote to) every object it inherited, and so copied every
    page holding one. A held build or remote store shares nothing of the graph: each web process indexes its
    own store."""
    from exportgraph.api import pauses
    from exportgraph.api.state import GraphState
    from exportgraph.query.textindex import index_for

    if isinstance(source, GraphState):
        # The text index too, once, before the fork: a web process building its own would hold the GIL for
        # seconds while it serves.
        index_for(source.store)
    pauses.settle()


def own_state(source: Source) -> GraphState:
    """In a web process, before it serves: a held build loaded into a store of this process's own (or a client
    of the held remote store), its text index built and both frozen (api/pauses.py), so that nothing this
    process reads is shared with another (3 s to load and 4 s to index the real data, each web process on its
    core); a loaded state as it is. A dataset that cannot be loaded: ServeFailed, which stops `serve`."""
    from exportgraph.api import pauses
    from exportgraph.api.state import GraphState

    if isinstance(source, GraphState):
        return source
    try:
        state = source.load()
    except (OSError, SyntaxError, ValueError, ExportGraphError) as exc:
        what = source.build.dataset if source.build is not None and source.settings.store == "embedded" else "the store"
        raise ServeFailed(f"cannot load {what}: {' '.join(str(exc).split())[:300]}") from None
    _index(state.store)
    pauses.settle()
    return state


def _index(store: GraphStore) -> None:
    """Build the store's text index. A remote store that fails to send it (down, or cutting a long answer at its
    own time limit) does not stop the web process: it serves, and the index is built on the next search (logged
    here; the search that builds it meets the store's error, if it persists, as a 502 or 503)."""
    from exportgraph.query.textindex import index_for

    try:
        index_for(store)
    except ExportGraphError as exc:
        log.warning("the search index could not be built from the store: %s; it is built on the next search",
                    exc.message)


def _serve_one(settings: Settings, state: GraphState, sock: socket.socket) -> None:
    import uvicorn

    from exportgraph.api.app import create_app, lane, served
    from exportgraph.api.protocol import with_header_timeout

    app = create_app(settings, state)
    _warm(app)
    max_head = settings.max_url_length + 16384
    config = uvicorn.Config(served(app), host=settings.host, port=settings.port, log_level="info",
                            access_log=settings.access_log, h11_max_incomplete_event_size=max_head,
                            http=with_header_timeout(settings.header_timeout_s,
                                                                     lane(app) if settings.sync_lane else None, max_head))
    server = uvicorn.Server(config)
    app.state.supervised = True  # `serve`'s parent replaces this process should it end (api/processes.py)
    app.state.warm_up = settings.warm_up  # before it accepts a connection (api/warmup.py)
    # Called on a runaway query in a thread: stop accepting, finish the requests held, exit; the parent forks anew.
    app.state.recycle = lambda: setattr(server, "should_exit", True)
    server.run(sockets=[sock])
    if not server.started:
        raise ServeFailed("the service did not start (see the log above)")


def bind(host: str, port: int, count: int = 1) -> list[socket.socket]:
    """`count` listening sockets on the port (SO_REUSEPORT: the kernel spreads connections over them), or
    ServeFailed saying why (uvicorn would exit 3, validation's code).

    A plain socket is bound first and closed: SO_REUSEPORT alone would share the port with another service
    of the same user already listening there (an older `serve`), instead of failing."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except OSError as exc:
        raise ServeFailed(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    probe = _bound(family, kind, proto, address, host, port, reuse_port=False)
    if count == 1:
        return [probe]
    address = probe.getsockname()  # port 0: the port the kernel chose, for every socket
    probe.close()
    socks: list[socket.socket] = []
    try:
        for _ in range(count):
            socks.append(_bound(family, kind, proto, address, host, port, reuse_port=True))
    except ServeFailed:
        for sock in socks:
            sock.close()
        raise
    return socks


def _bound(family: socket.AddressFamily, kind: socket.SocketKind, proto: int, address: Any, host: str, port: int,
           reuse_port: bool) -> socket.socket:
    try:
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise ServeFailed(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise ServeFailed(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def _warm(app: object) -> None:
    """Build the text index in the background, should it not be built yet (serve builds it before the fork or in
    own_state, so this is a safety net); then freeze what this web process's start-up made out of the garbage
    collector's sight. The load itself was frozen already (before_fork or own_state): the full collection here
    does not walk it (see api/pauses.py)."""
    import threading

    from exportgraph.api import pauses

    store = app.state.graph.store  # type: ignore[attr-defined]

    def warm() -> None:
        _index(store)
        pauses.settle()

    threading.Thread(target=warm, name="text-index", daemon=True).start()
