"""The action card "Er du bekymret?" (``beredskab card``): one A4 page for front-line staff, generated from a plan.

The municipalities' own texts carry hand-made one-page cards for schools and jobcentres;
this one is computed from the plan, so it never drifts from it. Every answer on it is a
routed decision on concrete days (the first working weekday and the first Saturday on or
after ``as_of``, neither a public holiday nor one of the plan's closing days):

1. title, municipality, the plan's title and revision date;
2. acute: whom the plan routes an acute concern to at 10:00 and at 20:00 on that weekday
   (112: from the plan, else from the national catalogue, marked so); the police's
   non-emergency line 114 only where the plan itself lists it, on its own line, never as an
   acute number;
3. not acute, per age band, from a professional at intake, on the weekday at 10:00 and at
   20:00 and on the Saturday at 12:00: whom to contact, how, and when they are open
   (identical cells and rows merged, so the card stays one page); assumed hours are marked
   where they are shown, and an actor with assumed hours and no contact of its own (a line
   manager) claims none; an escalation "while they are closed" only where it is open;
4. the national hotline and its hours (from the plan or the national catalogue);
5. what happens next: the expected path of each row's concern, by step name;
6. the assumed facts (``assumed: true``) the card rests on, by short name (an assumed
   deadline only where a routed decision has an ``act_by`` from it).

All plan text is data: the HTML template autoescapes it, the markdown one escapes it with
``|md``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from .._i18n import DEFAULT_LANG, Translate, translator
from ..plan import Plan
from ..routing.calendar import ZONE, is_public_holiday, wall_moment
from ..routing.concern import Action, ContactPoint, Decision
from ..routing.router import CATCH_ALL_ID
from ..spec.model import Actor, CatchAll, Contact, Rule, Schedule, parse_duration, parse_time_range
from ..spec.national import load_national
from ..spec.vocabulary import ActorKind, Channel, Reporter
from ._templates import render

__all__ = ["CARD_FORMATS", "CardFormat", "render_card"]

CardFormat = Literal["html", "markdown"]
CARD_FORMATS: tuple[CardFormat, ...] = ("html", "markdown")

_TEMPLATES: dict[CardFormat, str] = {"html": "card.html.j2", "markdown": "card.md.j2"}
_WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# the national catalogue's emergency line: on every card, from the catalogue where the plan
# does not route an acute concern to its number
_EMERGENCY = "alarm_112"
# the police's non-emergency line: on a card only where the plan itself lists it, and never
# as an acute number
_POLICE_NON_EMERGENCY = "police_114"
_MAX_SEARCH_DAYS = 400
# the card's estimated lines past which it is set smaller to stay on one A4 page
_TIGHT_LINES, _DENSE_LINES = 40, 52


# --- what the card shows ---------------------------------------------------------------


@dataclass(frozen=True)
class ContactLine:
    """One way to reach an actor: ``channel`` (translated word), ``value``, the plan's label."""

    channel: str
    value: str
    label: str | None
    kind: str  # the channel's id: phone, email, web, meeting, post
    hours: str | None  # the contact's own hours, where they differ from the actor's
    hours_assumed: bool = False  # those hours are an assumption (``assumed: true``)


@dataclass(frozen=True)
class Entry:
    """One actor on the card: who, how to reach them, and when they are open."""

    name: str
    contacts: tuple[ContactLine, ...]
    hours: str | None  # None: the plan states none, and the card claims none
    hours_assumed: bool = False  # the hours shown are an assumption, marked where shown
    assumed: bool = False
    note: str | None = None  # e.g. "not named in this plan"
    mark: str = ""  # A, B, ...: how a row's cells refer to it when the row has several
    way_in: bool = False  # the router's national way in: on one line, it is no part of the plan


@dataclass(frozen=True)
class Status:
    """Whether one actor of a row can act at the routed moment (``escalation``: instead of a closed one)."""

    actor: str
    name: str
    open: bool
    escalation: bool = False
    mark: str = ""


@dataclass(frozen=True)
class Cell:
    """What the card says for one or more adjacent times of one row."""

    times: tuple[str, ...]
    span: int
    statuses: tuple[Status, ...]
    notify: tuple[str, ...]

    @property
    def all_open(self) -> bool:
        return all(st.open and not st.escalation for st in self.statuses)


@dataclass(frozen=True)
class Row:
    """One or more age bands the plan answers alike: whom to contact, and their status at each time."""

    labels: tuple[str, ...]
    contacts: tuple[Entry, ...]
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Course:
    """What happens next for the concerns of some age bands: the expected steps, by name."""

    labels: tuple[str, ...]
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Said:
    """A line of the plan's own words on the card (a sign, advice, what happens next), marked where assumed."""

    text: str
    assumed: bool = False


@dataclass(frozen=True)
class CitizenRow:
    """Whom a citizen or a relative contacts, in the daytime, for the concerns of some age bands."""

    labels: tuple[str, ...]
    contacts: tuple[Entry, ...]


@dataclass(frozen=True)
class Column:
    title: str
    moment: str  # "mandag 23.11.2026 kl. 10.00"
    short: str  # "man 23.11. kl. 10.00"


@dataclass
class _Assumptions:
    """The assumed facts the card rests on, in first-use order, by short name."""

    items: dict[tuple[str, str], str] = dataclasses.field(default_factory=dict)

    def add(self, assumed: bool, kind: str, key: str, name: str) -> None:
        if assumed:
            self.items.setdefault((kind, key), name)

    def names(self) -> list[str]:
        return list(self.items.values())


# --- words -----------------------------------------------------------------------------


def _clock(minute: int, _: Translate, *, whole: bool = True) -> str:
    """``480`` -> ``8`` (whole hours) or ``8.30`` / ``8:30``."""
    hour, rest = divmod(minute, 60)
    if whole and rest == 0:
        return str(hour)
    return _("{hour}:{minute:02d}").format(hour=hour, minute=rest)


def _ranges(spans: Sequence[tuple[int, int]], _: Translate) -> str:
    return _(" and ").join(f"{_clock(s, _)}-{_clock(e, _)}" for s, e in spans)


def schedule_words(spec: Schedule, _: Translate) -> str:
    """Weekly hours in words: ``man-tor 8-15, fre 8-13, lukket på helligdage``."""
    if spec.always:
        return _("around the clock")
    days = [sorted(parse_time_range(r) for r in spec.weekly.get(key, [])) for key in _WEEKDAY_KEYS]  # type: ignore[call-overload]
    if all(d == [(0, 24 * 60)] for d in days):
        text = _("around the clock, every day")
    else:
        groups: list[tuple[int, int, list[tuple[int, int]]]] = []
        for i, spans in enumerate(days):
            if not spans:
                continue
            if groups and groups[-1][1] == i - 1 and groups[-1][2] == spans:
                groups[-1] = (groups[-1][0], i, spans)
            else:
                groups.append((i, i, spans))
        parts = []
        for first, last, spans in groups:
            if first == 0 and last == 6:
                when = _("daily")
            elif first == last:
                when = _(_DAY_ABBR[first])
            else:
                when = f"{_(_DAY_ABBR[first])}-{_(_DAY_ABBR[last])}"
            parts.append(f"{when} {_ranges(spans, _)}")
        text = ", ".join(parts)
    closed: list[str] = []
    if spec.public_holidays == "closed":
        closed.append(_("public holidays"))
    for cd in spec.closed_days:
        *year, month, day = cd.date.split("-")
        date = _("{day}/{month}").format(day=int(day), month=int(month)) + (f" {year[0]}" if year else "")
        if cd.from_time:
            h, m = (int(p) for p in cd.from_time.split(":"))
            date = _("{date} from {time}").format(date=date, time=_clock(h * 60 + m, _))
        closed.append(cd.name or date)
    if closed:
        text = _("{hours}; closed on {days}").format(hours=text, days=", ".join(closed))
    return text


def _date_words(date: str, _: Translate) -> str:
    parts = [int(p) for p in date.split("-")]
    if len(parts) == 1:
        return str(parts[0])
    month = _(_MONTHS[parts[1] - 1])
    if len(parts) == 2:
        return _("{month} {year}").format(month=month, year=parts[0])
    return _("{day} {month} {year}").format(day=parts[2], month=month, year=parts[0])


def _moment_words(moment: dt.datetime, _: Translate, *, short: bool = False) -> str:
    loc = moment.astimezone(ZONE)
    words = _("{weekday} {day}/{month} at {time}") if short else _("{weekday} {day}/{month}/{year} at {time}")
    return words.format(
        weekday=_((_DAY_ABBR if short else _DAY_NAMES)[loc.weekday()]),
        day=loc.day,
        month=loc.month,
        year=loc.year,
        time=_clock(loc.hour * 60 + loc.minute, _, whole=False),
    )


_CHANNELS: dict[Channel, str] = {
    Channel.PHONE: "phone",
    Channel.EMAIL: "email",
    Channel.WEB: "web",
    Channel.MEETING: "in person",
    Channel.POST: "post",
}


# --- the concrete days -----------------------------------------------------------------


def _closing_day(plan: Plan, day: dt.date) -> bool:
    """Whether one of the plan's schedules closes all or part of ``day`` (24 December...)."""
    for sched in plan.compiled.schedules.values():
        for cd in sched.spec.closed_days:
            *year, month, dom = (int(p) for p in cd.date.split("-"))
            if (month, dom) == (day.month, day.day) and (not year or year[0] == day.year):
                return True
    return False


def card_days(plan: Plan, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The first working weekday and the first Saturday on or after ``as_of`` (no public
    holiday, none of the plan's closing days)."""
    weekday = saturday = None
    for offset in range(_MAX_SEARCH_DAYS):
        day = as_of + dt.timedelta(days=offset)
        if is_public_holiday(day) or _closing_day(plan, day):
            continue
        if weekday is None and day.weekday() < 5:
            weekday = day
        if saturday is None and day.weekday() == 5:
            saturday = day
        if weekday is not None and saturday is not None:
            return weekday, saturday
    raise ValueError(f"no working weekday and Saturday within {_MAX_SEARCH_DAYS} days of {as_of}")  # pragma: no cover


# --- building the card -----------------------------------------------------------------


class _Builder:
    def __init__(self, plan: Plan, _: Translate) -> None:
        self.plan = plan
        self._ = _
        self.actors = plan.compiled.actors
        self.schedules = plan.compiled.schedules
        self.assumptions = _Assumptions()

    # -- facts used, and their provenance

    def hours(self, sid: str) -> str:
        sched = self.schedules[sid].spec
        self.assumptions.add(sched.assumed, "schedule", sid, self._("{name} (hours)").format(name=sched.name or sid))
        return schedule_words(sched, self._)

    def actor(self, aid: str, actor: Actor) -> None:
        self.assumptions.add(actor.assumed, "actor", aid, actor.name)

    def actor_hours(self, actor: Actor) -> tuple[str | None, bool]:
        """The actor's hours in words and whether they are assumed; ``None`` where the plan
        states no hours and the actor is no office one could reach in them (a line manager,
        or an actor without a contact of its own): the card then claims no hours. The cells
        still route on the assumed schedule, so it stays in the assumptions line."""
        words = self.hours(actor.schedule)
        assumed = self.schedules[actor.schedule].spec.assumed
        if assumed and (actor.kind == ActorKind.LINE_MANAGER or not actor.contacts):
            return None, True
        return words, assumed

    def contact_lines(
        self, aid: str, actor: Actor, points: Iterable[ContactPoint | Contact]
    ) -> tuple[ContactLine, ...]:
        out = []
        for point in points:
            spec = next((c for c in actor.contacts if c.channel == point.channel and c.value == point.value), None)
            own_hours = None
            own_assumed = False
            if spec is not None:
                key = f"{aid}:{spec.channel}:{spec.value}"
                name = self._("{actor}: {channel} {value}").format(
                    actor=actor.name, channel=self._(_CHANNELS[spec.channel]), value=spec.value
                )
                self.assumptions.add(spec.assumed, "contact", key, name)
                if spec.schedule is not None and spec.schedule != actor.schedule:
                    own_hours = self.hours(spec.schedule)
                    own_assumed = self.schedules[spec.schedule].spec.assumed
            channel = self._(_CHANNELS[point.channel])
            out.append(ContactLine(channel, point.value, point.label, point.channel.value, own_hours, own_assumed))
        return tuple(out)

    def entry(self, action: Action) -> Entry:
        actor = self.actors[action.actor]
        self.actor(action.actor, actor)
        contacts = self.contact_lines(action.actor, actor, action.contacts)
        hours, hours_assumed = self.actor_hours(actor)
        return Entry(
            name=action.name, contacts=contacts, hours=hours, hours_assumed=hours_assumed, assumed=actor.assumed
        )

    def catalogue_entry(self, aid: str, actor: Actor, note: str | None) -> Entry:
        self.actor(aid, actor)
        contacts = self.contact_lines(aid, actor, actor.contacts)
        hours, hours_assumed = self.actor_hours(actor)
        return Entry(
            name=actor.name,
            contacts=contacts,
            hours=hours,
            hours_assumed=hours_assumed,
            assumed=actor.assumed,
            note=note,
        )

    def decision(self, decision: Decision) -> Decision:
        """Count the deciding rule, the escalations the decision shows, and the assumed
        deadlines it sets (an ``act_by`` from them: none where the deadline has no time for
        the concern), as used."""
        rid, rule = _deciding(self.plan, decision)
        name = self._("rule {id}").format(id=rid) if isinstance(rule, Rule) else self._("the plan's catch-all")
        self.assumptions.add(rule.assumed, "rule", rid, name)
        shown = {a.actor for a in decision.next if a.role == "escalation"}
        for spec in (*rule.next, *rule.notify):
            for esc in spec.escalation:
                if esc.on == "closed" and esc.actor in shown:
                    target = self.actors[esc.actor].name
                    name = self._("escalation to {actor}").format(actor=target)
                    self.assumptions.add(esc.assumed, "escalation", f"{rid}:{spec.actor}:{esc.actor}", name)
        for action in (*decision.next, *decision.notify):
            if action.act_by is None or action.role == "escalation":
                continue
            for spec in (*rule.next, *rule.notify):
                if spec.actor == action.actor and spec.step == action.step and spec.deadline is not None:
                    name = self._("deadline for {actor}").format(actor=action.name)
                    key = f"{rid}:{spec.actor}:{spec.step}"
                    self.assumptions.add(spec.deadline.assumed, "deadline", key, name)
        return decision

    def route(
        self, moment: dt.datetime, *, acute: bool, age: int | None, reporter: Reporter = Reporter.PROFESSIONAL
    ) -> Decision:
        concern = {
            "acute": acute,
            "age": age,
            "reporter": reporter.value,
            "step": "intake",
            "received_at": moment.isoformat(),
        }
        return self.decision(self.plan.route(concern))

    def step_names(self, path: Iterable[str]) -> tuple[str, ...]:
        out = []
        for sid in path:
            step = self.plan.steps[sid]
            self.assumptions.add(step.assumed, "step", sid, self._("step {name}").format(name=step.name))
            out.append(step.name)
        return tuple(out)


def _merge_cells(columns: Sequence[Column], cells: Sequence[tuple[tuple[Status, ...], tuple[str, ...]]]) -> list[Cell]:
    """One cell per run of adjacent times the plan answers alike."""
    merged: list[Cell] = []
    for column, (statuses, notify) in zip(columns, cells, strict=True):
        last = merged[-1] if merged else None
        if last is not None and last.statuses == statuses and last.notify == notify:
            merged[-1] = Cell((*last.times, column.title), last.span + 1, statuses, notify)
        else:
            merged.append(Cell((column.title,), 1, statuses, notify))
    return merged


def _deciding(plan: Plan, decision: Decision) -> tuple[str, Rule | CatchAll]:
    """The id and the rule (or the catch-all) that decided ``decision``."""
    rid = decision.rules[0] if decision.rules else CATCH_ALL_ID
    rule = next((r for r in plan.rules if r.id == rid), None)
    return rid, rule if rule is not None else plan.catch_all


def _plan_lists(plan: Plan, aid: str) -> bool:
    """Whether the plan itself names actor ``aid``: among its national actors or its actors,
    or acting, informed or escalated to in one of its rules (or its catch-all)."""
    if aid in plan.national_actors or aid in plan.actors:
        return True
    rules: list[Rule | CatchAll] = [*plan.rules, plan.catch_all]
    for rule in rules:
        for spec in (*rule.next, *rule.notify):
            if spec.actor == aid or any(esc.actor == aid for esc in spec.escalation):
                return True
    return False


def _card_context(plan: Plan, _: Translate, lang: str, as_of: dt.date) -> dict[str, object]:
    b = _Builder(plan, _)
    weekday, saturday = card_days(plan, as_of)
    day_in, day_out, sat = wall_moment(weekday, 10 * 60), wall_moment(weekday, 20 * 60), wall_moment(saturday, 12 * 60)
    columns = [
        Column(title, _moment_words(moment, _), _moment_words(moment, _, short=True))
        for title, moment in (
            (_("Weekday 10:00"), day_in),
            (_("Weekday 20:00"), day_out),
            (_("Saturday 12:00"), sat),
        )
    ]

    # 2. acute: what the plan routes at 10:00 and at 20:00 on a weekday; 114 is no acute number
    acute: list[Entry] = []
    seen: set[str] = {_POLICE_NON_EMERGENCY}
    for moment in (day_in, day_out):
        decision = b.route(moment, acute=True, age=None)
        for action in decision.next:
            if action.actor in seen:
                continue
            seen.add(action.actor)
            phones = [c for c in action.contacts if c.channel == Channel.PHONE] or list(action.contacts)
            entry = b.entry(action.model_copy(update={"contacts": phones}))
            acute.append(entry)
    national = load_national()
    # 112 is on every card: where the plan routes no acute concern to it, the national
    # catalogue's actor is shown, marked as not named in the plan
    emergency = national.actors.get(_EMERGENCY)
    shown = {c.value for e in acute for c in e.contacts}
    if emergency is not None and not {c.value for c in emergency.contacts} <= shown:
        acute.append(b.catalogue_entry(_EMERGENCY, emergency, _("not named in this plan")))
    numbers = list(dict.fromkeys(c.value for e in acute for c in e.contacts if c.kind == "phone"))
    # 114, the police's non-emergency line: only where the plan itself lists it
    police: Entry | None = None
    if _plan_lists(plan, _POLICE_NON_EMERGENCY):
        actor = plan.compiled.actors.get(_POLICE_NON_EMERGENCY) or national.actors.get(_POLICE_NON_EMERGENCY)
        if actor is not None:
            police = b.catalogue_entry(_POLICE_NON_EMERGENCY, actor, None)
            police_phones = tuple(c for c in police.contacts if c.kind == "phone")
            police = dataclasses.replace(police, contacts=police_phones or police.contacts)

    # 3. not acute, by age band and time; bands answered alike share a row
    bands = [band for band in plan.age_bands.items() if not band[1].unknown]
    bands += [band for band in plan.age_bands.items() if band[1].unknown]
    rows: list[Row] = []
    courses: list[Course] = []
    daytime: dict[str, tuple[str, ...]] = {}  # band -> who an employee's concern goes to at 10:00
    for bid, band in bands:
        b.assumptions.add(band.assumed, "band", bid, _("age band {label}").format(label=band.label))
        age = None if band.unknown else band.min
        raw = []
        entries: dict[str, Entry] = {}
        first: Decision | None = None
        for moment in (day_in, day_out, sat):
            decision = b.route(moment, acute=False, age=age)
            first = first or decision
            for a in decision.next:
                if a.actor not in entries:
                    entries[a.actor] = b.entry(a)
                    if a.role == "way_in":
                        # the router's national way in, where the plan gives the receivers no contact
                        note = _("a way in; not in this plan")
                        entries[a.actor] = dataclasses.replace(entries[a.actor], assumed=True, note=note, way_in=True)
                        b.assumptions.add(True, "way_in", a.actor, _("{name} as a way in").format(name=a.name))
            for a in decision.notify:
                b.actor(a.actor, b.actors[a.actor])
            statuses = tuple(
                Status(a.actor, a.name, a.available_from == decision.received_at, a.role == "escalation")
                for a in decision.next
            )
            raw.append((statuses, tuple(a.name for a in decision.notify)))
        assert first is not None
        daytime[bid] = tuple(a.actor for a in first.next)
        if len(entries) > 1:  # the cells name the actors by letter, the contact column says who they are
            marks = {aid: chr(ord("A") + i) for i, aid in enumerate(entries)} if len(entries) <= 26 else {}
            entries = {aid: dataclasses.replace(e, mark=marks.get(aid, "")) for aid, e in entries.items()}
            raw = [(tuple(dataclasses.replace(st, mark=marks.get(st.actor, "")) for st in sts), n) for sts, n in raw]
        row = Row((band.label,), tuple(entries.values()), tuple(_merge_cells(columns, raw)))
        same = next((i for i, r in enumerate(rows) if (r.contacts, r.cells) == (row.contacts, row.cells)), None)
        if same is None:
            rows.append(row)
        else:
            rows[same] = dataclasses.replace(rows[same], labels=(*rows[same].labels, band.label))
        # what happens next: the expected course of the concern received in the daytime
        steps = b.step_names(first.path)
        known = next((i for i, c in enumerate(courses) if c.steps == steps), None)
        if known is None:
            courses.append(Course((band.label,), steps))
        else:
            courses[known] = dataclasses.replace(courses[known], labels=(*courses[known].labels, band.label))
    all_bands = tuple(band.label for _bid, band in bands)

    # 4. the national hotline
    hotline: Entry | None = None
    named = {*plan.actors, *plan.national_actors}  # not the ways in the router adds to any plan
    for aid, actor in plan.compiled.actors.items():
        if aid in named and actor.kind == ActorKind.NATIONAL_HOTLINE:
            hotline = b.catalogue_entry(aid, actor, None)
            break
    else:
        for aid, actor in national.actors.items():
            if actor.kind == ActorKind.NATIONAL_HOTLINE:
                hotline = b.catalogue_entry(aid, actor, _("not named in this plan"))
                break
    if any(e.way_in and e.name == hotline.name for row in rows for e in row.contacts if hotline is not None):
        # the table already gives the hotline, with its number, as the way in of every row that
        # needs one: a box repeating it would only push the card onto a second page
        hotline = None

    # the first half of CDE's card: the signs of concern the plan lists
    signs = [Said(sign.text, sign.assumed) for sign in plan.signs_of_concern]
    for i, sign in enumerate(plan.signs_of_concern):
        b.assumptions.add(sign.assumed, "sign", str(i), _("sign of concern {n}").format(n=i + 1))
    advice: dict[str, Said | None] = {"professional": None, "citizen": None, "relative": None}
    for audience, words in plan.audiences.items():
        advice[audience] = Said(words.advice, words.assumed)
        b.assumptions.add(words.assumed, "audience", audience, _("advice to {audience}").format(audience=_(audience)))

    # citizens and relatives: whom the plan routes their concern to in the daytime, where it
    # differs from the employees' table
    citizens: list[CitizenRow] = []
    for bid, band in bands:
        age = None if band.unknown else band.min
        decision = b.route(day_in, acute=False, age=age, reporter=Reporter.CITIZEN)
        if tuple(a.actor for a in decision.next) == daytime[bid]:
            continue  # as for an employee: the table says it
        found = tuple(b.entry(a) for a in decision.next if a.role != "escalation")
        same = next((i for i, c in enumerate(citizens) if c.contacts == found), None)
        if same is None:
            citizens.append(CitizenRow((band.label,), found))
        else:
            citizens[same] = dataclasses.replace(citizens[same], labels=(*citizens[same].labels, band.label))
    citizens_as_employees = not citizens

    # the national rules on a concern about a child: an underretning, the 24 hours, anonymity
    has_children = any(not band.unknown and band.min is not None and band.min < 18 for _bid, band in bands)
    reporting = national.reporting
    duties = national.duties
    child_rules: dict[str, object] | None = None
    if has_children:
        assessment = duties.underretning_assessment.within or "PT24H"
        on_call: Entry | None = None
        if plan.on_call is not None:
            oc_actor = plan.compiled.actors[plan.on_call.actor]
            on_call = b.catalogue_entry(plan.on_call.actor, oc_actor, None)
            b.assumptions.add(plan.on_call.assumed, "on_call", plan.on_call.actor, _("the on-call service"))
        child_rules = {
            "hours": parse_duration(assessment)[1],
            "days": duties.underretning_receipt.working_days,
            "employee_anonymous": reporting["professional"].anonymous,
            "citizen_anonymous": reporting["citizen"].anonymous,
            "on_call": on_call,
        }
    hotline_anonymous = reporting["national_hotline"].anonymous if "national_hotline" in reporting else False
    after = [Said(st.text, st.assumed) for st in plan.after_contact]
    for i, st in enumerate(plan.after_contact):
        b.assumptions.add(st.assumed, "after", str(i), _("what happens after contact ({n})").format(n=i + 1))

    doc = plan.document
    keeper = None
    if doc.owner is not None:
        keeper = Said(doc.owner.name, doc.owner.assumed)
        b.assumptions.add(doc.owner.assumed, "owner", "", _("who keeps the plan"))
    approval = None
    if doc.approved is not None:
        when = _date_words(doc.approved.date, _) if doc.approved.date else None
        approval = (Said(doc.approved.by, doc.approved.assumed), when)
        b.assumptions.add(doc.approved.assumed, "approved", "", _("who approved the plan"))
    address = None
    if doc.published is not None:
        address = Said(doc.published.url, doc.published.assumed)
        b.assumptions.add(doc.published.assumed, "published", "", _("the plan's address"))
    date_label, date_value = None, None
    for label, value in ((_("revised"), doc.revised), (_("adopted"), doc.adopted)):
        if value is not None:
            date_label, date_value = label, _date_words(value.date, _)
            b.assumptions.add(value.assumed, "date", label, _("the plan's date ({label})").format(label=label))
            break

    names = b.assumptions.names()
    if not names:
        assumptions_line = _("The card rests only on facts quoted from the plan's text.")
    elif len(names) == 1:
        assumptions_line = _("The card rests on one assumption the plan's text does not state:")
    else:
        assumptions_line = _("The card rests on {n} assumptions the plan's text does not state:").format(n=len(names))
    # a rough count of the card's lines: past what one A4 page holds at the normal size, the
    # page is set smaller (the browser test checks that every shipped card prints on one page)
    lines = (
        (len(signs) + 2) // 3 * 2
        + sum(2 + 3 * len(row.contacts) for row in rows)
        + sum(3 * len(c.contacts) for c in citizens)
        + sum(1 + len(" ".join(c.steps)) // 110 for c in courses)
        + sum(1 + len(a.text) // 110 for a in after)
        + sum(1 + len(a.text) // 60 for a in advice.values() if a is not None)
    )
    density = "dense" if lines > _DENSE_LINES else ("tight" if lines > _TIGHT_LINES else "")
    return {
        "density": density,
        "lines": lines,
        "lang": lang,
        "plan": plan,
        "municipality": plan.municipality.name,
        "plan_title": doc.title,
        "date_label": date_label,
        "date_value": date_value,
        "numbers": numbers,
        "acute": acute,
        "police": police,
        "columns": columns,
        "rows": rows,
        "courses": courses,
        "all_bands": all_bands,
        "hotline": hotline,
        "hotline_anonymous": hotline_anonymous,
        "signs": signs,
        "advice": advice,
        "citizens": citizens,
        "citizens_as_employees": citizens_as_employees,
        "child_rules": child_rules,
        "after": after,
        "keeper": keeper,
        "approval": approval,
        "address": address,
        "assumptions": names,
        "assumptions_line": assumptions_line,
        "as_of": _("{day}/{month}/{year}").format(day=as_of.day, month=as_of.month, year=as_of.year),
    }


def render_card(
    plan: Plan, fmt: Literal["html", "markdown"], *, lang: str = DEFAULT_LANG, as_of: dt.date | None = None
) -> str:
    """The action card "Er du bekymret?" of ``plan`` as one A4 HTML page or as markdown.

    Danish by default (``lang="en"``: English; plan text stays as the plan writes it).
    Computed by routing concerns on the first working weekday and Saturday on or after
    ``as_of`` (default: today in Copenhagen). Raises ValueError on an unknown format or
    language.
    """
    if fmt not in CARD_FORMATS:
        raise ValueError(f"card format must be one of {', '.join(CARD_FORMATS)}, not {fmt!r}")
    _ = translator(lang, "card")
    day = as_of or dt.datetime.now(ZONE).date()
    return render(_TEMPLATES[fmt], _, **_card_context(plan, _, lang, day))
