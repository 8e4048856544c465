"""``beredskab report``: one self-contained static site of the plans: matrix, per-plan pages, cards, diffs."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from pathlib import Path

from .._errors import PlanError
from .._files import atomic_tree
from .._i18n import DEFAULT_LANG, translator
from .._problems import words as problem_words
from ..loader import display_path
from ..routing.calendar import ZONE
from ._templates import render
from .card import render_card
from .compare import matrix_helpers, matrix_meta, matrix_of, usable_report
from .diff import diff
from .diff_words import DiffWords
from .graph import render_graph
from .model import PlanDiff

__all__ = ["build_report", "write_report"]


def _previous(rev: str, file: str, lang: str) -> PlanDiff | str:
    """The diff from ``rev``'s version of ``file`` to the file, or why there is none."""
    rel = os.path.relpath(Path(file).resolve(), Path.cwd())
    try:
        return diff(f"{rev}:./{rel}", file, lang=lang)
    except PlanError as exc:
        return exc.problems[0].message if exc.problems else str(exc)


def build_report(
    paths: str | Path | Iterable[str | Path],
    *,
    previous: str | None = None,
    lang: str = DEFAULT_LANG,
    as_of: dt.date | None = None,
) -> dict[str, str]:
    """Every page of the site, by relative path, rendered before anything is written.

    Raises :class:`beredskab.PlanError` if a plan cannot be loaded (no partial site).
    """
    _ = translator(lang, "report")
    day = as_of or dt.datetime.now(ZONE).date()
    report = usable_report(paths, day, lang)
    matrix = matrix_of(report, None, day)
    plans = sorted(report.plans.items(), key=lambda fp: fp[1].slug)
    links = {plan.slug: f"plans/{plan.slug}.html" for _f, plan in plans}
    pages: dict[str, str] = {}
    diffs: dict[str, PlanDiff | str] = {}
    if previous is not None:
        diffs = {plan.slug: _previous(previous, file, lang) for file, plan in plans}
    compare_ = translator(lang, "compare")
    pages["index.html"] = render(
        "report_index.html.j2",
        _,
        lang=lang,
        title=_("Readiness plans: overview"),
        as_of=day,
        matrix=matrix,
        meta=matrix_meta(matrix, lang),
        links=links,
        previous=previous,
        compare_=compare_,
        **matrix_helpers(lang),
    )
    for file, plan in plans:
        mine = [p for p in report.problems if p.file == file]
        findings = [p for p in mine if p.code != "BK901"]
        assumptions = [p for p in mine if p.code == "BK901"]
        column = next(p for p in matrix.plans if p.slug == plan.slug)
        pages[f"cards/{plan.slug}.html"] = render_card(plan, "html", lang=lang, as_of=day)
        graph = pages[f"graphs/{plan.slug}.svg"] = render_graph(plan, "svg", lang=lang)
        pages[f"plans/{plan.slug}.html"] = render(
            "report_plan.html.j2",
            _,
            lang=lang,
            title=plan.municipality.name,
            plan=plan,
            file=display_path(Path(file)),
            column=column,
            # inline, the XML declaration and DOCTYPE of a standalone file do not belong
            graph=re.sub(r"^\s*<\?xml[^>]*\?>\s*(<!DOCTYPE[^>]*>\s*)?", "", graph),
            findings=findings,
            severity_word=problem_words(lang),
            assumptions=assumptions,
            legal_bases=sorted(plan.legal_bases.items(), key=lambda kv: str(kv[0])),
            previous=previous,
            has_diff=plan.slug in diffs,
        )
    if previous is not None:
        pages["diff.html"] = render(
            "report_diff.html.j2",
            _,
            lang=lang,
            title=_("Changes since {rev}").format(rev=previous),
            previous=previous,
            diffs=[(plan, diffs[plan.slug]) for _f, plan in plans],
            links=links,
            is_diff=lambda d: isinstance(d, PlanDiff),
            w=DiffWords(lang),
        )
    return pages


REPORT_MARKER = ".beredskab-report"
"""The file that marks a folder as a report this tool wrote (and may therefore replace whole)."""


def write_report(pages: dict[str, str], out: str | Path) -> list[Path]:
    """Make the folder ``out`` the site of ``pages``, all or nothing: the new site is written
    beside it and swapped in whole, so ``out`` is at every moment the whole old site or the
    whole new one (no stale page of an earlier report survives). Raises ``FileProblem`` (an
    ``OSError``) for a full disk, or for ``out`` being a folder this tool did not write."""
    return atomic_tree(out, pages, marker=REPORT_MARKER)
