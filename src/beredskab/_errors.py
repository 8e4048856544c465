"""The exception tree: every error beredskab raises on bad input is a ``BeredskabError``."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from ._i18n import translator
from ._problems import Problem, Severity, current_lang, words

__all__ = ["DOMAIN", "BeredskabError", "ConcernError", "FieldProblem", "Phrase", "PlanError", "suggest"]


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


DOMAIN = "concern"
"""The gettext domain of what is wrong with a bad event (``locale/da/LC_MESSAGES/concern.po``)."""


class Phrase(str):
    """A value of a message that is itself a message id (of :data:`DOMAIN`): translated with the message.

    ``FieldProblem.of("event", "{place}: not valid JSON: {detail}", place="stdin", detail=Phrase("Extra data"))``
    """

    __slots__ = ()


def _said(lang: str, values: Sequence[tuple[str, object]]) -> dict[str, object]:
    """The values of a message, its phrases translated and filled with the plain values."""
    _ = translator(lang, DOMAIN)
    plain = {name: value for name, value in values if not isinstance(value, Phrase)}
    said = dict(plain)
    for name, value in values:
        if isinstance(value, Phrase):
            try:
                said[name] = _(value).format(**plain)
            except (KeyError, IndexError, ValueError):  # a phrase with braces of its own: as it is
                said[name] = _(value)
    return said


class FieldProblem(NamedTuple):
    """One bad field of a concern.

    ``message`` is English (the Python API and the service say it as it is); ``msgid`` and
    ``values`` let :meth:`text` and :meth:`render` say it in another language (the command
    line's ``--lang``). The values are the format's own (limits, allowed names, a place in a
    file), never what the caller sent. A problem made without ``msgid`` (a message already
    in the language wanted) is said as it is.
    """

    field: str
    message: str
    suggestion: str | None = None
    msgid: str | None = None
    values: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(
        cls, field: str, msgid: str, suggestion: str | None = None, english: str | None = None, /, **values: object
    ) -> FieldProblem:
        """A problem said by message id, filled with ``values``; ``english`` (default: the id filled
        in) is its ``message``, for messages whose English words are not the id's (pydantic's)."""
        pairs = tuple(values.items())
        message = english if english is not None else msgid.format(**_said("en", pairs))
        return cls(field, message, suggestion, msgid, pairs)

    def text(self, lang: str = "en") -> str:
        """What is wrong, in ``lang`` (``da`` or ``en``), without the field's name."""
        if lang == "en" or self.msgid is None:
            translator(lang, DOMAIN)  # an unknown language is refused here too
            return self.message
        return translator(lang, DOMAIN)(self.msgid).format(**_said(lang, self.values))

    def render(self, lang: str = "en") -> str:
        """``concern field 'age': ... (did you mean 'x'?)`` in ``lang``; English by default."""
        _ = translator(lang, DOMAIN)
        text = _("concern field {field}: {message}").format(field=repr(self.field), message=self.text(lang))
        if self.suggestion:
            text += " " + _("(did you mean {suggestion}?)").format(suggestion=repr(self.suggestion))
        return text


class ConcernError(BeredskabError, ValueError):
    """A concern (the event) is invalid.

    Attributes:
        field: the (first) offending field, dotted (``age``, ``findings.consent``).
        message: what is wrong with it (English), never echoing the value the caller sent.
        suggestion: the closest allowed name or value, for a did-you-mean, or None.
        problems: every bad field at once, in the order of the contract's fields
            (:class:`FieldProblem`: ``field``, ``message``, ``suggestion``).

    ``str(err)`` is English; :meth:`text` says the same in another language.
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
        super().__init__(self.text("en"))

    @classmethod
    def of(cls, field: str, msgid: str, suggestion: str | None = None, /, **values: object) -> ConcernError:
        """A ConcernError of one problem said by message id (:meth:`FieldProblem.of`)."""
        problem = FieldProblem.of(field, msgid, suggestion, **values)
        return cls(problem.field, problem.message, problem.suggestion, problems=[problem])

    def text(self, lang: str = "en") -> str:
        """Every problem, ``; ``-separated, in ``lang`` (``da`` or ``en``): ``str(err)`` is ``text("en")``."""
        return "; ".join(p.render(lang) for p in self.problems)
