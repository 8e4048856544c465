"""The service's security findings, each held against a real ``beredskab serve`` process on loopback.

Every server here is the command line in a subprocess (``--port 0``: a free port, read from
its log), so the flags, the protocol, the log configuration and the output are the ones an
operator gets. Traffic goes to 127.0.0.1 only; every socket has a timeout and every wait a
deadline. Finding numbers are the security review's.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from conftest import PLANS, REPO, ServedProcess

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="the service's guards are tested on POSIX")

WAIT = 10.0  # seconds a start or stop may take before a test gives up
READ_TIMEOUT = 1.0  # --read-timeout of the servers here: short, so a test waits little
SLACK = 0.75  # what a loaded machine may add to a deadline before a test calls it missed
TOKEN = "adm1n-T0ken-for-the-tests-only-9f3c2a"
AT = "2026-11-23T10:00:00+01:00"
CONCERN: dict[str, Any] = {"acute": False, "age": 16, "received_at": AT}
NAME, CPR = "Birgit_Bech", "0909091234"  # what a caller might put in a path: neither may reach a log
ADMIN_TOKEN_ENV = "BEREDSKAB_ADMIN_TOKEN"  # spelled out: the name is the operator's interface


class Served(ServedProcess):
    """``python -m beredskab serve plans/ FLAGS`` on a free loopback port, and raw connections to it."""

    def __init__(
        self,
        *flags: str,
        env: dict[str, str] | None = None,
        preexec: Callable[[], None] | None = None,
    ) -> None:
        super().__init__([str(PLANS), *flags], env=env, preexec=preexec)

    def connect(self, timeout: float = WAIT) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=timeout)


@contextlib.contextmanager
def serving(*flags: str, **kwargs: Any) -> Iterator[Served]:
    served = Served(*flags, **kwargs)
    try:
        yield served
    finally:
        served.stop()


@pytest.fixture(scope="module")
def token_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("admin") / "admin.token"
    path.write_text(f"  {TOKEN}\n", encoding="ascii")  # stripped when read
    path.chmod(0o600)
    return path


@pytest.fixture(scope="module")
def server(token_file: Path) -> Iterator[Served]:
    """The shared server: an admin token, a short read timeout, access log at info."""
    flags = ("--admin-token-file", str(token_file), "--read-timeout", str(READ_TIMEOUT), "--log-level", "info")
    with serving(*flags) as served:
        yield served


def _bearer(token: str = TOKEN) -> dict[str, str]:
    return {"authorization": f"Bearer {token}", "content-type": "application/json"}


def _recv_all(sock: socket.socket, deadline: float) -> tuple[bytes, bool]:
    """Everything until the server closes (True) or the deadline passes (False)."""
    data = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return data, False
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            return data, False
        except ConnectionResetError:
            return data, True
        if not chunk:
            return data, True
        data += chunk


# --- 5: the admin endpoint ---------------------------------------------------------------------


def test_admin_reload_needs_the_bearer_token(server: Served) -> None:
    with server.client() as client:
        before = server.output().count("reloaded 5 plan")
        r = client.post("/admin/reload", json={})
        assert r.status_code == 401
        assert r.headers["www-authenticate"].startswith("Bearer ")
        guess = f"{NAME}_{CPR}"
        r = client.post("/admin/reload", json={}, headers={"authorization": f"Bearer {guess}"})
        assert r.status_code == 401 and 'error="invalid_token"' in r.headers["www-authenticate"]
        for answer in (r.text, json.dumps(dict(r.headers))):
            assert guess not in answer and TOKEN not in answer
        r = client.post("/admin/reload", json={}, headers={"authorization": f"Basic {TOKEN}"})
        assert r.status_code == 401
        assert server.output().count("reloaded 5 plan") == before  # none of them reloaded
        r = client.post("/admin/reload", json={}, headers=_bearer())
        if r.status_code == 429:  # another test of this module reloaded moments ago
            time.sleep(int(r.headers["retry-after"]))
            r = client.post("/admin/reload", json={}, headers=_bearer())
        assert r.status_code == 200 and r.json()["status"] == "reloaded"
    assert guess not in server.output() and TOKEN not in server.output()


def test_admin_reload_refuses_what_a_web_page_can_send_without_a_preflight(server: Served) -> None:
    # a form post or a text/plain fetch() crosses sites with no CORS preflight; even with the
    # token (which a page could not add either) such a request is refused before any reload
    with server.client() as client:
        before = server.output().count("reloaded 5 plan")
        auth = {"authorization": f"Bearer {TOKEN}"}
        for content_type in ("application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"):
            r = client.post("/admin/reload", content=b"a=1", headers={**auth, "content-type": content_type})
            assert r.status_code == 415, (content_type, r.status_code)
        r = client.post("/admin/reload", headers=auth)  # no body, no content-type
        assert r.status_code == 415
        assert server.output().count("reloaded 5 plan") == before


def test_rapid_reloads_are_spaced_and_routing_goes_on(server: Served) -> None:
    statuses: list[int] = []
    retry_after: set[str] = set()
    stop = threading.Event()

    def hammer() -> None:
        with server.client() as client:
            while not stop.is_set():
                r = client.post("/admin/reload", json={}, headers=_bearer())
                statuses.append(r.status_code)
                if r.status_code == 429:
                    retry_after.add(r.headers["retry-after"])

    before = server.output().count("reloaded 5 plan")
    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    routed = 0
    started = time.monotonic()
    try:
        with server.client() as client:
            while time.monotonic() - started < 1.5:
                assert client.post("/plans/koege/route", json=CONCERN).status_code == 200
                routed += 1
    finally:
        stop.set()
        for t in threads:
            t.join(WAIT)
    elapsed = time.monotonic() - started
    reloads = server.output().count("reloaded 5 plan") - before
    # at most one reload a second (the floor of the spacing), whatever four loops ask for
    assert statuses.count(200) == reloads and reloads <= 1 + elapsed, (reloads, elapsed)
    assert set(statuses) <= {200, 429} and statuses.count(429) > 10
    assert retry_after and all(v.isdigit() and int(v) >= 1 for v in retry_after)
    assert routed > 10, f"routing starved: {routed} requests in {elapsed:.1f} s"


def test_admin_reload_is_disabled_without_a_token() -> None:
    with serving("--log-level", "info") as served, served.client() as client:
        r = client.post("/admin/reload", json={}, headers=_bearer())
        assert r.status_code == 403
        error = r.json()["error"]
        assert "--admin-token-file" in error and ADMIN_TOKEN_ENV in error
        assert "reloaded" not in served.output()
        served.proc.send_signal(signal.SIGHUP)  # the operator still reloads without a token
        served.wait_for("reloaded 5 plan")


def test_the_token_can_come_from_the_environment() -> None:
    with serving(env={ADMIN_TOKEN_ENV: TOKEN}) as served, served.client() as client:
        assert client.post("/admin/reload", json={}, headers=_bearer("x" * len(TOKEN))).status_code == 401
        assert client.post("/admin/reload", json={}, headers=_bearer()).status_code == 200


def test_a_token_file_is_read_bounded_and_checked(tmp_path: Path) -> None:
    big = tmp_path / "big.token"
    big.write_bytes(b"A" * 5000)
    short = tmp_path / "short.token"
    short.write_text(f"{CPR}\n", encoding="ascii")
    spaced = tmp_path / "spaced.token"
    spaced.write_text(f"{NAME} {TOKEN}\n", encoding="ascii")
    cases = {big: "over 4096 bytes", short: "under 16 characters", spaced: "visible ASCII"}
    # subprocesses (in parallel), each bounded in time: one that started serving would not return
    procs: dict[Path, subprocess.Popen[str]] = {}
    errors: dict[Path, str] = {}
    try:
        serve = [sys.executable, "-m", "beredskab", "serve", str(PLANS), "--port", "0"]
        for path in cases:
            cmd = [*serve, "--admin-token-file", str(path)]
            procs[path] = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=REPO)
        for path, proc in procs.items():
            errors[path] = proc.communicate(timeout=WAIT)[1]
    finally:
        for proc in procs.values():  # none may outlive the test, whatever failed
            if proc.poll() is None:
                proc.kill()
                proc.wait(WAIT)
    for path, why in cases.items():
        err = errors[path]
        assert procs[path].returncode == 2 and why in err, err
        assert "Uvicorn running" not in err
        assert "AAAA" not in err and CPR not in err and NAME not in err and TOKEN not in err


# --- 6: slow and idle clients ------------------------------------------------------------------

_HEAD = b"POST /plans/koege/route HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
_HALF_HEAD = b"POST /plans/koege/route HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-le"
_HALF_BODY = _HEAD + b"content-length: 200\r\n\r\n" + b'{"acute": false, "age": 1'


def test_half_sent_requests_are_closed_within_the_read_timeout(server: Served) -> None:
    kinds = ["half head"] * 20 + ["half body"] * 20 + ["silent"] * 15 + ["trickle"] * 5
    socks: list[tuple[str, socket.socket, float]] = []
    try:
        for kind in kinds:
            s = server.connect()
            opened = time.monotonic()
            if kind == "half head":
                s.sendall(_HALF_HEAD)
            elif kind == "half body":
                s.sendall(_HALF_BODY)
            socks.append((kind, s, opened))
        selector = selectors.DefaultSelector()
        for i, (_, s, _) in enumerate(socks):
            s.setblocking(False)
            selector.register(s, selectors.EVENT_READ, i)
        received = [b""] * len(socks)
        closed_after: dict[int, float] = {}
        trickled: dict[int, int] = {}
        served_meanwhile = 0
        deadline = socks[-1][2] + READ_TIMEOUT + SLACK + 1.0
        with server.client() as client:
            while len(closed_after) < len(socks) and time.monotonic() < deadline:
                for key, _ in selector.select(timeout=0.05):
                    i = key.data
                    kind, s, opened = socks[i]
                    try:
                        chunk = s.recv(65536)
                    except ConnectionResetError:
                        chunk = b""
                    received[i] += chunk
                    if not chunk:
                        closed_after[i] = time.monotonic() - opened
                        selector.unregister(s)
                for i, (kind, s, opened) in enumerate(socks):  # a trickle: a byte of a head every 0.1 s
                    sent = trickled.get(i, 0)
                    if kind == "trickle" and i not in closed_after and time.monotonic() - opened > sent / 10:
                        with contextlib.suppress(OSError):
                            s.send(_HALF_HEAD[sent : sent + 1])
                            trickled[i] = sent + 1
                # another client is served all the while
                assert client.post("/plans/koege/route", json=CONCERN).status_code == 200
                served_meanwhile += 1
        selector.close()
    finally:
        for _, s, _ in socks:
            s.close()
    still_open = [kinds[i] for i in range(len(socks)) if i not in closed_after]
    assert not still_open, f"{len(still_open)} connections still open: {sorted(set(still_open))}"
    slowest = max(closed_after.values())
    assert slowest <= READ_TIMEOUT + SLACK, f"closed after {slowest:.2f} s"
    assert min(closed_after.values()) >= READ_TIMEOUT - 0.1  # not before the timeout either
    assert served_meanwhile >= 5
    for i, kind in enumerate(kinds):
        if kind in ("half head", "half body", "trickle"):
            assert received[i].startswith(b"HTTP/1.1 408 "), (kind, received[i][:60])
        else:
            assert received[i] == b"", (kind, received[i][:60])


def test_a_client_that_stops_reading_is_dropped() -> None:
    # The service's largest answer (a batch, ~2.3 MB) fits the kernel's send buffer on
    # loopback, so a server of its own streams more than any buffer holds through the same
    # protocol class: the client reads nothing, the server's writes pause, and the read
    # timeout ends the connection instead of leaving it (and the response) parked forever.
    from beredskab.serve.server import Limits, server_config

    chunk, chunks = b"x" * (1 << 20), 64

    async def endless(scope: Any, receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        for _ in range(chunks):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    limits = Limits(read_timeout=READ_TIMEOUT, max_connections=8)
    config = server_config(endless, host="127.0.0.1", port=0, log_level="warning", log_config=None, limits=limits)
    server = uvicorn.Server(config)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + WAIT
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        with socket.create_connection(listener.getsockname(), timeout=WAIT) as s:
            s.sendall(b"GET / HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n")
            time.sleep(READ_TIMEOUT + SLACK)  # reading nothing: the server's buffers fill and stay full
            data, closed = _recv_all(s, time.monotonic() + 3.0)
    finally:
        server.should_exit = True
        thread.join(WAIT)
        listener.close()
    assert closed, "the server kept writing to a client that reads nothing"
    assert len(data) < chunks * len(chunk), "the whole response was delivered"


def test_the_connection_cap_evicts_idle_connections_and_refuses_when_all_are_busy() -> None:
    flags = ("--max-connections", "8", "--read-timeout", "3", "--log-level", "info")
    with serving(*flags) as served:
        idle = [served.connect() for _ in range(8)]
        for s in idle:
            s.sendall(_HALF_HEAD)
        try:
            time.sleep(0.2)  # the server has made all eight
            with served.client() as client:  # the ninth closes the oldest idle one, and is served
                assert client.get("/healthz").status_code == 200
            data, closed = _recv_all(idle[0], time.monotonic() + 1.0)
            assert closed and data == b"", "the oldest idle connection was not the one closed"
        finally:
            for s in idle:
                s.close()
        busy = [served.connect() for _ in range(8)]
        try:
            for s in busy:  # each request is in the app, waiting for the rest of its body
                s.sendall(_HALF_BODY)
            time.sleep(0.2)
            extra = served.connect()
            data, closed = _recv_all(extra, time.monotonic() + 1.0)
            extra.close()
            assert closed and data.startswith(b"HTTP/1.1 503 "), data[:60]
            assert b"retry-after: 1" in data.lower()
        finally:
            for s in busy:
                s.close()
        served.wait_for("max-connections cap")


def _few_descriptors() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))


def test_running_out_of_descriptors_is_logged_once_and_clients_are_served_again() -> None:
    # 150 connections at a process that may open 64 files: before the fix, accept() failed
    # with EMFILE in a loop (9 MB of tracebacks in 4 s) and no client got in again
    flags = ("--read-timeout", str(READ_TIMEOUT), "--log-level", "info")
    with serving(*flags, preexec=_few_descriptors) as served:
        flood = [served.connect() for _ in range(150)]
        try:
            deadline = time.monotonic() + READ_TIMEOUT + 5.0
            ok = False
            while not ok and time.monotonic() < deadline:
                with contextlib.suppress(httpx.TransportError), served.client() as client:
                    client.timeout = httpx.Timeout(1.0)
                    ok = client.get("/healthz").status_code == 200
            assert ok, "no client was served while the flood was open"
        finally:
            for s in flood:
                s.close()
        with served.client() as client:
            assert client.post("/plans/koege/route", json=CONCERN).status_code == 200
        log = served.output()
    assert "Traceback" not in log, log[:2000]
    assert len(re.findall(r"Too many open files", log)) <= 1, log[:2000]
    # the cap was lowered to what 64 descriptors allow, and the operator told
    assert "open-file limit (64) leaves room for 32 connections, not 256" in log


def test_the_command_lines_defaults_are_the_services() -> None:
    # the command line repeats them so that --help loads neither Starlette nor uvicorn
    from beredskab.cli import serve as cli
    from beredskab.serve.app import DEFAULT_READ_TIMEOUT
    from beredskab.serve.server import DEFAULT_MAX_CONNECTIONS

    assert (cli._READ_TIMEOUT, cli._MAX_CONNECTIONS) == (DEFAULT_READ_TIMEOUT, DEFAULT_MAX_CONNECTIONS)


# --- the request line: smuggling --------------------------------------------------------------


def test_content_length_with_chunked_is_refused_and_nothing_smuggled(server: Served) -> None:
    body = json.dumps(CONCERN).encode()
    chunked = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
    smuggled = b"GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n"
    request = _HEAD + b"content-length: 5\r\ntransfer-encoding: chunked\r\n\r\n" + chunked + smuggled
    with server.connect() as s:
        s.sendall(request)
        data, closed = _recv_all(s, time.monotonic() + 3.0)
    assert data.startswith(b"HTTP/1.1 400 "), data[:80]
    # refused by the app's RequestGuard (h11), or by httptools' parser before any app sees it
    assert b"content-length or transfer-encoding" in data or b"Invalid HTTP request received." in data
    assert closed and data.count(b"HTTP/1.1 ") == 1, "the request after it was answered"


@pytest.mark.parametrize("http", ["h11", "httptools"])
def test_every_answer_is_whole_when_its_head_and_body_leave_in_one_write(http: str) -> None:
    # the server holds a response's head until its body is written (server.py, _HeldHead): a
    # HEAD answer (no body), keep-alive, pipelined requests and a closing one all arrive whole
    body = json.dumps(CONCERN).encode()
    route = _HEAD + f"content-length: {len(body)}\r\n\r\n".encode() + body
    head = b"HEAD /v1/healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n"
    get = b"GET /v1/healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n"
    last = b"GET /v1/plans HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n"
    with serving("--http", http) as served, served.connect() as s:
        s.sendall(head)
        s.settimeout(WAIT)
        answer = s.recv(65536)  # no body follows a HEAD answer: its head must come on its own
        assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(b"\r\n\r\n"), answer
        s.sendall(route + get + head + last)  # pipelined
        data, closed = _recv_all(s, time.monotonic() + WAIT)
    assert closed and data.count(b"HTTP/1.1 200 ") == 4, data[:300]
    parts = data.split(b"HTTP/1.1 200 ")[1:]
    decision = parts[0].split(b"\r\n\r\n", 1)[1]
    assert json.loads(decision)["plan"] == "koege"
    assert json.loads(parts[1].split(b"\r\n\r\n", 1)[1]) == {"status": "ok", "plans": 5}
    assert parts[2].endswith(b"\r\n\r\n") and b"content-length" in parts[2]  # HEAD: the head only
    assert isinstance(json.loads(parts[3].split(b"\r\n\r\n", 1)[1]), list)


# --- 8: logs never carry what a caller put in a path --------------------------------------------


def test_the_access_log_names_the_route_never_the_path_or_query(server: Served) -> None:
    secret = f"{NAME}_{CPR}"
    with server.client() as client:
        mark = len(server.output())
        assert client.post(f"/plans/{secret}/route?cpr={CPR}", json=CONCERN).status_code == 404
        assert client.post(f"/plans/koege/route?name={NAME}&cpr={CPR}", json=CONCERN).status_code == 200
        assert client.get(f"/plans/{secret}", params={"cpr": CPR}).status_code == 404
        assert client.post(f"/plans/{secret}/route:batch", json={"concerns": []}).status_code == 404
        assert client.get(f"/{secret}/{CPR}").status_code == 404
    with server.connect() as s:  # a method is any token the client likes
        s.sendall(f"{secret} /plans/koege HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n".encode())
        data, _ = _recv_all(s, time.monotonic() + 3.0)
        # h11 hands it to the app (405, logged as OTHER); httptools' parser knows the methods
        # and refuses it with 400 before any app sees it (uvicorn logs no method then)
        assert data.startswith((b"HTTP/1.1 405 ", b"HTTP/1.1 400 "))
        reached_the_app = data.startswith(b"HTTP/1.1 405 ")
    server.wait_for(r'HTTP/1\.1" 405' if reached_the_app else r'"GET <no route> HTTP/1\.1" 404')
    time.sleep(0.1)  # the last line is in
    log = server.output()[mark:]
    assert NAME not in log and CPR not in log and "cpr=" not in log and "?" not in log, log
    assert '"OTHER /plans/{slug} HTTP/1.1" 405' in log or not reached_the_app
    assert '"POST /plans/{slug}/route HTTP/1.1" 404' in log
    assert '"POST /plans/{slug}/route HTTP/1.1" 200' in log
    assert '"GET /plans/{slug} HTTP/1.1" 404' in log
    assert '"POST /plans/{slug}/route:batch HTTP/1.1" 404' in log
    assert '"GET <no route> HTTP/1.1" 404' in log


# --- binding beyond loopback ---------------------------------------------------------------------


def test_binding_every_interface_warns_that_routing_is_open(server: Served) -> None:
    assert "advarsel: lytter på" not in server.output()  # loopback: no warning
    # the port is held (bound, not listening, no SO_REUSEADDR) so the server's bind fails:
    # the warning is printed, and nothing ever listens beyond loopback
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("0.0.0.0", 0))
        port = holder.getsockname()[1]
        cmd = [sys.executable, "-m", "beredskab", "serve", str(PLANS), "--host", "0.0.0.0", "--port", str(port)]
        environ = {k: v for k, v in os.environ.items() if k != ADMIN_TOKEN_ENV}
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=WAIT * 3, cwd=REPO, env=environ)
    assert p.returncode != 0 and "Uvicorn running" not in p.stderr, p.stderr
    assert "advarsel: lytter på alle netværksgrænseflader: routning kræver ingen godkendelse" in p.stderr
    assert "bag en proxy" in p.stderr


# --- concern errors never name what the caller sent as a key -------------------------------------


def test_concern_errors_never_name_unknown_keys_and_duplicates_are_refused(server: Served) -> None:
    # the keys themselves are what a caller sent: a name, a CPR number typed as a field name
    fields = f'"acute": false, "age": 16, "received_at": "{AT}"'
    unknown = f'{{{fields}, "Mohammed_Hansen": true, "cpr_0102031234": "x"}}'
    duplicate = f'{{{fields}, "acute": true}}'
    both = f'{{{fields}, "Mohammed_Hansen": true, "cpr_0102031234": "x", "acute": true}}'
    mark = len(server.output())
    answers: list[httpx.Response] = []
    with server.client() as client:

        def post(path: str, body: str) -> httpx.Response:
            r = client.post(path, content=body.encode(), headers={"content-type": "application/json"})
            answers.append(r)
            return r

        assert post("/plans/koege/route", unknown).status_code == 422
        assert post("/plans/koege/route", duplicate).status_code in (400, 422)
        assert post("/plans/koege/route", both).status_code in (400, 422)
        r = post("/plans/koege/route:batch", f'{{"concerns": [{unknown}]}}')
        assert r.status_code == 200 and "error" in r.json()["results"][0]
        r = post("/plans/koege/route:batch", f'{{"concerns": [{duplicate}]}}')
        assert r.status_code in (400, 422) or "error" in r.json()["results"][0]
    for text in [a.text for a in answers] + [server.output()[mark:]]:
        for sent in ("Mohammed", "Hansen", "0102031234"):
            assert sent not in text, text
