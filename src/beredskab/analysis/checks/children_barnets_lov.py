"""BK701 children-barnets-lov: concerns about children must have a route under Barnets Lov.

Concerns about a child under 18 are reported to the municipality as an *underretning*
(Barnets Lov), and the plan itself rests on Barnets Lov § 15, stk. 3. For every age band
entirely under 18 some rule that can hold for that band must cite ``BL-underretning``,
``BL-stoette`` or
``BL-15-3`` in its ``legal_basis``. A band that spans 18 (e.g. 15-25) is reported as
well: no rule can then treat its children under Barnets Lov and its adults under
Serviceloven § 12 b. The unknown-age band and bands of adults only (``min`` 18 or more,
see BK702) are not judged here. Reported at the band's key.

Fix: give the rule that receives concerns about children
``legal_basis: [BL-underretning]`` (or ``BL-15-3``), or split a band that spans 18.

Passing example::

    age_bands:
      child: {label: under 18, min: 0, max: 17, source: {section: "2"}}
    rules:
      - id: child
        when: {step: intake, age_band: child}
        next: [{actor: children, step: visitation}]
        legal_basis: [BL-underretning]
        ...

Failing example (the child rule cites no Barnets Lov basis)::

    age_bands:
      child: {label: under 18, min: 0, max: 17, source: {section: "2"}}
    rules:
      - id: child
        when: {step: intake, age_band: child}
        next: [{actor: children, step: visitation}]
        legal_basis: [RPL-115]
        ...
"""

from __future__ import annotations

from collections.abc import Iterator

from ..._problems import Draft
from ...spec.vocabulary import LegalBasis
from ..context import CheckContext
from ..space import satisfying

CODE = "BK701"

BARNETS_LOV = frozenset({LegalBasis.BL_UNDERRETNING, LegalBasis.BL_STOETTE, LegalBasis.BL_15_3})


def check(ctx: CheckContext) -> Iterator[Draft]:
    _ = ctx.translate
    children_rules = [r for r in ctx.plan.rules if BARNETS_LOV & set(r.legal_basis)]
    for bid, band in ctx.plan.age_bands.items():
        if band.unknown or band.min is None or band.max is None or band.min >= 18:
            continue
        if band.max >= 18:
            yield Draft(
                ("age_bands", bid),
                _(
                    "age band {band} ({label}, {min}-{max}) spans 18: concerns about persons "
                    "under 18 need a Barnets Lov route, adults a § 12 b route, and no rule can tell them apart"
                ).format(band=repr(bid), label=band.label, min=band.min, max=band.max),
                _("split the band at 18 (e.g. 15-17 and 18-25)"),
                key=True,
            )
            continue
        if any(satisfying(ctx.space, r.when, {"band": bid}) is not None for r in children_rules):
            continue
        yield Draft(
            ("age_bands", bid),
            _(
                "age band {band} ({label}, {min}-{max}): no rule that can hold for it cites "
                "Barnets Lov; concerns about persons under 18 need a Barnets Lov route (underretning)"
            ).format(band=repr(bid), label=band.label, min=band.min, max=band.max),
            _(
                "add legal_basis: [BL-underretning] (or BL-15-3) to the rule that receives concerns about "
                "this band, or add such a rule"
            ),
            key=True,
        )
