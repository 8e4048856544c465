"""BK401 coverage-gap: some concern is answered by no rule, only by the catch-all.

Every concern must be answered by a rule of the plan; the catch-all is a safety net, not
an answer. Every combination of the plan's finite decision space (acute, age band incl.
unknown, reporter, step, the findings the rules read, severity, topic, and every time
class that really occurs in the coming year: inside or outside each schedule the rules
mention, holiday or not) must be answered by a rule. The check partitions the space by
ordered first match, evaluating each rule three-valued on partial assignments, so the
work grows with the rules, not with the product of all dimensions
(``benchmarks/validate.py``).

Each gap (an uncovered region) is reported at the ``catch_all`` key with a concrete
concern (a real timestamp) in the hint, as a ``beredskab route ... --event -`` command
that reproduces it: ``beredskab route`` sends it to the catch-all. At most 12 regions
per plan are listed, the most general first.

Fix: add rules. Where the text is silent (unknown age at a later step, a topic the plan
does not name), say so with ``assumed: true`` and a ``note``.

Passing example (the last rule answers every step-less remainder)::

    rules:
      - id: acute
        when: {acute: true}
        ...
      - id: everything-else
        when: {acute: false}
        ...

Failing example (not-acute concerns have no rule)::

    rules:
      - id: acute
        when: {acute: true}
        ...
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from ..._problems import Draft
from ..context import CheckContext
from ..space import merge_regions

CODE = "BK401"
MAX_REPORTED = 12


def check(ctx: CheckContext) -> Iterator[Draft]:
    _ = ctx.translate
    gaps = [r for r in ctx.regions if r.owner is None]
    if not gaps:
        return
    merged = merge_regions(ctx.space, gaps)
    merged.sort(key=lambda r: (len(r.assign), ctx.space.describe(r.assign)))
    for region in merged[:MAX_REPORTED]:
        concern = ctx.space.witness(region.assign)
        example = json.dumps(concern, ensure_ascii=False)
        yield Draft(
            ("catch_all",),
            _("no rule answers {concern}; only the catch-all does").format(
                concern=ctx.space.describe(region.assign, _)
            ),
            _("e.g. {command}").format(command=f"beredskab route {ctx.file} --event - <<< '{example}'"),
            key=True,
        )
    if len(merged) > MAX_REPORTED:
        more = _("... and {count} more gaps of this plan").format(count=len(merged) - MAX_REPORTED)
        yield Draft(("catch_all",), more, key=True)
