"""BK707 published-address: the plan does not say where it is published.

Barnets Lov § 15, stk. 3 has the municipal council publish its plan, and the action
card points readers to the whole plan. ``document.published`` holds the address where
the plan is published (cited, or ``assumed: true`` with a note where the text does not
give it). Reported at ``document`` as info where it is missing.

Fix: add the address where the municipality publishes the plan.

Passing example::

    document:
      title: Handleplan for Infohus Testby 2024-2027
      published: {url: "https://testby.dk/beredskabsplan", source: {section: "Forside"}}

Failing example (no address)::

    document:
      title: Handleplan for Infohus Testby 2024-2027
"""

from __future__ import annotations

from collections.abc import Iterator

from ..._problems import Draft
from ..context import CheckContext

CODE = "BK707"


def check(ctx: CheckContext) -> Iterator[Draft]:
    if ctx.plan.document.published is not None:
        return
    _ = ctx.translate
    yield Draft(
        ("document",),
        _("the plan does not say where it is published (Barnets Lov § 15, stk. 3 has it published)"),
        _("add document.published: {url: ..., source: ...} with the address where the plan is published"),
        key=True,
    )
