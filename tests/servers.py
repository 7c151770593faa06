"""A real uvicorn server on 127.0.0.1 in a background thread, for browser and notebook tests."""

from __future__ import annotations

import threading
import time

import pytest

from exportgraph.api.state import GraphState
from exportgraph.settings import Settings

from .conftest import free_port


class Server:
    def __init__(self, settings: Settings, state: GraphState | None = None) -> None:
        import uvicorn

        from exportgraph.api.app import create_app

        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(settings, state), host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 180
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                pytest.fail("uvicorn did not start")
            time.sleep(0.1)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
