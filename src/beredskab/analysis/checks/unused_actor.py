"""BK304 unused-actor: an actor the plan defines but no rule, catch-all or escalation uses.

An actor counts as used when it appears in ``next`` or ``notify`` of a rule or of the
catch-all, in an escalation, or is the `on_call` service. Often harmless (the plan text names an authority that
has no role in the case flow, such as a steering group or a police-district network that
takes no single cases), but it can also mean a rule names the wrong actor. National
actors are not reported.

Fix: route to the actor where the text gives it a role, or remove it, or leave it
(info).

Passing example::

    actors:
      infohus: {name: Infohus, kind: infohus, schedule: always, source: {section: "1"}}
    rules:
      - {id: intake, when: {step: intake}, next: [{actor: infohus, step: infohus_assessment}], ...}

Failing example (``mentor`` appears in no action)::

    actors:
      infohus: {name: Infohus, kind: infohus, schedule: always, source: {section: "1"}}
      mentor: {name: Mentorkorps, kind: mentor, schedule: always, source: {section: "4"}}
    rules:
      - {id: intake, when: {step: intake}, next: [{actor: infohus, step: infohus_assessment}], ...}
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..._problems import Draft
from ...spec.model import ActionSpec, CatchAll, Rule
from ..context import CheckContext

CODE = "BK304"


def _used(items: Iterable[Rule | CatchAll]) -> set[str]:
    out: set[str] = set()
    for item in items:
        actions: list[ActionSpec] = [*item.next, *item.notify]
        for act in actions:
            out.add(act.actor)
            out.update(e.actor for e in act.escalation)
    return out


def check(ctx: CheckContext) -> Iterator[Draft]:
    used = _used([*ctx.plan.rules, ctx.plan.catch_all])
    if ctx.plan.on_call is not None:
        used.add(ctx.plan.on_call.actor)  # the card and BK706 use it
    for aid, actor in ctx.plan.actors.items():
        if aid in used:
            continue
        yield Draft(
            ("actors", aid),
            ctx.translate("actor {actor} ({name}) is not used by any rule, the catch-all or an escalation").format(
                actor=repr(aid), name=actor.name
            ),
            ctx.translate("route to it where the plan text gives it a role, or remove it"),
            key=True,
        )
