"""The ASGI layers around the endpoints: the access log, and the guards on how a request arrives.

They sit between uvicorn and Starlette's routing, so they see every request, routed or not.
The connection-level guards (a request head that never completes, the connection cap) are
the server's: ``serve/server.py``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import anyio
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .observe import Metrics, observe_request

__all__ = ["ACCESS_LOGGER", "AccessLog", "BodyTimeout", "RequestGuard"]

ACCESS_LOGGER = "beredskab.serve.access"
access_log = logging.getLogger(ACCESS_LOGGER)

# a method is whatever token the client put first on its request line (h11 allows any
# token), so only these are logged by name; any other is logged as OTHER
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT"})
_VERSIONS = frozenset({"1.0", "1.1", "2"})


class BodyTimeout(Exception):
    """The request body did not arrive within the read timeout: raised from ``receive``,
    answered 408 by the app's handler (and the connection closed)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


class RequestGuard:
    """Refuses a request framed two ways, and bounds the time a request body may take to arrive.

    Content-Length and Transfer-Encoding on one request: h11 reads the body as chunked,
    and a proxy in front that reads Content-Length would see another request boundary,
    so a second request could be smuggled past it. RFC 9112 6.3 lets a server refuse
    such a request; this one does (400, connection closed) before any endpoint sees it.

    The body: uvicorn bounds only the idle time between requests (keep-alive), never a
    body that stops half way, so the endpoint's reads would wait forever. Here every
    ``receive`` until the body's last chunk runs under one deadline (``anyio.fail_after``)
    from the moment the request head was complete; past it ``BodyTimeout`` is raised into
    the endpoint, and the app answers 408 through its normal path (logged, JSON, the
    connection closed), which a timer on the connection could not do as cleanly.
    """

    def __init__(self, app: ASGIApp, read_timeout: float) -> None:
        self.app = app
        self.read_timeout = read_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        names = {name.lower() for name, _ in scope["headers"]}
        if b"transfer-encoding" in names and b"content-length" in names:
            refusal = {"error": "a request may carry content-length or transfer-encoding, not both"}
            await JSONResponse(refusal, status_code=400, headers={"connection": "close"})(scope, receive, send)
            return
        deadline = anyio.current_time() + self.read_timeout
        complete = False

        async def bounded() -> Message:
            nonlocal complete
            if complete:  # the body is in: later reads wait for a disconnect, unbounded
                return await receive()
            try:
                with anyio.fail_after(max(deadline - anyio.current_time(), 0.0)):
                    message = await receive()
            except TimeoutError:
                raise BodyTimeout(self.read_timeout) from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                complete = True
            return message

        await self.app(scope, bounded, send)


class AccessLog:
    """One line per request: method, the route's template, HTTP version, status, milliseconds.

    Never the path as sent, never the query string, never the client's address: a path
    carries whatever the caller typed (``/plans/<a name>/route?cpr=...``), and the address
    may come from a forwarded header. An unknown slug is logged as ``/plans/{slug}/route``.
    """

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute], metrics: Metrics | None = None) -> None:
        self.app = app
        self.routes = routes
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: int | None = None

        async def tracked(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        finally:
            logged = access_log.isEnabledFor(logging.INFO)
            if logged or self.metrics is not None:
                method = scope["method"] if scope["method"] in _METHODS else "OTHER"
                template = self._template(scope)
                took = time.perf_counter() - started
                if self.metrics is not None:
                    observe_request(self.metrics, template, method, status, took)
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
        # before routing (RequestGuard) is matched here, only to name its template
        path = getattr(scope.get("route"), "path", None)
        if isinstance(path, str):
            return path
        for route in self.routes:
            match, _ = route.matches(scope)
            path = getattr(route, "path", None)
            if match is not Match.NONE and isinstance(path, str):
                return path
        return "<no route>"
