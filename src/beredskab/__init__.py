"""beredskab: Danish municipal readiness plans against extremism as checked YAML, and routing.

>>> import beredskab
>>> plan = beredskab.load_plan("plans/koege.yaml")                    # doctest: +SKIP
>>> plan.route({"acute": False, "age": 25, "received_at": "2026-11-23T10:00:00+01:00"})  # doctest: +SKIP
>>> beredskab.validate(["plans/"]).problems[:1]                        # doctest: +SKIP

The names in ``__all__`` are the public API; the subpackages (``spec``, ``routing``,
``analysis``, ``cli``) are internal and may change. ``validate`` and ``Report`` load the
checks on first use, so that ``import beredskab`` and routing stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from ._errors import BeredskabError, ConcernError, PlanError
from ._problems import Problem, Severity
from .loader import load_plan, load_plans
from .plan import Plan
from .routing.concern import Action, Concern, ContactPoint, Decision, Findings, SourceRef
from .spec.vocabulary import ActorKind, Channel, LegalBasis, Reporter, Topic

if _TYPE_CHECKING:
    from .analysis.validate import Report, validate

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
    "PlanError",
    "Problem",
    "Report",
    "Reporter",
    "Severity",
    "SourceRef",
    "Topic",
    "__version__",
    "load_plan",
    "load_plans",
    "validate",
]

_LAZY = {"validate", "Report"}


def __getattr__(name: str) -> _Any:
    # PEP 562: the validation pipeline (checks, analyses, networkx) is imported on first use
    if name in _LAZY:
        from .analysis import validate as _validate_module

        value = getattr(_validate_module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'beredskab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _LAZY)
