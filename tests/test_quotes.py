"""Quotes and the texts they cite (issue 20): BK904 source-text-missing, BK903's closest passage.

A citation's text must be there: a misspelt ``source.seed`` or ``document.text`` used to
switch the quote check off without a word (an invented quote validated clean); it is now
BK904, once per name, at its key, with a did-you-mean. A quote that departs from its text
says where, and shows the closest passage of the text, bounded.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import beredskab
from beredskab import Problem, Severity
from beredskab.analysis._texts import SourceText, norm
from beredskab.analysis.checks import quote_verbatim
from beredskab.cli import main
from conftest import EXAMPLE_FILES

AS_OF = dt.date(2026, 11, 22)
COMPLETE = EXAMPLE_FILES / "valid" / "complete.yaml"
TEXT = (
    "Testby Kommunes plan.\n\n"
    "3.2 Kontakt\n"
    "Ring til Infohus på hverdage i kommunens åbningstid.\n"
    "Vi vender tilbage senest næste hverdag.\n"
)
OTHER = "Nabokommunens plan.\n\nDen nationale hotline har åbent dagligt kl. 08:00-22:00.\n"
PROMISE = '  source: {section: "3.2", quote: "Vi vender tilbage senest næste hverdag."}'
INVENTED = "Vi ringer altid tilbage inden for en time."


def _plan(tmp_path: Path, *pairs: tuple[str, str], text: str | None = "sources/testby.txt") -> Path:
    """complete.yaml in ``tmp_path/plans`` with its texts in ``plans/sources``, changed by ``pairs``."""
    plans = tmp_path / "plans"
    (plans / "sources").mkdir(parents=True)
    (plans / "sources" / "testby.txt").write_text(TEXT, encoding="utf-8")
    (plans / "sources" / "nabo.txt").write_text(OTHER, encoding="utf-8")
    body = COMPLETE.read_text(encoding="utf-8")
    if text is not None:
        body = body.replace("  seed: 000_b99062581fe8a71d.txt\n", f"  seed: testby.txt\n  text: {text}\n", 1)
    for old, new in pairs:
        assert body.count(old) == 1, old
        body = body.replace(old, new)
    path = plans / "testby.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def _problems(path: Path, lang: str = "en", codes: tuple[str, ...] = ("BK903", "BK904")) -> list[Problem]:
    report = beredskab.validate([path], as_of=AS_OF, lang=lang)
    assert report.plans, [p.format() for p in report.problems]
    return [p for p in report.problems if p.code in codes]


def _line_of(path: Path, needle: str) -> tuple[int, int]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(needle)


def test_the_plan_with_its_texts_is_clean(tmp_path: Path) -> None:
    assert _problems(_plan(tmp_path)) == []


# --- BK904 -----------------------------------------------------------------------------------


def test_a_misspelt_seed_with_an_invented_quote_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's case: it used to validate clean."""
    path = _plan(tmp_path, (PROMISE, f'  source: {{section: "3.2", seed: nab.txt, quote: "{INVENTED}"}}'))
    found = _problems(path)
    line, col = _line_of(path, "seed: nab.txt")
    assert [(p.code, p.severity, p.line, p.col) for p in found] == [("BK904", Severity.ERROR, line, col)]
    message = found[0].message
    assert "'nab.txt'" in message and f"{tmp_path.as_posix()}/plans/sources/" in message, message
    assert "not checked" in message
    assert found[0].hint == "did you mean 'nabo.txt'?"
    # through the command line, as CI runs it: exit 1
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--lang", "en", "--as-of", AS_OF.isoformat(), "plans/testby.yaml"]) == 1
    out = capsys.readouterr().out
    assert (
        f"plans/testby.yaml:{line}:{col}: error BK904 the text 'nab.txt' that source.seed names is not in "
        "plans/sources/; the quotes citing it are not checked (did you mean 'nabo.txt'?)"
    ) in out, out
    # spelt right, the invented quote is caught
    fixed = path.read_text(encoding="utf-8").replace("seed: nab.txt", "seed: nabo.txt")
    path.write_text(fixed, encoding="utf-8")
    assert [p.code for p in _problems(path)] == ["BK903"]


def test_a_seed_is_reported_once_per_name_and_in_danish(tmp_path: Path) -> None:
    quote = '{section: "1", seed: aalborg-tyrg.txt, quote: "Intet af dette står nogen steder."}'
    path = _plan(
        tmp_path,
        (PROMISE, f"  source: {quote}"),
        (
            '    contacts:\n      - {channel: email, value: infohus@testby.dk, schedule: always, source: {section: "1"}}',
            f"    contacts:\n      - {{channel: email, value: infohus@testby.dk, schedule: always, source: {quote}}}",
        ),
    )
    found = _problems(path, lang="da")
    assert len(found) == 1 and found[0].code == "BK904"
    assert (found[0].line, found[0].col) == _line_of(path, "seed: aalborg-tyrg.txt")
    assert found[0].message == (
        f"teksten 'aalborg-tyrg.txt', som source.seed nævner, findes ikke i {tmp_path.as_posix()}/plans/sources/; "
        "de citater, der henviser til den, kontrolleres ikke"
    )
    assert found[0].hint == "ret filnavnet, eller tilføj teksten"  # nothing close to it


def test_the_plans_own_seed_name_cites_its_own_text(tmp_path: Path) -> None:
    path = _plan(tmp_path, (PROMISE, PROMISE.replace('{section: "3.2",', '{section: "3.2", seed: testby.txt,')))
    assert _problems(path) == []
    # a slip of its name is suggested from the folder (and document.seed)
    slip = path.read_text(encoding="utf-8").replace("seed: testby.txt,", "seed: testbyy.txt,")
    path.write_text(slip, encoding="utf-8")
    found = _problems(path)
    assert [p.code for p in found] == ["BK904"] and found[0].hint == "did you mean 'testby.txt'?"


def test_a_missing_document_text_is_an_error_at_its_key(tmp_path: Path) -> None:
    path = _plan(tmp_path, (PROMISE, f'  source: {{section: "3.2", quote: "{INVENTED}"}}'), text="sources/tesby.txt")
    found = _problems(path)
    assert [(p.code, p.line, p.col) for p in found] == [("BK904", *_line_of(path, "text: sources/tesby.txt"))]
    assert found[0].message == (
        f"the plan's text file 'sources/tesby.txt' is not in {tmp_path.as_posix()}/plans/sources/; "
        "the quotes of the plan's own text are not checked"
    )
    assert found[0].hint == "did you mean 'sources/testby.txt'?"
    danish = _problems(path, lang="da")[0]
    assert danish.message.startswith("planens tekstfil 'sources/tesby.txt' findes ikke i ")
    assert danish.hint == "mente du 'sources/testby.txt'?"


def test_a_missing_document_text_still_checks_the_other_texts(tmp_path: Path) -> None:
    path = _plan(
        tmp_path,
        (PROMISE, f'  source: {{section: "3.2", seed: nabo.txt, quote: "{INVENTED}"}}'),
        text="sources/tesby.txt",
    )
    assert sorted(p.code for p in _problems(path)) == ["BK903", "BK904"]


def test_without_document_text_nothing_is_looked_up(tmp_path: Path) -> None:
    path = _plan(tmp_path, (PROMISE, f'  source: {{section: "3.2", seed: nab.txt, quote: "{INVENTED}"}}'), text=None)
    assert _problems(path) == []


def test_a_seed_outside_the_folder_is_never_read(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text(INVENTED, encoding="utf-8")
    seeds = ["../../secret.txt", "../../nothing.txt"]
    answers = []
    for i, seed in enumerate(seeds):
        folder = tmp_path / str(i)
        path = _plan(folder, (PROMISE, f'  source: {{section: "3.2", seed: "{seed}", quote: "{INVENTED}"}}'))
        (folder / "secret.txt").write_text(INVENTED, encoding="utf-8")
        found = _problems(path)
        answers.append([(p.code, p.message.replace(seed, "X")) for p in found])
    # no oracle: a file there and a file not there get the same answer, and it is not BK904
    assert answers[0] == answers[1]
    assert [code for code, _ in answers[0]] == ["BK903"] and "outside the plan's folder" in answers[0][0][1]


# --- BK903: where a quote departs --------------------------------------------------------------


def test_a_departed_quote_shows_the_word_and_the_closest_passage(tmp_path: Path) -> None:
    quote = "Ring til Infohus på hverdage og i døgnets øvrige timer."
    path = _plan(tmp_path, (PROMISE, f'  source: {{section: "3.2", quote: "{quote}"}}'))
    (english,) = _problems(path)
    assert (english.code, english.line, english.col) == ("BK903", *_line_of(path, f'"{quote}"'))
    assert english.message == (
        'quote is not word for word in sources/testby.txt: it departs at "og" (word 6); '
        'the closest passage (line 4): "Ring til Infohus på hverdage i kommunens åbningstid."'
    )
    (danish,) = _problems(path, lang="da")
    assert danish.message == (
        'citatet står ikke ordret i sources/testby.txt: det afviger ved "og" (ord 6); '
        'den nærmeste passage (linje 4): "Ring til Infohus på hverdage i kommunens åbningstid."'
    )


def test_case_and_punctuation_count_where_the_quote_departs(tmp_path: Path) -> None:
    path = _plan(tmp_path, (PROMISE, '  source: {section: "3.2", quote: "Vi vender tilbage senest næste hverdag!"}'))
    (found,) = _problems(path)
    assert 'departs at "hverdag!" (word 6)' in found.message
    assert '(line 5): "Vi vender tilbage senest næste hverdag."' in found.message


def test_a_quote_nothing_like_the_text(tmp_path: Path) -> None:
    path = _plan(tmp_path, (PROMISE, '  source: {section: "3.2", quote: "Helt andre ord end dem i teksten."}'))
    (found,) = _problems(path)
    assert found.message == (
        "quote is not word for word in sources/testby.txt, and no passage of the text comes close to it"
    )
    assert _problems(path, lang="da")[0].message == (
        "citatet står ikke ordret i sources/testby.txt, og ingen passage i teksten kommer tæt på det"
    )


def _index(text: str) -> quote_verbatim._Index:
    return quote_verbatim._Index(SourceText("long.txt", None, text, norm(text)))


def test_a_long_text_stays_bounded() -> None:
    words = [f"ord{i}" for i in range(20_000)]
    words[10_000] = "x" * 5_000  # one enormous "word" in the middle
    text = "Indledning.\n" + " ".join(words) + "\n"
    index = _index(text)
    quote = " ".join(words[9_950:10_050]).replace("ord10020", "andet")
    found = quote_verbatim.closest(quote, index)
    assert found is not None
    assert (found.word, found.number) == ("andet", 71)
    assert found.line == 2
    body = found.passage.removeprefix("... ").removesuffix(" ...")
    assert len(body) <= quote_verbatim.PASSAGE_CHARS, len(body)
    assert found.passage.startswith("... ") and found.passage.endswith(" ...")
    assert "ord10020" in found.passage  # the text's word where the quote departs is shown
    assert "x" * 50 not in found.passage  # a word is cut too
    # a departing word that is itself enormous is cut in the message
    long_quote = " ".join(words[:30]).replace("ord5", "y" * 3_000, 1)
    again = quote_verbatim.closest(long_quote, index)
    assert again is not None and again.number == 6


def test_the_message_bounds_a_long_departing_word(tmp_path: Path) -> None:
    quote = "Ring til Infohus på " + "z" * 500
    path = _plan(tmp_path, (PROMISE, f'  source: {{section: "3.2", quote: "{quote}"}}'))
    (found,) = _problems(path)
    assert len(found.message) < 300 and "z" * 41 not in found.message, found.message
