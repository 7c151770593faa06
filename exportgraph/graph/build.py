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
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import IO, Any

try:
    import fcntl
except ImportError:  # not POSIX: no leases; old datasets are then kept, never removed
    fcntl = None  # type: ignore[assignment]

import pyoxigraph as ox

import exportgraph
from exportgraph.exc import BuildMissing, BuildWriteFailed, DataError, ModelError, ValidationFailed
from exportgraph.graph import terms as T
from exportgraph.graph.compile import Compiler
from exportgraph.graph.records import DataSet, Source, read_data
from exportgraph.graph.shacl import load_checks, validate
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


def compile_dataset(data_dir: Path, progress: Progress | None = None,
                    all_errors: bool = False, cache: Path | None = None) -> tuple[list[str], DataSet]:
    """Read, compile and validate; return the sorted N-Quads lines.

    Stops at the first bad record, or with all_errors, reports every bad file and record.
    """
    say = progress or (lambda msg: log.info("%s", msg))
    say("checking the ontology")
    check_generated()
    model = load_model()
    errors: list[DataError] | None = [] if all_errors else None
    data = read_data(model, data_dir, errors, cache, say)
    _derived_source(data)
    say(f"compiling {len(data.records):,} records from {len(data.files)} files")
    quads = Compiler(model, data, errors).compile() + _ontology_quads()
    say(f"compiled {len(data.records):,} records into {len(quads):,} quads")
    if errors:
        raise DataError(f"{len(errors)} error(s):\n  " + "\n  ".join(e.message for e in errors))
    store = ox.Store()
    store.extend(quads)
    say(f"validating {len(store):,} quads against the SHACL shapes")
    checks = load_checks(ontology_text("shapes.ttl"), ontology_text("exportgraph.ttl"))
    violations = validate(store, checks, limit=500 if all_errors else 50)
    say(f"validated: {len(checks)} checks, {len(violations)} violation(s)")
    if violations:
        lines = []
        for v in violations[: (len(violations) if all_errors else 20)]:
            rid = T.local_id(v.focus.split("#", 1)[0])
            rec = data.records.get(rid or "")
            where = f"{rec.path}:{rec.id}" if rec else v.focus
            lines.append(f"{where}: {v.shape}: {v.message}")
        more = f" (showing {len(lines)} of {len(violations)})" if len(violations) > len(lines) else ""
        sep = "\n  " if all_errors else "; "
        raise ValidationFailed(f"{len(violations)} SHACL violation(s){more}:{sep}" + sep.join(lines))
    say("serialising the quads")
    text = store.dump(format=ox.RdfFormat.N_QUADS)
    assert text is not None
    lines = sorted(set(text.decode("utf-8").splitlines(keepends=True)))
    return lines, data


def default_cache() -> Path:
    """Parsed data files, by content hash: shared by every build of this user."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "exportgraph" / "parsed"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _atomic_write(path: Path, payload: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _graph_counts(lines: list[str]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for line in lines:
        graph = line.rstrip(" .\n").rsplit(" ", 1)[-1]
        counts[graph.strip("<>")] += 1
    return dict(sorted(counts.items()))


def build(data_dir: Path, out_dir: Path, progress: Progress | None = None) -> Build:
    say = progress or (lambda msg: log.info("%s", msg))
    lines, data = _compile_with_cache(data_dir, say)
    payload = "".join(lines).encode("utf-8")
    digest = _sha(payload)
    name = f"dataset-{digest[:12]}.nq"
    inputs = input_hashes(data_dir, data.hashes)
    classes = Counter(rec.type for rec in data.records.values())
    manifest: dict[str, Any] = {
        "exportgraph_version": exportgraph.__version__,
        "ontology_version": load_model().version,
        "dataset": name,
        "format": "application/n-quads",
        "quads": len(lines),
        "records": len(data.records),
        "sources": len(data.sources),
        "data_as_of": max((s.issued for s in data.sources.values() if s.issued), default=None),
        "records_by_class": dict(sorted(classes.items())),
        "graphs": _graph_counts(lines),
        "inputs": inputs,
        "outputs": {name: {"sha256": digest, "bytes": len(payload)}},
    }
    if manifest["data_as_of"] is not None:
        manifest["data_as_of"] = manifest["data_as_of"].isoformat()
    with _writing(out_dir), _build_lock(out_dir):
        _remove_temp_files(out_dir)
        target = out_dir / name
        say(f"writing {target} ({len(payload) / 1e6:.1f} MB) and {MANIFEST}")
        if not (target.exists() and _sha(target.read_bytes()) == digest):
            _atomic_write(target, payload)
        previous = read_manifest(out_dir, required=False)
        _atomic_write(out_dir / MANIFEST, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())
        _remove_unused(out_dir, {name, str(previous.manifest["dataset"]) if previous else ""})
    log.info("built %s: %d quads in %d graphs", name, len(lines), len(manifest["graphs"]))
    return Build(out_dir, manifest)


def _compile_with_cache(data_dir: Path, progress: Progress) -> tuple[list[str], DataSet]:
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
