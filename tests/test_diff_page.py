"""The report's diff page and ``beredskab diff`` for people (issue 22): shares, not millions of
situations; durations in words; every changed rule before and after, as the plan writes it."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from beredskab.audit.diff_words import DiffWords
from beredskab.audit.report import build_report
from beredskab.cli import main
from conftest import PLANS, git

AS_OF = dt.date(2026, 12, 1)
RULE = "over-18-infohus-mail"
COUNTS = re.compile(r"\d{1,3}(?:[.,]?\d{3}){2,}\s+(?:af|of)\s+\d")  # 1.530.900 af 16.533.720, 6952320 of ...


def _edited(text: str) -> str:
    """Køge's adults' rule sent to the police, and a citizen-only condition on the children's."""
    start = text.index(f"  - id: {RULE}")
    end = text.index("\n  - id: ", start + 1)
    block = text[start:end].replace(
        "{actor: infohus_koege, step: reception, via: [email]}", "{actor: mvs_politi, step: reception}", 1
    )
    text = text[:start] + block + text[end:]
    return text.replace(
        "      age_band: under_18\n    next:", "      age_band: under_18\n      reporter: [citizen]\n    next:", 1
    )


@pytest.fixture
def revisions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "plans-repo"
    (repo / "plans").mkdir(parents=True)
    plan = repo / "plans" / "koege.yaml"
    original = (PLANS / "koege.yaml").read_text(encoding="utf-8")
    plan.write_text(original, encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "plan")
    edited = _edited(original)
    assert edited != original and "reporter: [citizen]" in edited
    plan.write_text(edited, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "edit")
    monkeypatch.chdir(repo)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return repo


class _Text(HTMLParser):
    """The page's visible text, and the cells of its table of rules (row by row)."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.rules: list[list[str]] = []
        self._in_rules = False
        self._cell: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        if tag == "table" and ("class", "rules") in attrs:
            self._in_rules = True
        if self._in_rules and tag == "tr":
            self.rules.append([])
        if self._in_rules and tag == "td":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1
        if tag == "table":
            self._in_rules = False
        if tag == "td" and self._cell is not None:
            self.rules[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _page(lang: str = "da") -> _Text:
    parser = _Text()
    parser.feed(build_report(["plans"], previous="HEAD~1", lang=lang, as_of=AS_OF)["diff.html"])
    return parser


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_diff_page_gives_shares_not_counts(revisions: Path, lang: str) -> None:
    text = " ".join(_page(lang).text)
    share = r"\d+ % af situationerne" if lang == "da" else r"\d+% of the situations"
    assert re.search(share, text), text
    assert not COUNTS.search(text), COUNTS.search(text)
    assert not re.search(r"\d{7}", text)
    assert not re.search(r"\bP(?:\d+D)?T\d+[HMS]\b", text)  # no ISO durations outside the witnesses' JSON too
    assert re.search(r"\d+ (?:t|h)\b", text)  # waits in words


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_changed_rule_shows_before_and_after(revisions: Path, lang: str) -> None:
    rows = [r for r in _page(lang).rules if r]
    by_rule = {r[0].split()[0]: r for r in rows}
    assert set(by_rule) == {RULE, "under-18-underretning"}
    for rule, before, after in by_rule.values():
        assert before and after, rule
        assert "when:" in before and "when:" in after and "next:" in before and "next:" in after
    _, before, after = by_rule[RULE]
    assert "actor: infohus_koege, step: reception, via: [email]" in before
    assert "actor: mvs_politi, step: reception" in after and "infohus_koege" not in after
    assert "legal_basis: [SEL-12b]" in before and "legal_basis: [SEL-12b]" in after
    _, before, after = by_rule["under-18-underretning"]
    assert "reporter: [citizen]" in after and "reporter" not in before


def test_the_json_has_the_rules_before_and_after(revisions: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "HEAD~1:plans/koege.yaml", "HEAD:plans/koege.yaml", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    rules = {r["rule"]: r for r in data["rules"]}
    assert rules[RULE]["a"]["next"] == [{"actor": "infohus_koege", "step": "reception", "via": ["email"]}]
    assert rules[RULE]["b"]["next"] == [{"actor": "mvs_politi", "step": "reception"}]
    assert rules[RULE]["a_at"].startswith("HEAD~1:plans/koege.yaml:")
    assert isinstance(data["behavioural"]["differing"], int)  # the exact counts stay the machine's


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_text_and_markdown_give_shares_and_the_rules(
    revisions: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["diff", "HEAD~1:plans/koege.yaml", "HEAD:plans/koege.yaml", "--format", fmt, "--as-of", "2026-12-01"]
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert re.search(r"\d+ % af situationerne", out) and not COUNTS.search(out)
    assert "next: [{actor: mvs_politi, step: reception}]" in out
    assert "next: [{actor: infohus_koege, step: reception, via: [email]}]" in out


def test_durations_and_values_in_words() -> None:
    da, en = DiffWords("da"), DiffWords("en")
    assert da.duration("PT20H") == "20 t" and da.duration("PT52H") == "2 d 4 t" and da.duration("P2D") == "2 d"
    assert en.duration("PT52H") == "2 d 4 h" and da.duration("reception") is None
    assert da.flow({"high": "PT24H", "via": ["web"]}) == "{high: 1 d, via: [web]}"
    assert da.flow("a: b") == "'a: b'" and da.flow(True) == "true"
    assert da.rule_lines({"id": "x", "when": {"acute": False}, "legal_basis": ["SEL-12b"]}) == [
        ("when", "{acute: false}"),
        ("legal_basis", "[SEL-12b]"),
    ]
