"""Validation speaks Danish by default and English with ``lang="en"`` (issue 18).

Every message and hint a plan author reads (``beredskab validate`` text, github and json,
the report's findings) is built from an English message id in the gettext domain
``validate`` and translated where it is formatted. These tests validate the shipped
plans and every negative example file in both languages and look for the other
language's tool words, after removing what the plan itself wrote (ids, names, notes,
labels), quoted values and witnesses, which are the plan's words in any language.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import extract_python
from babel.messages.pofile import read_po

import beredskab
from beredskab._problems import Problem, Severity, problem_text, problems_in
from beredskab.cli import main
from beredskab.spec._yaml import YamlProblems, iter_paths, load_document
from conftest import EXAMPLE_FILES, PLANS, REPO

AS_OF = dt.date(2026, 11, 22)
SRC = REPO / "src" / "beredskab"
CATALOG = SRC / "locale" / "da" / "LC_MESSAGES" / "validate.po"

NEGATIVE = sorted((EXAMPLE_FILES / "invalid").glob("*.yaml")) + sorted((EXAMPLE_FILES / "checks").glob("*.yaml"))
SHIPPED = sorted(PLANS.glob("*.yaml"))

# words of the tool's English sentences that no Danish sentence of it uses
ENGLISH = re.compile(
    r"\b(the|is|are|not|which|does|cannot|must|rule|rules|plan's|only|has|with|without|every|"
    r"found|than|should|step|actor|band|missing|unknown|duplicate|file|error|warning)\b",
    re.IGNORECASE,
)
# Danish letters and words of the tool's Danish sentences
DANISH = re.compile(r"[æøåÆØÅ]|\b(ikke|og|eller|reglen|planen|trinnet|aktøren|skal|ingen|findes|fejl|advarsel)\b")

# the parts of a message that are the plan's or a library's words, in whatever language
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_WITNESS = re.compile(r"\{.*\}|<<<.*$|\(https?://\S*\)")
_TIMES = re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun|man|tir|ons|tor|fre|lør|søn)\b")
# the YAML reader's own words (PyYAML), quoted after "YAML syntax error:" / "YAML-syntaksfejl:"
_LIBRARY = re.compile(r"(gives up at|giver op ved) \d+:\d+: .*$|(YAML syntax error|YAML-syntaksfejl): [^;(]*")


def _plan_words(path: Path) -> list[str]:
    """Every key and text value of a file, longest first: the plan's own words."""
    try:
        data = load_document(path).data
    except YamlProblems:
        return []
    words: set[str] = set()
    for p, value in iter_paths(data):
        words.update(str(seg) for seg in p if isinstance(seg, str))
        if isinstance(value, str | int | float | bool):
            words.add(str(value).lower() if isinstance(value, bool) else str(value))
    # labels and names also reach messages after the plan is compiled (the national catalogue)
    return sorted((w for w in words if len(w) >= 3), key=len, reverse=True)


def _national_words() -> list[str]:
    data = load_document(SRC / "data" / "national.yaml").data if (SRC / "data" / "national.yaml").exists() else {}
    words = {str(v) for _, v in iter_paths(data) if isinstance(v, str)} | {
        str(seg) for p, _ in iter_paths(data) for seg in p if isinstance(seg, str)
    }
    return sorted((w for w in words if len(w) >= 3), key=len, reverse=True)


NATIONAL = _national_words()


def _tool_text(problem: Problem, words: list[str]) -> Iterator[str]:
    """The message and hint with the plan's and the libraries' words taken out."""
    for text in (problem.message, problem.hint or ""):
        if problem.code == "BK901":  # "assumed, not in the plan text: <where>: <the plan's note>"
            text = text.split(": ", 1)[0]
        text = _WITNESS.sub(" ", text)
        text = _QUOTED.sub(" ", text)
        text = _LIBRARY.sub(" ", text)
        for w in [*words, *NATIONAL]:
            if w in text:
                text = text.replace(w, " ")
        yield _TIMES.sub(" ", text)


def _validated(paths: list[Path], lang: str) -> list[tuple[Problem, list[str]]]:
    report = beredskab.validate(paths, as_of=AS_OF, lang=lang)
    words = {str(p): _plan_words(p) for p in paths}
    # a plan's examples file's problems quote the plan beside it
    for p in paths:
        if p.name.endswith(".examples.yaml"):
            words[str(p)] += _plan_words(p.with_name(p.name.removesuffix(".examples.yaml") + ".yaml"))
    return [(p, words.get(p.file, [])) for p in report.problems]


def _offending(found: list[tuple[Problem, list[str]]], pattern: re.Pattern[str]) -> list[str]:
    bad = []
    for problem, words in found:
        for text in _tool_text(problem, words):
            m = pattern.search(text)
            if m:
                bad.append(f"{problem.code} {m.group(0)!r}: {problem.message} ({problem.hint})")
    return bad


@pytest.mark.parametrize("path", NEGATIVE + SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_message_and_hint_is_danish_by_default(path: Path) -> None:
    found = _validated([path], "da")
    if path.parent.name == "invalid":
        assert any(p.severity is Severity.ERROR for p, _ in found), "a negative example must find something"
    elif path.parent.name == "checks":
        assert any(p.code == path.name[:5] for p, _ in found), "a check's example must find its problem"
    assert not _offending(found, ENGLISH)


@pytest.mark.parametrize("path", NEGATIVE + SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_message_and_hint_is_english_with_lang_en(path: Path) -> None:
    assert not _offending(_validated([path], "en"), DANISH)


def test_the_default_is_danish_and_machine_fields_do_not_change() -> None:
    paths = [*NEGATIVE, PLANS]
    da = beredskab.validate(paths, as_of=AS_OF)
    en = beredskab.validate(paths, as_of=AS_OF, lang="en")
    assert da.problems == en.problems  # file, line, col and code: the same findings
    assert [(p.name, p.severity) for p in da.problems] == [(p.name, p.severity) for p in en.problems]
    assert [p.message for p in da.problems] != [p.message for p in en.problems]
    assert [p.message for p in da.problems] == [
        p.message for p in beredskab.validate(paths, as_of=AS_OF, lang="da").problems
    ]


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="da, en"):
        beredskab.validate([PLANS], lang="sv")


def test_the_loaders_language_is_the_validations_only() -> None:
    """Outside ``validate`` (``load_plan``, the route command) the loader's problems stay English."""
    assert problem_text("rename it") == "rename it"
    with problems_in("da"):
        assert problem_text("rename it") == "omdøb den"
        with problems_in("en"):
            assert problem_text("rename it") == "rename it"
        assert problem_text("rename it") == "omdøb den"
    assert problem_text("rename it") == "rename it"


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    main(list(argv))
    return capsys.readouterr().out


def test_text_output_translates_severity_and_summary(capsys: pytest.CaptureFixture[str]) -> None:
    tab = str(EXAMPLE_FILES / "invalid" / "tab.yaml")
    da = _cli(capsys, "validate", "--format", "text", tab)
    assert ": fejl BK003 tabulatortegn; ryk ind og adskil med mellemrum" in da
    assert da.rstrip().endswith("1 fil(er) kontrolleret: 1 fejl, 0 advarsel(er), 0 info")
    en = _cli(capsys, "validate", "--format", "text", "--lang", "en", tab)
    assert ": error BK003 tab character; indent and separate with spaces" in en
    assert en.rstrip().endswith("1 file(s) checked: 1 error(s), 0 warning(s), 0 info")
    hidden = _cli(capsys, "validate", "--format", "text", "--no-info", str(PLANS / "koege.yaml"))
    assert "info skjult (--no-info)" in hidden.splitlines()[-1]


def test_json_and_github_keep_their_machine_words(capsys: pytest.CaptureFixture[str]) -> None:
    tab = str(EXAMPLE_FILES / "invalid" / "tab.yaml")
    da = json.loads(_cli(capsys, "validate", "--format", "json", tab))
    en = json.loads(_cli(capsys, "validate", "--format", "json", "--lang", "en", tab))
    assert da.keys() == en.keys() == {"files_checked", "problems"}
    (one,), (two,) = da["problems"], en["problems"]
    assert {k: v for k, v in one.items() if k not in ("message", "hint")} == {
        k: v for k, v in two.items() if k not in ("message", "hint")
    }
    assert one["severity"] == "error" and one["name"] == "no-tabs"
    assert one["message"] == "tabulatortegn; ryk ind og adskil med mellemrum"
    assert two["message"] == "tab character; indent and separate with spaces"
    github = _cli(capsys, "validate", "--format", "github", tab)
    assert github.startswith("::error file=") and "BK003 tabulatortegn" in github


def test_test_command_takes_lang(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    examples = tmp_path / "koege.examples.yaml"
    examples.write_text((PLANS / "koege.examples.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "koege.yaml").write_text("municipality: {}\nmunicipality: {}\n", encoding="utf-8")
    assert main(["test", str(examples)]) == 2
    da = capsys.readouterr().err
    assert "planen er afvist" in da and ": fejl BK002 nøglen 'municipality' står to gange" in da, da
    assert main(["test", "--lang", "en", str(examples)]) == 2
    en = capsys.readouterr().err
    assert "plan rejected" in en and ": error BK002 duplicate key 'municipality'" in en, en


def test_checks_translate_their_descriptions_of_concerns() -> None:
    gap = EXAMPLE_FILES / "checks" / "BK401-coverage-gap.yaml"
    da = [p for p in beredskab.validate([gap], as_of=AS_OF).problems if p.code == "BK401"]
    en = [p for p in beredskab.validate([gap], as_of=AS_OF, lang="en").problems if p.code == "BK401"]
    assert da and en
    assert all(p.message.startswith("ingen regel svarer på ") and "opsamlingsreglen" in p.message for p in da)
    assert all(p.message.startswith("no rule answers ") for p in en)


# --- the catalog keeps up with the code ----------------------------------------------------

_FILES = [
    *sorted((SRC / "analysis").rglob("*.py")),
    *(SRC / "spec" / n for n in ("_yaml.py", "positions.py", "references.py", "limits.py")),
]


def _message_ids() -> set[str]:
    """Every literal message id the validation code translates (``_``, ``ctx.translate``)."""
    ids: set[str] = set()
    for f in _FILES:
        with f.open("rb") as fh:
            for _, _, msg, _ in extract_python(fh, {"_": None, "translate": None}, [], {}):
                if isinstance(msg, str):
                    ids.add(msg)
    return ids


def test_every_message_id_of_the_validation_code_has_danish_words() -> None:
    with CATALOG.open("rb") as fh:
        catalog = read_po(fh)
    known = {m.id for m in catalog if m.id}
    ids = _message_ids()
    assert len(ids) > 150
    assert sorted(ids - known) == []
