"""The public Plan, and compiling: where the plan format meets routing.

:func:`build_plan` turns a parsed document into a checked, compiled :class:`Plan` (or a
PlanError naming every problem at ``file:line:col``); a loaded plan is known good, so
routing is cheap. The loader only reads files and calls it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pydantic
from pydantic import PrivateAttr, ValidationError

from ._errors import PlanError
from ._i18n import DEFAULT_LANG
from ._problems import Draft, Problem
from ._problems import problem_text as _
from .routing._engine import EngineError
from .routing._fast import private_attr
from .routing.concern import Concern, Decision, parse_concern
from .routing.conditions import MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LEAVES, expression_size, to_durable
from .routing.router import CompiledPlan
from .spec.limits import check_limits
from .spec.model import PlanSpec
from .spec.national import load_national
from .spec.positions import pydantic_problems
from .spec.references import check_references

if TYPE_CHECKING:
    from .spec._yaml import YamlDocument

__all__ = ["Plan", "build_plan", "compile_plan"]


class Plan(PlanSpec):
    """A checked municipal plan. ``route`` answers who acts next for a concern.

    Obtain plans from :func:`beredskab.load_plan` / :func:`beredskab.load_plans`; the
    fields mirror the YAML file (see ``docs/plan-format.md``).
    """

    _compiled: CompiledPlan | None = PrivateAttr(default=None)
    _document: YamlDocument | None = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        """Plans are equal when their content is; compiled state and file positions do not count."""
        if not isinstance(other, PlanSpec):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    @property
    def slug(self) -> str:
        return self.municipality.slug

    @property
    def compiled(self) -> CompiledPlan:
        """The routing form of this plan (compiled on first use if built without the loader)."""
        if self._compiled is None:
            compile_plan(self)
        assert self._compiled is not None
        return self._compiled

    @property
    def digest(self) -> str:
        """``sha256:<hex>`` of the plan's content as loaded; every Decision carries it as ``plan_digest``."""
        return self.compiled.digest

    @property
    def source_file(self) -> str | None:
        return self._document.file if self._document is not None else None

    def route(self, concern: Concern | dict[str, Any], *, lang: str = DEFAULT_LANG, explain: bool = False) -> Decision:
        """Who acts next, how to reach them, by when, and why. Raises ConcernError on a bad event.

        ``lang`` ("da", the default, or "en") is the language of the Decision's ``explanation``
        and ``assumptions``: the tool's sentences; the plan's own words stay as the plan writes them.
        Another language is a ValueError (from the catalog lookup the router starts with).
        ``explain=True`` adds ``trace``: every rule tried before the deciding one, with the first
        part of its condition that did not hold (OPA's explain, for a plan's first-match rules).
        """
        compiled = private_attr(self, "_compiled") or self.compiled
        if type(concern) is not Concern:  # a subclass or a dict: parse_concern knows what to do
            concern = parse_concern(concern)
        return compiled.route(concern, lang, explain)


def compile_plan(plan: Plan, document: YamlDocument | None = None) -> Plan:
    """Bound, cross-check and compile ``plan`` for routing; PlanError positioned in ``document``.

    The limits are checked first, and every compiled rule is measured before durable-rules
    sees it: its compiler rejects some rulesets and never returns on others, so nothing it
    could choke on reaches it.
    """
    file = document.file if document is not None else "<plan>"
    national = load_national()
    drafts = check_limits(plan) or check_references(plan, national)
    if not drafts:
        drafts = _expression_limits(plan)
    if drafts:
        raise PlanError([d.place(document, file=file) for d in drafts], file)
    try:
        compiled = CompiledPlan(plan, national)
    except EngineError as exc:  # pragma: no cover - the limits above keep every known failure out
        message = _("the routing engine cannot compile these rules ({error}); please report this").format(
            error=exc.__cause__ or exc
        )
        raise PlanError([Draft(("rules",), message, key=True, code="BK104").place(document, file=file)], file) from None
    plan._document = document
    plan._compiled = compiled
    return plan


def _expression_limits(plan: PlanSpec) -> list[Draft]:
    out: list[Draft] = []
    for i, rule in enumerate(plan.rules):
        depth, leaves = expression_size(to_durable(rule.when))
        if depth > MAX_EXPRESSION_DEPTH or leaves > MAX_EXPRESSION_LEAVES:
            out.append(
                Draft(
                    ("rules", i, "when"),
                    _(
                        "rule {rule}: its condition compiles to {leaves} tests {depth} levels deep, more than the "
                        "routing engine takes ({max_leaves} tests, {max_depth} levels)"
                    ).format(
                        rule=repr(rule.id),
                        leaves=leaves,
                        depth=depth,
                        max_leaves=MAX_EXPRESSION_LEAVES,
                        max_depth=MAX_EXPRESSION_DEPTH,
                    ),
                    _("split it into several rules"),
                    key=True,
                    code="BK104",
                )
            )
    return out


def build_plan(document: YamlDocument) -> Plan:
    """Validate, cross-check and compile a parsed plan document. Raises PlanError."""
    if not isinstance(document.data, dict):
        what = _("empty") if document.data is None else _("a {type}").format(type=type(document.data).__name__)
        message = _("a plan file must be a mapping of keys, not {what}").format(what=what)
        raise PlanError([Problem.of("BK101", file=document.file, message=message)], document.file)
    try:
        plan = Plan.model_validate(document.data)
    except ValidationError as exc:
        raise PlanError(pydantic_problems(exc, document, Plan), document.file) from None
    except (RecursionError, pydantic.PydanticUserError) as exc:  # pragma: no cover - bounded by _yaml
        raise PlanError(
            [Problem.of("BK101", file=document.file, message=_("cannot validate: {error}").format(error=exc))]
        ) from None
    return compile_plan(plan, document)
