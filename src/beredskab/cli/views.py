"""Auditors' and front-line views: ``compare`` (the matrix), ``graph``, ``card``, ``report``."""

from __future__ import annotations

import argparse
from typing import Any

from .._i18n import DEFAULT_LANG, LANGS
from . import common
from .common import words as _

__all__ = ["add_parsers"]

# the formats are named here, not imported: --help must not load the views
COMPARE_FORMATS = ("text", "markdown", "csv", "json", "html")
GRAPH_FORMATS = ("mermaid", "dot", "svg")
CARD_FORMATS = ("html", "markdown")

_GRAPH_EPILOG = """\
examples:
  beredskab graph koege                                   mermaid (renders in a README on GitHub/GitLab)
  beredskab graph plans/koege.yaml --format svg > koege.svg
  beredskab graph koege --diff HEAD~1:plans/koege.yaml    colour what was added, removed, changed since then
  beredskab graph koege --format svg --concern concern.json > route.svg   one concern's route, with times

Steps are boxes; one arrow per pair of steps, labelled with who acts and the deciding fact
(dashed: only notified); each rule and its conditions are in the hover text. svg is
beredskab's own layered layout: the same picture on every machine, Graphviz or not, sized
to print on A4 landscape. --concern reads a Concern (JSON, as route --event) and follows
it decision by decision from its step to a step that ends the flow (or back to one it
passed), highlighting the steps and hand-overs with when each actor can act and by when.
"""

_CARD_EPILOG = """\
examples:
  beredskab card koege --format html > kort.html       one A4 page for the wall (print it from the browser)
  beredskab card plans/koege.yaml --format markdown --lang en

The card is generated from the plan, so it never drifts from it: acute (112; the police's
non-emergency 114 only where the plan lists it), not acute by age and time (whom to
contact, how, when they are open; assumed hours marked where they are shown), the national
hotline, what happens next, the plan's title and date, and the assumed facts it rests on.
"""

_REPORT_EPILOG = """\
examples:
  beredskab report plans/ -o site/                    open site/index.html; no network needed
  beredskab report plans/ -o site/ --previous HEAD~1  with a page of what changed since that revision

One static site: an index with the comparison matrix and each plan's status, a page per
plan (routing graph, action card, validation findings, assumptions, legal bases) and, with
--previous, a diff page. Everything is rendered before anything is written, and the new
site is then swapped in whole: DIR is always all of the old site or all of the new one (no
stale page of an earlier report stays). DIR must be new, empty, or an earlier report
(a .beredskab-report file marks one); another folder is refused, never replaced.
"""

_COMPARE_EPILOG = """\
examples:
  beredskab compare plans/                              the five plans, a table in the terminal
  beredskab compare plans/ --format html > matrix.html  one page; differing cells marked, rules a click away
  beredskab compare plans/koege.yaml plans/randers.yaml --lang en --format markdown
  beredskab compare plans/ --situations my-situations.yaml --format csv --as-of 2026-12-01

Rows are standard situations (acute; not acute child, adult, unknown age, within and
outside opening hours, on a Saturday, on a public holiday; reported by an employee; after
the police check; after the assessment; an offer declined), from the catalogue shipped
with beredskab (beredskab/data/situations.yaml; --situations takes a file of the same
shape). Each cell: who acts (kind: name), when they can act, any deadline, whether there
is a usable contact, the legal basis. Cells are grouped by who acts (the kinds of actor):
each group has a mark (● ▲ ■ ◆ ★) and in HTML a shade; the majority's answer stays
unmarked, and a row without a majority is marked throughout. Waits read now, hours or
days (HTML: green, amber, red). Extra rows: revision dates, revision overdue, assumed
facts, warnings.
Times are real instants from --as-of (default today). Exit 0; 2 on a bad plan or file.
"""


def _lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=LANGS, default=DEFAULT_LANG, help=f"language of the text (default {DEFAULT_LANG})"
    )


def cmd_compare(args: argparse.Namespace) -> int:
    from ..audit.compare import compare, load_situations, render_matrix

    situations = load_situations(args.situations) if args.situations else None
    matrix = compare(args.paths, situations=situations, as_of=args.as_of)
    print(render_matrix(matrix, args.format, lang=args.lang), end="" if args.format == "csv" else "\n")
    return common.EXIT_OK


def cmd_graph(args: argparse.Namespace) -> int:
    from ..audit.graph import render_graph
    from ..loader import load_plan_source

    plan = load_plan_source(args.plan)[0]
    other = load_plan_source(args.diff)[0] if args.diff else None
    route = None
    if args.concern:
        from ..audit.graph import concern_route
        from ..routing.concern import parse_concern

        route = concern_route(plan, parse_concern(_read_concern(args.concern)), lang=args.lang)
    print(render_graph(plan, args.format, other=other, lang=args.lang, route=route))
    return common.EXIT_OK


def _read_concern(source: str) -> Any:
    """The JSON of one Concern from a file or stdin (``-``), bounded as ``route --event`` reads it."""
    import sys

    from .._errors import ConcernError
    from .._files import FileProblem, read_bounded, read_stream_bounded
    from ..routing.concern import MAX_EVENT_BYTES, read_event_json

    where = "stdin" if source == "-" else source
    try:
        data = (
            read_stream_bounded(sys.stdin.buffer, MAX_EVENT_BYTES)
            if source == "-"
            else read_bounded(source, MAX_EVENT_BYTES)
        )
    except FileProblem as exc:
        if exc.too_large:
            raise ConcernError(
                "event", _("{where}: an event is at most {limit} bytes").format(where=where, limit=MAX_EVENT_BYTES)
            ) from None
        raise ConcernError("event", _("cannot read {where}: {reason}").format(where=where, reason=exc.reason)) from None
    return read_event_json(data, where)


def cmd_card(args: argparse.Namespace) -> int:
    from ..audit.card import render_card
    from ..loader import load_plan_source

    plan = load_plan_source(args.plan)[0]
    print(render_card(plan, args.format, lang=args.lang, as_of=args.as_of), end="")
    return common.EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from .._files import FileProblem
    from ..audit.report import build_report, write_report

    pages = build_report(args.paths, previous=args.previous, lang=args.lang, as_of=args.as_of)
    try:
        written = write_report(pages, args.output)
    except FileProblem as exc:
        common.err(
            _("cannot write the report to {folder}: {reason}; nothing was changed there").format(
                folder=args.output, reason=exc
            )
        )
        return common.EXIT_USAGE
    index = f"{args.output.rstrip('/')}/index.html"
    print(
        _("{count} page(s) written to {folder}; open {index}").format(
            count=len(written), folder=args.output, index=index
        )
    )
    return common.EXIT_OK


def _as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of", type=common.date_arg, metavar="YYYY-MM-DD", help="the day times start from (default today)"
    )


def add_parsers(sub: Any) -> None:
    c = sub.add_parser(
        "compare",
        help="a matrix: what each plan answers in the same standard situations",
        description="Compare plans side by side: one row per standard situation, one column per municipality.",
        epilog=_COMPARE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    c.add_argument("paths", nargs="+", metavar="PLANS", help="plan files or folders of plans")
    c.add_argument("--format", choices=COMPARE_FORMATS, default="text", help="output format (default text)")
    c.add_argument("--situations", metavar="FILE", help="your own situations (YAML, the shape of the shipped one)")
    _as_of(c)
    _lang(c)
    c.set_defaults(func=cmd_compare)

    g = sub.add_parser(
        "graph",
        help="the routing graph of a plan as mermaid, dot or svg",
        description="Draw a plan's routing graph: steps and hand-overs, labelled with who acts.",
        epilog=_GRAPH_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    g.add_argument("plan", metavar="PLAN", help="plan file, slug, or REV:PATH")
    g.add_argument("--format", choices=GRAPH_FORMATS, default="mermaid", help="output format (default mermaid)")
    g.add_argument("--diff", metavar="OTHER", help="an older plan (file, slug, REV:PATH): colour the changes since")
    g.add_argument(
        "--concern",
        metavar="FILE",
        help="a Concern as JSON (as route --event; - for stdin): draw its route, with times",
    )
    _lang(g)
    g.set_defaults(func=cmd_graph)

    k = sub.add_parser(
        "card",
        help='the action card "Er du bekymret?" generated from a plan',
        description="Generate the one-page action card for front-line staff from a plan.",
        epilog=_CARD_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    k.add_argument("plan", metavar="PLAN", help="plan file, slug, or REV:PATH")
    k.add_argument("--format", choices=CARD_FORMATS, default="html", help="output format (default html)")
    _as_of(k)
    _lang(k)
    k.set_defaults(func=cmd_card)

    r = sub.add_parser(
        "report",
        help="one self-contained static site: matrix, plan pages, cards, diffs",
        description="Write a static HTML site about the plans (no network needed to view it).",
        epilog=_REPORT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    r.add_argument("paths", nargs="+", metavar="PLANS", help="plan files or folders of plans")
    r.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to write the site into")
    r.add_argument("--previous", metavar="REV", help="a git revision: add a page of what changed since it")
    _as_of(r)
    _lang(r)
    r.set_defaults(func=cmd_report)
