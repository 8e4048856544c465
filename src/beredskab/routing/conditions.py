"""What a condition means: durable-rules expressions, and two- and three-valued evaluation.

All of it reads conditions through the facts table (:mod:`.facts`). Routing fires the
durable-rules expressions and evaluates two-valued to follow the expected path; the
validator's analyses evaluate three-valued on partial facts. Hot loops compile a
condition once (:func:`compile_condition`) and evaluate the compiled form.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..spec.model import Condition
from .facts import LEAVES, TIME, children, dimension_of, iter_conditions, leaf_facts, read_keys

__all__ = [
    "MAX_EXPRESSION_DEPTH",
    "MAX_EXPRESSION_LEAVES",
    "TIME",
    "CompiledCondition",
    "admissible",
    "compile_condition",
    "eval3",
    "expression_size",
    "first_failure",
    "holds",
    "read_keys",
    "reads",
    "to_durable",
]


# --- conditions -> durable-rules expressions ------------------------------------------


def _member(key: str, values: tuple[str, ...]) -> dict[str, Any]:
    if len(values) == 1:
        return {key: values[0]}
    return {"$or": [{key: v} for v in values]}


def to_durable(cond: Condition) -> dict[str, Any]:
    """A durable-rules ``m`` expression equivalent to ``cond`` over the flat facts."""
    parts: list[dict[str, Any]] = [_member(key, allowed) for key, allowed in leaf_facts(cond)]
    for key, _, sub in children(cond):
        if key == "all":
            parts.append(to_durable(sub))
    if cond.any:
        parts.append({"$or": [to_durable(sub) for sub in cond.any]})
    if cond.not_ is not None:
        parts.append(_negate(to_durable(cond.not_)))
    return parts[0] if len(parts) == 1 else {"$and": parts}


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


# the same bounds on the compiled durable-rules expression, as a guard behind the above
MAX_EXPRESSION_DEPTH = 12
MAX_EXPRESSION_LEAVES = 200


def expression_size(expr: Any, depth: int = 1) -> tuple[int, int]:
    """(depth, leaves) of a durable-rules expression (nested ``$and``/``$or``/``$neq`` dicts)."""
    if isinstance(expr, dict):
        ((op, arg),) = expr.items() if len(expr) == 1 else (("", None),)
        if op in ("$and", "$or") and isinstance(arg, list):
            sizes = [expression_size(e, depth + 1) for e in arg]
            return max((d for d, _ in sizes), default=depth), sum(n for _, n in sizes)
        if op == "$neq":
            return expression_size(arg, depth + 1)
    return depth, 1


# --- evaluation ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CompiledCondition:
    """A condition as plain tuples: its leaf tests and compiled sub-conditions."""

    tests: tuple[tuple[str, frozenset[str]], ...]
    all: tuple[CompiledCondition, ...]
    any: tuple[CompiledCondition, ...]
    not_: CompiledCondition | None

    def eval3(self, facts: Mapping[str, str]) -> bool | None:
        """True, False, or None when facts it reads are not fixed in ``facts``."""
        unknown = False
        for key, allowed in self.tests:
            value = facts.get(key)
            if value is None:
                unknown = True
            elif value not in allowed:
                return False
        for sub in self.all:
            verdict = sub.eval3(facts)
            if verdict is False:
                return False
            if verdict is None:
                unknown = True
        if self.any:
            subs = [sub.eval3(facts) for sub in self.any]
            if any(v is True for v in subs):
                pass
            elif all(v is False for v in subs):
                return False
            else:
                unknown = True
        if self.not_ is not None:
            inner = self.not_.eval3(facts)
            if inner is True:
                return False
            if inner is None:
                unknown = True
        return None if unknown else True

    def holds(self, facts: Mapping[str, Any]) -> bool:
        """On complete facts (every key it reads present)."""
        return self.eval3(facts) is True


def compile_condition(cond: Condition) -> CompiledCondition:
    return CompiledCondition(
        tests=tuple((key, frozenset(allowed)) for key, allowed in leaf_facts(cond)),
        all=tuple(compile_condition(sub) for sub in cond.all or ()),
        any=tuple(compile_condition(sub) for sub in cond.any or ()),
        not_=compile_condition(cond.not_) if cond.not_ is not None else None,
    )


def eval3(cond: Condition, facts: Mapping[str, str]) -> bool | None:
    """``cond`` on partial facts: True, False, or None when facts it reads are not fixed."""
    return compile_condition(cond).eval3(facts)


def holds(cond: Condition, facts: Mapping[str, Any]) -> bool:
    """``cond`` on complete facts (every key it reads present)."""
    return eval3(cond, facts) is True


def reads(cond: Condition) -> list[str]:
    """Dimensions ``cond`` reads, in a fixed order (time facts map to the time dimension)."""
    out: dict[str, None] = {}
    for c, _ in iter_conditions(cond):
        for key, _allowed in leaf_facts(c, by_rank=True):
            out.setdefault(dimension_of(key))
    return list(out)


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


# --- why a rule did not fire (route --explain) -------------------------------------------


def _leaf_name(field: str, key: str) -> str:
    """The condition key a fact test comes from, as the plan writes it (``findings.consent``)."""
    if field in ("findings", "open"):
        return f"{field}.{key.split('_', 1)[1]}"
    return field


def first_failure(cond: Condition, facts: Mapping[str, Any], path: str = "when") -> tuple[str, tuple[str, ...]] | None:
    """The first part of ``cond`` that does not hold on complete ``facts``, or None when it holds.

    Returns the part's place as the plan writes it (``when.age_band``, ``when.any``,
    ``when.all[1].findings.consent``) and what it requires (the values the plan's condition
    accepts there; for ``any`` and ``not``, nothing). The facts' own values are never
    returned: a trace says what the rule asked for, not what the caller sent.
    """
    for leaf in LEAVES:
        value = getattr(cond, leaf.field)
        if value is None:
            continue
        for key, allowed in leaf.tests(value):
            if facts.get(key) not in allowed:
                return f"{path}.{_leaf_name(leaf.field, key)}", tuple(allowed)
    for i, sub in enumerate(cond.all or ()):
        failed = first_failure(sub, facts, f"{path}.all[{i}]")
        if failed is not None:
            return failed
    if cond.any and not any(first_failure(sub, facts) is None for sub in cond.any):
        return f"{path}.any", ()
    if cond.not_ is not None and first_failure(cond.not_, facts) is None:
        return f"{path}.not", ()
    return None
