"""Problem values: what a check or the loader found wrong with a plan file, and where."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.StrEnum):
    """How bad a problem is; ``error`` makes a plan unusable, ``info`` only informs."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, positioned in a file.

    Problems sort by file, line, column and code, so reports are stable and read top to
    bottom like the file itself.
    """

    file: str
    line: int
    col: int
    code: str
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    hint: str | None = field(default=None, compare=False)
    name: str | None = field(default=None, compare=False)

    def format(self) -> str:
        """``file:line:col: severity CODE message`` as the contract prescribes."""
        text = f"{self.file}:{self.line}:{self.col}: {self.severity.value} {self.code} {self.message}"
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
