"""Property: whatever a plan author does to a valid plan, the loader returns a Plan or raises PlanError."""

from __future__ import annotations

import contextlib
import copy
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import beredskab
from beredskab.spec._yaml import load_document
from conftest import EXAMPLE_FILES, PLANS, SLUGS

BASES = [load_document(PLANS / f"{s}.yaml").data for s in SLUGS] + [
    load_document(EXAMPLE_FILES / "valid" / "minimal.yaml").data
]

WEIRD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.sampled_from(
        ["infohuse", "always", "intake", "PT24H", "P3M", "08:00-15:00", "24:00-08:00", "12-24", "2026-02-30"]
    ),
)


def _containers(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _containers(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _containers(v, (*path, i))
    return out


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        node = node[p]
    return node


@st.composite
def mutated_plans(draw: st.DrawFn) -> Any:
    data = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 4))):
        paths = _containers(data)
        path = draw(st.sampled_from(paths))
        if not path:
            continue
        parent = _get(data, path[:-1])
        key = path[-1]
        op = draw(st.sampled_from(["drop", "duplicate", "retype", "misspell_key", "misspell_value", "swap_list"]))
        if op == "drop":
            del parent[key]
        elif op == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        elif op == "duplicate" and isinstance(parent, dict):
            parent[f"{key}_copy"] = copy.deepcopy(parent[key])
        elif op == "retype":
            parent[key] = draw(WEIRD_VALUES)
        elif op == "misspell_key" and isinstance(parent, dict) and isinstance(key, str) and key:
            i = draw(st.integers(0, len(key) - 1))
            parent[key[:i] + key[i + 1 :] or "x"] = parent.pop(key)
        elif op == "misspell_value" and isinstance(parent[key], str) and parent[key]:
            v = parent[key]
            i = draw(st.integers(0, len(v) - 1))
            parent[key] = v[:i] + draw(st.sampled_from("aeøx_-")) + v[i + 1 :]
        elif op == "swap_list" and isinstance(parent[key], list) and len(parent[key]) > 1:
            parent[key].reverse()
    return data


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(data=mutated_plans())
def test_loader_returns_plan_or_plan_error(data: Any, tmp_path_factory: Any) -> None:
    path: Path = tmp_path_factory.mktemp("mut") / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    try:
        plan = beredskab.load_plan(path)
    except beredskab.PlanError as exc:
        assert exc.problems, "a PlanError always lists its problems"
        for p in exc.problems:
            assert p.line >= 1 and p.col >= 1
            assert p.file == str(path) or path.name in p.file
        return
    assert isinstance(plan, beredskab.Plan)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300))
def test_arbitrary_text_is_plan_or_plan_error(text: str, tmp_path_factory: Any) -> None:
    path: Path = tmp_path_factory.mktemp("txt") / "plan.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass") if "\ud800" not in text else path.write_bytes(
        b"\xff"
    )
    with contextlib.suppress(beredskab.PlanError):
        beredskab.load_plan(path)


def _paths_recursively(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """The walk iter_paths makes, written the obvious way (the oracle)."""
    out = [(path, data)]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths_recursively(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths_recursively(v, (*path, i))
    return out


TREES = st.recursive(
    st.none() | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4),
    max_leaves=40,
)


@given(TREES)
def test_iter_paths_walks_parents_before_children_in_order(tree: Any) -> None:
    from beredskab.spec._yaml import iter_paths

    assert list(iter_paths(tree)) == _paths_recursively(tree)


def test_iter_paths_on_the_plans() -> None:
    from beredskab.spec._yaml import iter_paths

    for base in BASES:
        assert list(iter_paths(base)) == _paths_recursively(base)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a: null", None),
        ("a: Null", None),
        ("a: NULL", None),
        ("a: ~", None),
        ("a:", None),
        ("a: nULL", "nULL"),
        ("a: True", True),
        ("a: FALSE", False),
        ("a: tRue", "tRue"),
        ("a: yes", "yes"),  # YAML 1.1's yes/no/on/off stay text in a plan
        ("a: Off", "Off"),
        ("a: !!str true", "true"),
        ("a: 'true'", "true"),
        ("a: æble", "æble"),
        ("a: Ærø 2", "Ærø 2"),
        ("a: e5", "e5"),
        ("a: inf", "inf"),
        ("a: .inf", math.inf),
        ("a: 12", 12),
        ("a: -3", -3),
        ("a: 0x1F", 31),
        ("a: 1.5", 1.5),
        ("a: 1e3", 1000.0),
        ("a: 1a", "1a"),
    ],
)
def test_plain_values_read_as_yaml_reads_them(text: str, value: Any) -> None:
    from beredskab.spec._yaml import parse_text

    assert parse_text(text, "t.yaml").data == {"a": value}
