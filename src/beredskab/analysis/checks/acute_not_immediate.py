"""BK601 acute-not-immediate: an acute concern must reach the police or 112 at once, at every moment.

An acute concern (illegal acts committed or imminent, someone's safety in danger) must
reach the police or 112 at once. For every acute concern at intake (every age band,
reporter, topic and time class, and the catch-all's regions too), the first ``next``
action must be the police or 112 (kind ``emergency`` or ``police``) and its actor must
be open at that moment: its schedule open throughout (``always``, or open in that time
class). Reported at that action's ``actor``, with a witness concern.

Passing example::

    rules:
      - id: acute
        when: {acute: true, step: intake}
        next: [{actor: alarm_112, step: police_assessment}]

Failing example (acute concerns go to an office that closes at night)::

    rules:
      - id: acute
        when: {acute: true, step: intake}
        next: [{actor: infohus, step: infohus_assessment}]
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

from ..._problems import Draft
from ...routing.calendar import CompiledSchedule
from ...routing.facts import open_key
from ...spec.vocabulary import ActorKind
from ..context import CheckContext
from ..space import TIME, TimeClass

CODE = "BK601"
IMMEDIATE = (ActorKind.EMERGENCY, ActorKind.POLICE)


def _open_throughout(schedule: CompiledSchedule, facts: tuple[tuple[str, str], ...]) -> bool:
    """Open at every moment, or at least wherever the region's time class holds."""
    if schedule.always or (open_key(schedule.id), "yes") in facts:
        return True
    full_week = all(day == ((0, 24 * 60),) for day in schedule.weekly)
    return full_week and not schedule.closed_on_holidays and not schedule.spec.closed_days


def _closed_moment(schedule: CompiledSchedule, classes: list[TimeClass], pinned: int | None) -> dt.datetime | None:
    candidates = [classes[pinned]] if pinned is not None else classes
    for tc in candidates:
        if not schedule.is_open(tc.witness):
            return tc.witness
    start = candidates[0].witness
    for hours in range(0, 24 * 400, 1):
        moment = start + dt.timedelta(hours=hours)
        if not schedule.is_open(moment):
            return moment
    return None


def check(ctx: CheckContext) -> Iterator[Draft]:
    plan, space, compiled = ctx.plan, ctx.space, ctx.compiled
    _ = ctx.translate
    if "intake" not in plan.steps:
        return
    reported: set[tuple[int | None, str, str, str]] = set()
    for region in ctx.regions:
        if region.assign.get("acute", "yes") != "yes" or region.assign.get("step", "intake") != "intake":
            continue
        rule = plan.catch_all if region.owner is None else plan.rules[region.owner]
        where = (
            ("catch_all", "next", 0, "actor") if region.owner is None else ("rules", region.owner, "next", 0, "actor")
        )
        first = rule.next[0]
        actor = compiled.actors[first.actor]
        schedule = compiled.schedules[actor.schedule]
        assign = {**region.assign, "acute": "yes", "step": "intake"}
        problem: str | None = None
        closed_at = ""
        if actor.kind not in IMMEDIATE:
            problem = _("an acute concern ({concern}) goes first to {actor} ({kind}), not to the police or 112")
        elif not _open_throughout(schedule, space.time_classes[assign[TIME]].facts if TIME in assign else ()):
            moment = _closed_moment(schedule, space.time_classes, assign.get(TIME))
            problem = _(
                "an acute concern ({concern}) goes first to {actor}, which is not open at every moment"
                " (schedule {schedule})"
            )
            if moment is not None:
                problem = _("an acute concern ({concern}) goes first to {actor}, which is closed at {moment}")
                closed_at = ctx.moment(moment)
        if problem is None:
            continue
        key = (region.owner, problem, actor.name, closed_at)
        if key in reported:
            continue
        reported.add(key)
        example = json.dumps(space.witness(assign), ensure_ascii=False)
        yield Draft(
            where,
            problem.format(
                concern=space.describe(assign, _),
                actor=actor.name,
                kind=actor.kind.value,
                schedule=repr(schedule.id),
                moment=closed_at,
            ),
            _("route acute concerns to alarm_112 first; witness: {example}").format(example=example),
        )
