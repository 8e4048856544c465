"""Validation speed: start-up, all five plans as a command, and the completeness check as a plan grows.

Prints, from one run:
- the time of ``import beredskab`` in a fresh interpreter, best of 5 (what every
  pre-commit hook and every ``beredskab route`` pays first);
- wall time of ``beredskab validate plans/`` (all checks) as a fresh command, best of 5;
- with ``--against SRC`` (the ``src`` folder of another checkout, e.g. a ``git worktree``
  of the previous commit), the same two figures for that code, measured interleaved in
  the same run, and the ratios;
- the work after the imports, in this process (best of 10, so a busy machine shows
  less): ``validate("plans/")``, and the slowest checks over the five plans, each check
  in a run of its own (so a check pays for the shared analyses it is the first to ask for);
- for synthetic plans of 2 age bands up to the most a plan can hold (the compile limits,
  BK104: ``LIMITS["age_bands"]`` counting the ``unknown`` band, and ``LIMITS["rules"]``), with
  about 4 rules per band: the raw size of the decision space (product of all dimensions),
  the regions the completeness analysis visits, and its time, so one sees the cost follow
  the rules, not the raw product. The largest plan is the ceiling, said as such.

    python benchmarks/validate.py
    git worktree add /tmp/before HEAD~1 && python benchmarks/validate.py --against /tmp/before/src
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
TARGET_S = 0.5
VALIDATE = [sys.executable, "-m", "beredskab", "validate", str(REPO / "plans"), "--no-info", "--as-of", "2026-11-22"]
IMPORT = [sys.executable, "-c", "import beredskab"]


def _env(src: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = src  # ahead of the installed package
    return env


def _wall(cmd: list[str], src: str | None) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=False, env=_env(src), cwd=REPO)
    return time.perf_counter() - t0


def fresh_figures(against: str | None, rounds: int = 5) -> dict[str, dict[str, float]]:
    """Best-of-``rounds`` import and validate seconds for this code (and ``against``), interleaved."""
    sides: dict[str, str | None] = {"this": str(REPO / "src")}
    if against is not None:
        sides["against"] = against
    best = {side: {"import": float("inf"), "validate": float("inf")} for side in sides}
    for _ in range(rounds):
        for side, src in sides.items():
            best[side]["import"] = min(best[side]["import"], _wall(IMPORT, src))
            best[side]["validate"] = min(best[side]["validate"], _wall(VALIDATE, src))
    return best


def in_process_figures(rounds: int = 10, shown: int = 8) -> None:
    """Best-of-``rounds`` milliseconds of ``validate("plans/")`` and of the slowest checks, in this process."""
    from beredskab.analysis.checks import REGISTRY, run_checks
    from beredskab.analysis.context import CheckContext
    from beredskab.analysis.validate import validate
    from beredskab.loader import plan_files, read_document
    from beredskab.plan import build_plan

    plans = REPO / "plans"
    validate(plans)  # the imports and the first reading of the texts are not the work measured
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        validate(plans)
        best = min(best, time.perf_counter() - t0)
    print(f"validate('plans/') in this process, best of {rounds}: {best * 1000:.1f} ms")
    loaded = [(doc, build_plan(doc)) for doc in (read_document(f, str(f)) for f in plan_files([plans]))]
    per_check: dict[str, float] = {}
    for check in REGISTRY.values():
        times = []
        for _ in range(rounds):
            contexts = [CheckContext(plan, doc) for doc, plan in loaded]  # nothing shared from a previous round
            t0 = time.perf_counter()
            for ctx in contexts:
                run_checks(ctx, [check])
            times.append(time.perf_counter() - t0)
        per_check[f"{check.code} {check.name}"] = min(times)
    for name, seconds in sorted(per_check.items(), key=lambda kv: -kv[1])[:shown]:
        print(f"  {name:<32} {seconds * 1000:6.1f} ms (alone, all five plans)")


RULES_PER_BAND = 4  # intake, irrelevant, offer, visit
FIXED_RULES = 1 + RULES_PER_BAND + 5  # acute, the unknown band's four, one fallback per step


def max_bands() -> int:
    """The most age bands (besides ``unknown``) a synthetic plan can have within the compile limits (BK104)."""
    from beredskab.spec.limits import LIMITS

    return min(LIMITS["age_bands"] - 1, (LIMITS["rules"] - FIXED_RULES) // RULES_PER_BAND)


def synthetic_plan(bands: int) -> dict[str, Any]:
    """A valid plan with ``bands`` age bands (and ``unknown``) and about 4 rules per band.

    ``bands`` must be at most :func:`max_bands`: a larger plan is refused at load (BK104).
    """
    if bands > max_bands():
        raise ValueError(f"{bands} age bands exceed the compile limits (BK104): at most {max_bands()}")
    src = {"section": "synthetic"}
    width = 131 // bands
    age_bands: dict[str, Any] = {}
    for i in range(bands):
        lo = i * width
        hi = 130 if i == bands - 1 else (i + 1) * width - 1
        age_bands[f"b{i}"] = {"label": f"{lo}-{hi}", "min": lo, "max": hi, "source": src}
    age_bands["unknown"] = {"label": "unknown", "unknown": True, "source": src}
    rules: list[dict[str, Any]] = [
        {
            "id": "acute",
            "when": {"acute": True, "step": "intake"},
            "next": [{"actor": "alarm_112", "step": "police_assessment"}],
            "explanation": "112",
            "source": src,
        },
    ]
    for b in [*age_bands]:
        rules += [
            {
                "id": f"intake-{b}",
                "when": {"step": "intake", "age_band": b, "reporter": ["professional", "citizen"]},
                "next": [{"actor": "office", "step": "assessment"}],
                "explanation": "x",
                "source": src,
            },
            {
                "id": f"irrelevant-{b}",
                "when": {"step": "assessment", "age_band": b, "findings": {"relevant": False}},
                "next": [{"actor": "office", "step": "closed"}],
                "explanation": "x",
                "source": src,
            },
            {
                "id": f"offer-{b}",
                "when": {
                    "step": "assessment",
                    "age_band": b,
                    "findings": {"consent": True},
                    "open": {"office_hours": True},
                },
                "next": [{"actor": "office", "step": "visitation"}],
                "explanation": "x",
                "source": src,
            },
            {
                "id": f"visit-{b}",
                "when": {
                    "step": "visitation",
                    "age_band": b,
                    "any": [{"severity": "high"}, {"findings": {"security_threat": True}}],
                },
                "next": [{"actor": "office", "step": "closed"}],
                "explanation": "x",
                "source": src,
            },
        ]
    for step in ("intake", "police_assessment", "assessment", "visitation", "closed"):
        rules.append(
            {
                "id": f"rest-{step}",
                "when": {"step": step},
                "next": [{"actor": "office", "step": "closed"}],
                "explanation": "x",
                "source": src,
            }
        )
    return {
        "format": 1,
        "municipality": {"name": "Syntetisk", "kommunekode": 999, "slug": f"synthetic{bands}", "police_district": "x"},
        "document": {"title": "synthetic", "seed": "000_b99062581fe8a71d.txt"},
        "national_actors": ["alarm_112"],
        "schedules": {
            "office_hours": {"weekly": {d: ["08:00-15:00"] for d in ("mon", "tue", "wed", "thu", "fri")}, "source": src}
        },
        "actors": {
            "office": {
                "name": "Office",
                "kind": "infohus",
                "schedule": "office_hours",
                "contacts": [{"channel": "phone", "value": "12345678", "source": src}],
                "source": src,
            }
        },
        "age_bands": age_bands,
        "steps": {
            s: {"name": s, "source": src, **({"terminal": "closed"} if s == "closed" else {})}
            for s in ("intake", "police_assessment", "assessment", "visitation", "closed")
        },
        "rules": rules,
        "catch_all": {"next": [{"actor": "office", "step": "assessment"}], "explanation": "fallback", "source": src},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", metavar="SRC", help="src folder of another checkout to compare with")
    args = parser.parse_args()

    import beredskab
    from beredskab.analysis.space import DecisionSpace, partition

    figures = fresh_figures(args.against)
    this = figures["this"]
    print(f"import beredskab (fresh process):                     {this['import']:.3f} s")
    print(
        f"beredskab validate plans/ (all checks, fresh process): {this['validate']:.3f} s wall  "
        f"(target < {TARGET_S} s: {'met' if this['validate'] < TARGET_S else 'MISSED'})"
    )
    if args.against:
        other = figures["against"]
        print(f"  against {args.against}:")
        print(f"    import:   {other['import']:.3f} s  (this / against = {this['import'] / other['import']:.2f})")
        print(f"    validate: {other['validate']:.3f} s  (this / against = {this['validate'] / other['validate']:.2f})")
    print()
    in_process_figures()
    print()
    print(
        f"{'bands':>6} {'rules':>6} {'raw space':>14} {'regions':>8} {'gaps':>5} {'completeness ms':>16} {'ms/rule':>8}"
    )
    ceiling = max_bands()  # beyond it the plan does not load: the limit is the ceiling
    sizes = sorted({b for b in (2, 5, 10, 20, 35) if b < ceiling} | {ceiling})
    measured: list[tuple[int, float]] = []  # (rules, completeness ms)
    with tempfile.TemporaryDirectory() as tmp:
        for bands in sizes:
            path = Path(tmp) / f"s{bands}.yaml"
            path.write_text(yaml.safe_dump(synthetic_plan(bands), allow_unicode=True), encoding="utf-8")
            plan = beredskab.load_plan(path)
            space = DecisionSpace.of(plan, plan.compiled, dt.date(2026, 11, 23))
            ms = float("inf")
            for _ in range(3):  # best of 3: one pass of the small plans is below a millisecond
                t0 = time.perf_counter()
                regions = partition(space)
                ms = min(ms, (time.perf_counter() - t0) * 1000)
            gaps = sum(1 for r in regions if r.owner is None)
            print(
                f"{bands:>6} {len(plan.rules):>6} {space.size():>14,} {len(regions):>8} {gaps:>5} {ms:>16.1f} {ms / len(plan.rules):>8.2f}"
            )
            measured.append((len(plan.rules), ms))
    from beredskab.spec.limits import LIMITS

    first, last = measured[0], measured[-1]
    print(
        f"ceiling: {ceiling} age bands (+ unknown) and {last[0]} rules: a larger plan is refused at load (BK104: "
        f"at most {LIMITS['age_bands']} age bands, {LIMITS['rules']} rules)"
    )
    time_ratio, rules_ratio = last[1] / first[1], last[0] / first[0]
    print(
        f"completeness time {time_ratio:.1f}x for {rules_ratio:.1f}x the rules, {sizes[0]} to {ceiling} bands "
        f"(time ratio / rules ratio = {time_ratio / rules_ratio:.2f}; 1 = linear in the rules)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
