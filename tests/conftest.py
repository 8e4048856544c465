"""Shared paths and fixtures for the test suite."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

import beredskab

REPO = Path(__file__).resolve().parents[1]
PLANS = REPO / "plans"
EXAMPLE_FILES = Path(__file__).resolve().parent / "example-files"
SLUGS = ("koege", "herning", "randers", "kbh", "broendby")


def seeds_dir() -> Path | None:
    """The source texts: ``$BEREDSKAB_SEEDS``, or the copies in ``plans/sources`` (each plan's ``document.text``)."""
    env = os.environ.get("BEREDSKAB_SEEDS")
    for candidate in ([Path(env)] if env else []) + [PLANS / "sources"]:
        if candidate.is_dir():
            return candidate
    return None


def git(repo: Path, *argv: str) -> None:
    """``git`` in ``repo`` with a throwaway identity (a test repository's commits need one)."""
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *argv],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="session")
def plans() -> dict[str, beredskab.Plan]:
    return beredskab.load_plans(PLANS)


@pytest.fixture(scope="session")
def minimal_plan() -> beredskab.Plan:
    return beredskab.load_plan(EXAMPLE_FILES / "valid" / "minimal.yaml")


EXPECT = re.compile(r"^# expect: (BK\d{3}) (\d+):(\d+)(?: (.*))?$")


def expected_problems(path: Path) -> list[tuple[str, int, int, str | None]]:
    """The ``# expect: CODE line:col [hint]`` lines that open a negative example file."""
    out = []
    for raw in path.read_bytes().split(b"\n"):
        m = EXPECT.match(raw.decode("ascii", errors="replace").rstrip())
        if m:
            out.append((m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)))
    assert out, f"{path} has no '# expect:' line"
    return out
