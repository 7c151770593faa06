"""The rdflib-based guard of earlier versions, kept as a reference for the token guard.

`inspect` parses a query with rdflib and walks its parse tree and algebra for updates, SERVICE and
dataset clauses (FROM / FROM NAMED). It takes milliseconds per query, so the service no longer runs it
(`exportgraph.sparql.guard` decides on the token stream in microseconds); tests/test_sparql_tokens.py
checks that both give the same verdict on forbidden features over many queries, and
bench/bench_guard.py compares their cost. Give it text that `guard.expand_escapes` has expanded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from exportgraph.exc import QueryRefused
from exportgraph.sparql.guard import FROM_REFUSED, SERVICE_REFUSED, UPDATES_REFUSED


def _parser_message(exc: Exception) -> str:
    """The parser's own words, on one line, without anything that looks like a traceback."""
    msg = " ".join(str(exc).split())
    return msg[:500] if msg else type(exc).__name__


def inspect(text: str) -> str:
    """Parse with rdflib and refuse updates, SERVICE and dataset clauses. Raises QueryRefused."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        if _is_update(text):
            raise QueryRefused(UPDATES_REFUSED) from None
        raise QueryRefused(f"SPARQL syntax error: {_parser_message(exc)}") from None
    except RecursionError:
        raise QueryRefused("the query is nested too deeply to parse") from None
    except Exception as exc:  # noqa: BLE001 - any parser failure is the client's query: a 400, not a 500
        raise QueryRefused(f"SPARQL syntax error: {_parser_message(exc)}") from None
    _refuse_forbidden(parsed)
    try:
        query = translateQuery(parsed)
    except RecursionError:
        raise QueryRefused("the query is nested too deeply to parse") from None
    except Exception as exc:  # noqa: BLE001 - rdflib raises plain Exceptions for invalid queries
        raise QueryRefused(f"invalid SPARQL query: {_parser_message(exc)}") from None
    _refuse_forbidden(query.algebra)
    return str(query.algebra.name)


def _is_update(text: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except Exception:  # noqa: BLE001 - not an update either: the query's own error is reported
        return False
    return True


def _nodes(root: Any) -> Iterator[Any]:
    """Every node of an rdflib parse tree or algebra (CompValue, ParseResults, lists), iteratively."""
    from pyparsing import ParseResults

    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, dict):  # CompValue is an OrderedDict
            stack.extend(dict.values(node))
        elif isinstance(node, ParseResults):
            stack.extend(list(node))
            stack.extend(list(node.as_dict().values()))
        elif isinstance(node, (list, tuple, set, frozenset)):
            stack.extend(node)


def _refuse_forbidden(tree: Any) -> None:
    for node in _nodes(tree):
        if not isinstance(node, dict):  # only CompValues (OrderedDicts) carry a name
            continue
        name = getattr(node, "name", None)
        if name == "ServiceGraphPattern" or "service_string" in node:
            raise QueryRefused(SERVICE_REFUSED)
        if name == "DatasetClause" or dict.get(node, "datasetClause"):  # CompValue.get defaults to the key
            raise QueryRefused(FROM_REFUSED)
        if name in _UPDATE_NODES:
            raise QueryRefused(UPDATES_REFUSED)


_UPDATE_NODES = frozenset({"Load", "Clear", "Drop", "Create", "Add", "Move", "Copy", "InsertData",
                           "DeleteData", "DeleteWhere", "Modify", "Update"})
