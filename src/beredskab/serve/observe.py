"""What the service tells its operators: request ids, log formats, the decision log, the metrics.

* Request ids: every response carries ``X-Request-ID``: the caller's, when it is a sane
  token (1-128 characters of ``A-Z a-z 0-9 . _ : -``), else one generated here; every log
  line written while the request is handled carries it too (a context variable, read by
  the formatters below, so no call site has to pass it).
* Logs: text (uvicorn's format, the request id appended as ``[rid=...]``) or one JSON
  object per line (``--log-format json``).
* The decision log (``--decision-log PATH|-``): one JSON line per decision: time, request
  id, plan slug and digest, deciding rules, next actors, and the concern's facts as the
  validated Concern holds them (by contract a concern carries facts only: no names, no
  free text; unknown keys are an error, so they never get here). Never a raw body. Each
  line is one ``write(2)`` on a descriptor opened with ``O_APPEND``: with several workers
  they all append to the one file and lines never interleave (a regular file's appends
  are atomic per write on Linux; for ``-`` a pipe's are, up to PIPE_BUF = 4096 bytes,
  and a decision line is ~0.5 KiB).
* Metrics: ``prometheus_client``; with several workers its multiprocess mode
  (``PROMETHEUS_MULTIPROC_DIR``, set by the parent before any worker starts), so a scrape
  of any worker reports them all. Every label is bounded: the route's template (never the
  path sent), a known method, the status code, and the plan slugs and rule ids of the
  loaded plans (a rule id in a Decision comes from the plan, never from the request).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import os
import re
import sys
import time
from collections.abc import Mapping, Sequence
from typing import Any

from uvicorn.logging import DefaultFormatter

from .. import Concern, Decision

__all__ = [
    "MULTIPROC_ENV",
    "REQUEST_ID_HEADER",
    "DecisionLog",
    "JsonFormatter",
    "Metrics",
    "TextFormatter",
    "current_request_id",
    "request_id_var",
    "valid_request_id",
]

REQUEST_ID_HEADER = "x-request-id"
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")
_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("beredskab_request_id", default=None)
request_id_var = _request_id  # set per request by the service's ASGI layer (``middleware.Service``)


def valid_request_id(value: bytes) -> bool:
    """Whether a caller's ``X-Request-ID`` may be used (and logged) as it is."""
    return _REQUEST_ID.fullmatch(value) is not None


def current_request_id() -> str | None:
    """The id of the request being handled in this task (None outside a request)."""
    return _request_id.get()


# --- log formats ---------------------------------------------------------------------------


class TextFormatter(DefaultFormatter):
    """uvicorn's text line, with ``[rid=...]`` appended while a request is handled."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        rid = _request_id.get()
        return f"{line} [rid={rid}]" if rid is not None else line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id (when in a request), pid."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        rid = _request_id.get()
        if rid is not None:
            entry["request_id"] = rid
        if record.exc_info:
            # the type and the frames only: an exception's message may quote the data handled
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def log_config(level: str, fmt: str) -> dict[str, Any]:
    """uvicorn's logging configuration with the service's formatters and its loggers on uvicorn's handlers."""
    import copy

    from uvicorn.config import LOG_LEVELS, LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    if fmt == "json":
        for name in ("default", "access"):
            config["formatters"][name] = {"()": f"{__name__}.JsonFormatter"}
    else:
        config["formatters"]["default"] = {
            "()": f"{__name__}.TextFormatter",
            "fmt": "%(levelprefix)s %(message)s",
            "use_colors": None,
        }
    config["loggers"]["beredskab"] = {"handlers": ["default"], "level": LOG_LEVELS[level], "propagate": False}
    return config


# --- the decision log ------------------------------------------------------------------------


class DecisionLog:
    """Appends one JSON line per decision to a file (``O_APPEND``, created 0600) or to stdout (``-``)."""

    def __init__(self, target: str) -> None:
        self.target = target
        if target == "-":
            self._fd = sys.stdout.fileno()
            self._own = False
        else:
            self._fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
            self._own = True

    def write(self, plan_slug: str, decision: Decision, concern: Concern) -> None:
        entry = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            "request_id": _request_id.get(),
            "plan": plan_slug,
            "plan_digest": decision.plan_digest,
            "rules": list(decision.rules),
            "next": [a.model_dump(mode="json", include={"step", "actor", "kind"}) for a in decision.next],
            # the validated concern: known fields only, as the model holds them
            "concern": concern.model_dump(mode="json"),
        }
        line = (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        try:
            os.write(self._fd, line)  # one write per line: appends from several workers never interleave
        except OSError as exc:  # a full disk must not fail the answer; it is logged (throttled by the caller's log)
            logging.getLogger("beredskab.serve").error("decision log write failed: %s", os.strerror(exc.errno or 0))

    def close(self) -> None:
        if self._own:
            os.close(self._fd)
            self._own = False


# --- metrics ---------------------------------------------------------------------------------

_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The service's Prometheus metrics, created once per process (prometheus_client registers by name)."""

    _instance: Metrics | None = None

    def __init__(self) -> None:
        from prometheus_client import Counter, Histogram, disable_created_metrics

        # the *_created series double a scrape and say nothing an operator needs
        disable_created_metrics()  # type: ignore[no-untyped-call]

        self.requests = Counter(
            "beredskab_http_requests",
            "HTTP requests answered, by route template, method and status",
            ["route", "method", "status"],
        )
        self.latency = Histogram(
            "beredskab_http_request_duration_seconds", "Time to answer, by route template", ["route"], buckets=_BUCKETS
        )
        self.decisions = Counter("beredskab_decisions", "Decisions made, by plan and deciding rule", ["plan", "rule"])
        self.reloads = Counter("beredskab_reloads", "Plan reloads tried (HTTP, SIGHUP, or another worker's)")
        self.reload_failures = Counter("beredskab_reload_failures", "Plan reloads that failed (the old plans stay)")
        # the labelled children, looked up once: ``labels()`` takes a lock and builds a key each call
        self._decided: dict[tuple[str, str], Any] = {}
        self._counted: dict[tuple[str, str, int | None], Any] = {}
        self._timed: dict[str, Any] = {}

    @classmethod
    def get(cls) -> Metrics:
        if cls._instance is None:
            cls._instance = Metrics()
        return cls._instance

    def decided(self, plan: str, rules: Sequence[str], times: int = 1) -> None:
        """A decision made (``times`` of them: a batch's are counted once it is answered), by its deciding rules."""
        for rule in rules:
            child = self._decided.get((plan, rule))
            if child is None:
                child = self._decided[(plan, rule)] = self.decisions.labels(plan, rule)
            child.inc(times)

    def observe(self, route: str, method: str, status: int | None, seconds: float) -> None:
        """A request answered: counted by route template, method and status, and timed by route template.

        Every label is bounded (see the module's docstring), so the children cached here are too.
        """
        key = (route, method, status)
        counted = self._counted.get(key)
        if counted is None:
            label = str(status) if status is not None else "-"
            counted = self._counted[key] = self.requests.labels(route, method, label)
        counted.inc()
        timed = self._timed.get(route)
        if timed is None:
            timed = self._timed[route] = self.latency.labels(route)
        timed.observe(seconds)

    def exposition(self) -> tuple[bytes, str]:
        """The text a scrape gets: every worker's counts in multiprocess mode, this process's otherwise."""
        from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
        from prometheus_client.multiprocess import MultiProcessCollector

        if os.environ.get(MULTIPROC_ENV):
            registry = CollectorRegistry()
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            return generate_latest(registry), CONTENT_TYPE_LATEST
        return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def utc_iso(timestamp: float | None = None) -> str:
    moment = dt.datetime.fromtimestamp(time.time() if timestamp is None else timestamp, dt.UTC)
    return moment.isoformat(timespec="seconds")


def digests(plans: Mapping[str, Any]) -> str:
    """``slug sha256:...`` for each plan, for the startup and reload lines."""
    return ", ".join(f"{slug} {plan.digest}" for slug, plan in sorted(plans.items()))
