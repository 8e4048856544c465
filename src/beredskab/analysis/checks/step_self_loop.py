"""BK305 step-self-loop: a rule that hands a concern back to the step it was just at.

A concern's ``step`` is the step just completed. A rule that names no ``step`` in its
condition holds at every step, so where it sends the concern to a step ``S``, a concern
that has just completed ``S`` is sent to ``S`` again: ``{acute: true}`` sends a concern the
police have just assessed back to 112 for the same assessment, without end. Reported once
per rule and step, at the action. A rule that names the step itself (``when: {step:
infohus_assessment, findings: {relevant: null}}`` with ``next`` at ``infohus_assessment``:
the assessment goes on until it is settled) says so on purpose and is not reported.

Fix: give the rule the steps it is for (``step: [intake, closed, follow_up]``), so that the
step it hands on to is not among them.

Passing example::

    rules:
      - id: acute
        when: {acute: true, step: [intake, closed, follow_up]}
        next: [{actor: alarm_112, step: police_assessment, via: [phone]}]

Failing example (a concern at ``police_assessment`` goes to the same assessment again)::

    rules:
      - id: acute
        when: {acute: true}
        next: [{actor: alarm_112, step: police_assessment, via: [phone]}]
"""

from __future__ import annotations

from collections.abc import Iterator

from ..._problems import Draft
from ...routing.conditions import admissible
from ...spec.model import Condition
from ..context import CheckContext

CODE = "BK305"


def _names_a_step(cond: Condition) -> bool:
    """Whether the condition itself, or a part of it, says which steps it is for."""
    if cond.step is not None:
        return True
    parts = [*(cond.all or []), *(cond.any or [])]
    return any(_names_a_step(p) for p in parts)


def check(ctx: CheckContext) -> Iterator[Draft]:
    plan = ctx.plan
    _ = ctx.translate
    for i, rule in enumerate(plan.rules):
        if _names_a_step(rule.when):
            continue
        holds_at = admissible(rule.when, "step", plan.steps)  # a ``not: {step: ...}`` narrows it
        for j, act in enumerate(rule.next):
            step = plan.steps.get(act.step)
            if step is None or step.terminal is not None or act.step not in holds_at:
                continue  # a closed case that gets new information starts again: no loop
            yield Draft(
                ("rules", i, "next", j, "step"),
                _(
                    "rule {rule} names no step, so it also holds for a concern that has just completed {step}, "
                    "and hands it back to {step}"
                ).format(rule=repr(rule.id), step=repr(act.step)),
                _("give the rule the steps it is for, e.g. step: [intake, closed, follow_up]"),
            )
