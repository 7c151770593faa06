"""SHACL validation as SPARQL over the store.

pyshacl over an rdflib graph takes minutes at our size (see ../TRAPS in the docs),
so the shapes of shapes.ttl are translated into SPARQL queries that Oxigraph
runs over the union of the named graphs. The translation covers the constraint
components our shapes use; a shape with any other component is refused, never
skipped. tests/test_shacl.py checks that pyshacl agrees on sample data.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection

from exportgraph.exc import ModelError
from exportgraph.graph.terms import sparql_prefixes

PREFIXES = sparql_prefixes()
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
RDFS_SUBCLASS = rdflib.RDFS.subClassOf
SUPPORTED_NODE = {SH.targetClass, SH.closed, SH.ignoredProperties, SH.property, SH.sparql, rdflib.RDF.type}
SUPPORTED_PROP = {SH.path, SH.datatype, SH["class"], SH.nodeKind, SH.minCount, SH.maxCount, SH.pattern,
                  SH["in"], SH.lessThanOrEquals, rdflib.RDF.type}


@dataclass(frozen=True)
class Violation:
    focus: str
    shape: str
    message: str


@dataclass(frozen=True)
class Check:
    shape: str
    message: str
    query: str


def _n3(term: rdflib.term.Node | None) -> str:
    if term is None:
        raise ModelError("a shape lacks a required value (sh:path?)")
    text: str = term.n3()
    return text


def _sorted(nodes: Iterable[rdflib.term.Node]) -> list[rdflib.term.Node]:
    return sorted(nodes, key=str)


class ShapeTranslator:
    def __init__(self, shapes: rdflib.Graph, ontology: rdflib.Graph) -> None:
        self.shapes = shapes
        self.ontology = ontology

    def subclasses(self, cls: rdflib.term.Node) -> list[str]:
        found = {cls}
        todo = [cls]
        while todo:
            current = todo.pop()
            for sub in self.ontology.subjects(RDFS_SUBCLASS, current):
                if sub not in found:
                    found.add(sub)
                    todo.append(sub)
        return sorted(_n3(c) for c in found)

    def checks(self) -> list[Check]:
        out: list[Check] = []
        for shape in _sorted(self.shapes.subjects(rdflib.RDF.type, SH.NodeShape)):
            out.extend(self._node(shape))
        return out

    def _node(self, shape: rdflib.term.Node) -> list[Check]:
        unknown = {p for p in self.shapes.predicates(shape) if p not in SUPPORTED_NODE}
        if unknown:
            raise ModelError(f"{shape}: unsupported SHACL components {sorted(map(str, unknown))}")
        target = self.shapes.value(shape, SH.targetClass)
        if target is None:
            raise ModelError(f"{shape}: node shapes need sh:targetClass")
        focus = f"VALUES ?t {{ {' '.join(self.subclasses(target))} }} ?this a ?t ."
        name = str(shape).rsplit("#", 1)[-1]
        out: list[Check] = []
        paths: list[str] = []
        for prop in _sorted(self.shapes.objects(shape, SH.property)):
            out.extend(self._property(name, focus, prop))
            paths.append(_n3(self.shapes.value(prop, SH.path)))
        if self.shapes.value(shape, SH.closed) == rdflib.Literal(True):
            ignored = self.shapes.value(shape, SH.ignoredProperties)
            allowed = paths + ([_n3(t) for t in Collection(self.shapes, ignored)] if ignored else [])
            out.append(Check(name, "property not allowed by the closed shape (?p)",
                             f"SELECT DISTINCT ?this ?p WHERE {{ {focus} ?this ?p ?o . "
                             f"FILTER (?p NOT IN ({', '.join(sorted(set(allowed)))})) }}"))
        for rule in _sorted(self.shapes.objects(shape, SH.sparql)):
            select = str(self.shapes.value(rule, SH.select)).replace("$this", "?this")
            message = str(self.shapes.value(rule, SH.message))
            body = select.split("WHERE", 1)[1].strip()[1:-1]
            out.append(Check(name, message, f"SELECT DISTINCT ?this WHERE {{ {focus} {body} }}"))
        return out

    def _property(self, name: str, focus: str, prop: rdflib.term.Node) -> list[Check]:
        g = self.shapes
        unknown = {p for p in g.predicates(prop) if p not in SUPPORTED_PROP}
        if unknown:
            raise ModelError(f"{prop}: unsupported SHACL components {sorted(map(str, unknown))}")
        path = _n3(g.value(prop, SH.path))
        label = f"{name} {path}"
        out: list[Check] = []
        each = f"SELECT DISTINCT ?this ?o WHERE {{ {focus} ?this {path} ?o . "
        min_count = g.value(prop, SH.minCount)
        if min_count is not None:
            out.append(Check(label, f"fewer than {min_count} value(s) of {path}",
                             f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?o }} }} "
                             f"GROUP BY ?this HAVING (COUNT(DISTINCT ?o) < {int(str(min_count))})"))
        max_count = g.value(prop, SH.maxCount)
        if max_count is not None:
            out.append(Check(label, f"more than {max_count} value(s) of {path}",
                             f"SELECT ?this WHERE {{ {focus} ?this {path} ?o }} "
                             f"GROUP BY ?this HAVING (COUNT(DISTINCT ?o) > {int(str(max_count))})"))
        datatype = g.value(prop, SH.datatype)
        if datatype is not None:
            out.append(Check(label, f"value (?o) is not a literal of {datatype}",
                             each + f"FILTER (!isLiteral(?o) || datatype(?o) != {_n3(datatype)}) }}"))
        cls = g.value(prop, SH["class"])
        if cls is not None:
            out.append(Check(label, f"value (?o) is not an instance of {cls}",
                             each + f"FILTER NOT EXISTS {{ VALUES ?k {{ {' '.join(self.subclasses(cls))} }} "
                             "?o a ?k } }"))
        kind = g.value(prop, SH.nodeKind)
        if kind is not None:
            if kind != SH.IRI:
                raise ModelError(f"{prop}: only sh:nodeKind sh:IRI is supported")
            out.append(Check(label, "value (?o) is not an IRI", each + "FILTER (!isIRI(?o)) }"))
        pattern = g.value(prop, SH.pattern)
        if pattern is not None:
            out.append(Check(label, f"value (?o) does not match {pattern}",
                             each + f"FILTER (!REGEX(STR(?o), {_n3(rdflib.Literal(str(pattern)))})) }}"))
        members = g.value(prop, SH["in"])
        if members is not None:
            allowed = ", ".join(_n3(m) for m in Collection(g, members))
            out.append(Check(label, "value (?o) is not one of the allowed values",
                             each + f"FILTER (?o NOT IN ({allowed})) }}"))
        other = g.value(prop, SH.lessThanOrEquals)
        if other is not None:
            out.append(Check(label, f"value (?o) is after {other}",
                             f"SELECT DISTINCT ?this ?o WHERE {{ {focus} ?this {path} ?o . "
                             f"?this {_n3(other)} ?b . FILTER (!(?o <= ?b)) }}"))
        return out


def load_checks(shapes_ttl: str, ontology_ttl: str) -> list[Check]:
    shapes = rdflib.Graph().parse(data=shapes_ttl, format="turtle")
    ontology = rdflib.Graph().parse(data=ontology_ttl, format="turtle")
    return ShapeTranslator(shapes, ontology).checks()


def validate(store: ox.Store, checks: list[Check], limit: int = 50, workers: int = 1) -> list[Violation]:
    """Run every check over the union of the store's graphs; the first `limit` violations in the order of the
    checks. With workers > 1 the checks run in that many threads (Oxigraph evaluates a query without holding
    the GIL), and the answer is the same as with one."""
    if workers <= 1:
        found: list[Violation] = []
        for check in checks:
            found.extend(_run(store, check, limit - len(found)))
            if len(found) >= limit:
                break
        return found
    with ThreadPoolExecutor(workers, thread_name_prefix="shacl") as pool:
        each = pool.map(lambda check: _run(store, check, limit), checks)
        return [v for found in each for v in found][:limit]


def _run(store: ox.Store, check: Check, limit: int) -> list[Violation]:
    """The check's violations, at most `limit`."""
    results = store.query(PREFIXES + check.query, use_default_graph_as_union=True)
    assert isinstance(results, ox.QuerySolutions)
    names = [v.value for v in results.variables]
    found: list[Violation] = []
    for row in results:
        if len(found) >= limit:
            break
        focus = row["this"]
        message = check.message
        for var in ("o", "p"):
            if var in names and row[var] is not None:
                message = message.replace(f"?{var}", str(row[var]))
        subject = focus.value if isinstance(focus, ox.NamedNode) else str(focus)
        found.append(Violation(subject, check.shape, message))
    return found
