"""Reader pages beyond the resource pages: an item across every list (`/item/{code}`), a party across lists
(`/party/{id}`), the control entries of a customs code (`/customs/{code}`), a list page by page (`/list/{id}`).
Diffs between two dates are in routes/diff.py."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from exportgraph.api.deps import Store
from exportgraph.api.lang import reader_language
from exportgraph.api.routes.pages import error, page
from exportgraph.exc import BadRequest, ExportGraphError, NotFound
from exportgraph.graph import terms as T
from exportgraph.graph.store import GraphStore
from exportgraph.query import base as Q
from exportgraph.query import diffs as D
from exportgraph.query import items as I
from exportgraph.query import parties as P
from exportgraph.query.lookup import lookup_report

router = APIRouter(include_in_schema=False)
Text = Annotated[str | None, Query()]
PER_PAGE = 100
ALL = 1_000_000


def page_number(text: str | None) -> int:
    try:
        number = int(text or 1)
    except ValueError:
        raise BadRequest(f"page: a number from 1, not {text!r}") from None
    if number < 1:
        raise BadRequest(f"page: a number from 1, not {text!r}")
    return number


def _notes(store: GraphStore, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """EntryNote records of each entry: notation (N.B., Note 1), kind, and the official text."""
    if not ids:
        return {}
    values = " ".join(f"<{T.iri(i)}>" for i in ids)
    rows = store.select(f"""SELECT ?e ?n ?code ?kind ?url WHERE {{ VALUES ?e {{ {values} }} ?n eg:noteOf ?e .
        OPTIONAL {{ ?n skos:notation ?code }} OPTIONAL {{ ?n eg:noteKind ?k . BIND(STRAFTER(STR(?k), "NoteKind-") AS ?kind) }}
        OPTIONAL {{ ?n eg:officialText ?url }} }} ORDER BY ?e ?n""")
    out: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(Q.rid(Q.value(r["e"])) or "", []).append(
            {"id": Q.rid(Q.value(r["n"])), "code": Q.value(r["code"]), "kind": (Q.value(r["kind"]) or "").replace("-", " "),
             "url": Q.value(r["url"])})
    return out


@router.get("/item/{code:path}", response_class=HTMLResponse)
def item_page(code: str, request: Request, store: Store) -> HTMLResponse:
    """The regime item and every national entry with this code or linked to it, side by side."""
    lang = reader_language(request)
    try:
        entries, warnings, params = lookup_report(store, code)
    except ExportGraphError as exc:
        return error(exc)
    customs = {}
    for e in entries:
        try:
            customs[e["id"]] = I.crosswalk(store, e["id"])["customs_codes"]
        except ExportGraphError:
            customs[e["id"]] = []
    regime = [e for e in entries if e["regime_link"] == "regime item"]
    national = [e for e in entries if e["regime_link"] != "regime item"]
    short = {e["id"]: f"{(e['list'] or '').split('/')[0].upper()} {e['code']}" for e in entries}
    return page("item.html", item_code=code, regime=regime, national=national, entries=entries, warnings=warnings,
                params=params, customs=customs, notes=_notes(store, [e["id"] for e in entries]), short=short, lang=lang)


def _names(store: GraphStore, iri: str) -> list[dict[str, Any]]:
    rows = store.select(f"""SELECT DISTINCT ?p ?n WHERE {{ VALUES ?p {{ skos:prefLabel rdfs:label skos:altLabel eg:originalName }}
        <{iri}> ?p ?n }}""")
    kinds = {"prefLabel": "name", "label": "name", "altLabel": "also known as", "originalName": "original name"}
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        lit = r["n"]
        key = (lit.value, getattr(lit, "language", None) or "")
        kind = kinds[Q.value(r["p"]).rsplit("#", 1)[-1]]
        if key not in seen or seen[key]["kind"] != "name":
            seen[key] = {"text": lit.value, "lang": key[1] or None, "kind": kind}
    return sorted(seen.values(), key=lambda n: (n["kind"] != "name", n["kind"], n["text"]))


@router.get("/party/{party_id:path}", response_class=HTMLResponse)
def party_page(party_id: str, request: Request, store: Store) -> HTMLResponse:
    """A party across every list: its names in every script and its dated listings."""
    try:
        Q.check_id(party_id)
        iri = T.iri(party_id)
        if not store.ask(f"ASK {{ <{iri}> a eg:Party }}"):
            raise NotFound(f"no party with id {party_id!r}")
        names = _names(store, iri)
        english = next((n["text"] for n in names if n["kind"] == "name"), names[0]["text"] if names else party_id)
        found = [p for p in P.parties(store, english[:200], limit=ALL) if p["id"] == party_id]
    except ExportGraphError as exc:
        return error(exc)
    info = found[0] if found else {"listings": [], "country": None}
    list_names = {r["id"]: r["label"] for r in I.lists(store)}
    listings = sorted(info["listings"], key=lambda x: (x.get("date") or "", x.get("list") or ""))
    extra = store.select(f"""SELECT ?country ?address WHERE {{ OPTIONAL {{ <{iri}> eg:country ?country }}
        OPTIONAL {{ <{iri}> eg:address ?address }} }}""")
    countries = sorted({Q.value(r["country"]) for r in extra if r["country"] is not None})
    addresses = sorted({Q.value(r["address"]) for r in extra if r["address"] is not None})
    return page("party.html", party_id=party_id, label=english, names=names, listings=listings, lists=list_names,
                countries=countries, addresses=addresses, lang=reader_language(request))


@router.get("/customs/{code}", response_class=HTMLResponse)
def customs_page(code: str, store: Store, as_of: Text = None) -> HTMLResponse:
    """Control entries linked to an HS or CN code (indicative), by jurisdiction."""
    try:
        found = I.customs_candidates(store, code, Q.parse_as_of(as_of))
    except ExportGraphError as exc:
        return error(exc)
    names = Q.labels(store, [T.iri(j) for j in found["candidates"]])
    return page("customs.html", found=found, given=code, as_of=as_of or "",
                jurisdictions={j: Q.label_of(names.get(T.iri(j)), j) for j in found["candidates"]})


def _kind(store: GraphStore, record_id: str) -> str:
    rows = store.select(f"""SELECT ?c WHERE {{ <{T.iri(Q.check_id(record_id))}> a ?c .
        VALUES ?c {{ eg:ControlList eg:PartyList eg:ListEdition }} }}""")
    kinds = {Q.value(r["c"]).rsplit("#", 1)[-1] for r in rows}
    for kind in ("PartyList", "ListEdition", "ControlList"):
        if kind in kinds:
            return kind
    raise NotFound(f"{record_id!r} is not a list, a party list or a list edition")


def _window(store: GraphStore, where: str, order: str, select: str, number: int) -> tuple[int, list[dict[str, Any]]]:
    total = Q.value(store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")[0]["n"])
    rows = store.select(f"SELECT {select} WHERE {{ {where} }} ORDER BY {order} LIMIT {PER_PAGE} OFFSET {(number - 1) * PER_PAGE}")
    return int(total), rows


@router.get("/list/{list_id:path}", response_class=HTMLResponse)
def list_page(list_id: str, store: Store, page_: Annotated[str | None, Query(alias="page")] = None,
              as_of: Text = None) -> HTMLResponse:
    """A control list in force on a date, a list edition, or a party list: counted, one page at a time."""
    try:
        number = page_number(page_)
        kind = _kind(store, list_id)
        day = Q.parse_as_of(as_of) or dt.date.today()
        rows, total, columns = _list_rows(store, list_id, kind, day, number)
    except ExportGraphError as exc:
        return error(exc)
    info = Q.describe(store, list_id)
    editions: list[dict[str, Any]] = next((x.get("editions", []) for x in I.lists(store) if x["id"] == list_id), [])
    return page("list.html", list_id=list_id, label=info["label"], kind=kind, rows=rows, total=total, columns=columns,
                page=number, per_page=PER_PAGE, pages=max(1, -(-total // PER_PAGE)), as_of=day.isoformat(),
                editions=editions)


def _list_rows(store: GraphStore, list_id: str, kind: str, day: dt.date,
               number: int) -> tuple[list[dict[str, Any]], int, list[str]]:
    iri = T.iri(list_id)
    if kind == "ControlList":
        entries = sorted(D.in_force(store, list_id, day).values(), key=lambda e: (e["code"], e["id"]))
        window = entries[(number - 1) * PER_PAGE:number * PER_PAGE]
        return ([{"code": e["code"], "label": e["label"], "href": "/item/" + quote(e["code"], safe=""), "id": e["id"],
                  "valid_from": e["valid_from"]} for e in window], len(entries), ["code", "label", "valid_from"])
    if kind == "ListEdition":
        total, found = _window(store, f"?e skos:inScheme <{iri}> ; skos:notation ?code .", "?code ?e", "?e ?code", number)
        names = Q.labels(store, [Q.value(r["e"]) for r in found])
        return ([{"code": Q.value(r["code"]), "label": Q.label_of(names.get(Q.value(r["e"])), Q.value(r["code"])),
                  "href": "/item/" + quote(Q.value(r["code"]), safe=""), "id": Q.rid(Q.value(r["e"]))} for r in found], total,
                ["code", "label"])
    total, found = _window(store, f"?x eg:onList <{iri}> ; eg:listedParty ?p . OPTIONAL {{ ?x eg:listingDate ?d }}",
                           "?p ?d", "?p ?d", number)
    names = Q.labels(store, sorted({Q.value(r["p"]) for r in found}))
    out = []
    for r in found:
        pid = Q.rid(Q.value(r["p"])) or ""
        out.append({"label": Q.label_of(names.get(Q.value(r["p"])), pid), "href": f"/party/{pid}", "id": pid,
                    "listed": Q.value(r["d"])})
    return out, total, ["label", "listed"]
