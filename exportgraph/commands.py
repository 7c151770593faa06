"""Extension point for CLI commands that live beside the core ones (lookups, compare, render)."""

from __future__ import annotations

import argparse
from typing import Callable


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the item-level, comparison and rendering commands."""
