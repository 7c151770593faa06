"""Abuse of the public endpoint, over real HTTP (uvicorn on a free port): updates, SERVICE,
FROM, deep nesting, a query that must be killed, floods, huge bodies and URLs, a remote
store that is down. Every refusal is a clean 4xx/5xx JSON body without a traceback or a path."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from exportgraph.settings import Settings
from tests.conftest import free_port

COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SIMPLE = "ASK { ?s ?p ?o }"
TIMEOUT_S = 2.0


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """uvicorn in a background thread, with the app's lifespan (workers start and stop with it)."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="module")
def guarded_app(settings: Settings, app: FastAPI) -> FastAPI:
    """Small limits; the graph state (the store loaded in the web process) is the session app's."""
    from exportgraph.api.app import create_app

    return create_app(settings.with_(query_timeout_s=TIMEOUT_S, max_rows=50, max_concurrent_queries=4,
                                     query_workers=2), state=app.state.graph)


@pytest.fixture(scope="module")
def base(guarded_app: FastAPI) -> Iterator[str]:
    with live_server(guarded_app) as url:
        yield url


@pytest.fixture(scope="module")
def http(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=30) as c:
        yield c


class Listener:
    """A socket on 127.0.0.1 that records every connection made to it (and never answers)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = int(self.sock.getsockname()[1])
        self.connections: list[Any] = []
        self.stop = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stop:
            try:
                conn, _addr = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections.append(conn)

    def close(self) -> None:
        self.stop = True
        self.thread.join(timeout=2)
        for conn in self.connections:
            conn.close()
        self.sock.close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.close()


def clean_error(r: httpx.Response, status: int) -> dict[str, Any]:
    """The expected status, a JSON body of the error family, nothing of the server's insides."""
    assert r.status_code == status, r.text
    for leak in ("Traceback", 'File "', "/work/", "site-packages", ".py", "root:"):
        assert leak not in r.text, r.text
    body: dict[str, Any] = r.json()
    assert set(body) == {"error", "detail"} and body["detail"]
    return body


def query(http: httpx.Client, text: str, **kw: Any) -> httpx.Response:
    return http.post("/sparql", content=text.encode("utf-8"),
                     headers={"Content-Type": "application/sparql-query", **kw.pop("headers", {})}, **kw)


def quads(http: httpx.Client) -> int:
    r = query(http, COUNT_ALL)
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


# ---------------------------------------------------------------- parse errors and refused forms


@pytest.mark.parametrize("text", ["SELECT * WHERE { ?s ?p }", "SELEC * WHERE { ?s ?p ?o }",
                                  "SELECT ?s (COUNT(?o) AS ?c) WHERE { ?s ?p ?o }", "ASK { ?s ?p 'unterminated }",
                                  "SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999999999"])
def test_malformed_sparql_is_400_with_the_parser_message(http: httpx.Client, text: str) -> None:
    body = clean_error(query(http, text), 400)
    assert any(word in body["detail"] for word in ("syntax", "invalid", "Expected", "error")), body


def test_updates_are_refused_and_change_nothing(http: httpx.Client, listener: Listener) -> None:
    before = quads(http)
    for text in ("INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }",
                 "DELETE WHERE { ?s ?p ?o }", f"LOAD <http://127.0.0.1:{listener.port}/x>", "CLEAR ALL",
                 "DROP ALL", "PREFIX ex: <http://example.org/> INSERT { ex:a ex:b ?o } WHERE { ?s ?p ?o }"):
        body = clean_error(query(http, text), 400)
        assert "updates are not accepted" in body["detail"]
        clean_error(http.post("/sparql", data={"query": text}), 400)
        clean_error(http.get("/sparql", params={"query": text}), 400)
    time.sleep(0.2)
    assert quads(http) == before
    assert listener.connections == []


SERVICE_FORMS = [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ service silent <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ \\u0053\\u0045RVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}> {{ ?s ?q ?r }} }} }}",
    "SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER(NOT EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }}) }}",
    "ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
]


@pytest.mark.parametrize("form", SERVICE_FORMS)
def test_service_is_refused_and_never_followed(http: httpx.Client, listener: Listener, form: str) -> None:
    text = form.format(url=f"http://127.0.0.1:{listener.port}/")
    body = clean_error(query(http, text), 400)
    assert "SERVICE" in body["detail"]
    time.sleep(0.1)
    assert listener.connections == []


@pytest.mark.parametrize("text", [
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "ASK FROM <file:///etc/passwd> { ?s ?p ?o }",
    "DESCRIBE ?s FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
])
def test_from_is_refused(http: httpx.Client, text: str) -> None:
    body = clean_error(query(http, text), 400)
    assert "FROM" in body["detail"]
    clean_error(http.get("/sparql", params={"query": SIMPLE, "default-graph-uri": "file:///etc/passwd"}), 400)


# ---------------------------------------------------------------- nesting and sizes


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
    "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000,
    "PREFIX : <http://x/> SELECT * WHERE { ?s ?p " + "[:p " * 3000 + "1" + "]" * 3000 + " }",
    "SELECT * WHERE { FILTER(?a<" + "(" * 5000 + "?b" + ")" * 5000 + ">?c) }",
])
def test_deep_nesting_is_refused_before_parsing(http: httpx.Client, text: str) -> None:
    body = clean_error(query(http, text), 400)
    assert "nest" in body["detail"]
    assert http.get("/sparql", params={"query": SIMPLE}).status_code == 200  # the server is alive


def test_nesting_within_the_cap_is_answered(http: httpx.Client) -> None:
    # rdflib's parser raises RecursionError at ~30 levels by default; the worker gives it room
    text = "ASK { FILTER(" + "(" * 30 + "true" + ")" * 30 + ") }"
    r = query(http, text)
    assert r.status_code == 200, r.text
    assert r.json()["boolean"] is True


def test_long_queries_and_urls(http: httpx.Client) -> None:
    long_query = "ASK { VALUES ?x { " + "1 " * 12000 + "} }"  # 24,000 characters
    clean_error(query(http, long_query), 413)
    clean_error(http.post("/sparql", data={"query": long_query}), 413)
    clean_error(http.get("/sparql", params={"query": "ASK { VALUES ?x { " + "1 " * 5000 + "} }"}), 414)


def _read_response(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def test_a_200_mb_declared_body_is_refused_unread(base: str) -> None:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 200000000\r\n\r\n" + b"#" * 65536)
        head = _read_response(sock)
    assert head.startswith(b"HTTP/1.1 413"), head[:200]


def test_a_200_mb_streamed_body_is_cut_at_the_cap(base: str) -> None:
    """Chunked, no Content-Length: the server answers 413 long before the client has sent it all."""
    host, port = base.removeprefix("http://").split(":")
    rss_before = _rss_mb()
    chunk = b"10000\r\n" + b"#" * 0x10000 + b"\r\n"
    sent, total = 0, 200 * 1024 * 1024
    head = b""
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        sock.setblocking(False)
        deadline = time.monotonic() + 30
        while sent < total and time.monotonic() < deadline:
            readable, writable, _ = select.select([sock], [sock], [], 1.0)
            if readable:
                sock.setblocking(True)
                head = _read_response(sock)
                break
            if writable:
                try:
                    sent += sock.send(chunk)
                except (BlockingIOError, InterruptedError):
                    continue
                except (ConnectionResetError, BrokenPipeError):
                    break
    assert head.startswith(b"HTTP/1.1 413"), head[:200]
    assert sent < 20 * 1024 * 1024, f"the client sent {sent} bytes before the 413"
    assert _rss_mb() - rss_before < 100


# ---------------------------------------------------------------- time and concurrency


def _pids(app: FastAPI) -> set[int]:
    pids: set[int] = app.state.sparql_pool.pids()
    return pids


def test_a_runaway_query_is_killed_while_others_are_answered(http: httpx.Client, guarded_app: FastAPI) -> None:
    assert http.get("/sparql", params={"query": SIMPLE}).status_code == 200
    pids_before = _pids(guarded_app)
    with ThreadPoolExecutor(2) as pool:
        started = time.monotonic()
        slow = pool.submit(query, http, CARTESIAN)
        time.sleep(0.3)
        t0 = time.monotonic()
        quick = query(http, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3")
        assert quick.status_code == 200, quick.text
        assert time.monotonic() - t0 < 1.0
        body = clean_error(slow.result(), 422)  # a limit on the request (QueryTooSlow), not a failure of ours
        took = time.monotonic() - started
    assert "limit" in body["detail"]
    assert TIMEOUT_S - 0.1 < took < TIMEOUT_S + 2.5
    t1 = time.monotonic()
    after = query(http, "SELECT ?o WHERE { ?s ?p ?o } LIMIT 2")
    assert after.status_code == 200 and time.monotonic() - t1 < 1.0
    killed = pids_before - _pids(guarded_app)
    assert len(killed) == 1, "the worker that ran the query was replaced"
    pid = killed.pop()
    deadline = time.monotonic() + 5  # SIGKILL, then the kernel reaps it: allow for a loaded machine
    with pytest.raises(ProcessLookupError):
        while time.monotonic() < deadline:
            os.kill(pid, 0)  # the work stopped: the process is gone
            time.sleep(0.05)


def test_a_worker_killed_from_outside_during_a_query_costs_the_client_nothing(http: httpx.Client,
                                                                              guarded_app: FastAPI) -> None:
    """A worker killed (by an operator, the OOM killer) just after it took a query: the query goes once more
    to a fresh worker, instead of a 500. Stopped first, so that it cannot answer before the kill."""
    assert http.get("/sparql", params={"query": SIMPLE}).status_code == 200
    before = _pids(guarded_app)
    for pid in before:
        os.kill(pid, signal.SIGSTOP)
    try:
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(query, http, "SELECT ?o WHERE { ?s ?p ?o } LIMIT 4")
            time.sleep(0.3)  # the stopped worker holds the query
            for pid in before:
                os.kill(pid, signal.SIGKILL)
            answer = pending.result(timeout=30)
    finally:
        for pid in before:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["results"]["bindings"]) == 4
    assert before - _pids(guarded_app)  # the worker that held it was replaced (an idle one is, at its next check)


def test_too_many_queries_get_429(http: httpx.Client) -> None:
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda i: query(http, CARTESIAN + f" # {i}"), range(8)))
    statuses = sorted(r.status_code for r in answers)
    assert statuses.count(429) >= 4, statuses
    assert set(statuses) <= {429, 422}, statuses
    for r in answers:
        clean_error(r, r.status_code)
    deadline = time.monotonic() + 5
    while query(http, SIMPLE).status_code != 200:  # the killed workers are replaced
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_rows_are_capped(http: httpx.Client) -> None:
    r = query(http, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert r.status_code == 200
    assert r.headers["x-exportgraph-truncated"] == "true"
    assert len(r.json()["results"]["bindings"]) == 50
    r = query(http, "CONSTRUCT WHERE { ?s ?p ?o }", headers={"Accept": "application/n-triples"})
    assert r.headers["x-exportgraph-truncated"] == "true"
    assert len(r.text.strip().splitlines()) == 50
    r = query(http, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 50")
    assert "x-exportgraph-truncated" not in r.headers


# ---------------------------------------------------------------- the remote store


def test_a_remote_store_that_is_down_is_503_at_once(settings: Settings) -> None:
    from exportgraph.api.app import create_app

    port = free_port()
    dead = settings.with_(store="remote", remote_query_url=f"http://127.0.0.1:{port}/query")
    with TestClient(create_app(dead)) as c:
        t0 = time.monotonic()
        r = c.get("/sparql", params={"query": SIMPLE})
        body = clean_error(r, 503)  # type: ignore[arg-type]
        assert time.monotonic() - t0 < 0.5
        assert "does not answer" in body["detail"] and str(port) not in body["detail"]
        assert r.headers["retry-after"] == "5"


def test_a_remote_store_that_hangs_is_503_within_the_health_timeout(settings: Settings,
                                                                     listener: Listener) -> None:
    from exportgraph.api.app import create_app

    hanging = settings.with_(store="remote", remote_query_url=f"http://127.0.0.1:{listener.port}/query",
                             query_timeout_s=1.5)
    with TestClient(create_app(hanging)) as c:
        t0 = time.monotonic()
        body = clean_error(c.get("/sparql", params={"query": SIMPLE}), 503)  # type: ignore[arg-type]
        assert time.monotonic() - t0 < 4
        assert "does not answer" in body["detail"]
        assert listener.connections, "the store was asked (by the status check)"
