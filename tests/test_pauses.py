"""After start-up, the garbage collector's full collections walk only what is new (exportgraph/api/pauses.py).

Run in a child process: freezing is for the life of a process, and the test process should keep its own.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT

CHILD = """
import gc, json, sys, time
from exportgraph.api import pauses
kept = [[i] for i in range(300_000)]          # long-lived containers, like the text index
gc.collect()
walked_before = len(gc.get_objects(2))
started = time.perf_counter(); gc.collect(); full_before = time.perf_counter() - started
pauses.settle()                               # start-up is done: the survivors are frozen
frozen = gc.get_freeze_count()
more = [[i] for i in range(1000)]             # what becomes long-lived afterwards
gc.collect()
walked_after = len(gc.get_objects(2))
started = time.perf_counter(); gc.collect(); full_after = time.perf_counter() - started
cycle = []; cycle.append(cycle); del cycle   # garbage made after start-up is still collected
unreachable = gc.collect()
counted = lambda: sum(g["collections"] for g in gc.get_stats())
before = counted()
answer = [[i] for i in range(100_000)]        # a large answer being built (freed objects are not counted)
del answer
collections = counted() - before
print(json.dumps({"collections": collections, "threshold": gc.get_threshold(), "walked_before": walked_before, "frozen": frozen, "walked_after": walked_after,
                  "unreachable": unreachable, "interval": sys.getswitchinterval(),
                  "full_before": full_before, "full_after": full_after, "alive": len(kept) + len(more)}))
"""


def test_full_collections_walk_only_what_is_new_after_settle() -> None:
    import json

    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120,
                         cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    r = json.loads(out.stdout)
    assert r["walked_before"] >= 300_000  # before settling, every full collection walks them all
    assert r["frozen"] >= 300_000  # settling freezes the survivors of start-up...
    assert r["walked_after"] < 5_000, r  # ...and the next full collection walks only what is new
    assert r["unreachable"] >= 1
    assert r["interval"] == pytest.approx(0.001)  # the GIL changes hands every millisecond, not every 5
    assert r["alive"] == 301_000  # frozen objects are still there and usable
    # Collections are rarer after start-up: 100,000 new containers make about 20 young collections, not 140.
    from exportgraph.api.pauses import YOUNG_THRESHOLD

    assert r["threshold"][0] == YOUNG_THRESHOLD > 700
    assert r["collections"] <= 100_000 // YOUNG_THRESHOLD + 5, r
