"""``beredskab test --coverage [--min N]``: which rules the routing examples exercise (issue 20).

An example exercises the rule its Decision names in ``rules``. Coverage is reported per
rule (and the catch-all) in text, JSON and JUnit, per plan and in total; uncovered rules
are listed at their ``file:line``; a rule that can never decide (shadowed, BK501) and a
catch-all the rules leave nothing to are listed as such and not counted; ``--min N``
fails the run below N per cent. The shipped plans are fully covered.
"""

from __future__ import annotations

import ast
import json
import math
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.messages.pofile import read_po

import beredskab
from beredskab._i18n import LOCALE_DIR
from beredskab.analysis.examples import examples_coverage, format_percent, run_examples
from conftest import PLANS, REPO, SLUGS

SRC = REPO / "src" / "beredskab"


@pytest.fixture(autouse=True)
def _repo_cwd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def _shipped_examples(slug: str) -> list[dict[str, Any]]:
    data: dict[str, Any] = yaml.safe_load((PLANS / f"{slug}.examples.yaml").read_text(encoding="utf-8"))
    examples: list[dict[str, Any]] = data["examples"]
    return examples


def _copy(tmp_path: Path, slug: str, examples: list[dict[str, Any]], plan_text: str | None = None) -> Path:
    """A plan (or ``plan_text``) and the given examples in ``tmp_path``; the examples file's path."""
    plan = tmp_path / f"{slug}.yaml"
    if plan_text is None:
        shutil.copy(PLANS / f"{slug}.yaml", plan)
    else:
        plan.write_text(plan_text, encoding="utf-8")
    out = tmp_path / f"{slug}.examples.yaml"
    out.write_text(
        yaml.safe_dump({"plan": slug, "examples": examples}, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return out


def _rule_lines(plan: Path) -> dict[str, int]:
    """Each rule's ``- id:`` line in a plan file, read from the text itself."""
    lines = plan.read_text(encoding="utf-8").splitlines()
    return {m.group(1): n for n, line in enumerate(lines, 1) if (m := re.fullmatch(r"  - id: (\S+)", line))}


def _examples_deciding(slug: str, count: int) -> list[dict[str, Any]]:
    """Shipped examples of ``slug`` that exercise exactly ``count`` distinct rules (one example each)."""
    shipped = _shipped_examples(slug)
    results = run_examples(PLANS / f"{slug}.examples.yaml")
    chosen: dict[str, dict[str, Any]] = {}
    for example, result in zip(shipped, results, strict=True):
        if result.decision is not None and len(chosen) < count:
            chosen.setdefault(result.decision.rules[0], example)
    assert len(chosen) == count
    return list(chosen.values())


# --- the shipped plans -------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_every_shipped_plan_is_fully_covered(slug: str, plans: dict[str, beredskab.Plan]) -> None:
    _results, coverage = examples_coverage(PLANS / f"{slug}.examples.yaml", plans[slug])
    assert [r.rule for r in coverage.uncovered] == []
    assert coverage.counted >= len(plans[slug].rules) and coverage.covered == coverage.counted
    assert coverage.percent == 100.0
    # every rule of the plan is there, the catch-all last
    assert [r.rule for r in coverage.rules] == [r.id for r in plans[slug].rules] + ["catch-all"]


def test_shipped_plans_pass_min_100(cli: Any) -> None:
    r = cli("test", "plans/", "--coverage", "--min", "100")
    assert r.code == 0, r.out + r.err
    assert r.err == ""
    lines = r.out.splitlines()
    assert re.fullmatch(r"\d+ bestået, 0 fejlet", lines[-1])
    assert re.fullmatch(r"  i alt: (\d+) af \1 regler afprøvet \(100 %\)", lines[-2]), lines[-2]
    for slug in SLUGS:
        assert re.search(rf"^  plans/{slug}\.yaml: (\d+) af \1 regler afprøvet \(100 %\)$", r.out, re.M), slug


def test_without_coverage_nothing_changes(cli: Any) -> None:
    r = cli("test", "plans/", "--format", "json")
    assert "coverage" not in json.loads(r.out)
    assert "Regeldækning" not in cli("test", "plans/").out


# --- per rule, in text, JSON and JUnit ---------------------------------------------------------


def test_an_uncovered_rule_is_listed_with_its_position(cli: Any, tmp_path: Path) -> None:
    f = _copy(tmp_path, "koege", _examples_deciding("koege", 3))
    plan = tmp_path / "koege.yaml"
    where = _rule_lines(plan)
    rules = [r.id for r in beredskab.load_plan(plan).rules]
    r = cli("test", str(f), "--coverage", "--lang", "en")
    assert r.code == 0, r.out + r.err
    listed = re.findall(r"^    (\S+):(\d+): (\S+): not exercised by any example$", r.out, re.M)
    assert len(listed) == len(rules) - 3
    for file, line, rule in listed:
        assert file == str(plan) and int(line) == where[rule], (rule, line)
    assert (
        f"  {plan}: 3 of {len(rules)} rules exercised ({format_percent(math.floor(3000 / len(rules)) / 10, 'en')})"
        in r.out
    )
    # covered rules are not listed without -v; with -v every rule is, the catch-all too
    assert "exercised by 1 example(s)" not in r.out
    verbose = cli("test", str(f), "--coverage", "--lang", "en", "-v")
    assert verbose.out.count("exercised by 1 example(s)") == 3
    assert re.search(
        r"^    \S+:\d+: catch-all: never decides \(the rules cover every concern\); not counted$", verbose.out, re.M
    )


def test_coverage_per_rule_in_json(cli: Any, tmp_path: Path) -> None:
    f = _copy(tmp_path, "koege", _examples_deciding("koege", 13))
    r = cli("test", str(f), "--coverage", "--format", "json")
    assert r.code == 0
    cov = json.loads(r.out)["coverage"]
    [plan] = cov["plans"]
    where = _rule_lines(tmp_path / "koege.yaml")
    statuses = {x["id"]: x["status"] for x in plan["rules"]}
    assert list(statuses)[:-1] == list(where) and list(statuses)[-1] == "catch-all"
    assert sum(s == "covered" for s in statuses.values()) == 13
    assert statuses["catch-all"] == "never_decides"
    assert all(x["line"] == where[x["id"]] for x in plan["rules"] if x["id"] != "catch-all")
    assert (plan["covered"], plan["counted"], plan["percent"]) == (13, 26, 50.0)
    assert (cov["covered"], cov["counted"], cov["percent"], cov["minimum"]) == (13, 26, 50.0, None)


def test_coverage_per_rule_in_junit(cli: Any, tmp_path: Path) -> None:
    f = _copy(tmp_path, "koege", _examples_deciding("koege", 13))
    r = cli("test", str(f), "--coverage", "--format", "junit")
    assert r.code == 0
    root = ET.fromstring(r.out)
    [suite] = [s for s in root.iter("testsuite") if s.get("name", "").startswith("coverage ")]
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert list(cases) == [*_rule_lines(tmp_path / "koege.yaml"), "catch-all"]
    skipped = {name for name, c in cases.items() if c.find("skipped") is not None}
    assert len(skipped) == 27 - 13 and "catch-all" in skipped
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props == {"covered": "13", "counted": "26", "percent": "50.0"}
    assert root.get("failures") == "0"
    # --min below the coverage fails: one failing testcase, and the root counts it
    low = cli("test", str(f), "--min", "60", "--format", "junit")
    assert low.code == 1
    failing = [c for c in ET.fromstring(low.out).iter("testcase") if c.find("failure") is not None]
    assert [c.get("name") for c in failing] == ["coverage >= 60%"]
    assert ET.fromstring(low.out).get("failures") == "1"


# --- --min ---------------------------------------------------------------------------------------


def test_min_fails_below_and_passes_at_or_above(cli: Any, tmp_path: Path) -> None:
    f = _copy(tmp_path, "koege", _examples_deciding("koege", 13))  # 13 of 26: exactly 50 %
    for minimum, code in (("0", 0), ("49.9", 0), ("50", 0), ("50.1", 1), ("100", 1)):
        r = cli("test", str(f), "--min", minimum)
        assert r.code == code, (minimum, r.err)
        assert "Regeldækning" in r.out, "--min implies --coverage"
        if code:
            assert r.err.count("\n") == 1, "says so in one line"
            assert r.err == f"beredskab: regeldækningen 50 % er under --min {format_percent(float(minimum), 'da')}\n"
        else:
            assert r.err == ""
    en = cli("test", str(f), "--min", "75", "--lang", "en", "--format", "json")
    assert en.code == 1 and en.err == "beredskab: rule coverage 50% is below --min 75%\n"
    assert json.loads(en.out)["coverage"]["below_minimum"] is True


@pytest.mark.parametrize("bad", ["101", "-1", "many", "nan"])
def test_min_must_be_a_percentage(cli: Any, bad: str) -> None:
    r = cli("test", "plans/koege.yaml", "--min", bad)
    assert r.code == 2 and "--min" in r.err and "percentage" in r.err


def test_failing_examples_still_fail_with_full_coverage(cli: Any, tmp_path: Path) -> None:
    shipped = _shipped_examples("koege")
    bad = dict(shipped[0])
    bad["expect"] = {"rules": ["no-such-rule"]}
    f = _copy(tmp_path, "koege", [*shipped, bad])
    r = cli("test", str(f), "--min", "100")
    assert r.code == 1 and r.err == "" and "FEJLET" in r.out


# --- rules that can never decide ---------------------------------------------------------------


def test_a_shadowed_rule_is_listed_and_not_counted(cli: Any, tmp_path: Path) -> None:
    text = (PLANS / "koege.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: acute-inside-hours\n")
    block = text[start : text.index("  - id: ", start + 1)]
    shadow = block.replace("id: acute-inside-hours", "id: acute-inside-hours-again", 1)
    text = text.replace("\ncatch_all:", "\n" + shadow + "catch_all:", 1)
    f = _copy(tmp_path, "koege", _shipped_examples("koege"), text)
    report = beredskab.validate([str(tmp_path / "koege.yaml")], checks=["BK501"])
    assert [p.code for p in report.problems] == ["BK501"], "the copy really has a shadowed rule"
    line = _rule_lines(tmp_path / "koege.yaml")["acute-inside-hours-again"]
    r = cli("test", str(f), "--min", "100", "--lang", "en")
    assert r.code == 0, r.out + r.err
    assert f"    {tmp_path / 'koege.yaml'}:{line}: acute-inside-hours-again: never decides" in r.out
    assert "see BK501); not counted" in r.out
    assert f"  {tmp_path / 'koege.yaml'}: 26 of 26 rules exercised (100%)" in r.out
    data = json.loads(cli("test", str(f), "--coverage", "--format", "json").out)["coverage"]["plans"][0]
    assert {x["id"]: x["status"] for x in data["rules"]}["acute-inside-hours-again"] == "never_decides"


def test_a_catch_all_that_can_answer_is_counted(cli: Any, tmp_path: Path) -> None:
    text = (PLANS / "koege.yaml").read_text(encoding="utf-8")
    # only the two acute rules: every other concern falls to the catch-all
    start = text.index("  - id: under-18-underretning\n")
    text = text[:start] + text[text.index("\ncatch_all:") + 1 :]
    acute = [e for e in _shipped_examples("koege") if e["expect"].get("rules") == ["acute-outside-hours"]][:1]
    f = _copy(tmp_path, "koege", acute, text)
    r = cli("test", str(f), "--coverage", "--lang", "en")
    assert r.code == 0, r.out + r.err
    assert f"  {tmp_path / 'koege.yaml'}: 1 of 3 rules exercised (33.3%)" in r.out
    assert re.search(r"^    \S+:\d+: catch-all: not exercised by any example$", r.out, re.M)
    assert re.search(r"^    \S+:\d+: acute-inside-hours: not exercised by any example$", r.out, re.M)


# --- words ------------------------------------------------------------------------------------


def test_percentages_in_each_language() -> None:
    assert format_percent(97.6, "da") == "97,6 %" and format_percent(97.6, "en") == "97.6%"
    assert format_percent(100.0, "da") == "100 %" and format_percent(0.0, "en") == "0%"


def test_a_nearly_full_coverage_never_shows_as_100(tmp_path: Path) -> None:
    from beredskab.analysis.examples import PlanCoverage, RuleCoverage

    rules = [RuleCoverage(f"r{i}", "p.yaml", i, 5, 1, True) for i in range(1999)]
    rules.append(RuleCoverage("gap", "p.yaml", 9999, 5, 0, True))
    assert PlanCoverage("p", "p.yaml", "", rules).percent == 99.9


def test_the_coverage_words_have_danish_words() -> None:
    def ids(path: Path, *functions: str) -> set[str]:
        text = path.read_text(encoding="utf-8")
        found = set()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef) and node.name in functions:
                for call in ast.walk(node):
                    if (
                        isinstance(call, ast.Call)
                        and isinstance(call.func, ast.Name)
                        and call.func.id == "_"
                        and call.args
                        and isinstance(call.args[0], ast.Constant)
                    ):
                        found.add(call.args[0].value)
        return found

    used = ids(SRC / "cli" / "reporters.py", "_coverage_text", "_rule_coverage_words", "_coverage_junit")
    used |= ids(SRC / "cli" / "plans.py", "cmd_test")
    assert len(used) >= 8
    with (LOCALE_DIR / "da" / "LC_MESSAGES" / "cli.po").open("rb") as fh:
        known = {m.id: m.string for m in read_po(fh) if m.id}
    assert sorted(used - known.keys()) == []
    assert all(known[i] and known[i] != i for i in used)
