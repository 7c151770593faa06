"""Questions as data: the SELECT texts a question sends and the function that makes its answer of their rows.

A request whose questions do not depend on each other sends all their texts at once (`asked`): a remote store
gets them together (graph/store.py `select_values`, one thread, a connection each), and the embedded store
answers them one after the other. Either way the rows hold plain values (graph/rows.py). Each question keeps
its plain form too (`answer`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from exportgraph.graph.rows import Row
from exportgraph.graph.store import GraphStore

T_ = TypeVar("T_")
U_ = TypeVar("U_")


@dataclass(frozen=True)
class Ask(Generic[T_]):
    """SELECT texts (without prefixes) and what their rows, one list per text, make."""

    texts: list[str]
    finish: Callable[[list[list[Row]]], T_]

    def then(self, use: Callable[[T_], U_]) -> Ask[U_]:
        """The same texts, with `use` applied to the answer."""
        finish = self.finish
        return Ask(self.texts, lambda rows: use(finish(rows)))


def asked(store: GraphStore, asks: list[Ask[Any]]) -> list[Any]:
    """The answers of these questions, in their order, their texts sent at once."""
    texts = [text for ask in asks for text in ask.texts]
    rows = store.select_values(texts) if texts else []
    out, at = [], 0
    for ask in asks:
        out.append(ask.finish(rows[at:at + len(ask.texts)]))
        at += len(ask.texts)
    return out


def answer(store: GraphStore, ask: Ask[T_]) -> T_:
    result: T_ = asked(store, [ask])[0]
    return result
