"""The build: data/ and the ontology compiled into one validated, deterministic dataset.

Output, in the build directory:
- dataset-<sha12>.nq: sorted N-Quads, a named graph per source document;
- manifest.json: counts per graph, SHA-256 of every input and output, versions.
The manifest is replaced last with an atomic rename, so a reader that goes
through it sees the old dataset or the new one, never a mix. A failed build
leaves the previous build untouched.

Generations: a build keeps the dataset it replaces (the previous generation)
and every dataset a process still uses. A process that serves a dataset holds a
shared lock on it (`lease`); a build removes an older dataset only when it can
take an exclusive lock on it, so two builds under a running `serve` never pull
its file away. Builds of one directory run one at a time (`.build.lock`); the
one that holds the lock removes temp files that a killed build left behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import IO, Any

try:
    import fcntl
except ImportError:  # not POSIX: no leases; old datasets are then kept, never removed
    fcntl = None  # type: ignore[assignment]
try:
    import resource
except ImportError:  # not POSIX: no peak RSS in the stage times
    resource = None  # type: ignore[assignment]

import pyoxigraph as ox

import exportgraph
from exportgraph.exc import BuildMissing, BuildWriteFailed, DataError, ModelError, ValidationFailed
from exportgraph.graph import terms as T
from exportgraph.graph.compile import Compiler
from exportgraph.graph.nquads import digest, file_sha256, sorted_lines, write_atomic
from exportgraph.graph.records import DataSet, Source, read_data
from exportgraph.graph.shacl import Violation, load_checks, validate
from exportgraph.ontology.generate import owl_turtle, shapes_turtle
from exportgraph.ontology.model import load_model

log = logging.getLogger(__name__)
# Progress messages name a stage; a counted one ends in "n/N" and then a detail, e.g. "parsing files 12/61 core/x.yaml"
# (a terminal draws a bar from it). Without a callback the messages go to this module's log at INFO.
Progress = Callable[[str], None]
MANIFEST = "manifest.json"
LOCK = ".build.lock"
TEMP_PATTERNS = (".dataset-*", f".{MANIFEST}.*", "downloads/.*.tmp")  # what a killed build or download leaves


@dataclass(frozen=True)
class Build:
    directory: Path
    manifest: dict[str, Any]

    @property
    def dataset(self) -> Path:
        return self.directory / str(self.manifest["dataset"])


def ontology_text(name: str) -> str:
    return resources.files("exportgraph.ontology").joinpath(name).read_text("utf-8")


def check_generated() -> None:
    """The packaged Turtle must be what model.yaml generates."""
    model = load_model()
    if ontology_text("exportgraph.ttl") != owl_turtle(model) or ontology_text("shapes.ttl") != shapes_turtle(model):
        raise ModelError("exportgraph.ttl or shapes.ttl is stale: run `exportgraph ontology`")


def _derived_source(data: DataSet) -> None:
    data.sources.setdefault(T.DERIVED_SOURCE_ID, Source(
        id=T.DERIVED_SOURCE_ID,
        title={"en": "exportgraph build: statements derived from the curated records"},
        url="https://w3id.org/exportgraph/docs/derived", kind="editorial", path="(build)"))


def _ontology_quads() -> list[ox.Quad]:
    graph = ox.NamedNode(T.ONTOLOGY_GRAPH)
    quads = [ox.Quad(t.subject, t.predicate, t.object, graph)
             for t in ox.parse(ontology_text("exportgraph.ttl"), format=ox.RdfFormat.TURTLE)]
    meta = ox.NamedNode(T.iri(T.DERIVED_SOURCE_ID))
    landing = ox.Literal(T.ONTOLOGY_GRAPH, datatype=ox.NamedNode(T.XSD + "anyURI"))
    quads.append(ox.Quad(graph, ox.NamedNode(T.DCAT + "landingPage"), landing, meta))
    quads.append(ox.Quad(graph, ox.NamedNode(T.RDF + "type"), ox.NamedNode(T.PROV + "Entity"), meta))
    return quads


@dataclass(frozen=True)
class Compiled:
    """A compiled, validated dataset: its sorted N-Quads lines, the figures of the data it came from, and how
    long each stage took: wall and CPU seconds, and the process's peak RSS after it (MB)."""

    lines: list[bytes]
    records: int
    files: int
    sources: int
    data_as_of: str | None
    records_by_class: dict[str, int]
    hashes: dict[str, str]
    stages: dict[str, tuple[float, float, float]] = field(default_factory=dict)


class _Stages:
    def __init__(self) -> None:
        self.done: dict[str, tuple[float, float, float]] = {}
        self._t, self._cpu = time.perf_counter(), time.process_time()

    def end(self, name: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.done[name] = (now - self._t, cpu - self._cpu, peak_rss_mb())
        self._t, self._cpu = now, cpu


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB (0 where the platform does not say)."""
    if resource is None:
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def compile_dataset(data_dir: Path, progress: Progress | None = None,
                    all_errors: bool = False, cache: Path | None = None) -> Compiled:
    """Read, compile and validate; return the sorted N-Quads lines and the figures of the data.

    Stops at the first bad record, or with all_errors, reports every bad file and record. Memory: the records
    and the store are held together only while compiling; the records go before the store is validated and
    dumped, and the quads go into the store in batches.
    """
    say = progress or (lambda msg: log.info("%s", msg))
    stages = _Stages()
    say("checking the ontology")
    check_generated()
    model = load_model()
    errors: list[DataError] | None = [] if all_errors else None
    data = read_data(model, data_dir, errors, cache, say)
    _derived_source(data)
    stages.end("parse")
    figures = _figures(data)
    say(f"compiling {figures['records']:,} records from {figures['files']} files")
    store = ox.Store()
    compiler = Compiler(model, data, errors, sink=store.extend)
    compiler.compile()
    store.extend(_ontology_quads())
    if errors:
        raise DataError(f"{len(errors)} error(s):\n  " + "\n  ".join(e.message for e in errors))
    where = {rid: rec.path for rid, rec in data.records.items()}  # what a violation message names
    del data, compiler  # the records: about 250 MB of Python objects on the real data
    say(f"compiled {figures['records']:,} records into {len(store):,} quads")
    stages.end("compile")
    say(f"validating {len(store):,} quads against the SHACL shapes")
    checks = load_checks(ontology_text("shapes.ttl"), ontology_text("exportgraph.ttl"))
    violations = validate(store, checks, limit=500 if all_errors else 50, workers=min(os.cpu_count() or 1, 4))
    say(f"validated: {len(checks)} checks, {len(violations)} violation(s)")
    if violations:
        raise _violations(violations, where, all_errors)
    stages.end("validate")
    say("serialising the quads")
    lines = sorted_lines(store)
    del store
    stages.end("serialise")
    return Compiled(lines=lines, stages=stages.done, **figures)


def _figures(data: DataSet) -> dict[str, Any]:
    issued = max((s.issued for s in data.sources.values() if s.issued), default=None)
    classes = Counter(rec.type for rec in data.records.values())
    return {"records": len(data.records), "files": len(data.files), "sources": len(data.sources),
            "data_as_of": issued.isoformat() if issued else None,
            "records_by_class": dict(sorted(classes.items())), "hashes": dict(data.hashes)}


def _violations(violations: list[Violation], where: dict[str, str], all_errors: bool) -> ValidationFailed:
    lines = []
    for v in violations[: (len(violations) if all_errors else 20)]:
        rid = T.local_id(v.focus.split("#", 1)[0])
        path = where.get(rid or "")
        lines.append(f"{f'{path}:{rid}' if path else v.focus}: {v.shape}: {v.message}")
    more = f" (showing {len(lines)} of {len(violations)})" if len(violations) > len(lines) else ""
    sep = "\n  " if all_errors else "; "
    return ValidationFailed(f"{len(violations)} SHACL violation(s){more}:{sep}" + sep.join(lines))


def default_cache() -> Path:
    """Parsed data files, by content hash: shared by every build of this user."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "exportgraph" / "parsed"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(data_dir: Path, out_dir: Path, progress: Progress | None = None) -> Build:
    say = progress or (lambda msg: log.info("%s", msg))
    compiled = _compile_with_cache(data_dir, say)
    started, cpu = time.perf_counter(), time.process_time()
    lines = compiled.lines
    made = digest(lines)
    name = f"dataset-{made.sha256[:12]}.nq"
    inputs = input_hashes(data_dir, compiled.hashes)
    manifest: dict[str, Any] = {
        "exportgraph_version": exportgraph.__version__,
        "ontology_version": load_model().version,
        "dataset": name,
        "format": "application/n-quads",
        "quads": len(lines),
        "records": compiled.records,
        "sources": compiled.sources,
        "data_as_of": compiled.data_as_of,
        "records_by_class": compiled.records_by_class,
        "graphs": made.graphs,
        "inputs": inputs,
        "outputs": {name: {"sha256": made.sha256, "bytes": made.bytes}},
    }
    with _writing(out_dir), _build_lock(out_dir):
        _remove_temp_files(out_dir)
        target = out_dir / name
        say(f"writing {target} ({made.bytes / 1e6:.1f} MB) and {MANIFEST}")
        if not (target.exists() and file_sha256(target) == made.sha256):
            write_atomic(target, lines)
        previous = read_manifest(out_dir, required=False)
        write_atomic(out_dir / MANIFEST, [(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()])
        _remove_unused(out_dir, {name, str(previous.manifest["dataset"]) if previous else ""})
    stages = {**compiled.stages,
              "write": (time.perf_counter() - started, time.process_time() - cpu, peak_rss_mb())}
    say("stage times: " + ", ".join(f"{k} {t:.1f} s (CPU {c:.1f} s, peak {mb:.0f} MB)"
                                    for k, (t, c, mb) in stages.items()))
    log.info("built %s: %d quads in %d graphs", name, len(lines), len(manifest["graphs"]))
    return Build(out_dir, manifest)


def _compile_with_cache(data_dir: Path, progress: Progress) -> Compiled:
    """compile_dataset with the parse cache; a cache that cannot be written is a warning, not a failure."""
    cache: Path | None = default_cache()
    try:
        assert cache is not None
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=cache):
            pass
    except OSError as exc:
        log.warning("not caching parsed data files: cannot write %s (%s)", cache, exc.strerror or exc)
        cache = None
    try:
        return compile_dataset(data_dir, progress, cache=cache)
    except OSError as exc:
        if cache is None or not str(exc.filename or "").startswith(str(cache)):
            raise
        log.warning("not caching parsed data files: cannot write %s (%s)", exc.filename, exc.strerror or exc)
        return compile_dataset(data_dir, progress, cache=None)


@contextlib.contextmanager
def _writing(out_dir: Path) -> Iterator[None]:
    """An OSError while writing the build becomes one line that names the path (disk full, read-only)."""
    try:
        yield
    except OSError as exc:
        where = exc.filename or out_dir
        raise BuildWriteFailed(f"cannot write the build in {out_dir}: {where}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def _build_lock(out_dir: Path) -> Iterator[None]:
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / LOCK).open("a") as fh:
        if fcntl is not None:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)  # another build of this directory finishes first
        yield


def _remove_temp_files(out_dir: Path) -> None:
    """Only called under the build lock: no other build is writing these, so they are a killed one's.

    A running service writes a download's temp file under a lease: that one is being written, not left.
    """
    for pattern in TEMP_PATTERNS:
        for stale in out_dir.glob(pattern):
            if fcntl is None:
                stale.unlink(missing_ok=True)
            elif not _remove_if_unused(stale):
                continue
            log.info("removed %s, left by an interrupted build or download", stale)


def lease(dataset: Path) -> IO[bytes]:
    """Mark a dataset as used by this process for as long as the returned file stays open."""
    fh = dataset.open("rb")
    if fcntl is not None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_SH)
    return fh


def _remove_if_unused(path: Path) -> bool:
    """Remove a dataset under an exclusive lock, which no lease allows; False if a process uses it."""
    if fcntl is None:
        return False
    try:
        with path.open("rb") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # released when fh closes
            path.unlink()
    except (BlockingIOError, FileNotFoundError):
        return False
    return True


def _remove_unused(out_dir: Path, keep: set[str]) -> None:
    """Datasets older than the previous generation, and their downloads, once no process holds a lease."""
    for old in out_dir.glob("dataset-*.nq"):
        if old.name in keep:
            continue
        if not _remove_if_unused(old):
            log.info("keeping %s: a running process uses it", old)
            continue
        for derived in (out_dir / "downloads").glob(f"{old.stem}.*"):
            derived.unlink(missing_ok=True)



def input_hashes(data_dir: Path, read: dict[str, str] | None = None) -> dict[str, str]:
    """SHA-256 of every data file and ontology file; `read`: the hashes of the bytes a build actually read."""
    if read is not None:
        inputs = dict(read)
    else:
        inputs = {str(p.relative_to(data_dir)): _sha(p.read_bytes()) for p in sorted(data_dir.rglob("*.yaml"))}
    for part in ("model.yaml", "exportgraph.ttl", "shapes.ttl"):
        inputs[f"ontology/{part}"] = _sha(ontology_text(part).encode("utf-8"))
    return dict(sorted(inputs.items()))


def is_current(built: Build, data_dir: Path) -> bool:
    """Whether the build was made from exactly these data files and this ontology."""
    return bool(built.manifest.get("inputs") == input_hashes(data_dir)
                and built.manifest.get("exportgraph_version") == exportgraph.__version__)


def read_manifest(out_dir: Path, required: bool = True) -> Build | None:
    path = out_dir / MANIFEST
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        if required:
            raise BuildMissing(f"no build in {out_dir}: run `exportgraph build`") from None
        return None
    except (OSError, ValueError) as exc:
        raise BuildMissing(f"unreadable manifest {path}: {exc}") from None
    result = Build(out_dir, manifest)
    if required and not result.dataset.exists():
        raise BuildMissing(f"{result.dataset} named by the manifest is missing: rebuild")
    return result
