"""The SPARQL 1.1 Protocol at /sparql: every request form and result format, parsed back and
compared with the embedded store's own answer, on both backends (embedded and a real Oxigraph
server); content negotiation; the service and dataset descriptions; the downloads."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from fastapi.testclient import TestClient

from exportgraph.graph.build import Build
from exportgraph.graph.store import EmbeddedStore
from exportgraph.settings import Settings

RES = "{http://www.w3.org/2005/sparql-results#}"
PREFIXES = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n")
SELECT = PREFIXES + "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?s ?label LIMIT 300"
ASK_TRUE = PREFIXES + "ASK { ?s rdfs:label ?label }"
ASK_FALSE = "ASK { <http://example.org/nothing> ?p ?o }"
CONSTRUCT = PREFIXES + "CONSTRUCT { ?s rdfs:label ?label } WHERE { ?s a owl:Class ; rdfs:label ?label }"
DESCRIBE = PREFIXES + "DESCRIBE ?s WHERE { ?s a owl:Class } ORDER BY ?s LIMIT 3"
RESULT_TYPES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                "csv": "text/csv", "tsv": "text/tab-separated-values"}
GRAPH_TYPES = {"turtle": "text/turtle", "ntriples": "application/n-triples", "json-ld": "application/ld+json",
               "xml": "application/rdf+xml"}


@pytest.fixture(scope="module")
def remote_client(settings: Settings, oxigraph_server: str) -> Iterator[TestClient]:
    from exportgraph.api.app import create_app

    # No deadline is tested here: a longer one than conftest's 3 s keeps a loaded CI machine from failing
    # a protocol test on the remote's time (its timeout is the deadline less 0.25 s).
    remote = settings.with_(store="remote", remote_query_url=f"{oxigraph_server}/query", query_timeout_s=15.0)
    with TestClient(create_app(remote)) as c:
        yield c


@pytest.fixture(params=["embedded", "remote"])
def endpoint(request: pytest.FixtureRequest) -> TestClient:
    """The same protocol tests against both backends."""
    name = "client" if request.param == "embedded" else "remote_client"
    c: TestClient = request.getfixturevalue(name)
    return c


# ---------------------------------------------------------------- helpers: answers as comparable sets


def expected_rows(store: EmbeddedStore, query: str) -> list[tuple[str, ...]]:
    rows = store.select(query, prefixes=False)
    assert rows, "the comparison query must have answers in the built data"
    return [tuple(str(row[v]) for v in ("s", "label")) for row in rows]


def _nt(binding: dict[str, Any]) -> str:
    if binding["type"] == "uri":
        return str(ox.NamedNode(binding["value"]))
    if "xml:lang" in binding:
        return str(ox.Literal(binding["value"], language=binding["xml:lang"]))
    if "datatype" in binding:
        return str(ox.Literal(binding["value"], datatype=ox.NamedNode(binding["datatype"])))
    return str(ox.Literal(binding["value"]))


def rows_from_json(body: bytes) -> list[tuple[str, ...]]:
    doc = json.loads(body)
    assert doc["head"]["vars"] == ["s", "label"]
    return [(_nt(b["s"]), _nt(b["label"])) for b in doc["results"]["bindings"]]


def _xml_term(binding: ET.Element) -> str:
    term = binding[0]
    if term.tag == RES + "uri":
        return str(ox.NamedNode(term.text or ""))
    lang = term.get("{http://www.w3.org/XML/1998/namespace}lang")
    if lang:
        return str(ox.Literal(term.text or "", language=lang))
    datatype = term.get("datatype")
    return str(ox.Literal(term.text or "", datatype=ox.NamedNode(datatype) if datatype else None))


def rows_from_xml(body: bytes) -> list[tuple[str, ...]]:
    root = ET.fromstring(body)
    assert [v.get("name") for v in root.iter(RES + "variable")] == ["s", "label"]
    out = []
    for result in root.iter(RES + "result"):
        by_name = {b.get("name"): _xml_term(b) for b in result.iter(RES + "binding")}
        out.append((by_name["s"], by_name["label"]))
    return out


def rows_from_tsv(body: bytes) -> list[tuple[str, ...]]:
    lines = body.decode("utf-8").splitlines()
    assert lines[0].split("\t") == ["?s", "?label"]
    return [tuple(line.split("\t")) for line in lines[1:]]


def plain(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """CSV keeps only lexical values."""
    out = []
    for s, label in rows:
        out.append((ox.NamedNode(s[1:-1]).value, _lexical(label)))
    return out


def _lexical(nt: str) -> str:
    term = next(iter(ox.parse(f"<http://x/> <http://x/> {nt} .", format=ox.RdfFormat.N_TRIPLES)))
    return str(term.object.value)


def rows_from_csv(body: bytes) -> list[tuple[str, ...]]:
    reader = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert reader[0] == ["s", "label"]
    return [tuple(r) for r in reader[1:]]


def store_graph(store: EmbeddedStore, query: str) -> rdflib.Graph:
    triples = store.construct(query)
    assert triples, "the comparison query must have answers in the built data"
    nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return rdflib.Graph().parse(data=nt.decode("utf-8"), format="nt")


def same_graph(got: rdflib.Graph, want: rdflib.Graph) -> None:
    from rdflib.compare import graph_diff, isomorphic

    if not isomorphic(got, want):
        _both, only_got, only_want = graph_diff(got, want)
        pytest.fail(f"graphs differ: {len(only_got)} extra, {len(only_want)} missing:\n"
                    f"{only_got.serialize(format='nt')[:2000]}\n---\n{only_want.serialize(format='nt')[:2000]}")


# ---------------------------------------------------------------- request forms


def test_get_form_post_and_direct_post_agree_with_the_store(endpoint: TestClient, store: EmbeddedStore) -> None:
    want = expected_rows(store, SELECT)
    accept = {"Accept": RESULT_TYPES["json"]}
    got_get = endpoint.get("/sparql", params={"query": SELECT}, headers=accept)
    got_form = endpoint.post("/sparql", data={"query": SELECT}, headers=accept)
    got_direct = endpoint.post("/sparql", content=SELECT.encode("utf-8"),
                               headers={**accept, "Content-Type": "application/sparql-query"})
    for r in (got_get, got_form, got_direct):
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith(RESULT_TYPES["json"])
        assert rows_from_json(r.content) == want


@pytest.mark.parametrize("fmt", list(RESULT_TYPES))
def test_select_in_every_result_format(endpoint: TestClient, store: EmbeddedStore, fmt: str) -> None:
    want = expected_rows(store, SELECT)
    r = endpoint.get("/sparql", params={"query": SELECT}, headers={"Accept": RESULT_TYPES[fmt]})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(RESULT_TYPES[fmt])
    parse = {"json": rows_from_json, "xml": rows_from_xml, "tsv": rows_from_tsv, "csv": rows_from_csv}[fmt]
    assert parse(r.content) == (plain(want) if fmt == "csv" else want)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_ask(endpoint: TestClient, fmt: str) -> None:
    for query, want in ((ASK_TRUE, True), (ASK_FALSE, False)):
        r = endpoint.post("/sparql", data={"query": query}, headers={"Accept": RESULT_TYPES[fmt]})
        assert r.status_code == 200, r.text
        if fmt == "json":
            assert json.loads(r.content)["boolean"] is want
        else:
            assert ET.fromstring(r.content).find(RES + "boolean").text == str(want).lower()  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", list(GRAPH_TYPES))
def test_construct_in_every_rdf_format(endpoint: TestClient, store: EmbeddedStore, fmt: str) -> None:
    r = endpoint.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": GRAPH_TYPES[fmt]})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(GRAPH_TYPES[fmt])
    got = rdflib.Graph().parse(data=r.content, format=fmt)
    same_graph(got, store_graph(store, CONSTRUCT))


def test_describe(endpoint: TestClient, store: EmbeddedStore) -> None:
    r = endpoint.post("/sparql", content=DESCRIBE, headers={"Content-Type": "application/sparql-query",
                                                            "Accept": "text/turtle"})
    assert r.status_code == 200, r.text
    got = rdflib.Graph().parse(data=r.content, format="turtle")
    assert len(got) > 0
    same_graph(got, store_graph(store, DESCRIBE))


# ---------------------------------------------------------------- content negotiation


@pytest.mark.parametrize(("accept", "want"), [
    (None, "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ("application/sparql-results+json;q=0.1, text/tab-separated-values;q=0.9", "text/tab-separated-values"),
    ("text/*;q=0.8, application/sparql-results+xml;q=0.2", "text/csv"),
    ("application/json", "application/sparql-results+json"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/sparql-results+xml"),
])
def test_accept_with_q_values(client: TestClient, accept: str | None, want: str) -> None:
    headers = {"Accept": accept} if accept else {}
    r = client.get("/sparql", params={"query": ASK_TRUE}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(want)


def test_accept_for_graphs(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": "*/*"})
    assert r.headers["content-type"].startswith("text/turtle")
    r = client.get("/sparql", params={"query": CONSTRUCT},
                   headers={"Accept": "application/ld+json;q=0.5, application/n-triples;q=0.7"})
    assert r.headers["content-type"].startswith("application/n-triples")


@pytest.mark.parametrize(("fmt", "query", "want"), [
    ("csv", SELECT, "text/csv"), ("tsv", SELECT, "text/tab-separated-values"),
    ("xml", SELECT, "application/sparql-results+xml"), ("json", CONSTRUCT, "application/ld+json"),
    ("ntriples", CONSTRUCT, "application/n-triples"), ("rdfxml", CONSTRUCT, "application/rdf+xml"),
    ("application/sparql-results+json", SELECT, "application/sparql-results+json"),
])
def test_format_parameter_overrides_accept(client: TestClient, fmt: str, query: str, want: str) -> None:
    r = client.get("/sparql", params={"query": query, "format": fmt}, headers={"Accept": "text/turtle"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(want)


def test_406_when_nothing_is_acceptable(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    # a graph format only: SELECT has nothing acceptable, CONSTRUCT has
    r = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/turtle"})
    assert r.status_code == 406
    assert client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": "text/turtle"}).status_code == 200
    r = client.get("/sparql", params={"query": CONSTRUCT, "format": "csv"})
    assert r.status_code == 406
    assert client.get("/sparql", params={"query": SELECT, "format": "yaml"}).status_code == 400


# ---------------------------------------------------------------- refusals of the protocol itself


@pytest.mark.parametrize("param", ["default-graph-uri", "named-graph-uri"])
def test_dataset_parameters_are_refused(client: TestClient, param: str) -> None:
    r = client.get("/sparql", params={"query": SELECT, param: "http://example.org/g"})
    assert r.status_code == 400
    assert param in r.json()["detail"]
    r = client.post("/sparql", data={"query": SELECT, param: "http://example.org/g"})
    assert r.status_code == 400
    r = client.post(f"/sparql?{param}=http://example.org/g", content=SELECT,
                    headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400


def test_update_requests_are_refused(client: TestClient) -> None:
    r = client.post("/sparql", data={"update": "CLEAR ALL"})
    assert r.status_code == 400 and "update" in r.json()["detail"]
    r = client.post("/sparql", content="CLEAR ALL", headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 400 and "update" in r.json()["detail"]
    r = client.post("/sparql", content=SELECT, headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    r = client.get("/sparql", params=[("query", ASK_TRUE), ("query", ASK_FALSE)])
    assert r.status_code == 400


def test_cors(client: TestClient) -> None:
    for r in (client.get("/sparql", params={"query": ASK_TRUE}), client.post("/sparql", data={"query": ASK_TRUE}),
              client.get("/sparql", params={"query": "SELECT nonsense"})):
        assert r.headers["access-control-allow-origin"] == "*"
    r = client.options("/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST",
                                           "Access-Control-Request-Headers": "content-type"})
    assert r.status_code == 204
    assert r.headers["access-control-allow-origin"] == "*"
    assert "POST" in r.headers["access-control-allow-methods"]
    assert "content-type" in r.headers["access-control-allow-headers"].lower()


# ---------------------------------------------------------------- descriptions and downloads

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")


def test_service_description(client: TestClient, built: Build) -> None:
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    service = rdflib.URIRef("http://testserver/sparql")
    assert (service, rdflib.RDF.type, SD.Service) in g
    assert (service, SD.endpoint, service) in g
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (service, SD.feature, SD.UnionDefaultGraph) in g
    names = set(g.objects(None, SD.name))
    assert names == {rdflib.URIRef(n) for n in built.manifest["graphs"]}


def test_help_without_query(client: TestClient) -> None:
    r = client.get("/sparql", headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.json()["endpoint"].endswith("/sparql")
    r = client.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "/sparql-ui" in r.text


@pytest.mark.parametrize(("path", "accept", "fmt"), [
    ("/.well-known/void", None, "turtle"), ("/api/dataset", None, "json-ld"),
    ("/.well-known/void", "application/rdf+xml", "xml"),
])
def test_dataset_description(client: TestClient, built: Build, path: str, accept: str | None, fmt: str) -> None:
    r = client.get(path, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200, r.text
    g = rdflib.Graph().parse(data=r.content, format=fmt)
    dataset = rdflib.URIRef("http://testserver/.well-known/void#dataset")
    assert (dataset, rdflib.RDF.type, VOID.Dataset) in g
    assert (dataset, rdflib.RDF.type, DCAT.Dataset) in g
    assert g.value(dataset, VOID.triples).toPython() == built.manifest["quads"]  # type: ignore[union-attr]
    assert (dataset, VOID.sparqlEndpoint, rdflib.URIRef("http://testserver/sparql")) in g
    dumps = {str(u) for u in g.objects(dataset, VOID.dataDump)}
    assert dumps == {f"http://testserver/download/dataset.{e}" for e in ("nq", "ttl", "jsonld")}
    assert len(set(g.objects(dataset, DCAT.distribution))) == 3


def test_downloads(client: TestClient, built: Build) -> None:
    nq = client.get("/download/dataset.nq")
    assert nq.status_code == 200 and nq.headers["content-type"].startswith("application/n-quads")
    assert nq.content == built.dataset.read_bytes()
    quads, graphs = built.manifest["quads"], set(built.manifest["graphs"])
    ttl = client.get("/download/dataset.ttl")
    assert ttl.status_code == 200 and ttl.headers["content-type"].startswith("text/turtle")
    parsed = list(ox.parse(ttl.content, format=ox.RdfFormat.TURTLE))
    assert len(parsed) == quads  # one triple per quad: Turtle holds the union of the named graphs
    assert all(isinstance(q.graph_name, ox.DefaultGraph) for q in parsed[:1000])
    first = next(iter(ox.parse(nq.content[: nq.content.index(b"\n") + 1], format=ox.RdfFormat.N_QUADS)))
    assert first.triple in {q.triple for q in parsed}
    jsonld = client.get("/download/dataset.jsonld")
    assert jsonld.status_code == 200 and jsonld.headers["content-type"].startswith("application/ld+json")
    named = [q.graph_name.value for q in ox.parse(jsonld.content, format=ox.RdfFormat.JSON_LD)]
    assert len(named) == quads and set(named) == graphs  # the named graphs are kept
    assert client.get("/download/dataset.ttl").content == ttl.content  # cached, same bytes
    assert client.get("/download/dataset.exe").status_code == 404
