"""The pre-commit hook (``.pre-commit-hooks.yaml``) and ``beredskab validate`` on examples files.

The pre-commit tests run the real ``pre-commit`` against a throw-away git repository of
plans. pre-commit builds its own virtual environment and pip-installs beredskab from a
snapshot of this working tree (network access to PyPI and a C compiler for durable-rules
are needed; the install takes about a minute). Both scenarios share one ``PRE_COMMIT_HOME``,
so the install happens once per test run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from beredskab.cli import main
from conftest import PLANS, REPO

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
# pre-commit creates a venv and builds durable-rules from source on first use
INSTALL_TIMEOUT = 900

# what a snapshot of the working tree leaves out
_SNAPSHOT_IGNORE = {
    ".git",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "build",
    "dist",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
}


def _ignore(_dir: str, names: list[str]) -> set[str]:
    return {n for n in names if n in _SNAPSHOT_IGNORE or n.endswith((".egg-info", ".pyc"))}


def _clean_env() -> dict[str, str]:
    """The environment without git's per-repository variables (set when pytest runs inside a
    git hook) or the user's git configuration, and with text output from ``--format auto``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GITHUB_ACTIONS", "SKIP") and not (k.startswith("GIT_") or k.startswith("PRE_COMMIT"))
    }
    env["GIT_CONFIG_GLOBAL"] = os.devnull
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    return env


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=_clean_env(), capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, f"git {' '.join(args)} failed in {cwd}:\n{done.stdout}{done.stderr}"
    return done.stdout.strip()


def _git_init(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    _git(path, "init", "-q")
    _git(path, "config", "user.name", "beredskab tests")
    _git(path, "config", "user.email", "tests@example.invalid")
    _git(path, "config", "commit.gpgsign", "false")


def _commit_all(path: Path, message: str) -> str:
    _git(path, "add", "-A")
    _git(path, "commit", "-q", "--no-verify", "-m", message)
    return _git(path, "rev-parse", "HEAD")


@dataclass(frozen=True)
class HookRepo:
    path: Path  # a git repository holding a snapshot of this working tree
    rev: str  # the commit of that snapshot
    home: Path  # PRE_COMMIT_HOME, shared by the tests so beredskab is installed once


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> HookRepo:
    if not PRE_COMMIT.exists():
        pytest.skip(f"pre-commit is not installed beside {sys.executable} (pip install -e '.[test]')")
    if shutil.which("git") is None:
        pytest.skip("git is not installed; pre-commit needs it")
    base = tmp_path_factory.mktemp("precommit")
    snapshot = base / "beredskab"
    # the working tree as it is, uncommitted changes included, in a fresh repository
    shutil.copytree(REPO, snapshot, ignore=_ignore)
    _git_init(snapshot)
    rev = _commit_all(snapshot, "snapshot of the working tree")
    return HookRepo(snapshot, rev, base / "pre-commit-home")


def _plans_repo(where: Path, hook: HookRepo) -> Path:
    """A plan repository with Køge's plan and its examples, using the beredskab-validate hook."""
    _git_init(where)
    (where / "plans").mkdir()
    for name in ("koege.yaml", "koege.examples.yaml"):
        shutil.copyfile(PLANS / name, where / "plans" / name)
    # the plan's text (document.text), which its quotes are checked against
    (where / "plans" / "sources").mkdir()
    for text in (PLANS / "sources").glob("*.txt"):
        shutil.copyfile(text, where / "plans" / "sources" / text.name)
    (where / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook.path.as_posix()}\n    rev: {hook.rev}\n    hooks:\n      - id: beredskab-validate\n",
        encoding="utf-8",
    )
    _commit_all(where, "plans")
    return where


def _pre_commit(repo: Path, hook: HookRepo) -> tuple[int, str]:
    env = _clean_env()
    env["PRE_COMMIT_HOME"] = str(hook.home)
    done = subprocess.run(
        [str(PRE_COMMIT), "run", "--all-files", "--verbose", "--color", "never"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=INSTALL_TIMEOUT,
    )
    return done.returncode, done.stdout + done.stderr


def test_precommit_hook_passes_a_clean_plan(hook_repo: HookRepo, tmp_path: Path) -> None:
    repo = _plans_repo(tmp_path / "plans-repo", hook_repo)
    code, out = _pre_commit(repo, hook_repo)
    assert code == 0, out
    assert "beredskab validate" in out and "Passed" in out, out
    # the plan alone was checked: not its examples file (the hook's exclude), nor
    # pre-commit's own configuration
    assert "1 fil(er) kontrolleret: 0 fejl" in out, out  # the hook speaks Danish, as validate does by default
    assert "koege.examples.yaml" not in out, out
    assert ".pre-commit-config.yaml" not in out, out


def test_precommit_hook_leaves_other_yaml_alone(hook_repo: HookRepo, tmp_path: Path) -> None:
    """A plan repository holds other YAML (a site, CI): the hook checks the plans folder only."""
    repo = _plans_repo(tmp_path / "plans-repo", hook_repo)
    (repo / "mkdocs.yml").write_text("site_name: Beredskabsplaner\nnav:\n  - index.md\n", encoding="utf-8")
    (repo / "ci").mkdir()
    (repo / "ci" / "build.yaml").write_text("jobs: {}\n", encoding="utf-8")
    _git(repo, "add", "-A")
    code, out = _pre_commit(repo, hook_repo)
    assert code == 0, out
    assert "mkdocs.yml" not in out and "site_name" not in out and "BK102" not in out, out
    assert "1 fil(er) kontrolleret: 0 fejl" in out, out


def test_precommit_hook_fails_a_broken_plan_with_its_position(hook_repo: HookRepo, tmp_path: Path) -> None:
    repo = _plans_repo(tmp_path / "plans-repo", hook_repo)
    lines = (PLANS / "koege.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    at = lines.index("  slug: koege\n")
    lines.insert(at + 1, "  slug: koege_igen\n")  # a duplicated key, one line below the first
    (repo / "plans" / "broken.yaml").write_text("".join(lines), encoding="utf-8")
    _git(repo, "add", "plans/broken.yaml")
    code, out = _pre_commit(repo, hook_repo)
    assert code == 1, out
    assert "Failed" in out and "- exit code: 1" in out, out
    assert f"plans/broken.yaml:{at + 2}:3: fejl BK002 nøglen 'slug' står to gange" in out, out
    # both plans checked (one invocation, pass_filenames), the examples file not
    assert "2 fil(er) kontrolleret: " in out, out
    assert "koege.examples.yaml" not in out, out


# --- beredskab validate on examples files (in process) -------------------------------------

_BAD_EXAMPLES = {
    # name: (text, line, col, code)
    "unknown-key": (
        "plan: koege\n"
        "examples:\n"
        "  - name: Akut bekymring\n"
        "    event: {received_at: '2026-11-24T02:00:00+01:00', acute: true, age: 16}\n"
        "    expect: {rules: [acute-outside-hours]}\n"
        "    sorce: {section: '2.1.1.1'}\n",
        6,
        5,
        "BK102",
    ),
    "duplicate-key": (
        "plan: koege\n"
        "examples:\n"
        "  - name: Akut bekymring\n"
        "    event: {received_at: '2026-11-24T02:00:00+01:00', acute: true, age: 16}\n"
        "    expect: {rules: [acute-outside-hours]}\n"
        "    name: Igen\n",
        6,
        5,
        "BK002",
    ),
}


def test_validate_checks_a_named_examples_file_as_examples(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--lang", "en", str(PLANS / "koege.examples.yaml"), "--format", "text"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.strip() == "1 file(s) checked: 0 error(s), 0 warning(s), 0 info"


@pytest.mark.parametrize("suffix", [".examples.yaml", ".examples.yml"])
@pytest.mark.parametrize("kind", sorted(_BAD_EXAMPLES))
def test_validate_reports_a_broken_examples_file_with_positions(
    kind: str, suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, line, col, code_ = _BAD_EXAMPLES[kind]
    f = tmp_path / f"koege{suffix}"
    f.write_text(text, encoding="utf-8")
    code = main(["validate", "--lang", "en", str(f), "--format", "text"])
    out = capsys.readouterr().out
    assert code == 1, out
    assert f"{f}:{line}:{col}: error {code_} " in out, out
    # checked as an examples file: none of the plan format's complaints
    assert "missing required key 'municipality'" not in out, out
    assert out.rstrip().endswith("1 file(s) checked: 1 error(s), 0 warning(s), 0 info"), out


def test_validate_json_lists_examples_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    f = tmp_path / "koege.examples.yaml"
    f.write_text(_BAD_EXAMPLES["unknown-key"][0], encoding="utf-8")
    assert main(["validate", "--lang", "en", str(f), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["files_checked"] == 1
    assert [(p["line"], p["col"], p["code"]) for p in report["problems"]] == [(6, 5, "BK102")]


def test_validate_folder_still_skips_examples_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copyfile(PLANS / "koege.yaml", tmp_path / "koege.yaml")
    (tmp_path / "koege.examples.yaml").write_text(_BAD_EXAMPLES["unknown-key"][0], encoding="utf-8")
    main(["validate", "--lang", "en", str(tmp_path), "--format", "text", "--no-info"])
    out = capsys.readouterr().out
    assert "examples.yaml" not in out, out
    assert "1 file(s) checked" in out, out


def test_precommit_test_hook_runs_the_examples_of_changed_plans(hook_repo: HookRepo, tmp_path: Path) -> None:
    repo = _plans_repo(tmp_path / "plans-repo", hook_repo)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo.path.as_posix()}\n    rev: {hook_repo.rev}\n    hooks:\n"
        "      - id: beredskab-test\n",
        encoding="utf-8",
    )
    # a second plan without examples: skipped, not an error
    shutil.copyfile(PLANS / "randers.yaml", repo / "plans" / "randers.yaml")
    _commit_all(repo, "hook config and a plan without examples")
    code, out = _pre_commit(repo, hook_repo)
    assert code == 0, out
    total = len(yaml.safe_load((repo / "plans" / "koege.examples.yaml").read_text(encoding="utf-8"))["examples"])
    assert f"{total} bestået, 0 fejlet" in out, out  # Køge's examples, once though plan and examples both changed
    assert "randers.examples.yaml: ingen eksempelfil; sprunget over" in out, out
    # an expectation the plan does not meet fails the commit, at the example's line
    examples = repo / "plans" / "koege.examples.yaml"
    text = examples.read_text(encoding="utf-8")
    examples.write_text(text.replace("actor: alarm_112", "actor: police_114", 1), encoding="utf-8")
    code, out = _pre_commit(repo, hook_repo)
    assert code == 1, out
    assert "FEJLET plans/koege.examples.yaml:" in out and f"{total - 1} bestået, 1 fejlet" in out, out
