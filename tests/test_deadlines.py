"""Deadlines nobody can keep are said: in the answer, and by the check BK605 (issue 18).

København's unit must act within 24 wall-clock hours on a high-severity concern, but it is
closed at weekends and on public holidays: a Friday concern is due on Saturday, and a
concern received the day before Skærtorsdag is due before the unit reopens after Easter.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest

import beredskab
from beredskab import Severity
from conftest import EXAMPLE_FILES

AS_OF = dt.date(2026, 11, 22)
COMPLETE = EXAMPLE_FILES / "valid" / "complete.yaml"
POLICE_DONE = """    when: {step: police_assessment}
    next: [{actor: infohus, step: infohus_assessment}]"""


def _kbh(plans: dict[str, beredskab.Plan], at: str, lang: str) -> beredskab.Decision:
    concern = {
        "received_at": at,
        "acute": False,
        "age": 16,
        "reporter": "professional",
        "step": "intake",
        "topic": "radicalisation",
        "severity": "high",
    }
    return plans["kbh"].route(concern, lang=lang)


def test_a_deadline_on_a_closed_day_says_when_the_last_chance_ends(plans: dict[str, beredskab.Plan]) -> None:
    decision = _kbh(plans, "2026-12-04T10:00:00+01:00", "en")  # a Friday
    unit = decision.next[0]
    assert unit.act_by is not None and unit.act_by.weekday() == 5  # due on Saturday
    said = [line for line in decision.explanation if "falls on a day" in line]
    assert len(said) == 1
    assert "Fri 04.12.2026 13:00" in said[0]  # the unit's last open hour before it (assumed hours)
    danish = _kbh(plans, "2026-12-04T10:00:00+01:00", "da").explanation
    assert any("falder på en dag, hvor" in line and "fre 04.12.2026 kl. 13.00" in line for line in danish)


def test_a_deadline_before_anyone_can_act_is_said_and_not_as_a_closed_day(plans: dict[str, beredskab.Plan]) -> None:
    decision = _kbh(plans, "2027-03-24T15:00:00+01:00", "en")  # the day before Skærtorsdag
    unit = decision.next[0]
    assert unit.act_by is not None and unit.act_by < unit.available_from
    assert any("passes before" in line for line in decision.explanation)
    assert not any("falls on a day" in line for line in decision.explanation)


def test_a_deadline_on_an_open_day_says_nothing_more(plans: dict[str, beredskab.Plan]) -> None:
    decision = _kbh(plans, "2026-12-01T10:00:00+01:00", "en")  # Tuesday, due Wednesday 10:00
    assert not any("deadline" in line.lower() and "day" in line for line in decision.explanation)


def _validate(text: str) -> list[beredskab.Problem]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.yaml"
        path.write_text(text, encoding="utf-8")
        report = beredskab.validate([path], as_of=AS_OF, lang="en")
    assert report.plans, [p.format() for p in report.problems]
    return [p for p in report.problems if p.code == "BK605"]


def _with_deadline(deadline: str, escalation: str = "") -> str:
    text = COMPLETE.read_text(encoding="utf-8")
    assert text.count(POLICE_DONE) == 1
    action = f"{{actor: infohus, step: infohus_assessment, deadline: {deadline}{escalation}}}"
    return text.replace(POLICE_DONE, f"    when: {{step: police_assessment}}\n    next:\n      - {action}")


def test_the_check_warns_with_the_worst_moment_and_informs_of_a_closed_day() -> None:
    found = _validate(_with_deadline('{within: PT24H, source: {section: "4"}}'))
    warning = [p for p in found if p.severity is Severity.WARNING]
    info = [p for p in found if p.severity is Severity.INFO]
    assert len(warning) == 1 and len(info) == 1
    # the worst moment of the year scanned: before Easter, the office reopens only on Tuesday
    assert "Wed 2027-03-24 15:00" in warning[0].message and "Tue 2027-03-30 08:00" in warning[0].message
    assert "Sat" in info[0].message


def test_a_deadline_counted_in_open_hours_is_never_out_of_reach() -> None:
    assert _validate(_with_deadline('{within: PT8H, clock: opening_hours, source: {section: "4"}}')) == []


def test_an_escalation_when_the_deadline_passes_makes_it_information() -> None:
    escalation = ', escalation: [{"on": deadline_passed, actor: national_hotline, source: {section: "4"}}]'
    found = _validate(_with_deadline('{within: PT24H, source: {section: "4"}}', escalation))
    assert found and all(p.severity is Severity.INFO for p in found)
    assert any("takes the concern meanwhile" in p.message for p in found)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_check_speaks_the_validation_language(lang: str) -> None:
    path = EXAMPLE_FILES / "checks" / "BK605-deadline-out-of-reach.yaml"
    problems = [p for p in beredskab.validate([path], as_of=AS_OF, lang=lang).problems if p.code == "BK605"]
    assert len(problems) == 2
    danish = any("fristen" in p.message.lower() for p in problems)
    assert danish == (lang == "da")
