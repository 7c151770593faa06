"""Anchored queries (sparql/anchored.py) evaluated on the event loop (sparql/inline.py), and the web
processes of `serve` on SO_REUSEPORT sockets.

The classifier is pinned on query shapes both ways; the inline evaluator runs over the real build and must
give the bytes the killable path gives; a real `exportgraph serve` on the real build (default settings: two
web processes) answers anchored, new-text and join queries as the in-process application does, and every
guard still holds on that path.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from exportgraph.graph.store import EmbeddedStore
from exportgraph.sparql import inline as inline_module
from exportgraph.sparql.guard import inspect
from exportgraph.sparql.inline import InlineEvaluator
from exportgraph.sparql.jobs import Job
from exportgraph.sparql.workers import evaluator_over
from tests.conftest import free_port
from tests.test_sparql_inprocess import web_processes

ENTRY = "<https://w3id.org/exportgraph/id/eu/list/annex-i/2025-11-15/3B001>"
SKOS = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
ACCEPT = "application/sparql-results+json"

ANCHORED = [
    f"SELECT ?p ?o WHERE {{ {ENTRY} ?p ?o }}",
    f'SELECT ?p ?o WHERE {{ {ENTRY} ?p ?o FILTER(?o != "nonce-1-2") }}',
    f"ASK {{ {ENTRY} ?p ?o }}",
    f"ASK WHERE {{ {ENTRY} a ?type }}",
    SKOS + 'SELECT ?e ?l WHERE { ?e skos:notation "3B001" ; skos:prefLabel ?l } ORDER BY ?l LIMIT 10',
    SKOS + f"SELECT DISTINCT ?m ?code WHERE {{ {ENTRY} skos:exactMatch ?m . ?m skos:notation ?code }}",
    SKOS + f'SELECT * WHERE {{ {ENTRY} skos:prefLabel ?l . OPTIONAL {{ {ENTRY} skos:altLabel ?a }} '
           'FILTER(LANG(?l) = "en" || LANGMATCHES(LANG(?l), "zh")) }',
    f"SELECT ?o WHERE {{ {ENTRY} ?p ?o . ?o ?q ?r . ?r ?s ?t }} LIMIT 5 OFFSET 2",
    'SELECT ?s WHERE { ?s <http://www.w3.org/2004/02/skos/core#notation> "3B001"^^<http://www.w3.org/2001/XMLSchema#string> }',
]
NOT_ANCHORED = [
    "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3",  # a scan
    SKOS + "SELECT ?e ?code WHERE { ?e a skos:Concept ; skos:notation ?code } LIMIT 100",  # a class's members
    'SELECT ?x WHERE { ?x a "literal" }',  # rdf:type by a literal is no anchor either
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }",  # aggregates, cartesian
    f"SELECT ?x WHERE {{ {ENTRY} <http://example.org/p>+ ?x }}",  # a path
    f"SELECT ?x WHERE {{ {ENTRY} ^<http://example.org/p> ?x }}",
    f"SELECT * WHERE {{ {ENTRY} ?p ?o . ?x ?p ?o }}",  # a second pattern from nothing fixed
    f"SELECT * WHERE {{ OPTIONAL {{ {ENTRY} <http://example.org/p> ?y }} ?y ?p ?o }}",  # ?y may stay unbound
    f"SELECT ?o WHERE {{ {ENTRY} ?p ?o FILTER NOT EXISTS {{ ?o ?q ?r }} }}",
    f'SELECT ?o WHERE {{ {ENTRY} ?p ?o FILTER(REGEX(STR(?o), "a")) }}',
    f"SELECT ?o WHERE {{ {{ {ENTRY} ?p ?o }} UNION {{ ?o ?p {ENTRY} }} }}",
    f"SELECT ?o WHERE {{ GRAPH ?g {{ {ENTRY} ?p ?o }} }}",
    f"SELECT ?o WHERE {{ {ENTRY} ?p [ ?q ?o ] }}",
    f"CONSTRUCT {{ {ENTRY} ?p ?o }} WHERE {{ {ENTRY} ?p ?o }}",
    f"SELECT ?o WHERE {{ VALUES ?s {{ {ENTRY} }} ?s ?p ?o }}",
    f"SELECT ?o WHERE {{ {ENTRY} ?p ?o }} GROUP BY ?o",
    "SELECT * WHERE { " + " . ".join(f"{ENTRY} ?p{i} ?o{i}" for i in range(7)) + " }",  # too many patterns
]


@pytest.mark.parametrize("text", ANCHORED)
def test_anchored_shapes(text: str) -> None:
    assert inspect(text, 20000, 64).anchored


@pytest.mark.parametrize("text", NOT_ANCHORED)
def test_shapes_that_are_not_anchored(text: str) -> None:
    assert not inspect(text, 20000, 64).anchored


def _job(text: str) -> Job:
    return Job(inspect(text, 20000, 64).text, "json", "turtle", 10000)


def test_inline_answers_the_bytes_of_the_killable_path(store: EmbeddedStore, client) -> None:  # type: ignore[no-untyped-def]
    inline = InlineEvaluator(store, timeout_s=10.0)
    try:
        for text in ANCHORED:
            assert inline.wants(inspect(text, 20000, 64))
            answer = inline.run(_job(text))
            assert answer.status == 200, answer.message
            pool_path = client.post("/sparql", content=text.encode(),
                                    headers={"Content-Type": "application/sparql-query", "Accept": ACCEPT})
            assert pool_path.status_code == 200
            assert answer.body == pool_path.content, text
        assert inline.run(_job(ANCHORED[4])).body.count(b'/3B001"') >= 2  # the literal anchor found entries
    finally:
        inline.close()


@pytest.mark.parametrize("results_format", ["json", "xml", "csv", "tsv"])
def test_inline_rows_stop_at_max_rows_as_on_the_killable_path(store: EmbeddedStore, results_format: str) -> None:
    """Inline, a SELECT is serialised whole by pyoxigraph and its rows are counted only when the body could
    hold more than max_rows; more rows than that and it is evaluated again on the row-by-row path, which stops
    there. Both ways give the bytes that path gives, in every results format."""
    inline = InlineEvaluator(store, timeout_s=10.0)
    reference = evaluator_over(store)
    try:
        many = ANCHORED[0]  # 3B001's properties: more than 3 rows
        # 3: over; 200: rows counted (the body is longer than 200 rows could be) and within; 10000: not counted
        for text, max_rows in [(many, 3), (many, 200), (many, 10000), (ANCHORED[4], 1), (ANCHORED[6], 10000)]:
            job = Job(inspect(text, 20000, 64).text, results_format, "turtle", max_rows)
            answer, expected = inline.run(job), reference.answer(job)
            assert answer.status == expected.status == 200
            assert (answer.body, answer.truncated, answer.media_type) == \
                   (expected.body, expected.truncated, expected.media_type), (text, max_rows)
        assert inline.run(Job(inspect(many, 20000, 64).text, results_format, "turtle", 3)).truncated
        assert not inline.run(Job(inspect(many, 20000, 64).text, results_format, "turtle", 10000)).truncated
    finally:
        inline.close()


def test_a_text_slow_inline_takes_the_killable_path_next_time(store: EmbeddedStore,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    inline = InlineEvaluator(store, timeout_s=10.0)
    try:
        checked = inspect(ANCHORED[0], 20000, 64)
        monkeypatch.setattr(inline_module, "SLOW_S", -1.0)  # every evaluation counts as slow
        assert inline.wants(checked)
        inline.run(_job(ANCHORED[0]))  # slow by the wall clock: a suspect, still evaluated here
        assert inline.wants(checked)
        inline.run(_job(ANCHORED[0]))  # slow by this thread's CPU clock: demoted
        assert not inline.wants(checked)
        assert inline.wants(inspect(ANCHORED[1], 20000, 64))  # only that text
    finally:
        inline.close()


def test_a_suspect_slow_by_the_wall_clock_only_stays_inline(store: EmbeddedStore,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A wait for a core or the GIL makes an evaluation long by the wall clock, not by the thread's CPU clock:
    the text is timed by CPU the next time, found quick, and stays inline."""
    inline = InlineEvaluator(store, timeout_s=10.0)
    try:
        checked = inspect(ANCHORED[0], 20000, 64)
        monkeypatch.setattr(inline_module, "SLOW_S", -1.0)
        inline.run(_job(ANCHORED[0]))  # a suspect
        monkeypatch.setattr(inline_module, "SLOW_S", 5.0)  # the CPU clock's verdict: quick
        inline.run(_job(ANCHORED[0]))
        assert inline.wants(checked)
        monkeypatch.setattr(inline_module, "SLOW_S", -1.0)
        inline.run(_job(ANCHORED[0]))  # no longer a suspect: suspected anew, not demoted at once
        assert inline.wants(checked)
    finally:
        inline.close()


def test_a_quick_answer_from_the_killable_path_is_remembered(store: EmbeddedStore) -> None:
    inline = InlineEvaluator(store, timeout_s=10.0)
    try:
        text = NOT_ANCHORED[0]
        checked = inspect(text, 20000, 64)
        assert not inline.wants(checked)
        job = _job(text)
        slow_answer = inline.run(job)
        inline.answered(job, slow_answer, inline_module.QUICK_S * 10)  # not quick: still not wanted
        assert not inline.wants(checked)
        inline.answered(job, slow_answer, inline_module.QUICK_S / 10)
        assert inline.wants(checked)
        for i in range(inline_module.REMEMBERED + 5):  # bounded: the oldest goes first
            inline.answered(_job(f"ASK {{ <urn:x:{i}> ?p ?o }}"), slow_answer, 0.0)
        assert not inline.wants(checked)
    finally:
        inline.close()


@pytest.fixture(scope="module")
def served(built, build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:  # type: ignore[no-untyped-def]
    """`exportgraph serve` on the session's real build, default settings (two web processes)."""
    log = tmp_path_factory.mktemp("inline") / "serve.log"
    port = free_port()
    env = {**os.environ, "EXPORTGRAPH_BUILD_DIR": str(build_dir)}
    env.pop("EXPORTGRAPH_WEB_PROCESSES", None)
    proc = subprocess.Popen([sys.executable, "-m", "exportgraph", "serve", "--port", str(port), "--build-dir",
                             str(build_dir)], env=env, text=True, stdout=log.open("w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    while True:
        try:
            if httpx.get(f"{base}/api/health", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"exportgraph serve did not start:\n{log.read_text('utf-8')}")
        time.sleep(0.5)
    yield base, proc.pid
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def test_serve_answers_as_the_application_on_every_path(served: tuple[str, int], client) -> None:  # type: ignore[no-untyped-def]
    base, pid = served
    assert len(web_processes(pid)) == 2
    texts = [*ANCHORED, f'SELECT ?p ?o WHERE {{ {ENTRY} ?p ?o FILTER(?o != "nonce-{time.time()}") }}',
             *NOT_ANCHORED[:3]]
    headers = {"Content-Type": "application/sparql-query", "Accept": ACCEPT}
    with httpx.Client(timeout=30) as http:  # one kept-alive connection: one web process answers all of it
        before = http.get(f"{base}/api/health").json()["checks"]["sparql"]["inline"]
        for text in ANCHORED:
            assert http.post(f"{base}/sparql", content=text.encode(), headers=headers).status_code == 200
        after = http.get(f"{base}/api/health").json()["checks"]["sparql"]["inline"]
        assert after["answered"] - before["answered"] == len(ANCHORED), (before, after)  # none handed off
        assert after["demoted"] == 0
        for text in texts:
            for _ in range(2):  # the second time a quick killable-path text is evaluated inline
                live = http.post(f"{base}/sparql", content=text.encode(), headers=headers)
                expected = client.post("/sparql", content=text.encode(), headers=headers)
                assert live.status_code == expected.status_code == 200, (text, live.text)
                assert live.content == expected.content, text
                assert live.headers["x-content-type-options"] == "nosniff"
                assert live.headers["access-control-allow-origin"] == "*"
        for refused in (f"SELECT * WHERE {{ SERVICE <http://example.org/> {{ {ENTRY} ?p ?o }} }}",
                        f"SELECT * FROM <file:///etc/passwd> WHERE {{ {ENTRY} ?p ?o }}",
                        f"SELECT * WHERE {{ \\u0053ERVICE <http://example.org/> {{ {ENTRY} ?p ?o }} }}"):
            answer = http.post(f"{base}/sparql", content=refused.encode(), headers=headers)
            assert answer.status_code == 400, (refused, answer.text)
            # the front's own error answer: the family's body, the hygiene's and CORS headers
            assert answer.json() == client.post("/sparql", content=refused.encode(), headers=headers).json()
            assert answer.headers["x-content-type-options"] == "nosniff"
            assert answer.headers["access-control-allow-origin"] == "*"
        too_long = http.get(f"{base}/sparql", params={"query": f"ASK {{ {ENTRY} ?p ?o }}" + " " * 9000})
        assert too_long.status_code == 414
        description = http.get(f"{base}/sparql", headers={"Accept": "text/turtle"})
        assert description.status_code == 200 and "sd:Service" in description.text


def test_serve_refuses_a_port_in_use_even_by_another_serve(served: tuple[str, int], build_dir: Path) -> None:
    """SO_REUSEPORT would let a second `serve` of the same user share the port: it must fail instead."""
    port = int(served[0].rpartition(":")[2])
    done = subprocess.run([sys.executable, "-m", "exportgraph", "serve", "--port", str(port), "--build-dir",
                           str(build_dir)], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
