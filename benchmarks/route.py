"""Routing speed against its floor: ``plan.route`` against the rule engine's own ``fire``, in one run.

``plan.route(concern)`` turns the concern into facts, fires the plan's rules in the
engine wrapper (``RuleEngine.fire``, durable-rules' core driven directly: the floor no
route can go below), then builds the Decision (actions, times, explanation, path). This
prints, from one run, for a representative set of concerns per shipped plan (every intake
combination of acute or not, age unknown / 10 / 17 / 18 / 40, three reporters, at a
weekday 10:xx, a weekday evening and a Saturday; and every later step with a few findings):

- p50 and p90 over the concerns of ``plan.route(concern)`` (a Concern, parsed once) and of
  ``fire`` on the same concern's facts, each the best of several interleaved passes, and
  their ratio, with the target: route p50 <= 2x fire;
- a peer: Køge's intake rules as a GoRules zen decision table (JDM, first hit), built here
  from the plan's rules as they are, checked to give the same deciding rule as the engine
  on every intake concern, and timed on the same facts (``pip install zen-engine``, or
  ``beredskab[bench]``; skipped with a message when it is not installed);
- RSS before and after ``--routes`` routes (memory kept per route).

Every comparison is a ratio of figures measured in the same run, interleaved, so a noisy
neighbour slows both sides alike. No test times anything.

    python benchmarks/route.py
    python benchmarks/route.py --routes 1000000 --rounds 9
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import itertools
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PLANS = REPO / "plans"
TARGET_RATIO = 2.0
CET = dt.timezone(dt.timedelta(hours=1))  # November: Copenhagen is at +01:00

# (label, weekday-or-Saturday dates, hour): the minutes vary so that nothing keyed on the exact time repeats
MOMENTS = (
    ("day", (dt.date(2026, 11, 24), dt.date(2026, 12, 1), dt.date(2026, 12, 8)), 10),
    ("evening", (dt.date(2026, 11, 25), dt.date(2026, 12, 2), dt.date(2026, 12, 9)), 20),
    ("saturday", (dt.date(2026, 11, 28), dt.date(2026, 12, 5), dt.date(2026, 12, 12)), 11),
)
AGES = (None, 10, 17, 18, 40)
REPORTERS = ("citizen", "professional", "police")
FINDINGS = ({}, {"relevant": True, "consent": True}, {"security_threat": True, "ready_to_act": True})
SEVERITIES = (None, "high", "medium", "low")


def rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _moments() -> list[tuple[str, dt.datetime]]:
    out = []
    for i, (label, dates, hour) in enumerate(MOMENTS):
        for j, day in enumerate(dates):
            out.append((label, dt.datetime(day.year, day.month, day.day, hour, 7 + 17 * j + 3 * i, tzinfo=CET)))
    return out


def intake_concerns(concern_cls: Any) -> list[Any]:
    """Every intake combination of acute, age and reporter at a day, an evening and a Saturday moment."""
    moments = _moments()
    out = []
    for n, (acute, age, reporter, label) in enumerate(itertools.product((True, False), AGES, REPORTERS, MOMENTS)):
        at = [m for lab, m in moments if lab == label[0]][n % len(label[1])]
        out.append(concern_cls(received_at=at, acute=acute, age=age, reporter=reporter))
    return out


def later_concerns(concern_cls: Any, plan: Any) -> list[Any]:
    """Every later, non-terminal step of ``plan`` with a few findings, ages and moments."""
    moments = _moments()
    steps = [s for s, spec in plan.steps.items() if s != "intake" and spec.terminal is None]
    out = []
    for n, (step, findings, age, label) in enumerate(itertools.product(steps, FINDINGS, (None, 10, 40), MOMENTS)):
        at = [m for lab, m in moments if lab == label[0]][n % len(label[1])]
        out.append(
            concern_cls(
                received_at=at,
                acute=n % 5 == 0,
                age=age,
                step=step,
                findings=findings,
                severity=SEVERITIES[n % len(SEVERITIES)],
            )
        )
    return out


def per_call_us(fn: Callable[[Any], Any], arg: Any, batch: int) -> float:
    t0 = time.perf_counter_ns()
    for _ in range(batch):
        fn(arg)
    return (time.perf_counter_ns() - t0) / batch / 1000


def p50_p90(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), statistics.quantiles(values, n=10)[-1]


def measure(
    sides: dict[str, tuple[Callable[[Any], Any], list[Any]]], rounds: int, batch: int
) -> dict[str, list[float]]:
    """Per item, the best of ``rounds`` per-call times of each side; the sides interleaved item by item."""
    n = len(next(iter(sides.values()))[1])
    best = {side: [float("inf")] * n for side in sides}
    for _ in range(rounds):
        for i in range(n):
            for side, (fn, items) in sides.items():
                best[side][i] = min(best[side][i], per_call_us(fn, items[i], batch))
    return best


# --- the peer: Køge's intake as a GoRules zen decision table (JDM) -------------------------


def _cell(values: tuple[str, ...]) -> str:
    """A zen unary expression: the fact equals one of ``values``."""
    return ", ".join(json.dumps(v) for v in values)


def intake_table(plan: Any) -> tuple[dict[str, Any], list[int]]:
    """The JDM graph of a first-hit decision table of the plan's rules that can decide at intake.

    One row per rule, in the plan's order, one column per fact the rules read; the output
    is the rule's index (the catch-all's is ``len(rules)``, its row last and empty). A rule
    whose condition is not a flat conjunction of leaves (all/any/not) has no one row: the
    table refuses it rather than guess.
    """
    from beredskab.routing.facts import leaf_facts

    rows: list[tuple[int, dict[str, tuple[str, ...]]]] = []
    for i, rule in enumerate(plan.rules):
        cond = rule.when
        if cond.all or cond.any or cond.not_ is not None:
            raise ValueError(f"rule {rule.id}: not a flat condition, no single table row")
        tests = dict(leaf_facts(cond))
        if "intake" not in tests.get("step", ("intake",)):
            continue  # cannot decide an intake concern
        rows.append((i, tests))
    columns = list(dict.fromkeys(key for _, tests in rows for key in tests))
    inputs = [{"id": f"in_{key}", "name": key, "field": key} for key in columns]
    table_rules = [
        {"_id": f"r{i}", **{f"in_{key}": _cell(tests[key]) if key in tests else "" for key in columns}, "out": str(i)}
        for i, tests in rows
    ]
    catch_all = len(plan.rules)
    table_rules.append({"_id": "catch_all", **{f"in_{key}": "" for key in columns}, "out": str(catch_all)})
    graph = {
        "nodes": [
            {"id": "request", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}},
            {
                "id": "intake",
                "type": "decisionTableNode",
                "name": f"{plan.municipality.slug} intake",
                "position": {"x": 300, "y": 0},
                "content": {
                    "hitPolicy": "first",
                    "inputs": inputs,
                    "outputs": [{"id": "out", "name": "rule", "field": "rule"}],
                    "rules": table_rules,
                },
            },
            {"id": "response", "type": "outputNode", "name": "Response", "position": {"x": 600, "y": 0}},
        ],
        "edges": [
            {"id": "e1", "sourceId": "request", "targetId": "intake", "type": "edge"},
            {"id": "e2", "sourceId": "intake", "targetId": "response", "type": "edge"},
        ],
    }
    return graph, [i for i, _ in rows] + [catch_all]


def zen_decide(plan: Any) -> Callable[[dict[str, Any]], int] | str:
    """A function facts -> deciding rule index by zen, or why there is none."""
    try:
        import zen
    except ImportError:
        return "zen-engine is not installed (pip install zen-engine, or pip install -e '.[bench]')"
    graph, _ = intake_table(plan)
    decision = zen.ZenEngine().create_decision(json.dumps(graph))
    options = {"trace": False}

    def decide(facts: dict[str, Any]) -> int:
        return int(decision.evaluate(facts, options)["result"]["rule"])

    return decide


# --- the run ---------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved passes; each item's best counts (5)")
    parser.add_argument("--batch", type=int, default=20, help="calls per timed item per pass (20)")
    parser.add_argument("--routes", type=int, default=200_000, help="routes for the memory figure (200,000)")
    args = parser.parse_args()

    import beredskab
    from beredskab import Concern

    plans = beredskab.load_plans(PLANS)
    groups: list[tuple[str, Any, list[Any]]] = []
    for slug in sorted(plans):
        plan = plans[slug]
        groups.append((f"{slug} intake", plan, intake_concerns(Concern)))
        groups.append((f"{slug} later steps", plan, later_concerns(Concern, plan)))

    routes: list[tuple[Any, Any]] = []  # (plan, concern)
    fires: list[tuple[Any, dict[str, Any]]] = []  # (engine, facts)
    spans: list[tuple[str, int, int]] = []
    for label, plan, concerns in groups:
        start = len(routes)
        for concern in concerns:
            routes.append((plan, concern))
            fires.append((plan.compiled.engine, plan.compiled.facts(concern)))
        spans.append((label, start, len(routes)))
    for plan, concern in routes:  # warm the caches a running service has warm (paths, rendered texts)
        plan.route(concern)
    koege = plans["koege"]
    zen = zen_decide(koege)
    koege_intake = next((s, e) for label, s, e in spans if label == "koege intake")
    zen_items = [facts for _, facts in fires[koege_intake[0] : koege_intake[1]]]
    sides: dict[str, tuple[Callable[[Any], Any], list[Any]]] = {
        "route": (lambda pc: pc[0].route(pc[1]), routes),
        "fire": (lambda ef: ef[0].fire(ef[1]), fires),
    }
    best = measure(sides, args.rounds, args.batch)
    zen_best: dict[str, list[float]] = {}
    agree = 0
    if not isinstance(zen, str):
        for facts in zen_items:
            agree += zen(facts) == koege.compiled.engine.fire(facts)
        zen_best = measure(
            {
                "zen": (zen, zen_items),
                "fire": (koege.compiled.engine.fire, zen_items),
                "route": (koege.route, [c for _, c in routes[koege_intake[0] : koege_intake[1]]]),
            },
            args.rounds,
            args.batch,
        )

    print(f"plan.route(concern) against RuleEngine.fire(facts) on the same facts: {len(routes)} concerns, 5 plans")
    print(f"best of {args.rounds} interleaved passes of {args.batch} calls per concern; p50 / p90 over the concerns")
    print()
    header = f"{'concerns':<22} {'n':>4}  {'route p50':>9} {'p90':>7}  {'fire p50':>8} {'p90':>7}  {'ratio p50':>9} {'p90':>6}"
    print(header)
    summary: dict[str, Any] = {}

    def row(label: str, s: int, e: int) -> float:
        r50, r90 = p50_p90(best["route"][s:e])
        f50, f90 = p50_p90(best["fire"][s:e])
        print(
            f"{label:<22} {e - s:>4}  {r50:>7.1f}us {r90:>5.1f}us  {f50:>6.1f}us {f90:>5.1f}us  "
            f"{r50 / f50:>8.2f}x {r90 / f90:>5.2f}x"
        )
        summary[label] = {"route_p50_us": round(r50, 2), "fire_p50_us": round(f50, 2), "ratio_p50": round(r50 / f50, 2)}
        return r50 / f50

    for label, s, e in spans:
        row(label, s, e)
    overall = row("all", 0, len(routes))
    koege_ratio = summary["koege intake"]["ratio_p50"]
    print()
    for label, ratio in (("Køge intake", koege_ratio), ("all concerns", overall)):
        verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
        print(f"{label}: route p50 / fire p50 = {ratio:.2f}x  (target <= {TARGET_RATIO:.0f}x: {verdict})")

    print()
    if isinstance(zen, str):
        print(f"peer, GoRules zen decision table of Køge's intake: skipped, {zen}")
    else:
        z50, z90 = p50_p90(zen_best["zen"])
        f50, _ = p50_p90(zen_best["fire"])
        r50, _ = p50_p90(zen_best["route"])
        graph, indices = intake_table(koege)
        print(
            f"peer, GoRules zen decision table of Køge's intake ({len(indices)} rows incl. catch-all, "
            f"{len(graph['nodes'][1]['content']['inputs'])} input columns, first hit):"
        )
        print(f"  same deciding rule as the engine on {agree} of {len(zen_items)} intake concerns")
        print(
            f"  zen evaluate p50 {z50:.1f}us (p90 {z90:.1f}us); zen / fire = {z50 / f50:.2f}x; "
            f"route / zen = {r50 / z50:.2f}x  (route does the whole Decision, zen only picks the rule)"
        )
        summary["zen"] = {
            "agree": agree,
            "of": len(zen_items),
            "zen_p50_us": round(z50, 2),
            "zen_over_fire": round(z50 / f50, 2),
        }

    gc.collect()
    before = rss_mib()
    n = 0
    while n < args.routes:
        for plan, concern in routes:
            plan.route(concern)
            n += 1
            if n >= args.routes:
                break
    gc.collect()
    after = rss_mib()
    print()
    print(
        f"RSS {before:.1f} MiB before and {after:.1f} MiB after {n:,} more routes "
        f"({(after - before) * 1024 * 1024 / max(n, 1):.1f} bytes per route)"
    )
    summary["rss_growth_mib"] = round(after - before, 1)
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
