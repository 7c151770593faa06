"""Give back to the system the memory the process has freed (glibc's malloc; elsewhere these do nothing).

On a remote store the service's RSS grew by half over a soak (481 -> 757 MB) while what it held did not:
live Python objects stayed at about 30,000 besides the frozen start-up set, and glibc's malloc counted
about 67 MB in use throughout while its free-but-kept memory grew from 57 to over 200 MB. Every thread that
reads a store's answer (httpx bodies, JSON results parsed in Rust, pages rendered) allocates in one of up to
8 arenas per core, and an arena keeps its high-water mark: freed chunks among live ones are not returned.
Two remedies, both settings: fewer arenas (`malloc_arena_max`, glibc's M_ARENA_MAX, set before the threads
start; default 2) and a thread that calls `malloc_trim(0)` every `malloc_trim_s` seconds (it returns the free
pages of every arena, not only the top of the main heap; off by default). Measured on a remote store, 32
clients, 100-150 s (bench_soak.py --remote-url): RSS of the service +42 % with neither, +3-4 % with the arena
cap (with or without trims); trims alone every 30 s: still +20 % at 80 s, and one trim took 170 ms.
With the arena cap, blocks of 256 KB and more are also mapped on their own (M_MMAP_THRESHOLD), so that freeing
one gives it back: glibc otherwise raises its threshold to the largest block freed so far, and the store's
answers and the pages (up to megabytes) then came from the heap. A 90 s remote soak, 2 web processes: malloc's
free-but-kept memory 1 -> 22-33 MB each, and with the fixed threshold 0-1 -> 6 MB.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading
import time
from typing import Any

log = logging.getLogger(__name__)
M_ARENA_MAX = -8  # glibc malloc.h
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 256 * 1024
_lock = threading.Lock()
_state: dict[str, Any] = {"libc": None, "looked_up": False, "trimmer": None}


def _libc() -> Any:
    """glibc, or None (musl, macOS: no mallopt(M_ARENA_MAX) or malloc_trim to call)."""
    with _lock:
        if not _state["looked_up"]:
            _state["looked_up"] = True
            try:
                libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
                _state["libc"] = libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None
            except OSError:
                _state["libc"] = None
        return _state["libc"]


def limit_arenas(count: int) -> bool:
    """At most `count` malloc arenas from now on (0: leave glibc's default), and blocks of MMAP_THRESHOLD bytes
    or more mapped on their own. Whether it was applied."""
    libc = _libc()
    if count <= 0 or libc is None:
        return False
    libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    return bool(libc.mallopt(M_ARENA_MAX, count))


def trim() -> bool:
    """Return the free pages of every arena to the system now. Whether any memory was released."""
    libc = _libc()
    return bool(libc.malloc_trim(0)) if libc is not None else False


class Trimmer:
    """A daemon thread that trims every `every_s` seconds; one a process (a forked web process starts its own)."""

    def __init__(self, every_s: float) -> None:
        self.every_s = every_s
        self.stopping = threading.Event()
        self.trims = 0
        self.longest_ms = 0.0  # the longest trim (each holds the malloc lock of the arena it trims)
        self.thread = threading.Thread(target=self._run, name="malloc-trim", daemon=True)

    def _run(self) -> None:
        while not self.stopping.wait(self.every_s):
            started = time.perf_counter()
            released = trim()
            took_ms = 1000 * (time.perf_counter() - started)
            self.trims += 1
            self.longest_ms = max(self.longest_ms, took_ms)
            log.debug("malloc_trim: %s in %.1f ms", "released" if released else "nothing", took_ms)

    def stop(self) -> None:
        self.stopping.set()


def start_trimming(every_s: float) -> Trimmer | None:
    """The process's trimmer, started once (None when every_s is 0 or there is no glibc)."""
    if every_s <= 0 or _libc() is None:
        return None
    with _lock:
        trimmer: Trimmer | None = _state["trimmer"]
        if trimmer is None or not trimmer.thread.is_alive() or trimmer.stopping.is_set():
            trimmer = _state["trimmer"] = Trimmer(every_s)
            trimmer.thread.start()
        return trimmer
