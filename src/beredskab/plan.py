"""The public Plan model: a plan file's content plus its compiled routing (set by the loader)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import PrivateAttr

from .concern import Concern, Decision, parse_concern
from .model import PlanSpec
from .router import CompiledPlan

if TYPE_CHECKING:
    from ._yaml import YamlDocument
    from .model import NationalCatalogue

__all__ = ["Plan"]


class Plan(PlanSpec):
    """A checked municipal plan. ``route`` answers who acts next for a concern.

    Obtain plans from :func:`beredskab.load_plan` / :func:`beredskab.load_plans`; the
    fields mirror the YAML file (see ``docs/plan-format.md``).
    """

    _compiled: CompiledPlan | None = PrivateAttr(default=None)
    _document: YamlDocument | None = PrivateAttr(default=None)

    def _attach(self, document: YamlDocument | None, national: NationalCatalogue) -> None:
        """Compile for routing (called once by the loader)."""
        self._document = document
        self._compiled = CompiledPlan(self, national)

    def __eq__(self, other: object) -> bool:
        """Plans are equal when their content is; compiled state and file positions do not count."""
        if not isinstance(other, PlanSpec):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    @property
    def slug(self) -> str:
        return self.municipality.slug

    @property
    def compiled(self) -> CompiledPlan:
        """The routing form of this plan (compiled on first use if built without the loader)."""
        if self._compiled is None:
            from .loader import compile_plan  # the loader imports this module

            compile_plan(self)
        assert self._compiled is not None
        return self._compiled

    @property
    def source_file(self) -> str | None:
        return self._document.file if self._document is not None else None

    def route(self, concern: Concern | dict[str, Any]) -> Decision:
        """Who acts next, how to reach them, by when, and why. Raises ConcernError on a bad event."""
        # read the private slot directly: pydantic's attribute fallback costs more than routing
        private = self.__pydantic_private__
        compiled = private.get("_compiled") if private else None
        if compiled is None:
            compiled = self.compiled
        return compiled.route(parse_concern(concern))
