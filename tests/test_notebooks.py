"""The notebooks run top to bottom against the session build, print the real figures and show their charts.

Each notebook must display its charts inline (image/png outputs, counted); they are committed without outputs.
Notebook 04 queries a real uvicorn server (the SPARQL endpoint) started on a free port.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from exportgraph.api.state import GraphState
from exportgraph.graph.build import Build
from exportgraph.graph.store import EmbeddedStore
from exportgraph.settings import Settings

from .conftest import ROOT
from .servers import Server

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
NOTEBOOKS = ROOT / "notebooks"
EXPECTED = {
    "01-compare-jurisdictions.ipynb": ["as of 2023-12-31", "licensing-time-limit", "diverge", "heat map:"],
    "02-critical-minerals-timeline.ipynb": ["case/cn-gallium-germanium", "2023-07-03", "case/cn-antimony"],
    "03-crosswalk-semiconductor-equipment.ipynb": ["eu/list/annex-i/2025-11-15/3B001", "us/list/ccl/2026-07-23/3B001",
                                                   "cn/list/dual-use-licence-catalogue/2023-08-01/ga-3", "282590"],
    "04-sparql-from-python.ipynb": ["us/list/ccl/", "editions", "participant"],
    "05-regime-membership-growth.ipynb": ["regime/nsg", "Nuclear Suppliers Group", "participant", "since 2004-06-10"],
}
FIGURES = {  # charts each notebook must show
    "01-compare-jurisdictions.ipynb": 2,  # pairwise verdicts; convergence over time
    "02-critical-minerals-timeline.ipynb": 2,  # events per case; lead times
    "03-crosswalk-semiconductor-equipment.ipynb": 2,  # coverage by list; HS headings
    "04-sparql-from-python.ipynb": 1,  # entries per edition
    "05-regime-membership-growth.ipynb": 2,  # all regimes; supplier regimes
}


@pytest.fixture(scope="module")
def sparql_url(settings: Settings, built: Build, store: EmbeddedStore) -> Iterator[str]:
    with Server(settings.with_(query_workers=1), GraphState(settings, built, store)) as server:
        yield server.base + "/sparql"


def run(path: Path, env: dict[str, str]) -> tuple[str, int]:
    book = nbformat.read(path, as_version=4)
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        nbclient.NotebookClient(book, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    texts, figures = [], 0
    for cell in book.cells:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error", f"{path.name}: {out.get('ename')}: {out.get('evalue')}"
            texts.append(out.get("text", "") or str(out.get("data", {}).get("text/plain", "")))
            figures += "image/png" in out.get("data", {})
    return "\n".join(texts), figures


def test_notebooks_are_committed_without_outputs() -> None:
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        book = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") and not c.get("execution_count") for c in book.cells
                   if c.cell_type == "code"), path.name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_notebook_runs(name: str, settings: Settings, request: pytest.FixtureRequest) -> None:
    env = {"EXPORTGRAPH_BUILD_DIR": str(settings.build_dir)}  # no MPLBACKEND=Agg: the charts must show inline
    if name.startswith("04"):
        env["EXPORTGRAPH_SPARQL_URL"] = request.getfixturevalue("sparql_url")
    text, figures = run(NOTEBOOKS / name, env)
    missing = [e for e in EXPECTED[name] if e not in text]
    assert missing == [], f"{name}: expected {missing} in the output:\n{text[:3000]}"
    assert figures >= FIGURES[name], f"{name}: {figures} chart(s) shown, expected {FIGURES[name]}"


def test_every_notebook_is_tested() -> None:
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(EXPECTED) == sorted(FIGURES)
