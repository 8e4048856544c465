"""BK905 personal-name: the issue's examples are caught, the shipped plans and role names are not.

The negative example file (``checks/BK905-personal-name.yaml``) is run by test_checks; here:
the detector on names and mailboxes, each place of a plan it looks at, the way to accept a
name that is not a person's, and the measurement on the shipped plans and their texts.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

import pytest

import beredskab
from beredskab import Problem
from beredskab.analysis.checks.personal_name import names_in, personal_mailbox
from conftest import EXAMPLE_FILES, PLANS, SLUGS, seeds_dir

AS_OF = dt.date(2026, 11, 22)
COMPLETE = EXAMPLE_FILES / "valid" / "complete.yaml"


def _bk905(text: str, lang: str = "en") -> list[Problem]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.yaml"
        path.write_text(text, encoding="utf-8")
        report = beredskab.validate([path], as_of=AS_OF, lang=lang)
    assert report.plans, [p.format() for p in report.problems]
    return [p for p in report.problems if p.code == "BK905"]


def _mutate(*pairs: tuple[str, str]) -> str:
    text = COMPLETE.read_text(encoding="utf-8")
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


# --- the detector ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Allan Krarup", ["Allan Krarup"]),
        ("Rikke Møller Larsen, SSP-konsulent", ["Rikke Møller Larsen"]),
        ("Kontakt Rikke M. Larsen på tlf. 12 34 56 78", ["Rikke M. Larsen"]),
        ("Til Mette Lonning-Skovgaard, rådmand", ["Mette Lonning-Skovgaard"]),
        ("ring til Ayşe Jensen eller Ali Hassan", ["Ayşe Jensen", "Ali Hassan"]),
        ("Anders Nicolas Hansen og Anders Nicolas Hansen", ["Anders Nicolas Hansen"]),
        ("Claus Hansen Maria Krogh Degn", ["Claus Hansen", "Maria Krogh Degn"]),
        ("Rikke\u00a0Møller  Larsen", ["Rikke Møller Larsen"]),
    ],
)
def test_names_are_found(text: str, names: list[str]) -> None:
    assert names_in(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "Infohus Randers",
        "Københavns Vestegns Politi",
        "Børne- og Ungerådgivningen",
        "SSP-konsulenten i Herning Kommune",
        "Jens Baggesens Vej 10, Randers",
        "Karen Blixen Skolen",
        "H. C. Andersens Boulevard",
        "Brøndby Strand",
        "Herning Nord",
        "Per SMS eller per telefon",
        "Socialvagten (døgnvagt for børn og unge, via politiet)",
        "Rigspolitiets Nationalt Forebyggelsescenter",
        "ALLAN KRARUP",  # capitals only: not found (documented)
        "kontakt Rikke",  # a first name alone: not found (documented)
    ],
)
def test_role_and_place_names_are_not_persons(text: str) -> None:
    assert names_in(text) == []


@pytest.mark.parametrize(
    ("address", "personal"),
    [
        ("allan.krarup@aalborg.dk", True),
        ("rikke.m.larsen@randers.dk", True),
        ("ak@aalborg.dk", True),
        ("rml@randers.dk", True),
        ("TWA001@politi.dk", True),
        ("infohus@randers.dk", False),
        ("infohuskoege@koege.dk", False),
        ("ssp@testby.dk", False),
        ("pet@pet.dk", False),
        ("borgerservice@kk.dk", False),
        ("ssp.randers@randers.dk", False),
        ("ungli@herning.dk", False),  # a unit's prefix and initials: not told apart (documented)
    ],
)
def test_personal_mailboxes(address: str, personal: bool) -> None:
    assert personal_mailbox(address) is personal


# --- the places of a plan ----------------------------------------------------------------


def test_the_issues_examples_are_caught() -> None:
    text = _mutate(
        ("    name: Voksenrådgivningen\n", "    name: Allan Krarup\n"),
        (
            '{channel: web, value: testby.dk/underretning, source: {section: "2"}}',
            '{channel: web, value: testby.dk/underretning, source: {section: "2", '
            'quote: "Rikke Møller Larsen, SSP-konsulent"}}\n'
            '      - {channel: email, value: allan.krarup@aalborg.dk, source: {section: "2"}}\n'
            '      - {channel: email, value: ak@aalborg.dk, source: {section: "2"}}',
        ),
    )
    problems = _bk905(text)
    assert sorted(p.message for p in problems) == [
        "actor 'adults' names a person: 'Allan Krarup'",
        "e-mail 'ak@aalborg.dk' of actor 'children' looks like a person's own mailbox",
        "e-mail 'allan.krarup@aalborg.dk' of actor 'children' looks like a person's own mailbox",
        "quote names a person: 'Rikke Møller Larsen'",
    ]
    assert all(p.severity.value == "error" for p in problems)


def test_members_labels_post_owner_and_mailboxes_in_quotes() -> None:
    text = _mutate(
        ("    information_sharing: [PSP]\n", "    information_sharing: [PSP]\n    members: [Lise Kjærgaard]\n"),
        (
            '{channel: phone, value: "114", source: {section: "2"}}',
            '{channel: phone, value: "114", label: "Kasper Weng, vagthavende", source: {section: "2"}}\n'
            '      - {channel: post, value: "Att. Claus Hansen, Rådhuset", source: {section: "2"}}',
        ),
        ("owner: {name: Infohus Testby,", "owner: {name: Maria Krogh Degn,"),
        (
            'quote: "Vi vender tilbage senest næste hverdag."',
            'quote: "Vi vender tilbage senest næste hverdag. Mail: TWA001@politi.dk"',
        ),
    )
    messages = sorted(p.message for p in _bk905(text))
    assert messages == sorted(
        [
            "actor 'adults' names a person: 'Lise Kjærgaard'",
            "a contact of actor 'socialvagten' names a person: 'Kasper Weng'",
            "a contact of actor 'socialvagten' names a person: 'Claus Hansen'",
            "the plan's owner or approver is given as a person: 'Maria Krogh Degn'",
            "quote gives a person's own mailbox: 'TWA001@politi.dk'",
        ]
    )


def test_a_note_may_say_that_the_text_names_a_person() -> None:
    text = _mutate(
        (
            "    note: The test text mentions opening hours without stating them.",
            "    note: The text gives Rikke Møller Larsen's hours; the plan keeps the office's.",
        )
    )
    assert _bk905(text) == []


def test_not_person_names_accepts_a_name_and_a_mailbox() -> None:
    text = _mutate(
        ("    name: Voksenrådgivningen\n", "    name: Allan Krarup\n"),
        (
            '{channel: web, value: testby.dk/underretning, source: {section: "2"}}',
            '{channel: web, value: testby.dk/underretning, source: {section: "2"}}\n'
            '      - {channel: email, value: bfk@testby.dk, source: {section: "2"}}',
        ),
    )
    assert len(_bk905(text)) == 2
    accepted = text + (
        "not_person_names:\n"
        "  allan  KRARUP: the name of the municipality's youth house, not a person\n"
        "  bfk@testby.dk: Børn og Familie's shared mailbox (BFK), not a person's initials\n"
    )
    assert _bk905(accepted) == []


def test_danish_message() -> None:
    text = _mutate(("    name: Voksenrådgivningen\n", "    name: Allan Krarup\n"))
    (problem,) = _bk905(text, lang="da")
    assert problem.message == "aktøren 'adults' nævner en person: 'Allan Krarup'"
    assert problem.hint is not None and "not_person_names" in problem.hint


# --- the measurement ---------------------------------------------------------------------


def test_the_shipped_plans_name_no_person() -> None:
    paths = [PLANS / f"{slug}.yaml" for slug in SLUGS]
    report = beredskab.validate(paths, as_of=AS_OF, lang="en")
    assert len(report.plans) == len(SLUGS)
    assert [p.format() for p in report.problems if p.code == "BK905"] == []


def test_the_plans_texts_name_people_the_plans_leave_out() -> None:
    """The source texts do name staff and a politician: six names and two mailboxes, all found."""
    folder = seeds_dir()
    if folder is None:
        pytest.skip("no source texts")
    found = {}
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        mailboxes = [a for a in re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text) if personal_mailbox(a)]
        found[path.name[:3]] = (len(names_in(text)), len(mailboxes))
    assert found == {"000": (0, 0), "001": (3, 2), "002": (2, 0), "003": (0, 0), "004": (1, 0)}
