"""SPARQL queries evaluated on the event loop itself: no hand-off, as a bare ASGI endpoint does.

A hand-off to a worker process costs about 10x the evaluation of a point lookup, and one to a thread
about 3x (bench/bench_anatomy.py). Two kinds of text skip it, in a web process over the embedded store:
- anchored texts (anchored.py): every triple pattern starts from a constant or an earlier row, so the work
  is bounded by the out-degree of a few nodes whatever the size of the data;
- texts already answered within QUICK_S through the killable path: the data are read-only, so the same
  text is the same work again.
A text whose evaluation here takes more than SLOW_S of CPU all the same is remembered and takes the killable
path next time (CPU time of this thread, not wall time: a wait for the GIL or for a core on a busy machine
says nothing about the query). The thread's CPU clock is a system call (the wall clock is not), so it is read
only for a text already seen to take more than SLOW_S of wall time: such a text is a suspect, and its next
evaluation here, timed by CPU, decides.
Nothing can stop a query on the event loop, so a watchdog thread ends the process should one run past
the deadline (its clients see the connection close) and `serve`'s parent forks a replacement
(api/processes.py): hence inline evaluation only in processes that `serve` supervises.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict

from exportgraph.graph.store import GraphStore
from exportgraph.sparql.guard import Checked
from exportgraph.sparql.jobs import Answer, Job
from exportgraph.sparql.workers import evaluator_over

log = logging.getLogger(__name__)

QUICK_S = 0.002  # a text answered within this through a worker (hand-off included) comes here next time
SLOW_S = 0.05  # a text that took more CPU than this here goes to a worker next time
REMEMBERED = 1024  # texts remembered, each kind
WATCH_S = 0.25
EXIT_RUNAWAY = 70  # the parent forks a replacement


class InlineEvaluator:
    def __init__(self, store: GraphStore, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self.closing = False
        self._evaluator = evaluator_over(store)
        self._quick: OrderedDict[str, None] = OrderedDict()
        self._slow: OrderedDict[str, None] = OrderedDict()
        self._suspects: OrderedDict[str, None] = OrderedDict()  # over SLOW_S of wall time once
        self._since: float | None = None
        self.evaluated = 0
        threading.Thread(target=self._watch, name="sparql-inline-watchdog", daemon=True).start()

    def wants(self, checked: Checked) -> bool:
        """Evaluate this text here? Anchored or known quick, and not known slow."""
        return (checked.anchored or checked.text in self._quick) and checked.text not in self._slow

    def run(self, job: Job) -> Answer:
        suspect = job.text in self._suspects
        cpu = time.thread_time() if suspect else 0.0
        since = self._since = time.monotonic()
        try:
            return self._evaluator.answer(job, bounded=True)
        finally:
            self._since = None
            self.evaluated += 1
            if suspect:
                del self._suspects[job.text]
                if time.thread_time() - cpu > SLOW_S:
                    self._quick.pop(job.text, None)
                    _remember(self._slow, job.text)
            elif time.monotonic() - since > SLOW_S:
                _remember(self._suspects, job.text)

    def answered(self, job: Job, answer: Answer, seconds: float) -> None:
        """A text answered by the killable path: remembered as quick if it was."""
        if answer.status == 200 and seconds < QUICK_S:
            _remember(self._quick, job.text)

    def health(self) -> dict[str, int]:
        """For /api/health: queries answered here, and texts sent back to the killable path for their cost."""
        return {"answered": self.evaluated, "demoted": len(self._slow)}

    def close(self) -> None:
        self.closing = True

    def _watch(self) -> None:
        while not self.closing:
            time.sleep(WATCH_S)
            since = self._since
            if since is not None and time.monotonic() - since > self.timeout_s:
                log.error("a SPARQL query on the event loop ran over %g s: this web process exits now and is "
                          "replaced", self.timeout_s)
                os._exit(EXIT_RUNAWAY)


def _remember(texts: OrderedDict[str, None], text: str) -> None:
    texts[text] = None
    texts.move_to_end(text)
    while len(texts) > REMEMBERED:
        texts.popitem(last=False)
