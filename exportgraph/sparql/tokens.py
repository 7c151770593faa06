"""A SPARQL 1.1 tokenizer built from the grammar's terminals (SPARQL 1.1 Query, section 19.8).

One compiled master regular expression, one alternative per terminal, tried in an order that gives the
grammar's reading wherever two terminals could start at the same character: strings before everything,
IRIREF before `<`, prefixed names before keywords (`service:x` is a name, not the keyword SERVICE),
DOUBLE before DECIMAL before INTEGER, NIL and ANON before their brackets. Whitespace and comments are
skipped. A character where no terminal starts makes the text untokenizable (`TokenError` with its
line and column): the grammar has no reading of it, so no engine should be given it.

Keywords are returned upper-cased, so a guard compares them case-insensitively. Codepoint escapes
(`\\u0053ERVICE`) are not expanded here: the caller expands them first, as the grammar requires.
Also read: the SPARQL 1.2 punctuation that Oxigraph accepts (`<<`, `>>`, `{|`, `|}`, `~`) and the
directional language tags (`@en--ltr`), so that a query using them is passed to the engine to judge.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from exportgraph.exc import QueryRefused

_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
         "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = f"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_VARNAME = f"[{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"
_ECHAR = r"\\[tbnrf\\\"']"
_WS = "[\x20\x09\x0d\x0a]"
_EXP = "[eE][+-]?[0-9]+"

_SKIPPED = ("WS", "COMMENT")
# (kind, pattern); the order is the order of trial at each position.
_TERMINALS: list[tuple[str, str]] = [
    ("WS", f"{_WS}+"),
    ("COMMENT", "#[^\r\n]*"),
    ("STRING", f"'''(?:(?:'|'')?(?:[^'\\\\]|{_ECHAR}))*'''"
               f'|"""(?:(?:"|"")?(?:[^"\\\\]|{_ECHAR}))*"""'
               f"|'(?:[^\\x27\\x5c\\x0a\\x0d]|{_ECHAR})*'"
               f'|"(?:[^\\x22\\x5c\\x0a\\x0d]|{_ECHAR})*"'),
    ("IRIREF", "<[^<>\"{}|^`\\\\\x00-\x20]*>"),
    ("PNAME_LN", f":{_LOCAL}"),  # with an empty prefix; see WORD for the others
    ("PNAME_NS", ":"),
    ("BLANK_NODE_LABEL", f"_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?"),
    ("VAR", f"[?$]{_VARNAME}"),
    ("LANGTAG", "@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?"),
    ("NUMBER", f"[0-9]+\\.[0-9]*{_EXP}|\\.[0-9]+{_EXP}|[0-9]+{_EXP}|[0-9]*\\.[0-9]+|[0-9]+"),
    ("WORD", f"[{_BASE}][{_CHARS}.]*+"),  # a prefix and its colon, or a keyword: read in tokenize()
    ("NIL", f"\\({_WS}*\\)"),
    ("ANON", f"\\[{_WS}*\\]"),
    ("PUNCT", r"\^\^|&&|\|\||!=|<=|>=|<<\(|\)>>|<<|>>|\{\||\|\}|[(){}\[\].,;*/|^?+\-=<>!~]"),
]
# Whitespace and comments are read in the same match as the token after them (one match a token, not two).
_GAP = f"(?:{_WS}+|#[^\r\n]*)*"
_MASTER = re.compile(_GAP + "(?:" + "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _TERMINALS
                                        if kind not in _SKIPPED) + ")?")
# Inside a WORD already known not to be a prefix: the same terminals, with keywords in its place.
_INNER = re.compile(_GAP + "(?:" + "|".join(f"(?P<{kind}>{pattern})" if kind != "WORD"
                                           else "(?P<KEYWORD>[A-Za-z][A-Za-z0-9_]*)"
                                           for kind, pattern in _TERMINALS if kind not in _SKIPPED) + ")?")
_LOCAL_RE = re.compile(_LOCAL)


class Token(NamedTuple):
    kind: str  # a terminal's name: KEYWORD, STRING, IRIREF, PNAME_LN, VAR, NUMBER, PUNCT...
    text: str  # as written (a KEYWORD upper-cased)
    pos: int  # offset in the text


class TokenError(QueryRefused):
    """The text has a character where no SPARQL terminal starts."""


def where(text: str, pos: int) -> str:
    """`line L, column C` (both from 1) of an offset."""
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"line {line}, column {column}"


def tokenize(text: str) -> list[Token]:
    """The tokens of a query (whitespace and comments dropped). Raises TokenError.

    A run of name characters (WORD) followed by `:` is a prefix (PN_PREFIX cannot end in a dot); else
    the run holds keywords and punctuation: one keyword when it is letters, digits and `_` only, else read
    with `_INNER` up to its end. Reading the run once is what keeps `a.a.a.a...` linear: the grammar's
    PNAME_NS as one expression rescans the rest of the run at every keyword in it (7 s for 20,000 characters).
    """
    out: list[Token] = []
    append = out.append
    pos, end = 0, len(text)
    scan = _scanner(text, 0)  # each match starts where the last one ended
    while pos < end:
        m = scan()
        kind = m.lastgroup if m is not None else None
        if m is None or kind is None:  # whitespace and comments to the end, or no terminal starts here
            pos = m.end() if m is not None else pos
            if pos < end:
                _unexpected(text, pos)
            break
        start, pos = m.start(kind), m.end()
        if kind != "WORD":
            append(Token(kind, m.group(kind), start))
            continue
        if text.startswith(":", pos) and text[pos - 1] != ".":
            local = _LOCAL_RE.match(text, pos + 1)
            stop = local.end() if local else pos + 1
            append(Token("PNAME_LN" if local else "PNAME_NS", text[start:stop], start))
            pos = stop
            scan = _scanner(text, stop)
            continue
        word = m.group(kind)
        if word.isascii() and word[0].isalpha() and word.replace("_", "").isalnum():
            append(Token("KEYWORD", word.upper(), start))
            continue
        word_end, pos = pos, start
        while pos < word_end:
            m = _INNER.match(text, pos)
            kind = m.lastgroup if m is not None else None
            if m is None or kind is None:
                _unexpected(text, m.end() if m is not None else pos)
                break
            value = m.group(kind)
            append(Token(kind, value.upper() if kind == "KEYWORD" else value, m.start(kind)))
            pos = m.end()
        if pos != word_end:
            scan = _scanner(text, pos)
    return out


def _scanner(text: str, pos: int) -> Callable[[], re.Match[str] | None]:
    """Matches of _MASTER one after the other from `pos` (an undocumented but long-standing `re` API)."""
    return _MASTER.scanner(text, pos).match  # type: ignore[attr-defined,no-any-return]


def _unexpected(text: str, pos: int) -> None:
    raise TokenError(f"SPARQL syntax error at {where(text, pos)}: unexpected {text[pos:pos + 12]!r}")


def string_value(token: str) -> str:
    """The characters a STRING token stands for (quotes removed, ECHAR escapes read)."""
    quote = 3 if token[:3] in ('"""', "'''") else 1
    body = token[quote:-quote]
    if "\\" not in body:
        return body
    return re.sub(r"\\(.)", lambda m: _ECHARS.get(m.group(1), m.group(1)), body)


_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f"}
