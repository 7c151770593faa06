"""Is a query anchored: cheap by its structure alone, so that it may be evaluated without a hand-off?

A worker process (or a thread) makes a query killable, and costs a hand-off several times the evaluation of
a point lookup (bench/bench_anatomy.py). A query whose every triple pattern starts from something already
fixed cannot run long: the engine walks an index from a constant (or from a row of an earlier pattern),
so the work is bounded by the out-degree of a few nodes, not by the size of the data. Such a query is
evaluated directly (sparql/inline.py), still behind every guard; anything else keeps its killable path.

The rule is read from the guard's tokens, on a deliberately small subset of the grammar; a query outside
it is simply not anchored:
    Prologue (PREFIX / BASE)
    SELECT [DISTINCT | REDUCED] (variables | *)  or  ASK
    [WHERE] { triples, FILTER ( expression ), OPTIONAL { triples, FILTER }, `.` }
    [ORDER BY variables | ASC(?v) | DESC(?v)] [LIMIT n] [OFFSET n]
Terms are IRIs, prefixed names, variables, literals (with a language tag or a datatype) and `a`; no blank
nodes, collections, property paths, sub-queries, EXISTS, UNION, GRAPH, VALUES, BIND, aggregates or REGEX.
Each triple pattern, in the order written, must have as subject a constant or a variable bound by an
earlier pattern, or else a literal object under a constant predicate (`?e skos:notation "3B001"`: the
few nodes carrying that literal). At most MAX_PATTERNS patterns.
"""

from __future__ import annotations

from exportgraph.sparql.tokens import Token

MAX_PATTERNS = 6
# Functions and operators whose cost is a constant per row.
_FILTER_WORDS = frozenset({
    "STR", "LANG", "LANGMATCHES", "DATATYPE", "BOUND", "ISIRI", "ISURI", "ISBLANK", "ISLITERAL", "ISNUMERIC",
    "SAMETERM", "CONTAINS", "STRSTARTS", "STRENDS", "LCASE", "UCASE", "STRLEN", "IN", "NOT", "TRUE", "FALSE",
})
_FILTER_PUNCT = frozenset({"(", ")", ",", "=", "!=", "<", ">", "<=", ">=", "&&", "||", "!", "^^"})
_FILTER_KINDS = frozenset({"VAR", "IRIREF", "PNAME_LN", "PNAME_NS", "STRING", "NUMBER", "LANGTAG"})
_CONSTANT = frozenset({"IRIREF", "PNAME_LN", "PNAME_NS"})
_LITERAL = frozenset({"STRING", "NUMBER"})
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

Term = tuple[str, str]  # (kind, text)


class _NotAnchored(Exception):
    pass


def anchored(tokens: list[Token]) -> bool:
    """True when the query is in the subset above and every triple pattern starts from a fixed node."""
    try:
        return _Reader(tokens).query()
    except (_NotAnchored, IndexError):
        return False


class _Reader:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.at = 0
        self.bound: set[str] = set()
        self.patterns = 0

    # ---------------------------------------------------------------- tokens

    def peek(self) -> Token:
        return self.tokens[self.at]

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def expect(self, kind: str, text: str | None = None) -> Token:
        token = self.take()
        if token.kind != kind or (text is not None and token.text != text):
            raise _NotAnchored
        return token

    def is_(self, kind: str, text: str | None = None) -> bool:
        if self.at >= len(self.tokens):
            return False
        token = self.tokens[self.at]
        return token.kind == kind and (text is None or token.text == text)

    # ---------------------------------------------------------------- the grammar subset

    def query(self) -> bool:
        while self.is_("KEYWORD", "PREFIX") or self.is_("KEYWORD", "BASE"):
            if self.take().text == "PREFIX":
                self.expect("PNAME_NS")
            self.expect("IRIREF")
        form = self.expect("KEYWORD").text
        if form == "SELECT":
            self._projection()
        elif form != "ASK":
            return False
        if self.is_("KEYWORD", "WHERE"):
            self.take()
        self._group(optional_allowed=True)
        self._modifiers()
        return self.at == len(self.tokens) and self.patterns > 0

    def _projection(self) -> None:
        if self.is_("KEYWORD", "DISTINCT") or self.is_("KEYWORD", "REDUCED"):
            self.take()
        if self.is_("PUNCT", "*"):
            self.take()
            return
        self.expect("VAR")
        while self.is_("VAR"):
            self.take()

    def _group(self, optional_allowed: bool) -> None:
        self.expect("PUNCT", "{")
        while not self.is_("PUNCT", "}"):
            token = self.peek()
            if token.kind == "PUNCT" and token.text == ".":
                self.take()
            elif token.kind == "KEYWORD" and token.text == "FILTER":
                self.take()
                self._filter()
            elif token.kind == "KEYWORD" and token.text == "OPTIONAL" and optional_allowed:
                self.take()
                outside = set(self.bound)  # what an OPTIONAL binds may stay unbound: not an anchor after it
                self._group(optional_allowed=False)
                self.bound = outside
            else:
                self._triples()
        self.take()

    def _filter(self) -> None:
        self.expect("PUNCT", "(")
        depth = 1
        while depth:
            token = self.take()
            if token.kind == "PUNCT":
                if token.text not in _FILTER_PUNCT:
                    raise _NotAnchored
                depth += {"(": 1, ")": -1}.get(token.text, 0)
            elif token.kind == "KEYWORD":
                if token.text not in _FILTER_WORDS:
                    raise _NotAnchored
            elif token.kind not in _FILTER_KINDS:
                raise _NotAnchored

    def _triples(self) -> None:
        subject = self._term()
        while True:
            verb = self._verb()
            while True:
                self._pattern(subject, verb, self._object())
                if not self.is_("PUNCT", ","):
                    break
                self.take()
            if not self.is_("PUNCT", ";"):
                return
            while self.is_("PUNCT", ";"):
                self.take()
            if self.is_("PUNCT", ".") or self.is_("PUNCT", "}"):
                return

    def _term(self) -> Term:
        token = self.take()
        if token.kind in _CONSTANT or token.kind == "VAR":
            return token.kind, token.text
        raise _NotAnchored

    def _verb(self) -> Term:
        token = self.take()
        if token.kind == "KEYWORD" and token.text == "A":
            return "IRIREF", f"<{_TYPE}>"
        if token.kind in _CONSTANT or token.kind == "VAR":
            if self.at < len(self.tokens) and self.peek().kind == "PUNCT" and self.peek().text in "*+?/|^":
                raise _NotAnchored  # a property path
            return token.kind, token.text
        raise _NotAnchored  # a path starting with ^ or (, or anything else

    def _object(self) -> Term:
        token = self.take()
        if token.kind in _LITERAL:
            if self.is_("LANGTAG"):
                self.take()
            elif self.is_("PUNCT", "^^"):
                self.take()
                self._term()
            return "LITERAL", token.text
        if token.kind == "KEYWORD" and token.text in ("TRUE", "FALSE"):
            return "LITERAL", token.text
        if token.kind in _CONSTANT or token.kind == "VAR":
            return token.kind, token.text
        raise _NotAnchored

    def _pattern(self, subject: Term, verb: Term, obj: Term) -> None:
        self.patterns += 1
        if self.patterns > MAX_PATTERNS:
            raise _NotAnchored
        fixed = subject[0] in _CONSTANT or subject[1] in self.bound
        by_literal = obj[0] == "LITERAL" and verb[0] in _CONSTANT and verb[1] not in (f"<{_TYPE}>", "rdf:type")
        if not (fixed or by_literal):
            raise _NotAnchored
        self.bound.update(term[1] for term in (subject, verb, obj) if term[0] == "VAR")

    def _modifiers(self) -> None:
        if self.is_("KEYWORD", "ORDER"):
            self.take()
            self.expect("KEYWORD", "BY")
            while self.is_("VAR") or self.is_("KEYWORD", "ASC") or self.is_("KEYWORD", "DESC"):
                if self.take().kind == "KEYWORD":
                    self.expect("PUNCT", "(")
                    self.expect("VAR")
                    self.expect("PUNCT", ")")
        while self.is_("KEYWORD", "LIMIT") or self.is_("KEYWORD", "OFFSET"):
            self.take()
            self.expect("NUMBER")
