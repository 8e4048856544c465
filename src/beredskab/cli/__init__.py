"""The ``beredskab`` command: parse arguments, build the parts, run, return an exit code.

One module per command group (``route``, ``plans``: validate, test, schema; ``audit``: diff; ``views``: compare, graph, card, report); output
formats are reporters in registries keyed by name (``reporters``).
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections.abc import Sequence

from .. import __version__
from .._errors import BeredskabError
from .._files import FileProblem, describe
from .._i18n import DEFAULT_LANG
from .._problems import problems_in
from . import audit, common, init, migrate, plans, route, serve, views
from .common import words as _

__all__ = ["build_parser", "main"]

_MAIN_EPILOG = """\
examples:
  beredskab validate plans/ --no-info
  beredskab route koege --not-acute --age 16 --at 2026-11-23T20:00+01:00 --format text
  beredskab test plans/
  beredskab schema > schema/plan.schema.json
  beredskab diff HEAD~1:plans/koege.yaml plans/koege.yaml
  beredskab compare plans/ --format html > matrix.html
  beredskab card koege > kort.html
  beredskab report plans/ -o site/

exit codes: 0 ok; 1 validate found errors, test had a failure, or diff found a
difference; 2 bad event, plan, path, git revision or usage. 'beredskab COMMAND --help' explains each command.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="beredskab",
        # explicit line breaks: the raw formatter (kept for the epilog's examples) does not wrap
        description="Municipal readiness plans against radicalisation and extremism: validate plan\n"
        "files and route concerns to who acts next, how to reach them, by when, and why.",
        epilog=_MAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"beredskab {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    route.add_parser(sub)
    plans.add_parsers(sub)
    init.add_parser(sub)
    migrate.add_parser(sub)
    audit.add_parsers(sub)
    views.add_parsers(sub)
    serve.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # the command's messages and the problems the loader makes (a plan that cannot be read)
    # speak the command's language, the errors caught here included
    with problems_in(getattr(args, "lang", None) or DEFAULT_LANG):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args.func(args))
    except BeredskabError as exc:
        common.err(str(exc))
        return common.EXIT_USAGE
    except BrokenPipeError:
        # the reader went away (``| head``): the report is incomplete, so do not claim
        # success; 141 is what shells report for SIGPIPE, so ``pipefail`` sees it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        if isinstance(exc, FileProblem) or exc.errno in (errno.ENOSPC, errno.EDQUOT):
            # the machine, not a bug: say it plainly (a full disk above all)
            common.err(describe(exc))
            return common.EXIT_USAGE
        return _internal_error(exc)
    except Exception as exc:  # a bug of ours: one line that says so, never a traceback with the caller's data
        return _internal_error(exc)


def _internal_error(exc: BaseException) -> int:
    common.err(
        _(
            "internal error ({type}); this is a bug in beredskab, not in your input: please report it on the "
            "issue tracker of the repository you installed beredskab from, with the command you ran (and the "
            "file, if you can share it)"
        ).format(type=type(exc).__name__)
    )
    return common.EXIT_USAGE
