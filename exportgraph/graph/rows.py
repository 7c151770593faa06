"""A SELECT's rows as plain Python values: what every reader of a row turns a term into (query/base.py value()).

An IRI or a blank node is its string; a literal is its lexical form, except an xsd:integer (an int) and an
xsd:decimal (an int when whole, else a float); a language-tagged literal is a `Tagged` string that keeps its
tag. An unbound variable is None.

A remote store's answer is read into these values straight from its JSON (orjson), with no pyoxigraph term
made in between: a lookup at 5M quads reads about 150 rows, and making each term an object and then reading
its value back cost 2.2 ms of its 5 ms of CPU (0.6 ms read this way; bench/README.md, eighth session).
"""

from __future__ import annotations

from typing import Any

import orjson
import pyoxigraph as ox

from exportgraph.exc import StoreUnavailable
from exportgraph.graph.terms import XSD

Row = dict[str, Any]
INTEGER = XSD + "integer"
DECIMAL = XSD + "decimal"


class Tagged(str):
    """A language-tagged literal's text (a str, equal to the text), with its tag as `language`."""

    language: str


def tagged(text: str, language: str) -> Tagged:
    out = Tagged(text)
    out.language = language
    return out


def _typed(text: str, datatype: str) -> Any:
    """A typed literal's value: a number for xsd:integer and xsd:decimal, else its lexical form."""
    try:
        if datatype == INTEGER:
            return int(text)
        if datatype == DECIMAL:
            number = float(text)
            return int(number) if number.is_integer() else number
    except ValueError:  # an ill-typed literal ("x"^^xsd:integer) stays as written
        return text
    return text


def plain(term: Any) -> Any:
    """A pyoxigraph term as a plain value (a plain value as itself)."""
    if term is None:
        return None
    kind = type(term)
    if kind is ox.NamedNode:  # the commonest first: a lookup converts about 850 terms
        return term.value
    if kind is ox.Literal:
        if term.language:
            return tagged(term.value, term.language)
        return _typed(term.value, term.datatype.value)
    if isinstance(term, (str, int, float)):
        return term
    return getattr(term, "value", str(term))  # a blank node's label; a triple term's text


def rows_of_solutions(solutions: ox.QuerySolutions) -> list[Row]:
    names = [v.value for v in solutions.variables]
    # A solution iterates over its values in the order of the variables (None where unbound).
    return [dict(zip(names, map(plain, solution), strict=True)) for solution in solutions]


def rows_of_json(content: bytes) -> list[Row]:
    """The rows of a SPARQL 1.1 JSON results document (a SELECT's); StoreUnavailable if it is not one."""
    try:
        answer = orjson.loads(content)
        names = answer["head"]["vars"]
        out = []
        for binding in answer["results"]["bindings"]:
            row: Row = dict.fromkeys(names)
            for name, term in binding.items():
                kind, text = term["type"], term["value"]
                if kind == "uri" or kind == "bnode":  # Virtuoso's blank nodes are `nodeID://...`: kept as text
                    row[name] = text
                elif (language := term.get("xml:lang")) is not None:
                    row[name] = tagged(text, language)
                elif (datatype := term.get("datatype")) is not None:
                    row[name] = _typed(text, datatype)
                else:
                    row[name] = text
            out.append(row)
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise StoreUnavailable(f"the remote store sent results that do not parse ({type(exc).__name__}: "
                               f"{str(exc)[:100]})") from None
    return out
