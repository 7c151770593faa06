"""Graph views and pages without a browser: builders, escaping, content negotiation, errors, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import rdflib
from fastapi.testclient import TestClient

from exportgraph.api.state import GraphState
from exportgraph.explorer import views as V
from exportgraph.explorer.render import render, script_json, view_data
from exportgraph.graph.build import Build
from exportgraph.graph.store import EmbeddedStore
from exportgraph.settings import Settings

IRI = "https://w3id.org/exportgraph/id/"


@pytest.fixture(scope="module")
def web(settings: Settings, built: Build, store: EmbeddedStore) -> TestClient:
    """The app over the session store, without its lifespan (no SPARQL workers needed here)."""
    from exportgraph.api.app import create_app

    return TestClient(create_app(settings, GraphState(settings, built, store)))


def test_neighbourhood_has_root_links_and_positions(store: EmbeddedStore) -> None:
    view = V.neighbourhood(store, "regime/nsg", 1)
    g = view.graph
    assert g.nodes[IRI + "regime/nsg"]["root"] and g.number_of_nodes() > 3
    assert all("x" in d and "y" in d for _, d in g.nodes(data=True))
    labels = {d.get("label") for *_, d in g.edges(data=True)}
    assert "rdf:type" not in labels and "prov:wasDerivedFrom" not in labels


def test_neighbourhood_filters_and_cap(store: EmbeddedStore) -> None:
    only = V.neighbourhood(store, "cn", 2, classes=["Agency"])
    assert {d["cls"] for n, d in only.graph.nodes(data=True) if not d.get("root")} == {"Agency"}
    cut = V.neighbourhood(store, "cn", 3, max_nodes=50)
    resources = [n for n, d in cut.graph.nodes(data=True) if not d.get("head")]  # groups stand for resources
    assert len(resources) == 50 and cut.message and "50 nodes" in cut.message
    us_only = V.neighbourhood(store, "cn", 2, jurisdictions=["cn"])
    assert all(d.get("head") or d.get("cls") != "Agency" or "cn/" in (d.get("record") or "")
               for _, d in us_only.graph.nodes(data=True))


def test_path_is_a_chain(store: EmbeddedStore) -> None:
    view = V.path(store, "case/cn-graphite", "jp")
    ends = {IRI + "case/cn-graphite", IRI + "jp"}
    assert ends <= set(view.graph.nodes)
    assert view.graph.number_of_edges() == view.graph.number_of_nodes() - 1


def test_comparison_colours_by_outcome(store: EmbeddedStore) -> None:
    view = V.comparison(store, ["cn", "us", "eu", "jp"])
    dims = [d for _, d in view.graph.nodes(data=True) if d["cls"] == "Dimension"]
    assert len(dims) >= 10 and {d["color"] for d in dims} <= set(V.VERDICT_COLOURS.values())
    verdicts = {d.get("label") for *_, d in view.graph.edges(data=True) if d.get("label")}
    assert verdicts & {"same", "similar", "different"}


def test_regimes_crosswalk_case(store: EmbeddedStore) -> None:
    regimes = V.regimes(store)
    assert IRI + "regime/nsg" in regimes.graph and regimes.edge_legend
    walk = V.crosswalk(store, "cn/list/dual-use-licence-catalogue/2023-08-01/ga-3")
    assert any(d["cls"] == "CustomsCode" for _, d in walk.graph.nodes(data=True))
    case = V.case(store, "case/cn-gallium-germanium")
    events = sorted((d["x"], n) for n, d in case.graph.nodes(data=True) if d["cls"] == "Event")
    assert [n for _, n in events] == sorted(n for _, n in events)  # x follows the date


def test_json_in_script_cannot_close_it(store: EmbeddedStore) -> None:
    text = script_json({"label": "</script><script>alert(1)</script>", "t": "\u2028"})
    assert "<" not in text and ">" not in text and json.loads(text)["label"].startswith("</script>")
    # orjson writes it: the standard library's text, escapes and all, and what orjson cannot write still written
    data: dict[str, object] = {**view_data(V.regimes(store), "/id/"), "odd": ["a&b \u2029 é 中", 1.5, None, {1: "x"}]}
    for big in (None, 2**70):  # orjson, then a number past 64 bits that it refuses
        data["big"] = big
        plain = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        for char in "<>&\u2028\u2029":
            plain = plain.replace(char, f"\\u{ord(char):04x}")
        assert script_json(data) == plain and not re.search("[<>&\u2028\u2029]", script_json(data))
        assert json.loads(script_json(data)) == json.loads(json.dumps(data))
    page = render(V.regimes(store))
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert view_data(V.regimes(store), "/id/")["nodes"][0]["url"].startswith("/id/")


def test_views_and_errors_over_http(web: TestClient) -> None:
    assert web.get("/views/regimes").headers["content-type"].startswith("text/html")
    for url, status in [("/views/neighbourhood/no/thing", 404), ("/views/neighbourhood/cn?depth=x", 400),
                        ("/views/compare?jurisdictions=cn", 400), ("/views/crosswalk/3B001", 400),
                        ("/views/case/case/none", 404), ("/views/path?from=cn&to=no/thing", 404),
                        ("/views/neighbourhood/bad%20id", 400), ("/views/compare?as_of=yesterday", 400)]:
        r = web.get(url)
        assert r.status_code == status, url
        assert r.headers["content-type"].startswith("text/html") and "Traceback" not in r.text
    js = web.get("/static/vis-network.min.js")
    assert js.status_code == 200 and "vis" in js.text[:2000]


@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                        ("application/n-triples", "nt")])
def test_linked_data(web: TestClient, accept: str, fmt: str) -> None:
    r = web.get("/id/regime/nsg", headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    g = rdflib.Graph().parse(data=r.text, format=fmt)
    nsg = rdflib.URIRef(IRI + "regime/nsg")
    assert (nsg, rdflib.RDF.type, rdflib.URIRef("https://w3id.org/exportgraph/ontology#Regime")) in g
    assert set(g.subjects()) <= {nsg} | {s for s in g.subjects() if str(s).startswith(str(nsg) + "#")}


def test_linked_data_negotiation_edges(web: TestClient) -> None:
    assert web.get("/id/cn", headers={"Accept": "text/html"}).text.startswith("<!doctype html>")
    assert web.get("/id/cn", headers={"Accept": "text/html;q=0.4, text/turtle"}).headers["content-type"].startswith(
        "text/turtle")
    assert web.get("/id/cn", headers={"Accept": "image/png"}).status_code == 406
    assert web.get("/id/no/such", headers={"Accept": "text/turtle"}).status_code == 404
    assert web.get("/id/no/such").status_code == 404


def test_pages(web: TestClient, built: Build) -> None:
    home = web.get("/").text
    assert built.manifest["data_as_of"] in home and "Wassenaar" in home
    compare = web.get("/compare?as_of=2023-12-31").text
    assert 'id="heatmap"' in compare and "2023-12-31" in compare and "/id/position/" in compare
    assert "event" in web.get("/cases/case/cn-graphite").text.lower()
    assert "button" in web.get("/sparql-ui").text


def test_cli_render_writes_standalone_html(settings: Settings, tmp_path: Path, capsys: Any) -> None:
    from exportgraph.cli import main

    out = tmp_path / "case.html"
    assert main(["render", "case", "case/cn-graphite", "--build-dir", str(settings.build_dir), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "vis.Network" in text
    assert all('href="data:' in link for link in re.findall(r"<link[^>]*>", text))
    assert main(["render", "path", "cn", "--build-dir", str(settings.build_dir), "-o", str(out)]) == 1
    assert "expected 2 id(s)" in capsys.readouterr().err


def test_names_not_ids(store: EmbeddedStore) -> None:
    view = V.neighbourhood(store, "cn", 1)
    labels = {d["label"] for _, d in view.graph.nodes(data=True)}
    assert "NSG, participant since 2004-06-10" in labels
    assert not [label for label in labels if re.fullmatch(r"[a-z0-9-]+(/[A-Za-z0-9._-]+)+", label)], labels
    meta = V.node_meta(store, [IRI + "cn/law/export-control-law/art-1"])
    assert meta[IRI + "cn/law/export-control-law/art-1"]["label"].endswith("Art. 1")


def test_legend_colours_are_distinct_and_readable() -> None:
    colours = [c for c, _ in V.CLASS_STYLE.values()] + [V.OTHER_STYLE[0]]
    assert len(set(colours)) == len(colours)
    for colour in colours:
        assert V.contrast(colour, V.text_colour(colour)) >= 4.5, colour


def test_depth_two_is_grouped_not_a_hairball(store: EmbeddedStore) -> None:
    view = V.neighbourhood(store, "cn", 2)
    g = view.graph
    heads = [n for n, d in g.nodes(data=True) if d.get("head")]
    shown = [n for n, d in g.nodes(data=True) if not d.get("under")]
    assert heads and len(shown) <= 120 < g.number_of_nodes() - len(heads), (len(shown), g.number_of_nodes())
    for head in heads:  # every group's members hang under it and say so
        members = [v for u, v, k in g.edges(keys=True) if u == head and k == "member"]
        assert len(members) == g.nodes[head]["members"] > 3
        assert all(head in g.nodes[m]["under"] for m in members)
    assert all("x" in d for _, d in g.nodes(data=True))


def test_neighbourhood_as_of(store: EmbeddedStore) -> None:
    before = V.neighbourhood(store, "cn", 1, as_of=dt.date(2010, 1, 1))
    now = V.neighbourhood(store, "cn", 1)
    assert before.graph.number_of_nodes() < now.graph.number_of_nodes()
    assert before.controls["as_of"] == "2010-01-01" and before.controls["depth"] == 1


def test_regimes_is_a_grid_of_memberships(store: EmbeddedStore) -> None:
    view = V.regimes(store)
    cells = [d for _, d in view.graph.nodes(data=True) if d["cls"] == "RegimeMembership"]
    assert cells and all(re.match(r"^[a-z-]+( since \d{4}-\d{2}-\d{2})?", d["label"]) for d in cells)
    xs = {d["x"] for d in cells}
    regimes = {d["x"] for _, d in view.graph.nodes(data=True) if d["cls"] == "Regime"}
    assert xs <= regimes  # each cell sits in its regime's column
    assert all(d.get("hidden") for *_, d in view.graph.edges(data=True))  # rows and columns stand for the links


def test_page_has_controls_node_list_and_tables(web: TestClient) -> None:
    page = web.get("/views/neighbourhood/cn?depth=2&class=Agency&class=LegalInstrument&as_of=2024-01-01").text
    assert 'id="controls"' in page and '<option value="2" selected>' in page and 'value="2024-01-01"' in page
    assert re.search(r'name="class" value="Agency" checked', page)
    assert 'id="node-list"' in page and 'id="nodes-table"' in page and 'id="links-table"' in page
    assert "<caption>Resources" in page
    assert web.get("/views/neighbourhood/cn?class=Agency,Case").status_code == 200
    assert web.get("/views/neighbourhood/cn?as_of=2024-13-01").status_code == 400
