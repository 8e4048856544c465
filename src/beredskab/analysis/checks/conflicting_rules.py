"""BK502 conflicting-rules: two rules with the same conditions give different answers.

Precedence is ordered first match, so two rules never decide at the same precedence
except when their conditions are identical: then the plan says two different things for
the same case and only the file order picks one. Reported at the later rule's ``when``,
naming the earlier one, with a concern both match (the later rule is not also reported
as BK501). Rules whose conditions merely overlap are the normal specific-before-general
pattern (BK501 reports a rule that never fires).

Passing example::

    rules:
      - {id: a, when: {step: visitation, age_band: under_18}, next: [{actor: children, step: measures}], ...}
      - {id: b, when: {step: visitation}, next: [{actor: adults, step: measures}], ...}

Failing example (same conditions, different receivers)::

    rules:
      - {id: a, when: {step: visitation}, next: [{actor: children, step: measures}], ...}
      - {id: b, when: {step: visitation}, next: [{actor: adults, step: measures}], ...}
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..._problems import Draft
from ...spec.model import PlanSpec
from ..context import CheckContext
from ..space import satisfying

CODE = "BK502"


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _canonical(v)) for k, v in value.items() if v is not None))
    if isinstance(value, list):
        return tuple(sorted((_canonical(v) for v in value), key=repr))
    return value


_ANSWER = ("next", "notify", "legal_basis")


def _answer(rule: dict[str, Any]) -> Any:
    return _canonical({key: rule[key] for key in _ANSWER})


def conflicting_pairs(plan: PlanSpec) -> list[tuple[int, int]]:
    """(earlier, later) rule indexes with identical conditions and different answers."""
    # the rules as JSON in one call of the plan's own serializer (each condition dumped by
    # itself would build the Condition model's serializer first, and cost a call each)
    rules = plan.model_dump(mode="json", by_alias=True, include={"rules": {"__all__": {"when", *_ANSWER}}})["rules"]
    seen: dict[Any, int] = {}
    out: list[tuple[int, int]] = []
    for i, rule in enumerate(rules):
        key = _canonical(rule["when"])
        if key in seen and _answer(rules[seen[key]]) != _answer(rule):
            out.append((seen[key], i))
        seen.setdefault(key, i)
    return out


def check(ctx: CheckContext) -> Iterator[Draft]:
    _ = ctx.translate
    rules = ctx.plan.rules
    for earlier, later in conflicting_pairs(ctx.plan):
        found = satisfying(ctx.space, rules[later].when, {})
        example = json.dumps(ctx.space.witness(found), ensure_ascii=False) if found is not None else _("none")
        yield Draft(
            ("rules", later, "when"),
            _(
                "rule {rule} has the same conditions as rule {earlier} but a different answer; "
                "only {earlier} is ever given"
            ).format(rule=repr(rules[later].id), earlier=repr(rules[earlier].id)),
            _("make the conditions differ or merge the rules; a concern both match: {example}").format(example=example),
            key=True,
        )
