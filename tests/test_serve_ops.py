"""What the service offers integrators and operators (issue 21), against real ``beredskab serve`` processes on loopback.

Request ids, JSON and text logs, the decision log, /readyz, /metrics, the /v1 paths, CORS,
the startup line, several workers, and the OpenAPI document checked against the live
service by schemathesis. Every server is the command line in a subprocess on ``--port 0``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import PLANS, ServedProcess

WAIT = 10.0
TOKEN = "ops-admin-token-for-the-tests-0123456789"
AT = "2026-11-23T10:00:00+01:00"
CONCERN: dict[str, Any] = {"acute": False, "age": 16, "received_at": AT}
ORIGIN = "https://intranet.example.dk"
ADMIN_TOKEN_ENV = "BEREDSKAB_ADMIN_TOKEN"


class Served(ServedProcess):
    """``python -m beredskab serve PATHS FLAGS`` on a free loopback port, healthy before a test uses it."""

    def __init__(self, paths: list[Path], *flags: str) -> None:
        super().__init__([*map(str, paths), *flags])
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + WAIT
        while True:
            try:
                with self.client() as client:
                    if client.get("/healthz").status_code == 200:
                        return
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.05)


@contextlib.contextmanager
def serving(paths: list[Path], *flags: str) -> Iterator[Served]:
    served = Served(paths, *flags)
    try:
        yield served
    finally:
        served.stop()


def _json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def ops_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ops")
    (root / "plans").mkdir()
    shutil.copy(PLANS / "koege.yaml", root / "plans" / "koege.yaml")
    token = root / "admin.token"
    token.write_text(TOKEN + "\n", encoding="ascii")
    token.chmod(0o600)
    return root


@pytest.fixture(scope="module")
def jsonsrv(ops_dir: Path) -> Iterator[Served]:
    """JSON logs, a decision log, an admin token, CORS for one origin; one plan (koege) from a copy."""
    flags = ["--log-format", "json", "--decision-log", str(ops_dir / "decisions.jsonl")]
    flags += ["--admin-token-file", str(ops_dir / "admin.token"), "--cors-origin", ORIGIN]
    with serving([ops_dir / "plans"], *flags) as served:
        yield served


@pytest.fixture(scope="module")
def textsrv() -> Iterator[Served]:
    """The defaults: text logs, no decision log, CORS off; the shipped plans."""
    with serving([PLANS]) as served:
        yield served


# --- request ids and logs ---------------------------------------------------------------------


def test_a_sane_request_id_is_echoed_and_any_other_replaced(jsonsrv: Served) -> None:
    with jsonsrv.client() as client:
        r = client.get("/v1/plans", headers={"x-request-id": "trace-42.a:b_C"})
        assert r.headers["x-request-id"] == "trace-42.a:b_C"
        generated = client.get("/v1/plans").headers["x-request-id"]
        assert re.fullmatch(r"[0-9a-f]{32}", generated)
        for insane in ("x" * 129, "a b", "name=Birgit;cpr=0909091234", "ø"):
            headers = [("x-request-id", insane.encode("utf-8"))]
            got = client.get("/v1/plans", headers=headers).headers["x-request-id"]
            assert got != insane and re.fullmatch(r"[0-9a-f]{32}", got)
        # refusals carry one too
        assert re.fullmatch(r"[0-9a-f]{32}", client.get("/v1/nowhere").headers["x-request-id"])
    jsonsrv.wait_for(r"/v1/plans")
    assert "0909091234" not in jsonsrv.output()


def test_json_logs_parse_and_carry_the_request_id(jsonsrv: Served) -> None:
    with jsonsrv.client() as client:
        r = client.post("/v1/plans/koege/route", json=CONCERN, headers={"x-request-id": "json-log-check"})
        assert r.status_code == 200
    jsonsrv.wait_for(r'"request_id": "json-log-check"')
    entries = _json_lines(jsonsrv.output())  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    mine = [e for e in entries if e.get("request_id") == "json-log-check"]
    assert len(mine) == 1 and mine[0]["logger"] == "beredskab.serve.access"
    assert '"POST /v1/plans/{slug}/route HTTP/1.1" 200' in mine[0]["message"]


def test_text_logs_carry_the_request_id(textsrv: Served) -> None:
    with textsrv.client() as client:
        client.get("/healthz", headers={"x-request-id": "text-log-check"})
    line = textsrv.wait_for(r'.*"GET /healthz HTTP/1\.1" 200 .*\[rid=text-log-check\]').group(0)
    assert line.startswith("INFO:")


def test_the_startup_log_lists_the_plans_with_their_digests(jsonsrv: Served, textsrv: Served) -> None:
    with jsonsrv.client() as client:
        digest = client.get("/v1/plans/koege").json()["digest"]
    assert f"serving 1 plan(s): koege {digest}" in jsonsrv.output()
    with textsrv.client() as client:
        plans = client.get("/plans").json()
    listed = ", ".join(f"{p['slug']} {p['digest']}" for p in sorted(plans, key=lambda p: p["slug"]))
    assert f"serving {len(plans)} plan(s): {listed}" in textsrv.output()


# --- the decision log ----------------------------------------------------------------------------


def test_the_decision_log_has_one_line_per_decision_and_only_facts(jsonsrv: Served, ops_dir: Path) -> None:
    path = ops_dir / "decisions.jsonl"
    before = len(path.read_text(encoding="utf-8").splitlines())
    with jsonsrv.client() as client:
        one = client.post("/v1/plans/koege/route", json=CONCERN, headers={"x-request-id": "decision-1"}).json()
        bad = {**CONCERN, "Mohammed_Hansen": True}
        batch = {"concerns": [CONCERN, bad, {**CONCERN, "acute": True}]}
        results = client.post("/plans/koege/route:batch", json=batch, headers={"x-request-id": "decision-2"}).json()
        assert client.post("/plans/koege/route", json=bad).status_code == 422
    assert [("decision" in r) for r in results["results"]] == [True, False, True]
    lines = _json_lines(path.read_text(encoding="utf-8"))[before:]
    assert [e["request_id"] for e in lines] == ["decision-1", "decision-2", "decision-2"]
    first = lines[0]
    assert set(first) == {"time", "request_id", "plan", "plan_digest", "rules", "next", "concern"}
    assert first["plan"] == "koege" and first["plan_digest"] == one["plan_digest"]
    assert first["rules"] == one["rules"]
    assert first["next"] == [{"step": a["step"], "actor": a["actor"], "kind": a["kind"]} for a in one["next"]]
    assert first["concern"]["age"] == 16 and first["concern"]["acute"] is False
    assert lines[2]["concern"]["acute"] is True
    assert "Mohammed" not in path.read_text(encoding="utf-8")


# --- readiness -------------------------------------------------------------------------------------


def test_readyz_reports_the_last_reload_and_stays_ready_after_a_failed_one(jsonsrv: Served, ops_dir: Path) -> None:
    plan = ops_dir / "plans" / "koege.yaml"
    good = plan.read_text(encoding="utf-8")
    admin = {"authorization": f"Bearer {TOKEN}", "content-type": "application/json"}
    with jsonsrv.client() as client:
        r = client.get("/v1/readyz")
        assert r.status_code == 200 and r.json() == {"status": "ready", "plans": 1, "last_reload": None}
        assert client.get("/readyz").json() == r.json()
        try:
            plan.write_text(good.replace("kommunekode: 259", "kommunekode: 2590"), encoding="utf-8")
            assert client.post("/v1/admin/reload", json={}, headers=admin).status_code == 409
        finally:
            plan.write_text(good, encoding="utf-8")
        r = client.get("/v1/readyz")
        # the previous plans are still served: ready, and it says the reload failed
        assert r.status_code == 200
        body = r.json()
        assert body["status"] == "ready" and body["plans"] == 1
        assert body["last_reload"]["outcome"] == "failed" and body["last_reload"]["trigger"] == "http"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", body["last_reload"]["at"])
        assert client.get("/healthz").json() == {"status": "ok", "plans": 1}
        metrics = client.get("/metrics").text
        assert _sample(metrics, "beredskab_reload_failures_total") >= 1
        assert _sample(metrics, "beredskab_reloads_total") >= 1


# --- metrics ---------------------------------------------------------------------------------------


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in a Prometheus text exposition (0 if absent)."""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        m = re.fullmatch(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)", line)
        if not m or m.group(1) != name:
            continue
        got = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        if got == labels:
            return float(m.group(3))
    return 0.0


def test_metrics_count_requests_and_decisions_with_bounded_labels(textsrv: Served) -> None:
    with textsrv.client() as client:
        rule = client.post("/plans/herning/route", json=CONCERN).json()["rules"][0]
        before = client.get("/v1/metrics")
        assert before.status_code == 200 and before.headers["content-type"].startswith("text/plain")
        assert client.post("/v1/plans/herning/route", json=CONCERN).status_code == 200
        assert client.post("/v1/plans/Birgit_0909091234/route", json=CONCERN).status_code == 404
        after = client.get("/metrics").text
    decisions = {"plan": "herning", "rule": rule}
    assert (
        _sample(after, "beredskab_decisions_total", **decisions)
        == _sample(before.text, "beredskab_decisions_total", **decisions) + 1
    )
    route = {"route": "/v1/plans/{slug}/route", "method": "POST"}
    assert _sample(after, "beredskab_http_requests_total", **route, status="200") >= 1
    assert _sample(after, "beredskab_http_requests_total", **route, status="404") >= 1
    assert _sample(after, "beredskab_http_request_duration_seconds_count", route=route["route"]) >= 2
    assert "Birgit" not in after and "0909091234" not in after


def test_a_batchs_decisions_are_counted_each(textsrv: Served) -> None:
    other = {**CONCERN, "acute": True}
    batch = {"concerns": [CONCERN, other, CONCERN, {"acute": "no"}, other, CONCERN]}
    with textsrv.client() as client:
        rules = {c["acute"]: client.post("/plans/randers/route", json=c).json()["rules"][0] for c in (CONCERN, other)}
        before = client.get("/metrics").text
        results = client.post("/v1/plans/randers/route:batch", json=batch).json()["results"]
        after = client.get("/metrics").text
    assert [("decision" in r) for r in results] == [True, True, True, False, True, True]
    counts = {rules[False]: 3, rules[True]: 2} if rules[False] != rules[True] else {rules[False]: 5}
    for rule, n in counts.items():
        sample = {"plan": "randers", "rule": rule}
        assert _sample(after, "beredskab_decisions_total", **sample) == (
            _sample(before, "beredskab_decisions_total", **sample) + n
        )


# --- /v1 and CORS ----------------------------------------------------------------------------------


def test_every_endpoint_is_under_v1_and_the_old_paths_are_aliases(textsrv: Served) -> None:
    with textsrv.client() as client:
        doc = client.get("/v1/openapi.json").json()
        assert client.get("/openapi.json").json() == doc
        old = {p for p in doc["paths"] if not p.startswith("/v1/")}
        assert {p for p in doc["paths"] if p.startswith("/v1/")} == {f"/v1{p}" for p in old}
        assert {"/readyz", "/metrics", "/plans/{slug}/route", "/admin/reload"} <= old
        assert "alias of /v1/plans/{slug}/route" in doc["paths"]["/plans/{slug}/route"]["post"]["description"]
        assert client.get("/v1/plans").json() == client.get("/plans").json()
        a = client.post("/v1/plans/koege/route", json=CONCERN).json()
        assert a == client.post("/plans/koege/route", json=CONCERN).json()
        assert client.get("/v1/healthz").json() == client.get("/healthz").json()
        assert client.post("/v1/admin/reload", json={}).status_code == 403  # disabled here, as at /admin/reload


def _preflight(client: httpx.Client, origin: str, headers: str = "content-type") -> httpx.Response:
    return client.options(
        "/v1/plans/koege/route",
        headers={"origin": origin, "access-control-request-method": "POST", "access-control-request-headers": headers},
    )


def test_cors_is_off_by_default(textsrv: Served) -> None:
    with textsrv.client() as client:
        r = _preflight(client, ORIGIN)
        assert "access-control-allow-origin" not in r.headers and r.status_code == 405
        r = client.get("/v1/plans", headers={"origin": ORIGIN})
        assert "access-control-allow-origin" not in r.headers


def test_cors_allows_only_the_origins_given_and_never_the_admin_header(jsonsrv: Served) -> None:
    with jsonsrv.client() as client:
        r = _preflight(client, ORIGIN)
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == ORIGIN
        r = client.post("/v1/plans/koege/route", json=CONCERN, headers={"origin": ORIGIN})
        assert r.headers["access-control-allow-origin"] == ORIGIN
        assert "x-request-id" in r.headers["access-control-expose-headers"]
        r = _preflight(client, "https://evil.example")
        assert r.status_code == 400 and "access-control-allow-origin" not in r.headers
        r = _preflight(client, ORIGIN, headers="authorization")  # a page can never send the admin token
        assert r.status_code == 400


# --- workers -----------------------------------------------------------------------------------------


def _digest_by_pid(served: Served, client_count: int = 60) -> dict[int, str]:
    """The koege digest each worker serves, found over fresh connections (the kernel spreads them)."""
    seen: dict[int, str] = {}
    for i in range(client_count):
        rid = f"probe-{time.monotonic_ns()}-{i}"
        with served.client() as client:
            digest = client.get("/v1/plans/koege", headers={"x-request-id": rid}).json()["digest"]
        pid = int(served.wait_for(rf'"pid": (\d+), "request_id": "{rid}"').group(1))
        seen[pid] = digest
    return seen


def test_two_workers_share_metrics_and_a_reload_through_one_reaches_both(tmp_path: Path) -> None:
    (tmp_path / "plans").mkdir()
    plan = tmp_path / "plans" / "koege.yaml"
    shutil.copy(PLANS / "koege.yaml", plan)
    token = tmp_path / "admin.token"
    token.write_text(TOKEN, encoding="ascii")
    token.chmod(0o600)
    flags = ["--workers", "2", "--log-format", "json", "--admin-token-file", str(token)]
    with serving([tmp_path / "plans"], *flags) as served:
        served.wait_for(r"serving 1 plan\(s\)(.|\n)*serving 1 plan\(s\)")  # both workers loaded the plan
        before = _digest_by_pid(served)
        assert len(before) == 2, f"only one worker answered 60 connections: {before}"
        assert len(set(before.values())) == 1
        old = next(iter(before.values()))
        # metrics of all workers, whichever answers the scrape
        with served.client() as client:
            routed = sum(client.post("/plans/koege/route", json=CONCERN).status_code == 200 for _ in range(10))
        for _ in range(4):
            with served.client() as client:
                text = client.get("/metrics").text
            assert (
                _sample(text, "beredskab_http_requests_total", route="/v1/plans/{slug}", method="GET", status="200")
                >= 60
            )
            assert (
                sum(
                    float(v)
                    for v in re.findall(r'^beredskab_decisions_total\{plan="koege",rule="[^"]+"\} (\S+)$', text, re.M)
                )
                >= routed
            )

        plan.write_text(plan.read_text(encoding="utf-8").replace("infohuskoege@koege.dk", "infohus-ny@koege.dk"))
        with served.client() as client:
            r = client.post("/v1/admin/reload", json={}, headers={"authorization": f"Bearer {TOKEN}"})
            assert r.status_code == 200, r.text
            new = r.json()["plans"][0]["digest"]
        assert new != old
        deadline = time.monotonic() + 8.0
        after: dict[int, str] = {}
        while time.monotonic() < deadline:
            time.sleep(0.5)
            after = _digest_by_pid(served, 20)
            if set(after) == set(before) and set(after.values()) == {new}:
                break
        assert set(after) == set(before) and set(after.values()) == {new}, (before, after, new)
        assert "another worker reloaded the plans" in served.output()


# --- the OpenAPI document and the service agree ---------------------------------------------------

_SCHEMATHESIS_CONFIG = """\
# a step id is each plan's own, which a schema cannot say: the 422 for an unknown step is
# documented in the route operation's responses, and accepted here as the answer to it
[[operations]]
include-path-regex = "/route$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "404", "422"]
"""


def test_schemathesis_finds_no_mismatch_between_the_document_and_the_service(ops_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "schemathesis.toml"
    config.write_text(_SCHEMATHESIS_CONFIG, encoding="utf-8")
    # with an admin token (never given to schemathesis): the admin endpoint answers 401 as its
    # security scheme says (without a token it is disabled, 403, also documented)
    with serving([PLANS], "--admin-token-file", str(ops_dir / "admin.token")) as served:
        _schemathesis(served, config, tmp_path)


def _schemathesis(served: Served, config: Path, tmp_path: Path) -> None:
    cmd = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(config),
        "run",
        f"http://127.0.0.1:{served.port}/openapi.json",
        "--checks",
        "all",
        "--phases",
        "coverage,fuzzing",
        "--max-examples",
        "15",
        # one thread: CPython 3.11's ast.parse (hypothesis describes lambdas with it) is not
        # thread-safe ("AST constructor recursion depth mismatch" with --workers 2)
        "--workers",
        "1",
        "--request-timeout",
        "5",
        "--suppress-health-check",
        "all",
        "--no-color",
        "--seed",
        "21",
    ]
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=90, cwd=tmp_path, env=env)
    assert p.returncode == 0, p.stdout[-6000:] + p.stderr[-2000:]


# --- httptools keeps the head bound h11 had ---------------------------------------------------------


def test_a_request_head_over_16_kib_is_refused_on_httptools_too(jsonsrv: Served) -> None:
    import socket

    with socket.create_connection(("127.0.0.1", jsonsrv.port), timeout=WAIT) as s:
        s.sendall(b"GET /v1/healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n")
        for i in range(40):  # 40 headers of ~500 bytes, never the blank line that ends a head
            with contextlib.suppress(OSError):
                s.sendall(f"x-filler-{i}: {'a' * 500}\r\n".encode())
        data = b""
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(4096)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
    assert data.startswith(b"HTTP/1.1 400 "), data[:200]
    assert b"at most 16384 bytes" in data or b"Invalid HTTP request" in data
