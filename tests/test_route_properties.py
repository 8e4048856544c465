"""Properties of routing over random concerns on all five plans (hypothesis)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import beredskab
from beredskab import ConcernError
from conftest import PLANS, SLUGS

PLANS_BY_SLUG = beredskab.load_plans(PLANS)
ALL_STEPS = sorted({s for p in PLANS_BY_SLUG.values() for s in p.steps} | {"bogus"})

moments = st.datetimes(
    min_value=dt.datetime(2024, 1, 1),
    max_value=dt.datetime(2030, 12, 31),
    timezones=st.sampled_from(
        [
            dt.UTC,
            dt.timezone(dt.timedelta(hours=1)),
            dt.timezone(dt.timedelta(hours=2)),
            dt.timezone(dt.timedelta(hours=-5)),
        ]
    ),
)
tri = st.sampled_from([True, False, None])


@st.composite
def concerns(draw: st.DrawFn) -> dict[str, Any]:
    c: dict[str, Any] = {
        "received_at": draw(moments).isoformat(),
        "acute": draw(st.booleans()),
    }
    if draw(st.booleans()):
        c["age"] = draw(st.one_of(st.none(), st.integers(0, 130)))
    if draw(st.booleans()):
        c["reporter"] = draw(st.sampled_from(["professional", "citizen", "relative", "police", "hotline"]))
    if draw(st.booleans()):
        c["step"] = draw(st.sampled_from(ALL_STEPS))
    findings = {
        k: draw(tri)
        for k in draw(
            st.sets(
                st.sampled_from(["ready_to_act", "security_threat", "relevant", "psychiatric", "in_custody", "consent"])
            )
        )
    }
    if findings:
        c["findings"] = findings
    if draw(st.booleans()):
        c["severity"] = draw(st.sampled_from(["high", "medium", "low", None]))
    if draw(st.booleans()):
        c["topic"] = draw(st.sampled_from(["radicalisation", "school_shooting", "negative_social_control"]))
    return c


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(slug=st.sampled_from(SLUGS), concern=concerns())
def test_every_concern_gets_an_answer_or_a_concern_error(slug: str, concern: dict[str, Any]) -> None:
    plan = PLANS_BY_SLUG[slug]
    try:
        d = plan.route(concern)
    except ConcernError as exc:
        assert exc.field == "step" and concern.get("step") not in plan.steps
        return
    assert d.next, "route never answers 'nobody'"
    # decisions are built without re-validation on the hot path: they must still validate
    assert beredskab.Decision.model_validate(d.model_dump(by_alias=True)) == d
    assert beredskab.Decision.model_validate_json(d.model_dump_json(by_alias=True)).model_dump(
        mode="json"
    ) == d.model_dump(mode="json")
    received = dt.datetime.fromisoformat(concern["received_at"])
    actors = plan.compiled.actors
    for a in d.next + d.notify:
        assert a.actor in actors
        assert a.available_from >= received
        schedule = plan.compiled.schedules[actors[a.actor].schedule]
        assert schedule.is_open(a.available_from), f"{a.actor} presented as available while closed"
        if a.available_from > received:
            assert not schedule.is_open(received)
        if a.act_by is not None:
            assert a.act_by > received
    assert (d.path and plan.steps[d.path[-1]].terminal is not None) or d.path[-1] in plan.steps


@SETTINGS
@given(slug=st.sampled_from(SLUGS), concern=concerns())
def test_same_concern_same_decision(slug: str, concern: dict[str, Any]) -> None:
    plan = PLANS_BY_SLUG[slug]
    try:
        first = plan.route(concern)
    except ConcernError:
        return
    assert plan.route(concern) == first
    assert PLANS_BY_SLUG[slug].route(dict(concern)).model_dump(mode="json") == first.model_dump(mode="json")


@SETTINGS
@given(slug=st.sampled_from(SLUGS), concern=concerns())
def test_acute_at_intake_reaches_police_or_112_immediately(slug: str, concern: dict[str, Any]) -> None:
    concern = dict(concern, acute=True, step="intake")
    d = PLANS_BY_SLUG[slug].route(concern)
    first = d.next[0]
    assert first.kind.value in ("emergency", "police")
    assert first.available_from == dt.datetime.fromisoformat(concern["received_at"])


@SETTINGS
@given(slug=st.sampled_from(SLUGS), concern=concerns())
def test_engine_fires_the_first_matching_rule(slug: str, concern: dict[str, Any]) -> None:
    plan = PLANS_BY_SLUG[slug]
    try:
        c = beredskab.Concern.model_validate(concern)
    except Exception:
        return
    if c.step not in plan.steps:
        return
    facts = plan.compiled.facts(c)
    assert plan.compiled.engine.fire(facts) == plan.compiled.first_match(facts)


@settings(max_examples=5, deadline=None)
@given(batch=st.lists(st.tuples(st.sampled_from(SLUGS), concerns()), min_size=40, max_size=40))
def test_eight_threads_route_like_one(batch: list[tuple[str, dict[str, Any]]]) -> None:
    def run(item: tuple[str, dict[str, Any]]) -> Any:
        slug, concern = item
        try:
            return PLANS_BY_SLUG[slug].route(concern).model_dump(mode="json")
        except ConcernError as exc:
            return ("error", exc.field)

    expected = [run(item) for item in batch]
    got: list[Any] = [None] * len(batch)

    def worker(k: int) -> None:
        for i in range(k, len(batch), 8):
            got[i] = run(batch[i])

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == expected
