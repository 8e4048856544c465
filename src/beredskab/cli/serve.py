"""``beredskab serve``: the HTTP service on uvicorn, with SIGHUP to reload the plans."""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import logging.config
import math
import os
import signal
import sys
from typing import TYPE_CHECKING, Any

from .._errors import PlanError
from .._i18n import DEFAULT_LANG, LANGS
from . import common
from .common import words as _

if TYPE_CHECKING:
    import uvicorn

    from ..serve.app import PlanStore

__all__ = ["add_parser"]

_EXTRA = "pip install 'beredskab[serve]'"
_LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")
# the defaults of serve/app.py and serve/server.py, repeated so --help needs neither loaded
_READ_TIMEOUT = 10.0
_MAX_CONNECTIONS = 256
_MAX_WORKERS = 64

_SERVE_EPILOG = """\
examples:
  beredskab serve plans/
  beredskab serve plans/koege.yaml plans/kbh.yaml --port 8080
  curl -s -X POST http://127.0.0.1:8000/plans/koege/route -H 'content-type: application/json' \\
       -d '{"acute": false, "age": 16, "received_at": "2026-11-23T10:00:00+01:00"}'

  (umask 077; python -c 'import secrets; print(secrets.token_urlsafe(32))' > admin.token)
  beredskab serve plans/ --admin-token-file admin.token
  curl -s -X POST http://127.0.0.1:8000/admin/reload -H 'content-type: application/json' \\
       -H "authorization: Bearer $(cat admin.token)"

endpoints (each under /v1 too; the paths without it are aliases): POST /plans/{slug}/route,
POST /plans/{slug}/route:batch, GET /plans, GET /plans/{slug}, GET /healthz (liveness),
GET /readyz (plans loaded; the last reload's outcome), GET /metrics (Prometheus),
POST /admin/reload, GET /openapi.json.

operations: every response carries X-Request-ID (the caller's if it is 1-128 characters of
A-Z a-z 0-9 . _ : -, else a new one), and so does every log line of the request.
--log-format json writes one JSON object per log line. --decision-log FILE (or - for
stdout) appends one JSON line per decision: time, request id, plan and digest, rules,
next actors and the concern's facts. --cors-origin ORIGIN (repeatable) lets web pages of
that origin call the service (never the admin endpoint). --workers N runs N processes:
a reload through any of them reaches all within about a second, and SIGHUP restarts them
one by one (a worker that cannot load the plans is not brought into service).

The plans load once at start; a plan with a problem prints the problems and exits 2
before the port is bound. They load again on SIGHUP (kill -HUP) or on POST /admin/reload;
a reload with a problem keeps serving the previous plans.

security: routing has no authentication. Binds 127.0.0.1 unless --host says otherwise
(any other address prints a warning): put the service behind a proxy that authenticates.
POST /admin/reload needs the admin token, read from --admin-token-file (at most 4 KiB,
stripped; it wins) or $BEREDSKAB_ADMIN_TOKEN, sent as "Authorization: Bearer <token>"
with content-type application/json; with neither set it is disabled (403). Reloads over
HTTP are at least a second apart (429 with Retry-After); SIGHUP needs no token.
A client has --read-timeout seconds to send a request head and again for its body
(then 408 and the connection closes), and to go on reading a response (then the
connection is dropped). At --max-connections open connections a new one closes the
oldest idle one, or is answered 503 if none is idle. The access log names the route
(/plans/{slug}/route), never the path or query string sent.

Needs the serve extra: pip install 'beredskab[serve]'.
"""


def _log_config(level: str, fmt: str = "text") -> dict[str, Any]:
    """uvicorn's logging, with the service's own logger (reloads, internal errors) on its handler."""
    from ..serve.observe import log_config

    return log_config(level, fmt)


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to any interface
        return False


def _exposure_warning(host: str) -> str:
    if host.strip("[]") in ("0.0.0.0", "::", ""):
        where = _("every interface")
    else:
        where = _("{host}, not loopback").format(host=host)
    return _(
        "warning: binding {where}: routing has no authentication, so anyone who can reach this "
        "address can route concerns. Put the service behind a proxy that authenticates callers "
        "(and terminates TLS), and bind 127.0.0.1 unless that proxy runs on another host."
    ).format(where=where)


async def _serve(server: uvicorn.Server, store: PlanStore) -> None:  # one process
    loop = asyncio.get_running_loop()
    # on the loop, like routing: a reload never runs beside a request (see serve/app.py)
    loop.add_signal_handler(signal.SIGHUP, store.reload_logged)
    try:
        await server.serve()
    finally:
        loop.remove_signal_handler(signal.SIGHUP)


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        # the extra's packages load only here: the rest of the command line never needs them
        import uvicorn

        from ..serve.admin import AdminTokenError, read_admin_token, token_digest
        from ..serve.app import PlanStore, create_app, store_of
        from ..serve.server import Limits, fd_budget, install_log_guards, server_config
    except ModuleNotFoundError as exc:
        if exc.name not in ("starlette", "uvicorn", "anyio", "h11", "prometheus_client"):
            raise
        common.err(
            _("serve needs the serve extra ({package} is not installed): {install}").format(
                package=exc.name, install=_EXTRA
            )
        )
        return common.EXIT_USAGE
    try:
        token, warnings = read_admin_token(args.admin_token_file, os.environ)
    except AdminTokenError as exc:
        common.err(str(exc))
        return common.EXIT_USAGE
    log_config = _log_config(args.log_level, args.log_format)
    logging.config.dictConfig(log_config)  # before the plans load: the startup line lists them
    if args.decision_log not in (None, "-"):
        try:  # opened (and created) here once: a path that cannot be written is a usage error now
            os.close(os.open(args.decision_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600))
        except OSError as exc:
            common.err(f"--decision-log {args.decision_log}: {os.strerror(exc.errno or 0)}")
            return common.EXIT_USAGE
    try:
        if args.workers > 1:
            PlanStore(args.plans)  # checked here, before binding; each worker loads them again
            app = None
        else:
            app = create_app(
                args.plans,
                admin_token=token,
                read_timeout=args.read_timeout,
                decision_log=args.decision_log,
                cors_origins=args.cors_origin or (),
            )
    except PlanError as exc:
        # before binding: a service that starts must serve every plan it was given
        print(str(exc), file=sys.stderr)
        return common.EXIT_USAGE
    for warning in warnings:
        common.err(_("warning: {warning}").format(warning=warning))
    if not _is_loopback(args.host):
        common.err(_exposure_warning(args.host))
    max_connections, lowered = fd_budget(args.max_connections)
    if lowered:
        common.err(_("warning: {warning}").format(warning=lowered))
    if app is None:
        return _serve_workers(args, token_digest(token) if token is not None else None, max_connections, log_config)
    limits = Limits(read_timeout=args.read_timeout, max_connections=max_connections)
    config = server_config(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        log_config=log_config,
        limits=limits,
        http=args.http,
        loop=args.loop,
    )
    install_log_guards()  # after uvicorn's logging is configured (Config does it)
    server = uvicorn.Server(config)
    with asyncio.Runner(loop_factory=config.get_loop_factory()) as runner:
        runner.run(_serve(server, store_of(app)))
    return common.EXIT_OK


def _serve_workers(args: argparse.Namespace, digest: bytes | None, max_connections: int, log_config: Any) -> int:
    from uvicorn.supervisors import Multiprocess

    from ..serve.server import Limits, server_config
    from ..serve.workers import CONFIG_ENV, FACTORY, shared_dir, worker_config

    # the cap is the operator's for the service: each worker holds its share
    share = max(1, math.ceil(max_connections / args.workers))
    with shared_dir() as root:
        config = worker_config(
            args.plans,
            root,
            admin_digest=digest,
            read_timeout=args.read_timeout,
            max_connections=share,
            decision_log=args.decision_log,
            cors_origins=args.cors_origin or (),
        )
        os.environ[CONFIG_ENV] = config.to_json()  # the workers are spawned with this environment
        uv = server_config(
            FACTORY,
            host=args.host,
            port=args.port,
            log_level=args.log_level,
            log_config=log_config,
            limits=Limits(read_timeout=args.read_timeout, max_connections=share),
            http=args.http,
            loop=args.loop,
            workers=args.workers,
        )
        sock = uv.bind_socket()
        try:
            Multiprocess(uv, sockets=[sock]).run()
        finally:
            sock.close()
            os.environ.pop(CONFIG_ENV, None)
    return common.EXIT_OK


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("a port is a whole number 0-65535") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("a port is a whole number 0-65535")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("seconds: a number over 0, at most 3600") from None
    if not (math.isfinite(value) and 0 < value <= 3600):
        raise argparse.ArgumentTypeError("seconds: a number over 0, at most 3600")
    return value


def _connections(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("a whole number 1-100000") from None
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError("a whole number 1-100000")
    return value


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a whole number 1-{_MAX_WORKERS}") from None
    if not 1 <= value <= _MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"a whole number 1-{_MAX_WORKERS}")
    return value


def _origin(text: str) -> str:
    # an origin is scheme://host[:port], nothing after; "*" is refused: name the pages you trust
    from urllib.parse import urlsplit

    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path or parts.query or parts.fragment:
        raise argparse.ArgumentTypeError("an origin is scheme://host[:port], e.g. https://intranet.example.dk")
    return text


def add_parser(sub: Any) -> None:
    s = sub.add_parser(
        "serve",
        help="serve the plans over HTTP (route concerns as JSON)",
        description="Serve plans over HTTP: route concerns as JSON, list the plans, reload them on request.",
        epilog=_SERVE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("plans", metavar="PLANS", nargs="+", help="plan files or folders of plans (plans/)")
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    s.add_argument("--port", type=_port, default=8000, help="port to bind (default 8000; 0 picks a free one)")
    s.add_argument("--log-level", choices=_LOG_LEVELS, default="info", help="log level (default info)")
    s.add_argument(
        "--admin-token-file",
        metavar="FILE",
        help="file holding the admin token POST /admin/reload needs (at most 4 KiB; "
        "default: $BEREDSKAB_ADMIN_TOKEN; neither: the endpoint is disabled)",
    )
    s.add_argument(
        "--read-timeout",
        type=_seconds,
        default=_READ_TIMEOUT,
        metavar="SECONDS",
        help=f"time a client has to send a request head, and again its body (default {_READ_TIMEOUT:g})",
    )
    s.add_argument(
        "--max-connections",
        type=_connections,
        default=_MAX_CONNECTIONS,
        metavar="N",
        help=f"open connections at most (default {_MAX_CONNECTIONS}; lowered to what the open-file limit allows)",
    )
    s.add_argument(
        "--lang",
        choices=LANGS,
        default=DEFAULT_LANG,
        help=f"language of the messages at start (default {DEFAULT_LANG}); the HTTP answers say their own",
    )
    s.add_argument(
        "--log-format",
        choices=("text", "json"),
        default="text",
        help="log lines as text (default) or one JSON object each",
    )
    s.add_argument(
        "--decision-log",
        metavar="PATH",
        help="append one JSON line per decision to PATH (- for stdout); off by default",
    )
    s.add_argument(
        "--cors-origin",
        metavar="ORIGIN",
        action="append",
        type=_origin,
        help="let web pages of this origin call the service (repeatable; default: CORS off)",
    )
    s.add_argument(
        "--workers",
        type=_workers,
        default=1,
        metavar="N",
        help="serve from N processes (default 1; each loads the plans)",
    )
    s.add_argument(
        "--http",
        choices=("auto", "h11", "httptools"),
        default="auto",
        help="HTTP parser (default auto: httptools when installed; both keep the connection guards)",
    )
    s.add_argument(
        "--loop",
        choices=("auto", "asyncio", "uvloop"),
        default="auto",
        help="event loop (default auto: uvloop when installed)",
    )
    s.set_defaults(func=cmd_serve)
