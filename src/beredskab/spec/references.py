"""Cross-reference checks of a parsed plan: every id a plan mentions must exist.

Pure functions over models; each finding is a :class:`~beredskab._problems.Draft` with
its code, which the compiler positions in the YAML file.
"""

from __future__ import annotations

from typing import Any

from .._errors import suggest
from .._problems import Draft
from .._problems import problem_text as _
from .model import ActionSpec, NationalCatalogue, PlanSpec, iter_conditions

__all__ = ["check_references"]


# message ids per kind of id: "unknown actor 'x'" and "known actors: ..."
_KINDS = {
    "national actor": ("unknown national actor {ref}", "known national actors: {known}"),
    "schedule": ("unknown schedule {ref}", "known schedules: {known}"),
    "actor": ("unknown actor {ref}", "known actors: {known}"),
    "step": ("unknown step {ref}", "known steps: {known}"),
    "age band": ("unknown age band {ref}", "known age bands: {known}"),
}


def _missing(path: tuple[Any, ...], what: str, ref: str, known: Any) -> Draft:
    guess = suggest(ref, known)
    message, listing = _KINDS[what]
    if guess:
        hint = _("did you mean {guess}?").format(guess=repr(guess))
    else:
        hint = _(listing).format(known=", ".join(sorted(known)) or _("none"))
    return Draft(path, _(message).format(ref=repr(ref)), hint, code="BK201")


def check_references(spec: PlanSpec, national: NationalCatalogue) -> list[Draft]:
    """All dangling or clashing references in ``spec``; empty when the plan is consistent."""
    out: list[Draft] = []
    schedules = set(spec.schedules)
    actors = dict(spec.actors)
    for i, nid in enumerate(spec.national_actors):
        if nid not in national.actors:
            out.append(_missing(("national_actors", i), "national actor", nid, national.actors))
        elif nid in spec.actors:
            out.append(
                Draft(
                    ("actors", nid),
                    _("actor {actor} clashes with the national actor of that id").format(actor=repr(nid)),
                    _("rename it"),
                    code="BK202",
                    key=True,
                )
            )
        else:
            actors[nid] = national.actors[nid]
    for sid in national.schedules:
        if sid in spec.schedules:
            out.append(
                Draft(
                    ("schedules", sid),
                    _("schedule {schedule} clashes with the national schedule").format(schedule=repr(sid)),
                    _("rename it"),
                    code="BK202",
                    key=True,
                )
            )
    schedules |= set(national.schedules)

    for aid, actor in spec.actors.items():
        if actor.schedule not in schedules:
            out.append(_missing(("actors", aid, "schedule"), "schedule", actor.schedule, schedules))
        for j, contact in enumerate(actor.contacts):
            if contact.schedule is not None and contact.schedule not in schedules:
                out.append(
                    _missing(("actors", aid, "contacts", j, "schedule"), "schedule", contact.schedule, schedules)
                )

    def actions(items: list[ActionSpec], path: tuple[Any, ...]) -> None:
        for j, act in enumerate(items):
            p = (*path, j)
            if act.actor not in actors:
                out.append(_missing((*p, "actor"), "actor", act.actor, actors))
            else:
                channels = {c.channel for c in actors[act.actor].contacts}
                for k, ch in enumerate(act.via or []):
                    if ch not in channels:
                        out.append(
                            Draft(
                                (*p, "via", k),
                                _("actor {actor} has no {channel} contact").format(
                                    actor=repr(act.actor), channel=ch.value
                                ),
                                _("its channels: {channels}").format(
                                    channels=", ".join(sorted(c.value for c in channels)) or _("none")
                                ),
                                code="BK203",
                            )
                        )
            if act.step not in spec.steps:
                out.append(_missing((*p, "step"), "step", act.step, spec.steps))
            for k, esc in enumerate(act.escalation):
                if esc.actor not in actors:
                    out.append(_missing((*p, "escalation", k, "actor"), "actor", esc.actor, actors))
                if esc.step is not None and esc.step not in spec.steps:
                    out.append(_missing((*p, "escalation", k, "step"), "step", esc.step, spec.steps))

    seen: dict[str, int] = {}
    for i, rule in enumerate(spec.rules):
        if rule.id in seen:
            out.append(
                Draft(
                    ("rules", i, "id"),
                    _("rule id {rule} is already used by rule #{number}").format(
                        rule=repr(rule.id), number=seen[rule.id] + 1
                    ),
                    None,
                    code="BK204",
                )
            )
        seen.setdefault(rule.id, i)
        for cond, cpath in iter_conditions(rule.when, ("rules", i, "when")):
            for k, band in enumerate(cond.age_band or []):
                if band not in spec.age_bands:
                    out.append(_missing((*cpath, "age_band", k), "age band", band, spec.age_bands))
            for k, step in enumerate(cond.step or []):
                if step not in spec.steps:
                    out.append(_missing((*cpath, "step", k), "step", step, spec.steps))
            for sched in cond.open or {}:
                if sched not in schedules:
                    out.append(_missing((*cpath, "open", sched), "schedule", sched, schedules))
        actions(rule.next, ("rules", i, "next"))
        actions(rule.notify, ("rules", i, "notify"))
    actions(spec.catch_all.next, ("catch_all", "next"))
    actions(spec.catch_all.notify, ("catch_all", "notify"))
    if spec.on_call is not None and spec.on_call.actor not in actors:
        out.append(_missing(("on_call", "actor"), "actor", spec.on_call.actor, actors))

    out.extend(_age_band_coverage(spec))
    return out


def _age_band_coverage(spec: PlanSpec) -> list[Draft]:
    out: list[Draft] = []
    unknown = [bid for bid, band in spec.age_bands.items() if band.unknown]
    if len(unknown) != 1:
        out.append(
            Draft(
                ("age_bands",),
                _("exactly one age band must have 'unknown: true' (found {count})").format(count=len(unknown)),
                _("concerns without an age must fall in a defined band"),
                code="BK205",
                key=True,
            )
        )
    # every band is compared with every earlier one, and the gap is computed from all bands:
    # an overlap must not also read as ages that fall in no band
    spans: list[tuple[str, int, int]] = []
    covered: set[int] = set()
    for bid, band in spec.age_bands.items():
        if band.unknown or band.min is None or band.max is None:
            continue
        for other, lo, hi in spans:
            both = range(max(lo, band.min), min(hi, band.max) + 1)
            if not both:
                continue
            # point at this band's bound that lies inside the earlier band (its min if both, or neither)
            bound = "max" if lo <= band.max <= hi and not lo <= band.min <= hi else "min"
            out.append(
                Draft(
                    ("age_bands", bid, bound),
                    (
                        _("age {ages} is in two age bands: {first} ({lo}-{hi}) and {second} ({min}-{max})")
                        if len(both) == 1
                        else _("ages {ages} are in two age bands: {first} ({lo}-{hi}) and {second} ({min}-{max})")
                    ).format(
                        ages=both[0] if len(both) == 1 else f"{both[0]}-{both[-1]}",
                        first=repr(other),
                        lo=lo,
                        hi=hi,
                        second=repr(bid),
                        min=band.min,
                        max=band.max,
                    ),
                    _overlap_hint(other, lo, hi, bid, band.min, band.max),
                    code="BK205",
                )
            )
        spans.append((bid, band.min, band.max))
        covered.update(range(band.min, band.max + 1))
    gaps = [a for a in range(0, 131) if a not in covered]
    if gaps:
        out.append(
            Draft(
                ("age_bands",),
                _("ages {ages} fall in no age band").format(ages=_ranges(gaps)),
                _("bands must cover 0-130"),
                code="BK205",
                key=True,
            )
        )
    return out


def _overlap_hint(first: str, lo: int, hi: int, second: str, smin: int, smax: int) -> str:
    """How to make two overlapping bands meet without sharing an age."""
    if lo < smin <= hi < smax:  # the second band starts inside the first
        return _("each age belongs to one band: start {second} at {start}, or end {first} at {end}").format(
            second=repr(second), start=hi + 1, first=repr(first), end=smin - 1
        )
    if smin < lo <= smax < hi:  # the second band ends inside the first
        return _("each age belongs to one band: end {second} at {end}, or start {first} at {start}").format(
            second=repr(second), end=lo - 1, first=repr(first), start=smax + 1
        )
    return _("each age belongs to exactly one band")


def _ranges(nums: list[int]) -> str:
    parts: list[str] = []
    start = prev = nums[0]
    for n in [*nums[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(f"{start}" if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)
