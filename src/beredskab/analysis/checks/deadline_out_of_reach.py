"""BK605 deadline-out-of-reach: a deadline that passes before its actor can act, or falls on a day the actor is closed.

For every action with a ``deadline`` (``clock: wall``), at every opening and closing of
two ordinary weeks and of the days around each public holiday of a year, and at each
moment whose deadline lands on a midnight, the deadline is counted as routing counts it
(``act_by``), for every severity it grades. Where ``act_by`` comes before the actor can
act at all (a Thursday-before-Easter concern with a 24-hour deadline and an office closed
until Tuesday), nobody can keep the promise: the answer says so, and this check warns
with the moment where it is furthest out of reach. Where it falls on a day the actor is closed all day (a
Saturday), the last chance to meet it is the actor's last open hour before it: reported
as info with that moment. An ``opening_hours`` deadline counts only open time, so it is
never out of reach.

Fix: give the deadline the text gives as it gives it (``clock: opening_hours`` where it
counts working hours), add an escalation ``on: deadline_passed`` or ``on: closed`` to an
actor who is open, or, where the text really promises what the hours cannot keep, keep
the warning: it is what the plan says.

Passing example (an office open every weekday, a deadline of eight open hours)::

    next:
      - actor: office
        step: assessment
        deadline: {within: PT8H, clock: opening_hours, source: {section: "3.2"}}

A Friday concern is due on a Saturday, and one received before Easter passes its deadline
before the office reopens.

Reported example (the same office, 24 wall-clock hours)::

    next:
      - actor: office
        step: assessment
        deadline: {within: PT24H, clock: wall, source: {section: "3.2"}}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ..._problems import Draft, Severity
from ...routing.calendar import (
    ZONE,
    CompiledSchedule,
    add_duration,
    closed_all_day,
    deadline_at,
    is_public_holiday,
    last_closing,
    wall_moment,
)
from ...routing.facts import HOLIDAY, schedule_of, yes_no
from ...spec.model import ActionSpec, CatchAll, Rule
from ..context import CheckContext
from ..moments import moments_in_class, scan_days, span
from ..space import TIME

CODE = "BK605"

_SEVERITIES = ("high", "medium", "low", "unknown")


def check(ctx: CheckContext) -> Iterator[Draft]:
    plan, compiled = ctx.plan, ctx.compiled
    rules: list[tuple[int | None, Rule | CatchAll]] = [(i, r) for i, r in enumerate(plan.rules)]
    rules.append((None, plan.catch_all))
    classes = _time_classes(ctx)
    for owner, rule in rules:
        for j, act in enumerate(rule.next):
            deadline = act.deadline
            if deadline is None or deadline.clock != "wall":
                continue
            sched = compiled.schedules[compiled.actors[act.actor].schedule]
            if sched.always:
                continue
            path = ("catch_all", "next", j, "deadline") if owner is None else ("rules", owner, "next", j, "deadline")
            tcs = classes.get(owner)
            if not tcs:
                continue  # the rule decides nothing (BK501 says so)
            late, closed_day = _first_findings(ctx, act, sched, tcs)
            name = compiled.actors[act.actor].name
            _ = ctx.translate
            if late is not None:
                at, act_by, available = late
                message = _(
                    "the deadline of {actor} can pass before it can act: a concern received {received} is due "
                    "{due}, and {actor} can act from {available} ({late} too late)"
                ).format(
                    actor=name,
                    received=ctx.moment(at),
                    due=ctx.moment(act_by),
                    available=ctx.moment(available),
                    late=span(available - act_by, _),
                )
                other = _covered_by(ctx, act, at)
                if other is not None:
                    # someone else acts meanwhile: worth knowing, not a promise left unkept
                    yield Draft(
                        path,
                        message + _("; {other} takes the concern meanwhile").format(other=other),
                        key=True,
                        severity=Severity.INFO,
                    )
                else:
                    yield Draft(
                        path,
                        message,
                        _(
                            "count the deadline as the text does (clock: opening_hours where it counts working "
                            "hours), or add an escalation on: deadline_passed or on: closed to an actor who is "
                            "open then"
                        ),
                        key=True,
                        severity=Severity.WARNING,
                    )
            if closed_day is not None:
                at, act_by, last = closed_day
                yield Draft(
                    path,
                    _(
                        "the deadline of {actor} can fall on a day it is closed: a concern received {received} is "
                        "due {due}; its last open time before then ends {last}"
                    ).format(actor=name, received=ctx.moment(at), due=ctx.moment(act_by), last=ctx.moment(last)),
                    key=True,
                    severity=Severity.INFO,
                )


def _covered_by(ctx: CheckContext, act: ActionSpec, at: dt.datetime) -> str | None:
    """The actor an escalation hands the concern to when ``act``'s actor is closed at ``at`` or late."""
    compiled = ctx.compiled
    for esc in act.escalation:
        actor = compiled.actors[esc.actor]
        if esc.on == "deadline_passed" or compiled.schedules[actor.schedule].is_open(at):
            return actor.name
    return None


def _time_classes(ctx: CheckContext) -> dict[int | None, list[int | None]]:
    """The time classes in which each rule (None: the catch-all) decides some concern."""
    out: dict[int | None, list[int | None]] = {}
    for region in ctx.regions:
        tcs = out.setdefault(region.owner, [])
        tc = region.assign.get(TIME)
        if tc not in tcs:
            tcs.append(tc)
    return out


Late = tuple[dt.datetime, dt.datetime, dt.datetime]


def _first_findings(
    ctx: CheckContext, act: ActionSpec, sched: CompiledSchedule, tcs: list[int | None]
) -> tuple[Late | None, Late | None]:
    """The moment at which the deadline passes furthest before the actor can act, and the first
    at which it falls on a day the actor is closed; None where there is none.

    Actions with the same schedule, durations and time classes have the same answer (a
    plan's rules repeat a deadline): it is worked out once per run.
    """
    assert act.deadline is not None
    deadline = act.deadline
    grades = tuple(deadline.by_severity.items()) if deadline.by_severity is not None else None
    known: dict[tuple[Any, ...], tuple[Late | None, Late | None]] = ctx.cache.setdefault(CODE + ":findings", {})
    key = (sched, deadline.within, grades, deadline.clock, tuple(tcs))
    found = known.get(key)
    if found is None:
        found = known[key] = _work_out(ctx, act, sched, tcs)
    return found


def _work_out(
    ctx: CheckContext, act: ActionSpec, sched: CompiledSchedule, tcs: list[int | None]
) -> tuple[Late | None, Late | None]:
    assert act.deadline is not None
    deadline = act.deadline
    clock = ctx.clock
    graded = [s for s in _SEVERITIES if deadline.within is None and s in (deadline.by_severity or {})]
    severities = graded or ["unknown"]
    moments = _sorted_moments(ctx, tcs, _durations(act))
    late: Late | None = None
    closed_day: Late | None = None
    for at in moments:
        available = clock.next_opening(sched, at)
        if available is None:
            continue
        for severity in severities:
            act_by = deadline_at(deadline, sched, at, severity)
            if act_by is None:
                continue
            if act_by < available and (late is None or available - act_by > late[2] - late[1]):
                late = (at, act_by, available)  # the worst: how far out of reach it can be
            elif closed_day is None and act_by >= available and closed_all_day(sched, act_by):
                last = last_closing(sched, act_by)
                if last is not None and last > available:
                    closed_day = (at, act_by, last)
    return late, closed_day


def _durations(act: ActionSpec) -> list[str]:
    assert act.deadline is not None
    if act.deadline.within is not None:
        return [act.deadline.within]
    return sorted(set((act.deadline.by_severity or {}).values()))


def _sorted_moments(ctx: CheckContext, tcs: list[int | None], durations: list[str]) -> list[dt.datetime]:
    """:func:`_moments` in order, once per run for each time classes and durations."""
    known: dict[tuple[Any, ...], list[dt.datetime]] = ctx.cache.setdefault(CODE + ":moments", {})
    key = (tuple(tcs), tuple(durations))
    found = known.get(key)
    if found is None:
        found = known[key] = sorted(_moments(ctx, tcs, durations))
    return found


def _moments(ctx: CheckContext, tcs: list[int | None], durations: list[str]) -> set[dt.datetime]:
    """The candidate moments of the time classes ``tcs``, and those whose deadline lands on a midnight.

    A deadline reaches a closed day first at the day's midnight; the received moment for
    that is midnight minus the duration, which is no opening or closing itself.
    """
    out: set[dt.datetime] = set()
    classes = ctx.space.time_classes
    for tc in tcs:
        out.update(m.at for m in moments_in_class(ctx, tc))
    days = scan_days(ctx.as_of)
    start = wall_moment(ctx.as_of, 0)
    for duration in durations:
        for day in days:
            midnight = wall_moment(day, 0).astimezone(ZONE)
            back = _before(midnight, duration)
            if back < start:
                continue  # before the scan: its own days are not looked at
            if any(tc is None or _in_class(ctx, back, dict(classes[tc].facts)) for tc in tcs):
                out.add(back)
    return out


def _before(moment: dt.datetime, duration: str) -> dt.datetime:
    """The received moment whose wall deadline of ``duration`` is ``moment`` (approximately, for months)."""
    probe = add_duration(moment, duration)
    return (moment - (probe - moment)).astimezone(ZONE)


def _in_class(ctx: CheckContext, at: dt.datetime, facts: dict[str, Any]) -> bool:
    for key, value in facts.items():
        if key == HOLIDAY:
            if value != yes_no(is_public_holiday(at.date())):
                return False
            continue
        sid = schedule_of(key)
        if sid is not None and value != yes_no(ctx.clock.is_open(ctx.compiled.schedules[sid], at)):
            return False
    return True
