"""Output formats for problems (validate) and decisions (route), in registries keyed by name."""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._i18n import DEFAULT_LANG, Translate, moment_words, translator
from .._problems import Problem, Severity
from .._problems import words as problem_words
from ..loader import is_revision
from ..plan import Plan
from ..routing.calendar import ZONE
from ..routing.concern import Action, Decision
from ..spec.vocabulary import KIND_WORDS, LAW_NAMES

if TYPE_CHECKING:  # the examples runner loads only for beredskab test, the diff's words for diff
    from ..analysis.examples import ExampleResult, PlanCoverage, RuleCoverage
    from ..audit.diff_words import DiffWords
    from ..audit.model import ActionSummary, AnswerSummary, PlanDiff, StructuralChange

__all__ = [
    "DECISION_REPORTERS",
    "DIFF_REPORTERS",
    "NO_ROUTING_EFFECT",
    "PROBLEM_REPORTERS",
    "TEST_REPORTERS",
    "resolve_problem_format",
]


# --- problems --------------------------------------------------------------------------


def _problems_text(
    problems: Sequence[Problem], checked: int, hidden_info: int | None = None, *, lang: str = DEFAULT_LANG
) -> str:
    """One line per problem, then the counts; ``hidden_info``: how many info ``--no-info`` left out.

    ``lang`` translates the severity words and the summary (the problems' messages are
    already in the language ``validate`` made them in).
    """
    _ = problem_words(lang)
    lines = [p.format(lang) for p in problems]
    counts = {s: sum(1 for p in problems if p.severity is s) for s in Severity}
    if hidden_info is None:
        info = _("{count} info").format(count=counts[Severity.INFO])
    else:
        info = _("{count} info hidden (--no-info)").format(count=hidden_info)
    lines.append(
        _("{checked} file(s) checked: {errors} error(s), {warnings} warning(s), {info}").format(
            checked=checked, errors=counts[Severity.ERROR], warnings=counts[Severity.WARNING], info=info
        )
    )
    return "\n".join(lines)


def _problems_summary(
    problems: Sequence[Problem], checked: int, *, lang: str = DEFAULT_LANG, paths: Sequence[str] = ()
) -> str:
    """The counts in one line, and the command that lists every problem (``paths``: what was checked)."""
    text = _problems_text(problems, checked, lang=lang).splitlines()[-1]
    if not problems:
        return text
    command = "beredskab validate " + " ".join(shlex.quote(p) for p in paths) if paths else "beredskab validate"
    return problem_words(lang)("{summary}; every problem: {command}").format(summary=text, command=command)


def _problems_json(problems: Sequence[Problem], checked: int, *, lang: str = DEFAULT_LANG) -> str:
    """Keys, codes, names and severities are the same in every language; message and hint follow ``validate``."""
    return json.dumps(
        {"files_checked": checked, "problems": [p.to_dict() for p in problems]}, ensure_ascii=False, indent=2
    )


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _problems_github(problems: Sequence[Problem], checked: int, *, lang: str = DEFAULT_LANG) -> str:
    """Annotation levels are GitHub's words in every language; message and hint follow ``validate``."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    lines = []
    for p in problems:
        msg = f"{p.code} {p.message}" + (f" ({p.hint})" if p.hint else "")
        lines.append(
            f"::{level[p.severity]} file={_gh_escape(p.file, True)},line={p.line},col={p.col},"
            f"title={_gh_escape(' '.join(filter(None, (p.code, p.name))), True)}::{_gh_escape(msg)}"
        )
    return "\n".join(lines)


# each takes (problems, files checked, *, lang)
PROBLEM_REPORTERS: dict[str, Callable[..., str]] = {
    "text": _problems_text,
    "json": _problems_json,
    "github": _problems_github,
    "summary": _problems_summary,
}


def resolve_problem_format(name: str) -> str:
    """``auto`` is ``github`` inside GitHub Actions, else ``text``."""
    if name == "auto":
        return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    return name


# --- decisions -------------------------------------------------------------------------

_CHANNEL_WORD = {"phone": "call", "email": "write to", "web": "use", "meeting": "meet at", "post": "write to"}


def _when(moment: dt.datetime, lang: str) -> str:
    return moment_words(moment.astimezone(ZONE), lang)


def _action_line(a: Action, received_at: Any, _: Translate, lang: str, plan: Plan | None) -> str:
    how = "; ".join(f"{_(_CHANNEL_WORD.get(c.channel.value, c.channel.value))} {c.value}" for c in a.contacts)
    how = how or _("no contact given in the plan")
    when = _("now") if a.available_from == received_at else _("from {when}").format(when=_when(a.available_from, lang))
    line = f"{a.name} ({translator(lang)(KIND_WORDS[a.kind])}) - {how} - " + _("can act {when}").format(when=when)
    line += " - " + _("next: {step}").format(step=_step_name(a.step, plan))
    if a.act_by is not None:
        line += " - " + _("act by {when}").format(when=_when(a.act_by, lang))
    if a.role == "escalation":
        line = _("meanwhile: ") + line
    elif a.role == "way_in":
        line = _("way in (assumed, not in the plan): ") + line
    for e in a.escalation:
        line += " - " + _("if late, escalate to {name}").format(name=e.name)
    return line


def _step_name(step: str, plan: Plan | None) -> str:
    """The plan's own name of a step (its id when the plan is not at hand)."""
    if plan is not None and step in plan.steps:
        return plan.steps[step].name
    return step


def _decision_text(d: Decision, lang: str = DEFAULT_LANG, plan: Plan | None = None) -> str:
    """The text card of a Decision: labels and words from the ``route`` catalog (Danish by default).

    Steps by the plan's names, laws by their names, actor kinds in words; the ids are in the JSON."""
    _ = translator(lang, "route")
    pad = max(len(_(label)) for label in ("NEXT:", "NOTIFY:", "WHY:", "LAW:", "SOURCE:", "PATH:", "TRIED:"))

    def label(text: str) -> str:
        return f"{_(text):<{pad + 1}}"

    name = plan.municipality.name if plan is not None else d.plan
    out = [_("Plan {plan}, concern received {when}").format(plan=name, when=_when(d.received_at, lang))]
    out += [label("NEXT:") + _action_line(a, d.received_at, _, lang, plan) for a in d.next]
    out += [label("NOTIFY:") + _action_line(a, d.received_at, _, lang, plan) for a in d.notify]
    out.append(label("WHY:") + ("\n" + " " * (pad + 1)).join(d.explanation))
    if d.legal_basis:
        out.append(label("LAW:") + ", ".join(LAW_NAMES[lb] for lb in d.legal_basis))
    for s in d.sources:
        cite = s.section or _("assumed")
        out.append(label("SOURCE:") + cite + (f' - "{s.quote}"' if s.quote else ""))
    # the contract's path assumes the concern is substantiated: say so, a worried reader may take it as a forecast
    course = " -> ".join(_step_name(step, plan) for step in d.path)
    out.append(label("PATH:") + course + "  " + _("(expected course if the concern is substantiated)"))
    for a in d.assumptions:
        out.append(f"{_('ASSUMED:')} {a}")
    if d.trace is not None:
        # route --explain: why each rule before the deciding one did not decide
        tried = [t.text for t in d.trace] or [_("the deciding rule is the plan's first")]
        out.append(label("TRIED:") + ("\n" + " " * (pad + 1)).join(tried))
    return "\n".join(out)


def _decision_json(d: Decision, lang: str = DEFAULT_LANG, plan: Plan | None = None) -> str:
    return json.dumps(d.model_dump(mode="json", by_alias=True), ensure_ascii=False, indent=2)


DECISION_REPORTERS: dict[str, Callable[[Decision, str, Plan | None], str]] = {
    "json": _decision_json,
    "text": _decision_text,
}


# --- diffs -----------------------------------------------------------------------------

NO_ROUTING_EFFECT = "structural changes only; no concern is routed differently"
SAME = "no differences: the same content, and every concern routed alike"
# the words of the ``diff`` catalog that are chosen from data (message ids, so English needs no catalog)
_CHANGE_KINDS = ("added", "removed", "changed", "moved", "renamed")
_COMPARED_BY = {"actor": "compared by actor", "role": "compared by role"}


def _value(value: Any, width: int = 70, w: DiffWords | None = None) -> str:
    # a duration as people say it (PT24H: '1 d'), the rest as the plan has it
    if isinstance(value, str) and w is not None:
        value = w.duration(value) or value
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _change_line(c: StructuralChange, w: DiffWords) -> str:
    if c.change == "renamed":
        what = f"{c.path}: {c.a!r} -> {c.b!r}"
    elif c.change == "moved":
        what = f"{c.path}: " + w("moved from {a} to {b}").format(a=w.rule_place(c.a), b=w.rule_place(c.b))
    elif c.change in ("added", "removed"):
        value = c.b if c.change == "added" else c.a
        # a whole item's body is in the file at the position shown; a scalar is short enough
        what = c.path if isinstance(value, dict | list) else f"{c.path}: {_value(value, w=w)}"
    else:
        what = f"{c.path}: {_value(c.a, 40, w)} -> {_value(c.b, 40, w)}"
    where = " -> ".join(x for x in (c.a_at, c.b_at) if x)
    pad = max(len(w.change(k)) for k in _CHANGE_KINDS)
    return f"{w.change(c.change):<{pad}} {what}" + (f"  ({where})" if where else "")


_LAW_BY_ID = {str(k): v for k, v in LAW_NAMES.items()}


def _actions_text(answer: AnswerSummary, w: DiffWords) -> str:
    def one(x: ActionSummary) -> str:
        text = w("{kind} {actor} (step {step})").format(
            kind=w.value(x.kind), actor=x.name or x.actor, step=x.step_name or x.step
        )
        text += ", " + w.can_act(x.wait)
        if x.act_by is not None:
            text += ", " + w.act_by(x.act_by)
        return text + ("" if x.contact else ", " + w("NO usable contact"))

    parts = [one(x) for x in answer.next] or [w("nobody")]
    text = "; ".join(parts)
    if answer.notify:
        text += "; " + w("notify {actions}").format(actions="; ".join(one(x) for x in answer.notify))
    rules = ", ".join(answer.rules) + (f" ({w('catch-all')})" if answer.catch_all else "")
    law = ", ".join(_LAW_BY_ID.get(x, x) for x in answer.legal_basis) or w("none given")
    return f"{text}  [" + w("rule {rules}; legal basis {law}").format(rules=rules, law=law) + "]"


def _structural_counts(d: PlanDiff) -> tuple[list[StructuralChange], list[StructuralChange]]:
    return [c for c in d.structural if not c.provenance_only], [c for c in d.structural if c.provenance_only]


def _structure_headline(d: PlanDiff, w: DiffWords) -> str:
    content, provenance = _structural_counts(d)
    return w("{n} change(s), and {p} to provenance only").format(n=w.number(len(content)), p=w.number(len(provenance)))


def _routing_headline(d: PlanDiff, w: DiffWords) -> str:
    b = d.behavioural
    if b.differing == 0:
        return w(NO_ROUTING_EFFECT) if d.structural else w(SAME)
    listed = sum(r.situations for r in b.regions)
    # regions past the listed ones are counted, not shown: say how much the list covers
    share = w.share(b.differing, b.situations)
    if listed == b.differing:
        return w("{share} are routed differently, in {n} region(s)").format(share=share, n=len(b.regions))
    return w("{share} are routed differently; the {n} largest regions, listed, cover {percent}% of them").format(
        share=share, n=len(b.regions), percent=w.percent(listed, b.differing)
    )


def _rule_side(rule: dict[str, Any], w: DiffWords) -> str:
    """A rule's fields in one line, as the plan writes them: ``when: {...} · next: [...]``."""
    return " · ".join(f"{key}: {value}" for key, value in w.rule_lines(rule))


def _rules_text(d: PlanDiff, w: DiffWords) -> list[str]:
    """Each changed rule before (A) and after (B)."""
    if not d.rules:
        return []
    out = ["  " + w("Rules, before and after:")]
    for r in d.rules:
        where = " -> ".join(x for x in (r.a_at, r.b_at) if x)
        old = r.a.get("id", r.rule)
        renamed = f" ({w('was {old}').format(old=old)})" if old != r.rule else ""
        out.append(f"    {r.rule}{renamed}" + (f"  ({where})" if where else ""))
        out.append(f"      A: {_rule_side(r.a, w)}")
        out.append(f"      B: {_rule_side(r.b, w)}")
    return out


def _rules_markdown(d: PlanDiff, w: DiffWords) -> list[str]:
    """The changed rules in a table of the changes' four columns: each side its fields, then its place."""
    from ..audit._templates import markdown_cell as md
    from ..audit._templates import markdown_code as code

    if not d.rules:
        return []
    out = ["", f"| {w('change')} | {w('rule')} | A | B |", "|---|---|---|---|"]
    for r in d.rules:
        sides = []
        for rule, at in ((r.a, r.a_at), (r.b, r.b_at)):
            lines = [code(f"{k}: {v}", in_table=True) for k, v in w.rule_lines(rule)]
            sides.append("<br>".join(lines + ([md(at)] if at else [])))
        kind = "renamed" if r.a.get("id", r.rule) != r.rule else "changed"
        out.append(f"| {w.change(kind)} | {code(r.rule, in_table=True)} | {sides[0]} | {sides[1]} |")
    return out


def _diff_text(d: PlanDiff, b_rules: Mapping[str, str], lang: str = DEFAULT_LANG) -> str:
    from ..audit.diff_words import DiffWords  # only diff needs the diff's words

    w = DiffWords(lang)
    out = [f"{d.a.plan} ({d.a.source}) -> {d.b.plan} ({d.b.source}), {w(_COMPARED_BY[d.by])}"]
    if d.same:
        out.append(w(SAME))
        return "\n".join(out)
    content, provenance = _structural_counts(d)
    out.append("")
    out.append(f"{w('Structure:')} {_structure_headline(d, w)}")
    out += [f"  {_change_line(c, w)}" for c in content]
    out += _rules_text(d, w)
    if provenance:
        out.append("  " + w("provenance only (sources, quotes, notes):"))
        out += [f"    {_change_line(c, w)}" for c in provenance]
    out.append("")
    out.append(f"{w('Routing:')} {_routing_headline(d, w)}")
    for i, r in enumerate(d.behavioural.regions, 1):
        out.append(f"  {i}. {r.summary}  ({w.part(r.situations, d.behavioural.situations)})")
        out.append(f"     {w('concern:')} {json.dumps(r.witness, ensure_ascii=False)}")
        out.append(f"     A {d.a.plan}: {_actions_text(r.a, w)}")
        out.append(f"     B {d.b.plan}: {_actions_text(r.b, w)}")
    return "\n".join(out)


def _diff_markdown(d: PlanDiff, b_rules: Mapping[str, str], lang: str = DEFAULT_LANG) -> str:
    # plans, and the file names they come in, arrive in pull requests from outside: every value
    # drawn from them is written literally, as escaped text (md) or as a code span (code)
    from ..audit._templates import markdown_cell as md
    from ..audit._templates import markdown_code as code
    from ..audit.diff_words import DiffWords  # only diff needs the diff's words

    w = DiffWords(lang)
    out = [f"### {code(d.a.plan)} → {code(d.b.plan)} ({w(_COMPARED_BY[d.by])})", ""]
    out.append(f"A: {code(d.a.source)} · B: {code(d.b.source)}")
    out.append("")
    if d.same:
        return "\n".join([*out, f"**{w(SAME)}**"])
    content, provenance = _structural_counts(d)
    out.append(f"**{w('Structure:')}** {_structure_headline(d, w)}")
    for title, changes in (("", content), (w("Provenance only (sources, quotes, notes)"), provenance)):
        if not changes:
            continue
        if title:
            out += ["", f"<details><summary>{title}</summary>", ""]
        out += ["", f"| {w('change')} | {w('path')} | A | B |", "|---|---|---|---|"]
        for c in changes:
            a = code(_value(c.a, 50, w), in_table=True) if c.a is not None else ""
            b = code(_value(c.b, 50, w), in_table=True) if c.b is not None else ""
            a += f"<br>{md(c.a_at)}" if c.a_at else ""
            b += f"<br>{md(c.b_at)}" if c.b_at else ""
            out.append(f"| {w.change(c.change)} | {code(c.path, in_table=True)} | {a} | {b} |")
        if title:
            out += ["", "</details>"]
        else:
            out += _rules_markdown(d, w)
    out += ["", f"**{w('Routing:')}** {_routing_headline(d, w)}"]
    for i, r in enumerate(d.behavioural.regions, 1):
        out += [
            "",
            f"{i}. **{md(r.summary)}** ({w.part(r.situations, d.behavioural.situations)})",
            f"   - {w('concern:')} {code(json.dumps(r.witness, ensure_ascii=False))}",
            f"   - A {code(d.a.plan)}: {md(_actions_text(r.a, w))}",
            f"   - B {code(d.b.plan)}: {md(_actions_text(r.b, w))}",
        ]
    return "\n".join(out)


def _diff_json(d: PlanDiff, b_rules: Mapping[str, str], lang: str = DEFAULT_LANG) -> str:
    """The contract's PlanDiff: machine fields in every language (only the regions' summaries follow ``lang``)."""
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


def _diff_github(d: PlanDiff, b_rules: Mapping[str, str], lang: str = DEFAULT_LANG) -> str:
    from ..audit.diff_words import DiffWords  # only diff needs the diff's words

    w = DiffWords(lang)
    lines = []
    for c in d.structural:
        where = _annotation_place(c.b_at, d.b.source)
        title = _gh_escape(f"beredskab diff: {w.change(c.change)}", True)
        lines.append(f"::notice {where},title={title}::{_gh_escape(_change_line(c, w))}")
    for r in d.behavioural.regions:
        where = _annotation_place(b_rules.get(r.b.rules[0]) if r.b.rules else None, d.b.source)
        message = (
            f"{r.summary} ({w.part(r.situations, d.behavioural.situations)}): "
            f"{w('concern:')} {json.dumps(r.witness, ensure_ascii=False)}\n"
            f"A {d.a.plan}: {_actions_text(r.a, w)}\nB {d.b.plan}: {_actions_text(r.b, w)}"
        )
        title = _gh_escape(f"beredskab diff: {w('routed differently')}", True)
        lines.append(f"::warning {where},title={title}::{_gh_escape(message)}")
    if not d.behavioural.regions:
        lines.append(f"::notice title=beredskab diff::{_gh_escape(_routing_headline(d, w))}")
    return "\n".join(lines)


DIFF_REPORTERS: dict[str, Callable[[PlanDiff, Mapping[str, str], str], str]] = {
    "text": _diff_text,
    "markdown": _diff_markdown,
    "json": _diff_json,
    "github": _diff_github,
}


# --- routing examples (beredskab test) ---------------------------------------------------


def _rule_coverage_words(r: RuleCoverage) -> str:
    """What the examples did with one rule (a RuleCoverage), in the command's language."""
    from ..analysis.examples import COVERED, UNCOVERED
    from .common import words as _

    if r.status == COVERED:
        return _("exercised by {count} example(s)").format(count=r.examples)
    if r.status == UNCOVERED:
        return _("not exercised by any example")
    if r.catch_all:
        return _("never decides (the rules cover every concern); not counted")
    return _("never decides (earlier rules take every concern it matches, see BK501); not counted")


def _coverage_text(coverage: Sequence[PlanCoverage], verbose: bool) -> list[str]:
    """The rule coverage block of the text report: a line per plan, the gaps (every rule with -v)."""
    from .._problems import current_lang
    from ..analysis.examples import COVERED, UNCOVERED, format_percent, total_coverage
    from .common import words as _

    lang = current_lang()
    lines = [_("Rule coverage (rules that decide at least one example):")]
    for c in coverage:
        lines.append(
            "  "
            + _("{file}: {covered} of {counted} rules exercised ({percent})").format(
                file=c.file, covered=c.covered, counted=c.counted, percent=format_percent(c.percent, lang)
            )
        )
        for r in c.rules:
            # without -v: the gaps, and rules that can never decide (a never-deciding catch-all is
            # the usual, good state: the rules answer every concern)
            if verbose or r.status == UNCOVERED or (r.status != COVERED and not r.catch_all):
                lines.append(f"    {r.file}:{r.line}: {r.rule}: {_rule_coverage_words(r)}")
    covered, counted, percent = total_coverage(coverage)
    lines.append(
        "  "
        + _("total: {covered} of {counted} rules exercised ({percent})").format(
            covered=covered, counted=counted, percent=format_percent(percent, lang)
        )
    )
    return lines


def _results_text(
    results: Sequence[ExampleResult],
    verbose: bool,
    coverage: Sequence[PlanCoverage] | None = None,
    minimum: float | None = None,
) -> str:
    # in the command's language (cli.main sets it); the failures were made in it too
    from .common import words as _

    lines: list[str] = []
    for r in results:
        if r.passed:
            if verbose:
                lines.append(_("PASS {where}: {name}").format(where=f"{r.file}:{r.line}", name=r.name))
            continue
        lines.append(_("FAIL {where}: {name}").format(where=f"{r.file}:{r.line}", name=r.name))
        lines += [f"     - {line}" for line in r.failures]
        if r.decision is not None:
            lines.append("     " + _("decision: rules {rules}").format(rules=", ".join(r.decision.rules)))
            lines += [f"       {line}" for line in r.decision.explanation]
    if coverage is not None:
        lines += _coverage_text(coverage, verbose)
    failed = sum(not r.passed for r in results)
    lines.append(_("{passed} passed, {failed} failed").format(passed=len(results) - failed, failed=failed))
    return "\n".join(lines)


def _coverage_json(coverage: Sequence[PlanCoverage], minimum: float | None) -> dict[str, Any]:
    from ..analysis.examples import below_minimum, total_coverage

    covered, counted, percent = total_coverage(coverage)
    return {
        "covered": covered,
        "counted": counted,
        "percent": percent,
        "minimum": minimum,
        "below_minimum": minimum is not None and below_minimum(coverage, minimum),
        "plans": [
            {
                "plan": c.plan,
                "file": c.file,
                "examples_file": c.examples_file,
                "covered": c.covered,
                "counted": c.counted,
                "percent": c.percent,
                "rules": [
                    {"id": r.rule, "line": r.line, "col": r.col, "status": r.status, "examples": r.examples}
                    for r in c.rules
                ],
            }
            for c in coverage
        ],
    }


def _results_json(
    results: Sequence[ExampleResult],
    verbose: bool,
    coverage: Sequence[PlanCoverage] | None = None,
    minimum: float | None = None,
) -> str:
    failed = sum(not r.passed for r in results)
    extra = {"coverage": _coverage_json(coverage, minimum)} if coverage is not None else {}
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
            **extra,
        },
        ensure_ascii=False,
        indent=2,
    )


def _coverage_junit(root: Any, coverage: Sequence[PlanCoverage], minimum: float | None) -> tuple[int, int]:
    """A testsuite per plan (a testcase per rule; uncovered and never-deciding ones skipped, with
    the reason) and, with --min, one testcase that fails below it. Returns (tests, failures)."""
    import xml.etree.ElementTree as ET

    from .._problems import current_lang
    from ..analysis.examples import COVERED, below_minimum, format_percent, total_coverage
    from .common import words as _

    lang = current_lang()
    tests = failures = 0
    for c in coverage:
        skipped = len(c.rules) - c.covered
        suite = ET.SubElement(
            root,
            "testsuite",
            name=f"coverage {c.file}",
            tests=str(len(c.rules)),
            failures="0",
            errors="0",
            skipped=str(skipped),
        )
        props = ET.SubElement(suite, "properties")
        for name, value in (("covered", c.covered), ("counted", c.counted), ("percent", c.percent)):
            ET.SubElement(props, "property", name=name, value=str(value))
        for r in c.rules:
            case = ET.SubElement(
                suite, "testcase", classname=f"coverage.{c.plan}", name=r.rule, file=r.file, line=str(r.line)
            )
            if r.status != COVERED:
                ET.SubElement(case, "skipped", message=f"{r.status}: {_rule_coverage_words(r)}")
        tests += len(c.rules)
    if minimum is not None:
        percent = total_coverage(coverage)[2]
        suite = ET.SubElement(root, "testsuite", name="coverage", tests="1", errors="0")
        case = ET.SubElement(
            suite, "testcase", classname="coverage", name=f"coverage >= {format_percent(minimum, 'en')}"
        )
        low = below_minimum(coverage, minimum)
        if low:
            message = _("rule coverage {percent} is below --min {minimum}").format(
                percent=format_percent(percent, lang), minimum=format_percent(minimum, lang)
            )
            ET.SubElement(case, "failure", message=message).text = message
        suite.set("failures", str(int(low)))
        tests += 1
        failures += int(low)
    return tests, failures


def _results_junit(
    results: Sequence[ExampleResult],
    verbose: bool,
    coverage: Sequence[PlanCoverage] | None = None,
    minimum: float | None = None,
) -> str:
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
    tests, failures = _coverage_junit(root, coverage, minimum) if coverage is not None else (0, 0)
    root.set("tests", str(len(results) + tests))
    root.set("failures", str(sum(not r.passed for r in results) + failures))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def _results_github(
    results: Sequence[ExampleResult],
    verbose: bool,
    coverage: Sequence[PlanCoverage] | None = None,
    minimum: float | None = None,
) -> str:
    lines = []
    for r in results:
        if not r.passed:
            message = f"{r.name}: " + "; ".join(r.failures)
            lines.append(
                f"::error file={_gh_escape(r.file, True)},line={r.line},"
                f"title={_gh_escape('beredskab test', True)}::{_gh_escape(message)}"
            )
    for c in coverage or []:
        for rule in c.uncovered:
            message = f"{rule.rule}: {_rule_coverage_words(rule)}"
            lines.append(
                f"::warning file={_gh_escape(rule.file, True)},line={rule.line},"
                f"title={_gh_escape('beredskab test --coverage', True)}::{_gh_escape(message)}"
            )
    failed = sum(not r.passed for r in results)
    lines.append(f"::notice title=beredskab test::{len(results) - failed} passed, {failed} failed")
    return "\n".join(lines)


# reporter(results, verbose, coverage=None, minimum=None): coverage with --coverage
TEST_REPORTERS: dict[str, Callable[..., str]] = {
    "text": _results_text,
    "json": _results_json,
    "junit": _results_junit,
    "github": _results_github,
}
