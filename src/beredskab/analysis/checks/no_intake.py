"""BK303 no-intake: the plan has no ``intake`` step, so no concern has a place to start.

A concern that nobody has acted on yet (a new concern) names the completed step
``intake``; routing, the graph checks (BK301, BK302) and the expected path all start
there. Reported at the ``steps`` key.

Fix: call the step where a concern is first received ``intake``, and update the rules.

Passing example::

    steps:
      intake: {name: Modtagelse, source: {section: "2"}}
      closed: {name: Henlagt, terminal: closed, source: {section: "2"}}

Failing example (the first step is called ``reception``)::

    steps:
      reception: {name: Modtagelse, source: {section: "2"}}
      closed: {name: Henlagt, terminal: closed, source: {section: "2"}}
"""

from __future__ import annotations

from collections.abc import Iterator

from ..._problems import Draft
from ..context import CheckContext

CODE = "BK303"


def check(ctx: CheckContext) -> Iterator[Draft]:
    steps = ctx.plan.steps or {}
    if "intake" in steps:
        return
    yield Draft(
        ("steps",),
        ctx.translate("the plan has no 'intake' step: a new concern (nobody has acted yet) has no step to start from"),
        ctx.translate("name the step where a concern is first received 'intake' (and update the rules that use it)"),
        key=True,
    )
