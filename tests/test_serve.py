"""The HTTP service on a real uvicorn server on loopback: routing, errors that never echo, plans, OpenAPI, reload.

The security findings (admin token, slow clients, the connection cap, what the logs hold)
are tested against the command line's server in ``test_serve_security.py``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import uvicorn
from starlette.applications import Starlette

import beredskab
from beredskab.cli import main
from beredskab.serve import create_app, store_of
from beredskab.serve.app import MAX_BATCH, MAX_ROUTE_BYTES
from conftest import PLANS, REPO, SLUGS

WAIT = 10.0  # seconds any start, stop or reload may take before a test gives up
TOKEN = "test-admin-token-0123456789abcdef"
ADMIN = {"authorization": f"Bearer {TOKEN}", "content-type": "application/json"}
AT = "2026-11-23T10:00:00+01:00"
CONCERN: dict[str, Any] = {"acute": False, "age": 16, "received_at": AT}


def _wait_healthy(client: httpx.Client) -> None:
    deadline = time.monotonic() + WAIT
    while True:
        try:
            if client.get("/healthz").status_code == 200:
                return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.05)


def _client(port: int) -> httpx.Client:
    # trust_env off: a proxy from the environment must never see (or carry) this traffic
    return httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=WAIT, trust_env=False)


@contextlib.contextmanager
def serving(paths: list[str], **options: Any) -> Iterator[tuple[httpx.Client, Starlette, threading.Thread]]:
    """The app (``create_app(paths, **options)``) on uvicorn in a thread, on a free loopback port; stopped on exit."""
    app = create_app(paths, **options)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    # log_config None: the server's records reach pytest's caplog (the root logger)
    server = uvicorn.Server(uvicorn.Config(app, log_level="debug", log_config=None, lifespan="off"))
    # in a thread uvicorn installs no signal handlers (they belong to the main thread)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        with _client(sock.getsockname()[1]) as client:
            _wait_healthy(client)
            yield client, app, thread
    finally:
        server.should_exit = True
        thread.join(WAIT)
        sock.close()
    assert not thread.is_alive(), "the server did not stop"


@pytest.fixture(scope="module")
def shipped() -> Iterator[tuple[httpx.Client, Starlette, threading.Thread]]:
    with serving([str(PLANS)]) as running:
        yield running


@pytest.fixture
def client(shipped: tuple[httpx.Client, Starlette, threading.Thread]) -> httpx.Client:
    return shipped[0]


def _as_json(decision: beredskab.Decision) -> Any:
    return decision.model_dump(mode="json", by_alias=True)


def _log_text(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() for r in caplog.records)


# --- routing -------------------------------------------------------------------------------


def test_route_answers_what_the_plan_answers(client: httpx.Client, plans: dict[str, beredskab.Plan]) -> None:
    r = client.post("/plans/koege/route", json=CONCERN)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.json() == _as_json(plans["koege"].route(CONCERN))
    assert r.json()["plan_digest"] == plans["koege"].digest


def test_route_runs_on_the_event_loop_thread(
    shipped: tuple[httpx.Client, Starlette, threading.Thread], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _, thread = shipped
    seen: list[threading.Thread] = []
    original = beredskab.Plan.route

    def recording(self: beredskab.Plan, concern: Any, **kwargs: Any) -> beredskab.Decision:
        seen.append(threading.current_thread())
        return original(self, concern, **kwargs)

    monkeypatch.setattr(beredskab.Plan, "route", recording)
    assert client.post("/plans/koege/route", json=CONCERN).status_code == 200
    assert client.post("/plans/koege/route:batch", json={"concerns": [CONCERN, CONCERN]}).status_code == 200
    # durable-rules' traps stay closed: no request routes on a worker thread
    assert seen == [thread] * 3


def test_invalid_concern_names_the_fields_and_never_echoes_a_value(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    event = {"acute": False, "age": 999, "received_at": AT, "cpr_nummer": "0101901234"}
    # a request id of our own: a random one (32 hex digits) in httpx's debug lines could hold "999"
    r = client.post("/plans/koege/route", json=event, headers={"x-request-id": "invalid-concern-check"})
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "invalid concern"
    fields = [p["field"] for p in body["problems"]]
    assert "age" in fields and len(fields) == 2  # the unknown key is a problem too, its name never shown
    assert all(set(p) == {"field", "message", "suggestion"} for p in body["problems"])
    for value in ("999", "0101901234", "cpr_nummer"):
        assert value not in r.text
        assert value not in _log_text(caplog)


def test_a_key_that_is_free_text_is_not_named(client: httpx.Client) -> None:
    r = client.post("/plans/koege/route", json={**CONCERN, "Jens Hansen bor på Vestergade": True})
    assert r.status_code == 422 and "Jens" not in r.text and "Vestergade" not in r.text


def test_a_body_that_is_not_an_object_is_an_invalid_concern(client: httpx.Client) -> None:
    r = client.post("/plans/koege/route", json=["acute", False])
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "concern"


def test_unknown_slug_is_404_with_a_did_you_mean(client: httpx.Client) -> None:
    r = client.post("/plans/koge/route", json=CONCERN)
    assert r.status_code == 404
    assert r.json()["suggestion"] == "koege" and r.json()["plans"] == sorted(SLUGS)
    assert client.get("/plans/koge").json()["suggestion"] == "koege"
    # the slug sent is not repeated (a path can carry anything)
    r = client.post("/plans/0101901234/route", json=CONCERN)
    assert r.status_code == 404 and "0101901234" not in r.text and r.json()["suggestion"] is None


def test_bad_json_is_400_naming_line_and_column_not_the_content(client: httpx.Client) -> None:
    raw = b'{"acute": false,\n "navn": "Hemmelig Person" "age": 3}'
    r = client.post("/plans/koege/route", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 400
    message = r.json()["problems"][0]["message"]
    assert re.search(r"request body:2:\d+: not valid JSON", message), message
    assert "Hemmelig" not in r.text


def test_not_json_is_415(client: httpx.Client) -> None:
    r = client.post("/plans/koege/route", content=json.dumps(CONCERN), headers={"content-type": "text/plain"})
    assert r.status_code == 415 and "error" in r.json()
    r = client.post("/plans/koege/route", content=json.dumps(CONCERN).encode())  # no content-type at all
    assert r.status_code == 415


def test_a_body_over_64_kib_is_413(client: httpx.Client) -> None:
    big = json.dumps({**CONCERN, "step": "x" * (MAX_ROUTE_BYTES + 1)})
    r = client.post("/plans/koege/route", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "xxx" not in r.text

    def chunks() -> Iterator[bytes]:  # chunked: no content-length, counted as it arrives
        yield big.encode()[: MAX_ROUTE_BYTES // 2]
        yield big.encode()[MAX_ROUTE_BYTES // 2 :]

    r = client.post("/plans/koege/route", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    # the server still answers afterwards
    assert client.post("/plans/koege/route", json=CONCERN).status_code == 200


def test_an_internal_error_is_a_bare_500(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    def broken(self: beredskab.Plan, concern: Any, **kwargs: Any) -> beredskab.Decision:
        raise RuntimeError(f"a bug that quotes its input: {concern}")

    monkeypatch.setattr(beredskab.Plan, "route", broken)
    event = {**CONCERN, "step": "hemmeligt_trin_7q"}
    r = client.post("/plans/koege/route", json=event)
    assert (r.status_code, r.json()) == (500, {"error": "internal error"})
    # the type and the frames are logged (their source lines too), the message with the value is not
    assert "internal error (RuntimeError) in route" in _log_text(caplog)
    assert "hemmeligt_trin_7q" not in _log_text(caplog)
    r = client.post("/plans/koege/route:batch", json={"concerns": [event]})
    assert r.status_code == 200 and r.json()["results"] == [{"error": "internal error", "problems": []}]
    assert "internal error (RuntimeError) in route_batch" in _log_text(caplog)
    assert "hemmeligt_trin_7q" not in _log_text(caplog)


def test_unknown_paths_and_methods_answer_json(client: httpx.Client) -> None:
    r = client.get("/nowhere")
    assert (r.status_code, r.json()) == (404, {"error": "not found"})
    r = client.get("/plans/koege/route")
    assert r.status_code == 405 and "error" in r.json()


# --- batch ---------------------------------------------------------------------------------


def test_batch_keeps_order_past_a_bad_concern(client: httpx.Client, plans: dict[str, beredskab.Plan]) -> None:
    child = {"acute": True, "age": 8, "received_at": AT}
    bad = {"acute": False, "age": 999, "received_at": AT}
    r = client.post("/plans/koege/route:batch", json={"concerns": [CONCERN, bad, "not an object", child]})
    assert r.status_code == 200
    results = r.json()["results"]
    assert len(results) == 4
    assert results[0] == {"decision": _as_json(plans["koege"].route(CONCERN))}
    assert results[1]["error"] == "invalid concern" and results[1]["problems"][0]["field"] == "age"
    assert results[2]["problems"][0]["field"] == "concern"
    assert results[3] == {"decision": _as_json(plans["koege"].route(child))}
    assert "999" not in r.text


def test_batch_bounds(client: httpx.Client) -> None:
    r = client.post("/plans/koege/route:batch", json={"concerns": [CONCERN] * (MAX_BATCH + 1)})
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "concerns"
    r = client.post("/plans/koege/route:batch", json={"concerns": [CONCERN] * MAX_BATCH})
    assert r.status_code == 200 and len(r.json()["results"]) == MAX_BATCH
    for body in ([CONCERN], {"concerns": CONCERN}, {"concerns": [], "cpr": "0101901234"}):
        r = client.post("/plans/koege/route:batch", json=body)
        assert r.status_code == 422 and "0101901234" not in r.text
    r = client.post("/plans/koege/route:batch", content=b'{"concerns": [', headers={"content-type": "application/json"})
    assert r.status_code == 400 and "request body:1:" in r.json()["problems"][0]["message"]
    deep = b'{"concerns": [' + b"[" * 5000 + b"]" * 5000 + b"]}"
    r = client.post("/plans/koege/route:batch", content=deep, headers={"content-type": "application/json"})
    assert r.status_code == 400


# --- plans, health, OpenAPI ------------------------------------------------------------------


def test_plans_lists_every_plan_with_its_digest(client: httpx.Client, plans: dict[str, beredskab.Plan]) -> None:
    listed = client.get("/plans").json()
    assert [p["slug"] for p in listed] == sorted(SLUGS)
    assert {p["slug"]: p["digest"] for p in listed} == {s: p.digest for s, p in plans.items()}
    koege = plans["koege"]
    one = client.get("/plans/koege").json()
    assert one == {
        "slug": "koege",
        "name": koege.municipality.name,
        "title": koege.document.title,
        "revised": "2024-01",
        "next_revision_due": "2027",
        "digest": koege.digest,
    }
    assert one in listed


def test_healthz(client: httpx.Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "plans": len(SLUGS)}


def _validator(document: dict[str, Any], name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    )


def test_openapi_describes_every_endpoint_from_the_models(client: httpx.Client) -> None:
    doc = client.get("/openapi.json").json()
    assert doc["openapi"] == "3.1.0" and doc["info"]["version"] == beredskab.__version__
    unversioned = {
        "/plans/{slug}/route",
        "/plans/{slug}/route:batch",
        "/plans",
        "/plans/{slug}",
        "/healthz",
        "/readyz",
        "/metrics",
        "/admin/reload",
        "/openapi.json",
    }
    # every endpoint under /v1; the unversioned paths are its aliases (tests/test_serve_ops.py)
    assert set(doc["paths"]) == unversioned | {f"/v1{p}" for p in unversioned}
    schemas = doc["components"]["schemas"]
    assert {"Concern", "Decision", "Findings", "Action"} <= set(schemas)
    # generated from the very models the library validates with
    concern = beredskab.Concern.model_json_schema(ref_template="#/components/schemas/{model}")
    concern.pop("$defs")
    assert schemas["Concern"] == concern
    for schema in schemas.values():
        jsonschema.Draft202012Validator.check_schema(schema)
    refs = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(doc)))
    assert refs <= set(schemas), f"dangling references: {refs - set(schemas)}"
    for operations in doc["paths"].values():
        for op in operations.values():
            assert op["responses"] and all("description" in r for r in op["responses"].values())
    # the answers are what the document says they are
    _validator(doc, "Decision").validate(client.post("/plans/koege/route", json=CONCERN).json())
    _validator(doc, "InvalidConcern").validate(client.post("/plans/koege/route", json={"acute": 1}).json())
    batch = client.post("/plans/koege/route:batch", json={"concerns": [CONCERN, {}]}).json()
    _validator(doc, "BatchResponse").validate(batch)
    _validator(doc, "UnknownPlan").validate(client.get("/plans/koge").json())
    _validator(doc, "PlanSummary").validate(client.get("/plans/koege").json())
    _validator(doc, "Health").validate(client.get("/healthz").json())
    _validator(doc, "Concern").validate(CONCERN)


# --- reload ----------------------------------------------------------------------------------


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


@pytest.fixture
def plan_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.copy(PLANS / "koege.yaml", folder / "koege.yaml")
    return folder


def _break(path: Path) -> int:
    path.write_text(path.read_text(encoding="utf-8").replace("kommunekode: 259", "kommunekode: 2590"), "utf-8")
    return _line_of(path, "kommunekode: 2590")


def _change_contact(path: Path) -> None:
    text = path.read_text(encoding="utf-8").replace("kommunekode: 2590", "kommunekode: 259")
    path.write_text(text.replace("infohuskoege@koege.dk", "infohus-ny@koege.dk"), "utf-8")


def test_reload_keeps_the_old_plans_on_a_problem_and_swaps_on_success(plan_dir: Path) -> None:
    plan_file = plan_dir / "koege.yaml"
    # reload_interval 0: this test reloads twice in a row on purpose (the spacing is tested in test_serve_security)
    with serving([str(plan_dir)], admin_token=TOKEN, reload_interval=0) as (client, app, _):
        before = client.get("/plans/koege").json()["digest"]
        line = _break(plan_file)
        r = client.post("/admin/reload", json={}, headers=ADMIN)
        assert r.status_code == 409
        problems = r.json()["problems"]
        assert problems and all(set(p) == {"file", "line", "col", "code", "message"} for p in problems)
        assert any(p["file"].endswith("koege.yaml") and p["line"] == line for p in problems), problems
        # still the old plan
        assert client.post("/plans/koege/route", json=CONCERN).json()["plan_digest"] == before
        assert store_of(app).plans["koege"].digest == before

        _change_contact(plan_file)
        r = client.post("/admin/reload", json={}, headers=ADMIN)
        assert r.status_code == 200, r.text
        after = r.json()["plans"][0]["digest"]
        assert r.json() == {"status": "reloaded", "plans": [{"slug": "koege", "digest": after}]}
        assert after != before and client.get("/plans/koege").json()["digest"] == after
        decision = client.post("/plans/koege/route", json=CONCERN).json()
        assert decision["plan_digest"] == after and "infohus-ny@koege.dk" in json.dumps(decision)


def test_a_slug_used_twice_is_a_problem(plan_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    shutil.copy(PLANS / "koege.yaml", other)
    with pytest.raises(beredskab.PlanError) as caught:
        create_app([str(plan_dir), str(other)])
    assert [p.code for p in caught.value.problems] == ["BK206"]


def test_serve_exits_2_before_binding_when_a_plan_fails(plan_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = _break(plan_dir / "koege.yaml")
    assert main(["serve", str(plan_dir), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert re.search(rf"koege\.yaml:{line}:\d+: fejl BK", err), err


def test_serve_without_the_extra_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    code = (
        "import sys\n"
        "sys.modules['starlette'] = sys.modules['uvicorn'] = None\n"
        "from beredskab.cli import main\n"
        "assert 'starlette' not in sys.modules or sys.modules['starlette'] is None\n"
        f"sys.exit(main(['serve', {str(PLANS)!r}]))\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert p.returncode == 2, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install 'beredskab[serve]'" in lines[0] and "Traceback" not in p.stderr


def test_the_command_line_does_not_load_the_service() -> None:
    code = "import sys, beredskab.cli; print(sorted(m for m in sys.modules if m.split('.')[0] in ('starlette', 'uvicorn', 'anyio') or m.startswith('beredskab.serve')))"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert p.stdout.strip() == "[]"


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="SIGHUP is POSIX")
def test_sighup_reloads_the_subprocess_server(plan_dir: Path) -> None:
    plan_file = plan_dir / "koege.yaml"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "beredskab", "serve", str(plan_dir), "--port", "0", "--log-level", "info"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env, cwd=REPO)
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()

    def wait_for(pattern: str) -> re.Match[str]:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                m = re.search(pattern, lines.get(timeout=0.1))
                if m:
                    return m
        raise AssertionError(f"the server never logged {pattern!r}")

    try:
        port = int(wait_for(r"Uvicorn running on http://127\.0\.0\.1:(\d+)").group(1))
        with _client(port) as client:
            _wait_healthy(client)
            before = client.get("/plans/koege").json()["digest"]
            _break(plan_file)
            proc.send_signal(signal.SIGHUP)
            wait_for("reload failed; still serving the previous plans")
            assert client.post("/plans/koege/route", json=CONCERN).json()["plan_digest"] == before
            _change_contact(plan_file)
            proc.send_signal(signal.SIGHUP)
            wait_for("reloaded 1 plan")
            assert client.get("/plans/koege").json()["digest"] != before
        proc.send_signal(signal.SIGTERM)
        # uvicorn shuts down gracefully, then re-raises the signal it caught (as it should)
        assert proc.wait(WAIT) in (0, -signal.SIGTERM)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(WAIT)
