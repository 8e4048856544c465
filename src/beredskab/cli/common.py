"""What every command shares: exit codes and the one way to say an error on standard error."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from .._i18n import translator
from .._problems import current_lang

__all__ = ["DOMAIN", "EXIT_FAIL", "EXIT_OK", "EXIT_USAGE", "date_arg", "err", "words"]

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2

DOMAIN = "cli"
"""The gettext domain of the commands' own messages (``locale/da/LC_MESSAGES/cli.po``)."""


def words(message_id: str) -> str:
    """``message_id`` in the command's language (``--lang``; ``cli.main`` sets it for the whole run).

    Use it as ``_`` (``from .common import words as _``) with a literal English message id
    and named placeholders filled after translation. ``--help`` texts stay English.
    """
    return translator(current_lang(), DOMAIN)(message_id)


def err(message: str) -> None:
    print(f"beredskab: {message}", file=sys.stderr)


def date_arg(text: str) -> dt.date:
    """An argparse type for ``--as-of``-like options: ``YYYY-MM-DD``."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None
