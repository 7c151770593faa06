"""How late a thread that sleeps 1 ms wakes up while N threads run Python, by GIL switch interval.

    python bench/bench_gil.py

The event loop of the service is such a thread: it waits for the network, then needs the GIL back while
graph views, pages and REST run Python in the thread pool. Figures for exportgraph/api/pauses.py.
"""

from __future__ import annotations

import os
import sys
import threading
import time


def spin(stop: threading.Event) -> None:
    x = 0
    while not stop.is_set():
        for i in range(1000):
            x += i


def lag(n: int, interval: float, seconds: float = 3.0) -> tuple[float, float]:
    sys.setswitchinterval(interval)
    stop = threading.Event()
    threads = [threading.Thread(target=spin, args=(stop,)) for _ in range(n)]
    for t in threads:
        t.start()
    lags: list[float] = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        t0 = time.perf_counter()
        time.sleep(0.001)
        lags.append(time.perf_counter() - t0 - 0.001)
    stop.set()
    for t in threads:
        t.join()
    lags.sort()
    return lags[len(lags) // 2] * 1000, lags[int(len(lags) * 0.99)] * 1000


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.2f}")
    for n in (2, 4, 8, 16, 26):
        for interval in (0.005, 0.001):
            p50, p99 = lag(n, interval)
            print(f"threads {n:2d} interval {interval * 1000:.0f} ms: wake-up lag p50 {p50:6.1f} ms "
                  f"p99 {p99:6.1f} ms", flush=True)


if __name__ == "__main__":
    main()
