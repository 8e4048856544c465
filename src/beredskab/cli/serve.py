"""``beredskab serve``: the HTTP service on uvicorn, with SIGHUP to reload the plans."""

from __future__ import annotations

import argparse
import asyncio
import copy
import signal
import sys
from typing import TYPE_CHECKING, Any

from .._errors import PlanError
from . import common

if TYPE_CHECKING:
    import uvicorn

    from ..serve.app import PlanStore

__all__ = ["add_parser"]

_EXTRA = "pip install 'beredskab[serve]'"
_LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")

_SERVE_EPILOG = """\
examples:
  beredskab serve plans/
  beredskab serve plans/koege.yaml plans/kbh.yaml --port 8080
  curl -s -X POST http://127.0.0.1:8000/plans/koege/route -H 'content-type: application/json' \\
       -d '{"acute": false, "age": 16, "received_at": "2026-11-23T10:00:00+01:00"}'

endpoints: POST /plans/{slug}/route, POST /plans/{slug}/route:batch, GET /plans,
GET /plans/{slug}, GET /healthz, POST /admin/reload, GET /openapi.json.

The plans load once at start; a plan with a problem prints the problems and exits 2
before the port is bound. They load again only on POST /admin/reload or SIGHUP (kill -HUP);
a reload with a problem keeps serving the previous plans. Binds 127.0.0.1 unless --host
says otherwise: the service has no authentication, so put it behind a proxy that has.
Needs the serve extra: pip install 'beredskab[serve]'.
"""


def _log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging, with the service's own logger (reloads, internal errors) on its handler."""
    from uvicorn.config import LOG_LEVELS, LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["beredskab"] = {"handlers": ["default"], "level": LOG_LEVELS[level], "propagate": False}
    return config


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

        from ..serve.app import create_app, store_of
    except ModuleNotFoundError as exc:
        if exc.name not in ("starlette", "uvicorn", "anyio"):
            raise
        common.err(f"serve needs the serve extra ({exc.name} is not installed): {_EXTRA}")
        return common.EXIT_USAGE
    try:
        app = create_app(args.plans)
    except PlanError as exc:
        # before binding: a service that starts must serve every plan it was given
        print(str(exc), file=sys.stderr)
        return common.EXIT_USAGE
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        log_config=_log_config(args.log_level),
        # one process: the plans and the reload live in it (workers would each hold a copy)
        workers=1,
        lifespan="off",
    )
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
    s.set_defaults(func=cmd_serve)
