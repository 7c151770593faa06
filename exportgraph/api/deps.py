"""Shared FastAPI dependencies as Annotated aliases.

They are `async def` although they only read attributes: FastAPI runs a plain `def` dependency in the shared
thread pool, one more hop between the event loop and a thread (and one more wait for the GIL) per request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from exportgraph.api.state import GraphState
from exportgraph.graph.store import GraphStore
from exportgraph.settings import Settings


async def get_state(request: Request) -> GraphState:
    state: GraphState = request.app.state.graph
    return state


async def get_store(request: Request) -> GraphStore:
    state: GraphState = request.app.state.graph
    return state.store


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


State = Annotated[GraphState, Depends(get_state)]
Store = Annotated[GraphStore, Depends(get_store)]
Config = Annotated[Settings, Depends(get_settings)]
