"""Compiling a plan for routing, and routing one concern to a Decision.

Compilation (once per loaded plan): schedules -> :class:`CompiledSchedule`, conditions
-> durable-rules expressions in a private :class:`RuleEngine`, steps and rules -> the
:class:`RoutingGraph`, and each action's static parts (name, kind, contacts).

Routing: the concern becomes a flat dict of facts (age band, time facts at
``received_at``...); durable-rules fires the first matching rule (ordered first match by
priority); the rule's actions get ``available_from`` / ``act_by`` from the calendar, and
the decision gets its path from the graph.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import operator
import string
from dataclasses import dataclass, field
from typing import Any

from .._errors import ConcernError, suggest
from .._i18n import DEFAULT_LANG, Translate, moment_words, translator
from ..spec.model import ActionSpec, Actor, CatchAll, NationalCatalogue, PlanSpec, Rule, Schedule, parse_duration
from ..spec.vocabulary import FINDINGS, LAW_NAMES, ActorKind, Channel, Reporter
from ._engine import RuleEngine
from ._fast import construct
from .calendar import (
    ZONE,
    CompiledSchedule,
    closed_all_day,
    deadline_at,
    last_closing,
    public_holiday_name,
    steady_offset,
)
from .concern import Action, Concern, ContactPoint, Decision, EscalationNote, SourceRef, TraceStep
from .conditions import compile_condition, first_failure, to_durable
from .facts import HOLIDAY, finding_key, open_key, read_keys, tri, yes_no
from .graph import RoutingGraph

__all__ = ["CATCH_ALL_ID", "SUBSTANTIATED", "CompiledPlan"]

CATCH_ALL_ID = "catch-all"
# what the expected path assumes of a finding the concern has not established (contract: ``path``)
SUBSTANTIATED: dict[str, str] = {
    "relevant": "true",
    "consent": "true",
    "security_threat": "false",
    "ready_to_act": "false",
}
Facts = dict[str, Any]
_UTC = dt.UTC
_TRI = {value: tri(value) for value in (True, False, None)}  # a finding as a fact


# --- compiled actions -----------------------------------------------------------------


@dataclass(frozen=True)
class _CompiledAction:
    spec: ActionSpec
    actor: Actor
    schedule: CompiledSchedule
    contacts: tuple[ContactPoint, ...]
    escalations_closed: tuple[_CompiledAction, ...]
    escalations_deadline: tuple[tuple[str, str], ...]  # (actor id, name)
    # per contact: None for a written channel (read whenever the actor opens), else the
    # schedule a phone or meeting is answered on (the contact's own, else the actor's)
    answered_on: tuple[CompiledSchedule | None, ...]
    # lang -> the "closed now" line cut around its two times (see :func:`_cut`), or None where
    # a catalog orders them otherwise: str.format on every route shows in profiles
    closed_line: dict[str, tuple[str, str, str] | None] = field(default_factory=dict, compare=False, hash=False)

    def reachable(self, available: dt.datetime) -> bool:
        """Whether someone can reach this actor by one of its contacts for it to act at ``available``.

        An employee's own line manager needs no contact in the plan: the employee reaches
        them at work (Randers: employees go to their manager first)."""
        return self.actor.kind is ActorKind.LINE_MANAGER or any(
            s is None or s.is_open(available) for s in self.answered_on
        )


WRITTEN_CHANNELS = frozenset({Channel.EMAIL, Channel.WEB, Channel.POST})
# the facts' yes/no/unknown as the plan writes them (``findings: {consent: true}``)
_FACT_WORDS = {"yes": "true", "no": "false", "unknown": "null"}

# the national ways in every municipality has (domain: national actors), offered when a plan
# names no usable contact for whoever receives a non-acute concern: the hotline while it is
# open, the police's non-emergency line otherwise
WAY_IN_OPEN, WAY_IN_ALWAYS = "national_hotline", "police_114"
# reporters who hand a concern over between authorities, by their own channels: the way in
# is for a worried person (an employee, a citizen, a relative)
_AUTHORITIES = frozenset({Reporter.POLICE.value, Reporter.HOTLINE.value})  # as facts (str)


Said = tuple[str, tuple[tuple[str, str], ...]]
"""A sentence for people: its English message id (domain ``decision``) and its named values."""


def _said(msgid: str, **values: str | None) -> Said:
    return msgid, tuple((k, v or "") for k, v in values.items())


def _say(said: Said, _: Translate) -> str:
    msgid, values = said
    return _(msgid).format(**dict(values))


@dataclass(frozen=True)
class _CompiledRule:
    id: str
    rule: Rule | CatchAll
    next: tuple[_CompiledAction, ...]
    notify: tuple[_CompiledAction, ...]
    source: SourceRef
    assumptions: tuple[Said, ...]
    # someone in ``next`` is reachable whatever the time (a written contact, or the line
    # manager) and no stand-in can take its place in the check: the way in is never needed
    always_reachable: bool = False


def plan_digest(plan: PlanSpec) -> str:
    """``sha256:<hex>`` of the plan's content (canonical JSON): the same for the same plan,
    whatever its comments, key order or file, and different for any change of content."""
    canonical = json.dumps(plan.model_dump(mode="json", by_alias=True), sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class CompiledPlan:
    """Everything routing needs, computed once from a checked plan."""

    def __init__(self, plan: PlanSpec, national: NationalCatalogue) -> None:
        self.slug = plan.municipality.slug
        self._digest: str | None = None  # see digest; a plain attribute for the routing hot path
        self.plan = plan
        # every actor a Decision can name: the plan's, the national ones it lists, and the
        # national ways in the router offers any plan (see WAY_IN_OPEN)
        national_ids = dict.fromkeys((*plan.national_actors, WAY_IN_OPEN, WAY_IN_ALWAYS))
        self.actors: dict[str, Actor] = {**{n: national.actors[n] for n in national_ids}, **plan.actors}
        self.reporting = national.reporting
        self.duties = national.duties
        specs: dict[str, Schedule] = {**national.schedules, **plan.schedules}
        self.schedules = {sid: CompiledSchedule(sid, s) for sid, s in specs.items()}
        self.steps = dict(plan.steps)
        self._band_by_age: list[str] = [""] * 131
        self.unknown_band = ""
        for bid, band in plan.age_bands.items():
            if band.unknown:
                self.unknown_band = bid
            elif band.min is not None and band.max is not None:
                for age in range(band.min, band.max + 1):
                    self._band_by_age[age] = bid
        self._ways_in = tuple(
            # built from known-good values: ActionSpec's own validator need not be built for them
            self._compile_action(ActionSpec.model_construct(actor=aid, step="intake"))
            for aid in (WAY_IN_OPEN, WAY_IN_ALWAYS)
        )
        self.rules = [self._compile_rule(r.id, r) for r in plan.rules]
        self.catch_all = self._compile_rule(CATCH_ALL_ID, plan.catch_all)
        used = read_keys(r.when for r in plan.rules)
        # facts go to durable-rules as JSON on every route: compute only those rules read
        self._finding_keys = tuple((finding_key(n), n) for n in FINDINGS if finding_key(n) in used)
        self._schedule_keys = tuple(
            (open_key(sid), self.schedules[sid]) for sid in self.schedules if open_key(sid) in used
        )
        self._uses_holiday = HOLIDAY in used
        self._conditions = [compile_condition(r.when) for r in plan.rules]
        # the expected path depends on every fact but the step (findings: those established)
        path_keys = ["acute", "band", "reporter", "topic", "severity"]
        path_keys += [key for key, _ in self._finding_keys]
        path_keys += [key for key, _ in self._schedule_keys] + ([HOLIDAY] if self._uses_holiday else [])
        self._path_key = operator.itemgetter(*path_keys)
        self.engine = RuleEngine(self.slug, [to_durable(r.when) for r in plan.rules])
        self._paths: dict[tuple[Any, ...], list[str]] = {}
        # what a decision says that does not depend on the concern, rendered once per language
        # (routing is a hot path): (rule id, lang) -> its first explanation lines and its assumptions
        self._said: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._notices: dict[tuple[str, bool, str], tuple[str, ...]] = {}  # (reporter, child, lang) -> lines
        self._texts: dict[str, dict[str, str]] = {}  # lang -> message id -> the translated message
        self._openings: dict[tuple[str, dt.date], _Openings] = {}  # (schedule id, local day)
        self._moments: dict[tuple[str, dt.datetime], str] = {}  # (lang, Copenhagen time) -> its words
        self._translators: dict[str, Translate] = {}  # lang -> the decision domain's gettext

    def _translator(self, lang: str) -> Translate:
        """The ``decision`` catalog's lookup for ``lang``; a ValueError for a language beredskab does not speak."""
        _ = self._translators[lang] = translator(lang, "decision")
        return _

    @property
    def digest(self) -> str:
        """:func:`plan_digest` of the plan, worked out on first use (validating a plan does not need it)."""
        if self._digest is None:
            self._digest = plan_digest(self.plan)
        return self._digest

    @functools.cached_property
    def graph(self) -> RoutingGraph:
        """The routing graph, built on first use (routing rarely needs it; analyses do)."""
        return RoutingGraph(self.plan)

    # -- compilation helpers

    def _compile_action(self, spec: ActionSpec, step: str | None = None, via: Any = None) -> _CompiledAction:
        actor = self.actors[spec.actor]
        channels = via if via is not None else spec.via
        chosen = [c for c in actor.contacts if channels is None or c.channel in channels]
        contacts = tuple(ContactPoint.model_construct(channel=c.channel, value=c.value, label=c.label) for c in chosen)
        answered_on = tuple(
            None if c.channel in WRITTEN_CHANNELS else self.schedules[c.schedule or actor.schedule] for c in chosen
        )
        closed = tuple(
            self._compile_action(
                ActionSpec.model_construct(actor=e.actor, step=e.step or spec.step, via=e.via), via=e.via
            )
            for e in spec.escalation
            if e.on == "closed"
        )
        deadline = tuple((e.actor, self.actors[e.actor].name) for e in spec.escalation if e.on == "deadline_passed")
        return _CompiledAction(spec, actor, self.schedules[actor.schedule], contacts, closed, deadline, answered_on)

    def _compile_rule(self, rid: str, rule: Rule | CatchAll) -> _CompiledRule:
        source = SourceRef.model_construct(
            rule=rid,
            section=rule.source.section if rule.source else None,
            quote=rule.source.quote if rule.source else None,
            assumed=rule.assumed,
            note=rule.note,
        )
        nxt = tuple(self._compile_action(a) for a in rule.next)
        notify = tuple(self._compile_action(a) for a in rule.notify)
        assumptions: list[Said] = []
        if rule.assumed:
            assumptions.append(_said("rule {rule}: {note}", rule=rid, note=rule.note))
        for act in nxt + notify + tuple(e for a in nxt + notify for e in a.escalations_closed):
            assumptions.extend(_assumed_parts(act))
            for esc in act.spec.escalation:
                if esc.assumed:
                    target = self.actors[esc.actor].name
                    msgid = (
                        "escalation from {actor} to {target} while closed: {note}"
                        if esc.on == "closed"
                        else "escalation from {actor} to {target} when the deadline passes: {note}"
                    )
                    assumptions.append(_said(msgid, actor=act.actor.name, target=target, note=esc.note))
        for basis in rule.legal_basis:
            declared = self.plan.legal_bases.get(basis)
            if declared is not None and declared.assumed:
                # the answer names this law: that the text rests on it is as much an assumption
                law = LAW_NAMES[basis]
                assumptions.append(
                    _said("legal basis {law} ({id}): {note}", law=law, id=basis.value, note=declared.note)
                )
        stand_ins = {e.spec.actor for a in nxt for e in a.escalations_closed}
        by_actor = {a.spec.actor: a for a in nxt}
        always = any(
            aid not in stand_ins and (a.actor.kind is ActorKind.LINE_MANAGER or any(s is None for s in a.answered_on))
            for aid, a in by_actor.items()
        )
        # an actor or schedule shared by several actions is listed once
        return _CompiledRule(rid, rule, nxt, notify, source, tuple(dict.fromkeys(assumptions)), always)

    # -- routing

    def band_of(self, age: int | None) -> str:
        return self.unknown_band if age is None else self._band_by_age[age]

    def facts(self, concern: Concern) -> Facts:
        """The flat facts the rules see: concern fields, age band, and the time facts they use.

        Only schedules and findings some condition mentions are computed: the facts go to
        durable-rules as JSON on every route.
        """
        loc = concern.received_at.astimezone(ZONE)
        return self._facts(concern, loc, (loc.date(), loc.hour * 60 + loc.minute), {})

    def _facts(self, concern: Concern, loc: dt.datetime, when: tuple[dt.date, int], opened: dict[str, bool]) -> Facts:
        """:meth:`facts` at Copenhagen ``loc`` (``when``: its day and minute); records in ``opened``
        whether each schedule the rules read is open then."""
        f = concern.findings
        severity = concern.severity
        age = concern.age
        # ``_value_``: an enum member's ``.value`` is a Python-level property, read on every route
        facts: Facts = {
            "acute": "yes" if concern.acute else "no",
            "band": self.unknown_band if age is None else self._band_by_age[age],
            "reporter": concern.reporter._value_,
            "step": concern.step,
            "topic": concern.topic._value_,
            "severity": severity._value_ if severity else "none",
        }
        established = f.__dict__  # the findings' values (pydantic keeps its fields there)
        for key, name in self._finding_keys:
            facts[key] = _TRI[established[name]]
        for key, sched in self._schedule_keys:
            is_open = opened[sched.id] = sched.open_at(*when)
            facts[key] = "yes" if is_open else "no"
        if self._uses_holiday:
            facts[HOLIDAY] = yes_no(public_holiday_name(when[0]) is not None)
        return facts

    def check_step(self, concern: Concern) -> None:
        if concern.step not in self.steps:
            guess = suggest(concern.step, self.steps)
            # the value is the caller's: never echoed, only the plan's steps are named
            raise ConcernError(
                "step", f"is not a step of plan {self.slug!r} (its steps: {', '.join(self.steps)})", guess
            )

    def first_match(self, facts: Facts) -> int:
        """Index of the deciding rule by plain-Python first match (``len(rules)`` = catch-all)."""
        for i, cond in enumerate(self._conditions):
            if cond.holds(facts):
                return i
        return len(self._conditions)

    def route(self, concern: Concern, lang: str = DEFAULT_LANG, explain: bool = False) -> Decision:
        if not _ANSWERS_BUILT:
            _build_answers()
        _ = self._translators.get(lang) or self._translator(lang)
        if concern.step not in self.steps:
            self.check_step(concern)
        # every time of a Decision in Copenhagen's offset, whatever offset the caller used
        loc = concern.received_at.astimezone(ZONE)
        when = (loc.date(), loc.hour * 60 + loc.minute)
        opened: dict[str, bool] = {}  # schedule id -> open at ``when``, each asked once per route
        facts = self._facts(concern, loc, when, opened)
        index = self.engine.fire(facts)
        compiled = self.catch_all if index >= len(self.rules) else self.rules[index]
        lines, assumptions = self._said.get((compiled.id, lang)) or self._rule_texts(compiled, lang, _)
        texts = self._texts.get(lang) or self._texts.setdefault(lang, {})
        say = _Saying(
            _, lang, when, list(assumptions), loc, opened, texts, self._moments, list(lines), len(assumptions)
        )
        decision = self._decide(concern, compiled, facts, say)
        if explain:
            decision.__dict__["trace"] = self._trace(index, facts, _)
        return decision

    def _trace(self, index: int, facts: Facts, _: Translate) -> list[TraceStep]:
        """Every rule before the deciding one, with the first part of its condition that did not hold.

        Evaluated in plain Python on the same facts the engine fired on; a rule that holds
        here but not in the engine would be a bug in one of them, and is said as such.
        """
        out: list[TraceStep] = []
        for i, compiled in enumerate(self.rules[:index]):
            failed = first_failure(self.plan.rules[i].when, facts)
            where, requires = failed if failed is not None else ("when", ())
            shown = [_FACT_WORDS.get(v, v) for v in requires]
            if failed is None:  # pragma: no cover - the engine and the evaluator agree (tests/test_explain.py)
                text = _("rule {rule}: its condition holds here, yet the engine passed it by").format(rule=compiled.id)
            elif shown:
                text = _("rule {rule}: {condition} asks for {values}").format(
                    rule=compiled.id, condition=where, values=", ".join(shown)
                )
            elif where.endswith(".any"):
                text = _("rule {rule}: none of the alternatives in {condition} holds").format(
                    rule=compiled.id, condition=where
                )
            else:
                text = _("rule {rule}: {condition} excludes this concern").format(rule=compiled.id, condition=where)
            out.append(TraceStep(rule=compiled.id, condition=where, requires=shown, text=text))
        return out

    def expected_path(self, start: str, facts: Facts) -> list[str]:
        """Steps expected from ``start`` to closure if the concern is substantiated.

        Follows the plan's own rules, one step after another, until a terminal step, for
        the same concern with its established findings kept (findings are cumulative)
        and the others as for a concern taken seriously (:data:`SUBSTANTIATED`: relevant,
        consent given, no security threat, not ready to act). Where that course loops or
        stalls, the routing graph's shortest way to closure completes it.
        """
        key = (start, self._path_key(facts))
        cached = self._paths.get(key)
        if cached is not None:
            return list(cached)
        neutral = dict(facts)
        for fact, name in self._finding_keys:
            if neutral[fact] == "unknown":
                neutral[fact] = SUBSTANTIATED.get(name, "unknown")
        path = [start]
        step = start
        while self.steps[step].terminal is None:
            neutral["step"] = step
            index = self.first_match(neutral)
            rule = self.plan.catch_all if index >= len(self.plan.rules) else self.plan.rules[index]
            nxt = rule.next[0].step
            if nxt in path:
                tail = self.graph.path(step)[1:]
                path.extend(s for s in tail if s not in path)
                break
            path.append(nxt)
            step = nxt
        if len(self._paths) > 50_000:  # bounded: the fact space is finite but large
            self._paths.clear()
        self._paths[key] = path
        return list(path)

    def _action(self, act: _CompiledAction, concern: Concern, role: str, say: _Saying) -> Action:
        at = say.at
        if say.is_open(act.schedule):
            available = at
        else:
            opening = self._next_opening(act.schedule, at, say.when)
            if opening is None:  # pragma: no cover - a schedule with hours always reopens
                available = at
            else:
                available = opening
                if available != at:
                    cut = act.closed_line.get(say.lang, _UNCUT)
                    if cut is _UNCUT:
                        cut = act.closed_line[say.lang] = _cut(say.text(_CLOSED), {"name": act.actor.name})
                    if cut is None:
                        say.line(_CLOSED, name=act.actor.name, at=say.moment(at), available=say.moment(available))
                    else:
                        say.lines.append(cut[0] + say.moment(at) + cut[1] + say.moment(available) + cut[2])
        act_by = None if act.spec.deadline is None else self._deadline(act, concern)
        if act_by is not None:
            act_by = act_by.astimezone(ZONE)
            if act_by < available:
                # a promise nobody can keep: said, not hidden behind two correct times
                say.line(
                    "The deadline {act_by} passes before {name} can act ({available}).",
                    act_by=say.moment(act_by),
                    name=act.actor.name,
                    available=say.moment(available),
                )
            elif closed_all_day(act.schedule, act_by):
                # the deadline is real, but the last chance to meet it is the last open time before it
                last = last_closing(act.schedule, act_by)
                if last is not None and last > available:
                    say.line(
                        "The deadline {act_by} falls on a day {name} is closed; its last open time before then "
                        "ends {last}.",
                        act_by=say.moment(act_by),
                        name=act.actor.name,
                        last=say.moment(last),
                    )
            if act.spec.deadline is not None and act.spec.deadline.assumed:
                say.assume("deadline for {name}: {note}", name=act.actor.name, note=act.spec.deadline.note)
        notes = (
            [
                EscalationNote.model_construct(on="deadline_passed", actor=aid, name=name, from_=act_by)
                for aid, name in act.escalations_deadline
            ]
            if act.escalations_deadline
            else []
        )
        spec = act.spec
        action: Action = construct(
            Action,
            {
                "step": spec.step,
                "actor": spec.actor,
                "name": act.actor.name,
                "kind": act.actor.kind,
                "contacts": list(act.contacts),
                "available_from": available,
                "act_by": act_by,
                "role": role,
                "escalation": notes,
            },
        )
        return action

    def _next_opening(
        self, schedule: CompiledSchedule, at: dt.datetime, when: tuple[dt.date, int]
    ) -> dt.datetime | None:
        """``schedule.next_opening(at)`` for a Copenhagen ``at`` (``when``: its day and minute) when the
        schedule is closed, remembered per schedule and day: the day's openings, and the first
        opening after them."""
        key = (schedule.id, when[0])
        openings = self._openings.get(key)
        if openings is None:
            if len(self._openings) > 4096:  # bounded: a long-running service sees every day once
                self._openings.clear()
            openings = self._openings[key] = _Openings(schedule, when[0])
        return openings.after(at, when[1])

    def _deadline(self, act: _CompiledAction, concern: Concern) -> dt.datetime | None:
        if act.spec.deadline is None:
            return None
        severity = concern.severity.value if concern.severity else "unknown"
        return deadline_at(act.spec.deadline, act.schedule, concern.received_at, severity)

    def _actions(self, items: tuple[_CompiledAction, ...], concern: Concern, say: _Saying) -> list[Action]:
        if not items:
            return []
        out = [self._action(a, concern, "primary", say) for a in items]
        for a in items:
            if a.escalations_closed and not say.is_open(a.schedule):
                for esc in a.escalations_closed:
                    out.append(self._action(esc, concern, "escalation", say))
                    if say.is_open(esc.schedule):
                        say.line(
                            "{closed} is closed now: {other} takes the concern meanwhile.",
                            closed=a.actor.name,
                            other=esc.actor.name,
                        )
                    else:  # "meanwhile" only for someone who is open meanwhile
                        say.line(
                            "{closed} is closed now, and so is {other}, who stands in for it.",
                            closed=a.actor.name,
                            other=esc.actor.name,
                        )
        return out

    def _decide(self, concern: Concern, compiled: _CompiledRule, facts: Facts, say: _Saying) -> Decision:
        rule = compiled.rule
        is_catch_all = compiled.id == CATCH_ALL_ID
        nxt = self._actions(compiled.next, concern, say)
        notify = self._actions(compiled.notify, concern, say) if compiled.notify else []
        path = self.expected_path(nxt[0].step, facts)
        if not concern.acute and concern.step == "intake":
            if (
                facts["reporter"] not in _AUTHORITIES
                and not compiled.always_reachable
                and not self._reachable(compiled, nxt, say)
            ):
                nxt.append(self._way_in(compiled, concern, say))
            self._reporter_notice(concern, say)
        decision: Decision = construct(
            Decision,
            {
                "plan": self.slug,
                "next": nxt,
                "notify": notify,
                "rules": [compiled.id],
                "legal_basis": list(rule.legal_basis),
                "sources": [compiled.source],
                "path": path,
                "explanation": say.lines,
                "catch_all": is_catch_all,
                "received_at": say.at,
                # the rule's own are distinct already (see _rule_texts): only added ones can repeat
                "assumptions": assumed if len(assumed := say.assumptions) == say.own else list(dict.fromkeys(assumed)),
                "plan_digest": self._digest or self.digest,
                "trace": None,
            },
        )
        return decision

    def _rule_texts(self, compiled: _CompiledRule, lang: str, _: Translate) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """A rule's first explanation lines and its own assumptions in ``lang``, rendered once."""
        key = (compiled.id, lang)
        texts = self._said.get(key)
        if texts is None:
            rule = compiled.rule
            lines: list[str] = []
            if compiled.id == CATCH_ALL_ID:
                lines.append(_("No rule of the plan covers this concern; the plan's catch-all answers it."))
            lines.append(rule.explanation)  # the plan's own words
            if compiled.id == CATCH_ALL_ID:
                lines.append(_("Decided by the plan's catch-all ({section}).").format(section=_section(rule, _)))
            else:
                lines.append(
                    _("Decided by rule {rule} ({section}).").format(rule=compiled.id, section=_section(rule, _))
                )
            texts = self._said[key] = (tuple(lines), tuple(dict.fromkeys(_say(a, _) for a in compiled.assumptions)))
        return texts

    def _reachable(self, compiled: _CompiledRule, nxt: list[Action], say: _Saying) -> bool:
        """Whether the worried person can reach anyone in ``nxt`` to act, now or when they open."""
        by_actor = {a.spec.actor: a for a in compiled.next}
        for a in compiled.next:
            if not say.is_open(a.schedule):
                by_actor.update((e.spec.actor, e) for e in a.escalations_closed)
        return any(by_actor[action.actor].reachable(action.available_from) for action in nxt)

    def _reporter_notice(self, concern: Concern, say: _Saying) -> None:
        """What the national rules mean for the one who raises the concern: an underretning, anonymity."""
        reporter = concern.reporter._value_
        child = concern.age is not None and concern.age < 18
        key = (reporter, child, say.lang)
        lines = self._notices.get(key)
        if lines is None:
            notice = _Saying(say._, say.lang, say.when, [], say.at, {}, say.texts, self._moments)
            self._notice(reporter, child, notice)
            lines = self._notices[key] = tuple(notice.lines)
        say.lines.extend(lines)

    def _notice(self, reporter: str, child: bool, say: _Saying) -> None:
        """:meth:`_reporter_notice`'s lines, which depend on the reporter, the child and the language only."""
        rules = self.reporting.get(reporter)  # type: ignore[call-overload]
        if rules is None:
            return  # the police or the hotline hand a concern on; they are told nothing here
        if child:
            assessment = self.duties.underretning_assessment
            hours = parse_duration(assessment.within or "PT24H")[1]
            if rules.stricter_duty:
                say.line(
                    "A concern about a child is an underretning (Barnets Lov §§ 133-135): as a public employee you "
                    "have the stricter duty to report and cannot stay anonymous. The municipality must assess it "
                    "within {hours} hours and confirm receipt within {days} working days.",
                    hours=str(hours),
                    days=str(self.duties.underretning_receipt.working_days),
                )
            else:
                say.line(
                    "A concern about a child is an underretning (Barnets Lov §§ 133-135); the municipality "
                    "must assess it within {hours} hours.",
                    hours=str(hours),
                )
        if rules.anonymous:
            say.line("You may stay anonymous.")

    def _way_in(self, compiled: _CompiledRule, concern: Concern, say: _Saying) -> Action:
        """The national way in offered where the plan names no usable contact (an assumption, said so)."""
        hotline, police = self._ways_in
        chosen = hotline if say.is_open(hotline.schedule) else police
        action = self._action(chosen, concern, "way_in", say)
        receivers = ", ".join(dict.fromkeys(a.actor.name for a in compiled.next))
        say.line(
            "The plan gives no contact by which {receivers} can be reached: {name} can be reached now and "
            "takes the concern in meanwhile.",
            receivers=receivers,
            name=chosen.actor.name,
        )
        say.assume(
            "{name} as a way in: the plan gives no usable contact for {receivers}; the national ways in (the "
            "national hotline while it is open, the police's 114 otherwise) are offered instead.",
            name=chosen.actor.name,
            receivers=receivers,
        )
        say.assumptions.extend(_say(a, say._) for a in _assumed_parts(chosen))
        return action


_ANSWERS_BUILT = False


def _build_answers() -> None:
    """Finish the answer's models (deferred at import, see routing/concern.py) before the first route.

    Validating plans never needs them; routing does, and instances made (by ``construct``)
    from a model pydantic has not finished cost more to make, as measured by
    benchmarks/route.py: so they are finished once, here, rather than on first serialization.
    """
    global _ANSWERS_BUILT
    for model in (ContactPoint, EscalationNote, SourceRef, TraceStep, Action, Decision):
        model.model_rebuild()
    _ANSWERS_BUILT = True


def _assumed_parts(act: _CompiledAction) -> list[Said]:
    """The action's actor, schedule and shown contacts where the plan (or the national catalogue) assumes them."""
    out = []
    if act.actor.assumed:
        out.append(_said("{name}: {note}", name=act.actor.name, note=act.actor.note))
    if act.schedule.assumed:
        out.append(_said("{name}: {note}", name=act.schedule.spec.name or act.schedule.id, note=act.schedule.spec.note))
    shown = {(c.channel, c.value) for c in act.contacts}
    out.extend(
        _said("{name}, {value}: {note}", name=act.actor.name, value=c.value, note=c.note)
        for c in act.actor.contacts
        if c.assumed and (c.channel, c.value) in shown
    )
    return out


_CLOSED = "{name} is closed at {at}; it can act from {available}."
_UNCUT = ("", "", "")  # not cut yet (an identity test: a real cut is never this object)


def _cut(text: str, values: dict[str, str]) -> tuple[str, str, str] | None:
    """``text`` with ``values`` filled in, cut around ``{at}`` and then ``{available}``; None if not so."""
    pieces = [""]
    fields: list[str] = []
    for literal, name, spec, conversion in string.Formatter().parse(text):
        pieces[-1] += literal
        if name is None:
            continue
        if name in values and not spec and not conversion:
            pieces[-1] += values[name]
        elif spec or conversion:
            return None
        else:
            fields.append(name)
            pieces.append("")
    if fields != ["at", "available"]:
        return None
    return pieces[0], pieces[1], pieces[2]


def _section(rule: Rule | CatchAll, _: Translate) -> str:
    return rule.source.section if rule.source else _("assumed, not in the plan text")


@dataclass(slots=True)
class _Saying:
    """What one decision says to people, in one language: its explanation lines and assumptions."""

    _: Translate
    lang: str
    when: tuple[dt.date, int]
    assumptions: list[str]
    at: dt.datetime  # received_at in Copenhagen time; ``when`` is its day and minute
    opened: dict[str, bool]  # schedule id -> open at ``when``, filled as asked
    texts: dict[str, str]  # message id -> translated into ``lang``, shared by the plan's routes
    moments: dict[tuple[str, dt.datetime], str]  # (lang, Copenhagen time) -> its words, shared likewise
    lines: list[str] = field(default_factory=list)
    own: int = 0  # how many of ``assumptions`` are the deciding rule's own (distinct already)
    _at_words: str | None = None

    def text(self, msgid: str) -> str:
        """``msgid`` in this language (looked up in the catalog once per plan and language)."""
        text = self.texts.get(msgid)
        if text is None:
            text = self.texts[msgid] = self._(msgid)
        return text

    def line(self, msgid: str, **values: str) -> None:
        self.lines.append(self.text(msgid).format_map(values))

    def assume(self, msgid: str, **values: str | None) -> None:
        self.assumptions.append(_say(_said(msgid, **values), self._))

    def is_open(self, schedule: CompiledSchedule) -> bool:
        """Whether ``schedule`` is open at ``when``, asked of the schedule once per route."""
        is_open = self.opened.get(schedule.id)
        if is_open is None:
            is_open = self.opened[schedule.id] = schedule.open_at(*self.when)
        return is_open

    def moment(self, at: dt.datetime) -> str:
        if at is self.at:  # said of received_at in most lines that name a time
            if self._at_words is None:
                self._at_words = moment_words(at, self.lang)
            return self._at_words
        # the other times are openings, closings and deadlines: few, and said again and again
        loc = at.astimezone(ZONE)
        key = (self.lang, loc)
        words = self.moments.get(key)
        if words is None:
            if len(self.moments) > 4096:
                self.moments.clear()
            words = self.moments[key] = moment_words(loc, self.lang)
        return words


class _Openings:
    """A schedule's openings on one Copenhagen day, to answer ``next_opening`` from a closed moment.

    The same answer as :meth:`CompiledSchedule.next_opening`: the first of the day's open
    spans that starts after the moment, else the schedule's first opening on a later day
    (asked of the schedule itself, once: it does not depend on the moment). On a day with
    one UTC offset (all but two a year) wall-clock minutes order like instants, so the
    moment's minute of the day decides without converting the moment.
    """

    __slots__ = ("_later", "_minutes", "_schedule", "_starts")

    def __init__(self, schedule: CompiledSchedule, day: dt.date) -> None:
        self._schedule = schedule
        self._starts = tuple((start, start.astimezone(ZONE)) for start, _ in schedule.open_spans(day))
        # (wall minute an opening starts, the opening), or None on a day the clocks change
        self._minutes = (
            tuple((local.hour * 60 + local.minute, local) for _, local in self._starts) if steady_offset(day) else None
        )
        self._later: list[dt.datetime | None] = []

    def after(self, at: dt.datetime, minute: int) -> dt.datetime | None:
        """The next opening after ``at``, a moment of this day (``minute`` after its midnight) at
        which the schedule is closed."""
        if self._minutes is not None:
            # openings start on whole minutes: one later than the moment's minute is after it
            for start_minute, local_start in self._minutes:
                if start_minute > minute:
                    return local_start
        else:
            now = at.astimezone(_UTC)
            for start, local_start in self._starts:
                if start > now:
                    return local_start
        if not self._later:  # after the day's last opening: the same for every moment
            self._later.append(self._schedule.next_opening(at))
        return self._later[0]
