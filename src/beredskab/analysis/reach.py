"""Who in a rule's ``next`` can be reached, and when they can act: shared by the time checks.

A contact is a way in at a moment when it is written (e-mail, web form, post: usable at
any time, read when the actor opens) or spoken (phone, meeting) and its schedule (the
contact's own, else the actor's) is open then. An action's ``on: closed`` escalations
count when its actor is closed at that moment, as routing presents them.

A :class:`Reacher` (``ctx.reacher``) answers for one plan in one run: who the candidates
of a rule are and what contacts they have is worked out once, and each answer is
remembered by the candidates and the moment (the time checks ask the same ones).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .._i18n import Translate
from ..routing.calendar import ZONE, CompiledSchedule
from ..routing.router import CompiledPlan
from ..spec.model import ActionSpec, Actor, Contact
from ..spec.vocabulary import Channel
from .clock import Clock

__all__ = ["WRITTEN", "Reach", "Reacher"]

WRITTEN = frozenset({Channel.EMAIL, Channel.WEB, Channel.POST})


@dataclass(frozen=True)
class Reach:
    """For one rule at one moment: whether anyone has a usable contact, and the earliest actor with one."""

    way_in: bool
    earliest: dt.datetime | None  # when the first actor with any contact can act (None: nobody has one)
    who: str | None  # that actor's name
    why_not: tuple[str, ...]  # per actor, why it is no way in now
    earliest_any: dt.datetime | None  # when the first actor, contact or not, can act (what BK602 judges)


Candidate = tuple[str, tuple[Channel, ...] | None]  # an actor, and the channels it is reached by (None: any)
# per action of a rule's next: its actor as a candidate, that actor's schedule, and the
# candidates of its on: closed escalations
Candidates = tuple[tuple[Candidate, CompiledSchedule, tuple[Candidate, ...]], ...]


@dataclass(frozen=True)
class _Who:
    """A candidate's actor, schedule and usable contacts: the same at every moment."""

    actor: Actor
    sched: CompiledSchedule
    contacts: tuple[Contact, ...]


def _contacts(actor: Actor, via: tuple[Channel, ...] | None) -> list[Contact]:
    return [c for c in actor.contacts if via is None or c.channel in via]


class Reacher:
    """Reachability of a rule's ``next`` at a moment, for one plan, remembering what it worked out
    (the checks share one: ``ctx.reacher``)."""

    def __init__(self, compiled: CompiledPlan, clock: Clock | None = None) -> None:
        self.compiled = compiled
        self.clock = clock or Clock()
        # by id of the actions (kept alive): their candidates, and a number for the same candidates
        self._rules: dict[int, tuple[list[ActionSpec], Candidates, int]] = {}
        self._numbers: dict[Candidates, int] = {}
        self._who: dict[Candidate, _Who] = {}
        self._answers: dict[tuple[int, dt.datetime, int, Translate], Reach] = {}

    def reach(self, actions: list[ActionSpec], at: dt.datetime, _: Translate = str) -> Reach:
        """Reachability of ``actions`` (a rule's ``next``) for a concern received at ``at``; the same
        answer for the same candidates and moment. ``_`` translates the reasons in ``why_not``
        (English by default)."""
        rule = self._rules.get(id(actions))
        if rule is None or rule[0] is not actions:
            candidates = self._candidates(actions)
            number = self._numbers.setdefault(candidates, len(self._numbers))
            rule = self._rules[id(actions)] = (actions, candidates, number)
        _actions, candidates, number = rule
        if at.tzinfo is not ZONE:
            return self._reach(candidates, at, _)
        key = (number, at, at.fold, _)
        found = self._answers.get(key)
        if found is None:
            found = self._answers[key] = self._reach(candidates, at, _)
        return found

    def _candidates(self, actions: list[ActionSpec]) -> Candidates:
        compiled = self.compiled
        return tuple(
            (
                (act.actor, tuple(act.via) if act.via is not None else None),
                compiled.schedules[compiled.actors[act.actor].schedule],
                tuple(
                    (e.actor, tuple(e.via) if e.via is not None else None) for e in act.escalation if e.on == "closed"
                ),
            )
            for act in actions
        )

    def _whom(self, candidate: Candidate) -> _Who:
        who = self._who.get(candidate)
        if who is None:
            aid, via = candidate
            actor = self.compiled.actors[aid]
            sched = self.compiled.schedules[actor.schedule]
            who = self._who[candidate] = _Who(actor, sched, tuple(_contacts(actor, via)))
        return who

    def _reach(self, rule: Candidates, at: dt.datetime, _: Translate) -> Reach:
        compiled, clock = self.compiled, self.clock
        way_in = False
        earliest: dt.datetime | None = None
        who: str | None = None
        why_not: list[str] = []
        earliest_any: dt.datetime | None = None
        candidates: list[Candidate] = []
        for own, sched, closed in rule:
            candidates.append(own)
            if not clock.is_open(sched, at):
                candidates.extend(closed)
        unique = [self._whom(c) for c in dict.fromkeys(candidates)]
        for one in unique:
            actor, sched, contacts = one.actor, one.sched, one.contacts
            can_act = at if clock.is_open(sched, at) else clock.next_opening(sched, at)
            if can_act is not None and (earliest_any is None or can_act < earliest_any):
                earliest_any = can_act
            if not contacts:
                continue
            if not way_in and any(
                c.channel in WRITTEN or clock.is_open(compiled.schedules[c.schedule or actor.schedule], at)
                for c in contacts
            ):
                way_in = True
            if can_act is not None and (earliest is None or can_act < earliest):
                earliest, who = can_act, actor.name
        if not way_in:  # the reasons are read only when nobody can be reached
            for one in unique:
                if not one.contacts:
                    why_not.append(_("{actor}: no contact in the plan").format(actor=one.actor.name))
                else:
                    channels = "/".join(sorted({c.channel.value for c in one.contacts}))
                    why_not.append(
                        _("{actor}: {channels} not answered then").format(actor=one.actor.name, channels=channels)
                    )
        return Reach(way_in, earliest, who, tuple(why_not), earliest_any)
