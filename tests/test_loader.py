"""The loader: the shipped plans load, every kind of bad file is rejected at the right place."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

import beredskab
from beredskab import PlanError
from conftest import EXAMPLE_FILES, PLANS, SLUGS, expected_problems

INVALID = sorted((EXAMPLE_FILES / "invalid").glob("*.yaml"))


def _expected(path: Path) -> list[tuple[str, int, int, str | None]]:
    return expected_problems(path)


def test_all_five_plans_load_by_slug() -> None:
    plans = beredskab.load_plans(PLANS)
    assert sorted(plans) == sorted(SLUGS)
    for slug, plan in plans.items():
        assert isinstance(plan, beredskab.Plan)
        assert plan.municipality.slug == slug


def test_load_plans_skips_examples_files() -> None:
    assert list(PLANS.glob("*.examples.yaml")), "the shipped plans keep examples beside them"
    assert all(not s.endswith("examples") for s in beredskab.load_plans(PLANS))


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_file_rejected_at_expected_positions(path: Path) -> None:
    with pytest.raises(PlanError) as info:
        beredskab.load_plan(path)
    got = {(p.code, p.line, p.col) for p in info.value.problems}
    for code, line, col, hint in _expected(path):
        assert (code, line, col) in got, f"expected {code} at {line}:{col}, got {sorted(got)}"
        if hint:
            match = [p for p in info.value.problems if (p.code, p.line, p.col) == (code, line, col)]
            assert any(hint in p.format() for p in match), match
    # the message names file:line:col of every problem
    for p in info.value.problems:
        assert f"{p.file}:{p.line}:{p.col}:" in str(info.value)


def test_every_loader_error_kind_has_a_negative_example() -> None:
    codes = {code for path in INVALID for code, *_ in _expected(path)}
    assert {
        "BK001",
        "BK002",
        "BK003",
        "BK004",
        "BK006",
        "BK007",
        "BK101",
        "BK102",
        "BK103",
        "BK201",
        "BK202",
        "BK203",
        "BK204",
        "BK205",
    } <= codes


def test_alias_bomb_rejected_in_well_under_a_second() -> None:
    start = time.perf_counter()
    with pytest.raises(PlanError, match="BK006"):
        beredskab.load_plan(EXAMPLE_FILES / "invalid" / "alias-bomb.yaml")
    assert time.perf_counter() - start < 0.5


def test_oversized_file_rejected_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("format: 1\n" + "# padding\n" * 120_000, encoding="utf-8")
    with pytest.raises(PlanError) as info:
        beredskab.load_plan(big)
    assert [p.code for p in info.value.problems] == ["BK005"]
    assert "1 MiB" in str(info.value)


def test_deep_nesting_rejected(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("format: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(PlanError, match="BK006"):
        beredskab.load_plan(deep)


def test_missing_file_is_a_plan_error(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="cannot read file"):
        beredskab.load_plan(tmp_path / "nope.yaml")


def test_empty_and_non_mapping_files(tmp_path: Path) -> None:
    for text in ("", "- a\n- b\n", "just text\n"):
        f = tmp_path / "p.yaml"
        f.write_text(text, encoding="utf-8")
        with pytest.raises(PlanError, match="must be a mapping"):
            beredskab.load_plan(f)


def test_multiple_documents_rejected(tmp_path: Path) -> None:
    f = tmp_path / "two.yaml"
    f.write_text("format: 1\n---\nformat: 1\n", encoding="utf-8")
    with pytest.raises(PlanError, match="BK001"):
        beredskab.load_plan(f)


def test_yaml_11_surprises_do_not_happen(tmp_path: Path) -> None:
    """'no', 'on' and '08:00' stay strings (YAML 1.2 core schema), so keys like 'on:' work."""
    from beredskab.spec._yaml import parse_text

    doc = parse_text("a: no\non: closed\nt: 08:00\nd: 2024-01-05\nn: ~\ni: 12\n", "x.yaml")
    assert doc.data == {"a": "no", "on": "closed", "t": "08:00", "d": "2024-01-05", "n": None, "i": 12}


def test_all_problems_reported_not_just_the_first(tmp_path: Path) -> None:
    text = (EXAMPLE_FILES / "valid" / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("kind: infohus", "kind: infohuse").replace("kind: children_services", "kind: childrens")
    f = tmp_path / "two-faults.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as info:
        beredskab.load_plan(f)
    assert len([p for p in info.value.problems if p.code == "BK101"]) == 2


def test_duplicate_slug_across_files(tmp_path: Path) -> None:
    src = (EXAMPLE_FILES / "valid" / "minimal.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(src, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(src, encoding="utf-8")
    with pytest.raises(PlanError, match="BK206"):
        beredskab.load_plans(tmp_path)


def test_load_plans_collects_problems_of_every_bad_file(tmp_path: Path) -> None:
    for name in ("tab.yaml", "duplicate-key.yaml"):
        (tmp_path / name).write_bytes((EXAMPLE_FILES / "invalid" / name).read_bytes())
    with pytest.raises(PlanError) as info:
        beredskab.load_plans(tmp_path)
    assert {p.code for p in info.value.problems} == {"BK002", "BK003"}


@pytest.mark.parametrize("slug", SLUGS)
def test_dump_then_load_round_trips(slug: str, tmp_path: Path) -> None:
    plan = beredskab.load_plan(PLANS / f"{slug}.yaml")
    dumped = plan.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    out = tmp_path / f"{slug}.yaml"
    out.write_text(yaml.safe_dump(dumped, allow_unicode=True, sort_keys=False), encoding="utf-8")
    again = beredskab.load_plan(out)
    assert again == plan
    assert again.model_dump(mode="json", by_alias=True) == plan.model_dump(mode="json", by_alias=True)


def test_plan_error_is_a_beredskab_error() -> None:
    assert issubclass(PlanError, beredskab.BeredskabError)
    assert issubclass(beredskab.ConcernError, beredskab.BeredskabError)
