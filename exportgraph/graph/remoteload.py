"""All-or-nothing loads into a remote store, and the mark that says whether the store is complete.

The mark is the named graph `urn:exportgraph:load`, with one subject of the same IRI:

    <urn:exportgraph:load> <urn:exportgraph:load#status> "incomplete" | "complete" ;
        <urn:exportgraph:load#generation> "<uuid of this load>" ; <urn:exportgraph:load#dataset> "dataset-....nq" ;
        <urn:exportgraph:load#graphs> 488 ; <urn:exportgraph:load#quads> 1058684 ;
        <urn:exportgraph:load#started> "...Z" ; <urn:exportgraph:load#finished> "...Z" .

A load writes it "incomplete" before any graph, then every graph (one Graph Store Protocol PUT each),
removes the graphs of ours (under https://w3id.org/exportgraph/) that are no longer in the dataset, counts
every graph on the server against the dataset, and only then writes it "complete". A load killed at any
point (kill -9 included) leaves "incomplete", and the service refuses to answer from such a store.
The mark's triples are in the union default graph like any other (no rdf:type, so no class counts change).
"""

from __future__ import annotations

import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from exportgraph.exc import ExportGraphError, StoreIncomplete
from exportgraph.graph.store import RemoteStore
from exportgraph.graph.terms import BASE

MARK = "urn:exportgraph:load"
_P = MARK + "#"
PROGRESS_EVERY_S = 2.0
GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
# Cheap on Oxigraph (it lists its named graphs); only used for a store without a mark.
GRAPH_COUNT = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { } }"
READ_MARK = f"SELECT ?p ?o WHERE {{ GRAPH <{MARK}> {{ <{MARK}> ?p ?o }} }}"
Progress = Callable[[str], None]


@dataclass
class Mark:
    status: str
    generation: str = ""
    dataset: str = ""
    graphs: int = 0
    quads: int = 0
    started: str = ""
    finished: str = ""

    def ntriples(self) -> bytes:
        def lit(value: str) -> str:
            return str(ox.Literal(value))
        fields = {"status": lit(self.status), "generation": lit(self.generation), "dataset": lit(self.dataset),
                  "graphs": str(ox.Literal(str(self.graphs), datatype=ox.NamedNode(XSD_INTEGER))),
                  "quads": str(ox.Literal(str(self.quads), datatype=ox.NamedNode(XSD_INTEGER))),
                  "started": lit(self.started), "finished": lit(self.finished)}
        return "".join(f"<{MARK}> <{_P}{k}> {v} .\n" for k, v in fields.items() if v != '""').encode("utf-8")

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "generation": self.generation, "dataset": self.dataset,
                "graphs": self.graphs, "quads": self.quads, "started": self.started, "finished": self.finished}


XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def read_mark(remote: RemoteStore) -> Mark | None:
    """The store's mark, or None if no load of ours ever marked it."""
    rows = remote.select(READ_MARK, prefixes=False)
    if not rows:
        return None
    values = {str(r["p"].value).removeprefix(_P): str(r["o"].value) for r in rows if r.get("p") and r.get("o")}
    mark = Mark(status=values.get("status", "incomplete"), generation=values.get("generation", ""),
                dataset=values.get("dataset", ""), started=values.get("started", ""),
                finished=values.get("finished", ""))
    for name in ("graphs", "quads"):
        if values.get(name, "").isdigit():
            setattr(mark, name, int(values[name]))
    return mark


def graph_counts(remote: RemoteStore) -> dict[str, int]:
    rows = remote.select(GRAPH_COUNTS, prefixes=False)
    return {str(r["g"].value): int(r["n"].value) for r in rows if r.get("g") is not None}


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def read_graphs(dataset: Path) -> dict[str, bytes]:
    """The dataset's triples as N-Triples, per named graph (every quad of a build is in a named graph)."""
    graphs: dict[str, list[str]] = defaultdict(list)
    with dataset.open("r", encoding="utf-8") as fh:
        for line in fh:
            head, _, graph = line.rstrip(" .\n").rpartition(" ")
            graphs[graph.strip("<>")].append(head + " .\n")
    return {g: "".join(lines).encode("utf-8") for g, lines in sorted(graphs.items())}


@dataclass
class LoadReport:
    graphs: int
    quads: int
    removed: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    seconds: float = 0.0


class Loader:
    """One load of a dataset into a remote store through the Graph Store Protocol, all or nothing."""

    def __init__(self, remote: RemoteStore, gsp_url: str, progress: Progress | None = None) -> None:
        self.remote, self.gsp_url = remote, gsp_url
        self.say: Progress = progress or (lambda _m: None)
        self.graphs_done = self.quads_done = 0
        self.graphs_total = self.quads_total = 0

    def run(self, dataset: Path) -> LoadReport:
        started = time.monotonic()
        graphs = read_graphs(dataset)
        counts = {g: body.count(b"\n") for g, body in graphs.items()}
        self.graphs_total, self.quads_total = len(graphs), sum(counts.values())
        mark = Mark("incomplete", uuid.uuid4().hex, dataset.name, self.graphs_total, self.quads_total, _now())
        try:  # before any graph
            self.remote.put_graph(self.gsp_url, MARK, mark.ntriples())
        except ExportGraphError as exc:
            raise type(exc)(f"load into {self.gsp_url}: marking the store failed, nothing was written: "
                            f"{exc.message}") from None
        try:
            self._write(graphs, counts)
            before = self._step("listing the graphs on the store", lambda: graph_counts(self.remote))
            removed, foreign = self._remove_stale(before, counts)
            self._verify(counts)
            self._finish(mark)
        except KeyboardInterrupt:
            raise self._failed("interrupted") from None
        report = LoadReport(self.graphs_total, self.quads_total, removed, foreign, time.monotonic() - started)
        return report

    def _write(self, graphs: dict[str, bytes], counts: dict[str, int]) -> None:
        last = time.monotonic()
        self.say(self._counted())
        for graph, body in graphs.items():
            self._step(f"writing graph {graph}", partial(self.remote.put_graph, self.gsp_url, graph, body))
            self.graphs_done += 1
            self.quads_done += counts[graph]
            if time.monotonic() - last >= PROGRESS_EVERY_S or self.graphs_done == self.graphs_total:
                self.say(self._counted())
                last = time.monotonic()

    def _counted(self) -> str:
        return (f"graphs {self.graphs_done}/{self.graphs_total} "
                f"({self.quads_done:,} of {self.quads_total:,} quads written)")

    def _remove_stale(self, found: dict[str, int], counts: dict[str, int]) -> tuple[list[str], list[str]]:
        """Remove our graphs that the dataset no longer has; leave (and report) graphs that are not ours."""
        extra = sorted(g for g in found if g not in counts and g != MARK)
        ours = [g for g in extra if g.startswith(BASE)]
        for graph in ours:
            self._step(f"removing the stale graph {graph}", partial(self.remote.delete_graph, self.gsp_url, graph))
        if ours:
            self.say(f"removed {len(ours)} stale graph(s) no longer in the dataset")
        foreign = [g for g in extra if not g.startswith(BASE)]
        if foreign:
            self.say(f"left {len(foreign)} graph(s) that are not exportgraph's, whose triples are part of every "
                     f"answer: {', '.join(foreign[:3])}{' ...' if len(foreign) > 3 else ''}")
        return ours, foreign

    def _verify(self, counts: dict[str, int]) -> None:
        found = self._step("counting the graphs on the store", lambda: graph_counts(self.remote))
        wrong = [(g, n, found.get(g, 0)) for g, n in counts.items() if found.get(g, 0) != n]
        stale = [g for g in found if g.startswith(BASE) and g not in counts]
        if wrong or stale:
            first = (f"graph {wrong[0][0]} has {wrong[0][2]} quads on the store, {wrong[0][1]} in the dataset"
                     if wrong else f"the stale graph {stale[0]} is still there")
            raise self._failed(f"the counts do not match ({len(wrong) + len(stale)} graph(s); {first})")
        self.say(f"verified: {len(counts)} graphs, {sum(counts.values()):,} quads on the store match the dataset")

    def _finish(self, mark: Mark) -> None:
        current = self._step("reading the mark", lambda: read_mark(self.remote))
        if current is None or current.generation != mark.generation:
            raise self._failed("another load started meanwhile (the mark is no longer this load's)")
        mark.status, mark.finished = "complete", _now()
        self._step("marking the store complete", lambda: self.remote.put_graph(self.gsp_url, MARK, mark.ntriples()))

    def _step(self, what: str, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except StoreIncomplete:
            raise
        except ExportGraphError as exc:
            raise self._failed(f"{what} failed: {exc.message}") from None

    def _failed(self, why: str) -> StoreIncomplete:
        return StoreIncomplete(f"load into {self.gsp_url}: {why}; {self.graphs_done} of {self.graphs_total} graphs, "
                               f"{self.quads_done:,} of {self.quads_total:,} quads written; the store is marked "
                               "incomplete (the service answers 503 until a load completes)")


def store_status(remote: RemoteStore, expected_graphs: int | None) -> dict[str, Any]:
    """Whether the store is complete: by its mark, or (for a store that no load of ours marked) by its graph count."""
    mark = read_mark(remote)
    if mark is not None:
        return {"state": mark.status, "complete": mark.status == "complete", "load": mark.as_dict()}
    out: dict[str, Any] = {"state": "unmarked", "complete": None}
    if expected_graphs is not None:
        rows = remote.select(GRAPH_COUNT, prefixes=False)
        graphs = int(rows[0]["n"].value) if rows and rows[0].get("n") is not None else 0
        out.update(graphs=graphs, expected_graphs=expected_graphs, complete=graphs >= expected_graphs)
        if not out["complete"]:
            out["state"] = "incomplete"
    return out
