"""What a Danish reader sees is Danish; what `--lang en` gives is the tool's English.

Issue 18: the route text card and the Decision's explanation and assumptions, for every
plan over a broad sample of situations (ages, acute or not, day, evening, Saturday, a
public holiday, later steps), the action card and the comparison matrix. The plans' own
words are Danish documents; the tool's words come from the catalogs. A scan for words
that are English and never Danish finds a sentence of either that slipped through.
"""

from __future__ import annotations

import functools
import html
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import beredskab
from beredskab.audit.card import render_card
from beredskab.cli import main
from beredskab.cli.reporters import DECISION_REPORTERS
from conftest import PLANS, SLUGS

# words that are English and not Danish (nor names in the plans): a Danish text has none
ENGLISH = re.compile(
    r"\b(the|is|are|and|not|can|closed|meanwhile|decided|assumed|which|that|with|when|does|from|this|"
    r"these|their|of|only|until|opens|nearest|states|says|would|there|step|rule|deadline|escalation|way in|"
    r"legal basis|catch-all)\b",
    re.IGNORECASE,
)
# the tool's Danish words: an English answer has none of them outside the plan's own words
DANISH_TOOL = re.compile(r"\b(har lukket|kan handle|i mellemtiden|afgjort af|antaget|vej ind|fristen|reglen)\b")
TIMES = [
    "2026-11-24T10:00:00+01:00",
    "2026-11-24T20:00:00+01:00",
    "2026-11-28T12:00:00+01:00",
    "2026-12-25T11:00:00+01:00",
]


def _without_ids(text: str) -> str:
    """Text with ids, keys, addresses and links taken out (``not-acute-otherwise``, ``ready_to_act``)."""
    return re.sub(r"\S*[-_@/.:]\S*[A-Za-z]\S*", " ", text)


def _concerns(plan: beredskab.Plan) -> Iterator[dict[str, Any]]:
    steps = ["intake", *[s for s in plan.steps if s != "intake"][:4]]
    for at, age, acute, step in itertools.product(TIMES, [10, 16, 30, None], [False, True], steps):
        yield {"received_at": at, "age": age, "acute": acute, "step": step, "reporter": "professional"}


def _english_in(text: str) -> list[str]:
    return sorted({m.group(0) for m in ENGLISH.finditer(_without_ids(text))})


@pytest.mark.parametrize("slug", SLUGS)
def test_route_answers_are_danish_by_default(slug: str, plans: dict[str, beredskab.Plan]) -> None:
    plan = plans[slug]
    found: dict[str, str] = {}
    for concern in _concerns(plan):
        decision = plan.route(concern)
        text = DECISION_REPORTERS["text"](decision, "da", plan)
        for line in text.splitlines():
            words = _english_in(line)
            if words:
                found.setdefault(", ".join(words), line)
    assert not found, "\n".join(f"{w}: {line[:220]}" for w, line in list(found.items())[:8])


@pytest.mark.parametrize("slug", SLUGS)
def test_route_answers_in_english_carry_no_danish_tool_words(slug: str, plans: dict[str, beredskab.Plan]) -> None:
    plan = plans[slug]
    for concern in itertools.islice(_concerns(plan), 0, None, 7):
        decision = plan.route(concern, lang="en")
        own = {a.split(": ", 1)[-1] for a in decision.assumptions}  # the plan's notes stay Danish
        tool = [line for line in decision.explanation if line not in own and line != _rule_explanation(plan, decision)]
        assert not any(DANISH_TOOL.search(_without_ids(line)) for line in tool), tool


def _rule_explanation(plan: beredskab.Plan, decision: beredskab.Decision) -> str:
    rid = decision.rules[0]
    rule = next((r for r in plan.rules if r.id == rid), plan.catch_all)
    return rule.explanation


@pytest.mark.parametrize("slug", SLUGS)
def test_the_action_card_is_danish(slug: str, plans: dict[str, beredskab.Plan]) -> None:
    card = render_card(plans[slug], "markdown", lang="da")
    english = {line: _english_in(line) for line in card.splitlines() if _english_in(line)}
    assert not english, english


# --- the other surfaces: validate, test, report, graph ---------------------------------------


def _scannable(text: str) -> str:
    """Text for the scan: markup, YAML keys and values the hints quote, and example events taken out."""
    text = re.sub(r"<style.*?</style>|<script.*?</script>", " ", text, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", "\n", text))
    text = re.sub(r"\{.*?\}|'[^'\n]*'|\"[^\"\n]*\"", " ", text)  # quoted plan values, example events
    return re.sub(r"\bon: \w+", " ", text)  # the YAML a hint suggests (``on: closed``)


@functools.cache
def _plan_ids() -> re.Pattern[str]:
    """Every step, actor, rule and schedule id of the shipped plans (``closed`` is a step id)."""
    ids: set[str] = set()
    for plan in beredskab.load_plans(PLANS).values():
        ids.update(plan.steps, plan.compiled.actors, plan.compiled.schedules, (r.id for r in plan.rules))
    return re.compile(r"\b(" + "|".join(sorted(map(re.escape, ids), key=len, reverse=True)) + r")\b")


def _english_lines(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    ids = _plan_ids()
    for line in _scannable(text).splitlines():
        line = ids.sub(" ", line)
        words = _english_in(line)
        if words:
            out.setdefault(line.strip()[:200], words)
    return out


def test_validate_test_report_and_graph_speak_danish(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    surfaces: dict[str, str] = {}
    for name, argv in {
        "validate": ["validate", str(PLANS)],
        "test": ["test", str(PLANS)],
        "graph": ["graph", str(PLANS / "koege.yaml")],
    }.items():
        main(argv)
        surfaces[name] = capsys.readouterr().out
    main(["report", str(PLANS), "-o", str(tmp_path / "site")])
    capsys.readouterr()
    for page in sorted((tmp_path / "site").rglob("*.html")):
        surfaces[page.relative_to(tmp_path).as_posix()] = page.read_text(encoding="utf-8")
    assert len(surfaces) > 10
    found = {name: _english_lines(text) for name, text in surfaces.items()}
    found = {name: lines for name, lines in found.items() if lines}
    assert not found, "\n".join(f"{n}: {list(lines.items())[:3]}" for n, lines in found.items())
    # and in English the same surfaces carry the tool's English words
    main(["validate", "--lang", "en", str(PLANS)])
    assert "assumed, not in the plan text" in capsys.readouterr().out
