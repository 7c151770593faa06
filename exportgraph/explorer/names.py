"""Readable names for resources that have no label of their own.

Memberships, provisions, positions, events, listings, correspondences ... are records without a
skos:prefLabel; a view would otherwise show their ids (`membership/cn/ag`). Each gets a short name
made from its own facts and the labels of what it points at: "AG, participant since 2004-06-10",
"Export Control Law, Art. 1", "CN · Licensing time limit: 45 working days".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from exportgraph.graph import terms as T
from exportgraph.graph.store import GraphStore
from exportgraph.query.base import label_of, labels, rid, value

# The facts a name is made of, by the property's local name (all in the eg: namespace unless a prefix says so).
FIELDS = {
    "org:organization": "regime", "org:member": "member", "eg:membershipStatus": "status", "eg:validFrom": "from",
    "eg:validUntil": "until", "eli:is_part_of": "part_of", "eli:id_local": "local", "skos:notation": "notation",
    "eg:jurisdiction": "jur", "eg:dimension": "dimension", "eg:codedValue": "value", "eg:eventDate": "date",
    "eg:eventType": "type", "eg:listedParty": "party", "eg:onList": "list", "eg:listingDate": "listed",
    "eg:correspondenceOf": "of", "eg:counterpartList": "counterpart", "eg:matchType": "match",
    "eg:controlEntry": "entry", "eg:customsCode": "code", "eg:parameter": "parameter", "eg:comparator": "comparator",
    "eg:numericValue": "number", "eg:unit": "unit", "eg:unitSymbol": "symbol", "eg:stepOrder": "step",
    "eg:description": "description", "eg:claimText": "claim", "eg:destination": "destination",
    "eg:groupMemberOf": "group", "eg:fromCode": "from_code", "eg:toCode": "to_code", "eg:noteOf": "note_of",
    "skos:altLabel": "short",
}
COMPARATORS = {"gt": ">", "ge": "≥", "lt": "<", "le": "≤", "eq": "=", "ne": "≠"}
Facts = dict[str, list[str]]


def _expand(curie: str) -> str:
    prefix, local = curie.split(":", 1)
    return T.PREFIXES[prefix] + local


def facts(store: GraphStore, iris: list[str]) -> dict[str, Facts]:
    """The FIELDS of each IRI (several values per field, English literals first)."""
    out: dict[str, Facts] = defaultdict(lambda: defaultdict(list))
    props = {_expand(c): name for c, name in FIELDS.items()}
    # One VALUES block and a FILTER on ?p: two VALUES blocks make Oxigraph join their cross product first
    # (300 subjects x every field), 30-70x slower on the largest views.
    in_p = ", ".join(f"<{p}>" for p in props)
    for start in range(0, len(iris), 300):
        chunk = " ".join(f"<{i}>" for i in iris[start:start + 300])
        rows = store.select(f"""SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {chunk} }} ?s ?p ?o FILTER(?p IN ({in_p}))
            FILTER(!isLiteral(?o) || lang(?o) = "" || lang(?o) = "en") }} ORDER BY ?s ?p ?o""")
        for r in rows:
            out[value(r["s"])][props[value(r["p"])]].append(str(value(r["o"])))
    return {k: dict(v) for k, v in out.items()}


def _code(iri: str) -> str:
    """The notation at the end of a coded value's IRI (MembershipStatus-participant -> participant)."""
    return iri.rsplit("#", 1)[-1].split("-", 1)[-1] if "#" in iri else iri.rsplit("/", 1)[-1]


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


class Namer:
    def __init__(self, store: GraphStore, found: dict[str, Facts]) -> None:
        linked = sorted({v for f in found.values() for k, vs in f.items() for v in vs
                         if k in ("regime", "member", "part_of", "jur", "dimension", "value", "party", "list",
                                  "of", "counterpart", "entry", "code", "group", "from_code", "to_code", "note_of")
                         and v.startswith(T.ID)})
        self.names = labels(store, linked)
        self.more = facts(store, linked)

    def label(self, iri: str | None) -> str:
        if not iri:
            return "?"
        return label_of(self.names.get(iri), rid(iri) or iri)

    def short(self, iri: str | None) -> str:
        """A regime's or list's shortest English name: an altLabel such as NSG, or its label."""
        return min(self.more.get(iri or "", {}).get("short", []) + [self.label(iri)], key=len)

    def notation(self, iri: str | None) -> str:
        found = self.more.get(iri or "", {}).get("notation")
        return found[0] if found else (rid(iri) or "?").rsplit("/", 1)[-1]


def _one(f: Facts, key: str, default: str = "") -> str:
    return (f.get(key) or [default])[0]


def _membership(n: Namer, f: Facts) -> str:
    since = f" since {_one(f, 'from')}" if f.get("from") else ""
    until = f" until {_one(f, 'until')}" if f.get("until") else ""
    return f"{n.short(_one(f, 'regime'))}, {_code(_one(f, 'status', 'member'))}{since}{until}"


def _provision(n: Namer, f: Facts) -> str:
    local = _one(f, "local") or _one(f, "notation")
    whole = n.label(_one(f, "part_of")) if f.get("part_of") else ""
    return ", ".join(filter(None, [_short(whole, 36), local])) or ""


def _position(n: Namer, f: Facts) -> str:
    jur = (rid(_one(f, "jur")) or "").upper()
    return f"{jur} · {n.label(_one(f, 'dimension'))}: {n.label(_one(f, 'value'))}"


def _event(n: Namer, f: Facts) -> str:
    return f"{_one(f, 'date')} {_code(_one(f, 'type', 'event'))}".strip()


def _listing(n: Namer, f: Facts) -> str:
    return f"{_short(n.label(_one(f, 'party')), 32)} on {n.short(_one(f, 'list'))}, {_one(f, 'listed', '?')}"


def _correspondence(n: Namer, f: Facts) -> str:
    return f"{n.notation(_one(f, 'of'))} ↔ {_short(n.short(_one(f, 'counterpart')), 30)}: {_code(_one(f, 'match'))}"


def _threshold(n: Namer, f: Facts) -> str:
    comparator = COMPARATORS.get(_one(f, "comparator"), _one(f, "comparator"))
    unit = _one(f, "symbol") or _one(f, "unit")
    return _short(f"{_one(f, 'parameter')} {comparator} {_one(f, 'number')} {unit}".strip(), 48)


def _customs_link(n: Namer, f: Facts) -> str:
    return f"{n.notation(_one(f, 'entry'))} → HS {n.notation(_one(f, 'code'))}"


def _correlation(n: Namer, f: Facts) -> str:
    def code(iri: str) -> str:  # customs/hs2017/940290 -> HS2017 940290
        parts = (rid(iri) or iri).split("/")
        return f"{parts[-2].upper()} {n.notation(iri)}" if len(parts) > 2 else n.notation(iri)
    return f"{code(_one(f, 'from_code'))} → {code(_one(f, 'to_code'))}"


def _group_membership(n: Namer, f: Facts) -> str:
    return f"{_one(f, 'destination')} in {_short(n.label(_one(f, 'group')), 30)} since {_one(f, 'from', '?')}"


def _note(n: Namer, f: Facts) -> str:
    return f"{_one(f, 'notation', 'Note')} to {n.notation(_one(f, 'note_of'))}"


def _step(n: Namer, f: Facts) -> str:
    return f"Step {_one(f, 'step', '?')}: {_short(_one(f, 'description'), 36)}"


def _time_limit(n: Namer, f: Facts) -> str:
    return _short(f"{_one(f, 'number')} {_code(_one(f, 'unit'))}(s): {_one(f, 'description')}", 48)


def _claim(n: Namer, f: Facts) -> str:
    return "Claim: " + _short(_one(f, "claim"), 40)


NAMERS: dict[str, Callable[[Namer, Facts], str]] = {
    "RegimeMembership": _membership, "Provision": _provision, "Position": _position, "Event": _event,
    "Listing": _listing, "Correspondence": _correspondence, "Threshold": _threshold, "CustomsLink": _customs_link,
    "CustomsCorrelation": _correlation, "GroupMembership": _group_membership, "EntryNote": _note,
    "ProcedureStep": _step, "TimeLimit": _time_limit, "Claim": _claim,
}


def humanise(iri: str) -> str:
    """The last segment of an id as words: recommendation/trusted-end-user-tiers -> Trusted end user tiers."""
    last = (rid(iri) or iri).rstrip("/").rsplit("/", 1)[-1].replace("-", " ").strip()
    return last[:1].upper() + last[1:] if last else iri


def names(store: GraphStore, classes: dict[str, str | None]) -> dict[str, str]:
    """A name for each IRI (by its class) that has no label: from its facts, else its notation, else its id's
    last segment in words."""
    if not classes:
        return {}
    found = facts(store, sorted(classes))
    namer = Namer(store, found)
    out: dict[str, str] = {}
    for iri, cls in classes.items():
        f = found.get(iri, {})
        make = NAMERS.get(cls or "")
        name = make(namer, f) if make else ""
        out[iri] = name or _one(f, "notation") or humanise(iri)
    return out
