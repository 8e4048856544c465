"""The moments time checks look at: the days of a year that matter and every opening and closing in them.

Between two consecutive candidate moments no schedule opens or closes, so whatever
depends only on "who is open" is constant there, and a wait until the next opening is
longest at the start of such a stretch. Checking at the candidate moments is exact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .._i18n import Translate
from ..routing.calendar import ZONE, CompiledSchedule, add_duration, is_public_holiday, wall_moment
from ..routing.facts import HOLIDAY, open_key, schedule_of, yes_no
from ..spec.model import ResponsePromise
from .context import CheckContext

__all__ = [
    "Moment",
    "candidate_moments",
    "moments_in_class",
    "plan_moments",
    "promise_deadline",
    "scan_days",
    "span",
]


def scan_days(start: dt.date) -> list[dt.date]:
    """Two ordinary weeks from ``start`` and the days around every public holiday of a year."""
    days = {start + dt.timedelta(days=i) for i in range(14)}
    for i in range(366):
        day = start + dt.timedelta(days=i)
        if is_public_holiday(day):
            days.update(day + dt.timedelta(days=k) for k in range(-3, 5))
    return sorted(days)


@dataclass(frozen=True)
class Moment:
    """A candidate moment and the time facts at it (``o_<schedule>``, ``holiday``)."""

    at: dt.datetime
    facts: dict[str, str]
    ordinary: bool  # in one of the two ordinary weeks (not only near a holiday)
    state: tuple[bool, ...]  # open or not, for every schedule given, in their order


def candidate_moments(
    schedules: Iterable[tuple[str, CompiledSchedule]], start: dt.date, fact_schedules: Iterable[str] = ()
) -> list[Moment]:
    """Midnights and every opening and closing of ``schedules`` on the scanned days, in order.

    ``fact_schedules`` names the schedules whose open state each moment records (those
    the plan's rules read), so a moment can be matched to a region's time class.
    """
    scheds = list(schedules)
    wanted_ids = set(fact_schedules)
    keys = [open_key(sid) for sid, _ in scheds]
    wanted_at = [i for i, (sid, _) in enumerate(scheds) if sid in wanted_ids]
    ordinary_until = start + dt.timedelta(days=14)
    out: list[Moment] = []
    for day in scan_days(start):
        minutes = {0}
        for _, sched in scheds:
            for s, e in sched.intervals(day):
                minutes.update(m for m in (s, e) if m < 24 * 60)
        holiday = yes_no(is_public_holiday(day))
        for minute in sorted(minutes):
            at = wall_moment(day, minute).astimezone(ZONE)
            # the local date and minute of ``at`` itself (a DST gap moves wall times)
            here, at_minute = at.date(), at.hour * 60 + at.minute
            state = tuple(sched.open_at(here, at_minute) for _, sched in scheds)
            facts = {keys[i]: yes_no(state[i]) for i in wanted_at}
            facts[HOLIDAY] = holiday
            out.append(Moment(at, facts, day < ordinary_until, state))
    return out


def moments_in_class(
    ctx: CheckContext, tc: int | None, *, distinct_states: bool = False, stretch_starts: bool = False
) -> list[Moment]:
    """The plan's moments in time class ``tc`` (all moments for None), cached per class.

    With ``distinct_states``, only the first moment of each open/closed state: all that a
    question about who is open (not about how long to wait) needs. With ``stretch_starts``,
    only the first moment of each stretch in which nothing opens or closes: a wait until
    the next opening only shrinks within a stretch, so its longest is at the start.
    """
    key = f"moments:{tc}:{distinct_states}:{stretch_starts}"
    if key not in ctx.cache:
        space = ctx.space
        if tc is None:
            chosen = plan_moments(ctx)
        else:
            facts = space.time_classes[tc].facts
            chosen = [m for m in plan_moments(ctx) if all(m.facts.get(k) == v for k, v in facts)]
        if stretch_starts:
            previous: dict[int, Moment] = {}
            every = plan_moments(ctx)
            for i, m in enumerate(every):
                if i:
                    previous[id(m)] = every[i - 1]
            kept = []
            for m in chosen:
                before = previous.get(id(m))
                same_stretch = (
                    before is not None
                    and before.state == m.state
                    and before.ordinary == m.ordinary
                    and (m.at - before.at) <= dt.timedelta(days=1)
                )
                if not same_stretch:
                    kept.append(m)
            chosen = kept
        if distinct_states:
            first: dict[tuple[bool, ...], Moment] = {}
            for m in chosen:
                first.setdefault(m.state, m)
            chosen = list(first.values())
        ctx.cache[key] = chosen
    moments: list[Moment] = ctx.cache[key]
    return moments


def plan_moments(ctx: CheckContext) -> list[Moment]:
    """The candidate moments of the plan under check, over all its schedules (cached per check run)."""
    if "moments" not in ctx.cache:
        space = ctx.space
        read = [s for k, _ in (space.time_classes[0].facts if space.time_classes else ()) if (s := schedule_of(k))]
        ctx.cache["moments"] = candidate_moments(ctx.compiled.schedules.items(), ctx.as_of, read)
    moments: list[Moment] = ctx.cache["moments"]
    return moments


def _end_of_next_working_day(moment: dt.datetime) -> dt.datetime:
    day = moment.astimezone(ZONE).date() + dt.timedelta(days=1)
    while day.weekday() >= 5 or is_public_holiday(day):
        day += dt.timedelta(days=1)
    return wall_moment(day + dt.timedelta(days=1), 0)


def promise_deadline(promise: ResponsePromise, received: dt.datetime) -> dt.datetime:
    """By when someone must be able to act on a concern received at ``received``."""
    if promise.within is not None:
        return add_duration(received, promise.within)
    return _end_of_next_working_day(received)


def span(delta: dt.timedelta, _: Translate = str) -> str:
    """``2 d 19 h`` / ``5 h 30 min`` / ``at once`` (``_``: a translator; units are the same in Danish)."""
    minutes = int(delta.total_seconds() // 60)
    if minutes <= 0:
        return _("at once")
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [
        _("{n} d").format(n=days) if days else "",
        _("{n} h").format(n=hours) if hours else "",
        _("{n} min").format(n=mins) if mins and not days else "",
    ]
    return " ".join(p for p in parts if p)
