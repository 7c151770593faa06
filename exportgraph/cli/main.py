"""The `exportgraph` command line: the parser and the one place where errors become exit codes.

Every failure ends with one line on stderr that says what and where, and an exit
code other than 0, one per kind of failure (README.md, "Exit codes"); never a traceback
(set EXPORTGRAPH_DEBUG=1 to see one).
Commands live in one module per group: core (build, query, export, serve ...), items (entry,
crosswalk, customs, diff, search, party, compare) and render.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from exportgraph.cli import core, items, render
from exportgraph.cli.common import Handler, settings_from
from exportgraph.exc import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, ExportGraphError

log = logging.getLogger("exportgraph")


class Parser(argparse.ArgumentParser):
    """argparse exits 2 on a bad command line, which is DataError's code: ours is EX_USAGE (64)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", type=Path, help="data directory (EXPORTGRAPH_DATA_DIR)")
    p.add_argument("--build-dir", type=Path, help="build directory (EXPORTGRAPH_BUILD_DIR)")
    p.add_argument("--store", choices=["embedded", "remote"], help="query engine (EXPORTGRAPH_STORE)")
    p.add_argument("--remote-query-url", help="remote SPARQL endpoint (EXPORTGRAPH_REMOTE_QUERY_URL)")


def parser() -> argparse.ArgumentParser:
    root = Parser(prog="exportgraph", description=(
        "Build, validate, query, compare and serve the exportgraph knowledge graph of export controls."))
    sub = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, handler: Handler, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        _common(p)
        p.set_defaults(handler=handler)
        return p

    core.register(add, sub, _common)
    items.register(add)
    render.register(add)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO if os.environ.get("EXPORTGRAPH_VERBOSE") else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    try:
        settings = settings_from(args)
        handler: Handler = args.handler
        return handler(args, settings)
    except ExportGraphError as exc:
        print(f"exportgraph {args.command}: error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("exportgraph: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, no traceback
        if os.environ.get("EXPORTGRAPH_DEBUG"):
            raise
        print(f"exportgraph {args.command}: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
