"""The command line, one module per command group (see main.py)."""

from exportgraph.cli.main import main, parser

__all__ = ["main", "parser"]
