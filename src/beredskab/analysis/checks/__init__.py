"""The checks of a loaded plan, one module each, and the runner that stamps what they yield.

A check is a module here named after its check (``coverage_gap.py`` for BK401
``coverage-gap``) that defines ``CODE`` and ``check(ctx) -> Iterator[Draft]``; its
docstring opens with ``CODE name: summary.`` and holds a passing and a failing example.
Its name and severity come from the table of codes (``beredskab._problems.CODES``); the
runner positions each draft and stamps the check's code and severity on it, so a check
never names itself. ``check`` never raises on bad user data; if it does, the runner
reports an internal error at line 1 and the other checks still run.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..._problems import CODES, Draft, Problem, Severity
from ..context import CheckContext

__all__ = ["REGISTRY", "Check", "run_checks"]


@dataclass(frozen=True)
class Check:
    """One registered check: its row of the table of codes, its function and documentation."""

    code: str
    name: str
    severity: Severity
    run: Callable[[CheckContext], Iterator[Draft]]
    doc: str
    module: str


def _discover() -> dict[str, Check]:
    registry: dict[str, Check] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        mod = importlib.import_module(f"{__name__}.{info.name}")
        code = getattr(mod, "CODE", None)
        if code is None:
            continue
        row = CODES.get(code)
        # the table of codes is the one place a check's name and severity are written
        if row is None or row.stage != "check":
            raise RuntimeError(f"check module {info.name}: code {code} is not a check code of the table")
        if info.name != row.name.replace("-", "_"):
            raise RuntimeError(f"check module {info.name} must be named after its check: {row.name}")
        if code in registry:
            raise RuntimeError(f"check code {code} is used twice")
        registry[code] = Check(code, row.name, row.severity, mod.check, (mod.__doc__ or "").strip(), mod.__name__)
    return dict(sorted(registry.items()))


REGISTRY: dict[str, Check] = _discover()


def select_checks(wanted: Iterable[str] | None) -> list[Check]:
    """Checks by code (``BK401``) or name (``coverage-gap``); all when ``wanted`` is None.

    Raises ValueError naming an unknown code or name, with a did-you-mean.
    """
    if wanted is None:
        return list(REGISTRY.values())
    by_name = {c.name: c for c in REGISTRY.values()}
    out: list[Check] = []
    for item in wanted:
        check = REGISTRY.get(item.upper()) or by_name.get(item)
        if check is None:
            from ..._errors import suggest

            guess = suggest(item, [*REGISTRY, *by_name])
            raise ValueError(f"no check {item!r}" + (f" (did you mean {guess!r}?)" if guess else ""))
        if check not in out:
            out.append(check)
    return sorted(out, key=lambda c: c.code)


def run_checks(ctx: CheckContext, checks: Iterable[Check] | None = None) -> list[Problem]:
    """Every problem the checks (all by default) find in one plan, sorted by position."""
    out: list[Problem] = []
    for check in REGISTRY.values() if checks is None else checks:
        try:
            out.extend(draft.place(ctx.document, code=check.code) for draft in check.run(ctx))
        except Exception as exc:  # a bug in a check must not hide what the other checks find
            out.append(
                Problem.of(
                    check.code,
                    file=ctx.file,
                    message=ctx.translate("internal error in check {check}: {error}").format(
                        check=check.name, error=type(exc).__name__
                    ),
                    hint=ctx.translate("please report this; the other checks ran"),
                    severity=Severity.ERROR,
                )
            )
    return sorted(out)
