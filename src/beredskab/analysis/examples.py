"""Plan authors' routing examples (``<plan>.examples.yaml``): format, loading and running."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from .._errors import BeredskabError, ConcernError, PlanError, suggest
from .._problems import Problem, current_lang
from .._problems import problem_text as _
from ..loader import EXAMPLES_SUFFIX, load_plan, read_document
from ..plan import Plan
from ..routing.calendar import ZONE
from ..routing.concern import Action, Decision
from ..routing.router import CATCH_ALL_ID
from ..spec._yaml import YamlDocument
from ..spec.model import Source
from ..spec.phones import phone_digits
from ..spec.positions import pydantic_problems
from ._names import is_examples_file

__all__ = [
    "ExampleResult",
    "ExamplesFile",
    "PlanCoverage",
    "RuleCoverage",
    "below_minimum",
    "check_examples",
    "example_files",
    "examples_coverage",
    "format_percent",
    "is_examples_file",
    "load_examples",
    "rule_coverage",
    "run_examples",
    "total_coverage",
]


def _actor_shorthand(v: Any) -> Any:
    return {"actor": v} if isinstance(v, str) else v


class ExpectedAction(BaseModel):
    """Fields to compare on one action; only those given are compared."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    actor: str
    step: str | None = None
    contacts: list[str] | None = Field(default=None, description="Each as 'channel:value', in order.")
    available_from: AwareDatetime | None = None
    act_by: AwareDatetime | Literal["none"] | None = None
    role: Literal["primary", "escalation", "way_in"] | None = None


class Expectation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    next: list[Annotated[ExpectedAction, BeforeValidator(_actor_shorthand)]] | None = None
    notify: list[Annotated[ExpectedAction, BeforeValidator(_actor_shorthand)]] | None = None
    rules: list[str] | None = None
    legal_basis: list[str] | None = None
    path: list[str] | None = None
    catch_all: bool | None = None
    error_field: str | None = Field(default=None, description="Expect a ConcernError naming this field.")


class Example(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    event: dict[str, Any]
    expect: Expectation
    source: Source | None = None
    assumed: bool = False
    note: str | None = None


class ExamplesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    plan: str
    examples: list[Example] = Field(min_length=1)


@dataclass
class ExampleResult:
    file: str
    line: int
    name: str
    failures: list[str] = field(default_factory=list)
    decision: Decision | None = None

    @property
    def passed(self) -> bool:
        return not self.failures


def example_files(paths: list[str]) -> list[Path]:
    """``*.examples.yaml`` files named or found under the given paths."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(p.glob(f"*{EXAMPLES_SUFFIX}")))
        elif p.name.endswith(EXAMPLES_SUFFIX):
            out.append(p)
        elif p.suffix in (".yaml", ".yml"):
            # a plan file: run the examples kept beside it
            out.append(p.with_name(p.name[: -len(p.suffix)] + EXAMPLES_SUFFIX))
        else:
            out.append(p)
    # a plan and its examples file both named (a pre-commit run): each file runs once
    return list(dict.fromkeys(out))


def load_examples(path: Path) -> tuple[ExamplesFile, YamlDocument]:
    """An examples file, checked against its format; PlanError with positions otherwise."""
    doc = read_document(path, str(path))
    try:
        return ExamplesFile.model_validate(doc.data), doc
    except ValidationError as exc:
        raise PlanError(pydantic_problems(exc, doc, ExamplesFile), str(path)) from None


def _same_time(a: dt.datetime | None, b: dt.datetime | None) -> bool:
    return a == b


def _compare_action(where: str, expected: ExpectedAction, got: Action) -> list[str]:
    out: list[str] = []
    if expected.actor != got.actor:
        out.append(
            _("{where}: expected actor {expected}, got {got}").format(
                where=where, expected=repr(expected.actor), got=repr(got.actor)
            )
        )
        return out
    if expected.step is not None and expected.step != got.step:
        out.append(
            _("{where} ({actor}): expected step {expected}, got {got}").format(
                where=where, actor=got.actor, expected=repr(expected.step), got=repr(got.step)
            )
        )
    if expected.contacts is not None:
        got_contacts = [f"{c.channel.value}:{c.value}" for c in got.contacts]
        if [_contact_key(c) for c in expected.contacts] != [_contact_key(c) for c in got_contacts]:
            out.append(
                _("{where} ({actor}): expected contacts {expected}, got {got}").format(
                    where=where, actor=got.actor, expected=expected.contacts, got=got_contacts
                )
            )
    if expected.available_from is not None and not _same_time(expected.available_from, got.available_from):
        out.append(
            _("{where} ({actor}): expected available_from {expected}, got {got}").format(
                where=where,
                actor=got.actor,
                expected=expected.available_from.isoformat(),
                got=got.available_from.isoformat(),
            )
        )
    if expected.act_by is not None:
        want = None if expected.act_by == "none" else expected.act_by
        if not _same_time(want, got.act_by):
            out.append(
                _("{where} ({actor}): expected act_by {expected}, got {got}").format(
                    where=where,
                    actor=got.actor,
                    expected=want.isoformat() if isinstance(want, dt.datetime) else None,
                    got=got.act_by.isoformat() if got.act_by else None,
                )
            )
    if expected.role is not None and expected.role != got.role:
        out.append(
            _("{where} ({actor}): expected role {expected}, got {got}").format(
                where=where, actor=got.actor, expected=repr(expected.role), got=repr(got.role)
            )
        )
    return out


def _contact_key(text: str) -> str:
    """``phone:4174 9090`` and ``phone:+45 41 74 90 90`` compare alike (digits, as the contract says)."""
    channel, sep, value = text.partition(":")
    return f"phone:{phone_digits(value)}" if sep and channel == "phone" else text


# message ids of BK208, one per kind of id an example names
_NOT_IN_PLAN = {
    "step": "step {value} is not in plan {plan}",
    "actor": "actor {value} is not in plan {plan}",
    "rule": "rule {value} is not in plan {plan}",
}


def check_examples(path: Path) -> list[Problem]:
    """An examples file's format and its references to the plan beside it (BK207, BK208), positioned."""
    try:
        examples, doc = load_examples(path)
    except PlanError as exc:
        return list(exc.problems)
    plan_path = path.with_name(path.name[: -len(EXAMPLES_SUFFIX)] + ".yaml")
    try:
        plan = load_plan(plan_path)
    except PlanError:
        line, col = doc.position(("plan",))
        message = _("the plan beside it ({file}) cannot be loaded; validate it first").format(file=plan_path.name)
        return [Problem.of("BK207", file=str(path), line=line, col=col, message=message)]
    if plan.municipality.slug != examples.plan:
        line, col = doc.position(("plan",))
        message = _("examples are for plan {plan} but the plan beside them is {beside}").format(
            plan=repr(examples.plan), beside=repr(plan.municipality.slug)
        )
        return [Problem.of("BK207", file=str(path), line=line, col=col, message=message)]
    actors = plan.compiled.actors
    rules = [r.id for r in plan.rules] + [CATCH_ALL_ID]
    problems: list[Problem] = []

    def bad(where: tuple[Any, ...], what: str, value: str, known: list[str]) -> None:
        line, col = doc.position(("examples", *where))
        hint = suggest(value, known)
        message = _(_NOT_IN_PLAN[what]).format(value=repr(value), plan=repr(plan.slug))
        if hint:
            message += " (" + _("did you mean {guess}?").format(guess=repr(hint)) + ")"
        problems.append(Problem.of("BK208", file=str(path), line=line, col=col, message=message))

    for i, ex in enumerate(examples.examples):
        step = ex.event.get("step")
        if isinstance(step, str) and step not in plan.steps:
            bad((i, "event", "step"), "step", step, list(plan.steps))
        for key in ("next", "notify"):
            for j, action in enumerate(getattr(ex.expect, key) or []):
                if action.actor not in actors:
                    bad((i, "expect", key, j), "actor", action.actor, list(actors))
                if action.step is not None and action.step not in plan.steps:
                    bad((i, "expect", key, j), "step", action.step, list(plan.steps))
        for j, rule in enumerate(ex.expect.rules or []):
            if rule not in rules:
                bad((i, "expect", "rules", j), "rule", rule, rules)
        for j, s in enumerate(ex.expect.path or []):
            if s not in plan.steps:
                bad((i, "expect", "path", j), "step", s, list(plan.steps))
    return problems


def _compare(expect: Expectation, decision: Decision) -> list[str]:
    out: list[str] = []
    for key in ("next", "notify"):
        wanted: list[ExpectedAction] | None = getattr(expect, key)
        if wanted is None:
            continue
        got: list[Action] = getattr(decision, key)
        if len(wanted) != len(got):
            out.append(
                _("{key}: expected {expected}, got {got}").format(
                    key=key, expected=[w.actor for w in wanted], got=[g.actor for g in got]
                )
            )
            continue
        for i, (w, g) in enumerate(zip(wanted, got, strict=True)):
            out.extend(_compare_action(f"{key}[{i}]", w, g))
    if expect.rules is not None and expect.rules != decision.rules:
        out.append(
            _("{key}: expected {expected}, got {got}").format(key="rules", expected=expect.rules, got=decision.rules)
        )
    if expect.legal_basis is not None and expect.legal_basis != [lb.value for lb in decision.legal_basis]:
        out.append(
            _("{key}: expected {expected}, got {got}").format(
                key="legal_basis", expected=expect.legal_basis, got=[lb.value for lb in decision.legal_basis]
            )
        )
    if expect.path is not None and expect.path != decision.path:
        out.append(
            _("{key}: expected {expected}, got {got}").format(key="path", expected=expect.path, got=decision.path)
        )
    if expect.catch_all is not None and expect.catch_all != decision.catch_all:
        out.append(
            _("{key}: expected {expected}, got {got}").format(
                key="catch_all", expected=expect.catch_all, got=decision.catch_all
            )
        )
    return out


def _plan_beside(path: Path) -> Path:
    return path.with_name(path.name[: -len(EXAMPLES_SUFFIX)] + ".yaml")


def _examples_and_plan(path: Path, plan: Plan | None) -> tuple[ExamplesFile, YamlDocument, Plan]:
    examples, doc = load_examples(path)
    if plan is None:
        plan = load_plan(_plan_beside(path))
    if plan.municipality.slug != examples.plan:
        line, col = doc.position(("plan",))
        message = _("examples are for plan {plan} but the plan beside them is {beside}").format(
            plan=repr(examples.plan), beside=repr(plan.municipality.slug)
        )
        raise PlanError([Problem.of("BK207", file=str(path), line=line, col=col, message=message)])
    return examples, doc, plan


def run_examples(path: Path, plan: Plan | None = None) -> list[ExampleResult]:
    """Run every example of one examples file against its plan (the plan file beside it)."""
    examples, doc, plan = _examples_and_plan(path, plan)
    return _run(path, examples, doc, plan)


def _run(path: Path, examples: ExamplesFile, doc: YamlDocument, plan: Plan) -> list[ExampleResult]:
    results: list[ExampleResult] = []
    lang = current_lang()
    for i, ex in enumerate(examples.examples):
        line = doc.position(("examples", i))[0]
        result = ExampleResult(str(path), line, ex.name)
        try:
            # the decision's explanation (shown beside a failure) speaks the run's language
            decision = plan.route(ex.event, lang=lang)
        except ConcernError as exc:
            if ex.expect.error_field is None:
                result.failures.append(_("unexpected ConcernError: {error}").format(error=exc))
            elif ex.expect.error_field != exc.field:
                result.failures.append(
                    _("expected a ConcernError on {expected}, got one on {got}").format(
                        expected=repr(ex.expect.error_field), got=repr(exc.field)
                    )
                )
            results.append(result)
            continue
        except BeredskabError as exc:
            result.failures.append(_("error: {error}").format(error=exc))
            results.append(result)
            continue
        result.decision = decision
        if ex.expect.error_field is not None:
            result.failures.append(
                _("expected a ConcernError on {expected}, got a decision").format(expected=repr(ex.expect.error_field))
            )
        result.failures.extend(_compare(ex.expect, decision))
        results.append(result)
    return results


# --- rule coverage (beredskab test --coverage) ----------------------------------------------
#
# An example exercises the rules its Decision names in ``rules`` (the deciding rule), whether
# or not its other expectations held: a failing example fails the run on its own. A rule
# that can never decide (no concern of the plan's decision space reaches it: shadowed by
# earlier rules, BK501, or behind a conflicting one, BK502) is listed as such and left out
# of the count, as is a catch-all that never answers because the rules cover every concern:
# no example could exercise them, so they are not a gap examples can close.

COVERED, UNCOVERED, NEVER_DECIDES = "covered", "uncovered", "never_decides"


@dataclass(frozen=True)
class RuleCoverage:
    """One rule (or the catch-all) of a plan: where it is, and how many examples it decided."""

    rule: str
    file: str
    line: int
    col: int
    examples: int
    can_decide: bool

    @property
    def catch_all(self) -> bool:
        return self.rule == CATCH_ALL_ID

    @property
    def status(self) -> str:
        """``covered``, ``uncovered`` (a gap), or ``never_decides`` (not counted)."""
        if self.examples:
            return COVERED
        return UNCOVERED if self.can_decide else NEVER_DECIDES


@dataclass(frozen=True)
class PlanCoverage:
    """Which rules of one plan its examples exercise; the catch-all last."""

    plan: str
    file: str
    examples_file: str
    rules: list[RuleCoverage]

    @property
    def counted(self) -> int:
        """Rules that can decide (the denominator)."""
        return sum(r.status != NEVER_DECIDES for r in self.rules)

    @property
    def covered(self) -> int:
        return sum(r.status == COVERED for r in self.rules)

    @property
    def uncovered(self) -> list[RuleCoverage]:
        return [r for r in self.rules if r.status == UNCOVERED]

    @property
    def percent(self) -> float:
        return _percent(self.covered, self.counted)


def _percent(covered: int, counted: int) -> float:
    # rounded down to a tenth: 99.96 % shows as 99.9, never as a full 100
    return 100.0 if counted == 0 else math.floor(1000 * covered / counted) / 10


def total_coverage(coverages: Sequence[PlanCoverage]) -> tuple[int, int, float]:
    """Covered rules, counted rules and the percentage over every plan."""
    covered = sum(c.covered for c in coverages)
    counted = sum(c.counted for c in coverages)
    return covered, counted, _percent(covered, counted)


def below_minimum(coverages: Sequence[PlanCoverage], minimum: float) -> bool:
    """The total coverage is below ``minimum`` per cent (compared exactly, not rounded)."""
    covered, counted, _p = total_coverage(coverages)
    return counted > 0 and covered * 100 < minimum * counted


def format_percent(value: float, lang: str) -> str:
    """``97,6 %`` (Danish), ``97.6%`` (English); whole numbers without decimals."""
    text = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
    return text.replace(".", ",") + " %" if lang == "da" else text + "%"


def rule_coverage(
    plan: Plan, results: Sequence[ExampleResult], examples_file: str = "", as_of: dt.date | None = None
) -> PlanCoverage:
    """Each rule of ``plan`` and the catch-all: how many of ``results`` it decided, and whether it can decide."""
    from .space import DecisionSpace, partition  # the decision space loads only for --coverage

    space = DecisionSpace.of(plan, plan.compiled, as_of or dt.datetime.now(ZONE).date())
    owners = {region.owner for region in partition(space)}
    decided: dict[str, int] = {}
    for r in results:
        for rule in r.decision.rules if r.decision is not None else []:
            decided[rule] = decided.get(rule, 0) + 1
    doc = plan._document
    file = doc.file if doc is not None else ""

    def at(path: tuple[Any, ...]) -> tuple[int, int]:
        return doc.position(path, key=True) if doc is not None else (0, 0)

    rules = [
        RuleCoverage(rule.id, file, *at(("rules", i, "id")), decided.get(rule.id, 0), i in owners)
        for i, rule in enumerate(plan.rules)
    ]
    rules.append(RuleCoverage(CATCH_ALL_ID, file, *at(("catch_all",)), decided.get(CATCH_ALL_ID, 0), None in owners))
    return PlanCoverage(plan.slug, file, examples_file, rules)


def examples_coverage(
    path: Path, plan: Plan | None = None, as_of: dt.date | None = None
) -> tuple[list[ExampleResult], PlanCoverage]:
    """:func:`run_examples`, and which rules of the plan the examples exercised."""
    examples, doc, plan = _examples_and_plan(path, plan)
    results = _run(path, examples, doc, plan)
    return results, rule_coverage(plan, results, str(path), as_of)
