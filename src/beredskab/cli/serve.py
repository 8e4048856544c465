"""``beredskab serve``: the HTTP service on uvicorn, with SIGHUP to reload the plans."""

from __future__ import annotations

import argparse
import asyncio
import copy
import ipaddress
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

endpoints: POST /plans/{slug}/route, POST /plans/{slug}/route:batch, GET /plans,
GET /plans/{slug}, GET /healthz, POST /admin/reload, GET /openapi.json.

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


def _log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging, with the service's own logger (reloads, internal errors) on its handler."""
    from uvicorn.config import LOG_LEVELS, LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["beredskab"] = {"handlers": ["default"], "level": LOG_LEVELS[level], "propagate": False}
    return config


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


async def _serve(server: uvicorn.Server, store: PlanStore) -> None:
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

        from ..serve.admin import AdminTokenError, read_admin_token
        from ..serve.app import create_app, store_of
        from ..serve.server import Limits, fd_budget, install_log_guards, server_config
    except ModuleNotFoundError as exc:
        if exc.name not in ("starlette", "uvicorn", "anyio", "h11"):
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
    try:
        app = create_app(args.plans, admin_token=token, read_timeout=args.read_timeout)
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
    limits = Limits(read_timeout=args.read_timeout, max_connections=max_connections)
    config = server_config(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        log_config=_log_config(args.log_level),
        limits=limits,
    )
    install_log_guards()  # after uvicorn's logging is configured (Config does it)
    server = uvicorn.Server(config)
    asyncio.run(_serve(server, store_of(app)))
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
    s.set_defaults(func=cmd_serve)
