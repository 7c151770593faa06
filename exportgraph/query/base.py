"""Queries the library, CLI and API share: each returns plain, JSON-ready data.

All queries are written against the union default graph and take an optional
`as_of` date: a resource is in force on that date when its eg:validFrom is on or
before it and its eg:validUntil (if any) on or after it.
"""

from __future__ import annotations

import datetime as dt
import re
import weakref
from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

import pyoxigraph as ox

from exportgraph.exc import BadRequest, NotFound
from exportgraph.graph import terms as T
from exportgraph.graph.rows import Row, plain
from exportgraph.graph.store import GraphStore

Json = dict[str, Any]
T_ = TypeVar("T_")


def parse_as_of(value: str | dt.date | None) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"as_of: expected a date YYYY-MM-DD, got {value!r}") from None


def today() -> dt.date:
    return dt.date.today()


def valid_at(var: str, as_of: dt.date | None) -> str:
    """A SPARQL fragment keeping ?var only if it is in force on as_of (all if None)."""
    if as_of is None:
        return ""
    d = f'"{as_of.isoformat()}"^^xsd:date'
    return (f"OPTIONAL {{ {var} eg:validFrom ?_vf{var[1:]} }} OPTIONAL {{ {var} eg:validUntil ?_vu{var[1:]} }} "
            f"FILTER((!BOUND(?_vf{var[1:]}) || ?_vf{var[1:]} <= {d}) && (!BOUND(?_vu{var[1:]}) || ?_vu{var[1:]} >= {d}))")


def span_note(store: GraphStore, as_of: dt.date | None, cls: str = "Position") -> str | None:
    """A note when as_of lies outside the dates the graph holds for this class of resource: before the first
    start date, the graph does not know what held; after today, it cannot know."""
    if as_of is None:
        return None
    rows = memo(store, f"first-{cls}", lambda: store.select(
        f"SELECT (MIN(?f) AS ?first) WHERE {{ ?x a eg:{cls} ; eg:validFrom ?f }}"))
    first = value(rows[0]["first"]) if rows else None
    if first and as_of.isoformat() < first:
        return (f"as_of {as_of} is before the earliest {cls} the graph holds ({first}): the graph does not say "
                "what held then, so an empty or partial answer is not evidence of absence")
    if as_of > today():
        return f"as_of {as_of} is in the future: the graph holds what is known today ({today()})"
    return None


def value(term: Any) -> Any:
    """A pyoxigraph term as plain Python (IRIs as strings, typed literals as their lexical form, numbers as
    numbers: graph/rows.py plain); a plain value, as a row of select_values holds, as itself."""
    if term is None or type(term) is str:
        return term
    if type(term) is ox.Literal and term.language:
        return term.value  # the text alone, as every select() reader had it (select_values keeps the tag)
    return plain(term)


def rid(iri: str | None) -> str | None:
    """The short id of a minted IRI (or the IRI)."""
    if iri is None:
        return None
    return T.local_id(iri) or iri


def check_id(record_id: str) -> str:
    if not T.ID_RE.match(record_id):
        raise BadRequest(f"malformed id {record_id!r}: expected segments like cn/agency/mofcom")
    return record_id


_memos: weakref.WeakKeyDictionary[GraphStore, dict[str, Any]] = weakref.WeakKeyDictionary()


def memo(store: GraphStore, key: str, compute: Callable[[], T_]) -> T_:
    """An answer about the served graph as a whole (not about a request's input), computed once per store: a
    served graph does not change (the text index and the compare route keep theirs per store too), and each
    query is a round trip on a remote store."""
    kept = _memos.setdefault(store, {})
    if key not in kept:
        kept[key] = compute()
    result: T_ = kept[key]
    return result


def select_parts(store: GraphStore, parts: list[str]) -> list[list[Row]]:
    """Several independent group patterns in one query (one round trip to a remote store instead of one each):
    the answer's rows, split by part. Each part is the body of a SELECT *; the parts are the branches of a
    UNION, which Oxigraph evaluates one after the other, each with its own plan."""
    if not parts:
        return []
    return by_part(store.select_values([parts_query(parts)])[0], len(parts))


def parts_query(parts: list[str], shared: str = "", head: str = "*") -> str:
    """The query of select_parts; `shared` (a VALUES, say) comes once, before the branches, and joins each;
    `head` is what the SELECT projects (?_part included)."""
    body = " UNION ".join(f"{{ {part} BIND({n} AS ?_part) }}" for n, part in enumerate(parts))
    return f"SELECT {head} WHERE {{ {shared} {body} }}" if shared else f"SELECT {head} WHERE {{ {body} }}"


def by_part(rows: list[Row], n: int) -> list[list[Row]]:
    """The rows of parts_query, split by part."""
    out: list[list[Row]] = [[] for _ in range(n)]
    for row in rows:
        out[int(value(row.pop("_part")))].append(row)
    return out


def label_parts(iris: list[str]) -> list[str]:
    """The query parts (see select_parts) that read the labels of these IRIs, 400 a part."""
    return [f"""VALUES ?s {{ {" ".join(f"<{i}>" for i in iris[chunk:chunk + 400])} }}
            {{ ?s skos:prefLabel ?l }} UNION {{ ?s rdfs:label ?l }} UNION {{ ?s eli:title ?l }}
            UNION {{ ?s dcterms:title ?l }}""" for chunk in range(0, len(iris), 400)]


def labels_of(rows: list[Row]) -> dict[str, dict[str, str]]:
    """The answer of label_parts: per IRI and language, the first label."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows:
        lit = row["l"]
        lang = getattr(lit, "language", None) or "en"
        out[value(row["s"])].setdefault(lang, str(value(lit)))
    return dict(out)


def labels(store: GraphStore, iris: list[str]) -> dict[str, dict[str, str]]:
    """prefLabel / rdfs:label / eli:title per IRI and language."""
    rows = [row for part in label_parts(iris) for row in store.select(f"SELECT ?s ?l WHERE {{ {part} }}")]
    return labels_of(rows)


def known_labels(store: GraphStore, iris: list[str]) -> dict[str, dict[str, str]]:
    """labels(), each IRI's remembered per store: for the values of search facets (jurisdictions, lists), few,
    and asked for by every search (a round trip each time on a remote store)."""
    kept: dict[str, dict[str, str] | None] = memo(store, "labels", dict)
    missing = [i for i in iris if i not in kept]
    if missing:
        found = labels(store, missing)
        kept.update({i: found.get(i) for i in missing})
    return {i: names for i in iris if (names := kept[i]) is not None}


def label_of(names: dict[str, str] | None, fallback: str) -> str:
    if not names:
        return fallback
    return names.get("en") or next(iter(names.values()))


def _by_class(store: GraphStore, cls: str, as_of: dt.date | None, extra: str = "",
              extra_vars: str = "") -> list[Row]:
    return store.select(f"""SELECT DISTINCT ?s {extra_vars} WHERE {{ ?s a eg:{cls} . {extra} {valid_at('?s', as_of)} }}
                           ORDER BY ?s""")


def listing(store: GraphStore, cls: str, as_of: dt.date | None = None, jurisdiction: str | None = None) -> list[Json]:
    """Resources of a class with their labels, optionally in force on as_of and of one jurisdiction."""
    extra = ""
    if jurisdiction:
        check_id(jurisdiction)
        extra = f"?s eg:jurisdiction <{T.iri(jurisdiction)}> ."
    rows = _by_class(store, cls, as_of, extra)
    iris = [value(r["s"]) for r in rows]
    names = labels(store, iris)
    return [{"id": rid(i), "iri": i, "label": label_of(names.get(i), rid(i) or i), "labels": names.get(i, {})}
            for i in iris]


def describe(store: GraphStore, record_id: str) -> Json:
    """Every statement about a resource, with the source graph of each, and what points at it."""
    check_id(record_id)
    subject = T.iri(record_id)
    rows = store.select(f"""SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ <{subject}> ?p ?o }} }} ORDER BY ?p ?o""")
    if not rows and not store.ask(f"ASK {{ ?s ?p <{subject}> }}"):
        raise NotFound(f"no resource with id {record_id!r}")
    facts: list[Json] = []
    objects: list[str] = []
    for row in rows:
        obj = row["o"]
        is_iri = isinstance(obj, ox.NamedNode)
        if is_iri:
            objects.append(obj.value)
        facts.append({"property": value(row["p"]), "value": value(obj), "iri": is_iri,
                      "language": getattr(obj, "language", None) if isinstance(obj, ox.Literal) else None,
                      "datatype": obj.datatype.value if isinstance(obj, ox.Literal) else None,
                      "source": value(row["g"])})
    incoming = store.select(f"""SELECT DISTINCT ?s ?p WHERE {{ ?s ?p <{subject}> .
        FILTER(?p != prov:wasDerivedFrom && ?p != eg:citedSource) }} ORDER BY ?p ?s LIMIT 500""")
    sources = store.select(f"""SELECT DISTINCT ?src ?url ?title ?loc WHERE {{ <{subject}> prov:wasDerivedFrom ?src .
        OPTIONAL {{ ?src dcat:landingPage ?url }} OPTIONAL {{ ?src dcterms:title ?title FILTER(lang(?title) = "en") }}
        OPTIONAL {{ <{subject}> eg:citation ?c . ?c eg:citedSource ?src ; eg:locator ?loc }} }} ORDER BY ?src""")
    types = [f["value"] for f in facts if f["property"] == T.RDF + "type"]
    names = labels(store, [subject] + sorted(set(objects)) + [value(r["s"]) for r in incoming])
    return {
        "id": record_id, "iri": subject, "types": types,
        "label": label_of(names.get(subject), record_id), "labels": names.get(subject, {}),
        "facts": [dict(f, value_label=label_of(names.get(f["value"]), rid(f["value"]) or "") if f["iri"] else None)
                  for f in facts],
        "incoming": [{"subject": value(r["s"]), "id": rid(value(r["s"])), "property": value(r["p"]),
                      "label": label_of(names.get(value(r["s"])), rid(value(r["s"])) or "")} for r in incoming],
        "sources": [{"id": rid(value(r["src"])), "url": value(r["url"]), "title": value(r["title"]),
                     "locator": value(r["loc"])} for r in sources],
    }


def memberships(store: GraphStore, as_of: dt.date | None = None, jurisdiction: str | None = None,
                regime: str | None = None) -> list[Json]:
    filters = ""
    if jurisdiction:
        filters += f"FILTER(?j = <{T.iri(check_id(jurisdiction))}>) "
    if regime:
        filters += f"FILTER(?r = <{T.iri(check_id(regime))}>) "
    rows = store.select(f"""SELECT ?m ?j ?r ?status ?from ?until WHERE {{
        ?m a eg:RegimeMembership ; org:member ?j ; org:organization ?r ; eg:membershipStatus ?st .
        ?st skos:notation ?status . OPTIONAL {{ ?m eg:validFrom ?from }} OPTIONAL {{ ?m eg:validUntil ?until }}
        {filters} {valid_at('?m', as_of)} }} ORDER BY ?j ?r""")
    names = labels(store, sorted({value(r["j"]) for r in rows} | {value(r["r"]) for r in rows}))
    return [{"id": rid(value(r["m"])), "jurisdiction": rid(value(r["j"])), "regime": rid(value(r["r"])),
             "jurisdiction_label": label_of(names.get(value(r["j"])), ""),
             "regime_label": label_of(names.get(value(r["r"])), ""),
             "status": value(r["status"]), "valid_from": value(r["from"]), "valid_until": value(r["until"])}
            for r in rows]


def headcounts(store: GraphStore, regime: str) -> list[Json]:
    """A regime's head-count over time, derived from its dated memberships: one row per date on which the
    number of participants (or adherents, observers) changed. Dates keep the precision of the sources."""
    rows = memberships(store, regime=regime)
    if not rows and not store.ask(f"ASK {{ <{T.iri(check_id(regime))}> a eg:Regime }}"):
        raise NotFound(f"unknown regime {regime!r}")
    changes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for m in rows:
        if m["status"] == "non-member" or not m["valid_from"]:
            continue
        changes[m["valid_from"]][m["status"]] += 1
        if m["valid_until"]:
            end = (dt.date.fromisoformat(m["valid_until"]) + dt.timedelta(days=1)).isoformat()
            changes[end][m["status"]] -= 1
    running: dict[str, int] = defaultdict(int)
    out = []
    for day in sorted(changes):
        for status, delta in changes[day].items():
            running[status] += delta
        out.append({"date": day, **{k: v for k, v in sorted(running.items()) if v}})
    return out


def regimes(store: GraphStore) -> list[Json]:
    rows = store.select("""SELECT ?r ?founded ?count ?asof WHERE { ?r a eg:Regime .
        OPTIONAL { ?r eg:foundedOn ?founded } OPTIONAL { ?r eg:participantCount ?count }
        OPTIONAL { ?r eg:participantCountAsOf ?asof } } ORDER BY ?r""")
    names = labels(store, [value(r["r"]) for r in rows])
    return [{"id": rid(value(r["r"])), "label": label_of(names.get(value(r["r"])), ""),
             "labels": names.get(value(r["r"]), {}), "founded": value(r["founded"]),
             "participants": value(r["count"]), "participants_as_of": value(r["asof"])} for r in rows]


def agencies(store: GraphStore, jurisdiction: str | None = None, role: str | None = None,
             as_of: dt.date | None = None) -> list[Json]:
    filters = ""
    if jurisdiction:
        filters += f"?a eg:jurisdiction <{T.iri(check_id(jurisdiction))}> . "
    if role:
        if not re.fullmatch(r"[a-z-]+", role):
            raise BadRequest(f"role: malformed {role!r}")
        filters += f'?a eg:role ?rr . ?rr skos:notation "{role}" . '
    rows = store.select(f"""SELECT ?a (GROUP_CONCAT(DISTINCT ?rn; separator=",") AS ?roles)
        (GROUP_CONCAT(DISTINCT STR(?parent); separator=" ") AS ?parents) ?j WHERE {{
        ?a a eg:Agency . {filters} OPTIONAL {{ ?a eg:role ?r . ?r skos:notation ?rn }}
        OPTIONAL {{ ?a org:subOrganizationOf ?parent }} OPTIONAL {{ ?a eg:jurisdiction ?j }} {valid_at('?a', as_of)} }}
        GROUP BY ?a ?j ORDER BY ?a""")
    names = labels(store, [value(r["a"]) for r in rows])
    return [{"id": rid(value(r["a"])), "label": label_of(names.get(value(r["a"])), ""),
             "labels": names.get(value(r["a"]), {}), "roles": sorted(filter(None, (value(r["roles"]) or "").split(","))),
             "parents": [rid(p) for p in sorted(filter(None, (value(r["parents"]) or "").split()))],
             "jurisdiction": rid(value(r["j"]))} for r in rows]


def instruments(store: GraphStore, jurisdiction: str | None = None, as_of: dt.date | None = None) -> list[Json]:
    filters = f"?i eg:jurisdiction <{T.iri(check_id(jurisdiction))}> ." if jurisdiction else ""
    rows = store.select(f"""SELECT ?i ?kind ?ident ?adopted ?force ?repealed ?j WHERE {{ ?i a eg:LegalInstrument .
        {filters} OPTIONAL {{ ?i eg:instrumentType ?t . ?t skos:notation ?kind }}
        OPTIONAL {{ ?i eli:id_local ?ident }} OPTIONAL {{ ?i eli:date_document ?adopted }}
        OPTIONAL {{ ?i eli:first_date_entry_in_force ?force }} OPTIONAL {{ ?i eli:date_no_longer_in_force ?repealed }}
        OPTIONAL {{ ?i eg:jurisdiction ?j }} {valid_at('?i', as_of)} }} ORDER BY ?j ?i""")
    names = labels(store, [value(r["i"]) for r in rows])
    return [{"id": rid(value(r["i"])), "title": label_of(names.get(value(r["i"])), ""),
             "titles": names.get(value(r["i"]), {}), "type": value(r["kind"]), "identifier": value(r["ident"]),
             "adopted": value(r["adopted"]), "in_force": value(r["force"]), "repealed": value(r["repealed"]),
             "jurisdiction": rid(value(r["j"]))} for r in rows]


def time_limits(store: GraphStore, jurisdiction: str | None = None, as_of: dt.date | None = None) -> list[Json]:
    """Time limits of licensing procedures, with their legal basis and the kind of instrument that sets them
    (a statute or regulation binds; an executive order or directive sets a target)."""
    filters = f"FILTER(?j = <{T.iri(check_id(jurisdiction))}>)" if jurisdiction else ""
    rows = store.select(f"""SELECT ?proc ?j ?limit ?n ?unit ?basis (SAMPLE(?k) AS ?kind) WHERE {{
        ?proc a eg:Procedure ; eg:jurisdiction ?j .
        {{ ?proc eg:timeLimit ?limit }} UNION {{ ?proc eg:hasStep ?step . ?step eg:timeLimit ?limit }}
        ?limit eg:numericValue ?n ; eg:unit ?u . ?u skos:notation ?unit .
        OPTIONAL {{ ?limit eg:legalBasis ?basis . ?basis eli:is_part_of?/eg:instrumentType ?t . ?t skos:notation ?k }}
        {filters} {valid_at('?proc', as_of)} }} GROUP BY ?proc ?j ?limit ?n ?unit ?basis ORDER BY ?j ?proc ?limit""")
    iris = sorted({value(r["proc"]) for r in rows} | {value(r["basis"]) for r in rows if r["basis"]})
    names = labels(store, iris)
    return [{"procedure": rid(value(r["proc"])), "procedure_label": label_of(names.get(value(r["proc"])), ""),
             "jurisdiction": rid(value(r["j"])), "time_limit": rid(value(r["limit"])), "value": value(r["n"]),
             "unit": value(r["unit"]), "legal_basis": rid(value(r["basis"])),
             "legal_basis_label": label_of(names.get(value(r["basis"])), "") if r["basis"] else None,
             "legal_basis_type": value(r["kind"]), "binding": _binding(value(r["kind"]))}
            for r in rows]


def _binding(kind: str | None) -> str:
    """Whether a limit set by this kind of instrument binds the authority (statutory) or is a target."""
    if kind in ("law", "regulation", "delegated-regulation", "decree", "rule", "treaty"):
        return "statutory"
    if kind == "executive-order":
        return "executive order"
    if kind in ("recommendation", "guideline", "notice", "announcement"):
        return "target or policy"
    return "unknown"


def cases(store: GraphStore) -> list[Json]:
    rows = store.select("""SELECT ?c (MIN(?d) AS ?first) (MAX(?d) AS ?last) (COUNT(?e) AS ?events) WHERE {
        ?c a ?cls . VALUES ?cls { eg:Case eg:WtoDispute } ?c eg:hasEvent ?e . ?e eg:eventDate ?d }
        GROUP BY ?c ORDER BY ?first ?c""")
    names = labels(store, [value(r["c"]) for r in rows])
    return [{"id": rid(value(r["c"])), "label": label_of(names.get(value(r["c"])), ""),
             "labels": names.get(value(r["c"]), {}), "first_event": value(r["first"]), "last_event": value(r["last"]),
             "events": value(r["events"])} for r in rows]


def timeline(store: GraphStore, case_id: str) -> Json:
    check_id(case_id)
    case = T.iri(case_id)
    rows = store.select(f"""SELECT ?e ?d ?type ?desc (GROUP_CONCAT(DISTINCT STR(?x); separator=" ") AS ?involved) WHERE {{
        <{case}> eg:hasEvent ?e . ?e eg:eventDate ?d ; eg:eventType ?t . ?t skos:notation ?type .
        OPTIONAL {{ ?e eg:description ?desc FILTER(lang(?desc) = "en") }}
        OPTIONAL {{ ?e ?rel ?x . VALUES ?rel {{ eg:instrument eg:item eg:party eg:agency }} }}
        }} GROUP BY ?e ?d ?type ?desc ORDER BY ?d ?e""")
    if not rows and not store.ask(f"ASK {{ <{case}> a ?c }}"):
        raise NotFound(f"no case with id {case_id!r}")
    involved = sorted({i for r in rows for i in (value(r["involved"]) or "").split()})
    names = labels(store, [case] + involved)
    events = []
    for r in rows:
        items = sorted(filter(None, (value(r["involved"]) or "").split()))
        events.append({"id": rid(value(r["e"])), "date": value(r["d"]), "type": value(r["type"]),
                       "description": value(r["desc"]),
                       "involved": [{"id": rid(i), "label": label_of(names.get(i), rid(i) or i)} for i in items]})
    return {"id": case_id, "label": label_of(names.get(case), case_id), "events": events}


def recommendations(store: GraphStore) -> list[Json]:
    rows = store.select("""SELECT ?r ?dim ?model ?practice ?why (GROUP_CONCAT(DISTINCT STR(?l); separator=" ") AS ?learners)
        WHERE { ?r a eg:Recommendation ; eg:learner ?l ; eg:dimension ?dim ; eg:modelJurisdiction ?model ;
        eg:modelPractice ?practice . OPTIONAL { ?r eg:rationale ?why FILTER(lang(?why) = "en") } }
        GROUP BY ?r ?dim ?model ?practice ?why ORDER BY ?r""")
    iris = sorted({value(r[k]) for r in rows for k in ("r", "dim", "model", "practice")})
    names = labels(store, iris)
    return [{"id": rid(value(r["r"])), "label": label_of(names.get(value(r["r"])), ""),
             "learners": [rid(x) for x in (value(r["learners"]) or "").split()], "dimension": rid(value(r["dim"])),
             "model_jurisdiction": rid(value(r["model"])), "model_practice": rid(value(r["practice"])),
             "model_practice_label": label_of(names.get(value(r["practice"])), ""), "rationale": value(r["why"])}
            for r in rows]


def search(store: GraphStore, text: str, limit: int = 50, cls: str | None = None) -> list[Json]:
    """Search labels, titles, codes and names (English, Chinese, Japanese) through the text index."""
    from exportgraph.query.textindex import index_for

    text = text.strip()
    if not text:
        raise BadRequest("q: give some text to search for")
    if len(text) > 200:
        raise BadRequest("q: at most 200 characters")
    if limit < 1:
        raise BadRequest(f"limit: at least 1, not {limit}")
    if cls and not re.fullmatch(r"[A-Z][A-Za-z]+", cls):
        raise BadRequest(f"class: malformed {cls!r}")
    hits = index_for(store).search(text, limit=limit, klass=cls)
    return [{"id": rid(iri), "label": label, "type": klass.rsplit("#", 1)[-1]} for iri, label, klass in hits]


SEARCH_FACETS = ("kind", "jurisdiction", "list", "as_of")


def _search_href(kind: str, record_id: str, codes: list[str]) -> str:
    """Where a hit is read best: an entry's code on the item page, a party's page, a case's timeline."""
    from urllib.parse import quote

    if kind == "ControlEntry" and codes:
        return "/item/" + quote(codes[0], safe="")
    if kind == "Party":
        return f"/party/{record_id}"
    if kind == "CustomsCode" and codes:
        return "/customs/" + quote(codes[0], safe="")
    if kind in ("Case", "WtoDispute"):
        return f"/cases/{record_id}"
    return f"/id/{record_id}"


def find(store: GraphStore, text: str, kind: str | None = None, jurisdiction: str | None = None,
         list_id: str | None = None, as_of: dt.date | None = None, limit: int = 20, offset: int = 0,
         lang: str = "en") -> Json:
    """A page of search hits with the true total and facet counts (kind, jurisdiction, list, in force on a date).

    Ranked: an exact code first, then a code prefix, an exact label, a label containing the text, every word
    in a label, and last a description. Facet counts are over the hits that pass every other active filter."""
    from exportgraph.query.facets import faceted
    from exportgraph.query.textindex import MATCHES, index_for

    text = text.strip()
    if not text:
        raise BadRequest("q: give some text to search for")
    if len(text) > 200:
        raise BadRequest("q: at most 200 characters")
    if limit < 1 or offset < 0:
        raise BadRequest(f"limit: at least 1 and offset at least 0, not {limit} and {offset}")
    for given in (jurisdiction, list_id):
        if given:
            check_id(given)
    if kind and not re.fullmatch(r"[A-Z][A-Za-z]+", kind):
        raise BadRequest(f"kind: malformed {kind!r}")
    filters: dict[str, str | None] = {"kind": kind, "jurisdiction": jurisdiction, "list": list_id,
                                      "as_of": as_of.isoformat() if as_of else None}
    total, hits, facets = faceted(index_for(store), text, filters, offset, limit)
    items = []
    for hit in hits:
        r = hit.resource
        record_id = rid(r.iri) or r.iri
        items.append({"id": record_id, "label": r.label(lang), "labels": r.labels, "type": r.kind,
                      "code": r.codes[0] if r.codes else None, "match": MATCHES[hit.tier], "matched": hit.matched,
                      "jurisdictions": sorted(r.jurisdictions), "lists": sorted(r.lists),
                      "valid_from": r.valid_from, "valid_until": r.valid_until,
                      "href": _search_href(r.kind, record_id, r.codes)})
    named = sorted(set(facets["jurisdiction"]) | set(facets["list"]))
    names = known_labels(store, [T.iri(n) for n in named])
    return {"query": text, "total": total, "offset": offset, "limit": limit, "items": items,
            "filters": filters, "facets": facets,
            "facet_labels": {n: label_of(_in(names.get(T.iri(n)), lang), n) for n in named}}


def _in(names: dict[str, str] | None, lang: str) -> dict[str, str] | None:
    """The labels with the reader's language first."""
    if not names or lang not in names:
        return names
    return {lang: names[lang]}
