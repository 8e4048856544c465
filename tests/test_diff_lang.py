"""``beredskab diff`` speaks Danish by default and English with ``--lang en`` (issue 18).

What people read (text, markdown, GitHub annotations, the report's diff page, the regions'
summaries) follows the language; the JSON's machine fields (ids, keys, ISO durations,
change kinds) are the same in both.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

import beredskab
from beredskab.audit.diff_words import DiffWords
from beredskab.cli import main
from conftest import PLANS, git
from test_diff import _swap_adjacent_disjoint

KOEGE = PLANS / "koege.yaml"
AS_OF = "2026-12-01"
PEOPLE = ("text", "markdown", "github")

# the tool's own English: none of it may reach a Danish reader
ENGLISH = re.compile(
    r"\b(the|is|not|routed|differently|added|removed|changed|moved|renamed|situations|now|can act|nobody|"
    r"notify|compared|by actor|by role|parts|largest|region|opening hours|public holiday|closing day|"
    r"legal basis|none given|concern|structure|routing|provenance|step|age|acute|established|graded|"
    r"after receipt|as on)\b",
    re.I,
)
# the tool's Danish: none of it in English
DANISH = re.compile(
    r"\b(situationer|situationerne|tilføjet|fjernet|ændret|flyttet|omdøbt|kan handle|behandles|anderledes|"
    r"bekymring|sammenlignet|retsgrundlag|ikke afklaret|ikke vurderet|lukkedag|åbningstiden|dele|trin|alder|"
    r"indhold|behandling|ingen|regel|kl\.|\d+ t)\b",
    re.I,
)


def _plan_names() -> list[str]:
    """The names koege's and randers' steps and actors have in their plans (Danish in every language)."""
    names: set[str] = set()
    for slug in ("koege", "randers"):
        plan = beredskab.load_plan(PLANS / f"{slug}.yaml")
        names.update(step.name for step in plan.steps.values())
        names.update(actor.name for actor in plan.compiled.actors.values())
    return sorted(names, key=len, reverse=True)


PLAN_NAMES = _plan_names()


def _tool_words(out: str) -> str:
    """The output without what the plans put in it: values, ids, names, paths, positions, witnesses."""
    for name in PLAN_NAMES:
        out = out.replace(name, " ")
    text = out.replace("%0A", "\n").replace("%0D", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
    text = re.sub(r"(`+).*?\1", " ", text)  # markdown code spans
    text = re.sub(r"\{.*\}", " ", text)  # a witness concern, a dict value
    text = re.sub(r"'[^'\n]*?(?:'|\.\.\.)", " ", text)  # a plan's string, maybe cut short
    text = re.sub(r"\"[^\"\n]*?(?:\"|\.\.\.)", " ", text)
    # ids, keyed paths, files and positions: any token with _ [ ] = : or a hyphen inside a word,
    # or a / and a dot (a file); a list of values (nej/ikke afklaret) stays, as words
    kept = [t for t in text.split() if not re.search(r"[_\[\]=:\\]|\w-\w", t) and not ("/" in t and "." in t)]
    return " ".join(kept).replace("/", " ")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["diff", *argv])
    out, err = capsys.readouterr()
    assert err == ""
    return code, out


@pytest.fixture(autouse=True)
def _repo_cwd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PLANS.parent)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def _modified_koege(plans: dict[str, beredskab.Plan]) -> str:
    """Køge with a rule moved, a rule renamed and a rule sent elsewhere (so routing differs)."""
    text, _ = _swap_adjacent_disjoint(plans["koege"], KOEGE.read_text(encoding="utf-8"))
    start = text.index("  - id: over-18-infohus-mail")
    end = text.index("\n  - id: ", start + 1)
    block = text[start:end].replace(
        "{actor: infohus_koege, step: reception, via: [email]}", "{actor: mvs_politi, step: reception}", 1
    )
    text = text[:start] + block + text[end:]
    return text.replace("id: followup-adults\n", "id: adults-followup\n", 1)


@pytest.fixture
def revisions(tmp_path: Path, plans: dict[str, beredskab.Plan], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose last commit moved, renamed and retargeted rules of Køge's plan."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "plans-repo"
    (repo / "plans").mkdir(parents=True)
    plan = repo / "plans" / "koege.yaml"
    plan.write_text(KOEGE.read_text(encoding="utf-8"), encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "plan")
    plan.write_text(_modified_koege(plans), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "edit")
    monkeypatch.chdir(repo)
    return repo


REVISION = ("HEAD~1:plans/koege.yaml", "HEAD:plans/koege.yaml")
MUNICIPALITIES = ("koege", "randers", "--as-of", AS_OF)


# --- people read Danish by default, English on request -------------------------------------


@pytest.mark.parametrize("fmt", PEOPLE)
def test_koege_and_randers_in_danish_have_no_english_tool_words(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, *MUNICIPALITIES, "--format", fmt)
    assert code == 1
    words = _tool_words(out)
    assert not ENGLISH.search(words), ENGLISH.findall(words)[:20]
    # the headline says how many of the situations (GitHub: each region its own share)
    assert "situationerne" in out or fmt == "github"
    assert "behandles anderledes" in out
    assert "kan handle" in out and re.search(r"\b\d+ t\b", out)  # waits in hours: "8 t"
    assert re.search(r"\b\d+ %", out)  # shares as Danes write them ...
    assert not re.search(r"\d{1,3}(?:\.\d{3})+ af \d", out)  # ... not millions of situations
    assert "tilføjet" in out and "fjernet" in out and "ændret" in out
    # the same output in English does hold them: the stripping above leaves the tool's words
    _code, english = _run(capsys, *MUNICIPALITIES, "--format", fmt, "--lang", "en")
    assert ENGLISH.search(_tool_words(english))


@pytest.mark.parametrize("fmt", PEOPLE)
def test_koege_and_randers_in_english_have_no_danish_tool_words(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, *MUNICIPALITIES, "--format", fmt, "--lang", "en")
    assert code == 1
    words = _tool_words(out)
    assert not DANISH.search(words), DANISH.findall(words)[:20]
    assert "situations" in out or fmt == "github"
    assert "routed differently" in out and "can act" in out
    assert re.search(r"\b\d+%", out) and not re.search(r"\d{1,3}(?:,\d{3})+ of \d", out)
    assert "added" in out and "removed" in out and "changed" in out


@pytest.mark.parametrize("fmt", PEOPLE)
def test_a_revision_diff_in_danish_and_in_english(
    fmt: str, revisions: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(capsys, *REVISION, "--format", fmt, "--as-of", AS_OF)
    assert code == 1
    words = _tool_words(out)
    assert not ENGLISH.search(words), ENGLISH.findall(words)[:20]
    assert "sammenlignet efter aktør" in out or fmt == "github"
    for kind in ("flyttet", "omdøbt", "ændret"):
        assert kind in out, kind
    if fmt == "text":
        assert re.search(r"flyttet fra \d+\. regel til \d+\. regel", out)
    code, out = _run(capsys, *REVISION, "--format", fmt, "--as-of", AS_OF, "--lang", "en")
    assert code == 1
    words = _tool_words(out)
    assert not DANISH.search(words), DANISH.findall(words)[:20]
    for kind in ("moved", "renamed", "changed"):
        assert kind in out, kind
    if fmt == "text":
        assert re.search(r"moved from \d+(?:st|nd|rd|th) rule to \d+(?:st|nd|rd|th) rule", out)


def test_the_same_plan_twice_says_so_in_either_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "koege", "plans/koege.yaml")[1].splitlines()[-1].startswith("ingen forskelle")
    assert _run(capsys, "koege", "plans/koege.yaml", "--lang", "en")[1].splitlines()[-1].startswith("no differences")


def test_an_unknown_language_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["diff", "koege", "randers", "--lang", "sv"])
    assert exc.value.code == 2
    with pytest.raises(ValueError, match="da, en"):
        beredskab.diff("koege", "randers", lang="sv")


# --- the JSON keeps its machine fields ----------------------------------------------------------


def _without_summaries(data: dict[str, Any]) -> dict[str, Any]:
    out = json.loads(json.dumps(data))
    for region in out["behavioural"]["regions"]:
        region.pop("summary")
    return out


@pytest.mark.parametrize("sides", [MUNICIPALITIES, (*REVISION, "--as-of", AS_OF)], ids=["municipalities", "revision"])
def test_json_machine_fields_are_the_same_in_both_languages(
    sides: tuple[str, ...], request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    if sides[0].startswith("HEAD"):
        request.getfixturevalue("revisions")
    danish = json.loads(_run(capsys, *sides, "--format", "json")[1])
    english = json.loads(_run(capsys, *sides, "--format", "json", "--lang", "en")[1])
    assert _without_summaries(danish) == _without_summaries(english)
    assert beredskab.PlanDiff.model_validate(danish).model_dump(mode="json") == danish  # the contract's shape
    assert {c["change"] for c in danish["structural"]} <= {"added", "removed", "changed", "moved", "renamed"}
    actions = [
        x
        for r in danish["behavioural"]["regions"]
        for side in ("a", "b")
        for x in (*r[side]["next"], *r[side]["notify"])
    ]
    assert actions and all(re.fullmatch(r"-?PT(\d+H)?(\d+M)?(\d+S)?", x["wait"]) for x in actions)
    assert any(x["wait"] != "PT0S" for x in actions) or sides[0].startswith("HEAD")
    # only the summaries speak: Danish, and English with --lang en
    summaries = [
        (d["summary"], e["summary"])
        for d, e in zip(danish["behavioural"]["regions"], english["behavioural"]["regions"], strict=True)
    ]
    assert summaries and all(d != e for d, e in summaries)
    assert not any(ENGLISH.search(_tool_words(d)) for d, _ in summaries)
    assert not any(DANISH.search(_tool_words(e)) for _, e in summaries)


def test_the_api_summaries_follow_lang(plans: dict[str, beredskab.Plan]) -> None:
    day = dt.date(2026, 12, 1)
    danish = beredskab.diff(plans["koege"], plans["randers"], as_of=day)
    english = beredskab.diff(plans["koege"], plans["randers"], as_of=day, lang="en")
    assert danish.behavioural.situations == english.behavioural.situations
    assert [r.witness for r in danish.behavioural.regions] == [r.witness for r in english.behavioural.regions]
    assert any("ikke akut" in r.summary for r in danish.behavioural.regions)
    assert any("not acute" in r.summary for r in english.behavioural.regions)


# --- the words ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iso", "da", "en"),
    [
        ("PT0S", "nu", "now"),
        ("PT20H", "20 t", "20 h"),
        ("PT52H", "2 d 4 t", "2 d 4 h"),
        ("PT48H", "2 d", "2 d"),
        ("PT2H30M", "2 t 30 min", "2 h 30 min"),
        ("-PT3H", "3 t", "3 h"),
    ],
)
def test_durations_in_words(iso: str, da: str, en: str) -> None:
    assert DiffWords("da").span(iso) == da
    assert DiffWords("en").span(iso) == en


def test_waits_and_deadlines_in_words() -> None:
    da, en = DiffWords("da"), DiffWords("en")
    assert da.can_act("PT0S") == "kan handle nu" and en.can_act("PT0S") == "can act now"
    assert da.can_act("PT56H") == "kan handle om 2 d 8 t" and en.can_act("PT56H") == "can act in 2 d 8 h"
    assert da.act_by("PT20H") == "skal handle senest 20 t efter modtagelsen"
    assert en.act_by("PT20H") == "act by 20 h after receipt"


def test_times_counts_and_places_in_words() -> None:
    da, en = DiffWords("da"), DiffWords("en")
    moment = dt.datetime(2026, 11, 24, 8, 0)
    assert da.moment(moment) == "tir 24.11.2026 kl. 08.00"
    assert en.moment(moment) == "Tue 24.11.2026 08:00"
    assert da.share(6952320, 10497600) == "66 % af situationerne"
    assert en.share(6952320, 10497600) == "66% of the situations"
    assert da.part(3674160, 12859560) == "29 %" and en.part(3674160, 12859560) == "29%"
    assert da.number(6952320) == "6.952.320" and en.number(6952320) == "6,952,320"
    assert da.percent(1, 1000) == "<1" and da.percent(999, 1000) == ">99" and da.percent(5, 5) == "100"
    assert [da.change(k) for k in ("added", "removed", "changed", "moved", "renamed")] == [
        "tilføjet",
        "fjernet",
        "ændret",
        "flyttet",
        "omdøbt",
    ]
    assert da.rule_place("3rd rule") == "3. regel" and en.rule_place("12th rule") == "12th rule"
    assert da.value("prison_probation") == "kriminalforsorg" and en.value("prison_probation") == "prison_probation"


# --- the report's diff page -------------------------------------------------------------------


def test_the_report_diff_page_is_danish_by_default(revisions: Path) -> None:
    from beredskab.audit.report import build_report

    page = build_report(["plans"], previous="HEAD~1", as_of=dt.date(2026, 12, 1))["diff.html"]
    for word in ("flyttet", "omdøbt", "ændret", "af situationerne", "behandles anderledes", "kan handle"):
        assert word in page, word
    assert not re.search(r">\s*(?:moved|renamed|changed|added|removed)\b", page)
    assert "PT" not in re.sub(r"<code>.*?</code>", "", page)  # no ISO durations outside the witnesses
    english = build_report(["plans"], previous="HEAD~1", lang="en", as_of=dt.date(2026, 12, 1))["diff.html"]
    for word in ("moved", "renamed", "of the situations", "can act"):
        assert word in english, word
