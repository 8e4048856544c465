"""What every command shares: exit codes and the one way to say an error on standard error."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

__all__ = ["EXIT_FAIL", "EXIT_OK", "EXIT_USAGE", "date_arg", "err"]

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def err(message: str) -> None:
    print(f"beredskab: {message}", file=sys.stderr)


def date_arg(text: str) -> dt.date:
    """An argparse type for ``--as-of``-like options: ``YYYY-MM-DD``."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None
