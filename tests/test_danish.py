"""What a Danish reader sees is Danish; what `--lang en` gives is the tool's English.

Issue 18: the route text card and the Decision's explanation and assumptions, for every
plan over a broad sample of situations (ages, acute or not, day, evening, Saturday, a
public holiday, later steps), the action card and the comparison matrix. The plans' own
words are Danish documents; the tool's words come from the catalogs. A scan for words
that are English and never Danish finds a sentence of either that slipped through.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest

import beredskab
from beredskab.audit.card import render_card
from beredskab.cli.reporters import DECISION_REPORTERS
from conftest import SLUGS

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
