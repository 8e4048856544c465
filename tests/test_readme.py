"""The README as a newcomer reads it: title first, two commands, an answer on one screen, tables that render."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
SCREEN = 40  # lines a terminal shows at once, give or take


def _commands() -> list[str]:
    block = re.match(r"# beredskab\n\n```sh\n(.*?)\n```\n", README, flags=re.S)
    assert block, "the README opens with its title, then the set-up commands"
    return block.group(1).splitlines()


def test_the_readme_opens_with_its_title_then_exactly_two_commands() -> None:
    first, second = _commands()
    assert first.startswith("python3 -m venv .venv && .venv/bin/pip install -q . && ")
    assert "pytest" in second and ".[test]" in second
    # CI runs the second command's test run
    assert "pytest -q" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_the_first_command_ends_with_the_answer_on_one_screen() -> None:
    first = _commands()[0]
    # what runs after the installation, with this environment's beredskab
    after_install = first.split(" && ", 2)[2]
    bindir = Path(sys.executable).parent
    done = subprocess.run(
        after_install.replace(".venv/bin/", f"{bindir}/"),
        shell=True,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) <= SCREEN, f"{len(lines)} lines"
    # the validation in one line, with the command that shows the details; then the answer
    assert re.match(r"5 fil\(er\) kontrolleret: \d+ fejl, .*; alle fund: beredskab validate plans/$", lines[0])
    assert lines[1].startswith("Plan Køge Kommune") and any(line.startswith("NÆSTE:") for line in lines)
    assert done.stderr == ""


def test_every_table_of_the_readme_is_one_block() -> None:
    """A blank line inside a table ends it: the rows after it render as raw pipes."""
    lines = README.splitlines()
    for i, line in enumerate(lines[1:-1], 1):
        if not line.strip():
            assert not (lines[i - 1].startswith("|") and lines[i + 1].startswith("|")), (
                f"blank line {i + 1} splits a table"
            )
