"""IRIs the graph mints and the namespaces it uses."""

from __future__ import annotations

import re

BASE = "https://w3id.org/exportgraph/"
ID = BASE + "id/"
EG = BASE + "ontology#"
ONTOLOGY_GRAPH = BASE + "ontology"
DERIVED_SOURCE_ID = "src/exportgraph/derived"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"

# \Z, not $: $ also matches before a final newline, and "cn\n" is no id (nor a valid IRI).
ID_RE = re.compile(r"^[a-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*\Z")

PREFIXES = {
    "eg": EG, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "skos": SKOS, "prov": PROV, "dcat": DCAT,
    "dcterms": DCTERMS, "eli": "http://data.europa.eu/eli/ontology#", "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#", "time": "http://www.w3.org/2006/time#",
    "ftm": "https://schema.followthemoney.tech/#", "sh": "http://www.w3.org/ns/shacl#",
}


def sparql_prefixes() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(PREFIXES.items()))


def iri(record_id: str) -> str:
    return ID + record_id


def local_id(resource: str) -> str | None:
    """The record id of a minted IRI, or None for any other IRI."""
    return resource[len(ID):] if resource.startswith(ID) else None
