"""The exception tree: every error beredskab raises on bad input is a ``BeredskabError``."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from ._problems import Problem, Severity

__all__ = ["BeredskabError", "ConcernError", "PlanError", "suggest"]


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """The closest of ``choices`` to ``word``, for a did-you-mean hint, or None."""
    matches = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return matches[0] if matches else None


class BeredskabError(Exception):
    """Root of all errors raised by beredskab for bad input or an unusable plan."""


class PlanError(BeredskabError):
    """A plan file cannot be used. ``problems`` holds every fault found, positioned.

    ``str(err)`` lists them one per line as ``file:line:col: message``.
    """

    def __init__(self, problems: Sequence[Problem], file: str | None = None) -> None:
        self.problems: list[Problem] = sorted(problems)
        self.file = file or (self.problems[0].file if self.problems else "<plan>")
        super().__init__(self._render())

    def _render(self) -> str:
        errors = [p for p in self.problems if p.severity is Severity.ERROR] or self.problems
        head = f"{self.file}: plan rejected, {len(errors)} problem(s)"
        return "\n".join([head] + [p.format() for p in errors])


class ConcernError(BeredskabError, ValueError):
    """A concern (the event) is invalid. ``field`` names the offending field."""

    def __init__(self, field: str, message: str, suggestion: str | None = None) -> None:
        self.field = field
        self.message = message
        self.suggestion = suggestion
        text = f"concern field {field!r}: {message}"
        if suggestion:
            text += f" (did you mean {suggestion!r}?)"
        super().__init__(text)
