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


def test_the_cut_closed_line_is_the_formatted_one() -> None:
    from beredskab.routing.router import _CLOSED, _cut

    name = "Team {a} % {{b}}"  # a plan's name is text, never a template
    for template in (_CLOSED, "{name} har lukket {at}; kan handle fra {available}."):
        cut = _cut(template, {"name": name})
        assert cut is not None
        at, available = "tir 24.11.2026 kl. 20.00", "ons 25.11.2026 kl. 08.00"
        assert cut[0] + at + cut[1] + available + cut[2] == template.format(name=name, at=at, available=available)
    # a catalog that names the times the other way round, or formats them, keeps str.format
    assert _cut("{name}: from {available}, closed at {at}", {"name": name}) is None
    assert _cut("{name} closed at {at!r}; from {available}", {"name": name}) is None
    assert _cut("{name} closed at {at}", {"name": name}) is None


def test_a_closed_actors_line_in_both_languages(plans: dict[str, beredskab.Plan]) -> None:
    from beredskab._i18n import moment_words, translator
    from beredskab.routing.router import _CLOSED

    for lang in ("da", "en"):
        decision = plans["koege"].route(
            {"acute": False, "age": 30, "received_at": "2026-11-23T20:00:00+01:00"}, lang=lang
        )
        first = decision.next[0]
        assert first.available_from > decision.received_at
        expected = translator(lang, "decision")(_CLOSED).format(
            name=first.name,
            at=moment_words(decision.received_at, lang),
            available=moment_words(first.available_from, lang),
        )
        assert expected in decision.explanation


def test_the_routers_openings_are_the_calendars(plans: dict[str, beredskab.Plan]) -> None:
    """``_Openings.after`` (wall minutes on steady days) against ``next_opening``, the clock changes included."""
    from beredskab.routing.calendar import ZONE
    from beredskab.routing.router import _Openings

    days = [dt.date(2026, 3, 29), dt.date(2026, 10, 25), dt.date(2026, 3, 28), dt.date(2026, 12, 24)]
    days += [dt.date(2026, 11, 23) + dt.timedelta(days=i) for i in range(7)]
    asked = 0
    for plan in plans.values():
        for schedule in plan.compiled.schedules.values():
            if schedule.always:
                continue
            for day in days:
                openings = _Openings(schedule, day)
                midnight = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) - dt.timedelta(hours=2)
                for step in range(0, 26 * 60, 7):  # every instant of the local day, both 02:xx in autumn
                    at = (midnight + dt.timedelta(minutes=step, seconds=step % 60)).astimezone(ZONE)
                    if at.date() != day or schedule.is_open(at):
                        continue
                    assert openings.after(at, at.hour * 60 + at.minute) == schedule.next_opening(at), (schedule.id, at)
                    asked += 1
    assert asked > 1000
