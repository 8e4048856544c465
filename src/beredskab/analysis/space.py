"""The finite decision space of a plan, partitioned by which rule decides each part.

A concern's routing depends on finitely many facts: acute, age band, reporter, step,
topic, severity, the findings the rules mention, and the time facts (inside each
schedule the rules mention, public holiday). Time facts are not independent, so time
is one dimension whose values are the distinct *time classes* that really occur, each
with a real timestamp as witness.

:func:`partition` splits the space by ordered first match without enumerating the
product of all dimensions: it evaluates each rule three-valued (true / false / not yet
known) on a partial assignment and splits only on the dimensions the undecided rule
reads. The number of regions grows with the rules, not with the raw product. Each
region is feasible by construction (every time class has a real timestamp), so a gap
comes with a concrete counterexample concern that ``beredskab route`` reproduces.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .._i18n import Translate
from ..routing.calendar import CompiledSchedule, is_public_holiday, wall_moment
from ..routing.conditions import CompiledCondition, admissible, compile_condition, reads
from ..routing.facts import (
    HOLIDAY,
    TIME,
    finding_key,
    finding_of,
    iter_rule_conditions,
    open_key,
    schedule_of,
    yes_no,
)
from ..routing.router import CompiledPlan
from ..spec.model import Condition, PlanSpec
from ..spec.vocabulary import FINDINGS, Reporter, Topic

__all__ = [
    "DAY",
    "TIME",
    "DecisionSpace",
    "Region",
    "TimeClass",
    "concern_at",
    "day_facts",
    "merge_regions",
    "partition",
    "satisfying",
    "time_classes",
]

Assignment = Mapping[str, Any]


@dataclass(frozen=True)
class TimeClass:
    """One combination of time facts that occurs, with the first moment it occurs."""

    facts: tuple[tuple[str, str], ...]  # (("o_municipal_hours", "no"), ("holiday", "yes"))
    witness: dt.datetime

    def get(self, key: str) -> str | None:
        for k, v in self.facts:
            if k == key:
                return v
        return None

    def describe(self, _: Translate = str) -> str:
        parts = [
            (_("{schedule} open") if v == "yes" else _("{schedule} closed")).format(schedule=schedule_of(k))
            for k, v in self.facts
            if schedule_of(k)
        ]
        if any(k == HOLIDAY and v == "yes" for k, v in self.facts):
            parts.append(_("public holiday"))
        return ", ".join(parts) or _("any time")


_DIM_WORDS = {
    "step": "step {value}",
    "reporter": "reporter {value}",
    "topic": "topic {value}",
    "severity": "severity {value}",
}


@dataclass
class Region:
    """A part of the decision space: fixed dimensions in ``assign``; the others take any value."""

    assign: dict[str, Any]
    owner: int | None  # index of the deciding rule; None = no rule (catch-all)


@dataclass
class DecisionSpace:
    """Dimensions and their values (equivalent values collapsed to one representative)."""

    plan: PlanSpec
    compiled: CompiledPlan
    dims: dict[str, list[Any]] = field(default_factory=dict)
    others: dict[str, list[Any]] = field(default_factory=dict)  # values a representative stands for
    time_classes: list[TimeClass] = field(default_factory=list)
    # id -> (the condition itself, kept alive so the id stays its own; compiled form; dimensions read)
    _compiled: dict[int, tuple[Condition, CompiledCondition, list[str]]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, plan: PlanSpec, compiled: CompiledPlan, start: dt.date) -> DecisionSpace:
        space = cls(plan, compiled)
        mentioned: dict[str, set[str]] = {"reporter": set(), "topic": set(), "severity": set()}
        findings: set[str] = set()
        schedules: set[str] = set()
        uses_holiday = False
        for _, cond, _path in iter_rule_conditions(plan):
            mentioned["reporter"].update(r.value for r in cond.reporter or [])
            mentioned["topic"].update(t.value for t in cond.topic or [])
            mentioned["severity"].update(cond.severity or [])
            findings.update(cond.findings or {})
            schedules.update(cond.open or {})
            uses_holiday = uses_holiday or cond.holiday is not None
        space.dims["acute"] = ["yes", "no"]
        space.dims["step"] = list(plan.steps)
        space.dims["band"] = list(plan.age_bands)
        for dim, universe in (
            ("reporter", [r.value for r in Reporter]),
            ("topic", [t.value for t in Topic]),
            ("severity", ["high", "medium", "low", "none"]),
        ):
            named = [v for v in universe if v in mentioned[dim]]
            rest = [v for v in universe if v not in mentioned[dim]]
            space.dims[dim] = named + rest[:1]
            if rest:
                space.others[f"{dim}={rest[0]}"] = rest
        for name in FINDINGS:
            if name in findings:
                space.dims[finding_key(name)] = ["true", "false", "unknown"]
        space.time_classes = time_classes(
            [(open_key(s), compiled.schedules[s]) for s in sorted(schedules)], uses_holiday, start
        )
        space.dims[TIME] = list(range(len(space.time_classes)))
        return space

    def compiled_condition(self, cond: Condition) -> CompiledCondition:
        """``cond`` compiled once per space (checks ask many questions of the same rules)."""
        return self._analysed(cond)[1]

    def reads(self, cond: Condition) -> list[str]:
        """The dimensions ``cond`` reads (:func:`~beredskab.routing.conditions.reads`), once per space."""
        return self._analysed(cond)[2]

    def _analysed(self, cond: Condition) -> tuple[Condition, CompiledCondition, list[str]]:
        key = id(cond)
        hit = self._compiled.get(key)
        if hit is None or hit[0] is not cond:
            hit = self._compiled[key] = (cond, compile_condition(cond), reads(cond))
        return hit

    def size(self) -> int:
        """Points in the (collapsed) space: what brute force would have to enumerate."""
        n = 1
        for values in self.dims.values():
            n *= len(values)
        return n

    def _ordinary(self, dim: str) -> Any:
        values = self.dims[dim]
        preferred = {"acute": "no", "reporter": "citizen", "topic": "radicalisation", "severity": "none"}.get(
            dim, "unknown" if finding_of(dim) else None
        )
        return preferred if preferred in values else values[0]

    def facts(self, assign: Assignment) -> dict[str, str]:
        """Fact values fixed by ``assign`` (time facts through its time class)."""
        out = {k: v for k, v in assign.items() if k != TIME}
        if TIME in assign:
            out.update(self.time_classes[assign[TIME]].facts)
        return out

    def extend_facts(self, facts: dict[str, str], dim: str, value: Any) -> dict[str, str]:
        """``self.facts({**assign, dim: value})`` from ``facts = self.facts(assign)``, ``dim`` not in ``assign``.

        No dimension is a time fact's key (``o_*``, ``holiday``), so the two never overwrite
        each other: the new fact is added, or the time class's facts are.
        """
        if dim == TIME:
            return {**facts, **dict(self.time_classes[value].facts)}
        return {**facts, dim: value}

    def witness(self, assign: Assignment) -> dict[str, Any]:
        """A concrete concern in the region; free dimensions take their most ordinary value."""
        full = {dim: assign.get(dim, self._ordinary(dim)) for dim in self.dims}
        band = self.plan.age_bands[full["band"]]
        return concern_at(full, self.time_classes[full[TIME]].witness, None if band.unknown else band.min)

    def describe(self, assign: Assignment, _: Translate = str) -> str:
        """Human summary of a region's fixed dimensions (free ones are 'any'); ``_`` translates."""
        parts: list[str] = []
        for dim in self.dims:
            if dim not in assign:
                continue
            value = assign[dim]
            if dim == TIME:
                parts.append(self.time_classes[value].describe(_))
            elif dim == "band":
                parts.append(_("age {band}").format(band=self.plan.age_bands[value].label))
            elif dim == "acute":
                parts.append(_("acute") if value == "yes" else _("not acute"))
            elif (name := finding_of(dim)) is not None:
                if value == "unknown":
                    parts.append(_("{finding} not established").format(finding=name))
                else:
                    parts.append(f"{name} {value}")
            else:
                more = self.others.get(f"{dim}={value}")
                shown = "/".join(more) if more else str(value)
                # the values are the plan's own ids (as written in its YAML); the dimension in words
                label = _DIM_WORDS.get(dim)
                parts.append(_(label).format(value=shown) if label else f"{dim} {shown}")
        return ", ".join(parts) or _("every concern")


# --- time classes -----------------------------------------------------------------------


def concern_at(point: Mapping[str, Any], received_at: dt.datetime, age: int | None) -> dict[str, Any]:
    """The contract Concern of a complete point of a decision space (``acute``, ``reporter``,
    ``step``, ``topic``, ``severity`` and the ``f_*`` findings as the space writes them)."""
    concern: dict[str, Any] = {
        "received_at": received_at.isoformat(),
        "acute": point["acute"] == "yes",
        "age": age,
        "reporter": point["reporter"],
        "step": point["step"],
        "topic": point["topic"],
    }
    if point["severity"] != "none":
        concern["severity"] = point["severity"]
    findings = {name: v == "true" for dim, v in point.items() if (name := finding_of(dim)) and v != "unknown"}
    if findings:
        concern["findings"] = findings
    return concern


DAY = "@day"
"""Suffix of a time fact: whether a schedule opens at all that day (``o_x@day``), for
:func:`time_classes` with ``closing_days``."""


def day_facts(schedules: list[tuple[str, CompiledSchedule]], day: dt.date) -> tuple[tuple[str, str], ...]:
    """For each schedule with hours, whether it opens at all on ``day`` (``<key>@day``)."""
    return tuple((k + DAY, yes_no(bool(s.intervals(day)))) for k, s in schedules if not s.always)


def time_classes(
    schedules: list[tuple[str, CompiledSchedule]],
    uses_holiday: bool,
    start: dt.date,
    days: int = 400,
    *,
    closing_days: bool = False,
) -> list[TimeClass]:
    """Every distinct combination of time facts over ``days`` from ``start``, first witness each.

    Candidate moments are each day's midnight and every opening and closing minute of the
    schedules, so no combination that lasts a minute or more is missed. With
    ``closing_days``, whether each schedule opens at all that day is a fact too (a closed
    Saturday waits until Monday, a closed Tuesday night until morning), and a day some
    schedule does not open (or a holiday) shows its classes at noon first: a reader's
    Saturday, not its first minute.
    """
    if not schedules and not uses_holiday and not closing_days and days > 0:
        # no time fact at all: every day gives the one empty combination, first at the start
        return [TimeClass((), wall_moment(start, 0))]
    seen: dict[tuple[tuple[str, str], ...], dt.datetime] = {}
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        minutes = {0}
        for _, sched in schedules:
            for s, e in sched.intervals(day):
                minutes.update((s, e))
        holiday = yes_no(is_public_holiday(day))
        closed_today = day_facts(schedules, day) if closing_days else ()
        tail = (*closed_today, *(((HOLIDAY, holiday),) if uses_holiday else ()))
        ordered = sorted(m for m in minutes if m < 24 * 60)
        if closing_days and (holiday == "yes" or any(v == "no" for _, v in closed_today)):
            ordered.insert(0, 12 * 60)
        for minute in ordered:
            moment = wall_moment(day, minute)
            facts = tuple((k, yes_no(sched.is_open(moment))) for k, sched in schedules)
            seen.setdefault((*facts, *tail), moment)
    return [TimeClass(facts, moment) for facts, moment in seen.items()]


def partition(space: DecisionSpace, conditions: list[Condition] | None = None) -> list[Region]:
    """Regions of the space, each decided by its first matching rule (owner None = no rule).

    Once a region's step and age band are fixed, only rules that can hold there are tried
    (an index per step and band), so the work follows the rules that matter, not all rules.
    """
    conds = conditions if conditions is not None else [r.when for r in space.plan.rules]
    # compiled once per space: the checks' later questions (satisfying) reuse them
    dims_read = [space.reads(c) for c in conds]
    compiled = [space.compiled_condition(c) for c in conds]
    admits = [(admissible(c, "step", space.dims["step"]), admissible(c, "age_band", space.dims["band"])) for c in conds]
    index: dict[tuple[str | None, str | None], list[int]] = {}

    def candidates_for(step: str | None, band: str | None) -> list[int]:
        key = (step, band)
        if key not in index:
            index[key] = [
                i
                for i, (steps, bands) in enumerate(admits)
                if (step is None or step in steps) and (band is None or band in bands)
            ]
        return index[key]

    regions: list[Region] = []
    # each assignment travels with its facts (space.facts of it), extended as it is split
    stack: list[tuple[dict[str, Any], dict[str, str], int]] = [({}, {}, 0)]
    while stack:
        assign, facts, i = stack.pop()
        candidates = candidates_for(assign.get("step"), assign.get("band"))
        position = bisect.bisect_left(candidates, i)
        for i in candidates[position:]:
            verdict = compiled[i].eval3(facts)
            if verdict is False:
                continue
            if verdict is True:
                regions.append(Region(assign, i))
                break
            dim = next(d for d in dims_read[i] if d not in assign)
            for value in reversed(space.dims[dim]):
                stack.append(({**assign, dim: value}, space.extend_facts(facts, dim, value), i))
            break
        else:
            regions.append(Region(assign, None))
    return regions


def satisfying(space: DecisionSpace, cond: Condition, within: Assignment) -> dict[str, Any] | None:
    """An assignment extending ``within`` on which ``cond`` holds, or None if there is none."""
    stack: list[tuple[dict[str, Any], dict[str, str]]] = [(dict(within), space.facts(within))]
    dims = space.reads(cond)
    test = space.compiled_condition(cond)
    while stack:
        assign, facts = stack.pop()
        verdict = test.eval3(facts)
        if verdict is True:
            return assign
        if verdict is False:
            continue
        dim = next(d for d in dims if d not in assign)
        for value in reversed(space.dims[dim]):
            stack.append(({**assign, dim: value}, space.extend_facts(facts, dim, value)))
    return None


def merge_regions(space: DecisionSpace, regions: list[Region]) -> list[Region]:
    """Fewer, larger regions with the same owner: siblings covering every value of a dimension merge."""
    current = [dict(r.assign) for r in regions]
    owner = regions[0].owner if regions else None
    changed = True
    while changed:
        changed = False
        for dim, values in space.dims.items():
            groups: dict[tuple[tuple[str, Any], ...], set[Any]] = {}
            for a in current:
                if dim in a:
                    key = tuple(sorted((k, v) for k, v in a.items() if k != dim))
                    groups.setdefault(key, set()).add(a[dim])
            full = {key for key, seen in groups.items() if seen >= set(values)}
            if not full:
                continue
            kept: list[dict[str, Any]] = []
            merged: set[tuple[tuple[str, Any], ...]] = set()
            for a in current:
                if dim in a:
                    key = tuple(sorted((k, v) for k, v in a.items() if k != dim))
                    if key in full:
                        if key not in merged:
                            merged.add(key)
                            kept.append(dict(key))
                        continue
                kept.append(a)
            current = kept
            changed = True
    # drop regions contained in a more general one
    out: list[dict[str, Any]] = []
    for a in sorted(current, key=len):
        if not any(all(a.get(k) == v for k, v in b.items()) for b in out):
            out.append(a)
    return [Region(a, owner) for a in out]
