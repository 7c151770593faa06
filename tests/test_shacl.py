"""Our SHACL-as-SPARQL validator agrees with pyshacl, the reference implementation, on small graphs."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from exportgraph.graph.build import ontology_text
from exportgraph.graph.shacl import load_checks, validate

EG = "https://w3id.org/exportgraph/ontology#"
ID = "https://w3id.org/exportgraph/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
BASE = f"""
@prefix eg: <{EG}> . @prefix id: <{ID}> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org: <http://www.w3.org/ns/org#> . @prefix xsd: <{XSD}> .
id:cn a eg:Jurisdiction ; eg:isoCode "CN" ; skos:prefLabel "China"@en .
id:nsg a eg:Regime ; skos:prefLabel "NSG"@en .
"""
CASES = {
    "conforms": "id:m a eg:RegimeMembership ; org:member id:cn ; org:organization id:nsg ; "
                f"eg:membershipStatus <{EG}MembershipStatus-participant> ; eg:validFrom \"2004-06-10\"^^xsd:date .",
    "missing date (SPARQL rule)": "id:m a eg:RegimeMembership ; org:member id:cn ; org:organization id:nsg ; "
                                  f"eg:membershipStatus <{EG}MembershipStatus-participant> .",
    "end before start": 'id:cn eg:validFrom "2024-02-01"^^xsd:date ; eg:validUntil "2024-01-01"^^xsd:date .',
    "wrong class": "id:m a eg:RegimeMembership ; org:member id:nsg ; org:organization id:nsg ; "
                   f"eg:membershipStatus <{EG}MembershipStatus-non-member> .",
    "closed shape": 'id:cn eg:foundedOn "2000-01-01"^^xsd:date .',
    "pattern": 'id:de a eg:Jurisdiction ; eg:isoCode "Germany" .',
    "datatype": 'id:nsg eg:participantCount "48" .',
    "max count": 'id:cn eg:isoCode "CH" .',
    "not in list": f"id:m a eg:RegimeMembership ; org:member id:cn ; org:organization id:nsg ; "
                   f"eg:membershipStatus <{EG}TimeUnit-month> .",
}


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(data=ontology_text("shapes.ttl"), format="turtle")


@pytest.mark.parametrize("case", sorted(CASES))
def test_agrees_with_pyshacl(case: str, shapes: rdflib.Graph, tmp_path: Path) -> None:
    import pyshacl

    text = BASE + CASES[case]
    data = rdflib.Graph().parse(data=text, format="turtle")
    data.parse(data=ontology_text("exportgraph.ttl"), format="turtle")
    conforms, _, report = pyshacl.validate(data, shacl_graph=shapes, advanced=True)
    store = ox.Store()
    store.load(data.serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(ID + "g"))
    checks = load_checks(ontology_text("shapes.ttl"), ontology_text("exportgraph.ttl"))
    ours = validate(store, checks)
    assert conforms == (not ours), f"pyshacl: {conforms}; ours: {[v.message for v in ours]}\n{report}"
    assert conforms == (case == "conforms")
