"""Phone numbers as the contract compares them: digits only, Denmark's +45 dropped."""

from __future__ import annotations

import re

__all__ = ["phone_digits"]


def phone_digits(value: str) -> str:
    """``+45 41 74 90 90`` and ``4174 9090`` both give ``41749090`` (the contract compares digits)."""
    digits = re.sub(r"\D", "", value)
    return digits[2:] if len(digits) == 10 and digits.startswith("45") else digits
