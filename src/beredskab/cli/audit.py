"""Auditors' commands: ``diff`` (two plans, or two revisions of one, in both layers)."""

from __future__ import annotations

import argparse
from typing import Any

from .._i18n import DEFAULT_LANG, LANGS
from . import common
from .reporters import DIFF_REPORTERS

__all__ = ["add_parsers"]

_DIFF_EPILOG = """\
examples:
  beredskab diff HEAD~1:plans/koege.yaml plans/koege.yaml    what the last commit changed (by actor)
  beredskab diff koege randers                               two municipalities (by role)
  beredskab diff koege randers --as-of 2026-11-28 --format markdown > diff.md
  beredskab diff main:plans/koege.yaml plans/koege.yaml --format github --fail-on behaviour
  beredskab diff koege randers --lang en                     in English (default: Danish)

A and B are each a plan file, a slug (plans/<slug>.yaml), or REV:PATH: a git revision
and a path, read with 'git show' (PATH from the repository's top; ./PATH from here).

Two layers: structure (keyed by id: a rename is a rename, a rule that changed place is
'moved', quotes and notes apart as provenance only) and routing (every situation of the
two plans' joint decision space, grouped into regions, each with a concern that 'route'
accepts and the answer on each side). By actor (revisions of one plan: same slug) compares
actor ids, steps, act-by offsets, legal basis, catch-all; by role (two municipalities)
compares kinds of actor, steps, a usable contact, the wait until someone can act, act-by
offsets, legal basis. Times are real instants over the 400 days from --as-of (default
today): pass --as-of in CI, so the witnesses stay the same from day to day.

exit codes: 0 the same (by --fail-on); 1 different; 2 usage, git or plan error.
"""


def cmd_diff(args: argparse.Namespace) -> int:
    from ..audit.diff import diff, rule_position  # the analyses load only for this command
    from ..loader import load_plan_source

    # each side loaded once: the diff and B's rule positions (for annotations) share it
    plan_a, _ = load_plan_source(args.a)
    plan_b, _ = load_plan_source(args.b)
    result = diff(plan_a, plan_b, by=args.by, as_of=args.as_of, lang=args.lang)
    b_rules = {r.id: at for r in plan_b.rules if (at := rule_position(plan_b, r.id)) is not None}
    print(DIFF_REPORTERS[args.format](result, b_rules, args.lang))
    differs = {
        "any": not result.same,
        "structure": bool(result.structural),
        "behaviour": result.behavioural.differing > 0,
    }[args.fail_on]
    return common.EXIT_FAIL if differs else common.EXIT_OK


def add_parsers(sub: Any) -> None:
    d = sub.add_parser(
        "diff",
        help="what changed between two plans (or two revisions of one), and what it changes for a concern",
        description="Compare two plans in content (keyed by id) and in routing (every situation, grouped "
        "into regions with a witness concern each).",
        epilog=_DIFF_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    d.add_argument("a", metavar="A", help="the old side: plan file, slug, or REV:PATH")
    d.add_argument("b", metavar="B", help="the new side: plan file, slug, or REV:PATH")
    d.add_argument(
        "--by",
        choices=["actor", "role"],
        help="what the routing layer compares (default: actor for one slug, role across municipalities)",
    )
    d.add_argument("--format", choices=list(DIFF_REPORTERS), default="text", help="output format (default text)")
    d.add_argument(
        "--fail-on",
        choices=["any", "structure", "behaviour"],
        default="any",
        help="what makes the exit code 1: any difference (default), a structural change (provenance-only "
        "included), or a concern routed differently",
    )
    d.add_argument(
        "--as-of",
        type=common.date_arg,
        metavar="YYYY-MM-DD",
        help="first day of the 400 days whose instants are compared (default: today in Copenhagen)",
    )
    d.add_argument(
        "--lang",
        choices=LANGS,
        default=DEFAULT_LANG,
        help=f"language of what people read (default {DEFAULT_LANG}); --format json keeps its machine "
        "fields in every language, only the regions' summaries follow it",
    )
    d.set_defaults(func=cmd_diff)
