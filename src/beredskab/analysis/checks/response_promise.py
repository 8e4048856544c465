"""BK602 response-promise: a window of the week where a not-acute concern waits beyond the plan's promise.

Checked only for a plan with a ``response_promise``: every not-acute concern at intake
must have someone in ``next`` (an ``on: closed`` escalation included) who can act within
the promise, at every moment. The promise is ``within: <duration>`` of ``received_at``,
or ``by: next_working_day`` (before the end of the next Danish working day:
Monday-Friday, not a public holiday). The check scans two ordinary weeks and the days
around every public holiday of the coming year. Each violation names the window of the
week in which a concern waits too long (e.g. ``Fri 13:00 - Sun 08:00``) and how long a
concern received then waits (the longest wait); it is reported at the deciding rule's
first action.

Schedules need no time-zone check of their own: the format only admits
``Europe/Copenhagen`` (a schedule that names another zone is a BK101 error).

Passing example (weekday office, promise: by the next working day)::

    response_promise: {by: next_working_day, source: {section: "2.1.1.2"}}

Failing example (the same office, promise: within 24 hours; weekends break it)::

    response_promise: {within: PT24H, source: {section: "..."}}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ..._problems import Draft
from ...routing.calendar import ZONE, is_public_holiday, wall_moment
from ...routing.facts import schedule_of, yes_no
from ...spec.model import ActionSpec, parse_duration
from ..context import CheckContext
from ..moments import promise_deadline, scan_days
from ..space import TIME

CODE = "BK602"
MAX_WINDOWS = 6


def _label(ctx: CheckContext, a: dt.datetime, b: dt.datetime) -> str:
    return f"{ctx.moment(a)} - {ctx.moment(b)}"


def check(ctx: CheckContext) -> Iterator[Draft]:
    plan, compiled = ctx.plan, ctx.compiled
    promise = plan.response_promise
    if promise is None or "intake" not in plan.steps:
        return
    # candidate moments: midnights, every opening and closing, and (for a 'within'
    # promise) each opening minus the promise, where a wait starts to break it
    lead = dt.timedelta(0)
    if promise.within is not None:
        unit, n = parse_duration(promise.within)
        lead = dt.timedelta(hours=n) if unit == "hours" else dt.timedelta(days=n * (31 if unit == "months" else 1))
    blocks: list[list[dt.datetime]] = []  # runs of consecutive scanned days
    firsts: list[dt.datetime] = []
    previous: dt.date | None = None
    for day in scan_days(ctx.as_of):
        if previous is None or day - previous > dt.timedelta(days=1):
            blocks.append([])
            firsts.append(wall_moment(day, 0))
        previous = day
        minutes = {0}
        for sched in compiled.schedules.values():
            for s, e in sched.intervals(day):
                minutes.update((s, e))
                if lead and s < 24 * 60:
                    blocks[-1].append(wall_moment(day, s) - lead)
        blocks[-1].extend(wall_moment(day, m) for m in minutes if m < 24 * 60)
    runs = []
    for block, lo in zip(blocks, firsts, strict=True):
        hi = max(block) + dt.timedelta(days=1)
        runs.append(sorted({m.astimezone(ZONE) for m in block if m >= lo} | {hi.astimezone(ZONE)}))

    def deadline(t: dt.datetime) -> dt.datetime:
        return promise_deadline(promise, t)

    def earliest(actions: list[ActionSpec], t: dt.datetime) -> tuple[dt.datetime | None, list[str]]:
        best: dt.datetime | None = None
        names: list[str] = []
        for act in actions:
            actor = compiled.actors[act.actor]
            sched = compiled.schedules[actor.schedule]
            names.append(actor.name)
            opening = sched.next_opening(t)
            if opening is not None and (best is None or opening < best):
                best = opening
            if not sched.is_open(t):
                for esc in act.escalation:
                    if esc.on == "closed":
                        e_actor = compiled.actors[esc.actor]
                        names.append(e_actor.name)
                        e_open = compiled.schedules[e_actor.schedule].next_opening(t)
                        if e_open is not None and (best is None or e_open < best):
                            best = e_open
        return best, names

    seen_labels: set[tuple[Any, str]] = set()
    for region in ctx.regions:
        if region.assign.get("acute", "no") != "no" or region.assign.get("step", "intake") != "intake":
            continue
        rule = plan.catch_all if region.owner is None else plan.rules[region.owner]
        tc = region.assign.get(TIME)
        for moments in runs:
            yield from _windows(ctx, region, rule, tc, moments, deadline, earliest, seen_labels)


def _windows(
    ctx: CheckContext,
    region: Any,
    rule: Any,
    tc: int | None,
    moments: list[dt.datetime],
    deadline: Any,
    earliest: Any,
    seen_labels: set[tuple[Any, str]],
) -> Iterator[Draft]:
    """Violation windows within one run of consecutive days."""
    plan, space, compiled = ctx.plan, ctx.space, ctx.compiled
    promise = plan.response_promise
    assert promise is not None
    window_start: dt.datetime | None = None
    worst: tuple[dt.datetime, dt.datetime, list[str]] | None = None
    last = moments[-1]
    for t in moments:
        in_region = tc is None or all(
            (yes_no(compiled.schedules[sched].is_open(t)) == v)
            if (sched := schedule_of(k)) is not None
            else (("yes" if is_public_holiday(t.astimezone(ZONE).date()) else "no") == v)
            for k, v in space.time_classes[tc].facts
        )
        late = False
        if in_region:
            first, names = earliest(rule.next, t)
            late = first is None or first > deadline(t)
            if late and (worst is None or (first or t) - t > worst[1] - worst[0]):
                worst = (t, first or t, names)
        if t == last:
            break  # the scan run ends: its true end is unknown, ordinary weeks show it whole
        if late and window_start is None:
            window_start = t
        elif not late and window_start is not None:
            assert worst is not None
            label = _label(ctx, window_start, t)
            a, b = window_start.astimezone(ZONE), t.astimezone(ZONE)
            weekly = f"{ctx.weekday(a)} {a:%H:%M} - {ctx.weekday(b)} {b:%H:%M}"
            if (region.owner, weekly) not in seen_labels and len(seen_labels) < MAX_WINDOWS:
                seen_labels.add((region.owner, weekly))
                hours = (worst[1] - worst[0]).total_seconds() / 3600
                _ = ctx.translate
                what = promise.within or _("by the next working day")
                where = (
                    ("catch_all", "next", 0, "actor")
                    if region.owner is None
                    else ("rules", region.owner, "next", 0, "actor")
                )
                yield Draft(
                    where,
                    _(
                        "not-acute concerns received {weekly} ({window}; {concern}) wait up to {hours} h for "
                        "{actors}: beyond the plan's promise ({promise})"
                    ).format(
                        weekly=weekly,
                        window=label,
                        concern=space.describe(region.assign, _),
                        hours=f"{hours:.0f}",
                        actors=", ".join(dict.fromkeys(worst[2])),
                        promise=what,
                    ),
                    _(
                        "add an actor who can act then (e.g. an escalation on: closed), or state the promise the text gives"
                    ),
                )
            window_start, worst = None, None
