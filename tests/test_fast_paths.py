"""The private pydantic speed paths (``routing/_fast.py``) give what pydantic's public API gives.

They lean on pydantic internals to keep ``route()`` cheap; a pydantic release that
changes those internals must fail here, in one place, rather than corrupt decisions.
"""

from __future__ import annotations

import datetime as dt

import pytest

import beredskab
from beredskab.routing._fast import construct, private_attr

AT = "2026-11-28T12:00:00+01:00"


def test_construct_equals_validation(plans: dict[str, beredskab.Plan]) -> None:
    for plan in plans.values():
        for age in (None, 9, 16, 40):
            decision = plan.route({"acute": False, "age": age, "received_at": AT})
            values = dict(decision.__dict__)
            built = construct(beredskab.Decision, values)
            assert built == beredskab.Decision.model_validate(decision.model_dump(by_alias=True))
            assert built.model_fields_set == set(beredskab.Decision.model_fields)
            assert built.model_dump(mode="json") == decision.model_dump(mode="json")
            # what a caller does with a decision works on a constructed one
            assert beredskab.Decision.model_validate_json(built.model_dump_json()) == built


def test_constructed_models_stay_frozen(plans: dict[str, beredskab.Plan]) -> None:
    decision = plans["koege"].route({"acute": True, "age": 30, "received_at": AT})
    with pytest.raises(Exception, match="frozen"):
        decision.plan = "other"  # type: ignore[misc]
    with pytest.raises(Exception, match="frozen"):
        decision.next[0].actor = "other"  # type: ignore[misc]


def test_private_attr_reads_the_compiled_plan(plans: dict[str, beredskab.Plan]) -> None:
    plan = plans["herning"]
    assert private_attr(plan, "_compiled") is plan.compiled
    assert private_attr(plan, "no_such_attribute") is None


def test_a_plan_built_without_the_loader_compiles_on_first_route(plans: dict[str, beredskab.Plan]) -> None:
    loaded = plans["randers"]
    bare = beredskab.Plan.model_validate(loaded.model_dump(by_alias=True))
    assert private_attr(bare, "_compiled") is None
    concern = {"acute": False, "age": 16, "received_at": dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC).isoformat()}
    assert bare.route(concern) == loaded.route(concern)
    assert private_attr(bare, "_compiled") is not None


def test_plain_init_runs_only_for_direct_construction() -> None:
    # validated through model_validate, the error is the concern's own, not one wrapped by pydantic
    with pytest.raises(beredskab.ConcernError) as info:
        beredskab.Concern.model_validate({"acute": True})
    assert [p.field for p in info.value.problems] == ["received_at"]
    with pytest.raises(beredskab.ConcernError) as info:
        beredskab.Concern(acute=True)  # type: ignore[call-arg]
    assert [p.field for p in info.value.problems] == ["received_at"]
