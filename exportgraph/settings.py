"""Configuration in one typed place.

Every setting has a default, an EXPORTGRAPH_<NAME> environment variable and a
help text; `exportgraph serve --help` and the README list them (a test checks).
"""

from __future__ import annotations

import os
from dataclasses import MISSING, dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any

from exportgraph.exc import ExportGraphError


def default_data_dir() -> Path:
    """The packaged data (a wheel carries it as exportgraph/_data), else the checkout's data/."""
    packaged = Path(str(resources.files("exportgraph"))) / "_data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "data"


def default_build_dir() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "exportgraph" / "build"


def _help(text: str) -> dict[str, Any]:
    return {"help": text}


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=default_data_dir, metadata=_help(
        "Directory of the curated YAML data files."))
    build_dir: Path = field(default_factory=default_build_dir, metadata=_help(
        "Directory where `build` writes the dataset and its manifest, and `serve` reads them."))
    store: str = field(default="embedded", metadata=_help(
        "Query engine: `embedded` (Oxigraph in the process) or `remote` (a SPARQL 1.1 server)."))
    remote_query_url: str = field(default="", metadata=_help(
        "SPARQL query endpoint of the remote store (store=remote). It must treat the default graph "
        "as the union of the named graphs (Oxigraph: --union-default-graph; Fuseki: unionDefaultGraph)."))
    remote_timeout_s: float = field(default=30.0, metadata=_help(
        "Seconds to wait for the remote store before answering 503 (it does not answer) or, for a SPARQL "
        "query while the store is well, 422 (the query is too slow for it)."))
    host: str = field(default="127.0.0.1", metadata=_help("Address the service binds to."))
    port: int = field(default=8000, metadata=_help("Port the service listens on."))
    base_url: str = field(default="", metadata=_help(
        "Public URL of the service, used in the service description and download links "
        "(default: taken from each request)."))
    query_timeout_s: float = field(default=10.0, metadata=_help(
        "Longest a SPARQL query may run; then its worker process is killed and the client gets 422 (a limit on "
        "the request, as its length is)."))
    web_processes: int = field(default=2, metadata=_help(
        "Web processes that accept requests on the one port (the kernel spreads connections over them): 2 lets "
        "a 2-core machine parse HTTP and run the guards on both cores. Over the embedded store each loads and "
        "indexes its own copy of the graph (about 0.65 GB of the real data each; shared, it was copied bit by "
        "bit as it was read). Each has its own query_workers."))
    query_evaluation: str = field(default="workers", metadata=_help(
        "Where SPARQL queries that are not anchored are evaluated: `workers` (worker processes, killed at "
        "the deadline) or `in-process` (threads of the web process: no hand-off; a query past the deadline gets "
        "its 422 and its web process is replaced by `serve`, which stops the query). In-process needs "
        "`exportgraph serve` and store=embedded."))
    query_workers: int = field(default=1, metadata=_help(
        "Worker processes of each web process that evaluate SPARQL queries (each holds the dataset in memory); "
        "with query_evaluation=in-process, the threads of each web process that do."))
    query_light_budget_s: float = field(default=0.5, metadata=_help(
        "Seconds a SPARQL query may run on a light worker; one still running then moves, process and all, to "
        "the heavy lane, and its text is remembered so that it starts there next time (0: no lanes)."))
    query_heavy_workers: int = field(default=1, metadata=_help(
        "Slow SPARQL queries running at once in the heavy lane, each in a process of its own with the full "
        "query_timeout_s; the light workers stay free for quick queries."))
    query_heavy_queue: int = field(default=4, metadata=_help(
        "Slow SPARQL queries waiting for the heavy lane; beyond that the endpoint answers 429 with Retry-After."))
    max_concurrent_queries: int = field(default=32, metadata=_help(
        "Queries waiting for or holding a SPARQL worker at once; more wait their turn up to query_queue_wait_s."))
    query_queue_wait_s: float = field(default=1.0, metadata=_help(
        "Longest a SPARQL query waits for a place among max_concurrent_queries; then 429 with Retry-After "
        "(also at once when 8 times max_concurrent_queries are already waiting)."))
    max_rows: int = field(default=10000, metadata=_help("Most result rows a SPARQL query returns."))
    max_query_length: int = field(default=20000, metadata=_help(
        "Longest SPARQL query text accepted, in characters (longer: 413, or 414 in a URL)."))
    max_url_length: int = field(default=8192, metadata=_help("Longest request URL accepted (longer: 414)."))
    max_body_bytes: int = field(default=1_000_000, metadata=_help(
        "Largest request body accepted, in bytes (larger: 413, kept no further; a body up to 64 MB is read and "
        "thrown away so that the client sees the 413)."))
    max_nesting: int = field(default=64, metadata=_help(
        "Deepest nesting of brackets and braces accepted in a SPARQL query (deeper: 400)."))
    max_view_nodes: int = field(default=1500, metadata=_help(
        "Most nodes a graph view draws; a larger view is cut and says so."))
    max_concurrent_views: int = field(default=1, metadata=_help(
        "Graph views computed at once in each web process (CPU-bound Python: more than the cores only slows each "
        "one); others wait up to queue_wait_s, then get 429 with Retry-After."))
    max_concurrent_api: int = field(default=8, metadata=_help(
        "REST requests (/api/) answered at once in each web process; others wait up to queue_wait_s, then get "
        "429 with Retry-After."))
    max_concurrent_pages: int = field(default=4, metadata=_help(
        "HTML pages rendered at once in each web process; others wait up to queue_wait_s, then get 429 with "
        "Retry-After."))
    handler_threads: int = field(default=0, metadata=_help(
        "Threads that run REST, page and view handlers at once in each web process (0: 3). Requests the class "
        "limits admit beyond these wait on the event loop, costing no GIL: every busy thread delays "
        "/api/health's turn at the GIL."))
    queue_wait_s: float = field(default=10.0, metadata=_help(
        "Longest a view, REST or page request waits for its turn before it is refused with 429."))
    access_log: bool = field(default=False, metadata=_help(
        "Log a line per request (uvicorn's access log). Off by default: at thousands of requests a second it "
        "costs about a tenth of the time of a SPARQL lookup and grows the log without bound; errors are logged "
        "either way."))
    sync_lane: bool = field(default=True, metadata=_help(
        "Answer a plain /sparql query that needs no worker, and GET /api/health, inside the HTTP protocol as "
        "soon as the whole request is read, without uvicorn's per-request task (api/synclane.py); off: every "
        "request takes uvicorn's way. Off with access_log."))
    warm_up: bool = field(default=True, metadata=_help(
        "`serve`: each web process answers one request of each kind (REST, pages, a view) to itself before it "
        "accepts connections, so that its threads, caches and templates are made before the first reader "
        "(api/warmup.py; seconds on the real data, at most 60 s)."))
    header_timeout_s: float = field(default=10.0, metadata=_help(
        "Longest a client may take to send a request line and headers; then 408 and the connection is closed."))
    health_timeout_s: float = field(default=1.0, metadata=_help(
        "Longest the background check of the remote store (every second) waits for an answer; /api/health and "
        "every request read its cached result, never the store (a result older than max(3, 2 + this) s: unknown)."))
    max_build_age_days: float = field(default=0.0, metadata=_help(
        "A build older than this makes /api/health answer degraded (0: no limit)."))
    malloc_arena_max: int = field(default=2, metadata=_help(
        "At most this many glibc malloc arenas in a web process (M_ARENA_MAX; 0: glibc's default, 8 a core). "
        "Each arena keeps the peak of what its threads allocated; fewer arenas keep less. When set, blocks of "
        "256 KB and more are also mapped on their own (M_MMAP_THRESHOLD), so that freeing one gives it back."))
    malloc_trim_s: float = field(default=0.0, metadata=_help(
        "Seconds between returns of freed memory to the system (glibc malloc_trim, in a thread of each web "
        "process; 0: never). Off by default: with glibc's default arenas a trim took up to 170 ms, every "
        "allocation in the arena waiting, and it did not stop the growth that malloc_arena_max stops."))

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = os.environ.get(f"EXPORTGRAPH_{f.name.upper()}")
            if raw is not None:
                values[f.name] = _coerce(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
        if self.query_evaluation not in ("workers", "in-process"):
            raise ExportGraphError(f"query_evaluation: expected workers or in-process, got {self.query_evaluation!r}")
        if self.store not in ("embedded", "remote"):
            raise ExportGraphError(f"store: expected embedded or remote, got {self.store!r}")
        if self.store == "remote" and not self.remote_query_url:
            raise ExportGraphError("store=remote needs remote_query_url (EXPORTGRAPH_REMOTE_QUERY_URL)")
        for name in ("web_processes", "query_workers", "max_concurrent_queries", "max_rows", "max_query_length",
                     "max_body_bytes", "max_nesting", "max_view_nodes", "port", "health_timeout_s",
                     "max_concurrent_views", "max_concurrent_api", "max_concurrent_pages", "queue_wait_s", "query_queue_wait_s",
                     "header_timeout_s"):
            if getattr(self, name) <= 0:
                raise ExportGraphError(f"{name}: must be positive")
        if self.query_light_budget_s < 0 or self.query_heavy_queue < 0 or self.query_heavy_workers <= 0:
            raise ExportGraphError("query_light_budget_s and query_heavy_queue: must be 0 or positive; "
                                   "query_heavy_workers: must be positive")
        if self.max_build_age_days < 0:
            raise ExportGraphError("max_build_age_days: must be 0 (no limit) or positive")
        if self.handler_threads < 0:
            raise ExportGraphError("handler_threads: must be 0 (automatic) or positive")
        if self.malloc_arena_max < 0 or self.malloc_trim_s < 0:
            raise ExportGraphError("malloc_arena_max and malloc_trim_s: must be 0 (off) or positive")

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def _coerce(name: str, kind: Any, raw: str) -> Any:
    kind_name = kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))
    try:
        if kind_name == "Path":
            return Path(raw)
        if kind_name == "int":
            return int(raw)
        if kind_name == "float":
            return float(raw)
        if kind_name == "bool":
            return _boolean(raw)
    except ValueError:
        raise ExportGraphError(f"EXPORTGRAPH_{name.upper()}: expected a {kind_name}, got {raw!r}") from None
    return raw


def _boolean(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(raw)


def describe() -> list[tuple[str, str, str]]:
    """(variable, default, help) for every setting, for docs and --help."""
    out = []
    for f in fields(Settings):
        default = "(computed)" if f.default is MISSING else f.default
        out.append((f"EXPORTGRAPH_{f.name.upper()}", str(default), str(f.metadata["help"])))
    return out
