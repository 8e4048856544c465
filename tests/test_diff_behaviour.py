"""The behavioural diff: concerns two plans route differently, as few regions with witnesses that reproduce."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pydantic
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import beredskab
from beredskab.audit.behaviour import MAX_REGIONS, _regions, behavioural_diff, project
from beredskab.plan import compile_plan
from beredskab.routing.calendar import wall_moment
from beredskab.spec.model import parse_duration
from beredskab.spec.vocabulary import FINDINGS, Reporter, Topic

# a Saturday: the first moments of the time classes fall on a weekend, as the contract's example does
AS_OF = dt.date(2026, 11, 28)
SATURDAY_16 = {"acute": False, "age": 16, "received_at": "2026-11-28T12:00:00+01:00"}


def _differs(a: beredskab.Plan, b: beredskab.Plan, concern: dict[str, Any], by: Any) -> bool:
    c = beredskab.Concern.model_validate(concern)
    return project(a.route(c), c.received_at, by) != project(b.route(c), c.received_at, by)


def _hours(iso: str) -> float:
    """``PT44H30M`` -> 44.5 (the module writes hours, minutes and seconds only)."""
    assert iso.startswith("PT"), iso
    total, number = 0.0, ""
    for ch in iso[2:]:
        if ch.isdigit():
            number += ch
        else:
            total += int(number) * {"H": 1, "M": 1 / 60, "S": 1 / 3600}[ch]
            number = ""
    return total


# --- the shipped plans ----------------------------------------------------------------------


@pytest.mark.parametrize("by", ["actor", "role"])
def test_a_plan_against_itself_differs_nowhere(plans: dict[str, beredskab.Plan], by: Any) -> None:
    result = behavioural_diff(plans["koege"], plans["koege"], by=by, as_of=AS_OF)
    assert result.differing == 0
    assert result.regions == []
    assert result.situations > 0


def test_minimal_plan_against_itself(minimal_plan: beredskab.Plan) -> None:
    result = behavioural_diff(minimal_plan, minimal_plan, by="actor", as_of=AS_OF)
    assert (result.differing, result.regions) == (0, [])


def test_koege_and_randers_on_a_saturday(plans: dict[str, beredskab.Plan]) -> None:
    """Køge's children's services act from Monday; Randers sends the concern to the national hotline now."""
    koege, randers = plans["koege"], plans["randers"]
    # (the region is small: since the plans' round-3 fixes it is no longer among the 50 largest the
    # diff lists, so it is found in the full partition below)
    # the same holds for a real 16-year-old at Saturday noon, and that concern lies in a listed region's box
    a, b = koege.route(SATURDAY_16), randers.route(SATURDAY_16)
    assert a.next[0].kind == "children_services"
    assert a.next[0].available_from - a.received_at >= dt.timedelta(hours=44)
    assert [(x.kind, x.available_from) for x in b.next] == [("national_hotline", b.received_at)]
    space, regions = _regions(koege, randers, "role", AS_OF)
    point = space.assignment_of(SATURDAY_16)
    assert point is not None
    (inside,) = [r for r in regions if r.contains(point)]
    assert inside.differs


PAIRS = [
    ("koege", "randers", "role"),
    ("koege", "herning", "role"),
    ("kbh", "broendby", "role"),
    ("kbh", "koege", "actor"),
]


@pytest.mark.parametrize(("x", "y", "by"), PAIRS)
def test_every_witness_routes_differently(plans: dict[str, beredskab.Plan], x: str, y: str, by: Any) -> None:
    a, b = plans[x], plans[y]
    result = behavioural_diff(a, b, by=by, as_of=AS_OF)
    assert 0 < len(result.regions) <= MAX_REGIONS
    assert sum(r.situations for r in result.regions) <= result.differing <= result.situations
    sizes = [r.situations for r in result.regions]
    assert sizes == sorted(sizes, reverse=True)
    for region in result.regions:
        assert _differs(a, b, region.witness, by), region.summary
        # the answers shown are the witness's
        assert region.a.rules == a.route(region.witness).rules
        assert region.b.rules == b.route(region.witness).rules


@pytest.mark.parametrize(("x", "y", "by"), PAIRS[:2])
def test_final_regions_partition_the_joint_space(plans: dict[str, beredskab.Plan], x: str, y: str, by: Any) -> None:
    space, regions = _regions(plans[x], plans[y], by, AS_OF)
    assert sum(space.size({k: frozenset([v]) for k, v in r.assign.items()}) for r in regions) == space.total()
    result = behavioural_diff(plans[x], plans[y], by=by, as_of=AS_OF)
    assert result.situations == space.total()
    assert result.differing == sum(
        space.size({k: frozenset([v]) for k, v in r.assign.items()}) for r in regions if r.differs
    )


def test_the_partition_does_not_enumerate_the_space(plans: dict[str, beredskab.Plan]) -> None:
    space, regions = _regions(plans["koege"], plans["randers"], "role", AS_OF)
    product = 1
    for values in space.dims.values():
        product *= len(values)
    assert len(regions) * 20 < product


# --- one random mutation ----------------------------------------------------------------


def _mutations(data: dict[str, Any]) -> list[str]:
    kinds = ["swap", "retarget", "phone"]
    if len(data["rules"]) > 1:
        kinds.append("drop")
    if _deadlines(data):
        kinds.append("deadline")
    if len([b for b in data["age_bands"].values() if not b.get("unknown")]) > 1:
        kinds.append("band")
    return kinds


def _deadlines(data: dict[str, Any]) -> list[dict[str, Any]]:
    actions = [a for r in [*data["rules"], data["catch_all"]] for a in [*r["next"], *r.get("notify", [])]]
    return [a["deadline"] for a in actions if a.get("deadline")]


def _mutate(plan: beredskab.Plan, kind: str, draw: Any) -> dict[str, Any]:
    data = copy.deepcopy(plan.model_dump(by_alias=True, exclude_unset=True))
    rules = data["rules"]
    if kind == "drop":
        del rules[draw(st.integers(0, len(rules) - 1))]
    elif kind == "swap":
        i = draw(st.integers(0, len(rules) - 2))
        rules[i], rules[i + 1] = rules[i + 1], rules[i]
    elif kind == "retarget":
        rule = rules[draw(st.integers(0, len(rules) - 1))]
        actors = sorted(plan.compiled.actors)
        others = [x for x in actors if x != rule["next"][0]["actor"]]
        rule["next"][0]["actor"] = draw(st.sampled_from(others))
    elif kind == "deadline":
        deadline = draw(st.sampled_from(_deadlines(data)))
        key = "within" if deadline.get("within") else draw(st.sampled_from(sorted(deadline["by_severity"])))
        holder = deadline if key == "within" else deadline["by_severity"]
        unit, n = parse_duration(holder[key])
        m = draw(st.integers(1, 100).filter(lambda v: v != n))
        holder[key] = {"hours": f"PT{m}H", "days": f"P{m}D", "months": f"P{m}M"}[unit]
    elif kind == "band":
        bands = sorted((b for b in data["age_bands"].values() if not b.get("unknown")), key=lambda b: b["min"])
        i = draw(st.integers(0, len(bands) - 2))
        lower, upper = bands[i], bands[i + 1]
        cut = draw(st.integers(lower["min"], upper["max"] - 1).filter(lambda c: c != lower["max"]))
        lower["max"], upper["min"] = cut, cut + 1
    else:  # phone
        phones = [c for a in data["actors"].values() for c in a.get("contacts", []) if c["channel"] == "phone"]
        assume(phones)
        draw(st.sampled_from(phones))["value"] = draw(st.from_regex(r"[2-9]\d{7}", fullmatch=True))
    return data


def _concerns(steps: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    def build(day: int, minute: int, rest: dict[str, Any], findings: dict[str, bool | None]) -> dict[str, Any]:
        concern = {"received_at": wall_moment(AS_OF + dt.timedelta(days=day), minute).isoformat(), **rest}
        concern["findings"] = {k: v for k, v in findings.items() if v is not None}
        return {k: v for k, v in concern.items() if v is not None}

    return st.builds(
        build,
        st.integers(0, 399),
        st.integers(0, 24 * 60 - 1),
        st.fixed_dictionaries(
            {
                "acute": st.booleans(),
                "age": st.none() | st.integers(0, 130),
                "reporter": st.sampled_from([r.value for r in Reporter]),
                "step": st.sampled_from(steps),
                "topic": st.sampled_from([t.value for t in Topic]),
                "severity": st.sampled_from([None, "high", "medium", "low"]),
            }
        ),
        st.fixed_dictionaries({name: st.sampled_from([None, True, False]) for name in FINDINGS}),
    )


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_single_mutation_is_found_where_it_matters(plans: dict[str, beredskab.Plan], data: st.DataObject) -> None:
    original = plans[data.draw(st.sampled_from(["koege", "herning", "randers", "kbh", "broendby"]))]
    kind = data.draw(st.sampled_from(_mutations(original.model_dump(by_alias=True, exclude_unset=True))))
    changed = _mutate(original, kind, data.draw)
    try:
        mutated = compile_plan(beredskab.Plan.model_validate(changed))
    except (beredskab.PlanError, pydantic.ValidationError):
        assume(False)
        raise  # unreachable: assume(False) raises
    # the diff is never empty: every mutation changes the structure, if not the routing
    whole = beredskab.diff(original, mutated, as_of=AS_OF)
    assert not whole.same and whole.structural, kind
    result = whole.behavioural
    assert result == behavioural_diff(original, mutated, by="actor", as_of=AS_OF)
    for region in result.regions:
        assert _differs(original, mutated, region.witness, "actor"), region.summary
    space, regions = _regions(original, mutated, "actor", AS_OF)
    assert result.differing == sum(
        space.size({k: frozenset([v]) for k, v in r.assign.items()}) for r in regions if r.differs
    )
    for concern in data.draw(st.lists(_concerns(list(original.steps)), min_size=20, max_size=20)):
        if not _differs(original, mutated, concern, "actor"):
            continue
        point = space.assignment_of(concern)
        assert point is not None, concern
        assert any(r.differs and r.contains(point) for r in regions), (kind, concern)


def test_a_retargeted_rule_is_a_region(plans: dict[str, beredskab.Plan]) -> None:
    """Deterministic twin of the property: Køge's first rule sent to another actor differs exactly there."""
    koege = plans["koege"]
    data = copy.deepcopy(koege.model_dump(by_alias=True, exclude_unset=True))
    data["rules"][0]["next"][0]["actor"] = "mvs_politi"
    mutated = compile_plan(beredskab.Plan.model_validate(data))
    result = behavioural_diff(koege, mutated, by="actor", as_of=AS_OF)
    assert result.differing > 0
    rule = koege.rules[0].id
    assert all(r.a.rules == [rule] and r.b.rules == [rule] for r in result.regions)
