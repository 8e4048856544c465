"""BK301 unreachable-step: a step that no chain of hand-overs from ``intake`` ever reaches.

The routing graph has an edge S -> T when a rule that can match at completed step S
sends a ``next`` action performing T (a rule without a ``step`` condition can match at
every step). A step outside every chain from ``intake`` is described in the plan but no
concern can get there: a rule is missing or names the wrong step. Reported at the step's
key. Not reported when there is no ``intake`` step (BK303).

Fix: add the rule that hands concerns to the step, or remove the step.

Passing example::

    steps:
      intake: {name: Modtagelse, source: {section: "2"}}
      closed: {name: Henlagt, terminal: closed, source: {section: "2"}}
    rules:
      - id: close
        when: {step: intake}
        next: [{actor: infohus, step: closed}]
        ...

Failing example (no rule sends a concern to ``visitation``)::

    steps:
      intake: {name: Modtagelse, source: {section: "2"}}
      visitation: {name: Visitation, source: {section: "2"}}  # <- reported here
      closed: {name: Henlagt, terminal: closed, source: {section: "2"}}
    rules:
      - id: close
        when: {step: intake}
        next: [{actor: infohus, step: closed}]
        ...
"""

from __future__ import annotations

from collections.abc import Iterator

from ..._problems import Draft
from ..context import CheckContext

CODE = "BK301"


def check(ctx: CheckContext) -> Iterator[Draft]:
    steps = ctx.plan.steps
    # without an intake step every step would be "unreachable"; BK303 reports the cause once
    if "intake" not in steps:
        return
    for sid in ctx.compiled.graph.unreachable_from("intake"):
        step = steps.get(sid)
        name = f" ({step.name})" if step is not None else ""
        yield Draft(
            ("steps", sid),
            ctx.translate(
                "step {step}{name} cannot be reached from 'intake': no chain of rules hands a concern over to it"
            ).format(step=repr(sid), name=name),
            ctx.translate("add a rule whose 'next' performs this step, or remove the step"),
            key=True,
        )
