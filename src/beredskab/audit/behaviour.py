"""Behavioural diff: the concerns two plans route differently, grouped into few readable regions.

The two plans are compared over their *joint* finite decision space:

- acute (yes/no); the steps both plans have (A's order);
- age: intervals split at every age-band boundary of either plan (each interval lies in
  one band of each plan), plus unknown age;
- reporter, topic, severity: the values either plan's conditions mention (for severity
  also those its graded deadlines name), plus one representative of the rest;
- the findings either plan reads (true / false / unknown);
- time: the joint time classes of every schedule of both plans (the rules' and also
  their actors' and contacts', since who is open decides waits and escalations): open or
  closed, whether each schedule opens at all that day (a Saturday waits until Monday, a
  Tuesday night until morning), public holiday, over 400 days from ``as_of``. **Time is
  compared at each joint class's first moment** (noon on a closing day): a wait measured
  there stands for the class.

The space is partitioned without enumerating its product, as
:func:`~beredskab.analysis.space.partition` does for one plan: A's deciding rule by an
ordered first-match three-valued split (splitting only on the dimensions the undecided
rule reads, on A's facts projected from the joint assignment), then within each such
region B's deciding rule the same way, then each (rule of A, rule of B) region on time
and severity where the two answers depend on them. Each final region's witness concern
is routed through both plans (real ``route``), each Decision projected (by actor for
revisions of one plan, by role across municipalities) and compared. Routing is memoised
by what an answer's details depend on (deciding rule, moment, severity), so the work
grows with the regions and the distinct answers, not with the product of dimensions.

Differing regions with the same pair of answers merge (whole dimensions, then value
lists); while more than :data:`MAX_REGIONS` remain, coarser merges follow (see
:func:`behavioural_diff`). A listed region's witness is its most ordinary concern (a
16-year-old, a citizen, not graded), at the time that shows the region best (see
:func:`_telling`)."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .._i18n import DEFAULT_LANG
from ..analysis.space import DAY, TimeClass, concern_at, day_facts, time_classes
from ..plan import Plan
from ..routing.calendar import ZONE, CompiledSchedule, is_public_holiday
from ..routing.concern import Action, Concern, Decision
from ..routing.conditions import CompiledCondition, compile_condition, reads
from ..routing.facts import HOLIDAY, TIME, finding_key, finding_of, iter_rule_conditions, open_key, yes_no
from ..routing.router import CATCH_ALL_ID
from ..spec.model import ActionSpec, CatchAll, Rule, parse_duration
from ..spec.vocabulary import FINDINGS, Reporter, Topic
from .diff_words import DiffWords
from .model import ActionSummary, AnswerSummary, Behavioural, DiffRegion, iso_duration

__all__ = [
    "MAX_REGIONS",
    "JointRegion",
    "JointSpace",
    "behavioural_diff",
    "project",
]

By = Literal["actor", "role"]
Assignment = dict[str, Any]
Box = Mapping[str, frozenset[Any]]  # a region of products: each fixed dimension a set of values

AGE = "age"
"""The joint dimension of age: interval labels (``15-17``) and :data:`UNKNOWN_AGE`."""
UNKNOWN_AGE = "unknown"
MAX_REGIONS = 50
"""At most this many regions are listed; ``differing`` still counts every differing situation."""
_SIDES = ("a", "b")
_SEVERITIES = ("high", "medium", "low", "none")
# the value a free dimension takes in a witness: the most ordinary concern
_ORDINARY = {"acute": "no", "step": "intake", "reporter": "citizen", "topic": "radicalisation", "severity": "none"}


@dataclass(frozen=True)
class _Interval:
    """Ages ``low``..``high`` (None: unknown age), in one band of each plan."""

    label: str
    low: int | None
    high: int | None
    bands: tuple[str, str]


TYPICAL_AGE = 16
"""A witness's age: the age in its interval nearest this (a 16-year-old, not a newborn)."""


def _typical_age(interval: _Interval) -> int | None:
    if interval.low is None or interval.high is None:
        return None
    return min(max(TYPICAL_AGE, interval.low), interval.high)


@dataclass
class JointSpace:
    """The joint decision space of two plans: dimensions, value weights, and each side's facts."""

    plans: tuple[Plan, Plan]
    dims: dict[str, list[Any]] = field(default_factory=dict)
    members: dict[tuple[str, Any], list[str]] = field(default_factory=dict)  # representative -> its group
    ages: dict[str, _Interval] = field(default_factory=dict)
    classes: list[TimeClass] = field(default_factory=list)
    schedules: list[tuple[str, CompiledSchedule]] = field(default_factory=list)  # ("a:o_<id>", schedule)
    # per side, per time class: that side's own time facts (o_<id>, holiday)
    class_facts: tuple[list[dict[str, str]], list[dict[str, str]]] = field(default_factory=lambda: ([], []))
    _class_index: dict[tuple[tuple[str, str], ...], int] = field(default_factory=dict, repr=False)
    _representative: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)
    _weights: dict[str, int] = field(default_factory=dict, repr=False)
    _ordinaries: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, a: Plan, b: Plan, as_of: dt.date) -> JointSpace:
        space = cls((a, b))
        mentioned: dict[str, set[str]] = {"reporter": set(), "topic": set(), "severity": set()}
        findings: set[str] = set()
        for plan in (a, b):
            for _, cond, _path in iter_rule_conditions(plan):
                mentioned["reporter"].update(r.value for r in cond.reporter or [])
                mentioned["topic"].update(t.value for t in cond.topic or [])
                mentioned["severity"].update(cond.severity or [])
                findings.update(cond.findings or {})
            # graded deadlines make severity matter even where no condition reads it
            for action in _all_actions(plan):
                if action.deadline is not None and action.deadline.by_severity:
                    mentioned["severity"].update("none" if k == "unknown" else k for k in action.deadline.by_severity)
        space.dims["acute"] = ["yes", "no"]
        b_steps = set(b.steps)
        # a concern at a step one plan lacks is an error there: only shared steps compare
        space.dims["step"] = [s for s in a.steps if s in b_steps]
        space._age_intervals()
        for dim, universe in (
            ("reporter", [r.value for r in Reporter]),
            ("topic", [t.value for t in Topic]),
            ("severity", list(_SEVERITIES)),
        ):
            named = [v for v in universe if v in mentioned[dim]]
            rest = sorted((v for v in universe if v not in mentioned[dim]), key=lambda v: v != _ORDINARY[dim])
            space.dims[dim] = named + rest[:1]
            for v in named:
                space._representative[(dim, v)] = v
            for v in rest:
                space._representative[(dim, v)] = rest[0]
            if rest:
                space.members[(dim, rest[0])] = rest
        for name in FINDINGS:
            if name in findings:
                space.dims[finding_key(name)] = ["true", "false", "unknown"]
        space._time(as_of)
        return space

    def _age_intervals(self) -> None:
        a, b = self.plans
        cuts = sorted(
            {0, 131}
            | {band.min for p in self.plans for band in p.age_bands.values() if band.min is not None}
            | {band.max + 1 for p in self.plans for band in p.age_bands.values() if band.max is not None}
        )
        labels: list[str] = []
        for low, end in itertools.pairwise(cuts):
            high = end - 1
            label = f"{low}+" if high == 130 else (str(low) if low == high else f"{low}-{high}")
            self.ages[label] = _Interval(label, low, high, (a.compiled.band_of(low), b.compiled.band_of(low)))
            labels.append(label)
        self.ages[UNKNOWN_AGE] = _Interval(UNKNOWN_AGE, None, None, (a.compiled.unknown_band, b.compiled.unknown_band))
        self.dims[AGE] = [*labels, UNKNOWN_AGE]

    def _time(self, as_of: dt.date) -> None:
        for side, plan in zip(_SIDES, self.plans, strict=True):
            for sid in sorted(_schedules_of(plan)):
                self.schedules.append((f"{side}:{open_key(sid)}", plan.compiled.schedules[sid]))
        self.classes = time_classes(self.schedules, True, as_of, closing_days=True)
        for index, tc in enumerate(self.classes):
            self._class_index[tc.facts] = index
            for side_index, side in enumerate(_SIDES):
                own = {k.split(":", 1)[1]: v for k, v in tc.facts if k.startswith(side + ":")}
                own[HOLIDAY] = tc.get(HOLIDAY) or "no"
                self.class_facts[side_index].append(own)
        self.dims[TIME] = list(range(len(self.classes)))

    def time_key(self, at: dt.datetime) -> tuple[tuple[str, str], ...]:
        """The joint time facts of an instant (which class it falls in)."""
        day = at.astimezone(ZONE).date()
        key = tuple((k, yes_no(s.is_open(at))) for k, s in self.schedules)
        return (*key, *day_facts(self.schedules, day), (HOLIDAY, yes_no(is_public_holiday(day))))

    # -- the sides' facts

    def facts(self, side: int, assign: Mapping[str, Any]) -> dict[str, str]:
        """Side ``side``'s facts fixed by a joint assignment (age band and time facts its own)."""
        out: dict[str, str] = {}
        for k, v in assign.items():
            if k == AGE:
                out["band"] = self.ages[v].bands[side]
            elif k == TIME:
                out.update(self.class_facts[side][v])
            else:
                out[k] = v
        return out

    # -- sizes, witnesses, descriptions (of boxes: each fixed dimension a set of values)

    def weight(self, dim: str, value: Any) -> int:
        return len(self.members.get((dim, value), [value]))

    def size(self, box: Box) -> int:
        """Situations in a box: a representative counts as its group, free dimensions in full."""
        n = 1
        for dim, _values in self.dims.items():
            fixed = box.get(dim)
            if fixed is None:
                n *= self._full_weight(dim)
            elif len(fixed) == 1:
                n *= self.weight(dim, next(iter(fixed)))
            else:
                n *= sum(self.weight(dim, v) for v in fixed)
        return n

    def _full_weight(self, dim: str) -> int:
        cached = self._weights.get(dim)
        if cached is None:
            cached = self._weights[dim] = sum(self.weight(dim, v) for v in self.dims[dim])
        return cached

    def count(self, assign: Mapping[str, Any]) -> int:
        """Situations at an assignment (each fixed dimension one value)."""
        n = 1
        for dim in self.dims:
            n *= self.weight(dim, assign[dim]) if dim in assign else self._full_weight(dim)
        return n

    def ordinary(self, dim: str) -> Any:
        """The most ordinary value of a free dimension."""
        cached = self._ordinaries.get(dim)
        if cached is None:
            cached = self._ordinaries[dim] = self._ordinary(dim)
        return cached

    def total(self) -> int:
        return self.size({})

    def _ordinary(self, dim: str, allowed: Iterable[Any] | None = None) -> Any:
        values = self.dims[dim] if allowed is None else [v for v in self.dims[dim] if v in allowed]
        if dim == AGE:  # the interval nearest a 16-year-old (the contract's example concern)
            known = [v for v in values if self.ages[v].low is not None]
            return (
                min(known, key=lambda v: abs((_typical_age(self.ages[v]) or 0) - TYPICAL_AGE)) if known else values[0]
            )
        preferred = _ORDINARY.get(dim, "unknown" if finding_of(dim) else None)
        return preferred if preferred in values else values[0]

    def point(self, box: Box) -> Assignment:
        """The most ordinary point of a box (each dimension at its most ordinary allowed value)."""
        return {dim: self._ordinary(dim, box[dim]) if dim in box else self.ordinary(dim) for dim in self.dims}

    def witness(self, box: Box) -> dict[str, Any]:
        """A contract Concern in the box, at its most ordinary point."""
        full = self.point(box)
        return concern_at(full, self.classes[full[TIME]].witness, _typical_age(self.ages[full[AGE]]))

    def assignment_of(self, concern: Concern | Mapping[str, Any]) -> Assignment | None:
        """The joint point a concrete concern falls on; None outside the space (a step one plan
        lacks, or a moment outside the 400 days of time classes)."""
        c = concern if isinstance(concern, Concern) else Concern.model_validate(concern)
        if c.step not in self.dims["step"]:
            return None
        index = self._class_index.get(self.time_key(c.received_at))
        if index is None:
            return None
        age = UNKNOWN_AGE
        if c.age is not None:
            age = next(i.label for i in self.ages.values() if i.low is not None and i.low <= c.age <= (i.high or 0))
        out: Assignment = {
            "acute": yes_no(c.acute),
            "step": c.step,
            AGE: age,
            "reporter": self._representative[("reporter", c.reporter.value)],
            "topic": self._representative[("topic", c.topic.value)],
            "severity": self._representative[("severity", c.severity.value if c.severity else "none")],
        }
        for dim in self.dims:
            if (name := finding_of(dim)) is not None:
                value = getattr(c.findings, name)
                out[dim] = "unknown" if value is None else ("true" if value else "false")
        out[TIME] = index
        return out

    def describe(self, box: Box, relevant: tuple[set[str], set[str]], words: DiffWords | None = None) -> str:
        """Human summary of a box's fixed dimensions; time by the schedules in ``relevant``."""
        return ", ".join(self._parts(box, relevant, words or DiffWords())) or (words or DiffWords())("every concern")

    def _parts(self, box: Box, relevant: tuple[set[str], set[str]], w: DiffWords) -> list[str]:
        parts: list[str] = []
        for dim, universe in self.dims.items():
            if dim not in box:
                continue
            values = [v for v in universe if v in box[dim]]
            if dim == TIME:
                parts.append(self._describe_time(values, relevant, w))
            elif dim == "acute":
                parts.append(w("acute") if values == ["yes"] else w("not acute"))
            elif dim == "step":
                parts.append(w("step {steps}").format(steps="/".join(values)))
            elif dim == AGE:
                ages = "/".join(w("unknown") if v == UNKNOWN_AGE else v for v in values)
                parts.append(w("age {ages}").format(ages=ages))
            elif (name := finding_of(dim)) is not None:
                said = "/".join(w("not established") if v == "unknown" else w(v) for v in values)
                parts.append(w("{finding} {values}").format(finding=w.value(name), values=said))
            else:
                named = [m for v in values for m in self.members.get((dim, v), [v])]
                said = "/".join(w("not graded") if m == "none" else w.value(m) for m in named)
                parts.append(w("{dimension} {values}").format(dimension=w(dim), values=said))
        return parts

    def describe_union(
        self, boxes: list[Box], relevant: tuple[set[str], set[str]], words: DiffWords | None = None
    ) -> str:
        """Several boxes (largest first): what they share, how many parts, and the largest part."""
        w = words or DiffWords()
        if len(boxes) == 1:
            return self.describe(boxes[0], relevant, w)
        shared = {d for d in self.dims if all(b.get(d) == boxes[0].get(d) for b in boxes)}
        common = self._parts({d: v for d, v in boxes[0].items() if d in shared}, relevant, w)
        largest = self.describe({d: v for d, v in boxes[0].items() if d not in shared}, relevant, w)
        parts = w("{n} parts, the largest: {largest}").format(n=len(boxes), largest=largest)
        return f"{', '.join(common)} ({parts})" if common else parts

    def _describe_time(self, indices: list[int], relevant: tuple[set[str], set[str]], w: DiffWords) -> str:
        """What the time classes have in common: opening hours (both sides alike, or each side's
        schedules open or closed), closing day, public holiday."""
        states: list[tuple[str, str, str, bool]] = []  # (side, schedule name, "yes"/"no", closed all day)
        for side_index, (side, plan) in enumerate(zip(_SIDES, self.plans, strict=True)):
            facts = [self.class_facts[side_index][i] for i in indices]
            for sid in sorted(relevant[side_index]):
                sched = plan.compiled.schedules[sid]
                seen = {f.get(open_key(sid)) for f in facts}
                if not sched.always and len(seen) == 1:  # always open says nothing; a mix neither
                    all_day = all(f.get(open_key(sid) + DAY) == "no" for f in facts)
                    states.append((side, sched.spec.name or sid, seen.pop() or "no", all_day))
        words: list[str] = []
        opened = {s for _, _, s, _ in states}
        if states and opened == {"no"}:
            closing = all(d for *_, d in states)
            words.append(w("on a closing day (all closed all day)") if closing else w("outside opening hours"))
        elif states and opened == {"yes"}:
            words.append(w("within opening hours"))
        else:
            for side in _SIDES:
                mine = [
                    (
                        w("{name} open") if s == "yes" else (w("{name} closed all day") if d else w("{name} closed"))
                    ).format(name=name)
                    for x, name, s, d in states
                    if x == side
                ]
                if mine:
                    words.append(f"{side.upper()}: {', '.join(mine)}")
        if {self.classes[i].get(HOLIDAY) for i in indices} == {"yes"}:
            words.append(w("public holiday"))
        if len(indices) == 1:
            at = self.classes[indices[0]].witness.astimezone(ZONE)
            words.append(w("as on {when}").format(when=w.moment(at)))
        return "; ".join(words) or w("some times")


# --- the plans' parts ---------------------------------------------------------------------


def _answers(plan: Plan) -> list[Rule | CatchAll]:
    """The plan's rules and its catch-all last (index ``len(rules)``, as the router numbers it)."""
    return [*plan.rules, plan.catch_all]


def _all_actions(plan: Plan) -> Iterable[ActionSpec]:
    for answer in _answers(plan):
        yield from answer.next
        yield from answer.notify


def _schedules_of(plan: Plan) -> set[str]:
    """Every schedule the plan uses: its actors' (escalation actors are actors too), contacts', rules'."""
    used: set[str] = set()
    for actor in plan.compiled.actors.values():
        used.add(actor.schedule)
        used.update(c.schedule for c in actor.contacts if c.schedule is not None)
    for _, cond, _path in iter_rule_conditions(plan):
        used.update(cond.open or {})
    return used


def _dependence(plan: Plan, answer: Rule | CatchAll) -> tuple[bool, bool]:
    """Whether the answer's details depend on (time, severity) beyond the rule that gives it.

    Time matters where an acting actor keeps hours (its wait, an escalation when closed)
    or a deadline counts open hours, days or months (summer time, month lengths); severity
    where a deadline is graded.
    """
    schedules = plan.compiled.schedules
    actors = plan.compiled.actors
    on_time = on_severity = False
    for action in [*answer.next, *answer.notify]:
        if not schedules[actors[action.actor].schedule].always:
            on_time = True
        deadline = action.deadline
        if deadline is None:
            continue
        on_severity = on_severity or bool(deadline.by_severity)
        durations = [deadline.within] if deadline.within else list((deadline.by_severity or {}).values())
        if deadline.clock == "opening_hours" or any(parse_duration(d)[0] != "hours" for d in durations if d):
            on_time = True
    return on_time, on_severity


# --- partition ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rules:
    """One side's rules compiled for three-valued evaluation, with the joint dimensions each reads."""

    conditions: tuple[CompiledCondition, ...]
    reads: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, plan: Plan) -> _Rules:
        return cls(
            tuple(compile_condition(r.when) for r in plan.rules),
            tuple(tuple(AGE if d == "band" else d for d in reads(r.when)) for r in plan.rules),
        )


def _split(space: JointSpace, side: int, rules: _Rules, start: Assignment) -> list[tuple[Assignment, int]]:
    """Regions of ``start`` by side ``side``'s deciding rule (index ``len(rules)`` = catch-all).

    Ordered first match, three-valued: a rule false on the region is skipped, a true one
    decides it, an undecided one splits the region on the first free dimension it reads.
    """
    out: list[tuple[Assignment, int]] = []
    n = len(rules.conditions)
    stack: list[tuple[Assignment, int]] = [(start, 0)]
    while stack:
        assign, i = stack.pop()
        facts = space.facts(side, assign)
        verdict: bool | None = False
        while i < n and verdict is False:
            verdict = rules.conditions[i].eval3(facts)
            i += verdict is False
        if verdict is None:
            dim = next((d for d in rules.reads[i] if d not in assign), None)
            if dim is None:  # pragma: no cover - every dimension a rule reads is in the space
                raise AssertionError(f"rule {i} undecided on a complete assignment")
            stack.extend(({**assign, dim: value}, i) for value in reversed(space.dims[dim]))
        else:
            out.append((assign, i))  # i == n: no rule holds, the catch-all decides
    return out


# --- answers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Answer:
    """One side's Decision for a witness: summary, projection for comparing, schedules it used."""

    summary: AnswerSummary
    key: Hashable
    coarse: Hashable  # the key without waits: for grouping regions across times
    schedules: frozenset[str]
    wait: dt.timedelta  # until someone in next can act


def _offset(action: Action, at: dt.datetime) -> dt.timedelta | None:
    return None if action.act_by is None else action.act_by - at


def project(decision: Decision, at: dt.datetime, by: By, *, waits: bool = True) -> Hashable:
    """What ``by`` compares of a Decision (rule ids are reported, never compared).

    ``actor`` (revisions of one plan): next and notify actor ids and steps, act_by offsets,
    legal basis, catch-all. ``role`` (two municipalities): kinds and steps in next, whether
    anyone in next has a contact, the wait until someone in next can act (left out without
    ``waits``), act_by offsets, legal basis. Actions acting together compare as a set.
    """
    legal = tuple(sorted(str(x) for x in decision.legal_basis))
    if by == "actor":
        return (
            tuple(sorted((a.actor, a.step, _offset(a, at)) for a in decision.next)),
            tuple(sorted((a.actor, a.step, _offset(a, at)) for a in decision.notify)),
            legal,
            decision.catch_all,
        )
    offsets = [o for a in decision.next if (o := _offset(a, at)) is not None]
    return (
        tuple(sorted((str(a.kind), a.step) for a in decision.next)),
        any(a.contacts for a in decision.next),
        min(a.available_from - at for a in decision.next) if waits else None,
        tuple(sorted(offsets)),
        legal,
    )


def _summary(plan: Plan, decision: Decision, at: dt.datetime) -> AnswerSummary:
    def one(a: Action) -> ActionSummary:
        offset = _offset(a, at)
        step = plan.steps.get(a.step)
        return ActionSummary(
            actor=a.actor,
            kind=str(a.kind),
            step=a.step,
            name=a.name,
            step_name=step.name if step is not None else a.step,
            wait=iso_duration(a.available_from - at),
            act_by=None if offset is None else iso_duration(offset),
            contact=bool(a.contacts),
        )

    return AnswerSummary(
        next=[one(a) for a in decision.next],
        notify=[one(a) for a in decision.notify],
        rules=list(decision.rules),
        legal_basis=[str(x) for x in decision.legal_basis],
        catch_all=decision.catch_all,
    )


def _answer(plan: Plan, concern: Concern, by: By) -> _Answer:
    decision = plan.route(concern)
    at = concern.received_at
    actors = plan.compiled.actors
    used = frozenset(actors[a.actor].schedule for a in [*decision.next, *decision.notify])
    wait = min((x.available_from - at for x in decision.next), default=dt.timedelta(0))
    return _Answer(
        _summary(plan, decision, at), project(decision, at, by), project(decision, at, by, waits=False), used, wait
    )


# --- regions ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _one(value: Any) -> frozenset[Any]:
    return frozenset((value,))


def _box(assign: Mapping[str, Any]) -> dict[str, frozenset[Any]]:
    # one shared frozenset per value: thousands of regions, a dozen dimensions each
    return {k: _one(v) for k, v in assign.items()}


@dataclass(frozen=True)
class JointRegion:
    """A final region: a joint assignment (free dimensions take any value), its deciding rules
    (index ``len(rules)`` = catch-all) and the two answers at its witness."""

    assign: Assignment
    rules: tuple[int, int]
    a: _Answer
    b: _Answer

    @property
    def differs(self) -> bool:
        return self.a.key != self.b.key

    def contains(self, point: Mapping[str, Any]) -> bool:
        return all(point.get(k) == v for k, v in self.assign.items())


def _regions(a: Plan, b: Plan, by: By, as_of: dt.date) -> tuple[JointSpace, list[JointRegion]]:
    """The joint space and its final regions (disjoint, covering it), each with both answers."""
    space = JointSpace.of(a, b, as_of)
    rules = (_Rules.of(a), _Rules.of(b))
    answers = (_answers(a), _answers(b))
    dependence = ([_dependence(a, x) for x in answers[0]], [_dependence(b, x) for x in answers[1]])
    # an answer's projection is a function of (deciding rule, received_at, severity): the
    # rest of the concern only picks the rule. Routing once per such key keeps the work in
    # the number of distinct answers, not of regions (a route costs ~100 us).
    memo: dict[tuple[int, int, int, str], _Answer] = {}
    out: list[JointRegion] = []
    if not space.dims["step"]:  # no step in common: no concern both plans accept
        return space, out
    for assign_a, rule_a in _split(space, 0, rules[0], {}):
        for assign_ab, rule_b in _split(space, 1, rules[1], assign_a):
            time_a, sev_a = dependence[0][rule_a]
            time_b, sev_b = dependence[1][rule_b]
            extra = [
                dim
                for dim, needed in ((TIME, time_a or time_b), ("severity", sev_a or sev_b))
                if needed and dim not in assign_ab
            ]
            split: list[JointRegion] = []
            for values in itertools.product(*(space.dims[d] for d in extra)):
                assign = {**assign_ab, **dict(zip(extra, values, strict=True))}
                # the witness's time and severity: fixed here, or the most ordinary
                moment = assign[TIME] if TIME in assign else space.ordinary(TIME)
                severity = assign["severity"] if "severity" in assign else space.ordinary("severity")
                pair: list[_Answer] = []
                concern: Concern | None = None
                for side, rule in ((0, rule_a), (1, rule_b)):
                    key = (side, rule, moment, severity)
                    hit = memo.get(key)
                    if hit is None:
                        concern = concern or Concern.model_validate(space.witness(_box(assign)))
                        hit = memo[key] = _answer(space.plans[side], concern, by)
                        # the three-valued split and the engine must agree on who decides
                        expected = getattr(answers[side][rule], "id", CATCH_ALL_ID)
                        if hit.summary.rules != [expected]:  # pragma: no cover - a bug, never an input
                            raise AssertionError(f"split says {expected}, route says {hit.summary.rules}")
                    pair.append(hit)
                split.append(JointRegion(assign, (rule_a, rule_b), pair[0], pair[1]))
            # where time and severity change neither answer, the region stays whole: fewer
            # regions to merge, and the merge would only put them together again
            if len({(r.a.key, r.b.key) for r in split}) == 1:
                out.append(JointRegion(assign_ab, (rule_a, rule_b), split[0].a, split[0].b))
            else:
                out.extend(split)
    return space, out


def _merge(space: JointSpace, boxes: list[Box]) -> list[Box]:
    """Fewer, larger boxes of the same answers: siblings (alike but in one dimension) merge,
    their values united (the dimension becomes free where they cover all of it). Boxes are
    disjoint, so a union of siblings is exact (and stays disjoint from the rest).
    """
    dims = list(space.dims)
    universes = [frozenset(space.dims[d]) for d in dims]
    # a box as a tuple in the order of the dimensions (None: free), so that "alike but in
    # one dimension" is a slice, cheap to hash, for thousands of regions
    current: list[tuple[frozenset[Any] | None, ...]] = [tuple(box.get(d) for d in dims) for box in boxes]
    changed = True
    while changed:
        changed = False
        for i, everything in enumerate(universes):
            groups: dict[tuple[frozenset[Any] | None, ...], list[frozenset[Any] | None]] = {}
            for box in current:
                groups.setdefault(box[:i] + box[i + 1 :], []).append(box[i])
            if len(groups) == len(current):
                continue  # no siblings in this dimension
            kept: list[tuple[frozenset[Any] | None, ...]] = []
            for rest, values in groups.items():
                if len(values) == 1:
                    kept.append((*rest[:i], values[0], *rest[i:]))
                    continue
                union = frozenset().union(*(v if v is not None else everything for v in values))
                kept.append((*rest[:i], None if union == everything else union, *rest[i:]))
                changed = True
            current = kept
    return [{d: v for d, v in zip(dims, box, strict=True) if v is not None} for box in current]


def _read_schedules(plan: Plan) -> set[str]:
    return {sid for _, cond, _path in iter_rule_conditions(plan) for sid in cond.open or {}}


MAX_WITNESS_TIMES = 24
"""At most this many of a region's time classes are tried for its most telling witness."""


def _telling(space: JointSpace, box: Box, by: By) -> tuple[dict[str, Any], _Answer, _Answer]:
    """A region's witness and the two answers: at the box's most ordinary point, and, where
    waits are compared (``role``), at the time class whose waits differ the most (a holiday
    only when the box holds no other time), so a region shows its Saturday, not a Tuesday
    afternoon that differs by an hour."""
    times = [t for t in space.dims[TIME] if t in box.get(TIME, space.dims[TIME])]
    best: tuple[tuple[bool, dt.timedelta], dict[str, Any], _Answer, _Answer] | None = None
    for t in times[:MAX_WITNESS_TIMES] if by == "role" else times[:1]:
        witness = space.witness({**box, TIME: frozenset((t,))})
        concern = Concern.model_validate(witness)
        ans_a, ans_b = _answer(space.plans[0], concern, by), _answer(space.plans[1], concern, by)
        score = (space.classes[t].get(HOLIDAY) != "yes", abs(ans_a.wait - ans_b.wait))
        if best is None or score > best[0]:
            best = (score, witness, ans_a, ans_b)
    assert best is not None  # a box holds at least one time class
    return best[1], best[2], best[3]


def behavioural_diff(a: Plan, b: Plan, *, by: By, as_of: dt.date, lang: str = DEFAULT_LANG) -> Behavioural:
    """The concerns ``a`` and ``b`` answer differently (compared ``by`` actor or role).

    Time is compared at each joint time class's first moment from ``as_of`` (400 days):
    waits and deadlines are those of that moment. ``situations`` counts the joint space
    (a representative value counts as the values it stands for), ``differing`` every
    situation answered differently. Regions with the same pair of answers merge where
    together they cover a whole dimension, then siblings merge into value lists
    (``step intake/visitation``); if that leaves more than :data:`MAX_REGIONS`, regions
    whose answers differ even without their waits merge across times (the listed answers
    are the witness's, its waits those of its moment), and finally each such group is one
    region, described as what its parts share and each part's own. At most
    :data:`MAX_REGIONS` are listed, largest first (``differing`` minus their situations is
    what is left out). Each region's ``summary`` is in ``lang`` (Danish by default); the
    order of the regions is the same in every language.
    """
    words = DiffWords(lang)
    english = words if lang == "en" else DiffWords("en")
    space, regions = _regions(a, b, by, as_of)
    differs = [r for r in regions if r.differs]
    differing = sum(space.count(r.assign) for r in differs)
    # (group of waits-free answers, exact answers) -> boxes; the first key is the exact
    # answers again where only the waits differ
    groups: dict[tuple[Hashable, Hashable], list[Box]] = {}
    for region in differs:
        exact = (region.a.key, region.b.key)
        apart = region.a.coarse != region.b.coarse
        groups.setdefault((("coarse", region.a.coarse, region.b.coarse) if apart else exact, exact), []).append(
            _box(region.assign)
        )
    # ever coarser, until the list is readable; each level starts from the one before
    # siblings unite: into value lists (``step intake/closed``), or free where they cover it all
    merged = {key: _merge(space, boxes) for key, boxes in groups.items()}
    regions_of: list[list[Box]] = [[box] for boxes in merged.values() for box in boxes]
    if len(regions_of) > MAX_REGIONS:
        # answers that differ even without their waits group across times
        across: dict[Hashable, list[Box]] = {}
        for (outer, _exact), boxes in merged.items():
            across.setdefault(outer, []).extend(boxes)
        wide = [_merge(space, boxes) for boxes in across.values()]
        regions_of = [[box] for boxes in wide for box in boxes]
        if len(regions_of) > MAX_REGIONS:
            # at last one region per group, a union of boxes
            regions_of = wide
    sized = sorted(
        ((sum(space.size(box) for box in boxes), sorted(boxes, key=space.size, reverse=True)) for boxes in regions_of),
        key=lambda sb: -sb[0],
    )
    read = (_read_schedules(a), _read_schedules(b))
    listed: list[tuple[str, DiffRegion]] = []
    # only the listed regions are routed and described: the rest are counted
    for situations, boxes in sized[:MAX_REGIONS]:
        witness, ans_a, ans_b = _telling(space, boxes[0], by)
        relevant = (read[0] | ans_a.schedules, read[1] | ans_b.schedules)
        # ties in size are ordered by the English summary: one order in every language
        key = space.describe_union(boxes, relevant, english)
        summary = key if words is english else space.describe_union(boxes, relevant, words)
        listed.append(
            (
                key,
                DiffRegion(summary=summary, situations=situations, witness=witness, a=ans_a.summary, b=ans_b.summary),
            )
        )
    listed.sort(key=lambda kr: (-kr[1].situations, kr[0]))
    return Behavioural(situations=space.total(), differing=differing, regions=[r for _k, r in listed])
