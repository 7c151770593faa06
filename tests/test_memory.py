"""Freed memory goes back to the system (exportgraph/api/memory.py): each check runs in a fresh Python process,
so that what this test session allocated does not blur the figures, and each has a counterpart that shows
what happens without the remedy (so that the test can fail)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from exportgraph.api import memory
from exportgraph.exc import ExportGraphError
from exportgraph.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(memory._libc() is None, reason="glibc only (mallopt, malloc_trim)")

# Eight threads each allocate 40 MB in 16 KB blocks (malloc, not Python's small-object allocator) and free 15 of
# every 16: freed blocks lie between live ones, so malloc cannot give them back by lowering the top of a heap.
FRAGMENT = """
import json, os, sys, threading
from exportgraph.api import memory

def rss_mb():
    with open(f"/proc/{os.getpid()}/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

kept = []
def work():
    blocks = [bytes(16384) for _ in range(2560)]
    kept.extend(blocks[::16])
    del blocks

ARENAS = int(sys.argv[1])
TRIM = sys.argv[2] == "trim"
if ARENAS:
    memory.limit_arenas(ARENAS)
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
before = rss_mb()
released = memory.trim() if TRIM else False
os.dup2(os.open(os.devnull, os.O_WRONLY), 2)  # malloc_stats writes to stderr: count the arenas from a pipe
print(json.dumps({"before": before, "after": rss_mb(), "released": released}))
"""


def _run(arenas: int, trim: bool) -> dict[str, float]:
    code = textwrap.dedent(FRAGMENT)
    out = subprocess.run([sys.executable, "-c", code, str(arenas), "trim" if trim else "keep"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert out.returncode == 0, out.stderr
    result: dict[str, float] = json.loads(out.stdout)
    return result


def _arenas(limit: int) -> int:
    """How many malloc arenas eight allocating threads use under the limit (0: none), by malloc_stats()."""
    code = textwrap.dedent("""
        import ctypes, sys, threading
        from exportgraph.api import memory
        if int(sys.argv[1]):
            memory.limit_arenas(int(sys.argv[1]))
        barrier = threading.Barrier(8)
        def work():
            barrier.wait()  # all at once: each thread that finds its arena busy looks for another
            blocks = [bytes(200000) for _ in range(50)]
            barrier.wait()
            del blocks
        threads = [threading.Thread(target=work) for _ in range(8)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        ctypes.CDLL("libc.so.6").malloc_stats()
    """)
    out = subprocess.run([sys.executable, "-c", code, str(limit)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert out.returncode == 0, out.stderr
    return out.stderr.count("Arena ")


def test_trim_returns_the_freed_blocks_between_live_ones() -> None:
    kept = _run(arenas=0, trim=False)
    trimmed = _run(arenas=0, trim=True)
    # 8 x 40 MB were allocated, 8 x 2.5 MB are still live: without a trim much of the rest stays in the process
    # (measured: 140-160 MB kept; 33 MB after a trim).
    assert kept["after"] > 100, kept
    assert trimmed["released"] and trimmed["after"] < trimmed["before"] - 60, trimmed
    assert trimmed["after"] < kept["after"] / 2, (kept, trimmed)


def test_arena_limit_caps_the_arenas_that_threads_open() -> None:
    assert _arenas(0) > 2  # glibc's default: a thread that finds the arenas busy opens one of its own
    assert _arenas(2) <= 2


def test_the_service_starts_one_trimmer_per_process_at_the_set_interval() -> None:
    code = textwrap.dedent("""
        import time
        from fastapi.testclient import TestClient
        from exportgraph.api import memory
        from exportgraph.api.app import create_app
        from exportgraph.api.state import GraphState
        from exportgraph.graph.store import RemoteStore
        from exportgraph.settings import Settings

        # A remote store that is not there: the app starts all the same (its health says the store is down).
        settings = Settings(malloc_trim_s=0.05, store="remote", remote_query_url="http://127.0.0.1:9/query",
                            query_workers=1)
        state = GraphState(settings, None, RemoteStore(settings.remote_query_url))
        with TestClient(create_app(settings, state)), TestClient(create_app(settings, state)):
            time.sleep(0.5)
            trimmer = memory._state["trimmer"]
            names = [t.name for t in __import__("threading").enumerate()]
            print(trimmer.trims, names.count("malloc-trim"))
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert out.returncode == 0, out.stderr
    trims, threads = (int(x) for x in out.stdout.split())
    assert trims >= 4 and threads == 1, out.stdout


@pytest.mark.parametrize("name", ["malloc_arena_max", "malloc_trim_s"])
def test_negative_memory_settings_are_refused(name: str) -> None:
    with pytest.raises(ExportGraphError, match="must be 0"):
        Settings(**{name: -1}).check()


# serve's step before the fork (api/serve.py before_fork), on the session build, then a fork as serve does; the
# web process makes a full collection, as its own start-up does, and says how much of the shared memory it copied.
COPIED = """
import gc, json, os, sys
from pathlib import Path
from exportgraph.api.serve import before_fork
from exportgraph.api.state import load_state
from exportgraph.query.textindex import index_for
from exportgraph.settings import Settings

def private_dirty_mb():
    with open(f"/proc/{os.getpid()}/smaps_rollup") as fh:
        return next(int(l.split()[1]) for l in fh if l.startswith("Private_Dirty:")) / 1024

settings = Settings.from_env(build_dir=Path(sys.argv[1]))
state = load_state(settings)
if sys.argv[2] == "serve":
    before_fork(settings, state)
else:  # the counterpart: the same objects, nothing frozen before the fork
    index_for(state.store)
    gc.collect()
read, write = os.pipe()
pid = os.fork()
if pid == 0:
    before = private_dirty_mb()
    gc.collect()
    os.write(write, json.dumps(private_dirty_mb() - before).encode())
    os._exit(0)
os.waitpid(pid, 0)
print(os.read(read, 100).decode())
"""


def _copied_by_a_collection(build_dir: Path, mode: str) -> float:
    out = subprocess.run([sys.executable, "-c", COPIED, str(build_dir), mode], capture_output=True, text=True,
                         timeout=300, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr[-2000:]
    copied: float = json.loads(out.stdout)
    return copied


def test_a_web_process_full_collection_copies_no_page_of_the_load(settings: Settings) -> None:
    copied = _copied_by_a_collection(settings.build_dir, "serve")
    unfrozen = _copied_by_a_collection(settings.build_dir, "unfrozen")
    assert copied < 2, copied  # MB: what the collection itself allocates
    assert unfrozen > 5 * max(copied, 1), (copied, unfrozen)  # without the freeze it copies the index's pages


# serve's parent prepares what its web processes start from (api/serve.py prepare), then forks as serve does; the
# web process takes its state as serve's do (own_state), runs the query that reads every quad, and says how much
# memory it shared with the parent before the query and no longer after it (copied), and how much it made private.
FULL_SCAN = """
import json, os, sys
from pathlib import Path
from exportgraph.api.serve import own_state, prepare
from exportgraph.api.state import load_state
from exportgraph.settings import Settings

def rollup():
    with open(f"/proc/{os.getpid()}/smaps_rollup") as fh:
        rows = (line.split() for line in fh if line.endswith("kB\\n"))
        return {row[0].rstrip(":"): int(row[1]) / 1024 for row in rows}

settings = Settings.from_env(build_dir=Path(sys.argv[1]))
# the counterpart: the store loaded in the parent and shared copy-on-write (serve until mem15)
source = prepare(settings) if sys.argv[2] == "serve" else load_state(settings)
read, write = os.pipe()
pid = os.fork()
if pid == 0:
    try:
        state = own_state(source)
        before = rollup()
        rows = state.store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        after = rollup()
        out = {"copied": before["Shared_Dirty"] - after["Shared_Dirty"],
               "private": after["Private_Dirty"] - before["Private_Dirty"], "quads": int(rows[0]["n"].value)}
        os.write(write, json.dumps(out).encode())
    finally:
        os._exit(0)
os.close(write)
os.waitpid(pid, 0)
print(os.read(read, 1000).decode())
"""


def _full_scan(build_dir: Path, mode: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", FULL_SCAN, str(build_dir), mode], capture_output=True, text=True,
                         timeout=300, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr[-2000:]
    figures: dict[str, float] = json.loads(out.stdout)
    return figures


def test_a_web_process_reading_every_quad_copies_no_shared_page(settings: Settings) -> None:
    """The soak's memory growth (issue 15): a web process reading a store it shares with serve's parent copies
    each page it reads (Oxigraph's in-memory store writes to them). Each web process now loads its own store."""
    own = _full_scan(settings.build_dir, "serve")
    shared = _full_scan(settings.build_dir, "shared")
    assert own["quads"] == shared["quads"] > 100_000
    assert own["copied"] < 5 and own["private"] < 40, own  # MB: the query's own working memory
    assert shared["copied"] > 100, shared  # without it, the scan copies most of the store's pages


# A 4 MB block freed raises glibc's dynamic mmap threshold to 4 MB; the 1 MB blocks after it then come from the
# heap (where freed ones stay, between live ones) unless the threshold was fixed by limit_arenas.
MAPPED = """
import ctypes, sys
from exportgraph.api import memory

class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                 "fsmblks", "uordblks", "fordblks", "keepcost")]
libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = Info
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
if sys.argv[1] == "fixed":
    memory.limit_arenas(2)
libc.free(libc.malloc(4 << 20))
before = libc.mallinfo2().hblkhd
blocks = [libc.malloc(1 << 20) for _ in range(8)]
print((libc.mallinfo2().hblkhd - before) >> 20)
"""


def _mapped_mb(mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", MAPPED, mode], capture_output=True, text=True, timeout=60, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr[-2000:]
    return int(out.stdout)


def test_large_blocks_are_mapped_on_their_own_whatever_was_freed_before() -> None:
    assert _mapped_mb("fixed") >= 8  # each 1 MB block its own mapping: given back when freed
    assert _mapped_mb("default") == 0  # glibc's moving threshold: from the heap
