"""SPARQL evaluation in worker processes that can be killed.

A thread inside a web process cannot be stopped (TRAPS: 45 timed-out requests
left 44 threads computing), so each query runs in a separate process. Each
worker loads the built dataset into its own in-memory Oxigraph store (or, for
store=remote, forwards to the remote server), inspects the query with the guard,
evaluates it and serialises the answer with pyoxigraph's Rust serialisers; the
parent receives bytes.

In the parent, one supervisor thread per worker takes jobs from a shared queue,
hands one to its process and waits with `poll(deadline)`. When the deadline
passes it kills the process (the work stops), answers 504 and starts a
replacement, while the other workers go on answering. The async side only
awaits a concurrent future, so the event loop never blocks.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import json
import logging
import multiprocessing
import queue
import signal
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from exportgraph.exc import (
    ExportGraphError,
    QueryRefused,
    QueryTimeout,
    StoreUnavailable,
    TooManyRequests,
)

log = logging.getLogger(__name__)

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML,
}
MEDIA_TYPES = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8", "ntriples": "application/n-triples",
    "jsonld": "application/ld+json", "rdfxml": "application/rdf+xml",
}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
WORKER_STACK_BYTES = 256 * 1024 * 1024  # rdflib's parser recurses ~100 frames per nesting level
WORKER_RECURSION_LIMIT = 20_000


class NotAcceptable(ExportGraphError):
    """No representation of the answer matches the client's Accept header."""

    status = 406


@dataclass(frozen=True)
class EngineConfig:
    """What a worker evaluates against: a dataset file, or a remote SPARQL endpoint."""

    kind: str  # "embedded" or "remote"
    dataset: str = ""
    remote_query_url: str = ""
    remote_timeout_s: float = 30.0


@dataclass(frozen=True)
class Job:
    text: str  # already prechecked (escapes expanded, nesting bounded)
    results_format: str | None  # for SELECT / ASK: a key of RESULT_FORMATS, None if nothing acceptable
    graph_format: str | None  # for CONSTRUCT / DESCRIBE: a key of GRAPH_FORMATS
    max_rows: int
    inspect: bool = True  # False when the guard already accepted this exact text


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes = b""
    media_type: str = ""
    truncated: bool = False
    message: str = ""
    verdict: str = ""  # "ok" / "refused" when the guard inspected the text in the worker


_ERRORS: dict[int, type[ExportGraphError]] = {
    400: QueryRefused, 406: NotAcceptable, 502: StoreUnavailable, 504: QueryTimeout,
}


def raise_for(answer: Answer) -> Answer:
    """The answer itself when it is a success, else the matching error of the family."""
    if answer.status == 200:
        return answer
    raise _ERRORS.get(answer.status, ExportGraphError)(answer.message)


# ---------------------------------------------------------------- in the worker


def _term(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in (_XSD_STRING, _LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _term(term.subject), "predicate": _term(term.predicate),
                                        "object": _term(term.object)}}


def solutions_json(variables: list[str], rows: Iterable[ox.QuerySolution]) -> bytes:
    bindings = []
    for row in rows:
        bound = {}
        for name in variables:
            value = row[name]
            if value is not None:
                bound[name] = _term(value)
        bindings.append(bound)
    doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def serialise(result: Any, job: Job, prefixes: dict[str, str]) -> Answer:
    """Rows stop at max_rows (then `truncated`); bytes come from pyoxigraph's serialisers."""
    if isinstance(result, ox.QueryBoolean):
        if job.results_format is None:
            return Answer(406, message="no acceptable format for a boolean (ASK) result")
        body = result.serialize(format=RESULT_FORMATS[job.results_format])
        return Answer(200, body or b"", MEDIA_TYPES[job.results_format])
    if isinstance(result, ox.QuerySolutions):
        if job.results_format is None:
            return Answer(406, message="no acceptable format for a SELECT result")
        variables = [v.value for v in result.variables]
        rows = list(itertools.islice(result, job.max_rows + 1))
        truncated = len(rows) > job.max_rows
        body = solutions_json(variables, rows[: job.max_rows])
        if job.results_format != "json":
            parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            body = parsed.serialize(format=RESULT_FORMATS[job.results_format]) or b""
        return Answer(200, body, MEDIA_TYPES[job.results_format], truncated)
    if job.graph_format is None:
        return Answer(406, message="no acceptable format for a graph (CONSTRUCT / DESCRIBE) result")
    triples = list(itertools.islice(result, job.max_rows + 1))
    truncated = len(triples) > job.max_rows
    body = ox.serialize(triples[: job.max_rows], format=GRAPH_FORMATS[job.graph_format], prefixes=prefixes)
    return Answer(200, body or b"", MEDIA_TYPES[job.graph_format], truncated)


class _Evaluator:
    """The worker's engine: guard, evaluate, serialise. Lives in the worker process only."""

    def __init__(self, config: EngineConfig) -> None:
        from exportgraph.graph.store import EmbeddedStore, GraphStore, RemoteStore
        from exportgraph.graph.terms import PREFIXES

        self.prefixes = dict(PREFIXES)
        self.store: GraphStore
        if config.kind == "remote":
            self.store = RemoteStore(config.remote_query_url, config.remote_timeout_s)
        else:
            self.store = EmbeddedStore.from_file(Path(config.dataset))

    def answer(self, job: Job) -> Answer:
        from exportgraph.graph.guard import inspect

        verdict = ""
        if job.inspect:
            try:
                inspect(job.text)
            except QueryRefused as exc:
                return Answer(400, message=exc.message, verdict="refused")
            verdict = "ok"
        try:
            result = self.store.query(job.text)
            answer = serialise(result, job, self.prefixes)
        except ExportGraphError as exc:
            answer = Answer(exc.status, message=exc.message)
        except (SyntaxError, ValueError) as exc:
            answer = Answer(400, message=f"invalid query: {' '.join(str(exc).split())[:500]}")
        except Exception:  # noqa: BLE001 - logged here with its traceback, never sent to the client
            log.exception("query evaluation failed")
            answer = Answer(500, message="query evaluation failed (logged on the server)")
        return replace(answer, verdict=verdict)


def _serve(conn: Connection, config: EngineConfig) -> None:
    try:
        evaluator = _Evaluator(config)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which logs it
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if job is None:
            return
        conn.send(evaluator.answer(job))


def worker_main(conn: Connection, config: EngineConfig) -> None:
    """Entry point of a worker process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    sys.setrecursionlimit(WORKER_RECURSION_LIMIT)
    threading.stack_size(WORKER_STACK_BYTES)
    thread = threading.Thread(target=_serve, args=(conn, config), name="sparql-worker")
    thread.start()
    thread.join()


# ---------------------------------------------------------------- in the parent


@dataclass
class _Item:
    job: Job
    future: concurrent.futures.Future[Answer]
    deadline: float


def _context() -> Any:
    ctx = multiprocessing.get_context("forkserver")
    # Workers fork from a server that has already imported the heavy modules: a replacement starts fast.
    ctx.set_forkserver_preload(["exportgraph.graph.workers", "exportgraph.graph.guard", "exportgraph.graph.store",
                                "rdflib.plugins.sparql.parser", "rdflib.plugins.sparql.algebra"])
    return ctx


class _Slot:
    """One worker process and the supervisor thread that feeds it."""

    def __init__(self, pool: WorkerPool, index: int) -> None:
        self.pool = pool
        self.index = index
        self.process: Any = None
        self.conn: Connection | None = None
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"sparql-slot-{index}", daemon=True)

    def _spawn(self) -> bool:
        ctx = self.pool.context
        parent, child = ctx.Pipe(duplex=True)
        process = ctx.Process(target=worker_main, args=(child, self.pool.engine), daemon=True,
                              name=f"exportgraph-sparql-{self.index}")
        process.start()
        child.close()
        self.process, self.conn = process, parent
        if parent.poll(self.pool.start_timeout_s):
            try:
                kind, detail = parent.recv()
            except (EOFError, OSError):
                kind, detail = "failed", "the worker exited while starting"
            if kind == "ready":
                return True
        else:
            detail = f"not ready after {self.pool.start_timeout_s} s"
        log.error("SPARQL worker %d did not start: %s", self.index, detail)
        self._kill()
        return False

    def _kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.join(timeout=5)
        if self.conn is not None:
            self.conn.close()
        self.process, self.conn = None, None

    def _ensure(self) -> bool:
        while self.conn is None and not self.pool.closing:
            if self._spawn():
                self.ready.set()
                return True
            time.sleep(1.0)
        return self.conn is not None

    def _run(self) -> None:
        self._ensure()
        while True:
            item = self.pool.jobs.get()
            if item is None or self.pool.closing:
                break
            if not item.future.set_running_or_notify_cancel():
                continue  # the client gave up while it waited
            answer = self._one(item)
            item.future.set_result(answer)
            if self.conn is None:
                self._ensure()  # after the answer went out: a replacement starts while others serve
        self._kill()

    def _one(self, item: _Item) -> Answer:
        remaining = item.deadline - time.monotonic()
        limit = self.pool.timeout_s
        if remaining <= 0:
            return Answer(504, message=f"the query waited longer than the {limit:g} s limit for a worker")
        if self.conn is None and not self._ensure():
            return Answer(502, message="no SPARQL worker is available")
        assert self.conn is not None
        try:
            self.conn.send(item.job)
            if self.conn.poll(remaining):
                answer: Answer = self.conn.recv()
                return answer
        except (EOFError, OSError):
            log.error("SPARQL worker %d died during a query", self.index)
            self._kill()
            return Answer(500, message="the query worker failed (logged on the server)")
        log.warning("SPARQL worker %d killed: query over %g s", self.index, limit)
        self._kill()
        return Answer(504, message=f"the query ran longer than the {limit:g} s limit and was stopped")


class WorkerPool:
    """Query workers: bounded waiting, deadlines that kill, replacements that start by themselves."""

    def __init__(self, engine: EngineConfig, size: int, timeout_s: float, max_pending: int,
                 start_timeout_s: float = 120.0) -> None:
        self.engine = engine
        self.timeout_s = timeout_s
        self.max_pending = max_pending
        self.start_timeout_s = start_timeout_s
        self.context = _context()
        self.jobs: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self.closing = False
        self._pending = 0
        self._lock = threading.Lock()
        self._slots = [_Slot(self, i) for i in range(size)]
        for slot in self._slots:
            slot.thread.start()

    def wait_ready(self, timeout_s: float) -> bool:
        """Block until every worker has loaded its data once (call it from a thread, not the loop)."""
        deadline = time.monotonic() + timeout_s
        return all(slot.ready.wait(max(0.0, deadline - time.monotonic())) for slot in self._slots)

    def submit(self, job: Job) -> concurrent.futures.Future[Answer]:
        with self._lock:
            if self.closing:
                raise StoreUnavailable("the SPARQL workers are shutting down")
            if self._pending >= self.max_pending:
                raise TooManyRequests(f"{self._pending} queries are already waiting or running; try again shortly")
            self._pending += 1
        future: concurrent.futures.Future[Answer] = concurrent.futures.Future()
        future.add_done_callback(self._done)
        self.jobs.put(_Item(job, future, time.monotonic() + self.timeout_s))
        return future

    def _done(self, _future: concurrent.futures.Future[Answer]) -> None:
        with self._lock:
            self._pending -= 1

    async def run(self, job: Job) -> Answer:
        """Evaluate off the event loop; the answer, whatever its status."""
        future = self.submit(job)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout_s + 5.0)
        except TimeoutError:
            future.cancel()  # only succeeds while still queued; a running job is killed by its slot
            return Answer(504, message=f"no answer within the {self.timeout_s:g} s limit")

    def close(self) -> None:
        with self._lock:
            if self.closing:
                return
            self.closing = True
        for _ in self._slots:
            self.jobs.put(None)
        for slot in self._slots:
            process = slot.process
            if process is not None:
                process.kill()  # a worker in the middle of a query would not read a stop message
        for slot in self._slots:
            slot.thread.join(timeout=5)
