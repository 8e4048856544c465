"""Private pydantic speed paths of the routing hot path, in one place so an upgrade breaks here.

Both rely on pydantic v2 internals (``__dict__``, ``__pydantic_fields_set__``,
``__pydantic_extra__``, ``__pydantic_private__``); ``tests/test_fast_paths.py`` checks
that they give what the public API gives, so a pydantic release that changes them fails
there first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

__all__ = ["construct", "plain_init", "private_attr"]

M = TypeVar("M", bound=BaseModel)


# BaseModel's own slots, set through their descriptors: ``object.__setattr__`` would look
# each name up on the class first (a KeyError here is a pydantic release that moved them)
_SET_DICT = BaseModel.__dict__["__dict__"].__set__
_SET_FIELDS_SET = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_SET_EXTRA = BaseModel.__dict__["__pydantic_extra__"].__set__
_SET_PRIVATE = BaseModel.__dict__["__pydantic_private__"].__set__
_new = object.__new__


def construct(cls: type[M], values: dict[str, Any]) -> M:
    """A model from values already checked at compile time, without re-validation.

    Equivalent to ``cls.model_construct(**values)`` for complete ``values`` (every field
    given) at a fraction of its cost, which matters on the routing hot path.
    """
    obj: M = _new(cls)
    _SET_DICT(obj, values)
    _SET_FIELDS_SET(obj, set(values))
    _SET_EXTRA(obj, None)
    _SET_PRIVATE(obj, None)
    return obj


def private_attr(model: BaseModel, name: str) -> Any:
    """A private attribute's value, or None: pydantic's attribute fallback costs more than routing."""
    private = model.__pydantic_private__
    return private.get(name) if private else None


F = TypeVar("F", bound=Callable[..., None])


def plain_init(init: F) -> F:
    """Mark a model's ``__init__`` as pydantic's own, so that validation does not call it.

    A model that overrides ``__init__`` is validated *through* it by pydantic (its
    "custom init"), so an exception raised there would be wrapped again as a validation
    error. Marked, ``__init__`` runs only when the model is built directly (``Concern(...)``).
    """
    init.__pydantic_base_init__ = True  # type: ignore[attr-defined]
    return init
