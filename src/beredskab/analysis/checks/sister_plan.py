"""BK708 sister-plan: the plan routes negative social control without pointing to the plan for it.

CDE recommends keeping the plan against extremism apart from the plan on negative social
control and honour-related conflicts, which Barnets Lov § 15, stk. 3 also asks for. A
plan whose rules take concerns with ``topic: negative_social_control`` points to that
plan under ``sister_plans`` (cited, or assumed with a note). Reported as info at the
first rule that takes such a concern.

Fix: add the sister plan (``sister_plans: {negative_social_control: {title: ...,
source: ...}}``), or leave that topic to it.

Passing example::

    sister_plans:
      negative_social_control: {title: "Handleplan mod negativ social kontrol", source: {section: "1"}}

Failing example (a rule for the topic, no sister plan)::

    rules:
      - id: social-control
        when: {step: intake, topic: negative_social_control}
        next: [{actor: children, step: visitation}]
"""

from __future__ import annotations

from collections.abc import Iterator

from ..._problems import Draft
from ...spec.vocabulary import Topic
from ..context import CheckContext

CODE = "BK708"


def check(ctx: CheckContext) -> Iterator[Draft]:
    plan = ctx.plan
    if Topic.NEGATIVE_SOCIAL_CONTROL in plan.sister_plans:
        return
    for i, rule in enumerate(plan.rules):
        if rule.when.topic and Topic.NEGATIVE_SOCIAL_CONTROL in rule.when.topic:
            _ = ctx.translate
            yield Draft(
                ("rules", i, "when", "topic"),
                _(
                    "rule {rule} takes concerns about negative social control, but the plan does not point to "
                    "the plan for that topic (sister_plans)"
                ).format(rule=repr(rule.id)),
                _("add sister_plans: {negative_social_control: {title: ..., source: ...}}"),
                key=True,
            )
            return
