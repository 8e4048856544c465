"""``beredskab.diff``: two plans (files, slugs, ``REV:PATH`` revisions or Plans) compared in both layers."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Literal

from .._errors import PlanError
from .._problems import Problem
from ..loader import display_path, load_plan, resolve_plan_path
from ..plan import Plan, build_plan
from ..routing.calendar import ZONE
from ..spec import _yaml
from .behaviour import behavioural_diff
from .model import DiffSide, PlanDiff
from .structural import structural_changes

__all__ = ["GIT_TIMEOUT", "diff", "load_side", "rule_position"]

By = Literal["actor", "role"]
GIT_TIMEOUT = 30.0
"""Seconds ``git show`` may take before a revision is given up as unreadable."""


def _git_error(spec: str, message: str) -> PlanError:
    return PlanError([Problem.of("BK000", file=spec, message=message)], spec)


def _is_revision(text: str) -> bool:
    """``REV:PATH`` (and not a file that happens to contain a colon)."""
    rev, sep, path = text.partition(":")
    return bool(sep and rev and path) and not Path(text).exists()


def _load_revision(spec: str) -> Plan:
    """``REV:PATH`` read with ``git show`` (PATH as git reads it: from the repository's top, or
    from the working folder when it starts with ``./``), checked like a file."""
    try:
        done = subprocess.run(
            ["git", "show", spec], capture_output=True, timeout=GIT_TIMEOUT, check=False, stdin=subprocess.DEVNULL
        )
    except FileNotFoundError:
        raise _git_error(spec, "cannot read a git revision: git is not installed") from None
    except subprocess.TimeoutExpired:
        raise _git_error(spec, f"git show did not answer in {GIT_TIMEOUT:.0f} s") from None
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = why[0].removeprefix("fatal: ") if why else f"git show exited with {done.returncode}"
        raise _git_error(spec, f"cannot read the revision: {reason}")
    try:
        document = _yaml.parse_text(_yaml.decode(done.stdout, spec), spec)
    except _yaml.YamlProblems as exc:
        raise PlanError(exc.problems, spec) from None
    return build_plan(document)


def load_side(side: Plan | str | Path) -> tuple[Plan, str]:
    """A plan and where it came from: a Plan as it is, a file, a slug (``plans/<slug>.yaml``),
    or ``REV:PATH`` from git. Raises :class:`beredskab.PlanError`."""
    if isinstance(side, Plan):
        return side, side.source_file or side.slug
    text = str(side)
    if isinstance(side, str) and _is_revision(text):
        return _load_revision(text), text
    path = resolve_plan_path(text) if isinstance(side, str) else Path(side)
    return load_plan(path), display_path(path)


def rule_position(plan: Plan, rule_id: str) -> str | None:
    """``file:line:col`` of a rule's ``id`` in the plan's file (None for the catch-all or no file)."""
    doc = plan._document
    index = next((i for i, r in enumerate(plan.rules) if r.id == rule_id), None)
    if doc is None or index is None:
        return None
    line, col = doc.position(("rules", index, "id"), key=True)
    return f"{doc.file}:{line}:{col}"


def diff(a: Plan | str | Path, b: Plan | str | Path, *, by: By | None = None, as_of: dt.date | None = None) -> PlanDiff:
    """What changed from plan ``a`` to plan ``b``, and what it changes for a concern.

    ``a`` and ``b`` are each a :class:`beredskab.Plan`, a plan file, a slug, or ``REV:PATH``
    (a git revision and a path, read with ``git show``). ``by`` is what the routing layer
    compares: ``"actor"`` (actor ids, steps, ``act_by`` offsets, legal basis, catch-all; the
    default for two revisions of one plan) or ``"role"`` (actor kinds, steps, a usable
    contact, the wait until someone can act, ``act_by`` offsets, legal basis; the default
    across municipalities). Time is compared over the 400 days from ``as_of`` (default:
    today in Copenhagen), so witnesses name real instants of that stretch.

    The result is the contract's JSON shape (``.model_dump(mode="json")``); ``same`` is true
    when there is no structural change and no concern is routed differently.
    """
    plan_a, source_a = load_side(a)
    plan_b, source_b = load_side(b)
    chosen: By = by or ("actor" if plan_a.slug == plan_b.slug else "role")
    if chosen not in ("actor", "role"):
        raise ValueError("by must be 'actor' or 'role'")
    day = as_of or dt.datetime.now(ZONE).date()
    structural = structural_changes(plan_a, plan_a._document, plan_b, plan_b._document)
    behavioural = behavioural_diff(plan_a, plan_b, by=chosen, as_of=day)
    return PlanDiff(
        a=DiffSide(plan=plan_a.slug, source=source_a),
        b=DiffSide(plan=plan_b.slug, source=source_b),
        by=chosen,
        same=not structural and behavioural.differing == 0,
        structural=structural,
        behavioural=behavioural,
    )
