"""Health and build information.

`/api/health` is an `async def` with no synchronous dependency: FastAPI would run one in the shared
thread pool, and health must answer while that pool is full. Its checks are in memory: the remote
store's is the status a background thread keeps (api/storestatus.py), with its age; health never waits on the store.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

import exportgraph
from exportgraph.api.deps import State
from exportgraph.api.state import GraphState
from exportgraph.api.storestatus import StoreMonitor
from exportgraph.graph.build import MANIFEST

router = APIRouter(tags=["meta"])


def store_check(request: Request) -> dict[str, Any]:
    state: GraphState = request.app.state.graph
    if state.settings.store == "remote":
        monitor: StoreMonitor | None = request.app.state.store_monitor
        if monitor is None:
            return {"kind": "remote", "ok": False, "reachable": False, "detail": "the store is not checked"}
        return {"kind": "remote", **monitor.snapshot()}
    try:  # the embedded store is in this process: microseconds, on the event loop
        state.store.ask("ASK {}")
    except Exception as exc:  # noqa: BLE001 - reported, not raised: health must answer
        return {"kind": "embedded", "ok": False, "reachable": False, "detail": type(exc).__name__}
    return {"kind": "embedded", "ok": True, "reachable": True}


def sparql_check(request: Request) -> dict[str, Any]:
    pool = getattr(request.app.state, "sparql_pool", None)
    if pool is None:
        return {"ok": False, "detail": "the SPARQL workers have not started"}
    found: dict[str, Any] = pool.health()
    found["ok"] = found["alive"] == found["workers"] and not found["closing"]
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


@router.get("/api/health", summary="Whether the store, the SPARQL workers and the build are well (503 if not)")
async def health(request: Request) -> JSONResponse:
    state: GraphState = request.app.state.graph
    checks = {"store": store_check(request), "sparql": sparql_check(request), "build": build_check(state)}
    if not checks["store"]["ok"]:
        status = "failing"  # nothing can be answered
    elif all(c["ok"] for c in checks.values()):
        status = "ok"
    else:
        status = "degraded"
    m = state.manifest
    body = {"status": status, "version": exportgraph.__version__, "store": state.settings.store,
            "dataset": m.get("dataset"), "quads": m.get("quads"), "data_as_of": m.get("data_as_of"), "checks": checks}
    return JSONResponse(body, status_code=200 if status == "ok" else 503, headers={"Cache-Control": "no-store"})


@router.get("/api/stats", summary="Counts of the dataset, from its build manifest")
def stats(state: State) -> dict[str, Any]:
    m = state.manifest
    return {k: m.get(k) for k in ("quads", "records", "sources", "records_by_class", "data_as_of", "dataset")}
