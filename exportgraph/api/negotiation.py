"""Content negotiation of the SPARQL endpoint: the result and graph formats a request accepts.

`?format=` names (repeatable: SPARQLWrapper sends one for results and one for graphs) win over the Accept
header; among Accept ranges the highest q-value wins, the most specific range on a tie, then the server's
order of preference. Used by the FastAPI route and the raw handler of api/fastpath.py.
"""

from __future__ import annotations

import functools

from exportgraph.exc import BadRequest
from exportgraph.sparql.workers import NotAcceptable

# Offers in the server's order of preference (the first wins a tie and answers */*).
RESULT_OFFERS = [("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml"),
                 ("text/csv", "csv"), ("text/tab-separated-values", "tsv"), ("application/json", "json"),
                 ("application/xml", "xml"), ("text/xml", "xml")]
GRAPH_OFFERS = [("text/turtle", "turtle"), ("application/n-triples", "ntriples"), ("application/ld+json", "jsonld"),
                ("application/rdf+xml", "rdfxml"), ("application/x-turtle", "turtle"), ("text/plain", "ntriples"),
                ("application/json", "jsonld"), ("application/xml", "rdfxml"), ("text/xml", "rdfxml")]
# ?format= names: (results format, graph format)
FORMAT_NAMES: dict[str, tuple[str | None, str | None]] = {
    "json": ("json", "jsonld"), "xml": ("xml", "rdfxml"), "csv": ("csv", None), "tsv": ("tsv", None),
    "turtle": (None, "turtle"), "ttl": (None, "turtle"), "ntriples": (None, "ntriples"), "nt": (None, "ntriples"),
    "n-triples": (None, "ntriples"), "jsonld": (None, "jsonld"), "json-ld": (None, "jsonld"),
    "rdfxml": (None, "rdfxml"), "rdf": (None, "rdfxml"), "rdf+xml": (None, "rdfxml"),
}


def _ranges(accept: str) -> list[tuple[str, str, float]]:
    out = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if "/" not in media:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        kind, _, sub = media.lower().partition("/")
        out.append((kind, sub, q))
    return out


def negotiate(accept: str | None, offers: list[tuple[str, str]]) -> str | None:
    """The offer with the highest q-value (most specific range wins), ties to the server's order."""
    if not accept or not accept.strip():
        return offers[0][1]
    ranges = _ranges(accept)
    best, best_q = None, 0.0
    for media, name in offers:
        kind, _, sub = media.partition("/")
        matches = [(2 if (k, s) == (kind, sub) else 1 if (k == kind and s == "*") else 0, q)
                   for k, s, q in ranges if (k, s) in ((kind, sub), (kind, "*"), ("*", "*"))]
        if matches:
            q = max(matches)[1]
            if q > best_q:
                best, best_q = name, q
    return best


def _named_format(value: str) -> tuple[str | None, str | None]:
    name = value.strip().lower()
    if name in FORMAT_NAMES:
        return FORMAT_NAMES[name]
    results, graph = dict(RESULT_OFFERS).get(name), dict(GRAPH_OFFERS).get(name)
    if results or graph:
        return results, graph
    raise BadRequest(f"unknown format {value!r}; use one of {', '.join(sorted(FORMAT_NAMES))}")


def choose_formats(accept: str | None, format_param: str | list[str] | None) -> tuple[str | None, str | None]:
    """?format= (repeatable: SPARQLWrapper sends one for results and one for graphs, e.g. json and json-ld;
    the first that names a results format and the first that names a graph format are taken), else Accept."""
    values = [format_param] if isinstance(format_param, str) else list(format_param or [])
    if values:
        named = [_named_format(v) for v in values]
        results = next((r for r, _ in named if r), None)
        graph = next((g for _, g in named if g), None)
        return results, graph
    results, graph = _negotiated(accept)
    if results is None and graph is None:
        raise NotAcceptable("none of the result formats matches the Accept header")
    return results, graph


@functools.lru_cache(maxsize=256)  # clients send a handful of Accept headers, each every time
def _negotiated(accept: str | None) -> tuple[str | None, str | None]:
    return negotiate(accept, RESULT_OFFERS), negotiate(accept, GRAPH_OFFERS)
