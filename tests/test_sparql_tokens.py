"""The token guard (exportgraph/sparql/guard.py) against the rdflib-based reference guard.

The differential test runs both over every query written in the tests, the SPARQL page's examples and
generated spelling variants (case, codepoint escapes, comments between tokens, prefixed names, variables,
strings, IRIs and comments that hold keywords) and requires the same verdict on forbidden features:
what rdflib's parse tree shows as SERVICE, FROM / FROM NAMED or an update, the tokens refuse, and what
rdflib parses as an ordinary query, the tokens accept. Unit tests pin the tokenizer's terminals, its
error positions, its linear time and the bounds on regular expressions.
"""

from __future__ import annotations

import ast
import contextlib
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from exportgraph.api.sparql_examples import EXAMPLES
from exportgraph.exc import QueryRefused
from exportgraph.sparql.guard import FORBIDDEN, expand_escapes, precheck
from exportgraph.sparql.patterns import MAX_REPETITION, repetition_cost
from exportgraph.sparql.reference import inspect
from exportgraph.sparql.tokens import TokenError, tokenize

TESTS = Path(__file__).resolve().parent
URL = "http://127.0.0.1:9/"
_QUERY_WORD = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE|INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY)\b",
                         re.IGNORECASE)
FORBIDDEN_MESSAGES = frozenset(FORBIDDEN.values())
_QUOTED = re.compile(r'("""[\s\S]*?"""' r"|'''[\s\S]*?'''" r'|"(?:[^"\\]|\\.)*"' r"|'(?:[^'\\]|\\.)*')")


def queries_in_tests() -> list[str]:
    """Every string constant in tests/*.py that reads like a query (templates filled with a URL)."""
    found: list[str] = []
    for path in sorted(TESTS.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _QUERY_WORD.search(node.value):
                text = node.value
                if "{url}" in text:
                    text = text.format(url=URL)
                if "{" in text and len(text) < 5000:
                    found.append(text)
    return sorted(set(found))


# Queries that must be refused, with the keyword that makes them so, and ones that must be accepted
# although they spell keywords somewhere a keyword cannot be.
FORBIDDEN_BASES = [
    ("SERVICE", f"SELECT * WHERE {{ SERVICE <{URL}> {{ ?s ?p ?o }} }}"),
    ("SERVICE", f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE SILENT <{URL}> {{ ?s ?q ?r }} }} }}"),
    ("SERVICE", "SELECT * WHERE { BIND(<http://x/> AS ?u) SERVICE ?u { ?s ?p ?o } }"),
    ("SERVICE", f"ASK {{ FILTER EXISTS {{ SERVICE <{URL}> {{ ?s ?p ?o }} }} }}"),
    ("FROM", "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"),
    ("FROM", "SELECT * FROM NAMED <http://x/g> WHERE { GRAPH ?g { ?s ?p ?o } }"),
    ("FROM", "CONSTRUCT { ?s ?p ?o } FROM <http://x/g> WHERE { ?s ?p ?o }"),
    ("FROM", "ASK FROM <http://x/g> { ?s ?p ?o }"),
    ("FROM", "DESCRIBE ?s FROM <http://x/g> WHERE { ?s ?p ?o }"),
    ("INSERT", "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }"),
    ("INSERT", "PREFIX ex: <http://x/> INSERT { ex:a ex:b ?o } WHERE { ?s ?p ?o }"),
    ("DELETE", "DELETE WHERE { ?s ?p ?o }"),
    ("DELETE", "DELETE DATA { <http://x/a> <http://x/b> <http://x/c> }"),
    ("LOAD", f"LOAD <{URL}x>"),
    ("LOAD", f"LOAD SILENT <{URL}x> INTO GRAPH <http://x/g>"),
    ("CLEAR", "CLEAR ALL"),
    ("DROP", "DROP GRAPH <http://x/g>"),
    ("CREATE", "CREATE GRAPH <http://x/g>"),
    ("ADD", "ADD DEFAULT TO <http://x/g>"),
    ("MOVE", "MOVE <http://x/a> TO <http://x/b>"),
    ("COPY", "COPY DEFAULT TO <http://x/g>"),
    ("WITH", "WITH <http://x/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"),
    ("USING", "DELETE { ?s ?p ?o } USING <http://x/g> WHERE { ?s ?p ?o }"),
]
# Oxigraph reads keywords without a word boundary, so these reach SERVICE or FROM in the engine although
# the grammar reads a prefixed name or an unknown word: refused (rdflib's parser calls them ordinary queries
# or syntax errors).
ENGINE_READINGS = [
    "PREFIX : <{url}> SELECT * WHERE {{ service:x {{ ?s ?p ?o }} }}",
    "PREFIX : <{url}> SELECT * WHERE {{ servicesilent:x {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICEsilent <{url}> {{ ?s ?p ?o }} }}",
    "PREFIX : <{url}> SELECT * WHERE {{ SERVICE:x {{ ?s ?p ?o }} }}",
]
ENGINE_READINGS_FROM = [
    "PREFIX : <http://x/> SELECT (COUNT(*) AS ?n) from:g1 WHERE { ?s ?p ?o }",
    "SELECT (COUNT(*) AS ?n) FROMNAMED <http://x/g1> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "ASKFROM <http://x/g1> { ?s ?p ?o }",
    "PREFIX service: <http://x/> SELECT * WHERE { service:x ?p ?o }",  # refused: the guard does not parse
    "PREFIX from: <http://x/> SELECT * WHERE { from:a ?p ?o }",
]
DECOYS = [
    "PREFIX insert: <http://x/> PREFIX load: <http://y/> SELECT * WHERE { insert:data load:x ?o }",
    "PREFIX myservice: <http://x/> PREFIX nofrom: <http://y/> SELECT * WHERE { myservice:x nofrom:p ?o }",
    "PREFIX : <http://x/> SELECT * WHERE { :SERVICE :FROM :INSERT }",
    "PREFIX ex: <http://x/> SELECT * WHERE { ex:SERVICE ex:LOAD ex:DROP . ex:a\\.SERVICE ex:b ex:c }",
    "SELECT ?service ?from ?insert WHERE { ?service ?from ?insert }",
    "SELECT $service WHERE { $service ?p ?o }",
    'SELECT * WHERE { ?s ?p "SERVICE <http://x/> { ?s ?p ?o }" }',
    "SELECT * WHERE { ?s ?p 'FROM <http://x/g>' }",
    'SELECT * WHERE { ?s ?p """INSERT DATA { <a> <b> <c> }""" }',
    "SELECT * WHERE { ?s ?p '''DELETE WHERE { ?s ?p ?o }''' }",
    'SELECT * WHERE { ?s ?p "say \\"SERVICE\\"" }',
    "SELECT * WHERE { <http://x/SERVICE> <http://x/FROM> <http://x/LOAD> }",
    "SELECT * WHERE { ?s ?p ?o # SERVICE <http://x/> { ?s ?p ?o }\n }",
    "# INSERT DATA { <a> <b> <c> }\nASK { ?s ?p ?o }",
    "SELECT * WHERE { _:service ?p ?o }",
    'SELECT * WHERE { ?s ?p "x"@from }',
    "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
    'SELECT (CONCAT("SER", "VICE") AS ?x) WHERE { }',
]


def _escape_first(word: str) -> str:
    return f"\\u{ord(word[0]):04X}{word[1:]}"


def _escape_all(word: str) -> str:
    return "".join(f"\\u{ord(ch):04X}" for ch in word)


def _outside_quotes(text: str, old: str, new: str) -> str:
    """Replace `old` where it is not inside a quoted string (the bases quote without nesting)."""
    parts = _QUOTED.split(text)
    return "".join(p if i % 2 else p.replace(old, new) for i, p in enumerate(parts))


def spelling_variants(keyword: str, text: str) -> Iterator[str]:
    word = re.compile(rf"\b{keyword}\b")
    for spelt in (keyword.lower(), keyword.title(), keyword[0].lower() + keyword[1:], _escape_first(keyword),
                  _escape_all(keyword), _escape_first(keyword.lower())):
        yield word.sub(spelt.replace("\\", "\\\\"), text)
    yield _outside_quotes(text, " ", " # SERVICE FROM INSERT\n\t")
    yield _outside_quotes(text, " ", "#\n")


def decoy_variants(text: str) -> Iterator[str]:
    yield text
    yield text.lower().replace("?s ?p ?o", "?s ?p ?o")
    if "#" not in text:  # a comment of the base would end at the inserted newline
        yield _outside_quotes(text, " ", " #FROM\n")
    yield text.replace(":", "\\u003A") if "PREFIX" in text else text


def corpus() -> list[tuple[str, str]]:
    """(origin, query) for the differential test."""
    out = [("tests", q) for q in queries_in_tests()]
    out += [("examples", q) for _name, q in EXAMPLES]
    for keyword, base in FORBIDDEN_BASES:
        out += [("forbidden", v) for v in [base, *spelling_variants(keyword, base)]]
    out += [("decoy", v) for base in DECOYS for v in decoy_variants(base)]
    out += [("engine", q.format(url=URL)) for q in ENGINE_READINGS] + [("engine", q) for q in ENGINE_READINGS_FROM]
    seen: set[str] = set()
    return [(origin, q) for origin, q in out if not (q in seen or seen.add(q))]  # type: ignore[func-returns-value]


def hidden(text: str) -> bool:
    try:
        precheck(text, 20000, 64)
    except QueryRefused as exc:
        return "the engine reads" in exc.message
    return False


def token_verdict(text: str) -> str:
    """forbidden / other (nesting, digits, tokens, patterns: not a question of features) / ok."""
    try:
        precheck(text, 20000, 64)
    except QueryRefused as exc:
        return "forbidden" if exc.message.startswith(tuple(FORBIDDEN_MESSAGES)) else "other"
    return "ok"


def reference_verdict(text: str) -> str:
    """forbidden / syntax / ok, by rdflib's parse tree and algebra."""
    try:
        inspect(expand_escapes(text))
    except QueryRefused as exc:
        return "forbidden" if exc.message in FORBIDDEN_MESSAGES else "syntax"
    return "ok"


def test_the_corpus_is_large_and_mixed() -> None:
    origins = [origin for origin, _ in corpus()]
    assert len(origins) > 250
    assert min(origins.count(o) for o in ("tests", "examples", "forbidden", "decoy")) >= 20


def test_the_token_guard_gives_rdflibs_verdict_on_forbidden_features() -> None:
    disagreements, tally = [], {}  # type: ignore[var-annotated]
    for origin, text in corpus():
        ours = token_verdict(text)
        if ours == "other":
            continue  # refused for size, nesting, digits or untokenizable text: a question for both alike
        theirs = reference_verdict(text)
        tally[(ours, theirs)] = tally.get((ours, theirs), 0) + 1
        # rdflib cannot parse it: the tokens may refuse it for a keyword, or leave it to the engine's parser
        if theirs == "syntax":
            continue
        if ours == "forbidden" and theirs == "ok" and hidden(text):
            tally["engine-reading"] = tally.get("engine-reading", 0) + 1
            continue  # a keyword Oxigraph reads where the grammar reads none (ENGINE_READINGS)
        if (ours == "forbidden") != (theirs == "forbidden"):
            disagreements.append((origin, ours, theirs, text))
    assert not disagreements, disagreements[:10]
    assert tally.get(("forbidden", "forbidden"), 0) > 150, tally
    assert tally.get(("ok", "ok"), 0) > 80, tally


@pytest.mark.parametrize("origin, text", [(o, t) for o, t in corpus() if o in ("forbidden", "engine")])
def test_every_forbidden_spelling_is_refused(origin: str, text: str) -> None:
    assert token_verdict(text) == "forbidden", text


@pytest.mark.parametrize("text", [v for base in DECOYS for v in decoy_variants(base)])
def test_keywords_where_no_keyword_can_be_are_accepted(text: str) -> None:
    assert token_verdict(text) == "ok", text


def test_queries_the_engine_cannot_parse_are_its_to_refuse() -> None:
    """What the tokens pass and rdflib cannot parse, Oxigraph refuses too (no SERVICE: safe on an empty store)."""
    store = ox.Store()
    for _origin, text in corpus():
        if token_verdict(text) == "ok" and reference_verdict(text) == "syntax":
            with pytest.raises(SyntaxError):
                store.query(expand_escapes(text), use_default_graph_as_union=True)


# ---------------------------------------------------------------- the tokenizer


def kinds(text: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in tokenize(text)]


def test_terminals() -> None:
    assert kinds("SELECT ?x $y WHERE { ?x a ex:b\\.c ; :d 'e'@en-US , 1.5e3 , .5 , 3 , _:b1 , () , [] } "
                 "# comment\nLIMIT 10") == [
        ("KEYWORD", "SELECT"), ("VAR", "?x"), ("VAR", "$y"), ("KEYWORD", "WHERE"), ("PUNCT", "{"), ("VAR", "?x"),
        ("KEYWORD", "A"), ("PNAME_LN", "ex:b\\.c"), ("PUNCT", ";"), ("PNAME_LN", ":d"), ("STRING", "'e'"),
        ("LANGTAG", "@en-US"), ("PUNCT", ","), ("NUMBER", "1.5e3"), ("PUNCT", ","), ("NUMBER", ".5"),
        ("PUNCT", ","), ("NUMBER", "3"), ("PUNCT", ","), ("BLANK_NODE_LABEL", "_:b1"), ("PUNCT", ","),
        ("NIL", "()"), ("PUNCT", ","), ("ANON", "[]"), ("PUNCT", "}"), ("KEYWORD", "LIMIT"), ("NUMBER", "10")]
    assert kinds('"""a "quoted" b""" <http://x/a#b> ex: ^^ && || != <= >=') == [
        ("STRING", '"""a "quoted" b"""'), ("IRIREF", "<http://x/a#b>"), ("PNAME_NS", "ex:"), ("PUNCT", "^^"),
        ("PUNCT", "&&"), ("PUNCT", "||"), ("PUNCT", "!="), ("PUNCT", "<="), ("PUNCT", ">=")]
    assert kinds("service:x sErViCe true.:b ex.a:b%20c") == [
        ("PNAME_LN", "service:x"), ("KEYWORD", "SERVICE"), ("KEYWORD", "TRUE"), ("PUNCT", "."), ("PNAME_LN", ":b"),
        ("PNAME_LN", "ex.a:b%20c")]
    assert kinds("\u00e9t\u00e9:x ex:\u00e9 \u00e9t\u00e9:") == [("PNAME_LN", "\u00e9t\u00e9:x"), ("PNAME_LN", "ex:\u00e9"),
                                                  ("PNAME_NS", "\u00e9t\u00e9:")]
    assert kinds("?a<?b") == [("VAR", "?a"), ("PUNCT", "<"), ("VAR", "?b")]
    assert kinds("?a<?b>") == [("VAR", "?a"), ("IRIREF", "<?b>")]  # the grammar's longest match


@pytest.mark.parametrize("text, where", [
    ("SELECT * WHERE { ?s ?p 'unterminated }", "line 1, column 24"),
    ("ASK {\n  ?s ?p \u00a0 }", "line 2, column 9"),
    ("ASK { ?s ?p ?o } `", "line 1, column 18"),
    ("ASK { ?s ?p @ }", "line 1, column 13"),
])
def test_untokenizable_text_is_refused_with_its_position(text: str, where: str) -> None:
    with pytest.raises(TokenError, match=where):
        tokenize(text)
    with pytest.raises(QueryRefused, match="syntax error"):
        precheck(text, 20000, 64)


@pytest.mark.parametrize("text", ["a." * 10000, "a." * 9999 + "a:", "1." * 10000, "<a" * 10000, "(" * 20000,
                                  "'''" + "a" * 19000, "x:" + "a." * 9000, "?" * 20000])
def test_tokenizing_stays_linear(text: str) -> None:
    started = time.perf_counter()
    with contextlib.suppress(TokenError):
        tokenize(text)
    assert time.perf_counter() - started < 2.0  # linear: ~0.03 s at rest; a quadratic reading took 7 s


# ---------------------------------------------------------------- regular expressions


@pytest.mark.parametrize("pattern, cost", [
    ("abc", 1), ("a{10}", 10), ("[0-9]{4}-[0-9]{2}-[0-9]{2}", 6), ("(a{10}){100}", 1000), ("a{2,5}", 5),
    ("a{7,}", 7), ("\\{5000}", 1), ("[{]{3}", 3), ("(ab){3}", 5), ("x" * 3000 + "a{2}", 2),
])
def test_repetition_cost(pattern: str, cost: int) -> None:
    assert repetition_cost(pattern) == cost


@pytest.mark.parametrize("pattern", ["a{100000}{100000}", "(a{100}){100}", "((a{10}){10}){11}", "a{1001}",
                                     "a{999}" * 5, "a{99999999999999999999}", "[a-z]{2000}"])
def test_costly_patterns_are_over_the_bound(pattern: str) -> None:
    assert repetition_cost(pattern) > MAX_REPETITION


@pytest.mark.parametrize("text", [
    'SELECT * WHERE { ?s ?p ?o FILTER REGEX(STR(?o), "a{100000}{100000}") }',
    "SELECT (REPLACE(STR(?o), '(a{100}){100}', 'b') AS ?r) WHERE { ?s ?p ?o }",
    'SELECT * WHERE { BIND("a{5000}" AS ?re) ?s ?p ?o FILTER REGEX(?o, ?re) }',
    'SELECT * WHERE { ?s ?p ?o FILTER REGEX(?o, """(x{40}){40}""") }',
])
def test_costly_regex_literals_are_refused(text: str) -> None:
    with pytest.raises(QueryRefused, match="regular expression"):
        precheck(text, 20000, 64)


def test_ordinary_regexes_pass() -> None:
    for text in ('ASK { ?s ?p ?o FILTER REGEX(?o, "^[0-9]{4}-[0-9]{2}$") }',
                 'ASK { ?s ?p ?o FILTER REGEX(?o, "^3[AB]0{2}1", "i") }', 'ASK { ?s ?p "{2021}" }'):
        precheck(text, 20000, 64)


# ---------------------------------------------------------------- the engine as second line


class Listener:
    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(3)
        self.port = int(self.sock.getsockname()[1])
        self.connections: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        try:
            conn, _ = self.sock.accept()
            self.connections.append(conn)
            conn.close()  # the engine gets an empty answer and gives up
        except OSError:
            pass


def test_pyoxigraph_follows_service_so_the_guard_must_refuse_it() -> None:
    """pyoxigraph has no way to turn SERVICE off (no handler argument): it connects. Only the guard stops it."""
    listener = Listener()
    with pytest.raises(Exception):  # noqa: B017, PT011 - whatever the engine makes of the empty answer
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}"))
    listener.thread.join(5)
    listener.sock.close()
    assert listener.connections, "pyoxigraph no longer follows SERVICE: the guard is then a second line too"


def test_an_explicit_dataset_overrides_from() -> None:
    """The worker passes the dataset (union default graph, every named graph): FROM / FROM NAMED change nothing."""
    store = ox.Store()
    for g in ("http://x/g1", "http://x/g2"):
        store.add(ox.Quad(ox.NamedNode(f"{g}/s"), ox.NamedNode("http://x/p"), ox.Literal("o"), ox.NamedNode(g)))
    named = list(store.named_graphs())

    def count(text: str) -> int:
        rows = list(store.query(text, use_default_graph_as_union=True, named_graphs=named))
        return int(rows[0]["n"].value)

    assert count("SELECT (COUNT(*) AS ?n) FROM <http://x/g1> WHERE { ?s ?p ?o }") == 2
    assert count("SELECT (COUNT(*) AS ?n) FROM NAMED <http://x/g1> WHERE { GRAPH ?g { ?s ?p ?o } }") == 2
    without = list(store.query("SELECT (COUNT(*) AS ?n) FROM NAMED <http://x/g1> WHERE { GRAPH ?g { ?s ?p ?o } }",
                               use_default_graph_as_union=True))
    assert int(without[0]["n"].value) == 1  # what the explicit list prevents


@pytest.mark.parametrize("form", ENGINE_READINGS)
def test_oxigraph_reads_service_where_the_grammar_reads_a_name(form: str) -> None:
    """Why the guard refuses `service:x { }`: Oxigraph follows it. If this fails, Oxigraph changed."""
    listener = Listener()
    text = form.format(url=f"http://127.0.0.1:{listener.port}/")
    with contextlib.suppress(Exception):
        list(ox.Store().query(text))
    listener.thread.join(5)
    listener.sock.close()
    assert listener.connections, text
    with pytest.raises(QueryRefused, match="SERVICE is not accepted"):
        precheck(text, 20000, 64)


def test_oxigraph_reads_from_where_the_grammar_reads_a_name() -> None:
    store = ox.Store()
    for g in ("http://x/g1", "http://x/g2"):
        store.add(ox.Quad(ox.NamedNode(f"{g}/s"), ox.NamedNode("http://x/p"), ox.Literal("o"), ox.NamedNode(g)))
    rows = list(store.query(ENGINE_READINGS_FROM[0], use_default_graph_as_union=False))
    assert int(rows[0]["n"].value) == 1  # FROM :g1 took effect: the default graph is g1 alone
    assert bool(store.query(ENGINE_READINGS_FROM[2]))
    for text in ENGINE_READINGS_FROM:
        with pytest.raises(QueryRefused, match="FROM|SERVICE"):
            precheck(text, 20000, 64)
