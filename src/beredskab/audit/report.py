"""``beredskab report``: one self-contained static site of the plans: matrix, per-plan pages, cards, diffs."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._errors import BeredskabError, PlanError
from .._files import atomic_tree
from .._i18n import DEFAULT_LANG, Translate, translator
from .._problems import words as problem_words
from ..analysis.examples import load_examples
from ..analysis.space import DecisionSpace, partition
from ..loader import EXAMPLES_SUFFIX, display_path
from ..plan import Plan
from ..routing.calendar import ZONE
from ..routing.router import CATCH_ALL_ID
from ..spec.model import CatchAll, Rule
from ..spec.vocabulary import LAW_NAMES
from ._templates import render
from .card import render_card
from .compare import matrix_helpers, matrix_meta, matrix_of, usable_report
from .diff import diff
from .diff_words import DiffWords
from .graph import ConcernRoute, concern_route, render_graph
from .model import PlanDiff

__all__ = ["build_report", "write_report"]


def _previous(rev: str, file: str, lang: str) -> PlanDiff | str:
    """The diff from ``rev``'s version of ``file`` to the file, or why there is none."""
    rel = os.path.relpath(Path(file).resolve(), Path.cwd())
    try:
        return diff(f"{rev}:./{rel}", file, lang=lang)
    except PlanError as exc:
        return exc.problems[0].message if exc.problems else str(exc)


def build_report(
    paths: str | Path | Iterable[str | Path],
    *,
    previous: str | None = None,
    lang: str = DEFAULT_LANG,
    as_of: dt.date | None = None,
) -> dict[str, str]:
    """Every page of the site, by relative path, rendered before anything is written.

    Raises :class:`beredskab.PlanError` if a plan cannot be loaded (no partial site).
    """
    _ = translator(lang, "report")
    day = as_of or dt.datetime.now(ZONE).date()
    report = usable_report(paths, day, lang)
    matrix = matrix_of(report, None, day)
    plans = sorted(report.plans.items(), key=lambda fp: fp[1].slug)
    links = {plan.slug: f"plans/{plan.slug}.html" for _f, plan in plans}
    pages: dict[str, str] = {}
    diffs: dict[str, PlanDiff | str] = {}
    if previous is not None:
        diffs = {plan.slug: _previous(previous, file, lang) for file, plan in plans}
    compare_ = translator(lang, "compare")
    pages["index.html"] = render(
        "report_index.html.j2",
        _,
        lang=lang,
        title=_("Readiness plans: overview"),
        as_of=day,
        matrix=matrix,
        meta=matrix_meta(matrix, lang),
        links=links,
        previous=previous,
        compare_=compare_,
        **matrix_helpers(lang),
    )
    for file, plan in plans:
        mine = [p for p in report.problems if p.file == file]
        findings = [p for p in mine if p.code != "BK901"]
        assumptions = [p for p in mine if p.code == "BK901"]
        column = next(p for p in matrix.plans if p.slug == plan.slug)
        pages[f"cards/{plan.slug}.html"] = render_card(plan, "html", lang=lang, as_of=day)
        graph = pages[f"graphs/{plan.slug}.svg"] = render_graph(plan, "svg", lang=lang)
        rule_pages = _rule_pages(plan, file, lang, day, _)
        pages.update({f"rules/{plan.slug}/{page.rule_id}.html": html for page, html in rule_pages})
        pages[f"plans/{plan.slug}.html"] = render(
            "report_plan.html.j2",
            _,
            lang=lang,
            title=plan.municipality.name,
            plan=plan,
            file=display_path(Path(file)),
            column=column,
            # inline, the XML declaration and DOCTYPE of a standalone file do not belong
            graph=_inline(graph),
            rule_pages={page.rule_id: page for page, _html in rule_pages},
            findings=findings,
            severity_word=problem_words(lang),
            assumptions=assumptions,
            legal_bases=sorted(plan.legal_bases.items(), key=lambda kv: str(kv[0])),
            previous=previous,
            has_diff=plan.slug in diffs,
        )
    if previous is not None:
        pages["diff.html"] = render(
            "report_diff.html.j2",
            _,
            lang=lang,
            title=_("Changes since {rev}").format(rev=previous),
            previous=previous,
            diffs=[(plan, diffs[plan.slug]) for _f, plan in plans],
            links=links,
            is_diff=lambda d: isinstance(d, PlanDiff),
            w=DiffWords(lang),
        )
    return pages


def _inline(svg: str) -> str:
    """An SVG file's text for an HTML page: the XML declaration and DOCTYPE of a standalone file do not belong."""
    return re.sub(r"^\s*<\?xml[^>]*\?>\s*(<!DOCTYPE[^>]*>\s*)?", "", svg)


@dataclass(frozen=True)
class RulePage:
    """What the page of one rule (or the catch-all) shows besides the rule itself."""

    rule_id: str
    index: int | None  # the rule's place in ``rules`` (0-based); None = the catch-all
    decides: bool
    concern: dict[str, Any] | None = None
    from_example: str | None = None  # the routing example's name, when the concern is one
    route: ConcernRoute | None = None
    graph: str = ""


def _example_concerns(plan: Plan, file: str, lang: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """The first routing example each rule decides (from ``<slug>.examples.yaml`` beside the plan, if any):
    rule id -> (the example's name, its event). Only events with ``received_at``: the page must not change
    with the day it is built."""
    path = Path(file).with_name(Path(file).name.removesuffix(".yaml") + EXAMPLES_SUFFIX)
    if not path.is_file():
        return {}
    try:
        examples, _doc = load_examples(path)
    except (BeredskabError, OSError, ValueError):
        return {}  # validate reports a broken examples file; the report just draws a witness instead
    if examples.plan != plan.slug:
        return {}
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for ex in examples.examples:
        if "received_at" not in ex.event or ex.expect.error_field is not None:
            continue
        try:
            decision = plan.route(ex.event, lang=lang)
        except BeredskabError:
            continue
        if decision.rules:
            found.setdefault(decision.rules[0], (ex.name, json.loads(json.dumps(ex.event, default=str))))
    return found


def _rule_pages(plan: Plan, file: str, lang: str, day: dt.date, _: Translate) -> list[tuple[RulePage, str]]:
    """One page per rule of ``plan`` (and the catch-all, if it can decide), each with one concern the rule
    decides drawn on the plan's graph: a routing example where one exists, else the decision space's witness
    (the most ordinary concern of the rule's first region). The decision space is partitioned once per plan;
    concerns taking the same route share one drawing."""
    space = DecisionSpace.of(plan, plan.compiled, day)
    first: dict[int | None, dict[str, Any]] = {}
    for region in sorted(partition(space), key=lambda r: (r.assign.get("acute") == "yes", len(r.assign))):
        first.setdefault(region.owner, region.assign)
    examples = _example_concerns(plan, file, lang)
    drawings: dict[Any, str] = {}
    out: list[tuple[RulePage, str]] = []
    entries: list[tuple[int | None, Rule | CatchAll]] = [*enumerate(plan.rules), (None, plan.catch_all)]
    for index, rule in entries:
        rule_id = CATCH_ALL_ID if index is None else plan.rules[index].id
        if index not in first:
            if index is None:
                continue  # the rules answer every concern: no page for a catch-all that never answers
            page = RulePage(rule_id, index, False)
        else:
            name, concern = examples.get(rule_id, (None, space.witness(first[index])))
            route = concern_route(plan, concern, lang=lang)
            if not route.decisions or route.decisions[0].rules[:1] != [rule_id]:
                # an example whose route starts elsewhere cannot happen (it was routed above); be safe
                name, concern = None, space.witness(first[index])
                route = concern_route(plan, concern, lang=lang)
            key = (route.steps, tuple((h.src, h.dst, h.available_from, h.act_by) for h in route.hops))
            if key not in drawings:
                drawings[key] = _inline(render_graph(plan, "svg", lang=lang, route=route))
            page = RulePage(rule_id, index, True, concern, name, route, drawings[key])
        concern_json = json.dumps(page.concern, ensure_ascii=False) if page.concern is not None else ""
        html = render(
            "report_rule.html.j2",
            _,
            lang=lang,
            title=f"{plan.municipality.name}: {rule_id}",
            plan=plan,
            rule=rule,
            page=page,
            catch_all=index is None,
            position=None if index is None else index + 1,
            condition=None if index is None else DiffWords(lang).flow(_when(plan.rules[index])),
            laws=[(str(basis), LAW_NAMES[basis]) for basis in rule.legal_basis],
            concern_json=concern_json,
            command=f"beredskab graph {plan.slug} --concern - <<< {shlex.quote(concern_json)}" if concern_json else "",
        )
        out.append((page, html))
    return out


def _when(rule: Rule) -> Any:
    """The rule's condition as the plan writes it (the keys it sets, in their order)."""
    return rule.when.model_dump(mode="json", exclude_unset=True, by_alias=True)


REPORT_MARKER = ".beredskab-report"
"""The file that marks a folder as a report this tool wrote (and may therefore replace whole)."""


def write_report(pages: dict[str, str], out: str | Path) -> list[Path]:
    """Make the folder ``out`` the site of ``pages``, all or nothing: the new site is written
    beside it and swapped in whole, so ``out`` is at every moment the whole old site or the
    whole new one (no stale page of an earlier report survives). Raises ``FileProblem`` (an
    ``OSError``) for a full disk, or for ``out`` being a folder this tool did not write."""
    return atomic_tree(out, pages, marker=REPORT_MARKER)
