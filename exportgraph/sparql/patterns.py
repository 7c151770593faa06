"""Bounds on the regular expressions a query writes as string literals (REGEX, REPLACE).

Oxigraph compiles a pattern into a program whose size grows with its counted repetitions, nested ones
multiplied (`a{1000}{100}` is 100,000 copies of `a`), and on the real data it did so for every row: a
70-character pattern held a worker for the whole timeout. `repetition_cost` measures what counted
repetitions add to a pattern, without compiling it; the guard refuses a literal whose cost is over
MAX_REPETITION. A pattern assembled at run time (CONCAT, a value read from the data) is not seen here:
the light lane's budget and the kill at the deadline are the backstop for those.
"""

from __future__ import annotations

import re

MAX_REPETITION = 1000
_COUNTED = re.compile(r"\{([0-9]+)(?:(,)([0-9]*))?\}")
_BIG = 10**9  # a count of more than 9 digits is read as this (no huge integers)


def _count(m: re.Match[str]) -> int:
    low, comma, high = m.group(1), m.group(2), m.group(3)
    digits = high if comma and high else low  # {n,m} repeats up to m; {n} and {n,} unroll n copies
    return _BIG if len(digits) > 9 else max(1, int(digits))


def _class_end(pattern: str, i: int) -> int:
    """The index after the character class that opens at i (nested classes, as in XPath's [a-z-[aeiou]])."""
    depth, j, n = 0, i, len(pattern)
    while j < n:
        ch = pattern[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "[":
            depth += 1
            if pattern.startswith("^", j + 1):
                j += 1
            if pattern.startswith("]", j + 1):
                j += 1  # a ] right after [ or [^ is a literal
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return n


def repetition_cost(pattern: str, limit: int = MAX_REPETITION) -> int:
    """The pieces counted repetitions add to the pattern (nested ones multiplied), or the largest count.

    1 for a pattern without counted repetitions; stops early, with a value over `limit`, once the
    cost is known to exceed it.
    """
    if "{" not in pattern:
        return 1
    stack: list[int] = []  # size of each enclosing group before the open one
    size = atoms = last = 0  # size of the current group; plain atoms; weight of the last atom or group
    worst, i, n = 1, 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "(":
            stack.append(size)
            size, last = 0, 0
            i += 1
            continue
        if ch == ")" and stack:
            last = size
            size = stack.pop() + size
            i += 1
            continue
        m = _COUNTED.match(pattern, i) if ch == "{" else None
        if m is not None and last:
            count = _count(m)
            worst = max(worst, count)
            size += last * (count - 1)
            last *= count
            if worst > limit or size - atoms > limit:
                return max(worst, size - atoms + 1)
            i = m.end()
            continue
        i = i + 2 if ch == "\\" else _class_end(pattern, i) if ch == "[" else i + 1
        size, atoms, last = size + 1, atoms + 1, 1
    size += sum(stack)
    return max(worst, size - atoms + 1)
