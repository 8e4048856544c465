"""The durable-rules wrapper: each known trap has a test that a naive wrapper fails."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest

import beredskab
from beredskab.routing._engine import RuleEngine
from conftest import EXAMPLE_FILES, PLANS, SLUGS

MINIMAL = EXAMPLE_FILES / "valid" / "minimal.yaml"
EVENT = {"acute": False, "age": 30, "received_at": "2026-11-23T10:00:00+01:00", "step": "intake", "severity": "high"}


def test_same_plan_loaded_twice_has_separate_rulesets() -> None:
    a = beredskab.load_plan(MINIMAL)
    b = beredskab.load_plan(MINIMAL)
    assert a.compiled.engine.name != b.compiled.engine.name
    assert a.route(EVENT).rules == b.route(EVENT).rules == ["intake"]


def test_reloading_a_changed_plan_uses_the_new_rules(tmp_path: Path) -> None:
    """durable-rules keeps the old rules when a ruleset name is redefined; we never reuse names."""
    first = beredskab.load_plan(MINIMAL)
    assert first.route(EVENT).next[0].actor == "infohus"
    changed = tmp_path / "minimal.yaml"
    changed.write_text(
        MINIMAL.read_text(encoding="utf-8").replace(
            "  - id: intake\n    when: {step: intake}\n    next:\n      - actor: infohus",
            "  - id: intake\n    when: {step: intake}\n    next:\n      - actor: children",
        ),
        encoding="utf-8",
    )
    second = beredskab.load_plan(changed)
    assert second.route(EVENT).next[0].actor == "children"
    assert first.route(EVENT).next[0].actor == "infohus"


def test_unmatched_event_gets_the_catch_all_not_an_exception(minimal_plan: beredskab.Plan) -> None:
    # no rule of the minimal plan covers step infohus_assessment for an adult with no findings
    d = minimal_plan.route(dict(EVENT, step="infohus_assessment"))
    assert d.catch_all is True
    assert d.rules == ["catch-all"]
    assert "catch-all" in d.explanation[0]
    assert d.next and d.next[0].actor == "infohus"


def test_engine_without_any_matching_rule_returns_catch_all_index() -> None:
    engine = RuleEngine("t", [{"acute": "yes"}])
    assert engine.fire({"acute": "no"}) == engine.catch_all == 1
    assert engine.fire({"acute": "yes"}) == 0


def test_first_match_by_priority_not_definition_order() -> None:
    engine = RuleEngine("t", [{"$and": [{"acute": "yes"}, {"band": "child"}]}, {"acute": "yes"}])
    assert engine.fire({"acute": "yes", "band": "child"}) == 0
    assert engine.fire({"acute": "yes", "band": "adult"}) == 1


def test_no_state_is_left_behind_per_route(minimal_plan: beredskab.Plan) -> None:
    engine = minimal_plan.compiled.engine
    for step in ("intake", "visitation", "infohus_assessment", "closed"):
        for _ in range(20):
            minimal_plan.route(dict(EVENT, step=step))
    session = engine.session()
    # every event was consumed by the rule that fired: nothing pending, no facts kept
    assert session["events"] == [] and session["facts"] == []
    assert set(session["state"]) <= {"sid", "id", "$s"}


def test_many_engines_created_and_collected() -> None:
    """Rulesets are freed when their plan goes away, so long-running services do not leak handles."""
    for _ in range(300):
        plan = beredskab.load_plan(MINIMAL)
        plan.route(EVENT)
        del plan
    gc.collect()
    assert beredskab.load_plan(MINIMAL).route(EVENT).rules == ["intake"]


def _concerns() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for acute in (True, False):
        for age in (None, 5, 16, 17, 18, 22, 30, 70):
            for at in (
                "2026-11-23T10:00:00+01:00",
                "2026-11-23T20:00:00+01:00",
                "2026-12-25T11:00:00+01:00",
                "2027-06-05T13:00:00+02:00",
            ):
                out.append({"acute": acute, "age": age, "received_at": at})
    return out


def test_threads_routing_on_all_plans_agree_with_one_thread() -> None:
    plans = beredskab.load_plans(PLANS)
    work = [(slug, c) for slug in SLUGS for c in _concerns()]
    expected = {i: plans[slug].route(c).model_dump(mode="json") for i, (slug, c) in enumerate(work)}
    got: dict[int, object] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker(k: int) -> None:
        try:
            barrier.wait()
            for i in range(k, len(work), 8):
                slug, c = work[i]
                got[i] = plans[slug].route(c).model_dump(mode="json")
            for i in range(len(work) - 1 - k, -1, -8):
                slug, c = work[i]
                assert plans[slug].route(c).model_dump(mode="json") == expected[i]
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    assert got == expected


def test_threads_loading_and_routing_at_once() -> None:
    """Threads that route before any other plan exists never see 'Ruleset not found'."""
    results: list[list[str]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def worker(slug: str) -> None:
        try:
            barrier.wait()
            plan = beredskab.load_plan(PLANS / f"{slug}.yaml")
            results.append(plan.route({"acute": True, "age": 17, "received_at": "2026-11-23T03:00:00+01:00"}).rules)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(s,)) for s in (*SLUGS, "koege")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(results) == 6


@pytest.mark.parametrize("slug", SLUGS)
def test_engine_agrees_with_plain_python_first_match(slug: str, plans: dict[str, beredskab.Plan]) -> None:
    compiled = plans[slug].compiled
    for c in _concerns():
        for step in compiled.steps:
            concern = beredskab.Concern.model_validate(dict(c, step=step))
            facts = compiled.facts(concern)
            assert compiled.engine.fire(facts) == compiled.first_match(facts), (slug, step, c)


def test_collecting_an_engine_never_blocks_on_the_table_lock() -> None:
    """A finalizer can run inside RuleEngine.__init__ (garbage collection strikes anywhere)
    while that thread holds the table lock; it must not wait for it (a naive one deadlocks)."""
    from beredskab.routing import _engine

    engine = RuleEngine("t", [{"acute": "yes"}])
    done = threading.Event()

    def finalize_while_locked() -> None:
        with _engine._TABLE_LOCK:
            engine._finalizer()
        done.set()

    t = threading.Thread(target=finalize_while_locked, daemon=True)
    t.start()
    assert done.wait(5), "finalizer blocked on the table lock"
    # the retired ruleset is freed at the next creation
    assert _engine._RETIRED
    RuleEngine("t2", [{"acute": "yes"}])
    assert not _engine._RETIRED
