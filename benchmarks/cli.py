"""Command-line start-up: whole ``beredskab`` commands against the floor of ``import pydantic``.

Every command is a fresh process, timed from outside (start to exit, interpreter start-up
included), ``--runs`` times after ``--warmup`` uncounted runs, the commands interleaved
(one run of each in turn, so a drift in the machine's speed touches them all alike). Prints
each command's median wall time and its ratio to the floor's median, with the target of
issue 21 and PASS or MISS:

- ``python -c "import pydantic"``: the floor (every command needs pydantic);
- for information, what the brief's dependencies cost a process on their own: one pydantic
  model defined and validated once; with PyYAML and durable-rules imported (what every
  ``route`` needs); and with networkx (the analyses). Against the floor these show how much
  of a target the dependencies leave for beredskab's own work;
- ``beredskab --version`` and ``python -c "import beredskab"``: for information;
- ``beredskab route koege --not-acute --age 16 --at 2026-11-23T20:00+01:00 --format text``: 3x;
- ``beredskab validate plans/``: 6x.

Bytecode: an installed package runs from ``.pyc`` files, so by default every command runs
with a bytecode cache in a temporary folder (``PYTHONPYCACHEPREFIX``; the working tree
stays clean), filled by the warm-up, even where ``PYTHONDONTWRITEBYTECODE`` is set.
``--no-bytecode-cache`` keeps the environment as it is (then each run compiles the
project's sources afresh when ``PYTHONDONTWRITEBYTECODE`` is set).

With ``--against SRC`` (the ``src`` folder of another checkout, e.g. a copy of the previous
commit's), the beredskab commands run for that code too, interleaved in the same run, and
the ratios this / against are printed.

    python benchmarks/cli.py
    python benchmarks/cli.py --runs 21 --against /tmp/before/src
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ROUTE_ARGS = ["route", "koege", "--not-acute", "--age", "16", "--at", "2026-11-23T20:00+01:00", "--format", "text"]
VALIDATE_ARGS = ["validate", "plans/"]


def _beredskab() -> list[str]:
    """The console script next to this interpreter (as a user runs it), else ``python -m beredskab``."""
    script = Path(sys.executable).with_name("beredskab")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "beredskab"]


@dataclass(frozen=True)
class Command:
    name: str
    argv: list[str]
    target: float | None  # the most this may take, as a multiple of the floor
    ok_codes: tuple[int, ...] = (0,)
    project: bool = True  # runs beredskab's code (so --against runs it for the other code too)


# what the brief's own dependencies cost a process before beredskab does anything: a pydantic
# model defined and used once (``import pydantic`` alone loads almost nothing: its names are
# lazy), PyYAML (plans are YAML), durable-rules (fires every route), networkx (the analyses)
ONE_MODEL = "from pydantic import BaseModel\nclass A(BaseModel):\n    x: int\nA(x=1)\n"


def commands() -> list[Command]:
    cli = _beredskab()
    py = sys.executable
    return [
        Command("import pydantic (floor)", [py, "-c", "import pydantic"], None, project=False),
        Command("deps: one pydantic model", [py, "-c", ONE_MODEL], None, project=False),
        Command(
            "deps: + yaml + durable-rules", [py, "-c", ONE_MODEL + "import yaml, durable.engine"], None, project=False
        ),
        Command(
            "deps: + yaml + durable + networkx",
            [py, "-c", ONE_MODEL + "import yaml, durable.engine, networkx"],
            None,
            project=False,
        ),
        Command("import beredskab", [sys.executable, "-c", "import beredskab"], None),
        Command("beredskab --version", [*cli, "--version"], None),
        Command("beredskab route koege ... --format text", [*cli, *ROUTE_ARGS], 3.0),
        # validate exits 1 when a plan has an error: the time still counts, but say it
        Command("beredskab validate plans/", [*cli, *VALIDATE_ARGS], 6.0, ok_codes=(0, 1)),
    ]


def _env(src: str | None, pycache: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    if src is not None:
        env["PYTHONPATH"] = src  # ahead of the installed (editable) package
    return env


def _wall(cmd: Command, env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd.argv, capture_output=True, check=False, env=env, cwd=REPO)
    elapsed = time.perf_counter() - t0
    if proc.returncode not in cmd.ok_codes:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise SystemExit(f"{cmd.name}: exit {proc.returncode}\n" + "\n".join(tail))
    return elapsed


def measure(runs: int, warmup: int, against: str | None, pycache: str | None) -> dict[tuple[str, str], list[float]]:
    """Wall seconds of every (side, command), ``runs`` each, interleaved."""
    sides: dict[str, str | None] = {"this": str(REPO / "src")}
    if against is not None:
        sides["against"] = against
    # each side its own bytecode cache: the two trees have different sources at the same paths
    caches = {side: (None if pycache is None else os.path.join(pycache, side)) for side in sides}
    plan = [
        (side, cmd, _env(src, caches[side]))
        for side, src in sides.items()
        for cmd in commands()
        if side == "this" or cmd.project
    ]
    for _ in range(warmup):
        for _side, cmd, env in plan:
            _wall(cmd, env)
    times: dict[tuple[str, str], list[float]] = {(side, cmd.name): [] for side, cmd, _env_ in plan}
    for _ in range(runs):
        for side, cmd, env in plan:
            times[side, cmd.name].append(_wall(cmd, env))
    return times


def report(times: dict[tuple[str, str], list[float]], against: bool) -> int:
    """Print the table; the number of targets missed (this side)."""
    floor = statistics.median(times["this", commands()[0].name])
    missed = 0
    width = max(len(c.name) for c in commands())
    print(f"{'command':<{width}}  {'median':>9}  {'min':>9}  {'x floor':>8}  target")
    for cmd in commands():
        ts = times["this", cmd.name]
        med = statistics.median(ts)
        ratio = med / floor
        if cmd.target is None:
            verdict = ""
        else:
            passed = ratio <= cmd.target
            missed += not passed
            verdict = f"{cmd.target:.0f}x  {'PASS' if passed else 'MISS'}"
        print(f"{cmd.name:<{width}}  {med * 1000:7.1f}ms  {min(ts) * 1000:7.1f}ms  {ratio:7.2f}x  {verdict}")
    if against:
        print()
        print(f"{'against SRC':<{width}}  {'median':>9}  {'min':>9}  {'x floor':>8}  this / against")
        for cmd in commands():
            if not cmd.project:
                continue
            other = statistics.median(times["against", cmd.name])
            this = statistics.median(times["this", cmd.name])
            print(
                f"{cmd.name:<{width}}  {other * 1000:7.1f}ms  {min(times['against', cmd.name]) * 1000:7.1f}ms  "
                f"{other / floor:7.2f}x  {this / other:.2f}"
            )
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="counted runs of each command (default 15)")
    parser.add_argument("--warmup", type=int, default=2, help="uncounted runs of each command first (default 2)")
    parser.add_argument("--against", metavar="SRC", help="also time the src folder of another checkout")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="keep the environment's bytecode setting (default: a temporary PYTHONPYCACHEPREFIX)",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}; {args.runs} runs each after {args.warmup} warm-up, interleaved")
    with tempfile.TemporaryDirectory(prefix="beredskab-pycache-") as pycache:
        if args.no_bytecode_cache:
            setting = os.environ.get("PYTHONDONTWRITEBYTECODE", "")
            print(f"bytecode: as the environment has it (PYTHONDONTWRITEBYTECODE={setting!r})")
        else:
            print("bytecode: cached in a temporary PYTHONPYCACHEPREFIX, as an installed package has it")
        times = measure(args.runs, args.warmup, args.against, None if args.no_bytecode_cache else pycache)
    missed = report(times, args.against is not None)
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
