"""The ``beredskab`` command: parse arguments, build the parts, run, return an exit code."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from ._problems import Problem, Severity
from .calendar import ZONE
from .errors import BeredskabError, ConcernError, PlanError
from .loader import load_plan, plan_files
from .reporters import DECISION_REPORTERS, PROBLEM_REPORTERS, resolve_problem_format

__all__ = ["main"]

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def _err(message: str) -> None:
    print(f"beredskab: {message}", file=sys.stderr)


# --- route ---------------------------------------------------------------------------------


def _resolve_plan_path(text: str) -> Path:
    """A plan file path, or a slug found as ``plans/<slug>.yaml``."""
    p = Path(text)
    if p.exists() or p.suffix in (".yaml", ".yml"):
        return p
    candidate = Path("plans") / f"{text}.yaml"
    return candidate if candidate.exists() else p


def _parse_bool(text: str) -> bool | None:
    low = text.strip().lower()
    if low in ("true", "yes", "1"):
        return True
    if low in ("false", "no", "0"):
        return False
    if low in ("null", "none", "unknown"):
        return None
    raise ConcernError("findings", f"finding value {text!r} must be true, false or null")


def _event_from_args(args: argparse.Namespace) -> dict[str, Any]:
    event: dict[str, Any] = {}
    if args.event:
        where = "stdin" if args.event == "-" else args.event
        try:
            data = sys.stdin.buffer.read() if args.event == "-" else Path(args.event).read_bytes()
        except OSError as exc:
            raise ConcernError("event", f"cannot read {args.event}: {exc.strerror}") from None
        try:
            # bytes, decoded here, so a non-UTF-8 file is a bad event rather than a
            # UnicodeDecodeError; utf-8-sig because Windows editors write a BOM
            raw = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ConcernError(
                "event", f"{where}: byte 0x{data[exc.start]:02x} at offset {exc.start} is not valid UTF-8"
            ) from None
        try:
            event = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ConcernError("event", f"{where}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
        if not isinstance(event, dict):
            raise ConcernError("event", f"the event must be a JSON object, not {_json_type(event)}")
    if args.at is not None:
        event["received_at"] = args.at
    elif "received_at" not in event:
        event["received_at"] = dt.datetime.now(ZONE).replace(microsecond=0).isoformat()
    if args.acute is not None:
        event["acute"] = args.acute
    if args.age is not None:
        event["age"] = None if args.age.lower() in ("unknown", "null") else _int_age(args.age)
    for key in ("reporter", "step", "severity", "topic"):
        value = getattr(args, key)
        if value is not None:
            event[key] = value
    for item in args.finding or []:
        if "=" not in item:
            raise ConcernError("findings", f"--finding {item!r}: write NAME=true|false|null, e.g. ready_to_act=false")
        name, _, value = item.partition("=")
        findings = event.setdefault("findings", {})
        if not isinstance(findings, dict):
            # the event's own findings are not an object: nothing to add the flag to
            raise ConcernError(
                "findings", f"the event's findings must be an object of booleans, not {_json_type(findings)}"
            )
        findings[name.strip()] = _parse_bool(value)
    return event


def _json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, for messages about the event file."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def _int_age(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ConcernError("age", f"{text!r} is not a whole number of years (or 'unknown')") from None


def cmd_route(args: argparse.Namespace) -> int:
    try:
        plan = load_plan(_resolve_plan_path(args.plan))
        decision = plan.route(_event_from_args(args))
    except PlanError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except ConcernError as exc:
        _err(f"bad event: {exc}")
        return EXIT_USAGE
    print(DECISION_REPORTERS[args.format](decision))
    return EXIT_OK


# --- validate ------------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    from . import _yaml
    from .checks import CheckContext, run_checks
    from .examples import load_examples
    from .loader import parse_plan

    fmt = resolve_problem_format(args.format)
    problems: list[Problem] = []
    io_error = False
    for raw in args.paths:
        p = Path(raw)
        if not p.exists():
            _err(f"{raw}: no such file or folder")
            io_error = True
        elif p.is_dir() and not plan_files([p]):
            # a wrong or empty folder would otherwise "pass" with nothing checked
            _err(f"{raw}: no plan files (*.yaml) in this folder")
            io_error = True
    # only files that exist count as checked; the missing ones were reported above
    files = [f for f in plan_files(args.paths) if f.exists()]
    for f in files:
        if f.name.endswith((".examples.yaml", ".examples.yml")):
            # an examples file named explicitly (folders skip them): check its own format, not as a plan
            try:
                load_examples(f)
            except PlanError as exc:
                problems.extend(exc.problems)
            continue
        try:
            doc = _yaml.load_document(f, str(f))
            plan = parse_plan(doc)
        except _yaml.YamlProblems as exc:
            problems.extend(exc.problems)
            continue
        except PlanError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(run_checks(CheckContext(plan, doc, as_of=args.as_of)))
    if args.no_info:
        problems = [p for p in problems if p.severity is not Severity.INFO]
    problems.sort()
    text = PROBLEM_REPORTERS[fmt](problems, len(files))
    if text:
        print(text)
    if io_error:
        return EXIT_USAGE
    failing = {Severity.ERROR} | ({Severity.WARNING} if args.strict else set())
    return EXIT_FAIL if any(p.severity in failing for p in problems) else EXIT_OK


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


# --- test ----------------------------------------------------------------------------------


def cmd_test(args: argparse.Namespace) -> int:
    from .examples import example_files, run_examples

    files = example_files(args.paths)
    if not files:
        _err("no *.examples.yaml files found in " + ", ".join(args.paths))
        return EXIT_USAGE
    # every file is checked before any runs, so a typo does not leave a half-printed report
    missing = [f for f in files if not f.is_file()]
    for f in missing:
        _err(f"{f}: no such examples file")
    if missing:
        return EXIT_USAGE
    passed = failed = 0
    for f in files:
        try:
            results = run_examples(f)
        except PlanError as exc:
            _err(str(exc))
            return EXIT_USAGE
        for r in results:
            if r.passed:
                passed += 1
                if args.verbose:
                    print(f"PASS {r.file}:{r.line}: {r.name}")
                continue
            failed += 1
            print(f"FAIL {r.file}:{r.line}: {r.name}")
            for line in r.failures:
                print(f"     - {line}")
            if r.decision is not None:
                print("     decision: rules " + ", ".join(r.decision.rules))
                for line in r.decision.explanation:
                    print(f"       {line}")
    print(f"{passed} passed, {failed} failed")
    return EXIT_FAIL if failed else EXIT_OK


# --- schema --------------------------------------------------------------------------------


def cmd_schema(args: argparse.Namespace) -> int:
    from .schema import plan_json_schema

    print(json.dumps(plan_json_schema(), ensure_ascii=False, indent=2))
    return EXIT_OK


# --- parser --------------------------------------------------------------------------------

_ROUTE_EPILOG = """\
examples:
  beredskab route plans/koege.yaml --not-acute --age 25 --at 2026-11-23T10:00+01:00
  beredskab route koege --acute --age 16 --format text
  beredskab route plans/kbh.yaml --step infohus_assessment --finding relevant=true --severity high --not-acute --age 30
  echo '{"acute": false, "age": 17, "received_at": "2026-11-23T20:00:00+01:00"}' | beredskab route herning --event -

The event is JSON with the contract's Concern fields (received_at, acute, age, reporter,
step, findings, severity, topic). Flags override fields of --event. Without --at, the
concern is taken as received now (Europe/Copenhagen). Exit 0 with the decision; exit 2
with a message naming the field on a bad event or plan.
"""


_MAIN_EPILOG = """\
examples:
  beredskab validate plans/ --no-info
  beredskab route koege --not-acute --age 16 --at 2026-11-23T20:00+01:00 --format text
  beredskab test plans/
  beredskab schema > schema/plan.schema.json

exit codes: 0 ok; 1 validate found errors or test had a failure; 2 bad event, plan,
path or usage. 'beredskab COMMAND --help' explains each command.
"""

_VALIDATE_EPILOG = """\
examples:
  beredskab validate plans/                        every plan in the folder; assumptions listed as info
  beredskab validate plans/koege.yaml --no-info    errors and warnings only
  beredskab validate plans/ --format github        annotations in a GitHub Actions log
  beredskab validate plans/ --format json          {"files_checked": N, "problems": [...]}
"""

_TEST_EPILOG = """\
examples:
  beredskab test plans/                  every plans/*.examples.yaml
  beredskab test plans/koege.yaml -v     the examples beside one plan, passes listed too

Ends with 'N passed, M failed'. Exit 0 all pass, 1 a failure, 2 a missing or unusable file.
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

    r = sub.add_parser(
        "route",
        help="route one concern through a plan and print the decision",
        description="Route one concern through a plan: who acts next, how to reach them, by when, and why.",
        epilog=_ROUTE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    r.add_argument("plan", metavar="PLAN", help="plan file (plans/koege.yaml) or slug (koege)")
    r.add_argument("--event", metavar="FILE", help="JSON event file, or - for standard input")
    acute = r.add_mutually_exclusive_group()
    acute.add_argument("--acute", dest="acute", action="store_const", const=True, help="illegal acts or danger now")
    acute.add_argument("--not-acute", dest="acute", action="store_const", const=False, help="no immediate danger")
    r.add_argument("--age", metavar="YEARS", help="age of the person (0-130), or 'unknown'")
    r.add_argument("--at", metavar="TIME", help="received_at, ISO 8601 with offset, e.g. 2026-11-23T10:00+01:00")
    r.add_argument("--reporter", choices=["professional", "citizen", "relative", "police", "hotline"])
    r.add_argument("--step", metavar="STEP", help="the step just completed (default: intake)")
    r.add_argument(
        "--finding",
        metavar="NAME=VALUE",
        action="append",
        help="what the step found: ready_to_act, security_threat, relevant, psychiatric, in_custody, consent "
        "= true|false|null (repeatable)",
    )
    r.add_argument("--severity", choices=["high", "medium", "low"])
    r.add_argument("--topic", choices=["radicalisation", "school_shooting", "negative_social_control"])
    r.add_argument("--format", choices=sorted(DECISION_REPORTERS), default="json", help="output format (default json)")
    r.set_defaults(func=cmd_route)

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
        help="text, json, github annotations; auto = github under GITHUB_ACTIONS, else text",
    )
    v.add_argument("--strict", action="store_true", help="warnings fail too")
    v.add_argument(
        "--no-info", action="store_true", help="hide info findings (by default every assumed value is listed as info)"
    )
    v.add_argument(
        "--as-of",
        type=_date,
        default=dt.datetime.now(ZONE).date(),
        metavar="DATE",
        help="judge revision dates as of this day (default today)",
    )
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
    t.add_argument("-v", "--verbose", action="store_true", help="also list passing examples")
    t.set_defaults(func=cmd_test)

    s = sub.add_parser(
        "schema",
        help="print the JSON Schema of the plan format",
        description="Print the JSON Schema generated from the plan models "
        "(committed as schema/plan.schema.json; regenerate with "
        "'beredskab schema > schema/plan.schema.json').",
    )
    s.set_defaults(func=cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except BeredskabError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except BrokenPipeError:
        # the reader went away (``| head``): the report is incomplete, so do not claim
        # success; 141 is what shells report for SIGPIPE, so ``pipefail`` sees it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        return 130
