"""The durable-rules wrapper: each known trap has a test that a naive wrapper fails."""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import durable_rules_engine as _core
import pytest

import beredskab
from beredskab.routing import _engine
from beredskab.routing._engine import EngineError, RuleEngine
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
    d = minimal_plan.route(dict(EVENT, step="infohus_assessment"), lang="en")
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


# --- memory per replaced engine (security review finding 4) --------------------------------

# Runs in a fresh interpreter so the figure is this loop's alone. Half of the engines are
# closed, half left to the garbage collector (a reload drops its old plans that way).
_RELOAD_PROBE = """
import gc, os, sys
import beredskab
from beredskab.routing._engine import RuleEngine

PLAN, N = sys.argv[1], int(sys.argv[2])
EVENT = {"acute": False, "age": 30, "received_at": "2026-11-23T10:00:00+01:00", "step": "intake", "severity": "high"}

def rss_kib():
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024

def cycle(i):
    plan = beredskab.load_plan(PLAN)
    assert plan.route(EVENT).rules == ["intake"]
    if i % 2:
        plan.compiled.engine.close()

for i in range(30):  # warm up: caches, arenas, the retired list
    cycle(i)
gc.collect()
before = rss_kib()
for i in range(N):
    cycle(i)
gc.collect()
RuleEngine("flush", [])  # frees what the last collection retired
print(rss_kib() - before)
"""


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads RSS from /proc (Linux)")
def test_replaced_engines_that_routed_do_not_leak_their_session() -> None:
    """durable-rules' ``delete_ruleset`` frees the ruleset but not the session (state node) an
    engine's first route creates: ~150 KB for the minimal plan, 0.3-0.5 MB for a real one, per
    replaced plan. 300 load + route + drop cycles grew RSS by ~48 MB before the fix."""
    cycles = 300
    out = subprocess.run(
        [sys.executable, "-c", _RELOAD_PROBE, str(MINIMAL), str(cycles)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    growth_kib = int(out.stdout.split()[-1])
    assert growth_kib < 8 * 1024, (
        f"RSS grew {growth_kib} KiB over {cycles} engines ({growth_kib / cycles:.0f} KiB each)"
    )


def test_closing_an_engine_deletes_its_session_and_ruleset(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = RuleEngine("t", [{"acute": "yes"}])
    engine.fire({"acute": "yes"})
    handle, sid = engine._handle, engine._sid
    assert json.loads(_core.get_state(handle, sid))["sid"] == sid
    calls: list[tuple[str, tuple[object, ...]]] = []
    for name in ("delete_state", "delete_ruleset"):
        real = getattr(_core, name)

        def spy(*args: object, _name: str = name, _real: Any = real) -> object:
            calls.append((_name, args))
            return _real(*args)

        monkeypatch.setattr(_core, name, spy)
    engine.close()
    # another engine the garbage collector finalises meanwhile may delete its own: only ours count
    calls = [c for c in calls if c[1][0] == handle]
    # the session first: deleting the ruleset drops the node array but not what a node holds
    assert calls == [("delete_state", (handle, sid)), ("delete_ruleset", (handle,))]
    with pytest.raises(EngineError, match="closed"):
        engine.fire({"acute": "yes"})


@pytest.mark.parametrize("routed_before", [True, False], ids=["session-deleted", "fresh-sid"])
def test_an_interrupted_route_does_not_answer_the_next_one(routed_before: bool) -> None:
    """A route cut short inside the core (an error, or a fork while another thread routes)
    leaves its event and a started action (with a 30 s lease) in the session; the next route
    got no action and answered the catch-all."""
    engine = RuleEngine("t", [{"acute": "yes"}, {"acute": "no"}])
    if routed_before:
        assert engine.fire({"acute": "yes"}) == 0
    sid = engine._sid

    def fail() -> None:
        raise RuntimeError("interrupted")

    engine._actions["r0"] = fail
    with pytest.raises(EngineError):
        engine.fire({"acute": "yes"})  # r0's action is left started, never completed
    engine._actions["r0"] = engine._recorder(0)
    assert engine.fire({"acute": "no"}) == 1
    assert engine.fire({"acute": "yes"}) == 0
    session = engine.session()
    assert session["events"] == [] and session["facts"] == []
    # a session that completed a route is deleted and reused; one cut short in its very first
    # route may hold uninitialised pointers, so it is left and a new sid used
    assert (engine._sid == sid) is routed_before


# --- fork after load (security review finding 7) --------------------------------------------

FORKED = {"acute": True, "age": 17, "received_at": "2026-11-23T03:00:00+01:00"}
OTHER = {"acute": False, "age": 40, "received_at": "2026-11-24T11:00:00+01:00"}


def _fork_child(plan: beredskab.Plan, expected: object) -> int:
    """Fork; the child routes once, creates and fires a new engine, and exits 0 (3: wrong answer)."""
    pid = os.fork()
    if pid:
        return pid
    code = 4
    try:
        right = plan.route(FORKED).model_dump(mode="json") == expected
        fresh = RuleEngine("child", [{"acute": "yes"}])
        code = 0 if right and fresh.fire({"acute": "yes"}) == 0 else 3
    finally:
        os._exit(code)  # never return into pytest in the child


def _reap(pids: list[int], seconds: float) -> dict[int, int | None]:
    """Exit code of each child; None for one still running at the deadline (then killed)."""
    codes: dict[int, int | None] = {}
    deadline = time.monotonic() + seconds
    waiting = list(pids)
    while waiting and time.monotonic() < deadline:
        for pid in list(waiting):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                codes[pid] = os.waitstatus_to_exitcode(status)
                waiting.remove(pid)
        time.sleep(0.01)
    for pid in waiting:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        codes[pid] = None
    return codes


def _outcome(codes: dict[int, int | None]) -> str:
    hung = sum(c is None for c in codes.values())
    wrong = sum(c == 3 for c in codes.values())
    ok = sum(c == 0 for c in codes.values())
    return (
        f"{len(codes)} children: {ok} ok, {hung} hung, {wrong} routed wrongly, {len(codes) - ok - hung - wrong} failed"
    )


fork_only = pytest.mark.skipif(not hasattr(os, "register_at_fork"), reason="needs os.fork")
# Python 3.12+ warns about fork() in a process with threads: forking there is the point
ignore_fork_warning = pytest.mark.filterwarnings("ignore:.*fork.*:DeprecationWarning")


@fork_only
@ignore_fork_warning
def test_child_forked_while_a_thread_is_inside_a_route_can_route() -> None:
    """Deterministic: a thread is stopped inside ``fire`` (engine lock held, an action started in
    the core) and another holds the table lock while the children are forked."""
    plan = beredskab.load_plan(PLANS / "koege.yaml")
    engine = plan.compiled.engine
    expected = plan.route(FORKED).model_dump(mode="json")
    inside, release = threading.Event(), threading.Event()
    index = engine.fire(plan.compiled.facts(beredskab.Concern.model_validate(dict(OTHER, step="intake"))))
    name = "catch_all" if index == engine.catch_all else f"r{index}"
    original = engine._actions[name]

    def stop_inside() -> None:
        original()
        inside.set()
        release.wait(10)

    def table_holder() -> None:
        with _engine._TABLE_LOCK:
            inside.wait(10)
            release.wait(10)

    engine._actions[name] = stop_inside
    threads = [threading.Thread(target=plan.route, args=(OTHER,)), threading.Thread(target=table_holder)]
    for t in threads:
        t.start()
    try:
        assert inside.wait(5)
        pids = [_fork_child(plan, expected) for _ in range(8)]
    finally:
        release.set()
        for t in threads:
            t.join(10)
        engine._actions[name] = original
    codes = _reap(pids, 10)
    assert all(c == 0 for c in codes.values()), _outcome(codes)
    assert plan.route(FORKED).model_dump(mode="json") == expected  # the parent is unharmed


@fork_only
@ignore_fork_warning
def test_children_forked_while_another_thread_routes_all_route() -> None:
    plan = beredskab.load_plan(PLANS / "koege.yaml")
    expected = plan.route(FORKED).model_dump(mode="json")
    assert plan.route(OTHER).model_dump(mode="json") != expected
    stop = threading.Event()

    def router() -> None:
        while not stop.is_set():
            plan.route(OTHER)

    t = threading.Thread(target=router)
    t.start()
    pids: list[int] = []
    try:
        for _ in range(40):
            pids.append(_fork_child(plan, expected))
            time.sleep(0.002)  # let the router move on between forks
    finally:
        stop.set()
        t.join(10)
    codes = _reap(pids, 10)
    assert all(c == 0 for c in codes.values()), _outcome(codes)
