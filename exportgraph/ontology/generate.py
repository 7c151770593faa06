"""Generate exportgraph.ttl (OWL + SKOS code lists) and shapes.ttl (SHACL) from model.yaml.

The output is plain, sorted Turtle written by hand, so that the same model gives
byte-identical files and diffs stay readable.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from exportgraph.ontology.model import LANG_STRING, RESOURCE, XSD, Model, PropertySpec, load_model

SH = "http://www.w3.org/ns/shacl#"
# Properties the build adds to every record, or derives, beside those of the model.
PROVENANCE = ("rdf:type", "prov:wasDerivedFrom", "eg:citation")
DERIVED = ("skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch",
           "skos:relatedMatch", "skos:narrower", "skos:hasTopConcept", "skos:topConceptOf",
           "eg:crosswalkGroup")


def lit(text: str, lang: str | None = None) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r"))
    return f'"{escaped}"' + (f"@{lang}" if lang else "")


def _labels(pred: str, labels: dict[str, str]) -> str:
    return f"    {pred} " + ", ".join(lit(v, k) for k, v in sorted(labels.items()))


def _block(subject: str, lines: list[str]) -> str:
    return subject + "\n" + " ;\n".join(lines) + " .\n"


def _prefix_header(model: Model, extra: dict[str, str]) -> str:
    prefixes = dict(model.prefixes)
    prefixes.update(extra)
    prefixes.setdefault("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#")
    return "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in sorted(prefixes.items())) + "\n"


def _property_kinds(model: Model) -> dict[str, str]:
    """owl:ObjectProperty or owl:DatatypeProperty for each eg: property, by its ranges."""
    kinds: dict[str, str] = {}
    specs: list[PropertySpec] = [*model.common.values()]
    for cls in model.classes.values():
        specs.extend(cls.properties.values())
    for spec in specs:
        if spec.curie.startswith("eg:"):
            kind = "owl:ObjectProperty" if spec.is_reference else "owl:DatatypeProperty"
            kinds.setdefault(spec.curie[3:], kind)
    for name in model.properties:
        kinds.setdefault(name, "owl:ObjectProperty" if name in ("citation", "citedSource")
                         else "owl:DatatypeProperty")
    kinds["crosswalkGroup"] = "owl:ObjectProperty"
    return kinds


def owl_turtle(model: Model) -> str:
    out = [_prefix_header(model, {})]
    out.append(_block(f"<{model.iri}>", [
        "    a owl:Ontology",
        _labels("dcterms:title", model.title),
        f"    dcterms:description {lit(model.description, 'en')}",
        f"    owl:versionInfo {lit(model.version)}",
        "    dcterms:license <https://creativecommons.org/licenses/by/4.0/>",
    ]))
    for name in sorted(model.classes):
        cls = model.classes[name]
        lines = ["    a owl:Class"]
        for sup in sorted(cls.superclasses):
            lines.append(f"    rdfs:subClassOf <{sup}>")
        lines.append(_labels("rdfs:label", cls.label))
        lines.append(f"    skos:definition {lit(cls.definition, 'en')}")
        lines.append(f"    rdfs:isDefinedBy <{model.iri}>")
        out.append(_block(f"eg:{name}", lines))
    kinds = _property_kinds(model)
    for name in sorted(model.properties):
        meta = model.properties[name]
        labels = {"en": meta["label"]}
        labels.update({k: meta[k] for k in ("zh", "ja") if k in meta})
        out.append(_block(f"eg:{name}", [
            f"    a {kinds[name]}", _labels("rdfs:label", labels),
            f"    skos:definition {lit(meta['definition'], 'en')}",
            f"    rdfs:isDefinedBy <{model.iri}>",
        ]))
    out.append(_block("eg:crosswalkGroup", [
        "    a owl:ObjectProperty", _labels("rdfs:label", {"en": "crosswalk group"}),
        "    skos:definition " + lit("Derived at build time: the group of entries that the "
                                     "correspondences connect, so that a crosswalk is one hop.", "en"),
        f"    rdfs:isDefinedBy <{model.iri}>",
    ]))
    for scheme in sorted(model.schemes):
        out.append(_block(f"eg:{scheme}", [
            "    a skos:ConceptScheme", _labels("rdfs:label", {"en": scheme}),
            f"    rdfs:isDefinedBy <{model.iri}>",
        ]))
        for code in sorted(model.schemes[scheme]):
            out.append(_block(f"<{model.code_iri(scheme, code)}>", [
                "    a skos:Concept", f"    skos:inScheme eg:{scheme}",
                f"    skos:notation {lit(code)}",
                _labels("skos:prefLabel", model.schemes[scheme][code]),
            ]))
    return "\n".join(out)


def _shape_lines(model: Model, spec: PropertySpec) -> list[str]:
    lines = ["    a sh:PropertyShape", f"    sh:path <{spec.iri}>"]
    if spec.range == LANG_STRING:
        lines.append("    sh:datatype rdf:langString")
    elif spec.range == RESOURCE:
        lines.append("    sh:nodeKind sh:IRI")
    elif spec.range.startswith("class:"):
        lines.append(f"    sh:class eg:{spec.range[6:]}")
    elif spec.range.startswith("scheme:"):
        scheme = spec.range[7:]
        codes = " ".join(f"<{model.code_iri(scheme, c)}>" for c in sorted(model.schemes[scheme]))
        lines.append(f"    sh:in ( {codes} )")
    else:
        lines.append(f"    sh:datatype <{spec.range}>")
    if spec.min:
        lines.append(f"    sh:minCount {spec.min}")
    if spec.max is not None:
        lines.append(f"    sh:maxCount {spec.max}")
    if spec.pattern:
        lines.append(f"    sh:pattern {lit(spec.pattern)}")
    if spec.values:
        lines.append("    sh:in ( " + " ".join(lit(v) for v in spec.values) + " )")
    if spec.curie == "eg:validFrom":
        lines.append("    sh:lessThanOrEquals eg:validUntil")
    return lines


RULES = {
    "dated-unless-non-member": (
        "A membership other than a notable non-membership needs eg:validFrom.",
        "SELECT $this WHERE { $this eg:membershipStatus ?s . "
        "FILTER (?s != <{ns}MembershipStatus-non-member>) "
        "FILTER NOT EXISTS { $this eg:validFrom ?d } }"),
    "valid-from-required": (
        "A list edition needs eg:validFrom.",
        "SELECT $this WHERE { FILTER NOT EXISTS { $this eg:validFrom ?d } }"),
    "dated": (
        "This resource needs eg:validFrom (with eg:datePrecision 'before' when only a later date is known).",
        "SELECT $this WHERE { FILTER NOT EXISTS { $this eg:validFrom ?d } }"),
    "target-unless-no-counterpart": (
        "A correspondence needs eg:correspondsTo unless its type is no-counterpart or not-established.",
        "SELECT $this WHERE { $this eg:matchType ?t . "
        "FILTER (?t != <{ns}MatchType-no-counterpart> && ?t != <{ns}MatchType-not-established>) "
        "FILTER NOT EXISTS { $this eg:correspondsTo ?x } }"),
}


def shapes_turtle(model: Model) -> str:
    out = [_prefix_header(model, {"sh": SH})]
    for name in sorted(model.classes):
        cls = model.classes[name]
        allowed = model.allowed(name)
        shape = f"eg:{name}Shape"
        own = set(allowed)
        below = sorted({c for d in model.descendants(name) for c in model.allowed(d)} - own)
        ignored = " ".join([*PROVENANCE, *DERIVED, *below])
        lines = ["    a sh:NodeShape", f"    sh:targetClass eg:{name}", "    sh:closed true",
                 f"    sh:ignoredProperties ( {ignored} )"]
        for curie in sorted(allowed):
            lines.append(f"    sh:property {shape}-{curie.replace(':', '_')}")
        for rule in cls.rules:
            lines.append(f"    sh:sparql {shape}-rule-{rule}")
        out.append(_block(shape, lines))
        for curie in sorted(allowed):
            out.append(_block(f"{shape}-{curie.replace(':', '_')}", _shape_lines(model, allowed[curie])))
        for rule in cls.rules:
            message, select = RULES[rule]
            out.append(_block(f"{shape}-rule-{rule}", [
                "    a sh:SPARQLConstraint", f"    sh:message {lit(message, 'en')}",
                f"    sh:prefixes <{model.iri}>",
                f"    sh:select {lit(select.replace('{ns}', model.ns))}",
            ]))
    out.append(_block(f"<{model.iri}>", [
        "    sh:declare [ sh:prefix \"eg\" ; sh:namespace "
        f"\"{model.ns}\"^^<{XSD}anyURI> ]",
    ]))
    return "\n".join(out)


def ontology_dir() -> Path:
    return Path(str(resources.files("exportgraph.ontology")))


def write(directory: Path | None = None) -> list[Path]:
    """Write both files; return their paths."""
    model = load_model()
    target = directory or ontology_dir()
    written = []
    for name, text in (("exportgraph.ttl", owl_turtle(model)), ("shapes.ttl", shapes_turtle(model))):
        path = target / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
