"""Time: opening hours, Danish public holidays, next openings and deadlines (Europe/Copenhagen).

All local reasoning happens in Europe/Copenhagen (summer time included, via ``zoneinfo``
and ``tzdata``). Public holidays are Denmark's (Helligdagsloven): fixed dates and days
counted from Easter, computed here; Store Bededag is not a holiday from 2024. They are
the days of the ``holidays`` library's Danish calendar, years 1771-2100 (a test compares
the two), without importing it: ``import holidays`` loads every country and cost every
command a tenth of a second (issue 21). A plan's own closing days (24 and 31 December,
Grundlovsdag afternoon...) are part of each schedule.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from ..spec.model import Deadline, Schedule, parse_duration, parse_time_range

__all__ = ["ZONE", "CompiledSchedule", "add_duration", "is_public_holiday", "public_holiday_name", "wall_moment"]

ZONE = ZoneInfo("Europe/Copenhagen")
_MAX_SEARCH_DAYS = 800  # two years and more: every schedule with any hours opens within it
_WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_UTC = dt.UTC
_MINUTE = dt.timedelta(minutes=1)


# the years the ``holidays`` library gives Denmark's public holidays for (from the 1770
# reform to its calendars' end): outside them no day is a holiday, as before (issue 21)
_HOLIDAY_YEARS = range(1771, 2101)

# the public holidays by their distance from Easter Sunday, in days
_EASTER_HOLIDAYS = (
    (-3, "Skærtorsdag"),
    (-2, "Langfredag"),
    (0, "Påskedag"),
    (1, "Anden påskedag"),
    (26, "Store bededag"),  # abolished from 2024 (Act no. 214 of 6 March 2023)
    (39, "Kristi himmelfartsdag"),
    (49, "Pinsedag"),
    (50, "Anden pinsedag"),
)
_LAST_STORE_BEDEDAG = 2023


def easter_sunday(year: int) -> dt.date:
    """Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@functools.lru_cache(maxsize=256)
def _holidays_of_year(year: int) -> dict[dt.date, str]:
    """Denmark's public holidays in ``year``, by date, with their Danish names."""
    if year not in _HOLIDAY_YEARS:
        return {}
    easter = easter_sunday(year)
    days = {dt.date(year, 1, 1): "Nytårsdag"}
    for offset, name in _EASTER_HOLIDAYS:
        if offset == 26 and year > _LAST_STORE_BEDEDAG:
            continue
        days[easter + dt.timedelta(days=offset)] = name
    days[dt.date(year, 12, 25)] = "Juledag"
    days[dt.date(year, 12, 26)] = "Anden juledag"
    return days


def public_holiday_name(day: dt.date) -> str | None:
    """The Danish public holiday on ``day``, or None."""
    return _holidays_of_year(day.year).get(day)


def is_public_holiday(day: dt.date) -> bool:
    return day in _holidays_of_year(day.year)


def local(moment: dt.datetime) -> dt.datetime:
    """``moment`` (aware) as Copenhagen wall time."""
    return moment.astimezone(ZONE)


@functools.lru_cache(maxsize=8192)
def wall_moment(day: dt.date, minute: int) -> dt.datetime:
    """The aware Copenhagen moment at ``minute`` after midnight on ``day``."""
    if minute >= 24 * 60:
        return wall_moment(day + dt.timedelta(days=1), minute - 24 * 60)
    naive = dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60)
    # a wall time skipped by spring-forward does not exist: move it on by the gap's length
    # (02:30 -> 03:30), as RFC 5545 does; a repeated wall time means its first occurrence
    aware = naive.replace(tzinfo=ZONE)
    round_trip = aware.astimezone(_UTC).astimezone(ZONE)
    if round_trip.replace(tzinfo=None) != naive:
        aware = round_trip
    return aware


_at = wall_moment

# a plan has a handful of durations, read again on every deadline: parse each once
# (a bad one is not remembered: it raises again)
_parse_duration = functools.lru_cache(maxsize=1024)(parse_duration)


def _utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` in UTC: arithmetic on a ZoneInfo-aware datetime is wall-clock, not elapsed time."""
    return moment.astimezone(_UTC)


@functools.lru_cache(maxsize=4096)
def _day_pieces(day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime, dt.timedelta], ...]:
    """The instants of local ``day`` as UTC pieces ``[start, end)`` of one UTC offset each.

    A summer-time day has two pieces: 23 real hours in spring, 25 in autumn. Assumes at most
    one offset change a day (true of Europe/Copenhagen: at 01:00 UTC).
    """
    start, end = _utc(_at(day, 0)), _utc(_at(day + dt.timedelta(days=1), 0))
    first = start.astimezone(ZONE).utcoffset()
    last = (end - _MINUTE).astimezone(ZONE).utcoffset()
    assert first is not None and last is not None
    if first == last:
        return ((start, end, first),)
    # binary search (whole minutes) for the first instant with the new offset
    lo, hi = 0, int((end - start) / _MINUTE) - 1  # offset(lo) == first, offset(hi) == last
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if (start + mid * _MINUTE).astimezone(ZONE).utcoffset() == first:
            lo = mid
        else:
            hi = mid
    change = start + hi * _MINUTE
    return ((start, change, first), (change, end, last))


def steady_offset(day: dt.date) -> bool:
    """Whether local ``day`` has one UTC offset throughout (every day but the two the clocks change)."""
    return len(_day_pieces(day)) == 1


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
            tuple(sorted(parse_time_range(r) for r in spec.weekly.get(key, [])))  # type: ignore[call-overload]
            for key in _WEEKDAY_KEYS
        )
        self.closed_on_holidays = spec.public_holidays == "closed"
        self._spans: dict[dt.date, tuple[tuple[dt.datetime, dt.datetime], ...]] = {}
        self._intervals: dict[dt.date, tuple[tuple[int, int], ...]] = {}
        closed: list[_ClosedDay] = []
        for cd in spec.closed_days:
            *year_part, month, day = (int(p) for p in cd.date.split("-"))  # [YYYY-]MM-DD
            year = year_part[0] if year_part else None
            start = 0
            if cd.from_time:
                h, m = cd.from_time.split(":")
                start = int(h) * 60 + int(m)
            closed.append(_ClosedDay(month, day, year, start))
        self._closed = tuple(closed)

    def intervals(self, day: dt.date) -> tuple[tuple[int, int], ...]:
        """Open intervals (minutes after local midnight) on a local date (remembered per day:
        the analyses ask for the same days tens of thousands of times)."""
        spans = self._intervals.get(day)
        if spans is None:
            if len(self._intervals) > 4096:  # bounded, as open_spans
                self._intervals.clear()
            spans = self._intervals[day] = self._day_intervals(day)
        return spans

    def _day_intervals(self, day: dt.date) -> tuple[tuple[int, int], ...]:
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

    def open_spans(self, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
        """:meth:`_open_spans`, remembered per day: routing asks for the same days again and again."""
        spans = self._spans.get(day)
        if spans is None:
            if len(self._spans) > 4096:  # bounded: a long-running service sees every day once
                self._spans.clear()
            spans = self._spans[day] = self._open_spans(day)
        return spans

    def _open_spans(self, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
        """The open intervals of local ``day`` as real (UTC) instants ``[start, end)``, in order.

        Exactly the instants whose Copenhagen wall time falls inside :meth:`intervals`: an hour
        skipped in spring is no open time, the hour repeated in autumn is open twice.
        """
        wall = self.intervals(day)
        midnight = dt.datetime(day.year, day.month, day.day, tzinfo=_UTC)  # wall 00:00 read as UTC
        found: list[tuple[dt.datetime, dt.datetime]] = []
        for lo, hi, offset in _day_pieces(day):
            for s, e in wall:
                # in a piece, wall time = instant + offset
                start = max(lo, midnight + dt.timedelta(minutes=s) - offset)
                end = min(hi, midnight + dt.timedelta(minutes=e) - offset)
                if start < end:
                    found.append((start, end))
        found.sort()
        merged: list[tuple[dt.datetime, dt.datetime]] = []
        for start, end in found:
            if merged and start <= merged[-1][1]:  # touching at an offset change: one interval
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return tuple(merged)

    def is_open(self, moment: dt.datetime) -> bool:
        if self.always:
            return True
        loc = moment.astimezone(ZONE)
        return self.open_at(loc.date(), loc.hour * 60 + loc.minute)

    def open_at(self, day: dt.date, minute: int) -> bool:
        """Open at ``minute`` after local midnight on Copenhagen ``day`` (for callers that already converted)."""
        if self.always:
            return True
        # a loop, not any(): the analyses ask this tens of thousands of times a validation
        for s, e in self.intervals(day):  # noqa: SIM110
            if s <= minute < e:
                return True
        return False

    def next_opening(self, moment: dt.datetime) -> dt.datetime | None:
        """``moment`` itself when open then, else the start of the next open interval."""
        if self.always:
            return moment
        loc = moment.astimezone(ZONE)
        day = loc.date()
        if self.open_at(day, loc.hour * 60 + loc.minute):  # is_open, with the conversion kept
            return moment
        # compare real instants: in autumn's repeated hour the wall clock runs back
        now = _utc(moment)
        for _ in range(_MAX_SEARCH_DAYS):
            for start, _end in self.open_spans(day):
                if start > now:
                    return local(start)
            day += dt.timedelta(days=1)
        return None

    def add_open_time(self, moment: dt.datetime, minutes: int) -> dt.datetime | None:
        """The moment when ``minutes`` of this schedule's open time have passed after ``moment``."""
        left = dt.timedelta(minutes=minutes)
        if self.always:
            return (_utc(moment) + left).astimezone(moment.tzinfo)
        # open time is elapsed time (a night shift across the summer-time change lasts 1 h
        # less or more than its wall clock says), counted on real instants from ``moment``
        now = _utc(moment)
        day = local(moment).date()
        for _ in range(_MAX_SEARCH_DAYS * 4):
            for start, end in self.open_spans(day):
                start = max(start, now)
                if start >= end:
                    continue
                if end - start >= left:
                    return local(start + left)
                left -= end - start
            day += dt.timedelta(days=1)
        return None


def add_duration(moment: dt.datetime, duration: str) -> dt.datetime:
    """Wall-clock ``moment + duration`` (``PT24H``, ``P3D``, ``P3M``) in Copenhagen time.

    Hours are elapsed time; days and months keep the local time of day across summer time.
    """
    unit, n = _parse_duration(duration)
    if unit == "hours":
        # in UTC: ``+`` on a Copenhagen datetime would keep the wall clock across summer time
        return local(_utc(moment) + dt.timedelta(hours=n))
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


def deadline_at(
    deadline: Deadline, schedule: CompiledSchedule, received_at: dt.datetime, severity: str
) -> dt.datetime | None:
    """When ``deadline`` falls for a concern received at ``received_at`` (``severity``: ``high`` ... ``unknown``).

    None where a ``by_severity`` deadline grades no time for that severity. The router's
    ``act_by`` and the deadline check (BK605) both count with this.
    """
    duration = deadline.within
    if duration is None:
        # the grade for ``severity`` (high, medium, low, unknown), compared as text as before
        duration = next((v for k, v in (deadline.by_severity or {}).items() if str(k) == severity), None)
    if duration is None:
        return None
    if deadline.clock == "opening_hours":
        return schedule.add_open_time(received_at, duration_minutes(duration))
    return add_duration(received_at, duration)


def closed_all_day(schedule: CompiledSchedule, moment: dt.datetime) -> bool:
    """Whether ``schedule`` does not open at all on the local day of ``moment`` (a Saturday, a holiday)."""
    return not schedule.always and not schedule.open_spans(local(moment).date())


def last_closing(schedule: CompiledSchedule, moment: dt.datetime) -> dt.datetime | None:
    """The end of the last open interval before ``moment`` (None: none in the weeks before, or always open)."""
    if schedule.always:
        return None
    now = _utc(moment)
    day = local(moment).date()
    for _ in range(_MAX_SEARCH_DAYS):
        ends = [end for _start, end in schedule.open_spans(day) if end <= now]
        if ends:
            return local(max(ends))
        day -= dt.timedelta(days=1)
    return None


def duration_minutes(duration: str) -> int:
    """Length of an hours duration (``PT<n>H``) in minutes, for opening-hours clocks."""
    unit, n = _parse_duration(duration)
    if unit != "hours":
        raise ValueError("an opening-hours deadline is given in hours (PT<n>H)")
    return n * 60
