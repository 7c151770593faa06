"""Shared FastAPI dependencies as Annotated aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from exportgraph.api.state import GraphState
from exportgraph.graph.store import GraphStore
from exportgraph.settings import Settings


def get_state(request: Request) -> GraphState:
    state: GraphState = request.app.state.graph
    return state


def get_store(request: Request) -> GraphStore:
    return get_state(request).store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


State = Annotated[GraphState, Depends(get_state)]
Store = Annotated[GraphStore, Depends(get_store)]
Config = Annotated[Settings, Depends(get_settings)]
