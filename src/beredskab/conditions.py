"""The closed condition language: facts encoding, durable-rules expressions, evaluation.

One place for what a condition means, used by routing (durable-rules fires the
expressions; ``holds`` cross-checks and follows the expected path) and by the validator's
analyses (``eval3`` on partial facts).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .model import Condition

__all__ = ["TIME", "admissible", "eval3", "holds", "read_keys", "reads", "to_durable", "tri", "yes_no"]

TIME = "time"


def tri(value: bool | None) -> str:
    """A finding as a fact: ``true``, ``false`` or ``unknown`` (always present in an event)."""
    return "unknown" if value is None else ("true" if value else "false")


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


# --- conditions -> durable-rules expressions ------------------------------------------


def _member(key: str, values: list[str]) -> dict[str, Any]:
    if len(values) == 1:
        return {key: values[0]}
    return {"$or": [{key: v} for v in values]}


def _leaves(cond: Condition) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if cond.acute is not None:
        out.append({"acute": yes_no(cond.acute)})
    if cond.age_band is not None:
        out.append(_member("band", list(cond.age_band)))
    if cond.reporter is not None:
        out.append(_member("reporter", [r.value for r in cond.reporter]))
    if cond.step is not None:
        out.append(_member("step", list(cond.step)))
    if cond.topic is not None:
        out.append(_member("topic", [t.value for t in cond.topic]))
    if cond.severity is not None:
        out.append(_member("severity", list(cond.severity)))
    for name, value in (cond.findings or {}).items():
        out.append({f"f_{name}": tri(value)})
    for sched, value in (cond.open or {}).items():
        out.append({f"o_{sched}": yes_no(value)})
    if cond.holiday is not None:
        out.append({"holiday": yes_no(cond.holiday)})
    for sub in cond.all or []:
        out.append(to_durable(sub))
    if cond.any:
        out.append({"$or": [to_durable(sub) for sub in cond.any]})
    if cond.not_ is not None:
        out.append(_negate(to_durable(cond.not_)))
    return out


def to_durable(cond: Condition) -> dict[str, Any]:
    """A durable-rules ``m`` expression equivalent to ``cond`` over the flat facts."""
    leaves = _leaves(cond)
    return leaves[0] if len(leaves) == 1 else {"$and": leaves}


def _negate(expr: dict[str, Any]) -> dict[str, Any]:
    """De Morgan down to the leaves: durable-rules has ``$neq`` but no general ``not``.

    Every fact is always present in the event (unknowns are the string ``unknown``), so
    ``$neq`` is an exact complement of equality.
    """
    ((op, arg),) = expr.items()
    if op == "$and":
        return {"$or": [_negate(e) for e in arg]}
    if op == "$or":
        return {"$and": [_negate(e) for e in arg]}
    if op == "$neq":
        return dict(arg)
    return {"$neq": {op: arg}}


def read_keys(conditions: Iterable[Condition]) -> set[str]:
    """Fact keys any rule condition reads (``f_consent``, ``o_municipal_hours``, ``holiday``...)."""
    keys: set[str] = set()

    def walk(cond: Condition) -> None:
        keys.update(f"f_{n}" for n in cond.findings or {})
        keys.update(f"o_{s}" for s in cond.open or {})
        if cond.holiday is not None:
            keys.add("holiday")
        for sub in (cond.all or []) + (cond.any or []) + ([cond.not_] if cond.not_ is not None else []):
            walk(sub)

    for cond in conditions:
        walk(cond)
    return keys


# --- evaluation ---------------------------------------------------------------------------


def _leaf(facts: Mapping[str, str], key: str, allowed: set[str] | frozenset[str]) -> bool | None:
    value = facts.get(key)
    if value is None:
        return None
    return value in allowed


def _combine_all(values: list[bool | None]) -> bool | None:
    if any(v is False for v in values):
        return False
    return True if all(v is True for v in values) else None


def eval3(cond: Condition, facts: Mapping[str, str]) -> bool | None:
    """``cond`` on partial facts: True, False, or None when facts it reads are not fixed."""
    parts: list[bool | None] = []
    if cond.acute is not None:
        parts.append(_leaf(facts, "acute", {"yes" if cond.acute else "no"}))
    if cond.age_band is not None:
        parts.append(_leaf(facts, "band", set(cond.age_band)))
    if cond.reporter is not None:
        parts.append(_leaf(facts, "reporter", {r.value for r in cond.reporter}))
    if cond.step is not None:
        parts.append(_leaf(facts, "step", set(cond.step)))
    if cond.topic is not None:
        parts.append(_leaf(facts, "topic", {t.value for t in cond.topic}))
    if cond.severity is not None:
        parts.append(_leaf(facts, "severity", set(cond.severity)))
    for name, value in (cond.findings or {}).items():
        parts.append(_leaf(facts, f"f_{name}", {"unknown" if value is None else ("true" if value else "false")}))
    for sched, value in (cond.open or {}).items():
        parts.append(_leaf(facts, f"o_{sched}", {"yes" if value else "no"}))
    if cond.holiday is not None:
        parts.append(_leaf(facts, "holiday", {"yes" if cond.holiday else "no"}))
    if parts and parts[0] is False:
        return False
    for sub in cond.all or []:
        parts.append(eval3(sub, facts))
    if cond.any:
        subs = [eval3(sub, facts) for sub in cond.any]
        parts.append(True if any(v is True for v in subs) else (False if all(v is False for v in subs) else None))
    if cond.not_ is not None:
        inner = eval3(cond.not_, facts)
        parts.append(None if inner is None else not inner)
    return _combine_all(parts)


def reads(cond: Condition) -> list[str]:
    """Dimensions ``cond`` reads, in a fixed order (time facts map to the time dimension)."""
    out: list[str] = []

    def add(dim: str) -> None:
        if dim not in out:
            out.append(dim)

    def walk(c: Condition) -> None:
        for key, dim in (
            ("acute", "acute"),
            ("step", "step"),
            ("age_band", "band"),
            ("reporter", "reporter"),
            ("topic", "topic"),
            ("severity", "severity"),
        ):
            if getattr(c, key) is not None:
                add(dim)
        for name in c.findings or {}:
            add(f"f_{name}")
        if c.open or c.holiday is not None:
            add(TIME)
        for sub in (c.all or []) + (c.any or []):
            walk(sub)
        if c.not_ is not None:
            walk(c.not_)

    walk(cond)
    return out


def admissible(cond: Condition, key: str, universe: Iterable[str]) -> frozenset[str]:
    """Values of ``key`` (``step``, ``age_band``) at which ``cond`` can hold, judging only that key.

    A sound over-approximation: ``all`` intersects, ``any`` unites, and a ``not`` narrows
    only when it constrains nothing but ``key``.
    """
    result = frozenset(universe)
    value = getattr(cond, key)
    if value is not None:
        result &= frozenset(value)
    for sub in cond.all or []:
        result &= admissible(sub, key, result)
    if cond.any:
        result &= frozenset().union(*(admissible(sub, key, result) for sub in cond.any))
    inner = cond.not_
    if inner is not None and inner.model_fields_set == {key}:
        result -= frozenset(getattr(inner, key) or [])
    return result


def holds(cond: Condition, facts: Mapping[str, Any]) -> bool:
    """``cond`` on complete facts (every key it reads present)."""
    return eval3(cond, facts) is True
