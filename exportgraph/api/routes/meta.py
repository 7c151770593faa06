"""Health and build information.

`/api/health` is answered on the event loop, never in the shared thread pool (health must answer while that
pool is full), and in front of Starlette's middleware stack (api/app.py: each step on the loop is a chance to
wait for the GIL while threads are busy). Its checks are in memory: the remote store's is the status a
background thread keeps (api/storestatus.py), with its age; health never waits on the store.
"""

from __future__ import annotations

import json
import time
from collections.abc import MutableMapping
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

import exportgraph
from exportgraph.api.deps import State
from exportgraph.api.state import GraphState
from exportgraph.api.storestatus import StoreMonitor
from exportgraph.graph.build import MANIFEST

router = APIRouter(tags=["meta"])


def store_check(app: FastAPI) -> dict[str, Any]:
    state: GraphState = app.state.graph
    if state.settings.store == "remote":
        monitor: StoreMonitor | None = app.state.store_monitor
        if monitor is None:
            return {"kind": "remote", "ok": False, "reachable": False, "detail": "the store is not checked"}
        return {"kind": "remote", **monitor.snapshot()}
    # The embedded store is this process's own memory, loaded whole before the first request: nothing to ask
    # (a query would cost health a wait for the GIL on its way back, tens of ms when threads are busy).
    return {"kind": "embedded", "ok": True, "reachable": True}


def sparql_check(app: FastAPI) -> dict[str, Any]:
    pool = getattr(app.state, "sparql_pool", None)
    if pool is None:
        return {"ok": False, "detail": "the SPARQL workers have not started"}
    found: dict[str, Any] = pool.health()
    every_worker = found["alive"] == found["workers"]
    if "template_alive" in found:
        # A worker killed at a query's deadline is replaced from the loaded template in milliseconds, at its
        # next query: routine, not a failure. Without a loaded template no worker can start: that is one.
        every_worker = every_worker or (found["template_alive"] and found["template_ready"])
    found["ok"] = every_worker and not found["closing"]
    inline = getattr(app.state, "sparql_inline", None)
    if inline is not None:
        found["inline"] = inline.health()
    front = getattr(app.state, "sparql_front", None)
    if front is not None:  # queries answered inside the HTTP protocol (api/synclane.py)
        found["at_once"] = front.answered_now
    return found


def build_check(state: GraphState) -> dict[str, Any]:
    settings = state.settings
    out: dict[str, Any] = {"ok": True, "dataset": state.manifest.get("dataset")}
    if state.build is not None:
        try:
            built = (state.build.directory / MANIFEST).stat().st_mtime
        except OSError:
            built = None
        if built is not None:
            out["built_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(built))
            out["age_s"] = round(time.time() - built)
            limit = settings.max_build_age_days * 86400
            if limit and out["age_s"] > limit:
                out.update(ok=False, detail=f"the build is older than {settings.max_build_age_days:g} days")
    if state.problem:
        out["stale"] = True
        out["problem"] = state.problem
    return out


def health_answer(app: FastAPI) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) of /api/health: 200 when every check is ok, else 503 (degraded or failing)."""
    state: GraphState = app.state.graph
    checks = {"store": store_check(app), "sparql": sparql_check(app), "build": build_check(state)}
    if not checks["store"]["ok"]:
        status = "failing"  # nothing can be answered
    elif all(c["ok"] for c in checks.values()):
        status = "ok"
    else:
        status = "degraded"
    m = state.manifest
    body = {"status": status, "version": exportgraph.__version__, "store": state.settings.store,
            "dataset": m.get("dataset"), "quads": m.get("quads"), "data_as_of": m.get("data_as_of"), "checks": checks}
    return (200 if status == "ok" else 503), body


@router.get("/api/health", summary="Whether the store, the SPARQL workers and the build are well (503 if not)")
async def health(request: Request) -> JSONResponse:
    """Served by `health_asgi` in front of the stack (api/app.py); this route documents it (OpenAPI)."""
    code, body = health_answer(request.app)
    return JSONResponse(body, status_code=code, headers={"Cache-Control": "no-store"})


def health_parts(app: FastAPI) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """/api/health's status, headers and body, ready to send."""
    code, body = health_answer(app)
    data = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    return code, [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()),
                  (b"cache-control", b"no-store")], data


async def health_asgi(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
    """GET /api/health as a bare ASGI handler (the app's hygiene and limits wrap it, see api/app.py)."""
    code, headers, data = health_parts(scope["app"])
    await send({"type": "http.response.start", "status": code, "headers": headers})
    await send({"type": "http.response.body", "body": data})


@router.get("/api/stats", summary="Counts of the dataset, from its build manifest")
def stats(state: State) -> dict[str, Any]:
    m = state.manifest
    return {k: m.get(k) for k in ("quads", "records", "sources", "records_by_class", "data_as_of", "dataset")}
