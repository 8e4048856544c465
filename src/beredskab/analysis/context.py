"""What a check sees: the loaded plan, its YAML positions, the run's options, shared analyses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .._i18n import DEFAULT_LANG, WEEKDAYS, Translate, translator
from .._problems import words
from ..plan import Plan
from ..routing.calendar import ZONE
from ..routing.router import CompiledPlan
from ..spec._yaml import YamlDocument, iter_paths
from .clock import Clock
from .reach import Reacher
from .space import DecisionSpace, Region, partition

__all__ = ["CheckContext", "today"]


def today() -> dt.date:
    """Today in Copenhagen, the default ``as_of`` of a validation."""
    return dt.datetime.now(ZONE).date()


@dataclass
class CheckContext:
    """The plan under check with its document; analyses computed once and shared by the checks."""

    plan: Plan
    document: YamlDocument
    as_of: dt.date = field(default_factory=today)
    cache: dict[str, Any] = field(default_factory=dict)
    lang: str = DEFAULT_LANG

    @property
    def translate(self) -> Translate:
        """The run's translator of messages and hints: ``_ = ctx.translate``; ``_("...").format(...)``.

        Message ids are English with named placeholders, filled after translation; the
        Danish words are in the ``validate`` domain (``locale/da/LC_MESSAGES/validate.po``).
        """
        return words(self.lang)

    def weekday(self, moment: dt.datetime) -> str:
        """The day abbreviation of a (local) moment in the run's language: ``Mon`` / ``man``."""
        return translator(self.lang)(WEEKDAYS[moment.weekday()])

    def moment(self, at: dt.datetime) -> str:
        """A moment as the findings write it, in Copenhagen time: ``Mon 2026-11-23 10:00`` / ``man 2026-11-23 10:00``."""
        local = at.astimezone(ZONE)
        return f"{self.weekday(local)} {local:%Y-%m-%d %H:%M}"

    @property
    def file(self) -> str:
        return self.document.file

    @property
    def compiled(self) -> CompiledPlan:
        """The plan's routing form (kept here: the checks ask for it thousands of times a run)."""
        compiled: CompiledPlan | None = self.cache.get("compiled")
        if compiled is None:
            compiled = self.cache["compiled"] = self.plan.compiled
        return compiled

    @property
    def reacher(self) -> Reacher:
        """Who in a rule's ``next`` can be reached at a moment, answered once per run (:class:`~.reach.Reacher`)."""
        reacher: Reacher | None = self.cache.get("reacher")
        if reacher is None:
            reacher = self.cache["reacher"] = Reacher(self.compiled, self.clock)
        return reacher

    @property
    def mappings(self) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        """Every mapping in the document's data with its path, in :func:`iter_paths` order (cached).

        Several checks look at every mapping (sources, assumptions, quotes): one walk of the
        data serves them all.
        """
        found: list[tuple[tuple[Any, ...], dict[str, Any]]] | None = self.cache.get("mappings")
        if found is None:
            found = [(path, value) for path, value in iter_paths(self.document.data) if isinstance(value, dict)]
            self.cache["mappings"] = found
        return found

    @property
    def clock(self) -> Clock:
        """The run's calendar answers, remembered for every check (:class:`~.clock.Clock`)."""
        clock: Clock | None = self.cache.get("clock")
        if clock is None:
            clock = self.cache["clock"] = Clock()
        return clock

    @property
    def space(self) -> DecisionSpace:
        """The plan's finite decision space, time classes starting at ``as_of`` (cached)."""
        if "space" not in self.cache:
            self.cache["space"] = DecisionSpace.of(self.plan, self.compiled, self.as_of)
        space: DecisionSpace = self.cache["space"]
        return space

    @property
    def regions(self) -> list[Region]:
        """The decision space partitioned by first matching rule (cached)."""
        if "regions" not in self.cache:
            self.cache["regions"] = partition(self.space)
        regions: list[Region] = self.cache["regions"]
        return regions
