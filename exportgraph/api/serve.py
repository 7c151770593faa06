"""`exportgraph serve`: build if needed, then run uvicorn."""

from __future__ import annotations

import logging
import socket
import sys
from typing import TYPE_CHECKING

from exportgraph.exc import ExportGraphError, ServeFailed
from exportgraph.graph.build import build, is_current, read_manifest
from exportgraph.settings import Settings

if TYPE_CHECKING:
    from exportgraph.api.state import GraphState

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
    from exportgraph.api.state import load_state

    memory.limit_arenas(settings.malloc_arena_max)  # before the load and its threads (api/memory.py)
    sock = bind(settings.host, settings.port)  # before the build and the load: a taken port fails at once
    problem = ensure_build(settings, rebuild)
    state = load_state(settings, problem)
    if settings.web_processes == 1 and settings.query_evaluation == "workers":
        _serve_one(settings, state, sock)
        return
    from exportgraph.api.processes import run_forked
    from exportgraph.query.textindex import index_for

    # The text index too, once, before the fork: a web process building its own would hold the GIL for
    # seconds while it serves, and each would keep a copy.
    index_for(state.store)
    # Forked after the load: the web processes share the loaded store copy-on-write. In-process evaluation
    # needs the parent even for one web process: a runaway query ends its process, and the parent replaces it.
    run_forked(settings.web_processes, sock, lambda: _serve_one(settings, state, sock))


def _serve_one(settings: Settings, state: GraphState, sock: socket.socket) -> None:
    import uvicorn

    from exportgraph.api.app import create_app
    from exportgraph.api.protocol import with_header_timeout

    app = create_app(settings, state)
    _warm(app)
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="info",
                            h11_max_incomplete_event_size=settings.max_url_length + 16384,
                            http=with_header_timeout(settings.header_timeout_s))
    server = uvicorn.Server(config)
    if settings.query_evaluation == "in-process":
        # Called on a runaway query: stop accepting, finish the requests held, exit; the parent forks anew.
        app.state.recycle = lambda: setattr(server, "should_exit", True)
    server.run(sockets=[sock])
    if not server.started:
        raise ServeFailed("the service did not start (see the log above)")


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, or ServeFailed saying why (uvicorn would exit 3, validation's code)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise ServeFailed(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise ServeFailed(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def _warm(app: object) -> None:
    """Build the text index in the background, so that the first search does not wait for it; then freeze
    what start-up made (about a million objects) out of the garbage collector's sight (see api/pauses.py)."""
    import threading

    from exportgraph.api import pauses
    from exportgraph.query.textindex import index_for

    store = app.state.graph.store  # type: ignore[attr-defined]

    def warm() -> None:
        index_for(store)
        pauses.settle()

    threading.Thread(target=warm, name="text-index", daemon=True).start()
