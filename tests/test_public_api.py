"""The public API is exactly what __all__ says, and matches the contract's names."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import beredskab


def test_all_names_exist() -> None:
    for name in beredskab.__all__:
        assert hasattr(beredskab, name), name


CONTRACT = {"load_plan", "load_plans", "Plan", "Concern", "Decision", "PlanError", "ConcernError", "BeredskabError"}
# the types of the contract's fields and values, so callers can name them
CONTRACT_TYPES = {
    "Action",
    "ContactPoint",
    "Findings",
    "SourceRef",
    "ActorKind",
    "Channel",
    "LegalBasis",
    "Reporter",
    "Topic",
}
VALIDATION = {"validate", "Report", "Problem", "Severity"}
AUDIT = {"diff", "PlanDiff"}


def test_public_api_is_the_contract_plus_validation_and_audit() -> None:
    assert set(beredskab.__all__) == CONTRACT | CONTRACT_TYPES | VALIDATION | AUDIT | {"__version__"}


def test_lazy_names_load_on_use_and_are_the_real_ones() -> None:
    from beredskab.analysis.validate import Report, validate
    from beredskab.audit.diff import diff
    from beredskab.audit.model import PlanDiff

    assert beredskab.validate is validate and beredskab.Report is Report
    assert beredskab.diff is diff and beredskab.PlanDiff is PlanDiff
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        beredskab.nothing_here  # noqa: B018


def test_contract_names_are_public() -> None:
    for name in (
        "load_plan",
        "load_plans",
        "Plan",
        "Concern",
        "Decision",
        "PlanError",
        "ConcernError",
        "BeredskabError",
    ):
        assert name in beredskab.__all__


def test_no_undeclared_public_names() -> None:
    public = {n for n in vars(beredskab) if not n.startswith("_")}
    modules = {m.name for m in pkgutil.iter_modules(beredskab.__path__)}
    assert public - set(beredskab.__all__) - modules - {"annotations"} == set()


def test_every_module_has_a_docstring() -> None:
    for info in pkgutil.walk_packages(beredskab.__path__, "beredskab."):
        if info.name.endswith("__main__"):
            continue
        mod = importlib.import_module(info.name)
        assert (mod.__doc__ or "").strip(), info.name
