"""``beredskab.validate(, lang="en")``: the one validation pipeline, as the CLI, the tests and reports use it."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

import beredskab
from beredskab.cli import main
from conftest import EXAMPLE_FILES, PLANS, REPO, SLUGS

AS_OF = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def shipped() -> beredskab.Report:
    return beredskab.validate([PLANS], as_of=AS_OF, lang="en")


def test_the_shipped_plans(shipped: beredskab.Report) -> None:
    assert isinstance(shipped, beredskab.Report)
    assert sorted(p.slug for p in shipped.plans.values()) == sorted(SLUGS)
    assert len(shipped.files) == len(SLUGS)
    assert not shipped.errors and not shipped.failed()
    assert shipped.count(beredskab.Severity.WARNING) > 0  # the revision-age and sharing warnings
    assert shipped.failed(strict=True)
    assert list(shipped.problems) == sorted(shipped.problems)
    assert shipped.unusable == ()


def test_a_single_path_and_a_file(shipped: beredskab.Report) -> None:
    one = beredskab.validate(PLANS / "koege.yaml", as_of=AS_OF, lang="en")
    assert [p.slug for p in one.plans.values()] == ["koege"]

    def key(p: beredskab.Problem) -> tuple[object, ...]:
        return (p.line, p.col, p.code, p.severity, p.message)

    assert {p.file for p in one.problems} == {str(PLANS / "koege.yaml")}
    assert sorted(map(key, one.problems)) == sorted(key(p) for p in shipped.problems if p.file.endswith("koege.yaml"))


def test_the_cli_prints_what_validate_returns(
    shipped: beredskab.Report, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    code = main(["validate", "--lang", "en", "plans", "--format", "json", "--as-of", AS_OF.isoformat()])
    out = json.loads(capsys.readouterr().out)
    report = beredskab.validate(["plans"], as_of=AS_OF, lang="en")
    assert code == 0
    assert out == {"files_checked": len(report.files), "problems": [p.to_dict() for p in report.problems]}
    assert len(report.problems) == len(shipped.problems)


def test_select_checks_by_code_or_name() -> None:
    only = beredskab.validate([PLANS], as_of=AS_OF, checks=["BK703", "information-sharing"], lang="en")
    assert {p.code for p in only.problems} == {"BK703", "BK704"}
    assert beredskab.validate([PLANS], as_of=AS_OF, checks=[], lang="en").problems == ()


def test_an_unknown_check_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"no check 'coverage-gaps' \(did you mean 'coverage-gap'\?\)"):
        beredskab.validate([PLANS], checks=["coverage-gaps"], lang="en")


def test_loader_problems_and_missing_paths(tmp_path: Path) -> None:
    bad = EXAMPLE_FILES / "invalid" / "duplicate-key.yaml"
    empty = tmp_path / "empty"
    empty.mkdir()
    report = beredskab.validate([bad, tmp_path / "nope.yaml", empty], as_of=AS_OF, lang="en")
    assert report.plans == {}
    assert {p.code for p in report.problems} == {"BK002"}
    assert report.files == (str(bad),)
    assert report.unusable == (
        (str(tmp_path / "nope.yaml"), "no such file or folder"),
        (str(empty), "no plan files (*.yaml) in this folder"),
    )


def test_an_examples_file_named_explicitly_is_checked_as_examples(tmp_path: Path) -> None:
    shutil.copy(PLANS / "koege.yaml", tmp_path / "koege.yaml")
    examples = tmp_path / "koege.examples.yaml"
    examples.write_text("plan: koege\nexamples: []\n", encoding="utf-8")
    report = beredskab.validate([examples], as_of=AS_OF, lang="en")
    assert report.plans == {}
    assert [p.code for p in report.problems] == ["BK101"]  # examples needs at least one
    # a folder skips examples files
    assert beredskab.validate([tmp_path], as_of=AS_OF, lang="en").files == (str(tmp_path / "koege.yaml"),)


def test_as_of_moves_the_revision_warnings() -> None:
    early = beredskab.validate(PLANS / "randers.yaml", as_of=dt.date(2020, 1, 1), checks=["BK703"], lang="en")
    late = beredskab.validate(PLANS / "randers.yaml", as_of=dt.date(2030, 1, 1), checks=["BK703"], lang="en")
    assert len(early.problems) < len(late.problems)
