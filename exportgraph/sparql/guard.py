"""Judge a SPARQL query before any engine sees it, in microseconds, in the web process.

`precheck` expands codepoint escapes (`\\u0053ERVICE`), tokenizes the text with the grammar's terminals
(`tokens.py`) and decides on the token stream:
- SERVICE, FROM / FROM NAMED and every update keyword are refused where they are KEYWORD tokens: inside
  a string, an IRI, a comment, a variable or the local part of a prefixed name (`ex:SERVICE`, `:FROM`)
  they are not keywords. Oxigraph, though, reads keywords without a word boundary (`ASKFROM`,
  `service:x { }` as SERVICE :x { }): a keyword token or a prefix that reads as keywords reaching SERVICE
  or FROM is refused as well (`hidden_keyword`);
- brackets may nest at most `max_nesting` deep (pyoxigraph crashes at ~5,000 levels); brackets inside an
  IRIREF count too, because an engine may read its `<` as less-than;
- a number has at most MAX_DIGITS digits;
- a string literal that is a regular expression with too many counted repetitions is refused
  (`patterns.py`);
- a text with a character where no terminal starts is refused with its line and column.
What is left to judge (the grammar itself) is the engine's parser: pyoxigraph reports syntax errors
with their position. The engine is the second line: the worker evaluates with the union of the named
graphs as the default graph, and the named graphs given explicitly, so a FROM could not take effect.
The rdflib-based guard of earlier versions is kept in `reference.py` for the differential test.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from exportgraph.exc import QueryRefused, QueryTooLarge, UriTooLong
from exportgraph.sparql.anchored import anchored
from exportgraph.sparql.patterns import MAX_REPETITION, repetition_cost
from exportgraph.sparql.tokens import Token, string_value, tokenize, where

UPDATES_REFUSED = "updates are not accepted: this endpoint is read-only"
SERVICE_REFUSED = "SERVICE is not accepted: this endpoint queries its own dataset only"
FROM_REFUSED = "FROM and FROM NAMED are not accepted: the dataset is fixed"
# Keywords that exist only in SPARQL Update, or only to reach outside the dataset.
FORBIDDEN = {
    "SERVICE": SERVICE_REFUSED, "FROM": FROM_REFUSED,
    **dict.fromkeys(("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH",
                     "USING"), UPDATES_REFUSED),
}
# Oxigraph matches a keyword without a word boundary (measured, pyoxigraph 0.5.13): it reads `ASKFROM <g>` as
# ASK FROM <g>, `service:x { ... }` as SERVICE :x { ... } and `servicesilent:x { ... }` as SERVICE SILENT :x,
# and follows that SERVICE. So a word (a keyword token, or the prefix of a prefixed name) that reads as a
# run of keywords reaching SERVICE or FROM is refused too. Updates cannot hide so: Store.query and the
# remote store's query endpoint parse queries only.
HIDDEN = ("SERVICE", "FROM")
_KEYWORD_TEXT = """
    A ABS ADD ALL AS ASC ASK AVG BASE BIND BNODE BOUND BY CEIL CLEAR COALESCE CONCAT CONSTRUCT CONTAINS COPY
    COUNT CREATE DATA DATATYPE DAY DEFAULT DELETE DESC DESCRIBE DISTINCT DROP ENCODE_FOR_URI EXISTS FALSE FILTER
    FLOOR FROM GRAPH GROUP GROUP_CONCAT HASLANG HASLANGDIR HAVING HOURS IF IN INSERT INTO IRI ISBLANK ISIRI
    ISLITERAL ISNUMERIC ISTRIPLE ISURI LANG LANGDIR LANGMATCHES LATERAL LCASE LIMIT LOAD MAX MD5 MIN MINUS MINUTES
    MONTH MOVE NAMED NOT NOW OBJECT OFFSET OPTIONAL ORDER PREDICATE PREFIX RAND REDUCED REGEX REPLACE ROUND SAMPLE
    SECONDS SELECT SEPARATOR SERVICE SHA1 SHA256 SHA384 SHA512 SILENT STR STRAFTER STRBEFORE STRDT STRENDS STRLANG
    STRLANGDIR STRLEN STRSTARTS STRUUID SUBJECT SUBSTR SUM TIMEZONE TO TRIPLE TRUE TZ UCASE UNDEF UNION URI USING
    UUID VALUES VERSION WHERE WITH YEAR"""
KEYWORDS = tuple(sorted(_KEYWORD_TEXT.split()))  # SPARQL 1.1 and the 1.2 words Oxigraph knows
# Python refuses to convert integers of more than 4,300 digits; no query needs a number of more than a few dozen.
MAX_DIGITS = 100
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_OPEN = frozenset({"(", "{", "[", "<<(", "<<", "{|"})
_CLOSE = frozenset({")", "}", "]", ")>>", ">>", "|}"})


def expand_escapes(text: str) -> str:
    """Expand SPARQL codepoint escapes (\\uXXXX, \\UXXXXXXXX), as the grammar requires before parsing."""
    if "\\u" not in text and "\\U" not in text:
        return text

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


class Checked(NamedTuple):
    """A query that passed the guard: the text the engine gets, and whether it is anchored (anchored.py)."""

    text: str
    anchored: bool


def precheck(text: str, max_length: int, max_nesting: int, in_url: bool = False) -> str:
    """Refuse what no engine may see; returns the text (escapes expanded) the engine will get."""
    return inspect(text, max_length, max_nesting, in_url).text


def inspect(text: str, max_length: int, max_nesting: int, in_url: bool = False) -> Checked:
    """As precheck, and whether the query is cheap by its structure (anchored.py), from the same tokens."""
    if len(text) > max_length:
        cls = UriTooLong if in_url else QueryTooLarge
        raise cls(f"the query is {len(text)} characters long; the limit is {max_length}")
    if not text.strip():
        raise QueryRefused("the query is empty")
    expanded = expand_escapes(text)
    tokens = tokenize(expanded)
    judge(tokens, expanded, max_nesting)
    return Checked(expanded, anchored(tokens))


def judge(tokens: list[Token], text: str, max_nesting: int) -> None:
    """Refuse forbidden keywords, deep nesting, long numbers and costly patterns. Raises QueryRefused."""
    depth = 0
    for kind, value, pos in tokens:
        if kind == "PUNCT":
            if value in _OPEN:
                depth += 1
                if depth > max_nesting:
                    raise QueryRefused(f"the query nests brackets more than {max_nesting} deep "
                                       f"(at {where(text, pos)}); the limit is {max_nesting}")
            elif value in _CLOSE:
                depth = max(0, depth - 1)
        elif kind == "KEYWORD":
            if value in FORBIDDEN:
                raise QueryRefused(FORBIDDEN[value])
            _hidden(value, value)
        elif kind in ("PNAME_LN", "PNAME_NS"):
            _hidden(value.partition(":")[0], value)
        elif kind == "IRIREF":
            _iri_depth(value, depth, max_nesting, text, pos)
        elif kind == "NUMBER":
            _digits(value)
        elif kind == "STRING" and "{" in value:
            _pattern(value, text, pos)


def hidden_keyword(word: str) -> str | None:
    """SERVICE or FROM if Oxigraph can read the word as keywords, one of them these; else None."""
    upper = word.upper()
    for hidden in HIDDEN:
        if hidden in upper:
            break
    else:
        return None
    todo, seen = [0], set()
    while todo:
        at = todo.pop()
        for hidden in HIDDEN:
            if upper.startswith(hidden, at):
                return hidden
        for keyword in KEYWORDS:
            if upper.startswith(keyword, at) and at + len(keyword) not in seen:
                seen.add(at + len(keyword))
                todo.append(at + len(keyword))
    return None


def _hidden(word: str, token: str) -> None:
    hidden = hidden_keyword(word)
    if hidden is not None:
        raise QueryRefused(f"{FORBIDDEN[hidden]} (the engine reads {token!r} as {hidden} and more, keywords "
                           "being matched without a word boundary: separate the keywords, or rename the prefix)")


def _iri_depth(iri: str, depth: int, max_nesting: int, text: str, pos: int) -> None:
    """Brackets inside an IRIREF, as an engine reading its `<` as less-than would nest them."""
    if "(" not in iri and "[" not in iri:  # an IRIREF holds no braces
        return
    floor = depth
    for ch in iri:
        if ch in "([":
            depth += 1
            if depth > max_nesting:
                raise QueryRefused(f"the query nests brackets more than {max_nesting} deep "
                                   f"(at {where(text, pos)}); the limit is {max_nesting}")
        elif ch in ")]":
            depth = max(floor, depth - 1)


def _digits(number: str) -> None:
    longest = max(len(run) for run in re.split(r"[^0-9]", number))
    if longest > MAX_DIGITS:
        raise QueryRefused(f"the query has a number of {longest} digits; the limit is {MAX_DIGITS}")


def _pattern(literal: str, text: str, pos: int) -> None:
    cost = repetition_cost(string_value(literal))
    if cost > MAX_REPETITION:
        shown = literal if len(literal) <= 60 else literal[:57] + "..."
        raise QueryRefused(
            f"the string {shown} at {where(text, pos)} is a regular expression whose counted repetitions "
            f"(nested ones multiplied) repeat a part {cost:,} times or more; the limit is {MAX_REPETITION:,}. "
            "Write a shorter pattern, or match in several steps")
