"""SPARQL evaluation in the web process itself, with a watchdog that recycles the process.

The worker pool (workers.py) costs two thread switches and a pipe round trip to another process
per query: about 10x the evaluation of a point lookup (bench/bench_anatomy.py). Here a query is
evaluated by a thread of the web process, over the store that process already holds (its own, loaded
after the fork: api/serve.py), with the same guard and serialiser as a worker.

A thread cannot be stopped, so the deadline is kept at the level of the process: when a query
runs past query_timeout_s its client gets the 422 at once, and the web process is recycled: it
stops accepting, finishes the requests it holds and exits, which stops the runaway evaluation;
`serve`'s parent forks a replacement (api/processes.py), which loads its own store (about 7 s on the
real data) while the other web processes answer. Only `serve` can recycle a process, so only it
enables this (query_evaluation=in-process).

Anchored and known-quick texts do not come here: they are evaluated on the event loop (inline.py).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

from exportgraph.graph.store import GraphStore
from exportgraph.sparql.jobs import Answer, Job, too_slow
from exportgraph.sparql.workers import WORKER_STACK_BYTES, evaluator_over

log = logging.getLogger(__name__)


class InProcessEvaluator:
    """`run(job)` as WorkerPool.run, in this process's threads; `recycle` is called once on a runaway."""

    def __init__(self, store: GraphStore, threads: int, timeout_s: float, recycle: Callable[[], None]) -> None:
        self.timeout_s = timeout_s
        self.recycle = recycle
        self.recycling = False
        self.closing = False
        self.start_timeout_s = 0.0
        self._running = 0
        self._evaluator = evaluator_over(store)
        self._jobs: queue.SimpleQueue[tuple[Job, concurrent.futures.Future[Answer]] | None] = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._serve, name=f"sparql-in-process-{i}", daemon=True)
                         for i in range(threads)]
        # Oxigraph's parser recurses on the thread's stack, as in a worker process: a large stack for these threads.
        previous = threading.stack_size(WORKER_STACK_BYTES)
        try:
            for thread in self._threads:
                thread.start()
        finally:
            threading.stack_size(previous)

    def _serve(self) -> None:
        while (item := self._jobs.get()) is not None:
            job, future = item
            if future.set_running_or_notify_cancel():
                future.set_result(self._answer(job))

    def _answer(self, job: Job) -> Answer:
        """The query was judged by the token guard in the web process (sparql/guard.py) before it came here."""
        return self._evaluator.answer(job)

    async def run(self, job: Job) -> Answer:
        future: concurrent.futures.Future[Answer] = concurrent.futures.Future()
        self._jobs.put((job, future))
        self._running += 1
        try:
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), self.timeout_s)
        except TimeoutError:
            self._runaway()
            return too_slow(self.timeout_s)
        finally:
            self._running -= 1

    def wait_ready(self, _timeout_s: float) -> bool:
        return True  # the store is the web process's own, loaded before it started

    def health(self) -> dict[str, Any]:
        """As WorkerPool.health: here the workers are threads of this web process."""
        return {"workers": len(self._threads), "alive": sum(t.is_alive() for t in self._threads),
                "in_process": True, "queued_or_running": self._running,
                "closing": self.closing or self.recycling}

    def _runaway(self) -> None:
        if self.recycling:
            return
        self.recycling = True
        log.warning("a SPARQL query ran over %g s: this web process stops and is replaced", self.timeout_s)
        self.recycle()

    def close(self) -> None:
        """Stop the idle threads; one still evaluating ends with the process."""
        self.closing = True
        for _ in self._threads:
            self._jobs.put(None)
