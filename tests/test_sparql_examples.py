"""The SPARQL page's examples: 20 or more, each answered by the endpoint with at least one row; the page opens
with a query given in its address (a permalink), escaped."""

from __future__ import annotations

from typing import Any

import pytest

from exportgraph.api.sparql_examples import EXAMPLES


def test_there_are_twenty_examples() -> None:
    assert len(EXAMPLES) >= 20
    assert len({name for name, _ in EXAMPLES}) == len(EXAMPLES)


@pytest.mark.parametrize("name, query", EXAMPLES, ids=[name for name, _ in EXAMPLES])
def test_example_answers(client: Any, name: str, query: str) -> None:
    r = client.post("/sparql", data={"query": query}, headers={"accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text[:300]
    assert r.json()["results"]["bindings"], f"{name}: no rows"


def test_page_lists_the_examples_and_takes_a_permalink(client: Any) -> None:
    page = client.get("/sparql-ui").text
    assert page.count('class="example"') == len(EXAMPLES)
    linked = client.get("/sparql-ui", params={"query": 'ASK { ?s ?p "</textarea><script>x</script>" }'}).text
    assert "&lt;/textarea&gt;&lt;script&gt;" in linked and "<script>x</script>" not in linked


def test_a_repeated_format_parameter_is_read_not_refused(client: Any) -> None:
    """SPARQLWrapper sends ?format= once for results and once for graphs (json and json-ld)."""
    construct = "CONSTRUCT { ?s eg:isoCode ?c } WHERE { ?s eg:isoCode ?c } LIMIT 3"
    r = client.get("/sparql", params=[("query", "PREFIX eg: <https://w3id.org/exportgraph/ontology#>\n" + construct),
                                      ("format", "json"), ("format", "json-ld")])
    assert r.status_code == 200 and "ld+json" in r.headers["content-type"], r.text[:200]
    r = client.get("/sparql", params=[("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1"), ("format", "json"),
                                      ("format", "json-ld")])
    assert r.status_code == 200 and "sparql-results+json" in r.headers["content-type"]
    assert client.get("/sparql", params=[("query", "ASK {}"), ("format", "nonsense")]).status_code == 400
