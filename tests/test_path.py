"""The contract's ``path``: the course of a substantiated concern, findings kept as they accumulate."""

from __future__ import annotations

import pytest

import beredskab
from beredskab.cli import main
from conftest import EXAMPLE_FILES, SLUGS

AT = "2026-11-23T10:00:00+01:00"  # a Monday morning: every office open
COMPLETE = EXAMPLE_FILES / "valid" / "complete.yaml"


@pytest.fixture(scope="module")
def complete() -> beredskab.Plan:
    return beredskab.load_plan(COMPLETE)


def _path(plan: beredskab.Plan, **concern: object) -> list[str]:
    return plan.route({"acute": False, "received_at": AT, **concern}).path


def test_the_ordinary_course_assumes_a_substantiated_concern(complete: beredskab.Plan) -> None:
    # the adult reaches counselling: relevant and consenting unless the concern says otherwise
    assert _path(complete, age=30) == ["infohus_assessment", "visitation", "follow_up"]
    assert _path(complete, age=10) == ["visitation", "follow_up"]


def test_established_findings_are_kept(complete: beredskab.Plan) -> None:
    assert _path(complete, age=30, step="infohus_assessment", findings={"relevant": False}) == ["closed"]
    no_consent = {"consent": False}
    assert _path(complete, age=30, step="infohus_assessment", findings=no_consent) == ["visitation", "closed"]


def test_findings_are_cumulative_across_steps(complete: beredskab.Plan) -> None:
    # consent given at the assessment still holds at visitation, and decides there
    d = complete.route(
        {"acute": False, "age": 30, "received_at": AT, "step": "visitation", "findings": {"consent": True}}
    )
    assert d.rules == ["adult-counselling"] and d.path == ["follow_up"]
    d = complete.route(
        {"acute": False, "age": 30, "received_at": AT, "step": "visitation", "findings": {"consent": False}}
    )
    assert d.rules == ["visitation-other"] and d.path == ["closed"]


@pytest.mark.parametrize("slug", SLUGS)
def test_no_ordinary_course_of_a_shipped_plan_closes_before_the_measures(
    plans: dict[str, beredskab.Plan], slug: str
) -> None:
    """A worried person is never shown a course that closes the case before the plan's measures.

    Every shipped plan refers a substantiated concern at ``visitation`` to the authority
    that acts; a course may end in closure only after a step beyond it (the measures,
    the follow-up), never at or before the referral.
    """
    plan = plans[slug]
    for band in plan.age_bands.values():
        if band.unknown or band.min is None:
            continue
        for reporter in ("citizen", "professional", "relative"):
            for at in (AT, "2026-11-28T12:00:00+01:00"):  # a weekday morning and a Saturday
                d = plan.route({"acute": False, "age": band.min, "reporter": reporter, "received_at": at})
                where = (band.label, reporter, at, d.path)
                assert "visitation" in d.path, where
                if plan.steps[d.path[-1]].terminal == "closed":
                    assert len(d.path) - d.path.index("visitation") >= 3, where


def test_the_text_output_labels_the_path(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["route", str(COMPLETE), "--not-acute", "--age", "30", "--at", AT, "--format", "text", "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 0
    line = next(x for x in out.splitlines() if x.startswith("PATH:"))
    assert line.endswith("(expected course if the concern is substantiated)")
