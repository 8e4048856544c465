"""BK705 legal-basis: a rule cites a legal basis the plan does not declare, or one that cannot be the basis of the concerns it decides.

An auditor reads a decision's ``legal_basis`` as the law the municipality acts under, so
each id a rule (or the catch-all) cites must be declared under the plan's top-level
``legal_bases`` (with the place in the plan's text that names the law, or
``assumed: true`` and a note where the text does not name it), and must fit the concerns
the rule can decide:

- ``BL-15-3`` is the municipal council's duty to keep this plan, not the basis of a
  single case: cite ``BL-underretning`` for a concern about a child;
- ``STRFL-114`` (terrorism) only on a rule that requires ``security_threat: true``:
  an acute concern is not in itself a terrorism case;
- ``SEL-12b`` (counselling of persons over 18) not on a rule that can decide a concern
  about someone under 18;
- ``BL-underretning``, ``BL-stoette`` and ``BL-15-3`` (children under 18) not on a rule that
  can decide a concern about someone of 18 or over.

Each fault is an error, and a warning where the rule itself is ``assumed: true`` (the
plan already says that the rule is not the text's). Reported at the cited id.

Fix: declare the law where the text names it, or cite the basis that fits the rule's
concerns (and narrow the rule's ``age_band`` or ``findings`` where it decides too much).

Passing example::

    legal_bases:
      STRFL-114: {source: {section: "2.2", quote: "sager om terror varetages af PET"}}
    rules:
      - id: threat
        when: {step: police_assessment, findings: {security_threat: true}}
        next: [{actor: pet, step: pet_handover}]
        legal_basis: [STRFL-114]
        ...

Failing example (every acute concern is cited as terrorism, and the law is not declared)::

    rules:
      - id: acute
        when: {acute: true}
        next: [{actor: alarm_112, step: police_assessment}]
        legal_basis: [STRFL-114]
        ...
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..._problems import Draft, Severity
from ...routing.facts import finding_key
from ...spec.model import CatchAll, Rule
from ...spec.vocabulary import LegalBasis
from ..context import CheckContext
from ..space import satisfying

CODE = "BK705"

THREAT = finding_key("security_threat")
CHILDREN = frozenset({LegalBasis.BL_UNDERRETNING, LegalBasis.BL_15_3, LegalBasis.BL_STOETTE})


def check(ctx: CheckContext) -> Iterator[Draft]:
    _ = ctx.translate
    plan = ctx.plan
    items: list[tuple[tuple[Any, ...], str, Rule | CatchAll]] = [
        (("rules", i), _("rule {rule}").format(rule=repr(r.id)), r) for i, r in enumerate(plan.rules)
    ]
    items.append((("catch_all",), _("the catch-all"), plan.catch_all))
    under_18 = [bid for bid, b in plan.age_bands.items() if not b.unknown and b.min is not None and b.min < 18]
    adult = [bid for bid, b in plan.age_bands.items() if not b.unknown and b.max is not None and b.max >= 18]
    # (the bases, what each is for; the bands it must not decide; who they are; the fix)
    age_rules = [
        (
            {LegalBasis.SEL_12B: _("counselling of persons over 18")},
            under_18,
            _("someone under 18"),
            _(
                "narrow the rule's age_band to adults, or cite the children's basis (BL-underretning; "
                "BL-stoette for measures)"
            ),
        ),
        (
            {b: _("children under 18") for b in CHILDREN},
            adult,
            _("someone of 18 or over"),
            _("narrow the rule's age_band to children, or cite the adults' basis (SEL-12b)"),
        ),
    ]
    for path, label, item in items:
        severity = Severity.WARNING if item.assumed else None
        rule = item if isinstance(item, Rule) else None

        def can_hold(fixed: dict[str, str], rule: Rule | None = rule) -> bool:
            # the catch-all answers whatever no rule does: it can hold anywhere
            return rule is None or satisfying(ctx.space, rule.when, fixed) is not None

        for k, basis in enumerate(item.legal_basis):
            where = (*path, "legal_basis", k)
            if basis not in plan.legal_bases:
                yield Draft(
                    where,
                    _("{label} cites {basis}, which the plan does not declare under legal_bases").format(
                        label=label, basis=basis.value
                    ),
                    _(
                        "add legal_bases: {{{basis}: {{source: ...}}}} citing where the text names the law, "
                        "or assumed: true with a note where it does not"
                    ).format(basis=basis.value),
                    severity=severity,
                )
            if basis is LegalBasis.BL_15_3:
                yield Draft(
                    where,
                    _(
                        "{label} cites BL-15-3, the municipality's duty to keep this plan, as the basis of a single"
                        " case"
                    ).format(label=label),
                    _("cite BL-underretning for a concern about a child, or no basis"),
                    severity=severity,
                )
            if basis is LegalBasis.STRFL_114:
                others = ["false", "unknown"] if THREAT in ctx.space.dims else [None]
                if any(can_hold({THREAT: v} if v else {}) for v in others):
                    yield Draft(
                        where,
                        _(
                            "{label} cites STRFL-114 (terrorism) but can decide a concern without an established "
                            "security threat; an acute concern is not in itself a terrorism case"
                        ).format(label=label),
                        _("require findings: {{security_threat: true}}, or drop STRFL-114").format(),
                        severity=severity,
                    )
            for bases, bands, whom, hint in age_rules:
                if basis not in bases:
                    continue
                wrong = [bid for bid in bands if can_hold({"band": bid})]
                if wrong:
                    yield Draft(
                        where,
                        _(
                            "{label} cites {basis} ({purpose}) but can decide a concern about {whom} (age band {band})"
                        ).format(label=label, basis=basis.value, purpose=bases[basis], whom=whom, band=repr(wrong[0])),
                        hint,
                        severity=severity,
                    )
