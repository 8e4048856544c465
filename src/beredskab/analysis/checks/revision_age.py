"""BK703 revision-age: the plan must be revised at least every fourth year.

Barnets Lov § 15, stk. 3 requires the plan against extremism to be revised at least
every fourth year. Warned, each at its key:

- the newest of ``document.revised`` / ``document.adopted`` (its last possible day:
  ``"2021-06"`` counts as 30 June 2021) lies more than four years before the validation
  day (``--as-of DATE``, default today);
- neither date is given (at ``document``);
- ``document.next_revision_due`` (its last possible day) has passed.

A date marked ``assumed: true`` still counts. A date that is not a real date
(``"2024-13"``) is rejected by the loader (BK101) before this check runs. This is a
warning, not an error: an outdated plan still routes concerns correctly as written; CI
can fail on it with ``--strict``.

Fix: revise the plan and update ``document.revised`` (and ``next_revision_due``).

Passing example (validated in 2026)::

    document:
      title: Handleplan
      seed: 000_b99062581fe8a71d.txt
      revised: {date: "2025-06", source: {section: "Forside"}}

Failing example (validated in 2026: revised more than four years ago, next revision passed)::

    document:
      title: Handleplan
      seed: 000_b99062581fe8a71d.txt
      revised: {date: "2021-06", source: {section: "Forside"}}
      next_revision_due: {date: "2025-06", source: {section: "Forside"}}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..._problems import Draft
from ...spec.model import DocumentDate
from ..context import CheckContext

CODE = "BK703"
YEARS = 4


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def check(ctx: CheckContext) -> Iterator[Draft]:
    _ = ctx.translate
    doc = ctx.plan.document
    dated: list[tuple[dt.date, str, str]] = []
    for key in ("revised", "adopted"):
        value: DocumentDate | None = getattr(doc, key)
        if value is None:
            continue
        dated.append((value.as_date(end=True), key, value.date))
    if not dated and doc.revised is None and doc.adopted is None:
        yield Draft(
            ("document",),
            _(
                "the plan gives neither 'revised' nor 'adopted': nobody can tell whether it is revised at least "
                "every fourth year (Barnets Lov § 15, stk. 3)"
            ),
            _("add document.revised (or adopted) with the date the text gives"),
            key=True,
        )
    if dated:
        newest, key, text = max(dated)
        due = _years_after(newest, YEARS)
        if due < ctx.as_of:
            yield Draft(
                ("document", key),
                (
                    _(
                        "the plan was last revised {date}, more than {years} years before {today}; Barnets Lov"
                        " § 15, stk. 3 requires revision at least every fourth year (due by {due})"
                    )
                    if key == "revised"
                    else _(
                        "the plan was last adopted {date}, more than {years} years before {today}; Barnets Lov"
                        " § 15, stk. 3 requires revision at least every fourth year (due by {due})"
                    )
                ).format(date=text, years=YEARS, today=ctx.as_of.isoformat(), due=due.isoformat()),
                _("revise the plan (and update document.revised)"),
                key=True,
            )
    if doc.next_revision_due is not None:
        due_end = doc.next_revision_due.as_date(end=True)
        if due_end < ctx.as_of:
            yield Draft(
                ("document", "next_revision_due"),
                _("next_revision_due {date} has passed ({today})").format(
                    date=doc.next_revision_due.date, today=ctx.as_of.isoformat()
                ),
                _("revise the plan and set the next due date"),
                key=True,
            )
