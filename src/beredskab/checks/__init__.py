"""Validation checks as modules: each has a stable code, a name, a severity and a docstring.

A check is a module in this package defining ``CODE``, ``NAME``, ``SEVERITY`` and
``check(ctx) -> Iterator[Problem]``; its docstring holds a passing and a failing
example. ``check`` never raises on bad user data. ``REGISTRY`` maps codes to checks.
Loader problems (BK0xx syntax, BK1xx schema, BK2xx references) come from the loader.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from .._problems import Problem, Severity
from .._yaml import YamlDocument
from ..analysis import DecisionSpace, Region, partition
from ..calendar import ZONE
from ..plan import Plan
from ..router import CompiledPlan

__all__ = ["REGISTRY", "Check", "CheckContext", "run_checks"]


@dataclass
class CheckContext:
    """What a check sees: the loaded plan, its YAML positions and the run's options."""

    plan: Plan
    document: YamlDocument
    as_of: dt.date = field(default_factory=lambda: dt.datetime.now(ZONE).date())
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def file(self) -> str:
        return self.document.file

    @property
    def compiled(self) -> CompiledPlan:
        return self.plan.compiled

    @property
    def space(self) -> DecisionSpace:
        """The plan's finite decision space, time classes starting at ``as_of`` (cached)."""
        if "space" not in self.cache:
            self.cache["space"] = DecisionSpace.of(self.plan, self.compiled, self.as_of)
        space: DecisionSpace = self.cache["space"]
        return space

    @property
    def regions(self) -> list[Region]:
        """The decision space partitioned by first matching rule (cached)."""
        if "regions" not in self.cache:
            self.cache["regions"] = partition(self.space)
        regions: list[Region] = self.cache["regions"]
        return regions

    def rule_path(self, index: int) -> tuple[Any, ...]:
        return ("rules", index)

    def problem(
        self,
        check: Check | ModuleType,
        path: tuple[Any, ...],
        message: str,
        hint: str | None = None,
        *,
        key: bool = False,
        severity: Severity | None = None,
    ) -> Problem:
        line, col = self.document.position(path, key=key)
        code = check.CODE
        return Problem(self.file, line, col, code, severity or check.SEVERITY, message, hint, check.NAME)


@dataclass(frozen=True)
class Check:
    CODE: str
    NAME: str
    SEVERITY: Severity
    run: Callable[[CheckContext], Iterator[Problem]]
    doc: str


def _discover() -> dict[str, Check]:
    registry: dict[str, Check] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        mod = importlib.import_module(f"{__name__}.{info.name}")
        if not hasattr(mod, "CODE"):
            continue
        check = Check(mod.CODE, mod.NAME, mod.SEVERITY, mod.check, (mod.__doc__ or "").strip())
        if check.CODE in registry:
            raise RuntimeError(f"check code {check.CODE} is used twice")
        registry[check.CODE] = check
    return dict(sorted(registry.items()))


REGISTRY: dict[str, Check] = _discover()


def run_checks(ctx: CheckContext, select: set[str] | None = None) -> list[Problem]:
    """Every problem all (or the selected) checks find in one plan, sorted by position."""
    out: list[Problem] = []
    for code, check in REGISTRY.items():
        if select is not None and code not in select:
            continue
        try:
            out.extend(check.run(ctx))
        except Exception as exc:
            out.append(
                Problem(
                    ctx.file,
                    1,
                    1,
                    code,
                    Severity.ERROR,
                    f"internal error in check {check.NAME}: {type(exc).__name__}: {exc}",
                    "please report this; the other checks ran",
                    check.NAME,
                )
            )
    return sorted(out)
