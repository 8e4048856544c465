"""The one facts table: each condition leaf, the fact keys and values it reads, and the walker.

A concern becomes a flat dict of string facts before any rule sees it: ``acute``
(``yes``/``no``), ``band`` (the age band id), ``reporter``, ``step``, ``topic``,
``severity`` (``none`` when not graded), ``f_<finding>`` (``true``/``false``/``unknown``),
``o_<schedule>`` (``yes``/``no``: open at ``received_at``) and ``holiday``. Every fact is
always present in an event, so equality and its complement are exact.

:data:`LEAVES` names, for each key of :class:`~beredskab.spec.model.Condition`, the fact
keys it reads and the values it accepts; durable-rules expressions, two- and
three-valued evaluation, the analyses' dimensions and the reference checks all read
conditions through it and through :func:`iter_conditions`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..spec.model import Condition, PlanSpec, iter_conditions
from ..spec.model import condition_children as children

__all__ = [
    "CONSENT",
    "HOLIDAY",
    "LEAVES",
    "TIME",
    "Leaf",
    "children",
    "dimension_of",
    "finding_key",
    "finding_of",
    "iter_conditions",
    "iter_rule_conditions",
    "leaf_facts",
    "open_key",
    "read_keys",
    "schedule_of",
    "tri",
    "yes_no",
]

TIME = "time"
"""The analyses' one dimension for all time facts (``o_*``, ``holiday``): they are not independent."""

HOLIDAY = "holiday"
_FINDING = "f_"
_OPEN = "o_"

Allowed = tuple[str, ...]
FactTest = tuple[str, Allowed]  # (fact key, the values at which the leaf holds)


def tri(value: bool | None) -> str:
    """A finding as a fact: ``true``, ``false`` or ``unknown`` (always present in an event)."""
    return "unknown" if value is None else ("true" if value else "false")


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def finding_key(name: str) -> str:
    """``consent`` -> ``f_consent``."""
    return _FINDING + name


def open_key(schedule: str) -> str:
    """``municipal_hours`` -> ``o_municipal_hours``."""
    return _OPEN + schedule


def finding_of(key: str) -> str | None:
    """The finding a fact key is about (``f_consent`` -> ``consent``), or None."""
    return key[len(_FINDING) :] if key.startswith(_FINDING) else None


def schedule_of(key: str) -> str | None:
    """The schedule a fact key is about (``o_municipal_hours`` -> ``municipal_hours``), or None."""
    return key[len(_OPEN) :] if key.startswith(_OPEN) else None


CONSENT = finding_key("consent")


def dimension_of(key: str) -> str:
    """The analyses' dimension of a fact key: time facts share :data:`TIME`; others are their own."""
    return TIME if key == HOLIDAY or key.startswith(_OPEN) else key


@dataclass(frozen=True)
class Leaf:
    """One key of a Condition: what it reads and accepts.

    ``rank`` orders the dimensions analyses split on (the first unfixed one a rule reads),
    so that regions read acute, step, age band... before time.
    """

    field: str
    rank: int
    tests: Callable[[Any], tuple[FactTest, ...]]


def _flag(key: str) -> Callable[[Any], tuple[FactTest, ...]]:
    return lambda value: ((key, (yes_no(value),)),)


def _members(key: str) -> Callable[[Any], tuple[FactTest, ...]]:
    # StrEnum members are their values as str
    return lambda values: ((key, tuple(str(v) for v in values)),)


def _findings(values: dict[str, bool | None]) -> tuple[FactTest, ...]:
    return tuple((finding_key(name), (tri(v),)) for name, v in values.items())


def _open(values: dict[str, bool]) -> tuple[FactTest, ...]:
    return tuple((open_key(sched), (yes_no(v),)) for sched, v in values.items())


LEAVES: tuple[Leaf, ...] = (
    Leaf("acute", 0, _flag("acute")),
    Leaf("age_band", 2, _members("band")),
    Leaf("reporter", 3, _members("reporter")),
    Leaf("step", 1, _members("step")),
    Leaf("topic", 4, _members("topic")),
    Leaf("severity", 5, _members("severity")),
    Leaf("findings", 6, _findings),
    Leaf("open", 7, _open),
    Leaf("holiday", 7, _flag(HOLIDAY)),
)
"""Every leaf key of a Condition, in evaluation order; ``all``/``any``/``not`` combine them."""

_BY_RANK = tuple(sorted(LEAVES, key=lambda leaf: leaf.rank))


def leaf_facts(cond: Condition, *, by_rank: bool = False) -> Iterator[FactTest]:
    """The fact tests of ``cond``'s own leaves (not of its sub-conditions)."""
    for leaf in _BY_RANK if by_rank else LEAVES:
        value = getattr(cond, leaf.field)
        if value is not None:
            yield from leaf.tests(value)


def iter_rule_conditions(plan: PlanSpec) -> Iterator[tuple[int, Condition, tuple[Any, ...]]]:
    """Every condition of every rule: (rule index, condition, path such as ``rules.3.when.all.0``)."""
    for i, rule in enumerate(plan.rules):
        for cond, path in iter_conditions(rule.when, ("rules", i, "when")):
            yield i, cond, path


def read_keys(conditions: Iterable[Condition]) -> set[str]:
    """The fact keys any of ``conditions`` reads, sub-conditions included."""
    keys: set[str] = set()
    for root in conditions:
        for cond, _ in iter_conditions(root):
            keys.update(key for key, _ in leaf_facts(cond))
    return keys
