"""The comparison matrix: what each municipality's plan answers in the same standard situations."""

from __future__ import annotations

import collections
import datetime as dt
import textwrap
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .._errors import ConcernError, PlanError
from .._i18n import DEFAULT_LANG, local_moment, translator
from .._problems import Problem, Severity
from ..analysis.validate import Report, validate
from ..plan import Plan
from ..routing.calendar import ZONE, is_public_holiday, wall_moment
from ..routing.concern import Concern, Decision
from ..spec.model import empty_dict, empty_list
from ..spec.positions import pydantic_problems
from .model import duration_parts, iso_duration

__all__ = [
    "COMPARE_FORMATS",
    "MARKS",
    "WAIT_CLASSES",
    "Cell",
    "Matrix",
    "MatrixPlan",
    "MatrixRow",
    "Situation",
    "cell_details",
    "cell_text",
    "cell_wait",
    "compare",
    "legend",
    "load_situations",
    "local_time",
    "mark",
    "matrix_helpers",
    "matrix_meta",
    "matrix_of",
    "render_matrix",
    "situation_instant",
    "table",
    "usable_report",
    "wait_class",
]

TimeKey = Literal["weekday_day", "weekday_evening", "saturday", "holiday"]
WaitClass = Literal["now", "hours", "days"]
WAIT_CLASSES: tuple[WaitClass, ...] = ("now", "hours", "days")
"""How long until someone can act: at once, within the day (under 24 hours), or a day or more."""
MARKS = "●▲■◆★✚✖✦"
"""The marker character of each answer group of a row (group 0, the most common answer, first);
past the last, the group's number stands."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Situation(_Strict):
    """One row of the matrix: a concern without its instant, and when it is received."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)
    label: str = Field(min_length=1, max_length=200)
    time: TimeKey | dt.datetime = "weekday_day"
    concern: dict[str, Any] = Field(default_factory=empty_dict)


class _Catalogue(_Strict):
    situations: list[Situation] = Field(min_length=1, max_length=200)


class CellActor(_Strict):
    actor: str
    kind: str
    name: str
    step: str


class Cell(_Strict):
    """One plan's answer in one situation (``applicable`` false: the plan has no such step)."""

    applicable: bool = True
    why_not: str | None = None
    next: list[CellActor] = Field(default_factory=empty_list)
    contact: bool = Field(default=False, description="Someone in next has a contact usable as given.")
    wait: str | None = Field(default=None, description="Until someone in next can act (ISO 8601).")
    act_by: str | None = Field(default=None, description="The earliest act_by after receipt (ISO 8601).")
    legal_basis: list[str] = Field(default_factory=empty_list)
    rules: list[str] = Field(default_factory=empty_list)
    catch_all: bool = False
    differs: bool = Field(
        default=False,
        description="Marked: who acts differs from the majority of the plans, or the row has no majority "
        "(then every applicable cell is marked).",
    )
    group: int | None = Field(
        default=None,
        description="The cell's answer group in its row: cells whose kinds of actor are the same share a "
        "group; 0 the most common (ties: the first column), then by size. None: not applicable.",
    )
    wait_class: WaitClass | None = Field(
        default=None, description="now (wait zero), hours (under 24 hours) or days; None: nobody acts next."
    )


class MatrixRow(_Strict):
    situation: str
    label: str
    concern: dict[str, Any] = Field(description="The Concern routed, received_at included.")
    cells: dict[str, Cell] = Field(description="By plan slug.")
    majority: bool = Field(
        default=False, description="Group 0 holds a strict majority of the applicable cells (it stays unmarked)."
    )
    groups: int = Field(default=0, description="How many answer groups the row has.")


class MatrixPlan(_Strict):
    """A column, and the extra rows about the plan itself."""

    slug: str
    name: str
    file: str
    title: str
    revised: str | None
    next_revision_due: str | None
    revision_overdue: bool
    assumed: int = Field(description="Facts marked assumed: true.")
    errors: int
    warnings: int


class Matrix(_Strict):
    as_of: dt.date
    plans: list[MatrixPlan]
    rows: list[MatrixRow]


def load_situations(path: str | Path | None = None) -> list[Situation]:
    """The shipped catalogue (``data/situations.yaml``), or an auditor's file of the same shape."""
    from ..loader import read_document  # pure I/O, with positions for the errors

    if path is None:
        text = resources.files("beredskab").joinpath("data/situations.yaml").read_text(encoding="utf-8")
        return _Catalogue.model_validate(yaml.safe_load(text)).situations
    document = read_document(path)
    try:
        situations = _Catalogue.model_validate(document.data).situations
    except ValidationError as exc:
        raise PlanError(pydantic_problems(exc, document, _Catalogue), document.file) from None
    seen: set[str] = set()
    for i, s in enumerate(situations):
        if s.id in seen:
            line, col = document.position(("situations", i, "id"))
            message = f"situation id {s.id!r} is used twice"
            raise PlanError([Problem.of("BK000", file=document.file, line=line, col=col, message=message)])
        seen.add(s.id)
    return situations


def situation_instant(time: TimeKey | dt.datetime, as_of: dt.date) -> dt.datetime:
    """The real instant of a situation's time, the first on or after ``as_of``:
    a working Tuesday-Thursday (10:00 or 20:00), a Saturday (12:00), a public holiday on a
    weekday (12:00)."""
    if isinstance(time, dt.datetime):
        return time
    for offset in range(400):
        day = as_of + dt.timedelta(days=offset)
        holiday = is_public_holiday(day)
        if time in ("weekday_day", "weekday_evening") and day.weekday() in (1, 2, 3) and not holiday:
            # the day after must be a working day too, so "evening" waits only the night
            after = day + dt.timedelta(days=1)
            if not is_public_holiday(after):
                return wall_moment(day, 10 * 60 if time == "weekday_day" else 20 * 60)
        if time == "saturday" and day.weekday() == 5 and not holiday:
            return wall_moment(day, 12 * 60)
        if time == "holiday" and holiday and day.weekday() < 5:
            return wall_moment(day, 12 * 60)
    raise ValueError(f"no {time} within 400 days of {as_of}")  # pragma: no cover - every year has each


def _cell(plan: Plan, concern: dict[str, Any]) -> Cell:
    step = concern.get("step", "intake")
    if step not in plan.steps:
        return Cell(applicable=False, why_not=step)
    try:
        decision: Decision = plan.route(concern)
    except ConcernError as exc:  # a situation file naming a bad field: the cell says so
        return Cell(applicable=False, why_not=exc.field)
    at = decision.received_at
    offsets = [a.act_by - at for a in decision.next if a.act_by is not None]
    wait = min(a.available_from - at for a in decision.next) if decision.next else None
    return Cell(
        next=[CellActor(actor=a.actor, kind=str(a.kind), name=a.name, step=a.step) for a in decision.next],
        contact=any(a.contacts for a in decision.next),
        wait=iso_duration(wait) if wait is not None else None,
        wait_class=wait_class(wait) if wait is not None else None,
        act_by=iso_duration(min(offsets)) if offsets else None,
        legal_basis=[str(x) for x in decision.legal_basis],
        rules=list(decision.rules),
        catch_all=decision.catch_all,
    )


def wait_class(wait: dt.timedelta) -> WaitClass:
    """``now`` (no wait), ``hours`` (under a day) or ``days``."""
    if wait <= dt.timedelta(0):
        return "now"
    return "hours" if wait < dt.timedelta(days=1) else "days"


def _group(cells: dict[str, Cell]) -> tuple[dict[str, Cell], bool, int]:
    """Group a row's cells by their answer (the kinds of actor in next) and mark them.

    Group 0 is the most common answer (ties: the one of the first column), the rest follow by
    size. Group 0 stays unmarked only when it holds a strict majority of the applicable cells;
    every other cell is marked (``differs``), so a row where no answer has a majority, or all
    differ, is marked throughout.
    """
    signature = {slug: tuple(sorted({a.kind for a in c.next})) for slug, c in cells.items() if c.applicable}
    counts = collections.Counter(signature.values())  # insertion order: the columns'
    if not counts:
        return cells, False, 0
    # most_common is stable: equal counts keep the order of first appearance
    order = {sig: i for i, (sig, _n) in enumerate(counts.most_common())}
    majority = counts.most_common(1)[0][1] * 2 > len(signature)
    out: dict[str, Cell] = {}
    for slug, c in cells.items():
        if slug not in signature:
            out[slug] = c
            continue
        group = order[signature[slug]]
        out[slug] = c.model_copy(update={"group": group, "differs": not (majority and group == 0)})
    return out, majority, len(order)


def compare(
    paths: str | Path | Iterable[str | Path],
    *,
    situations: Sequence[Situation] | None = None,
    as_of: dt.date | None = None,
) -> Matrix:
    """The matrix of the plans in ``paths`` (files or folders): one row per situation.

    Raises :class:`beredskab.PlanError` when a plan cannot be loaded (nothing partial).
    """
    day = as_of or dt.datetime.now(ZONE).date()
    return matrix_of(usable_report(paths, day), situations, day)


def usable_report(paths: str | Path | Iterable[str | Path], day: dt.date, lang: str = DEFAULT_LANG) -> Report:
    """:func:`~beredskab.validate` of ``paths`` (its messages in ``lang``), or PlanError if any plan cannot be loaded."""
    report = validate(paths, as_of=day, lang=lang)
    unusable = [Problem.of("BK000", file=p, message=why) for p, why in report.unusable]
    broken = [p for p in report.problems if p.severity is Severity.ERROR and p.file not in report.plans]
    if unusable or broken or not report.plans:
        problems = unusable + broken or [Problem.of("BK000", file="<plans>", message="no plan in the paths given")]
        raise PlanError(problems)
    return report


def matrix_of(report: Report, situations: Sequence[Situation] | None, day: dt.date) -> Matrix:
    """The matrix of a validation report's plans (all loaded)."""
    plans = sorted(report.plans.items(), key=lambda fp: fp[1].slug)
    columns: list[MatrixPlan] = []
    for file, plan in plans:
        mine = [p for p in report.problems if p.file == file]
        doc = plan.document
        latest = doc.revised or doc.adopted
        columns.append(
            MatrixPlan(
                slug=plan.slug,
                name=plan.municipality.name,
                file=file,
                title=doc.title,
                revised=latest.date if latest else None,
                next_revision_due=doc.next_revision_due.date if doc.next_revision_due else None,
                revision_overdue=any(p.code == "BK703" for p in mine),
                # BK901 lists every assumed value once: the validation already counted them
                assumed=sum(p.code == "BK901" for p in mine),
                errors=sum(p.severity is Severity.ERROR for p in mine),
                warnings=sum(p.severity is Severity.WARNING for p in mine),
            )
        )
    rows: list[MatrixRow] = []
    for s in situations if situations is not None else load_situations():
        concern = {"received_at": situation_instant(s.time, day).isoformat(), "acute": False, **s.concern}
        try:  # a bad field is the situation file's fault: say which situation
            Concern.model_validate({**concern, "step": "intake"})
        except ConcernError as exc:
            raise ConcernError(f"situation {s.id}: concern.{exc.field}", exc.message, exc.suggestion) from None
        cells, majority, groups = _group({plan.slug: _cell(plan, concern) for _, plan in plans})
        rows.append(
            MatrixRow(situation=s.id, label=s.label, concern=concern, cells=cells, majority=majority, groups=groups)
        )
    return Matrix(as_of=day, plans=columns, rows=rows)


# --- the table every flat format shares (text, markdown, csv) --------------------------------


def _span(iso: str | None, _: Any) -> str:
    """``20 t``, ``1 d 20 t``, ``30 min``; zero: ``nu``."""
    if iso is None:
        return "-"
    _negative, parts = duration_parts(iso)
    units = dict((u, n) for n, u in parts)
    days, hours = divmod(units.pop("H", 0), 24)
    names = {"D": _("d"), "H": _("h"), "M": "min", "S": "s"}
    ordered = (("D", days), ("H", hours), ("M", units.get("M", 0)), ("S", units.get("S", 0)))
    return " ".join(f"{n} {names[u]}" for u, n in ordered if n) or str(_("now"))


def mark(group: int | None) -> str:
    """The marker character of an answer group (``●``, ``▲``, ...; past them the group's number)."""
    if group is None:
        return ""
    return MARKS[group] if group < len(MARKS) else f"#{group + 1}"


def cell_wait(cell: Cell, lang: str = DEFAULT_LANG) -> str:
    """The wait in words with its class: ``handler nu``, ``handler om 20 t (timer)``, ``handler om 1 d 20 t (dage)``."""
    _ = translator(lang, "compare")
    if cell.wait is None or cell.wait_class is None:
        return _("acts {when}").format(when="-")
    if cell.wait_class == "now":
        return _("acts now")
    if cell.wait_class == "hours":
        return _("acts in {span} (hours)").format(span=_span(cell.wait, _))
    return _("acts in {span} (days)").format(span=_span(cell.wait, _))


def cell_details(cell: Cell, lang: str = DEFAULT_LANG, *, wait: bool = True) -> str:
    """What a cell says beside who acts: the wait (left out without ``wait``), a deadline, no
    contact, the legal basis."""
    _ = translator(lang, "compare")
    parts = [cell_wait(cell, lang)] if wait else []
    if cell.act_by is not None:
        parts.append(_("deadline {span}").format(span=_span(cell.act_by, _)))
    if not cell.contact:
        parts.append(_("no usable contact"))
    if cell.legal_basis:
        parts.append(", ".join(cell.legal_basis))
    return " · ".join(parts)


def cell_text(cell: Cell, lang: str = DEFAULT_LANG) -> str:
    """A cell in one line: its group's mark where it is marked, who acts (kind: name), the wait
    and its class, a deadline, no contact."""
    _ = translator(lang, "compare")
    if not cell.applicable:
        return _("no step {step}").format(step=cell.why_not)
    who = "; ".join(f"{_(a.kind)}: {a.name}" for a in cell.next) or _("nobody")
    return (f"{mark(cell.group)} " if cell.differs else "") + f"{who} · {cell_details(cell, lang)}"


def legend(matrix: Matrix, lang: str = DEFAULT_LANG) -> str:
    """What the marks and the wait words mean, in one paragraph ("" when no cell is marked)."""
    _ = translator(lang, "compare")
    groups = max((r.groups for r in matrix.rows if any(c.differs for c in r.cells.values())), default=0)
    if not groups:
        return ""
    marks = " ".join(mark(g) for g in range(groups))
    return " ".join(
        (
            _(
                "Marks {marks}: answers grouped by who acts (the kinds of actor); the same mark in a row, the same answer."
            ).format(marks=marks),
            _("Unmarked: the answer of a strict majority of the plans; a row without a majority is marked throughout."),
            _("Waits: now, hours (under a day) or days."),
        )
    )


def local_time(iso: str, lang: str = DEFAULT_LANG) -> str:
    """``2026-12-05T12:00:00+01:00`` as a reader says it: ``lør 05.12.2026 12:00``."""
    return local_moment(dt.datetime.fromisoformat(iso).astimezone(ZONE), lang)


def table(matrix: Matrix, lang: str = DEFAULT_LANG) -> list[list[str]]:
    """Header and rows: a column per plan, the situations, then the rows about each plan."""
    _ = translator(lang, "compare")
    out = [[_("Situation"), *(p.name for p in matrix.plans)]]
    for row in matrix.rows:
        out.append([_(row.label), *(cell_text(row.cells[p.slug], lang) for p in matrix.plans)])
    yes, no = translator(lang)("yes"), translator(lang)("no")
    out.append([_("Revised"), *(p.revised or "-" for p in matrix.plans)])
    out.append([_("Next revision due"), *(p.next_revision_due or "-" for p in matrix.plans)])
    out.append([_("Revision overdue"), *(yes if p.revision_overdue else no for p in matrix.plans)])
    out.append([_("Assumed facts"), *(str(p.assumed) for p in matrix.plans)])
    out.append([_("Validation warnings"), *(str(p.warnings) for p in matrix.plans)])
    return out


# --- formats -----------------------------------------------------------------------------

COMPARE_FORMATS = ("text", "markdown", "csv", "json", "html")
TEXT_WIDTH = 30
"""Width of a plan's column in the text table (cells wrap)."""


def _text_table(rows: list[list[str]]) -> str:
    widths = [max(len(r[0]) for r in rows)] + [TEXT_WIDTH] * (len(rows[0]) - 1)
    widths[0] = min(widths[0], 44)
    rule = "+".join("-" * (w + 2) for w in widths)
    out = [rule]
    for row in rows:
        wrapped = [textwrap.wrap(cell, w) or [""] for cell, w in zip(row, widths, strict=True)]
        for i in range(max(len(c) for c in wrapped)):
            cells = (f" {(c[i] if i < len(c) else ''):<{w}} " for c, w in zip(wrapped, widths, strict=True))
            out.append("|".join(cells).rstrip())
        out.append(rule)
    return "\n".join(out)


def _markdown_table(rows: list[list[str]]) -> str:
    from ._templates import markdown_cell

    head, *body = rows
    lines = ["| " + " | ".join(markdown_cell(c) for c in head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(markdown_cell(c) for c in row) + " |" for row in body]
    return "\n".join(lines)


# A spreadsheet opening the CSV runs a cell that starts with one of these as a formula
# (=HYPERLINK(...), =cmd|...): OWASP's rule for CSV injection prefixes such a cell with a
# quote, which the spreadsheet shows as text. The table holds no negative numbers (counts,
# dates), so nothing legitimate starts so, except the lone "-" the table writes for "none",
# which is no formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) and text != "-" else text


def _csv(rows: list[list[str]]) -> str:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([_spreadsheet_cell(c) for c in row] for row in rows)
    return out.getvalue()


def _markdown_paragraph(text: str) -> str:
    from ._templates import markdown_cell

    return markdown_cell(text)


def matrix_helpers(lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """What the matrix template calls (``_matrix.html.j2``): the cell's details, its wait, its mark, times."""
    return {
        "cell_details": lambda c: cell_details(c, lang, wait=False),
        "cell_wait": lambda c: cell_wait(c, lang),
        "mark": mark,
        "local_time": lambda iso: local_time(iso, lang),
    }


def matrix_meta(matrix: Matrix, lang: str = DEFAULT_LANG) -> list[tuple[str, list[str]]]:
    """The rows about the plans themselves (label, one value per plan)."""
    rows = table(matrix, lang)
    return [(r[0], r[1:]) for r in rows[1 + len(matrix.rows) :]]


def render_matrix(matrix: Matrix, fmt: str, *, lang: str = DEFAULT_LANG, links: dict[str, str] | None = None) -> str:
    """The matrix as ``text``, ``markdown``, ``csv``, ``json`` (the :class:`Matrix` model) or ``html``."""
    from ._templates import render

    if fmt == "json":
        return matrix.model_dump_json(indent=2)
    if fmt == "html":
        _ = translator(lang, "compare")
        return render(
            "compare.html.j2",
            _,
            lang=lang,
            title=_("Comparison of plans"),
            matrix=matrix,
            meta=matrix_meta(matrix, lang),
            links=links,
            **matrix_helpers(lang),
        )
    rows = table(matrix, lang)
    if fmt == "csv":
        return _csv(rows)
    key = legend(matrix, lang)
    if fmt == "markdown":
        return _markdown_table(rows) + (f"\n\n{_markdown_paragraph(key)}" if key else "")
    if fmt == "text":
        return _text_table(rows) + ("\n\n" + "\n".join(textwrap.wrap(key, 100)) if key else "")
    raise ValueError(f"format must be one of {', '.join(COMPARE_FORMATS)}")
