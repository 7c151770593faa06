"""Keep the event loop (and /api/health on it) from pausing behind the garbage collector or the GIL.

1. The cyclic garbage collector.

A full (generation 2) collection walks every container object the process holds, with the GIL held
throughout: no thread runs, and the event loop answers nothing, /api/health included. The service
holds about a million long-lived objects (the text index, the caches), so under the soak's load each
full collection took 0.3-5 s (19 of them in 40 s, 22 s in all), and health's p99 was seconds.

Those objects live as long as the process: once start-up is done, a full collection is made and every
object that survived it is moved out of the collector's sight with `gc.freeze()`; later full collections
walk only what became long-lived since. Reference counting still frees everything as before. Freezing is
done at start-up only, not after every full collection: that would also freeze what requests in flight
hold, and whatever of it is cyclic (frames, exceptions, tasks) would never be reclaimed (a remote-store
soak whose requests failed by the thousand grew from 0.5 to 2.9 GB under that policy; whether that was
the cause is not yet proven).

Then collections are made rarer: Python starts a young collection every 700 new containers, and after the
freeze the rule that spaces out full collections (25 % more long-lived objects than the last one left) is met
at once, since the long-lived set left is small. Under the soak each web process made hundreds of collections a
minute, 76 of them full ones over 40,000-90,000 objects; with the GIL held by each, health waited on each
(logged by BENCH_STALLS: 29 s of collections over 10 ms in a 60 s run of two web processes, on a loaded
machine). At YOUNG_THRESHOLD a young collection walks at most that many objects (well under a millisecond);
60 s soaks (one run each, loaded machine): health p99 166 ms at 5,000, 257 ms at 20,000, 281-316 ms at 700;
service PSS at the end 1,194 MB, 1,210 MB and 1,137-1,148 MB: more cyclic garbage waits between collections.

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

log = logging.getLogger(__name__)
SWITCH_INTERVAL_S = 0.001  # Python's default is 0.005
YOUNG_THRESHOLD = 5_000  # new containers between young collections (Python: 700)
OLDER_THRESHOLDS = (10, 10)  # young collections per middle one, middle ones per full one considered (Python: 10, 10)
_installed = threading.Lock()
_state = {"installed": False}


def install() -> None:
    """From now on, the GIL changes hands every millisecond (a setting of the whole process; once)."""
    with _installed:
        if _state["installed"]:
            return
        _state["installed"] = True
    sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))


def settle() -> None:
    """One full collection now, at a quiet moment (after start-up work), then freeze its survivors; from now
    on collections are rarer."""
    install()
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
    log.info("garbage collector: %d objects frozen after start-up", gc.get_freeze_count())
