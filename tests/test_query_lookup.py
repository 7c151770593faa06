"""A lookup with its warnings and parameters (query/lookup.py) gives what the three calls one after the other
give, on the embedded store and on a real Oxigraph server; independent calls overlap on a remote store only
(query/fanout.py); a remote store streams a SELECT's solutions (the text index reads them so)."""

from __future__ import annotations

import json
import threading

import pytest

from exportgraph.exc import BadRequest, StoreUnavailable
from exportgraph.graph.store import RemoteStore
from exportgraph.query import items as I
from exportgraph.query.fanout import together
from exportgraph.query.lookup import lookup_report
from exportgraph.query.parameters import side_by_side
from exportgraph.query.textindex import TextIndex

from .conftest import free_port

# Codes with regime items and their implementers, entries found through links from other lists, 'different item'
# pairs, thresholds on both sides, a munitions code, a Japanese code; and one that no list has.
CODES = ["3B001", "3A090", "1C010", "0A501", "ML1", "5A002", "1C350", "9A012", "2B001", "1A001", "3.B.1", "1C992",
         "5A992", "4A003", "6A003"]


def _trio(store, code: str) -> str:  # type: ignore[no-untyped-def]
    entries = I.lookup(store, code)
    # Without sort_keys: the REST answer is written in the order the dicts were made.
    return json.dumps([entries, I.lookup_warnings(store, entries), side_by_side(store, entries)], ensure_ascii=False)


@pytest.mark.parametrize("where", ["store", "remote_store", "virtuoso_store"])
def test_the_report_is_the_three_calls(where: str, request: pytest.FixtureRequest) -> None:
    store = request.getfixturevalue(where)
    found_via = 0
    for code in CODES:
        report = lookup_report(store, code)
        assert json.dumps(list(report), ensure_ascii=False) == _trio(store, code), code
        found_via += sum(1 for e in report.entries if e["found_via"])
    assert found_via > 0  # the codes reach the entries that links bring, not only those with the code


def test_the_report_with_a_list_and_an_unknown_code(store) -> None:  # type: ignore[no-untyped-def]
    report = lookup_report(store, "3B001", "eu/list/annex-i")
    assert {e["list"] for e in report.entries} == {"eu/list/annex-i"}
    assert json.dumps(list(report)) == json.dumps([I.lookup(store, "3B001", "eu/list/annex-i"),
                                                   I.lookup_warnings(store, report.entries),
                                                   side_by_side(store, report.entries)])
    with pytest.raises(Exception, match="no entry with code"):
        lookup_report(store, "9Z999")


def _meet(first: threading.Event, second: threading.Event) -> list[object]:
    def a() -> bool:
        first.set()
        return second.wait(5)

    def b() -> bool:
        second.set()
        return first.wait(5)
    return [a, b]


def test_calls_overlap_on_a_remote_store_only(store, remote_store) -> None:  # type: ignore[no-untyped-def]
    # Each call waits for the other to have started: together only if they run at once.
    assert together(remote_store, _meet(threading.Event(), threading.Event())) == [True, True]  # type: ignore[arg-type]
    order: list[str] = []
    assert together(store, [lambda: order.append("a") or 1, lambda: order.append("b") or 2]) == [1, 2]
    assert order == ["a", "b"]


def test_an_error_in_one_call_is_raised(remote_store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadRequest):
        together(remote_store, [lambda: remote_store.select("SELECT ?x WHERE { ?x ?y ?z } LIMIT 1"),
                                lambda: remote_store.select("SELECT ?x WHERE { ?x")])


def test_a_remote_stream_is_the_answer(store, remote_store) -> None:  # type: ignore[no-untyped-def]
    query = "SELECT ?s ?l WHERE { ?s skos:notation ?l }"  # no ORDER BY: solutions come as they are found
    streamed = sorted(tuple(str(t) for t in row) for row in remote_store.stream(query))
    assert len(streamed) > 10_000
    assert streamed == sorted(tuple(str(row[k]) for k in ("s", "l")) for row in store.select(query))
    with pytest.raises(BadRequest):
        list(remote_store.stream("SELECT ?x WHERE { ?x"))
    gone = RemoteStore(f"http://127.0.0.1:{free_port()}/query")
    with pytest.raises(StoreUnavailable):
        list(gone.stream("SELECT * WHERE { ?s ?p ?o }"))


def test_the_text_index_from_a_remote_store_is_the_embedded_one(store, remote_store) -> None:  # type: ignore[no-untyped-def]
    def shape(index: TextIndex) -> list[object]:
        return sorted((r.iri, sorted(r.classes), r.labels, r.codes, sorted(r.jurisdictions), sorted(r.lists),
                       r.valid_from, r.valid_until) for r in index.resources)

    here, there = TextIndex.build(store), TextIndex.build(remote_store)
    assert shape(here) == shape(there)
    assert sorted((here.resources[n].iri, t, k, f) for n, t, k, f in here.docs) == \
        sorted((there.resources[n].iri, t, k, f) for n, t, k, f in there.docs)
    assert any(r.lists and r.valid_from for r in here.resources if r.kind == "ControlEntry")


def test_a_stream_cut_by_the_store_is_an_error_that_any_thread_may_drop() -> None:
    """Oxigraph's server cuts a long answer at its time limit with a line of text after the JSON begins. The
    text index reads the stream in a thread and the error goes to the event loop: pyoxigraph's parser, held by
    the error's traceback, raised "unsendable ... dropped on another thread" wherever it was freed."""
    import gc
    import sys
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from exportgraph.exc import StoreUnavailable
    from exportgraph.graph.store import RemoteStore

    head = b'{"head":{"vars":["s"]},"results":{"bindings":[' + b'{"s":{"type":"uri","value":"urn:x"}},' * 2000

    class Cut(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server name
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            self.wfile.write(head + b"Timeout: the query took too long")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Cut)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    unraisable: list[object] = []
    hook, sys.unraisablehook = sys.unraisablehook, unraisable.append
    caught: list[BaseException] = []
    try:
        store = RemoteStore(f"http://127.0.0.1:{server.server_address[1]}/query", 10.0)

        def read() -> None:
            try:
                for _ in store.stream("SELECT ?s WHERE { ?s ?p ?o }"):
                    pass
            except StoreUnavailable as exc:
                caught.append(exc)

        reader = threading.Thread(target=read)
        reader.start()
        reader.join()
        assert len(caught) == 1 and "do not parse" in str(caught[0])
        caught.clear()  # the error, and its traceback, freed on this thread
        gc.collect()
    finally:
        sys.unraisablehook = hook
        server.shutdown()
    assert unraisable == []
