"""Reading data files into records: the typed, checked form of what the YAML says.

Every error names the file and the record. Nothing here knows RDF syntax; that
is compile.py's job.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import multiprocessing
import os
import pickle
import re
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from exportgraph.exc import DataError
from exportgraph.graph.terms import ID_RE
from exportgraph.ontology.model import Model

log = logging.getLogger(__name__)

try:  # the C loader is several times faster on the large generated lists
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class Loader(_BaseLoader):
    """Dates stay text, so that a bad date is our clear error, not a crash inside the YAML parser."""


Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

SOURCE_KINDS = ("primary", "official", "secondary", "dataset", "editorial")
RESERVED = {"id", "type", "source", "locator", "unverified"}
URL_RE = re.compile(r"^https?://[^\s<>\"{}|\\^`]+\Z")  # \Z: $ would let a final newline through
LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*\Z")


@dataclass
class Source:
    id: str
    title: dict[str, str]
    url: str
    kind: str
    path: str
    issued: dt.date | None = None
    publisher: dict[str, str] = field(default_factory=dict)
    language: str | None = None


@dataclass
class Record:
    id: str
    type: str
    path: str
    sources: list[tuple[str, str | None]]  # (source id, locator)
    props: dict[str, list[Any]]
    unverified: bool = False


@dataclass
class DataSet:
    sources: dict[str, Source] = field(default_factory=dict)
    records: dict[str, Record] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)  # SHA-256 of the bytes read, by path under the root


def lang_map(value: Any, path: str, rid: str, key: str) -> dict[str, str]:
    if isinstance(value, str):
        return {"en": value}
    if isinstance(value, dict) and value and all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()
    ):
        bad = [k for k in value if not LANG_RE.match(k)]
        if bad:
            raise DataError(f"{key}: bad language tag {bad[0]!r} (expected one like en, zh, ja, zh-Hant)", path, rid)
        return {str(k): str(v) for k, v in value.items()}
    raise DataError(f"{key}: expected a string or a map of language to text, got {value!r}", path, rid)


def parse_date(value: Any, path: str, rid: str, key: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise DataError(f"{key}: expected a date YYYY-MM-DD, got a date-time {value!r}", path, rid)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise DataError(f"{key}: expected a date YYYY-MM-DD, got {value!r}", path, rid)


def _source(raw: Any, path: str) -> Source:
    if not isinstance(raw, dict):
        raise DataError(f"a source must be a mapping, got {raw!r}", path)
    sid = str(raw.get("id", ""))
    if not sid.startswith("src/") or not ID_RE.match(sid):
        raise DataError(f"source id must match src/<segments>, got {sid!r}", path, sid)
    unknown = set(raw) - {"id", "title", "url", "issued", "publisher", "kind", "language"}
    if unknown:
        raise DataError(f"unknown source fields {sorted(unknown)}", path, sid)
    url = raw.get("url")
    if not isinstance(url, str) or not URL_RE.match(url):
        raise DataError(f"url: expected an http(s) URL, got {url!r}", path, sid)
    kind = raw.get("kind")
    if kind not in SOURCE_KINDS:
        raise DataError(f"kind: expected one of {', '.join(SOURCE_KINDS)}, got {kind!r}", path, sid)
    if "title" not in raw:
        raise DataError("title: missing", path, sid)
    return Source(
        id=sid, title=lang_map(raw["title"], path, sid, "title"), url=url, kind=str(kind), path=path,
        issued=parse_date(raw["issued"], path, sid, "issued") if raw.get("issued") is not None else None,
        publisher=lang_map(raw["publisher"], path, sid, "publisher") if raw.get("publisher") else {},
        language=str(raw["language"]) if raw.get("language") else None,
    )


def _sources_of(raw: dict[str, Any], path: str, rid: str,
                inherited: list[tuple[str, str | None]] | None) -> list[tuple[str, str | None]]:
    value = raw.get("source")
    if value is None:
        if inherited is None:
            raise DataError("source: missing (no source, no fact)", path, rid)
        return list(inherited)
    items = value if isinstance(value, list) else [value]
    out: list[tuple[str, str | None]] = []
    for i, item in enumerate(items):
        if isinstance(item, str):
            loc = raw.get("locator") if i == 0 else None
            out.append((item, str(loc) if loc is not None else None))
        elif isinstance(item, dict) and isinstance(item.get("source"), str):
            loc = item.get("locator")
            out.append((item["source"], str(loc) if loc is not None else None))
        else:
            raise DataError(f"source: expected a source id or {{source, locator}}, got {item!r}", path, rid)
    if not out:
        raise DataError("source: empty (no source, no fact)", path, rid)
    return out


class RecordReader:
    """Turns raw YAML records into Records, expanding nested ones."""

    def __init__(self, model: Model, path: str) -> None:
        self.model = model
        self.path = path

    def read(self, raw: Any, inherited: list[tuple[str, str | None]] | None = None,
             default_id: str | None = None) -> list[Record]:
        if not isinstance(raw, dict):
            raise DataError(f"a record must be a mapping, got {raw!r}", self.path)
        rid = str(raw.get("id") or default_id or "")
        if not ID_RE.match(rid):
            raise DataError(f"id: expected segments like cn/agency/mofcom, got {rid!r}", self.path, rid)
        cls = raw.get("type")
        if cls not in self.model.classes:
            raise DataError(f"type: unknown class {cls!r}", self.path, rid)
        allowed = self.model.allowed(str(cls))
        sources = _sources_of(raw, self.path, rid, inherited)
        unverified = raw.get("unverified", False)
        if not isinstance(unverified, bool):
            raise DataError("unverified: expected true or false", self.path, rid)
        out: list[Record] = []
        props: dict[str, list[Any]] = {}
        for key, value in raw.items():
            if key in RESERVED:
                continue
            spec = allowed.get(key)
            if spec is None:
                raise DataError(f"property {key!r} is not allowed on {cls} (see model.yaml)", self.path, rid)
            values = value if isinstance(value, list) else [value]
            kept: list[Any] = []
            for n, item in enumerate(values, 1):
                if isinstance(item, dict) and "type" in item and spec.range.startswith(("class:", "Resource")):
                    local = key.split(":", 1)[1]
                    nested = self.read(item, sources, f"{rid}/{local}-{n}")
                    out.extend(nested)
                    kept.append(nested[0].id)
                elif item is not None:
                    kept.append(item)
            if kept:
                props[key] = kept
        out.insert(0, Record(id=rid, type=str(cls), path=self.path, sources=sources, props=props,
                             unverified=unverified))
        return out

    def table(self, raw: Any) -> list[Record]:
        if not isinstance(raw, dict) or not isinstance(raw.get("columns"), list):
            raise DataError("a table needs type, source, columns and rows", self.path)
        columns = [str(c) for c in raw["columns"]]
        if "id" not in columns:
            raise DataError("a table needs an id column", self.path)
        rows = raw.get("rows") or []
        base = {k: raw[k] for k in ("type", "source", "unverified") if k in raw}
        out: list[Record] = []
        for n, row in enumerate(rows, 1):
            if not isinstance(row, list) or len(row) != len(columns):
                raise DataError(f"row {n}: expected {len(columns)} cells", self.path, str(row)[:60])
            rec: dict[str, Any] = dict(base)
            for col, cell in zip(columns, row, strict=True):
                if cell is None or cell == "":
                    continue
                name, _, lang = col.partition("@")
                if lang:
                    rec.setdefault(name, {})[lang] = cell
                else:
                    rec[name] = cell
            out.extend(self.read(rec))
        return out


CACHE_VERSION = b"records-v1"


def parse_yaml(path: Path, rel: str, cache: Path | None = None, raw: bytes | None = None) -> Any:
    """The file's YAML, through a cache of parsed files keyed by their SHA-256 (parsing is most of a build)."""
    raw = path.read_bytes() if raw is None else raw
    key = hashlib.sha256(CACHE_VERSION + raw).hexdigest()
    cached = cache / f"{key}.pickle" if cache else None
    if cached is not None and cached.exists():
        try:
            return pickle.loads(cached.read_bytes())  # noqa: S301 - our own cache, keyed by content hash
        except (pickle.UnpicklingError, EOFError, ValueError):
            cached.unlink(missing_ok=True)
    try:
        doc = yaml.load(raw.decode("utf-8"), Loader=Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "?"
        raise DataError(f"malformed YAML at {where}: {getattr(exc, 'problem', exc)}", rel) from None
    except UnicodeDecodeError:
        raise DataError("not UTF-8 text", rel) from None
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, cached)
    return doc


def read_file(model: Model, path: Path, root: Path, into: DataSet, cache: Path | None = None) -> None:
    rel = str(path.relative_to(root.parent)) if root.parent in path.parents else str(path)
    raw = path.read_bytes()
    # The manifest records the hash of these very bytes: a file edited during the build cannot pass as built.
    into.hashes[str(path.relative_to(root)) if root in path.parents else str(path)] = hashlib.sha256(raw).hexdigest()
    doc = parse_yaml(path, rel, cache, raw)
    if doc is None:
        return
    if not isinstance(doc, dict):
        raise DataError("a data file is a mapping with sources, records and tables", rel)
    unknown = set(doc) - {"sources", "records", "tables"}
    if unknown:
        raise DataError(f"unknown top-level keys {sorted(unknown)}", rel)
    reader = RecordReader(model, rel)
    for raw in doc.get("sources") or []:
        src = _source(raw, rel)
        if src.id in into.sources:
            raise DataError(f"source defined twice (also in {into.sources[src.id].path})", rel, src.id)
        into.sources[src.id] = src
    records: list[Record] = []
    for raw in doc.get("records") or []:
        records.extend(reader.read(raw))
    for raw in doc.get("tables") or []:
        records.extend(reader.table(raw))
    for rec in records:
        if rec.id in into.records:
            raise DataError(f"id defined twice (also in {into.records[rec.id].path})", rel, rec.id)
        into.records[rec.id] = rec
    into.files.append(path)


PARALLEL_MIN_BYTES = 4_000_000  # YAML still to parse before worker processes pay for their start (~0.5 s)


def _cached(path: Path, cache: Path) -> bool:
    return (cache / f"{hashlib.sha256(CACHE_VERSION + path.read_bytes()).hexdigest()}.pickle").exists()


def _fill_cache(path: Path, cache: Path) -> None:
    """In a worker process: parse one file into the cache. An error is left for the reader to find and report,
    in its order, as it would without workers."""
    with contextlib.suppress(DataError, OSError):
        parse_yaml(path, str(path), cache)


def _warm_cache(paths: list[Path], cache: Path | None,
                min_bytes: int = PARALLEL_MIN_BYTES) -> tuple[ProcessPoolExecutor | None, dict[Path, Future[None]]]:
    """Start parsing the files the cache lacks in worker processes, one a CPU (YAML parsing holds the GIL), when
    there are enough of them; the reader waits for a file's future before it reads the file."""
    workers = min(os.cpu_count() or 1, 4)
    if cache is None or workers < 2 or multiprocessing.current_process().daemon:  # a daemon may not have children
        return None, {}
    missing = [p for p in paths if not _cached(p, cache)]
    if len(missing) < 2 or sum(p.stat().st_size for p in missing) < min_bytes:
        return None, {}
    # spawn, not fork: a build can run inside a process with threads (serve), which fork does not copy safely
    pool = ProcessPoolExecutor(min(workers, len(missing)), mp_context=multiprocessing.get_context("spawn"))
    try:
        return pool, {p: pool.submit(_fill_cache, p, cache) for p in missing}
    except OSError as exc:  # no process could start (a process limit): this process parses every file
        log.warning("parsing data files in this process only: cannot start workers (%s)", exc)
        pool.shutdown(wait=False, cancel_futures=True)
        return None, {}


def read_data(model: Model, root: Path, errors: list[DataError] | None = None,
              cache: Path | None = None, progress: Callable[[str], None] | None = None,
              parallel_min_bytes: int = PARALLEL_MIN_BYTES) -> DataSet:
    """Read every file; with `errors`, collect each file's first error and go on; with `progress`, say how far
    it got (about ten messages, whatever the number of files). With a cache, files it lacks are parsed in
    worker processes first (when there are at least `parallel_min_bytes` of them); the result is the same."""
    if not root.is_dir():
        raise DataError("data directory not found", str(root))
    paths = sorted(root.rglob("*.yaml"))
    step = max(1, len(paths) // 10)
    data = DataSet()
    pool, pending = _warm_cache(paths, cache, parallel_min_bytes)
    try:
        for n, path in enumerate(paths, 1):
            if path in pending:
                with contextlib.suppress(Exception):  # a worker that failed: this process parses the file
                    pending.pop(path).result()
            try:
                read_file(model, path, root, data, cache)
            except DataError as exc:
                if errors is None:
                    raise
                errors.append(exc)
            if progress and (n % step == 0 or n == len(paths)):
                progress(f"parsing files {n}/{len(paths)} {path.relative_to(root)}")
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return data
