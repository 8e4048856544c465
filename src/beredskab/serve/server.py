"""The uvicorn server around the app: the guards that live on the connection, where no ASGI app can reach.

uvicorn starts the app only once a request head is complete, and bounds only the idle time
between requests (``timeout_keep_alive``, which any byte resets). A client that sends half a
request head, or one byte of it now and then, holds its connection (a file descriptor)
forever; 1,100 such connections used up the open-file limit and locked every client out.
``limit_concurrency`` does not help: it is checked when a complete head arrives, and answers
503 then, so half-open connections never meet it. Hence a subclass of uvicorn's H11Protocol
(the simplest place that sees a connection from its first moment):

* a deadline, from the moment the connection is made (or a response completes, on a
  keep-alive connection), for the next request head to be complete: past it the connection
  is closed (after a 408 if part of a head came). Bytes arriving do not move it, so a
  trickle gains nothing;
* the same deadline for a client that stops reading a response the server is writing;
* a cap on open connections: at the cap a new connection evicts the oldest one that is only
  waiting for a request head; if every one is busy with a request, the new one is answered
  503 and closed at once, so its descriptor is free again before the next accept.

The request body's own deadline is the app's (``middleware.Service``, answered 408 in JSON).

Two things here are for speed only. The head deadline's timer is armed once and re-armed
lazily: a request's head completing does not cancel it, and a timer that fires while the
connection is busy, or before the latest deadline, finds nothing to do or arms itself for
that deadline; a keep-alive connection costs a loop timer per read timeout, not two timer
operations per request. And a response's head is held (``_HeldHead``) until its body is
written, so a small answer leaves in one write: one segment, one wake-up of the client,
one system call fewer per request (uvicorn writes the head and the body apart).

The same guards sit on uvicorn's httptools protocol (``GuardedHttpToolsProtocol``), used
when httptools is installed (the ``serve`` extra brings it): it parses a request head in C,
several times faster than h11. h11 bounds a request head's size itself (16 KiB, then 400);
httptools does not, so that bound is counted here too (400 past 16 KiB, as h11), and "half a head
came" is the bytes counted since the connection began waiting. The deadline, the
stalled-reader timer and the cap are the same code for both (``_Guards``).
"""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from .app import DEFAULT_READ_TIMEOUT

__all__ = [
    "DEFAULT_MAX_CONNECTIONS",
    "FD_RESERVE",
    "LOG_INTERVAL",
    "GuardedH11Protocol",
    "GuardedHttpToolsProtocol",
    "Limits",
    "ResourceLogThrottle",
    "fd_budget",
    "install_log_guards",
    "protocol_class",
    "server_config",
]

log = logging.getLogger("beredskab.serve")

DEFAULT_MAX_CONNECTIONS = 256
FD_RESERVE = 32  # descriptors the process needs besides its connections: stdio, the listener, epoll, a plan file
LOG_INTERVAL = 10.0  # seconds: an event that can repeat per connection is logged at most once in this time
MAX_HEAD_BYTES = 16 * 1024  # h11's default, set here to say so: a larger request head is a 400


@dataclass(frozen=True)
class Limits:
    read_timeout: float = DEFAULT_READ_TIMEOUT
    max_connections: int = DEFAULT_MAX_CONNECTIONS


class _Every:
    """Counts an event and says when it may be logged again: at most once per interval."""

    def __init__(self, interval: float = LOG_INTERVAL) -> None:
        self.interval = interval
        self._last = -math.inf
        self._held = 0

    def due(self) -> str | None:
        """None if this one is held back; else what to add to its line about the ones held back."""
        now = time.monotonic()
        if now - self._last < self.interval:
            self._held += 1
            return None
        self._last = now
        held, self._held = self._held, 0
        if held:
            return f"{held} more like it since the last such line"
        return f"more like it within {self.interval:g} s are not logged"


def _raw_response(status: int, reason: str, error: str, *headers: str) -> bytes:
    # written straight to the transport: no request was parsed (or it is only half there),
    # so h11 has no request to answer; the connection is closed right after
    body = json.dumps({"error": error}).encode("ascii")
    head = [f"HTTP/1.1 {status} {reason}", "content-type: application/json", f"content-length: {len(body)}"]
    head += [*headers, "connection: close"]
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body


_OVER_CAPACITY = _raw_response(503, "Service Unavailable", "too many open connections; retry shortly", "retry-after: 1")
_timed_out = _Every()
_refused = _Every()
_evicted = _Every()


class _HeldHead:
    """A request cycle's view of the transport: the response head is held until the next write (the body).

    uvicorn's request cycles write a response's status line and headers as soon as the app
    sends ``http.response.start``, and the body apart. This holds the first write made once
    the response has started (the head) and writes it with the next (the first of the
    body); a close, or the response's end with no body written (HEAD, 304), writes it out.
    Everything else is the transport's.
    """

    __slots__ = ("_cycle", "_held", "_transport", "then")

    def __init__(self, transport: asyncio.Transport, cycle: Any) -> None:
        self._transport = transport
        self._cycle = cycle
        self._held: bytes | None = None
        self.then: Callable[[], None] | None = None  # the cycle's own "response complete" callback

    def done(self) -> None:
        """The response is complete: the head goes if it is still held, then the cycle's callback runs."""
        self.flush()
        then, self.then = self.then, None  # no reference back to the protocol once done
        if then is not None:
            then()

    def write(self, data: bytes) -> None:
        held = self._held
        if held is not None:
            self._held = None
            self._transport.write(held + data)
        elif self._cycle is not None and self._cycle.response_started:
            self._cycle = None  # the head: held once, every later write goes straight through
            self._held = bytes(data)
        else:
            self._transport.write(data)

    def flush(self) -> None:
        held = self._held
        if held is not None:
            self._held = None
            self._transport.write(held)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


if TYPE_CHECKING:
    _Base = H11Protocol  # the attributes the guards use (transport, loop, cycle) are both protocols'
else:
    _Base = object


class _Guards(_Base):
    """A deadline for each request head, the stalled-reader timer, and the cap on open connections.

    Mixed into uvicorn's protocols (h11, httptools); ``protocol_class`` makes the subclass
    that carries the limits (uvicorn creates one protocol per connection from the class it
    is given, with no room for arguments).
    """

    limits: ClassVar[Limits] = Limits()

    def __init__(
        self,
        config: uvicorn.Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.waiting_since: int | None = None  # set while the server waits for a request head (ns)
        self._head_bytes = 0  # bytes received while waiting for a request head (httptools)
        self._wait_deadline = 0.0  # loop time: when the wait for the current head ends
        self._wait_timer: asyncio.TimerHandle | None = None
        self._write_timer: asyncio.TimerHandle | None = None

    # --- the connection's life ---

    def connection_made(  # type: ignore[override]
        self, transport: asyncio.Transport
    ) -> None:
        super().connection_made(transport)
        if not self._make_room():
            held = _refused.due()
            if held is not None:
                log.warning(
                    "%d connections open (the --max-connections cap), all busy: refused a new one with 503 (%s)",
                    self.limits.max_connections,
                    held,
                )
            transport.write(_OVER_CAPACITY)
            transport.close()
            return
        self._start_waiting()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            if self.waiting_since is not None:
                self._stop_waiting()  # the head is complete: the app (and its body deadline) has it now
            if not cycle.response_started and cycle.transport is self.transport:
                held = _HeldHead(self.transport, cycle)
                cycle.transport = held  # type: ignore[assignment]
                # the response's end, with no body written (HEAD, 304): the held head goes then
                held.then = cycle.on_response
                cycle.on_response = held.done

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # a keep-alive connection waits for the next head under the same deadline; a body
        # the app never read (an early 401, 413) must also finish arriving within it
        if not self.transport.is_closing() and not self._in_request():
            self._start_waiting()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        if self._wait_timer is not None:
            self._wait_timer.cancel()
            self._wait_timer = None
        if self._write_timer is not None:
            self._write_timer.cancel()
            self._write_timer = None
        super().connection_lost(exc)

    def pause_writing(self) -> None:
        super().pause_writing()
        # the client stopped reading what we write: the same deadline, then the connection goes
        if self._write_timer is None:
            self._write_timer = self.loop.call_later(self.limits.read_timeout, self._write_stalled)

    def resume_writing(self) -> None:
        super().resume_writing()
        if self._write_timer is not None:
            self._write_timer.cancel()
            self._write_timer = None

    # --- the deadline ---

    def _in_request(self) -> bool:
        # uvicorn types ``cycle`` as always set; it is None until the first request head
        cycle = self.cycle
        return cycle is not None and not cycle.response_complete

    def _head_begun(self) -> bool:
        raise NotImplementedError

    def _start_waiting(self) -> None:
        self._head_bytes = 0
        self._stop_waiting()
        # time.monotonic_ns, not loop.time(): uvloop's clock moves once per loop iteration (ms),
        # so connections made together would tie, and the "oldest" evicted would be arbitrary
        self.waiting_since = time.monotonic_ns()
        self._wait_deadline = self.loop.time() + self.limits.read_timeout
        if self._wait_timer is None:  # else the armed timer re-arms itself for this deadline when it fires
            self._wait_timer = self.loop.call_at(self._wait_deadline, self._wait_check)

    def _stop_waiting(self) -> None:
        # the timer stays armed: when it fires it finds the connection busy (nothing to do) or
        # waiting again under a later deadline (armed for that one): see the module's docstring
        self.waiting_since = None

    def _wait_check(self) -> None:
        self._wait_timer = None
        if self.waiting_since is None:  # busy with a request: the next wait arms a timer anew
            return
        if self._wait_deadline - self.loop.time() > 0.001:  # a later wait than the one this was armed for
            self._wait_timer = self.loop.call_at(self._wait_deadline, self._wait_check)
            return
        self._wait_expired()

    def _wait_expired(self) -> None:
        self.waiting_since = None
        if self.transport.is_closing():
            return
        if self._head_begun():  # half a request head: say why it is closed
            seconds = f"{self.limits.read_timeout:g}"
            self.transport.write(_raw_response(408, "Request Timeout", f"no complete request within {seconds} s"))
            held = _timed_out.due()
            if held is not None:
                log.info("closed a connection that sent no complete request head in %s s (%s)", seconds, held)
        self.transport.close()

    def _write_stalled(self) -> None:
        self._write_timer = None
        # abort, not close: close would wait to flush the very buffer this client does not read
        self.transport.abort()

    # --- the cap ---

    def _make_room(self) -> bool:
        """Whether this new connection may stay: under the cap, or after evicting the oldest idle one."""
        if len(self.connections) <= self.limits.max_connections:  # cheap: most connections stop here
            return True
        others = [
            c for c in self.connections if isinstance(c, _Guards) and c is not self and not c.transport.is_closing()
        ]
        if len(others) < self.limits.max_connections:
            return True
        idle = [c for c in others if c.waiting_since is not None]
        if not idle:
            return False
        oldest = min(idle, key=lambda c: c.waiting_since or 0)
        oldest._stop_waiting()
        oldest.transport.close()
        held = _evicted.due()
        if held is not None:
            log.warning(
                "%d connections open (the --max-connections cap): closed the oldest idle one for a new one (%s)",
                self.limits.max_connections,
                held,
            )
        return True


class GuardedH11Protocol(_Guards, H11Protocol):
    """uvicorn's h11 protocol with the guards."""

    def _head_begun(self) -> bool:
        begun, _ = self.conn.trailing_data
        return bool(begun) and self.conn.their_state is h11.IDLE


try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    HAVE_HTTPTOOLS = True
except ImportError:  # pragma: no cover - the serve extra brings httptools
    HttpToolsProtocol = H11Protocol  # type: ignore[misc,assignment]
    HAVE_HTTPTOOLS = False


class GuardedHttpToolsProtocol(_Guards, HttpToolsProtocol):  # type: ignore[misc]
    """uvicorn's httptools protocol with the guards, and a bound on a request head's size (httptools has none)."""

    _head_bytes = 0

    def _head_begun(self) -> bool:
        return self._head_bytes > 0

    def data_received(self, data: bytes) -> None:
        cycle = self.cycle
        # bytes of a next request head: not in a request, and the last one's body is all in
        waiting = cycle is None or (cycle.response_complete and not cycle.more_body)
        if waiting:
            self._head_bytes += len(data)
        super().data_received(data)
        if waiting and self._head_bytes > MAX_HEAD_BYTES and not self._in_request() and not self.transport.is_closing():
            self._stop_waiting()
            self.transport.write(_raw_response(400, "Bad Request", f"a request head is at most {MAX_HEAD_BYTES} bytes"))
            self.transport.close()


def _have_uvloop() -> bool:
    try:
        import uvloop  # noqa: F401
    except ImportError:  # pragma: no cover - the serve extra brings uvloop (not on Windows)
        return False
    return True


def protocol_class(limits: Limits, http: str = "h11") -> type[_Guards]:
    """A guarded protocol class (``h11`` or ``httptools``) holding ``limits``, for ``uvicorn.Config(http=...)``."""
    base: type[_Guards] = GuardedHttpToolsProtocol if http == "httptools" else GuardedH11Protocol

    class Guarded(base):  # type: ignore[valid-type,misc]
        pass

    Guarded.limits = limits
    return Guarded


def set_worker_limits(limits: Limits) -> None:
    """In a worker process: the limits every guarded protocol class there holds (workers get the classes by name)."""
    _Guards.limits = limits


def choose_http(http: str) -> str:
    """``auto``: httptools when installed, else h11."""
    if http == "auto":
        return "httptools" if HAVE_HTTPTOOLS else "h11"
    return http


def server_config(
    app: Any,
    *,
    host: str,
    port: int,
    log_level: str,
    log_config: dict[str, Any] | None,
    limits: Limits,
    http: str = "h11",
    loop: str = "asyncio",
    workers: int = 1,
) -> uvicorn.Config:
    """The uvicorn configuration of ``beredskab serve``: a guarded protocol, no uvicorn access log.

    ``http``: ``h11``, ``httptools`` or ``auto``; ``loop``: ``asyncio``, ``uvloop`` or ``auto``
    (uvloop when installed). ``workers`` over 1: ``app`` is the import string of a factory
    (``beredskab.serve.workers:app_from_env``) and the protocol class is passed by name, its
    limits set in each worker by that factory.
    """
    http = choose_http(http)
    if loop == "auto":
        loop = "uvloop" if _have_uvloop() else "asyncio"
    protocol: type[_Guards]
    if workers > 1:
        protocol = GuardedHttpToolsProtocol if http == "httptools" else GuardedH11Protocol
    else:
        protocol = protocol_class(limits, http)
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        log_config=log_config,
        http=protocol,
        loop=loop,
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        # uvicorn's access line carries the path and query as sent; the app logs its own (AccessLog)
        access_log=False,
        workers=workers,
        factory=workers > 1,
        lifespan="off",
    )


# --- logging under exhaustion --------------------------------------------------------------

_EXHAUSTED = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})


class ResourceLogThrottle(logging.Filter):
    """Lets one "out of system resource" record through per interval, without its traceback.

    When accept() fails with EMFILE, asyncio (3.11, 3.12) logs the error with a traceback
    and keeps looping: once per pending connection, up to the listen backlog (2048), and
    again each time it retries. Measured: 9 MB of identical tracebacks in 4 s. The
    condition is worth one line per interval, saying how many were held back.
    """

    def __init__(self, interval: float = LOG_INTERVAL) -> None:
        super().__init__()
        self._every = _Every(interval)

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if not (isinstance(exc, OSError) and exc.errno in _EXHAUSTED):
            return True
        held = self._every.due()
        if held is None:
            return False
        what = record.getMessage().split("\n", 1)[0]  # asyncio's first line; the rest names the socket
        code = exc.errno or 0
        record.msg = "%s: %s (errno %d); new connections wait (%s)"
        record.args = (what, os.strerror(code), code, held)
        record.exc_info = None
        record.exc_text = None
        return True


_THROTTLE = ResourceLogThrottle()


def install_log_guards() -> None:
    """Throttle the loggers that report resource exhaustion (asyncio's accept errors, uvicorn's own)."""
    for name in ("asyncio", "uvicorn.error"):
        logger = logging.getLogger(name)
        if _THROTTLE not in logger.filters:
            logger.addFilter(_THROTTLE)


def fd_budget(max_connections: int) -> tuple[int, str | None]:
    """The connection cap the open-file limit allows, raising the soft limit if it can; a warning if lowered.

    Each connection is a file descriptor: a cap above the limit would end in EMFILE on
    accept, which locks every client out while it lasts.
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX: no limit to read
        return max_connections, None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = max_connections + FD_RESERVE
    if soft != resource.RLIM_INFINITY and soft < need:
        target = need if hard == resource.RLIM_INFINITY else min(need, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY or soft >= need:
        return max_connections, None
    cap = max(1, soft - FD_RESERVE)
    return cap, (
        f"the open-file limit ({soft}) leaves room for {cap} connections, not {max_connections}: "
        f"serving at most {cap} (raise it with ulimit -n)"
    )
