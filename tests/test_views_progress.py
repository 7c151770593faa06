"""`exportgraph build` and the first `serve` say what they are doing and how far they got.

Off a terminal (as here, and in CI) the build writes plain lines on stderr, one per stage, with counts;
`serve` logs the same stages while it builds. The data is a small directory made here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from .conftest import ROOT, free_port

FILES = 12
RECORD = """sources:
  - id: src/t/doc-{n}
    title: {{en: "Test document {n}"}}
    url: https://example.org/doc/{n}
    issued: 2024-01-{day:02d}
    kind: primary
records:
  - id: j{n}
    type: Jurisdiction
    source: src/t/doc-{n}
    eg:isoCode: {code}
    skos:prefLabel: {{en: "Test jurisdiction {n}"}}
"""


def small_data(root: Path) -> Path:
    data = root / "data"
    data.mkdir()
    for n in range(FILES):
        code = "Q" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[n]
        (data / f"file-{n:02d}.yaml").write_text(RECORD.format(n=n, day=n + 1, code=code), encoding="utf-8")
    return data


def run_build(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPORTGRAPH_")}
    return subprocess.run([sys.executable, "-m", "exportgraph", "build", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300, check=False)


def test_build_prints_its_stages_with_counts(tmp_path: Path) -> None:
    data = small_data(tmp_path)
    done = run_build("--data-dir", str(data), "--build-dir", str(tmp_path / "build"))
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert "\r" not in done.stderr and "\x1b" not in done.stderr  # plain lines, no bar, off a terminal
    assert all(re.match(r"^\[ *\d+\.\d s\] \S", line) for line in lines), lines
    text = "\n".join(lines)
    for expected in ["checking the ontology", f"parsing files {FILES}/{FILES} file-{FILES - 1:02d}.yaml",
                     f"compiling {FILES} records from {FILES} files", f"compiled {FILES} records into",
                     "validating", "0 violation(s)", "writing"]:
        assert expected in text, f"{expected!r} not in:\n{text}"
    counted = [int(m.group(1)) for m in re.finditer(r"parsing files (\d+)/12", text)]
    assert counted == sorted(counted) and 1 < len(counted) <= FILES  # several steps, in order
    stages = [re.sub(r"^\[ *[\d.]+ s\] ", "", line).split()[0] for line in lines]
    assert stages.index("parsing") < stages.index("compiling") < stages.index("validating") < stages.index("writing")
    assert done.stdout.startswith("built ")


def test_quiet_build_prints_no_progress(tmp_path: Path) -> None:
    data = small_data(tmp_path)
    done = run_build("--data-dir", str(data), "--build-dir", str(tmp_path / "build"), "--quiet")
    assert done.returncode == 0 and done.stderr == "", done.stderr


def test_first_serve_logs_the_build(tmp_path: Path) -> None:
    data = small_data(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPORTGRAPH_")}
    proc = subprocess.Popen([sys.executable, "-m", "exportgraph", "serve", "--data-dir", str(data), "--build-dir",
                             str(tmp_path / "build"), "--host", "127.0.0.1", "--port", str(free_port())],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=ROOT, env=env)
    seen: list[str] = []
    try:
        deadline = time.monotonic() + 240
        assert proc.stderr is not None
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            seen.append(line.rstrip())
            if "Uvicorn running" in line or "Application startup complete" in line:
                break
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    text = "\n".join(seen)
    assert f"parsing files {FILES}/{FILES}" in text and "validating" in text and "writing" in text, text
    assert text.index("parsing files") < text.index("writing") < text.index("Application startup complete"), text
