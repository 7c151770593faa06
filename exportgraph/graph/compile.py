"""Compiling records into quads: a named graph per source document.

Each record's statements go into the graph of its first source; every source of
the record is linked with prov:wasDerivedFrom, and a locator becomes an
eg:Citation. Derived statements (SKOS mapping triples from correspondences,
crosswalk groups) go into the graph of the derivation, itself a described source.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad

from exportgraph.exc import DataError
from exportgraph.graph import terms as T
from exportgraph.graph.records import LANG_RE, URL_RE, DataSet, Record, Source, lang_map, parse_date
from exportgraph.ontology.model import LANG_STRING, RESOURCE, Model, PropertySpec

XSD_DATE = NamedNode(T.XSD + "date")
MATCH = {"exact": "exactMatch", "close": "closeMatch", "broad": "broadMatch",
         "narrow": "narrowMatch", "related": "relatedMatch"}


Sink = Callable[[Iterable[Quad]], object]
BATCH = 50_000  # quads handed to the sink at a time: the whole dataset is never a list of Python objects


def nn(value: str) -> NamedNode:
    return NamedNode(value)


class Compiler:
    """Hands the quads to `sink` in batches (e.g. a store's extend); without a sink, keeps them in `quads`."""

    def __init__(self, model: Model, data: DataSet, errors: list[DataError] | None = None,
                 sink: Sink | None = None) -> None:
        self.model = model
        self.data = data
        self.errors = errors
        self.sink = sink
        self.quads: list[Quad] = []
        self.count = 0  # quads made (a quad made twice counts twice)
        self.eg = model.ns
        self.failed: set[str] = set()  # records that raised (collected with errors): no derived statements
        self._nodes: dict[str, NamedNode] = {}  # predicates and graphs: few IRIs, each used many times

    def _node(self, value: str) -> NamedNode:
        node = self._nodes.get(value)
        if node is None:
            node = self._nodes[value] = NamedNode(value)
        return node

    def _add(self, s: str, p: str, o: NamedNode | Literal, g: str) -> None:
        self.quads.append(Quad(NamedNode(s), self._node(p), o, self._node(g)))
        if self.sink is not None and len(self.quads) >= BATCH:
            self.flush()

    def flush(self) -> None:
        self.count += len(self.quads)
        if self.sink is not None:
            self.sink(self.quads)
            self.quads = []

    def compile(self) -> list[Quad]:
        for src in sorted(self.data.sources.values(), key=lambda s: s.id):
            self._source(src)
        for rec in sorted(self.data.records.values(), key=lambda r: r.id):
            try:
                self._record(rec)
            except DataError as exc:
                if self.errors is None:
                    raise
                self.errors.append(exc)
                self.failed.add(rec.id)
        self._derived()
        self.flush()
        return self.quads

    def _source(self, src: Source) -> None:
        s = T.iri(src.id)
        for cls in ("SourceDocument",):
            self._add(s, T.RDF + "type", self._node(self.eg + cls), s)
        self._add(s, T.RDF + "type", self._node(T.PROV + "Entity"), s)
        for lang, text in sorted(src.title.items()):
            self._add(s, T.DCTERMS + "title", Literal(text, language=lang), s)
        self._add(s, T.DCAT + "landingPage", Literal(src.url, datatype=self._node(T.XSD + "anyURI")), s)
        if src.issued:
            self._add(s, T.DCTERMS + "issued", Literal(src.issued.isoformat(), datatype=XSD_DATE), s)
        for lang, text in sorted(src.publisher.items()):
            self._add(s, T.DCTERMS + "publisher", Literal(text, language=lang), s)
        self._add(s, self.eg + "sourceKind", self._node(self.model.code_iri("SourceKind", src.kind)), s)
        if src.language:
            self._add(s, self.eg + "language", Literal(src.language), s)

    def _record(self, rec: Record) -> None:
        s = T.iri(rec.id)
        for sid, _ in rec.sources:
            if sid not in self.data.sources:
                raise DataError(f"source {sid!r} is not defined in any data file", rec.path, rec.id)
        graph = T.iri(rec.sources[0][0])
        self._add(s, T.RDF + "type", self._node(self.eg + rec.type), graph)
        allowed = self.model.allowed(rec.type)
        for curie, values in rec.props.items():
            spec = allowed[curie]
            if spec.max is not None and len(values) > spec.max:
                raise DataError(f"{curie}: at most {spec.max} value(s), got {len(values)}", rec.path, rec.id)
            for value in values:
                if spec.range == LANG_STRING:
                    for lang, text in sorted(lang_map(value, rec.path, rec.id, curie).items()):
                        if not LANG_RE.match(lang):
                            raise DataError(f"{curie}: bad language tag {lang!r}", rec.path, rec.id)
                        self._add(s, spec.iri, Literal(text, language=lang), graph)
                else:
                    self._add(s, spec.iri, self._term(spec, value, rec), graph)
        for curie, spec in allowed.items():
            if spec.min and curie not in rec.props:
                raise DataError(f"{curie}: required on {rec.type}", rec.path, rec.id)
        self._validity(rec)
        if rec.unverified:
            self._add(s, self.eg + "verification", self._node(self.model.code_iri("Verification", "unverified")), graph)
        for n, (sid, locator) in enumerate(rec.sources, 1):
            self._add(s, T.PROV + "wasDerivedFrom", nn(T.iri(sid)), graph)
            if locator:
                cite = f"{s}#cite-{n}"
                self._add(s, self.eg + "citation", nn(cite), graph)
                self._add(cite, T.RDF + "type", self._node(self.eg + "Citation"), graph)
                self._add(cite, self.eg + "citedSource", nn(T.iri(sid)), graph)
                self._add(cite, self.eg + "locator", Literal(locator), graph)

    def _validity(self, rec: Record) -> None:
        start = rec.props.get("eg:validFrom")
        end = rec.props.get("eg:validUntil")
        if start and end:
            a = parse_date(start[0], rec.path, rec.id, "eg:validFrom")
            b = parse_date(end[0], rec.path, rec.id, "eg:validUntil")
            if b < a:
                raise DataError(f"eg:validUntil {b} is before eg:validFrom {a}", rec.path, rec.id)

    def _term(self, spec: PropertySpec, value: Any, rec: Record) -> NamedNode | Literal:
        rng, key = spec.range, spec.curie
        if rng == LANG_STRING:
            raise DataError(f"{key}: internal: language maps are expanded before", rec.path, rec.id)
        if rng.startswith("scheme:"):
            scheme = rng[7:]
            if str(value) not in self.model.schemes[scheme]:
                codes = ", ".join(sorted(self.model.schemes[scheme]))
                raise DataError(f"{key}: {value!r} is not a code of {scheme} ({codes})", rec.path, rec.id)
            return self._node(self.model.code_iri(scheme, str(value)))
        if rng == RESOURCE or rng.startswith("class:"):
            return self._reference(spec, value, rec)
        return self._literal(spec, value, rec)

    def _reference(self, spec: PropertySpec, value: Any, rec: Record) -> NamedNode:
        text = str(value)
        if text.startswith("<") and text.endswith(">"):
            if spec.range != RESOURCE:
                raise DataError(f"{spec.curie}: expects a record of class {spec.range[6:]}, "
                                f"not an external IRI {text}", rec.path, rec.id)
            if not URL_RE.match(text[1:-1]):
                raise DataError(f"{spec.curie}: malformed IRI {text}", rec.path, rec.id)
            return nn(text[1:-1])
        target = self.data.records.get(text)
        if target is None:
            if text in self.data.sources and spec.range in (RESOURCE, "class:SourceDocument"):
                return nn(T.iri(text))
            raise DataError(f"{spec.curie}: refers to {text!r}, which no data file defines", rec.path, rec.id)
        if spec.range.startswith("class:"):
            wanted = spec.range[6:]
            if wanted not in self.model.ancestors(target.type):
                raise DataError(f"{spec.curie}: {text!r} is a {target.type}, expected a {wanted}",
                                rec.path, rec.id)
        return nn(T.iri(text))

    def _literal(self, spec: PropertySpec, value: Any, rec: Record) -> Literal:
        rng, key = spec.range, spec.curie
        local = rng[len(T.XSD):]
        if local == "date":
            return Literal(parse_date(value, rec.path, rec.id, key).isoformat(), datatype=XSD_DATE)
        if local == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                raise DataError(f"{key}: expected an integer, got {value!r}", rec.path, rec.id)
            return Literal(str(value), datatype=self._node(rng))
        if local == "decimal":
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                raise DataError(f"{key}: expected a number, got {value!r}", rec.path, rec.id) from None
            if isinstance(value, bool) or not number.is_finite():
                raise DataError(f"{key}: expected a number, got {value!r}", rec.path, rec.id)
            text = format(number.normalize(), "f")
            return Literal(text if "." in text else text + ".0", datatype=self._node(rng))
        if local == "boolean":
            if not isinstance(value, bool):
                raise DataError(f"{key}: expected true or false, got {value!r}", rec.path, rec.id)
            return Literal("true" if value else "false", datatype=self._node(rng))
        if local == "anyURI":
            if not isinstance(value, str) or not URL_RE.match(value):
                raise DataError(f"{key}: expected an http(s) URL, got {value!r}", rec.path, rec.id)
            return Literal(value, datatype=self._node(rng))
        if isinstance(value, (dict, list, dt.date, bool)):
            raise DataError(f"{key}: expected text, got {value!r}", rec.path, rec.id)
        text = str(value)
        if spec.values and text not in spec.values:
            raise DataError(f"{key}: expected one of {', '.join(spec.values)}, got {text!r}", rec.path, rec.id)
        return Literal(text)

    def _derived(self) -> None:
        """SKOS mapping triples and crosswalk groups from the correspondences."""
        graph = T.iri(T.DERIVED_SOURCE_ID)
        edges: dict[str, set[str]] = defaultdict(set)
        for rec in self.data.records.values():
            if rec.type != "Correspondence" or rec.id in self.failed:
                continue
            kind = MATCH.get(str(rec.props["eg:matchType"][0]), "")
            if not kind or not rec.props.get("eg:correspondsTo"):
                continue  # "different item" and "no counterpart" records join nothing
            a = str(rec.props["eg:correspondenceOf"][0])
            b = str(rec.props["eg:correspondsTo"][0])
            self._add(T.iri(a), T.SKOS + kind, nn(T.iri(b)), T.iri(rec.sources[0][0]))
            edges[a].add(b)
            edges[b].add(a)
        if not edges:
            return
        for members in _components(edges):
            digest = hashlib.sha256("\n".join(members).encode()).hexdigest()[:12]
            group = T.iri(f"crosswalk/{digest}")
            self._add(group, T.RDF + "type", self._node(T.SKOS + "Collection"), graph)
            codes = sorted({self._notation(m) for m in members})
            self._add(group, T.RDFS + "label", Literal("crosswalk group: " + ", ".join(codes), language="en"), graph)
            for member in members:
                self._add(T.iri(member), self.eg + "crosswalkGroup", nn(group), graph)
                self._add(group, T.SKOS + "member", nn(T.iri(member)), graph)

    def _notation(self, record_id: str) -> str:
        rec = self.data.records.get(record_id)
        notation = rec.props.get("skos:notation") if rec else None
        return str(notation[0]) if notation else record_id


def _components(edges: dict[str, set[str]]) -> Iterator[list[str]]:
    seen: set[str] = set()
    for start in sorted(edges):
        if start in seen:
            continue
        stack, comp = [start], []
        seen.add(start)
        while stack:
            node = stack.pop()
            comp.append(node)
            for nxt in edges[node]:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        yield sorted(comp)
