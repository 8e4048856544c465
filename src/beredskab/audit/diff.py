"""``beredskab.diff``: two plans (files, slugs, ``REV:PATH`` revisions or Plans) compared in both layers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from .._i18n import DEFAULT_LANG, LANGS
from ..loader import load_plan_source
from ..plan import Plan
from ..routing.calendar import ZONE
from .behaviour import behavioural_diff
from .model import DiffSide, PlanDiff
from .structural import rule_changes, structural_changes

__all__ = ["diff", "rule_position"]

By = Literal["actor", "role"]


def rule_position(plan: Plan, rule_id: str) -> str | None:
    """``file:line:col`` of a rule's ``id`` in the plan's file (None for the catch-all or no file)."""
    doc = plan._document
    index = next((i for i, r in enumerate(plan.rules) if r.id == rule_id), None)
    if doc is None or index is None:
        return None
    line, col = doc.position(("rules", index, "id"), key=True)
    return f"{doc.file}:{line}:{col}"


def diff(
    a: Plan | str | Path,
    b: Plan | str | Path,
    *,
    by: By | None = None,
    as_of: dt.date | None = None,
    lang: str = DEFAULT_LANG,
) -> PlanDiff:
    """What changed from plan ``a`` to plan ``b``, and what it changes for a concern.

    ``a`` and ``b`` are each a :class:`beredskab.Plan`, a plan file, a slug, or ``REV:PATH``
    (a git revision and a path, read with ``git show``). ``by`` is what the routing layer
    compares: ``"actor"`` (actor ids, steps, ``act_by`` offsets, legal basis, catch-all; the
    default for two revisions of one plan) or ``"role"`` (actor kinds, steps, a usable
    contact, the wait until someone can act, ``act_by`` offsets, legal basis; the default
    across municipalities). Time is compared over the 400 days from ``as_of`` (default:
    today in Copenhagen), so witnesses name real instants of that stretch. ``lang`` (``"da"``,
    the default, or ``"en"``) is the language of the regions' ``summary``, the one field
    written for people; every other field is the same in both.

    The result is the contract's JSON shape (``.model_dump(mode="json")``); ``same`` is true
    when there is no structural change and no concern is routed differently.
    """
    plan_a, source_a = load_plan_source(a)
    plan_b, source_b = load_plan_source(b)
    chosen: By = by or ("actor" if plan_a.slug == plan_b.slug else "role")
    if chosen not in ("actor", "role"):
        raise ValueError("by must be 'actor' or 'role'")
    day = as_of or dt.datetime.now(ZONE).date()
    structural = structural_changes(plan_a, plan_a._document, plan_b, plan_b._document)
    if lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}")
    behavioural = behavioural_diff(plan_a, plan_b, by=chosen, as_of=day, lang=lang)
    return PlanDiff(
        a=DiffSide(plan=plan_a.slug, source=source_a),
        b=DiffSide(plan=plan_b.slug, source=source_b),
        by=chosen,
        same=not structural and behavioural.differing == 0,
        structural=structural,
        behavioural=behavioural,
        rules=rule_changes(plan_a, plan_a._document, plan_b, plan_b._document, structural),
    )
