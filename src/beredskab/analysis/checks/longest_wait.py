"""BK604 longest-wait: how long a not-acute concern can wait at intake until someone with a contact can act.

For every not-acute concern at ``intake`` (every age band, reporter and topic), at every
opening and closing of two ordinary weeks and of the days around each public holiday of
a year, the wait is the time from ``received_at`` until the first actor in ``next`` (or
an ``on: closed`` escalation) that has a contact can act. The longest is reported as
info, with the moment it happens and, apart from it, the longest in an ordinary week. A
wait beyond the plan's ``response_promise`` is a warning where the promise would be kept
only by actors nobody can contact (where nobody in ``next`` can act in time at all,
BK602 reports the error). A concern with nobody who has
a contact is reported by BK603, not here.

Fix (for the warning): add an actor who can act sooner (an escalation ``on: closed`` to
the national hotline, say), or state the promise the text really gives.

Passing example (an office that is open every weekday, promising the next working day)::

    response_promise: {by: next_working_day, source: {section: "3.2"}}
    schedules:
      office_hours: {weekly: {mon: ["08:00-15:00"], ...}, source: {section: "3.2"}}

Reported example (info: the longest wait falls over Easter)::

    schedules:
      office_hours: {weekly: {mon: ["08:00-15:00"], ...}, source: {section: "3.2"}}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ..._problems import Draft, Severity
from ..context import CheckContext
from ..moments import moments_in_class, promise_deadline, span
from ..reach import Reach
from ..space import TIME

CODE = "BK604"

Worst = tuple[dt.timedelta, dt.datetime, Reach, int | None, dict[str, Any]]


def check(ctx: CheckContext) -> Iterator[Draft]:
    plan, space = ctx.plan, ctx.space
    if "intake" not in plan.steps:
        return
    promise = plan.response_promise
    cache: dict[tuple[int | None, dt.datetime], Reach] = {}
    dues: dict[tuple[dt.datetime, int], dt.datetime] = {}  # the promise's deadline by moment, for every rule
    worst: Worst | None = None
    worst_ordinary: Worst | None = None
    breach: Worst | None = None
    seen: set[tuple[int | None, int | None]] = set()
    for region in ctx.regions:
        if region.assign.get("acute") == "yes" or region.assign.get("step", "intake") != "intake":
            continue
        # the wait depends on the deciding rule and the time class only
        tc = region.assign.get(TIME)
        if (region.owner, tc) in seen:
            continue
        seen.add((region.owner, tc))
        rule = plan.catch_all if region.owner is None else plan.rules[region.owner]
        for moment in moments_in_class(ctx, tc, stretch_starts=True):
            key = (region.owner, moment.at)
            if key not in cache:
                cache[key] = ctx.reacher.reach(rule.next, moment.at)
            got = cache[key]
            if got.earliest is None:
                continue  # nobody with a contact: BK603's finding
            wait = got.earliest - moment.at
            entry: Worst = (wait, moment.at, got, region.owner, region.assign)
            if worst is None or wait > worst[0]:
                worst = entry
            if moment.ordinary and (worst_ordinary is None or wait > worst_ordinary[0]):
                worst_ordinary = entry
            # a breach by everyone in next is BK602's error; warn where only a contact is missing
            late = False
            if promise is not None:
                due = dues.get((moment.at, moment.at.fold))
                if due is None:
                    due = dues[(moment.at, moment.at.fold)] = promise_deadline(promise, moment.at)
                late = got.earliest > due and got.earliest_any is not None and got.earliest_any <= due
            if late and (breach is None or wait > breach[0]):
                breach = entry
    if worst is None:
        return
    _ = ctx.translate
    message = _("the longest wait for a not-acute concern at intake is {wait}, e.g. {concern}").format(
        wait=_wait(ctx, worst), concern=space.describe(worst[4], _)
    )
    if worst_ordinary is not None and worst_ordinary[1] != worst[1]:
        message += _("; in an ordinary week {wait}").format(wait=_wait(ctx, worst_ordinary))
    yield Draft(
        _where(worst[3]),
        message,
        key=False,
        severity=Severity.INFO,
    )
    if breach is not None and promise is not None:
        what = promise.within or _("by the next working day")
        yield Draft(
            _where(breach[3]),
            _(
                "a not-acute concern at intake waits {wait}: beyond the plan's promise ({promise}); e.g. {concern}"
            ).format(wait=_wait(ctx, breach), promise=what, concern=space.describe(breach[4], _)),
            _(
                "add an actor with a contact who can act sooner (an escalation on: closed), or state the promise "
                "the text gives"
            ),
            severity=Severity.WARNING,
        )


def _wait(ctx: CheckContext, entry: Worst) -> str:
    wait, at, got = entry[0], entry[1], entry[2]
    return ctx.translate("{span} (received {received}, {who} can act from {start})").format(
        span=span(wait, ctx.translate),
        received=ctx.moment(at),
        who=got.who,
        start=ctx.moment(got.earliest or at),
    )


def _where(owner: int | None) -> tuple[Any, ...]:
    return ("catch_all", "next", 0, "actor") if owner is None else ("rules", owner, "next", 0, "actor")
