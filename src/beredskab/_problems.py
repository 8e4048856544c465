"""Problem values, the one table of problem codes, and the one way to make a Problem.

Every problem the loader or a check reports has a stable code from :data:`CODES`; its
name and default severity come from the table, never from the place that reports it.
Code that knows a problem's place calls :meth:`Problem.of`; code that knows only the
path in the plan's data yields a :class:`Draft`, which the loader or the check runner
positions and stamps (as yamllint's linter stamps the rule id on what a rule yields).
"""

from __future__ import annotations

import contextlib
import contextvars
import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from ._i18n import DEFAULT_LANG, Translate, translator

__all__ = [
    "CODES",
    "DOMAIN",
    "Code",
    "Draft",
    "Problem",
    "Severity",
    "current_lang",
    "problem_text",
    "problems_in",
    "words",
]

DOMAIN = "validate"
"""The gettext domain of problem messages and hints (``locale/da/LC_MESSAGES/validate.po``)."""

_LANG: contextvars.ContextVar[str] = contextvars.ContextVar("beredskab_problem_lang", default="en")


def words(lang: str = DEFAULT_LANG) -> Translate:
    """The translator of problem messages and hints: English message ids, Danish catalog."""
    return translator(lang, DOMAIN)


def problem_text(message_id: str) -> str:
    """``message_id`` in the language of the validation under way (:func:`problems_in`).

    The loader's problems (YAML, format, references, limits) are made deep inside the
    loader; rather than thread a translator through every call, ``validate()`` sets the
    language around the load and the loader's code translates with this. Outside a
    validation (``load_plan`` by itself, the route command) problems stay English.
    Use it as ``_`` (``from .._problems import problem_text as _``) with a literal
    English message id and named placeholders filled after translation.
    """
    return words(_LANG.get())(message_id)


def current_lang() -> str:
    """The language problems are being made in (``en`` outside :func:`problems_in`)."""
    return _LANG.get()


@contextlib.contextmanager
def problems_in(lang: str) -> Iterator[None]:
    """Problems made inside the block speak ``lang`` (``da`` or ``en``)."""
    words(lang)  # refuse an unknown language before anything runs
    token = _LANG.set(lang)
    try:
        yield
    finally:
        _LANG.reset(token)


class Severity(enum.StrEnum):
    """How bad a problem is; ``error`` makes a plan unusable, ``info`` only informs."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True)
class Code:
    """One row of the table: a stable code, its kebab-case name and default severity."""

    code: str
    name: str
    severity: Severity
    means: str
    fix: str = ""

    @property
    def stage(self) -> str:
        """``loader`` (BK0xx-BK2xx: the plan is rejected) or ``check`` (BK3xx and up)."""
        return "loader" if self.code < "BK300" else "check"

    @property
    def anchor(self) -> str:
        """The heading anchor of this code in ``docs/checks.md``."""
        return "loader-codes" if self.stage == "loader" else f"{self.code.lower()}-{self.name}"


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

CODES: dict[str, Code] = {
    c.code: c
    for c in (
        # reading the file (the loader; the plan is rejected)
        Code(
            "BK000",
            "unreadable",
            _E,
            "the file (or folder) cannot be read, or a folder was given where a file is needed",
            "check the path and permissions",
        ),
        Code(
            "BK001",
            "yaml-syntax",
            _E,
            "YAML syntax error, a second document in the file, an alias without anchor, a key that is not plain text",
            "fix the YAML at the position shown",
        ),
        Code(
            "BK002",
            "duplicate-key",
            _E,
            "the same key twice in one mapping (YAML would silently keep the last)",
            "remove or rename one",
        ),
        Code("BK003", "no-tabs", _E, "a tab character", "indent and separate with spaces"),
        Code("BK004", "not-utf8", _E, "bytes that are not UTF-8", "save the file as UTF-8"),
        Code("BK005", "file-too-large", _E, "the file is over 1 MiB", "plans are far smaller; check for a pasted blob"),
        Code(
            "BK006",
            "yaml-bomb",
            _E,
            "aliases expand past 20,000 nodes, or nesting deeper than 50 levels",
            "write the values out",
        ),
        Code(
            "BK007",
            "yaml-tag",
            _E,
            "an explicit YAML tag (`!!python/...`, `!custom`) or a merge key `<<`",
            "remove the tag; write merged keys out",
        ),
        Code(
            "BK008",
            "number-too-long",
            _E,
            "a plain number with more than 18 digits (no field takes one; Python would refuse or crawl)",
            "quote it if it is text",
        ),
        # the plan format
        Code(
            "BK009",
            "migrated",
            _I,
            "the plan is written in an older format and was migrated on reading",
            "run `beredskab migrate FILE` to write it in the current format",
        ),
        Code(
            "BK101",
            "schema",
            _E,
            "a value of the wrong type or outside its vocabulary (with a did-you-mean), a rule of the format "
            "broken (e.g. a fact with neither `source` nor `assumed: true` + `note`)",
            "see `docs/plan-format.md`",
        ),
        Code(
            "BK102",
            "unknown-key",
            _E,
            "a key the format does not have (with a did-you-mean)",
            "fix the spelling or remove the key",
        ),
        Code("BK103", "missing-key", _E, "a required key is missing", "add it"),
        Code(
            "BK104",
            "limit",
            _E,
            "more steps, rules, schedules, actors or contacts, or deeper or wider conditions, than a plan can hold "
            "(see `docs/plan-format.md`, Limits)",
            "split or simplify; the limits sit far above any real plan",
        ),
        # references between ids
        Code(
            "BK201",
            "unknown-reference",
            _E,
            "an actor, schedule, step, age band or national actor id that does not exist (with a did-you-mean)",
            "fix the id or define it",
        ),
        Code("BK202", "id-clash", _E, "a plan actor or schedule has the id of a national one", "rename it"),
        Code(
            "BK203",
            "no-such-contact",
            _E,
            "`via: [email]` for an actor without an e-mail contact",
            "add the contact or fix `via`",
        ),
        Code(
            "BK204",
            "duplicate-rule-id",
            _E,
            "two rules with the same `id`",
            "rule ids are stable names: make them unique",
        ),
        Code(
            "BK205",
            "age-band-coverage",
            _E,
            "age bands overlap, leave ages 0-130 uncovered, or there is not exactly one `unknown: true` band",
            "make the bands cover 0-130 exactly once",
        ),
        Code(
            "BK206",
            "duplicate-slug",
            _E,
            "two files in one folder have the same `municipality.slug`",
            "slugs name plans: make them unique",
        ),
        Code(
            "BK207",
            "examples-plan-mismatch",
            _E,
            "an examples file names another plan (`plan:`) than the plan file beside it",
            "name the slug of the plan beside it, or move the file",
        ),
        Code(
            "BK208",
            "example-reference",
            _E,
            "an example names an actor, rule or step its plan does not have",
            "use the ids of the plan beside the examples file",
        ),
        # checks of a loaded plan (one module each in beredskab/analysis/checks/)
        Code("BK301", "unreachable-step", _E, "a step that no chain of hand-overs from ``intake`` ever reaches"),
        Code("BK302", "dead-end", _E, "a non-terminal step from which no terminal step can be reached"),
        Code("BK303", "no-intake", _E, "the plan has no ``intake`` step, so no concern has a place to start"),
        Code("BK304", "unused-actor", _I, "an actor the plan defines but no rule, catch-all or escalation uses"),
        Code("BK305", "step-self-loop", _W, "a rule that hands a concern back to the step it was just at"),
        Code("BK401", "coverage-gap", _E, "some concern is answered by no rule, only by the catch-all"),
        Code(
            "BK402",
            "unknown-age-closed",
            _W,
            "a concern of unknown age is closed at intake, before anyone has assessed it",
        ),
        Code("BK501", "shadowed-rule", _E, "a rule that can never decide, because earlier rules take all its concerns"),
        Code("BK502", "conflicting-rules", _E, "two rules with the same conditions give different answers"),
        Code(
            "BK601", "acute-not-immediate", _E, "an acute concern must reach the police or 112 at once, at every moment"
        ),
        Code(
            "BK602",
            "response-promise",
            _E,
            "a window of the week where a not-acute concern waits beyond the plan's promise",
        ),
        Code("BK603", "no-way-in", _W, "at some moment a concern has nobody in ``next`` with a contact usable then"),
        Code(
            "BK604",
            "longest-wait",
            _I,
            "how long a not-acute concern can wait at intake until someone with a contact can act",
        ),
        Code(
            "BK605",
            "deadline-out-of-reach",
            _W,
            "a deadline that passes before its actor can act, or falls on a day the actor is closed",
        ),
        Code("BK701", "children-barnets-lov", _E, "concerns about children must have a route under Barnets Lov"),
        Code("BK702", "adults-sel-12b", _E, "adults must be offered § 12 b counselling, and only with their consent"),
        Code("BK703", "revision-age", _W, "the plan must be revised at least every fourth year"),
        Code(
            "BK704",
            "information-sharing",
            _W,
            "a hand-over between authorities with no basis for sharing without consent",
        ),
        Code(
            "BK705",
            "legal-basis",
            _E,
            "a rule cites a legal basis the plan does not declare, or one that cannot be the basis of the concerns"
            " it decides",
        ),
        Code(
            "BK706",
            "underretning-24-hours",
            _W,
            "a not-acute concern about a child the municipality cannot assess within 24 hours",
        ),
        Code("BK707", "published-address", _I, "the plan does not say where it is published"),
        Code(
            "BK708",
            "sister-plan",
            _I,
            "the plan routes negative social control without pointing to the plan for it",
        ),
        Code(
            "BK709",
            "underretning-route",
            _W,
            "a route for an underretning that can end without children's services",
        ),
        Code(
            "BK801",
            "contact-syntax",
            _E,
            "a phone number, e-mail address or web address that cannot be used as written",
        ),
        Code("BK901", "assumptions", _I, "list every value the plan text does not back (``assumed: true``)"),
        Code(
            "BK902",
            "unmarked-inference",
            _W,
            "a cited value whose note says the text does not state it, so it is an assumption in disguise",
        ),
        Code(
            "BK903",
            "quote-verbatim",
            _E,
            "a quote that is not word for word in the plan's text file (``document.text``)",
            "copy the sentence from the text as it stands; spacing and line breaks may differ",
        ),
        Code(
            "BK904",
            "source-text-missing",
            _E,
            "a citation names a text (``document.text``, ``source.seed``) that is not there, so its quotes "
            "cannot be checked",
            "correct the file name, or add the text",
        ),
        Code(
            "BK905",
            "personal-name",
            _E,
            "a person's name in an actor, a contact or a quote: plans name roles, never people",
        ),
        Code(
            "BK906",
            "placeholder",
            _E,
            "a value `beredskab init` wrote as a placeholder that was never replaced",
            "replace it with what your plan says, cited",
        ),
    )
}


class _Positions(Protocol):
    """What can place a Draft: a parsed YAML document (``spec._yaml.YamlDocument``)."""

    file: str

    def position(self, path: tuple[Any, ...], *, key: bool = False) -> tuple[int, int]: ...


@dataclass(frozen=True, order=True, kw_only=True)
class Problem:
    """One finding, positioned in a file.

    Problems sort by file, line, column and code, so reports are stable and read top to
    bottom like the file itself. Make them with :meth:`Problem.of`, which takes the name
    and default severity from the table of codes.
    """

    file: str
    line: int
    col: int
    code: str
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    hint: str | None = field(default=None, compare=False)
    name: str | None = field(default=None, compare=False)

    @classmethod
    def of(
        cls,
        code: str,
        *,
        file: str,
        line: int = 1,
        col: int = 1,
        message: str,
        hint: str | None = None,
        severity: Severity | None = None,
    ) -> Problem:
        """A problem of a code in :data:`CODES` (a ``KeyError`` for a code not in the table)."""
        row = CODES[code]
        return cls(
            file=file,
            line=line,
            col=col,
            code=code,
            severity=severity or row.severity,
            message=message,
            hint=hint,
            name=row.name,
        )

    def format(self, lang: str = "en") -> str:
        """``file:line:col: severity CODE message`` as the contract prescribes.

        ``lang`` translates the severity word only (``fejl``, ``advarsel``, ``info``); the
        message and hint are already in the language the problem was made in.
        """
        severity = words(lang)(self.severity.value)
        text = f"{self.file}:{self.line}:{self.col}: {severity} {self.code} {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass(frozen=True)
class Draft:
    """A problem before it has a place: the path in the plan's data it is about.

    Checks yield drafts without a code (the runner stamps the check's); the reference
    checks of the loader give theirs. ``key`` points at the mapping key that names the
    path rather than at its value (a whole entry is meant). ``severity`` overrides the
    code's default where a check grades its findings (a fault in an assumed rule is a
    warning where the same fault in a cited rule is an error).
    """

    path: tuple[Any, ...]
    message: str
    hint: str | None = None
    key: bool = False
    code: str | None = None
    severity: Severity | None = None

    def place(self, where: _Positions | None, code: str | None = None, file: str = "<plan>") -> Problem:
        """The positioned Problem; without a document, line 1 and the path in the message."""
        stamped = code or self.code
        if stamped is None:
            raise ValueError("a draft needs a code to become a Problem")
        if where is None:
            dotted = ".".join(map(str, self.path))
            return Problem.of(
                stamped, file=file, message=f"{dotted}: {self.message}", hint=self.hint, severity=self.severity
            )
        line, col = where.position(self.path, key=self.key)
        return Problem.of(
            stamped, file=where.file, line=line, col=col, message=self.message, hint=self.hint, severity=self.severity
        )
