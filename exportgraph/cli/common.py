"""What every command shares: settings from flags, the store, progress and table output."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Callable
from typing import Any

from exportgraph.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]
Add = Callable[..., argparse.ArgumentParser]


def progress(enabled: bool) -> Callable[[str], None] | None:
    if not enabled or not sys.stderr.isatty():
        return None
    return lambda msg: print(f"... {msg}", file=sys.stderr, flush=True)


def settings_from(args: argparse.Namespace) -> Settings:
    overrides = {k: getattr(args, k, None) for k in ("data_dir", "build_dir", "store", "remote_query_url",
                                                      "host", "port")}
    return Settings.from_env(**overrides)


def open_store_for(settings: Settings) -> Any:
    from exportgraph.graph.build import read_manifest
    from exportgraph.graph.store import open_store

    if settings.store == "remote":
        return open_store("remote", None, settings.remote_query_url, settings.remote_timeout_s)
    built = read_manifest(settings.build_dir)
    assert built is not None
    return open_store("embedded", built.dataset)


def _cell(term: Any) -> str:
    if term is None:
        return ""
    return str(getattr(term, "value", term))


def print_rows(rows: list[dict[str, Any]], columns: list[str], fmt: str) -> None:
    if fmt == "json":
        print(json.dumps([{c: _cell(r.get(c)) for c in columns} for r in rows], ensure_ascii=False, indent=1))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows([[_cell(r.get(c)) for c in columns] for r in rows])
        sys.stdout.write(out.getvalue())
    else:
        table = [[_cell(r.get(c)) for c in columns] for r in rows]
        widths = [min(60, max([len(c)] + [len(row[i]) for row in table])) for i, c in enumerate(columns)]
        print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
        for row in table:
            print("  ".join(v[:60].ljust(w) for v, w in zip(row, widths, strict=True)))
        print(f"({len(table)} rows)", file=sys.stderr)


