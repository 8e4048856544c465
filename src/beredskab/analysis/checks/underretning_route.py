"""BK709 underretning-route: a route for an underretning that can end without children's services.

An underretning about a child goes to the municipality's children's services (Barnets
Lov §§ 133-135): whoever receives it first, the case must pass through an actor of kind
``children_services`` before it is closed (a ``terminal: closed`` step; a hand-over to
another authority, PET or the police, passes the case on and is not judged here). For every rule that cites ``BL-underretning``, the
hand-overs of the routing graph are followed from its ``next`` steps, taking only rules
that can hold for a child (an age band under 18); where a terminal step can be reached
without any hand-over to children's services, the rule is reported with that way to the
end.

Fix: hand the concern to children's services on the way (a rule at the step where it
ends), or cite the basis the route really rests on.

Passing example::

    rules:
      - id: child
        when: {step: intake, age_band: child}
        next: [{actor: children, step: visitation}]
        legal_basis: [BL-underretning]

Failing example (the underretning ends at Infohus, which closes it)::

    rules:
      - id: child
        when: {step: intake, age_band: child}
        next: [{actor: infohus, step: closed}]
        legal_basis: [BL-underretning]
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from ..._problems import Draft
from ...routing.conditions import admissible
from ...spec.vocabulary import ActorKind, LegalBasis
from ..context import CheckContext

CODE = "BK709"


def check(ctx: CheckContext) -> Iterator[Draft]:
    plan, compiled = ctx.plan, ctx.compiled
    children = [bid for bid, b in plan.age_bands.items() if not b.unknown and b.min is not None and b.min < 18]
    if not children:
        return
    for_child = {r.id for r in plan.rules if admissible(r.when, "age_band", children)}
    for_child.add("catch-all")
    # hand-overs a child's case can take, and whether each is to children's services
    edges: dict[str, list[tuple[str, bool]]] = {}
    for src, dst, attrs in compiled.graph.edges():
        if attrs["rule"] in for_child:
            kind = compiled.actors[str(attrs["actor"])].kind
            edges.setdefault(src, []).append((dst, kind is ActorKind.CHILDREN_SERVICES))
    # a hand-over to another authority (PET, the police) passes the case on; closing it ends it
    terminals = frozenset(sid for sid, st in plan.steps.items() if st.terminal == "closed")
    _ = ctx.translate
    for i, rule in enumerate(plan.rules):
        if LegalBasis.BL_UNDERRETNING not in rule.legal_basis or rule.id not in for_child:
            continue
        if any(compiled.actors[a.actor].kind is ActorKind.CHILDREN_SERVICES for a in rule.next):
            continue
        ending = _way_to_an_end(edges, terminals, [a.step for a in rule.next])
        if ending is None:
            continue
        yield Draft(
            ("rules", i, "legal_basis"),
            _("rule {rule} cites BL-underretning, but the case can end without children's services: {path}").format(
                rule=repr(rule.id), path=" -> ".join(plan.steps[s].name for s in ending)
            ),
            _("hand the concern to children's services on the way, or cite the basis the route rests on"),
            key=True,
        )


def _way_to_an_end(
    edges: dict[str, list[tuple[str, bool]]], terminals: frozenset[str], starts: list[str]
) -> list[str] | None:
    """The shortest way from ``starts`` to a terminal step with no hand-over to children's services."""
    before: dict[str, str | None] = {s: None for s in starts}
    queue = deque(starts)
    while queue:
        step = queue.popleft()
        if step in terminals:
            way = [step]
            while (prev := before[way[-1]]) is not None:
                way.append(prev)
            return way[::-1]
        for dst, to_children in edges.get(step, []):
            if not to_children and dst not in before:
                before[dst] = step
                queue.append(dst)
    return None
