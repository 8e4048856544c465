"""Time: opening hours, Danish public holidays, next openings and deadlines (Europe/Copenhagen).

All local reasoning happens in Europe/Copenhagen (summer time included, via ``zoneinfo``
and ``tzdata``). Public holidays come from the ``holidays`` library (Danish calendar;
Store Bededag is not a holiday from 2024). A plan's own closing days (24 and 31
December, Grundlovsdag afternoon...) are part of each schedule.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import holidays as _holidays

from .model import Schedule, parse_duration, parse_time_range

__all__ = ["ZONE", "CompiledSchedule", "add_duration", "is_public_holiday", "public_holiday_name"]

ZONE = ZoneInfo("Europe/Copenhagen")
_MAX_SEARCH_DAYS = 800  # two years and more: every schedule with any hours opens within it
_WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@functools.lru_cache(maxsize=256)
def _holidays_of_year(year: int) -> dict[dt.date, str]:
    return dict(_holidays.country_holidays("DK", years=year).items())


def public_holiday_name(day: dt.date) -> str | None:
    """The Danish public holiday on ``day``, or None."""
    return _holidays_of_year(day.year).get(day)


def is_public_holiday(day: dt.date) -> bool:
    return day in _holidays_of_year(day.year)


def local(moment: dt.datetime) -> dt.datetime:
    """``moment`` (aware) as Copenhagen wall time."""
    return moment.astimezone(ZONE)


def _at(day: dt.date, minute: int) -> dt.datetime:
    """The aware Copenhagen moment at ``minute`` after midnight on ``day``."""
    if minute >= 24 * 60:
        return _at(day + dt.timedelta(days=1), minute - 24 * 60)
    naive = dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60)
    # a wall time skipped by spring-forward does not exist: take the first moment after the gap
    aware = naive.replace(tzinfo=ZONE)
    round_trip = aware.astimezone(dt.timezone.utc).astimezone(ZONE)
    if round_trip.replace(tzinfo=None) != naive:
        aware = round_trip
    return aware


@dataclass(frozen=True)
class _ClosedDay:
    month: int
    day: int
    year: int | None
    from_minute: int  # 0 = closed all day


class CompiledSchedule:
    """A schedule ready to answer: open at a moment? next opening? open time between?"""

    def __init__(self, sid: str, spec: Schedule) -> None:
        self.id = sid
        self.spec = spec
        self.always = spec.always
        self.assumed = spec.assumed
        self.weekly: tuple[tuple[tuple[int, int], ...], ...] = tuple(
            tuple(sorted(parse_time_range(r) for r in spec.weekly.get(key, []))) for key in _WEEKDAY_KEYS  # type: ignore[call-overload]
        )
        self.closed_on_holidays = spec.public_holidays == "closed"
        closed: list[_ClosedDay] = []
        for cd in spec.closed_days:
            parts = [int(p) for p in cd.date.split("-")]
            year, month, day = (parts if len(parts) == 3 else [None, *parts])  # type: ignore[list-item]
            start = 0
            if cd.from_time:
                h, m = cd.from_time.split(":")
                start = int(h) * 60 + int(m)
            closed.append(_ClosedDay(month, day, year, start))
        self._closed = tuple(closed)

    def intervals(self, day: dt.date) -> tuple[tuple[int, int], ...]:
        """Open intervals (minutes after local midnight) on a local date."""
        if self.always:
            return ((0, 24 * 60),)
        if self.closed_on_holidays and is_public_holiday(day):
            return ()
        spans = self.weekly[day.weekday()]
        for c in self._closed:
            if c.month == day.month and c.day == day.day and (c.year is None or c.year == day.year):
                if c.from_minute == 0:
                    return ()
                spans = tuple((s, min(e, c.from_minute)) for s, e in spans if s < c.from_minute)
        return spans

    def is_open(self, moment: dt.datetime) -> bool:
        if self.always:
            return True
        loc = local(moment)
        minute = loc.hour * 60 + loc.minute
        return any(s <= minute < e for s, e in self.intervals(loc.date()))

    def next_opening(self, moment: dt.datetime) -> dt.datetime | None:
        """``moment`` itself when open then, else the start of the next open interval."""
        if self.always:
            return moment
        loc = local(moment)
        minute = loc.hour * 60 + loc.minute + (1 if loc.second or loc.microsecond else 0)
        day = loc.date()
        for offset in range(_MAX_SEARCH_DAYS):
            spans = self.intervals(day)
            for s, e in spans:
                if offset == 0:
                    if s <= loc.hour * 60 + loc.minute < e:
                        return moment
                    if s < minute:
                        continue
                return _at(day, s)
            day += dt.timedelta(days=1)
        return None

    def add_open_time(self, moment: dt.datetime, minutes: int) -> dt.datetime | None:
        """The moment when ``minutes`` of this schedule's open time have passed after ``moment``."""
        if self.always:
            return moment + dt.timedelta(minutes=minutes)
        loc = local(moment)
        now = loc.hour * 60 + loc.minute
        day = loc.date()
        left = minutes
        for offset in range(_MAX_SEARCH_DAYS * 4):
            for s, e in self.intervals(day):
                start = max(s, now) if offset == 0 else s
                if start >= e:
                    continue
                if e - start >= left:
                    return _at(day, start + left)
                left -= e - start
            day += dt.timedelta(days=1)
        return None


def add_duration(moment: dt.datetime, duration: str) -> dt.datetime:
    """Wall-clock ``moment + duration`` (``PT24H``, ``P3D``, ``P3M``) in Copenhagen time.

    Hours are elapsed time; days and months keep the local time of day across summer time.
    """
    unit, n = parse_duration(duration)
    if unit == "hours":
        return local(moment + dt.timedelta(hours=n))
    loc = local(moment)
    if unit == "days":
        target = loc.date() + dt.timedelta(days=n)
    else:
        month0 = loc.month - 1 + n
        year, month = loc.year + month0 // 12, month0 % 12 + 1
        # the same day of month, or the month's last day (31 Jan + 1 month = 28/29 Feb)
        for day in (loc.day, 30, 29, 28):
            try:
                target = dt.date(year, month, day)
                break
            except ValueError:
                continue
    naive = dt.datetime.combine(target, loc.time().replace(tzinfo=None))
    return _at(target, naive.hour * 60 + naive.minute).replace(second=loc.second, microsecond=loc.microsecond)


def duration_minutes(duration: str) -> int:
    """Length of an hours duration (``PT<n>H``) in minutes, for opening-hours clocks."""
    unit, n = parse_duration(duration)
    if unit != "hours":
        raise ValueError("an opening-hours deadline is given in hours (PT<n>H)")
    return n * 60
