"""The heavy lane: SPARQL queries that outgrow the light budget run here, so they never hold light workers.

Every query starts on a light worker (`workers._Slot`). One still running after `light_budget_s` is
handed over, process and all, to the heavy lane when a heavy runner is free: the work goes on where it
was, with the query's full timeout counted from its start, and the light slot forks a fresh worker at
once. When every heavy runner is busy, the light worker is killed and the query waits in a bounded
queue; it later runs from the start on a worker forked for it, with the full timeout. The queue full:
429 with Retry-After. A query's text is remembered as heavy (a digest, in an LRU), so that the next time
it goes to the heavy lane without taking a light worker at all.

Heavy runners do not keep a worker: each run forks one from the template (milliseconds) and kills it
after the answer, so a heavy lane at rest holds no process.

Over a remote store, a query that ran out of time is not stopped where it runs: the service cannot cancel
it, and the store goes on until its own time limit (the README asks for one of at least remote_timeout_s).
So a runner whose query ran out of time answers the client at once but stays busy until `hold_s` after the
query's start: the lane (and its bound) then counts the queries that the store is still evaluating, not only
those the service waits for. While every runner holds, a heavy query is refused at once (429 with Retry-After)
rather than queued behind the hold. Without it, in the remote soak, a new cartesian product reached the store every
10 s while each ran 30 s there: three at once on the store's cores for each runner.

A heavy worker runs at niceness HEAVY_NICE: the CPU goes first to the web processes (light queries, REST,
pages, /api/health) and the light workers, and a heavy query takes what is left. In the soak, two cartesian
products running to their deadline would otherwise take both cores of a 2-core machine.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import logging
import os
import queue
import signal
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from exportgraph.sparql.jobs import Answer, Job, too_slow

log = logging.getLogger(__name__)
HEAVY_NICE = 10  # added to a heavy worker's niceness (0-19: lower priority; raising it back needs privilege)


@dataclass
class Entry:
    """A query for the heavy lane: a running worker handed over (pid, conn) or a job to start afresh."""

    job: Job
    future: concurrent.futures.Future[Answer]
    deadline: float  # handed over: when the run must end; afresh: when it must have started
    pid: int | None = None
    conn: Connection | None = None


class HeavyDigests:
    """Digests of query texts that outgrew the light budget (an LRU)."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._seen: OrderedDict[bytes, None] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _key(text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def __contains__(self, text: str) -> bool:
        key = self._key(text)
        with self._lock:
            if key in self._seen:
                self._seen.move_to_end(key)
                return True
        return False

    def add(self, text: str) -> None:
        with self._lock:
            self._seen[self._key(text)] = None
            while len(self._seen) > self.size:
                self._seen.popitem(last=False)


def lower_priority(pid: int | None) -> None:
    """Every thread of the process `pid` at HEAVY_NICE (Linux gives each thread its own niceness)."""
    if pid is None:
        return
    try:
        threads = [int(t) for t in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        threads = [pid]  # no /proc: the main thread, which evaluates the query
    for tid in threads:
        with contextlib.suppress(OSError):  # it ended meanwhile
            os.setpriority(os.PRIO_PROCESS, tid, max(os.getpriority(os.PRIO_PROCESS, tid), HEAVY_NICE))


def kill_worker(pid: int | None, conn: Connection | None) -> None:
    """SIGKILL a worker process (if any) and close its pipe (if any); either may be gone already."""
    if pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    if conn is not None:
        with contextlib.suppress(OSError):
            conn.close()


class HeavyLane:
    """`workers` runners, at most `max_queued` queries waiting for one."""

    def __init__(self, fork: Callable[[], tuple[int, Connection] | None], timeout_s: float,
                 closing: Callable[[], bool], workers: int, max_queued: int, hold_s: float = 0.0) -> None:
        self.fork = fork  # a new worker process from the template: (pid, connection), None if it failed
        self.timeout_s = timeout_s
        self.hold_s = hold_s
        self.holds = 0  # runs whose runner stayed busy after answering (the store still evaluating them)
        self._holding = 0  # runners holding now
        self._closed = threading.Event()
        self.closing = closing
        self.workers = workers
        self.max_queued = max_queued
        self.known = HeavyDigests()
        self._entries: queue.SimpleQueue[Entry | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._load = 0  # entries accepted and not finished: running + waiting
        self._running: dict[int, int] = {}  # runner index -> worker pid
        self._threads = [threading.Thread(target=self._run, args=(i,), name=f"sparql-heavy-{i}", daemon=True)
                         for i in range(workers)]
        for thread in self._threads:
            thread.start()

    def _take(self, room: int) -> bool:
        with self._lock:
            if self._load >= room:
                return False
            self._load += 1
            return True

    def adopt(self, entry: Entry) -> bool:
        """Take over a running worker if a runner is free (False: the caller kills it and may `enqueue`)."""
        if not self._take(self.workers):
            return False
        self._entries.put(entry)
        return True

    def enqueue(self, entry: Entry) -> bool:
        """Queue a query to run afresh (False: the lane and its queue are full, or every runner is holding: a
        query queued then would wait for the hold, up to remote_timeout_s, only to be refused)."""
        with self._lock:
            if self._holding >= self.workers:
                return False
        if not self._take(self.workers + self.max_queued):
            return False
        self._entries.put(entry)
        return True

    def pids(self) -> set[int]:
        with self._lock:
            return set(self._running.values())

    def health(self) -> dict[str, Any]:
        with self._lock:
            running = len(self._running)
            return {"heavy_workers": self.workers, "heavy_running": running, "heavy_holding": self._holding,
                    "heavy_queued": max(0, self._load - running - self._holding)}

    def close(self) -> None:
        self._closed.set()
        for _ in self._threads:
            self._entries.put(None)
        for pid in self.pids():
            kill_worker(pid, None)
        for thread in self._threads:
            thread.join(timeout=5)

    def _run(self, index: int) -> None:
        while True:
            entry = self._entries.get()
            if entry is None or self.closing():
                if entry is not None:
                    kill_worker(entry.pid, entry.conn)
                    entry.future.set_result(Answer(502, message="the SPARQL workers are shutting down"))
                return
            if not entry.future.running() and not entry.future.set_running_or_notify_cancel():
                with self._lock:
                    self._load -= 1  # the client gave up while it waited
                continue
            try:
                answer = self._one(index, entry)
            except Exception:  # noqa: BLE001 - the client must get an answer; the cause is logged
                log.exception("SPARQL heavy runner %d failed", index)
                answer = Answer(500, message="the query worker failed (logged on the server)")
            finally:
                with self._lock:
                    pid = self._running.pop(index, None)
                kill_worker(pid, entry.conn)
            # The query's start: a handed-over entry's deadline is its start plus the timeout, and _start set a
            # fresh one's so.
            held = entry.deadline - self.timeout_s + self.hold_s - time.monotonic() if answer.status == 422 else 0.0
            entry.future.set_result(answer)
            if held > 0 and not self.closing():
                with self._lock:
                    self.holds += 1
                    self._holding += 1
                self._closed.wait(held)
                with self._lock:
                    self._holding -= 1
            with self._lock:
                self._load -= 1

    def _start(self, index: int, entry: Entry) -> Answer | None:
        """Fork a worker for a queued entry and send it the job (an Answer when that cannot be done)."""
        limit = self.timeout_s
        if time.monotonic() > entry.deadline:
            return Answer(429, message=f"the query waited longer than the {limit:g} s limit for a heavy worker; "
                                       "try again shortly")
        forked = self.fork()
        if forked is None:
            return Answer(502, message="no SPARQL worker is available")
        entry.pid, entry.conn = forked
        with self._lock:
            self._running[index] = entry.pid
        try:
            if not (entry.conn.poll(30) and entry.conn.recv()[0] == "ready"):
                return Answer(502, message="no SPARQL worker is available")
            entry.conn.send(entry.job)
        except (EOFError, OSError):
            return Answer(502, message="no SPARQL worker is available")
        entry.deadline = time.monotonic() + limit
        return None

    def _one(self, index: int, entry: Entry) -> Answer:
        if entry.conn is None:
            failed = self._start(index, entry)
            if failed is not None:
                return failed
        else:
            with self._lock:
                self._running[index] = entry.pid or 0
        lower_priority(entry.pid)
        conn = entry.conn
        assert conn is not None
        limit = self.timeout_s
        try:
            if conn.poll(max(0.0, entry.deadline - time.monotonic())):
                answer: Answer = conn.recv()
                return answer
        except (EOFError, OSError):
            log.error("SPARQL heavy worker %s died during a query", entry.pid)
            return Answer(500, message="the query worker failed (logged on the server)")
        log.warning("SPARQL heavy worker %s killed: query over %g s", entry.pid, limit)
        return too_slow(limit)
