"""`exportgraph serve`: build if needed, then run uvicorn."""

from __future__ import annotations

import logging
import sys

from exportgraph.graph.build import build, is_current, read_manifest
from exportgraph.settings import Settings

log = logging.getLogger(__name__)


def ensure_build(settings: Settings, rebuild: bool = False) -> None:
    """Build when there is no build, when asked, or when data/ or the ontology changed since the last build."""
    if settings.store == "remote" and not rebuild:
        return
    current = read_manifest(settings.build_dir, required=False)
    if rebuild or current is None or not is_current(current, settings.data_dir):
        say = (lambda m: print(f"... {m}", file=sys.stderr, flush=True)) if sys.stderr.isatty() else None  # noqa: T201
        build(settings.data_dir, settings.build_dir, say)


def serve(settings: Settings, rebuild: bool = False) -> None:
    import uvicorn

    from exportgraph.api.app import create_app

    ensure_build(settings, rebuild)
    app = create_app(settings)
    _warm(app)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info",
                h11_max_incomplete_event_size=settings.max_url_length + 16384)


def _warm(app: object) -> None:
    """Build the text index in the background, so that the first search does not wait for it."""
    import threading

    from exportgraph.query.textindex import index_for

    store = app.state.graph.store  # type: ignore[attr-defined]
    threading.Thread(target=index_for, args=(store,), name="text-index", daemon=True).start()
