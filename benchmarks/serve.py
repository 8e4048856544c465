"""The HTTP service's speed against direct ``Plan.route()`` calls, measured in one run.

Starts ``beredskab serve plans/`` as a separate process on a free loopback port (so the
client and the server do not share one GIL), then sends a bounded number of concerns over
keep-alive connections with httpx: sequentially, from a few concurrent client threads, and
as batches. Prints requests per second and p50/p99 latency for each, the same for direct
``plan.route()`` calls on the same concerns, and the ratios. No assertions.

    python benchmarks/serve.py                       # 2,000 requests, 4 clients, at most 60 s
    python benchmarks/serve.py --requests 10000 --clients 8 --log-level info   # with the access log
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

import beredskab

REPO = Path(__file__).resolve().parents[1]
PLANS = REPO / "plans"


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


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) the server process has used, from /proc (Linux); nan elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def row(label: str, count: int, seconds: float, latencies: list[float]) -> tuple[float, float, float]:
    rate = count / seconds if seconds else float("nan")
    p50, p99 = pct(latencies, 0.50) * 1e6, pct(latencies, 0.99) * 1e6
    print(f"  {label:<34} {count:>7} {rate:>11,.0f}/s   p50 {p50:>8,.0f} µs   p99 {p99:>8,.0f} µs")
    return rate, p50, p99


def direct(plans: dict[str, beredskab.Plan], work: list[tuple[str, dict[str, Any]]]) -> tuple[float, float, float]:
    for slug, concern in work[:200]:  # warm up: first routes compile lazily held state
        plans[slug].route(concern)
    latencies = []
    t0 = time.perf_counter()
    for slug, concern in work:
        s = time.perf_counter()
        plans[slug].route(concern)
        latencies.append(time.perf_counter() - s)
    return row("direct plan.route()", len(work), time.perf_counter() - t0, latencies)


def one_client(base: str, work: list[tuple[str, dict[str, Any]]], deadline: float, out: list[float]) -> None:
    with httpx.Client(base_url=base, timeout=10, trust_env=False) as client:  # keep-alive
        for slug, concern in work:
            if time.monotonic() > deadline:
                return
            s = time.perf_counter()
            r = client.post(f"/plans/{slug}/route", json=concern)
            out.append(time.perf_counter() - s)
            if r.status_code != 200:
                raise SystemExit(f"unexpected {r.status_code} from the server")


def over_http(base: str, work: list[tuple[str, dict[str, Any]]], clients: int, deadline: float) -> tuple[float, ...]:
    shares = [work[i::clients] for i in range(clients)]
    results: list[list[float]] = [[] for _ in range(clients)]
    threads = [
        threading.Thread(target=one_client, args=(base, share, deadline, out))
        for share, out in zip(shares, results, strict=True)
    ]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    latencies = [x for out in results for x in out]
    label = "HTTP, 1 client (sequential)" if clients == 1 else f"HTTP, {clients} concurrent clients"
    return row(label, len(latencies), seconds, latencies)


def batches(base: str, work: list[tuple[str, dict[str, Any]]], size: int, deadline: float) -> None:
    by_slug: dict[str, list[dict[str, Any]]] = {}
    for slug, concern in work:
        by_slug.setdefault(slug, []).append(concern)
    latencies: list[float] = []
    sent = 0
    t0 = time.perf_counter()
    with httpx.Client(base_url=base, timeout=30, trust_env=False) as client:
        for slug, items in sorted(by_slug.items()):
            for i in range(0, len(items), size):
                if time.monotonic() > deadline:
                    break
                chunk = items[i : i + size]
                s = time.perf_counter()
                r = client.post(f"/plans/{slug}/route:batch", json={"concerns": chunk})
                latencies.append((time.perf_counter() - s) / len(chunk))
                sent += len(chunk)
                if r.status_code != 200:
                    raise SystemExit(f"unexpected {r.status_code} from the server")
    if latencies:
        row(f"HTTP batches of {size} (per concern)", sent, time.perf_counter() - t0, latencies)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=2000, help="requests per HTTP phase (default 2000)")
    ap.add_argument("--clients", type=int, default=4, help="concurrent client threads (default 4)")
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds for the whole run at most (default 60)")
    ap.add_argument("--log-level", default="warning", help="the server's; 'info' adds the access log (default warning)")
    args = ap.parse_args()
    deadline = time.monotonic() + args.time_limit

    plans = beredskab.load_plans(PLANS)
    work = concerns(plans, args.requests)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        cmd = [sys.executable, "-m", "beredskab", "serve", str(PLANS), "--port", str(port)]
        cmd += ["--log-level", args.log_level]
        server = subprocess.Popen(cmd, cwd=REPO, stdout=log, stderr=log, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        try:
            with httpx.Client(base_url=base, timeout=2, trust_env=False) as probe:
                while True:
                    try:
                        if probe.get("/healthz").status_code == 200:
                            break
                    except httpx.TransportError:
                        if time.monotonic() > deadline or server.poll() is not None:
                            log.seek(0)
                            raise SystemExit(
                                "the server did not start:\n" + log.read().decode(errors="replace")
                            ) from None
                    time.sleep(0.05)
                for slug, concern in work[:200]:  # warm up the server's connections and code paths
                    probe.post(f"/plans/{slug}/route", json=concern)

            print(
                f"beredskab serve on {base} (log level {args.log_level}), {len(plans)} plans, Python {sys.version.split()[0]}"
            )
            print(f"  {'':<34} {'count':>7} {'rate':>13}")
            d_rate, d50, _ = direct(plans, work)
            cpu = server_cpu(server.pid)
            s_rate, s50, _ = over_http(base, work, 1, deadline)
            cpu_per_request = (server_cpu(server.pid) - cpu) / len(work)
            c_rate, c50, _ = over_http(base, work, max(1, args.clients), deadline)
            batches(base, work, 100, deadline)
            print()
            # where the time goes: the server's own CPU per request, the rest is the client and the wire
            print(f"  server CPU per request (sequential): {cpu_per_request * 1e6:,.0f} µs")
            print()
            print(f"  HTTP p50 / direct p50, sequential:  {s50 / d50:,.1f}x")
            print(f"  HTTP p50 / direct p50, concurrent:  {c50 / d50:,.1f}x")
            print(f"  direct rate / HTTP rate, sequential: {d_rate / s_rate:,.1f}x")
            print(f"  direct rate / HTTP rate, concurrent: {d_rate / c_rate:,.1f}x")
            if time.monotonic() > deadline:
                print(f"  (stopped at the time limit of {args.time_limit:.0f} s: counts above are what was sent)")
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(10)


if __name__ == "__main__":
    main()
