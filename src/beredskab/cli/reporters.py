"""Output formats for problems (validate) and decisions (route), in registries keyed by name."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Sequence
from typing import Any

from .._problems import Problem, Severity
from ..routing.calendar import ZONE
from ..routing.concern import Action, Decision

__all__ = ["DECISION_REPORTERS", "PROBLEM_REPORTERS", "resolve_problem_format"]


# --- problems --------------------------------------------------------------------------


def _problems_text(problems: Sequence[Problem], checked: int) -> str:
    lines = [p.format() for p in problems]
    counts = {s: sum(1 for p in problems if p.severity is s) for s in Severity}
    lines.append(
        f"{checked} file(s) checked: {counts[Severity.ERROR]} error(s), "
        f"{counts[Severity.WARNING]} warning(s), {counts[Severity.INFO]} info"
    )
    return "\n".join(lines)


def _problems_json(problems: Sequence[Problem], checked: int) -> str:
    return json.dumps(
        {"files_checked": checked, "problems": [p.to_dict() for p in problems]}, ensure_ascii=False, indent=2
    )


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _problems_github(problems: Sequence[Problem], checked: int) -> str:
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    lines = []
    for p in problems:
        msg = f"{p.code} {p.message}" + (f" ({p.hint})" if p.hint else "")
        lines.append(
            f"::{level[p.severity]} file={_gh_escape(p.file, True)},line={p.line},col={p.col},"
            f"title={_gh_escape(' '.join(filter(None, (p.code, p.name))), True)}::{_gh_escape(msg)}"
        )
    return "\n".join(lines)


PROBLEM_REPORTERS: dict[str, Callable[[Sequence[Problem], int], str]] = {
    "text": _problems_text,
    "json": _problems_json,
    "github": _problems_github,
}


def resolve_problem_format(name: str) -> str:
    """``auto`` is ``github`` inside GitHub Actions, else ``text``."""
    if name == "auto":
        return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    return name


# --- decisions -------------------------------------------------------------------------

_CHANNEL_WORD = {"phone": "ring", "email": "skriv til", "web": "brug", "meeting": "møde", "post": "skriv til"}


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(ZONE).strftime("%a %d.%m.%Y %H:%M")


def _action_line(a: Action, received_at: Any) -> str:
    how = "; ".join(f"{_CHANNEL_WORD.get(c.channel.value, c.channel.value)} {c.value}" for c in a.contacts)
    how = how or "no contact given in the plan"
    when = "now" if a.available_from == received_at else f"from {_when(a.available_from)}"
    line = f"{a.name} [{a.actor}, {a.kind.value}] - {how} - can act {when} - step {a.step}"
    if a.act_by is not None:
        line += f" - act by {_when(a.act_by)}"
    if a.role == "escalation":
        line = "meanwhile: " + line
    for e in a.escalation:
        line += f" - if late, escalate to {e.name}"
    return line


def _decision_text(d: Decision) -> str:
    out = [f"Plan {d.plan}, concern received {_when(d.received_at)}"]
    out += [f"NEXT:   {_action_line(a, d.received_at)}" for a in d.next]
    out += [f"NOTIFY: {_action_line(a, d.received_at)}" for a in d.notify]
    out.append("WHY:    " + "\n        ".join(d.explanation))
    if d.legal_basis:
        out.append("LAW:    " + ", ".join(lb.value for lb in d.legal_basis))
    for s in d.sources:
        cite = s.section or "assumed"
        out.append(f"SOURCE: {s.rule}: {cite}" + (f' - "{s.quote}"' if s.quote else ""))
    # the contract's path assumes the concern is substantiated: say so, a worried reader may take it as a forecast
    out.append("PATH:   " + " -> ".join(d.path) + "  (expected course if the concern is substantiated)")
    for a in d.assumptions:
        out.append(f"ASSUMED: {a}")
    return "\n".join(out)


def _decision_json(d: Decision) -> str:
    return json.dumps(d.model_dump(mode="json", by_alias=True), ensure_ascii=False, indent=2)


DECISION_REPORTERS: dict[str, Callable[[Decision], str]] = {"json": _decision_json, "text": _decision_text}
