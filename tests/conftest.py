"""Shared paths and fixtures for the test suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import beredskab

REPO = Path(__file__).resolve().parents[1]
PLANS = REPO / "plans"
EXAMPLE_FILES = Path(__file__).resolve().parent / "example-files"
SLUGS = ("koege", "herning", "randers", "kbh", "broendby")


def seeds_dir() -> Path | None:
    """The source texts: ``$BEREDSKAB_SEEDS`` or ``../shared/seeds`` beside the repository."""
    env = os.environ.get("BEREDSKAB_SEEDS")
    for candidate in ([Path(env)] if env else []) + [REPO.parent / "shared" / "seeds"]:
        if candidate.is_dir():
            return candidate
    return None


@pytest.fixture(scope="session")
def plans() -> dict[str, beredskab.Plan]:
    return beredskab.load_plans(PLANS)


@pytest.fixture(scope="session")
def minimal_plan() -> beredskab.Plan:
    return beredskab.load_plan(EXAMPLE_FILES / "valid" / "minimal.yaml")
