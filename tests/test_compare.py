"""``beredskab compare``: the matrix of standard situations across the shipped plans."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

import beredskab
from beredskab.audit.compare import Matrix, compare, load_situations, render_matrix, situation_instant, table
from beredskab.cli import main
from beredskab.routing.calendar import is_public_holiday
from conftest import PLANS

AS_OF = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def matrix() -> Matrix:
    return compare(PLANS, as_of=AS_OF)


def _row(matrix: Matrix, situation: str) -> beredskab.audit.compare.MatrixRow:  # type: ignore[name-defined]
    return next(r for r in matrix.rows if r.situation == situation)


def test_the_saturday_16_year_old_differs_between_koege_and_randers(matrix: Matrix) -> None:
    row = _row(matrix, "child-saturday")
    at = dt.datetime.fromisoformat(row.concern["received_at"])
    assert at.weekday() == 5 and row.concern["age"] == 16 and row.concern["acute"] is False
    koege, randers = row.cells["koege"], row.cells["randers"]
    assert [a.kind for a in koege.next] == ["children_services"]
    assert [a.kind for a in randers.next] == ["national_hotline"] and randers.wait == "PT0S"
    assert koege.wait is not None and int(koege.wait.removeprefix("PT").removesuffix("H")) >= 40
    # every cell is what route() answers for the row's concern
    for slug, cell in row.cells.items():
        decision = beredskab.load_plan(PLANS / f"{slug}.yaml").route(row.concern)
        assert cell.rules == decision.rules


def test_situations_fall_on_the_days_they_name() -> None:
    for key, check in (
        ("weekday_day", lambda t: t.weekday() in (1, 2, 3) and t.hour == 10),
        ("weekday_evening", lambda t: t.weekday() in (1, 2, 3) and t.hour == 20),
        ("saturday", lambda t: t.weekday() == 5),
        ("holiday", lambda t: is_public_holiday(t.date()) and t.weekday() < 5),
    ):
        at = situation_instant(key, AS_OF)  # type: ignore[arg-type]
        assert check(at) and at.date() >= AS_OF, key


def test_the_odd_one_out_is_marked(matrix: Matrix) -> None:
    # acute: four plans send 112 alone, Køge 112 and the police 114 together
    row = _row(matrix, "acute")
    assert row.cells["koege"].differs
    assert not any(c.differs for s, c in row.cells.items() if s != "koege")


def test_steps_a_plan_lacks_are_said_so(tmp_path: Path) -> None:
    own = tmp_path / "situations.yaml"
    own.write_text(
        "situations:\n  - {id: hotline, label: After hotline advice, concern: {age: 30, step: hotline_advice}}\n",
        encoding="utf-8",
    )
    m = compare(PLANS, situations=load_situations(own), as_of=AS_OF)
    cells = m.rows[0].cells
    assert cells["kbh"].applicable and not cells["koege"].applicable
    assert "hotline_advice" in table(m, "en")[1][[p.slug for p in m.plans].index("koege") + 1]


def test_json_and_csv_round_trip(matrix: Matrix) -> None:
    assert Matrix.model_validate_json(render_matrix(matrix, "json")) == matrix
    for lang in ("da", "en"):
        assert list(csv.reader(io.StringIO(render_matrix(matrix, "csv", lang=lang)))) == table(matrix, lang)


def test_extra_rows_about_the_plans(matrix: Matrix) -> None:
    rows = {r[0]: r[1:] for r in table(matrix, "en")}
    slugs = [p.slug for p in matrix.plans]
    assert rows["Revised"][slugs.index("koege")] == "2024-01"
    assert rows["Revision overdue"][slugs.index("koege")] == "no"
    assert rows["Revision overdue"][slugs.index("kbh")] == "yes"  # next revision due 2020
    assert all(int(n) > 0 for n in rows["Assumed facts"])


def test_danish_by_default_and_english_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(PLANS), "--as-of", "2026-12-01"]) == 0
    danish = capsys.readouterr().out
    assert "Akut: fare nu" in danish and "Revision overskredet" in danish
    assert main(["compare", str(PLANS), "--as-of", "2026-12-01", "--lang", "en"]) == 0
    english = capsys.readouterr().out
    assert "Acute: danger now" in english and "Akut: fare nu" not in english
    assert max(len(line) for line in english.splitlines()) < 250  # a table, wrapped


def test_html_marks_differences_and_escapes(matrix: Matrix, tmp_path: Path) -> None:
    html = render_matrix(matrix, "html", lang="en")
    assert html.count('class="differs"') == sum(c.differs for r in matrix.rows for c in r.cells.values())
    assert "<details><summary>Deciding rule</summary>" in html
    hostile = tmp_path / "situations.yaml"
    hostile.write_text(
        'situations:\n  - {id: x, label: "<script>alert(1)</script>", concern: {age: 30}}\n', encoding="utf-8"
    )
    m = compare(PLANS / "koege.yaml", situations=load_situations(hostile), as_of=AS_OF)
    out = render_matrix(m, "html")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "<script>" not in render_matrix(m, "markdown")


def test_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "situations.yaml"
    bad.write_text("situations:\n  - {id: x, label: y, time: someday}\n", encoding="utf-8")
    assert main(["compare", str(PLANS), "--situations", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2:29: fejl BK101 situations[0].time" in err, err
    bad.write_text("situations:\n  - {id: x, label: y, concern: {age: 300}}\n", encoding="utf-8")
    assert main(["compare", str(PLANS), "--situations", str(bad)]) == 2
    assert "situation x: concern.age" in capsys.readouterr().err
    assert main(["compare", str(tmp_path / "nowhere")]) == 2
