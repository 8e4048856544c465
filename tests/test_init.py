"""A sixth municipality: a plan written from ``beredskab init`` and docs/ alone validates and tests green."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from beredskab.cli import main
from conftest import REPO


def test_init_writes_a_plan_that_validates_and_tests_green(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    args = [
        "init",
        "vejle",
        "--name",
        "Vejle Kommune",
        "--kommunekode",
        "630",
        "--police-district",
        "Sydøstjyllands Politi",
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "skrev plans/vejle.yaml" in out and "skrev .pre-commit-config.yaml" in out
    plan = (tmp_path / "plans" / "vejle.yaml").read_text(encoding="utf-8")
    assert "slug: vejle" in plan and "kommunekode: 630" in plan and '"Vejle Kommune"' in plan
    # as written: the placeholder contacts are errors (BK906) until replaced, never info that
    # --no-info could hide; nothing else fails, every other fact is listed as assumed (BK901)
    assert main(["validate", "--lang", "en", "plans/", "--as-of", "2026-12-01"]) == 1
    report = capsys.readouterr().out
    placeholders = re.findall(r"error BK906 '([^']+)'", report)
    assert sorted(placeholders) == ["0000 0000", "0000 0000", "infohus@vejle.invalid", "vejle.invalid/underretning"]
    assert re.search(r"1 file\(s\) checked: 4 error\(s\), 0 warning\(s\), \d+ info", report), report
    assert "BK901" in report
    assert main(["validate", "--lang", "en", "plans/vejle.examples.yaml"]) == 0  # the examples name the plan's ids
    assert main(["test", "plans/"]) == 0
    assert re.search(r"\d+ bestået, 0 fejlet", capsys.readouterr().out)
    # the author's walk: the contacts their text gives, cited, replace the placeholders; then
    # validate --strict is green with no invented fact (the rest stays listed as assumed)
    (tmp_path / "plans" / "sources").mkdir()
    (tmp_path / "plans" / "sources" / "vejle.txt").write_text(
        "2. Kontakt\nSkriv til Infohus Vejle på infohus@vejle.dk eller ring 7681 0000.\n"
        "Underretninger om børn sendes via vejle.dk/underretning.\n",
        encoding="utf-8",
    )
    cite = 'source: {section: "2", quote: "Skriv til Infohus Vejle på infohus@vejle.dk eller ring 7681 0000."}'
    web = 'source: {section: "2", quote: "Underretninger om børn sendes via vejle.dk/underretning."}'
    marker = 'assumed: true, note: "Fra skabelonen: citér jeres plan her"}'
    lines = []
    for line in plan.splitlines():
        if "infohus@vejle.invalid" in line:
            line = line.replace("infohus@vejle.invalid", "infohus@vejle.dk").replace(marker, cite + "}")
        elif "vejle.invalid/underretning" in line:
            line = line.replace("vejle.invalid/underretning", "vejle.dk/underretning").replace(marker, web + "}")
        elif '"0000 0000"' in line and "socialvagt" not in line and "nås vagten" not in line:
            line = line.replace('"0000 0000"', '"7681 0000"').replace(marker, cite + "}")
        elif '"0000 0000"' in line:
            line = ""  # the text gives the on-call service no number: no contact, rather than an invented one
        lines.append(line)
    text = "\n".join(x for x in lines if x != "") + "\n"
    text = text.replace("  # text: sources/vejle.txt", "  text: sources/vejle.txt", 1)
    (tmp_path / "plans" / "vejle.yaml").write_text(text, encoding="utf-8")
    assert main(["validate", "--lang", "en", "--strict", "plans/", "--as-of", "2026-12-01"]) == 0, capsys.readouterr()
    # and every rule of the template is exercised by an example of the template
    assert main(["test", "plans/", "--coverage", "--min", "100"]) == 0, capsys.readouterr()
    capsys.readouterr()
    # the pre-commit configuration names both hooks
    precommit = (tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert "id: beredskab-validate" in precommit and "id: beredskab-test" in precommit


def test_the_author_then_edits_and_cites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The next step an author takes: a text file, one fact cited from it, checked word for word."""
    monkeypatch.chdir(tmp_path)
    assert main(["init", "vejle"]) == 0
    plan = tmp_path / "plans" / "vejle.yaml"
    (tmp_path / "plans" / "sources").mkdir()
    (tmp_path / "plans" / "sources" / "vejle.txt").write_text(
        "2. Organisering\nSkriv til Infohus Vejle, hvis du er bekymret.\n", encoding="utf-8"
    )
    text = plan.read_text(encoding="utf-8").replace("  # text: sources/vejle.txt", "  text: sources/vejle.txt", 1)
    text = text.replace(
        "  - id: intake\n    when: {step: intake}\n    next: [{actor: infohus, step: infohus_assessment}]\n"
        '    explanation: Kontakt Infohus.\n    assumed: true\n    note: "Fra skabelonen: citér jeres plan her"\n',
        "  - id: intake\n    when: {step: intake}\n    next: [{actor: infohus, step: infohus_assessment}]\n"
        '    explanation: Kontakt Infohus.\n    source: {section: "2", quote: "Skriv til Infohus Vejle, hvis du er bekymret."}\n',
    )
    assert 'quote: "Skriv til Infohus Vejle' in text
    plan.write_text(text, encoding="utf-8")
    assert _errors(capsys, plan) == {"BK906"}  # the placeholders only: the quote is word for word
    plan.write_text(text.replace("hvis du er bekymret.", "når du er bekymret."), encoding="utf-8")
    assert _errors(capsys, plan) == {"BK906", "BK903"}


def _errors(capsys: pytest.CaptureFixture[str], plan: Path) -> set[str]:
    capsys.readouterr()
    main(["validate", "--lang", "en", str(plan), "--format", "json"])
    problems = json.loads(capsys.readouterr().out)["problems"]
    return {p["code"] for p in problems if p["severity"] == "error"}


def test_init_never_overwrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "vejle"]) == 0
    capsys.readouterr()
    assert main(["init", "vejle"]) == 2
    assert "overskriver aldrig" in capsys.readouterr().err
    assert main(["init", "Vejle!"]) == 2


def test_the_docs_are_self_contained() -> None:
    """docs/ and the README point at nothing outside the repository."""
    for doc in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        text = doc.read_text(encoding="utf-8")
        assert "../shared" not in text and "shared/seeds" not in text and "shared/domain" not in text, doc
        for target in re.findall(r"\]\(([^)#]+)\)", text):
            if not re.match(r"https?://", target):
                assert (doc.parent / target).exists(), f"{doc.name}: broken link {target}"
