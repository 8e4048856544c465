"""The contract's event (Concern) and answer (Decision), as pydantic models.

A Concern carries facts only: no names, CPR numbers or free text; unknown fields are
rejected. See ``shared/contract.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool, ValidationError, field_validator

from .._errors import ConcernError, FieldProblem, Phrase, suggest
from ..spec.model import empty_list
from ..spec.vocabulary import FINDINGS, ActorKind, Channel, LegalBasis, Reporter, SeverityLevel, Topic
from ._fast import plain_init

__all__ = [
    "Action",
    "Concern",
    "ContactPoint",
    "Decision",
    "Findings",
    "SourceRef",
    "TraceStep",
    "concern_error",
    "parse_concern",
    "read_event_json",
]


class Findings(BaseModel):
    """What the completed step found. Each finding is optional (null = not established)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    ready_to_act: StrictBool | None = Field(
        default=None,
        description="Handlingsparat: the police find someone ready to act (true), or not (false); null: not established.",
    )
    security_threat: StrictBool | None = Field(
        default=None,
        description="The police assess a threat to national security (a case for PET); null: not established.",
    )
    relevant: StrictBool | None = Field(
        default=None,
        description="The assessment finds the concern relevant (radicalisation or extremism); null: not established.",
    )
    psychiatric: StrictBool | None = Field(
        default=None,
        description="The person has a psychiatric condition that decides who takes the case; null: not established.",
    )
    in_custody: StrictBool | None = Field(
        default=None,
        description="The person is in custody or serving a sentence (Kriminalforsorgen); null: not established.",
    )
    consent: StrictBool | None = Field(
        default=None,
        description="The person (or the parents) consents to an offer; false: an offer declined; null: not asked.",
    )


_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
# the messages of the validators below are message ids of the ``concern`` domain too
_NOT_ISO = "must be an ISO 8601 date-time with offset, e.g. 2026-11-23T10:00:00+01:00"
_IMPLAUSIBLE_YEAR = "must be between the years 1970 and 2200"


class Concern(BaseModel):
    """A concern about a person, described by facts only (no names, CPR numbers or free text).

    Fields (see also ``beredskab schema --concern``):
        received_at: when the concern arrived, ISO 8601 with offset (required; naive is an error).
        acute: illegal acts committed or imminent, or someone's safety in danger (required).
        age: 0-130, or None for unknown (default).
        reporter: professional, citizen (default), relative, police or hotline.
        step: the step just completed (default ``intake``: nobody has acted yet).
        findings: what is established so far (ready_to_act, security_threat, relevant,
            psychiatric, in_custody, consent; each True, False or None), cumulative.
        severity: high, medium, low, or None where a plan does not grade it.
        topic: radicalisation (default), school_shooting or negative_social_control.

    Unknown fields are an error (:class:`beredskab.ConcernError` names them, never the values).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    received_at: AwareDatetime = Field(description="When the concern arrived; ISO 8601 with offset.")
    acute: StrictBool = Field(
        description="Illegal acts committed or imminent, or someone's safety in danger (then 112 first)."
    )
    age: Annotated[int, Field(ge=0, le=130, strict=True)] | None = Field(
        default=None, description="Age in years (0-130) of the person the concern is about; null: unknown."
    )
    reporter: Reporter = Field(
        default=Reporter.CITIZEN,
        description="Who raises the concern; professional: an employee of the municipality or a partner.",
    )
    step: Annotated[str, Field(min_length=1, max_length=64)] = Field(
        default="intake",
        description="The step just completed (a step id of the plan); intake: nobody has acted yet. Post back an action's step.",
    )
    findings: Findings = Field(
        default_factory=Findings,
        description="What is established so far: the completed step's findings and those of earlier steps (cumulative).",
    )
    severity: SeverityLevel | None = Field(
        default=None, description="Where a plan grades severity (København 24/48/72 h); null: not graded."
    )
    topic: Topic = Field(
        default=Topic.RADICALISATION,
        description="What the concern is about: radicalisation, school_shooting or negative_social_control.",
    )

    @plain_init
    def __init__(self, /, **data: Any) -> None:
        # built directly, a bad concern is a ConcernError too, never pydantic's error that
        # prints the input values
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise concern_error(exc) from None

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Concern:
        """As pydantic's, raising :class:`beredskab.ConcernError` (every bad field named) on a bad concern."""
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as exc:
            raise concern_error(exc) from None

    @classmethod
    def model_validate_json(cls, json_data: Any, *args: Any, **kwargs: Any) -> Concern:
        """As pydantic's, raising :class:`beredskab.ConcernError` on a bad concern."""
        try:
            return super().model_validate_json(json_data, *args, **kwargs)
        except ValidationError as exc:
            raise concern_error(exc) from None

    @field_validator("received_at", mode="before")
    @classmethod
    def _iso_text(cls, v: Any) -> Any:
        # pydantic would read a number as a Unix timestamp; the contract asks for ISO 8601
        if isinstance(v, dt.datetime) or (isinstance(v, str) and _ISO_DATETIME.match(v)):
            return v
        raise ValueError(_NOT_ISO)

    @field_validator("received_at")
    @classmethod
    def _plausible_time(cls, v: dt.datetime) -> dt.datetime:
        # deadlines and next openings are computed from it: keep far from datetime's limits
        if not 1970 <= v.year <= 2200:
            raise ValueError(_IMPLAUSIBLE_YEAR)
        return v


_CONCERN_FIELDS = list(Concern.model_fields)


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if not (isinstance(p, str) and p.startswith(("function-", "constrained-")))]
    # union members appear as type names in pydantic's loc; keep the field names only
    keep: list[str] = []
    for p in parts:
        if keep and keep[0] == "findings" and len(keep) == 1:
            keep.append(p)
            break
        if p in _CONCERN_FIELDS or not keep:
            keep.append(p)
    return ".".join(keep) or "concern"


# pydantic's errors for the contract's fields, by type: the message id, said with the
# values of the error's context named (the format's limits and vocabularies, never the input)
_PYDANTIC_WORDS: dict[str, str] = {
    "bool_type": "input should be a valid boolean",
    "bool_parsing": "input should be a valid boolean",
    "int_type": "input should be a valid integer",
    "int_parsing": "input should be a valid integer",
    "int_from_float": "input should be a valid integer",
    "greater_than_equal": "input should be greater than or equal to {ge}",
    "less_than_equal": "input should be less than or equal to {le}",
    "string_type": "input should be a valid string",
    "string_too_short": "string should have at least {min_length} character(s)",
    "string_too_long": "string should have at most {max_length} character(s)",
    "model_type": "input should be an object",
    "dict_type": "input should be an object",
    "enum": "input should be {expected}",
    "datetime_type": "input should be a valid date-time",
    "datetime_parsing": "input should be a valid date-time: {error}",
    "datetime_from_date_parsing": "input should be a valid date-time: {error}",
    "none_required": "input should be null",
}

# what the date-time parser (speedate, in pydantic-core) says is wrong with a time
_TIME_ERRORS = frozenset(
    {
        "input is too short",
        "unexpected extra characters at the end of the input",
        "invalid datetime separator, expected `T`, `t`, `_` or space",
        "invalid date separator, expected `-`",
        "invalid character in year",
        "invalid character in month",
        "invalid character in day",
        "invalid time separator, expected `:`",
        "invalid character in hour",
        "invalid character in minute",
        "invalid character in second",
        "invalid character in second fraction",
        "invalid timezone sign",
        "invalid timezone hour",
        "invalid timezone minute",
        "timezone minute value is outside expected range of 0-59",
        "timezone offset must be less than 24 hours",
        "month value is outside expected range of 1-12",
        "day value is outside expected range",
        "hour value is outside expected range of 0-23",
        "minute value is outside expected range of 0-59",
        "second value is outside expected range of 0-59",
        "second fraction value is more than 6 digits long",
        "second fraction digits missing after `.`",
        "millisecond fraction value is more than 3 digits long",
    }
)

_UNKNOWN_FIELD = (
    "an unknown field (its name is not shown); concerns carry facts only (no names, CPR numbers or "
    "free text); allowed: {allowed}"
)


def _choices(expected: str) -> tuple[str, ...]:
    """pydantic's ``'a', 'b' or 'c'`` as its values."""
    return tuple(o.strip(" '") for o in expected.replace(" or ", ", ").split(","))


def _one_of(options: tuple[str, ...]) -> dict[str, object]:
    """The values of a list of allowed values: ``'a', 'b'`` and the last one, joined by the language's "or"."""
    quoted = [repr(o) for o in options]
    if len(quoted) < 2:
        return {"expected": Phrase("{last}"), "last": "".join(quoted)}
    return {"expected": Phrase("{first} or {last}"), "first": ", ".join(quoted[:-1]), "last": quoted[-1]}


def _problem_of(err: Any) -> FieldProblem:
    loc = tuple(err["loc"])
    field = _field_name(loc)
    etype = err["type"]
    if etype == "extra_forbidden":
        # the caller's key is never repeated: a key can be a name or a CPR number as easily
        # as a misspelt field (``Mohammed_Hansen``, ``cpr_0102031234``); only a known field
        # name is ever shown, as the did-you-mean
        key = str(loc[-1])
        parent = "findings" if field.startswith("findings") else "concern"
        allowed = list(Findings.model_fields) if parent == "findings" else _CONCERN_FIELDS
        return FieldProblem.of(parent, _UNKNOWN_FIELD, suggest(key, allowed), allowed=", ".join(allowed))
    if etype == "missing":
        return FieldProblem.of(field, "is required")
    if etype == "timezone_aware":
        return FieldProblem.of(field, "needs a UTC offset, e.g. 2026-11-23T10:00:00+01:00 (naive times are ambiguous)")
    msg = str(err["msg"]).removeprefix("Value error, ")
    english = msg[0].lower() + msg[1:]
    ctx = err.get("ctx") or {}
    guess = None
    given = err.get("input")
    if etype == "value_error" and english in (_NOT_ISO, _IMPLAUSIBLE_YEAR):
        return FieldProblem.of(field, english)
    if etype == "enum" and "expected" in ctx:
        options = _choices(str(ctx["expected"]))
        if isinstance(given, str) and len(given) <= 64:
            # only a short text can be a misspelling; anything else is never turned into text
            guess = suggest(given, options)
        return FieldProblem.of(field, "input should be {expected}", guess, english, **_one_of(options))
    msgid = _PYDANTIC_WORDS.get(etype)
    if msgid is None:
        # a type of error the contract's fields do not give: said in general words, elsewhere than English
        return FieldProblem.of(field, "is not a valid value for this field", None, english)
    values: dict[str, object] = {k: v for k, v in ctx.items() if isinstance(v, int | str) and k != "error"}
    if "{error}" in msgid:
        detail = str(ctx.get("error", ""))
        if detail not in _TIME_ERRORS:
            msgid = "input should be a valid date-time"
        values["error"] = Phrase(detail)
    return FieldProblem.of(field, msgid, None, english, **values)


def concern_error(exc: ValidationError) -> ConcernError:
    """Every bad field of a concern, one problem per field, in the contract's field order."""
    by_field: dict[str, FieldProblem] = {}
    for err in exc.errors(include_url=False):
        problem = _problem_of(err)
        kept = by_field.setdefault(problem.field, problem)  # a union reports once per member: keep the first
        if kept.suggestion is None and problem.suggestion and err["type"] == "extra_forbidden":
            # several unknown keys: the one that looks like a misspelt field gives the did-you-mean
            by_field[problem.field] = problem

    def order(p: FieldProblem) -> tuple[int, str]:
        head = p.field.split(".", 1)[0]
        return (_CONCERN_FIELDS.index(head) if head in _CONCERN_FIELDS else len(_CONCERN_FIELDS), p.field)

    problems = sorted(by_field.values(), key=order)
    return ConcernError(problems[0].field, problems[0].message, problems[0].suggestion, problems=problems)


MAX_EVENT_BYTES = 64 * 1024  # a concern is a handful of facts; a larger event is not one
MAX_EVENT_DEPTH = 8  # a concern nests two levels (findings)
MAX_EVENT_DIGITS = 18


class _TooLongNumber:
    """What a JSON number with more digits than any field takes reads as: a value of no field's type."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<a number too long for any field>"


class _DuplicateKey(ValueError):
    """A JSON object names a key twice (the last would silently win)."""

    def __init__(self, key: str | None) -> None:
        super().__init__("duplicate key")
        self.key = key


_KNOWN_KEYS = frozenset(_CONCERN_FIELDS) | frozenset(Findings.model_fields)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object from its pairs, refusing a key given twice: ``{"acute": false, "acute": true}``
    must not route as acute because the last one wins. Only a known field's name is kept
    for the message."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key if key in _KNOWN_KEYS else None)
        out[key] = value
    return out


def _bounded_int(text: str) -> int | _TooLongNumber:
    return _TooLongNumber() if len(text.lstrip("-")) > MAX_EVENT_DIGITS else int(text)


def _json_depth_exceeds(text: str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than ``limit`` (before the recursive decoder runs)."""
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


# what Python's JSON decoder says is wrong (its C scanner's words; 3.13 adds the trailing commas)
_JSON_ERRORS = frozenset(
    {
        "Expecting value",
        "Expecting property name enclosed in double quotes",
        "Expecting ',' delimiter",
        "Expecting ':' delimiter",
        "Unterminated string starting at",
        "Invalid control character at",
        "Invalid \\escape",
        "Invalid \\uXXXX escape",
        "Extra data",
        "Illegal trailing comma before end of object",
        "Illegal trailing comma before end of array",
    }
)


def read_event_json(
    data: bytes,
    where: str,
    *,
    first_line: int | None = None,
    max_bytes: int = MAX_EVENT_BYTES,
    max_depth: int = MAX_EVENT_DEPTH,
) -> Any:
    """One JSON event from bytes, bounded in size, depth and number length; ConcernError on ``event`` otherwise.

    The errors name the place (``where``, line, column) and never show the content. An
    event that is one line of a larger file (``--events``) gives that line as
    ``first_line``: its errors then say ``where:line`` and ``where:line:column`` of the file.
    A body holding many events (the service's batch) sets its own ``max_bytes`` and ``max_depth``.
    """
    place = where if first_line is None else f"{where}:{first_line}"
    if len(data) > max_bytes:
        raise ConcernError.of(
            "event",
            "{place}: {size} bytes; an event is at most {limit} bytes",
            place=place,
            size=len(data),
            limit=max_bytes,
        )
    try:
        # utf-8-sig: Windows editors write a BOM
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConcernError.of(
            "event",
            "{place}: byte {byte} at offset {offset} is not valid UTF-8",
            place=place,
            byte=f"0x{data[exc.start]:02x}",
            offset=exc.start,
        ) from None
    if "\\" not in raw:
        value = _plain_read(raw, max_depth)
        if value is not _UNSURE:
            return value
    return _careful_read(raw, where, place, first_line, max_depth)


def _careful_read(raw: str, where: str, place: str, first_line: int | None, max_depth: int) -> Any:
    """:func:`read_event_json` of decoded text, with every check made as it reads, and its errors."""
    if _json_depth_exceeds(raw, max_depth):
        raise ConcernError.of(
            "event", "{place}: nested deeper than {limit} levels; a concern nests two", place=place, limit=max_depth
        )
    try:
        return json.loads(raw, parse_int=_bounded_int, object_pairs_hook=_unique_keys)
    except _DuplicateKey as exc:
        if exc.key:
            raise ConcernError.of(
                "event",
                "{place}: the field {key} appears twice in one object; give each field once",
                place=place,
                key=repr(exc.key),
            ) from None
        raise ConcernError.of(
            "event",
            "{place}: a field (its name is not shown) appears twice in one object; give each field once",
            place=place,
        ) from None
    except json.JSONDecodeError as exc:
        line = exc.lineno if first_line is None else first_line + exc.lineno - 1
        at = {"where": where, "line": line, "col": exc.colno}
        if exc.msg in _JSON_ERRORS:
            raise ConcernError.of(
                "event", "{where}:{line}:{col}: not valid JSON: {detail}", **at, detail=Phrase(exc.msg)
            ) from None
        problem = FieldProblem.of(
            "event",
            "{where}:{line}:{col}: not valid JSON",
            None,
            f"{where}:{line}:{exc.colno}: not valid JSON: {exc.msg}",  # Danish without the decoder's English words
            **at,
        )
        raise ConcernError("event", problem.message, problems=[problem]) from None
    except (RecursionError, ValueError):  # pragma: no cover - bounded above; never a traceback
        raise ConcernError.of("event", "{place}: cannot be read as JSON", place=place) from None


_UNSURE = object()  # _plain_read: not read; _careful_read will say what it is
_KEY_END = re.compile(r'"[ \t\n\r]*:')  # a string followed by a colon: each key, and perhaps a value's opening quote
_DIGITS_BOUND = 10**MAX_EVENT_DIGITS  # an int of at most MAX_EVENT_DIGITS digits is below it


def _plain_read(raw: str, max_depth: int) -> Any:
    """``raw`` read by the plain C decoder where that gives what :func:`_careful_read` gives; else _UNSURE.

    The careful read refuses a key given twice (a Python hook on every object), a number of
    too many digits (a Python hook on every int) and nesting too deep (a scan in Python of
    every character, before decoding): ~7 µs for a concern, where this takes ~3.5, and
    ~420 µs for the service's batch of 100, where this takes ~140. A text that is
    well-formed and has none of those reads the same without the hooks, and that is checked
    here after the fact, from the value and the text: at most ``max_depth`` levels of
    objects and arrays (the depth the scan counts), every int of at most MAX_EVENT_DIGITS
    digits (JSON has no leading zeros), and as many ``"`` + colon in the text as keys in the
    value. The caller passes only text without a backslash, so no string holds a quote:
    each key of the text is one such mark, and fewer keys in the value means one was given
    twice (a string value that starts with a colon is a mark too, and sends the text the
    careful way, which costs time, never correctness). Anything else, and every text with a
    problem, is read the careful way: the errors are its own. A text nested past Python's
    recursion limit stops the C decoder with RecursionError (no stack is at risk) and is
    read the careful way too, whose scan refuses it first.
    """
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        return _UNSURE
    keys = _keys_within(value, max_depth)
    if keys < 0 or keys != len(_KEY_END.findall(raw)):
        return _UNSURE
    return value


def _keys_within(value: Any, depth: int) -> int:
    """How many keys ``value`` holds in all its objects; -1 if it nests deeper than ``depth`` or holds a long int."""
    kind = type(value)
    if kind is dict:
        items: Any = value.values()
        keys = len(value)
    elif kind is list:
        items = value
        keys = 0
    elif kind is int:
        return 0 if -_DIGITS_BOUND < value < _DIGITS_BOUND else -1
    else:
        return 0
    if depth < 1:
        return -1
    for item in items:
        kind = type(item)
        if kind is dict or kind is list:
            inner = _keys_within(item, depth - 1)
            if inner < 0:
                return -1
            keys += inner
        elif kind is int and not -_DIGITS_BOUND < item < _DIGITS_BOUND:
            return -1
    return keys


def parse_concern(data: Concern | dict[str, Any]) -> Concern:
    """A Concern from a dict (or itself), or ConcernError naming every bad field."""
    if isinstance(data, Concern):
        return data
    if not isinstance(data, dict):
        raise ConcernError.of(
            "concern",
            "expected an object with fields {fields}, got {type}",
            fields=", ".join(_CONCERN_FIELDS),
            type=type(data).__name__,
        )
    return Concern.model_validate(data)


# --- the answer ----------------------------------------------------------------------


class ContactPoint(BaseModel):
    """How to reach an actor."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    channel: Channel = Field(description="How to reach the actor: phone, email, web, meeting or post.")
    value: str = Field(description="The number, address or link, as the plan writes it.")
    label: str | None = Field(default=None, description="The plan's words for this contact, if any.")


class EscalationNote(BaseModel):
    """Who takes over, and from when, if the action's deadline passes."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    on: Literal["deadline_passed"] = Field(description="When the escalation applies: the deadline has passed.")
    actor: str = Field(description="Actor id in the plan to escalate to.")
    name: str = Field(description="That actor's name as the plan writes it.")
    from_: dt.datetime | None = Field(
        default=None, alias="from", description="From when (the deadline), Europe/Copenhagen offset."
    )

    model_config = ConfigDict(frozen=True, populate_by_name=True, defer_build=True)


class Action(BaseModel):
    """One actor performing one step."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    step: str = Field(description="The step id this action performs (post it back as the next Concern's step).")
    actor: str = Field(description="Actor id in the plan.")
    name: str = Field(description="The actor's name as the plan writes it.")
    kind: ActorKind = Field(description="The contract's actor kind (emergency, police, infohus, ...).")
    contacts: list[ContactPoint] = Field(description="How to reach the actor; empty when the plan gives none.")
    available_from: dt.datetime = Field(
        description="When the actor can first act: received_at when open then, else its next opening (Copenhagen offset)."
    )
    act_by: dt.datetime | None = Field(default=None, description="The deadline where the plan sets one, else null.")
    role: Literal["primary", "escalation", "way_in"] = Field(
        default="primary",
        description="escalation: stands in while the primary actor is closed; way_in: a national line (the "
        "national hotline, or the police's 114) offered because the plan gives no usable contact for whoever "
        "receives the concern (an assumption, listed in assumptions).",
    )
    escalation: list[EscalationNote] = Field(
        default_factory=empty_list, description="Whom to escalate to if the deadline passes."
    )


class SourceRef(BaseModel):
    """Where in the plan text a deciding rule comes from."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    rule: str = Field(description="The rule id (or catch_all).")
    section: str | None = Field(default=None, description="The section of the plan text the rule cites.")
    quote: str | None = Field(default=None, description="The sentence(s) of the plan text it rests on, verbatim.")
    assumed: bool = Field(default=False, description="The rule is not in the plan text; see note.")
    note: str | None = Field(default=None, description="What the text does not say, for an assumed rule.")


class TraceStep(BaseModel):
    """A rule tried before the deciding one, and why it did not decide (route --explain)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    rule: str = Field(description="The rule's id.")
    condition: str = Field(
        description="The first part of the rule's condition that did not hold, as the plan writes it "
        "('when.age_band', 'when.all[1].findings.consent', 'when.any' when no alternative held)."
    )
    requires: list[str] = Field(
        description="What that part asks for (the plan's values, e.g. ['under_18']); empty for 'any' and 'not'. "
        "The concern's own values are never repeated."
    )
    text: str = Field(description="The same for people, in the language asked.")


class Decision(BaseModel):
    """Who acts next, how to reach them, by when, and why."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    plan: str = Field(description="The plan's slug (koege, herning, randers, kbh, broendby, ...).")
    next: list[Action] = Field(description="Who acts next (more than one when they act together).")
    notify: list[Action] = Field(description="Who must be informed in parallel (same shape).")
    rules: list[str] = Field(description="Ids of the plan rules that decided it.")
    legal_basis: list[LegalBasis] = Field(description="Legal anchors of the deciding rule (SEL-12b, BL-15-3, ...).")
    sources: list[SourceRef] = Field(description="Where in the plan text each deciding rule comes from.")
    path: list[str] = Field(
        description="Steps expected from here to the end of the case if the concern is substantiated."
    )
    explanation: list[str] = Field(description="Short human-readable lines saying why.")
    catch_all: bool = Field(default=False, description="No rule covered the concern: the plan's catch-all answered.")
    received_at: dt.datetime = Field(description="When the concern arrived, in Europe/Copenhagen offset.")
    assumptions: list[str] = Field(
        default_factory=empty_list, description="Facts this answer rests on that the plan text does not give."
    )
    plan_digest: str = Field(
        default="",
        description="sha256 of the plan's content as loaded ('sha256:<hex>'): ties a logged Decision to the exact plan.",
    )
    trace: list[TraceStep] | None = Field(
        default=None,
        description="Only with route(concern, explain=True) / route --explain: every rule tried before the deciding "
        "one, in the plan's order, with the first part of its condition that did not hold; null otherwise.",
    )


FINDING_NAMES = FINDINGS
