"""The Starlette app: a store of checked plans loaded once, and the HTTP endpoints that route concerns through them.

Routing stays on the event loop thread: it is CPU-bound and fast (~100 µs), so a thread
pool would only add hand-over cost, and durable-rules keeps its rulesets in process-wide C
tables (``routing/_engine.py``), so one thread creating rulesets (a reload) while another
fires them is a mix this service never needs to risk. A reload therefore runs on the loop
too: requests wait for it (about 0.1 s for five plans) and never see half a set of plans.

Nothing a caller sent is ever written into a response or a log line: concern errors name
fields (``ConcernError`` never echoes values), JSON errors name line and column, an
internal error answers a bare 500 and logs only the exception's type and frames, and the
access log names the route's template (``/plans/{slug}/route``), never the path as sent.

The two routing endpoints are nearly all the traffic, and at a few thousand requests a
second the layers around them cost as much as the routing. So a POST to one of them goes a
shorter way (``_HotRoutes``): the service's ASGI layer (``serve/middleware.py``) finds it
with the router's own path patterns and hands it straight to the endpoint's answer, past
Starlette's router, its Request and its exception middleware, and the answer is the very
one the Starlette endpoint gives (the same functions make both; ``tests/test_serve_hot.py``
holds the two ways to byte-identical answers).

Routing needs no credentials (the service belongs behind a proxy that authenticates); the
admin endpoint needs the operator's token (``serve/admin.py``) and is off without one. How
long a request may take to arrive is bounded here for the body (``serve/middleware.py``)
and by the server for the head and the number of connections (``serve/server.py``).
"""

from __future__ import annotations

import gc
import json
import logging
import math
import os
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import anyio
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema
from starlette.applications import Starlette
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import Concern, ConcernError, Decision, Plan, PlanError, Problem, __version__
from .._errors import suggest
from .._i18n import DEFAULT_LANG, LANGS
from ..loader import display_path, load_plan_set
from ..routing.concern import MAX_EVENT_BYTES, MAX_EVENT_DEPTH, parse_concern, read_event_json
from .admin import ADMIN_TOKEN_ENV, bearer_check, token_digest
from .middleware import BodyTimeout, Service, log_internal
from .observe import DecisionLog, Metrics, digests, utc_iso

__all__ = [
    "API_PREFIX",
    "DEFAULT_READ_TIMEOUT",
    "MAX_ADMIN_BYTES",
    "MAX_BATCH",
    "MAX_BATCH_BYTES",
    "MAX_ROUTE_BYTES",
    "RELOAD_INTERVAL",
    "PlanStore",
    "create_app",
    "openapi",
    "store_of",
]

log = logging.getLogger("beredskab.serve")

MAX_ROUTE_BYTES = MAX_EVENT_BYTES  # 64 KiB: the bound ``read_event_json`` holds every event to
MAX_BATCH = 1000
# a concern with every field set is about 400 bytes; 1 KiB each leaves room for whitespace
MAX_BATCH_BYTES = MAX_BATCH * 1024
_YIELD_EVERY = 50  # a batch lets other requests in between slices of this many concerns
DEFAULT_READ_TIMEOUT = 10.0  # seconds a client has for a request head, and again for its body
MAX_ADMIN_BYTES = 1024  # an admin request's body is not used; it only has to be JSON (see reload)
# A reload holds the event loop (~0.1 s for five plans, all requests wait), so reloads over
# HTTP are spaced: at least this many seconds, and nine times the last reload's own time,
# from the end of one to the start of the next; routing keeps 90% of the loop however
# often a reload is asked for. SIGHUP is not spaced: the operator owns the process.
RELOAD_INTERVAL = 1.0
_RELOAD_SPACING = 9
EPOCH_CHECK_INTERVAL = 1.0  # seconds: how often a worker looks whether another one reloaded
API_PREFIX = "/v1"  # every endpoint is served under it; the unprefixed paths are aliases (same handlers)
_WHERE = "request body"


# --- the plans ---------------------------------------------------------------------------


class PlanStore:
    """The plans being served, loaded from files and folders at start and again only when asked.

    ``reload`` swaps the whole set at once or not at all: a set with any problem raises
    PlanError and the previous plans stay in service.

    With several workers (``beredskab serve --workers N``) each process holds a store;
    ``epoch_file`` is a file they share: a worker whose reload succeeds rewrites it, and
    every worker looks at its mtime at most once a second, as a request comes in
    (``follow``), reloading when another worker has. No locks, no messages between them.
    """

    def __init__(
        self, paths: Sequence[str | Path], *, epoch_file: str | Path | None = None, metrics: Metrics | None = None
    ) -> None:
        self.paths = [Path(p) for p in paths]
        self.epoch_file = Path(epoch_file) if epoch_file is not None else None
        self.metrics = metrics
        self._plans: dict[str, Plan] = self._load()
        self.reloaded_at: float | None = None  # time.monotonic() at the end of the last reload tried
        self.reload_seconds = 0.0  # how long it took
        # the last reload tried, for /readyz: {"outcome": "ok"|"failed", "at": UTC ISO time, "trigger": ...}
        self.last_reload: dict[str, Any] | None = None
        self._epoch_seen = self._epoch()
        self._epoch_checked = time.monotonic()

    @property
    def plans(self) -> Mapping[str, Plan]:
        return self._plans

    def reload(self, trigger: str = "http") -> Mapping[str, Plan]:
        """Load every plan again and serve the new set; PlanError (and the old set kept) otherwise."""
        started = time.monotonic()
        if self.metrics is not None:
            self.metrics.reloads.inc()
        try:
            plans = self._load()
        except PlanError:
            self.last_reload = {"outcome": "failed", "at": utc_iso(), "trigger": trigger}
            if self.metrics is not None:
                self.metrics.reload_failures.inc()
            raise
        finally:  # a failed reload cost the loop as much: it counts for the spacing too
            self.reloaded_at = time.monotonic()
            self.reload_seconds = self.reloaded_at - started
        self._plans = plans  # one assignment: a request sees the old set or the new one
        self.last_reload = {"outcome": "ok", "at": utc_iso(), "trigger": trigger}
        if trigger != "epoch":
            self._bump_epoch()
        # the old set holds reference cycles (plans, compiled rules, engines), so without a
        # full collection 2-4 old sets wait for the collector at any time (~25 MB over 1,000
        # reloads instead of ~12 MB); their engines free the C state when collected
        gc.collect()
        log.info("reloaded %d plan(s): %s", len(plans), digests(plans))
        return plans

    def reload_logged(self, trigger: str = "signal") -> None:
        """``reload`` for a signal handler: a failure is logged, never raised into the event loop."""
        try:
            self.reload(trigger)
        except PlanError as exc:
            log.error("reload failed; still serving the previous plans:\n%s", exc)

    # --- workers: the shared reload epoch ---

    def _epoch(self) -> int | None:
        if self.epoch_file is None:
            return None
        try:
            return os.stat(self.epoch_file).st_mtime_ns
        except OSError:
            return None

    def _bump_epoch(self) -> None:
        if self.epoch_file is None:
            return
        try:
            # a new mtime (and content, should two bumps share a timestamp tick)
            self.epoch_file.write_text(f"{time.time_ns()} {os.getpid()}\n", encoding="ascii")
        except OSError as exc:
            log.error("could not tell the other workers of the reload: %s", os.strerror(exc.errno or 0))
        self._epoch_seen = self._epoch()

    def follow(self) -> None:
        """Reload if another worker has since this one last looked; looks at most once per EPOCH_CHECK_INTERVAL."""
        if self.epoch_file is None:
            return
        now = time.monotonic()
        if now - self._epoch_checked < EPOCH_CHECK_INTERVAL:
            return
        self._epoch_checked = now
        epoch = self._epoch()
        if epoch == self._epoch_seen:
            return
        self._epoch_seen = epoch
        log.info("another worker reloaded the plans; reloading")
        self.reload_logged("epoch")

    def reload_wait(self, interval: float) -> float:
        """Seconds until an HTTP reload may run again (0 if it may now); see RELOAD_INTERVAL. 0 turns spacing off."""
        if self.reloaded_at is None or interval <= 0:
            return 0.0
        gap = max(interval, _RELOAD_SPACING * self.reload_seconds)
        return max(0.0, self.reloaded_at + gap - time.monotonic())

    def _load(self) -> dict[str, Plan]:
        # one set over all the paths given (not load_plans per folder): a slug used twice is
        # caught across folders too
        if not self.paths:
            raise PlanError([Problem.of("BK000", file="<serve>", message="no plan files or folders given")])
        plans = load_plan_set(self.paths)
        if not plans:
            shown = ", ".join(display_path(p) for p in self.paths)
            raise PlanError([Problem.of("BK000", file=shown, message="no plan files found")])
        return plans


# --- the shapes of requests and responses (the OpenAPI document is generated from these) ---


class ConcernProblem(BaseModel):
    """One bad field of a concern, named; the value sent is never shown."""

    field: str = Field(description="dotted field name, e.g. age or findings.consent")
    message: str
    suggestion: str | None = Field(default=None, description="the closest allowed name or value, if any")


class InvalidConcern(BaseModel):
    """A concern (or a request body) that cannot be routed, with every bad field."""

    error: str
    problems: list[ConcernProblem]


class PlanProblem(BaseModel):
    """One problem of a plan file, positioned."""

    file: str
    line: int
    col: int
    code: str = Field(description="stable problem code, e.g. BK101 (see docs/checks.md)")
    message: str


class ReloadFailed(BaseModel):
    """A reload that found problems; the previous plans are still served."""

    error: str
    problems: list[PlanProblem]


class PlanDigest(BaseModel):
    slug: str
    digest: str


class Reloaded(BaseModel):
    status: Literal["reloaded"]
    plans: list[PlanDigest]


class UnknownPlan(BaseModel):
    error: str
    suggestion: str | None = Field(default=None, description="the closest slug served, if any")
    plans: list[str] = Field(description="the slugs served")


class Error(BaseModel):
    error: str


class PlanSummary(BaseModel):
    slug: str
    name: str = Field(description="the municipality")
    title: str = Field(description="the plan document's title")
    revised: str | None = Field(description="YYYY, YYYY-MM or YYYY-MM-DD")
    next_revision_due: str | None = Field(description="YYYY, YYYY-MM or YYYY-MM-DD")
    digest: str = Field(description="sha256:<hex> of the plan's content; every Decision carries it as plan_digest")


class Health(BaseModel):
    status: Literal["ok"]
    plans: int


class LastReload(BaseModel):
    outcome: Literal["ok", "failed"]
    at: str = Field(description="when it ended, UTC, ISO 8601")
    trigger: Literal["http", "signal", "epoch"] = Field(
        description="POST /admin/reload, SIGHUP, or another worker's reload (--workers)"
    )


class Readiness(BaseModel):
    status: Literal["ready", "unready"]
    plans: int = Field(description="how many plans are served")
    last_reload: LastReload | None = Field(description="the last reload tried in this process; null: none since start")


class BatchRequest(BaseModel):
    """At most MAX_BATCH concerns. Each item is checked as a Concern on its own: one that is not a
    Concern (any JSON value) gets its own error result in the 200 answer, and the others are routed."""

    model_config = ConfigDict(extra="forbid")

    concerns: list[Any] = Field(
        max_length=MAX_BATCH,
        description="each item a Concern (see the Concern schema); an item that is not one is answered by a "
        "BatchFailure in its place",
    )


class BatchDecision(BaseModel):
    decision: Decision


class BatchFailure(BaseModel):
    error: str
    problems: list[ConcernProblem]


class BatchResponse(BaseModel):
    """One result per concern, in the order sent; a bad concern does not stop the others."""

    results: list[BatchDecision | BatchFailure]


_REQUESTS: tuple[type[BaseModel], ...] = (Concern, BatchRequest)
_RESPONSES: tuple[type[BaseModel], ...] = (
    Decision,
    BatchResponse,
    InvalidConcern,
    UnknownPlan,
    Error,
    PlanSummary,
    Health,
    Readiness,
    Reloaded,
    ReloadFailed,
)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json_body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def openapi() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the service, its schemas generated from the pydantic models it speaks."""
    _, defs = models_json_schema(
        [(m, "validation") for m in _REQUESTS] + [(m, "serialization") for m in _RESPONSES],
        ref_template="#/components/schemas/{model}",
    )
    schemas: dict[str, Any] = defs.get("$defs", {})
    # what the service does with a batch item: a Concern is routed, anything else answered by its own error
    schemas["BatchRequest"]["properties"]["concerns"]["items"] = {"anyOf": [_ref("Concern"), {}]}
    slug = {
        "name": "slug",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": "^[a-z][a-z0-9_-]*$"},
        "description": "the plan's municipality.slug, e.g. koege",
    }
    error = _ref("Error")
    unknown = _json_body(_ref("UnknownPlan"), "no plan with this slug (with a did-you-mean)")
    internal = _json_body(error, "internal error (no details)")
    body_errors = {
        "400": _json_body(_ref("InvalidConcern"), "the body is not JSON (line and column named) or not UTF-8"),
        "404": unknown,
        "408": _json_body(error, "the body did not arrive within the read timeout (the connection is closed)"),
        "413": _json_body(error, "the body is too large"),
        "415": _json_body(error, "the body is not application/json"),
        "500": internal,
    }
    lang = {
        "name": "lang",
        "in": "query",
        "required": False,
        "description": "language of the Decision's explanation and assumptions (default da), and, when given, "
        "of the messages of a refused concern (English without it); ids, keys and error codes never change",
        "schema": {"type": "string", "enum": list(LANGS), "default": DEFAULT_LANG},
    }
    paths: dict[str, Any] = {
        "/plans/{slug}/route": {
            "post": {
                "operationId": "route",
                "summary": "Route one concern: who acts next, how to reach them, by when, and why",
                "parameters": [slug, lang],
                "requestBody": {
                    "required": True,
                    "description": f"a Concern, at most {MAX_ROUTE_BYTES} bytes",
                    "content": {"application/json": {"schema": _ref("Concern")}},
                },
                "responses": {
                    "200": _json_body(_ref("Decision"), "the decision"),
                    **body_errors,
                    "422": _json_body(
                        _ref("InvalidConcern"),
                        "the concern is invalid: every bad field named. Besides what the Concern schema says, "
                        "a step the plan does not have is refused here: step ids are each plan's own (an action's "
                        "step in a Decision of the same plan is always one)",
                    ),
                },
            }
        },
        "/plans/{slug}/route:batch": {
            "post": {
                "operationId": "routeBatch",
                "summary": f"Route up to {MAX_BATCH} concerns; one result each, in order",
                "parameters": [slug, lang],
                "requestBody": {
                    "required": True,
                    "description": f"at most {MAX_BATCH} concerns and {MAX_BATCH_BYTES} bytes",
                    "content": {"application/json": {"schema": _ref("BatchRequest")}},
                },
                "responses": {
                    "200": _json_body(_ref("BatchResponse"), "a decision or the problems, per concern, in order"),
                    **body_errors,
                    "422": _json_body(
                        _ref("InvalidConcern"),
                        'the body is not an object with exactly one field, "concerns", a list of at most '
                        f"{MAX_BATCH} items (a bad item is answered in its place, with 200)",
                    ),
                },
            }
        },
        "/plans": {
            "get": {
                "operationId": "listPlans",
                "summary": "The plans served",
                "responses": {
                    "200": _json_body({"type": "array", "items": _ref("PlanSummary")}, "one entry per plan"),
                    "500": internal,
                },
            }
        },
        "/plans/{slug}": {
            "get": {
                "operationId": "getPlan",
                "summary": "One plan served",
                "parameters": [slug],
                "responses": {"200": _json_body(_ref("PlanSummary"), "the plan"), "404": unknown, "500": internal},
            }
        },
        "/healthz": {
            "get": {
                "operationId": "health",
                "summary": "Liveness, and how many plans are served",
                "responses": {"200": _json_body(_ref("Health"), "serving")},
            }
        },
        "/readyz": {
            "get": {
                "operationId": "ready",
                "summary": "Readiness: plans are loaded; and the outcome and time of the last reload",
                "description": "A failed reload keeps the previous plans in service, so it leaves the service ready; "
                "last_reload says it failed.",
                "responses": {
                    "200": _json_body(_ref("Readiness"), "plans are loaded and served"),
                    "503": _json_body(_ref("Readiness"), "no plans are loaded"),
                },
            }
        },
        "/metrics": {
            "get": {
                "operationId": "metrics",
                "summary": "Prometheus metrics (text exposition format); with --workers, all workers'",
                "responses": {
                    "200": {
                        "description": "requests by route template and status, latency, decisions by plan and "
                        "deciding rule, reloads and reload failures",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
        "/admin/reload": {
            "post": {
                "operationId": "reload",
                "summary": "Load every plan again; on any problem keep serving the previous plans",
                "description": f"Needs the operator's admin token (--admin-token-file or {ADMIN_TOKEN_ENV}) "
                f"as a bearer token; disabled (403) without one. Spaced: at least {RELOAD_INTERVAL:g} s between "
                "reloads, 429 with Retry-After before that.",
                "security": [{"adminToken": []}],
                "requestBody": {
                    "required": False,
                    "description": f"not used; if sent, JSON of at most {MAX_ADMIN_BYTES} bytes",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "responses": {
                    "200": _json_body(_ref("Reloaded"), "the new plans are served"),
                    "401": _json_body(error, "no bearer token, or not the admin token (WWW-Authenticate: Bearer)"),
                    "403": _json_body(error, "the admin endpoint is disabled: no admin token was set"),
                    "409": _json_body(_ref("ReloadFailed"), "the plans have problems; the previous ones are served"),
                    "413": _json_body(error, "the body is too large"),
                    "415": _json_body(error, "the request is not application/json"),
                    "429": _json_body(error, "a reload ran moments ago; retry after Retry-After seconds"),
                    "500": internal,
                },
            }
        },
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "responses": {"200": _json_body({"type": "object"}, "the OpenAPI 3.1 document")},
            }
        },
    }
    # every endpoint under /v1; today's paths stay, as aliases served by the same handlers (and
    # keep their operationIds, so a client generated from an older document keeps its names)
    versioned: dict[str, Any] = {}
    for path, methods in paths.items():
        versioned[API_PREFIX + path] = {
            method: {
                **operation,
                "operationId": "v1" + operation["operationId"][0].upper() + operation["operationId"][1:],
            }
            for method, operation in methods.items()
        }
    for path, methods in paths.items():
        versioned[path] = {
            method: {
                **operation,
                "description": (
                    f"An alias of {API_PREFIX}{path}: the same handler, the same answers. "
                    + operation.get("description", "")
                ).strip(),
            }
            for method, operation in methods.items()
        }
    paths = versioned
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "beredskab",
            "version": __version__,
            "description": "Routes concerns about radicalisation and extremism through Danish municipal readiness "
            "plans. Concerns carry facts only; no response ever repeats a value sent.",
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"adminToken": {"type": "http", "scheme": "bearer"}},
        },
    }


# --- refusing a request ------------------------------------------------------------------


class _Refusal(Exception):
    """An answer other than 200, raised from the helpers and turned into JSON by one handler."""

    def __init__(self, status: int, payload: dict[str, Any], headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.payload = payload
        self.headers = headers


def _problems_of(exc: ConcernError, lang: str = "en") -> list[dict[str, Any]]:
    return [{"field": p.field, "message": p.text(lang), "suggestion": p.suggestion} for p in exc.problems]


def _invalid(exc: ConcernError, error: str = "invalid concern", lang: str = "en") -> dict[str, Any]:
    """The JSON of a refused concern; ``lang`` is the language of its messages only (keys and codes stay)."""
    return {"error": error, "problems": _problems_of(exc, lang)}


def _plan_problems(exc: PlanError) -> list[dict[str, Any]]:
    return [{"file": p.file, "line": p.line, "col": p.col, "code": p.code, "message": p.message} for p in exc.problems]


def _is_json(media_type: bytes) -> bool:
    if media_type == b"application/json":  # what nearly every client sends: no need to take it apart
        return True
    media = media_type.split(b";", 1)[0].strip().lower()
    return media == b"application/json" or (media.startswith(b"application/") and media.endswith(b"+json"))


async def _read_body(scope: Scope, receive: Receive, limit: int) -> bytes:
    """The JSON body, at most ``limit`` bytes (413 as soon as it is known to be longer, 415 if not JSON)."""
    # the raw headers, once over: what Request.headers would give (the first of each name)
    media: bytes | None = None
    declared: bytes | None = None
    for name, value in scope["headers"]:
        if name == b"content-type":
            if media is None:
                media = value
        elif name == b"content-length" and declared is None:
            declared = value
    if not _is_json(media or b""):
        raise _Refusal(415, {"error": "the body must be JSON (content-type: application/json)"})
    if declared is not None:
        if not declared.isdigit():
            raise _Refusal(400, {"error": "content-length is not a number"})
        if int(declared) > limit:
            raise _Refusal(413, {"error": f"the body is over {limit} bytes"})
    chunks: list[bytes] = []
    size = 0
    # counted as it arrives: a chunked body declares no length
    while True:
        message = await receive()
        if message["type"] != "http.request":  # http.disconnect
            raise _Refusal(400, {"error": "the client went away before the body was complete"})
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _Refusal(413, {"error": f"the body is over {limit} bytes"})
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _bad_body(exc: ConcernError, lang: str = "en") -> _Refusal:
    return _Refusal(400, _invalid(exc, "the body cannot be read as JSON", lang))


def _read_batch_json(data: bytes, lang: str = "en") -> Any:
    """A batch body as JSON: read as an event is, with the batch's bounds (its concerns are then
    checked one by one); the body nests two levels more than one concern."""
    try:
        return read_event_json(data, _WHERE, max_bytes=MAX_BATCH_BYTES, max_depth=MAX_EVENT_DEPTH + 2)
    except ConcernError as exc:
        raise _bad_body(exc, lang) from None


# --- the endpoints -----------------------------------------------------------------------


def store_of(app: Starlette) -> PlanStore:
    """The app's plan store (for the command line's SIGHUP handler and for tests)."""
    serving = app.state.serving
    assert isinstance(serving, _Serving)
    return serving.store


class _Serving:
    """The app's plan store, metrics and decision log, as plain attributes (``app.state.serving``,
    the one place they are kept): Starlette's State finds each of its own by a ``__getattr__``,
    ~0.5 µs a look-up, several per request."""

    __slots__ = ("decision_log", "metrics", "store")

    def __init__(self, store: PlanStore, metrics: Metrics | None, decision_log: DecisionLog | None) -> None:
        self.store = store
        self.metrics = metrics
        self.decision_log = decision_log


def _plan(request: Request) -> Plan:
    return _plan_of(request.app.state.serving, request.scope)


def _plan_of(serving: _Serving, scope: Scope) -> Plan:
    plans = serving.store.plans
    slug = str(scope["path_params"]["slug"])
    plan = plans.get(slug)
    if plan is None:
        # the slug sent is not repeated: a path can carry anything a caller types
        raise _Refusal(
            404, {"error": "no plan with this slug", "suggestion": suggest(slug, plans), "plans": sorted(plans)}
        )
    return plan


def _summary(plan: Plan) -> dict[str, Any]:
    doc = plan.document
    return {
        "slug": plan.slug,
        "name": plan.municipality.name,
        "title": doc.title,
        "revised": doc.revised.date if doc.revised else None,
        "next_revision_due": doc.next_revision_due.date if doc.next_revision_due else None,
        "digest": plan.digest,
    }


def _langs(scope: Scope) -> tuple[str, str]:
    """``?lang=``: the language of the Decision's explanation and assumptions (``da`` by default, or ``en``),
    and that of a bad concern's messages: the one given, else English (as always)."""
    query = scope["query_string"]
    if not query:
        return DEFAULT_LANG, "en"
    params = QueryParams(query)  # what Request.query_params holds
    lang = params.get("lang", DEFAULT_LANG)
    if lang not in LANGS:  # the value is the caller's: never repeated
        raise _Refusal(422, _invalid(ConcernError("lang", f"the query parameter lang is one of {', '.join(LANGS)}")))
    return lang, lang if "lang" in params else "en"


async def _route_answer(serving: _Serving, scope: Scope, receive: Receive) -> bytes:
    """The JSON of the Decision for one concern (POST /plans/{slug}/route), or _Refusal (or BodyTimeout)."""
    plan = _plan_of(serving, scope)
    lang, said = _langs(scope)
    body = await _read_body(scope, receive, MAX_ROUTE_BYTES)
    try:
        event = read_event_json(body, _WHERE)
    except ConcernError as exc:
        raise _bad_body(exc, said) from None
    try:
        concern = parse_concern(event)
        decision = plan.route(concern, lang=lang)  # on the loop thread: see the module's docstring
    except ConcernError as exc:
        raise _Refusal(422, _invalid(exc, lang=said)) from None
    _decided(serving.metrics, serving.decision_log, plan, decision, concern)
    return _DECISION_JSON(decision, by_alias=True)


async def route(request: Request) -> Response:
    return _Json(await _route_answer(request.app.state.serving, request.scope, request.receive))


_DECISION_JSON = Decision.__pydantic_serializer__.to_json  # bytes, as model_dump_json gives them (as str)
_JSON_TYPE = (b"content-type", b"application/json")


class _Json(Response):
    """A 200 answer of JSON already encoded: the bytes as they are, the two headers made here."""

    media_type = "application/json"

    def __init__(self, body: bytes) -> None:
        self.status_code = 200
        self.body = body
        self.background = None
        self.raw_headers = [(b"content-length", str(len(body)).encode("ascii")), _JSON_TYPE]


def _encoded(payload: Any) -> bytes:
    # as JSONResponse encodes
    return json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def _decided(
    metrics: Metrics | None, decision_log: DecisionLog | None, plan: Plan, decision: Decision, concern: Concern
) -> None:
    """A decision made: counted, and written to the decision log when there is one."""
    if metrics is not None:
        metrics.decided(plan.slug, decision.rules)
    if decision_log is not None:
        decision_log.write(plan.slug, decision, concern)


async def _batch_answer(serving: _Serving, scope: Scope, receive: Receive) -> bytes:
    """The JSON of a batch's results (POST /plans/{slug}/route:batch), or _Refusal (or BodyTimeout)."""
    plan = _plan_of(serving, scope)  # taken once: a reload during the batch does not change its plan
    lang, said = _langs(scope)
    data = _read_batch_json(await _read_body(scope, receive, MAX_BATCH_BYTES), said)
    concerns = data.get("concerns") if isinstance(data, dict) else None
    if not isinstance(concerns, list) or set(data) != {"concerns"}:
        problem = ConcernError.of(
            "concerns", 'the body must be an object with one field, "concerns": a list of concerns'
        )
        raise _Refusal(422, _invalid(problem, "invalid batch", said))
    if len(concerns) > MAX_BATCH:
        problem = ConcernError.of("concerns", "at most {limit} concerns in one batch", limit=MAX_BATCH)
        raise _Refusal(422, _invalid(problem, "invalid batch", said))
    metrics, decision_log = serving.metrics, serving.decision_log
    route_one = plan.route
    # each result encoded as it is made, and the answer joined from them: one Decision's
    # JSON is made once (in Rust), never as a dict of dicts for json.dumps to walk again
    results: list[bytes] = []
    # the batch's decisions by deciding rules, counted in the metrics once it is answered
    # (a labelled counter takes a lock on each count)
    tally: dict[tuple[str, ...], int] = {}
    try:
        for i, concern in enumerate(concerns):
            if i and i % _YIELD_EVERY == 0:
                await anyio.sleep(0)
            try:
                checked = parse_concern(concern)
                decision = route_one(checked, lang=lang)
                rules = tuple(decision.rules)
                tally[rules] = tally.get(rules, 0) + 1
                if decision_log is not None:
                    decision_log.write(plan.slug, decision, checked)
                results.append(b'{"decision":' + _DECISION_JSON(decision, by_alias=True) + b"}")
            except ConcernError as exc:
                results.append(_encoded(_invalid(exc, lang=said)))
            except Exception as exc:  # a bug of ours on one concern must not lose the others' answers
                log_internal(exc, "route_batch")
                results.append(_BATCH_INTERNAL)
    finally:  # what was decided counts, even if the batch is cut short
        if metrics is not None:
            for rules, times in tally.items():
                metrics.decided(plan.slug, rules, times)
    return b'{"results":[' + b",".join(results) + b"]}"


async def route_batch(request: Request) -> Response:
    return _Json(await _batch_answer(request.app.state.serving, request.scope, request.receive))


_BATCH_INTERNAL = _encoded({"error": "internal error", "problems": []})


async def list_plans(request: Request) -> Response:
    return JSONResponse([_summary(p) for _, p in sorted(store_of(request.app).plans.items())])


async def get_plan(request: Request) -> Response:
    return JSONResponse(_summary(_plan(request)))


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok", "plans": len(store_of(request.app).plans)})


async def readyz(request: Request) -> Response:
    # ready = plans are loaded. A failed reload keeps the previous plans in service, so it does
    # not make the service unready; last_reload reports it either way
    store = store_of(request.app)
    ready = bool(store.plans)
    payload = {"status": "ready" if ready else "unready", "plans": len(store.plans), "last_reload": store.last_reload}
    return JSONResponse(payload, status_code=200 if ready else 503)


async def metrics_endpoint(request: Request) -> Response:
    collected: Metrics | None = request.app.state.serving.metrics
    if collected is None:
        raise _Refusal(404, {"error": "metrics are off"})
    body, media = collected.exposition()
    return Response(body, headers={"content-type": media})


_DISABLED = (
    "the admin endpoint is disabled: start the service with --admin-token-file FILE "
    f"or {ADMIN_TOKEN_ENV} set to enable it (SIGHUP reloads without a token)"
)
_REALM = 'Bearer realm="beredskab admin"'


def _authorize(request: Request) -> None:
    """403 if no admin token is set, 401 unless the request carries it as a bearer token."""
    digest: bytes | None = request.app.state.admin_digest
    if digest is None:
        raise _Refusal(403, {"error": _DISABLED})
    sent = [value for name, value in request.scope["headers"] if name == b"authorization"]
    verdict = bearer_check(sent, digest)
    if verdict == "missing":
        raise _Refusal(
            401, {"error": "the admin endpoint needs Authorization: Bearer <token>"}, {"www-authenticate": _REALM}
        )
    if verdict == "invalid":
        log.warning("an admin request with a wrong bearer token was refused")
        raise _Refusal(
            401,
            {"error": "the bearer token is not the admin token"},
            {"www-authenticate": f'{_REALM}, error="invalid_token"'},
        )


async def reload(request: Request) -> Response:
    # the token first: nothing else of the request is looked at (or its body read) for a
    # caller without it. Then JSON only: a web page can post a form or text/plain across
    # sites without a CORS preflight, never application/json (nor the Authorization header)
    _authorize(request)
    await _read_body(request.scope, request.receive, MAX_ADMIN_BYTES)
    store = store_of(request.app)
    wait = store.reload_wait(request.app.state.reload_interval)
    if wait > 0:
        retry = max(1, math.ceil(wait))
        raise _Refusal(429, {"error": f"a reload ran moments ago; retry in {retry} s"}, {"retry-after": str(retry)})
    try:
        plans = store.reload("http")
    except PlanError as exc:
        log.error("reload failed; still serving the previous plans:\n%s", exc)
        payload = {"error": "reload failed; still serving the previous plans", "problems": _plan_problems(exc)}
        return JSONResponse(payload, status_code=409)
    return JSONResponse(
        {"status": "reloaded", "plans": [{"slug": s, "digest": p.digest} for s, p in sorted(plans.items())]}
    )


# --- errors --------------------------------------------------------------------------------


def _refused(request: Request | None, exc: Exception) -> Response:
    assert isinstance(exc, _Refusal)
    return JSONResponse(exc.payload, status_code=exc.status, headers=exc.headers)


def _body_timeout(request: Request | None, exc: Exception) -> Response:
    # closed after the answer: the rest of the body may still come, and would be read as a request
    assert isinstance(exc, BodyTimeout)
    payload = {"error": f"the request body did not arrive within {exc.seconds:g} s"}
    return JSONResponse(payload, status_code=408, headers={"connection": "close"})


def _http_error(request: Request | None, exc: Exception) -> Response:
    # Starlette's own 404 (no such path) and 405 (wrong method), as JSON like the rest
    assert isinstance(exc, HTTPException)
    return JSONResponse({"error": exc.detail.lower()}, status_code=exc.status_code, headers=exc.headers)


def _internal(request: Request, exc: Exception) -> Response:
    return JSONResponse({"error": "internal error"}, status_code=500)


# the exceptions answered by a handler (Starlette's exception middleware, and the hot routes below)
_HANDLERS: dict[type[Exception], Callable[[Request | None, Exception], Response]] = {
    _Refusal: _refused,
    BodyTimeout: _body_timeout,
    HTTPException: _http_error,
}


def _handler_of(exc: Exception) -> Callable[[Request | None, Exception], Response] | None:
    # as Starlette looks one up: the first class of the exception's MRO that has one
    for cls in type(exc).__mro__:
        handler = _HANDLERS.get(cls)
        if handler is not None:
            return handler
    return None


# --- the hot routes --------------------------------------------------------------------------


def _hot(answer: Callable[[_Serving, Scope, Receive], Awaitable[bytes]], serving: _Serving) -> ASGIApp:
    """The ASGI app of a routing endpoint on the hot way in: what its Starlette endpoint does, without a Request.

    The same answer (``_route_answer``/``_batch_answer`` serve both ways), the same
    handlers for its refusals (``_HANDLERS``), the same two messages a ``_Json`` sends.
    Any other exception goes up, as from the exception middleware, to the 500 guard.
    """

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            body = await answer(serving, scope, receive)
        except Exception as exc:
            handler = _handler_of(exc)
            if handler is None:
                raise
            await handler(None, exc)(scope, receive, send)
            return
        head = [(b"content-length", str(len(body)).encode("ascii")), _JSON_TYPE]
        await send({"type": "http.response.start", "status": 200, "headers": head})
        await send({"type": "http.response.body", "body": body})

    return app


class _HotRoutes:
    """Finds a POST to a routing endpoint (``/v1/plans/{slug}/route``, ``:batch``, and their aliases) and gives
    the app that answers it straight, past Starlette's router, its Request and its exception middleware.

    Those layers cost ~10 µs of a request's ~110 µs (measured in process: the router
    matching route after route, a Request, the exception middleware's two wrappings, a
    Response object), and the routing endpoints are nearly all the traffic. The match is
    the router's own: the routes that take POST, in the router's order, each its compiled
    path regex on the same route path, so a request goes where the router would send it;
    the first that matches wins (the router picks the first full match). If that is not a
    routing endpoint (the admin endpoint), or none matches, or the method is not POST (405
    and 404 are the router's), or the app is served under a root path, the request goes the
    ordinary way. The scope gets what the router puts in it (``router``, ``route``,
    ``endpoint``, ``path_params``): the access log and the metrics name the route's
    template from it, the 500 guard its endpoint.
    """

    def __init__(self, routes: Sequence[Route], apps: Mapping[Callable[..., Any], ASGIApp]) -> None:
        self._post = [
            (route.path_regex.match, route, apps.get(route.endpoint))
            for route in routes
            if route.methods is None or "POST" in route.methods
        ]

    def __call__(self, scope: Scope) -> ASGIApp | None:
        if scope["method"] != "POST" or scope.get("root_path"):
            # under a root path (behind a proxy's prefix) the router's own way of cutting it
            # off applies: the ordinary way, then
            return None
        path = scope["path"]
        for match_path, route, app in self._post:
            match = match_path(path)
            if match is None:
                continue
            if app is None:
                return None
            params = dict(scope.get("path_params", ()))
            for key, value in match.groupdict().items():
                params[key] = route.param_convertors[key].convert(value)
            if "router" not in scope:
                scope["router"] = scope["app"].router
            scope["route"] = route
            scope["endpoint"] = route.endpoint
            scope["path_params"] = params
            return app
        return None


class _Guard:
    """Turns any exception past the handlers into a bare 500 JSON, logged without its message.

    Starlette's outermost error middleware re-raises after answering, so the server would
    log the exception with its message; this one, inside it, ends the exception here.
    With CORS on it is the layer that takes the hot routes (``_HotRoutes``): inside CORS, so
    their answers get its headers.
    """

    def __init__(self, app: ASGIApp, hot: _HotRoutes | None = None) -> None:
        self.app = app
        self.hot = hot

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        app = self.app
        if self.hot is not None:
            app = self.hot(scope) or app
        try:
            await app(scope, receive, tracked)
        except Exception as exc:
            endpoint = getattr(scope.get("endpoint"), "__name__", "the app")
            log_internal(exc, str(endpoint))
            if not started:
                await JSONResponse({"error": "internal error"}, status_code=500)(scope, receive, send)


class _NoRawAccessLine(logging.Filter):
    """Drops uvicorn's access line, which carries the path and query string as sent.

    ``beredskab serve`` turns that log off; this keeps it off wherever the app runs (a
    test's uvicorn, an embedding server): the app writes its own line (AccessLog).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return False


def _silence_uvicorn_access_log() -> None:
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, _NoRawAccessLine) for f in logger.filters):
        logger.addFilter(_NoRawAccessLine())


def create_app(
    paths: Sequence[str | Path],
    *,
    admin_token: str | None = None,
    admin_digest: bytes | None = None,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
    reload_interval: float = RELOAD_INTERVAL,
    decision_log: str | None = None,
    cors_origins: Sequence[str] = (),
    metrics: bool = True,
    epoch_file: str | Path | None = None,
) -> Starlette:
    """The service for the plans in ``paths`` (files or folders), loaded now; PlanError if any has a problem.

    ``admin_token``: the bearer token POST /admin/reload needs (None: the endpoint is
    disabled); or ``admin_digest``, its SHA-256 (what a worker is handed, never the token).
    ``read_timeout``: seconds a request body may take to arrive (408 after).
    ``reload_interval``: the least time between two reloads over HTTP (429 before; 0: no
    spacing at all, for a test that reloads twice in a row). ``decision_log``: a file to
    append one JSON line per decision to, ``-`` for stdout, None for none. ``cors_origins``:
    the origins a browser may call from (none: CORS off). ``metrics``: serve /metrics.
    ``epoch_file``: the reload epoch shared by workers (``PlanStore``).
    """
    collected = Metrics.get() if metrics else None
    store = PlanStore(paths, epoch_file=epoch_file, metrics=collected)
    document = openapi()
    log.info("serving %d plan(s): %s", len(store.plans), digests(store.plans))

    async def openapi_json(request: Request) -> Response:
        return JSONResponse(document)

    endpoints: list[tuple[str, Any, list[str]]] = [
        ("/plans/{slug}/route", route, ["POST"]),
        ("/plans/{slug}/route:batch", route_batch, ["POST"]),
        ("/plans", list_plans, ["GET"]),
        ("/plans/{slug}", get_plan, ["GET"]),
        ("/healthz", healthz, ["GET"]),
        ("/readyz", readyz, ["GET"]),
        ("/metrics", metrics_endpoint, ["GET"]),
        ("/admin/reload", reload, ["POST"]),
        ("/openapi.json", openapi_json, ["GET"]),
    ]
    # /v1 first: the versioned paths are the API; the old ones are aliases with the same handlers
    routes = [Route(API_PREFIX + path, handler, methods=methods) for path, handler, methods in endpoints]
    routes += [Route(path, handler, methods=methods) for path, handler, methods in endpoints]
    _silence_uvicorn_access_log()
    serving = _Serving(store, collected, DecisionLog(decision_log) if decision_log is not None else None)
    hot = _HotRoutes(routes, {route: _hot(_route_answer, serving), route_batch: _hot(_batch_answer, serving)})
    middleware = [
        # one layer, outermost: the request id is set before anything logs, the access log and
        # the metrics see every answer, the guards refuse before any endpoint runs (middleware.py)
        Middleware(
            Service,
            routes=routes,
            read_timeout=read_timeout,
            metrics=collected,
            follow=store.follow if epoch_file is not None else None,
            catch_errors=not cors_origins,
            hot=None if cors_origins else hot,
        ),
    ]
    if cors_origins:
        # CORS answers a preflight itself; the error guard inside it, so a 500 carries its headers
        middleware += [
            Middleware(
                CORSMiddleware,
                allow_origins=list(cors_origins),
                allow_methods=["GET", "POST"],
                # never authorization: the admin endpoint stays out of reach of any web page
                allow_headers=["content-type", "x-request-id"],
                expose_headers=["x-request-id"],
                max_age=600,
            ),
            Middleware(_Guard, hot=hot),
        ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={**_HANDLERS, Exception: _internal},
    )
    if admin_token is not None:
        admin_digest = token_digest(admin_token)
    app.state.admin_digest = admin_digest
    app.state.reload_interval = reload_interval
    app.state.serving = serving
    return app
