"""Independent queries of one request, sent at once to a remote store.

On a remote store every query is a round trip, and the server answers several at once on its own threads:
a lookup whose queries do not depend on each other waits for the slowest of them, not for their sum. On the
embedded store (and inside a call already running here) the calls run one after the other: the engine is in
the process, and a call that waited on the pool it runs in could wait for ever.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from exportgraph.graph.store import GraphStore

# A few threads per process: enough for the widest fan-out of a request (six calls) with requests overlapping;
# the remote server bounds the real concurrency anyway.
THREADS = 8
_lock = threading.Lock()
_pool: tuple[int, ThreadPoolExecutor] | None = None
_inside = threading.local()


def _executor() -> ThreadPoolExecutor:
    """The process's pool, made on first use: a pool made before a fork has no threads in the child."""
    global _pool
    with _lock:
        if _pool is None or _pool[0] != os.getpid():
            _pool = (os.getpid(), ThreadPoolExecutor(THREADS, thread_name_prefix="eg-fanout",
                                                     initializer=_mark))
        return _pool[1]


def _mark() -> None:
    _inside.active = True


def together(store: GraphStore, calls: list[Callable[[], Any]]) -> list[Any]:
    """The answers of the calls, in their order; the first error raised is raised here."""
    if not store.concurrent or len(calls) < 2 or getattr(_inside, "active", False):
        return [call() for call in calls]
    futures = [_executor().submit(call) for call in calls]
    return [future.result() for future in futures]
