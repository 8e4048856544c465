"""BK706 underretning-24-hours: a not-acute concern about a child the municipality cannot assess within 24 hours.

A concern about a child under 18 is an underretning (Barnets Lov §§ 133-135), and the
municipality must assess it within 24 hours: is the child's health or development in
danger, are acute measures needed (the national catalogue's ``duties``). For every
not-acute concern at ``intake`` about an age band under 18, at every opening and closing
of two ordinary weeks and of the days around each public holiday of a year, the wait is
the time until the first municipal actor in ``next`` (children's or adult services,
Infohus, a coordinator or coordination unit, SSP, youth guidance; an ``on: closed``
escalation included) can act. A wait over 24 hours is a warning, with the longest case as
the counterexample. A plan with an ``on_call`` service (the social on-call service that
covers the hours the offices are closed, often reached through the police) meets the 24
hours by it and is not warned. A concern that first goes to someone else (a line
manager, the police, the national hotline) reaches the municipality at a later step and
is not measured here.

Fix: name the on-call service the municipality has (``on_call: {actor: ..., source:
...}``), or route children's concerns to an actor who is open when the offices are
closed.

Passing example (an on-call service covers nights and weekends)::

    on_call: {actor: socialvagten, source: {section: "3.2"}}

Failing example (children's services on weekday office hours, nothing else)::

    rules:
      - id: child
        when: {step: intake, age_band: child}
        next: [{actor: children, step: visitation}]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ..._problems import Draft
from ...spec.model import ActionSpec, parse_duration
from ...spec.national import load_national
from ...spec.vocabulary import ActorKind
from ..context import CheckContext
from ..moments import moments_in_class, span
from ..space import TIME

CODE = "BK706"

# who, in a plan, is the municipality that receives and assesses an underretning
MUNICIPAL = frozenset(
    {
        ActorKind.CHILDREN_SERVICES,
        ActorKind.ADULT_SERVICES,
        ActorKind.INFOHUS,
        ActorKind.COORDINATOR,
        ActorKind.COORDINATION_UNIT,
        ActorKind.SSP,
        ActorKind.YOUTH_GUIDANCE,
    }
)

Worst = tuple[dt.timedelta, dt.datetime, dt.datetime, str, int | None, dict[str, Any]]


def check(ctx: CheckContext) -> Iterator[Draft]:
    plan = ctx.plan
    if "intake" not in plan.steps or plan.on_call is not None:
        return
    limit = _limit()
    children = {bid for bid, b in plan.age_bands.items() if not b.unknown and b.min is not None and b.min < 18}
    worst: Worst | None = None
    seen: set[tuple[int | None, Any]] = set()
    for region in ctx.regions:
        a = region.assign
        if a.get("acute") == "yes" or a.get("step", "intake") != "intake":
            continue
        if "band" in a and a["band"] not in children:
            continue  # a region with no band fixed holds children too
        tc = a.get(TIME)
        if (region.owner, tc) in seen:
            continue
        seen.add((region.owner, tc))
        rule = plan.catch_all if region.owner is None else plan.rules[region.owner]
        for moment in moments_in_class(ctx, tc, stretch_starts=True):
            found = _earliest(ctx, rule.next, moment.at)
            if found is None:
                continue  # nobody municipal in next: the municipality is reached at a later step
            wait = found[0] - moment.at
            if wait > limit and (worst is None or wait > worst[0]):
                worst = (wait, moment.at, found[0], found[1], region.owner, a)
    if worst is None:
        return
    _ = ctx.translate
    wait, at, can, who, owner, assign = worst
    yield Draft(
        ("catch_all", "next", 0, "actor") if owner is None else ("rules", owner, "next", 0, "actor"),
        _(
            "a not-acute concern about a child can wait {wait} before the municipality can assess it, over the 24 "
            "hours Barnets Lov gives (received {received}, {who} can act from {start}); e.g. {concern}"
        ).format(
            wait=span(wait, _),
            received=ctx.moment(at),
            who=who,
            start=ctx.moment(can),
            concern=ctx.space.describe(assign, _),
        ),
        _(
            "name the on-call service that covers the hours the offices are closed (on_call: {actor: ..., "
            "source: ...}), or route the concern to someone open then"
        ),
    )


def _limit() -> dt.timedelta:
    unit, n = parse_duration(load_national().duties.underretning_assessment.within or "PT24H")
    return dt.timedelta(hours=n) if unit == "hours" else dt.timedelta(days=n)


def _earliest(ctx: CheckContext, actions: list[ActionSpec], at: dt.datetime) -> tuple[dt.datetime, str] | None:
    compiled, clock = ctx.compiled, ctx.clock
    best: tuple[dt.datetime, str] | None = None
    candidates: list[str] = []
    for act in actions:
        candidates.append(act.actor)
        sched = compiled.schedules[compiled.actors[act.actor].schedule]
        if not clock.is_open(sched, at):
            candidates.extend(e.actor for e in act.escalation if e.on == "closed")
    for aid in candidates:
        actor = compiled.actors[aid]
        if actor.kind not in MUNICIPAL:
            continue
        opening = clock.next_opening(compiled.schedules[actor.schedule], at)
        if opening is not None and (best is None or opening < best[0]):
            best = (opening, actor.name)
    return best
