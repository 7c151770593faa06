"""The remote store's query client (graph/store.py `_Queries`): keep-alive connections, one per thread and
process, a query sent again once when the server had closed the connection it was kept on; several queries
sent at once (`select_values`), read into plain values (graph/rows.py)."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from urllib.parse import parse_qs

import pytest

from exportgraph.exc import StoreTimeout, StoreUnavailable
from exportgraph.graph.store import RemoteStore, form_body

ANSWER = b'{"head":{},"boolean":true}'
ROWS = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"1"}}]}}'


class _Server:
    """An HTTP/1.1 server on a socket of its own that answers each request with ASK's true, then (when `close`
    is set) drops the connection without saying so, as a server whose keep-alive timeout has passed does."""

    def __init__(self, close: bool, silent: bool = False, answer: bytes = ANSWER) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.close, self.silent, self.answer = close, silent, answer
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
                head, sep, rest = data.partition(b"\r\n\r\n")
                if not sep:
                    continue
                length = int(next((line.split(b":")[1] for line in head.split(b"\r\n")
                                   if line.lower().startswith(b"content-length")), b"0"))
                if len(rest) < length:
                    continue
                data = rest[length:]
                if self.silent:
                    continue
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(self.answer), self.answer))
                if self.close:
                    return

    def stop(self) -> None:
        self.sock.close()


@pytest.fixture()
def closing() -> Iterator[_Server]:
    server = _Server(close=True)
    yield server
    server.stop()


def test_a_query_on_a_connection_the_server_closed_is_sent_again_on_a_new_one(closing: _Server) -> None:
    store = RemoteStore(f"http://127.0.0.1:{closing.port}/query", timeout_s=5)
    try:
        assert [store.ask("ASK {}") for _ in range(3)] == [True, True, True]
        assert closing.connections == 3  # each query after the first found its connection closed
    finally:
        store.close()


def test_connections_are_kept_alive_per_thread() -> None:
    server = _Server(close=False)
    store = RemoteStore(f"http://127.0.0.1:{server.port}/query", timeout_s=5)
    try:
        for _ in range(5):
            assert store.ask("ASK {}")
        assert server.connections == 1
        seen: list[bool] = []
        worker = threading.Thread(target=lambda: seen.append(store.ask("ASK {}")))
        worker.start()
        worker.join()
        assert seen == [True] and server.connections == 2  # another thread, its own connection
    finally:
        store.close()
        server.stop()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork")
def test_a_forked_child_opens_its_own_connection() -> None:
    server = _Server(close=False)
    store = RemoteStore(f"http://127.0.0.1:{server.port}/query", timeout_s=5)
    try:
        assert store.ask("ASK {}") and server.connections == 1
        pid = os.fork()
        if pid == 0:  # the child: the parent's connection must not be used (its bytes would interleave)
            os._exit(0 if store.ask("ASK {}") else 1)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert server.connections == 2
        assert store.ask("ASK {}") and server.connections == 2  # the parent's is still its own
    finally:
        store.close()
        server.stop()


# One query, and several sent at once (select_values): the same errors either way.
SENDS = {"one": lambda store: store.ask("ASK {}"), "at once": lambda store: store.select_values(["SELECT ?x {}"] * 3)}


@pytest.mark.parametrize("send", sorted(SENDS))
def test_a_silent_server_is_a_timeout_and_a_closed_port_is_unavailable(send: str) -> None:
    server = _Server(close=False, silent=True)
    store = RemoteStore(f"http://127.0.0.1:{server.port}/query", timeout_s=0.5)
    try:
        with pytest.raises(StoreTimeout):
            SENDS[send](store)
    finally:
        store.close()
        server.stop()
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    closed = RemoteStore(f"http://127.0.0.1:{port}/query", timeout_s=1)
    with pytest.raises(StoreUnavailable) as refused:
        SENDS[send](closed)
    assert "127.0.0.1" not in refused.value.message  # the store's address stays out of client-facing messages


@pytest.mark.parametrize("text", [
    'SELECT * WHERE { ?s ?p "a b&c=d+e%20f;g#h" . FILTER(?x >= 1 && ?y != 2) } # comment\n\tLIMIT 5\r\n',
    'ASK { ?s ?p "镓 ガリウム é" }',  # not ASCII: urlencode
    'ASK { ?s ?p "\x00\x01\x7f" }',  # control characters: urlencode
    "".join(chr(c) for c in range(32, 127)),
])
def test_a_form_body_reads_back_as_the_query(text: str) -> None:
    body = form_body(text).decode("ascii")
    assert "\n" not in body and " " not in body and body.count("=") == 1 and "&" not in body and ";" not in body
    assert parse_qs(body, strict_parsing=True, separator="&") == {"query": [text]}
    assert parse_qs(body, strict_parsing=True, separator=";") == {"query": [text]}  # a parser that splits on ;


def test_queries_sent_at_once_answer_as_one_by_one(remote_store: RemoteStore) -> None:
    texts = [f"SELECT ?s WHERE {{ ?s a eg:ControlList }} ORDER BY ?s LIMIT {n}" for n in (1, 5, 2, 0, 3)]
    texts.append("SELECT ?n WHERE { VALUES ?n { 1 2 3 } } ORDER BY DESC(?n)")
    together = remote_store.select_values(texts)
    assert together == [remote_store.select_values([text])[0] for text in texts]
    assert [len(rows) for rows in together] == [1, 5, 2, 0, 3, 3]
    many = texts * 3 + texts[:1]  # more than a thread sends at once (graph/store.py AT_ONCE): in groups, in order
    assert remote_store.select_values(many) == together * 3 + together[:1]


def test_queries_sent_at_once_on_closed_connections_are_sent_again() -> None:
    server = _Server(close=True, answer=ROWS)  # each connection closed after one answer, without saying so
    store = RemoteStore(f"http://127.0.0.1:{server.port}/query", timeout_s=5)
    try:
        for _ in range(3):
            assert [[r["x"] for r in rows] for rows in store.select_values(["SELECT ?x {}"] * 4)] == [["1"]] * 4
    finally:
        store.close()
        server.stop()
