"""beredskab: Danish municipal readiness plans against extremism as checked YAML, and routing.

>>> import beredskab
>>> plan = beredskab.load_plan("plans/koege.yaml")                    # doctest: +SKIP
>>> plan.route({"acute": False, "age": 25, "received_at": "2026-11-23T10:00:00+01:00"})  # doctest: +SKIP
>>> beredskab.validate(["plans/"]).problems[:1]                        # doctest: +SKIP
>>> beredskab.diff("HEAD~1:plans/koege.yaml", "plans/koege.yaml").same  # doctest: +SKIP

The names in ``__all__`` are the public API; the subpackages (``spec``, ``routing``,
``analysis``, ``audit``, ``cli``) are internal and may change. ``validate``, ``Report``,
``diff`` and ``PlanDiff`` load the analyses on first use, so that ``import beredskab``
and routing stay fast; the plan format, the loader and routing load on first use of a
name that needs them, so that ``beredskab --version`` and a command's ``--help`` stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from ._errors import BeredskabError, ConcernError, PlanError
from ._problems import Problem, Severity

if _TYPE_CHECKING:
    from .analysis.validate import Report, validate
    from .audit.diff import diff
    from .audit.model import PlanDiff
    from .loader import load_plan, load_plans
    from .plan import Plan
    from .routing.concern import Action, Concern, ContactPoint, Decision, Findings, SourceRef
    from .spec.vocabulary import ActorKind, Channel, LegalBasis, Reporter, Topic

__version__ = "0.1.0"

__all__ = [
    "Action",
    "ActorKind",
    "BeredskabError",
    "Channel",
    "Concern",
    "ConcernError",
    "ContactPoint",
    "Decision",
    "Findings",
    "LegalBasis",
    "Plan",
    "PlanDiff",
    "PlanError",
    "Problem",
    "Report",
    "Reporter",
    "Severity",
    "SourceRef",
    "Topic",
    "__version__",
    "diff",
    "load_plan",
    "load_plans",
    "validate",
]

# name -> the module that defines it (PEP 562: imported on first use)
_LAZY = {
    "load_plan": "loader",
    "load_plans": "loader",
    "Plan": "plan",
    "Action": "routing.concern",
    "Concern": "routing.concern",
    "ContactPoint": "routing.concern",
    "Decision": "routing.concern",
    "Findings": "routing.concern",
    "SourceRef": "routing.concern",
    "ActorKind": "spec.vocabulary",
    "Channel": "spec.vocabulary",
    "LegalBasis": "spec.vocabulary",
    "Reporter": "spec.vocabulary",
    "Topic": "spec.vocabulary",
    "validate": "analysis.validate",
    "Report": "analysis.validate",
    "diff": "audit.diff",
    "PlanDiff": "audit.model",
}


def __getattr__(name: str) -> _Any:
    # the plan format, loader and routing, the validation pipeline (checks, analyses,
    # networkx) and the diff load on first use
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'beredskab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
