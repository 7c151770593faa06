"""The Python floor for bench_endpoint.py: a raw ASGI app over pyoxigraph in one uvicorn process, no guards.

No FastAPI, no middleware, no worker process, no size caps, no timeout: the query is evaluated on the event
loop and serialised by pyoxigraph. It is what a Python SPARQL endpoint costs at the least; the guarded
/sparql is measured against it.

    python bench/_raw_endpoint.py --dataset /tmp/eg-build/dataset-....nq --port 8766
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

import pyoxigraph as ox
import uvicorn

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

RESULTS = {"application/sparql-results+json": ox.QueryResultsFormat.JSON}


def make_app(store: ox.Store) -> Callable[[Message, Receive, Send], Awaitable[None]]:
    async def app(scope: Message, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        text = _query(scope, body)
        status, kind, out = 400, b"text/plain", b"no query"
        if text is not None:
            try:
                result = store.query(text, use_default_graph_as_union=True)
                if isinstance(result, ox.QueryTriples):
                    out = ox.serialize(result, format=ox.RdfFormat.N_TRIPLES) or b""
                    status, kind = 200, b"application/n-triples"
                else:
                    out = result.serialize(format=ox.QueryResultsFormat.JSON) or b""
                    status, kind = 200, b"application/sparql-results+json"
            except (SyntaxError, ValueError, OSError) as exc:
                out = str(exc).encode("utf-8")
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", kind), (b"content-length", str(len(out)).encode())]})
        await send({"type": "http.response.body", "body": out})

    return app


def _query(scope: Message, body: bytes) -> str | None:
    if scope["method"] == "POST":
        kind = dict(scope["headers"]).get(b"content-type", b"").split(b";")[0].strip()
        if kind == b"application/sparql-query":
            return body.decode("utf-8")
        return _first(parse_qs(body.decode("utf-8")).get("query"))
    return _first(parse_qs(bytes(scope["query_string"]).decode("latin-1")).get("query"))


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    store = ox.Store()
    store.load(path=args.dataset, format=ox.RdfFormat.N_QUADS)
    uvicorn.run(make_app(store), host=args.host, port=args.port, log_level="warning", access_log=False,
                lifespan="on")


if __name__ == "__main__":
    main()
