"""``beredskab migrate``: write plan files in the current format version, in place."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._errors import PlanError
from .._files import atomic_write, describe
from .._i18n import DEFAULT_LANG, LANGS
from .._problems import Problem
from . import common
from .common import words as _

__all__ = ["Outcome", "add_parser", "migrate_file"]

_EPILOG = """\
examples:
  beredskab migrate plans/koege.yaml            write koege.yaml in the current format, in place
  beredskab migrate plans/*.yaml --check        CI: exit 1 if any plan is in an older format
  beredskab migrate old.yaml --stdout > new.yaml
  git show 59e12ca:plans/koege.yaml | beredskab migrate - --stdout

'format' in a plan names the version of the format it is written in. Older versions are
read anyway (diff, graph, card and report --previous carry them forward as they read, with
an info BK009), but a plan you keep should say what it means today: migrate writes it so.

Versions: 1 is current. 1-legacy is format 1 as written before 2026-12-01 (commit 9f9bdb6):
a fact both cited ('source') and assumed ('assumed: true'); migrate moves the source into
the note as "(Nearest text, SECTION: "QUOTE"; moved from 'source' ...)", as that commit
did by hand. A migration never invents a value: what a newer format requires and an old
plan lacks is marked assumed with a note saying it was migrated, or left out if optional.

Only what a migration changes is rewritten: a removed key goes with its lines, a changed
note is written again as a folded block; every other line, comments included, keeps its
bytes. Where that cannot be done (a change inside a '- key:' line, say) the whole file is
written again and its comments are lost: migrate says so. A file already current is left
as it is, byte for byte. Nothing is written unless the migrated plan loads; writing is
atomic (a temporary file, then a rename).

exit codes: 0 every file current or migrated; 1 --check and a file would change;
2 a file cannot be read, is not a plan in a known format, or does not load once migrated.
"""


@dataclass(frozen=True)
class Outcome:
    """What migrating one file's text gives."""

    text: str
    """The text in the current format (the text itself when it is current)."""
    source: str | None
    """The version it was written in (None: not a plan in a version migrate knows)."""
    changes: int = 0
    comments_kept: bool = True

    @property
    def changed(self) -> bool:
        return self.changes > 0


def migrate_file(text: str, shown: str) -> Outcome:
    """``text`` of a plan file in the current format. Raises PlanError when it cannot be read,
    or when the migrated plan does not load (with that plan's problems)."""
    from ..plan import build_plan
    from ..spec import _yaml
    from ..spec.migrate import dump_text, migrate, rewrite_text

    try:
        document = _yaml.parse_text(text, shown)
    except _yaml.YamlProblems as exc:
        raise PlanError(exc.problems, shown) from None
    migration = migrate(document.data, legacy=True)
    if not migration.migrated:
        return Outcome(text, migration.source)
    new = rewrite_text(text, migration.data)
    kept = new is not None
    if new is None:
        new = dump_text(migration.data)
    try:
        build_plan(_yaml.parse_text(new, shown))
    except _yaml.YamlProblems as exc:  # pragma: no cover - rewrite_text and dump_text read their output back
        raise PlanError(exc.problems, shown) from None
    return Outcome(new, migration.source, len(migration.changes) or 1, kept)


def _read(path: str) -> str:
    from ..spec import _yaml

    if path == "-":
        return _yaml.decode(sys.stdin.buffer.read(_yaml.MAX_BYTES + 1), "<stdin>")
    return _yaml.read_text(Path(path), path)


def cmd_migrate(args: argparse.Namespace) -> int:
    from ..spec import _yaml
    from ..spec.migrate import CURRENT

    if args.stdout and len(args.files) != 1:
        common.err(_("--stdout takes one file"))
        return common.EXIT_USAGE
    if "-" in args.files and not args.stdout and not args.check:
        common.err(_("standard input ('-') can only be migrated with --stdout or --check"))
        return common.EXIT_USAGE
    worst = common.EXIT_OK
    for name in args.files:
        shown = "<stdin>" if name == "-" else name
        try:
            text = _read(name)
            outcome = migrate_file(text, shown)
        except _yaml.YamlProblems as exc:
            _problems(exc.problems)
            worst = common.EXIT_USAGE
            continue
        except PlanError as exc:
            common.err(_("{file}: not migrated; the plan does not load:").format(file=shown))
            _problems(exc.problems)
            worst = common.EXIT_USAGE
            continue
        if outcome.source is None:
            common.err(
                _("{file}: not a plan in a format this version of beredskab knows (it reads format {current})").format(
                    file=shown, current=CURRENT
                )
            )
            worst = common.EXIT_USAGE
            continue
        if args.stdout:
            sys.stdout.write(outcome.text)
        if not outcome.changed:
            if not args.stdout:
                print(_("{file}: already in format {current}").format(file=shown, current=CURRENT))
            continue
        said = _("format {old} -> {current}, {count} change(s)").format(
            old=outcome.source, current=CURRENT, count=outcome.changes
        )
        if not outcome.comments_kept:
            said += "; " + _("its comments could not be kept (the whole file was written again)")
        if args.check:
            print(_("{file}: would be migrated: {what}; run: beredskab migrate {file}").format(file=shown, what=said))
            worst = max(worst, common.EXIT_FAIL)
            continue
        if args.stdout:
            common.err(f"{shown}: {said}")
            continue
        try:
            atomic_write(name, outcome.text)
        except OSError as exc:
            common.err(_("cannot write {file}: {reason}; it is unchanged").format(file=shown, reason=describe(exc)))
            worst = common.EXIT_USAGE
            continue
        print(_("{file}: migrated: {what}").format(file=shown, what=said))
    return worst


def _problems(problems: list[Problem]) -> None:
    for p in problems:
        print(p.format(), file=sys.stderr)


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "migrate",
        help="write plan files in the current format version (in place, or --check for CI)",
        description="Carry plan files written in an older version of the plan format to the current one. "
        "Only what changes is rewritten; comments elsewhere are kept.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="plan files ('-' reads standard input)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file would change")
    mode.add_argument("--stdout", action="store_true", help="print the migrated plan instead of writing it")
    p.add_argument(
        "--lang", choices=LANGS, default=DEFAULT_LANG, help=f"language of the messages (default {DEFAULT_LANG})"
    )
    p.set_defaults(func=cmd_migrate)
