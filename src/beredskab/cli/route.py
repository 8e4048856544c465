"""``beredskab route``: one concern, from flags or a JSON event, through one plan."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterator
from typing import Any, BinaryIO, TextIO

from .._errors import ConcernError, PlanError
from .._files import FileProblem, describe, open_stream, read_bounded, read_stream_bounded
from .._i18n import DEFAULT_LANG, LANGS
from ..loader import load_plan, resolve_plan_path
from ..plan import Plan
from ..routing.calendar import ZONE
from ..routing.concern import MAX_EVENT_BYTES, read_event_json
from . import common
from .common import words as _
from .reporters import DECISION_REPORTERS

__all__ = ["add_parser"]

_ROUTE_EPILOG = """\
examples:
  beredskab route plans/koege.yaml --not-acute --age 25 --at 2026-11-23T10:00+01:00
  beredskab route koege --acute --age 16 --format text
  beredskab route plans/kbh.yaml --step infohus_assessment --finding relevant=true --severity high --not-acute --age 30
  echo '{"acute": false, "age": 17, "received_at": "2026-11-23T20:00:00+01:00"}' | beredskab route herning --event -
  beredskab route koege --not-acute --age 30 --reporter professional --explain --format text
                       why the rules before the deciding one did not decide (the JSON's "trace")

  cat concerns.jsonl | beredskab route koege --events -     one Decision (or error) per line

The event is JSON with the contract's Concern fields (received_at, acute, age, reporter,
step, findings, severity, topic). Flags override fields of --event. Without --at, the
concern is taken as received now (Europe/Copenhagen). Exit 0 with the decision; exit 2
with a message naming the field on a bad event or plan.

--events reads JSON lines (one Concern per line; blank lines skipped) and writes one JSON
line per input line, in order: the Decision, or {"line": N, "error": ..., "problems":
[{"field", "message", "suggestion"}]} naming the field, never the value. It never stops on
a bad line; exit 0 when every line routed, 1 when some did not, 2 on a bad plan.

PLAN: a file path if it names one (or ends in .yaml); otherwise a slug, looked up as
./plans/<slug>.yaml, then among the plans installed with beredskab (koege, herning, kbh,
broendby, randers).
"""


def _parse_bool(text: str) -> bool | None:
    low = text.strip().lower()
    if low in ("true", "yes", "1"):
        return True
    if low in ("false", "no", "0"):
        return False
    if low in ("null", "none", "unknown"):
        return None
    raise ConcernError("findings", _("a --finding value must be true, false or null (or yes/no, 1/0, unknown)"))


def _event_from_args(args: argparse.Namespace) -> dict[str, Any]:
    event: dict[str, Any] = {}
    if args.event:
        where = "stdin" if args.event == "-" else args.event
        try:
            # bounded at the source: a device or a huge file costs no more than an event may be
            if args.event == "-":
                data = read_stream_bounded(sys.stdin.buffer, MAX_EVENT_BYTES)
            else:
                data = read_bounded(args.event, MAX_EVENT_BYTES)
        except FileProblem as exc:
            if exc.too_large:
                raise ConcernError(
                    "event", _("{where}: an event is at most {limit} bytes").format(where=where, limit=MAX_EVENT_BYTES)
                ) from None
            raise ConcernError(
                "event", _("cannot read {where}: {reason}").format(where=where, reason=exc.reason)
            ) from None
        event = read_event_json(data, where)
        if not isinstance(event, dict):
            raise ConcernError("event", _("the event must be a JSON object, not {type}").format(type=_json_type(event)))
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
            raise ConcernError("findings", _("--finding takes NAME=true|false|null, e.g. ready_to_act=false"))
        name, _sep, value = item.partition("=")
        findings = event.setdefault("findings", {})
        if not isinstance(findings, dict):
            # the event's own findings are not an object: nothing to add the flag to
            raise ConcernError(
                "findings",
                _("the event's findings must be an object of booleans, not {type}").format(type=_json_type(findings)),
            )
        findings[name.strip()] = _parse_bool(value)
    return event


def _json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, for messages about the event file."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("a boolean")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, str):
        return _("a string")
    return _("an array") if isinstance(value, list) else _("an object")


def _int_age(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ConcernError("age", _("--age takes a whole number of years (0-130) or 'unknown'")) from None


def _lines(stream: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """Numbered lines of at most :data:`MAX_EVENT_BYTES`; a longer one is read to its end and
    given as None (an error for that line only), so memory stays bounded."""
    number = 0
    while True:
        raw = stream.readline(MAX_EVENT_BYTES + 2)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_EVENT_BYTES + 1 or (len(raw) == MAX_EVENT_BYTES + 2 and not raw.endswith(b"\n")):
            while raw and not raw.endswith(b"\n"):
                raw = stream.readline(MAX_EVENT_BYTES)
            yield number, None
            continue
        yield number, raw


def _error_line(number: int, exc: ConcernError, lang: str) -> dict[str, Any]:
    # the message speaks the command's language; keys, field names and the error code stay as they are
    problems = [{"field": p.field, "message": p.text(lang), "suggestion": p.suggestion} for p in exc.problems]
    return {"line": number, "error": "invalid concern", "problems": problems}


def route_events(
    plan: Plan, stream: BinaryIO, out: TextIO, where: str, lang: str = DEFAULT_LANG, explain: bool = False
) -> int:
    """Route every JSON line of ``stream``; one JSON line out per line in. Returns the bad lines."""
    bad = 0
    for number, raw in _lines(stream):
        if raw is not None and not raw.strip():
            continue
        try:
            if raw is None:
                raise ConcernError(
                    "event",
                    _("{where}:{line}: a line is at most {limit} bytes").format(
                        where=where, line=number, limit=MAX_EVENT_BYTES
                    ),
                )
            # without its line break, a line cut short is reported on its own line, not the next
            event = read_event_json(raw.rstrip(b"\r\n"), where, first_line=number)
            record: dict[str, Any] = plan.route(event, lang=lang, explain=explain).model_dump(
                mode="json", by_alias=True
            )
        except ConcernError as exc:
            bad += 1
            record = _error_line(number, exc, lang)
        out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        out.flush()  # a stream: each answer as soon as its line is read
    return bad


def cmd_route(args: argparse.Namespace) -> int:
    if args.events is not None:
        given = [
            f
            for f in ("event", "acute", "age", "at", "reporter", "step", "finding", "severity", "topic")
            if getattr(args, f) is not None
        ]
        if given:
            common.err(
                _("--events takes whole concerns, one per line; leave out {option}").format(
                    option="--" + given[0].replace("_", "-")
                )
            )
            return common.EXIT_USAGE
        try:
            plan = load_plan(resolve_plan_path(args.plan))
        except PlanError as exc:
            common.err(str(exc))
            return common.EXIT_USAGE
        if args.events == "-":
            bad = route_events(plan, sys.stdin.buffer, sys.stdout, "stdin", args.lang, args.explain)
        else:
            try:
                with open_stream(args.events) as stream:
                    bad = route_events(plan, stream, sys.stdout, args.events, args.lang, args.explain)
            except BrokenPipeError:
                raise  # the reader went away: main() says so
            except OSError as exc:
                common.err(_("{file}: cannot read: {reason}").format(file=args.events, reason=describe(exc)))
                return common.EXIT_USAGE
        return common.EXIT_FAIL if bad else common.EXIT_OK
    try:
        plan = load_plan(resolve_plan_path(args.plan))
        decision = plan.route(_event_from_args(args), lang=args.lang, explain=args.explain)
    except PlanError as exc:
        common.err(str(exc))
        return common.EXIT_USAGE
    except ConcernError as exc:
        common.err(_("bad event: {error}").format(error=exc.text(args.lang)))
        return common.EXIT_USAGE
    print(DECISION_REPORTERS[args.format](decision, args.lang, plan))
    return common.EXIT_OK


def add_parser(sub: Any) -> None:
    r = sub.add_parser(
        "route",
        help="route one concern through a plan and print the decision",
        description="Route one concern through a plan: who acts next, how to reach them, by when, and why.",
        epilog=_ROUTE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    r.add_argument("plan", metavar="PLAN", help="plan file (plans/koege.yaml) or slug (koege)")
    r.add_argument("--event", metavar="FILE", help="JSON event file, or - for standard input")
    r.add_argument("--events", metavar="FILE", help="JSON lines, one concern each, or - for standard input: a stream")
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
    r.add_argument(
        "--lang",
        choices=LANGS,
        default=DEFAULT_LANG,
        help="language of what the answer says to people: the explanation and assumptions, and every word of "
        "--format text (default da: Danish; en: English). Ids, JSON keys and times never change with it.",
    )
    r.add_argument(
        "--explain",
        action="store_true",
        help="add the trace: every rule tried before the deciding one, in the plan's order, with the first part "
        "of its condition that did not hold (JSON: trace; text: TRIED lines)",
    )
    r.set_defaults(func=cmd_route)
