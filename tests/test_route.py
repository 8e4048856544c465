"""Plan.route against the contract, field by field, on the shipped plans and a small test plan."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import beredskab
from beredskab import Concern, ConcernError, Decision
from conftest import EXAMPLE_FILES

AT = "2026-11-23T10:00:00+01:00"  # a Monday morning
ACTION_FIELDS = {"step", "actor", "name", "kind", "contacts", "available_from", "act_by"}
DECISION_FIELDS = {"plan", "next", "notify", "rules", "legal_basis", "sources", "path", "explanation"}
KINDS = {k.value for k in beredskab.ActorKind}


def test_decision_has_every_contract_field(plans: dict[str, beredskab.Plan]) -> None:
    for slug, plan in plans.items():
        d = plan.route({"acute": False, "age": 25, "received_at": AT})
        assert isinstance(d, Decision)
        data = d.model_dump(mode="json")
        json.dumps(data)  # plain JSON
        assert set(data) >= DECISION_FIELDS
        assert data["plan"] == slug
        for action in data["next"] + data["notify"]:
            assert set(action) >= ACTION_FIELDS
            assert action["kind"] in KINDS
            for c in action["contacts"]:
                assert set(c) >= {"channel", "value"}
                assert c["channel"] in {"phone", "email", "web", "meeting", "post"}
            dt.datetime.fromisoformat(action["available_from"])
        assert data["rules"] and data["explanation"] and data["path"]
        assert all(isinstance(s, dict) and s["rule"] in data["rules"] for s in data["sources"])


def test_dict_and_concern_give_the_same_decision(plans: dict[str, beredskab.Plan]) -> None:
    event = {"acute": False, "age": 16, "received_at": AT, "reporter": "professional"}
    plan = plans["randers"]
    assert plan.route(event) == plan.route(Concern.model_validate(event))


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"acute": False, "received_at": "2026-11-23T10:00:00"}, "received_at"),
        ({"acute": False}, "received_at"),
        ({"received_at": AT}, "acute"),
        ({"acute": "yes", "received_at": AT}, "acute"),
        ({"acute": False, "received_at": AT, "age": 131}, "age"),
        ({"acute": False, "received_at": AT, "age": -1}, "age"),
        ({"acute": False, "received_at": AT, "age": "17"}, "age"),
        ({"acute": False, "received_at": AT, "age": True}, "age"),
        ({"acute": False, "received_at": AT, "reporter": "teacher"}, "reporter"),
        ({"acute": False, "received_at": AT, "severity": "urgent"}, "severity"),
        ({"acute": False, "received_at": AT, "topic": "terror"}, "topic"),
        ({"acute": False, "received_at": AT, "step": "nowhere"}, "step"),
        # an unknown key is never named (it could be a name or a CPR number): the error is on
        # the object that holds it
        ({"acute": False, "received_at": AT, "name": "Hans Hansen"}, "concern"),
        ({"acute": False, "received_at": AT, "cpr": "010101-1234"}, "concern"),
        ({"acute": False, "received_at": AT, "note": "free text"}, "concern"),
        ({"acute": False, "received_at": AT, "findings": {"ready": True}}, "findings"),
        ({"acute": False, "received_at": AT, "findings": {"consent": "maybe"}}, "findings.consent"),
    ],
)
def test_bad_concerns_raise_concern_error_naming_the_field(
    plans: dict[str, beredskab.Plan], event: dict[str, object], field: str
) -> None:
    with pytest.raises(ConcernError) as info:
        plans["koege"].route(event)
    assert info.value.field == field
    assert field in str(info.value)


def test_concern_error_never_echoes_personal_values(plans: dict[str, beredskab.Plan]) -> None:
    with pytest.raises(ConcernError) as info:
        plans["koege"].route({"acute": False, "received_at": AT, "name": "Hans Hansen"})
    assert "Hans" not in str(info.value)


def test_misspelt_values_get_a_suggestion(plans: dict[str, beredskab.Plan]) -> None:
    with pytest.raises(ConcernError) as info:
        plans["koege"].route({"acute": False, "received_at": AT, "reporter": "profesional"})
    assert info.value.suggestion == "professional"
    with pytest.raises(ConcernError) as info:
        plans["koege"].route({"acute": False, "received_at": AT, "step": "visitaton"})
    assert info.value.suggestion == "visitation"


@pytest.mark.parametrize("at", ["2026-11-23T03:00:00+01:00", "2026-12-25T12:00:00+01:00", "2027-07-04T23:59:00+02:00"])
def test_acute_reaches_112_at_once_in_every_plan(plans: dict[str, beredskab.Plan], at: str) -> None:
    for plan in plans.values():
        d = plan.route({"acute": True, "age": 17, "received_at": at})
        first = d.next[0]
        assert first.actor == "alarm_112" and first.kind.value == "emergency"
        assert first.available_from == dt.datetime.fromisoformat(at)
        assert [c.value for c in first.contacts] == ["112"]


def test_closed_actor_is_presented_from_its_next_opening(minimal_plan: beredskab.Plan) -> None:
    # Friday 2026-12-25 (Christmas Day) 11:00: closed; Sat/Sun closed; Mon 28th opens 08:00
    d = minimal_plan.route({"acute": False, "age": 30, "received_at": "2026-12-25T11:00:00+01:00"})
    infohus = d.next[0]
    assert infohus.actor == "infohus"
    assert infohus.available_from == dt.datetime.fromisoformat("2026-12-28T08:00:00+01:00")
    assert any(
        "closed" in line
        for line in minimal_plan.route(
            d.received_at and {"acute": False, "age": 30, "received_at": "2026-12-25T11:00:00+01:00"}, lang="en"
        ).explanation
    )
    # Danish by default: the router's own sentence, with a Danish time
    assert any("har lukket fre 25.12.2026 kl. 11.00" in line for line in d.explanation)


def test_open_actor_is_available_at_received_at(minimal_plan: beredskab.Plan) -> None:
    d = minimal_plan.route({"acute": False, "age": 30, "received_at": AT})
    assert d.next[0].available_from == dt.datetime.fromisoformat(AT)


def test_plan_closing_day_and_afternoon(minimal_plan: beredskab.Plan) -> None:
    # 24 December is the test plan's own closing day; Grundlovsdag closes from 12:00
    d = minimal_plan.route({"acute": True, "age": 30, "received_at": "2026-12-24T10:00:00+01:00"})
    assert d.notify[0].available_from == dt.datetime.fromisoformat("2026-12-28T08:00:00+01:00")
    d = minimal_plan.route({"acute": True, "age": 30, "received_at": "2026-06-05T11:00:00+02:00"})
    assert d.notify[0].available_from == dt.datetime.fromisoformat("2026-06-05T11:00:00+02:00")
    d = minimal_plan.route({"acute": True, "age": 30, "received_at": "2026-06-05T12:30:00+02:00"})
    assert d.notify[0].available_from == dt.datetime.fromisoformat("2026-06-08T08:00:00+02:00")


def test_escalation_when_closed(minimal_plan: beredskab.Plan) -> None:
    d = minimal_plan.route({"acute": False, "age": 30, "received_at": "2026-11-23T20:00:00+01:00"})
    assert [a.actor for a in d.next] == ["infohus", "national_hotline"]
    assert [a.role for a in d.next] == ["primary", "escalation"]
    # the hotline is open daily until 22:00
    assert d.next[1].available_from == dt.datetime.fromisoformat("2026-11-23T20:00:00+01:00")


@pytest.mark.parametrize(("severity", "hours"), [("high", 24), ("medium", 48), ("low", 72)])
def test_deadline_by_severity(minimal_plan: beredskab.Plan, severity: str, hours: int) -> None:
    d = minimal_plan.route({"acute": False, "age": 30, "received_at": AT, "severity": severity})
    assert d.next[0].act_by == dt.datetime.fromisoformat(AT) + dt.timedelta(hours=hours)


def test_no_severity_no_unknown_entry_means_no_deadline(minimal_plan: beredskab.Plan) -> None:
    d = minimal_plan.route({"acute": False, "age": 30, "received_at": AT})
    assert d.next[0].act_by is None


def test_kbh_visitation_deadline_by_severity(plans: dict[str, beredskab.Plan]) -> None:
    kbh = plans["kbh"]
    for severity, hours in (("high", 24), ("medium", 48), ("low", 72)):
        d = kbh.route(
            {
                "acute": False,
                "age": 30,
                "received_at": AT,
                "step": "infohus_assessment",
                "findings": {"relevant": True},
                "severity": severity,
            }
        )
        assert d.next[0].step == "visitation"
        assert d.next[0].act_by == dt.datetime.fromisoformat(AT) + dt.timedelta(hours=hours)


def test_path_ends_at_a_terminal_step(plans: dict[str, beredskab.Plan]) -> None:
    for plan in plans.values():
        d = plan.route({"acute": False, "age": 30, "received_at": AT})
        assert d.path[0] == d.next[0].step
        assert plan.steps[d.path[-1]].terminal is not None


def test_decision_names_law_and_source(plans: dict[str, beredskab.Plan]) -> None:
    d = plans["koege"].route({"acute": False, "age": 16, "received_at": AT})
    assert "BL-underretning" in [lb.value for lb in d.legal_basis]
    assert d.sources[0].section and d.sources[0].quote


def test_decision_lists_the_assumptions_it_rests_on(plans: dict[str, beredskab.Plan]) -> None:
    d = plans["koege"].route({"acute": False, "age": 30, "received_at": "2026-11-23T20:00:00+01:00"})
    assert any("opening hours" in a or "åbningstid" in a for a in d.assumptions)


def test_route_is_deterministic(plans: dict[str, beredskab.Plan]) -> None:
    event = {"acute": False, "age": 40, "received_at": "2026-11-28T09:00:00+01:00"}
    for plan in plans.values():
        assert plan.route(event) == plan.route(event)


# --- privacy of errors: a ConcernError names fields, never what the caller sent --------------


def test_a_concern_built_directly_raises_concern_error() -> None:
    with pytest.raises(ConcernError) as info:
        Concern(acute="yes", received_at=AT)  # type: ignore[arg-type]
    assert info.value.field == "acute"
    assert "input_value" not in str(info.value)
    with pytest.raises(ConcernError):
        Concern.model_validate({"acute": True})
    with pytest.raises(ConcernError):
        Concern.model_validate_json('{"acute": true, "received_at": "not a time"}')
    assert Concern(acute=True, received_at=AT).acute is True


def test_every_bad_field_is_reported_at_once(plans: dict[str, beredskab.Plan]) -> None:
    event = {"acute": "maybe", "age": 200, "reporter": "teacher", "findings": {"consent": "yes"}}
    with pytest.raises(ConcernError) as info:
        plans["koege"].route(event)
    fields = [p.field for p in info.value.problems]
    assert fields == ["received_at", "acute", "age", "reporter", "findings.consent"]
    for field in fields:
        assert repr(field) in str(info.value)
    assert info.value.field == "received_at"


@pytest.mark.parametrize(
    "event",
    [
        {"acute": False, "received_at": AT, "step": "Ahmed Hansen"},
        {"acute": False, "received_at": AT, "reporter": "Ahmed Hansen"},
        {"acute": False, "received_at": AT, "age": "Ahmed Hansen"},
        {"acute": False, "received_at": AT, "Ahmed Hansen": True},
        {"acute": False, "received_at": AT, "findings": {"Ahmed Hansen": True}},
        {"acute": False, "received_at": "Ahmed Hansen"},
        {"acute": "Ahmed Hansen", "received_at": AT},
    ],
    ids=["step", "reporter", "age", "key", "finding-key", "received_at", "acute"],
)
def test_no_error_echoes_a_value_the_caller_sent(plans: dict[str, beredskab.Plan], event: dict[str, object]) -> None:
    with pytest.raises(ConcernError) as info:
        plans["koege"].route(event)
    text = str(info.value) + repr(info.value.problems)
    assert "Ahmed" not in text and "Hansen" not in text


def test_an_assumed_escalation_is_listed_among_the_assumptions(tmp_path: Path) -> None:
    source = EXAMPLE_FILES / "valid" / "minimal.yaml"
    cited = '{on: closed, actor: national_hotline, source: {section: "1"}}'
    assumed = "{on: closed, actor: national_hotline, assumed: true, note: The text names no stand-in.}"
    text = source.read_text(encoding="utf-8")
    assert text.count(cited) == 1
    evening = {"acute": False, "age": 30, "received_at": "2026-11-23T20:00:00+01:00"}  # Infohus closed
    before = beredskab.load_plan(source).route(evening)
    assert [a.role for a in before.next] == ["primary", "escalation"]
    assert not any("stand-in" in a for a in before.assumptions)
    f = tmp_path / "minimal.yaml"
    f.write_text(text.replace(cited, assumed), encoding="utf-8")
    after = beredskab.load_plan(f).route(evening, lang="en")
    assert any(
        a.startswith("escalation from ") and a.endswith("The text names no stand-in.") for a in after.assumptions
    )
