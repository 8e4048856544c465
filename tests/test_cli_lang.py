"""The command line speaks Danish by default and English with ``--lang en``, beyond the checks.

The format's own rules (``spec/model.py``), the reasons a file cannot be read
(``_files.py``), ``beredskab test``'s failures and the commands' own errors all go through
gettext catalogs (``validate`` and ``cli``); machine fields (JSON keys, codes) never change.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from beredskab._i18n import LOCALE_DIR
from beredskab.cli import main
from beredskab.spec import model
from conftest import EXAMPLE_FILES, PLANS, REPO

SRC = REPO / "src" / "beredskab"
MINIMAL = EXAMPLE_FILES / "valid" / "minimal.yaml"
AT = "2026-11-23T10:00:00+01:00"  # a Monday, inside Køge's opening hours


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _both(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    """The command run by default and with ``--lang en``."""
    return _run(capsys, *argv), _run(capsys, *argv, "--lang", "en")


def _plan_with(tmp_path: Path, old: str, new: str) -> Path:
    text = MINIMAL.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "plan.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


# --- validate: the format's own rules carry their values through translation ------------------


def test_a_bad_time_range_is_danish_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = _plan_with(tmp_path, 'mon: ["08:00-15:00"]', 'mon: ["15:00-08:00"]')
    (code_da, da, _), (code_en, en, _) = _both(capsys, "validate", "--no-info", str(plan))
    assert code_da == code_en == 1
    assert (
        "fejl BK101 schedules.municipal_hours.weekly: tidsrummet '15:00-08:00' skal slutte senere, end det begynder"
        in da
    )
    assert "error BK101 schedules.municipal_hours.weekly: time range '15:00-08:00' must end after it starts" in en
    assert "Value error" not in da + en


def test_a_duration_too_long_names_its_unit_in_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    path = EXAMPLE_FILES / "invalid" / "duration-too-long.yaml"
    (_, da, _), (_, en, _) = _both(capsys, "validate", "--no-info", str(path))
    assert "varigheden 'PT9999999999H' er længere end ti år (højst 87600 timer)" in da, da
    assert "duration 'PT9999999999H' is longer than ten years (at most 87600 hours)" in en, en
    assert "is longer than" not in da and "længere" not in en


@pytest.mark.parametrize(
    ("old", "new", "danish", "english"),
    [
        (
            "min: 0, max: 17",
            "min: 17, max: 3",
            "aldersgruppens min 17 er større end dens max 3",
            "age band min 17 is above max 3",
        ),
        (
            'mon: ["08:00-15:00"]',
            'mon: ["08:00-15:00", "10:00-12:00"]',
            "åbningstiderne om mon overlapper hinanden",
            "opening hours on mon overlap",
        ),
        (
            "when: {step: visitation}",
            "when: {all: []}",
            "'all' skal have mindst én betingelse",
            "'all' needs at least one condition",
        ),
        (
            "by_severity: {high: PT24H, medium: PT48H, low: PT72H}",
            "by_severity: {low: PT72H}",
            "'by_severity' mangler ['high', 'medium']",
            "'by_severity' lacks ['high', 'medium']",
        ),
        (
            "    note: Test hours.\n",
            '    note: Test hours.\n    source: {section: "1"}\n',
            "en værdi er enten citeret ('source') eller antaget",
            "a value is either cited ('source') or assumed",
        ),
    ],
    ids=["age-band", "overlap", "empty-all", "by-severity", "cited-and-assumed"],
)
def test_the_formats_rules_speak_the_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, danish: str, english: str
) -> None:
    plan = _plan_with(tmp_path, old, new)
    (_, da, _), (_, en, _) = _both(capsys, "validate", "--no-info", "--format", "json", str(plan))
    (one,), (two,) = json.loads(da)["problems"], json.loads(en)["problems"]
    assert danish in one["message"] and english in two["message"]
    # the machine fields are the same in both languages
    assert {k: v for k, v in one.items() if k != "message"} == {k: v for k, v in two.items() if k != "message"}


def test_a_rule_broken_outside_validation_stays_a_value_error() -> None:
    """The routing code parses times and durations too: a bad one is still a ValueError there."""
    with pytest.raises(ValueError, match="must end after it starts"):
        model.parse_time_range("15:00-08:00")
    with pytest.raises(ValueError, match="must be one of PT<n>H"):
        model.parse_duration("3 days")


# --- files that are not plans ------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_as_plan_is_said_in_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    (code_da, da, _), (code_en, en, _) = _both(capsys, "validate", "/dev/zero")
    assert code_da == code_en == 1
    assert "/dev/zero:1:1: fejl BK000 filen kan ikke læses: er en enhed, ikke en almindelig fil" in da, da
    assert "/dev/zero:1:1: error BK000 cannot read file: is a device, not a regular file" in en, en


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_as_event_is_said_in_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    (code_da, _, da), (code_en, _, en) = _both(capsys, "route", "koege", "--acute", "--at", AT, "--event", "/dev/zero")
    assert code_da == code_en == 2
    assert "ugyldig hændelse" in da and "kan ikke læse /dev/zero: er en enhed, ikke en almindelig fil" in da, da
    assert "bad event" in en and "cannot read /dev/zero: is a device, not a regular file" in en, en


def test_a_fifo_as_plan_is_a_named_pipe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "plan.yaml"
    os.mkfifo(fifo)
    (_, da, _), (_, en, _) = _both(capsys, "validate", str(fifo))
    assert "er et navngivet rør (FIFO), ikke en almindelig fil" in da, da
    assert "is a FIFO (named pipe), not a regular file" in en, en


# --- beredskab test ----------------------------------------------------------------------------


def _failing_examples(tmp_path: Path) -> Path:
    """Køge's plan with one example that expects the wrong actor first."""
    shutil.copy(PLANS / "koege.yaml", tmp_path / "koege.yaml")
    example = {
        "name": "Akut går til politiet",
        "event": {"received_at": AT, "acute": True, "age": 30},
        "expect": {"next": ["infohus_koege", "police_114"]},
        "assumed": True,
        "note": "a test",
    }
    path = tmp_path / "koege.examples.yaml"
    path.write_text(
        yaml.safe_dump({"plan": "koege", "examples": [example]}, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return path


def test_a_failing_example_is_reported_in_danish_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    examples = _failing_examples(tmp_path)
    (code_da, da, _), (code_en, en, _) = _both(capsys, "test", str(examples))
    assert code_da == code_en == 1
    assert f"FEJLET {examples}:" in da and "Akut går til politiet" in da
    assert "next[0]: forventede aktør 'infohus_koege', fik 'alarm_112'" in da, da
    assert "     afgørelse: regler " in da
    assert da.rstrip().endswith("0 bestået, 1 fejlet")
    assert f"FAIL {examples}:" in en
    assert "next[0]: expected actor 'infohus_koege', got 'alarm_112'" in en, en
    assert "     decision: rules " in en
    assert en.rstrip().endswith("0 passed, 1 failed")
    # the decision's explanation shown under a failure follows the language too
    assert "Afgjort af reglen" in da and "Decided by rule" in en


def test_test_json_keeps_its_keys_in_every_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    examples = _failing_examples(tmp_path)
    (_, da, _), (_, en, _) = _both(capsys, "test", "--format", "json", str(examples))
    one, two = json.loads(da), json.loads(en)
    assert one.keys() == two.keys() == {"passed", "failed", "results"}
    assert (one["passed"], one["failed"]) == (two["passed"], two["failed"]) == (0, 1)
    assert one["results"][0].keys() == two["results"][0].keys()
    assert one["results"][0]["failures"] == ["next[0]: forventede aktør 'infohus_koege', fik 'alarm_112'"]
    assert two["results"][0]["failures"] == ["next[0]: expected actor 'infohus_koege', got 'alarm_112'"]


def test_shipped_examples_pass_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    (code_da, da, _), (code_en, en, _) = _both(capsys, "test", str(PLANS / "koege.yaml"))
    assert code_da == code_en == 0
    assert da.splitlines()[-1].endswith(" bestået, 0 fejlet") and en.splitlines()[-1].endswith(" passed, 0 failed")


# --- the commands' own errors ------------------------------------------------------------------


def test_a_missing_examples_file_is_said_in_the_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = str(tmp_path / "nowhere.examples.yaml")
    (code_da, _, da), (code_en, _, en) = _both(capsys, "test", missing)
    assert code_da == code_en == 2
    assert da == f"beredskab: {missing}: eksempelfilen findes ikke\n"
    assert en == f"beredskab: {missing}: no such examples file\n"


def test_a_missing_events_file_is_said_in_the_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = str(tmp_path / "none.jsonl")
    (code_da, _, da), (code_en, _, en) = _both(capsys, "route", "koege", "--events", missing)
    assert code_da == code_en == 2
    assert da == f"beredskab: {missing}: kan ikke læses: filen eller mappen findes ikke\n"
    assert en == f"beredskab: {missing}: cannot read: No such file or directory\n"


def test_init_errors_are_danish_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (code_da, _, da), (code_en, _, en) = _both(capsys, "init", "testby", "--kommunekode", "7")
    assert code_da == code_en == 2
    assert da == "beredskab: --kommunekode er en kommunes kode, 101-999\n"
    assert en == "beredskab: --kommunekode is a municipality's code, 101-999\n"
    assert not (tmp_path / "plans").exists()


def test_an_internal_error_is_said_in_the_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from beredskab.cli import plans as cli_plans

    def broken(_args: object) -> int:
        raise RuntimeError("private 010101-1234")

    monkeypatch.setattr(cli_plans, "cmd_test", broken)
    (code_da, _, da), (code_en, _, en) = _both(capsys, "test", "plans/")
    assert code_da == code_en == 2
    assert da.startswith("beredskab: intern fejl (RuntimeError); det er en fejl i beredskab")
    assert en.startswith("beredskab: internal error (RuntimeError); this is a bug in beredskab")
    assert "010101" not in da + en


# --- the catalogs keep up with the code --------------------------------------------------------


def _catalog(domain: str) -> dict[str, str]:
    with (LOCALE_DIR / "da" / "LC_MESSAGES" / f"{domain}.po").open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id and isinstance(m.id, str)}


def _ids_in(source: str, keywords: tuple[str, ...] = ("_",)) -> set[str]:
    """The literal message ids passed first to ``_`` (or the other ``keywords``) in ``source``."""
    ids = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in keywords and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                ids.add(first.value)
    return ids


def _function_source(path: Path, name: str) -> str:
    text = path.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return ast.get_source_segment(text, node) or ""
    raise AssertionError(f"{name} not in {path}")


def test_every_message_of_the_commands_has_danish_words() -> None:
    cli = SRC / "cli"
    ids = set()
    for f in sorted(cli.glob("*.py")):
        if f.name != "reporters.py":  # its other reporters use the views' domains
            ids |= _ids_in(f.read_text(encoding="utf-8"))
    ids |= _ids_in(_function_source(cli / "reporters.py", "_results_text"))
    assert len(ids) > 40
    known = _catalog("cli")
    assert sorted(ids - known.keys()) == []


def test_every_rule_of_the_format_and_every_file_reason_has_danish_words() -> None:
    text = (SRC / "spec" / "model.py").read_text(encoding="utf-8")
    ids = _ids_in(text, ("_invalid",)) | set(model._TOO_LONG.values())
    assert len(ids) >= 20
    # no rule of the format is raised as a bare ValueError any more: it could not be translated
    assert "raise ValueError" not in text
    for f in (SRC / "_files.py", SRC / "plan.py", SRC / "analysis" / "examples.py"):
        ids |= _ids_in(f.read_text(encoding="utf-8"))
    known = _catalog("validate")
    assert sorted(ids - known.keys()) == []
