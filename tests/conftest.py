"""Shared paths and fixtures for the test suite."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import beredskab

REPO = Path(__file__).resolve().parents[1]
PLANS = REPO / "plans"
EXAMPLE_FILES = Path(__file__).resolve().parent / "example-files"
SLUGS = ("koege", "herning", "randers", "kbh", "broendby")


def seeds_dir() -> Path | None:
    """The source texts: ``$BEREDSKAB_SEEDS``, or the copies in ``plans/sources`` (each plan's ``document.text``)."""
    env = os.environ.get("BEREDSKAB_SEEDS")
    for candidate in ([Path(env)] if env else []) + [PLANS / "sources"]:
        if candidate.is_dir():
            return candidate
    return None


def git(repo: Path, *argv: str) -> None:
    """``git`` in ``repo`` with a throwaway identity (a test repository's commits need one)."""
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *argv],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="session")
def plans() -> dict[str, beredskab.Plan]:
    return beredskab.load_plans(PLANS)


@pytest.fixture(scope="session")
def minimal_plan() -> beredskab.Plan:
    return beredskab.load_plan(EXAMPLE_FILES / "valid" / "minimal.yaml")


EXPECT = re.compile(r"^# expect: (BK\d{3}) (\d+):(\d+)(?: (.*))?$")


def expected_problems(path: Path) -> list[tuple[str, int, int, str | None]]:
    """The ``# expect: CODE line:col [hint]`` lines that open a negative example file."""
    out = []
    for raw in path.read_bytes().split(b"\n"):
        m = EXPECT.match(raw.decode("ascii", errors="replace").rstrip())
        if m:
            out.append((m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)))
    assert out, f"{path} has no '# expect:' line"
    return out


SERVE_WAIT = 10.0  # seconds a served process may take to start or stop before a test gives up


class ServedProcess:
    """``python -m beredskab serve ARGS`` in a subprocess on a free loopback port, its output collected.

    stdout and stderr both: uvicorn's own access log writes to stdout, and a line with a
    caller's path in it must be caught wherever it goes. The admin token's variable is never
    inherited from the environment running the tests.
    """

    def __init__(
        self,
        args: list[str],
        env: dict[str, str] | None = None,
        preexec: Callable[[], None] | None = None,
    ) -> None:
        environ = {k: v for k, v in os.environ.items() if k != "BEREDSKAB_ADMIN_TOKEN"}
        environ.update(env or {}, PYTHONUNBUFFERED="1")
        cmd = [sys.executable, "-m", "beredskab", "serve", *args, "--port", "0"]
        self.proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=environ,
            cwd=REPO,
            preexec_fn=preexec,  # only setrlimit, before exec
        )
        self._lines: list[str] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._pump, daemon=True).start()
        try:
            self.port = int(self.wait_for(r"Uvicorn running on http://127\.0\.0\.1:(\d+)").group(1))
        except BaseException:
            self.stop()  # a server that never said where it listens is still stopped
            raise

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            with self._lock:
                self._lines.append(raw.decode("utf-8", "replace"))

    def output(self) -> str:
        with self._lock:
            return "".join(self._lines)

    def wait_for(self, pattern: str, timeout: float = SERVE_WAIT) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(pattern, self.output())
            if m:
                return m
            if self.proc.poll() is not None:
                raise AssertionError(f"the server exited ({self.proc.returncode}):\n{self.output()[-2000:]}")
            time.sleep(0.02)
        raise AssertionError(f"the server never logged {pattern!r}:\n{self.output()[-2000:]}")

    def client(self, **kwargs: Any) -> Any:
        import httpx  # the serve tests' client; conftest loads for every test

        # trust_env off: a proxy from the environment must never see (or carry) this traffic
        return httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=SERVE_WAIT, trust_env=False, **kwargs)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(SERVE_WAIT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(SERVE_WAIT)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def playwright_with_chromium() -> Any:
    """playwright's sync API for Debian's chromium (``CHROMIUM``; it never downloads a browser).

    Skips where chromium is missing, but fails in CI, where ``.ci/run`` installs it.
    """
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install -y chromium); CI installs it")
    sync_api = pytest.importorskip("playwright.sync_api")
    return sync_api.sync_playwright()


@dataclass
class Result:
    """What one in-process run of the command line gave: exit code, stdout, stderr."""

    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """``cli(*argv, stdin=b"...")`` runs ``main`` in-process and returns code, stdout, stderr."""
    from beredskab.cli import main

    def run(*argv: str, stdin: bytes | None = None) -> Result:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse: --help, --version and usage errors
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run
