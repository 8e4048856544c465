"""What every command shares: exit codes and the one way to say an error on standard error."""

from __future__ import annotations

import sys

__all__ = ["EXIT_FAIL", "EXIT_OK", "EXIT_USAGE", "err"]

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def err(message: str) -> None:
    print(f"beredskab: {message}", file=sys.stderr)
