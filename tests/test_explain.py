"""route --explain: why the rules before the deciding one did not decide (issue 20; OPA's explain).

A plan's rules are first-match: an author asking "why did my rule not fire?" needs, for
every rule tried before the deciding one, the first part of its condition that did not
hold, named as the plan writes it. The trace says what the rule asked for, never what the
caller sent.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import beredskab
from beredskab.cli import main
from beredskab.cli.route import route_events
from beredskab.routing.conditions import first_failure
from conftest import SLUGS

CONCERN = {"received_at": "2026-11-23T10:00:00+01:00", "acute": False, "age": 47, "reporter": "professional"}


def test_without_explain_there_is_no_trace(plans: dict[str, beredskab.Plan]) -> None:
    decision = plans["koege"].route(CONCERN)
    assert decision.trace is None
    assert decision.model_dump(mode="json")["trace"] is None


def test_the_trace_names_each_rule_before_the_deciding_one(plans: dict[str, beredskab.Plan]) -> None:
    plan = plans["koege"]
    decision = plan.route(CONCERN, explain=True, lang="en")
    ids = [r.id for r in plan.rules]
    deciding = ids.index(decision.rules[0])
    assert decision.trace is not None
    assert [t.rule for t in decision.trace] == ids[:deciding]
    by_rule = {t.rule: t for t in decision.trace}
    assert by_rule["acute-inside-hours"].condition == "when.acute"
    assert by_rule["acute-inside-hours"].requires == ["true"]
    assert by_rule["under-18-underretning"].condition == "when.age_band"
    assert by_rule["under-18-underretning"].text == "rule under-18-underretning: when.age_band asks for under_18"
    # what the caller sent is never repeated: the age is 47, the trace speaks of bands
    assert not any("47" in t.text or "47" in t.requires for t in decision.trace)
    danish = plan.route(CONCERN, explain=True).trace
    assert danish is not None and danish[0].text == "reglen acute-inside-hours: when.acute kræver true"


def test_a_finding_and_an_alternative_are_named_as_the_plan_writes_them(plans: dict[str, beredskab.Plan]) -> None:
    plan = plans["kbh"]
    concern = {**CONCERN, "step": "infohus_assessment", "findings": {"relevant": False}}
    decision = plan.route(concern, explain=True, lang="en")
    assert decision.trace is not None
    conditions = {t.condition for t in decision.trace}
    assert any(c.startswith("when.findings.") for c in conditions), conditions


_EVENTS = st.fixed_dictionaries(
    {
        "received_at": st.sampled_from(
            ["2026-11-23T10:00:00+01:00", "2026-11-23T20:00:00+01:00", "2026-11-28T12:00:00+01:00"]
        ),
        "acute": st.booleans(),
        "age": st.one_of(st.none(), st.integers(0, 90)),
        "reporter": st.sampled_from(["professional", "citizen", "relative", "police", "hotline"]),
        "findings": st.fixed_dictionaries(
            {},
            optional={
                name: st.one_of(st.none(), st.booleans())
                for name in ("ready_to_act", "security_threat", "relevant", "consent")
            },
        ),
    }
)


@pytest.mark.parametrize("slug", SLUGS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(event=_EVENTS, step_pick=st.integers(0, 50))
def test_the_trace_agrees_with_the_engine(
    slug: str, plans: dict[str, beredskab.Plan], event: dict[str, Any], step_pick: int
) -> None:
    """Every rule the trace lists truly fails on the concern's facts, at the part it names, and
    the deciding rule is the first the trace does not list: the engine and the trace agree."""
    plan = plans[slug]
    steps = list(plan.steps)
    concern = {**event, "step": steps[step_pick % len(steps)]}
    decision = plan.route(concern, explain=True, lang="en")
    assert decision.trace is not None
    ids = [r.id for r in plan.rules]
    deciding = ids.index(decision.rules[0]) if decision.rules[0] in ids else len(ids)
    assert [t.rule for t in decision.trace] == ids[:deciding]
    compiled = plan.compiled
    facts = compiled.facts(beredskab.Concern.model_validate(concern))
    for entry, rule in zip(decision.trace, plan.rules, strict=False):
        failed = first_failure(rule.when, facts)
        assert failed is not None and failed[0] == entry.condition


def test_the_cli_prints_what_was_tried(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["route", "koege", "--not-acute", "--age", "30", "--reporter", "professional"]
    argv += ["--at", "2026-11-23T10:00+01:00", "--explain", "--format", "text"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    tried = out[out.index("PRØVET:") :].splitlines()
    assert tried[0].endswith("reglen acute-inside-hours: when.acute kræver true")
    assert any("when.age_band kræver under_18" in line for line in tried)
    assert main([*argv[:-2], "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["trace"][0]["rule"] == "acute-inside-hours"


def test_a_stream_can_be_explained_too(plans: dict[str, beredskab.Plan]) -> None:
    out = io.StringIO()
    line = json.dumps(CONCERN).encode()
    assert route_events(plans["koege"], io.BytesIO(line + b"\n"), out, "events.jsonl", "en", explain=True) == 0
    record = json.loads(out.getvalue())
    assert record["trace"] and record["trace"][0]["condition"] == "when.acute"
