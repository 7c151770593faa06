"""Keep Python's cyclic garbage collector from stopping the whole service for seconds.

A full (generation 2) collection walks every container object the process holds, with the GIL held
throughout: no thread runs, and the event loop answers nothing, /api/health included. The service
holds about a million long-lived objects (the text index, the caches), so under the soak's load each
full collection took 0.3-5 s (19 of them in 40 s, 22 s in all), and health's p99 was seconds.

Those objects live as long as the process: after a full collection, every object that survived is
moved out of the collector's sight with `gc.freeze()`. A full collection right after one leaves the
young generations empty, so what is frozen is only what was reachable then; the next full collection
walks only what became long-lived since. Reference counting still frees everything as before; only a
cycle made of frozen objects that later becomes garbage is never reclaimed (the soak measures memory).
"""

from __future__ import annotations

import gc
import logging
import threading
from typing import Any

log = logging.getLogger(__name__)
_installed = threading.Lock()
_state = {"installed": False}


def _after_collection(phase: str, info: dict[str, Any]) -> None:
    if phase == "stop" and info.get("generation") == 2:
        gc.freeze()


def install() -> None:
    """Freeze the survivors of every full collection from now on (idempotent: once per process)."""
    with _installed:
        if _state["installed"]:
            return
        _state["installed"] = True
    gc.callbacks.append(_after_collection)


def settle() -> None:
    """One full collection now, at a quiet moment (after start-up work), so that its survivors are frozen."""
    install()
    gc.collect()
    log.info("garbage collector: %d objects frozen after start-up", gc.get_freeze_count())
