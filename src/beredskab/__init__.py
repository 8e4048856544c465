"""beredskab: Danish municipal readiness plans against extremism as checked YAML, and routing.

>>> import beredskab
>>> plan = beredskab.load_plan("plans/koege.yaml")                    # doctest: +SKIP
>>> plan.route({"acute": False, "age": 25, "received_at": "2026-11-23T10:00:00+01:00"})  # doctest: +SKIP
"""

from __future__ import annotations

from ._problems import Problem, Severity
from .concern import Action, Concern, ContactPoint, Decision, Findings, SourceRef
from .errors import BeredskabError, ConcernError, PlanError
from .loader import load_plan, load_plans
from .model import ActorKind, Channel, LegalBasis, Reporter, Topic
from .plan import Plan

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
    "Reporter",
    "Severity",
    "SourceRef",
    "Topic",
    "__version__",
    "load_plan",
    "load_plans",
]
