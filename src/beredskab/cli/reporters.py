"""Output formats for problems (validate) and decisions (route), in registries keyed by name."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._i18n import DEFAULT_LANG, Translate, local_moment, translator
from .._problems import Problem, Severity
from ..audit.model import ActionSummary, AnswerSummary, PlanDiff, StructuralChange, duration_parts
from ..loader import is_revision
from ..routing.calendar import ZONE
from ..routing.concern import Action, Decision

if TYPE_CHECKING:  # the examples runner loads only for beredskab test
    from ..analysis.examples import ExampleResult

__all__ = [
    "DECISION_REPORTERS",
    "DIFF_REPORTERS",
    "NO_ROUTING_EFFECT",
    "PROBLEM_REPORTERS",
    "TEST_REPORTERS",
    "resolve_problem_format",
]


# --- problems --------------------------------------------------------------------------


def _problems_text(problems: Sequence[Problem], checked: int, hidden_info: int | None = None) -> str:
    """One line per problem, then the counts; ``hidden_info``: how many info ``--no-info`` left out."""
    lines = [p.format() for p in problems]
    counts = {s: sum(1 for p in problems if p.severity is s) for s in Severity}
    info = f"{counts[Severity.INFO]} info" if hidden_info is None else f"{hidden_info} info hidden (--no-info)"
    lines.append(
        f"{checked} file(s) checked: {counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), {info}"
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

_CHANNEL_WORD = {"phone": "call", "email": "write to", "web": "use", "meeting": "meet at", "post": "write to"}


def _when(moment: dt.datetime, lang: str) -> str:
    return local_moment(moment.astimezone(ZONE), lang)


def _action_line(a: Action, received_at: Any, _: Translate, lang: str) -> str:
    how = "; ".join(f"{_(_CHANNEL_WORD.get(c.channel.value, c.channel.value))} {c.value}" for c in a.contacts)
    how = how or _("no contact given in the plan")
    when = _("now") if a.available_from == received_at else _("from {when}").format(when=_when(a.available_from, lang))
    line = f"{a.name} [{a.actor}, {a.kind.value}] - {how} - " + _("can act {when}").format(when=when)
    line += " - " + _("step {step}").format(step=a.step)
    if a.act_by is not None:
        line += " - " + _("act by {when}").format(when=_when(a.act_by, lang))
    if a.role == "escalation":
        line = _("meanwhile: ") + line
    for e in a.escalation:
        line += " - " + _("if late, escalate to {name}").format(name=e.name)
    return line


def _decision_text(d: Decision, lang: str = DEFAULT_LANG) -> str:
    """The text card of a Decision: labels and words from the ``route`` catalog (Danish by default)."""
    _ = translator(lang, "route")
    pad = max(len(_(label)) for label in ("NEXT:", "NOTIFY:", "WHY:", "LAW:", "SOURCE:", "PATH:"))

    def label(text: str) -> str:
        return f"{_(text):<{pad + 1}}"

    out = [_("Plan {plan}, concern received {when}").format(plan=d.plan, when=_when(d.received_at, lang))]
    out += [label("NEXT:") + _action_line(a, d.received_at, _, lang) for a in d.next]
    out += [label("NOTIFY:") + _action_line(a, d.received_at, _, lang) for a in d.notify]
    out.append(label("WHY:") + ("\n" + " " * (pad + 1)).join(d.explanation))
    if d.legal_basis:
        out.append(label("LAW:") + ", ".join(lb.value for lb in d.legal_basis))
    for s in d.sources:
        cite = s.section or _("assumed")
        out.append(label("SOURCE:") + f"{s.rule}: {cite}" + (f' - "{s.quote}"' if s.quote else ""))
    # the contract's path assumes the concern is substantiated: say so, a worried reader may take it as a forecast
    out.append(label("PATH:") + " -> ".join(d.path) + "  " + _("(expected course if the concern is substantiated)"))
    for a in d.assumptions:
        out.append(f"{_('ASSUMED:')} {a}")
    return "\n".join(out)


def _decision_json(d: Decision, lang: str = DEFAULT_LANG) -> str:
    return json.dumps(d.model_dump(mode="json", by_alias=True), ensure_ascii=False, indent=2)


DECISION_REPORTERS: dict[str, Callable[[Decision, str], str]] = {"json": _decision_json, "text": _decision_text}


# --- diffs -----------------------------------------------------------------------------

NO_ROUTING_EFFECT = "structural changes only; no concern is routed differently"
SAME = "no differences: the same content, and every concern routed alike"


def _n(number: int) -> str:
    return f"{number:,}"


def _span_iso(iso: str | None) -> str:
    """``PT0S`` -> ``now``; ``PT56H30M`` -> ``in 56 h 30 min`` (the diff writes hours, minutes, seconds)."""
    if iso is None:
        return "-"
    negative, parts = duration_parts(iso)
    words = " ".join(f"{n} {dict(H='h', M='min', S='s')[u]}" for n, u in parts)
    if not words:
        return "now"
    return ("overdue by " if negative else "in ") + words


def _value(value: Any, width: int = 70) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _change_line(c: StructuralChange) -> str:
    if c.change == "renamed":
        what = f"{c.path}: renamed {c.a!r} -> {c.b!r}"
    elif c.change == "moved":
        what = f"{c.path}: moved from {c.a} to {c.b}"
    elif c.change in ("added", "removed"):
        value = c.b if c.change == "added" else c.a
        # a whole item's body is in the file at the position shown; a scalar is short enough
        what = c.path if isinstance(value, dict | list) else f"{c.path}: {_value(value)}"
    else:
        what = f"{c.path}: {_value(c.a, 40)} -> {_value(c.b, 40)}"
    where = " -> ".join(x for x in (c.a_at, c.b_at) if x)
    return f"{c.change:<8} {what}" + (f"  ({where})" if where else "")


def _actions_text(answer: AnswerSummary) -> str:
    def one(x: ActionSummary) -> str:
        text = f"{x.kind} {x.actor} (step {x.step}), can act {_span_iso(x.wait)}"
        if x.act_by is not None:
            text += f", act by {_span_iso(x.act_by).removeprefix('in ')} after receipt"
        return text + ("" if x.contact else ", NO usable contact")

    parts = [one(x) for x in answer.next] or ["nobody"]
    text = "; ".join(parts)
    if answer.notify:
        text += "; notify " + "; ".join(one(x) for x in answer.notify)
    rules = ", ".join(answer.rules) + (" (catch-all)" if answer.catch_all else "")
    law = ", ".join(answer.legal_basis) or "none given"
    return f"{text}  [rule {rules}; legal basis {law}]"


def _structural_counts(d: PlanDiff) -> tuple[list[StructuralChange], list[StructuralChange]]:
    return [c for c in d.structural if not c.provenance_only], [c for c in d.structural if c.provenance_only]


def _routing_headline(d: PlanDiff) -> str:
    b = d.behavioural
    if b.differing == 0:
        return NO_ROUTING_EFFECT if d.structural else SAME
    listed = sum(r.situations for r in b.regions)
    # regions past the listed ones are counted, not shown: say how much the list covers
    shown = (
        f"in {len(b.regions)} region(s)"
        if listed == b.differing
        else (f"the {len(b.regions)} largest regions, listed, cover {_n(listed)} of them")
    )
    return f"{_n(b.differing)} of {_n(b.situations)} situations are routed differently, {shown}"


def _diff_text(d: PlanDiff, b_rules: Mapping[str, str]) -> str:
    out = [f"{d.a.plan} ({d.a.source}) -> {d.b.plan} ({d.b.source}), compared by {d.by}"]
    if d.same:
        out.append(SAME)
        return "\n".join(out)
    content, provenance = _structural_counts(d)
    out.append("")
    out.append(f"Structure: {len(content)} change(s), and {len(provenance)} to provenance only")
    out += [f"  {_change_line(c)}" for c in content]
    if provenance:
        out.append("  provenance only (sources, quotes, notes):")
        out += [f"    {_change_line(c)}" for c in provenance]
    out.append("")
    out.append("Routing: " + _routing_headline(d))
    for i, r in enumerate(d.behavioural.regions, 1):
        out.append(f"  {i}. {r.summary}  ({_n(r.situations)} of {_n(d.behavioural.situations)})")
        out.append(f"     concern: {json.dumps(r.witness, ensure_ascii=False)}")
        out.append(f"     A {d.a.plan}: {_actions_text(r.a)}")
        out.append(f"     B {d.b.plan}: {_actions_text(r.b)}")
    return "\n".join(out)


def _diff_markdown(d: PlanDiff, b_rules: Mapping[str, str]) -> str:
    # plans, and the file names they come in, arrive in pull requests from outside: every value
    # drawn from them is written literally, as escaped text (md) or as a code span (code)
    from ..audit._templates import markdown_cell as md
    from ..audit._templates import markdown_code as code

    out = [f"### {code(d.a.plan)} → {code(d.b.plan)} (compared by {d.by})", ""]
    out.append(f"A: {code(d.a.source)} · B: {code(d.b.source)}")
    out.append("")
    if d.same:
        return "\n".join([*out, f"**{SAME}**"])
    content, provenance = _structural_counts(d)
    out.append(f"**Structure:** {len(content)} change(s), and {len(provenance)} to provenance only")
    for title, changes in (("", content), ("Provenance only (sources, quotes, notes)", provenance)):
        if not changes:
            continue
        if title:
            out += ["", f"<details><summary>{title}</summary>", ""]
        out += ["", "| change | path | A | B |", "|---|---|---|---|"]
        for c in changes:
            a = code(_value(c.a, 50), in_table=True) if c.a is not None else ""
            b = code(_value(c.b, 50), in_table=True) if c.b is not None else ""
            a += f"<br>{md(c.a_at)}" if c.a_at else ""
            b += f"<br>{md(c.b_at)}" if c.b_at else ""
            out.append(f"| {c.change} | {code(c.path, in_table=True)} | {a} | {b} |")
        if title:
            out += ["", "</details>"]
    out += ["", f"**Routing:** {_routing_headline(d)}"]
    for i, r in enumerate(d.behavioural.regions, 1):
        out += [
            "",
            f"{i}. **{md(r.summary)}** ({_n(r.situations)} of {_n(d.behavioural.situations)})",
            f"   - concern: {code(json.dumps(r.witness, ensure_ascii=False))}",
            f"   - A {code(d.a.plan)}: {md(_actions_text(r.a))}",
            f"   - B {code(d.b.plan)}: {md(_actions_text(r.b))}",
        ]
    return "\n".join(out)


def _diff_json(d: PlanDiff, b_rules: Mapping[str, str]) -> str:
    return json.dumps(d.model_dump(mode="json"), ensure_ascii=False, indent=2)


def _annotation_place(at: str | None, fallback: str) -> str:
    """``file=...,line=...,col=...`` for GitHub from ``file:line:col`` (``REV:PATH`` files by PATH)."""
    if at is None:
        return f"file={_gh_escape(_repo_path(fallback), True)}"
    file, line, col = at.rsplit(":", 2)
    return f"file={_gh_escape(_repo_path(file), True)},line={line},col={col}"


def _repo_path(source: str) -> str:
    """The file in the repository that a ``REV:PATH`` side names (a file as it is)."""
    return source.partition(":")[2].removeprefix("./") if is_revision(source) else source


def _diff_github(d: PlanDiff, b_rules: Mapping[str, str]) -> str:
    lines = []
    for c in d.structural:
        where = _annotation_place(c.b_at, d.b.source)
        title = _gh_escape(f"beredskab diff: {c.change}", True)
        lines.append(f"::notice {where},title={title}::{_gh_escape(_change_line(c))}")
    for r in d.behavioural.regions:
        where = _annotation_place(b_rules.get(r.b.rules[0]) if r.b.rules else None, d.b.source)
        message = (
            f"{r.summary} ({_n(r.situations)} of {_n(d.behavioural.situations)}): "
            f"concern {json.dumps(r.witness, ensure_ascii=False)}\n"
            f"A {d.a.plan}: {_actions_text(r.a)}\nB {d.b.plan}: {_actions_text(r.b)}"
        )
        lines.append(f"::warning {where},title=beredskab diff%3A routed differently::{_gh_escape(message)}")
    if not d.behavioural.regions:
        lines.append(f"::notice title=beredskab diff::{_gh_escape(_routing_headline(d))}")
    return "\n".join(lines)


DIFF_REPORTERS: dict[str, Callable[[PlanDiff, Mapping[str, str]], str]] = {
    "text": _diff_text,
    "markdown": _diff_markdown,
    "json": _diff_json,
    "github": _diff_github,
}


# --- routing examples (beredskab test) ---------------------------------------------------


def _results_text(results: Sequence[ExampleResult], verbose: bool) -> str:
    lines: list[str] = []
    for r in results:
        if r.passed:
            if verbose:
                lines.append(f"PASS {r.file}:{r.line}: {r.name}")
            continue
        lines.append(f"FAIL {r.file}:{r.line}: {r.name}")
        lines += [f"     - {line}" for line in r.failures]
        if r.decision is not None:
            lines.append("     decision: rules " + ", ".join(r.decision.rules))
            lines += [f"       {line}" for line in r.decision.explanation]
    failed = sum(not r.passed for r in results)
    lines.append(f"{len(results) - failed} passed, {failed} failed")
    return "\n".join(lines)


def _results_json(results: Sequence[ExampleResult], verbose: bool) -> str:
    failed = sum(not r.passed for r in results)
    return json.dumps(
        {
            "passed": len(results) - failed,
            "failed": failed,
            "results": [
                {
                    "file": r.file,
                    "line": r.line,
                    "name": r.name,
                    "passed": r.passed,
                    "failures": r.failures,
                    "rules": r.decision.rules if r.decision is not None else [],
                }
                for r in results
            ],
        },
        ensure_ascii=False,
        indent=2,
    )


def _results_junit(results: Sequence[ExampleResult], verbose: bool) -> str:
    """JUnit XML (one testsuite per examples file), as CI systems show test results."""
    import xml.etree.ElementTree as ET

    root = ET.Element("testsuites", name="beredskab test")
    by_file: dict[str, list[ExampleResult]] = {}
    for r in results:
        by_file.setdefault(r.file, []).append(r)
    for file, mine in by_file.items():
        failures = sum(not r.passed for r in mine)
        suite = ET.SubElement(root, "testsuite", name=file, tests=str(len(mine)), failures=str(failures), errors="0")
        for r in mine:
            case = ET.SubElement(suite, "testcase", classname=file, name=r.name, file=file, line=str(r.line))
            if not r.passed:
                failure = ET.SubElement(case, "failure", message=r.failures[0] if r.failures else "failed")
                failure.text = "\n".join(r.failures)
    root.set("tests", str(len(results)))
    root.set("failures", str(sum(not r.passed for r in results)))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def _results_github(results: Sequence[ExampleResult], verbose: bool) -> str:
    lines = []
    for r in results:
        if not r.passed:
            message = f"{r.name}: " + "; ".join(r.failures)
            lines.append(
                f"::error file={_gh_escape(r.file, True)},line={r.line},"
                f"title={_gh_escape('beredskab test', True)}::{_gh_escape(message)}"
            )
    failed = sum(not r.passed for r in results)
    lines.append(f"::notice title=beredskab test::{len(results) - failed} passed, {failed} failed")
    return "\n".join(lines)


TEST_REPORTERS: dict[str, Callable[[Sequence[ExampleResult], bool], str]] = {
    "text": _results_text,
    "json": _results_json,
    "junit": _results_junit,
    "github": _results_github,
}
