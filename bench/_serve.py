"""Launcher for bench_rest.py and bench_soak.py: the service as `exportgraph serve` runs it (its web processes
under their supervisor, with the same settings), on the given port, but never building (the build directory
is only read).

    python bench/_serve.py --build-dir /tmp/bench-build --data-dir data --port 8765

Other settings come from EXPORTGRAPH_* variables (bench_soak.py sets EXPORTGRAPH_STORE=remote and its URL).
BENCH_SHARED_LOAD=1 loads the store (or, over a remote store, builds the text index) here, once, shared by the web
processes copy-on-write (before mem15, and over a remote store before the fifth session: each web process now
loads or indexes its own, api/serve.py).
BENCH_THREAD_NICE=<n>: every thread of a web process but its event loop's at niceness n (an experiment).
BENCH_GC_DEFAULT=1 leaves the garbage collector as Python sets it (exportgraph/api/pauses.py off).
BENCH_STALLS=<file> writes event-loop stalls and slow garbage collections there (diagnosis: bench/_stalls.py).
BENCH_MEMWATCH=<dir> writes RSS, glibc malloc and gc counts there every 20 s (BENCH_MEMWATCH_TYPES=1: live objects
by type too, which can drop pyoxigraph results on the wrong thread: see bench/_memwatch.py), with BENCH_TRACEMALLOC=1
tracemalloc snapshots too, with BENCH_TRIM_PROBE=1 a malloc_trim(0) after each line and the RSS it left
(diagnosis: bench/_memwatch.py).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from exportgraph.api import memory
from exportgraph.api.serve import bind, prepare, serve_loaded
from exportgraph.api.state import load_state
from exportgraph.settings import Settings


def _nice_other_threads(nice: int) -> None:
    """Every 0.5 s, each new thread of this process but the main one (the event loop) at this niceness."""
    import contextlib
    import threading
    import time

    main_tid = os.getpid()

    def loop() -> None:
        done: set[int] = set()
        while True:
            for name in os.listdir("/proc/self/task"):
                tid = int(name)
                if tid != main_tid and tid not in done:
                    done.add(tid)
                    with contextlib.suppress(OSError):  # the thread has ended
                        os.setpriority(os.PRIO_PROCESS, tid, nice)
            time.sleep(0.5)

    threading.Thread(target=loop, name="bench-nice", daemon=True).start()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", type=Path, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    if os.environ.get("BENCH_STALLS"):
        from _stalls import watch, watch_gc

        watch(Path(os.environ["BENCH_STALLS"]))
        watch_gc(Path(os.environ["BENCH_STALLS"]))
        # threads do not survive fork: each web process watches its own event loop's GIL waits
        os.register_at_fork(after_in_child=lambda: watch(Path(f"{os.environ['BENCH_STALLS']}.{os.getpid()}")))
    if os.environ.get("BENCH_MEMWATCH"):
        from _memwatch import watch as watch_memory

        def watch_here(out: Path) -> None:
            watch_memory(out, trace=bool(os.environ.get("BENCH_TRACEMALLOC")), trim=bool(os.environ.get("BENCH_TRIM_PROBE")),
                         types=bool(os.environ.get("BENCH_MEMWATCH_TYPES")))

        watch_here(Path(os.environ["BENCH_MEMWATCH"]))
        # threads do not survive fork: each web process watches its own memory, in <dir>.<pid>
        os.register_at_fork(after_in_child=lambda: watch_here(Path(f"{os.environ['BENCH_MEMWATCH']}.{os.getpid()}")))
    if os.environ.get("BENCH_THREAD_NICE"):  # experiment: every thread of a web process but its event loop's, niced
        os.register_at_fork(after_in_child=lambda: _nice_other_threads(int(os.environ["BENCH_THREAD_NICE"])))
    if os.environ.get("BENCH_SWITCH_INTERVAL"):  # experiment: the GIL's switch interval, in seconds
        import sys

        sys.setswitchinterval(float(os.environ["BENCH_SWITCH_INTERVAL"]))
    if os.environ.get("BENCH_GC_DEFAULT"):  # the "before" of bench_soak's figures: no freezing
        from exportgraph.api import pauses

        pauses.install = pauses.settle = lambda: None  # type: ignore[assignment]
    settings = Settings.from_env(build_dir=args.build_dir, data_dir=args.data_dir, host=args.host, port=args.port)
    memory.limit_arenas(settings.malloc_arena_max)  # as serve() does, before the load
    # BENCH_SHARED_LOAD=1: the "before" of the memory figures: the store loaded once here and shared copy-on-write
    source = load_state(settings) if os.environ.get("BENCH_SHARED_LOAD") else prepare(settings)
    serve_loaded(settings, source, bind(args.host, args.port, settings.web_processes))


if __name__ == "__main__":
    main()
