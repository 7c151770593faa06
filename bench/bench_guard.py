"""Benchmark: the token guard (exportgraph/sparql/guard.py) against the rdflib guard it replaced
(exportgraph/sparql/reference.py), per query, on real queries: the SPARQL page's examples, the queries
of bench_sparql.py and every query the tests write. Also the tokenizer's throughput.

    python bench/bench_guard.py [--repeat 200] [--seconds 20]

Prints µs per query (median over the set, and the total) for each guard and their ratio. Each guard
sees each text `--repeat` times (the rdflib guard fewer, within its time budget); no cache is involved.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import contextlib

from _common import machine, table, write_results  # noqa: E402
from bench_sparql import QUERIES as BENCH_QUERIES  # noqa: E402

from exportgraph.api.sparql_examples import EXAMPLES  # noqa: E402
from exportgraph.exc import QueryRefused  # noqa: E402
from exportgraph.sparql.guard import expand_escapes, precheck  # noqa: E402
from exportgraph.sparql.reference import inspect  # noqa: E402
from exportgraph.sparql.tokens import tokenize  # noqa: E402


def corpus() -> list[str]:
    from tests.test_sparql_tokens import queries_in_tests

    texts = [q for _name, q in EXAMPLES] + list(BENCH_QUERIES)
    texts += [q for q in queries_in_tests() if len(q) < 2000]
    return sorted(set(texts), key=texts.index)


def token_guard(text: str) -> None:
    with contextlib.suppress(QueryRefused):
        precheck(text, 20000, 64)


def rdflib_guard(text: str) -> None:
    with contextlib.suppress(QueryRefused):
        inspect(expand_escapes(text))


def per_query(fn: Callable[[str], None], texts: list[str], repeat: int, budget_s: float) -> list[float]:
    """Median seconds per call for each text (at least 3 calls each, fewer than `repeat` if over budget)."""
    out = []
    per_text = budget_s / len(texts)
    for text in texts:
        times: list[float] = []
        started = time.perf_counter()
        while len(times) < repeat and (len(times) < 3 or time.perf_counter() - started < per_text):
            t0 = time.perf_counter()
            fn(text)
            times.append(time.perf_counter() - t0)
        out.append(statistics.median(times))
    return out


def dispatch_tokenizer() -> Callable[[str], list[Any]]:
    """The alternative to one master expression: a loop that picks the terminal by the first character
    and matches only that terminal's expression (the same terminals, read from tokens.py)."""
    import re
    import string

    from exportgraph.sparql import tokens as T

    terminals = dict(T._TERMINALS)  # noqa: SLF001 - the benchmark compares two readings of the same terminals
    compiled = {kind: re.compile(pattern) for kind, pattern in terminals.items()}
    keyword = re.compile("[A-Za-z][A-Za-z0-9_]*")
    first: dict[str, list[str]] = {}
    for ch in " \t\r\n":
        first[ch] = ["WS"]
    first["#"] = ["COMMENT"]
    first['"'] = first["'"] = ["STRING"]
    first["<"] = ["IRIREF", "PUNCT"]
    first[":"] = ["PNAME_LN", "PNAME_NS"]
    first["_"] = ["BLANK_NODE_LABEL"]
    first["?"] = first["$"] = ["VAR", "PUNCT"]
    first["@"] = ["LANGTAG"]
    for ch in string.digits:
        first[ch] = ["NUMBER"]
    first["."] = ["NUMBER", "PUNCT"]
    first["("] = ["NIL", "PUNCT"]
    first["["] = ["ANON", "PUNCT"]
    for ch in string.ascii_letters:
        first[ch] = ["WORD"]
    other = ["WORD", "PUNCT"]  # a non-ASCII letter starts a name

    def tokenize(text: str) -> list[Any]:
        out: list[Any] = []
        token = T.Token
        pos, end, inner_until = 0, len(text), 0
        while pos < end:
            for kind in first.get(text[pos], other):
                if kind == "WORD" and pos < inner_until:
                    m, kind = keyword.match(text, pos), "KEYWORD"
                else:
                    m = compiled[kind].match(text, pos)
                if m:
                    break
            else:
                raise QueryRefused(f"unexpected {text[pos]!r}")
            if kind == "WORD":
                word_end = m.end()
                if text.startswith(":", word_end) and text[word_end - 1] != ".":
                    local = T._LOCAL_RE.match(text, word_end + 1)  # noqa: SLF001
                    stop = local.end() if local else word_end + 1
                    out.append(token("PNAME_LN" if local else "PNAME_NS", text[pos:stop], pos))
                    pos = stop
                else:
                    inner_until = word_end
                continue
            if kind not in ("WS", "COMMENT"):
                out.append(token(kind, m.group().upper() if kind == "KEYWORD" else m.group(), pos))
            pos = m.end()
        return out

    return tokenize


def _tokenizes(text: str) -> bool:
    try:
        tokenize(expand_escapes(text))
    except QueryRefused:
        return False
    return True


def throughput(texts: list[str], seconds: float = 2.0,
               reader: Callable[[str], list[Any]] = tokenize) -> tuple[float, float]:
    """(MB/s, tokens/s) of a tokenizer over the texts, repeated for about `seconds`."""
    chars = tokens = 0
    texts = [expand_escapes(t) for t in texts if _tokenizes(t)]
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for text in texts:
            tokens += len(reader(text))
            chars += len(text)
    took = time.perf_counter() - started
    return chars / took / 1e6, tokens / took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0, help="time budget for the rdflib guard")
    args = parser.parse_args()
    logging.getLogger("rdflib").setLevel(logging.ERROR)  # its warnings on the decoy IRIs are not the point
    texts = corpus()
    rdflib_guard(texts[0])  # imports rdflib's parser outside the measurement
    with open("/proc/loadavg") as fh:
        load = " ".join(fh.read().split()[:3])
    ours = per_query(token_guard, texts, args.repeat, args.seconds)
    theirs = per_query(rdflib_guard, texts, args.repeat, args.seconds)
    hand = dispatch_tokenizer()
    same = all(hand(t) == tokenize(t) for t in map(expand_escapes, texts) if _tokenizes(t))
    # interleaved, 1 s each, the order swapped every round: whichever ran second looked 1.3x faster otherwise
    rounds: dict[str, list[tuple[float, float]]] = {"master": [], "dispatch": []}
    for r in range(6):
        pair = [("master", tokenize), ("dispatch", hand)]
        for name, reader in pair[:: 1 if r % 2 else -1]:
            rounds[name].append(throughput(texts, 1.0, reader))
    mbps, tps = (statistics.median(x[i] for x in rounds["master"]) for i in (0, 1))
    hand_mbps, hand_tps = (statistics.median(x[i] for x in rounds["dispatch"]) for i in (0, 1))
    rows = [("token guard", f"{statistics.median(ours) * 1e6:,.1f}", f"{max(ours) * 1e6:,.0f}",
             f"{sum(ours) * 1e3:,.2f}"),
            ("rdflib guard", f"{statistics.median(theirs) * 1e6:,.1f}", f"{max(theirs) * 1e6:,.0f}",
             f"{sum(theirs) * 1e3:,.2f}")]
    print(f"{len(texts)} real queries, {sum(map(len, texts)):,} characters; load average {load}")
    print(table(["guard", "median µs/query", "max µs", "total ms (all queries once)"], rows))
    ratio = statistics.median(t / o for t, o in zip(theirs, ours, strict=True))
    print(f"median per-query ratio rdflib / tokens: {ratio:,.0f}x")
    print(f"tokenizer (one master expression, tokens.py): {mbps:.2f} MB/s, {tps / 1e6:.3f} M tokens/s")
    print(f"tokenizer (a loop dispatching on the first character): {hand_mbps:.2f} MB/s, "
          f"{hand_tps / 1e6:.3f} M tokens/s; same tokens: {same}")
    write_results("guard", {"machine": machine(), "load": load, "queries": len(texts),
                            "token_median_us": statistics.median(ours) * 1e6,
                            "rdflib_median_us": statistics.median(theirs) * 1e6, "ratio": ratio,
                            "tokenizer_mb_s": mbps, "tokenizer_tokens_s": tps, "dispatch_mb_s": hand_mbps,
                            "dispatch_tokens_s": hand_tps})


if __name__ == "__main__":
    main()
