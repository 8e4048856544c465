"""What the checks share within one run gives the answers they would work out each alone.

The time checks remember the calendar's answers (``ctx.clock``) and who can be reached
when (``ctx.reacher``); the text checks walk the document's mappings once
(``ctx.mappings``); the completeness analysis extends facts as it splits. Each is
compared here with the plain computation it replaces, on the five plans and the
examples that load.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from beredskab._i18n import Translate
from beredskab.analysis._texts import norm
from beredskab.analysis.checks import deadline_out_of_reach
from beredskab.analysis.clock import Clock
from beredskab.analysis.context import CheckContext
from beredskab.analysis.moments import plan_moments
from beredskab.analysis.reach import WRITTEN, Reach
from beredskab.analysis.space import TIME
from beredskab.loader import read_document
from beredskab.plan import build_plan
from beredskab.routing.calendar import ZONE, wall_moment
from beredskab.routing.router import CompiledPlan
from beredskab.spec._yaml import iter_paths
from beredskab.spec.model import ActionSpec, CatchAll, Rule
from conftest import EXAMPLE_FILES, PLANS, SLUGS

AS_OF = dt.date(2026, 11, 22)
FILES = [PLANS / f"{slug}.yaml" for slug in SLUGS] + [
    EXAMPLE_FILES / "valid" / "complete.yaml",
    EXAMPLE_FILES / "checks" / "BK603-no-way-in.yaml",
    EXAMPLE_FILES / "checks" / "BK604-longest-wait.yaml",
    EXAMPLE_FILES / "checks" / "BK605-deadline-out-of-reach.yaml",
]


def _ctx(path: Path) -> CheckContext:
    document = read_document(path, str(path))
    return CheckContext(build_plan(document), document, as_of=AS_OF, lang="en")


def _moments(ctx: CheckContext) -> list[dt.datetime]:
    """The plan's candidate moments, the moments of the deadline check, and a few in the autumn's repeated hour."""
    out = [m.at for m in plan_moments(ctx)]
    out += [m - dt.timedelta(hours=24) for m in out[:50]]
    autumn = wall_moment(dt.date(2026, 10, 25), 0).astimezone(dt.UTC)
    out += [(autumn + dt.timedelta(minutes=m)).astimezone(ZONE) for m in range(0, 240, 30)]  # fold 0 and 1
    out += [dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC), dt.datetime(2026, 11, 28, 23, 0, tzinfo=dt.UTC)]
    return out


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_clock_answers_as_the_calendar(path: Path) -> None:
    ctx = _ctx(path)
    clock = Clock()
    for _ in range(2):  # remembered the second time
        for at in _moments(ctx):
            for sched in ctx.compiled.schedules.values():
                assert clock.is_open(sched, at) == sched.is_open(at)
                got, want = clock.next_opening(sched, at), sched.next_opening(at)
                assert got == want
                if want is not None and got is not None:
                    assert (got.tzinfo, got.fold, got.isoformat()) == (want.tzinfo, want.fold, want.isoformat())


def _reference_reach(compiled: CompiledPlan, actions: list[ActionSpec], at: dt.datetime, _: Translate) -> Reach:
    """``reach`` as it was before the Reacher: every answer worked out from scratch."""
    way_in = False
    earliest: dt.datetime | None = None
    who: str | None = None
    why_not: list[str] = []
    earliest_any: dt.datetime | None = None
    candidates: list[tuple[str, tuple[Any, ...] | None]] = []
    for act in actions:
        candidates.append((act.actor, tuple(act.via) if act.via is not None else None))
        actor = compiled.actors[act.actor]
        if not compiled.schedules[actor.schedule].is_open(at):
            candidates.extend(
                (e.actor, tuple(e.via) if e.via is not None else None) for e in act.escalation if e.on == "closed"
            )
    unique = list(dict.fromkeys(candidates))
    for aid, via in unique:
        actor = compiled.actors[aid]
        sched = compiled.schedules[actor.schedule]
        contacts = [c for c in actor.contacts if via is None or c.channel in via]
        can_act = at if sched.is_open(at) else sched.next_opening(at)
        if can_act is not None and (earliest_any is None or can_act < earliest_any):
            earliest_any = can_act
        if not contacts:
            continue
        if not way_in and any(
            c.channel in WRITTEN or compiled.schedules[c.schedule or actor.schedule].is_open(at) for c in contacts
        ):
            way_in = True
        if can_act is not None and (earliest is None or can_act < earliest):
            earliest, who = can_act, actor.name
    if not way_in:
        for aid, via in unique:
            actor = compiled.actors[aid]
            contacts = [c for c in actor.contacts if via is None or c.channel in via]
            if not contacts:
                why_not.append(_("{actor}: no contact in the plan").format(actor=actor.name))
            else:
                channels = "/".join(sorted({c.channel.value for c in contacts}))
                why_not.append(_("{actor}: {channels} not answered then").format(actor=actor.name, channels=channels))
    return Reach(way_in, earliest, who, tuple(why_not), earliest_any)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_reacher_answers_as_reach_from_scratch(path: Path) -> None:
    ctx = _ctx(path)
    items: list[Rule | CatchAll] = [*ctx.plan.rules, ctx.plan.catch_all]
    moments = _moments(ctx)[::3]
    for translate in (str, ctx.translate):
        for _ in range(2):  # remembered the second time
            for item in items:
                for at in moments:
                    got = ctx.reacher.reach(item.next, at, translate)
                    assert got == _reference_reach(ctx.compiled, item.next, at, translate)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_mappings_are_the_mappings_of_a_walk(path: Path) -> None:
    ctx = _ctx(path)
    walked = [(p, v) for p, v in iter_paths(ctx.document.data) if isinstance(v, dict)]
    assert ctx.mappings == walked
    assert all(a[1] is b[1] for a, b in zip(ctx.mappings, walked, strict=True))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_extended_facts_are_the_facts_of_the_extended_assignment(path: Path) -> None:
    space = _ctx(path).space
    for region in _ctx(path).regions[:400]:
        assign: dict[str, Any] = {}
        facts = space.facts(assign)
        for dim, value in region.assign.items():
            facts = space.extend_facts(facts, dim, value)
            assign = {**assign, dim: value}
            assert facts == space.facts(assign)
        for dim, values in space.dims.items():
            if dim not in assign:
                for value in values:
                    assert space.extend_facts(facts, dim, value) == space.facts({**assign, dim: value})
    assert TIME in space.dims


def test_norm_is_the_regular_expression_it_replaces() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted((PLANS / "sources").iterdir()) if p.is_file()]
    texts += [
        "",
        " \t\n",
        "a\u00a0b\u2003c\u3000d\x1ce\x85f\u2028g",
        "  leading and trailing \r\n",
        "one\x0btwo\x0cthree",
    ]
    for text in texts:
        assert norm(text) == re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_deadline_findings_shared_by_actions_are_each_actions_own(path: Path) -> None:
    shared = _ctx(path)
    classes = deadline_out_of_reach._time_classes(shared)
    compiled = shared.compiled
    items = [(i, r) for i, r in enumerate(shared.plan.rules)] + [(None, shared.plan.catch_all)]
    compared = 0
    for owner, item in items:
        tcs = classes.get(owner)
        for act in item.next:
            if act.deadline is None or act.deadline.clock != "wall" or not tcs:
                continue
            sched = compiled.schedules[compiled.actors[act.actor].schedule]
            alone = _ctx(path)  # a run of its own: nothing remembered
            assert deadline_out_of_reach._first_findings(shared, act, sched, tcs) == deadline_out_of_reach._work_out(
                alone, act, sched, tcs
            )
            compared += 1
    if path.name in ("kbh.yaml", "BK605-deadline-out-of-reach.yaml"):
        assert compared
