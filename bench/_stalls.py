"""A watchdog for the soak bench: when a thread that asks for the GIL every millisecond gets it late, write
which Python frames the other threads were in (the one that held the GIL is among them). Diagnosis only."""

from __future__ import annotations

import sys
import threading
import time
import traceback
from pathlib import Path


def watch(out: Path, threshold_s: float = 0.05) -> None:
    def loop() -> None:
        me = threading.get_ident()
        with out.open("a") as fh:
            last = time.perf_counter()
            while True:
                time.sleep(0.001)
                now = time.perf_counter()
                if now - last > threshold_s:
                    fh.write(f"--- stall {1000 * (now - last):.0f} ms\n")
                    for ident, frame in sys._current_frames().items():
                        if ident == me:
                            continue
                        stack = traceback.extract_stack(frame)[-4:]
                        fh.write("  thread: " + " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}"
                                                          for f in reversed(stack)) + "\n")
                    fh.flush()
                last = time.perf_counter()
    threading.Thread(target=loop, name="stall-watch", daemon=True).start()


def watch_gc(out: Path, threshold_s: float = 0.01) -> None:
    """Log every garbage collection that takes longer than threshold_s, with its generation."""
    import gc

    started: list[float] = [0.0]
    fh = out.open("a")

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
            return
        took = time.perf_counter() - started[0]
        if took > threshold_s:
            fh.write(f"--- gc gen{info['generation']} {1000 * took:.0f} ms collected {info['collected']} "
                     f"objects {len(gc.get_objects(info['generation']))}\n")
            fh.flush()

    gc.callbacks.append(callback)
