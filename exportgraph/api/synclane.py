"""The synchronous lane: a request answered inside the protocol's `data_received`, in one turn of the event loop.

uvicorn hands each request to the application as an ASGI cycle: h11 parses the head (about 50 µs in pure
Python), a task is created and run at the loop's next turn, and h11 writes the answer (about 65 µs: it
validates every header again). For a point lookup on /sparql that is three times the query's own cost; and
each turn of the loop gives the GIL away, so /api/health waits for it once more at every turn while handler
threads are busy.

The lane takes the requests that can be answered at once, without waiting for anything: a whole request in
one read (head and body), on an idle connection, of a shape that is plain beyond doubt. It parses the head
with h11's own grammar (h11/_abnf.py), written here as one regular expression per line, and anything the
grammar or this module does not accept as plain (a header it must act on: Transfer-Encoding, Expect,
Upgrade, Connection other than keep-alive; a second Host or Content-Length; a body not whole; a head over the
size cap; HTTP/1.0; pipelined requests) goes to h11 untouched, as if the lane did not exist. The application
answers it or declines (api/app.py: lane); the answer is written here, with uvicorn's default headers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus

# h11/_abnf.py: request_line and header_field, as bytes, anchored to the whole line.
_TOKEN = rb"[-!#$%&'*+.^_`|~0-9a-zA-Z]+"
_REQUEST_LINE = re.compile(rb"(GET|POST) (/[\x21-\x7e]*) HTTP/1\.1")
_HEADER = re.compile(rb"(" + _TOKEN + rb"):[ \t]*((?:[^\x00\s]+(?:[ \t]+[^\x00\s]+)*)?)[ \t]*")
# Headers that make h11 or uvicorn do something beyond reading the head: left to them.
_ACTED_ON = frozenset({b"transfer-encoding", b"expect", b"upgrade"})
_PHRASES = {s.value: s.phrase.encode("latin-1") for s in HTTPStatus}


@dataclass(frozen=True, slots=True)
class Request:
    method: str  # GET or POST
    path: bytes  # the target before "?", as sent (not decoded)
    query: bytes  # after "?", as sent
    headers: dict[bytes, str]  # lower-case name -> the first value (latin-1), as Starlette's headers.get
    body: bytes


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: list[tuple[bytes, bytes]]  # all of the application's, Content-Length included
    body: bytes


Lane = Callable[[Request], "Answer | None"]


def parse(data: bytes, max_head: int) -> Request | None:
    """The one whole request in `data`, or None when it is not plainly that (h11 reads it instead)."""
    end = data.find(b"\r\n\r\n")
    if end < 0 or end > max_head:
        return None
    lines = data[:end].split(b"\r\n")
    line = _REQUEST_LINE.fullmatch(lines[0])
    if line is None:
        return None
    headers: dict[bytes, str] = {}
    seen_length = seen_host = False
    for raw in lines[1:]:
        field = _HEADER.fullmatch(raw)
        if field is None:
            return None
        name = field.group(1).lower()
        if name in _ACTED_ON:
            return None
        value = field.group(2)
        if name == b"content-length":
            if seen_length:
                return None
            seen_length = True
        elif name == b"host":
            if seen_host:
                return None
            seen_host = True
        elif name == b"connection" and value.lower() != b"keep-alive":
            return None
        if name not in headers:
            headers[name] = value.decode("latin-1")
    if not seen_host:
        return None  # HTTP/1.1 needs one: h11 answers 400
    body = data[end + 4:]
    declared = headers.get(b"content-length", "0")
    if not declared.isdigit() or int(declared) != len(body):
        return None  # a body not whole yet, or more than one request
    method = line.group(1).decode("ascii")
    if method == "GET" and body:
        return None
    path, _, query = line.group(2).partition(b"?")
    return Request(method, path, query, headers, body)


def render(answer: Answer, default_headers: list[tuple[bytes, bytes]]) -> bytes:
    """The answer as HTTP/1.1 bytes, as uvicorn and h11 would write it: its default headers first."""
    out = [b"HTTP/1.1 %d %s\r\n" % (answer.status, _PHRASES.get(answer.status, b""))]
    for name, value in default_headers:
        out += (name, b": ", value, b"\r\n")
    for name, value in answer.headers:
        out += (name, b": ", value, b"\r\n")
    out += (b"\r\n", answer.body)
    return b"".join(out)
