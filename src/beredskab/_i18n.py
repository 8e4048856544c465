"""Human-facing words in gettext catalogs: Danish by default, English (the message ids) on request.

Each view keeps its words in its own domain (``beredskab``: shared words; ``card``,
``compare``, ``graph``, ``report``: one per view), in ``locale/da/LC_MESSAGES/<domain>.po``
compiled to ``.mo`` by ``python tools/compile_catalogs.py`` (a test keeps the two in step).
Message ids are English, so ``--lang en`` needs no catalog.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "DEFAULT_LANG",
    "LANGS",
    "LOCALE_DIR",
    "WEEKDAYS",
    "Translate",
    "local_moment",
    "moment_words",
    "translator",
]

LANGS = ("da", "en")
DEFAULT_LANG = "da"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

Translate = Callable[[str], str]


@functools.cache
def _catalog(lang: str, domain: str) -> gettext.NullTranslations:
    if lang not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}")
    if lang == "en":
        return gettext.NullTranslations()
    # fallback=False: a missing Danish catalog is a packaging bug, not English by surprise
    return gettext.translation(domain, localedir=LOCALE_DIR, languages=[lang], fallback=False)


def translator(lang: str = DEFAULT_LANG, domain: str = "beredskab") -> Translate:
    """``_ = translator("da", "card")``; ``_("Acute")`` -> ``"Akut"``."""
    return _catalog(lang, domain).gettext


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
"""Day abbreviations (message ids of the shared domain), Monday first."""


def local_moment(local: dt.datetime, lang: str = DEFAULT_LANG) -> str:
    """A local (Copenhagen) time as the text views write it: ``man 23.11.2026 20:00``."""
    return f"{translator(lang)(WEEKDAYS[local.weekday()])} {local:%d.%m.%Y %H:%M}"


# "00".."99": a table lookup is several times faster than a ``:02d`` format spec
_TWO = tuple(f"{i:02d}" for i in range(100))


@functools.cache
def _weekdays(lang: str) -> tuple[str, ...]:
    return tuple(map(translator(lang), WEEKDAYS))


def moment_words(local: dt.datetime, lang: str = DEFAULT_LANG) -> str:
    """A local time in a sentence: ``tir 24.11.2026 kl. 08.00`` (Danish), ``Tue 24.11.2026 08:00`` (English)."""
    # no strftime nor format specs: the router writes these on every route
    day = _weekdays(lang)[local.weekday()]
    two = _TWO
    year = local.year
    date = f"{two[local.day]}.{two[local.month]}.{year if year >= 1000 else f'{year:04d}'}"
    if lang == "da":
        return f"{day} {date} kl. {two[local.hour]}.{two[local.minute]}"
    return f"{day} {date} {two[local.hour]}:{two[local.minute]}"
