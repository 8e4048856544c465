"""The ASGI layer around the endpoints: request ids, the access log, metrics, and the guards on how a request arrives.

One layer (``Service``), not one per concern: each ASGI layer costs a coroutine, a wrapped
``send`` and a wrapped ``receive`` per request, and at a few thousand requests a second
five of them cost more than the routing. It sits between Starlette's outermost error
middleware and its routing, so it sees every request, routed or not; a POST to a routing
endpoint it hands straight to the endpoint's answer, past the router (``hot``, see
``serve/app.py``). The connection-level guards (a request head that never completes, the
connection cap) are the server's: ``serve/server.py``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import traceback
from collections.abc import Callable, Sequence
from random import getrandbits
from typing import Any

from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .observe import Metrics, request_id_var, valid_request_id

__all__ = ["ACCESS_LOGGER", "BodyTimeout", "Service", "log_internal"]

ACCESS_LOGGER = "beredskab.serve.access"
access_log = logging.getLogger(ACCESS_LOGGER)
log = logging.getLogger("beredskab.serve")

# a method is whatever token the client put first on its request line (h11 allows any
# token), so only these are logged by name; any other is logged as OTHER
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT"})
_VERSIONS = frozenset({"1.0", "1.1", "2"})
_RID = b"x-request-id"


def _json_answer(status: int, payload: dict[str, Any], *headers: tuple[bytes, bytes]) -> tuple[Message, Message]:
    """The two ASGI messages of a JSON answer, encoded once (as Starlette's JSONResponse encodes)."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    head = [(b"content-length", str(len(body)).encode("ascii")), (b"content-type", b"application/json"), *headers]
    return {"type": "http.response.start", "status": status, "headers": head}, {
        "type": "http.response.body",
        "body": body,
    }


_FRAMED_TWICE = _json_answer(
    400,
    {"error": "a request may carry content-length or transfer-encoding, not both"},
    (b"connection", b"close"),
)
_INTERNAL = _json_answer(500, {"error": "internal error"})


def log_internal(exc: BaseException, where: str) -> None:
    """An internal error: its type and frames, never str(exc) (a message may quote the data being handled)."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("internal error (%s) in %s\n%s", type(exc).__name__, where, frames.rstrip())


class BodyTimeout(Exception):
    """The request body did not arrive within the read timeout: raised from ``receive``,
    answered 408 by the app's handler (and the connection closed)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def _ready_probe(receive: Receive) -> Callable[[], bool] | None:
    """For uvicorn's ``receive`` (a request cycle's bound method): whether a call returns at once.

    Its cycle sets ``message_event`` as soon as body bytes (or the end of the body, or a
    disconnect) are there, and ``receive`` only waits on that event. Nearly every request
    body has arrived with its head, so nearly every read needs no timer at all. Any other
    ``receive`` (a test client's) has no probe: every read of it is timed.
    """
    event = getattr(getattr(receive, "__self__", None), "message_event", None)
    return event.is_set if isinstance(event, asyncio.Event) else None


class Service:
    """The service's one ASGI layer: in a single pass per request it

    * sets the request id (the caller's ``X-Request-ID`` when sane, else a random one) for
      the request's task (every log line carries it) and adds it to the response;
    * looks whether another worker reloaded the plans (``PlanStore.follow``, a stat at most
      once a second), when there are workers;
    * refuses a request framed two ways: Content-Length and Transfer-Encoding on one
      request. h11 reads the body as chunked, and a proxy in front that reads
      Content-Length would see another request boundary, so a second request could be
      smuggled past it. RFC 9112 6.3 lets a server refuse such a request; this one does
      (400, connection closed) before any endpoint sees it;
    * bounds the time a request body may take to arrive. uvicorn bounds only the idle time
      between requests (keep-alive), never a body that stops half way, so the endpoint's
      reads would wait forever. Every ``receive`` until the body's last chunk has one
      deadline, ``read_timeout`` from the moment the request head was complete; past it
      ``BodyTimeout`` is raised into the endpoint, and the app answers 408 through its
      normal path (logged, JSON, the connection closed). A read that returns at once (the
      body came with the head: nearly always) arms no timer; one that may wait runs under
      ``asyncio.timeout_at`` (one loop timer);
    * turns any exception past the handlers into a bare 500 JSON, logged without its
      message (Starlette's outermost error middleware would re-raise after answering, so
      the server would log the exception with its message); with ``catch_errors`` off
      (CORS on: the app puts the same guard inside CORS) it is left to that one;
    * hands a request that ``hot`` (the app's ``_HotRoutes``) claims to the app it gives,
      past Starlette's router and exception middleware: the routing endpoints, nearly all
      the traffic (with CORS on, the guard inside CORS does this instead);
    * writes the access log line and counts the request in the metrics: method, the
      route's template, HTTP version, status, milliseconds. Never the path as sent, never
      the query string, never the client's address: a path carries whatever the caller
      typed (``/plans/<a name>/route?cpr=...``), and the address may come from a forwarded
      header. An unknown slug is logged as ``/plans/{slug}/route``.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        routes: Sequence[BaseRoute],
        read_timeout: float,
        metrics: Metrics | None = None,
        follow: Callable[[], None] | None = None,
        catch_errors: bool = True,
        hot: Callable[[Scope], ASGIApp | None] | None = None,
    ) -> None:
        self.app = app
        self.hot = hot
        self.routes = routes
        self.read_timeout = read_timeout
        self.metrics = metrics
        self.follow = follow
        self.catch_errors = catch_errors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        sent_id: bytes | None = None
        ids = 0
        framing = 0  # 1: content-length, 2: transfer-encoding (3: both)
        for name, value in scope["headers"]:
            if name == _RID:
                sent_id, ids = value, ids + 1
            else:
                lowered = name.lower()
                if lowered == b"content-length":
                    framing |= 1
                elif lowered == b"transfer-encoding":
                    framing |= 2
        if ids == 1 and sent_id is not None and valid_request_id(sent_id):
            rid = sent_id.decode("ascii")
        else:
            rid = f"{getrandbits(128):032x}"
        state = scope.get("state")
        if state is None:
            scope["state"] = {"request_id": rid}
        else:
            state["request_id"] = rid
        token = request_id_var.set(rid)
        id_header = (_RID, rid.encode("ascii"))
        status: int | None = None

        async def tracked(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = message.get("headers") or ()
                kept = [h for h in headers if h[0].lower() != _RID]
                kept.append(id_header)
                message["headers"] = kept
            await send(message)

        try:
            if self.follow is not None:
                self.follow()
            if framing == 3:
                start, body = _FRAMED_TWICE
                await tracked(dict(start))
                await send(body)
                return
            app = self.app
            if self.hot is not None:
                app = self.hot(scope) or app
            try:
                await app(scope, self._bounded(receive, started), tracked)
            except Exception as exc:
                if not self.catch_errors:
                    raise
                log_internal(exc, str(getattr(scope.get("endpoint"), "__name__", "the app")))
                if status is None:
                    start, body = _INTERNAL
                    await tracked(dict(start))
                    await send(body)
        finally:
            try:
                self._observe(scope, status, time.perf_counter() - started)
            finally:
                request_id_var.reset(token)

    def _bounded(self, receive: Receive, started: float) -> Receive:
        """``receive`` under the body's deadline (``read_timeout`` from ``started``, a ``perf_counter``
        time), until the body's last chunk is in."""
        seconds = self.read_timeout
        complete = False

        async def bounded() -> Message:
            nonlocal complete
            if complete:  # the body is in: later reads wait for a disconnect, unbounded
                return await receive()
            ready = _ready_probe(receive)
            if ready is not None and ready():
                message = await receive()  # returns at once: nothing to bound
            else:
                # the deadline on the loop's clock, worked out only when a read may wait (rarely)
                loop = asyncio.get_running_loop()
                deadline = loop.time() + seconds - (time.perf_counter() - started)
                try:
                    async with asyncio.timeout_at(deadline):
                        message = await receive()
                except TimeoutError:
                    raise BodyTimeout(seconds) from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                complete = True
            return message

        return bounded

    def _observe(self, scope: Scope, status: int | None, took: float) -> None:
        logged = access_log.isEnabledFor(logging.INFO)
        if not logged and self.metrics is None:
            return
        method = scope["method"] if scope["method"] in _METHODS else "OTHER"
        template = self._template(scope)
        if self.metrics is not None:
            self.metrics.observe(template, method, status, took)
        if logged:
            version = scope["http_version"] if scope["http_version"] in _VERSIONS else "?"
            access_log.info(
                '"%s %s HTTP/%s" %s %.1fms',
                method,
                template,
                version,
                status if status is not None else "-",
                took * 1000,
            )

    def _template(self, scope: Scope) -> str:
        # Starlette's router leaves the route it chose in the scope; a request refused
        # before routing (framed twice) is matched here, only to name its template
        path = getattr(scope.get("route"), "path", None)
        if isinstance(path, str):
            return path
        for route in self.routes:
            match, _ = route.matches(scope)
            path = getattr(route, "path", None)
            if match is not Match.NONE and isinstance(path, str):
                return path
        return "<no route>"
