"""SPARQL evaluation in worker processes that can be killed.

A thread inside a web process cannot be stopped (TRAPS: 45 timed-out requests
left 44 threads computing), so each query runs in a separate process. A template
process loads the built dataset into an in-memory Oxigraph store once (or, for
store=remote, prepares a client of the remote server); workers are forked from
it, sharing the loaded store copy-on-write. A worker evaluates a query the token
guard has accepted (`guard.py`, in the web process) and serialises the answer
with pyoxigraph's Rust serialisers; the parent receives bytes.

In the parent, one supervisor thread per worker takes jobs from a shared queue,
hands one to its process and waits with `poll(deadline)`. When the deadline
passes it kills the process (the work stops), answers 504 and forks a
replacement (milliseconds), while the other workers go on answering. The async
side only awaits a concurrent future, so the event loop never blocks. These are
the light lane: a query still running after the light budget is handed over to
the heavy lane (`lanes.py`), so that slow queries never hold the light workers.

Size: about 600 lines, one concern: the pool, its supervisors and the worker loop share private
state (pipes, deadlines, the template process), which a split would have to expose.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import itertools
import json
import logging
import multiprocessing
import os
import queue
import re
import signal
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from multiprocessing import reduction
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from exportgraph.exc import (
    ExportGraphError,
    QueryRefused,
    QueryTooSlow,
    StoreTimeout,
    StoreUnavailable,
    TooManyRequests,
)
from exportgraph.sparql.jobs import Answer, Job, too_slow
from exportgraph.sparql.lanes import Entry, HeavyLane, kill_worker

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
WORKER_STACK_BYTES = 64 * 1024 * 1024  # Oxigraph's parser recurses per nesting level (the guard bounds it)
_NAMED = re.compile("named", re.IGNORECASE)
LIVENESS_CHECK_S = 1.0  # an idle supervisor checks its worker this often


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
class Lanes:
    """The light budget (0: no lanes, every query runs to the deadline where it started) and the heavy lane."""

    light_budget_s: float = 0.0
    heavy_workers: int = 1
    heavy_queue: int = 4
    # Over a remote store: seconds from a query's start during which a heavy runner whose query ran out of time
    # stays busy, because the store may still be evaluating it (lanes.py, HeavyLane).
    hold_s: float = 0.0


_ERRORS: dict[int, type[ExportGraphError]] = {
    400: QueryRefused, 406: NotAcceptable, 422: QueryTooSlow, 429: TooManyRequests, 502: StoreUnavailable,
    503: StoreTimeout,
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


_json_string = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) writes for a str


def _term_json(term: Any) -> str:
    """One term as SPARQL results JSON: the bytes json.dumps(_term(term)) would write, without the dicts."""
    kind = type(term)
    if kind is ox.NamedNode:
        return '{"type":"uri","value":' + _json_string(term.value) + "}"
    if kind is ox.Literal:
        head = '{"type":"literal","value":' + _json_string(term.value)
        if term.language:
            return head + ',"xml:lang":' + _json_string(term.language) + "}"
        datatype = term.datatype.value
        if datatype in (_XSD_STRING, _LANG_STRING):
            return head + "}"
        return head + ',"datatype":' + _json_string(datatype) + "}"
    if kind is ox.BlankNode:
        return '{"type":"bnode","value":' + _json_string(term.value) + "}"
    return json.dumps(_term(term), ensure_ascii=False, separators=(",", ":"))


def solutions_json(variables: list[str], rows: Iterable[ox.QuerySolution]) -> bytes:
    keys = [(i, _json_string(name) + ":") for i, name in enumerate(variables)]
    bindings = []
    for row in rows:
        bound = []
        for i, key in keys:
            value = row[i]
            if value is not None:
                bound.append(key + _term_json(value))
        bindings.append("{" + ",".join(bound) + "}")
    head = '{"head":{"vars":[' + ",".join(_json_string(v) for v in variables) + ']},"results":{"bindings":['
    return (head + ",".join(bindings) + "]}}").encode("utf-8")


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


# The fewest bytes a row of results takes in each format (JSON `{}` and a comma, XML `<result></result>`, a CSV
# line end, a TSV one): a body shorter than max_rows of them cannot hold more than max_rows rows.
_MIN_ROW_BYTES = {"json": 3, "xml": 17, "csv": 2, "tsv": 1}


def serialise_whole(result: Any, job: Job) -> Answer | None:
    """A SELECT's rows serialised by pyoxigraph in one call (no row crosses into Python), if they are within
    max_rows; None when there are more (the caller evaluates again through `serialise`, which stops there).

    For a bounded query only: the body is made whole before the rows are counted. Byte for byte what
    `serialise` writes (tests/test_sparql_inline.py)."""
    if not isinstance(result, ox.QuerySolutions) or job.results_format is None:
        return None
    fmt = RESULT_FORMATS[job.results_format]
    body = result.serialize(format=fmt) or b""
    if len(body) >= _MIN_ROW_BYTES[job.results_format] * (job.max_rows + 1):
        if job.results_format == "csv":
            return None  # pyoxigraph cannot read CSV results back to count them
        rows = ox.parse_query_results(body, format=fmt)
        if not isinstance(rows, ox.QuerySolutions) or len(list(itertools.islice(rows, job.max_rows + 1))) > job.max_rows:
            return None
    return Answer(200, body, MEDIA_TYPES[job.results_format])


class _Evaluator:
    """The worker's engine: evaluate, serialise. Lives in the worker process only."""

    def __init__(self, config: EngineConfig) -> None:
        from exportgraph.graph.store import EmbeddedStore, GraphStore, RemoteStore
        from exportgraph.graph.terms import PREFIXES

        self.prefixes = dict(PREFIXES)
        self.store: GraphStore
        if config.kind == "remote":
            self.store = RemoteStore(config.remote_query_url, config.remote_timeout_s)
            self.named: list[Any] = []
        else:
            embedded = EmbeddedStore.from_file(Path(config.dataset))
            self.store = embedded
            self.named = list(embedded.store.named_graphs())

    def _query(self, text: str) -> Any:
        """The engine as a second line behind the guard: the union default graph overrides any FROM; the
        named graphs are given explicitly only when the text says NAMED, because the list of 488 graphs
        costs 120 µs of CPU a query (82 -> 204 µs for a point lookup), several times the guard itself.
        Oxigraph never fetches a FROM graph: a FROM NAMED could only narrow the query to graphs of ours."""
        from exportgraph.graph.store import EmbeddedStore

        if isinstance(self.store, EmbeddedStore):
            named = self.named if _NAMED.search(text) else None
            return self.store.store.query(text, use_default_graph_as_union=True, named_graphs=named)
        return self.store.query(text)

    def answer(self, job: Job, bounded: bool = False) -> Answer:
        """The answer to a job; `bounded`: the query is known to have few rows (inline.py), so a SELECT is
        serialised whole by pyoxigraph (serialise_whole) unless it has more than max_rows after all."""
        try:
            result = self._query(job.text)
            if bounded and (whole := serialise_whole(result, job)) is not None:
                return whole
            if bounded and isinstance(result, ox.QuerySolutions) and job.results_format is not None:
                result = self._query(job.text)  # consumed by serialise_whole: over max_rows, evaluated again
            return serialise(result, job, self.prefixes)
        except StoreTimeout:  # the store is hung (the web process says so: 503), or this query is too slow for it
            return Answer(422, message="the query ran longer than the remote store's time limit and was stopped")
        except ExportGraphError as exc:
            return Answer(exc.status, message=exc.message)
        except SyntaxError as exc:
            return Answer(400, message=f"SPARQL syntax error: {' '.join(str(exc).split())[:500]}")
        except ValueError as exc:
            return Answer(400, message=f"invalid query: {' '.join(str(exc).split())[:500]}")
        except Exception:  # noqa: BLE001 - logged here with its traceback, never sent to the client
            log.exception("query evaluation failed")
            return Answer(500, message="query evaluation failed (logged on the server)")


def evaluator_over(store: Any) -> _Evaluator:
    """An evaluator over a store already loaded: the web process's own (sparql/inprocess.py)."""
    from exportgraph.graph.terms import PREFIXES

    evaluator = _Evaluator.__new__(_Evaluator)
    evaluator.prefixes = dict(PREFIXES)
    evaluator.store = store
    evaluator.named = list(store.store.named_graphs()) if hasattr(store, "store") else []
    return evaluator


def _serve(conn: Connection, evaluator: _Evaluator) -> None:
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if job is None:
            return
        conn.send(evaluator.answer(job))


def _worker(conn: Connection, evaluator: _Evaluator) -> None:
    """A forked worker: serve jobs on a thread with a large stack (the engine's parser recurses)."""
    thread = threading.Thread(target=_serve, args=(conn, evaluator), name="sparql-worker")
    thread.start()
    thread.join()


def template_main(control: Connection, config: EngineConfig) -> None:
    """The template process: loads the data once, then forks a worker for each request of the parent.

    A worker forked from it starts in milliseconds and shares the loaded store copy-on-write, so a
    killed worker is replaced at once instead of reloading the dataset (10 s at 700k quads). The
    template stays single-threaded, which is what makes fork safe here.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps killed workers
    threading.stack_size(WORKER_STACK_BYTES)
    try:
        evaluator = _Evaluator(config)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which logs it
        control.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    control.send(("ready", os.getpid()))
    while True:
        try:
            control.recv()
            fd = reduction.recv_handle(control)
        except (EOFError, OSError):
            return  # the parent is gone
        pid = os.fork()
        if pid == 0:
            control.close()
            try:
                _worker(Connection(fd), evaluator)
            finally:
                os._exit(0)
        os.close(fd)
        control.send(pid)


# ---------------------------------------------------------------- in the parent


def process_alive(pid: int) -> bool:
    """Whether a process runs: a zombie does not (a worker whose template died is nobody's child to reap)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            state = fh.read().rpartition(b")")[2].split()[0]
        return state not in (b"Z", b"X", b"x")
    except (FileNotFoundError, ProcessLookupError):
        return False
    except (OSError, IndexError):  # no /proc: whether the pid exists at all
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


@dataclass
class _Item:
    job: Job
    future: concurrent.futures.Future[Answer]
    deadline: float


def _context() -> Any:
    ctx = multiprocessing.get_context("forkserver")
    # The template starts from a server that has already imported the heavy modules.
    ctx.set_forkserver_preload(["exportgraph.sparql.workers", "exportgraph.graph.store"])
    return ctx


class _Template:
    """The parent's handle on the template process; `fork()` returns a new worker's (pid, connection)."""

    def __init__(self, pool: WorkerPool) -> None:
        self.pool = pool
        self.lock = threading.Lock()
        self.process: Any = None
        self.control: Connection | None = None
        self.ready = threading.Event()

    def _start(self) -> bool:
        ctx = self.pool.context
        parent, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=template_main, args=(child, self.pool.engine), daemon=True,
                                   name="exportgraph-sparql-template")
        self.process.start()
        child.close()
        self.control = parent
        detail = f"not ready after {self.pool.start_timeout_s:g} s"
        if parent.poll(self.pool.start_timeout_s):
            try:
                kind, detail = parent.recv()
            except (EOFError, OSError):
                kind, detail = "failed", "the template process exited while loading"
            if kind == "ready":
                self.ready.set()
                return True
        log.error("the SPARQL template process did not start: %s", detail)
        self.stop()
        return False

    def fork(self) -> tuple[int, Connection] | None:
        with self.lock:
            if self.pool.closing:
                return None
            if self.control is None and not self._start():
                return None
            assert self.control is not None
            ours, theirs = socket.socketpair()
            try:
                self.control.send("fork")
                reduction.send_handle(self.control, theirs.fileno(), self.process.pid)
                pid: int = self.control.recv()
            except (EOFError, OSError):
                log.error("the SPARQL template process died; starting a new one")
                self.stop()
                ours.close()
                return None
            finally:
                theirs.close()
            return pid, Connection(ours.detach())

    def stop(self) -> None:
        self.ready.clear()
        process, control = self.process, self.control
        self.process, self.control = None, None
        if process is not None:
            process.kill()
            process.join(timeout=5)
        if control is not None:
            with contextlib.suppress(OSError):
                control.close()


RETRY_WITHIN_S = 1.0  # a worker that dies sooner than this after taking a query: the query is sent once more


class _Slot:
    """One worker process and the supervisor thread that feeds it."""

    def __init__(self, pool: WorkerPool, index: int) -> None:
        self.pool = pool
        self.index = index
        self.pid: int | None = None
        self.conn: Connection | None = None
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"sparql-slot-{index}", daemon=True)

    def _spawn(self) -> bool:
        forked = self.pool.template.fork()
        if forked is None:
            return False
        pid, conn = forked
        self.pid, self.conn = pid, conn
        try:
            if conn.poll(30) and conn.recv()[0] == "ready":
                return True
        except (EOFError, OSError):
            pass
        if not self.pool.closing:
            log.error("SPARQL worker %d did not start", self.index)
        self.kill()
        return False

    def kill(self) -> None:
        pid, conn = self.pid, self.conn  # close() may call this from another thread
        self.pid, self.conn = None, None
        kill_worker(pid, conn)

    def _ensure(self) -> bool:
        while self.conn is None and not self.pool.closing:
            if self._spawn():
                self.ready.set()
                return True
            time.sleep(1.0)
        return self.conn is not None

    def alive(self) -> bool:
        pid = self.pid
        return pid is not None and self.thread.is_alive() and process_alive(pid)

    def _run(self) -> None:
        self._ensure()
        while True:
            try:
                item = self.pool.jobs.get(timeout=LIVENESS_CHECK_S)
            except queue.Empty:
                if not self.pool.closing and self.pid is not None and not self.alive():
                    log.error("SPARQL worker %d died while idle; starting a new one", self.index)
                    self.kill()
                    self._ensure()  # replaced before a query finds it dead
                continue
            if item is None or self.pool.closing:
                break
            if not item.future.set_running_or_notify_cancel():
                continue  # the client gave up while it waited
            try:
                answer = self._one(item)
            except Exception:  # noqa: BLE001 - the client must get an answer; the cause is logged
                log.exception("SPARQL slot %d failed", self.index)
                self.kill()
                answer = Answer(500, message="the query worker failed (logged on the server)")
            if answer is not None:  # None: the heavy lane answers it
                item.future.set_result(answer)
            if self.conn is None:
                self._ensure()  # after the answer went out; a fork from the template takes milliseconds
        self.kill()

    def _one(self, item: _Item, again: bool = False) -> Answer | None:
        """The answer, or None when the query outgrew the light budget and went to the heavy lane.

        A worker that dies within RETRY_WITHIN_S of taking the query (killed from outside, or gone an instant
        before) is replaced and the query sent once more; one that dies later, or twice, is a failure (500):
        the query itself may be what kills it."""
        limit = self.pool.timeout_s
        conn = self._deliver(item)
        if isinstance(conn, Answer):
            return conn
        started = time.monotonic()
        budget = self.pool.light_budget_s
        light_end = min(item.deadline, started + budget) if self.pool.heavy else item.deadline
        try:
            if conn.poll(max(0.0, light_end - time.monotonic())):
                answer: Answer = conn.recv()
                return answer
        except (EOFError, OSError):
            log.error("SPARQL worker %d died during a query", self.index)
            self.kill()
            if not again and time.monotonic() - started < RETRY_WITHIN_S:
                return self._one(item, again=True)
            return Answer(500, message="the query worker failed (logged on the server)")
        if light_end < item.deadline:
            self._hand_over(item, started)
            return None
        log.warning("SPARQL worker %d killed: query over %g s", self.index, limit)
        self.kill()
        return too_slow(limit)

    def _hand_over(self, item: _Item, started: float) -> None:
        """The light budget is spent: give the heavy lane the running worker or, when no heavy runner is
        free, the job to start afresh (the worker is killed); the lane and its queue full: 429."""
        heavy = self.pool.heavy
        assert heavy is not None
        heavy.known.add(item.job.text)
        entry = Entry(item.job, item.future, started + self.pool.timeout_s, self.pid, self.conn)
        if heavy.adopt(entry):
            log.info("SPARQL worker %d handed a query over %g s to the heavy lane", self.index,
                     self.pool.light_budget_s)
            self.pid, self.conn = None, None  # the heavy lane owns the process now
            return
        self.kill()
        if not heavy.enqueue(Entry(item.job, item.future, time.monotonic() + self.pool.timeout_s)):
            item.future.set_result(Answer(429, message="the lane for slow queries is full; try again shortly"))

    def _deliver(self, item: _Item) -> Connection | Answer:
        """Send the job to a live worker; one that died while idle is replaced once, before the query runs."""
        for attempt in (1, 2):
            if time.monotonic() >= item.deadline:
                return Answer(429, message=f"the query waited longer than the {self.pool.timeout_s:g} s limit "
                                           "for a worker; try again shortly")
            if self.conn is None and not self._ensure():
                return Answer(502, message="no SPARQL worker is available")
            conn = self.conn
            assert conn is not None
            try:
                conn.send(item.job)
                return conn
            except OSError:
                log.error("SPARQL worker %d was gone before the query (attempt %d)", self.index, attempt)
                self.kill()
        return Answer(502, message="no SPARQL worker is available")

class WorkerPool:
    """Query workers: bounded waiting, deadlines that kill, replacements that start by themselves."""

    def __init__(self, engine: EngineConfig, size: int, timeout_s: float, max_pending: int,
                 start_timeout_s: float = 300.0, lanes: Lanes | None = None) -> None:
        self.engine = engine
        self.timeout_s = timeout_s
        self.max_pending = max_pending
        self.start_timeout_s = start_timeout_s
        self.context = _context()
        self.jobs: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self.closing = False
        self._pending = 0
        self._lock = threading.Lock()
        self.template = _Template(self)
        lanes = lanes or Lanes()
        self.light_budget_s = lanes.light_budget_s
        self.heavy: HeavyLane | None = None
        if 0 < lanes.light_budget_s < timeout_s:
            self.heavy = HeavyLane(self.template.fork, timeout_s, lambda: self.closing, lanes.heavy_workers,
                                   lanes.heavy_queue, lanes.hold_s)
        self._slots = [_Slot(self, i) for i in range(size)]
        for slot in self._slots:
            slot.thread.start()

    @property
    def ready(self) -> bool:
        return all(slot.ready.is_set() for slot in self._slots)

    def health(self) -> dict[str, Any]:
        """Whether each worker process exists, without asking it anything (cheap: for /api/health)."""
        template = self.template.process
        return {"workers": len(self._slots), "alive": sum(slot.alive() for slot in self._slots),
                "template_alive": bool(template is not None and template.pid and process_alive(template.pid)),
                "template_ready": self.template.ready.is_set(),
                "queued_or_running": self._pending, "closing": self.closing,
                **(self.heavy.health() if self.heavy else {})}

    def pids(self) -> set[int]:
        """The light workers' processes, and the heavy lane's while they run."""
        light = {slot.pid for slot in self._slots if slot.pid is not None}
        return light | (self.heavy.pids() if self.heavy else set())

    def wait_ready(self, timeout_s: float) -> bool:
        """Block until every worker has started once (call it from a thread, not the event loop)."""
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
        deadline = time.monotonic() + self.timeout_s
        if self.heavy is not None and job.text in self.heavy.known:  # it outgrew the light budget before
            if not self.heavy.enqueue(Entry(job, future, deadline)):
                future.set_result(Answer(429, message="the lane for slow queries is full; try again shortly"))
            return future
        self.jobs.put(_Item(job, future, deadline))
        return future

    @property
    def longest_wait_s(self) -> float:
        """Longest a query may take in all: a wait and a run on each lane."""
        return 3 * self.timeout_s + self.light_budget_s if self.heavy else self.timeout_s

    def _done(self, _future: concurrent.futures.Future[Answer]) -> None:
        with self._lock:
            self._pending -= 1

    async def run(self, job: Job) -> Answer:
        """Evaluate off the event loop; the answer, whatever its status."""
        if not self.ready:  # first use of a pool started lazily: wait for the data to load, not the deadline
            await asyncio.to_thread(self.wait_ready, self.start_timeout_s)
        future = self.submit(job)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.longest_wait_s + 5.0)
        except TimeoutError:
            future.cancel()  # only succeeds while still queued; a running job is killed by its slot
            return Answer(429, message=f"no answer within the {self.timeout_s:g} s limit; try again shortly")

    def close(self) -> None:
        with self._lock:
            if self.closing:
                return
            self.closing = True
        for _ in self._slots:
            self.jobs.put(None)
        for slot in self._slots:
            slot.kill()  # a worker in the middle of a query would not read a stop message
        for slot in self._slots:
            slot.thread.join(timeout=5)
        if self.heavy is not None:
            self.heavy.close()
        self.template.stop()
