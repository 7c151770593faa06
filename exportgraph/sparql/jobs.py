"""What goes to a SPARQL worker process and what comes back (pickled over a pipe)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    text: str  # already prechecked (escapes expanded, nesting bounded)
    results_format: str | None  # for SELECT / ASK: a key of RESULT_FORMATS, None if nothing acceptable
    graph_format: str | None  # for CONSTRUCT / DESCRIBE: a key of GRAPH_FORMATS
    max_rows: int


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes = b""
    media_type: str = ""
    truncated: bool = False
    message: str = ""


def too_slow(limit_s: float) -> Answer:
    """A query stopped at its deadline (QueryTooSlow, 422)."""
    return Answer(422, message=f"the query ran longer than the {limit_s:g} s limit and was stopped; narrow it "
                               "(more specific patterns, a LIMIT) or run it on a copy of the dataset "
                               "(/download/dataset.nq)")
