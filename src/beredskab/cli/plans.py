"""Plan authors' commands: ``validate`` (checks), ``test`` (routing examples), ``schema``."""

from __future__ import annotations

import argparse
import json
from typing import Any

from .._errors import PlanError
from .._i18n import DEFAULT_LANG, LANGS
from .._problems import Severity
from . import common
from .common import words as _
from .reporters import PROBLEM_REPORTERS, TEST_REPORTERS, _problems_text, resolve_problem_format

__all__ = ["add_parsers"]

_VALIDATE_EPILOG = """\
examples:
  beredskab validate plans/                        every plan in the folder; assumptions listed as info
  beredskab validate plans/koege.yaml --no-info    errors and warnings only
  beredskab validate plans/ --format github        annotations in a GitHub Actions log
  beredskab validate plans/ --format json          {"files_checked": N, "problems": [...]}
  beredskab validate plans/ --format summary       the counts in one line, and the command for the details
  beredskab validate plans/ --lang en              messages and hints in English (default Danish)
"""


_TEST_EPILOG = """\
examples:
  beredskab test plans/                  every plans/*.examples.yaml
  beredskab test plans/koege.yaml -v     the examples beside one plan, passes listed too
  beredskab test plans/ --format junit > results.xml   for a CI system's test report
  beredskab test plans/ --coverage --min 100   which rules the examples exercise; fail below 100 %

Ends with 'N passed, M failed'. Exit 0 all pass, 1 a failure (or coverage below --min), 2 a
missing or unusable file.

--coverage: an example exercises the rule its decision names (the deciding rule). Each plan's
line gives covered of counted rules; uncovered rules are listed as file:line: rule (every rule
with -v; every rule in json and junit). A rule that can never decide (shadowed, BK501/BK502) and
a catch-all that never answers (the rules cover every concern) are listed as such, not counted.
--min N compares the total over all plans with N per cent.
"""


def cmd_validate(args: argparse.Namespace) -> int:
    from ..analysis.validate import validate  # the checks load only for this command

    fmt = resolve_problem_format(args.format)
    report = validate(args.paths, as_of=args.as_of, lang=args.lang)
    for path, why in report.unusable:
        common.err(f"{path}: {why}")
    problems = [p for p in report.problems if not (args.no_info and p.severity is Severity.INFO)]
    if fmt == "text" and args.no_info:
        # the summary counts what --no-info hid, never a misleading "0 info"
        text = _problems_text(
            problems, len(report.files), hidden_info=len(report.problems) - len(problems), lang=args.lang
        )
    elif fmt == "summary":
        text = PROBLEM_REPORTERS[fmt](report.problems, len(report.files), lang=args.lang, paths=args.paths)
    else:
        text = PROBLEM_REPORTERS[fmt](problems, len(report.files), lang=args.lang)
    if text:
        print(text)
    if report.unusable:
        return common.EXIT_USAGE
    return common.EXIT_FAIL if report.failed(strict=args.strict) else common.EXIT_OK


def _percent_arg(text: str) -> float:
    """An argparse type for ``--min``: a percentage from 0 to 100."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text!r} is not a percentage from 0 to 100")
    return value


def cmd_test(args: argparse.Namespace) -> int:
    from .._problems import current_lang
    from ..analysis.examples import (
        PlanCoverage,
        below_minimum,
        example_files,
        examples_coverage,
        format_percent,
        run_examples,
        total_coverage,
    )

    files = example_files(args.paths)
    if not files:
        common.err(_("no *.examples.yaml files found in {paths}").format(paths=", ".join(args.paths)))
        return common.EXIT_USAGE
    # every file is checked before any runs, so a typo does not leave a half-printed report
    missing = [f for f in files if not f.is_file()]
    if args.skip_missing:
        # the pre-commit hook passes every changed YAML file: a plan without examples is not an error there
        files = [f for f in files if f.is_file()]
        for f in missing:
            common.err(_("{file}: no examples file; skipped (--skip-missing)").format(file=f))
        if not files:
            return common.EXIT_OK
    else:
        for f in missing:
            common.err(_("{file}: no such examples file").format(file=f))
        if missing:
            return common.EXIT_USAGE
    fmt = resolve_problem_format(args.format) if args.format == "auto" else args.format
    with_coverage = args.coverage or args.min is not None  # --min alone implies --coverage
    results = []
    coverage: list[PlanCoverage] = []
    for f in files:
        try:
            # the loader's problems speak --lang (cli.main sets it)
            if with_coverage:
                mine, covered = examples_coverage(f)
                results.extend(mine)
                coverage.append(covered)
            else:
                results.extend(run_examples(f))
        except PlanError as exc:
            common.err(str(exc))
            return common.EXIT_USAGE
    print(TEST_REPORTERS[fmt](results, args.verbose, coverage if with_coverage else None, args.min))
    low = args.min is not None and below_minimum(coverage, args.min)
    if low:
        lang = current_lang()
        common.err(
            _("rule coverage {percent} is below --min {minimum}").format(
                percent=format_percent(total_coverage(coverage)[2], lang), minimum=format_percent(args.min, lang)
            )
        )
    return common.EXIT_FAIL if low or any(not r.passed for r in results) else common.EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    if args.concern or args.decision:
        from ..routing.concern import Concern, Decision

        model = Concern if args.concern else Decision
        schema = model.model_json_schema(mode="validation" if args.concern else "serialization", by_alias=True)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        print(json.dumps(schema, ensure_ascii=False, indent=2))
        return common.EXIT_OK
    from ..spec.schema import plan_json_schema

    print(json.dumps(plan_json_schema(), ensure_ascii=False, indent=2))
    return common.EXIT_OK


def _lang_argument(parser: Any) -> None:
    parser.add_argument(
        "--lang",
        choices=LANGS,
        default=DEFAULT_LANG,
        help=f"language of the problems' messages and hints (default {DEFAULT_LANG}); codes, names, "
        "positions and the JSON keys are the same in every language",
    )


def add_parsers(sub: Any) -> None:
    v = sub.add_parser(
        "validate",
        help="check plan files; problems as file:line:col: severity code message",
        description="Check plan files or folders of plans; each problem prints as\n"
        "file:line:col: severity code message. Exit 0 clean, 1 errors found (or warnings\n"
        "with --strict), 2 usage or I/O error. Check codes are documented in docs/checks.md.",
        epilog=_VALIDATE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    v.add_argument("paths", nargs="+", metavar="PATH", help="plan files or folders")
    v.add_argument(
        "--format",
        choices=["auto", *sorted(PROBLEM_REPORTERS)],
        default="auto",
        help="text, json, github annotations, summary (one line); auto = github under GITHUB_ACTIONS, else text",
    )
    v.add_argument("--strict", action="store_true", help="warnings fail too")
    v.add_argument(
        "--no-info", action="store_true", help="hide info findings (by default every assumed value is listed as info)"
    )
    v.add_argument(
        "--as-of",
        type=common.date_arg,
        default=None,
        metavar="DATE",
        help="judge revision dates as of this day (default today)",
    )
    _lang_argument(v)
    v.set_defaults(func=cmd_validate)

    t = sub.add_parser(
        "test",
        help="run the routing examples kept beside plans (*.examples.yaml)",
        description="Run plan authors' routing examples. PATH is an examples file, a plan file (its\n"
        "examples beside it) or a folder. Prints each failure with the decision's explanation.",
        epilog=_TEST_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    t.add_argument("paths", nargs="+", metavar="PATH", help="examples files, plan files or folders")
    t.add_argument("-v", "--verbose", action="store_true", help="also list passing examples (text)")
    t.add_argument(
        "--skip-missing",
        action="store_true",
        help="a plan file without an examples file beside it is skipped, not an error (the pre-commit hook)",
    )
    t.add_argument(
        "--format",
        choices=["auto", *TEST_REPORTERS],
        default="auto",
        help="text, json, junit (XML for CI test reports), github annotations; auto = github under "
        "GITHUB_ACTIONS, else text",
    )
    t.add_argument(
        "--coverage",
        action="store_true",
        help="also report which rules (and the catch-all) the examples exercise, per plan and in total; "
        "uncovered rules listed as file:line",
    )
    t.add_argument(
        "--min",
        type=_percent_arg,
        default=None,
        metavar="N",
        help="exit 1 when the total rule coverage is below N per cent (0-100); implies --coverage",
    )
    _lang_argument(t)
    t.set_defaults(func=cmd_test)

    s = sub.add_parser(
        "schema",
        help="print the JSON Schema of the plan format",
        description="Print the JSON Schema generated from the plan models "
        "(committed as schema/plan.schema.json; regenerate with "
        "'beredskab schema > schema/plan.schema.json'); with --concern or --decision, the JSON "
        "Schema of the event routed and of the answer (every field described), for integrators.",
    )
    which = s.add_mutually_exclusive_group()
    which.add_argument("--concern", action="store_true", help="the Concern (the event): what route reads")
    which.add_argument("--decision", action="store_true", help="the Decision (the answer): what route writes")
    s.set_defaults(func=cmd_schema)
