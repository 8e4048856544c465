"""The ``beredskab`` command: parse arguments, build the parts, run, return an exit code.

One module per command group (``route``, ``plans``: validate, test, schema; ``audit``: diff; ``views``: compare, graph, card, report); output
formats are reporters in registries keyed by name (``reporters``).
"""

from __future__ import annotations

import argparse
import errno
import gc
import importlib
import os
import sys
from collections.abc import Sequence

from .. import __version__
from .._errors import BeredskabError
from .._files import FileProblem, describe
from .._i18n import DEFAULT_LANG
from .._problems import problems_in
from . import common
from .common import words as _

__all__ = ["build_parser", "main"]

# the modules that add the commands' parsers, in the order ``--help`` lists them, and the
# commands each adds; a command's run loads only its own module (issue 21: ``route`` need
# not import the service's asyncio, nor the views' and the audit's reporters)
_GROUPS: dict[str, tuple[str, ...]] = {
    "route": ("route",),
    "plans": ("validate", "test", "schema"),
    "init": ("init",),
    "migrate": ("migrate",),
    "audit": ("diff",),
    "views": ("compare", "graph", "card", "report"),
    "serve": ("serve",),
}
_GROUP_OF = {command: group for group, commands in _GROUPS.items() for command in commands}

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


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with ``command``, only that command's group of subcommands
    (what parsing a call of that command needs: the rest is not imported)."""
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

    groups = _GROUPS if command is None else [_GROUP_OF[command]] if command in _GROUP_OF else []
    for group in groups:
        module = importlib.import_module(f".{group}", __name__)
        add = getattr(module, "add_parsers", None) or module.add_parser
        add(sub)
    return parser


def _command_of(argv: Sequence[str]) -> str | None:
    """The parser ``argv`` needs: a command's own (its name first), none for ``--version``
    alone, the whole one (None) for anything else (``--help``, a typo, no command)."""
    if argv and argv[0] in _GROUP_OF:
        return argv[0]
    if list(argv) == ["--version"]:
        return ""  # argparse prints the version and exits before it looks for a command
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``beredskab ARGV`` (default: the process's own arguments); the exit code."""
    from_command_line = argv is None
    arguments = sys.argv[1:] if argv is None else list(argv)
    command = _command_of(arguments)
    if from_command_line and command != "serve":
        # a command that runs once over bounded input: collect cycles rarely (mypy does the
        # same). The default (a collection every 700 new objects, a full one every ~10) walked
        # the imported modules and pydantic's schemas again and again: 6 % of ``route`` and
        # 8 % of ``validate plans/`` (issue 21). Refcounting frees almost everything anyway.
        # The service keeps the default: it runs for months.
        gc.set_threshold(200_000, 30, 30)
    parser = build_parser(command)
    args = parser.parse_args(arguments)
    # the command's messages and the problems the loader makes (a plan that cannot be read)
    # speak the command's language, the errors caught here included
    with problems_in(getattr(args, "lang", None) or DEFAULT_LANG):
        code = _run(args)
    if from_command_line:
        # the process ends now: the interpreter's last garbage collections need not walk
        # every object the command built (pydantic's schemas, the plan), which exit frees
        # anyway; that walk was a sixth of ``beredskab route`` (issue 21). Refcounting and
        # atexit still run; only cycles go uncollected, and the process is ending.
        gc.freeze()
    return code


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
