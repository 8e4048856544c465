"""The diff's answer as pydantic models: the JSON shape of ``shared/contract.md`` (``beredskab diff --format json``)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..spec.model import empty_list

__all__ = [
    "ActionSummary",
    "AnswerSummary",
    "Behavioural",
    "DiffRegion",
    "DiffSide",
    "PlanDiff",
    "RuleChange",
    "StructuralChange",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DiffSide(_Frozen):
    """One side of the comparison."""

    plan: str = Field(description="The plan's slug.")
    source: str = Field(description="Where it was read: a file, or REV:PATH for a git revision.")


class StructuralChange(_Frozen):
    """One change of the plan's content, keyed by id, never by list position."""

    change: Literal["added", "removed", "changed", "moved", "renamed"]
    path: str = Field(description="e.g. rules[id=acute-police].next[0].actor")
    a: Any = None
    b: Any = None
    a_at: str | None = Field(default=None, description="file:line:col in A")
    b_at: str | None = Field(default=None, description="file:line:col in B")
    provenance_only: bool = Field(default=False, description="Only a source, quote, section or note changed.")


class RuleChange(_Frozen):
    """A rule both plans have (by id, or renamed) whose content changed, whole on each side."""

    rule: str = Field(description="The rule's id in B (catch_all: the catch-all).")
    a: dict[str, Any] = Field(
        description="The rule in A as the plan writes it: id, when, next, notify, legal_basis (each that it "
        "has), and any other field that changed; provenance (source, note, assumed) left out."
    )
    b: dict[str, Any] = Field(description="The rule in B, the same fields.")
    a_at: str | None = Field(default=None, description="file:line:col of the rule in A")
    b_at: str | None = Field(default=None, description="file:line:col of the rule in B")


class ActionSummary(_Frozen):
    """One action of an answer, as the comparison sees it."""

    actor: str
    kind: str
    step: str
    name: str = Field(default="", description="The actor's name in the plan (for people; ``actor`` is its id).")
    step_name: str = Field(default="", description="The step's name in the plan (for people; ``step`` is its id).")
    wait: str = Field(description="available_from minus received_at, ISO 8601 duration (PT0S: at once).")
    act_by: str | None = Field(default=None, description="act_by minus received_at, ISO 8601 duration, or null.")
    contact: bool = Field(default=True, description="Whether the actor has a contact usable as given.")


class AnswerSummary(_Frozen):
    """What one plan answers for a region's witness concern."""

    next: list[ActionSummary]
    notify: list[ActionSummary]
    rules: list[str]
    legal_basis: list[str]
    catch_all: bool = False


class DiffRegion(_Frozen):
    """A group of situations answered differently, with one concrete concern from it."""

    summary: str = Field(
        description='For people, in the diff\'s language: e.g. "ikke akut, alder 15-17, uden for åbningstiden" '
        '(Danish, the default) or "not acute, age 15-17, outside opening hours" (English).'
    )
    situations: int = Field(description="How many situations of the joint space it covers.")
    witness: dict[str, Any] = Field(description="A contract Concern that route() accepts.")
    a: AnswerSummary
    b: AnswerSummary


class Behavioural(_Frozen):
    """The routing comparison over the joint decision space of the two plans."""

    situations: int
    differing: int
    regions: list[DiffRegion]


class PlanDiff(_Frozen):
    """Differences between two plans (or two revisions of one), structural and in routing outcomes."""

    a: DiffSide
    b: DiffSide
    by: Literal["actor", "role"] = Field(description="actor: same slug (revisions); role: across municipalities.")
    same: bool = Field(description="No structural change and no concern routed differently.")
    structural: list[StructuralChange]
    behavioural: Behavioural
    rules: list[RuleChange] = Field(
        default_factory=empty_list,
        description="Each rule both plans have whose content changed, before and after (additive: "
        "the structural changes already say what changed).",
    )


# --- durations as the JSON shape writes them ---------------------------------------------


def iso_duration(delta: dt.timedelta) -> str:
    """``PT0S``, ``PT44H``, ``PT2H30M``: hours, minutes, seconds only (never days), so all compare alike."""
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (f"{secs}S" if secs else "")
    return f"{sign}PT{text or '0S'}"


def duration_parts(iso: str) -> tuple[bool, list[tuple[int, str]]]:
    """What :func:`iso_duration` wrote, read back: (negative, [(44, "H"), (30, "M")])."""
    negative = iso.startswith("-")
    parts: list[tuple[int, str]] = []
    number = ""
    for ch in iso.removeprefix("-").removeprefix("PT"):
        if ch.isdigit():
            number += ch
        else:
            parts.append((int(number), ch))
            number = ""
    return negative, [(n, unit) for n, unit in parts if n]
