"""``beredskab.validate()``: load plan files, run the checks, return one sorted :class:`Report`.

The one validation pipeline: the command line, the tests and the coming report all
call it. Files are named or found in folders (``*.yaml``/``*.yml``; folders skip routing
examples). An examples file named explicitly is checked as an examples file (its own
keys and YAML), not as a plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .._errors import PlanError
from .._i18n import DEFAULT_LANG
from .._problems import Problem, Severity, problems_in, words
from ..loader import plan_files, read_document
from ..plan import Plan, build_plan
from ._names import is_examples_file
from .checks import run_checks, select_checks
from .context import CheckContext, today

__all__ = ["Report", "validate"]


@dataclass(frozen=True)
class Report:
    """What one validation found.

    Attributes:
        files: the files checked, as problems name them.
        plans: the plans that loaded, by file (a file with a loader error has none).
        problems: every problem, sorted by file, line, column and code.
        unusable: paths that could not be checked, with why (missing, a folder without
            plans); the command line exits 2 on any.
    """

    files: tuple[str, ...] = ()
    plans: dict[str, Plan] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    unusable: tuple[tuple[str, str], ...] = ()

    def count(self, severity: Severity) -> int:
        return sum(1 for p in self.problems if p.severity is severity)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    def failed(self, *, strict: bool = False) -> bool:
        """Errors found (with ``strict``, warnings too): what makes ``validate`` exit 1."""
        failing = {Severity.ERROR} | ({Severity.WARNING} if strict else set())
        return any(p.severity in failing for p in self.problems)


def validate(
    paths: str | Path | Iterable[str | Path],
    *,
    as_of: dt.date | None = None,
    checks: Iterable[str] | None = None,
    lang: str = DEFAULT_LANG,
) -> Report:
    """Validate plan files and folders of plans.

    Args:
        paths: plan files, examples files or folders (a single path is accepted too).
        as_of: the day revision dates are judged on (default: today in Copenhagen); it
            also starts the week the time analyses look at.
        checks: codes (``BK401``) or names (``coverage-gap``) of the checks to run;
            default all. Loader problems (BK0xx-BK2xx) are always reported.
        lang: the language of the problems' messages and hints, ``da`` (default) or
            ``en``; codes, names, severities and positions are the same in both.

    Returns a :class:`Report`; raises ValueError for an unknown check code or name, or
    an unknown language.
    """
    with problems_in(lang):
        return _validate(paths, as_of=as_of, checks=checks, lang=lang)


def _validate(
    paths: str | Path | Iterable[str | Path], *, as_of: dt.date | None, checks: Iterable[str] | None, lang: str
) -> Report:
    _ = words(lang)
    selected = select_checks(checks)
    named: Sequence[str | Path] = [paths] if isinstance(paths, str | Path) else list(paths)
    unusable: list[tuple[str, str]] = []
    for raw in named:
        p = Path(raw)
        if not p.exists():
            unusable.append((str(raw), _("no such file or folder")))
        elif p.is_dir() and not plan_files([p]):
            # a wrong or empty folder would otherwise "pass" with nothing checked
            unusable.append((str(raw), _("no plan files (*.yaml) in this folder")))
    # only files that exist count as checked; the missing ones are in ``unusable``
    files = [f for f in plan_files(named) if f.exists()]
    day = as_of or today()
    problems: list[Problem] = []
    plans: dict[str, Plan] = {}
    for f in files:
        shown = str(f)
        try:
            if is_examples_file(f):
                from .examples import check_examples  # its format's models load only for an examples file

                problems.extend(check_examples(f))
                continue
            document = read_document(f, shown)
            plan = build_plan(document)
        except PlanError as exc:
            problems.extend(exc.problems)
            continue
        plans[shown] = plan
        problems.extend(run_checks(CheckContext(plan, document, as_of=day, lang=lang), selected))
    return Report(
        files=tuple(str(f) for f in files),
        plans=plans,
        problems=tuple(sorted(problems)),
        unusable=tuple(unusable),
    )
