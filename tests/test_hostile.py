"""Hostile and broken input (issue 9's reproducers): a clear PlanError or ConcernError, never a hang or a traceback.

The small reproducers are negative example files in ``example-files/invalid/``; the
large ones are built here. Each case runs in a forked child with a time limit
(``fuzzing.run_bounded``), so a hang fails the test instead of stalling the suite.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
import yaml

import beredskab
from beredskab.cli import main
from beredskab.spec._yaml import load_document
from beredskab.spec.limits import LIMITS
from conftest import EXAMPLE_FILES
from fuzzing import run_bounded

COMPLETE = EXAMPLE_FILES / "valid" / "complete.yaml"
AT = "2026-11-23T10:00:00+01:00"
BASE: dict[str, Any] = load_document(COMPLETE).data


def _rule(rid: str, when: dict[str, Any], step: str = "closed") -> dict[str, Any]:
    return {
        "id": rid,
        "when": when,
        "next": [{"actor": "infohus", "step": step}],
        "explanation": "x",
        "source": {"section": "1"},
    }


def _write(tmp_path: Path, name: str, data: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _codes_of(path: Path) -> list[str]:
    """The loader's problem codes for ``path`` (run in a bounded child); [] when the plan loads."""

    def load(p: Path) -> list[str]:
        try:
            beredskab.load_plan(p)
        except beredskab.PlanError as exc:
            return sorted({pr.code for pr in exc.problems})
        return []

    status, result = run_bounded(load, path)
    assert status == "ok", f"{path.name}: {status}: {result}"
    codes: list[str] = result
    return codes


def test_512_steps_each_with_its_own_rule(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    for i in range(512):
        data["steps"][f"s{i}"] = {"name": f"s{i}", "source": {"section": "1"}}
        data["rules"].insert(0, _rule(f"r{i}", {"step": f"s{i}"}))
    assert _codes_of(_write(tmp_path, "steps.yaml", data)) == ["BK104"]


def test_257_rules_with_one_condition(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    for i in range(257):
        data["rules"].insert(0, _rule(f"same{i}", {"step": "visitation", "age_band": "child"}))
    assert _codes_of(_write(tmp_path, "same.yaml", data)) == ["BK104"]


def test_260_schedules_in_one_open_condition(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    for i in range(260):
        data["schedules"][f"h{i}"] = {"weekly": {"mon": ["08:00-15:00"]}, "source": {"section": "1"}}
    data["rules"].insert(0, _rule("many", {"open": {f"h{i}": True for i in range(260)}}))
    assert _codes_of(_write(tmp_path, "open.yaml", data)) == ["BK104"]


def test_a_condition_too_wide_for_the_engine(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    # 40 alternatives of 40 bands each: within the format's widths, past what the engine takes
    wide = {"any": [{"age_band": ["child", "adult"] * 20, "reporter": "citizen"} for _ in range(40)]}
    data["rules"].insert(0, _rule("wide", wide))
    assert _codes_of(_write(tmp_path, "wide.yaml", data)) == ["BK104"]


def test_a_mebibyte_of_empty_rules_is_answered_with_a_bounded_report(tmp_path: Path) -> None:
    text = COMPLETE.read_text(encoding="utf-8")
    head = text[: text.index("rules:")] + "rules:\n"
    big = tmp_path / "empty-rules.yaml"
    big.write_text(head + "  - {}\n" * ((1024 * 1024 - len(head.encode())) // 7), encoding="utf-8")
    assert _codes_of(big) == ["BK006"]
    # just under the node limit: thousands of faults, 200 shown and the rest counted
    under = tmp_path / "many-faults.yaml"
    under.write_text(head + "  - {}\n" * 19_000, encoding="utf-8")
    status, result = run_bounded(lambda p: beredskab.validate([p], lang="en").problems, under)
    assert status == "ok", result
    assert len(result) == 201
    assert any("more problems in this file" in p.message for p in result)


def test_a_plan_at_every_limit_loads_and_routes(tmp_path: Path) -> None:
    """The limits are the plan's, not the engine's: a plan that loads routes every concern."""
    data = copy.deepcopy(BASE)
    extra_steps = LIMITS["steps"] - len(data["steps"])
    for i in range(extra_steps):
        data["steps"][f"s{i}"] = {"name": f"s{i}", "source": {"section": "1"}}
    for i in range(LIMITS["schedules"] - len(data["schedules"])):
        data["schedules"][f"h{i}"] = {"weekly": {"mon": ["08:00-15:00"]}, "source": {"section": "1"}}
    deep: dict[str, Any] = {"step": "s0", "reporter": "citizen"}
    for _ in range(LIMITS["condition_depth"] - 1):
        deep = {"any": [deep, {"topic": "school_shooting"}], "acute": False}
    room = LIMITS["rules"] - len(data["rules"]) - 2
    new = [_rule(f"r{i}", {"step": f"s{i % extra_steps}", "open": {f"h{i % 32}": True}}) for i in range(room)]
    new.append(_rule("deep", deep))
    new.append(_rule("wide", {"step": ["s1", "s2"], "age_band": ["child"] * LIMITS["condition_width"]}))
    data["rules"] = new + data["rules"]
    path = _write(tmp_path, "at-limits.yaml", data)

    def load_and_route(p: Path) -> list[str]:
        plan = beredskab.load_plan(p)
        out = []
        for step in ("intake", "s0", "s1", "s7", "visitation"):
            for acute in (True, False):
                d = plan.route({"acute": acute, "age": 16, "step": step, "received_at": AT})
                out.append(d.rules[0])
        return out

    status, result = run_bounded(load_and_route, path)
    assert status == "ok", result
    assert len(result) == 10


def test_absurd_durations_are_refused_while_loading() -> None:
    path = EXAMPLE_FILES / "invalid" / "duration-too-long.yaml"
    with pytest.raises(beredskab.PlanError, match="longer than ten years"):
        beredskab.load_plan(path)


# --- events -----------------------------------------------------------------------------

HUGE = 10**4000  # more digits than Python converts to text by default


@pytest.mark.parametrize("field", ["age", "reporter", "severity", "topic", "step", "acute", "received_at"])
def test_a_huge_integer_in_any_field_is_a_concern_error(minimal_plan: beredskab.Plan, field: str) -> None:
    with pytest.raises(beredskab.ConcernError) as info:
        minimal_plan.route({"acute": False, "received_at": AT, field: HUGE})
    assert info.value.field == field


def test_a_huge_integer_finding_is_a_concern_error(minimal_plan: beredskab.Plan) -> None:
    with pytest.raises(beredskab.ConcernError) as info:
        minimal_plan.route({"acute": False, "received_at": AT, "findings": {"consent": HUGE}})
    assert info.value.field == "findings.consent"


def _cli(argv: list[str], stdin: bytes | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(argv)
    finally:
        sys.stdin = old
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b'{"acute": false, "received_at": "2026-11-23T10:00:00+01:00", "age": ' + b"9" * 5000 + b"}", "'age'"),
        (
            b'{"acute": false, "received_at": "2026-11-23T10:00:00+01:00", "reporter": ' + b"9" * 5000 + b"}",
            "'reporter'",
        ),
        (b"[" * 100_000 + b"]" * 100_000, "'event'"),
        (b"[" * 20_000 + b"]" * 20_000, "indlejret i mere end 8 niveauer"),
        (b'{"acute": false, "x": "' + b"a" * 70_000 + b'"}', "højst 65536 byte"),
        (b'{"acute": NaN, "received_at": "2026-11-23T10:00:00+01:00"}', "'acute'"),
    ],
    ids=["age-5000-digits", "reporter-5000-digits", "array-100000-deep", "array-20000-deep", "70-kB", "nan"],
)
def test_a_malformed_event_file_exits_2_naming_the_field(tmp_path: Path, content: bytes, needle: str) -> None:
    event = tmp_path / "event.json"
    event.write_bytes(content)

    def run(p: Path) -> tuple[int, str, str]:
        return _cli(["route", str(COMPLETE), "--event", str(p)])

    status, result = run_bounded(run, event)
    assert status == "ok", result
    code, out, err = result
    assert code == 2 and out == ""
    assert needle in err
    assert "Traceback" not in err and len(err.splitlines()) == 1


def test_an_internal_error_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    from beredskab.cli import plans as cli_plans

    def broken(_args: Any) -> int:
        raise RuntimeError("a bug with private data 010101-1234")

    monkeypatch.setattr(cli_plans, "cmd_schema", broken)
    # the parser binds the function when it is built, so rebuild it after patching
    code, out, err = _cli(["schema"])
    assert code == 2 and out == ""
    assert err.startswith("beredskab: intern fejl (RuntimeError)") and "meld den" in err
    assert "010101" not in err and "Traceback" not in err and len(err.splitlines()) == 1


def test_every_command_answers_bad_input_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: &x\n  b: *x\n", encoding="utf-8")
    for argv in (
        ["route", str(bad), "--acute", "--at", AT],
        ["validate", str(bad)],
        ["test", str(bad)],
        ["validate", str(tmp_path / "missing.yaml")],
    ):
        status, result = run_bounded(_cli, argv)
        assert status == "ok", (argv, result)
        code, _, err = result
        assert code in (1, 2), (argv, code)
        assert "Traceback" not in err, argv


def test_a_routed_plan_answers_at_the_edges_of_time(minimal_plan: beredskab.Plan) -> None:
    # deadlines and openings near the ends of the allowed years never overflow datetime
    for at in ("1970-01-01T00:00:00+00:00", "2200-12-31T23:59:00+01:00", "2200-12-31T23:59:00-12:00"):
        for severity in (None, "high", "low"):
            event: dict[str, Any] = {"acute": False, "age": 30, "received_at": at}
            if severity:
                event["severity"] = severity
            d = minimal_plan.route(event)
            assert d.next and all(a.available_from >= dt.datetime.fromisoformat(at) for a in d.next)
    assert json.dumps(minimal_plan.route({"acute": True, "received_at": AT}).model_dump(mode="json"))
