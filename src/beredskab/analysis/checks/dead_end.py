"""BK302 dead-end: a non-terminal step from which no terminal step can be reached.

A terminal step is one with ``terminal: closed`` or ``handover``. A concern at a step
from which none can be reached is handed round forever (or to steps that never end): the
plan never closes it nor hands it to another authority. When the step lies on a cycle
(or hands the concern back to itself), the cycle's steps are named ("cycle without
exit"); otherwise the message names the steps it leads to.

Fix: add a rule that hands the concern on from one of the named steps to a terminal
step.

Passing example::

    rules:
      - {id: assess, when: {step: intake}, next: [{actor: infohus, step: infohus_assessment}], ...}
      - {id: close, when: {step: infohus_assessment}, next: [{actor: infohus, step: closed}], ...}

Failing example (``infohus_assessment`` and ``visitation`` hand the concern to each other only)::

    rules:
      - {id: assess, when: {step: intake}, next: [{actor: infohus, step: infohus_assessment}], ...}
      - {id: refer, when: {step: infohus_assessment}, next: [{actor: children, step: visitation}], ...}
      - {id: back, when: {step: visitation}, next: [{actor: infohus, step: infohus_assessment}], ...}
"""

from __future__ import annotations

from collections.abc import Iterator

from ..._problems import Draft
from ..context import CheckContext

CODE = "BK302"


def check(ctx: CheckContext) -> Iterator[Draft]:
    _ = ctx.translate
    routing = ctx.compiled.graph
    dead = routing.dead_ends()
    if not dead:
        return
    import networkx as nx  # only to explain a dead end: a plan without one never imports it

    g = routing.graph
    component: dict[str, frozenset[str]] = {}
    for scc in nx.strongly_connected_components(g):
        members = frozenset(scc)
        for node in members:
            component[node] = members
    for sid in dead:
        members = component.get(sid, frozenset({sid}))
        if len(members) > 1 or g.has_edge(sid, sid):
            cycle = ", ".join(sorted(members))
            message = _(
                "step {step} is on a cycle without exit ({cycle}): no terminal step can be reached from it"
            ).format(step=repr(sid), cycle=cycle)
        else:
            # name where the concern goes instead, so the author sees which cycle traps it
            onward = sorted(set(g.successors(sid)))
            if onward:
                message = _("no terminal step can be reached from step {step}; it only leads to {steps}").format(
                    step=repr(sid), steps=", ".join(onward)
                )
            else:
                message = _("no terminal step can be reached from step {step}").format(step=repr(sid))
        yield Draft(
            ("steps", sid),
            message,
            _("add a rule that hands the concern on from one of these steps to a terminal step (closed or handover)"),
            key=True,
        )
