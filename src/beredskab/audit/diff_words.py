"""The diff's words for people, in the ``diff`` gettext domain: Danish by default, English on request.

The JSON (the contract's PlanDiff) keeps its machine fields (ISO durations, change kinds,
``"3rd rule"``); what people read says them in words: ``20 t``, ``2 d 4 t``, ``nu``;
``tir 24.11.2026 kl. 08.00``; ``66 % af situationerne`` (the exact counts are the JSON's);
``tilføjet``, ``flyttet``; a plan's values in the compact flow style the plan is written in
(``{actor: infohus_koege, step: reception}``), its durations in words.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .._i18n import DEFAULT_LANG, moment_words, translator
from .model import duration_parts, iso_duration

__all__ = ["DiffWords"]

_THOUSANDS = {"da": ".", "en": ","}
_UNITS = {"D": "d", "H": "h", "M": "min", "S": "s"}
_ORDINAL = re.compile(r"^(\d+)")
_ISO_DURATION = re.compile(r"^(-?)P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")
_RESERVED = frozenset({"true", "false", "null", "yes", "no", "on", "off", "~"})


def _plain(text: str) -> bool:
    """Whether YAML's flow style writes ``text`` unquoted (read back as the same string)."""
    return bool(
        text
        and text == text.strip()
        and text[0] not in "-?:,[]{}#&*!|>'\"%@`"
        and not any(c in text for c in "[]{},\n")
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and text.lower() not in _RESERVED
    )


class DiffWords:
    """The words of one language: ``w = DiffWords("da")``; ``w("added")`` -> ``"tilføjet"``."""

    def __init__(self, lang: str = DEFAULT_LANG) -> None:
        self.lang = lang
        self._ = translator(lang, "diff")

    def __call__(self, message: str) -> str:
        return self._(message)

    def number(self, n: int) -> str:
        """``6.952.320`` (Danish), ``6,952,320`` (English)."""
        return f"{n:,}".replace(",", _THOUSANDS[self.lang])

    def percent(self, n: int, total: int) -> str:
        """A share in whole per cent, never 0 or 100 unless it is: ``<1``, ``66``, ``>99``."""
        if total <= 0 or n <= 0:
            return "0"
        if n >= total:
            return "100"
        share = 100 * n / total
        if share < 1:
            return "<1"
        if share > 99:
            return ">99"
        return str(round(share))

    def share(self, n: int, total: int) -> str:
        """``66 % af situationerne`` (the counts, millions, say less than the share; the JSON has them)."""
        return self._("{percent}% of the situations").format(percent=self.percent(n, total))

    def part(self, n: int, total: int) -> str:
        """A region's share, short: ``29 %``."""
        return self._("{percent}%").format(percent=self.percent(n, total))

    def can_act(self, wait: str) -> str:
        """``kan handle nu``, ``kan handle om 2 d 8 t`` from an action's ISO wait."""
        if self.zero(wait) or self.negative(wait):
            return self._("can act now")
        return self._("can act in {span}").format(span=self.span(wait))

    def act_by(self, act_by: str) -> str:
        """``skal handle senest 20 t efter modtagelsen`` from an action's ISO ``act_by`` offset."""
        if self.zero(act_by):
            return self._("act at once")
        if self.negative(act_by):
            return self._("act by {span} before receipt").format(span=self.span(act_by))
        return self._("act by {span} after receipt").format(span=self.span(act_by))

    def span(self, iso: str) -> str:
        """An ISO duration of the diff (hours, minutes, seconds) as ``2 d 4 t`` / ``30 min``; zero: ``nu``.

        The sign is the caller's to say (see :meth:`negative`)."""
        _negative, parts = duration_parts(iso)
        units = dict((u, n) for n, u in parts)
        hours = units.pop("H", 0)
        days, hours = divmod(hours, 24)
        ordered = [("D", days), ("H", hours), ("M", units.get("M", 0)), ("S", units.get("S", 0))]
        words = [f"{n} {self._(_UNITS[u])}" for u, n in ordered if n]
        return " ".join(words) if words else self._("now")

    def duration(self, text: str) -> str | None:
        """A plan's ISO 8601 duration (``PT24H``, ``P2D``, ``-PT1H``) in words (``1 d``, ``2 d``,
        ``-1 t``); None if ``text`` is none."""
        found = _ISO_DURATION.match(text)
        if found is None or text in ("P", "-P") or text.endswith("T"):
            return None
        weeks, days, hours, minutes, seconds = (int(x or 0) for x in found.groups()[1:])
        delta = dt.timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
        return found[1] + self.span(iso_duration(delta))

    def flow(self, value: Any) -> str:
        """A plan's value as its YAML flow style writes it, compact: ``{actor: infohus_koege, step:
        reception}``, ``[intake, closed]``, ``false``; durations in words (``{high: 1 d}``)."""
        if isinstance(value, dict):
            return "{" + ", ".join(f"{self.flow(k)}: {self.flow(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list | tuple):
            return "[" + ", ".join(self.flow(v) for v in value) + "]"
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        text = str(value)
        words = self.duration(text)
        if words is not None:
            return words
        if _plain(text):
            return text
        return "'" + text.replace("'", "''") + "'"

    def rule_lines(self, rule: dict[str, Any]) -> list[tuple[str, str]]:
        """A rule's fields (``RuleChange.a``/``.b``) as (key, flow value) lines, ``id`` left out."""
        return [(key, self.flow(value)) for key, value in rule.items() if key != "id"]

    @staticmethod
    def negative(iso: str) -> bool:
        return iso.startswith("-")

    @staticmethod
    def zero(iso: str) -> bool:
        return not duration_parts(iso)[1]

    def moment(self, local: dt.datetime) -> str:
        """``tir 24.11.2026 kl. 08.00`` (Danish), ``Tue 24.11.2026 08:00`` (English); ``local`` in Copenhagen."""
        return moment_words(local, self.lang)

    def change(self, kind: str) -> str:
        """A change kind of the JSON (``added``, ``moved``) as a word (``tilføjet``, ``flyttet``)."""
        return self._(kind)

    def rule_place(self, value: object) -> str:
        """A moved rule's place, ``"3rd rule"`` in the JSON, as ``3. regel`` (Danish) or ``3rd rule``."""
        text = str(value)
        found = _ORDINAL.match(text)
        if found is None:
            return text
        n = int(found[1])
        if self.lang == "en":
            suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
            nth = f"{n}{suffix}"
        else:
            nth = f"{n}."
        return self._("{nth} rule").format(nth=nth)

    def value(self, dim_value: str) -> str:
        """A value of the vocabulary (reporter, topic, severity, actor kind, finding) as a word."""
        return self._(dim_value)
