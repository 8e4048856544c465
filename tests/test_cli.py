"""The command line end to end: exit codes, output formats and messages of every subcommand.

Most cases call ``beredskab.cli.main`` in-process (fast); a few run ``python -m beredskab``
as a subprocess, where what matters is what a shell sees: the exit status, and that no
bad input ever ends in a Python traceback.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

import beredskab
from beredskab.spec.vocabulary import KIND_WORDS, ActorKind
from conftest import EXAMPLE_FILES, PLANS, REPO, Result, expected_problems

INVALID = sorted((EXAMPLE_FILES / "invalid").glob("*.yaml"))
MINIMAL = EXAMPLE_FILES / "valid" / "minimal.yaml"
CPH = ZoneInfo("Europe/Copenhagen")

# The contract's names (shared/contract.md): fields may be added, never dropped.
DECISION_FIELDS = {"plan", "next", "notify", "rules", "legal_basis", "sources", "path", "explanation"}
ACTION_FIELDS = {"step", "actor", "name", "kind", "contacts", "available_from", "act_by"}
CHANNELS = {"phone", "email", "web", "meeting", "post"}
KINDS = {
    "emergency",
    "police",
    "pet",
    "infohus",
    "coordination_unit",
    "coordinator",
    "ssp",
    "children_services",
    "adult_services",
    "employment",
    "youth_guidance",
    "psychiatry",
    "prison_probation",
    "national_hotline",
    "line_manager",
    "mentor",
    "parent_coach",
    "other",
}

MON_10 = "2026-11-23T10:00+01:00"  # Monday, offices open
MON_10_FULL = "2026-11-23T10:00:00+01:00"
MON_20 = "2026-11-23T20:00+01:00"  # Monday evening, offices closed
MON_20_FULL = "2026-11-23T20:00:00+01:00"


def _expected(path: Path) -> list[tuple[str, int, int, str | None]]:
    return expected_problems(path)


def _rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


@functools.cache
def _plan(path: str) -> beredskab.Plan:
    return beredskab.load_plan(REPO / path)


def decide(plan: str, event: dict[str, Any]) -> dict[str, Any]:
    """What the library decides, as the JSON the CLI should print (the oracle for ``route``)."""
    path = plan if plan.endswith(".yaml") else f"plans/{plan}.yaml"
    dumped: dict[str, Any] = _plan(path).route(event).model_dump(mode="json", by_alias=True)
    return dumped


@pytest.fixture(autouse=True)
def _repo_cwd(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository root (slugs resolve there), outside GitHub Actions."""
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def run_process(
    *argv: str, stdin: bytes | None = None, cwd: Path = REPO, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m beredskab ARGV`` as a shell would run it."""
    base = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    proc = subprocess.run(
        [sys.executable, "-m", "beredskab", *argv],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        cwd=cwd,
        env={**base, **(env or {})},
        timeout=120,
        check=False,
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    )


# --- route: the Decision ---------------------------------------------------------------


def _assert_aware(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    assert moment.tzinfo is not None and moment.utcoffset() is not None, f"{text} has no offset"
    return moment


def test_route_prints_a_contract_decision_as_json(cli: Callable[..., Result]) -> None:
    r = cli("route", "plans/koege.yaml", "--acute", "--age", "30", "--at", MON_10, "--reporter", "professional")
    assert (r.code, r.err) == (0, "")
    d = json.loads(r.out)
    assert d.keys() >= DECISION_FIELDS
    assert d["plan"] == "koege"
    assert d["next"], "an acute concern has someone who acts next"
    for action in d["next"] + d["notify"]:
        assert action.keys() >= ACTION_FIELDS
        assert action["kind"] in KINDS
        assert isinstance(action["step"], str) and isinstance(action["actor"], str) and action["name"]
        for contact in action["contacts"]:
            assert {"channel", "value"} <= contact.keys()
            assert contact["channel"] in CHANNELS
        _assert_aware(action["available_from"])
        if action["act_by"] is not None:
            _assert_aware(action["act_by"])
    assert d["rules"] and all(isinstance(x, str) for x in d["rules"])
    assert all(isinstance(x, str) for x in d["legal_basis"])
    assert {s["rule"] for s in d["sources"]} <= set(d["rules"]) | {"catch-all"}
    assert d["path"] and all(isinstance(x, str) for x in d["path"])
    assert d["explanation"] and all(isinstance(x, str) and x for x in d["explanation"])
    # 112 is open at every moment: it can act the moment the concern arrives
    alarm = [a for a in d["next"] if a["kind"] == "emergency"]
    assert alarm and alarm[0]["available_from"] == MON_10_FULL
    assert {"channel": "phone", "value": "112"} in [
        {"channel": c["channel"], "value": c["value"]} for c in alarm[0]["contacts"]
    ]
    # and it is exactly what the library decides
    assert d == decide("koege", {"acute": True, "age": 30, "reporter": "professional", "received_at": MON_10_FULL})


# Each case: plan, flags, the event they stand for, and contrasting events that differ only
# in what the flag under test sets and route differently (so an ignored flag would fail).
FLAG_CASES: dict[str, tuple[str, list[str], dict[str, Any], list[dict[str, Any]]]] = {
    "acute": ("koege", ["--acute", "--age", "30"], {"acute": True, "age": 30}, [{"acute": False, "age": 30}]),
    "not-acute": ("koege", ["--not-acute", "--age", "30"], {"acute": False, "age": 30}, [{"acute": True, "age": 30}]),
    "age": (
        "broendby",
        ["--not-acute", "--age", "16"],
        {"acute": False, "age": 16},
        [{"acute": False, "age": 30}, {"acute": False, "age": None}],
    ),
    "age-unknown": (
        "broendby",
        ["--not-acute", "--age", "unknown"],
        {"acute": False, "age": None},
        [{"acute": False, "age": 16}],
    ),
    "reporter": (
        "kbh",
        ["--not-acute", "--reporter", "police"],
        {"acute": False, "reporter": "police"},
        [{"acute": False, "reporter": "citizen"}],
    ),
    "topic": (
        "kbh",
        ["--not-acute", "--topic", "school_shooting"],
        {"acute": False, "topic": "school_shooting"},
        [{"acute": False, "topic": "radicalisation"}],
    ),
    "step-finding": (
        "kbh",
        ["--not-acute", "--age", "30", "--step", "infohus_assessment", "--finding", "relevant=false"],
        {"acute": False, "age": 30, "step": "infohus_assessment", "findings": {"relevant": False}},
        [
            {"acute": False, "age": 30, "step": "infohus_assessment", "findings": {"relevant": True}},
            {"acute": False, "age": 30, "findings": {"relevant": False}},
        ],
    ),
    "finding-repeated": (
        "kbh",
        [
            "--not-acute",
            "--age",
            "30",
            "--step",
            "police_assessment",
            "--finding",
            "ready_to_act=true",
            "--finding",
            " consent = yes",
        ],
        {"acute": False, "age": 30, "step": "police_assessment", "findings": {"ready_to_act": True, "consent": True}},
        [
            {"acute": False, "age": 30, "step": "police_assessment", "findings": {"ready_to_act": True}},
            {"acute": False, "age": 30, "step": "police_assessment", "findings": {"consent": True}},
        ],
    ),
    "severity": (
        "kbh",
        [
            "--not-acute",
            "--age",
            "30",
            "--step",
            "infohus_assessment",
            "--finding",
            "relevant=true",
            "--severity",
            "low",
        ],
        {"acute": False, "age": 30, "step": "infohus_assessment", "findings": {"relevant": True}, "severity": "low"},
        [{"acute": False, "age": 30, "step": "infohus_assessment", "findings": {"relevant": True}, "severity": "high"}],
    ),
}


@pytest.mark.parametrize("case", sorted(FLAG_CASES))
def test_route_flags_build_the_event(cli: Callable[..., Result], case: str) -> None:
    plan, flags, event, contrasts = FLAG_CASES[case]
    event = {"received_at": MON_10_FULL, **event}
    for other in contrasts:
        assert decide(plan, {"received_at": MON_10_FULL, **other}) != decide(plan, event), (
            f"case {case!r} cannot tell whether its flag is used: pick a contrasting event that routes differently"
        )
    r = cli("route", plan, "--at", MON_10, *flags)
    assert (r.code, r.err) == (0, "")
    assert json.loads(r.out) == decide(plan, event)


def test_route_at_sets_received_at(cli: Callable[..., Result]) -> None:
    evening = cli("route", "herning", "--not-acute", "--age", "30", "--at", MON_20)
    morning = cli("route", "herning", "--not-acute", "--age", "30", "--at", MON_10)
    assert evening.code == morning.code == 0
    e, m = json.loads(evening.out), json.loads(morning.out)
    assert e["received_at"] == MON_20_FULL and m["received_at"] == MON_10_FULL
    assert e == decide("herning", {"acute": False, "age": 30, "received_at": MON_20_FULL})
    # the municipal actor is closed in the evening: it can act from the next opening, not now
    assert e["next"][0]["available_from"] != MON_20_FULL
    assert m["next"][0]["available_from"] == MON_10_FULL


def test_route_without_at_is_received_now_in_copenhagen(cli: Callable[..., Result]) -> None:
    before = dt.datetime.now(CPH).replace(microsecond=0)
    r = cli("route", "koege", "--acute", "--age", "30")
    after = dt.datetime.now(CPH)
    assert r.code == 0, r.err
    received = _assert_aware(json.loads(r.out)["received_at"])
    assert before <= received <= after
    assert received.utcoffset() == received.astimezone(CPH).utcoffset()


def test_route_event_file(cli: Callable[..., Result], tmp_path: Path) -> None:
    event = {"acute": False, "age": 16, "reporter": "relative", "received_at": MON_20_FULL}
    f = tmp_path / "event.json"
    f.write_text(json.dumps(event), encoding="utf-8")
    r = cli("route", "broendby", "--event", str(f))
    assert (r.code, r.err) == (0, "")
    assert json.loads(r.out) == decide("broendby", event)


def test_route_event_from_stdin(cli: Callable[..., Result]) -> None:
    event = {"acute": False, "age": 16, "received_at": MON_20_FULL}
    r = cli("route", "koege", "--event", "-", stdin=json.dumps(event).encode())
    assert (r.code, r.err) == (0, "")
    assert json.loads(r.out) == decide("koege", event)
    # a UTF-8 byte order mark (as Windows editors write) is not an error
    bom = cli("route", "koege", "--event", "-", stdin=b"\xef\xbb\xbf" + json.dumps(event).encode())
    assert (bom.code, json.loads(bom.out)) == (0, json.loads(r.out))


def test_route_flags_override_event_fields(cli: Callable[..., Result], tmp_path: Path) -> None:
    event = {
        "acute": True,
        "age": 30,
        "reporter": "citizen",
        "step": "intake",
        "received_at": MON_10_FULL,
        "findings": {"ready_to_act": True},
        "severity": "low",
        "topic": "school_shooting",
    }
    f = tmp_path / "event.json"
    f.write_text(json.dumps(event), encoding="utf-8")
    r = cli(
        "route",
        "kbh",
        "--event",
        str(f),
        "--not-acute",
        "--age",
        "16",
        "--reporter",
        "police",
        "--at",
        MON_20,
        "--step",
        "police_assessment",
        "--finding",
        "consent=true",
        "--severity",
        "high",
        "--topic",
        "radicalisation",
    )
    assert (r.code, r.err) == (0, "")
    merged = {
        "acute": False,
        "age": 16,
        "reporter": "police",
        "step": "police_assessment",
        "received_at": MON_20_FULL,
        "findings": {"ready_to_act": True, "consent": True},
        "severity": "high",
        "topic": "radicalisation",
    }
    assert json.loads(r.out) == decide("kbh", merged)
    assert json.loads(r.out) != decide("kbh", event)


def test_route_plan_by_slug_from_the_repository_root(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_slug = cli("route", "koege", "--not-acute", "--age", "30", "--at", MON_10)
    by_path = cli("route", "plans/koege.yaml", "--not-acute", "--age", "30", "--at", MON_10)
    assert by_slug.code == by_path.code == 0
    assert json.loads(by_slug.out)["plan"] == "koege"
    assert by_slug.out == by_path.out
    # elsewhere the slug names the plan installed with beredskab; an unknown slug is an error
    monkeypatch.chdir(tmp_path)
    installed = cli("route", "koege", "--not-acute", "--age", "30", "--at", MON_10)
    assert installed.code == 0 and json.loads(installed.out)["rules"] == json.loads(by_path.out)["rules"]
    lost = cli("route", "vejle", "--not-acute", "--age", "30", "--at", MON_10)
    assert lost.code == 2 and lost.out == "" and "vejle" in lost.err
    assert cli("route", str(PLANS / "koege.yaml"), "--not-acute", "--age", "30", "--at", MON_10).out == by_path.out


# --- route: the text card --------------------------------------------------------------


def test_route_text_card_names_who_acts_how_to_reach_them_and_why(cli: Callable[..., Result]) -> None:
    plan = _rel(MINIMAL)
    r = cli(
        "route",
        plan,
        "--not-acute",
        "--age",
        "30",
        "--at",
        MON_10,
        "--severity",
        "medium",
        "--format",
        "text",
        "--lang",
        "en",
    )
    assert (r.code, r.err) == (0, "")
    lines = r.out.splitlines()
    assert lines[0] == "Plan Testby Kommune, concern received Mon 23.11.2026 10:00"
    [nxt] = [x for x in lines if x.startswith("NEXT:")]
    assert "Infohus Testby (Infohus)" in nxt  # the kind in words, not ids
    assert "call 1234 5678" in nxt and "write to infohus@testby.dk" in nxt
    steps = beredskab.load_plan(MINIMAL).steps
    assert "can act now" in nxt and f"next: {steps['infohus_assessment'].name}" in nxt  # the plan's step name
    assert "act by Wed 25.11.2026 10:00" in nxt  # medium: 48 hours
    assert any(x.startswith("WHY:") and "Kontakt Infohus." in x for x in lines)
    assert not any(x.startswith("NOTIFY:") for x in lines)


def test_route_text_card_shows_notify_and_the_next_opening(cli: Callable[..., Result]) -> None:
    plan = _rel(MINIMAL)
    acute = cli(
        "route", plan, "--acute", "--age", "30", "--at", MON_20, "--format", "text", "--lang", "en"
    ).out.splitlines()
    assert any(x.startswith("NEXT:") and "(emergency line 112)" in x and "call 112" in x for x in acute)
    [notify] = [x for x in acute if x.startswith("NOTIFY:")]
    assert "Infohus Testby" in notify and "can act from Tue 24.11.2026 08:00" in notify
    assert any(x.startswith("WHY:") and "Ring 112." in x for x in acute)
    assert any(x.startswith("LAW:") and "Straffeloven § 114" in x for x in acute)  # laws by name
    # after hours the plan escalates to the national hotline meanwhile
    evening = cli("route", plan, "--not-acute", "--age", "30", "--at", MON_20, "--format", "text", "--lang", "en").out
    assert "NEXT:   meanwhile: Den nationale hotline" in evening and "call 4174 9090" in evening
    # Danish by default, for the municipal staff who read it
    danish = cli("route", plan, "--not-acute", "--age", "30", "--at", MON_20, "--format", "text").out
    assert danish.startswith("Plan Testby Kommune, bekymring modtaget man 23.11.2026 kl. 20.00")
    assert "i mellemtiden: Den nationale hotline" in danish and "ring 4174 9090" in danish
    rows = [x for x in danish.splitlines() if x.startswith(("NÆSTE:", "ORIENTÉR:"))]
    assert rows and all("kan handle" in x and "can act" not in x for x in rows)
    assert "FORLØB:" in danish
    assert "har lukket man 23.11.2026 kl. 20.00" in danish  # the router's own sentences are Danish too


@pytest.mark.parametrize("at", [MON_10, MON_20])
def test_route_text_card_agrees_with_the_json(cli: Callable[..., Result], at: str) -> None:
    args = ("route", "herning", "--not-acute", "--age", "30", "--at", at)
    d = json.loads(cli(*args, "--lang", "en").out)
    text = cli(*args, "--format", "text", "--lang", "en").out.splitlines()
    phones = [c["value"] for a in d["next"] for c in a["contacts"] if c["channel"] == "phone"]
    assert phones, "herning's intake names an actor with a phone; pick another case if the plan changed"
    for key, label in (("next", "NEXT:"), ("notify", "NOTIFY:")):
        rows = [x for x in text if x.startswith(label)]
        assert len(rows) == len(d[key])
        for row, action in zip(rows, d[key], strict=True):
            assert action["name"] in row and f"({KIND_WORDS[ActorKind(action['kind'])]})" in row
            assert all(c["value"] in row for c in action["contacts"])
            if action["available_from"] == d["received_at"]:
                assert "can act now" in row
            else:
                when = dt.datetime.fromisoformat(action["available_from"]).astimezone(CPH)
                assert f"can act from {when:%a %d.%m.%Y %H:%M}" in row
    why = "\n".join(text[next(i for i, x in enumerate(text) if x.startswith("WHY:")) :])
    assert all(line in why for line in d["explanation"])


# --- route: bad input ------------------------------------------------------------------

BAD_JSON = b'{"acute": false,\n "age": 17,, }'  # the second comma: line 2, column 12


@pytest.mark.parametrize(
    ("argv", "stdin", "needles"),
    [
        pytest.param(
            ["koege", "--acute", "--at", "2026-11-23T10:00"], None, ["'received_at'", "mangler tidszone"], id="naive-at"
        ),
        pytest.param(["koege", "--age", "30", "--at", MON_10], None, ["'acute'", "skal udfyldes"], id="no-acute"),
        pytest.param(["koege", "--acute", "--at", MON_10, "--age", "131"], None, ["'age'", "130"], id="age-131"),
        pytest.param(["koege", "--acute", "--at", MON_10, "--age", "-1"], None, ["'age'"], id="age-negative"),
        pytest.param(
            ["koege", "--acute", "--at", MON_10, "--age", "abc"], None, ["'age'", "helt antal år"], id="age-abc"
        ),
        pytest.param(
            ["koege", "--acute", "--at", MON_10, "--reporter", "neighbour"],
            None,
            ["--reporter", "neighbour"],
            id="reporter-flag",
        ),
        pytest.param(
            ["koege", "--event", "-"],
            b'{"acute": true, "received_at": "2026-11-23T10:00:00+01:00", "reporter": "neighbour"}',
            ["'reporter'"],
            id="reporter-event",
        ),
        pytest.param(
            ["koege", "--acute", "--at", MON_10, "--step", "nowhere"],
            None,
            ["'step'", "is not a step"],
            id="unknown-step",
        ),
        pytest.param(
            ["koege", "--acute", "--at", MON_10, "--finding", "relevant"],
            None,
            ["'findings'", "NAVN=true|false|null"],
            id="finding-syntax",
        ),
        pytest.param(
            ["koege", "--acute", "--at", MON_10, "--finding", "relevant=maybe"],
            None,
            ["'findings'", "true, false eller null"],
            id="finding-value",
        ),
        pytest.param(
            ["koege", "--acute", "--at", MON_10, "--finding", "religion=true"],
            None,
            ["'findings'", "ukendt felt"],
            id="finding-unknown",
        ),
        pytest.param(
            ["koege", "--event", "-"], BAD_JSON, ["'event'", "stdin:2:12:", "ikke gyldig JSON"], id="json-syntax"
        ),
        pytest.param(["koege", "--event", "-"], b"", ["'event'", "stdin:1:1:"], id="json-empty"),
        pytest.param(
            ["koege", "--event", "-"], b"[1, 2]", ["'event'", "JSON-objekt", "liste (array)"], id="json-array"
        ),
        pytest.param(
            ["koege", "--event", "-"],
            b'{"acute": true, "received_at": "2026-11-23T10:00:00+01:00", "name": "Ole Hansen"}',
            ["'concern'", "ukendt felt"],
            id="json-name",
        ),
        pytest.param(
            ["koege", "--event", "-"],
            b'{"acute": "yes", "received_at": "2026-11-23T10:00:00+01:00"}',
            ["'acute'"],
            id="json-acute-string",
        ),
        pytest.param(
            ["koege", "--event", "-"],
            b'{"acute": true, "received_at": "2026-11-23T10:00:00+01:00", "age": "17"}',
            ["'age'"],
            id="json-age-string",
        ),
        pytest.param(
            ["koege", "--event", "-"],
            b'{"acute": true, "received_at": "2026-11-23T10:00:00+01:00", "age": "\xe6"}',
            ["'event'", "UTF-8"],
            id="json-not-utf8",
        ),
        pytest.param(
            ["koege", "--event", "-", "--finding", "relevant=true"],
            b'{"acute": true, "received_at": "2026-11-23T10:00:00+01:00", "findings": null}',
            ["'findings'", "null"],
            id="json-findings-null-plus-flag",
        ),
        pytest.param(
            ["koege", "--event", "-", "--finding", "relevant=true"],
            b'{"acute": true, "received_at": "2026-11-23T10:00:00+01:00", "findings": "yes"}',
            ["'findings'", "en tekststreng"],
            id="json-findings-string-plus-flag",
        ),
        pytest.param(
            ["koege", "--event", "no-such-event.json", "--acute"],
            None,
            ["'event'", "no-such-event.json"],
            id="event-file-missing",
        ),
        pytest.param(["koege", "--event", "plans", "--acute"], None, ["'event'", "plans"], id="event-is-folder"),
    ],
)
def test_route_bad_event_exits_2_naming_the_field(
    cli: Callable[..., Result], argv: list[str], stdin: bytes | None, needles: list[str]
) -> None:
    r = cli("route", *argv, stdin=stdin)
    assert r.code == 2
    assert r.out == "", "no decision is printed for a bad event"
    for needle in needles:
        assert needle in r.err
    assert "Traceback" not in r.err


@pytest.mark.parametrize(
    "flags",
    [
        ["--step", "Ahmed Hansen"],
        ["--age", "Ahmed Hansen"],
        ["--finding", "relevant=Ahmed Hansen"],
        ["--finding", "Ahmed Hansen"],
        ["--finding", "Ahmed Hansen=true"],
    ],
    ids=["step", "age", "finding-value", "finding-shape", "finding-name"],
)
def test_route_flags_never_echo_what_the_caller_typed(cli: Callable[..., Result], flags: list[str]) -> None:
    r = cli("route", "koege", "--acute", "--at", "2026-11-23T10:00:00+01:00", *flags)
    assert r.code == 2 and r.out == ""
    assert "Ahmed" not in r.err and "Hansen" not in r.err
    assert "hændelsens felt" in r.err


def test_route_bad_event_file_names_file_line_and_column(cli: Callable[..., Result], tmp_path: Path) -> None:
    f = tmp_path / "event.json"
    f.write_bytes(BAD_JSON)
    r = cli("route", "koege", "--event", str(f))
    assert r.code == 2 and f"{f}:2:12: ikke gyldig JSON" in r.err


@pytest.mark.parametrize("plan", ["plans/nowhere.yaml", "nowhere", "plans"])
def test_route_missing_plan_exits_2(cli: Callable[..., Result], plan: str) -> None:
    r = cli("route", plan, "--acute", "--at", MON_10)
    assert r.code == 2 and r.out == ""
    assert f"{plan}:1:1: fejl BK000" in r.err


@pytest.mark.parametrize("path", INVALID[:4] + INVALID[-4:], ids=lambda p: p.stem)
def test_route_invalid_plan_exits_2_with_positions(cli: Callable[..., Result], path: Path) -> None:
    r = cli("route", _rel(path), "--acute", "--at", MON_10)
    assert r.code == 2 and r.out == ""
    for code, line, col, _ in _expected(path):
        assert f"{_rel(path)}:{line}:{col}: fejl {code}" in r.err


@pytest.mark.parametrize(
    ("argv", "stdin"),
    [
        pytest.param(["koege", "--acute", "--at", "2026-11-23T10:00"], b"", id="naive-at"),
        pytest.param(["koege", "--acute", "--at", MON_10, "--age", "abc"], b"", id="age-abc"),
        pytest.param(["koege", "--acute", "--reporter", "neighbour"], b"", id="reporter"),
        pytest.param(["koege", "--event", "-"], BAD_JSON, id="json-syntax"),
        pytest.param(
            ["koege", "--event", "-"],
            b'{"acute": true, "received_at": "2026-11-23T10:00:00+01:00", "age": "\xe6"}',
            id="json-not-utf8",
        ),
        pytest.param(
            ["koege", "--event", "-", "--finding", "relevant=true"],
            b'{"acute": true, "received_at": "2026-11-23T10:00:00+01:00", "findings": null}',
            id="json-findings-null-plus-flag",
        ),
        pytest.param(["plans/nowhere.yaml", "--acute"], b"", id="missing-plan"),
        pytest.param([_rel(EXAMPLE_FILES / "invalid" / "yaml-tag.yaml"), "--acute"], b"", id="invalid-plan"),
    ],
)
def test_route_bad_input_in_a_shell_exits_2_without_traceback(argv: list[str], stdin: bytes) -> None:
    p = run_process("route", *argv, stdin=stdin)
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stderr
    assert p.stdout == ""
    assert p.stderr.startswith(("beredskab: ", "usage: beredskab route"))


@pytest.mark.parametrize("received_at", ["9999-12-31T23:59:59+01:00", "0001-01-01T00:00:00+14:00"])
def test_route_received_at_out_of_range_is_a_bad_event(cli: Callable[..., Result], received_at: str) -> None:
    r = cli("route", "koege", "--not-acute", "--age", "30", "--at", received_at)
    assert r.code == 2 and "'received_at'" in r.err


@pytest.mark.parametrize(
    ("argv", "stdin"),
    [
        pytest.param(["--acute", "--at", "12345"], None, id="at-digits"),
        pytest.param(["--event", "-"], b'{"acute": true, "received_at": 1795000000}', id="json-number"),
    ],
)
def test_route_received_at_must_be_iso_8601(cli: Callable[..., Result], argv: list[str], stdin: bytes | None) -> None:
    r = cli("route", "koege", *argv, stdin=stdin)
    assert r.code == 2 and "'received_at'" in r.err


# --- validate --------------------------------------------------------------------------


def _plan_count() -> int:
    return len([p for p in PLANS.glob("*.yaml") if not p.name.endswith(".examples.yaml")])


def test_validate_shipped_plans_exits_0(cli: Callable[..., Result]) -> None:
    r = cli("validate", "--lang", "en", "plans/")
    assert r.code == 0, r.out
    assert " error " not in r.out
    # warnings (e.g. a revision overdue) inform; only errors fail without --strict
    assert re.fullmatch(
        rf"{_plan_count()} file\(s\) checked: 0 error\(s\), \d+ warning\(s\), \d+ info", r.out.splitlines()[-1]
    ), r.out.splitlines()[-1]


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_validate_invalid_file_exits_1_at_its_positions(cli: Callable[..., Result], path: Path) -> None:
    rel = _rel(path)
    r = cli("validate", "--lang", "en", rel, "--format", "text")
    assert r.code == 1
    lines = r.out.splitlines()
    for code, line, col, hint in _expected(path):
        prefix = f"{rel}:{line}:{col}: error {code} "
        hits = [x for x in lines if x.startswith(prefix)]
        assert hits, f"no line starting {prefix!r} in:\n{r.out}"
        if hint:
            assert any(hint in x for x in hits), hits
    assert re.fullmatch(r"1 file\(s\) checked: [1-9]\d* error\(s\), \d+ warning\(s\), \d+ info", lines[-1])


def test_validate_json_lists_every_expected_problem(cli: Callable[..., Result]) -> None:
    folder = _rel(EXAMPLE_FILES / "invalid")
    r = cli("validate", "--lang", "en", folder, "--format", "json")
    assert r.code == 1
    report = json.loads(r.out)
    assert report["files_checked"] == len(INVALID)
    got = {(p["file"], p["line"], p["col"], p["code"], p["severity"]) for p in report["problems"]}
    for path in INVALID:
        for code, line, col, _ in _expected(path):
            assert (_rel(path), line, col, code, "error") in got
    for p in report["problems"]:
        assert {"file", "line", "col", "code", "severity", "message", "hint", "name"} <= p.keys()


def test_validate_github_prints_error_annotations(cli: Callable[..., Result]) -> None:
    r = cli("validate", "--lang", "en", _rel(EXAMPLE_FILES / "invalid"), "--format", "github")
    assert r.code == 1
    lines = r.out.splitlines()
    assert lines and all(x.startswith("::") for x in lines), "annotations only, nothing GitHub cannot parse"
    for path in INVALID:
        for code, line, col, _ in _expected(path):
            head = f"::error file={_rel(path)},line={line},col={col},"
            assert any(x.startswith(head) and f"::{code} " in x for x in lines), head


@pytest.mark.parametrize(("env", "github"), [("true", True), ("false", False), (None, False)])
def test_validate_auto_format_follows_github_actions(
    cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, env: str | None, github: bool
) -> None:
    if env is not None:
        monkeypatch.setenv("GITHUB_ACTIONS", env)
    tab = _rel(EXAMPLE_FILES / "invalid" / "tab.yaml")
    for argv in (["validate", tab], ["validate", tab, "--format", "auto"]):
        r = cli(*argv)
        assert r.code == 1
        if github:
            assert r.out.startswith(f"::error file={tab},line=26,col=18,")
        else:
            # Danish by default: the severity word too (GitHub's levels stay GitHub's)
            assert r.out.startswith(f"{tab}:26:18: fejl BK003 ")


def test_validate_auto_in_a_shell_under_github_actions() -> None:
    tab = _rel(EXAMPLE_FILES / "invalid" / "tab.yaml")
    p = run_process("validate", "--lang", "en", tab, env={"GITHUB_ACTIONS": "true"})
    assert p.returncode == 1 and p.stdout.startswith(f"::error file={tab},line=26,col=18,")


def test_validate_lists_assumptions_as_info_unless_no_info(cli: Callable[..., Result]) -> None:
    shown = cli("validate", "--lang", "en", "plans/koege.yaml")
    assert shown.code == 0
    info = [x for x in shown.out.splitlines() if ": info BK901 " in x]
    assert info and all(x.startswith("plans/koege.yaml:") and "assumed" in x for x in info)
    every_info = [x for x in shown.out.splitlines() if ": info " in x]  # BK901 and BK604's longest wait
    assert shown.out.splitlines()[-1].endswith(f" {len(every_info)} info")
    hidden = cli("validate", "--lang", "en", "plans/koege.yaml", "--no-info")
    assert hidden.code == 0
    assert ": info " not in hidden.out
    assert hidden.out.splitlines()[-1].endswith(f" {len(every_info)} info hidden (--no-info)")
    # the machine formats agree
    as_json = json.loads(cli("validate", "--lang", "en", "plans/koege.yaml", "--format", "json").out)
    assert len([p for p in as_json["problems"] if p["code"] == "BK901" and p["severity"] == "info"]) == len(info)
    no_info = json.loads(cli("validate", "--lang", "en", "plans/koege.yaml", "--format", "json", "--no-info").out)[
        "problems"
    ]
    assert all(p["severity"] != "info" for p in no_info)
    github = cli("validate", "--lang", "en", "plans/koege.yaml", "--format", "github").out.splitlines()
    notices = [x for x in github if x.startswith("::notice ")]
    assert len(notices) == len(every_info) and all(x.startswith("::notice file=plans/koege.yaml,") for x in notices)
    quiet = cli("validate", "--lang", "en", "plans/koege.yaml", "--format", "github", "--no-info").out.splitlines()
    assert not [x for x in quiet if x.startswith("::notice")]


def test_validate_strict_makes_warnings_fail(cli: Callable[..., Result]) -> None:
    # A far --as-of gives date-based checks (revision due) their best chance to warn.
    candidates = [*sorted(PLANS.glob("*.yaml")), MINIMAL]
    for path in candidates:
        if path.name.endswith(".examples.yaml"):
            continue
        args = ("validate", _rel(path), "--as-of", "2099-12-31", "--no-info", "--format", "json")
        problems = json.loads(cli(*args).out)["problems"]
        severities = {p["severity"] for p in problems}
        if "warning" in severities and "error" not in severities:
            break
    else:
        pytest.skip("no check emits warnings yet: nothing for --strict to fail on")
    assert cli(*args).code == 0, "warnings alone do not fail"
    assert cli(*args, "--strict").code == 1


def test_validate_missing_path_exits_2(cli: Callable[..., Result]) -> None:
    r = cli("validate", "--lang", "en", "plans/nowhere.yaml")
    assert r.code == 2 and "plans/nowhere.yaml" in r.err
    # the others are still checked and reported, and only they count as checked
    both = cli("validate", "--lang", "en", "plans/", "nowhere", "--format", "json", "--no-info")
    assert both.code == 2 and "nowhere" in both.err
    report = json.loads(both.out)
    assert report["files_checked"] == _plan_count()
    assert not [p for p in report["problems"] if p["severity"] == "error"]


def test_validate_folder_without_plans_exits_2(cli: Callable[..., Result], tmp_path: Path) -> None:
    r = cli("validate", "--lang", "en", str(tmp_path))
    assert r.code == 2 and str(tmp_path) in r.err and "no plan files" in r.err


def test_validate_bad_as_of_is_a_usage_error(cli: Callable[..., Result]) -> None:
    r = cli("validate", "--lang", "en", "plans/", "--as-of", "soon")
    assert r.code == 2 and "--as-of" in r.err and "'soon'" in r.err


# --- test ------------------------------------------------------------------------------


def test_test_shipped_examples_all_pass(cli: Callable[..., Result]) -> None:
    r = cli("test", "plans/")
    assert r.code == 0, r.out
    assert "FEJLET" not in r.out
    last = r.out.splitlines()[-1]
    m = re.fullmatch(r"(\d+) bestået, 0 fejlet", last)
    assert m, last
    assert int(m.group(1)) >= 75
    verbose = cli("test", "plans/", "-v")
    assert sum(1 for x in verbose.out.splitlines() if x.startswith("BESTÅET ")) == int(m.group(1))


def _copy_plan_with_examples(tmp_path: Path, slug: str, examples: list[dict[str, Any]]) -> Path:
    shutil.copy(PLANS / f"{slug}.yaml", tmp_path / f"{slug}.yaml")
    out = tmp_path / f"{slug}.examples.yaml"
    out.write_text(
        yaml.safe_dump({"plan": slug, "examples": examples}, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return out


def test_test_wrong_expectation_fails_with_the_explanation(cli: Callable[..., Result], tmp_path: Path) -> None:
    shipped = yaml.safe_load((PLANS / "koege.examples.yaml").read_text(encoding="utf-8"))["examples"]
    good, bad = dict(shipped[0]), dict(shipped[1])
    bad["expect"] = {"rules": ["no-such-rule"]}
    _copy_plan_with_examples(tmp_path, "koege", [good, bad])
    r = cli("test", str(tmp_path))
    assert r.code == 1
    decision = beredskab.load_plan(tmp_path / "koege.yaml").route(bad["event"])
    assert f"FEJLET {tmp_path / 'koege.examples.yaml'}:" in r.out and bad["name"] in r.out
    assert good["name"] not in r.out, "passing examples are not listed without -v"
    assert f"rules: forventede ['no-such-rule'], fik {decision.rules}" in r.out
    assert decision.explanation and all(line in r.out for line in decision.explanation)
    assert r.out.splitlines()[-1] == "1 bestået, 1 fejlet"


def test_test_wrong_actor_names_the_mismatch(cli: Callable[..., Result], tmp_path: Path) -> None:
    event = {"received_at": MON_10_FULL, "acute": True, "age": 30}
    examples = [{"name": "Akut går til politiet", "event": event, "expect": {"next": ["infohus_koege"]}}]
    _copy_plan_with_examples(tmp_path, "koege", examples)
    r = cli("test", str(tmp_path / "koege.yaml"))
    got = [a.actor for a in _plan("plans/koege.yaml").route(event).next]
    assert r.code == 1
    assert "FEJLET" in r.out and "Akut går til politiet" in r.out
    assert f"next: forventede ['infohus_koege'], fik {got}" in r.out


def test_test_examples_for_another_plan_exit_2(cli: Callable[..., Result], tmp_path: Path) -> None:
    examples = yaml.safe_load((PLANS / "koege.examples.yaml").read_text(encoding="utf-8"))["examples"][:1]
    f = _copy_plan_with_examples(tmp_path, "koege", examples)
    f.write_text(f.read_text(encoding="utf-8").replace("plan: koege", "plan: herning", 1), encoding="utf-8")
    r = cli("test", str(f))
    assert r.code == 2 and "BK207" in r.err and "'herning'" in r.err


def test_test_missing_examples_exit_2(cli: Callable[..., Result], tmp_path: Path) -> None:
    r = cli("test", "plans/nowhere.examples.yaml")
    assert r.code == 2 and "plans/nowhere.examples.yaml" in r.err
    # a plan without examples beside it
    shutil.copy(PLANS / "koege.yaml", tmp_path / "koege.yaml")
    r = cli("test", str(tmp_path / "koege.yaml"))
    assert r.code == 2 and "koege.examples.yaml" in r.err
    # a folder without any
    r = cli("test", str(tmp_path))
    assert r.code == 2 and "ingen *.examples.yaml" in r.err
    # one missing among good ones: nothing runs, no half report
    r = cli("test", "plans/", "plans/nowhere.examples.yaml")
    assert r.code == 2 and r.out == ""


def test_test_missing_examples_in_a_shell() -> None:
    p = run_process("test", "plans/nowhere.examples.yaml")
    assert p.returncode == 2 and "Traceback" not in p.stderr and "nowhere.examples.yaml" in p.stderr


# --- schema, help, version -------------------------------------------------------------


def test_schema_prints_the_committed_schema(cli: Callable[..., Result]) -> None:
    r = cli("schema")
    assert r.code == 0
    committed = json.loads((REPO / "schema" / "plan.schema.json").read_text(encoding="utf-8"))
    assert json.loads(r.out) == committed


@pytest.mark.parametrize(
    ("command", "teaches"),
    [
        ([], ["route", "validate", "test", "schema", "examples:", "beredskab route ", "exit codes"]),
        (
            ["route"],
            [
                "--event",
                "--acute",
                "--not-acute",
                "--age",
                "--at",
                "--reporter",
                "--step",
                "--finding",
                "--severity",
                "--topic",
                "--format",
                "examples:",
                "beredskab route plans/koege.yaml",
                "--event -",
                "exit 2",
            ],
        ),
        (
            ["validate"],
            ["--format", "github", "--strict", "--no-info", "file:line:col", "examples:", "beredskab validate plans/"],
        ),
        (["test"], ["examples.yaml", "examples:", "beredskab test plans/", "passed", "failed"]),
        (["schema"], ["JSON Schema", "schema/plan.schema.json"]),
    ],
    ids=["top", "route", "validate", "test", "schema"],
)
def test_help_exits_0_and_teaches(cli: Callable[..., Result], command: list[str], teaches: list[str]) -> None:
    r = cli(*command, "--help")
    assert r.code == 0 and r.err == ""
    for word in teaches:
        assert word in r.out, f"{' '.join(['beredskab', *command, '--help'])} does not mention {word!r}"


def test_no_command_is_a_usage_error(cli: Callable[..., Result]) -> None:
    r = cli()
    assert r.code == 2 and "usage: beredskab" in r.err and "COMMAND" in r.err


def test_version(cli: Callable[..., Result]) -> None:
    r = cli("--version")
    assert (r.code, r.out.strip()) == (0, f"beredskab {beredskab.__version__}")


def test_python_dash_m_runs_the_command_line() -> None:
    p = run_process("--version")
    assert (p.returncode, p.stdout.strip()) == (0, f"beredskab {beredskab.__version__}")
