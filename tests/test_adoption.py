"""Adoption: installed plans, streams of concerns, schemas, digests, offsets, plan authors' test formats."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

import beredskab
from beredskab.cli import main
from beredskab.cli.route import route_events
from beredskab.loader import INSTALLED_PLANS
from beredskab.routing.calendar import ZONE
from conftest import PLANS, REPO

EVENT = {"acute": False, "age": 16, "received_at": "2026-11-23T10:00:00+01:00"}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO / "src")
    env.pop("GITHUB_ACTIONS", None)
    return env


# --- the shipped plans, installed -----------------------------------------------------------


def test_load_plans_without_a_folder_gives_the_installed_plans() -> None:
    installed = beredskab.load_plans()
    assert sorted(installed) == ["broendby", "herning", "kbh", "koege", "randers"]
    assert installed == beredskab.load_plans(PLANS)
    assert INSTALLED_PLANS.is_dir()


def test_a_slug_routes_from_any_folder(tmp_path: Path) -> None:
    """The issue's "done when": echo ... | beredskab route koege --events - works from any folder."""
    done = subprocess.run(
        [sys.executable, "-m", "beredskab", "route", "koege", "--events", "-"],
        input=json.dumps(EVENT) + "\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_env(),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    assert json.loads(line)["plan"] == "koege"


def test_a_local_plans_folder_comes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "plans").mkdir()
    text = (PLANS / "koege.yaml").read_text(encoding="utf-8").replace("slug: koege", "slug: koege", 1)
    local = tmp_path / "plans" / "koege.yaml"
    local.write_text(text.replace("infohuskoege@koege.dk", "lokal@koege.dk"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    from beredskab.loader import resolve_plan_path

    assert resolve_plan_path("koege") == Path("plans/koege.yaml")
    (tmp_path / "plans" / "koege.yaml").unlink()
    assert resolve_plan_path("koege") == INSTALLED_PLANS / "koege.yaml"
    assert resolve_plan_path("nowhere") == Path("nowhere")


# --- streams --------------------------------------------------------------------------------


def test_events_answer_every_line_in_order_never_stopping() -> None:
    plan = beredskab.load_plan(PLANS / "koege.yaml")
    secret = "0101901234"
    lines = [
        json.dumps(EVENT),
        "",
        json.dumps({**EVENT, "age": 999, "cpr": secret}),
        "{not json",
        "[1, 2]",
        "x" * (70 * 1024),
        json.dumps({**EVENT, "acute": True}),
    ]
    out = io.StringIO()
    bad = route_events(plan, io.BytesIO("\n".join(lines).encode()), out, "events.jsonl")
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert bad == 4
    assert [r.get("line") for r in records] == [None, 3, 4, 5, 6, None]
    assert records[0] == plan.route(EVENT).model_dump(mode="json", by_alias=True)
    assert {p["field"] for p in records[1]["problems"]} == {"age", "concern"}
    assert records[2]["problems"][0]["message"].startswith("events.jsonl:4:")
    assert "at most" in records[4]["problems"][0]["message"]
    assert records[5]["next"][0]["kind"] == "emergency"
    assert secret not in out.getvalue() and "999" not in out.getvalue()
    assert "cpr" not in out.getvalue()  # the unknown key itself is never repeated either


def test_events_exit_codes_and_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(EVENT) + "\n" + json.dumps({**EVENT, "age": 30}) + "\n", encoding="utf-8")
    assert main(["route", str(PLANS / "koege.yaml"), "--events", str(good)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(json.dumps(EVENT) + "\n{}\n", encoding="utf-8")
    assert main(["route", str(PLANS / "koege.yaml"), "--events", str(mixed)]) == 1
    assert main(["route", str(PLANS / "koege.yaml"), "--events", str(good), "--age", "3"]) == 2
    assert "udelad --age" in capsys.readouterr().err
    assert main(["route", str(PLANS / "koege.yaml"), "--events", str(tmp_path / "none.jsonl")]) == 2


# --- schemas, digests, offsets --------------------------------------------------------------


@pytest.mark.parametrize("which", ["--concern", "--decision"])
def test_schemas_describe_every_field(which: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", which]) == 0
    schema = json.loads(capsys.readouterr().out)
    objects = [schema, *schema.get("$defs", {}).values()]
    fields = [(o.get("title"), k, v) for o in objects for k, v in o.get("properties", {}).items()]
    assert len(fields) > 8
    assert [f"{t}.{k}" for t, k, v in fields if not v.get("description")] == []
    if which == "--concern":
        assert set(schema["required"]) == {"received_at", "acute"}
        assert schema["additionalProperties"] is False
    else:
        assert "plan_digest" in schema["properties"]


def test_the_digest_follows_the_content_not_the_file(tmp_path: Path) -> None:
    text = (PLANS / "koege.yaml").read_text(encoding="utf-8")
    same = tmp_path / "same.yaml"
    same.write_text("# a comment changes nothing\n" + text, encoding="utf-8")
    other = tmp_path / "other.yaml"
    other.write_text(text.replace("infohuskoege@koege.dk", "infohus@koege.dk"), encoding="utf-8")
    koege = beredskab.load_plan(PLANS / "koege.yaml")
    digest = koege.route(EVENT).plan_digest
    assert digest.startswith("sha256:") and len(digest) == 7 + 64
    assert digest == koege.digest == beredskab.load_plan(same).digest
    assert beredskab.load_plan(other).digest != digest


def test_every_time_of_a_decision_is_in_copenhagen_offset() -> None:
    plan = beredskab.load_plan(PLANS / "kbh.yaml")
    # a Saturday morning in UTC; in winter Copenhagen is +01:00
    d = plan.route({**EVENT, "received_at": "2026-11-28T09:00:00+00:00", "severity": "high"})
    times = [d.received_at] + [t for a in [*d.next, *d.notify] for t in (a.available_from, a.act_by) if t]
    assert all(t.utcoffset() == dt.timedelta(hours=1) for t in times), times
    assert d.received_at == dt.datetime(2026, 11, 28, 10, 0, tzinfo=ZONE)


# --- plan authors' tests --------------------------------------------------------------------


def _examples_copy(tmp_path: Path, edit: tuple[str, str] | None = None) -> Path:
    shutil.copy(PLANS / "koege.yaml", tmp_path / "koege.yaml")
    text = (PLANS / "koege.examples.yaml").read_text(encoding="utf-8")
    if edit:
        assert edit[0] in text
        text = text.replace(edit[0], edit[1], 1)
    path = tmp_path / "koege.examples.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_phones_in_examples_compare_as_digits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    examples = _examples_copy(tmp_path, ("phone:112", "phone:+45 112"))
    # +45 112 is not 112 as digits (4 digits are not a Danish number with +45): only true spellings pass
    assert main(["test", str(examples)]) == 1
    capsys.readouterr()
    data = examples.read_text(encoding="utf-8").replace("phone:+45 112", "phone:1 1 2")
    examples.write_text(data, encoding="utf-8")
    assert main(["test", str(examples)]) == 0, capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["json", "junit", "github", "text"])
def test_test_formats_report_a_failure_at_its_line(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    examples = _examples_copy(tmp_path, ("actor: alarm_112", "actor: police_114"))
    total = len(yaml.safe_load(examples.read_text(encoding="utf-8"))["examples"])
    assert main(["test", str(examples), "--format", fmt]) == 1
    out = capsys.readouterr().out
    if fmt == "json":
        data = json.loads(out)
        assert data["failed"] == 1 and data["passed"] == total - 1
        (bad,) = [r for r in data["results"] if not r["passed"]]
        assert bad["line"] > 0 and bad["failures"]
    elif fmt == "junit":
        root = ET.fromstring(out)
        assert root.get("tests") == str(total) and root.get("failures") == "1"
        assert len(root.findall(".//testcase/failure")) == 1
    elif fmt == "github":
        assert out.startswith(f"::error file={examples},line=")
    else:
        assert "FEJLET " in out and out.rstrip().endswith(f"{total - 1} bestået, 1 fejlet")


def test_validate_checks_examples_against_their_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    examples = _examples_copy(tmp_path, ("actor: alarm_112", "actor: alarm_113"))
    text = examples.read_text(encoding="utf-8")
    lines = text.splitlines()
    line = next(i for i, t in enumerate(lines, 1) if "actor: alarm_113" in t)
    col = lines[line - 1].index("actor") + 1
    assert main(["validate", "--lang", "en", str(examples)]) == 1
    out = capsys.readouterr().out
    expected = (
        f"{examples}:{line}:{col}: error BK208 actor 'alarm_113' is not in plan 'koege' (did you mean 'alarm_112'?)"
    )
    assert expected in out, out


def test_a_line_cut_short_is_reported_on_its_own_line() -> None:
    plan = beredskab.load_plan(PLANS / "koege.yaml")
    out = io.StringIO()
    route_events(plan, io.BytesIO(b'{"acute": false,\n' + json.dumps(EVENT).encode() + b"\n"), out, "events.jsonl")
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["problems"][0]["message"].startswith("events.jsonl:1:17: ikke gyldig JSON")
    assert second["plan"] == "koege"
