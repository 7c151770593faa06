"""REST routes answered before FastAPI's routing: GET /api/entries, the lookup of a code, which the item pages,
the API's users and the replicas' benchmarks ask most.

FastAPI matches a request against its routes one by one (about 50), solves the dependencies and validates the
parameters: about 0.75 ms a request on this machine, measured with the lookup stubbed (bench/README.md), as
much as a third of a lookup's own time over a remote store. This middleware is the innermost of the
application's own (api/app.py), so hygiene, the size caps, the class limits and the store gate apply as
before; it answers a request by calling the route's own function, in a thread of the same pool, when every
parameter is one the route declares, given once, and valid by the route's own annotated type (a pydantic
TypeAdapter of it: the validation FastAPI runs). Anything else (an unknown or repeated parameter, a missing or
invalid one, another method) goes on to FastAPI, which answers as it always did, its 400s included.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any, get_args, get_origin, get_type_hints

import anyio.to_thread
from fastapi import params as fastapi_params
from pydantic import TypeAdapter, ValidationError
from starlette.datastructures import QueryParams
from starlette.responses import Response

from exportgraph.api.deps import Store
from exportgraph.api.limits import ASGIApp, Receive, Scope, Send
from exportgraph.api.respond import error_response
from exportgraph.exc import ExportGraphError


class ShortRoute:
    """A sync route function whose parameters are the store (the `Store` dependency) and query parameters."""

    def __init__(self, endpoint: Callable[..., Response]) -> None:
        self.endpoint = endpoint
        hints = get_type_hints(endpoint, include_extras=True)
        self.types: dict[str, TypeAdapter[Any]] = {}
        self.required: set[str] = set()
        self.store_param: str | None = None
        for name, param in inspect.signature(endpoint).parameters.items():
            hint = hints[name]
            if hint == Store:
                self.store_param = name
                continue
            extras = get_args(hint)[1:] if get_origin(hint) is Annotated else ()
            if any(isinstance(x, fastapi_params.Depends) for x in extras):
                raise TypeError(f"{endpoint.__name__}: dependency {name!r} is not one a short route can give")
            if not any(isinstance(x, fastapi_params.Query) for x in extras) and param.default is inspect.Parameter.empty:
                raise TypeError(f"{endpoint.__name__}: parameter {name!r} is not a query parameter")
            self.types[name] = TypeAdapter(hint)
            if param.default is inspect.Parameter.empty:
                self.required.add(name)

    def arguments(self, query_string: bytes) -> dict[str, Any] | None:
        """The route's arguments from the query string, or None when FastAPI should judge the request."""
        given = QueryParams(query_string).multi_items() if query_string else []
        names = [name for name, _ in given]
        if len(set(names)) != len(names) or not self.required <= set(names):
            return None
        out: dict[str, Any] = {}
        for name, text in given:
            adapter = self.types.get(name)
            if adapter is None:
                return None
            try:
                out[name] = adapter.validate_python(text)
            except ValidationError:
                return None
        return out


class ShortRoutes:
    """Pure ASGI middleware: GET on one of `routes` answered by its ShortRoute, everything else passed on."""

    def __init__(self, app: ASGIApp, routes: dict[str, Callable[..., Response]], state: Any) -> None:
        self.app = app
        self.routes = {path: ShortRoute(endpoint) for path, endpoint in routes.items()}
        self.answered = 0  # requests answered here
        state.short_routes = self  # the application's state: where tests see that the short path was taken

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self.routes.get(scope["path"]) if scope["type"] == "http" and scope["method"] == "GET" else None
        arguments = route.arguments(scope["query_string"]) if route is not None else None
        if route is None or arguments is None:
            await self.app(scope, receive, send)
            return
        if route.store_param is not None:
            arguments[route.store_param] = scope["app"].state.graph.store
        self.answered += 1
        try:
            response = await anyio.to_thread.run_sync(lambda: route.endpoint(**arguments))
        except ExportGraphError as exc:  # as the application's handler (api/app.py); anything else goes up to
            response = error_response(exc, scope["method"], scope["path"])  # its error middleware, as from a route
        await response(scope, receive, send)
