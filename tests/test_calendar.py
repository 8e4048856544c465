"""Calendar: Copenhagen time with summer time, Danish public holidays, schedules, deadlines.

Aware datetimes that share a ``tzinfo`` compare by wall clock (``fold`` ignored), so every
comparison of instants here goes through UTC (:func:`_u`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from beredskab.routing.calendar import (
    ZONE,
    CompiledSchedule,
    add_duration,
    duration_minutes,
    is_public_holiday,
    local,
    public_holiday_name,
)
from beredskab.spec.model import Schedule

UTC = dt.UTC
HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)
EVERY_DAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORKDAYS = ("mon", "tue", "wed", "thu", "fri")


# --- helpers -------------------------------------------------------------------------


def _schedule(**fields: Any) -> Schedule:
    return Schedule.model_validate({"assumed": True, "note": "test schedule", **fields})


def _compiled(sid: str = "s", **fields: Any) -> CompiledSchedule:
    return CompiledSchedule(sid, _schedule(**fields))


def cph(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0, fold: int = 0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, s, us, tzinfo=ZONE, fold=fold)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, s, tzinfo=UTC)


def _u(moment: dt.datetime) -> dt.datetime:
    """The instant, in UTC, for fold-safe comparisons."""
    assert moment.tzinfo is not None
    return moment.astimezone(UTC)


def _is_copenhagen(moment: dt.datetime) -> bool:
    return getattr(moment.tzinfo, "key", None) == "Europe/Copenhagen"


def assert_instant(got: dt.datetime | None, iso: str) -> None:
    """``got`` is the Copenhagen moment ``iso`` (same instant *and* same printed offset)."""
    assert got is not None
    assert _is_copenhagen(got), got.tzinfo
    assert got.isoformat() == iso
    assert _u(got) == _u(dt.datetime.fromisoformat(iso))


# --- fixed schedules -----------------------------------------------------------------

# a municipal office: weekdays 8-15, closed on holidays, 24 and 31 Dec, Grundlovsdag
# afternoon, and one day in 2026 only
OFFICE = _compiled(
    "office",
    weekly={d: ["08:00-15:00"] for d in WORKDAYS},
    closed_days=[
        {"date": "12-24", "name": "Juleaftensdag"},
        {"date": "12-31", "name": "Nytårsaftensdag"},
        {"date": "06-05", "from": "12:00", "name": "Grundlovsdag"},
        {"date": "2026-11-12", "name": "Personaledag"},
    ],
)
OFFICE_HOLIDAYS_OPEN = _compiled(
    "office_open",
    weekly={d: ["08:00-15:00"] for d in WORKDAYS},
    public_holidays="open",
    closed_days=[{"date": "12-24"}],
)
# a lunch break, a short Friday, Saturday morning; holidays open
SPLIT = _compiled(
    "split",
    weekly={
        "mon": ["12:30-16:00", "08:00-12:00"],  # unsorted on purpose
        "tue": ["08:00-12:00", "12:30-16:00"],
        "wed": ["08:00-12:00", "12:30-16:00"],
        "thu": ["08:00-12:00", "12:30-16:00"],
        "fri": ["08:00-13:30"],
        "sat": ["10:00-12:00"],
    },
    public_holidays="open",
)
# night duty across the summer-time change (02:00-03:00 on the last Sundays of March/October)
NIGHT = _compiled(
    "night",
    weekly={
        **{d: ["00:00-06:00", "22:00-24:00"] for d in EVERY_DAY[:6]},
        "sun": ["00:00-02:15", "02:45-06:00", "22:00-24:00"],
    },
    public_holidays="open",
)
WEEKEND = _compiled(
    "weekend",
    weekly={"sat": ["10:00-14:00"], "sun": ["10:00-14:00"]},
    closed_days=[{"date": "12-31"}],
)
ALL_DAY = _compiled("all_day", weekly={d: ["00:00-24:00"] for d in EVERY_DAY}, public_holidays="open")
ALWAYS = _compiled("always", always=True)
SCHEDULES = {s.id: s for s in (OFFICE, OFFICE_HOLIDAYS_OPEN, SPLIT, NIGHT, WEEKEND, ALL_DAY, ALWAYS)}


# --- time zone -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "offset_hours"),
    [
        (cph(2026, 1, 15, 12), 1),
        (cph(2026, 7, 15, 12), 2),
        (cph(2027, 3, 28, 1, 59), 1),  # last minute of winter time
        (cph(2027, 3, 28, 3, 0), 2),  # first minute of summer time
        (cph(2026, 10, 25, 2, 30, fold=0), 2),  # the repeated hour, first time
        (cph(2026, 10, 25, 2, 30, fold=1), 1),  # ... and second time
        (cph(2026, 10, 25, 3, 0), 1),
    ],
)
def test_copenhagen_offsets(moment: dt.datetime, offset_hours: int) -> None:
    assert moment.utcoffset() == dt.timedelta(hours=offset_hours)


def test_summer_time_switches_on_the_last_sundays_of_march_and_october() -> None:
    # spring: 01:00 UTC is 02:00 CET -> 03:00 CEST
    assert local(utc(2027, 3, 28, 0, 59)).isoformat() == "2027-03-28T01:59:00+01:00"
    assert local(utc(2027, 3, 28, 1, 0)).isoformat() == "2027-03-28T03:00:00+02:00"
    # autumn: 01:00 UTC is 03:00 CEST -> 02:00 CET
    assert local(utc(2026, 10, 25, 0, 59)).isoformat() == "2026-10-25T02:59:00+02:00"
    assert local(utc(2026, 10, 25, 1, 0)).isoformat() == "2026-10-25T02:00:00+01:00"
    # the week before, nothing changes
    assert local(utc(2027, 3, 21, 1, 0)).utcoffset() == HOUR
    assert local(utc(2026, 10, 18, 1, 0)).utcoffset() == 2 * HOUR


def test_local_converts_any_offset_to_copenhagen() -> None:
    moment = dt.datetime(2026, 11, 11, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    got = local(moment)
    assert _is_copenhagen(got)
    assert got.isoformat() == "2026-11-11T18:00:00+01:00"


# --- public holidays -----------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2026, 12, 25),  # Juledag
        dt.date(2026, 12, 26),  # 2. juledag
        dt.date(2027, 1, 1),  # Nytårsdag
        dt.date(2027, 3, 25),  # Skærtorsdag
        dt.date(2027, 3, 26),  # Langfredag
        dt.date(2027, 3, 28),  # Påskedag
        dt.date(2027, 3, 29),  # 2. påskedag
        dt.date(2026, 5, 14),  # Kristi himmelfartsdag
        dt.date(2026, 5, 24),  # Pinsedag
        dt.date(2026, 5, 25),  # 2. pinsedag
        dt.date(2023, 5, 5),  # Store bededag, the last time
    ],
)
def test_public_holidays(day: dt.date) -> None:
    assert is_public_holiday(day)
    name = public_holiday_name(day)
    assert isinstance(name, str)
    assert name.strip()


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2024, 4, 26),  # Store bededag abolished from 2024
        dt.date(2025, 5, 16),
        dt.date(2026, 5, 1),
        dt.date(2026, 12, 24),  # Juleaftensdag: a plan's own closing day, not a holiday
        dt.date(2026, 12, 31),  # Nytårsaftensdag
        dt.date(2026, 6, 5),  # Grundlovsdag
        dt.date(2027, 3, 24),  # the Wednesday before Easter
        dt.date(2027, 3, 30),  # the Tuesday after
        dt.date(2026, 11, 11),
    ],
)
def test_not_public_holidays(day: dt.date) -> None:
    assert not is_public_holiday(day)
    assert public_holiday_name(day) is None


def test_holiday_names_distinguish_holidays() -> None:
    names = {public_holiday_name(d) for d in (dt.date(2027, 3, 25), dt.date(2027, 3, 26), dt.date(2027, 3, 29))}
    assert len(names) == 3


# --- is_open -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (cph(2026, 11, 11, 10), True),  # a Wednesday
        (cph(2026, 11, 11, 8, 0), True),  # start is inclusive
        (cph(2026, 11, 11, 7, 59, 59, 999999), False),
        (cph(2026, 11, 11, 14, 59, 59), True),  # seconds inside the interval
        (cph(2026, 11, 11, 15, 0), False),  # end is exclusive
        (cph(2026, 11, 14, 10), False),  # Saturday
        (cph(2026, 11, 15, 10), False),  # Sunday
        (cph(2026, 12, 25, 10), False),  # Juledag, a Friday
        (cph(2026, 12, 24, 10), False),  # yearly closing day (Thursday)
        (cph(2027, 12, 24, 10), False),  # ... every year (Friday)
        (cph(2026, 12, 31, 10), False),
        (cph(2026, 12, 30, 10), True),
        (cph(2026, 6, 5, 11, 59), True),  # Grundlovsdag: open in the morning
        (cph(2026, 6, 5, 12, 0), False),  # ... closed from 12:00
        (cph(2026, 11, 12, 10), False),  # the one-off closing day
        (cph(2027, 11, 12, 10), True),  # ... only in 2026 (a Friday in 2027)
        (cph(2027, 3, 25, 10), False),  # Skærtorsdag
        (cph(2027, 3, 26, 10), False),  # Langfredag
        (cph(2027, 3, 29, 10), False),  # 2. påskedag
        (cph(2027, 3, 30, 10), True),
        (cph(2026, 5, 14, 10), False),  # Kristi himmelfartsdag
        (cph(2026, 5, 25, 10), False),  # 2. pinsedag
        (cph(2023, 5, 5, 10), False),  # Store bededag 2023
        (cph(2024, 4, 26, 10), True),  # not a holiday from 2024
    ],
)
def test_office_is_open(moment: dt.datetime, expected: bool) -> None:
    assert OFFICE.is_open(moment) is expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (utc(2026, 11, 11, 7, 30), True),  # 08:30 CET
        (utc(2026, 11, 11, 14, 30), False),  # 15:30 CET (14:30 read as local would be open)
        (utc(2026, 11, 11, 6, 59), False),  # 07:59 CET
        (utc(2026, 6, 10, 6, 30), True),  # 08:30 CEST
        (utc(2026, 6, 10, 5, 30), False),  # 07:30 CEST (05:30 UTC+1 would be 06:30)
        (utc(2026, 6, 10, 13, 30), False),  # 15:30 CEST
        (utc(2026, 6, 10, 12, 59), True),  # 14:59 CEST
        (utc(2026, 11, 13, 23, 30), False),  # Saturday 00:30 CET, Friday in UTC
        (dt.datetime(2026, 11, 11, 13, 0, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))), True),  # 08:30
        (dt.datetime(2026, 11, 10, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=-10))), True),  # Wed 10:00
    ],
)
def test_is_open_converts_other_offsets(moment: dt.datetime, expected: bool) -> None:
    assert OFFICE.is_open(moment) is expected


def test_public_holidays_open_ignores_holidays_but_not_closed_days() -> None:
    assert OFFICE_HOLIDAYS_OPEN.is_open(cph(2026, 12, 25, 10))  # Juledag
    assert OFFICE_HOLIDAYS_OPEN.is_open(cph(2027, 3, 26, 10))  # Langfredag
    assert not OFFICE_HOLIDAYS_OPEN.is_open(cph(2026, 12, 24, 10))  # its own closing day
    assert not OFFICE_HOLIDAYS_OPEN.is_open(cph(2026, 12, 26, 10))  # Saturday: no hours
    assert not OFFICE.is_open(cph(2026, 12, 25, 10))


def test_always_is_always_open() -> None:
    for moment in (
        cph(2026, 12, 25, 3),
        cph(2027, 3, 28, 3, 30),
        cph(2026, 10, 25, 2, 30, fold=1),
        cph(2027, 1, 2, 23, 59, 59),
        utc(2029, 2, 28, 12),
    ):
        assert ALWAYS.is_open(moment)


def test_until_midnight_and_from_midnight() -> None:
    sched = _compiled(weekly={"mon": ["20:00-24:00"], "tue": ["00:00-06:00"]}, public_holidays="open")
    assert not sched.is_open(cph(2026, 11, 9, 19, 59))  # Monday
    assert sched.is_open(cph(2026, 11, 9, 20, 0))
    assert sched.is_open(cph(2026, 11, 9, 23, 59, 59))
    assert sched.is_open(cph(2026, 11, 10, 0, 0))  # Tuesday
    assert sched.is_open(cph(2026, 11, 10, 5, 59))
    assert not sched.is_open(cph(2026, 11, 10, 6, 0))
    assert not sched.is_open(cph(2026, 11, 8, 23, 0))  # Sunday
    # Tuesday 06:00 -> the next Monday 20:00
    assert_instant(sched.next_opening(cph(2026, 11, 10, 6, 0)), "2026-11-16T20:00:00+01:00")


def test_closed_day_from_a_time_trims_and_drops_ranges() -> None:
    sched = _compiled(
        weekly={d: ["08:00-11:00", "13:00-15:00"] for d in WORKDAYS},
        closed_days=[{"date": "06-05", "from": "10:00"}, {"date": "2026-06-04", "from": "00:00"}],
    )
    assert sched.is_open(cph(2026, 6, 5, 9, 59))
    assert not sched.is_open(cph(2026, 6, 5, 10, 0))
    assert not sched.is_open(cph(2026, 6, 5, 13, 30))  # the afternoon range is dropped
    assert sched.is_open(cph(2026, 6, 3, 13, 30))
    assert not sched.is_open(cph(2026, 6, 4, 8, 30))  # "from 00:00" closes the whole day
    assert sched.is_open(cph(2027, 6, 4, 8, 30))  # the dated one only in 2026
    assert sched.intervals(dt.date(2026, 6, 5)) == ((480, 600),)
    assert sched.intervals(dt.date(2026, 6, 4)) == ()
    assert sched.intervals(dt.date(2026, 6, 3)) == ((480, 660), (780, 900))


# --- next_opening --------------------------------------------------------------------


@pytest.mark.parametrize(
    "moment",
    [cph(2026, 11, 11, 10, 15, 7, 12), utc(2026, 11, 11, 9, 0), cph(2026, 11, 11, 14, 59, 59, 999999)],
)
def test_next_opening_returns_the_moment_itself_when_open(moment: dt.datetime) -> None:
    assert OFFICE.next_opening(moment) is moment


def test_next_opening_always_returns_the_moment() -> None:
    moment = cph(2026, 12, 25, 3, 17, 5)
    assert ALWAYS.next_opening(moment) is moment


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Langfredag (winter time) -> Tuesday after Easter, summer time
        (cph(2027, 3, 26, 10), "2027-03-30T08:00:00+02:00"),
        (cph(2027, 3, 24, 15, 0), "2027-03-30T08:00:00+02:00"),  # Wednesday evening before Easter
        (utc(2027, 3, 26, 9, 0), "2027-03-30T08:00:00+02:00"),  # the same in UTC
        (cph(2027, 3, 28, 3, 30), "2027-03-30T08:00:00+02:00"),  # Easter Sunday after the switch
        # autumn: Friday in summer time -> Monday in winter time
        (cph(2026, 10, 23, 16, 0), "2026-10-26T08:00:00+01:00"),
        # Christmas: 24 (closing day), 25-26 (holidays), weekend
        (cph(2026, 12, 23, 15, 0), "2026-12-28T08:00:00+01:00"),
        # New Year: 31 (closing day), 1 Jan (holiday), weekend
        (cph(2026, 12, 30, 15, 0), "2027-01-04T08:00:00+01:00"),
        (cph(2026, 5, 13, 15, 0), "2026-05-15T08:00:00+02:00"),  # Kristi himmelfartsdag
        (cph(2026, 5, 22, 15, 0), "2026-05-26T08:00:00+02:00"),  # Pinse
        (cph(2023, 5, 4, 15, 0), "2023-05-08T08:00:00+02:00"),  # Store bededag 2023
        (cph(2024, 4, 25, 15, 0), "2024-04-26T08:00:00+02:00"),  # ... not in 2024
        (cph(2026, 6, 5, 12, 0), "2026-06-08T08:00:00+02:00"),  # Grundlovsdag afternoon
        (cph(2026, 11, 11, 15, 0), "2026-11-13T08:00:00+01:00"),  # end exclusive; skips the one-off day
        (cph(2026, 11, 13, 7, 59, 59, 500000), "2026-11-13T08:00:00+01:00"),  # seconds before opening
        (cph(2026, 11, 13, 15, 0, 0, 1), "2026-11-16T08:00:00+01:00"),
        (cph(2026, 11, 14, 10), "2026-11-16T08:00:00+01:00"),  # Saturday
        (utc(2026, 11, 16, 6, 59), "2026-11-16T08:00:00+01:00"),  # Monday 07:59 CET
        (utc(2026, 11, 15, 23, 30), "2026-11-16T08:00:00+01:00"),  # Monday 00:30 CET, Sunday in UTC
    ],
)
def test_office_next_opening(moment: dt.datetime, expected: str) -> None:
    got = OFFICE.next_opening(moment)
    assert_instant(got, expected)
    assert OFFICE.is_open(got)  # type: ignore[arg-type]


def test_next_opening_picks_the_next_range_of_the_same_day() -> None:
    assert_instant(SPLIT.next_opening(cph(2026, 11, 9, 12, 0)), "2026-11-09T12:30:00+01:00")  # Monday lunch
    assert_instant(SPLIT.next_opening(cph(2026, 11, 13, 13, 30)), "2026-11-14T10:00:00+01:00")  # Fri -> Sat
    assert_instant(SPLIT.next_opening(cph(2026, 12, 25, 7, 0)), "2026-12-25T08:00:00+01:00")  # holidays open


def test_next_opening_into_the_spring_forward_gap() -> None:
    # Sunday 02:30-05:00: on 28 March 2027 the wall clock skips 02:00-03:00, so it opens at 03:00
    sched = _compiled(weekly={"sun": ["02:30-05:00"]}, public_holidays="open")
    assert sched.is_open(cph(2027, 3, 28, 3, 0))
    assert not sched.is_open(cph(2027, 3, 28, 1, 59))
    assert_instant(sched.next_opening(cph(2027, 3, 28, 1, 0)), "2027-03-28T03:00:00+02:00")
    assert_instant(sched.next_opening(utc(2027, 3, 28, 0, 59)), "2027-03-28T03:00:00+02:00")
    # a normal Sunday
    assert_instant(sched.next_opening(cph(2027, 3, 21, 1, 0)), "2027-03-21T02:30:00+01:00")


def test_next_opening_in_the_repeated_autumn_hour() -> None:
    # Sunday 02:00-02:15 and 02:45-05:00: on 25 October 2026 02:00-03:00 happens twice
    sched = _compiled(weekly={"sun": ["02:45-05:00", "02:00-02:15"]}, public_holidays="open")
    first, second = cph(2026, 10, 25, 2, 30, fold=0), cph(2026, 10, 25, 2, 30, fold=1)
    assert not sched.is_open(first)
    assert not sched.is_open(second)
    got = sched.next_opening(first)
    assert_instant(got, "2026-10-25T02:45:00+02:00")
    got = sched.next_opening(second)  # not the first 02:45, which is an hour in the past
    assert_instant(got, "2026-10-25T02:45:00+01:00")
    assert _u(got) > _u(second)  # type: ignore[arg-type]
    # after 02:45 CEST the clock goes back to 02:00 CET, inside 02:00-02:15 again: open
    assert sched.is_open(cph(2026, 10, 25, 2, 5, fold=1))
    # 02:20 CEST: 02:45 CEST is next
    assert_instant(sched.next_opening(cph(2026, 10, 25, 2, 20)), "2026-10-25T02:45:00+02:00")


def test_next_opening_after_an_interval_ending_in_the_repeated_hour() -> None:
    # 02:00-02:15 only: from 02:20 CEST the next open minute is 02:00 CET, 40 minutes later
    sched = _compiled(weekly={"sun": ["02:00-02:15"]}, public_holidays="open")
    assert_instant(sched.next_opening(cph(2026, 10, 25, 2, 20)), "2026-10-25T02:00:00+01:00")
    assert_instant(sched.next_opening(cph(2026, 10, 25, 2, 20, fold=1)), "2026-11-01T02:00:00+01:00")


# --- add_open_time -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "minutes", "expected"),
    [
        (cph(2026, 11, 11, 14, 0), 120, "2026-11-13T09:00:00+01:00"),  # Thursday 12 Nov is closed
        (cph(2026, 11, 10, 14, 0), 120, "2026-11-11T09:00:00+01:00"),
        (cph(2026, 11, 14, 10, 0), 60, "2026-11-16T09:00:00+01:00"),  # starts counting Monday 08:00
        (cph(2026, 11, 16, 8, 0), 420, "2026-11-16T15:00:00+01:00"),  # a whole day: ends at closing
        (cph(2026, 11, 16, 8, 0), 421, "2026-11-17T08:01:00+01:00"),
        (cph(2026, 11, 16, 8, 0), 1440, "2026-11-19T11:00:00+01:00"),  # 24 open hours: 7+7+7+3
        (cph(2026, 11, 16, 8, 0, 30), 10, "2026-11-16T08:10:30+01:00"),  # seconds are kept
        (utc(2026, 11, 10, 13, 0), 120, "2026-11-11T09:00:00+01:00"),  # 14:00 CET
        # across Easter and the spring switch
        (cph(2027, 3, 24, 14, 0), 120, "2027-03-30T09:00:00+02:00"),
        # across Christmas
        (cph(2026, 12, 23, 14, 0), 90, "2026-12-28T08:30:00+01:00"),
        (cph(2026, 11, 14, 10, 0), 0, "2026-11-16T08:00:00+01:00"),  # zero while closed: next opening
    ],
)
def test_office_add_open_time(moment: dt.datetime, minutes: int, expected: str) -> None:
    assert_instant(OFFICE.add_open_time(moment, minutes), expected)


def test_add_open_time_zero_while_open_is_the_same_instant() -> None:
    moment = cph(2026, 11, 16, 9, 13, 7)
    got = OFFICE.add_open_time(moment, 0)
    assert got is not None
    assert _u(got) == _u(moment)


def test_add_open_time_counts_elapsed_minutes_across_summer_time() -> None:
    # 00:00 CET + 3 h on the spring Sunday is 04:00 CEST: 02:00-03:00 never happens
    start = cph(2027, 3, 28, 0, 0)
    for sched in (ALWAYS, ALL_DAY):
        got = sched.add_open_time(start, 180)
        assert got is not None
        assert _u(got) == _u(start) + 3 * HOUR
        assert got.isoformat() == "2027-03-28T04:00:00+02:00"
    # 00:00 CEST + 3 h on the autumn Sunday is 02:00 CET: 02:00-03:00 happens twice
    start = cph(2026, 10, 25, 0, 0)
    for sched in (ALWAYS, ALL_DAY):
        got = sched.add_open_time(start, 180)
        assert got is not None
        assert _u(got) == _u(start) + 3 * HOUR
        assert got.isoformat() == "2026-10-25T02:00:00+01:00"


def test_add_open_time_night_shift_across_summer_time() -> None:
    # Saturday 22:00 -> Sunday 06:00 is 7 real hours in spring (02:15-02:45 never happens)
    assert_instant(NIGHT.add_open_time(cph(2027, 3, 27, 22, 0), 7 * 60), "2027-03-28T06:00:00+02:00")
    assert_instant(NIGHT.add_open_time(cph(2027, 3, 27, 22, 0), 7 * 60 + 1), "2027-03-28T22:01:00+02:00")
    # ... and 9 in autumn, less the 02:15-02:45 break, which happens twice: 8 open hours
    assert_instant(NIGHT.add_open_time(cph(2026, 10, 24, 22, 0), 8 * 60), "2026-10-25T06:00:00+01:00")
    # 2 h to midnight, 2 h 15 to the first break, 15 min from 02:45 CEST to 03:00 CEST = 02:00 CET
    assert_instant(NIGHT.add_open_time(cph(2026, 10, 24, 22, 0), 4 * 60 + 30), "2026-10-25T02:00:00+01:00")
    assert_instant(NIGHT.add_open_time(cph(2026, 10, 24, 22, 0), 4 * 60 + 45), "2026-10-25T02:15:00+01:00")
    assert_instant(NIGHT.add_open_time(cph(2026, 10, 24, 22, 0), 4 * 60 + 46), "2026-10-25T02:46:00+01:00")


def test_add_open_time_from_the_second_repeated_hour_moves_forward() -> None:
    moment = cph(2026, 10, 25, 2, 30, fold=1)  # 01:30 UTC
    got = ALL_DAY.add_open_time(moment, 10)
    assert_instant(got, "2026-10-25T02:40:00+01:00")


def test_always_add_open_time_keeps_the_input_offset() -> None:
    moment = utc(2027, 3, 27, 23, 0)
    got = ALWAYS.add_open_time(moment, 60)
    assert got == utc(2027, 3, 28, 0, 0)
    assert got is not None
    assert got.utcoffset() == dt.timedelta(0)


# --- add_duration --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "duration", "expected"),
    [
        # hours are elapsed time: across a switch the wall clock moves by 23 or 25
        (cph(2027, 3, 27, 12, 0), "PT24H", "2027-03-28T13:00:00+02:00"),
        (utc(2027, 3, 27, 11, 0), "PT24H", "2027-03-28T13:00:00+02:00"),
        (cph(2026, 10, 24, 12, 0), "PT24H", "2026-10-25T11:00:00+01:00"),
        (cph(2026, 11, 11, 12, 0), "PT24H", "2026-11-12T12:00:00+01:00"),
        (cph(2026, 11, 11, 12, 0), "PT72H", "2026-11-14T12:00:00+01:00"),
        (cph(2027, 3, 28, 1, 30), "PT1H", "2027-03-28T03:30:00+02:00"),
        # days keep the wall clock
        (cph(2027, 3, 27, 12, 0), "P1D", "2027-03-28T12:00:00+02:00"),
        (cph(2027, 3, 26, 9, 15), "P3D", "2027-03-29T09:15:00+02:00"),
        (cph(2026, 10, 24, 12, 0), "P1D", "2026-10-25T12:00:00+01:00"),
        (cph(2026, 11, 11, 12, 0, 45), "P3D", "2026-11-14T12:00:45+01:00"),  # seconds kept
        (utc(2026, 12, 31, 23, 30), "P1D", "2027-01-02T00:30:00+01:00"),  # 1 Jan 00:30 in Copenhagen
        # a wall time the spring switch skips moves on by the gap
        (cph(2027, 3, 27, 2, 30), "P1D", "2027-03-28T03:30:00+02:00"),
        # months keep the wall clock and clamp to the month's last day
        (cph(2027, 1, 15, 10, 0), "P3M", "2027-04-15T10:00:00+02:00"),
        (cph(2027, 1, 31, 10, 0), "P1M", "2027-02-28T10:00:00+01:00"),
        (cph(2028, 1, 31, 10, 0), "P1M", "2028-02-29T10:00:00+01:00"),  # leap year
        (cph(2027, 3, 31, 10, 0), "P1M", "2027-04-30T10:00:00+02:00"),
        (cph(2026, 11, 30, 10, 0), "P3M", "2027-02-28T10:00:00+01:00"),
        (cph(2026, 12, 15, 10, 0), "P1M", "2027-01-15T10:00:00+01:00"),  # year rollover
        (cph(2026, 12, 15, 10, 0), "P12M", "2027-12-15T10:00:00+01:00"),
        (cph(2026, 11, 15, 10, 0), "P14M", "2028-01-15T10:00:00+01:00"),
        (cph(2026, 8, 31, 10, 0), "P6M", "2027-02-28T10:00:00+01:00"),
    ],
)
def test_add_duration(moment: dt.datetime, duration: str, expected: str) -> None:
    assert_instant(add_duration(moment, duration), expected)


def test_add_duration_hours_are_elapsed_even_for_copenhagen_input() -> None:
    moment = cph(2027, 3, 27, 12, 0)
    got = add_duration(moment, "PT24H")
    assert _u(got) - _u(moment) == 24 * HOUR
    got = add_duration(cph(2026, 10, 24, 12, 0), "PT48H")
    assert _u(got) - _u(cph(2026, 10, 24, 12, 0)) == 48 * HOUR


@pytest.mark.parametrize("duration", ["P1W", "PT30M", "24h", "P1Y", "PT", "P-1D", ""])
def test_add_duration_rejects_other_durations(duration: str) -> None:
    with pytest.raises(ValueError):
        add_duration(cph(2026, 11, 11, 12), duration)


def test_duration_minutes() -> None:
    assert duration_minutes("PT24H") == 1440
    assert duration_minutes("PT1H") == 60
    with pytest.raises(ValueError):
        duration_minutes("P1D")
    with pytest.raises(ValueError):
        duration_minutes("P3M")


# --- exhaustive check around the switches: every minute against is_open ----------------


def _minute_oracle(sched: CompiledSchedule, start: dt.datetime, minutes: int) -> None:
    """Check next_opening and add_open_time at every UTC minute against is_open."""
    grid = [start + i * MINUTE for i in range(minutes)]
    open_ = [sched.is_open(t) for t in grid]
    # next open minute at or after each index
    nxt: list[int | None] = [None] * len(grid)
    following: int | None = None
    for i in range(len(grid) - 1, -1, -1):
        if open_[i]:
            following = i
        nxt[i] = following
    opens = [i for i, o in enumerate(open_) if o]
    for i, t in enumerate(grid):
        j = nxt[i]
        if j is None:
            break
        got = sched.next_opening(t)
        assert got is not None
        assert _u(got) == grid[j], (sched.id, t)
        if open_[i]:
            assert got is t
        # with seconds, closed minutes still open at the next open minute
        later = t + dt.timedelta(seconds=30)
        got = sched.next_opening(later)
        assert got is not None
        assert _u(got) == (later if open_[i] else grid[j]), (sched.id, later)
        if i % 7:
            continue
        first = sum(1 for k in opens if k < j)  # position of grid[j] among open minutes
        for m in (1, 45, 150):
            if first + m - 1 < len(opens):
                got = sched.add_open_time(t, m)
                assert got is not None
                assert _u(got) == grid[opens[first + m - 1]] + MINUTE, (sched.id, t, m)


SWITCH_SCHEDULES = {
    "night": NIGHT,
    "all_day": ALL_DAY,
    "gap": _compiled(weekly={"sun": ["01:30-02:15", "02:30-05:00"], "sat": ["23:00-24:00"]}, public_holidays="open"),
    "repeat": _compiled(weekly={"sun": ["02:00-02:15", "02:45-03:30"], "mon": ["00:00-01:00"]}, public_holidays="open"),
}


@pytest.mark.parametrize("sid", sorted(SWITCH_SCHEDULES))
@pytest.mark.parametrize("start", [utc(2027, 3, 27, 20, 0), utc(2026, 10, 24, 20, 0)], ids=["spring", "autumn"])
def test_every_minute_around_the_switch(sid: str, start: dt.datetime) -> None:
    _minute_oracle(SWITCH_SCHEDULES[sid], start, 30 * 60)


# --- properties ----------------------------------------------------------------------


def _last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 31)
    return day - dt.timedelta(days=(day.weekday() - 6) % 7)


SWITCHES = [
    dt.datetime.combine(_last_sunday(y, m), dt.time(1, 0), tzinfo=UTC) for y in range(2024, 2031) for m in (3, 10)
]


def test_switch_instants_are_where_the_offset_changes() -> None:
    for switch in SWITCHES:
        before, after = local(switch - MINUTE).utcoffset(), local(switch).utcoffset()
        assert before != after
        assert {before, after} == {HOUR, 2 * HOUR}


_ZONES = st.one_of(
    st.just(ZONE),
    st.just(UTC),
    st.integers(-12 * 4, 14 * 4).map(lambda q: dt.timezone(dt.timedelta(minutes=15 * q))),
)


@st.composite
def moments(draw: st.DrawFn) -> dt.datetime:
    """Aware datetimes 2024-2030 in random offsets, half of them near a summer-time switch."""
    if draw(st.booleans()):
        naive = draw(st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2030, 12, 31, 23, 59)))
        return naive.replace(tzinfo=draw(_ZONES), fold=draw(st.integers(0, 1)))
    switch = draw(st.sampled_from(SWITCHES))
    moment = switch + dt.timedelta(seconds=draw(st.integers(-30 * 3600, 30 * 3600)))
    moment += dt.timedelta(microseconds=draw(st.sampled_from([0, 0, 1, 999_999])))
    return moment.astimezone(draw(_ZONES))


PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SCHEDULE_IDS = st.sampled_from(sorted(SCHEDULES))


@PROPERTY_SETTINGS
@given(sid=SCHEDULE_IDS, t=moments())
def test_next_opening_properties(sid: str, t: dt.datetime) -> None:
    sched = SCHEDULES[sid]
    n = sched.next_opening(t)
    assert n is not None
    assert _u(n) >= _u(t)
    assert sched.is_open(n)
    if sched.is_open(t):
        assert n is t
    else:
        assert _u(n) > _u(t)
        assert _is_copenhagen(n)
        assert n.second == 0 and n.microsecond == 0
        # no open moment in between: every open span of these schedules lasts 30 minutes or
        # more, so it would contain a point of the half-hour UTC grid
        grid = _u(t).replace(minute=0, second=0, microsecond=0)
        while grid < _u(n):
            if grid > _u(t):
                assert not sched.is_open(grid), grid
            grid += dt.timedelta(minutes=30)
        assert not sched.is_open(_u(n) - dt.timedelta(microseconds=1))
    # idempotent
    again = sched.next_opening(n)
    assert again is n


@PROPERTY_SETTINGS
@given(sid=SCHEDULE_IDS, t=moments(), m=st.integers(0, 3000))
def test_add_open_time_properties(sid: str, t: dt.datetime, m: int) -> None:
    sched = SCHEDULES[sid]
    n = sched.next_opening(t)
    got = sched.add_open_time(t, m)
    assert n is not None and got is not None
    assert _u(got) >= _u(n)
    # open time never runs faster than the clock
    assert _u(got) - _u(n) >= dt.timedelta(minutes=m)
    if m == 0:
        assert _u(got) == _u(n)
    else:
        # the last counted minute was open
        assert sched.is_open(_u(got) - dt.timedelta(microseconds=1))
    if sid in ("always", "all_day"):
        assert _u(got) == _u(t) + dt.timedelta(minutes=m)


@PROPERTY_SETTINGS
@given(sid=SCHEDULE_IDS, t=moments(), a=st.integers(0, 1500), b=st.integers(1, 1500))
def test_add_open_time_is_additive(sid: str, t: dt.datetime, a: int, b: int) -> None:
    sched = SCHEDULES[sid]
    first = sched.add_open_time(t, a)
    assert first is not None
    both, step = sched.add_open_time(t, a + b), sched.add_open_time(first, b)
    assert both is not None and step is not None
    assert _u(both) == _u(step)
    shorter = sched.add_open_time(t, a + b - 1)
    assert shorter is not None
    assert _u(shorter) < _u(both)


@PROPERTY_SETTINGS
@given(t=moments(), n=st.integers(0, 200))
def test_add_duration_properties(t: dt.datetime, n: int) -> None:
    hours = add_duration(t, f"PT{n}H")
    assert _is_copenhagen(hours)
    assert _u(hours) - _u(t) == dt.timedelta(hours=n)
    days = add_duration(t, f"P{n}D")
    loc = local(t)
    assert _is_copenhagen(days)
    assert days.date() == loc.date() + dt.timedelta(days=n)
    if days.time() != loc.time():  # only a wall time skipped in spring moves (by the gap)
        assert (days.replace(tzinfo=None) - dt.datetime.combine(days.date(), loc.time())) == HOUR
        assert days.month == 3
    months = add_duration(t, f"P{n % 40}M")
    assert _is_copenhagen(months)
    assert (months.year * 12 + months.month) - (loc.year * 12 + loc.month) == n % 40
    assert months.day == loc.day or (months.day < loc.day and (months + dt.timedelta(days=1)).day == 1)


# --- schedule validation -------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"weekly": {"mon": ["08:00-12:00", "11:00-15:00"]}}, "overlap"),
        ({"weekly": {"tue": ["13:00-16:00", "08:00-13:30"]}}, "overlap"),  # unsorted overlap
        ({"weekly": {"mon": ["12:00-08:00"]}}, "must end after it starts"),
        ({"weekly": {"mon": ["08:00-08:00"]}}, "must end after it starts"),
        ({"weekly": {"mon": ["24:00-24:00"]}}, "pattern"),
        ({"weekly": {"mon": ["8:00-12:00"]}}, "pattern"),
        ({"weekly": {"mon": ["08:00-24:30"]}}, "ends after 24:00"),
        ({"weekly": {"funday": ["08:00-12:00"]}}, "funday"),
        ({"always": True, "weekly": {"mon": ["08:00-12:00"]}}, "not both"),
        ({}, "needs 'weekly'"),
        ({"weekly": {"mon": []}}, "needs 'weekly'"),
        ({"always": False}, "needs 'weekly'"),
        ({"weekly": {"mon": ["08:00-12:00"]}, "closed_days": [{"date": "02-30"}]}, "day is out of range"),
        ({"weekly": {"mon": ["08:00-12:00"]}, "closed_days": [{"date": "2026-02-29"}]}, "day is out of range"),
        ({"weekly": {"mon": ["08:00-12:00"]}, "closed_days": [{"date": "13-01"}]}, "month must be in"),
        ({"weekly": {"mon": ["08:00-12:00"]}, "closed_days": [{"date": "24-12"}]}, "month must be in"),
        ({"weekly": {"mon": ["08:00-12:00"]}, "closed_days": [{"date": "12/24"}]}, "pattern"),
        ({"weekly": {"mon": ["08:00-12:00"]}, "closed_days": [{"date": "06-05", "from": "24:00"}]}, "pattern"),
        ({"weekly": {"mon": ["08:00-12:00"]}, "closed_days": [{"date": "06-05", "until": "12:00"}]}, "until"),
        ({"weekly": {"mon": ["08:00-12:00"]}, "public_holidays": "sometimes"}, "public_holidays"),
        ({"weekly": {"mon": ["08:00-12:00"]}, "timezone": "Europe/Berlin"}, "timezone"),
        ({"weekly": {"mon": ["08:00-12:00"]}, "hours": "8-12"}, "hours"),
    ],
)
def test_invalid_schedules_are_rejected(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as err:
        _schedule(**fields)
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"assumed": True}, "needs a 'note'"),
        ({"assumed": True, "note": ""}, "note"),
        ({}, "cite the plan text"),
        ({"note": "why"}, "cite the plan text"),
    ],
)
def test_schedule_provenance_is_required(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as err:
        Schedule.model_validate({"weekly": {"mon": ["08:00-12:00"]}, **fields})
    assert message in str(err.value)


def test_valid_schedules_are_accepted() -> None:
    cited = Schedule.model_validate({"source": {"section": "3.2"}, "weekly": {"mon": ["08:00-12:00"]}})
    assert cited.public_holidays == "closed"  # the default
    assert cited.timezone == "Europe/Copenhagen"
    spec = _schedule(
        weekly={"mon": ["08:00-12:00", "12:00-24:00"], "sun": ["00:00-01:00"]},  # touching is no overlap
        closed_days=[
            {"date": "02-29"},  # a leap day every (leap) year
            {"date": "2028-02-29"},
            {"date": "06-05", "from": "12:00"},
            {"date": "12-24", "name": "Juleaftensdag"},
        ],
        public_holidays="open",
    )
    assert spec.closed_days[2].from_time == "12:00"
    assert [c.date for c in spec.closed_days] == ["02-29", "2028-02-29", "06-05", "12-24"]
    sched = CompiledSchedule("x", spec)
    assert sched.is_open(cph(2026, 11, 16, 23, 59))  # Monday, until 24:00
    assert sched.is_open(cph(2026, 11, 15, 0, 30))  # Sunday 00:00-01:00
    assert not sched.is_open(cph(2026, 11, 15, 1, 0))
    assert _schedule(always=True).always


def test_a_leap_day_closing_day_closes_only_on_leap_days() -> None:
    sched = _compiled(weekly={d: ["08:00-15:00"] for d in EVERY_DAY}, closed_days=[{"date": "02-29"}])
    assert not sched.is_open(cph(2028, 2, 29, 10))
    assert sched.is_open(cph(2028, 2, 28, 10))
    assert sched.is_open(cph(2027, 3, 1, 10))
    assert sched.is_open(cph(2027, 2, 28, 10))
