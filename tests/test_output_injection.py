"""Plans arrive in pull requests from outside, and the outputs are pasted into PR comments,
wikis and spreadsheets: plan text must come out as text, never as a link, an image, HTML, a
code span it breaks out of, a heading or list it starts, or a spreadsheet formula.

No CommonMark renderer is installed, so the markdown is read by ``_inline`` below: the
inline rules that matter here (backslash escapes, code spans by backtick-run length,
entities), enough to tell what a renderer would treat as markup and what as text.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
import shutil
import string
from pathlib import Path

import pytest

import beredskab
from beredskab.audit._templates import markdown_cell, markdown_code
from beredskab.audit.card import render_card
from beredskab.audit.compare import compare, load_situations, render_matrix, table
from beredskab.cli import main
from conftest import PLANS

KOEGE = PLANS / "koege.yaml"
MONDAY = dt.date(2026, 11, 23)
AS_OF = dt.date(2026, 12, 1)

BREAKOUT = "` <img src=x onerror=alert(1)> `"
LINK = "[Ring 112 her](https://evil.example)"
IMAGE = "![](https://evil.example/x.png)"
FORMULA = '=HYPERLINK("https://evil.example","Klik her")'


# --- hostile plans ------------------------------------------------------------------------------


def _hostile(tmp_path: Path, edits: dict[str, str], name: str = "koege.yaml") -> Path:
    """A copy of Køge's plan with ``key: old value`` lines replaced by ``key: new value``; it still loads."""
    text = KOEGE.read_text(encoding="utf-8")
    for line, value in edits.items():
        key = line.split(":", 1)[0]
        assert text.count(f"{line}\n") == 1, line
        text = text.replace(f"{line}\n", f"{key}: {json.dumps(value)}\n")  # JSON strings are YAML scalars
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    # the plan cites its text relative to itself
    cited = str(beredskab.load_plan(KOEGE).document.text)
    (tmp_path / cited).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PLANS / cited, tmp_path / cited)
    beredskab.load_plan(path)
    return path


def _links_and_images(tmp_path: Path) -> Path:
    return _hostile(
        tmp_path,
        {
            "  name: Køge Kommune": f"Køge Kommune {IMAGE}",
            "    name: Infohus Køge (Infohus kommune – Køge)": LINK,
            "  title: Handleplan for Infohus Køge 2024-2027": f"Handleplan {BREAKOUT}",
            # the first step of the course stands first in a list item: it must not open a heading
            "    name: Modtagelse af underretning/henvendelse, Infohus Køge orienteres": "# Ring 112 her",
        },
    )


# --- reading markdown as a renderer would -------------------------------------------------------

_PUNCTUATION = set(string.punctuation)


def _inline(line: str) -> tuple[str, str, list[str]]:
    """``line`` as CommonMark reads its inlines: (the markup a renderer acts on, with escaped
    characters and code spans blanked; the text shown; the code spans' contents)."""
    active: list[str] = []
    shown: list[str] = []
    spans: list[str] = []
    plain = ""  # text outside code spans, its entities not yet decoded
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line) and line[i + 1] in _PUNCTUATION:
            active.append(" ")
            plain += line[i + 1]
            i += 2
            continue
        if ch == "`":
            end = i
            while end < len(line) and line[end] == "`":
                end += 1
            fence = line[i:end]
            # a code span ends at the next backtick run of exactly the same length
            close = next(
                (m.start() for m in re.finditer(r"`+", line[end:]) if len(m.group()) == len(fence)),
                None,
            )
            if close is None:
                active.append(fence)
                plain += fence
                i = end
                continue
            content = line[end : end + close]
            if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
                content = content[1:-1]
            spans.append(content)
            shown += [html.unescape(plain), content]
            plain = ""
            active.append(" ")
            i = end + close + len(fence)
            continue
        active.append(ch)
        plain += ch
        i += 1
    shown.append(html.unescape(plain))
    return "".join(active), "".join(shown), spans


def _markup(md: str) -> str:
    return "\n".join(_inline(line)[0] for line in md.splitlines())


def _shown(md: str) -> str:
    return "\n".join(_inline(line)[1] for line in md.splitlines())


def _assert_no_live_markup(md: str) -> None:
    markup = _markup(md)
    assert "](" not in markup and "![" not in markup, "a link or an image"
    assert "<img" not in markup, "inline HTML"
    assert "evil.example" not in markup.replace("https://evil.example", ""), "a link target"


# --- diff --format markdown ---------------------------------------------------------------------


def test_diff_markdown_keeps_backticks_in_their_code_spans(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    hostile = _hostile(
        tmp_path,
        {
            "    name: Infohus Køge (Infohus kommune – Køge)": f"Infohus {BREAKOUT}",
            "    explanation: Akut bekymring (forestående eller allerede udførte ulovlige handlinger) uden for "
            "kommunens åbningstid - ring til politiet på 112/114; politiet håndterer henvendelsen alene.": f"``{BREAKOUT}``",
        },
        # the file name is the pull request's too: it stands in the header and beside each change
        name="koege` <img src=x onerror=alert(1)> `.yaml",
    )
    code = main(["diff", str(KOEGE), str(hostile), "--format", "markdown", "--as-of", AS_OF.isoformat()])
    out = capsys.readouterr().out
    assert code == 1
    assert "<img" in out  # the values are there, literally ...
    _assert_no_live_markup(out)  # ... but inside code spans, or escaped
    spans = [s for line in out.splitlines() for s in _inline(line)[2]]
    assert any(f"'Infohus {BREAKOUT}'" in s for s in spans), spans
    assert any(f"'``{BREAKOUT}``'" in s for s in spans), spans
    assert str(hostile) in spans  # B: the file name, whole
    # beside each change, its place in B, as text
    assert f"{hostile}:" in _shown(out)
    # the table still has its four columns on every row
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    assert rows and all(len(re.findall(r"(?<!\\)\|", line)) == 5 for line in rows), rows


# --- card --format markdown ---------------------------------------------------------------------


def test_card_markdown_shows_links_and_images_as_text(tmp_path: Path) -> None:
    plan = beredskab.load_plan(_links_and_images(tmp_path))
    md = render_card(plan, "markdown", lang="en", as_of=MONDAY)
    _assert_no_live_markup(md)
    assert all(not _inline(line)[2] for line in md.splitlines()), "a code span from the plan"
    # no plan text opens a heading of its own: the card's are "# Are you worried?" and its sections
    assert not re.search(r"^\s*(?:[-*+]\s+)+#", md, re.M)
    # and it reads as the plan writes it
    shown = _shown(md)
    for text in (f"Køge Kommune {IMAGE}", LINK, f"Handleplan {BREAKOUT}", "# Ring 112 her"):
        assert text in shown, text


# --- compare --format markdown and csv ----------------------------------------------------------


def test_compare_markdown_shows_links_and_images_as_text(tmp_path: Path) -> None:
    md = render_matrix(compare(_links_and_images(tmp_path), as_of=AS_OF), "markdown", lang="en")
    _assert_no_live_markup(md)
    shown = _shown(md)
    assert f"| Situation | Køge Kommune {IMAGE} |" in shown
    assert LINK in shown
    # one column of situations and one of the plan on every row
    assert all(len(re.findall(r"(?<!\\)\|", line)) == 3 for line in md.splitlines())


def test_compare_csv_quotes_cells_a_spreadsheet_would_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = _hostile(tmp_path, {"  name: Køge Kommune": FORMULA})
    situations = tmp_path / "situations.yaml"
    situations.write_text(
        "situations:\n"
        "  - {id: a, label: \"@SUM(1+1)*cmd|' /C calc'!A0\", concern: {age: 30}}\n"
        '  - {id: b, label: "-2+3", concern: {age: 16}}\n'
        '  - {id: c, label: "+45 ring", concern: {age: 8}}\n',
        encoding="utf-8",
    )
    argv = ["compare", str(plan), "--format", "csv", "--situations", str(situations), "--as-of", AS_OF.isoformat()]
    assert main([*argv, "--lang", "en"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["Situation", "'" + FORMULA]
    assert [r[0] for r in rows[1:4]] == ["'@SUM(1+1)*cmd|' /C calc'!A0", "'-2+3", "'+45 ring"]
    # nothing else changes: the spreadsheet shows every other cell as the table has it
    m = compare(plan, situations=load_situations(situations), as_of=AS_OF)
    expected = table(m, "en")
    assert [r[1:] for r in rows[1:]] == [r[1:] for r in expected[1:]]
    assert [r[0] for r in rows[4:]] == [r[0] for r in expected[4:]]
    assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") and cell != "-" for row in rows for cell in row)


def test_csv_keeps_the_dash_for_none() -> None:
    # the minimal plan gives no next revision date: the table writes "-", which is no formula
    minimal = Path(__file__).resolve().parent / "example-files" / "valid" / "minimal.yaml"
    rows = list(csv.reader(io.StringIO(render_matrix(compare(minimal, as_of=AS_OF), "csv", lang="en"))))
    assert ["Next revision due", "-"] in rows


# --- the one escaping, directly -----------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["a`b", "``x``", "`", "```` four", " padded ", "x | y", "line\nbreak", "cr\r\nbreak", BREAKOUT]
)
@pytest.mark.parametrize("in_table", [False, True])
def test_a_code_span_holds_its_value_whatever_its_backticks(value: str, in_table: bool) -> None:
    written = markdown_code(value, in_table=in_table)
    markup, _text, spans = _inline(written)
    assert markup.strip() == "", written  # one code span, nothing outside it
    expected = re.sub(r"\r\n|[\r\n]", " ", value)
    # in a GFM table cell a | splits the row even inside a code span; GFM shows \| there as |
    assert spans == [expected.replace("|", "\\|") if in_table else expected], written


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (LINK, LINK),
        (IMAGE, IMAGE),
        ("<script>alert(1)</script> & &amp;", "<script>alert(1)</script> & &amp;"),
        ("# heading", "# heading"),
        ("- item", "- item"),
        ("+ item", "+ item"),
        ("1. item", "1. item"),
        ("2) item", "2) item"),
        ("=== setext", "=== setext"),
        ("> quote", "> quote"),
        ("*em* _em_ ~~del~~ $x$", "*em* _em_ ~~del~~ $x$"),
        ("a | b \\ c", "a | b \\ c"),
        ("two\r\nlines\rand\nmore", "two lines and more"),
        ("Børne- og Ungerådgivningen (BUR), 12.30", "Børne- og Ungerådgivningen (BUR), 12.30"),
    ],
)
def test_plan_text_is_literal_markdown_text(value: str, shown: str) -> None:
    written = markdown_cell(value)
    markup, text, spans = _inline(written)
    assert text == shown and spans == []
    assert "\n" not in written and "\r" not in written
    assert not re.match(r"[-+*>#=]|\d+[.)]", markup), written  # starts no block (escaped: blank)
    assert not re.search(r"[`*_\[\]<>|~$]|&(?!amp;|lt;|gt;)", markup), written


def test_text_without_markup_stays_as_it_is() -> None:
    # what needs no escape keeps none, so the markdown reads well before it is rendered too
    for text in ("Børne- og Ungerådgivningen (BUR), 12.30", "infohus@testby.dk", "man-tor 8-15, fre 8-13"):
        assert markdown_cell(text) == text
