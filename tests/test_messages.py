"""Messages that told a plan author the wrong thing, each pinned to its improved text and place.

1. overlapping age bands read as a gap; 2. ``format: 2`` gave "is not one of " and nothing;
3. ``key: Bemærk: tekst`` gave libyaml's words alone; 4. an unclosed quote was reported where
the reader gave up, lines later; 5. ``validate --no-info`` said "0 info" while hiding some.
Each has a negative example in ``example-files/invalid/`` (5: ``checks/BK901-assumptions.yaml``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from pathlib import Path

import pytest
import yaml

import beredskab
from beredskab import PlanError, Problem
from beredskab.cli import main
from beredskab.spec._yaml import YamlProblems, compose
from conftest import EXAMPLE_FILES, REPO, expected_problems

INVALID = EXAMPLE_FILES / "invalid"
MINIMAL = EXAMPLE_FILES / "valid" / "minimal.yaml"
COMPLETE = EXAMPLE_FILES / "valid" / "complete.yaml"
AS_OF = dt.date(2026, 11, 22)


def _problems(path: Path) -> list[Problem]:
    with pytest.raises(PlanError) as info:
        beredskab.load_plan(path)
    return list(info.value.problems)


def _problems_of_text(text: str) -> list[Problem]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.yaml"
        path.write_text(text, encoding="utf-8")
        return [p for p in beredskab.validate([path], as_of=AS_OF, lang="en").problems if p.severity.value == "error"]


def _mutated(base: Path, old: str, new: str) -> str:
    text = base.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _only(problems: list[Problem], code: str) -> Problem:
    ours = [p for p in problems if p.code == code]
    assert len(ours) == 1, [p.format() for p in problems]
    return ours[0]


def _at(p: Problem) -> tuple[str, int, int]:
    return (p.code, p.line, p.col)


def _declared(path: Path) -> tuple[str, int, int]:
    [(code, line, col, _)] = expected_problems(path)
    return (code, line, col)


# --- 1. overlapping age bands -------------------------------------------------------------


def test_overlapping_age_bands_say_they_overlap_and_report_no_gap() -> None:
    path = INVALID / "age-band-overlap.yaml"
    problems = _problems(path)
    p = _only(problems, "BK205")
    assert _at(p) == _declared(path) == ("BK205", 42, 28)  # the 'min' of the second band, 'adult'
    assert p.message == "age 18 is in two age bands: 'child' (0-18) and 'adult' (18-130)"
    assert p.hint == "each age belongs to one band: start 'adult' at 19, or end 'child' at 17"
    assert not any("fall in no age band" in q.message for q in problems)
    # the same through validate(), as the CLI sees it
    via_validate = [q for q in beredskab.validate([path], lang="en").problems if q.code == "BK205"]
    assert [(_at(q), q.message, q.hint) for q in via_validate] == [(_at(p), p.message, p.hint)]


def test_an_overlap_of_several_ages_and_a_real_gap_are_both_reported() -> None:
    text = _mutated(MINIMAL, "min: 0, max: 17,", "min: 0, max: 20,")
    text = text.replace("min: 18, max: 130,", "min: 18, max: 100,")
    got = {p.message: _at(p) for p in _problems_of_text(text) if p.code == "BK205"}
    assert got == {
        "ages 18-20 are in two age bands: 'child' (0-20) and 'adult' (18-100)": ("BK205", 42, 28),
        "ages 101-130 fall in no age band": ("BK205", 40, 1),
    }


def test_a_band_that_ends_inside_an_earlier_one_is_reported_at_its_max() -> None:
    text = _mutated(MINIMAL, "min: 0, max: 17,", "min: 10, max: 130,")
    text = text.replace("min: 18, max: 130,", "min: 0, max: 12,")
    [p] = [p for p in _problems_of_text(text) if p.code == "BK205"]
    assert (p.line, p.col) == (42, 36)  # adult's max: 12
    assert p.message == "ages 10-12 are in two age bands: 'child' (10-130) and 'adult' (0-12)"
    assert p.hint == "each age belongs to one band: end 'adult' at 9, or start 'child' at 13"


def test_a_gap_alone_is_still_a_gap() -> None:
    path = INVALID / "age-band-gap.yaml"
    p = _only(_problems(path), "BK205")
    assert _at(p) == _declared(path)
    assert p.message == "ages 18 fall in no age band"


# --- 2. values outside a Literal or an enum ----------------------------------------------


def test_unknown_format_names_the_format_this_version_reads() -> None:
    path = INVALID / "unknown-format.yaml"
    p = _only(_problems(path), "BK101")
    assert _at(p) == _declared(path) == ("BK101", 3, 9)
    assert p.message == "format: 2 is not a known plan format; this version of beredskab reads format 1"
    assert p.hint == "a plan in a newer format needs a newer version of beredskab"
    assert "is not one of" not in p.format()


@pytest.mark.parametrize(
    ("new", "message", "hint"),
    [
        ("format: '1'", "format: '1' is not a known plan format", "write the number without quotes: format: 1"),
        ("format: [1]", "format: a list is not a known plan format", "write format: 1"),
    ],
)
def test_format_written_wrongly(new: str, message: str, hint: str) -> None:
    p = _only(_problems_of_text(_mutated(MINIMAL, "format: 1", new)), "BK101")
    assert p.message == f"{message}; this version of beredskab reads format 1"
    assert p.hint == hint


# every Literal and enum field of the plan format: a wrong value names the allowed ones
LITERALS = [
    ("  by: next_working_day", "  by: tomorrow", "response_promise.by: 'tomorrow' is not one of next_working_day"),
    ("{channel: web,", "{channel: fax,", "channel: 'fax' is not one of phone, email, web, meeting, post"),
    ("      mon: [", "      mun: [", "weekly.mun: 'mun' is not one of mon, tue, wed, thu, fri, sat, sun"),
    ("[SSP, PSP]", "[SSP, XSP]", "information_sharing[1]: 'XSP' is not one of SSP, PSP, KSP"),
    ("terminal: handover", "terminal: handed", "terminal: 'handed' is not one of closed, handover"),
    ("    weekly:\n", "    timezone: Europe/Berlin\n    weekly:\n", "'Europe/Berlin' is not one of Europe/Copenhagen"),
    ("    weekly:\n", "    public_holidays: maybe\n    weekly:\n", "'maybe' is not one of closed, open"),
    ("    kind: infohus\n", "    kind: infohuse\n", "kind: 'infohuse' is not one of emergency, police, pet, infohus,"),
]


@pytest.mark.parametrize(("old", "new", "message"), LITERALS)
def test_every_literal_and_enum_lists_its_allowed_values(old: str, new: str, message: str) -> None:
    [p] = [p for p in _problems_of_text(_mutated(COMPLETE, old, new)) if p.code == "BK101"]
    assert message in p.message, p.message
    assert not p.message.rstrip().endswith("is not one of"), p.message


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [
        ("severity", "huge", "high, medium, low, none"),
        ("reporter", "alien", "professional, citizen, relative, police, hotline"),
    ],
)
def test_condition_literals_list_their_allowed_values(field: str, value: str, allowed: str) -> None:
    old = "when: {step: intake, age_band: child}"
    [p] = _problems_of_text(_mutated(COMPLETE, old, old[:-1] + f", {field}: {value}}}"))
    assert p.message == f"rules[1].when.{field}: {value!r} is not one of {allowed}"


def test_deadline_and_escalation_literals_list_their_allowed_values() -> None:
    old = '    next: [{actor: infohus, step: infohus_assessment}]\n    explanation: Kontakt Infohus.\n    source: {section: "3.2"}'
    new = (
        "    next: [{actor: infohus, step: infohus_assessment, escalation: [{on: never, actor: national_hotline,"
        " source: {section: '1'}}], deadline: {by_severity: {high: PT1H, huge: PT2H}, clock: sun,"
        " source: {section: '1'}}}]\n    explanation: Kontakt Infohus.\n    source: {section: \"3.2\"}"
    )
    got = {p.message for p in _problems_of_text(_mutated(COMPLETE, old, new))}
    assert got == {
        "rules[2].next[0].escalation[0].on: 'never' is not one of closed, deadline_passed",
        "rules[2].next[0].deadline.by_severity.huge: 'huge' is not one of high, medium, low, unknown",
        "rules[2].next[0].deadline.clock: 'sun' is not one of wall, opening_hours",
    }


def test_a_long_value_is_described_not_echoed() -> None:
    long = "x" * 300
    [p] = _problems_of_text(_mutated(COMPLETE, "    kind: infohus\n", f"    kind: {long}\n"))
    assert p.message.startswith("actors.infohus.kind: a text of 300 characters is not one of emergency, police,")
    assert long not in p.format()


# --- 3. a colon inside a plain value -------------------------------------------------------

COLON_HINT = (
    "a colon followed by a space inside a plain value starts a new key; put the text in quotes: "
    'explanation: "Bemærk: sagen lukkes."'
)


def test_colon_in_a_plain_value_keeps_its_position_and_says_to_quote() -> None:
    path = INVALID / "colon-in-value.yaml"
    p = _only(_problems(path), "BK001")
    assert _at(p) == _declared(path) == ("BK001", 64, 24)
    assert p.message == "YAML syntax error: mapping values are not allowed in this context"
    assert p.hint == COLON_HINT


@pytest.mark.parametrize("loader", [None, yaml.SafeLoader], ids=["libyaml", "pure-python"])
@pytest.mark.parametrize(
    ("text", "at", "hint_end"),
    [
        ("a:\n  - explanation: Bemærk: sagen lukkes.\n", (2, 24), 'explanation: "Bemærk: sagen lukkes."'),
        ('a:\n  note: Han sagde "nej": slut # x\n', (2, 24), "note: 'Han sagde \"nej\": slut'"),
        # a continuation line has no key of its own to name
        ("a:\n  note: Noget tekst\n    Bemærk: sagen\n", (3, 11), '"..."'),
    ],
)
def test_colon_hint_names_the_key_or_stays_generic(
    loader: object, text: str, at: tuple[int, int], hint_end: str
) -> None:
    with pytest.raises(YamlProblems) as info:
        compose(text, "f.yaml", loader)
    [p] = info.value.problems
    assert (p.line, p.col) == at
    assert (
        p.hint
        == f"a colon followed by a space inside a plain value starts a new key; put the text in quotes: {hint_end}"
    )


# --- 4. an unclosed quote -------------------------------------------------------------------


def test_unclosed_quote_is_reported_where_it_opened() -> None:
    path = INVALID / "unclosed-quote.yaml"
    p = _only(_problems(path), "BK001")
    assert _at(p) == _declared(path) == ("BK001", 26, 11)  # the '"' of name: "Infohus Køge
    assert p.message == "YAML syntax error: this quoted value is never closed"
    assert p.hint == (
        'add the closing " on line 26; without it the value runs on to the next " (line 31), '
        "and the YAML reader gives up at 31:89: did not find expected key"
    )


@pytest.mark.parametrize("loader", [None, yaml.SafeLoader], ids=["libyaml", "pure-python"])
def test_unclosed_quote_at_the_end_of_the_file(loader: object) -> None:
    text = _mutated(MINIMAL, "    name: Infohus Testby\n", "    name: 'Infohus Køge\n")  # no other ' follows
    with pytest.raises(YamlProblems) as info:
        compose(text, "f.yaml", loader)
    [p] = info.value.problems
    assert (p.line, p.col, p.message) == (26, 11, "YAML syntax error: this quoted value is never closed")
    assert p.hint is not None and p.hint.startswith("add the closing '; without it the value runs on until")
    assert "unexpected end of stream" in p.hint  # where the reader gave up, as context


def test_a_legitimate_multiline_quote_is_not_blamed_for_a_later_error() -> None:
    text = 'a:\n  explanation: "Første\n    linje"\n  note: y: z\n'
    with pytest.raises(YamlProblems) as info:
        compose(text, "f.yaml")
    [p] = info.value.problems
    assert (p.line, p.col) == (4, 10)
    assert "never closed" not in p.message


# --- 5. validate --no-info ------------------------------------------------------------------


def _validate(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    main(["validate", "--lang", "en", "--as-of", AS_OF.isoformat(), *args])
    return capsys.readouterr().out


def test_no_info_counts_what_it_hid(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    rel = (EXAMPLE_FILES / "checks" / "BK901-assumptions.yaml").relative_to(REPO).as_posix()
    shown = _validate(capsys, "--format", "text", rel).splitlines()
    info = [x for x in shown if ": info " in x]
    assert info
    assert shown[-1] == f"1 file(s) checked: 0 error(s), 0 warning(s), {len(info)} info"
    hidden = _validate(capsys, "--format", "text", "--no-info", rel).splitlines()
    assert hidden == [f"1 file(s) checked: 0 error(s), 0 warning(s), {len(info)} info hidden (--no-info)"]
    # the machine formats are as they were: no info, no summary
    assert _validate(capsys, "--format", "github", "--no-info", rel) == ""
    assert json.loads(_validate(capsys, "--format", "json", "--no-info", rel)) == {"files_checked": 1, "problems": []}


def test_no_info_on_the_shipped_plans_never_claims_0_info(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    every = _validate(capsys, "--format", "text", "plans/").splitlines()
    n_info = sum(": info " in x for x in every)
    assert n_info > 0
    last = _validate(capsys, "--format", "text", "--no-info", "plans/").splitlines()[-1]
    m = re.fullmatch(
        r"(\d+) file\(s\) checked: (\d+) error\(s\), (\d+) warning\(s\), (\d+) info hidden \(--no-info\)", last
    )
    assert m, last
    assert int(m.group(4)) == n_info
    assert every[-1].startswith(last.split(", ")[0]) and not last.endswith(" 0 info")
