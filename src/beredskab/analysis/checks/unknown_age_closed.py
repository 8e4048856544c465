"""BK402 unknown-age-closed: a concern of unknown age is closed at intake, before anyone has assessed it.

A worried person often does not know the age of the one they are worried about. A plan
that closes such a concern at ``intake`` (``alder ukendt -> Henlagt``) drops it before
anyone has looked at it; it may well be about a child. For every region of the decision
space at ``intake`` whose age band is the unknown-age band (or any band), the deciding
rule (or the catch-all) must not send the concern straight to a ``terminal: closed`` step.
Reported once per rule, at its action.

Fix: send unknown-age concerns to whoever assesses concerns (Infohus, the coordinator), as
the plan does for the others.

Passing example::

    rules:
      - id: unknown-age
        when: {step: intake, age_band: unknown}
        next: [{actor: infohus, step: infohus_assessment}]

Failing example::

    rules:
      - id: unknown-age
        when: {step: intake, age_band: unknown}
        next: [{actor: infohus, step: closed}]
"""

from __future__ import annotations

from collections.abc import Iterator

from ..._problems import Draft
from ...spec.model import CatchAll, Rule
from ..context import CheckContext

CODE = "BK402"


def check(ctx: CheckContext) -> Iterator[Draft]:
    plan = ctx.plan
    unknown = {bid for bid, band in plan.age_bands.items() if band.unknown}
    if "intake" not in plan.steps or not unknown:
        return
    _ = ctx.translate
    reported: set[int | None] = set()
    for region in ctx.regions:
        a = region.assign
        if a.get("step", "intake") != "intake" or ("band" in a and a["band"] not in unknown):
            continue
        if region.owner in reported:
            continue
        rule: Rule | CatchAll = plan.catch_all if region.owner is None else plan.rules[region.owner]
        for j, act in enumerate(rule.next):
            step = plan.steps.get(act.step)
            if step is None or step.terminal != "closed":
                continue
            reported.add(region.owner)
            label = _("the catch-all") if isinstance(rule, CatchAll) else _("rule {rule}").format(rule=repr(rule.id))
            path = (
                ("catch_all", "next", j, "step") if region.owner is None else ("rules", region.owner, "next", j, "step")
            )
            yield Draft(
                path,
                _("{label} closes a concern of unknown age at intake ({step}) before anyone has assessed it").format(
                    label=label, step=step.name
                ),
                _("send it to whoever assesses concerns, as the plan does for the other ages"),
            )
            break
