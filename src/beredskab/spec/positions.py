"""Pydantic validation errors as positioned Problems: a model's error locations -> YAML line:col."""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from .._errors import suggest
from .._problems import Draft, Problem
from .._problems import problem_text as _
from ._yaml import YamlDocument

__all__ = ["MAX_PROBLEMS", "pydantic_problems"]

MAX_PROBLEMS = 200  # per file


def _unwrap(tp: Any) -> list[Any]:
    """The concrete types inside Optional/Union/Annotated."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        out: list[Any] = []
        for arg in typing.get_args(tp):
            out.extend(_unwrap(arg))
        return out
    return [tp]


def _field_by_key(model: type[BaseModel], key: str) -> Any:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info.annotation
    return None


def _model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class whose mapping sits at ``loc`` (to list its allowed keys)."""
    current: list[Any] = [root]
    for seg in loc:
        nxt: list[Any] = []
        for tp in current:
            for t in _unwrap(tp):
                origin = typing.get_origin(t)
                if isinstance(t, type) and issubclass(t, BaseModel) and isinstance(seg, str):
                    ann = _field_by_key(t, seg)
                    if ann is not None:
                        nxt.append(ann)
                elif origin is dict:
                    nxt.append(typing.get_args(t)[1])
                elif origin is list and isinstance(seg, int):
                    nxt.append(typing.get_args(t)[0])
        if not nxt:
            return None
        current = nxt
    for tp in current:
        for t in _unwrap(tp):
            if isinstance(t, type) and issubclass(t, BaseModel):
                return t
    return None


def _allowed_keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _yaml_path(loc: tuple[Any, ...], doc: YamlDocument) -> tuple[Any, ...]:
    """Drop pydantic's union-member segments so the path names YAML nodes."""
    path: list[Any] = []
    for seg in loc:
        candidate = (*tuple(path), seg)
        if candidate in doc.value_marks or candidate in doc.key_marks:
            path.append(seg)
    return tuple(path)


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for seg in loc:
        out += f"[{seg}]" if isinstance(seg, int) else (f".{seg}" if out else str(seg))
    return out or _("(top level)")


def _value_at(data: Any, path: tuple[Any, ...]) -> Any:
    for seg in path:
        try:
            data = data[seg]
        except (KeyError, IndexError, TypeError):
            return None
    return data


# pydantic writes a Literal's or an enum's allowed values as ``'a', 'b' or 'c'`` (strings
# quoted, numbers and booleans bare: ``1`` or ``1 or 2``)
_EXPECTED = re.compile(r"'([^']*)'|\"([^\"]*)\"|([^\s,'\"]+)")
_MAX_SHOWN = 40  # a value longer than this (as written) is described, not echoed


def _options(expected: Any) -> list[str]:
    """The allowed values of a ``literal_error``/``enum`` error, in their order."""
    out = []
    for m in _EXPECTED.finditer(str(expected)):
        single, double, bare = m.groups()
        if bare == "or":
            continue
        out.append(single if single is not None else double if double is not None else bare)
    return out


def _shown(value: Any) -> str:
    """A short scalar as written (quoted when text); a long or nested value described, never echoed."""
    if isinstance(value, str | int | float | bool) or value is None:
        text = repr(value)
        if len(text) <= _MAX_SHOWN:
            return text
        if isinstance(value, str):
            return _("a text of {count} characters").format(count=len(value))
        return _("a long number")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping")
    return _("this value")


def _one_of(path: tuple[Any, ...], value: Any, options: list[str]) -> tuple[str, str | None]:
    """Message and hint for a value outside a Literal or an enum."""
    if path == ("format",):
        if len(options) == 1:
            message = _("{value} is not a known plan format; this version of beredskab reads format {known}")
            known = options[0]
        else:
            message = _("{value} is not a known plan format; this version of beredskab reads formats {known}")
            known = _("{some} and {last}").format(some=", ".join(options[:-1]), last=options[-1])
        message = message.format(value=_shown(value), known=known)
        if isinstance(value, str) and value in options:
            return message, _("write the number without quotes: format: {value}").format(value=value)
        if isinstance(value, int) and all(o.isdigit() and value > int(o) for o in options):
            return message, _("a plan in a newer format needs a newer version of beredskab")
        return message, _("write format: {value}").format(value=options[-1])
    message = _("{value} is not one of {options}").format(value=_shown(value), options=", ".join(options))
    if isinstance(value, str) and value in options:
        return message, _("write it without quotes: {value}").format(value=value)
    guess = suggest(str(value), options) if isinstance(value, str | int | float) else None
    return message, _("did you mean {guess}?").format(guess=repr(guess)) if guess else None


# pydantic's own words for the commonest type errors, by error type; the others keep pydantic's
_TYPE_MESSAGES = {
    "string_type": "a text is needed here",
    "int_type": "a whole number is needed here",
    "int_parsing": "a whole number is needed here",
    "int_from_float": "a whole number is needed here",
    "float_type": "a number is needed here",
    "float_parsing": "a number is needed here",
    "bool_type": "true or false is needed here",
    "bool_parsing": "true or false is needed here",
    "dict_type": "a mapping (key: value) is needed here",
    "model_type": "a mapping (key: value) is needed here",
    "model_attributes_type": "a mapping (key: value) is needed here",
    "list_type": "a list is needed here",
    "date_type": "a date (YYYY-MM-DD) is needed here",
    "date_parsing": "a date (YYYY-MM-DD) is needed here",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD) is needed here",
    "string_too_short": "the text is empty",
}


def _pydantic_message(err: Any) -> str:
    """pydantic's message, in the validation's language where the catalog has its words."""
    ctx = err.get("ctx") or {}
    if err["type"] == "beredskab" and "msgid" in ctx:
        # the format's own rules (spec/model.py ``_invalid``): message id and values apart, so the
        # sentence is translated first and the values (as the plan wrote them) filled in after
        values = {k: v for k, v in ctx.items() if k != "msgid"}
        template = _(str(ctx["msgid"]))
        return template.format(**values) if values else template
    if err["type"] == "string_too_long" and "max_length" in ctx:
        return _("the text is longer than {count} characters").format(count=ctx["max_length"])
    if err["type"] == "string_pattern_mismatch" and "pattern" in ctx:
        return _("the text does not have the form this key needs ({pattern})").format(pattern=ctx["pattern"])
    if err["type"] == "too_long" and "max_length" in ctx:
        return _("the list is longer than {count} items").format(count=ctx["max_length"])
    fixed = _TYPE_MESSAGES.get(err["type"])
    return _(fixed) if fixed is not None and _(fixed) != fixed else str(err["msg"])


def pydantic_problems(exc: ValidationError, doc: YamlDocument, root: type[BaseModel]) -> list[Problem]:
    """Every validation error as a positioned Problem, with did-you-mean hints."""
    problems: list[Problem] = []
    seen: set[tuple[Any, ...]] = set()
    errors = exc.errors(include_url=False)
    for n, err in enumerate(errors):
        if len(problems) >= MAX_PROBLEMS:
            # the rest are most often the same fault repeated: say how many, do not drown the first
            problems.append(
                Problem.of(
                    "BK101",
                    file=doc.file,
                    message=_("... and {count} more problems in this file (the first {shown} are shown)").format(
                        count=len(errors) - n, shown=MAX_PROBLEMS
                    ),
                    hint=_("fix these first; the rest are often the same fault"),
                )
            )
            break
        loc = tuple(err["loc"])
        path = _yaml_path(loc, doc)
        etype = err["type"]
        if etype == "extra_forbidden":
            key = loc[-1]
            model = _model_at(root, path[:-1])
            allowed = _allowed_keys(model) if model else []
            guess = suggest(str(key), allowed)
            if guess:
                hint: str | None = _("did you mean {guess}?").format(guess=repr(guess))
            else:
                hint = _("allowed keys: {keys}").format(keys=", ".join(allowed)) if allowed else None
            message = _("unknown key {key} in {where}").format(key=repr(key), where=_dotted(path[:-1]))
            problems.append(Draft(path, message, hint, key=True, code="BK102").place(doc))
            continue
        if etype == "missing":
            message = _("missing required key {key} in {where}").format(key=repr(loc[-1]), where=_dotted(path))
            problems.append(Draft(path, message, key=True, code="BK103").place(doc))
            continue
        # union types report once per member; keep the first message per place
        if path in seen and etype not in ("value_error", "beredskab"):
            continue
        seen.add(path)
        # an error about a whole mapping (e.g. no source) points at the key that names it
        whole = isinstance(_value_at(doc.data, path), dict)
        msg = _pydantic_message(err)
        hint = None
        ctx = err.get("ctx") or {}
        if etype in ("enum", "literal_error") and _options(ctx.get("expected", "")):
            msg, hint = _one_of(path, err.get("input"), _options(ctx["expected"]))
        elif etype == "value_error":
            msg = _(msg.removeprefix("Value error, "))
        elif etype == "string_pattern_mismatch":
            msg = _("{value} does not match the required pattern {pattern}").format(
                value=repr(err.get("input")), pattern=ctx.get("pattern")
            )
        problems.append(Draft(path, f"{_dotted(path)}: {msg}", hint, key=whole, code="BK101").place(doc))
    return problems
