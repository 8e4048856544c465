"""The plan authors' routing examples shipped beside each plan: they pass, and they cover the plan."""

from __future__ import annotations

import pytest

import beredskab
from beredskab import Concern
from beredskab.analysis.examples import load_examples, run_examples
from beredskab.routing.calendar import ZONE, is_public_holiday
from conftest import PLANS, SLUGS


@pytest.mark.parametrize("slug", SLUGS)
def test_examples_pass(slug: str, plans: dict[str, beredskab.Plan]) -> None:
    results = run_examples(PLANS / f"{slug}.examples.yaml", plans[slug])
    failures = [f"{r.name}: {r.failures}" for r in results if not r.passed]
    assert not failures, failures


@pytest.mark.parametrize("slug", SLUGS)
def test_examples_cover_the_plan(slug: str, plans: dict[str, beredskab.Plan]) -> None:
    plan = plans[slug]
    examples, _ = load_examples(PLANS / f"{slug}.examples.yaml")
    assert len(examples.examples) >= 15
    concerns = [Concern.model_validate(e.event) for e in examples.examples if e.expect.error_field is None]
    compiled = plan.compiled
    assert {c.acute for c in concerns} == {True, False}, "acute and not acute"
    assert {compiled.band_of(c.age) for c in concerns} == set(plan.age_bands), "every age band, unknown included"
    assert any(is_public_holiday(c.received_at.astimezone(ZONE).date()) for c in concerns), "a public holiday"
    municipal = compiled.schedules.get("municipal_hours")
    if municipal is not None:
        opens = {municipal.is_open(c.received_at) for c in concerns}
        assert opens == {True, False}, "inside and outside opening hours"
    later = {s for s, step in plan.steps.items() if step.terminal is None and s != "intake"}
    assert later <= {c.step for c in concerns}, (
        f"steps without an example: {sorted(later - {c.step for c in concerns})}"
    )
    assert all(e.source is not None or e.assumed for e in examples.examples), "each example cites the text"


@pytest.mark.parametrize("slug", SLUGS)
def test_every_rule_is_exercised_by_an_example(slug: str, plans: dict[str, beredskab.Plan]) -> None:
    results = run_examples(PLANS / f"{slug}.examples.yaml", plans[slug])
    fired = {rule for r in results if r.decision for rule in r.decision.rules}
    rules = {r.id for r in plans[slug].rules}
    missing = sorted(rules - fired)
    # not every rule needs its own example, but most should: a plan whose examples skip
    # half its rules does not show plan authors what the rules do
    assert len(missing) <= len(rules) // 3, f"rules no example reaches: {missing}"
