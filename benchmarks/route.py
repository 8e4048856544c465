"""Routing speed and memory: route() against a bare durable-rules post and a plain if-chain.

Prints, from one run: per-decision time of ``Plan.route`` (with explanation and path) on a
mixed set of concerns across all five plans; the time of a bare durable-rules ``post`` on a
4-rule ruleset; a plain Python if-chain; the ratios; RSS before and after many routes; and
the time to load all five plans (cold, in a fresh process, and warm).

    python benchmarks/route.py               # 1,000,000 routes for the memory figure
    python benchmarks/route.py --routes 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PLANS = REPO / "plans"
TARGET_RATIO = 2.5


def rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def mixed_concerns(plans: dict[str, Any], n: int, seed: int = 7) -> list[tuple[Any, dict[str, Any]]]:
    rng = random.Random(seed)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    out = []
    slugs = sorted(plans)
    for _ in range(n):
        plan = plans[rng.choice(slugs)]
        at = start + dt.timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
        concern: dict[str, Any] = {
            "received_at": at.isoformat(),
            "acute": rng.random() < 0.15,
            "age": rng.choice([None, *range(0, 95)]),
            "reporter": rng.choice(["professional", "citizen", "relative", "police", "hotline"]),
            "step": rng.choice(sorted(plan.steps)),
        }
        findings = {
            k: rng.choice([True, False, None])
            for k in ("ready_to_act", "security_threat", "relevant", "psychiatric", "in_custody", "consent")
            if rng.random() < 0.4
        }
        if findings:
            concern["findings"] = findings
        if rng.random() < 0.3:
            concern["severity"] = rng.choice(["high", "medium", "low"])
        out.append((plan, concern))
    return out


def bare_durable_rules() -> Any:
    from durable.lang import m, post, ruleset, when_all

    with ruleset("bench_bare_4"):

        @when_all((m.acute == "yes") & (m.band == "child"))
        def acute_child(c: Any) -> None:
            pass

        @when_all(m.acute == "yes")
        def acute(c: Any) -> None:
            pass

        @when_all(m.step == "intake")
        def intake(c: Any) -> None:
            pass

        @when_all(m.plan == "bench")
        def anything(c: Any) -> None:
            pass

    def run(event: dict[str, Any]) -> None:
        post("bench_bare_4", dict(event))

    return run


def if_chain(event: dict[str, Any]) -> str:
    if event["acute"] == "yes" and event["band"] == "child":
        return "acute_child"
    if event["acute"] == "yes":
        return "acute"
    if event["step"] == "intake":
        return "intake"
    return "anything"


def per_call(fn: Any, items: list[Any], rounds: int) -> float:
    """Best of ``rounds`` passes over ``items``, in microseconds per call."""
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for item in items:
            fn(item)
        best = min(best, time.perf_counter() - t0)
    return best / len(items) * 1e6


def cold_load_ms() -> tuple[float, float]:
    code = (
        "import time; t0=time.perf_counter(); import beredskab; t1=time.perf_counter();"
        f"beredskab.load_plans({str(PLANS)!r}); t2=time.perf_counter();"
        "print((t1-t0)*1000, (t2-t1)*1000)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--routes", type=int, default=1_000_000, help="routes for the memory figure (default 1,000,000)"
    )
    parser.add_argument("--sample", type=int, default=20_000, help="concerns in the timed mix (default 20,000)")
    args = parser.parse_args()

    import beredskab

    import_ms, cold_ms = cold_load_ms()
    t0 = time.perf_counter()
    plans = beredskab.load_plans(PLANS)
    warm_ms = (time.perf_counter() - t0) * 1000

    items = mixed_concerns(plans, args.sample)
    bare = bare_durable_rules()
    small_events = [
        {
            "plan": "bench",
            "acute": "yes" if c["acute"] else "no",
            "band": "child" if (c.get("age") or 99) < 18 else "adult",
            "step": c["step"],
        }
        for _, c in items
    ]
    for plan, concern in items[:2000]:  # warm caches the way a running service has them
        plan.route(concern)

    route_us = bare_us = chain_us = float("inf")
    for _ in range(3):  # interleaved, so a noisy neighbour hits all three alike
        route_us = min(route_us, per_call(lambda pc: pc[0].route(pc[1]), items, 1))
        bare_us = min(bare_us, per_call(bare, small_events, 1))
        chain_us = min(chain_us, per_call(if_chain, small_events, 1))

    answered = sum(1 for plan, concern in items if plan.route(concern).next)
    print(f"concerns in the mix:                  {len(items)} across {len(plans)} plans ({answered} answered)")
    print(f"route() per decision:                 {route_us:8.2f} us  (explanation and path included)")
    print(f"bare durable-rules post, 4 rules:     {bare_us:8.2f} us")
    print(f"plain Python if-chain, 4 branches:    {chain_us:8.2f} us")
    ratio = route_us / bare_us
    print(
        f"ratio route / bare post:              {ratio:8.2f}x   (target <= {TARGET_RATIO}x: {'met' if ratio <= TARGET_RATIO else 'MISSED'})"
    )
    print(f"ratio route / if-chain:               {route_us / chain_us:8.1f}x")
    print(f"import beredskab:                     {import_ms:8.1f} ms")
    print(
        f"load all five plans, cold process:    {cold_ms:8.1f} ms  (target < 200 ms: {'met' if cold_ms < 200 else 'MISSED'})"
    )
    print(f"load all five plans, warm:            {warm_ms:8.1f} ms")

    gc.collect()
    before = rss_mib()
    t0 = time.perf_counter()
    n = 0
    while n < args.routes:
        for plan, concern in items:
            plan.route(concern)
            n += 1
            if n >= args.routes:
                break
        if n == len(items):
            mid = rss_mib()
    elapsed = time.perf_counter() - t0
    gc.collect()
    after = rss_mib()
    print(f"RSS before {n:,} routes:             {before:8.1f} MiB")
    print(f"RSS after the first {len(items):,} routes:     {mid:8.1f} MiB")
    print(
        f"RSS after {n:,} routes:              {after:8.1f} MiB  (growth {after - before:+.1f} MiB; "
        f"{(after - mid) / max(n - len(items), 1) * 1e6 * 1024:.1f} bytes per route after warm-up)"
    )
    print(f"{n:,} routes took {elapsed:.1f} s ({elapsed / n * 1e6:.1f} us each)")
    print(
        json.dumps(
            {
                "route_us": round(route_us, 2),
                "bare_post_us": round(bare_us, 2),
                "if_chain_us": round(chain_us, 3),
                "ratio": round(ratio, 2),
                "load_cold_ms": round(cold_ms, 1),
                "rss_before_mib": round(before, 1),
                "rss_after_mib": round(after, 1),
                "routes": n,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
