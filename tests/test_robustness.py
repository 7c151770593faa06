"""Issue 15: nothing starves, nothing half-loaded is served as whole, every failure is said plainly.

Every test talks to a real uvicorn server over a socket: `served` is the app on the session build in this
process (so that its log can be read), with one SPARQL worker and room for one query so that 429s are easy
to provoke; `exportgraph serve` itself runs as a subprocess where its exit codes and startup matter, on
the small data of tests/test_build.py. A remote store that is down is a port nobody listens on; a hung
one is a socket that accepts and never answers. Nothing is mocked.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from exportgraph.graph.build import Build
from exportgraph.graph.store import EmbeddedStore
from exportgraph.query.base import value
from exportgraph.settings import Settings

from .conftest import ROOT, free_port, oxigraph_binary
from .servers import Server

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"  # a cartesian product: runs to the deadline


class LogRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def tracebacks(self) -> list[str]:
        return [r.getMessage() for r in self.records if r.exc_info or "Traceback" in r.getMessage()]


@pytest.fixture(scope="module")
def log_records() -> Iterator[LogRecords]:
    handler = LogRecords()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


@pytest.fixture(scope="module")
def served(settings: Settings, log_records: LogRecords) -> Iterator[Server]:
    tight = settings.with_(query_workers=1, max_concurrent_queries=1, query_timeout_s=3.0)
    with Server(tight) as server:
        yield server


@pytest.fixture(scope="module")
def http(served: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.base, timeout=60) as client:
        yield client


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "exportgraph", *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


# ---------------------------------------------------------------- step 1: the small ones


def test_a_form_with_too_many_fields_is_a_400_not_a_500(http: httpx.Client) -> None:
    form = "&".join(f"f{i}=1" for i in range(60)) + "&query=ASK%7B%7D"
    r = http.post("/sparql", content=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code in (400, 413), r.text
    assert "fields" in r.json()["detail"]
    assert http.get("/api/health").status_code == 200  # the connection and the service survive


@pytest.mark.parametrize("path", ["/api/health%0a", "/id/cn%0a", "/api/health%0d%0a", "/id/cn%09", "/api/stats%00"])
def test_a_control_character_in_the_path_is_a_404(http: httpx.Client, path: str) -> None:
    r = http.get(path)
    assert r.status_code == 404, (path, r.status_code)


def _get_routes(served: Server) -> list[str]:
    def walk(routes: list[Any]) -> Iterator[Any]:
        for r in routes:
            inner = getattr(r, "original_router", None)  # FastAPI keeps an included router whole
            yield from walk(inner.routes) if inner is not None else [r]

    app = served.server.config.app
    return sorted({r.path for r in walk(app.routes) if "GET" in (getattr(r, "methods", None) or ())})


def _fill(path: str, http: httpx.Client) -> str:
    case = http.get("/api/cases").json()["items"][0]["id"]
    samples = {"regime": "regime/wa", "case_id": case, "record_id": "cn", "code": "811292", "ext": "nq",
               "name": "vis-network.css", "entry": "eu/list/annex-i/2025-11-15/3B001"}
    return re.sub(r"\{(\w+)(?::path)?\}", lambda m: samples.get(m.group(1), "no-such-id"), path)


def test_head_answers_like_get_without_a_body_on_every_get_route(served: Server, http: httpx.Client) -> None:
    paths = _get_routes(served)
    assert "/" in paths and "/api/health" in paths and len(paths) > 40
    for path in paths:
        url = _fill(path, http)
        got, head = http.get(url), http.head(url)
        assert head.status_code == got.status_code, (url, head.status_code, got.status_code)
        assert head.content == b"", url
        assert head.headers.get("content-type") == got.headers.get("content-type"), url


def test_429_carries_retry_after(served: Server) -> None:
    answers: list[httpx.Response] = []

    def slow() -> None:
        with httpx.Client(base_url=served.base, timeout=60) as c:
            answers.append(c.get("/sparql", params={"query": SLOW}))

    threads = [threading.Thread(target=slow) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    refused = [r for r in answers if r.status_code == 429]
    assert refused, [r.status_code for r in answers]
    assert all(int(r.headers["Retry-After"]) >= 1 for r in refused)


def test_an_unsatisfiable_range_says_why(http: httpx.Client, built: Build) -> None:
    size = built.dataset.stat().st_size
    r = http.get("/download/dataset.nq", headers={"Range": f"bytes={size + 10}-"})
    assert r.status_code == 416
    assert r.headers["content-range"] == f"bytes */{size}"
    assert str(size) in r.json()["detail"] and "range" in r.json()["detail"]
    ok = http.get("/download/dataset.nq", headers={"Range": "bytes=0-99"})
    assert ok.status_code == 206 and len(ok.content) == 100


def test_a_5000_digit_number_is_a_400_without_a_traceback(http: httpx.Client, log_records: LogRecords) -> None:
    before = len(log_records.records)
    big = "9" * 5000
    for query in (f"SELECT * WHERE {{ ?s ?p {big} }} LIMIT 1", f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {big}"):
        r = http.get("/sparql", params={"query": query})
        assert r.status_code == 400 and "digits" in r.json()["detail"], r.text[:300]
    r = http.get("/api/entries", params={"code": "3B001", "limit": big})
    assert r.status_code == 400
    fine = http.get("/sparql", params={"query": 'SELECT * WHERE { ?s ?p "%s" } LIMIT 1' % big})
    assert fine.status_code == 200  # digits inside a string are only a string
    new = log_records.records[before:]
    assert not [r.getMessage() for r in new if r.exc_info or "Traceback" in r.getMessage()]


HTML_PAGES = ["/", "/compare", "/cases", "/sparql-ui", "/id/cn", "/views/regimes", "/id/no/such/thing"]


@pytest.mark.parametrize("path", [*HTML_PAGES, "/sparql"])
def test_every_html_page_has_a_csp_header_and_refuses_framing(http: httpx.Client, path: str) -> None:
    r = http.get(path, headers={"Accept": "text/html"})
    assert r.headers["content-type"].startswith("text/html"), path
    csp = r.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp, path
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", ["/api/health", "/api/jurisdictions", "/sparql?query=ASK%7B%7D", "/no/such/path"])
def test_every_answer_says_nosniff(http: httpx.Client, path: str) -> None:
    r = http.get(path)
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"


def test_real_entry_codes_are_accepted(store: EmbeddedStore, http: httpx.Client) -> None:
    old = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-()]{0,40}\Z")  # what /api/entries accepted before issue 15
    codes = sorted({value(r["n"]) for r in store.select(
        "SELECT DISTINCT ?n WHERE { ?e a eg:ControlEntry ; skos:notation ?n }")} - {None})
    unusual = [c for c in codes if not old.match(c)]
    assert {"Item 9", "Schedule 1", "3の2", "一(二)3"} <= set(unusual)
    for code in unusual:
        r = http.get("/api/entries", params={"code": code})
        assert r.status_code == 200, (code, r.status_code, r.text[:200])
    for bad in ("3B\n001", "3B\x00001", "3B\t001", "x" * 81, "<script>", "a;b"):
        assert http.get("/api/entries", params={"code": bad}).status_code == 400, repr(bad)


def test_exit_codes_are_distinct_and_documented() -> None:
    from exportgraph import exc

    family = [c for c in vars(exc).values() if isinstance(c, type) and issubclass(c, exc.ExportGraphError)]
    codes = {c.exit_code for c in family} | {exc.EXIT_USAGE, exc.EXIT_INTERNAL, exc.EXIT_INTERRUPTED}
    assert exc.ValidationFailed.exit_code not in (exc.ServeFailed.exit_code, exc.DataError.exit_code, exc.EXIT_USAGE)
    using = (ROOT / "README.md").read_text("utf-8").split("## Using it", 1)[1].split("\n## ", 1)[0]
    documented = {int(m) for m in re.findall(r"^\| (\d+) \|", using, re.M)}
    assert codes <= documented, codes - documented


def test_a_taken_port_and_a_bad_command_line_have_their_own_exit_codes(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = run_cli("serve", "--port", str(port), "--build-dir", str(tmp_path / "none"), timeout=60)
    assert proc.returncode == 7, proc.stderr
    assert f"127.0.0.1:{port}" in proc.stderr and "Traceback" not in proc.stderr
    assert run_cli("no-such-command", timeout=60).returncode == 64


def test_remote_store_errors_do_not_show_its_url(settings: Settings) -> None:
    dead = free_port()
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(64)  # accepts connections into the backlog, never answers
        hung_port = hung.getsockname()[1]
        for port, status in ((dead, 503), (hung_port, 503)):  # found unreachable by the status check: 503 at once
            remote = settings.with_(store="remote", remote_query_url=f"http://127.0.0.1:{port}/query",
                                    remote_timeout_s=1.0, query_workers=1, query_timeout_s=2.0)
            with Server(remote) as server, httpx.Client(base_url=server.base, timeout=30) as c:
                for url in ("/api/jurisdictions", "/sparql?query=ASK%7B%7D"):
                    r = c.get(url)
                    assert r.status_code == status, (url, r.status_code, r.text)
                    assert str(port) not in r.text and "127.0.0.1" not in r.text, r.text
                started = time.monotonic()
                health = c.get("/api/health")
                assert time.monotonic() - started < remote.health_timeout_s + 0.5
                assert health.status_code == 503 and health.json()["status"] == "failing", health.text
                assert health.json()["checks"]["store"]["reachable"] is False


# ---------------------------------------------------------------- step 2: health that tells the truth


def test_health_reports_store_workers_and_build_age(http: httpx.Client) -> None:
    r = http.get("/api/health")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ok"
    checks = body["checks"]
    assert checks["store"] == {"kind": "embedded", "ok": True, "reachable": True}
    assert checks["sparql"]["ok"] and checks["sparql"]["alive"] == checks["sparql"]["workers"] == 1
    assert checks["build"]["ok"] and checks["build"]["age_s"] >= 0 and checks["build"]["built_at"].endswith("Z")


def _health_until(http: httpx.Client, wanted: str, within: float) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while True:
        body: dict[str, Any] = http.get("/api/health").json()
        if body["status"] == wanted or time.monotonic() > deadline:
            return body
        time.sleep(0.2)


def test_health_says_degraded_while_sparql_is_dead_and_ok_once_it_is_back(served: Server, http: httpx.Client) -> None:
    pool = served.server.config.app.state.sparql_pool
    victims = [*pool.pids(), pool.template.process.pid]
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    dead = _health_until(http, "degraded", 5)  # SIGKILL takes effect within milliseconds
    assert dead["status"] == "degraded" and dead["checks"]["sparql"]["alive"] == 0, dead
    assert http.get("/api/health").status_code == 503
    back = _health_until(http, "ok", 120)  # the supervisor notices within a second and restarts the template
    assert back["status"] == "ok", back
    assert http.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def _oxigraph(dataset: Path, tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    location, port = tmp / "ox", free_port()
    tmp.mkdir(parents=True, exist_ok=True)
    subprocess.run([oxigraph_binary(), "load", "--location", str(location), "--file", str(dataset),
                    "--format", "application/n-quads"], check=True, capture_output=True)
    proc = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url, params={"query": "ASK {}"}, timeout=1.0)
            return proc, url
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail("the Oxigraph server did not start")
            time.sleep(0.2)


def test_health_says_degraded_when_the_remote_store_lacks_graphs(tmp_data: Path, tmp_path: Path) -> None:
    from exportgraph.graph.build import build

    from .test_build import GOOD, write

    write(tmp_data, GOOD)
    small = build(tmp_data, tmp_path / "build")
    lines = small.dataset.read_text("utf-8").splitlines(keepends=True)
    graphs = sorted({line.rstrip(" .\n").rsplit(" ", 1)[-1] for line in lines})
    assert len(graphs) >= 2
    partial = tmp_path / "partial.nq"
    partial.write_text("".join(line for line in lines if not line.rstrip(" .\n").endswith(graphs[0])), "utf-8")
    for dataset, status, complete in ((partial, 503, False), (small.dataset, 200, True)):
        proc, url = _oxigraph(dataset, tmp_path / dataset.stem)
        try:
            settings = Settings(data_dir=tmp_data, build_dir=small.directory, store="remote", remote_query_url=url,
                                query_workers=1)
            with Server(settings) as server, httpx.Client(base_url=server.base, timeout=30) as c:
                r = c.get("/api/health")
                assert r.status_code == status, r.text
                store = r.json()["checks"]["store"]
                assert store["reachable"] and store["complete"] is complete
                assert store["expected_graphs"] == len(graphs)
        finally:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------- step 3: isolation


def test_64_concurrent_views_do_not_delay_health_or_cheap_routes(served: Server) -> None:
    views: list[httpx.Response] = []
    health: list[float] = []
    cheap: list[float] = []
    running = threading.Event()

    def view() -> None:
        # depth 1 (2 s of CPU each here); the depth 3 (about 20 s each) only makes the test longer.
        with httpx.Client(base_url=served.base, timeout=300) as c:
            try:
                views.append(c.get("/views/neighbourhood/regime/wa", params={"depth": "1"}))
            except httpx.HTTPError as exc:
                problems.append(f"view: {type(exc).__name__}")

    def probe() -> None:
        with httpx.Client(base_url=served.base, timeout=120) as c:
            while running.is_set() or len(health) < 5:  # views refused at once may all be done within a second
                for url, times in (("/api/health", health), ("/api/jurisdictions", cheap)):
                    started = time.monotonic()
                    answer = c.get(url)
                    if answer.status_code != 200:
                        problems.append(f"{url}: {answer.status_code} {answer.text[:300]}")
                    times.append(time.monotonic() - started)
                time.sleep(0.1)

    problems: list[str] = []
    with httpx.Client(base_url=served.base, timeout=120) as c:
        assert _health_until(c, "ok", 120)["status"] == "ok"  # a previous test may have killed the workers

    threads = [threading.Thread(target=view) for _ in range(64)]
    running.set()
    prober = threading.Thread(target=probe)
    for t in threads:
        t.start()
    time.sleep(0.5)  # the views are in flight
    prober.start()
    for t in threads:
        t.join()
    running.clear()
    prober.join()
    statuses = sorted({r.status_code for r in views})
    assert set(statuses) <= {200, 429} and 200 in statuses, statuses
    refused = [r for r in views if r.status_code == 429]
    assert all(int(r.headers["Retry-After"]) >= 1 and r.headers["content-type"].startswith("text/html")
               and "content-security-policy" in r.headers for r in refused)
    assert problems == []
    assert len(health) >= 5 and max(health) < 1.0, (len(health), max(health))
    assert max(cheap) < 3.0, max(cheap)


# ---------------------------------------------------------------- step 4: builds never pull the floor away


def _small(tmp_data: Path, label: str = "Nuclear Suppliers Group") -> None:
    from .test_build import GOOD, write

    write(tmp_data, GOOD.replace("Nuclear Suppliers Group", label))


def test_builds_keep_the_dataset_a_running_service_uses(tmp_data: Path, tmp_path: Path) -> None:
    from exportgraph.graph.build import build

    _small(tmp_data)
    out = tmp_path / "build"
    first = build(tmp_data, out)
    settings = Settings(data_dir=tmp_data, build_dir=out, query_workers=1)
    with Server(settings) as server, httpx.Client(base_url=server.base, timeout=60) as c:
        for label in ("NSG one", "NSG two", "NSG three"):
            _small(tmp_data, label)
            build(tmp_data, out)
        assert first.dataset.exists()  # three generations later, still there: it is served
        r = c.get("/download/dataset.nq")
        assert r.status_code == 200 and r.content == first.dataset.read_bytes()
        pool = server.server.config.app.state.sparql_pool
        for pid in [*pool.pids(), pool.template.process.pid]:
            os.kill(pid, signal.SIGKILL)  # the template restarts and loads the served file again
        assert _health_until(c, "ok", 120)["status"] == "ok"
        asked = c.get("/sparql", params={"query": 'ASK { ?r <http://www.w3.org/2004/02/skos/core#prefLabel> ?l '
                                                   'FILTER(STR(?l) = "Nuclear Suppliers Group") }'})
        assert asked.status_code == 200 and asked.json()["boolean"] is True
    _small(tmp_data, "NSG four")
    last = build(tmp_data, out)  # nobody serves the first any more: it goes, two generations stay
    assert not first.dataset.exists()
    assert last.dataset.exists() and len(list(out.glob("dataset-*.nq"))) == 2


def test_a_build_removes_what_a_killed_build_left(tmp_data: Path, tmp_path: Path) -> None:
    from exportgraph.graph.build import build

    _small(tmp_data)
    out = tmp_path / "build"
    build(tmp_data, out)
    (out / "downloads").mkdir()
    left = [out / ".dataset-0123456789ab.nq.k2j3h4", out / ".manifest.json.x8y7z6",
            out / "downloads" / ".dataset-0123456789ab.ttl.tmp"]
    for path in left:
        path.write_text("half", "utf-8")
    build(tmp_data, out)
    assert [p for p in left if p.exists()] == []


def _build_cli(tmp_data: Path, out: Path, cache: Path, max_file_bytes: int | None = None) -> subprocess.CompletedProcess[str]:
    import resource

    def limit() -> None:
        if max_file_bytes is not None:  # a write past the limit fails with EFBIG, as a full disk fails with ENOSPC
            resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))

    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    return subprocess.run([sys.executable, "-m", "exportgraph", "build", "--quiet", "--data-dir", str(tmp_data),
                           "--build-dir", str(out)], capture_output=True, text=True, env=env, preexec_fn=limit,
                          timeout=300)


def test_a_build_that_cannot_write_says_where(tmp_data: Path, tmp_path: Path) -> None:
    _small(tmp_data)
    out = tmp_path / "full"
    full = _build_cli(tmp_data, out, tmp_path / "cache", max_file_bytes=4096)
    assert full.returncode == 6, full.stderr
    last = full.stderr.strip().splitlines()[-1]
    assert str(out) in last and "Traceback" not in full.stderr and "internal error" not in full.stderr
    blocker = tmp_path / "a-file"
    blocker.write_text("", "utf-8")
    notdir = _build_cli(tmp_data, blocker / "build", tmp_path / "cache")
    assert notdir.returncode == 6 and str(blocker / "build") in notdir.stderr, notdir.stderr
    if os.geteuid() != 0:  # root writes into a read-only directory anyway
        readonly = tmp_path / "readonly"
        readonly.mkdir(mode=0o555)
        denied = _build_cli(tmp_data, readonly, tmp_path / "cache")
        assert denied.returncode == 6 and str(readonly) in denied.stderr, denied.stderr


def test_a_cache_that_cannot_be_written_is_only_a_warning(tmp_data: Path, tmp_path: Path) -> None:
    _small(tmp_data)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "exportgraph").write_text("not a directory", "utf-8")
    done = _build_cli(tmp_data, tmp_path / "build", cache)
    assert done.returncode == 0, done.stderr
    assert "not caching" in done.stderr and "Traceback" not in done.stderr


def _serve(tmp_data: Path, out: Path, port: int, log: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "EXPORTGRAPH_QUERY_WORKERS": "1", "XDG_CACHE_HOME": str(out.parent / "cache")}
    return subprocess.Popen([sys.executable, "-m", "exportgraph", "serve", "--port", str(port), "--data-dir",
                             str(tmp_data), "--build-dir", str(out)], env=env, text=True,
                            stdout=log.open("w"), stderr=subprocess.STDOUT)


def test_serve_keeps_the_last_good_build_when_an_edit_fails_and_says_why(tmp_data: Path, tmp_path: Path) -> None:
    from exportgraph.graph.build import build

    from .test_build import write

    _small(tmp_data)
    out = tmp_path / "build"
    good = build(tmp_data, out)
    write(tmp_data, "records:\n  - {id: cn2, type: Jurisdiction, source: src/t/doc, eg:validFrom: nope}\n", "b.yaml")
    port, log = free_port(), tmp_path / "serve.log"
    proc = _serve(tmp_data, out, port, log)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=5)
                break
            except httpx.HTTPError:
                assert proc.poll() is None, log.read_text("utf-8")
                assert time.monotonic() < deadline, log.read_text("utf-8")
                time.sleep(0.3)
        body = r.json()
        assert body["dataset"] == good.manifest["dataset"]
        assert body["checks"]["build"]["stale"] is True and "b.yaml:cn2" in body["checks"]["build"]["problem"]
        assert httpx.get(f"http://127.0.0.1:{port}/api/jurisdictions", timeout=30).status_code == 200
        said = log.read_text("utf-8")
        assert "serving the previous build" in said and "b.yaml:cn2" in said and "Traceback" not in said
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    fresh = tmp_path / "fresh"  # without a previous build the failure stands, with the data error's exit code
    refused = run_cli("serve", "--port", str(free_port()), "--data-dir", str(tmp_data), "--build-dir", str(fresh))
    assert refused.returncode == 2 and "b.yaml:cn2" in refused.stderr, refused.stderr
