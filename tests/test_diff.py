"""``beredskab diff`` and ``beredskab.diff``: both layers as an auditor uses them, from files, slugs and git."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

import beredskab
from beredskab.cli import main
from beredskab.cli.reporters import NO_ROUTING_EFFECT
from beredskab.routing.conditions import admissible
from conftest import PLANS, git

KOEGE = PLANS / "koege.yaml"
AS_OF = "2026-12-01"  # a Tuesday: the Saturday in the witnesses is the 5th


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["diff", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def _repo_cwd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PLANS.parent)  # slugs resolve in plans/
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def _swap_adjacent_disjoint(plan: beredskab.Plan, text: str) -> tuple[str, int]:
    """Swap the first two neighbouring rules that can never hold at the same step (so no
    concern is routed differently), and say which."""
    steps = list(plan.steps)
    for i in range(len(plan.rules) - 1):
        here = admissible(plan.rules[i].when, "step", steps)
        there = admissible(plan.rules[i + 1].when, "step", steps)
        if not here & there:
            starts = [m.start() for m in re.finditer(r"^  - id: ", text, re.M)]
            end = text.index("\ncatch_all:") + 1
            bounds = [*starts, end]
            blocks = [text[bounds[k] : bounds[k + 1]] for k in range(len(starts))]
            blocks[i], blocks[i + 1] = blocks[i + 1], blocks[i]
            return text[: starts[0]] + "".join(blocks) + text[end:], i
    raise AssertionError("no two neighbouring rules with disjoint steps")


# --- the Python API -----------------------------------------------------------------------


def test_a_plan_against_itself_is_the_same(plans: dict[str, beredskab.Plan]) -> None:
    result = beredskab.diff(plans["koege"], "koege", as_of=dt.date(2026, 12, 1))
    assert isinstance(result, beredskab.PlanDiff)
    assert result.same and result.by == "actor"
    assert result.structural == [] and result.behavioural.differing == 0 and result.behavioural.regions == []
    assert result.behavioural.situations > 0


def test_across_municipalities_the_default_is_by_role(plans: dict[str, beredskab.Plan]) -> None:
    result = beredskab.diff(plans["koege"], plans["randers"], as_of=dt.date(2026, 12, 1))
    assert result.by == "role" and not result.same
    assert result.a.plan == "koege" and result.b.plan == "randers"
    assert result.a.source == "plans/koege.yaml"
    # the contract's JSON shape, and every witness a Concern that route() accepts and that differs
    data = result.model_dump(mode="json")
    assert set(data) == {"a", "b", "by", "same", "structural", "behavioural", "rules"}
    assert beredskab.PlanDiff.model_validate(data) == result
    for region in result.behavioural.regions:
        a = plans["koege"].route(region.witness)
        b = plans["randers"].route(region.witness)
        assert a.rules == region.a.rules and b.rules == region.b.rules
        assert [x.kind for x in a.next] == [x.kind for x in region.a.next]


def test_by_can_be_chosen_and_is_checked(plans: dict[str, beredskab.Plan]) -> None:
    result = beredskab.diff(plans["koege"], plans["randers"], by="actor", as_of=dt.date(2026, 12, 1))
    assert result.by == "actor"
    with pytest.raises(ValueError, match="actor' or 'role"):
        beredskab.diff(plans["koege"], plans["koege"], by="kind")  # type: ignore[arg-type]


def test_a_reordering_that_changes_nothing_is_a_move_with_no_routing_effect(
    tmp_path: Path, plans: dict[str, beredskab.Plan], capsys: pytest.CaptureFixture[str]
) -> None:
    text, i = _swap_adjacent_disjoint(plans["koege"], KOEGE.read_text(encoding="utf-8"))
    swapped = tmp_path / "koege.yaml"
    swapped.write_text(text, encoding="utf-8")
    result = beredskab.diff(KOEGE, swapped, as_of=dt.date(2026, 12, 1))
    moved = [c for c in result.structural if c.change == "moved"]
    assert {c.path for c in moved} <= {f"rules[id={plans['koege'].rules[k].id}]" for k in (i, i + 1)}
    assert moved and result.behavioural.differing == 0 and not result.same
    code, out, _ = _run(capsys, str(KOEGE), str(swapped), "--as-of", AS_OF, "--lang", "en")
    assert code == 1
    assert NO_ROUTING_EFFECT in out and "moved from" in out
    assert _run(capsys, str(KOEGE), str(swapped), "--fail-on", "behaviour", "--as-of", AS_OF)[0] == 0
    assert _run(capsys, str(KOEGE), str(swapped), "--fail-on", "structure", "--as-of", AS_OF)[0] == 1


def test_a_retargeted_rule_is_found_and_the_other_layers_agree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = KOEGE.read_text(encoding="utf-8")
    # the adults' rule now sends the concern to the local police instead of the Infohus
    start = text.index("  - id: over-18-infohus-mail")
    end = text.index("\n  - id: ", start + 1)
    block = text[start:end].replace(
        "{actor: infohus_koege, step: reception, via: [email]}", "{actor: mvs_politi, step: reception}", 1
    )
    changed = tmp_path / "koege.yaml"
    changed.write_text(text[:start] + block + text[end:], encoding="utf-8")
    result = beredskab.diff(KOEGE, changed, as_of=dt.date(2026, 12, 1))
    paths = [c.path for c in result.structural]
    assert any(p.startswith("rules[id=over-18-infohus-mail].next") for p in paths), paths
    assert result.behavioural.differing > 0
    assert all(r.a.rules == ["over-18-infohus-mail"] for r in result.behavioural.regions)
    assert all({x.actor for x in r.b.next} >= {"mvs_politi"} for r in result.behavioural.regions)
    # nothing but --fail-on structure passes it
    assert _run(capsys, str(KOEGE), str(changed), "--fail-on", "behaviour", "--as-of", AS_OF)[0] == 1


# --- the command --------------------------------------------------------------------------


def test_self_diff_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "koege", "plans/koege.yaml", "--lang", "en")
    assert (code, err) == (0, "")
    assert "no differences" in out


def test_koege_and_randers_list_their_largest_difference_with_a_witness(capsys: pytest.CaptureFixture[str]) -> None:
    """The JSON lists regions largest first; the text shows each witness a reviewer can route again."""
    code, out, _ = _run(capsys, "koege", "randers", "--format", "json", "--as-of", AS_OF)
    assert code == 1
    result = beredskab.PlanDiff.model_validate_json(out)
    regions = result.behavioural.regions
    assert regions and [r.situations for r in regions] == sorted((r.situations for r in regions), reverse=True)
    assert sum(r.situations for r in regions) <= result.behavioural.differing
    region = regions[0]
    koege, randers = beredskab.load_plan(PLANS / "koege.yaml"), beredskab.load_plan(PLANS / "randers.yaml")
    a, b = koege.route(region.witness), randers.route(region.witness)
    assert [x.actor for x in a.next] == [x.actor for x in region.a.next]
    assert [x.actor for x in b.next] == [x.actor for x in region.b.next]
    code, text, _ = _run(capsys, "koege", "randers", "--as-of", AS_OF, "--lang", "en")
    assert code == 1
    assert json.dumps(region.witness, ensure_ascii=False) in text
    assert "largest regions, listed, cover" in text  # a cut list says so


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "github"])
def test_every_format_reports_both_layers(fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = KOEGE.read_text(encoding="utf-8").replace("id: over-18-infohus-mail", "id: adults-write", 1)
    renamed = tmp_path / "koege.yaml"
    renamed.write_text(text, encoding="utf-8")
    code, out, err = _run(capsys, str(KOEGE), str(renamed), "--format", fmt, "--as-of", AS_OF, "--lang", "en")
    assert (code, err) == (1, "")
    if fmt == "json":
        data = json.loads(out)
        assert [c["change"] for c in data["structural"]] == ["renamed"]
        assert data["behavioural"]["differing"] == 0
    elif fmt == "github":
        assert all(line.startswith("::") for line in out.splitlines())
        assert f"file={renamed}" in out.replace("%3A", ":")
    else:
        assert "renamed" in out and NO_ROUTING_EFFECT in out


def test_a_bad_plan_or_usage_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\nmunicipality: [\n", encoding="utf-8")
    code, out, err = _run(capsys, "koege", str(bad))
    assert code == 2 and out == ""
    assert re.search(rf"{re.escape(str(bad))}:\d+:\d+: fejl", err)
    assert _run(capsys, "koege", "no-such-plan")[0] == 2
    with pytest.raises(SystemExit) as exc:
        main(["diff", "koege", "randers", "--by", "kind"])
    assert exc.value.code == 2


# --- revisions from git -------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_revision_diff_in_a_git_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "plans-repo"
    (repo / "plans").mkdir(parents=True)
    plan = repo / "plans" / "koege.yaml"
    original = KOEGE.read_text(encoding="utf-8")
    plan.write_text(original, encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "plan")
    # the next revision: a rule renamed
    edited = original.replace("id: over-18-infohus-mail", "id: adults-write", 1)
    plan.write_text(edited, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "rename")
    monkeypatch.chdir(repo)

    code, out, err = _run(capsys, "HEAD~1:plans/koege.yaml", "HEAD:plans/koege.yaml", "--format", "json")
    assert (code, err) == (1, "")
    data = json.loads(out)
    assert data["a"] == {"plan": "koege", "source": "HEAD~1:plans/koege.yaml"}
    assert data["by"] == "actor"
    (change,) = data["structural"]
    assert change["change"] == "renamed"
    assert change["a_at"].startswith("HEAD~1:plans/koege.yaml:") and change["b_at"].startswith("HEAD:plans/koege.yaml:")
    # GitHub annotations name the file in the repository, not the revision
    code, out, _ = _run(capsys, "HEAD~1:plans/koege.yaml", "HEAD:plans/koege.yaml", "--format", "github")
    assert code == 1 and "file=plans/koege.yaml,line=" in out
    # the working file against its last commit: the same
    assert _run(capsys, "HEAD:plans/koege.yaml", "plans/koege.yaml")[0] == 0
    # a revision that does not exist, a path not in it: exit 2, one clear line each
    for spec in ("HEAD~5:plans/koege.yaml", "HEAD:plans/nope.yaml"):
        code, out, err = _run(capsys, spec, "plans/koege.yaml", "--lang", "en")
        assert code == 2 and out == ""
        assert f"{spec}:1:1: error BK000 cannot read the revision" in err
        code, out, err = _run(capsys, spec, "plans/koege.yaml")  # Danish by default, like the rest
        assert code == 2 and f"{spec}:1:1: fejl BK000 kan ikke læse revisionen" in err
    # a bad plan in a revision is positioned in that revision
    plan.write_text("format: 1\nmunicipality: [\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "broken")
    code, _, err = _run(capsys, "HEAD:plans/koege.yaml", "HEAD~1:plans/koege.yaml")
    assert code == 2 and re.search(r"HEAD:plans/koege\.yaml:\d+:\d+: fejl", err)


def test_the_same_day_gives_the_same_diff(plans: dict[str, Any]) -> None:
    """A CI job with --as-of prints the same regions and witnesses every run (no set order leaks)."""
    one = beredskab.diff(plans["koege"], plans["herning"], as_of=dt.date(2026, 12, 1))
    two = beredskab.diff(plans["koege"], plans["herning"], as_of=dt.date(2026, 12, 1))
    assert one == two
