"""Hostile input: how fast each of issue 9's reproducers is answered, as a fresh command.

Prints, for each reproducer, the wall time of ``beredskab validate FILE`` (or
``beredskab route ... --event FILE``) in a fresh process, its exit code and its first
line, against a bound of 1 s and of a fresh ``beredskab --version`` start-up measured in
the same run. A reproducer that does not finish in 20 s is printed as a hang.

    python benchmarks/hostile.py
"""

from __future__ import annotations

import copy
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
COMPLETE = REPO / "tests" / "example-files" / "valid" / "complete.yaml"
LIMIT_S = 1.0


def _rule(rid: str, when: dict[str, Any]) -> dict[str, Any]:
    return {"id": rid, "when": when, "next": [{"actor": "infohus", "step": "closed"}], "explanation": "x",
            "source": {"section": "1"}}  # fmt: skip


def reproducers(tmp: Path) -> list[tuple[str, list[str]]]:
    sys.path.insert(0, str(REPO / "src"))
    from beredskab.spec._yaml import load_document

    base = load_document(COMPLETE).data
    out: list[tuple[str, list[str]]] = []

    def plan(name: str, data: dict[str, Any]) -> None:
        path = tmp / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        out.append((name, ["validate", str(path)]))

    def text(name: str, content: str) -> None:
        path = tmp / f"{name}.yaml"
        path.write_text(content, encoding="utf-8")
        out.append((name, ["validate", str(path)]))

    text("1 recursive alias", "a: &x\n  b: *x\n")
    d = copy.deepcopy(base)
    for i in range(512):
        d["steps"][f"s{i}"] = {"name": f"s{i}", "source": {"section": "1"}}
        d["rules"].insert(0, _rule(f"r{i}", {"step": f"s{i}"}))
    plan("2 512 steps and rules", d)
    text("3 4301-digit number", "format: " + "9" * 4301 + "\n")
    text("3 3600-digit hex key", "? 0x" + "f" * 3600 + "\n: 1\n")
    d = copy.deepcopy(base)
    cond: dict[str, Any] = {"step": "intake"}
    for _ in range(16):
        cond = {"all": [cond], "reporter": "citizen"}
    d["rules"].insert(0, _rule("deep", cond))
    plan("4 condition 16 deep", d)
    d = copy.deepcopy(base)
    for i in range(257):
        d["rules"].insert(0, _rule(f"same{i}", {"step": "visitation"}))
    plan("4 257 identical rules", d)
    d = copy.deepcopy(base)
    for i in range(260):
        d["schedules"][f"h{i}"] = {"weekly": {"mon": ["08:00-15:00"]}, "source": {"section": "1"}}
    d["rules"].insert(0, _rule("many", {"open": {f"h{i}": True for i in range(260)}}))
    plan("5 260 schedules in open", d)
    d = copy.deepcopy(base)
    d["rules"][1]["next"][0]["deadline"] = {"within": "PT9999999999H", "source": {"section": "1"}}
    plan("6 PT9999999999H", d)
    content = COMPLETE.read_text(encoding="utf-8")
    head = content[: content.index("rules:")] + "rules:\n"
    text("7 1 MiB of empty rules", head + "  - {}\n" * ((1024 * 1024 - len(head)) // 7))
    text("7 19,000 empty rules", head + "  - {}\n" * 19_000)
    for name, raw in (
        (
            "8 age of 5,000 digits",
            '{"acute": false, "received_at": "2026-11-23T10:00:00+01:00", "age": ' + "9" * 5000 + "}",
        ),
        ("8 array 100,000 deep", "[" * 100_000 + "]" * 100_000),
    ):
        path = tmp / (name.split()[0] + name.split()[-1] + ".json")
        path.write_text(raw, encoding="utf-8")
        out.append((name, ["route", str(COMPLETE), "--event", str(path)]))
    return out


def _run(argv: list[str]) -> tuple[float, int | None, str]:
    t0 = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "beredskab", *argv], capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - t0, None, "HANG (killed after 20 s)"
    first = (done.stdout or done.stderr).splitlines()[:1]
    return time.perf_counter() - t0, done.returncode, (first[0] if first else "")


def main() -> int:
    startup = min(_run(["--version"])[0] for _ in range(3))
    print(f"fresh start-up (beredskab --version): {startup:.2f} s")
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name, argv in reproducers(Path(tmp)):
            secs, code, first = _run(argv)
            worst = max(worst, secs)
            verdict = "ok" if code in (1, 2) and secs < LIMIT_S else "MISSED"
            print(f"{name:28} {secs:5.2f} s  exit {code}  {verdict}  {first.split(': ', 1)[-1][:90]}")
    print(f"slowest: {worst:.2f} s (bound {LIMIT_S:.0f} s, start-up included)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
