"""The exception tree: every error beredskab raises on bad input is a ``BeredskabError``."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from ._problems import Problem, Severity, current_lang, words

__all__ = ["BeredskabError", "ConcernError", "FieldProblem", "PlanError", "suggest"]


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """The closest of ``choices`` to ``word``, for a did-you-mean hint, or None."""
    matches = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return matches[0] if matches else None


class BeredskabError(Exception):
    """Root of all errors raised by beredskab for bad input or an unusable plan."""


class PlanError(BeredskabError):
    """A plan file (or an examples file) cannot be used.

    Attributes:
        problems: every fault found, positioned and sorted (:class:`beredskab.Problem`).
        file: the file (or folder) the error is about.

    ``str(err)`` lists the errors one per line as ``file:line:col: severity CODE message``.
    """

    def __init__(self, problems: Sequence[Problem], file: str | None = None) -> None:
        self.problems: list[Problem] = sorted(problems)
        self.file = file or (self.problems[0].file if self.problems else "<plan>")
        super().__init__(self._render())

    def _render(self) -> str:
        errors = [p for p in self.problems if p.severity is Severity.ERROR] or self.problems
        lang = current_lang()  # the language of the command or validation under way (English otherwise)
        head = words(lang)("{file}: plan rejected, {count} problem(s)").format(file=self.file, count=len(errors))
        return "\n".join([head] + [p.format(lang) for p in errors])


class FieldProblem(NamedTuple):
    """One bad field of a concern."""

    field: str
    message: str
    suggestion: str | None = None

    def render(self) -> str:
        text = f"concern field {self.field!r}: {self.message}"
        return text + (f" (did you mean {self.suggestion!r}?)" if self.suggestion else "")


class ConcernError(BeredskabError, ValueError):
    """A concern (the event) is invalid.

    Attributes:
        field: the (first) offending field, dotted (``age``, ``findings.consent``).
        message: what is wrong with it, never echoing the value the caller sent.
        suggestion: the closest allowed name or value, for a did-you-mean, or None.
        problems: every bad field at once, in the order of the contract's fields
            (:class:`FieldProblem`: ``field``, ``message``, ``suggestion``).
    """

    def __init__(
        self,
        field: str,
        message: str,
        suggestion: str | None = None,
        *,
        problems: Sequence[FieldProblem] | None = None,
    ) -> None:
        self.problems: list[FieldProblem] = list(problems) if problems else [FieldProblem(field, message, suggestion)]
        first = self.problems[0]
        self.field, self.message, self.suggestion = first.field, first.message, first.suggestion
        super().__init__("; ".join(p.render() for p in self.problems))
