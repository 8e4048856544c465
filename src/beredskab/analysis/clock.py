"""Calendar questions of one check run, each put to the calendar once.

The time checks ask about the same candidate moments again and again (for every rule,
every action, every check): is a schedule open, when does it next open. A
:class:`Clock` (``ctx.clock``) remembers the calendar's answers for the run, keyed by
the schedule and the moment, so the answers are the calendar's own
(:mod:`beredskab.routing.calendar` stays the one place that counts time).

A moment is remembered by its Copenhagen wall time and ``fold``: two moments with the
same key are the same instant and print the same. A moment in another zone is asked of
the calendar every time.
"""

from __future__ import annotations

import datetime as dt

from ..routing.calendar import ZONE, CompiledSchedule

__all__ = ["Clock"]

_Key = tuple[CompiledSchedule, dt.datetime, int]


class Clock:
    """Remembered answers of :class:`~beredskab.routing.calendar.CompiledSchedule`."""

    def __init__(self) -> None:
        self._open: dict[_Key, bool] = {}
        self._next: dict[_Key, dt.datetime | None] = {}

    def is_open(self, sched: CompiledSchedule, at: dt.datetime) -> bool:
        """``sched.is_open(at)``."""
        if sched.always or at.tzinfo is not ZONE:
            return sched.is_open(at)
        key = (sched, at, at.fold)
        found = self._open.get(key)
        if found is None:
            found = self._open[key] = sched.is_open(at)
        return found

    def next_opening(self, sched: CompiledSchedule, at: dt.datetime) -> dt.datetime | None:
        """``sched.next_opening(at)``: ``at`` itself when open then (or a moment with the same key: equal in every field)."""
        if sched.always or at.tzinfo is not ZONE:
            return sched.next_opening(at)
        key = (sched, at, at.fold)
        if key in self._next:
            return self._next[key]
        found = self._next[key] = sched.next_opening(at)
        return found
