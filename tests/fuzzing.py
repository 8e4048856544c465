"""Run one fuzz case in a forked child with a time limit, so that a hang fails the case instead of the suite.

A thread cannot stop code stuck inside durable-rules' C compiler; a child process can be
killed. Forking copies the loaded interpreter, so a case costs milliseconds, not a start-up.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable
from typing import Any

CASE_SECONDS = float(os.environ.get("BEREDSKAB_FUZZ_SECONDS", "20"))
LONG_RUN = os.environ.get("BEREDSKAB_FUZZ") == "1"


def examples(normal: int, long: int) -> int:
    """Hypothesis example count: modest in the normal suite, large with ``BEREDSKAB_FUZZ=1``."""
    return long if LONG_RUN else normal


def _child(fn: Callable[[Any], Any], arg: Any, conn: Any) -> None:
    try:
        conn.send(("ok", fn(arg)))
    except BaseException as exc:  # report everything: the parent decides what is a failure
        conn.send(("raised", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
    finally:
        conn.close()


def run_bounded(fn: Callable[[Any], Any], arg: Any, seconds: float = CASE_SECONDS) -> tuple[str, Any]:
    """``("ok", result)``, ``("raised", traceback text)``, ``("hang", seconds)`` or ``("crash", exit code)``."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(fn, arg, send))
    proc.start()
    send.close()
    try:
        if receive.poll(seconds):
            try:
                outcome: tuple[str, Any] = receive.recv()
            except EOFError:
                proc.join()
                return ("crash", proc.exitcode)
            proc.join(5)
            return outcome
        return ("hang", seconds)
    finally:
        if proc.is_alive():
            proc.kill()
            proc.join()
        receive.close()
