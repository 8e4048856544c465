"""What a plan can hold: bounds checked before anything is compiled, each a positioned BK104 problem.

The bounds sit far above the shipped plans (at most 16 steps, 40 rules, condition depth 2,
11 fact keys) and far below what durable-rules can compile or ``datetime`` can count: its
compiler rejects conditions nested 16 deep, 257 rules with one condition, and events of
about 260 facts, and never returns on 512 rules or an alternative of 600 values. A plan
that loads routes every valid concern. ``docs/plan-format.md`` ("Limits") lists them.
"""

from __future__ import annotations

from typing import Any

from .._problems import Draft
from .._problems import problem_text as _
from .model import Condition, PlanSpec, condition_children, iter_conditions

__all__ = ["LIMITS", "check_limits"]

LIMITS: dict[str, int] = {
    "steps": 100,
    "rules": 250,
    "schedules": 50,
    "actors": 200,
    "age_bands": 50,
    "contacts": 20,  # per actor
    "condition_depth": 6,  # levels of all/any/not
    "condition_width": 50,  # values in one list, entries in one map, conditions in one all/any
    "schedules_read": 32,  # distinct schedules the rules' `open:` conditions read
}


# message ids of "<n> steps" etc., one per counted list
_COUNTED = {
    "steps": "{count} steps",
    "rules": "{count} rules",
    "schedules": "{count} schedules",
    "actors": "{count} actors",
    "age_bands": "{count} age bands",
}


def _depth(cond: Condition) -> int:
    return 1 + max((_depth(sub) for _, _, sub in condition_children(cond)), default=0)


def check_limits(spec: PlanSpec) -> list[Draft]:
    """Every bound ``spec`` exceeds, positioned at the entry or key that exceeds it."""
    out: list[Draft] = []

    def over(path: tuple[Any, ...], text: str, limit: str) -> None:
        message = _("{what}, more than a plan can hold ({limit})").format(what=text, limit=LIMITS[limit])
        out.append(Draft(path, message, _("split or simplify it"), key=True, code="BK104"))

    for name in ("steps", "rules", "schedules", "actors", "age_bands"):
        n = len(getattr(spec, name))
        if n > LIMITS[name]:
            over((name,), _(_COUNTED[name]).format(count=n), name)
    for aid, actor in spec.actors.items():
        if len(actor.contacts) > LIMITS["contacts"]:
            what = _("{count} contacts of actor {actor}").format(count=len(actor.contacts), actor=repr(aid))
            over(("actors", aid, "contacts"), what, "contacts")
    read: set[str] = set()
    for i, rule in enumerate(spec.rules):
        when = ("rules", i, "when")
        depth = _depth(rule.when)
        if depth > LIMITS["condition_depth"]:
            what = _("rule {rule}: conditions nested {depth} levels deep").format(rule=repr(rule.id), depth=depth)
            over(when, what, "condition_depth")
            continue  # its width is moot, and walking it further gains nothing
        for cond, path in iter_conditions(rule.when, when):
            read.update(cond.open or {})
            for key in ("age_band", "reporter", "step", "topic", "severity", "findings", "open", "all", "any"):
                value = getattr(cond, key)
                if value is not None and len(value) > LIMITS["condition_width"]:
                    what = _("rule {rule}: {count} entries in {key}").format(
                        rule=repr(rule.id), count=len(value), key=repr(key)
                    )
                    over((*path, key), what, "condition_width")
    if len(read) > LIMITS["schedules_read"]:
        over(
            ("rules",),
            _("the rules' open: conditions read {count} schedules").format(count=len(read)),
            "schedules_read",
        )
    return out
