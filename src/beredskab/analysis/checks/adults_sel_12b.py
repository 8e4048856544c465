"""BK702 adults-sel-12b: adults must be offered § 12 b counselling, and only with their consent.

Serviceloven § 12 b gives persons over 18 at risk of radicalisation the right to free,
targeted counselling, done in cooperation with the citizen. For every age band of adults
only (``min`` 18 or more) some rule citing ``SEL-12b`` must hold for that band when the
finding ``consent`` is true and never when consent is false or not established. Reported
at the band's key: when no rule reads ``consent`` at all, when the ``SEL-12b`` rules
also hold without consent (the message names them), or when no ``SEL-12b`` rule can hold
for the band.

Fix: one rule for the adults' counselling, with ``legal_basis: [SEL-12b]`` and
``findings: {consent: true}`` in its condition; route the no-consent case by another
rule without ``SEL-12b``.

Passing example::

    rules:
      - id: adult-counselling
        when: {step: visitation, age_band: adult, findings: {consent: true}}
        next: [{actor: adults, step: follow_up}]
        legal_basis: [SEL-12b]
        ...

Failing example (counselling is routed without asking for consent)::

    rules:
      - id: adult-counselling
        when: {step: visitation, age_band: adult}
        next: [{actor: adults, step: follow_up}]
        legal_basis: [SEL-12b]
        ...
"""

from __future__ import annotations

from collections.abc import Iterator

from ..._problems import Draft
from ...routing.facts import CONSENT
from ...spec.vocabulary import LegalBasis
from ..context import CheckContext
from ..space import satisfying

CODE = "BK702"

HINT = "give the adults' counselling rule legal_basis: [SEL-12b] and the condition findings: {{consent: true}}"


def check(ctx: CheckContext) -> Iterator[Draft]:
    _ = ctx.translate
    hint = _(HINT).format()
    sel_rules = [r for r in ctx.plan.rules if LegalBasis.SEL_12B in r.legal_basis]
    reads_consent = CONSENT in ctx.space.dims
    for bid, band in ctx.plan.age_bands.items():
        if band.unknown or band.min is None or band.min < 18:
            continue
        what = _("age band {band} ({label}, {min}-{max})").format(
            band=repr(bid), label=band.label, min=band.min, max=band.max
        )
        if not reads_consent:
            yield Draft(
                ("age_bands", bid),
                _(
                    "{what}: no rule requires the person's consent, but § 12 b counselling "
                    "(Serviceloven § 12 b) is only given in cooperation with the citizen"
                ).format(what=what),
                hint,
                key=True,
            )
            continue
        holding = [r for r in sel_rules if satisfying(ctx.space, r.when, {"band": bid, CONSENT: "true"}) is not None]
        good = [
            r
            for r in holding
            if all(satisfying(ctx.space, r.when, {"band": bid, CONSENT: v}) is None for v in ("false", "unknown"))
        ]
        if good:
            continue
        if holding:
            ids = ", ".join(repr(r.id) for r in holding)
            message = _(
                "{what}: the SEL-12b rule(s) {ids} also hold without the person's consent; "
                "§ 12 b counselling is only given with consent"
            ).format(what=what, ids=ids)
        else:
            message = _(
                "{what}: no rule offering § 12 b counselling (legal_basis SEL-12b) with the person's "
                "consent can hold for this band"
            ).format(what=what)
        yield Draft(("age_bands", bid), message, hint, key=True)
