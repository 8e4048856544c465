"""BK603 no-way-in: at some moment a concern has nobody in ``next`` with a contact usable then.

A worried teacher, citizen or relative at intake must be able to reach someone: some
action in ``next`` (or its ``on: closed`` escalation, when its actor is closed) needs a
contact usable at that moment. E-mail, web forms and post are usable at any time (read
when the actor opens); a phone or a meeting only while its schedule (the contact's own,
else the actor's) is open. Checked for every region of the decision space at ``intake``
whose reporter is a person (``professional``, ``citizen``, ``relative``), at every opening
and closing of a year's ordinary weeks and holidays. A hand-over between authorities (the
police handing a case to Infohus on a Sunday night, a concern the police or the hotline
bring in) is no person at a door: the authorities reach each other by their own channels,
and a hand-over is judged by its own rule, where it waits past a deadline (BK605) or the
plan's promise (BK602). Each deciding rule is reported once, with a witness concern (the
most ordinary one: not acute where possible) that ``beredskab route`` answers; a warning,
because the text may give no contact (``route`` then offers the national ways in, marked
as an assumption).

Fix: add the contact the text gives, or an escalation ``on: closed`` to someone
reachable then (the national hotline, the police), or let the rule's ``via`` include a
written channel.

Passing example (an e-mail can be written at any hour)::

    actors:
      infohus:
        contacts: [{channel: email, value: infohus@testby.dk, source: {section: "3.2"}}]
        ...
    rules:
      - {id: intake, when: {step: intake}, next: [{actor: infohus, step: infohus_assessment}], ...}

Failing example (a phone answered in office hours only, and nothing else)::

    actors:
      infohus:
        schedule: office_hours
        contacts: [{channel: phone, value: "12345678", source: {section: "3.2"}}]
        ...
    rules:
      - {id: intake, when: {step: intake}, next: [{actor: infohus, step: infohus_assessment}], ...}
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..._problems import Draft
from ...routing.calendar import ZONE
from ...spec.model import CatchAll, Rule
from ...spec.vocabulary import Reporter
from ..context import CheckContext
from ..moments import moments_in_class
from ..reach import Reach
from ..space import TIME

CODE = "BK603"
# who raises a concern as a person, at a door; the police and the hotline are authorities
PEOPLE = frozenset({Reporter.PROFESSIONAL.value, Reporter.CITIZEN.value, Reporter.RELATIVE.value})
MAX_REPORTED = 12


def check(ctx: CheckContext) -> Iterator[Draft]:
    plan = ctx.plan
    if "intake" not in plan.steps:
        return
    # whether anyone is reachable depends only on who is open: one answer per rule and state
    cache: dict[tuple[int | None, tuple[bool, ...]], Reach] = {}
    reported: set[int | None] = set()  # one report per deciding rule: its fault, not each step's
    found: list[Draft] = []
    # the most ordinary concerns first, so the witness is the one a worried person raises
    # a rule's reachability depends on the time class only: regions differing in other facts agree
    reachable: set[tuple[int | None, int | None]] = set()
    for region in sorted(ctx.regions, key=lambda r: (r.assign.get("acute") == "yes", len(r.assign))):
        tc = region.assign.get(TIME)
        if region.owner in reported or (region.owner, tc) in reachable:
            continue
        if region.assign.get("step", "intake") != "intake":
            continue  # a hand-over between authorities: judged by BK605 and BK602
        if region.assign.get("reporter", Reporter.CITIZEN.value) not in PEOPLE:
            continue  # the police or the hotline bring a concern in: no person at a door
        rule: Rule | CatchAll = plan.catch_all if region.owner is None else plan.rules[region.owner]
        for step in ["intake"]:
            if region.owner in reported:
                break
            # who is open is all that matters here: one moment per open/closed state
            for moment in moments_in_class(ctx, tc, distinct_states=True):
                key = (region.owner, moment.state)
                if key not in cache:
                    cache[key] = ctx.reacher.reach(rule.next, moment.at, ctx.translate)
                if cache[key].way_in:
                    continue
                reported.add(region.owner)
                found.append(_draft(ctx, region.assign, region.owner, step, moment.at, cache[key]))
                break
            else:
                # reachable in every state of this class: the other steps would answer the same
                reachable.add((region.owner, tc))
                break
    found.sort(key=lambda d: d.path)
    yield from found[:MAX_REPORTED]
    if len(found) > MAX_REPORTED:
        more = ctx.translate("... and {count} more concerns without a way in").format(count=len(found) - MAX_REPORTED)
        yield Draft(("catch_all",), more, key=True)


def _draft(ctx: CheckContext, assign: dict[str, Any], owner: int | None, step: str, at: Any, why: Reach) -> Draft:
    witness = ctx.space.witness({**assign, "step": step})
    witness["received_at"] = at.isoformat()
    where = ("catch_all", "next", 0, "actor") if owner is None else ("rules", owner, "next", 0, "actor")
    _ = ctx.translate
    label = _("the catch-all") if owner is None else _("rule {rule}").format(rule=repr(ctx.plan.rules[owner].id))
    local = at.astimezone(ZONE)
    moment = f"{ctx.weekday(local)} {local:%H:%M} ({local:%Y-%m-%d})"
    what = ctx.space.describe({**assign, "step": step}, _)
    command = f"beredskab route {ctx.file} --event - <<< '{json.dumps(witness, ensure_ascii=False)}'"
    return Draft(
        where,
        _("no way in: {label} answers {concern} received {moment} with nobody reachable then ({why})").format(
            label=label, concern=what, moment=moment, why="; ".join(why.why_not) or _("no action")
        ),
        _("add the contact the text gives, or an escalation on: closed; e.g. {command}").format(command=command),
    )
