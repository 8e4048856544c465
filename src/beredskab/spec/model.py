"""The plan format: pydantic models for a municipal readiness plan (pure data, no I/O).

A plan file is a YAML mapping validated by :class:`PlanSpec`. Everything a routing
decision can depend on is data here: actors and their contacts, schedules, age bands,
steps, and an ordered list of rules whose conditions use a small closed language
(equality, membership, age band, boolean time facts, ``all``/``any``/``not``).

Precedence is **ordered first match**: rules are tried in the order they are written and
the first whose ``when`` holds decides. ``catch_all`` answers when no rule does.

Provenance: every actor, contact, schedule, step and rule carries either a ``source``
(section of the plan text, optionally the quoted sentence) or ``assumed: true`` with a
``note`` saying what the text does not give.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .vocabulary import ActorKind, Channel, FindingName, LegalBasis, Reporter, Topic

FORMAT_VERSION = 1

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
RuleId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


def empty_list() -> list[Any]:
    """A new empty list: the default of the format's list fields.

    Not ``default_factory=list``: pydantic asks each factory's signature, and for a builtin
    like ``list`` Python can only give it by tokenizing its text signature (the first time
    compiling the tokenizer's patterns): ~5 ms of every command that builds a model's schema.
    """
    return []


def empty_dict() -> dict[Any, Any]:
    """A new empty mapping: the default of the format's mapping fields (see :func:`empty_list`)."""
    return {}


class _Strict(BaseModel):
    """Base: unknown keys are errors, values are immutable once loaded."""

    # defer_build: a model's validator is built on its first use, not at import; a plan's
    # models are built once, inside Plan's, when the first plan loads (issue 21)
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


def _invalid(message_id: str, **values: str | int) -> PydanticCustomError:
    """A rule of the format broken, as a ``ValueError`` pydantic reports with its values kept apart.

    ``message_id`` is a literal English message id of the ``validate`` domain with named
    placeholders; :mod:`.positions` translates it into the validation's language and fills
    in ``values`` after translation (the rendered English is pydantic's own message).
    """
    return PydanticCustomError("beredskab", message_id, {"msgid": message_id, **values})


# --- provenance ----------------------------------------------------------------------


class Source(_Strict):
    """Where in the plan text a fact comes from."""

    section: Text = Field(description="Section number or heading in the source text, e.g. '3.2.3' or 'Sagsflow'.")
    quote: Text | None = Field(
        default=None,
        description="The sentence(s) of the source text this fact rests on, verbatim.",
    )
    seed: str | None = Field(
        default=None,
        description="Seed file the quote is from, when it is not the plan's own document "
        "(shared national actors cite other municipalities' texts).",
    )


class _Provenanced(_Strict):
    """A fact that must be traceable: a ``source``, or ``assumed: true`` with a ``note``."""

    source: Source | None = None
    assumed: bool = False
    note: Text | None = None

    @model_validator(mode="after")
    def _cited_or_assumed(self) -> _Provenanced:
        # two states, never both: an inference must not hide behind a nearby quote
        if self.assumed and self.source is not None:
            raise _invalid(
                "a value is either cited ('source') or assumed ('assumed: true' with a 'note'), not both; "
                "if the text does not say it, drop the source and say in the note what the text does say"
            )
        if self.assumed and not self.note:
            raise _invalid("an assumed value needs a 'note' saying what the text does not give")
        if not self.assumed and self.source is None:
            raise _invalid("cite the plan text with 'source', or mark the value 'assumed: true' with a 'note'")
        return self


# --- schedules -----------------------------------------------------------------------

_TIME_RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")
_CLOSED_DATE = re.compile(r"^(?:(\d{4})-)?(\d{2})-(\d{2})$")


def parse_time_range(text: str) -> tuple[int, int]:
    """``"08:00-15:30"`` -> minutes since midnight (480, 930); end may be ``24:00``."""
    m = _TIME_RANGE.match(text)
    if not m:
        raise _invalid("time range {text} must look like '08:00-15:30'", text=repr(text))
    start = int(m.group(1)) * 60 + int(m.group(2))
    end = int(m.group(3)) * 60 + int(m.group(4))
    if end > 24 * 60:
        raise _invalid("time range {text} ends after 24:00", text=repr(text))
    if end <= start:
        raise _invalid("time range {text} must end after it starts", text=repr(text))
    return start, end


TimeRange = Annotated[str, Field(pattern=_TIME_RANGE.pattern, examples=["08:00-15:00"])]


class ClosedDay(_Strict):
    """A plan's own closing day: ``MM-DD`` every year or ``YYYY-MM-DD`` once, optionally from a time."""

    date: Annotated[str, Field(pattern=_CLOSED_DATE.pattern, examples=["12-24", "2026-06-05"])]
    from_time: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] | None = Field(
        default=None, alias="from", description="Closed from this time of day (e.g. Grundlovsdag afternoon)."
    )
    name: str | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("date")
    @classmethod
    def _real_date(cls, v: str) -> str:
        m = _CLOSED_DATE.match(v)
        assert m  # the pattern already matched
        year = int(m.group(1)) if m.group(1) else 2024  # a leap year accepts 02-29
        _dt.date(year, int(m.group(2)), int(m.group(3)))
        return v


class Schedule(_Provenanced):
    """When an actor or contact can act.

    Either ``always: true`` (112), or weekly opening hours in a time zone, closed on Danish
    public holidays (from the ``holidays`` library) unless ``public_holidays: open``, and on
    the plan's own ``closed_days``.
    """

    name: Text | None = None
    always: bool = False
    timezone: Literal["Europe/Copenhagen"] = "Europe/Copenhagen"
    weekly: dict[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], list[TimeRange]] = Field(
        default_factory=empty_dict
    )
    public_holidays: Literal["closed", "open"] = "closed"
    closed_days: list[ClosedDay] = Field(default_factory=empty_list)

    @field_validator("weekly")
    @classmethod
    def _ranges_ok(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for day, ranges in v.items():
            spans = sorted(parse_time_range(r) for r in ranges)
            for (_, end), (start, _) in itertools.pairwise(spans):
                if start < end:
                    raise _invalid("opening hours on {day} overlap", day=day)
        return v

    @model_validator(mode="after")
    def _always_or_weekly(self) -> Schedule:
        if self.always and self.weekly:
            raise _invalid("a schedule is either 'always: true' or has 'weekly' hours, not both")
        if not self.always and not any(self.weekly.values()):
            raise _invalid("a schedule needs 'weekly' opening hours or 'always: true'")
        return self


# --- actors --------------------------------------------------------------------------


class Contact(_Provenanced):
    """One way to reach an actor, with its own availability."""

    channel: Channel
    value: Text
    schedule: Identifier | None = Field(
        default=None, description="Schedule id when this contact is available; default: the actor's schedule."
    )
    label: str | None = Field(default=None, description="What this contact is, as the text says (a role, a form).")


class Meetings(_Provenanced):
    """A forum's meeting rhythm as the text gives it."""

    rhythm: Text = Field(description="As written, e.g. 'månedlige møder' or 'hver 2. til 3. måned'.")
    ad_hoc: bool = False


class Actor(_Provenanced):
    """Someone who acts on or is informed of a concern."""

    name: Text = Field(description="The actor's name as the plan writes it (a role, never a private person).")
    kind: ActorKind
    organisation: Text | None = None
    members: list[Text] = Field(default_factory=empty_list, description="Members where the text lists them.")
    schedule: Identifier = Field(description="Schedule id: when this actor can act.")
    contacts: list[Contact] = Field(default_factory=empty_list)
    meetings: Meetings | None = None
    information_sharing: list[Literal["SSP", "PSP", "KSP"]] = Field(
        default_factory=empty_list,
        description="Cooperations under Retsplejeloven § 115 this actor takes part in (may share without consent).",
    )


# --- age bands and steps -------------------------------------------------------------


class AgeBand(_Provenanced):
    """Ages ``min``..``max`` inclusive, or ``unknown: true`` for concerns without an age."""

    label: Text
    min: Annotated[int, Field(ge=0, le=130)] | None = None
    max: Annotated[int, Field(ge=0, le=130)] | None = None
    unknown: bool = False

    @model_validator(mode="after")
    def _bounds(self) -> AgeBand:
        if self.unknown:
            if self.min is not None or self.max is not None:
                raise _invalid("the unknown-age band has no 'min'/'max'")
        else:
            if self.min is None or self.max is None:
                raise _invalid("an age band needs 'min' and 'max' (or 'unknown: true')")
            if self.min > self.max:
                raise _invalid("age band min {min} is above max {max}", min=self.min, max=self.max)
        return self


class Step(_Provenanced):
    """A step of the case flow. ``terminal`` steps end the flow (closed, or handed to another authority)."""

    name: Text
    terminal: Literal["closed", "handover"] | None = None


# --- conditions ----------------------------------------------------------------------


def _one_or_many(v: Any) -> Any:
    """Accept a single value where a list is expected (``reporter: citizen``)."""
    if v is None or isinstance(v, list):
        return v
    return [v]


def _nonempty(v: Any) -> Any:
    if isinstance(v, list) and not v:
        raise _invalid("an empty list matches nothing; drop the key or name at least one value")
    return v


def _scalar_or_list_schema(schema: dict[str, Any]) -> None:
    """JSON Schema for a field that takes one value or a non-empty list of values."""
    options = schema.get("anyOf", [schema])
    for opt in options:
        if opt.get("type") == "array":
            items = opt["items"]
            opt.clear()
            opt["anyOf"] = [items, {"type": "array", "items": items, "minItems": 1}]


def _listish(item: Any) -> Any:
    return Annotated[
        list[item],
        BeforeValidator(_one_or_many),
        BeforeValidator(_nonempty),
        Field(json_schema_extra=_scalar_or_list_schema),
    ]


class Condition(_Strict):
    """A closed condition over the concern and derived time facts. All keys given must hold.

    - ``acute``: bool
    - ``age_band``: band id or list of band ids (the band of the concern's age, or the unknown band)
    - ``reporter``, ``step``, ``topic``, ``severity``: value or list of values (``severity: none`` = not graded)
    - ``findings``: finding -> true/false/null (null: not established)
    - ``open``: schedule id -> whether ``received_at`` is inside that schedule
    - ``holiday``: whether ``received_at`` falls on a Danish public holiday
    - ``all`` / ``any`` / ``not``: combinators
    """

    acute: bool | None = None
    age_band: _listish(Identifier) | None = None  # type: ignore[valid-type]
    reporter: _listish(Reporter) | None = None  # type: ignore[valid-type]
    step: _listish(Identifier) | None = None  # type: ignore[valid-type]
    topic: _listish(Topic) | None = None  # type: ignore[valid-type]
    severity: _listish(Literal["high", "medium", "low", "none"]) | None = None  # type: ignore[valid-type]
    findings: dict[FindingName, bool | None] | None = None
    open: dict[Identifier, bool] | None = None
    holiday: bool | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if not self.model_fields_set:
            raise _invalid("an empty condition; write 'when: {}' only in 'catch_all'")
        for key in ("all", "any"):
            v = getattr(self, key)
            if v is not None and not v:
                raise _invalid("{key} needs at least one condition", key=repr(key))
        return self


def condition_children(cond: Condition) -> Iterator[tuple[str, int | None, Condition]]:
    """``cond``'s sub-conditions with where they stand: (``all``|``any``, index) or (``not``, None)."""
    for key in ("all", "any"):
        for i, sub in enumerate(getattr(cond, key) or ()):
            yield key, i, sub
    if cond.not_ is not None:
        yield "not", None, cond.not_


def iter_conditions(cond: Condition, path: tuple[Any, ...] = ()) -> Iterator[tuple[Condition, tuple[Any, ...]]]:
    """``cond`` and every sub-condition, depth first, each with its path in the plan's data.

    The one walker over conditions: routing, the analyses, the reference checks and the
    law checks all use it (through ``routing.facts`` above this layer).
    """
    stack = [(cond, path)]
    while stack:
        c, p = stack.pop()
        yield c, p
        subs = [(sub, (*p, key) if i is None else (*p, key, i)) for key, i, sub in condition_children(c)]
        stack.extend(reversed(subs))


# --- actions and rules ---------------------------------------------------------------

_DURATION = re.compile(r"^P(?:(\d+)M|(\d+)D|T(\d+)H)$")


def parse_duration(text: str) -> tuple[str, int]:
    """ISO 8601 subset ``PT24H`` / ``P3D`` / ``P3M`` -> ("hours"|"days"|"months", n)."""
    m = _DURATION.match(text)
    if not m:
        raise _invalid("duration {text} must be one of PT<n>H, P<n>D, P<n>M", text=repr(text))
    if m.group(1):
        return "months", int(m.group(1))
    if m.group(2):
        return "days", int(m.group(2))
    return "hours", int(m.group(3))


# ten years in each unit: far beyond any plan's deadline, far within datetime's range
MAX_DURATION = {"hours": 87_600, "days": 3_660, "months": 120}
# one message id per unit, so the unit is translated with the sentence
_TOO_LONG = {
    "hours": "duration {text} is longer than ten years (at most {limit} hours)",
    "days": "duration {text} is longer than ten years (at most {limit} days)",
    "months": "duration {text} is longer than ten years (at most {limit} months)",
}


def _bounded_duration(text: str) -> str:
    if _DURATION.match(text):  # the pattern check reports a malformed one
        unit, n = parse_duration(text)
        if n > MAX_DURATION[unit]:
            raise _invalid(_TOO_LONG[unit], text=repr(text), limit=MAX_DURATION[unit])
    return text


Duration = Annotated[
    str, Field(pattern=_DURATION.pattern, examples=["PT24H", "P3M"]), AfterValidator(_bounded_duration)
]


class Deadline(_Provenanced):
    """By when the action must be done, counted from ``received_at``.

    ``within`` is one duration; ``by_severity`` grades it (København: 24/48/72 h), with
    ``unknown`` used when the concern carries no severity. ``clock: wall`` counts calendar
    time; ``clock: opening_hours`` counts only the acting actor's open hours.
    """

    within: Duration | None = None
    by_severity: dict[Literal["high", "medium", "low", "unknown"], Duration] | None = None
    clock: Literal["wall", "opening_hours"] = "wall"

    @model_validator(mode="after")
    def _one_kind(self) -> Deadline:
        if (self.within is None) == (self.by_severity is None):
            raise _invalid("a deadline has exactly one of 'within' or 'by_severity'")
        if self.by_severity is not None:
            missing = {"high", "medium", "low"} - set(self.by_severity)
            if missing:
                raise _invalid("'by_severity' lacks {missing}", missing=str(sorted(missing)))
        if self.clock == "opening_hours":
            durations = [self.within] if self.within else list((self.by_severity or {}).values())
            if any(not d.startswith("PT") for d in durations if d):
                raise _invalid("an 'opening_hours' deadline counts open hours: give it as PT<n>H")
        return self


class Escalation(_Provenanced):
    """What happens when the acting actor is closed at ``received_at``, or its deadline passes."""

    on: Literal["closed", "deadline_passed"]
    actor: Identifier
    step: Identifier | None = Field(default=None, description="Step the escalation actor performs; default: the same.")
    via: list[Channel] | None = None


class ActionSpec(_Strict):
    """One actor performing one step, reached through some or all of its contacts."""

    actor: Identifier
    step: Identifier
    via: list[Channel] | None = Field(
        default=None, description="Contact channels to present; default: all of the actor's contacts."
    )
    deadline: Deadline | None = None
    escalation: list[Escalation] = Field(default_factory=empty_list)


class Rule(_Provenanced):
    """If ``when`` holds (and no earlier rule did), ``next`` act and ``notify`` are informed."""

    id: RuleId
    description: Text | None = None
    when: Condition
    next: list[ActionSpec] = Field(min_length=1)
    notify: list[ActionSpec] = Field(default_factory=empty_list)
    legal_basis: list[LegalBasis] = Field(default_factory=empty_list)
    explanation: Text = Field(description="One human line saying why, shown in the decision.")


class CatchAll(_Provenanced):
    """The explicit answer for a concern no rule covers. Every plan must have one."""

    next: list[ActionSpec] = Field(min_length=1)
    notify: list[ActionSpec] = Field(default_factory=empty_list)
    legal_basis: list[LegalBasis] = Field(default_factory=empty_list)
    explanation: Text


# --- the plan ------------------------------------------------------------------------


class Municipality(_Strict):
    name: Text
    kommunekode: Annotated[int, Field(ge=100, le=999)]
    slug: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
    police_district: Text


class DocumentDate(_Provenanced):
    """A date the text gives (or a marked assumption); ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""

    date: Annotated[str, Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]

    @field_validator("date")
    @classmethod
    def _real(cls, v: str) -> str:
        parts = [int(p) for p in v.split("-")]
        _dt.date(parts[0], *(parts[1:] + [1] * (3 - len(parts))))  # raises on month 13, day 30 Feb...
        return v

    def as_date(self, end: bool = False) -> _dt.date:
        """The first (or with ``end``, the last) day the value can mean."""
        parts = [int(p) for p in self.date.split("-")]
        if len(parts) == 3:
            return _dt.date(*parts)
        if len(parts) == 2:
            if not end:
                return _dt.date(parts[0], parts[1], 1)
            nxt = _dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
            return nxt - _dt.timedelta(days=1)
        return _dt.date(parts[0], 12, 31) if end else _dt.date(parts[0], 1, 1)


class Published(_Provenanced):
    """The address where the plan is published."""

    url: Annotated[str, Field(pattern=r"^https?://\S+$", max_length=2000)] = Field(
        description="The published plan's address (http or https)."
    )


class Owner(_Provenanced):
    """Who keeps the plan: a unit or a role, never a person's name."""

    name: Text


class Approval(_Provenanced):
    """Who approved the plan (the municipal council, a committee) and when."""

    by: Text
    date: Annotated[str, Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")] | None = Field(
        default=None, description="YYYY, YYYY-MM or YYYY-MM-DD."
    )


class Document(_Strict):
    """The plan document the file encodes: its title, where to read it, its dates."""

    title: Text = Field(description="The document's title as printed on it.")
    url: Annotated[str, Field(pattern=r"^https?://\S+$", max_length=2000)] | None = Field(
        default=None, description="Where the document is published (http or https)."
    )
    text: Annotated[str, Field(min_length=1, max_length=500, pattern=r"^[^\x00]+$")] | None = Field(
        default=None,
        description="The document as plain text (UTF-8), relative to the plan file; when given, every quote "
        "is checked to be verbatim from it (BK903).",
    )
    seed: Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{1,200}$")] | None = Field(
        default=None,
        description="A name for the text that quotes may refer to (``source.seed``) when they cite another "
        "document; the shipped plans name their source texts so.",
    )
    language: Literal["da"] = Field(
        default="da",
        description="The language the plan's own words (names, notes, descriptions, explanations) are "
        "written in: Danish, as the municipal documents are. ``--lang en`` translates the tool's words, "
        "never the plan's.",
    )
    adopted: DocumentDate | None = None
    revised: DocumentDate | None = None
    next_revision_due: DocumentDate | None = None
    published: Published | None = Field(
        default=None,
        description="Where the municipality publishes the plan (Barnets Lov § 15, stk. 3); the action card "
        "points readers to it. BK707 reports a plan without it.",
    )
    owner: Owner | None = Field(default=None, description="Who keeps the plan (and the action card made from it).")
    approved: Approval | None = Field(default=None, description="Who approved the plan, and when.")


class ResponsePromise(_Provenanced):
    """How soon the plan promises that someone can act on a not-acute concern.

    ``within`` a duration of ``received_at`` (wall clock), or ``by: next_working_day``
    (someone can act before the end of the next Danish working day: Monday to Friday,
    not a public holiday). ``beredskab validate`` reports every window of the week in
    which nobody in ``next`` can act within the promise.
    """

    within: Duration | None = None
    by: Literal["next_working_day"] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> ResponsePromise:
        if (self.within is None) == (self.by is None):
            raise _invalid("a response promise has exactly one of 'within' or 'by'")
        return self


class LegalBasisDeclaration(_Provenanced):
    """Where the plan's text names a law it rests on (or that citing it is an assumption)."""


class SignOfConcern(_Provenanced):
    """A sign of concern (bekymringstegn) as the plan lists it: the first half of the action card."""

    text: Annotated[str, Field(min_length=1, max_length=200)] = Field(
        description="The sign in the plan's words (Danish), short enough for a line of the card (at most 200 "
        "characters; the quote in ``source`` holds the whole sentence)."
    )


class AudienceAdvice(_Provenanced):
    """What the plan tells one audience (employees, citizens, relatives) to do when worried."""

    advice: Annotated[str, Field(min_length=1, max_length=300)] = Field(
        description="The plan's advice to this audience, in its words (Danish), short enough for the card (at "
        "most 300 characters; the quote in ``source`` holds the whole passage)."
    )


class Statement(_Provenanced):
    """One thing the plan says happens after a concern is raised (receipt, feedback, a meeting)."""

    text: Annotated[str, Field(min_length=1, max_length=300)] = Field(
        description="What happens, in the plan's words (Danish), at most 300 characters."
    )


class OnCall(_Provenanced):
    """The on-call service that assesses an underretning within 24 hours when the offices are closed."""

    actor: Identifier = Field(description="The actor (plan or national) that is the on-call service.")


class SisterPlan(_Provenanced):
    """The municipality's plan for another topic (CDE: keep negative social control in its own plan)."""

    title: Text
    url: Annotated[str, Field(pattern=r"^https?://\S+$", max_length=2000)] | None = None


Audience = Literal["professional", "citizen", "relative"]


class PlanSpec(_Strict):
    """A whole plan file."""

    format: Literal[1] = Field(description="Plan format version.")
    municipality: Municipality
    document: Document
    national_actors: list[Identifier] = Field(
        default_factory=empty_list,
        description="Shared national actors (112, the national hotline, PET, ...) this plan uses, by id.",
    )
    schedules: dict[Identifier, Schedule] = Field(default_factory=empty_dict)
    actors: dict[Identifier, Actor]
    age_bands: dict[Identifier, AgeBand]
    steps: dict[Identifier, Step]
    response_promise: ResponsePromise | None = Field(
        default=None, description="How soon someone can act on a not-acute concern, where the plan promises it."
    )
    legal_bases: dict[LegalBasis, LegalBasisDeclaration] = Field(
        default_factory=empty_dict,
        description="Every legal id the plan's rules cite, with the place in the text that names the law "
        "(or assumed: true with a note where the text does not name it).",
    )
    rules: list[Rule] = Field(min_length=1)
    catch_all: CatchAll
    signs_of_concern: list[SignOfConcern] = Field(
        default_factory=empty_list,
        max_length=40,
        description="The signs of concern (bekymringstegn) the plan lists: the action card's first half.",
    )
    audiences: dict[Audience, AudienceAdvice] = Field(
        default_factory=empty_dict,
        description="What the plan tells employees (professional), citizens and relatives to do when worried.",
    )
    after_contact: list[Statement] = Field(
        default_factory=empty_list,
        max_length=20,
        description="What the plan says happens after a concern is raised (receipt, feedback to the reporter).",
    )
    on_call: OnCall | None = Field(
        default=None,
        description="The on-call service that meets the 24-hour assessment of an underretning outside office "
        "hours (BK706).",
    )
    sister_plans: dict[Topic, SisterPlan] = Field(
        default_factory=empty_dict,
        description="The municipality's plan for another topic, by topic (negative_social_control; BK708).",
    )
    not_person_names: dict[Annotated[str, Field(min_length=1, max_length=200)], Text] = Field(
        default_factory=empty_dict,
        description="Names BK905 (personal-name) took for a person's that are not one (a role, a place, a "
        'building named after someone), each with the reason, e.g. {"Jens Baggesen": "the school\'s name"}. '
        "Written as the check's message gives the name (case and spacing do not matter).",
    )


class Duty(_Strict):
    """A national rule every plan inherits, cited to the law or guidance it comes from."""

    within: Duration | None = Field(default=None, description="The time the rule gives, where it is a duration.")
    working_days: Annotated[int, Field(ge=1, le=60)] | None = Field(
        default=None, description="The time the rule gives, where it counts working days."
    )
    reference: Text = Field(
        description="The law or national guidance that says it (not one of the seed texts, so not quoted)."
    )


class Duties(_Strict):
    """The national duties on an underretning (Barnets Lov §§ 133-135)."""

    underretning_assessment: Duty
    underretning_receipt: Duty


class ReporterRule(_Strict):
    """Whether a reporter may stay anonymous, and whether the stricter duty to report a child binds them."""

    anonymous: bool
    stricter_duty: bool = Field(
        default=False,
        description="The stricter duty to report (skærpet underretningspligt) of public employees.",
    )
    reference: Text


class NationalCatalogue(_Strict):
    """Actors shared by every plan (defined once, in the package's ``national.yaml``)."""

    format: Literal[1]
    schedules: dict[Identifier, Schedule]
    actors: dict[Identifier, Actor]
    duties: Duties
    reporting: dict[Literal["professional", "citizen", "relative", "national_hotline"], ReporterRule]
