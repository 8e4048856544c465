"""Diff speed: every pair of shipped plans as a fresh command, and the routing layer as a plan grows.

Prints, from one run:
- wall time of ``beredskab diff A B --format json`` (both layers) as a fresh command, for
  every pair of the shipped plans, best of 3 each, and the slowest pair against the
  target (well under 2 s);
- for synthetic plans of 2 .. 49 age bands (``benchmarks/validate.synthetic_plan``)
  against a revision (every band boundary a year later, half the bands' intake routed
  elsewhere): the raw product of the
  joint dimensions, the final regions the partition visits, the differing ones, the
  listed regions, and the time of the routing layer, so one sees the cost follow the
  regions (ms per region), not the raw product.

    python benchmarks/diff.py
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from validate import synthetic_plan  # the same synthetic plans as the validation benchmark

REPO = Path(__file__).resolve().parents[1]
TARGET_S = 2.0
AS_OF = "2026-12-01"


def _wall(cmd: list[str]) -> tuple[float, int]:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, check=False, cwd=REPO)
    return time.perf_counter() - t0, done.returncode


def _revised(data: dict[str, Any]) -> dict[str, Any]:
    """A revision: every band boundary a year later, and every other band's intake going
    straight to assessment's successor (visitation), so each boundary and half the bands differ."""
    out = copy.deepcopy(data)
    bands = sorted((b for b in out["age_bands"].values() if not b.get("unknown")), key=lambda b: b["min"])
    for lower, upper in itertools.pairwise(bands):
        lower["max"] += 1
        upper["min"] += 1
    for rule in out["rules"]:
        band = rule["id"].removeprefix("intake-b")
        if band.isdigit() and int(band) % 2:
            rule["next"] = [{"actor": "office", "step": "visitation"}]
    return out


def main() -> int:
    from beredskab.audit.behaviour import _regions, behavioural_diff
    from beredskab.loader import load_plan

    slugs = sorted(p.stem for p in (REPO / "plans").glob("*.yaml") if not p.name.endswith(".examples.yaml"))
    print(f"beredskab diff A B --format json --as-of {AS_OF} (fresh process, best of 3):")
    slowest = 0.0
    for a, b in itertools.combinations(slugs, 2):
        cmd = [sys.executable, "-m", "beredskab", "diff", a, b, "--format", "json", "--as-of", AS_OF]
        runs = [_wall(cmd) for _ in range(3)]
        best = min(t for t, _ in runs)
        slowest = max(slowest, best)
        print(f"  {a:>9} {b:<9} {best:6.3f} s  (exit {runs[0][1]})")
    print(f"slowest pair: {slowest:.3f} s  (target < {TARGET_S} s: {'met' if slowest < TARGET_S else 'MISSED'})")
    print()
    print(
        f"{'bands':>6} {'rules':>6} {'raw product':>16} {'regions':>8} {'differ':>7} {'listed':>7}"
        f" {'routing ms':>11} {'ms/region':>10}"
    )
    as_of = dt.date.fromisoformat(AS_OF)
    with tempfile.TemporaryDirectory() as tmp:
        for bands in (2, 5, 10, 20, 35, 49):  # 50 bands is the plan limit (BK104)
            data = synthetic_plan(bands)
            paths = []
            for name, body in (("a", data), ("b", _revised(data))):
                path = Path(tmp) / f"{name}{bands}.yaml"
                path.write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
                paths.append(path)
            plan_a, plan_b = load_plan(paths[0]), load_plan(paths[1])
            t0 = time.perf_counter()
            result = behavioural_diff(plan_a, plan_b, by="actor", as_of=as_of)
            ms = (time.perf_counter() - t0) * 1000
            space, regions = _regions(plan_a, plan_b, "actor", as_of)  # counted apart from the timing
            product = 1
            for values in space.dims.values():
                product *= len(values)
            differ = sum(r.differs for r in regions)
            print(
                f"{bands:>6} {len(plan_a.rules):>6} {product:>16,} {len(regions):>8} {differ:>7}"
                f" {len(result.regions):>7} {ms:>11.1f} {ms / len(regions):>10.3f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
