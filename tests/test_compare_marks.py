"""``beredskab compare`` marks answers by group and colours waits (issue 22): every cell that
differs from its row's most common answer, rows without a majority included."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from beredskab.audit.compare import MARKS, Cell, CellActor, Matrix, _group, compare, render_matrix, wait_class
from conftest import CHROMIUM, PLANS, playwright_with_chromium

AS_OF = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def matrix() -> Matrix:
    return compare(PLANS, as_of=AS_OF)


def _cell(*kinds: str, wait: str = "PT0S") -> Cell:
    return Cell(next=[CellActor(actor=k, kind=k, name=k, step="s") for k in kinds], wait=wait)


# --- groups ---------------------------------------------------------------------------------


def test_a_row_where_all_plans_differ_is_grouped_and_marked_throughout() -> None:
    cells, majority, groups = _group({s: _cell(k) for s, k in zip("abcde", ("x", "y", "z", "u", "v"), strict=True)})
    assert not majority and groups == 5
    assert [c.group for c in cells.values()] == [0, 1, 2, 3, 4]  # ties: the order of the columns
    assert all(c.differs for c in cells.values())


def test_a_row_without_a_majority_shades_its_largest_group_too() -> None:
    # two of five agree: the most common answer, but no majority
    cells, majority, _ = _group({"a": _cell("x"), "b": _cell("y"), "c": _cell("x"), "d": _cell("z"), "e": _cell("u")})
    assert not majority
    assert cells["a"].group == cells["c"].group == 0
    assert all(c.differs for c in cells.values())
    assert len({cells[s].group for s in "bde"}) == 3


def test_a_row_with_a_majority_marks_only_the_others() -> None:
    cells, majority, groups = _group(
        {"a": _cell("x"), "b": _cell("y"), "c": _cell("x"), "d": _cell("x"), "e": _cell("y")}
    )
    assert majority and groups == 2
    assert [s for s, c in cells.items() if c.differs] == ["b", "e"]
    assert cells["b"].group == cells["e"].group == 1 and cells["a"].group == 0


def test_not_applicable_cells_are_neither_grouped_nor_marked() -> None:
    na = Cell(applicable=False, why_not="hotline_advice")
    cells, majority, _ = _group({"a": _cell("x"), "b": na, "c": _cell("x"), "d": _cell("y")})
    assert majority and cells["b"].group is None and not cells["b"].differs
    assert [s for s, c in cells.items() if c.differs] == ["d"]


def test_the_shipped_plans(matrix: Matrix) -> None:
    rows = {r.situation: r for r in matrix.rows}
    # acute: four send 112 alone, Køge 112 and the police together: only Køge is marked
    acute = rows["acute"]
    assert acute.majority and [s for s, c in acute.cells.items() if c.differs] == ["koege"]
    # the not-acute 16-year-old on a Saturday: five different answers, five groups, all marked
    saturday = rows["child-saturday"]
    assert not saturday.majority and saturday.groups == 5
    assert sorted(c.group for c in saturday.cells.values()) == [0, 1, 2, 3, 4]
    assert all(c.differs for c in saturday.cells.values())
    # far more than the eight odd ones out of before
    assert sum(c.differs for r in matrix.rows for c in r.cells.values()) > 8


# --- waits ----------------------------------------------------------------------------------


def test_wait_classes() -> None:
    assert wait_class(dt.timedelta(0)) == "now"
    assert wait_class(dt.timedelta(minutes=30)) == "hours"
    assert wait_class(dt.timedelta(hours=23, minutes=59)) == "hours"
    assert wait_class(dt.timedelta(hours=24)) == "days"
    assert wait_class(dt.timedelta(hours=68)) == "days"


def test_waits_in_the_matrix(matrix: Matrix) -> None:
    rows = {r.situation: r for r in matrix.rows}
    assert rows["child-saturday"].cells["koege"].wait_class == "days"
    assert rows["child-saturday"].cells["randers"].wait_class == "now"
    assert rows["child-closed"].cells["koege"].wait_class == "hours"
    for row in matrix.rows:
        for cell in row.cells.values():
            assert (cell.wait_class is None) == (cell.wait is None)


# --- formats --------------------------------------------------------------------------------


def test_json_has_the_machine_fields_and_keeps_the_old(matrix: Matrix) -> None:
    data = json.loads(render_matrix(matrix, "json"))
    row = next(r for r in data["rows"] if r["situation"] == "child-saturday")
    koege = row["cells"]["koege"]
    assert {"applicable", "next", "contact", "wait", "act_by", "legal_basis", "rules", "differs"} <= set(koege)
    assert koege["wait_class"] == "days" and isinstance(koege["group"], int) and koege["wait"].startswith("PT")
    assert row["majority"] is False and row["groups"] == 5
    assert Matrix.model_validate(data) == matrix


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_markdown_and_text_show_marks_and_wait_words(matrix: Matrix, fmt: str) -> None:
    da = render_matrix(matrix, fmt)
    en = render_matrix(matrix, fmt, lang="en")
    for mark in MARKS[:5]:
        assert mark in da
    assert "handler nu" in da and "(timer)" in da and "(dage)" in da
    assert "acts now" in en and "(hours)" in en and "(days)" in en
    assert "Mærker ●" in da and "Marks ●" in en  # the legend
    assert "1 d 20 t" in da  # a Saturday's wait until Monday morning, in days and hours


def test_markdown_cells_carry_the_mark_of_their_group(matrix: Matrix) -> None:
    md = render_matrix(matrix, "markdown", lang="en")
    line = next(x for x in md.splitlines() if x.startswith("| Acute: danger now"))
    cells = [c.strip() for c in line.strip("|").split(" | ")][1:]
    slugs = [p.slug for p in matrix.plans]
    assert cells[slugs.index("koege")].startswith(MARKS[1] + " ")
    assert not any(c[:1] in MARKS for i, c in enumerate(cells) if slugs[i] != "koege")


# --- in a browser ---------------------------------------------------------------------------


def test_the_html_matrix_shows_the_legend_and_the_shades(matrix: Matrix, tmp_path: Path) -> None:
    page_file = tmp_path / "matrix.html"
    page_file.write_text(render_matrix(matrix, "html", lang="en"), encoding="utf-8")
    with playwright_with_chromium() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1200})
            page.goto(page_file.as_uri())
            legend = page.locator(".legend").first
            assert legend.is_visible() and "Answer groups" in legend.inner_text()
            assert page.locator(".legend .wait-days").is_visible()

            def background(selector: str) -> str:
                return str(page.locator(selector).evaluate("e => getComputedStyle(e).backgroundColor"))

            # a row without a majority: five groups, five shades, none of them white
            shades = [background(f"#situation-child-saturday td[data-group='{g}']") for g in range(5)]
            assert len(set(shades)) == 5 and "rgba(0, 0, 0, 0)" not in shades
            # a row with a majority: the majority unshaded, the odd one out shaded
            majority = background("#situation-acute td[data-group='0'] >> nth=0")
            odd = background("#situation-acute td[data-group='1']")
            assert majority != odd and majority in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
            # the legend's swatches are the cells' shades
            assert background(".legend .swatch[data-group='1']") == odd
            # waits: days red, now green
            days = page.locator("#situation-child-saturday .wait-days").first
            now = page.locator("#situation-child-saturday .wait-now").first
            assert days.evaluate("e => getComputedStyle(e).backgroundColor") != now.evaluate(
                "e => getComputedStyle(e).backgroundColor"
            )
            page.screenshot(path=str(tmp_path / "matrix.png"), full_page=True)
        finally:
            browser.close()
