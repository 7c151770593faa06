"""The build: validated, deterministic, atomic, every statement sourced; bad input refused."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from exportgraph.exc import DataError, ValidationFailed
from exportgraph.graph.build import Build, build, compile_dataset, read_manifest
from exportgraph.graph.terms import DCAT

from .conftest import DATA

SOURCE = """
sources:
  - id: src/t/doc
    title: {en: A test document}
    url: https://example.org/doc
    issued: 2024-01-02
    kind: primary
"""
GOOD = SOURCE + """
records:
  - id: cn
    type: Jurisdiction
    source: src/t/doc
    eg:isoCode: CN
    skos:prefLabel: {en: China, zh: 中国}
  - id: regime/nsg
    type: Regime
    source: src/t/doc
    skos:prefLabel: Nuclear Suppliers Group
  - id: membership/cn/nsg
    type: RegimeMembership
    source: {source: src/t/doc, locator: para 3}
    org:member: cn
    org:organization: regime/nsg
    eg:membershipStatus: participant
    eg:validFrom: 2004-06-10
"""


def write(d: Path, text: str, name: str = "a.yaml") -> Path:
    path = d / name
    path.write_text(text, encoding="utf-8")
    return path


def test_real_data_builds_and_reports_counts(built: Build) -> None:
    m = built.manifest
    assert m["quads"] > 1000
    assert m["records"] == sum(m["records_by_class"].values())
    assert sum(m["graphs"].values()) == m["quads"]
    assert set(m["inputs"]) >= {"ontology/model.yaml", "ontology/shapes.ttl"}
    assert m["outputs"][m["dataset"]]["bytes"] == built.dataset.stat().st_size


def test_second_build_is_byte_identical(built: Build, tmp_path: Path) -> None:
    again = build(DATA, tmp_path / "again")
    assert again.dataset.read_bytes() == built.dataset.read_bytes()
    first = json.loads((built.directory / "manifest.json").read_text())
    second = json.loads((tmp_path / "again" / "manifest.json").read_text())
    assert first == second


def test_every_statement_has_a_source_with_a_url(store) -> None:  # type: ignore[no-untyped-def]
    rows = store.store.query(
        f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?h {{ ?g <{DCAT}landingPage> ?url }} FILTER(isLiteral(?url)) "
        f"FILTER(STRSTARTS(STR(?url), 'http')) }} }}")
    unsourced = [str(r["g"]) for r in rows]
    assert unsourced == []
    default = list(store.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert default == []


def test_every_record_links_its_source(store) -> None:  # type: ignore[no-untyped-def]
    rows = store.select("""SELECT ?s WHERE { ?s a ?c . ?c rdfs:isDefinedBy <https://w3id.org/exportgraph/ontology> .
        FILTER(STRSTARTS(STR(?s), "https://w3id.org/exportgraph/id/")) FILTER(!CONTAINS(STR(?s), "#"))
        FILTER NOT EXISTS { ?s prov:wasDerivedFrom ?src } FILTER NOT EXISTS { ?s a eg:SourceDocument } } LIMIT 5""")
    assert rows == []


def test_small_build_and_citation(tmp_data: Path, tmp_path: Path) -> None:
    write(tmp_data, GOOD)
    result = build(tmp_data, tmp_path / "out")
    store = ox.Store()
    store.bulk_load(path=str(result.dataset), format=ox.RdfFormat.N_QUADS)
    q = """SELECT ?loc WHERE { GRAPH ?g { <https://w3id.org/exportgraph/id/membership/cn/nsg>
           <https://w3id.org/exportgraph/ontology#citation> ?c . ?c <https://w3id.org/exportgraph/ontology#locator> ?loc } }"""
    assert [r["loc"].value for r in store.query(q)] == ["para 3"]
    assert result.manifest["records_by_class"] == {"Jurisdiction": 1, "Regime": 1, "RegimeMembership": 1}


BAD = {
    "malformed yaml": ("records: [ {id: x", "malformed YAML"),
    "no source": (SOURCE + "records:\n  - {id: cn, type: Jurisdiction, eg:isoCode: CN}\n", "no source"),
    "undefined source": (SOURCE + "records:\n  - {id: cn, type: Jurisdiction, source: src/t/none, eg:isoCode: CN}\n",
                         "not defined"),
    "unknown class": (SOURCE + "records:\n  - {id: cn, type: Jurisdictoin, source: src/t/doc}\n", "unknown class"),
    "unknown property": (SOURCE + "records:\n  - {id: cn, type: Jurisdiction, source: src/t/doc, eg:isoCode: CN,"
                         " eg:isocode: CN}\n", "not allowed"),
    "bad date": (SOURCE + "records:\n  - {id: cn, type: Jurisdiction, source: src/t/doc, eg:isoCode: CN,"
                 " eg:validFrom: 2024-13-01}\n", "expected a date"),
    "end before start": (SOURCE + "records:\n  - {id: cn, type: Jurisdiction, source: src/t/doc, eg:isoCode: CN,"
                         " eg:validFrom: 2024-02-01, eg:validUntil: 2024-01-01}\n", "before"),
    "dangling reference": (SOURCE + "records:\n  - {id: cn, type: Jurisdiction, source: src/t/doc, eg:isoCode: CN,"
                           " eg:memberStateOf: eu}\n", "no data file defines"),
    "wrong class of reference": (GOOD + "  - {id: de, type: Jurisdiction, source: src/t/doc, eg:isoCode: DE,"
                                 " eg:memberStateOf: regime/nsg}\n", "expected a Jurisdiction"),
    "bad code": (SOURCE + "records:\n  - {id: x, type: Agency, source: src/t/doc, eg:role: licencing}\n",
                 "not a code of AgencyRole"),
    "source without url": ("sources:\n  - {id: src/t/x, title: T, kind: primary}\n", "url"),
    "missing required": (SOURCE + "records:\n  - {id: cn, type: Jurisdiction, source: src/t/doc}\n", "required"),
    "duplicate id": (GOOD + "  - {id: cn, type: Jurisdiction, source: src/t/doc, eg:isoCode: CN}\n", "twice"),
    # A final newline passed `$`-anchored checks and crashed in pyoxigraph, or reached the graph.
    "id with a final newline": (SOURCE + 'records:\n  - {id: "cn\\n", type: Jurisdiction, source: src/t/doc,'
                                " eg:isoCode: CN}\n", "expected segments"),
    "url with a final newline": ('sources:\n  - {id: src/t/x, title: T, kind: primary, url: "https://example.org/\\n"}\n',
                                 "url"),
    "bad language tag of a source": (SOURCE.replace("{en: A test document}", "{en_GB: A test document}"),
                                     "language tag"),
    "bad language tag of a record": (SOURCE + 'records:\n  - {id: cn, type: Jurisdiction, source: src/t/doc,'
                                     ' eg:isoCode: CN, skos:prefLabel: {"en\\n": China}}\n', "language tag"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_names_file_and_record(case: str, tmp_data: Path, tmp_path: Path) -> None:
    text, expected = BAD[case]
    write(tmp_data, text)
    out = tmp_path / "out"
    with pytest.raises(DataError) as err:
        build(tmp_data, out)
    assert expected in err.value.message
    assert "a.yaml" in err.value.message
    assert not out.exists() or not list(out.iterdir())


def test_membership_without_date_fails_the_shapes(tmp_data: Path) -> None:
    write(tmp_data, GOOD.replace("    eg:validFrom: 2004-06-10\n", ""))
    with pytest.raises(ValidationFailed) as err:
        compile_dataset(tmp_data)
    assert "a.yaml:membership/cn/nsg" in err.value.message


def test_failed_build_keeps_the_previous_one(tmp_data: Path, tmp_path: Path) -> None:
    write(tmp_data, GOOD)
    out = tmp_path / "out"
    first = build(tmp_data, out)
    write(tmp_data, "records: [ {id: x", "b.yaml")
    with pytest.raises(DataError):
        build(tmp_data, out)
    again = read_manifest(out)
    assert again is not None and again.manifest == first.manifest
    assert again.dataset.read_bytes() == first.dataset.read_bytes()


def test_cli_reports_one_line_and_nonzero_exit(tmp_data: Path, tmp_path: Path) -> None:
    write(tmp_data, SOURCE + "records:\n  - {id: cn, type: Jurisdiction, source: src/t/doc, eg:isoCode: CN,"
          " eg:validFrom: not-a-date}\n")
    proc = subprocess.run([sys.executable, "-m", "exportgraph", "build", "--data-dir", str(tmp_data),
                           "--build-dir", str(tmp_path / "o")], capture_output=True, text=True)
    assert proc.returncode != 0
    # Progress lines ("[  0.3 s] parsing files 1/1 a.yaml") come first when stderr is not a terminal; the
    # failure itself is one line that says what and where.
    lines = [ln for ln in proc.stderr.strip().splitlines() if not re.match(r"^\[\s*[0-9.]+ s\] ", ln)]
    assert len(lines) == 1 and "a.yaml:cn" in lines[0] and "Traceback" not in proc.stderr


def test_cli_build_query_stats_export(tmp_data: Path, tmp_path: Path) -> None:
    write(tmp_data, GOOD)
    env_args = ["--data-dir", str(tmp_data), "--build-dir", str(tmp_path / "o")]
    run = lambda *a: subprocess.run([sys.executable, "-m", "exportgraph", *a], capture_output=True,  # noqa: E731
                                    text=True, check=True).stdout
    assert "3 records" in run("build", "--quiet", *env_args)
    out = run("query", "SELECT ?n WHERE { ?j eg:isoCode ?n }", "--format", "csv", *env_args)
    assert out.splitlines() == ["n", "CN"]
    assert json.loads(run("stats", "--format", "json", *env_args))["records"] == 3
    turtle = run("export", "--format", "turtle", *env_args)
    import rdflib

    g = rdflib.Graph().parse(data=turtle, format="turtle")
    assert (None, rdflib.URIRef("https://w3id.org/exportgraph/ontology#isoCode"), rdflib.Literal("CN")) in g
    jsonld = run("export", "--format", "jsonld", *env_args)
    assert json.loads(jsonld)


def test_generated_ontology_is_current() -> None:
    from exportgraph.graph.build import check_generated

    check_generated()


def test_import_scripts_and_generated_files_exist() -> None:
    generated = [p for p in DATA.rglob("*.yaml") if p.read_text("utf-8").startswith("# GENERATED by scripts/")]
    for path in generated:
        script = path.read_text("utf-8").split("scripts/", 1)[1].split(" ", 1)[0].rstrip(";")
        assert (DATA.parent / "scripts" / script).exists(), f"{path.name} names a missing script {script}"


def test_no_shared_paths_in_package() -> None:
    pkg = Path(__file__).resolve().parent.parent / "exportgraph"
    offenders = [p for p in pkg.rglob("*.py") if "../shared" in p.read_text("utf-8")]
    assert offenders == []
    assert shutil.which  # keep the import used


def test_serve_rebuilds_only_when_inputs_changed(tmp_data: Path, tmp_path: Path) -> None:
    from exportgraph.api.serve import ensure_build
    from exportgraph.graph.build import is_current
    from exportgraph.settings import Settings

    write(tmp_data, GOOD)
    settings = Settings(data_dir=tmp_data, build_dir=tmp_path / "out")
    ensure_build(settings)
    first = read_manifest(settings.build_dir)
    assert first is not None and is_current(first, tmp_data)
    write(tmp_data, GOOD.replace("Nuclear Suppliers Group", "NSG"))
    assert not is_current(first, tmp_data)
    ensure_build(settings)
    second = read_manifest(settings.build_dir)
    assert second is not None and second.manifest["dataset"] != first.manifest["dataset"]


def test_all_errors_mode_reports_a_bad_correspondence(tmp_data: Path) -> None:
    """`validate` (all_errors) lists the errors; the derived pass must not trip over the failed record."""
    write(tmp_data, SOURCE + "records:\n  - {id: c/1, type: Correspondence, source: src/t/doc,"
          " eg:correspondenceOf: x, eg:correspondsTo: y}\n")
    with pytest.raises(DataError) as err:
        compile_dataset(tmp_data, all_errors=True)
    assert "no data file defines" in err.value.message


def test_manifest_hashes_the_bytes_the_build_read(tmp_data: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A data file edited while a build runs must not be recorded as built (serve would not rebuild)."""
    import hashlib

    from exportgraph.graph import build as B

    path = write(tmp_data, GOOD)
    original = hashlib.sha256(path.read_bytes()).hexdigest()
    real = B.compile_dataset

    def edited_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = real(*args, **kwargs)
        path.write_text(GOOD.replace("Nuclear Suppliers Group", "NSG"), encoding="utf-8")
        return result

    monkeypatch.setattr(B, "compile_dataset", edited_meanwhile)
    result = B.build(tmp_data, tmp_path / "out")
    assert result.manifest["inputs"]["a.yaml"] == original
    assert not B.is_current(result, tmp_data)
