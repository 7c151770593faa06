"""The data model, read from model.yaml into typed objects.

model.yaml is the one source of truth: the OWL ontology and the SHACL shapes are
generated from it (generate.py), and the compiler uses it to check every record.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from exportgraph.exc import ModelError

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
LANG_STRING = RDF + "langString"
RESOURCE = "Resource"  # any IRI: a record id or an external IRI


@dataclass(frozen=True)
class PropertySpec:
    """What a class allows for one property."""

    iri: str
    curie: str
    range: str  # an xsd IRI, LANG_STRING, "class:<Name>", "scheme:<Name>" or RESOURCE
    min: int = 0
    max: int | None = None
    pattern: str | None = None
    values: tuple[str, ...] = ()

    @property
    def is_reference(self) -> bool:
        return self.range == RESOURCE or self.range.startswith(("class:", "scheme:"))


@dataclass(frozen=True)
class ClassSpec:
    name: str
    iri: str
    superclasses: tuple[str, ...]  # IRIs, ours and external
    parents: tuple[str, ...]  # names of our own superclasses
    label: dict[str, str]
    definition: str
    properties: dict[str, PropertySpec]  # own properties, by CURIE
    rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class Model:
    iri: str
    version: str
    title: dict[str, str]
    description: str
    prefixes: dict[str, str]
    common: dict[str, PropertySpec]
    properties: dict[str, dict[str, str]]  # eg: local name -> label/definition/zh/ja
    classes: dict[str, ClassSpec]
    schemes: dict[str, dict[str, dict[str, str]]]  # scheme -> code -> labels
    _allowed: dict[str, dict[str, PropertySpec]] = field(default_factory=dict, compare=False)

    @property
    def ns(self) -> str:
        return self.prefixes["eg"]

    def code_iri(self, scheme: str, code: str) -> str:
        return f"{self.ns}{scheme}-{code}"

    def ancestors(self, name: str) -> list[str]:
        """The class and its superclasses of this model, nearest first."""
        seen: list[str] = []
        todo = [name]
        while todo:
            current = todo.pop(0)
            if current in seen:
                continue
            seen.append(current)
            todo.extend(self.classes[current].parents)
        return seen

    def descendants(self, name: str) -> set[str]:
        return {c for c in self.classes if name in self.ancestors(c)}

    def allowed(self, name: str) -> dict[str, PropertySpec]:
        """Every property a record of class `name` may carry, by CURIE."""
        if name not in self._allowed:
            merged: dict[str, PropertySpec] = dict(self.common)
            for cls in reversed(self.ancestors(name)):
                merged.update(self.classes[cls].properties)
            self._allowed[name] = merged
        return self._allowed[name]


_RANGE_RE = re.compile(r"^(xsd:\w+|rdf:langString|scheme:\w+|Resource|[A-Z]\w*)$")


def _prop(model_prefixes: dict[str, str], curie: str, raw: dict[str, Any], classes: set[str],
          schemes: set[str]) -> PropertySpec:
    rng = str(raw.get("range", ""))
    if not _RANGE_RE.match(rng):
        raise ModelError(f"{curie}: bad range {rng!r}")
    if rng.startswith("xsd:"):
        full = XSD + rng[4:]
    elif rng == "rdf:langString":
        full = LANG_STRING
    elif rng.startswith("scheme:"):
        if rng[7:] not in schemes:
            raise ModelError(f"{curie}: unknown scheme {rng}")
        full = rng
    elif rng == RESOURCE:
        full = RESOURCE
    else:
        if rng not in classes:
            raise ModelError(f"{curie}: unknown class {rng}")
        full = "class:" + rng
    return PropertySpec(
        iri=_expand(model_prefixes, curie),
        curie=curie,
        range=full,
        min=int(raw.get("min", 0)),
        max=int(raw["max"]) if "max" in raw else None,
        pattern=raw.get("pattern"),
        values=tuple(str(v) for v in raw.get("in", ())),
    )


def parse_model(raw: dict[str, Any]) -> Model:
    prefixes = {str(k): str(v) for k, v in raw["prefixes"].items()}
    class_names = set(raw["classes"])
    scheme_names = set(raw["schemes"])
    common = {c: _prop(prefixes, c, r, class_names, scheme_names) for c, r in raw["common"].items()}
    classes: dict[str, ClassSpec] = {}
    for name, spec in raw["classes"].items():
        supers = [str(s) for s in spec.get("subclass_of", [])]
        parents = tuple(s for s in supers if s in class_names)
        iris = tuple(prefixes["eg"] + s if s in class_names else _expand(prefixes, s) for s in supers)
        props = {c: _prop(prefixes, c, r, class_names, scheme_names)
                 for c, r in (spec.get("properties") or {}).items()}
        classes[name] = ClassSpec(
            name=name, iri=prefixes["eg"] + name, superclasses=iris, parents=parents,
            label={str(k): str(v) for k, v in spec["label"].items()},
            definition=str(spec["definition"]), properties=props,
            rules=tuple(spec.get("rules", ())),
        )
    declared = set(raw["properties"])
    for spec_ in [*common.values(), *(p for c in classes.values() for p in c.properties.values())]:
        if spec_.curie.startswith("eg:") and spec_.curie[3:] not in declared:
            raise ModelError(f"property {spec_.curie} is used but not declared under properties:")
    onto = raw["ontology"]
    return Model(
        iri=str(onto["iri"]), version=str(onto["version"]),
        title={str(k): str(v) for k, v in onto["title"].items()},
        description=str(onto["description"]), prefixes=prefixes, common=common,
        properties={str(k): {str(a): str(b) for a, b in v.items()} for k, v in raw["properties"].items()},
        classes=classes,
        schemes={str(s): {str(c): {str(a): str(b) for a, b in lab.items()} for c, lab in codes.items()}
                 for s, codes in raw["schemes"].items()},
    )


def _expand(prefixes: dict[str, str], curie: str) -> str:
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in prefixes:
        raise ModelError(f"unknown prefix in {curie!r}")
    return prefixes[prefix] + local


@functools.cache
def load_model() -> Model:
    """The packaged model."""
    text = resources.files("exportgraph.ontology").joinpath("model.yaml").read_text("utf-8")
    return parse_model(yaml.safe_load(text))
