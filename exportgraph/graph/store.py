"""Stores: the embedded default (Oxigraph in the process) and any SPARQL 1.1 server.

Both answer the same calls with pyoxigraph terms, so the rest of the code (and the test suite) runs unchanged
on either. The default graph is the union of the named graphs: the embedded store queries it that way, and a
remote server must be configured so (Oxigraph `--union-default-graph`, Fuseki `unionDefaultGraph`; Virtuoso
does it by itself, its own system graphs included unless they are made private: see tests/virtuoso.py).
Loads, all or nothing, are in graph/remoteload.py.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn, TypeVar
from urllib.parse import urlencode, urlsplit

import certifi
import httpx
import pycurl
import pyoxigraph as ox

from exportgraph.exc import BadRequest, NotFound, StoreTimeout, StoreUnavailable
from exportgraph.graph.rows import Row, rows_of_json, rows_of_solutions
from exportgraph.graph.terms import sparql_prefixes

log = logging.getLogger(__name__)
_R = TypeVar("_R", httpx.Response, "_Answer")
Result = Any  # ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | Triples
PREFIXES = sparql_prefixes()
JSON_RESULTS = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
FORM = "application/x-www-form-urlencoded"
CONNECT_TIMEOUT_S = 5.0  # longest wait for a remote store to accept a connection (then 503)
# What a query's form is decided by: its first keyword once IRIs, strings and comments are set aside.
_NOISE = re.compile(r'<[^<>"{}|^`\\\s]*>|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*')
_FORM_WORD = re.compile(r"(?<![\w:?$])(select|ask|construct|describe)(?![\w:])", re.IGNORECASE)


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE (SELECT if none is found: the server then says what is wrong)."""
    found = _FORM_WORD.search(_NOISE.sub(" ", sparql))
    return found.group(1).upper() if found else "SELECT"


def _rows(solutions: ox.QuerySolutions) -> list[Row]:
    names = [v.value for v in solutions.variables]
    # A solution iterates over its values in the order of the variables (None where unbound): half the cost
    # of looking each up by name (6.4 against 13.4 µs a row of three).
    return [dict(zip(names, sol, strict=True)) for sol in solutions]


# What a form value must have percent-encoded for a parser of application/x-www-form-urlencoded to give it
# back: the delimiters (`;` too, which older parsers split on), the escape, the plus (read as a space) and white
# space. Everything else in printable ASCII is read as itself. urlencode() escapes far more, with a Python call
# per character: 0.24 ms for a 2.7 KB query (a lookup sends eight), against microseconds for these replacements.
_FORM_ESCAPES = (("%", "%25"), ("&", "%26"), (";", "%3B"), ("+", "%2B"), ("=", "%3D"), (" ", "+"),
                 ("\n", "%0A"), ("\r", "%0D"), ("\t", "%09"))


def form_body(sparql: str) -> bytes:
    """`query=<the query>` as a form body that every server reads back as the same text."""
    if sparql.isascii():
        body = sparql
        for char, escaped in _FORM_ESCAPES:
            if char in body:  # a scan, where replace() copies the whole text (a lookup's 35 KB: -25 %)
                body = body.replace(char, escaped)
        # Printable ASCII once white space is escaped: no other control character is left (a test in C, where a
        # regular expression over the text took 31 µs a query).
        if body.isprintable():
            return b"query=" + body.encode("ascii")
    return urlencode({"query": sparql}).encode("ascii")


class GraphStore(ABC):
    """What the library needs of a store."""

    # Whether independent queries are worth sending at once (query/base.py `together`): on a remote store each
    # query is a round trip that the server can overlap with others; the embedded store answers in the process.
    concurrent = False

    @abstractmethod
    def query(self, sparql: str) -> Result:
        """Evaluate a query; the default graph is the union of the named graphs."""

    def select(self, sparql: str, prefixes: bool = True) -> list[Row]:
        result = self._query_select(PREFIXES + sparql if prefixes else sparql)
        if not isinstance(result, ox.QuerySolutions):
            raise BadRequest("expected a SELECT query")
        return _rows(result)

    def _query_select(self, sparql: str) -> Result:
        """`query` for a text known to be a SELECT (a store may skip finding out its form)."""
        return self.query(sparql)

    def select_values(self, texts: list[str]) -> list[list[Row]]:
        """Several SELECTs' rows, in their order, each term as a plain value (graph/rows.py); a remote store
        sends them at once."""
        out = []
        for text in texts:
            result = self._query_select(PREFIXES + text)
            if not isinstance(result, ox.QuerySolutions):
                raise BadRequest("expected a SELECT query")
            out.append(rows_of_solutions(result))
        return out

    def stream(self, sparql: str) -> Iterator[ox.QuerySolution]:
        """A SELECT's solutions one at a time: never the whole answer in memory (the text index reads millions)."""
        result: Any = self.query(PREFIXES + sparql)
        try:
            if not isinstance(result, ox.QuerySolutions):
                raise BadRequest("expected a SELECT query")
            yield from result
        finally:
            result = None  # dropped by this thread (the text index is read in one, its errors reported on the loop)

    def ask(self, sparql: str) -> bool:
        result = self.query(PREFIXES + sparql)
        if not isinstance(result, ox.QueryBoolean):
            raise BadRequest("expected an ASK query")
        return bool(result)

    def construct(self, sparql: str) -> list[ox.Triple]:
        result = self.query(PREFIXES + sparql)
        if not isinstance(result, (ox.QueryTriples, Triples)):
            raise BadRequest("expected a CONSTRUCT or DESCRIBE query")
        return list(result)

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources."""


class EmbeddedStore(GraphStore):
    def __init__(self, store: ox.Store) -> None:
        self.store = store

    @classmethod
    def from_file(cls, path: Path) -> EmbeddedStore:
        store = ox.Store()
        # load, not bulk_load: the same speed in memory at 0.64x the peak (bench/README.md).
        store.load(path=str(path), format=ox.RdfFormat.N_QUADS)
        return cls(store)

    def query(self, sparql: str) -> Result:
        try:
            return self.store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise BadRequest(f"SPARQL syntax error: {exc}") from None

    def __len__(self) -> int:
        return len(self.store)


class RemoteStore(GraphStore):
    """A SPARQL 1.1 server through the Protocol (queries) and the Graph Store Protocol (loads).

    Queries go as an HTML form (`query=`), which every server takes: Virtuoso 7.2 never answers a POST of
    `application/sparql-query`. The Accept header follows the query's form: asked for JSON first, Virtuoso
    answers a CONSTRUCT with a table of ?s ?p ?o, and a SELECT asked for N-Triples with a graph describing it.
    Queries through libcurl (`_Queries`); loads and the search index's stream through one httpx client, whose
    pool keeps connections alive across threads.
    """

    concurrent = True

    def __init__(self, query_url: str, timeout_s: float = 30.0) -> None:
        self.query_url = query_url
        self.client = httpx.Client(timeout=httpx.Timeout(timeout_s, connect=CONNECT_TIMEOUT_S))
        self.queries = _Queries(query_url, timeout_s)

    def _post(self, url: str, content: bytes, content_type: str, accept: str,
              params: dict[str, str] | None = None, method: str = "POST") -> httpx.Response:
        with _mapped(url):
            response = self.client.request(method, url, content=content, params=params,
                                           headers={"Content-Type": content_type, "Accept": accept})
        return _checked(response, url, method)

    def stream(self, sparql: str) -> Iterator[ox.QuerySolution]:
        """Solutions parsed as they arrive (SPARQL JSON read by pyoxigraph from the open response)."""
        body = urlencode({"query": PREFIXES + sparql}).encode("ascii")
        headers = {"Content-Type": FORM, "Accept": JSON_RESULTS}
        with _mapped(self.query_url), self.client.stream("POST", self.query_url, content=body,
                                                         headers=headers) as response:
            if response.status_code >= 400:
                response.read()
            _checked(response, self.query_url, "POST")
            solutions: Any = None
            try:
                solutions = ox.parse_query_results(io.BufferedReader(_Chunks(response.iter_bytes()), 1 << 16),
                                                   format=ox.QueryResultsFormat.JSON)
                if not isinstance(solutions, ox.QuerySolutions):
                    raise BadRequest("expected a SELECT query")
                yield from solutions
                return
            except SyntaxError as exc:
                error = StoreUnavailable(f"the remote store sent results that do not parse ({exc})")
            finally:
                solutions = None  # pyoxigraph's results: dropped by this thread, not by one freeing a traceback
        raise error

    def _ask_remote(self, sparql: str, accept: str) -> _Answer:
        answer = self.queries.post(form_body(sparql), accept)
        return _checked(answer, self.query_url, "POST")

    def _query_select(self, sparql: str) -> Result:
        # The form is known: not found again in the text (query_form: 85 µs for a query with the prefixes).
        return self._answer(sparql, graph=False)

    def select_values(self, texts: list[str]) -> list[list[Row]]:
        """Sent at once from this thread, each on a connection of its own; the server works on them together.
        Each answer is read from its JSON into plain values, with no pyoxigraph term made (graph/rows.py)."""
        answers = self.queries.post_all([form_body(PREFIXES + text) for text in texts], JSON_RESULTS)
        out = []
        for answer in answers:
            kind = _checked(answer, self.query_url, "POST").headers.get("content-type", "").split(";")[0].strip()
            if kind != JSON_RESULTS:
                raise StoreUnavailable(f"the remote store answered with an unexpected type {kind!r}")
            out.append(rows_of_json(answer.content))
        return out

    def query(self, sparql: str) -> Result:
        return self._answer(sparql, query_form(sparql) in ("CONSTRUCT", "DESCRIBE"))

    def _answer(self, sparql: str, graph: bool) -> Result:
        response = self._ask_remote(sparql, N_TRIPLES if graph else JSON_RESULTS)
        kind = response.headers.get("content-type", "").split(";")[0].strip()
        if kind == JSON_RESULTS:
            return _solutions(response.content)
        if kind in (N_TRIPLES, "text/plain"):
            triples = [q.triple for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)]
            return Triples(triples)
        raise StoreUnavailable(f"the remote store answered with an unexpected type {kind!r}")

    def raw(self, sparql: str, accept: str) -> tuple[bytes, str]:
        response = self._ask_remote(sparql, accept)
        return response.content, response.headers.get("content-type", "application/octet-stream")

    def put_graph(self, gsp_url: str, graph: str, ntriples: bytes) -> None:
        """Replace one named graph (Graph Store Protocol PUT)."""
        self._post(gsp_url, ntriples, N_TRIPLES, "*/*", params={"graph": graph}, method="PUT")

    def delete_graph(self, gsp_url: str, graph: str) -> None:
        """Remove one named graph (Graph Store Protocol DELETE); a graph already gone is no error."""
        with contextlib.suppress(NotFound):
            self._post(gsp_url, b"", N_TRIPLES, "*/*", params={"graph": graph}, method="DELETE")

    def close(self) -> None:
        self.client.close()
        self.queries.close()


class _Answer:
    """The parts of an HTTP answer that the store reads (httpx.Response has the same)."""

    def __init__(self, status_code: int, content_type: str | None, content: bytes) -> None:
        self.status_code = status_code
        self.headers = {"content-type": content_type} if content_type else {}
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


AT_ONCE = 8  # queries a thread sends to a remote store at once (a lookup's widest step sends four to six)
# libcurl's errors that mean the connection broke before an answer came (the server closed a kept-alive
# connection, or reset it): a query is read-only, so it is sent once more, on a new connection.
_BROKEN = {pycurl.E_GOT_NOTHING, pycurl.E_SEND_ERROR, pycurl.E_RECV_ERROR}


class _Queries:
    """Queries through libcurl (pycurl): one handle, so one keep-alive connection, per thread and process.

    Each query's HTTP exchange costs CPU that holds the GIL, in a web process that serves other requests
    meanwhile: httpx spent 0.60 ms on a query (2,366 Python calls), the standard library's http.client 0.22-0.29
    ms (its header parsing goes through the email package), libcurl 0.08-0.11 ms (bench/README.md, sixth
    session). A handle made by another process (before a fork) is never used: the child makes its own.
    Connect within CONNECT_TIMEOUT_S; the whole answer within timeout_s."""

    def __init__(self, url: str, timeout_s: float) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BadRequest(f"the remote store's URL must be http(s)://host[:port]/path, not {url!r}")
        self.url, self.timeout_s = url, timeout_s
        self.local = threading.local()

    def _handle(self) -> pycurl.Curl:
        held = getattr(self.local, "held", None)
        if held is not None and held[0] == os.getpid():
            handle: pycurl.Curl = held[1]
            return handle
        handle = self._new_handle()
        self.local.held = (os.getpid(), handle)
        return handle

    def _new_handle(self) -> pycurl.Curl:
        handle = pycurl.Curl()
        handle.setopt(pycurl.URL, self.url)
        handle.setopt(pycurl.NOSIGNAL, 1)  # timeouts without SIGALRM: handles live in many threads
        handle.setopt(pycurl.CONNECTTIMEOUT_MS, int(min(CONNECT_TIMEOUT_S, self.timeout_s) * 1000))
        handle.setopt(pycurl.TIMEOUT_MS, max(1, int(self.timeout_s * 1000)))
        handle.setopt(pycurl.TCP_NODELAY, 1)
        handle.setopt(pycurl.CAINFO, certifi.where())
        return handle

    def _drop(self) -> None:
        held = getattr(self.local, "held", None)
        self.local.held = None
        if held is not None and held[0] == os.getpid():
            held[1].close()

    def post(self, body: bytes, accept: str) -> _Answer:
        # No "Expect: 100-continue" (libcurl sends it before a large body, and waits for the server's go).
        headers = [f"Content-Type: {FORM}", f"Accept: {accept}", "Expect:"]
        for attempt in range(2):
            handle = self._handle()
            out = io.BytesIO()
            try:
                handle.setopt(pycurl.HTTPHEADER, headers)
                handle.setopt(pycurl.POSTFIELDS, body)
                handle.setopt(pycurl.WRITEDATA, out)
                handle.perform()
                status = int(handle.getinfo(pycurl.RESPONSE_CODE))
                kind = handle.getinfo(pycurl.CONTENT_TYPE)
            except pycurl.error as exc:
                self._drop()
                code = exc.args[0] if exc.args else None
                if code == pycurl.E_OPERATION_TIMEDOUT:
                    log.info("the remote store at %s did not answer in time", self.url)
                    raise StoreTimeout("the remote store did not answer in time") from None
                if code in _BROKEN and attempt == 0:
                    continue  # a kept-alive connection that the server had closed: once more on a new one
                return _unreachable(self.url, exc)
            return _Answer(status, kind if isinstance(kind, str) else None, out.getvalue())
        raise StoreUnavailable("the remote store is unreachable (closed the connection twice)")

    def _several(self, n: int) -> tuple[pycurl.CurlMulti, list[pycurl.Curl]]:
        """This thread's multi handle and at least n easy handles (connections kept alive between calls)."""
        held = getattr(self.local, "several", None)
        if held is None or held[0] != os.getpid():
            held = (os.getpid(), pycurl.CurlMulti(), [])
            self.local.several = held
        handles: list[pycurl.Curl] = held[2]
        handles += [self._new_handle() for _ in range(n - len(handles))]
        return held[1], handles[:n]

    def _drop_several(self) -> None:
        held = getattr(self.local, "several", None)
        self.local.several = None
        if held is not None and held[0] == os.getpid():
            for handle in held[2]:
                handle.close()
            held[1].close()

    def post_all(self, bodies: list[bytes], accept: str) -> list[_Answer]:
        """Several queries at once from this thread (libcurl's multi interface), each on a connection of its
        own: the server answers them together, and no threads are handed work (in a lookup's widest step, 1.7
        against 3.1-3.3 ms of CPU, bench/README.md). At most AT_ONCE at a time (so as many connections per
        thread). A query whose connection broke goes again alone (post)."""
        return [answer for start in range(0, len(bodies), AT_ONCE)
                for answer in self._post_some(bodies[start:start + AT_ONCE], accept)]

    def _post_some(self, bodies: list[bytes], accept: str) -> list[_Answer]:
        if len(bodies) < 2:
            return [self.post(body, accept) for body in bodies]
        multi, handles = self._several(len(bodies))
        headers = [f"Content-Type: {FORM}", f"Accept: {accept}", "Expect:"]
        outs = [io.BytesIO() for _ in bodies]
        failed: dict[int, Any] = {}
        try:
            for handle, body, out in zip(handles, bodies, outs, strict=True):
                handle.setopt(pycurl.HTTPHEADER, headers)
                handle.setopt(pycurl.POSTFIELDS, body)
                handle.setopt(pycurl.WRITEDATA, out)
                multi.add_handle(handle)
            running = len(handles)
            while running:
                ret, running = multi.perform()
                if ret == pycurl.E_CALL_MULTI_PERFORM:
                    continue
                if running:
                    multi.select(1.0)  # each handle's own TIMEOUT_MS ends a query that takes too long
            queued = 1
            while queued:
                queued, _, errors = multi.info_read()
                failed.update({id(handle): code for handle, code, _ in errors})
        finally:
            for handle in handles:
                multi.remove_handle(handle)
        answers = [None if id(handle) in failed else
                   _Answer(int(handle.getinfo(pycurl.RESPONSE_CODE)), _text(handle.getinfo(pycurl.CONTENT_TYPE)),
                           out.getvalue()) for handle, out in zip(handles, outs, strict=True)]
        if failed:
            self._drop_several()  # their connections are broken, and the others' state unknown
            if pycurl.E_OPERATION_TIMEDOUT in failed.values():
                log.info("the remote store at %s did not answer in time", self.url)
                raise StoreTimeout("the remote store did not answer in time")
        return [answer or self.post(body, accept) for answer, body in zip(answers, bodies, strict=True)]

    def close(self) -> None:
        self._drop()
        self._drop_several()


def _text(info: Any) -> str | None:
    return info if isinstance(info, str) else None


def _unreachable(url: str, exc: BaseException) -> NoReturn:
    log.info("the remote store at %s is unreachable: %s", url, exc)
    raise StoreUnavailable(f"the remote store is unreachable ({type(exc).__name__})") from None


@contextlib.contextmanager
def _mapped(url: str) -> Iterator[None]:
    """httpx's errors as ours. The store's URL is internal: it goes to the log, never into a message a client
    may see."""
    try:
        yield
    except httpx.TimeoutException:
        log.info("the remote store at %s did not answer in time", url)
        raise StoreTimeout("the remote store did not answer in time") from None
    except httpx.HTTPError as exc:
        log.info("the remote store at %s is unreachable: %s", url, exc)
        raise StoreUnavailable(f"the remote store is unreachable ({type(exc).__name__})") from None


def _checked(response: _R, url: str, method: str) -> _R:
    if response.status_code >= 500:
        log.info("the remote store at %s failed with HTTP %d", url, response.status_code)
        raise StoreUnavailable(f"the remote store failed with HTTP {response.status_code}")
    if response.status_code == 404 and method == "DELETE":
        raise NotFound("no such graph")
    if response.status_code >= 400:
        raise BadRequest(f"the remote store refused the request: {response.text[:300]}")
    return response


class _Chunks(io.RawIOBase):
    """The body of a streamed response as a file that pyoxigraph reads."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.left = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.left:
            self.left = next(self.chunks, b"")
            if not self.left:
                return 0
        n = min(len(buffer), len(self.left))
        buffer[:n] = self.left[:n]
        self.left = self.left[n:]
        return n


def _solutions(content: bytes) -> ox.QuerySolutions | ox.QueryBoolean:
    try:
        return ox.parse_query_results(content, format=ox.QueryResultsFormat.JSON)
    except SyntaxError:
        pass
    # Virtuoso names blank nodes `nodeID://b10000`, which is no blank node label: give each a label of its own.
    try:
        answer = json.loads(content)
        for row in answer.get("results", {}).get("bindings", []):
            for term in row.values():
                if term.get("type") == "bnode":
                    term["value"] = "b" + re.sub(r"[^A-Za-z0-9]", "_", term["value"])
        return ox.parse_query_results(json.dumps(answer).encode("utf-8"), format=ox.QueryResultsFormat.JSON)
    except (ValueError, SyntaxError, AttributeError) as exc:
        raise StoreUnavailable(f"the remote store sent results that do not parse ({exc})") from None


class Triples:
    """The CONSTRUCT answer of a remote store, iterable like ox.QueryTriples."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self.triples = triples

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self.triples)


def open_store(store: str, dataset: Path | None, query_url: str = "", timeout_s: float = 30.0) -> GraphStore:
    if store == "remote":
        return RemoteStore(query_url, timeout_s)
    if dataset is None:
        raise BadRequest("the embedded store needs a built dataset")
    return EmbeddedStore.from_file(dataset)
