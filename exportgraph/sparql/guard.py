"""Inspect a SPARQL query before any engine evaluates it.

Two stages:
- `precheck` (cheap, linear, in the web process): length, codepoint escapes and
  nesting depth, so that no parser ever sees a text deep enough to overflow its
  stack (pyoxigraph segfaults at ~5,000 levels; rdflib raises RecursionError);
- `inspect` (rdflib's parser, run inside a worker process): the query is parsed
  and its parse tree and algebra are walked for updates, SERVICE and dataset
  clauses (FROM / FROM NAMED). A query rdflib cannot parse is refused, so the
  evaluating engine never sees a query the guard did not understand.

Codepoint escapes (`\\u0053ERVICE`) are expanded here once, before both stages,
and the expanded text is what the parsers and the engine receive: no engine
gets a chance to expand them differently.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from exportgraph.exc import QueryRefused, QueryTooLarge, UriTooLong

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# Tokens that matter for nesting; at each position the first alternative wins.
_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'      # long strings
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'             # short strings
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r"|<[^<>\"{}|^`\\\x00-\x20]*>"       # IRIREF (may hide brackets: counted, see _depth)
    r"|#[^\n\r]*"                         # comment
    r"|\\."                               # a local-name escape such as ex:a\#b
    r"|[(){}\[\]]",
    re.DOTALL,
)
_OPEN, _CLOSE = "({[", ")}]"
# Python refuses to convert integers of more than 4,300 digits (rdflib logs a traceback, then answers);
# no query needs a number of more than a few dozen.
MAX_DIGITS = 100
_DIGITS = re.compile(f"[0-9]{{{MAX_DIGITS + 1},}}")
UPDATES_REFUSED = "updates are not accepted: this endpoint is read-only"


@dataclass(frozen=True)
class Inspection:
    """What the guard learnt of an accepted query."""

    form: str  # SelectQuery, AskQuery, ConstructQuery, DescribeQuery


def expand_escapes(text: str) -> str:
    """Expand SPARQL codepoint escapes (\\uXXXX, \\UXXXXXXXX), as the grammar requires before parsing."""

    def one(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryRefused(f"invalid codepoint escape {m.group(0)!r}")
        return chr(code)

    expanded = _ESCAPE.sub(one, text)
    if _ESCAPE.search(expanded):
        # \u005Cu0053 expands to \u0053: an engine that expanded again would read another query.
        raise QueryRefused("codepoint escapes that produce further escapes are not accepted")
    return expanded


def nesting_depth(text: str) -> int:
    """Deepest nesting of ( { [ outside strings and comments.

    Brackets inside an IRI-looking token count too (an engine may read `<` as
    less-than there), but closers inside it cannot undo openers outside it:
    the count may overstate, never understate.
    """
    depth = deepest = 0
    for m in _TOKEN.finditer(text):
        token = m.group(0)
        if token in _OPEN:
            depth += 1
        elif token in _CLOSE:
            depth = max(0, depth - 1)
        elif token[0] == "<":
            floor = depth
            for ch in token:
                if ch in _OPEN:
                    depth += 1
                    deepest = max(deepest, depth)
                elif ch in _CLOSE:
                    depth = max(floor, depth - 1)
            continue
        else:
            continue
        deepest = max(deepest, depth)
    return deepest


def precheck(text: str, max_length: int, max_nesting: int, in_url: bool = False) -> str:
    """Length, escapes and nesting; returns the text the parsers and the engine will see."""
    if len(text) > max_length:
        cls = UriTooLong if in_url else QueryTooLarge
        raise cls(f"the query is {len(text)} characters long; the limit is {max_length}")
    if not text.strip():
        raise QueryRefused("the query is empty")
    expanded = expand_escapes(text)
    depth = nesting_depth(expanded)
    if depth > max_nesting:
        raise QueryRefused(f"the query nests brackets {depth} deep; the limit is {max_nesting}")
    longest = longest_number(expanded)
    if longest > MAX_DIGITS:
        raise QueryRefused(f"the query has a number of {longest} digits; the limit is {MAX_DIGITS}")
    return expanded


def longest_number(text: str) -> int:
    """The longest run of digits outside strings, IRIs and comments (0 if none is over MAX_DIGITS)."""
    longest, start = 0, 0
    for m in _TOKEN.finditer(text):
        if len(m.group(0)) > 1:  # a string, an IRI, a comment or an escape: skip it
            longest = max([longest] + [len(d) for d in _DIGITS.findall(text, start, m.start())])
            start = m.end()
    return max([longest] + [len(d) for d in _DIGITS.findall(text, start)])


def _parser_message(exc: Exception) -> str:
    """The parser's own words, on one line, without anything that looks like a traceback."""
    msg = " ".join(str(exc).split())
    return msg[:500] if msg else type(exc).__name__


def inspect(text: str) -> Inspection:
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
    return Inspection(form=str(query.algebra.name))


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
            raise QueryRefused("SERVICE is not accepted: this endpoint queries its own dataset only")
        if name == "DatasetClause" or dict.get(node, "datasetClause"):  # CompValue.get defaults to the key
            raise QueryRefused("FROM and FROM NAMED are not accepted: the dataset is fixed")
        if name in _UPDATE_NODES:
            raise QueryRefused(UPDATES_REFUSED)


_UPDATE_NODES = frozenset({"Load", "Clear", "Drop", "Create", "Add", "Move", "Copy", "InsertData",
                           "DeleteData", "DeleteWhere", "Modify", "Update"})


class Verdicts:
    """The guard's recent verdicts by query text (an LRU of digests).

    rdflib's parser takes 15-100 ms for an ordinary query; a query already
    judged is not parsed again. A refusal is remembered with its message.
    """

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._seen: OrderedDict[bytes, str | None] = OrderedDict()

    @staticmethod
    def _key(text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def lookup(self, text: str) -> tuple[bool, str | None]:
        """(known, refusal message or None when accepted)."""
        key = self._key(text)
        if key not in self._seen:
            return False, None
        self._seen.move_to_end(key)
        return True, self._seen[key]

    def remember(self, text: str, refusal: str | None) -> None:
        self._seen[self._key(text)] = refusal
        while len(self._seen) > self.size:
            self._seen.popitem(last=False)
