"""After start-up, the garbage collector's full collections walk only what is new (exportgraph/api/pauses.py).

Run in a child process: freezing is for the life of a process, and the test process should keep its own.
"""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref
from collections.abc import Callable

import networkx as nx
import pytest

from exportgraph.explorer.views import release

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


def _cyclic_garbage(call: Callable[[], object]) -> int:
    """How many unreachable objects only the cyclic collector would free after `call` (collection off meanwhile)."""
    was = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        call()
        return gc.collect()
    finally:
        if was:
            gc.enable()


def test_graph_views_leave_no_cyclic_garbage(client) -> None:  # type: ignore[no-untyped-def]
    """A networkx graph points at itself through its cached views: unreleased, a neighbourhood of depth 2 left
    14,146 objects (views/regimes 1,982) for a full collection to find, with the GIL held."""
    targets = ["/views/neighbourhood/regime/wa?depth=2", "/views/regimes", "/views/compare"]
    for target in targets:
        assert client.get(target).status_code == 200  # warm: what is cached on first use is not garbage
    baseline = _cyclic_garbage(lambda: client.get("/api/health"))  # the test client's own garbage
    for target in targets:
        left = _cyclic_garbage(lambda t=target: client.get(t))  # type: ignore[misc]
        assert left <= baseline + 100, (target, left, baseline)


def test_release_empties_a_graph_so_reference_counting_frees_it() -> None:
    graph = nx.MultiDiGraph()
    graph.add_edge("a", "b", key="p", label="p")
    assert graph.edges is not None and graph.nodes is not None  # the cached views that point back at the graph
    ref = weakref.ref(graph)
    release(graph)
    assert vars(graph) == {}  # nothing left that points back at it
    was = gc.isenabled()
    gc.disable()
    try:
        del graph
        assert ref() is None  # freed by reference counting, no collection needed
    finally:
        if was:
            gc.enable()


def test_the_comparison_cache_holds_nothing_the_collector_walks(client) -> None:  # type: ignore[no-untyped-def]
    """Kept as dicts, each cached date added about 220 objects to every full collection's walk."""
    first = client.get("/api/compare?as_of=2001-01-01")
    assert first.status_code == 200
    gc.collect()
    before = len(gc.get_objects())
    answers = [client.get(f"/api/compare?as_of=2001-02-{day:02d}") for day in range(1, 21)]
    del answers
    gc.collect()
    grown = len(gc.get_objects()) - before
    assert grown < 300, grown
    again = client.get("/api/compare?as_of=2001-01-01")
    assert again.content == first.content and again.json()["as_of"] == "2001-01-01"
    assert again.headers["content-type"] == "application/json"


def test_the_comparison_cache_is_bounded_in_bytes_least_recently_used_first(store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Bounded by count (512), the cache held 50 MB a web process once full; by bytes it holds CACHE_BYTES."""
    from exportgraph.api.routes import compare as R

    monkeypatch.delitem(store.__dict__, "_compare_cache", raising=False)
    monkeypatch.setattr(R, "CACHE_BYTES", 250_000)  # two or three answers of 85-105 KB
    R._compare(store, "cn,us,eu,jp", None, "2001-01-01")
    early = R._compare(store, "cn,us,eu,jp", None, "2001-03-01")
    for day in range(2, 8):
        R._compare(store, "cn,us,eu,jp", None, f"2001-03-{day:02d}")
        R._compare(store, "cn,us,eu,jp", None, "2001-01-01")  # used again each time: kept
    cache = store.__dict__["_compare_cache"]
    assert cache.size <= 250_000 and cache.size == sum(len(b) for b in cache.kept.values())
    kept = [key[2] for key in cache.kept]
    assert "2001-01-01" in kept and "2001-03-07" in kept and "2001-03-01" not in kept, kept
    assert R._compare(store, "cn,us,eu,jp", None, "2001-03-01") == early  # dropped, then answered the same again
    monkeypatch.delitem(store.__dict__, "_compare_cache")
