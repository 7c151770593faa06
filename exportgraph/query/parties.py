"""Parties on the party lists (entity lists, unverified lists, sanctions lists): found by name in any script."""

from __future__ import annotations

from exportgraph.exc import BadRequest
from exportgraph.graph.store import GraphStore
from exportgraph.query.base import Json, rid, value
from exportgraph.query.items import check_list, literal


def parties(store: GraphStore, name: str, list_id: str | None = None, limit: int = 50) -> list[Json]:
    """Parties whose name (any script) contains the text, with their listings."""
    text = name.strip()
    if len(text) < 2 or len(text) > 200:
        raise BadRequest("name: give 2 to 200 characters")
    if limit < 1:  # LIMIT -4 would be a SPARQL syntax error
        raise BadRequest(f"limit: at least 1, not {limit}")
    scope = f"FILTER(?l = <{check_list(store, list_id)}>)" if list_id else ""
    rows = store.select(f"""SELECT ?p ?name ?country ?l ?date ?basis ?orig WHERE {{
        ?p a eg:Party . {{ ?p rdfs:label ?n }} UNION {{ ?p eg:originalName ?n }} UNION {{ ?p skos:altLabel ?n }}
        FILTER(CONTAINS(LCASE(STR(?n)), {literal(text.lower())}))
        ?x eg:listedParty ?p ; eg:onList ?l . {scope}
        OPTIONAL {{ ?p rdfs:label ?name FILTER(lang(?name) = "en") }} OPTIONAL {{ ?p eg:country ?country }}
        OPTIONAL {{ ?p eg:originalName ?orig }}
        OPTIONAL {{ ?x eg:listingDate ?date }} OPTIONAL {{ ?x eg:legalBasisText ?basis }} }}
        ORDER BY ?name ?p ?l LIMIT {int(limit) * 4}""")
    out: dict[str, Json] = {}
    for r in rows:
        pid = rid(value(r["p"])) or ""
        item = out.setdefault(pid, {"id": pid, "name": value(r["name"]), "original_name": value(r["orig"]),
                                    "country": value(r["country"]), "listings": []})
        listing = {"list": rid(value(r["l"])), "date": value(r["date"]), "basis": value(r["basis"])}
        if listing not in item["listings"]:
            item["listings"].append(listing)
    return list(out.values())[:limit]

