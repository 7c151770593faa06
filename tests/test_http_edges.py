"""Issue 15, the HTTP edges: bodies over the cap, request heads that never end, builds under a running service.

Every test talks over a raw socket or httpx to `exportgraph serve` run as a subprocess (so that the uvicorn
protocol and settings it is started with are the ones tested) on the small data of tests/test_build.py, with
a 2 s header timeout. Nothing is mocked.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from exportgraph.api.limits import DRAIN_MAX_BYTES

from .conftest import free_port
from .test_build import GOOD

HEADER_TIMEOUT_S = 2.0
CAP = 1_000_000  # the default max_body_bytes
MB = 1024 * 1024


@dataclass
class Service:
    proc: subprocess.Popen[str]
    port: int
    log: Path
    build_dir: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start_service(data: Path, out: Path, log: Path) -> Service:
    env = {**os.environ, "EXPORTGRAPH_QUERY_WORKERS": "1", "EXPORTGRAPH_HEADER_TIMEOUT_S": str(HEADER_TIMEOUT_S),
           "XDG_CACHE_HOME": str(out.parent / "cache")}
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "exportgraph", "serve", "--port", str(port), "--data-dir",
                             str(data), "--build-dir", str(out)], env=env, text=True, stdout=log.open("w"),
                            stderr=subprocess.STDOUT)
    service = Service(proc, port, log, out)
    deadline = time.monotonic() + 180
    while True:
        try:
            if httpx.get(f"{service.base}/api/health", timeout=5).status_code == 200:
                return service
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"exportgraph serve did not start:\n{log.read_text('utf-8')}")
        time.sleep(0.3)


def stop_service(service: Service) -> None:
    service.proc.terminate()
    try:
        service.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        service.proc.kill()
        service.proc.wait()


def write_data(data: Path, label: str = "Nuclear Suppliers Group") -> None:
    data.mkdir(parents=True, exist_ok=True)
    (data / "a.yaml").write_text(GOOD.replace("Nuclear Suppliers Group", label), "utf-8")


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    root = tmp_path_factory.mktemp("edges")
    write_data(root / "data")
    running = start_service(root / "data", root / "build", root / "serve.log")
    yield running
    stop_service(running)


def connect(service: Service, timeout: float = 30) -> socket.socket:
    return socket.create_connection(("127.0.0.1", service.port), timeout=timeout)


def read_all(sock: socket.socket) -> bytes:
    """Everything until the server closes; a reset is an error (that is what a client sees as a failure)."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def detail(answer: bytes) -> str:
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b"content-type: application/json" in head.lower(), head
    return str(json.loads(body)["detail"])


def post_head(length: int, extra: bytes = b"") -> bytes:
    return (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: %d\r\n%s\r\n" % (length, extra))


# ---------------------------------------------------------------- a body over the cap


def test_a_client_that_writes_20_mb_before_reading_gets_the_413(service: Service) -> None:
    size = 20 * MB
    with connect(service) as sock:
        sock.sendall(post_head(size) + b"#" * size)  # a reset here is what the issue saw
        answer = read_all(sock)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert f"{size} bytes" in detail(answer) and f"limit is {CAP}" in detail(answer)


def test_httpx_posting_20_mb_gets_the_413_with_its_message(service: Service) -> None:
    r = httpx.post(f"{service.base}/sparql", content=b"#" * (20 * MB), timeout=60,
                   headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413 and "limit is" in r.json()["detail"]


def test_a_chunked_20_mb_body_written_before_reading_gets_the_413(service: Service) -> None:
    chunk = b"10000\r\n" + b"#" * 0x10000 + b"\r\n"
    with connect(service) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n" + chunk * 320 + b"0\r\n\r\n")
        answer = read_all(sock)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert f"over the limit of {CAP} bytes" in detail(answer)


def test_the_413_goes_out_before_the_body_is_read(service: Service) -> None:
    """Drained or not, the answer does not wait for the body: a client that reads while it writes sees it at once."""
    for length, extra in ((20 * MB, b""), (DRAIN_MAX_BYTES + 1, b""), (20 * MB, b"Expect: 100-continue\r\n")):
        with connect(service, timeout=HEADER_TIMEOUT_S + 3) as sock:
            sock.sendall(post_head(length, extra))
            started = time.monotonic()
            first = sock.recv(65536)
            assert first.startswith(b"HTTP/1.1 413"), (length, extra, first[:200])
            assert time.monotonic() - started < 2.0
            if length > DRAIN_MAX_BYTES or extra:  # refused unread: no 100 Continue, and the server closes at once
                assert b"100 Continue" not in first
                with contextlib.suppress(ConnectionResetError):
                    first += read_all(sock)
                assert time.monotonic() - started < 2.0 and "limit is" in detail(first)


def test_a_body_beyond_the_drain_bound_is_not_read(service: Service) -> None:
    """200 MB declared: the 413, then the connection closes; the client cannot push the body in."""
    with connect(service) as sock:
        sock.sendall(post_head(200 * MB))
        assert sock.recv(65536).startswith(b"HTTP/1.1 413")
        sock.settimeout(10)
        sent = 0
        with pytest.raises((BrokenPipeError, ConnectionResetError)):  # closed: the server reads no more
            while sent < 200 * MB:
                sent += sock.send(b"#" * MB)
        assert sent < DRAIN_MAX_BYTES


# ---------------------------------------------------------------- request heads that never end


def test_a_slowloris_head_is_cut_while_others_are_answered(service: Service) -> None:
    answers: list[int] = []
    with connect(service) as slow:
        opened = time.monotonic()
        slow.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        slow.settimeout(0.05)
        got, cut_at = b"", None
        for byte in b"X-Slow: " + b"a" * 60:
            try:
                slow.sendall(bytes([byte]))
            except OSError:
                cut_at = time.monotonic()
                break
            answers.append(httpx.get(f"{service.base}/api/health", timeout=5).status_code)
            deadline = time.monotonic() + 1.0  # one byte a second, reading meanwhile
            while time.monotonic() < deadline:
                try:
                    chunk = slow.recv(65536)
                except TimeoutError:
                    continue
                got += chunk
                if not chunk:
                    cut_at = time.monotonic()
                    break
            if cut_at is not None:
                break
    assert cut_at is not None, "the connection stayed open"
    assert cut_at - opened <= HEADER_TIMEOUT_S + 1.0, cut_at - opened
    assert got.startswith(b"HTTP/1.1 408"), got[:200]
    assert f"{HEADER_TIMEOUT_S:g} s" in detail(got)
    assert answers and set(answers) == {200}


def test_a_silent_connection_is_closed(service: Service) -> None:
    with connect(service) as idle:
        opened = time.monotonic()
        assert read_all(idle) == b""  # closed without an answer: nothing was asked
        assert HEADER_TIMEOUT_S - 0.5 <= time.monotonic() - opened <= HEADER_TIMEOUT_S + 1.0


def test_the_next_request_on_a_kept_alive_connection_has_a_deadline_too(service: Service) -> None:
    with connect(service) as sock:
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
        first = b""
        while b'"status"' not in first:
            first += sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200")
        sock.sendall(b"GET /api/health HTTP/1.1\r\n")
        started = time.monotonic()
        for _ in range(10):
            time.sleep(0.5)
            try:
                sock.sendall(b"X")
            except OSError:
                break
        assert time.monotonic() - started <= HEADER_TIMEOUT_S + 1.5
        sock.settimeout(5)
        try:
            rest = read_all(sock)
        except ConnectionResetError:
            rest = b"reset"
        assert rest.startswith(b"HTTP/1.1 408") or rest == b"reset", rest[:200]


def test_a_slow_body_after_a_complete_head_is_not_cut(service: Service) -> None:
    body = b"ASK {}" + b" " * 4
    with connect(service) as sock:
        sock.sendall(post_head(len(body)))
        started = time.monotonic()
        for byte in body:  # HEADER_TIMEOUT_S + 3 s for the whole body
            sock.sendall(bytes([byte]))
            time.sleep((HEADER_TIMEOUT_S + 3) / len(body))
        answer = b""
        while b'"boolean"' not in answer:
            chunk = sock.recv(65536)
            assert chunk, answer
            answer += chunk
    assert time.monotonic() - started > HEADER_TIMEOUT_S + 2
    assert answer.startswith(b"HTTP/1.1 200") and b'"boolean":true' in answer.replace(b" ", b""), answer


def test_a_slow_reader_is_not_cut(service: Service) -> None:
    with httpx.Client(base_url=service.base, timeout=30) as c, \
            c.stream("GET", "/download/dataset.nq") as r:
        assert r.status_code == 200
        time.sleep(HEADER_TIMEOUT_S + 1)
        assert len(r.read()) == int(r.headers["content-length"])


def test_head_of_the_home_page_is_200_without_a_body(service: Service) -> None:
    r = httpx.head(f"{service.base}/", timeout=30)
    assert r.status_code == 200 and r.content == b"" and r.headers["content-type"].startswith("text/html")


# ---------------------------------------------------------------- builds under a running service


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text()
        out += [int(p) for p in text.split()]
    return out


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for child in _children(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def _sparql_processes(serve_pid: int) -> list[int]:
    """The SPARQL templates and their workers: everything the multiprocessing fork servers started (one per web
    process, each a child of its web process)."""
    def forked(pid: int) -> bool:
        return b"forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes()

    web = [p for p in _children(serve_pid) if not forked(p)]
    servers = [p for w in web for p in _children(w) if forked(p)]
    assert servers, "no fork server under exportgraph serve"
    return [p for s in servers for p in _descendants(s)]


def _build_cli(data: Path, out: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(out.parent / "cache")}
    done = subprocess.run([sys.executable, "-m", "exportgraph", "build", "--quiet", "--data-dir", str(data),
                           "--build-dir", str(out)], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr


def _health_ok(base: str, within: float) -> dict[str, object]:
    deadline = time.monotonic() + within
    while True:
        body: dict[str, object] = httpx.get(f"{base}/api/health", timeout=10).json()
        if body["status"] == "ok" or time.monotonic() > deadline:
            return body
        time.sleep(0.3)


def test_two_builds_under_a_running_serve_keep_its_downloads_and_its_sparql(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "build"
    write_data(data)
    service = start_service(data, out, tmp_path / "serve.log")
    try:
        served = str(httpx.get(f"{service.base}/api/health", timeout=10).json()["dataset"])
        original = (out / served).read_bytes()
        ttl = httpx.get(f"{service.base}/download/dataset.ttl", timeout=60)
        assert ttl.status_code == 200 and ttl.content
        for label in ("NSG one", "NSG two"):
            write_data(data, label)
            _build_cli(data, out)
        assert json.loads((out / "manifest.json").read_text("utf-8"))["dataset"] != served
        with httpx.Client(base_url=service.base, timeout=60) as c:
            nq = c.get("/download/dataset.nq")
            assert nq.status_code == 200 and nq.content == original  # the generation served, whole
            part = c.get("/download/dataset.nq", headers={"Range": "bytes=0-99"})
            assert part.status_code == 206 and part.content == original[:100]
            again = c.get("/download/dataset.ttl")
            assert again.status_code == 200 and again.content == ttl.content
            victims = _sparql_processes(service.proc.pid)
            assert len(victims) >= 2  # the template and a worker
            for pid in victims:
                os.kill(pid, signal.SIGKILL)  # the template restarts from the served file, which must still be there
            assert _health_ok(service.base, 120)["status"] == "ok"
            asked = c.get("/sparql", params={"query": 'ASK { ?r <http://www.w3.org/2004/02/skos/core#prefLabel> ?l '
                                                       'FILTER(STR(?l) = "Nuclear Suppliers Group") }'})
            assert asked.status_code == 200 and asked.json()["boolean"] is True, asked.text
            assert set(_sparql_processes(service.proc.pid)).isdisjoint(victims)
    finally:
        stop_service(service)
    said = service.log.read_text("utf-8")
    assert "Traceback" not in said, said


def test_a_download_being_written_survives_a_build(tmp_path: Path) -> None:
    """A build removes the temp files a killed build left, never one a running service is writing."""
    from exportgraph.graph.build import build, lease

    data, out = tmp_path / "data", tmp_path / "build"
    write_data(data)
    build(data, out)
    (out / "downloads").mkdir()
    writing, left = out / "downloads" / ".dataset-aaaa.ttl.tmp", out / "downloads" / ".dataset-bbbb.ttl.tmp"
    for path in (writing, left):
        path.write_text("half", "utf-8")
    with lease(writing):
        write_data(data, "NSG one")
        build(data, out)
        assert writing.exists() and not left.exists()
    write_data(data, "NSG two")
    build(data, out)
    assert not writing.exists()



# ---------------------------------------------------------------- the synchronous lane (api/synclane.py)


def read_answer(sock: socket.socket) -> tuple[bytes, list[bytes], bytes]:
    """One answer on a kept-alive connection: status line, header lines (Date left out), body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.split(b"\r\n")
    length = next(int(v) for k, _, v in (line.partition(b": ") for line in lines) if k.lower() == b"content-length")
    while len(body) < length:
        body += sock.recv(65536)
    assert len(body) == length
    return status, [line for line in lines if not line.lower().startswith(b"date:")], body


LOOKUP = "SELECT ?p ?o WHERE { <https://w3id.org/exportgraph/id/regime/nsg> ?p ?o }"


def lane_requests() -> list[bytes]:
    from urllib.parse import quote

    query = LOOKUP.encode()
    form = b"query=" + quote(LOOKUP).encode()
    accept = b"Accept: application/sparql-results+json\r\n"
    return [
        b"GET /sparql?query=%s HTTP/1.1\r\nHost: x\r\n%s\r\n" % (quote(LOOKUP).encode(), accept),
        post_head(len(query), accept) + query,
        post_head(len(query), b"Accept: text/csv\r\n") + query,
        (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
         b"Content-Length: %d\r\n%s\r\n%s" % (len(form), accept, form)),
        b"GET /sparql?query=SELEC HTTP/1.1\r\nHost: x\r\n\r\n",  # not anchored: a worker's syntax error, 400
        b"GET /sparql?query=ASK%7B%7D&default-graph-uri=x HTTP/1.1\r\nHost: x\r\n\r\n",  # refused: 400
        post_head(len(query), b"Accept: image/png\r\n") + query,  # nothing acceptable: 406
    ]


def test_the_sync_lane_answers_as_uvicorns_cycle_does(service: Service) -> None:
    """Each request sent whole (the lane's) and in two writes (h11 and the ASGI cycle's, as before the lane):
    the same status, headers and body. The service counts as answered at once only the whole ones, and of
    those not the one that is not anchored (its syntax error is the worker's to find: the lane declines it)."""

    def at_once(sock: socket.socket) -> int:
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
        status, _, body = read_answer(sock)
        assert status == b"HTTP/1.1 200 OK", body
        return int(json.loads(body)["checks"]["sparql"]["at_once"])

    with connect(service) as sock:  # one connection: one web process, whose count health gives
        before = at_once(sock)
        for request in lane_requests():
            sock.sendall(request)
            whole = read_answer(sock)
            sock.sendall(request[:20])
            time.sleep(0.05)
            sock.sendall(request[20:])
            split = read_answer(sock)
            assert whole == split, request
        after = at_once(sock)
        statuses = set()
        for request in lane_requests():
            sock.sendall(request)
            statuses.add(read_answer(sock)[0].split()[1])
        assert statuses == {b"200", b"400", b"406"}
    assert after - before == len(lane_requests()) - 1


def test_health_through_the_lane_has_the_chains_headers(service: Service) -> None:
    with connect(service) as sock:
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
        whole = read_answer(sock)
        sock.sendall(b"GET /api/he")
        time.sleep(0.05)
        sock.sendall(b"alth HTTP/1.1\r\nHost: x\r\n\r\n")
        split = read_answer(sock)
    assert whole[0] == split[0] == b"HTTP/1.1 200 OK"
    assert [h for h in whole[1] if not h.startswith(b"content-length")] == \
        [h for h in split[1] if not h.startswith(b"content-length")]
    assert json.loads(whole[2]).keys() == json.loads(split[2]).keys()
