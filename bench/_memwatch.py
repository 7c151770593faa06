"""Memory diagnosis for the soak bench (BENCH_MEMWATCH=<dir> in bench/_serve.py): every `every_s` seconds,
write the process's RSS, glibc malloc in use / free, the garbage collector's counts (live objects by type when asked); with
BENCH_TRACEMALLOC=1 also a tracemalloc snapshot (snap-<n>.pickle) to diff by line afterwards:

    python bench/_memwatch.py diff <dir>/snap-1.pickle <dir>/snap-9.pickle   # the 25 lines that grew most

Diagnosis only: tracemalloc slows the service down (about 2x), and it sees Python's allocations, not Rust's."""

from __future__ import annotations

import ctypes
import gc
import os
import sys
import threading
import time
import tracemalloc
from collections import Counter
from pathlib import Path


def _rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


def malloc_mb() -> str:
    """glibc's view: bytes in use by malloc (uordblks), free but kept (fordblks), mmapped (hblkhd)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _MallInfo2
        info = libc.mallinfo2()
    except (OSError, AttributeError):
        return "malloc=?"
    mb = 2**20
    return (f"malloc used={info.uordblks / mb:.0f}MB free={info.fordblks / mb:.0f}MB "
            f"mmapped={info.hblkhd / mb:.0f}MB")


def _trim() -> str:
    before = _rss_mb()
    started = time.perf_counter()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    return f" trim: {before:.0f} -> {_rss_mb():.0f}MB in {1000 * (time.perf_counter() - started):.1f} ms"


def _trimmer() -> str:
    from exportgraph.api import memory

    trimmer = memory._state.get("trimmer")
    return f" trims={trimmer.trims} longest={trimmer.longest_ms:.1f}ms" if trimmer is not None else " trims=off"


def _census(types: bool) -> str:
    """Live objects by type. Off unless asked: the list of every object makes this thread the last owner of
    some, and pyoxigraph's query results may only be dropped on the thread that made them (pyo3 "unsendable":
    a RuntimeError, and the Rust side is not freed)."""
    if not types:
        return ""
    kinds = Counter(type(o).__name__ for o in gc.get_objects())
    return f" objects={sum(kinds.values())} top: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common(12))


def watch(out: Path, every_s: float = 20.0, trace: bool = False, trim: bool = False, types: bool = False) -> None:
    out.mkdir(parents=True, exist_ok=True)
    if trace:
        tracemalloc.start(12)

    def loop() -> None:
        n, started = 0, time.monotonic()
        with (out / "memwatch.log").open("a") as fh:
            while True:
                time.sleep(every_s)
                n += 1
                fh.write(f"t={time.monotonic() - started:.0f} rss={_rss_mb():.0f}MB gc={gc.get_count()} "
                         f"{malloc_mb()} frozen={gc.get_freeze_count()} threads={threading.active_count()} "
                         f"blocks={sys.getallocatedblocks()}{_trim() if trim else ''}{_trimmer()}{_census(types)}\n")
                fh.flush()
                if trace:
                    tracemalloc.take_snapshot().dump(str(out / f"snap-{n}.pickle"))
    threading.Thread(target=loop, name="memwatch", daemon=True).start()


def diff(before: str, after: str, top: int = 25, key: str = "lineno") -> None:
    a, b = tracemalloc.Snapshot.load(before), tracemalloc.Snapshot.load(after)
    for stat in b.compare_to(a, key)[:top]:
        print(stat)  # noqa: T201 - a command-line tool
        if key == "traceback":
            for line in stat.traceback.format()[-12:]:
                print("   ", line)  # noqa: T201


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "diff":
        diff(sys.argv[2], sys.argv[3], key=sys.argv[4] if len(sys.argv) > 4 else "lineno")
    else:
        raise SystemExit("usage: python bench/_memwatch.py diff SNAP_A SNAP_B [lineno|traceback]")
