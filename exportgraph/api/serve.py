"""`exportgraph serve`: build if needed, then run uvicorn."""

from __future__ import annotations

import logging
import sys

from exportgraph.graph.build import build, read_manifest
from exportgraph.settings import Settings

log = logging.getLogger(__name__)


def ensure_build(settings: Settings, rebuild: bool = False) -> None:
    if settings.store == "remote" and not rebuild:
        return
    if rebuild or read_manifest(settings.build_dir, required=False) is None:
        say = (lambda m: print(f"... {m}", file=sys.stderr, flush=True)) if sys.stderr.isatty() else None  # noqa: T201
        build(settings.data_dir, settings.build_dir, say)


def serve(settings: Settings, rebuild: bool = False) -> None:
    import uvicorn

    from exportgraph.api.app import create_app

    ensure_build(settings, rebuild)
    app = create_app(settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info",
                h11_max_incomplete_event_size=settings.max_url_length + 16384)
