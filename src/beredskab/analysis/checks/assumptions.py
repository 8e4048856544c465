"""BK901 assumptions: list every value the plan text does not back (``assumed: true``).

Reviewers see at a glance what rests on the text and what does not: every value marked
``assumed: true`` is listed (at its ``assumed`` key) with its ``note``. Not a fault:
plans must mark what the text does not give (opening hours, for example) rather than
invent it silently.

Passing example (no assumption, nothing reported)::

    schedules:
      always_open: {always: true, source: {section: "3.2.3"}}

Reported example (one info line, at the ``assumed`` key)::

    schedules:
      municipal_hours:
        weekly: {mon: ["08:00-15:00"]}
        assumed: true
        note: The text does not state opening hours.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..._problems import Draft
from ..context import CheckContext

CODE = "BK901"


def check(ctx: CheckContext) -> Iterator[Draft]:

    _ = ctx.translate
    data = ctx.document.data
    for path, value in ctx.mappings:
        if isinstance(value, dict) and value.get("assumed") is True:
            note = value.get("note") or _("no note")
            message = _("assumed, not in the plan text: {where}: {note}").format(where=_name(data, path), note=note)
            yield Draft((*path, "assumed"), message, key=True)


def _name(data: Any, path: tuple[Any, ...]) -> str:
    """``rules[3] (acute-112).next[0]`` rather than ``rules.3.next.0``: rules are known by id."""
    out = ""
    node = data
    for seg in path:
        node = node[seg] if isinstance(node, (dict, list)) else None
        if isinstance(seg, int):
            out += f"[{seg}]"
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                out += f" ({node['id']})"
        else:
            out += f".{seg}" if out else str(seg)
    return out or "(top level)"
