"""The docs stay honest: every setting documented, the Quickstart has exactly two commands, CI runs the second."""

from __future__ import annotations

import re

from exportgraph.settings import describe

from .conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def test_every_setting_is_documented() -> None:
    missing = [var for var, _, _ in describe() if f"`{var}`" not in README]
    assert missing == []


def test_quickstart_has_two_commands_and_ci_runs_the_test_one() -> None:
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.+?)\n```", section)
    assert commands == ["pip install . && exportgraph serve", "bash scripts/test.sh"]
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert commands[1] in ci


def test_every_cli_command_has_help() -> None:
    from exportgraph.cli import parser

    p = parser()
    sub = next(a for a in p._actions if a.dest == "command")
    for name, subparser in sub.choices.items():  # type: ignore[union-attr]
        assert subparser.description, name
