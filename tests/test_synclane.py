"""The synchronous lane's reading of a request (api/synclane.py): what it takes, it reads as h11 does; what is
not plain, it leaves to h11. The answers it writes are compared with uvicorn's in tests/test_http_edges.py."""

from __future__ import annotations

import random

import h11
import pytest

from exportgraph.api import synclane

MAX_HEAD = 8192 + 16384
LOOKUP = b"SELECT ?p ?o WHERE { <https://w3id.org/exportgraph/id/x> ?p ?o }"


def post(body: bytes, *extra: bytes, kind: bytes = b"application/sparql-query") -> bytes:
    head = [b"POST /sparql HTTP/1.1", b"Host: 127.0.0.1:8000", b"Content-Type: " + kind,
            b"Content-Length: %d" % len(body), *extra]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


def get(target: bytes, *extra: bytes) -> bytes:
    return b"\r\n".join([b"GET " + target + b" HTTP/1.1", b"Host: h", *extra]) + b"\r\n\r\n"


def test_a_plain_post_is_read_whole() -> None:
    request = synclane.parse(post(LOOKUP, b"Accept:  application/sparql-results+json "), MAX_HEAD)
    assert request is not None
    assert (request.method, request.path, request.query, request.body) == ("POST", b"/sparql", b"", LOOKUP)
    assert request.headers[b"accept"] == "application/sparql-results+json"  # spaces around the value dropped
    assert request.headers[b"content-type"] == "application/sparql-query"


def test_a_plain_get_keeps_its_query_string_as_sent() -> None:
    request = synclane.parse(get(b"/sparql?query=ASK%7B%7D&x=%20", b"Connection: Keep-Alive"), MAX_HEAD)
    assert request is not None
    assert (request.method, request.path, request.query, request.body) == ("GET", b"/sparql", b"query=ASK%7B%7D&x=%20", b"")


def test_the_first_value_of_a_repeated_header_is_kept() -> None:
    request = synclane.parse(get(b"/api/health", b"Accept: a/b", b"accept: c/d"), MAX_HEAD)
    assert request is not None and request.headers[b"accept"] == "a/b"


@pytest.mark.parametrize("data", [
    pytest.param(post(LOOKUP)[:-5], id="body not whole"),
    pytest.param(post(LOOKUP) + get(b"/api/health"), id="pipelined"),
    pytest.param(post(LOOKUP).split(b"\r\n\r\n")[0], id="head not ended"),
    pytest.param(get(b"/api/health").replace(b"HTTP/1.1", b"HTTP/1.0"), id="HTTP/1.0"),
    pytest.param(get(b"/api/health").replace(b"Host: h\r\n", b""), id="no Host"),
    pytest.param(get(b"/api/health", b"Host: g"), id="two Hosts"),
    pytest.param(post(LOOKUP, b"Content-Length: %d" % len(LOOKUP)), id="two Content-Lengths"),
    pytest.param(post(LOOKUP).replace(b"Content-Length: ", b"Content-Length: +"), id="signed length"),
    pytest.param(post(LOOKUP, b"Transfer-Encoding: chunked"), id="chunked"),
    pytest.param(post(LOOKUP, b"Expect: 100-continue"), id="Expect"),
    pytest.param(get(b"/api/health", b"Upgrade: websocket", b"Connection: Upgrade"), id="Upgrade"),
    pytest.param(get(b"/api/health", b"Connection: close"), id="Connection close"),
    pytest.param(get(b"/api/health", b"X-A: 1", b" folded"), id="obs-fold"),
    pytest.param(get(b"/api/health", b"X-A : 1"), id="space before colon"),
    pytest.param(get(b"/api/health", b"X-A: a\x00b"), id="NUL in a value"),
    pytest.param(get(b"/api/health", b"X\xffA: 1"), id="not a token"),
    pytest.param(get(b"/sparql?query=a b"), id="space in the target"),
    pytest.param(get(b"*"), id="asterisk target"),
    pytest.param(get(b"/api/health").replace(b"GET", b"HEAD"), id="HEAD"),
    pytest.param(get(b"/api/health").replace(b"GET", b"get"), id="lower-case method"),
    pytest.param(get(b"/api/health", b"Content-Length: 3") + b"abc", id="GET with a body"),
    pytest.param(b"\r\n" + get(b"/api/health"), id="leading empty line"),
    pytest.param(get(b"/api/health").replace(b"\r\n", b"\n"), id="bare LF"),
])
def test_what_is_not_plain_is_left_to_h11(data: bytes) -> None:
    assert synclane.parse(data, MAX_HEAD) is None


def test_a_head_over_the_cap_is_left_to_h11() -> None:
    data = get(b"/sparql?query=" + b"a" * 200)
    assert synclane.parse(data, len(data)) is not None
    assert synclane.parse(data, 100) is None


def _h11_reading(data: bytes) -> tuple[str, bytes, dict[bytes, bytes], bytes] | None:
    """What h11 reads from `data` as one whole request with nothing after it, or None."""
    conn = h11.Connection(h11.SERVER)
    conn.receive_data(data)
    try:
        request = conn.next_event()
        body = b""
        while True:
            event = conn.next_event()
            if isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                break
            else:
                return None
    except h11.RemoteProtocolError:
        return None
    if not isinstance(request, h11.Request) or conn.trailing_data[0]:
        return None
    headers: dict[bytes, bytes] = {}
    for name, value in request.headers:
        headers.setdefault(name, value)
    return request.method.decode(), request.target, headers, body


PIECES = [b"Accept: application/sparql-results+json", b"accept:\t*/*\t", b"X-Y: a  b", b"X-E:", b"X-E: ",
          b"Content-Type: application/x-www-form-urlencoded", b"Connection: keep-alive", b"Host: other",
          b"Transfer-Encoding: chunked", b"Content-Length: 0", b"Content-Length: 7", b"Content-Length: x",
          b"X-Bad : 1", b" X-Lead: 1", b"X-Obs: \xe9t\xe9", b"X-Nul: \x00", b"X-Tab:\ta\tb\t", b"Expect: 100-continue",
          b"Connection: close", b"X-CR: a\rb"]
LINES = [b"GET /sparql?query=ASK%7B%7D HTTP/1.1", b"POST /sparql HTTP/1.1", b"GET /api/health HTTP/1.1",
         b"GET /sparql?q=\x7e\x21 HTTP/1.1", b"POST /x HTTP/1.0", b"GET  /api/health HTTP/1.1",
         b"GET /api/health HTTP/1.1 ", b"PUT /sparql HTTP/1.1", b"GET http://h/sparql HTTP/1.1"]


def test_whatever_the_lane_reads_h11_reads_the_same() -> None:
    """Generated requests: each one the lane takes, h11 takes too, with the same method, target, first header
    values and body. Both the taken and the declined must occur, or the generator tests nothing."""
    rng = random.Random(15)
    taken = declined = 0
    for _ in range(20_000):
        head = [rng.choice(LINES)]
        if rng.random() < 0.9:
            head.append(b"Host: h")
        head += rng.sample(PIECES, rng.randint(0, 4))
        body = rng.choice([b"", b"", b"ASK {}", b"query=ASK%7B%7D", b"1234567"])
        if rng.random() < 0.7 and body:
            head = [h for h in head if not h.lower().startswith(b"content-length")]
            head.append(b"Content-Length: %d" % len(body))
        data = b"\r\n".join(head) + b"\r\n\r\n" + body
        mine = synclane.parse(data, MAX_HEAD)
        if mine is None:
            declined += 1
            continue
        taken += 1
        theirs = _h11_reading(data)
        assert theirs is not None, data
        method, target, headers, their_body = theirs
        assert mine.method == method and mine.body == their_body, data
        assert mine.path + (b"?" + mine.query if mine.query else b"") == target or target.endswith(b"?"), data
        assert {k: v.encode("latin-1") for k, v in mine.headers.items()} == headers, data
    assert taken > 1_000 and declined > 10_000, (taken, declined)


def test_an_answer_is_written_as_h11_writes_it() -> None:
    answer = synclane.Answer(200, [(b"content-type", b"application/json"), (b"content-length", b"2")], b"{}")
    defaults = [(b"date", b"Mon, 07 Dec 2026 05:00:00 GMT"), (b"server", b"uvicorn")]
    conn = h11.Connection(h11.SERVER)
    conn.receive_data(get(b"/api/health"))
    conn.next_event()
    conn.next_event()
    theirs = (conn.send(h11.Response(status_code=200, headers=defaults + answer.headers, reason=b"OK"))
              + conn.send(h11.Data(data=answer.body)) + conn.send(h11.EndOfMessage()))
    assert synclane.render(answer, defaults) == theirs
    refused = synclane.Answer(429, [(b"content-length", b"0")], b"")
    assert synclane.render(refused, []).startswith(b"HTTP/1.1 429 Too Many Requests\r\n")
