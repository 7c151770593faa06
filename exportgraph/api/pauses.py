"""Keep the event loop (and /api/health on it) from pausing behind the garbage collector or the GIL.

1. The cyclic garbage collector.

A full (generation 2) collection walks every container object the process holds, with the GIL held
throughout: no thread runs, and the event loop answers nothing, /api/health included. The service
holds about a million long-lived objects (the text index, the caches), so under the soak's load each
full collection took 0.3-5 s (19 of them in 40 s, 22 s in all), and health's p99 was seconds.

Those objects live as long as the process: after a full collection, every object that survived is
moved out of the collector's sight with `gc.freeze()`. A full collection right after one leaves the
young generations empty, so what is frozen is only what was reachable then; the next full collection
walks only what became long-lived since. Reference counting still frees everything as before; only a
cycle made of frozen objects that later becomes garbage is never reclaimed (the soak measures memory).

2. The GIL's switch interval. Graph views, pages and REST run Python in threads; a thread that wants the
GIL (the event loop's, after each wait for the network) asks the holder to let go after the switch
interval, and then competes with every other waiting thread. With Python's 5 ms and 26 busy threads (the
class limits allow views 2 + REST 16 + pages 8), a thread that sleeps 1 ms woke 1.9 s late (p50); at 1 ms,
1.6 ms late (p50; p99 0.3 s; bench figures in .pending/soak.md). The cost is more frequent switching.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
from typing import Any

log = logging.getLogger(__name__)
SWITCH_INTERVAL_S = 0.001  # Python's default is 0.005
_installed = threading.Lock()
_state = {"installed": False}


def _after_collection(phase: str, info: dict[str, Any]) -> None:
    if phase == "stop" and info.get("generation") == 2:
        gc.freeze()


def install() -> None:
    """From now on: freeze the survivors of every full collection, switch threads every millisecond.

    Both are settings of the whole process (a service is one), made once however often this is called.
    """
    with _installed:
        if _state["installed"]:
            return
        _state["installed"] = True
    gc.callbacks.append(_after_collection)
    sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))


def settle() -> None:
    """One full collection now, at a quiet moment (after start-up work), so that its survivors are frozen."""
    install()
    gc.collect()
    log.info("garbage collector: %d objects frozen after start-up", gc.get_freeze_count())
