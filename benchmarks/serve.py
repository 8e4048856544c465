"""The HTTP service's throughput against in-process ``route`` + JSON, measured in one run with ``wrk``.

The load generator is Debian's ``wrk`` (C, epoll; one thread here), so the client is not
the bottleneck as a Python client would be. If it is missing the script installs it with
``apt-get install -y wrk`` when it can (root, apt-get present), else it says so and stops.

Measured, each for ``--seconds`` (default 4) after a short warm-up, only ever against
127.0.0.1, with at most 32 connections:

* in-process: ``plan.route(concern)`` + ``model_dump_json()`` per concern (the baseline for
  single requests), and per batch of 100 what the batch endpoint does with it (route, each
  Decision's JSON made once by pydantic, the answer joined from those bytes): concerns per
  second, one thread. The way the endpoint built a batch's answer before (``model_dump`` of
  each, one ``json.dumps``; about a third slower) is measured too and shown for comparison,
  never used as the baseline;
* ``beredskab serve plans/`` (one worker): single requests (``POST /v1/plans/{slug}/route``,
  a mix of concerns over all plans) at 1, 8 and 32 connections, and batches of 100 at 1,
  8 and 32 connections;
* ``--workers 2``: the same at 8 and 32 connections;
* the ceiling: uvicorn (same parser and loop) serving an app that only reads the body,
  routes and encodes the answer, with nothing of the service around it (no request id,
  metrics, limits, access log, error answers), single requests at 8 connections;

then the ratios the issue sets targets for: HTTP single at 8 connections >= 35 % of the
in-process rate, batches of 100 >= 80 % (concerns per second), workers 2 >= 1.6x one worker.
The server logs at warning (no access log line per request); ``--log-level info`` to
measure with it.

    python benchmarks/serve.py
    python benchmarks/serve.py --seconds 8 --log-level info
    python benchmarks/serve.py --http h11 --loop asyncio   # the pure-Python parser and loop
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import beredskab

REPO = Path(__file__).resolve().parents[1]
PLANS = REPO / "plans"
BATCH = 100
MAX_CONNECTIONS = 32
MAX_SECONDS = 30


def concerns(plans: dict[str, beredskab.Plan], n: int, seed: int = 7) -> list[tuple[str, dict[str, Any]]]:
    """A mixed set of valid intake concerns across all plans, the same every run."""
    rng = random.Random(seed)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    slugs = sorted(plans)
    out = []
    for _ in range(n):
        at = start + dt.timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
        concern = {
            "received_at": at.isoformat(),
            "acute": rng.random() < 0.15,
            "age": rng.choice([None, *range(0, 95)]),
            "reporter": rng.choice(["professional", "citizen", "relative", "police", "hotline"]),
        }
        out.append((rng.choice(slugs), concern))
    return out


def free_port() -> int:
    # a small race (another process could take it before the server binds) is fine here
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def ensure_wrk() -> str | None:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: apt-get install -y wrk ...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "wrk"], capture_output=True, timeout=300, check=False)
        return shutil.which("wrk")
    return None


# --- in process ------------------------------------------------------------------------------


def in_process(plans: dict[str, beredskab.Plan], work: list[tuple[str, dict[str, Any]]], seconds: float) -> float:
    """Concerns per second: route + the JSON of the answer, one by one."""
    for slug, concern in work[:200]:
        plans[slug].route(concern).model_dump_json()
    done, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for slug, concern in work[:500]:
            plans[slug].route(concern).model_dump_json(by_alias=True)
        done += 500
    return done / (time.perf_counter() - t0)


def in_process_batches(
    plans: dict[str, beredskab.Plan], work: list[tuple[str, dict[str, Any]]], seconds: float, joined: bool = True
) -> float:
    """Concerns per second, as the batch endpoint handles them: route, each Decision's JSON (bytes), joined.

    ``joined`` False: as the endpoint did before (model_dump of each, one json.dumps per 100).
    """
    by_slug: dict[str, list[dict[str, Any]]] = {}
    for slug, concern in work:
        by_slug.setdefault(slug, []).append(concern)
    chunks = [(slug, items[:BATCH]) for slug, items in sorted(by_slug.items()) if len(items) >= BATCH]
    to_json = beredskab.Decision.__pydantic_serializer__.to_json
    done, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for slug, items in chunks:
            plan = plans[slug]
            if joined:
                parts = [b'{"decision":' + to_json(plan.route(c), by_alias=True) + b"}" for c in items]
                b'{"results":[' + b",".join(parts) + b"]}"
            else:
                results = [{"decision": plan.route(c).model_dump(mode="json", by_alias=True)} for c in items]
                json.dumps({"results": results}).encode()
            done += len(items)
    return done / (time.perf_counter() - t0)


# --- over HTTP ---------------------------------------------------------------------------------


def lua_script(requests: list[tuple[str, str]], folder: Path, name: str) -> Path:
    """A wrk script that sends the given (path, JSON body) requests in turn."""
    entries = ",\n".join(f"  {{{json.dumps(path)}, {lua_string(body)}}}" for path, body in requests)
    text = f"""\
local requests = {{
{entries}
}}
local i = 0
local headers = {{["Content-Type"] = "application/json"}}
request = function()
  i = i % #requests + 1
  return wrk.format("POST", requests[i][1], headers, requests[i][2])
end
local bad = 0
response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
"""
    path = folder / f"{name}.lua"
    path.write_text(text, encoding="utf-8")
    return path


def lua_string(text: str) -> str:
    # a long bracket string: no escapes needed for JSON
    assert "]==]" not in text
    return f"[==[{text}]==]"


def start_server(workers: int, log_level: str, http: str, loop: str) -> tuple[subprocess.Popen[bytes], int, Path]:
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="beredskab-bench-", suffix=".log")[1])
    cmd = [sys.executable, "-m", "beredskab", "serve", str(PLANS), "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--log-level", log_level, "--workers", str(workers), "--http", http, "--loop", loop]
    cmd += ["--max-connections", "256"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n")
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        raise SystemExit("the server did not start within 30 s")
    time.sleep(0.5 if workers == 1 else 2.0)  # every worker up (they accept as they come)
    return proc, port, log


# the ceiling: what uvicorn gives an app that only reads the body, routes and encodes, with
# nothing of the service (no request id, metrics, limits, access log, error handling)
BARE_APP = """\
import json
import beredskab
PLANS = beredskab.load_plans({plans!r})


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    slug = scope["path"].split("/")[3]
    out = PLANS[slug].route(json.loads(body)).model_dump_json(by_alias=True).encode()
    head = [(b"content-type", b"application/json"), (b"content-length", str(len(out)).encode())]
    await send({{"type": "http.response.start", "status": 200, "headers": head}})
    await send({{"type": "http.response.body", "body": out}})
"""


def start_bare(folder: Path, http: str, loop: str) -> tuple[subprocess.Popen[bytes], int]:
    """uvicorn serving BARE_APP on 127.0.0.1 (one process, the same parser and loop as the service)."""
    (folder / "bare_app.py").write_text(BARE_APP.format(plans=str(PLANS)), encoding="utf-8")
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", "bare_app:app", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--http", http, "--loop", loop, "--log-level", "warning", "--no-access-log"]
    proc = subprocess.Popen(cmd, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the bare uvicorn app exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        raise SystemExit("the bare uvicorn app did not start within 30 s")
    time.sleep(0.5)
    return proc, port


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0}


def wrk(binary: str, port: int, script: Path, connections: int, seconds: float) -> dict[str, float]:
    """One bounded wrk run: requests/s, p50 and p99 latency (ms), errors (non-2xx and socket errors)."""
    assert 1 <= connections <= MAX_CONNECTIONS and 0 < seconds <= MAX_SECONDS
    cmd = [binary, "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "10s", "-s", str(script)]
    cmd.append(f"http://127.0.0.1:{port}")
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def latency(q: str) -> float:
        m = re.search(rf"^\s+{q}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(m.group(1)) * _UNITS[m.group(2)] * 1000 if m else float("nan")

    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        errors += sum(int(x) for x in m.groups())
    return {"rate": rate, "p50": latency("50"), "p99": latency("99"), "errors": errors}


def show(label: str, result: dict[str, float], per: int = 1) -> None:
    concerns_rate = result["rate"] * per
    extra = f" = {concerns_rate:>9,.0f} concerns/s" if per > 1 else ""
    errors = f"   ERRORS {result['errors']:.0f}" if result["errors"] else ""
    print(
        f"  {label:<34} {result['rate']:>9,.0f} req/s{extra}   "
        f"p50 {result['p50']:>7.2f} ms   p99 {result['p99']:>7.2f} ms{errors}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=4.0, help=f"per measurement (at most {MAX_SECONDS})")
    parser.add_argument("--log-level", default="warning", choices=["warning", "info"])
    parser.add_argument("--http", default="auto", choices=["auto", "h11", "httptools"])
    parser.add_argument("--loop", default="auto", choices=["auto", "asyncio", "uvloop"])
    args = parser.parse_args()
    seconds = min(max(args.seconds, 1.0), MAX_SECONDS)

    binary = ensure_wrk()
    if binary is None:
        print("skipped: wrk is not installed (apt-get install wrk) and could not be installed here")
        return 0

    plans = beredskab.load_plans(PLANS)
    work = concerns(plans, 2000)
    print(
        f"{os.cpu_count()} CPUs; {seconds:g} s per measurement; server log level {args.log_level}; "
        f"http {args.http}, loop {args.loop}; wrk -t1",
        flush=True,
    )
    print("in process (one thread):", flush=True)
    single_base = in_process(plans, work, seconds)
    print(f"  {'route + model_dump_json':<34} {single_base:>9,.0f} concerns/s", flush=True)
    batch_base = in_process_batches(plans, work, seconds)
    print(f"  {'route + batch JSON (100 each)':<34} {batch_base:>9,.0f} concerns/s", flush=True)
    batch_dicts = in_process_batches(plans, work, seconds, joined=False)
    print(f"  {'  (as dicts + one json.dumps)':<34} {batch_dicts:>9,.0f} concerns/s", flush=True)

    with tempfile.TemporaryDirectory(prefix="beredskab-bench-") as tmp:
        folder = Path(tmp)
        singles = lua_script([(f"/v1/plans/{slug}/route", json.dumps(c)) for slug, c in work[:500]], folder, "single")
        by_slug: dict[str, list[dict[str, Any]]] = {}
        for slug, concern in work:
            by_slug.setdefault(slug, []).append(concern)
        batches = lua_script(
            [
                (f"/v1/plans/{slug}/route:batch", json.dumps({"concerns": items[:BATCH]}))
                for slug, items in sorted(by_slug.items())
                if len(items) >= BATCH
            ],
            folder,
            "batch",
        )
        results: dict[tuple[int, str, int], dict[str, float]] = {}
        for workers, conns in ((1, (1, 8, 32)), (2, (8, 32))):
            proc, port, log = start_server(workers, args.log_level, args.http, args.loop)
            try:
                print(f"beredskab serve, {workers} worker(s):", flush=True)
                wrk(binary, port, singles, 8, 1.0)  # warm-up
                for c in conns:
                    results[(workers, "single", c)] = r = wrk(binary, port, singles, c, seconds)
                    show(f"single requests, {c} connection(s)", r)
                for c in conns:
                    results[(workers, "batch", c)] = r = wrk(binary, port, batches, c, seconds)
                    show(f"batches of {BATCH}, {c} connection(s)", r, BATCH)
            finally:
                stop_server(proc)
                log.unlink(missing_ok=True)
        proc, port = start_bare(folder, args.http, args.loop)
        try:
            print("uvicorn + route + JSON only (no service layers; the ceiling):", flush=True)
            wrk(binary, port, singles, 8, 1.0)  # warm-up
            results[(0, "single", 8)] = r = wrk(binary, port, singles, 8, seconds)
            show("single requests, 8 connection(s)", r)
        finally:
            stop_server(proc)

    single8 = results[(1, "single", 8)]["rate"]
    batch_best = max(results[(1, "batch", c)]["rate"] for c in (1, 8, 32)) * BATCH
    batch8 = results[(1, "batch", 8)]["rate"] * BATCH
    print("ratios (targets from issue 21):")
    bare8 = results[(0, "single", 8)]["rate"]
    print(f"  HTTP single @8 / in-process route+JSON:       {single8 / single_base:6.1%}   (target >= 35 %)")
    print(
        f"  (ceiling: uvicorn + route + JSON only @8:     {bare8 / single_base:6.1%}; the service = {single8 / bare8:.0%} of it)"
    )
    print(f"  HTTP batches of 100 @8 / in-process batch:    {batch8 / batch_base:6.1%}   (target >= 80 %)")
    print(f"  HTTP batches of 100 best / in-process batch:  {batch_best / batch_base:6.1%}")
    print(f"  (HTTP batches of 100 @8 / in-process batch as dicts + json.dumps: {batch8 / batch_dicts:6.1%})")
    for kind, per in (("single", 1), ("batch", BATCH)):
        for c in (8, 32):
            one, two = results[(1, kind, c)]["rate"] * per, results[(2, kind, c)]["rate"] * per
            print(f"  workers 2 / 1, {kind:<6} @{c:<2}:                {two / one:5.2f}x   (target >= 1.6x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
