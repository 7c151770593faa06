"""Launcher for bench_rest.py: the app from the factory on uvicorn, on the given port.

    python bench/_serve.py --build-dir /tmp/bench-build --data-dir data --port 8765
"""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn

from exportgraph.api.app import create_app
from exportgraph.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", type=Path, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    app = create_app(Settings(build_dir=args.build_dir, data_dir=args.data_dir))
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
