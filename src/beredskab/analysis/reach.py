"""Who in a rule's ``next`` can be reached, and when they can act: shared by the time checks.

A contact is a way in at a moment when it is written (e-mail, web form, post: usable at
any time, read when the actor opens) or spoken (phone, meeting) and its schedule (the
contact's own, else the actor's) is open then. An action's ``on: closed`` escalations
count when its actor is closed at that moment, as routing presents them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .._i18n import Translate
from ..routing.router import CompiledPlan
from ..spec.model import ActionSpec, Actor, Contact
from ..spec.vocabulary import Channel

__all__ = ["WRITTEN", "Reach", "reach"]

WRITTEN = frozenset({Channel.EMAIL, Channel.WEB, Channel.POST})


@dataclass(frozen=True)
class Reach:
    """For one rule at one moment: whether anyone has a usable contact, and the earliest actor with one."""

    way_in: bool
    earliest: dt.datetime | None  # when the first actor with any contact can act (None: nobody has one)
    who: str | None  # that actor's name
    why_not: tuple[str, ...]  # per actor, why it is no way in now
    earliest_any: dt.datetime | None  # when the first actor, contact or not, can act (what BK602 judges)


def _contacts(actor: Actor, via: tuple[Channel, ...] | None) -> list[Contact]:
    return [c for c in actor.contacts if via is None or c.channel in via]


def reach(compiled: CompiledPlan, actions: list[ActionSpec], at: dt.datetime, _: Translate = str) -> Reach:
    """Reachability of ``actions`` (a rule's ``next``) for a concern received at ``at``.

    ``_`` translates the reasons in ``why_not`` (English by default).
    """
    way_in = False
    earliest: dt.datetime | None = None
    who: str | None = None
    why_not: list[str] = []
    earliest_any: dt.datetime | None = None
    candidates: list[tuple[str, tuple[Channel, ...] | None]] = []
    for act in actions:
        candidates.append((act.actor, tuple(act.via) if act.via is not None else None))
        actor = compiled.actors[act.actor]
        if not compiled.schedules[actor.schedule].is_open(at):
            candidates.extend(
                (e.actor, tuple(e.via) if e.via is not None else None) for e in act.escalation if e.on == "closed"
            )
    unique = list(dict.fromkeys(candidates))
    for aid, via in unique:
        actor = compiled.actors[aid]
        sched = compiled.schedules[actor.schedule]
        contacts = _contacts(actor, via)
        can_act = at if sched.is_open(at) else sched.next_opening(at)
        if can_act is not None and (earliest_any is None or can_act < earliest_any):
            earliest_any = can_act
        if not contacts:
            continue
        if not way_in and any(
            c.channel in WRITTEN or compiled.schedules[c.schedule or actor.schedule].is_open(at) for c in contacts
        ):
            way_in = True
        if can_act is not None and (earliest is None or can_act < earliest):
            earliest, who = can_act, actor.name
    if not way_in:  # the reasons are read only when nobody can be reached
        for aid, via in unique:
            actor = compiled.actors[aid]
            contacts = _contacts(actor, via)
            if not contacts:
                why_not.append(_("{actor}: no contact in the plan").format(actor=actor.name))
            else:
                channels = "/".join(sorted({c.channel.value for c in contacts}))
                why_not.append(_("{actor}: {channels} not answered then").format(actor=actor.name, channels=channels))
    return Reach(way_in, earliest, who, tuple(why_not), earliest_any)
