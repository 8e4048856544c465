"""Format versions and migrations (issue 20, point 8): old plans are read, and ``beredskab migrate``.

The repository's own history is the test: every plan file of every commit that touched
``plans/`` loads with today's loader (migrated where it is 1-legacy) and routes a concern.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import beredskab
from beredskab._errors import PlanError
from beredskab.cli import main
from beredskab.loader import load_plan_source, migrate_document, read_document, read_revision
from beredskab.spec import _yaml
from beredskab.spec import migrate as m
from conftest import EXAMPLE_FILES, PLANS, REPO

MINIMAL = EXAMPLE_FILES / "valid" / "minimal.yaml"
CONCERN = {"acute": False, "age": 16, "received_at": "2026-11-23T10:00:00+01:00"}
FIRST = "59e12ca"  # the first commit: plans/ as the format began


def _git(*argv: str) -> str:
    return subprocess.run(["git", *argv], cwd=REPO, capture_output=True, text=True, check=True).stdout


def _in_git() -> bool:
    if shutil.which("git") is None:
        return False
    try:
        _git("cat-file", "-e", f"{FIRST}^{{commit}}")
    except subprocess.CalledProcessError:
        return False
    return True


needs_history = pytest.mark.skipif(not _in_git(), reason="needs the git history of this repository")


def _historical_plans() -> list[str]:
    """``REV:PATH`` of every plan file (not routing examples) of every commit that touched plans/."""
    if not _in_git():
        return []
    out = []
    for rev in _git("rev-list", "HEAD", "--", "plans/").split():
        names = _git("ls-tree", "--name-only", rev, "plans/").split()
        out.extend(
            f"{rev[:12]}:{n}" for n in names if n.endswith(".yaml") and not n.endswith(beredskab.loader.EXAMPLES_SUFFIX)
        )
    return out


HISTORY = _historical_plans()


# --- the history ---------------------------------------------------------------------------


@needs_history
def test_every_plan_ever_committed_loads_and_routes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    migrated, failures = 0, []
    for spec in HISTORY:
        try:
            document = read_revision(spec)
            plan, _ = load_plan_source(spec)
        except PlanError as exc:
            failures.append(f"{spec}: {exc}")
            continue
        migrated += any(n.code == "BK009" for n in document.notes)
        decision = plan.route(CONCERN)
        assert decision.next, spec
    assert failures == []
    # the plans of the first six commits touching plans/ (five plans each) are 1-legacy
    assert len(HISTORY) >= 60
    assert migrated >= 30


@needs_history
def test_the_1_legacy_revisions_are_exactly_those_before_9f9bdb6() -> None:
    before = set(_git("rev-list", "9f9bdb6~1", "--", "plans/").split())
    for spec in HISTORY:
        rev = spec.partition(":")[0]
        text = _git("show", spec)
        version = m.detect_version(_yaml.parse_text(text, spec).data)
        legacy = any(r.startswith(rev) for r in before)
        assert version == (m.LEGACY_1 if legacy else m.CURRENT), spec


@needs_history
def test_the_issues_command_compares_2024_with_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code = main(["diff", f"{FIRST}:plans/koege.yaml", "plans/koege.yaml", "--as-of", "2026-11-23"])
    assert code in (0, 1)


@needs_history
def test_a_revision_says_it_was_migrated_and_from_which_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    document = read_revision(f"{FIRST}:plans/koege.yaml")
    [note] = document.notes
    assert note.code == "BK009" and note.severity.value == "info"
    assert "format 1-legacy" in note.message and "9f9bdb6" in note.message
    assert (note.line, note.col) == document.position(("format",))
    assert "beredskab migrate" in (note.hint or "")
    # today's plan is current: no note
    assert read_revision("HEAD:plans/koege.yaml").notes == []


@needs_history
def test_migrate_writes_what_9f9bdb6_wrote_by_hand(tmp_path: Path) -> None:
    """The migration of 59e12ca's Køge is, but for the migration's own words, the plan 9f9bdb6 committed."""
    old = tmp_path / "koege.yaml"
    old.write_text(_git("show", "9f9bdb6~1:plans/koege.yaml"), encoding="utf-8")
    assert main(["migrate", str(old)]) == 0
    ours = _yaml.parse_text(old.read_text(encoding="utf-8"), "ours").data
    theirs = _yaml.parse_text(_git("show", "9f9bdb6:plans/koege.yaml"), "theirs").data
    moved = [p for p, v in _yaml.iter_paths(theirs) if p[-1:] == ("note",) and "Nearest text" in str(v)]
    assert moved
    for path in moved:
        a, b = _at(ours, path), _at(theirs, path)
        assert a.replace(f"; {m.MIGRATED_NOTE}.)", ".)").split() == b.split(), path


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


# --- the steps -----------------------------------------------------------------------------


def _legacy_fact(**source: str) -> dict[str, Any]:
    return {"name": "x", "assumed": True, "note": "The text gives no hours.", "source": dict(source)}


def test_cited_and_assumed_moves_the_source_into_the_note() -> None:
    data = {"format": 1, "actors": {"a": _legacy_fact(section="2.1", quote="Ring 114.")}}
    out = m.migrate(data)
    assert out.source == m.LEGACY_1 and out.migrated
    fact = out.data["actors"]["a"]
    assert "source" not in fact and fact["assumed"] is True
    assert fact["note"] == (f'The text gives no hours. (Nearest text, 2.1: "Ring 114."; {m.MIGRATED_NOTE}.)')
    assert [c.path for c in out.changes] == [("actors", "a")]
    assert out.data["format"] == 1


def test_cited_and_assumed_keeps_the_seed_and_a_section_without_quote() -> None:
    data = {
        "format": 1,
        "x": [_legacy_fact(section="3", seed="001_e2c7ad6d7a34d03e.txt"), _legacy_fact(section="4")],
    }
    notes = [f["note"] for f in m.migrate(data).data["x"]]
    assert "(Nearest text: 3 [001_e2c7ad6d7a34d03e.txt];" in notes[0]
    assert "(Nearest text: 4;" in notes[1]


def test_cited_and_assumed_stays_within_the_notes_limit() -> None:
    fact = _legacy_fact(section="1", quote="ord " * 600)
    fact["note"] = "n" * 1500
    note = m.migrate({"format": 1, "f": fact}).data["f"]["note"]
    assert len(note) <= m.NOTE_LIMIT and note.startswith("n" * 1500) and "…" in note


def test_a_note_is_never_invented_and_cited_facts_are_left_alone() -> None:
    cited = {"source": {"section": "1"}}
    assumed = {"assumed": True, "note": "Assumed."}
    data = {"format": 1, "a": cited, "b": assumed, "c": {**_legacy_fact(section="2"), "note": None}}
    out = m.migrate(data).data
    assert out["a"] == cited and out["b"] == assumed
    assert out["c"]["note"].startswith("(Nearest text: 2;")  # the old note was empty: only what the source said


def test_migrate_never_changes_its_argument_and_is_idempotent() -> None:
    data = {"format": 1, "a": _legacy_fact(section="1", quote="q")}
    before = copy.deepcopy(data)
    once = m.migrate(data)
    assert data == before
    twice = m.migrate(once.data)
    assert not twice.migrated and twice.data == once.data and twice.source == m.CURRENT


@pytest.mark.parametrize(
    ("data", "version"),
    [
        ({"format": 1}, "1"),
        ({"format": 1, "a": {"assumed": True, "note": "n", "source": {"section": "1"}}}, "1-legacy"),
        ({"format": 1, "a": {"assumed": False, "source": {"section": "1"}}}, "1"),
        ({"format": 2}, None),
        ({"format": "1"}, None),
        ({"format": True}, None),
        ({}, None),
        ([1], None),
        (None, None),
    ],
)
def test_detect_version(data: Any, version: str | None) -> None:
    assert m.detect_version(data) == version
    assert m.migrate(data).migrated is (version == m.LEGACY_1)


def test_legacy_false_reads_a_file_as_written() -> None:
    data = {"format": 1, "a": _legacy_fact(section="1")}
    assert m.detect_version(data, legacy=False) == m.CURRENT
    assert m.migrate(data, legacy=False).data is data


def test_the_steps_are_a_chain_to_the_current_version_and_documented() -> None:
    assert m.STEPS[-1].target == m.CURRENT
    for before, after in zip(m.STEPS, m.STEPS[1:], strict=False):
        assert before.target == after.source
    for step in m.STEPS:
        assert step.commit and step.date and step.change and (step.run.__doc__ or "").strip()


# --- reading: history is migrated, authoring is not ----------------------------------------


def _legacy_minimal(tmp_path: Path) -> Path:
    """The minimal plan with one schedule both cited and assumed (1-legacy), and a comment."""
    text = MINIMAL.read_text(encoding="utf-8")
    old = "    note: Test hours.\n"
    assert text.count(old) == 1
    path = tmp_path / "old.yaml"
    path.write_text(
        text.replace(old, old + '    # where the hours come from\n    source: {section: "1", quote: "Hours."}\n'),
        encoding="utf-8",
    )
    return path


def test_validate_still_rejects_a_plan_written_today_both_cited_and_assumed(tmp_path: Path) -> None:
    path = _legacy_minimal(tmp_path)
    report = beredskab.validate([path])
    assert any(p.code == "BK101" for p in report.errors)
    with pytest.raises(PlanError):
        beredskab.load_plan(path)


def test_a_side_of_a_comparison_is_read_in_the_format_it_was_written_in(tmp_path: Path) -> None:
    path = _legacy_minimal(tmp_path)
    plan, _ = load_plan_source(path)
    assert plan.route(CONCERN).next
    assert beredskab.diff(path, MINIMAL).same is False  # the note changed, nothing else
    document = migrate_document(read_document(path, legacy=False))
    assert [n.code for n in document.notes] == ["BK009"]


# --- the migrate command -------------------------------------------------------------------


def test_migrate_in_place_keeps_comments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _legacy_minimal(tmp_path)
    before = path.read_text(encoding="utf-8")
    assert main(["migrate", str(path), "--lang", "en"]) == 0
    after = path.read_text(encoding="utf-8")
    assert "format 1-legacy -> 1, 1 change(s)" in capsys.readouterr().out
    assert 'source: {section: "1", quote: "Hours."}' not in after
    assert 'Nearest text, 1: "Hours."' in after
    # every comment of the file is still there, the one beside the moved source included
    comments = [line.strip() for line in before.splitlines() if line.strip().startswith("#")]
    assert comments and all(c in after for c in comments)
    assert beredskab.load_plan(path).route(CONCERN).next
    # only the fact's lines changed
    assert len(before.splitlines()) - len(after.splitlines()) <= 2


def test_migrate_check_changes_nothing_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _legacy_minimal(tmp_path)
    before = path.read_bytes()
    assert main(["migrate", "--check", str(path), "--lang", "en"]) == 1
    assert path.read_bytes() == before
    assert "would be migrated" in capsys.readouterr().out
    assert main(["migrate", "--check", str(MINIMAL)]) == 0


def test_migrate_stdout_prints_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _legacy_minimal(tmp_path)
    before = path.read_bytes()
    assert main(["migrate", "--stdout", str(path), "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    assert path.read_bytes() == before
    assert 'Nearest text, 1: "Hours."' in out and "1-legacy" in err
    assert m.detect_version(_yaml.parse_text(out, "out").data) == m.CURRENT


def test_a_current_file_is_left_as_it_is_byte_for_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "koege.yaml"
    shutil.copyfile(PLANS / "koege.yaml", path)
    before, stamp = path.read_bytes(), path.stat().st_mtime_ns
    os.utime(path, ns=(stamp - 10**9, stamp - 10**9))
    assert main(["migrate", str(path), "--lang", "en"]) == 0
    assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == stamp - 10**9  # not even written again
    assert "already in format 1" in capsys.readouterr().out
    assert main(["migrate", "--stdout", str(path)]) == 0
    assert capsys.readouterr().out.encode("utf-8") == before


def test_migrate_writes_the_whole_file_again_where_it_must_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A source that opens a list item (``- source:``) cannot go by lines: the file is dumped, comments lost."""
    text = MINIMAL.read_text(encoding="utf-8")
    old, cited = "rules:\n  - id: ", '    source: {section: "3", quote: "Ring 112"}\n'
    assert text.count(old) == 1 and text.count(cited) == 1
    path = tmp_path / "item.yaml"
    path.write_text(
        text.replace(cited, "").replace(
            old, 'rules:\n  - source: {section: "3"}\n    assumed: true\n    note: Inferred.\n    id: '
        ),
        encoding="utf-8",
    )
    assert m.detect_version(_yaml.parse_text(path.read_text(encoding="utf-8"), "p").data) == m.LEGACY_1
    assert main(["migrate", str(path), "--lang", "en"]) == 0
    assert "comments could not be kept" in capsys.readouterr().out
    after = path.read_text(encoding="utf-8")
    assert "#" not in after.splitlines()[0]
    assert beredskab.load_plan(path).route(CONCERN).next


def test_migrate_refuses_what_it_cannot_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    newer = tmp_path / "newer.yaml"
    newer.write_text(MINIMAL.read_text(encoding="utf-8").replace("format: 1", "format: 7"), encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: 1\nmunicipality: [\n", encoding="utf-8")
    assert main(["migrate", str(newer), "--lang", "en"]) == 2
    assert "not a plan in a format this version of beredskab knows" in capsys.readouterr().err
    assert main(["migrate", str(broken)]) == 2
    assert "BK001" in capsys.readouterr().err
    assert main(["migrate", str(tmp_path / "missing.yaml")]) == 2
    assert main(["migrate", "--stdout", str(newer), str(broken)]) == 2
    assert newer.read_text(encoding="utf-8").count("format: 7") == 1


def test_migrate_speaks_danish_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _legacy_minimal(tmp_path)
    assert main(["migrate", "--check", str(path)]) == 1
    assert "ville blive migreret" in capsys.readouterr().out


def test_migrate_help_teaches(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["migrate", "--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and "--check" in out and "1-legacy" in out and "comments" in out


def test_the_rewrite_patches_an_anchored_value_once() -> None:
    text = "format: 1\na: &d\n  assumed: true\n  note: N.\n  source: {section: '1'}\nb: *d\n"
    data = _yaml.parse_text(text, "t").data
    out = m.rewrite_text(text, m.migrate(data).data)
    assert out is not None and out.count("Nearest text") == 1 and "*d" in out
