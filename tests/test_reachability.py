"""The routing graph's reachability from a step (BK301 unreachable-step) is networkx's, without importing it."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

import beredskab
from conftest import PLANS

TESTS = Path(__file__).resolve().parent


def _loadable() -> list[Path]:
    """The five plans and every plan file under tests/ that loads (examples files and broken plans do not)."""
    found: list[Path] = []
    for path in sorted([*PLANS.glob("*.yaml"), *TESTS.rglob("*.yaml"), *TESTS.rglob("*.yml")]):
        if path.name.endswith((".examples.yaml", ".examples.yml")):
            continue
        try:
            beredskab.load_plan(path)
        except (beredskab.PlanError, ValueError, OSError):
            continue
        found.append(path)
    return found


LOADABLE = _loadable()


def test_the_cross_check_sees_the_plans_and_the_examples() -> None:
    names = {p.name for p in LOADABLE}
    assert {"koege.yaml", "herning.yaml", "randers.yaml", "kbh.yaml", "broendby.yaml"} <= names
    assert {"minimal.yaml", "complete.yaml", "BK301-unreachable-step.yaml", "BK302-dead-end.yaml"} <= names


@pytest.mark.parametrize("path", LOADABLE, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_unreachable_from_is_networkx_descendants(path: Path) -> None:
    routing = beredskab.load_plan(path).compiled.graph
    g = routing.graph
    for start in [*g.nodes, "no-such-step"]:
        expected = sorted(set(g.nodes) - (nx.descendants(g, start) | {start})) if start in g else sorted(g.nodes)
        assert routing.unreachable_from(start) == expected, start
