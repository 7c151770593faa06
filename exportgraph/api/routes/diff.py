"""What changed between two dates, per jurisdiction: positions (compare at both dates), lists (diffs.diff),
instruments (in force at one date and not the other), regime memberships and party listings. As a page
(`/diff`) and as CSV (`/diff.csv`), from the same rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from exportgraph.api.deps import Store
from exportgraph.api.routes.pages import error, page
from exportgraph.exc import BadRequest, ExportGraphError
from exportgraph.graph import terms as T
from exportgraph.graph.store import GraphStore
from exportgraph.query import base as Q
from exportgraph.query import compare as C
from exportgraph.query import diffs as D

router = APIRouter(include_in_schema=False)
Text = Annotated[str | None, Query()]
SHOWN = 200  # rows per section on the page; the CSV has them all
COLUMNS = ["section", "jurisdiction", "change", "id", "label", "before", "after"]


def _dates(before: str | None, after: str | None) -> tuple[dt.date, dt.date]:
    b, a = Q.parse_as_of(before), Q.parse_as_of(after)
    if b is None or a is None:
        raise BadRequest("before and after: two dates YYYY-MM-DD")
    if a < b:
        raise BadRequest(f"after ({a}) is before before ({b})")
    return b, a


def _show(p: dict[str, Any] | None) -> str:
    if not p:
        return "no position"
    q = p.get("quantity")
    return str(p["value_label"]) + (f" ({q['value']} {q['unit']})" if q else "")


def positions(store: GraphStore, js: list[str], before: dt.date, after: dt.date) -> list[dict[str, Any]]:
    """Positions held on one date and not the other, or with another value; with two or more jurisdictions,
    also the dimensions whose outcome (converge, diverge) changed."""
    dims = {d["code"]: d["label"] for d in C.dimensions(store)}
    held_old = {(p["dimension"], p["jurisdiction"]): p for p in C.positions(store, before, js)}
    held_new = {(p["dimension"], p["jurisdiction"]): p for p in C.positions(store, after, js)}
    rows = []
    for key in sorted(set(held_old) | set(held_new)):
        po, pn = held_old.get(key), held_new.get(key)
        if po and pn and po["id"] == pn["id"] and _show(po) == _show(pn):
            continue
        change = "added" if po is None else "removed" if pn is None else "changed"
        rows.append({"section": "positions", "jurisdiction": key[1], "change": change,
                     "id": (pn or po or {}).get("id"), "label": dims.get(key[0], key[0]),
                     "before": _show(po), "after": _show(pn)})
    if len(set(js)) < 2:
        return rows
    old = {d["dimension"]: d["outcome"] for d in C.compare(store, js, before)["dimensions"]}
    for d in C.compare(store, js, after)["dimensions"]:
        if old.get(d["dimension"], "no comparison") != d["outcome"]:
            rows.append({"section": "positions", "jurisdiction": ",".join(js), "change": "outcome",
                         "id": f"dim/{d['dimension']}", "label": d["label"],
                         "before": old.get(d["dimension"], "no comparison"), "after": d["outcome"]})
    return rows


def lists(store: GraphStore, j: str, before: dt.date, after: dt.date) -> tuple[list[dict[str, Any]], list[str]]:
    try:
        found = D.diff(store, j, before, after)
    except ExportGraphError as exc:
        return [], [f"{j.upper()} lists: {exc.message}"]
    rows = [{"section": "lists", "jurisdiction": j, "change": change, "id": e["id"], "label": f"{e['code']} {e['label']}",
             "before": "" if change == "added" else e["list"], "after": "" if change == "removed" else e["list"]}
            for change in ("added", "removed") for e in found[change]]
    rows += [{"section": "lists", "jurisdiction": j, "change": "changed", "id": c["after"]["id"],
              "label": c["after"]["code"], "before": c["before"]["label"], "after": c["after"]["label"]}
             for c in found["changed"]]
    return rows, [f"{j.upper()} lists: {found['note']}"] if found["note"] else []


def instruments(store: GraphStore, j: str, before: dt.date, after: dt.date) -> list[dict[str, Any]]:
    old = {i["id"]: i for i in Q.instruments(store, j, before)}
    new = {i["id"]: i for i in Q.instruments(store, j, after)}
    rows = []
    for key in sorted(set(old) ^ set(new)):
        i = new.get(key) or old[key]
        came = key in new
        rows.append({"section": "instruments", "jurisdiction": j, "change": "in force" if came else "no longer in force",
                     "id": key, "label": i["title"], "before": "" if came else (i["in_force"] or ""),
                     "after": (i["in_force"] or "") if came else (i["repealed"] or "")})
    return rows


def memberships(store: GraphStore, j: str, before: dt.date, after: dt.date) -> list[dict[str, Any]]:
    old = {m["regime"]: m for m in Q.memberships(store, before, j)}
    new = {m["regime"]: m for m in Q.memberships(store, after, j)}
    rows = []
    for regime in sorted(set(old) | set(new)):
        mo, mn = old.get(regime), new.get(regime)
        so, sn = (mo or {}).get("status", "no record"), (mn or {}).get("status", "no record")
        if so != sn:
            m = mn or mo or {}
            rows.append({"section": "memberships", "jurisdiction": j, "change": "status", "id": m.get("id"),
                         "label": m.get("regime_label") or regime, "before": so,
                         "after": sn + (f" since {m['valid_from']}" if mn and mn.get("valid_from") else "")})
    return rows


def listings(store: GraphStore, j: str, before: dt.date, after: dt.date) -> list[dict[str, Any]]:
    """Parties listed on one of the jurisdiction's party lists after the first date, up to the second."""
    rows = store.select(f"""SELECT ?p ?l ?d WHERE {{ ?l a eg:PartyList ; eg:jurisdiction <{T.iri(Q.check_id(j))}> .
        ?x eg:onList ?l ; eg:listedParty ?p ; eg:listingDate ?d .
        FILTER(?d > "{before.isoformat()}"^^xsd:date && ?d <= "{after.isoformat()}"^^xsd:date) }} ORDER BY ?d ?p""")
    names = Q.labels(store, sorted({Q.value(r["p"]) for r in rows} | {Q.value(r["l"]) for r in rows}))
    return [{"section": "party listings", "jurisdiction": j, "change": "listed", "id": Q.rid(Q.value(r["p"])),
             "label": Q.label_of(names.get(Q.value(r["p"])), Q.rid(Q.value(r["p"])) or ""), "before": "",
             "after": f"{Q.value(r['d'])} on {Q.label_of(names.get(Q.value(r['l'])), '')}"} for r in rows]


def changes(store: GraphStore, js: list[str], before: dt.date, after: dt.date) -> tuple[list[dict[str, Any]], list[str]]:
    rows, notes = positions(store, js, before, after), []
    for j in js:
        found, said = lists(store, j, before, after)
        rows += found
        notes += said
        rows += instruments(store, j, before, after) + memberships(store, j, before, after)
        rows += listings(store, j, before, after)
    return rows, notes


def outcomes(store: GraphStore, js: list[str], before: dt.date, after: dt.date) -> list[dict[str, Any]]:
    """Each dimension's outcome (converge, diverge, not comparable) on both dates, with its verdict."""
    if len(set(js)) < 2:
        return []
    old = {d["dimension"]: d for d in C.compare(store, js, before)["dimensions"]}
    new = {d["dimension"]: d for d in C.compare(store, js, after)["dimensions"]}
    rows = []
    for key in sorted(set(old) | set(new)):
        o, n = old.get(key), new.get(key)
        rows.append({"dimension": key, "label": (n or o or {}).get("label", key),
                     "before": f"{o['outcome']} ({o['verdict']})" if o else "no comparison",
                     "after": f"{n['outcome']} ({n['verdict']})" if n else "no comparison",
                     "colour_before": o["verdict"] if o else "not comparable",
                     "colour_after": n["verdict"] if n else "not comparable"})
    return rows


def _jurisdictions(text: str | None) -> list[str]:
    js = [t.strip() for t in (text or "cn,us,eu,jp").split(",") if t.strip()]
    if not js or len(js) > 12:
        raise BadRequest("jurisdiction: one to twelve ids, comma-separated")
    return [Q.check_id(j) for j in js]


@router.get("/diff", response_class=HTMLResponse)
def diff_page(store: Store, before: Text = None, after: Text = None, jurisdiction: Text = None) -> HTMLResponse:
    everyone = Q.listing(store, "Jurisdiction")
    if not before and not after:
        return page("diff.html", result=None, before="", after="", chosen=_jurisdictions(jurisdiction),
                    all_jurisdictions=everyone)
    try:
        b, a = _dates(before, after)
        js = _jurisdictions(jurisdiction)
        rows, notes = changes(store, js, b, a)
        converge = outcomes(store, js, b, a)
    except ExportGraphError as exc:
        return error(exc)
    sections: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for r in rows:
        sections.setdefault(r["section"], {}).setdefault(r["jurisdiction"], []).append(r)
    names = {j["id"]: j["label"] for j in everyone}
    return page("diff.html", result=sections, notes=notes, outcomes=converge, before=b.isoformat(), after=a.isoformat(),
                chosen=js, all_jurisdictions=everyone, names=names, shown=SHOWN, total=len(rows),
                csv=f"/diff.csv?before={b}&after={a}&jurisdiction={','.join(js)}")


@router.get("/diff.csv")
def diff_csv(store: Store, before: Text = None, after: Text = None, jurisdiction: Text = None) -> Response:
    try:
        b, a = _dates(before, after)
        rows, _ = changes(store, _jurisdictions(jurisdiction), b, a)
    except ExportGraphError as exc:
        return Response(exc.message + "\n", status_code=exc.status, media_type="text/plain; charset=utf-8")
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="changes-{b}-{a}.csv"'})
