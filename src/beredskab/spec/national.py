"""The shared national actors (112, 114, PET, the national hotline), shipped with the package."""

from __future__ import annotations

import functools
from importlib import resources

from pydantic import ValidationError

from .._errors import PlanError
from . import _yaml
from .model import NationalCatalogue
from .positions import pydantic_problems

__all__ = ["load_national"]


@functools.lru_cache(maxsize=1)
def load_national() -> NationalCatalogue:
    """The shared national actors shipped with the package (loaded once)."""
    ref = resources.files("beredskab") / "data" / "national.yaml"
    text = ref.read_text(encoding="utf-8")
    display = "beredskab/data/national.yaml"
    try:
        doc = _yaml.parse_text(text, display)
        return NationalCatalogue.model_validate(doc.data)
    except _yaml.YamlProblems as exc:  # pragma: no cover - the shipped file is tested
        raise PlanError(exc.problems, display) from None
    except ValidationError as exc:  # pragma: no cover
        raise PlanError(pydantic_problems(exc, doc, NationalCatalogue), display) from None
