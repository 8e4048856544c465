"""The decision-space analysis behind the validator: exact, feasible, and reproducible by route()."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import beredskab
from beredskab.analysis.space import TIME, DecisionSpace, partition
from beredskab.spec._yaml import load_document
from conftest import EXAMPLE_FILES, PLANS, SLUGS

AS_OF = dt.date(2026, 11, 22)
MINIMAL = EXAMPLE_FILES / "valid" / "minimal.yaml"


def _space(plan: beredskab.Plan) -> DecisionSpace:
    return DecisionSpace.of(plan, plan.compiled, AS_OF)


def _owner_of(regions: list[Any], point: dict[str, Any]) -> int | None:
    matching = [r for r in regions if all(point[k] == v for k, v in r.assign.items())]
    assert len(matching) == 1, f"regions must partition the space: {len(matching)} contain {point}"
    return matching[0].owner


def _decided_by(plan: beredskab.Plan, space: DecisionSpace, point: dict[str, Any]) -> str:
    return plan.route(space.witness(point)).rules[0]


def _rule_id(plan: beredskab.Plan, owner: int | None) -> str:
    return "catch-all" if owner is None else plan.rules[owner].id


def test_partition_equals_brute_force_on_a_small_plan(minimal_plan: beredskab.Plan) -> None:
    space = _space(minimal_plan)
    regions = partition(space)
    dims = list(space.dims)
    assert space.size() < 50_000
    for values in itertools.product(*(space.dims[d] for d in dims)):
        point = dict(zip(dims, values, strict=True))
        owner = _owner_of(regions, point)
        facts = {**space.facts(point)}
        assert minimal_plan.compiled.first_match(
            {**facts, **{f"f_{n}": "unknown" for n in beredskab.Findings.model_fields if f"f_{n}" not in facts}}
        ) == (len(minimal_plan.rules) if owner is None else owner)


@pytest.mark.parametrize("slug", SLUGS)
def test_time_classes_are_real(slug: str, plans: dict[str, beredskab.Plan]) -> None:
    space = _space(plans[slug])
    assert space.time_classes
    for tc in space.time_classes:
        for key, value in tc.facts:
            if key.startswith("o_"):
                assert plans[slug].compiled.schedules[key[2:]].is_open(tc.witness) == (value == "yes")
    assert len({tc.facts for tc in space.time_classes}) == len(space.time_classes)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), slug=st.sampled_from(SLUGS))
def test_every_point_is_decided_as_route_decides_it(data: st.DataObject, slug: str) -> None:
    plan = PLAN_CACHE[slug]
    space, regions = SPACES[slug]
    point = {dim: data.draw(st.sampled_from(values), label=dim) for dim, values in space.dims.items()}
    assert _decided_by(plan, space, point) == _rule_id(plan, _owner_of(regions, point))


PLAN_CACHE = beredskab.load_plans(PLANS)
SPACES = {s: (sp := _space(p), partition(sp)) for s, p in PLAN_CACHE.items()}


def _without_rule(path: Path, index: int, tmp: Path) -> Path:
    data = load_document(path).data
    del data["rules"][index]
    out = tmp / path.name
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def _problems(path: Path) -> list[beredskab.Problem]:
    return list(beredskab.validate([path], as_of=AS_OF, lang="en").problems)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(slug=st.sampled_from([*SLUGS, "minimal"]), pick=st.integers(0, 10**6))
def test_removing_a_rule_still_validates_or_gives_a_real_counterexample(
    slug: str, pick: int, tmp_path_factory: Any
) -> None:
    path = MINIMAL if slug == "minimal" else PLANS / f"{slug}.yaml"
    rules = load_document(path).data["rules"]
    index = pick % len(rules)
    changed = _without_rule(path, index, tmp_path_factory.mktemp("rm"))
    plan = beredskab.load_plan(changed)
    gaps = [p for p in _problems(changed) if p.code == "BK401" and p.hint and "--event" in p.hint]
    for problem in gaps:
        concern = json.loads(problem.hint.split("<<< '", 1)[1].rstrip("'"))
        decision = plan.route(concern)
        assert decision.catch_all, f"counterexample {concern} should reach the catch-all"


def test_plan_without_its_acute_rule_is_rejected_with_a_counterexample(tmp_path: Path) -> None:
    rules = load_document(PLANS / "koege.yaml").data["rules"]
    acute = [i for i, r in enumerate(rules) if r["when"].get("acute") is True]
    assert acute
    data = load_document(PLANS / "koege.yaml").data
    data["rules"] = [r for i, r in enumerate(data["rules"]) if i not in acute]
    path = tmp_path / "koege.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    problems = _problems(path)
    errors = [p for p in problems if p.code in ("BK401", "BK601")]
    assert errors, problems
    acute_problems = [p for p in errors if '"acute": true' in (p.hint or "")]
    assert acute_problems
    concern = json.loads(acute_problems[0].hint.split("witness: ", 1)[-1].split("<<< '", 1)[-1].rstrip("'"))
    decision = beredskab.load_plan(path).route(concern)
    assert decision.next[0].kind.value not in ("emergency", "police") or decision.catch_all


def _weekend_plan(tmp_path: Path, promise: str) -> Path:
    data = load_document(MINIMAL).data
    data["response_promise"] = {"within": promise, "source": {"section": "1"}}
    data["rules"] = [r for r in data["rules"] if r["id"] != "after-hours"]
    path = tmp_path / "weekend.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_weekday_only_receiver_breaks_a_24h_promise_and_names_the_window(tmp_path: Path) -> None:
    problems = [p for p in _problems(_weekend_plan(tmp_path, "PT24H")) if p.code == "BK602"]
    assert problems
    assert any("Fri 13:00 - Sun 08:00" in p.message for p in problems), [p.message for p in problems]
    assert all(p.severity.value == "error" for p in problems)


def test_a_long_enough_promise_is_kept(tmp_path: Path) -> None:
    # the longest closure of the test plan is Easter: Wednesday 15:00 to Tuesday 08:00
    assert not [p for p in _problems(_weekend_plan(tmp_path, "PT140H")) if p.code == "BK602"]


def test_validate_cli_reports_gap_counterexample_that_route_reproduces(tmp_path: Path, capsys: Any) -> None:
    from beredskab.cli import main

    code = main(["validate", "--lang", "en", str(MINIMAL), "--format", "json", "--as-of", "2026-11-22"])
    assert code == 1
    report = json.loads(capsys.readouterr().out)
    gaps = [p for p in report["problems"] if p["code"] == "BK401"]
    assert gaps and all(p["line"] >= 1 for p in gaps)
    concern = json.loads(gaps[0]["hint"].split("<<< '", 1)[1].rstrip("'"))
    assert beredskab.load_plan(MINIMAL).route(concern).catch_all


def test_time_dimension_present(minimal_plan: beredskab.Plan) -> None:
    space = _space(minimal_plan)
    assert TIME in space.dims and len(space.time_classes) >= 2
