"""Views speed: ``compare`` and ``report`` on the five shipped plans as fresh commands.

Prints, from one run, best of 3 wall times of
- ``beredskab compare plans/`` (text, the standard situations), target under 2 s;
- ``beredskab report plans/ -o DIR`` (index, five plan pages with graphs, five cards),
  target a few seconds (5 s);
- ``beredskab card koege`` and ``beredskab graph koege --format svg`` for scale, and whether
  Graphviz drew the svg.

    python benchmarks/views.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2026-12-01"


def _best(cmd: list[str], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, check=False, cwd=REPO)
        best = min(best, time.perf_counter() - t0)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return best


def main() -> int:
    beredskab = [sys.executable, "-m", "beredskab"]
    with tempfile.TemporaryDirectory() as tmp:
        figures = [
            ("compare plans/ (text)", _best([*beredskab, "compare", "plans/", "--as-of", AS_OF]), 2.0),
            (
                "report plans/ -o DIR",
                _best([*beredskab, "report", "plans/", "-o", f"{tmp}/site", "--as-of", AS_OF]),
                5.0,
            ),
            ("card koege (html)", _best([*beredskab, "card", "koege", "--as-of", AS_OF]), None),
            ("graph koege --format svg", _best([*beredskab, "graph", "koege", "--format", "svg"]), None),
        ]
    for name, seconds, target in figures:
        verdict = "" if target is None else f"  (target < {target:.0f} s: {'met' if seconds < target else 'MISSED'})"
        print(f"beredskab {name:<28} {seconds:6.3f} s{verdict}")
    print(f"svg renderer: {'Graphviz dot' if shutil.which('dot') else 'built-in layout (Graphviz not installed)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
