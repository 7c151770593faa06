"""Commands that make, check, query and export the graph: build, validate, query, stats, export, load, ontology, serve."""

from __future__ import annotations

import argparse
import json
import logging
import re
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from exportgraph.cli.common import Add, open_store_for, print_rows
from exportgraph.exc import BadRequest
from exportgraph.settings import Settings, describe

COUNTED = re.compile(r"^(?P<stage>.+?) (?P<n>\d+)/(?P<total>\d+)(?: (?P<detail>.*))?$")


class BuildProgress:
    """The build's progress messages on stderr: a bar redrawn in place on a terminal, plain lines otherwise
    (CI logs), each with the seconds since the start."""

    def __init__(self, out: TextIO, tty: bool) -> None:
        self.out, self.tty, self.start, self.open = out, tty, time.monotonic(), False

    def __call__(self, message: str) -> None:
        elapsed = f"[{time.monotonic() - self.start:5.1f} s]"
        counted = COUNTED.match(message)
        if self.tty and counted:
            n, total = int(counted["n"]), int(counted["total"])
            filled = round(24 * n / max(total, 1))
            line = f"{elapsed} {counted['stage']} [{'#' * filled}{'.' * (24 - filled)}] {n}/{total} {counted['detail'] or ''}"
            width = shutil.get_terminal_size((100, 20)).columns - 1
            self.out.write("\r\x1b[K" + line[:width])
            self.open = n < total
            if not self.open:
                self.out.write("\n")
        else:
            if self.open:
                self.out.write("\n")
                self.open = False
            self.out.write(f"{elapsed} {message}\n")
        self.out.flush()


def build_progress(quiet: bool) -> Callable[[str], None] | None:
    return None if quiet else BuildProgress(sys.stderr, sys.stderr.isatty())


def cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    from exportgraph.graph.build import build

    result = build(settings.data_dir, settings.build_dir, build_progress(args.quiet))
    m = result.manifest
    print(f"built {result.dataset}: {m['quads']} quads, {m['records']} records, "
          f"{m['sources']} sources, {len(m['graphs'])} graphs")
    return 0


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    from exportgraph.graph.build import compile_dataset

    compiled = compile_dataset(settings.data_dir, build_progress(False), all_errors=True)
    print(f"valid: {compiled.records} records from {compiled.files} files, {len(compiled.lines)} quads conform")
    return 0


def cmd_query(args: argparse.Namespace, settings: Settings) -> int:
    import pyoxigraph as ox

    from exportgraph.graph.store import PREFIXES

    text = args.query
    if args.file:
        try:
            text = Path(args.file).read_text("utf-8")
        except OSError as exc:
            raise BadRequest(f"{args.file}: cannot read ({exc.strerror})") from None
    if not text:
        raise BadRequest("give a query string or --file")
    store = open_store_for(settings)
    result = store.query(PREFIXES + text)
    if isinstance(result, ox.QueryBoolean):
        print("true" if bool(result) else "false")
    elif isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        print_rows([{c: s[c] for c in columns} for s in result], columns, args.format)
    else:
        for triple in result:
            print(f"{triple} .")
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    from exportgraph.graph.build import read_manifest

    built = read_manifest(settings.build_dir)
    assert built is not None
    m = built.manifest
    if args.format == "json":
        print(json.dumps({k: m[k] for k in ("quads", "records", "sources", "records_by_class", "data_as_of")},
                         indent=1, ensure_ascii=False))
        return 0
    print(f"dataset     {built.dataset}")
    print(f"quads       {m['quads']}")
    print(f"records     {m['records']}")
    print(f"sources     {m['sources']} ({len(m['graphs'])} named graphs)")
    print(f"data as of  {m['data_as_of']}")
    for cls, n in m["records_by_class"].items():
        print(f"  {cls:<20} {n}")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    import pyoxigraph as ox

    from exportgraph.graph.build import read_manifest

    built = read_manifest(settings.build_dir)
    assert built is not None
    formats = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "turtle": ox.RdfFormat.TURTLE,
               "jsonld": ox.RdfFormat.JSON_LD, "ntriples": ox.RdfFormat.N_TRIPLES}
    fmt = formats[args.format]
    store = ox.Store()
    store.load(path=str(built.dataset), format=ox.RdfFormat.N_QUADS)
    try:
        out: Any = open(args.output, "wb") if args.output else sys.stdout.buffer  # noqa: SIM115 - closed below
    except OSError as exc:
        raise BadRequest(f"{args.output}: cannot write ({exc.strerror})") from None
    try:
        if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES):
            # Triples only: the union of the graphs (provenance stays as prov:wasDerivedFrom).
            triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store}
            ox.serialize(sorted(triples, key=str), out, format=fmt, prefixes=_PREFIXES)
        else:
            if fmt == ox.RdfFormat.N_QUADS:
                store.dump(out, format=fmt)
            else:
                store.dump(out, format=fmt, prefixes=_PREFIXES)
    finally:
        if args.output:
            out.close()
    return 0


QUERY_URL_OF = {"/store": "/query", "/sparql-graph-crud": "/sparql", "/sparql-graph-crud-auth": "/sparql"}


def query_url_for(gsp_url: str) -> str:
    """The query endpoint beside a Graph Store Protocol endpoint (Oxigraph's /store, Virtuoso's /sparql-graph-crud)."""
    for gsp, query in QUERY_URL_OF.items():
        if gsp_url.rstrip("/").endswith(gsp):
            return gsp_url.rstrip("/").removesuffix(gsp) + query
    raise BadRequest(f"--into {gsp_url}: give its SPARQL query endpoint with --query-url")


def cmd_load(args: argparse.Namespace, settings: Settings) -> int:
    from exportgraph.graph.build import read_manifest
    from exportgraph.graph.remoteload import Loader
    from exportgraph.graph.store import RemoteStore

    built = read_manifest(settings.build_dir)
    assert built is not None
    remote = RemoteStore(args.query_url or query_url_for(args.into), settings.remote_timeout_s)
    try:
        report = Loader(remote, args.into, build_progress(args.quiet)).run(built.dataset)
    finally:
        remote.close()
    print(f"loaded {report.quads} quads in {report.graphs} graphs into {args.into} in {report.seconds:.1f} s"
          f"{f', removed {len(report.removed)} stale graph(s)' if report.removed else ''}; the store is marked complete")
    return 0


def cmd_ontology(args: argparse.Namespace, settings: Settings) -> int:
    from exportgraph.ontology.generate import write

    for path in write():
        print(f"wrote {path}")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from exportgraph.api.serve import serve

    # Off a terminal, `serve` hands the build no progress callback: the build then logs its stages at INFO.
    logging.getLogger("exportgraph.graph.build").setLevel(logging.INFO)
    serve(settings, rebuild=args.rebuild)
    return 0


def _prefixes() -> dict[str, str]:
    from exportgraph.graph.terms import PREFIXES

    return dict(PREFIXES)


_PREFIXES = _prefixes()




def register(add: Add, sub: Any, common: Any) -> None:
    """Add the commands that make, check, query and export the graph, and `serve`."""
    p = add("build", cmd_build, "Compile data/ and the ontology into a validated dataset with a manifest.")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    add("validate", cmd_validate, "Check every data file against the model and the SHACL shapes; write nothing.")
    p = add("query", cmd_query, "Run a SPARQL query (default graph = union of all graphs; common prefixes predefined).")
    p.add_argument("query", nargs="?", help="the query text")
    p.add_argument("--file", "-f", help="read the query from a file")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p = add("stats", cmd_stats, "Counts of the built dataset, from its manifest.")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p = add("export", cmd_export, "Write the built dataset as N-Quads, TriG, Turtle, N-Triples or JSON-LD.")
    p.add_argument("--format", choices=["nquads", "trig", "turtle", "ntriples", "jsonld"], default="nquads")
    p.add_argument("--output", "-o", help="file to write (default: standard output)")
    p = add("load", cmd_load, "Push the built dataset into a remote store, all or nothing: the store is marked "
            "incomplete (graph urn:exportgraph:load) before the first graph is written (a Graph Store Protocol PUT "
            "each), stale graphs are removed, every graph is counted, and only then is it marked complete.")
    p.add_argument("--into", required=True, help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store "
                   "(Oxigraph) or http://127.0.0.1:8890/sparql-graph-crud (Virtuoso)")
    p.add_argument("--query-url", help="its SPARQL query endpoint (default: /query beside Oxigraph's /store, "
                   "/sparql beside Virtuoso's /sparql-graph-crud)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    add("ontology", cmd_ontology, "Regenerate exportgraph.ttl and shapes.ttl from model.yaml.")
    settings_help = "\n".join(f"  {var} (default {default}): {text}" for var, default, text in describe())
    p = sub.add_parser("serve", help="Build if needed, then serve the API, SPARQL endpoint and pages.",
                       description="Build if needed, then serve.\n\nSettings:\n" + settings_help,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    common(p)
    p.add_argument("--host", help="bind address (EXPORTGRAPH_HOST)")
    p.add_argument("--port", type=int, help="port (EXPORTGRAPH_PORT)")
    p.add_argument("--rebuild", action="store_true", help="rebuild even if a build exists")
    p.set_defaults(handler=cmd_serve)
