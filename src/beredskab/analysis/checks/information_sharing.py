"""BK704 information-sharing: a hand-over between authorities with no basis for sharing without consent.

Retsplejeloven § 115 lets SSP, PSP and KSP partners (school/social/police,
psychiatry/social/police, prison-probation/social/police) exchange information without
the person's consent. Warned, at the action's ``actor``: a rule (or the catch-all) that
can hold after a step other than ``intake`` without consent (the finding ``consent``
false or not established, or no rule reads consent) passes the concern (``next`` or
``notify``) to an actor that is in no such cooperation (empty ``information_sharing``),
while someone other than that actor can have performed that step for the same person,
and the rule cites no other basis (``BL-underretning``, ``BL-15-3``, ``DBL-8``). When
the rule cites ``RPL-115`` the message says so: the receiver is then not declared a
§ 115 partner.

Not judged: police, PET, 112 and the national hotline (they receive under their own
rules); the reporter contacting the first receiver (at ``intake``: not sharing between
authorities); and an actor that itself performed the completed step for the same person
(it already holds the case). "The same person" compares what does not change along the
case (acute, age band, reporter, topic). A warning, because the plan may rely on consent
or a basis the data does not show.

Fix: whichever the text supports, list the actor's cooperation
(``information_sharing: [PSP]``), require ``findings: {consent: true}`` in the rule, or
cite the legal basis for sharing without consent (e.g. ``DBL-8``).

Passing example (the receiver takes part in SSP)::

    actors:
      children: {name: Børn og Familie, kind: children_services, information_sharing: [SSP], ...}
    rules:
      - {id: refer, when: {step: infohus_assessment}, next: [{actor: children, step: visitation}], ...}

Failing example (the receiver is in no § 115 cooperation, no consent is required)::

    actors:
      children: {name: Børn og Familie, kind: children_services, ...}
    rules:
      - {id: refer, when: {step: infohus_assessment}, next: [{actor: children, step: visitation}], ...}
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from ..._i18n import Translate
from ..._problems import Draft
from ...routing.facts import CONSENT
from ...spec.model import ActionSpec, CatchAll, Condition, Rule
from ...spec.vocabulary import ActorKind, LegalBasis
from ..context import CheckContext
from ..space import satisfying

CODE = "BK704"

# these receive concerns under their own rules (emergency calls, police work, advice line)
EXEMPT_KINDS = frozenset({ActorKind.EMERGENCY, ActorKind.POLICE, ActorKind.PET, ActorKind.NATIONAL_HOTLINE})
SHARING_BASES = frozenset({LegalBasis.BL_UNDERRETNING, LegalBasis.BL_15_3, LegalBasis.DBL_8})
# facts of the concern itself, the same at every step of one case (findings, severity, time change)
PERSISTENT = ("acute", "band", "reporter", "topic")

Assign = dict[str, Any]


class _Analysis:
    """Satisfiability questions of this check, cached per condition and assignment."""

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.space = ctx.space
        self._cache: dict[tuple[int, tuple[tuple[str, Any], ...]], bool] = {}
        self._follows_cache: dict[tuple[int, str, int | None], bool] = {}
        self.no_consent: list[Assign] = (
            [{CONSENT: "false"}, {CONSENT: "unknown"}] if CONSENT in self.space.dims else [{}]
        )
        # step -> (actor, condition of the rule that hands the case to it; None: the catch-all)
        self.performers: dict[str, list[tuple[str, Condition | None]]] = {}
        items: list[Rule | CatchAll] = [*ctx.plan.rules, ctx.plan.catch_all]
        for item in items:
            when = item.when if isinstance(item, Rule) else None
            for act in item.next:
                self.performers.setdefault(act.step, []).append((act.actor, when))
                for esc in act.escalation:
                    self.performers.setdefault(esc.step or act.step, []).append((esc.actor, when))

    def holds(self, cond: Condition, assign: Assign) -> bool:
        key = (id(cond), tuple(sorted(assign.items())))
        if key not in self._cache:
            self._cache[key] = satisfying(self.space, cond, assign) is not None
        return self._cache[key]

    def _combos(self, dims: list[str]) -> Iterator[Assign]:
        values = [self.space.dims.get(d, []) for d in dims]
        for combo in itertools.product(*values):
            yield dict(zip(dims, combo, strict=True))

    def shared_by_rule(self, cond: Condition, actor: str) -> str | None:
        """A step (not intake) after which ``cond`` holds without consent while someone else holds the case."""
        for sid, performers in self.performers.items():
            if sid == "intake" or sid not in self.ctx.plan.steps:
                continue
            for other, before in performers:
                if other != actor and self._follows(cond, sid, before):
                    return sid
        return None

    def _follows(self, cond: Condition, sid: str, before: Condition | None) -> bool:
        """Whether ``cond`` can hold without consent after step ``sid`` reached by a rule ``before``
        (None: the catch-all), for the same person; once per rule, step and rule before."""
        key = (id(cond), sid, None if before is None else id(before))
        found = self._follows_cache.get(key)
        if found is None:
            found = self._follows_cache[key] = self._can_follow(cond, sid, before)
        return found

    def _can_follow(self, cond: Condition, sid: str, before: Condition | None) -> bool:
        mine = set(self.space.reads(cond))
        # only facts both conditions read must agree; the others are free for each
        dims = [d for d in PERSISTENT if d in mine and (before is None or d in self.space.reads(before))]
        for combo in self._combos(dims):
            if before is not None and not self.holds(before, combo):
                continue
            if any(self.holds(cond, {"step": sid, **combo, **nc}) for nc in self.no_consent):
                return True
        return False

    def shared_by_catch_all(self, actor: str) -> str | None:
        """A step (not intake) at which the catch-all answers without consent while someone else holds the case."""
        allowed = {nc.get(CONSENT) for nc in self.no_consent}
        for region in self.ctx.regions:
            if region.owner is not None:
                continue
            if CONSENT in self.space.dims and region.assign.get(CONSENT, "false") not in allowed:
                continue
            fixed = region.assign.get("step")
            steps = [fixed] if fixed is not None else list(self.performers)
            combo = {d: region.assign[d] for d in PERSISTENT if d in region.assign}
            for sid in steps:
                if sid == "intake":
                    continue
                for other, before in self.performers.get(sid, []):
                    if other != actor and (before is None or self.holds(before, combo)):
                        return str(sid)
        return None


def check(ctx: CheckContext) -> Iterator[Draft]:
    _ = ctx.translate
    analysis: _Analysis | None = None
    items: list[tuple[tuple[Any, ...], str, Rule | CatchAll]] = [
        (("rules", i), _("rule {rule}").format(rule=repr(r.id)), r) for i, r in enumerate(ctx.plan.rules)
    ]
    items.append((("catch_all",), _("the catch-all"), ctx.plan.catch_all))
    for path, label, item in items:
        if SHARING_BASES & set(item.legal_basis):
            continue
        for key in ("next", "notify"):
            actions: list[ActionSpec] = getattr(item, key)
            for j, act in enumerate(actions):
                actor = ctx.compiled.actors.get(act.actor)
                if actor is None or actor.kind in EXEMPT_KINDS or actor.information_sharing:
                    continue
                analysis = analysis or _Analysis(ctx)
                if isinstance(item, Rule):
                    step = analysis.shared_by_rule(item.when, act.actor)
                else:
                    step = analysis.shared_by_catch_all(act.actor)
                if step is None:
                    continue
                yield Draft(
                    (*path, key, j, "actor"),
                    _message(_, label, item, act.actor, actor.name, step),
                    _(
                        "list the actor's SSP/PSP/KSP cooperation under information_sharing, require "
                        "findings: {{consent: true}}, or cite the legal basis (e.g. DBL-8)"
                    ).format(),
                )


def _message(_: Translate, label: str, item: Rule | CatchAll, aid: str, name: str, step: str) -> str:
    if LegalBasis.RPL_115 in item.legal_basis:
        text = _(
            "{label} cites RPL-115 for passing the concern on to {actor} ({name}) without the person's consent "
            "(e.g. after step {step}), but {actor} takes part in no Retsplejeloven § 115 "
            "cooperation (information_sharing is empty)"
        )
    else:
        text = _(
            "{label} passes the concern on to {actor} ({name}) without the person's consent (e.g. after step "
            "{step}), but {actor} takes part in no Retsplejeloven § 115 cooperation "
            "(information_sharing is empty) and the rule cites no other basis for sharing "
            "(BL-underretning, BL-15-3, DBL-8)"
        )
    return text.format(label=label, actor=repr(aid), name=name, step=repr(step))
