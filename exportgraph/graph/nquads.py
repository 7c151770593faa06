"""The dataset's bytes: sorted N-Quads lines taken from a store, then hashed, counted and written.

Nothing here makes the whole dataset one string: at about 250 MB of N-Quads, a str copy, its lines as str,
a set of them and the joined payload took 1.5 GB of a build's peak. Lines stay bytes; UTF-8 byte order is code
point order, so sorting the bytes gives the order sorting the text would.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox


class _LineSink:
    """A file-like target for Store.dump that keeps each line as it arrives (in chunks of about 8 KB)."""

    def __init__(self) -> None:
        self.lines: list[bytes] = []
        self.rest = b""

    def write(self, chunk: bytes) -> int:
        parts = (self.rest + chunk).split(b"\n")  # only \n: str.splitlines would also cut at U+2028 or U+0085
        self.rest = parts.pop()
        self.lines.extend(part + b"\n" for part in parts)
        return len(chunk)

    def flush(self) -> None:
        """Store.dump flushes its target; the lines are already kept."""


def sorted_lines(store: ox.Store) -> list[bytes]:
    """The store's quads as sorted, distinct N-Quads lines, each ending in a newline.

    Oxigraph writes typed literals in their canonical form ("1.0"^^xsd:decimal as "1"), so the lines are the
    store's, not the compiler's spelling; a store holds each quad once, so the lines are distinct.
    """
    sink = _LineSink()
    store.dump(output=cast(IO[bytes], sink), format=ox.RdfFormat.N_QUADS)  # it only calls write and flush
    if sink.rest:  # Oxigraph ends every quad with a newline
        raise ValueError("the N-Quads dump did not end with a newline")
    sink.lines.sort()
    return sink.lines


@dataclass(frozen=True)
class Digest:
    sha256: str
    bytes: int
    graphs: dict[str, int]  # quads per named graph


def digest(lines: list[bytes]) -> Digest:
    """SHA-256 of the concatenated lines, their size, and the quads of each graph (the last term of a line)."""
    sha = hashlib.sha256()
    size = 0
    counts: Counter[bytes] = Counter()
    for line in lines:
        sha.update(line)
        size += len(line)
        counts[line[line.rindex(b" ", 0, -3) + 1:-3]] += 1  # "... <graph> .\n"
    graphs = {g.decode("utf-8").strip("<>"): n for g, n in counts.items()}
    return Digest(sha.hexdigest(), size, dict(sorted(graphs.items())))


def file_sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            sha.update(block)
    return sha.hexdigest()


def write_atomic(path: Path, lines: list[bytes]) -> None:
    """Write the lines to a temp file beside `path`, fsync, rename: a reader sees the old file or the new one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as fh:
            fh.writelines(lines)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
