"""Health and build information."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

import exportgraph
from exportgraph.api.deps import State

router = APIRouter(tags=["meta"])


@router.get("/api/health", summary="Liveness and the build being served")
def health(state: State) -> dict[str, Any]:
    m = state.manifest
    return {"status": "ok", "version": exportgraph.__version__, "store": state.settings.store,
            "dataset": m.get("dataset"), "quads": m.get("quads"), "data_as_of": m.get("data_as_of")}


@router.get("/api/stats", summary="Counts of the dataset, from its build manifest")
def stats(state: State) -> dict[str, Any]:
    m = state.manifest
    return {k: m.get(k) for k in ("quads", "records", "sources", "records_by_class", "data_as_of", "dataset")}
