"""`serve` over the embedded store: each web process loads its own store after the fork (api/serve.py own_state),
so a dataset that cannot be loaded is found there, after the fork; `serve` must still stop with one line saying
which file and why, not a traceback and not a loop of replacements."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from exportgraph.exc import ServeFailed
from exportgraph.settings import Settings
from tests.conftest import DATA, free_port


def test_a_dataset_that_cannot_be_loaded_stops_serve_with_one_line(settings: Settings, tmp_path: Path) -> None:
    shutil.copy(settings.build_dir / "manifest.json", tmp_path / "manifest.json")  # current for DATA: no rebuild
    dataset = json.loads((tmp_path / "manifest.json").read_text("utf-8"))["dataset"]
    (tmp_path / dataset).write_text('<https://example.org/s> <https://example.org/p> "unterminated .\n', "utf-8")
    done = subprocess.run([sys.executable, "-m", "exportgraph", "serve", "--port", str(free_port()), "--build-dir",
                           str(tmp_path), "--data-dir", str(DATA)], capture_output=True, text=True, timeout=120)
    assert done.returncode == ServeFailed.exit_code, done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert f"cannot load {tmp_path / dataset}" in done.stderr, done.stderr[-2000:]
    assert done.stderr.strip().splitlines()[-1].startswith("exportgraph serve: error:"), done.stderr[-2000:]
