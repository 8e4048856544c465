"""BK501 shadowed-rule: a rule that can never decide, because earlier rules take all its concerns.

Rules are ordered first match, so a rule placed after a more general one never fires:
earlier rules take every concern it matches. Reported at the rule's ``id``; the message
names the nearest earlier rule that takes its concerns, and the hint gives the witness,
a concern the rule matches but an earlier rule decides. A rule whose conditions
contradict each other is reported as never matching.

Passing example (specific before general)::

    rules:
      - {id: child, when: {step: visitation, age_band: under_18}, ...}
      - {id: anyone, when: {step: visitation}, ...}

Failing example (``child`` comes after ``anyone`` and never fires)::

    rules:
      - {id: anyone, when: {step: visitation}, ...}
      - {id: child, when: {step: visitation, age_band: under_18}, ...}
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from ..._problems import Draft
from ..context import CheckContext
from ..space import satisfying
from .conflicting_rules import conflicting_pairs

CODE = "BK501"


def check(ctx: CheckContext) -> Iterator[Draft]:
    _ = ctx.translate
    rules = ctx.plan.rules
    deciding = {r.owner for r in ctx.regions}
    explained = {later for _, later in conflicting_pairs(ctx.plan)}  # BK502 reports those
    for i, rule in enumerate(rules):
        if i in deciding or i in explained:
            continue
        witness = None
        # the nearest earlier rule that takes its concerns is the one to name
        for region in sorted(ctx.regions, key=lambda r: -1 if r.owner is None else -r.owner):
            if region.owner is None or region.owner >= i:
                continue
            found = satisfying(ctx.space, rule.when, region.assign)
            if found is not None:
                witness = (region.owner, found)
                break
        if witness is None:
            message = _("rule {rule} can never match: its conditions contradict each other").format(rule=repr(rule.id))
            yield Draft(("rules", i, "id"), message)
            continue
        earlier, assign = witness
        example = json.dumps(ctx.space.witness(assign), ensure_ascii=False)
        yield Draft(
            ("rules", i, "id"),
            _(
                "rule {rule} never decides: earlier rules take every concern it matches, "
                "e.g. rule {earlier} takes {concern}"
            ).format(rule=repr(rule.id), earlier=repr(rules[earlier].id), concern=ctx.space.describe(assign, _)),
            _("move it before {earlier} or narrow that rule; witness: {example}").format(
                earlier=repr(rules[earlier].id), example=example
            ),
        )
