"""Loading plan files: YAML -> validated, cross-checked, compiled :class:`Plan`, or PlanError."""

from __future__ import annotations

import functools
import re
import types
import typing
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import pydantic
from pydantic import BaseModel, ValidationError

from . import _yaml
from ._problems import Problem, Severity
from ._references import check_references
from .errors import PlanError, suggest
from .model import NationalCatalogue
from .plan import Plan

__all__ = ["load_national", "load_plan", "load_plans", "parse_plan", "plan_files"]

EXAMPLES_SUFFIX = ".examples.yaml"


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --- pydantic error locations -> YAML positions ----------------------------------------


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


def _yaml_path(loc: tuple[Any, ...], doc: _yaml.YamlDocument) -> tuple[Any, ...]:
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
    return out or "(top level)"


def _value_at(data: Any, path: tuple[Any, ...]) -> Any:
    for seg in path:
        try:
            data = data[seg]
        except (KeyError, IndexError, TypeError):
            return None
    return data


_EXPECTED = re.compile(r"'([^']*)'")


def pydantic_problems(exc: ValidationError, doc: _yaml.YamlDocument, root: type[BaseModel]) -> list[Problem]:
    """Every validation error as a positioned Problem, with did-you-mean hints."""
    problems: list[Problem] = []
    seen: set[tuple[Any, ...]] = set()
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        path = _yaml_path(loc, doc)
        etype = err["type"]
        if etype == "extra_forbidden":
            key = loc[-1]
            line, col = doc.position(path, key=True)
            model = _model_at(root, path[:-1])
            allowed = _allowed_keys(model) if model else []
            guess = suggest(str(key), allowed)
            hint = f"did you mean {guess!r}?" if guess else (f"allowed keys: {', '.join(allowed)}" if allowed else None)
            problems.append(
                Problem(
                    doc.file,
                    line,
                    col,
                    "BK102",
                    Severity.ERROR,
                    f"unknown key {key!r} in {_dotted(path[:-1])}",
                    hint,
                    "unknown-key",
                )
            )
            continue
        if etype == "missing":
            line, col = doc.position(path, key=True)
            problems.append(
                Problem(
                    doc.file,
                    line,
                    col,
                    "BK103",
                    Severity.ERROR,
                    f"missing required key {loc[-1]!r} in {_dotted(path)}",
                    None,
                    "missing-key",
                )
            )
            continue
        # union types report once per member; keep the first message per place
        if path in seen and etype not in ("value_error",):
            continue
        seen.add(path)
        # an error about a whole mapping (e.g. no source) points at the key that names it
        line, col = doc.position(path, key=isinstance(_value_at(doc.data, path), dict))
        msg = err["msg"]
        hint = None
        ctx = err.get("ctx") or {}
        if etype in ("enum", "literal_error") and "expected" in ctx:
            options = _EXPECTED.findall(str(ctx["expected"]))
            guess = suggest(str(err.get("input")), options)
            msg = f"{err.get('input')!r} is not one of {', '.join(options)}"
            hint = f"did you mean {guess!r}?" if guess else None
        elif etype == "value_error":
            msg = msg.removeprefix("Value error, ")
        elif etype == "string_pattern_mismatch":
            msg = f"{err.get('input')!r} does not match the required pattern {ctx.get('pattern')}"
        problems.append(
            Problem(doc.file, line, col, "BK101", Severity.ERROR, f"{_dotted(path)}: {msg}", hint, "schema")
        )
    return problems


# --- national catalogue -----------------------------------------------------------------


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


# --- plans -------------------------------------------------------------------------------


def parse_plan(doc: _yaml.YamlDocument) -> Plan:
    """Validate and cross-check a parsed document; compile the plan. Raises PlanError."""
    if not isinstance(doc.data, dict):
        what = "empty" if doc.data is None else f"a {type(doc.data).__name__}"
        raise PlanError(
            [
                Problem(
                    doc.file,
                    1,
                    1,
                    "BK101",
                    Severity.ERROR,
                    f"a plan file must be a mapping of keys, not {what}",
                    None,
                    "schema",
                )
            ],
            doc.file,
        )
    try:
        plan = Plan.model_validate(doc.data)
    except ValidationError as exc:
        raise PlanError(pydantic_problems(exc, doc, Plan), doc.file) from None
    except (RecursionError, pydantic.PydanticUserError) as exc:  # pragma: no cover - bounded by _yaml
        raise PlanError(
            [Problem(doc.file, 1, 1, "BK101", Severity.ERROR, f"cannot validate: {exc}", None, "schema")]
        ) from None
    compile_plan(plan, doc)
    return plan


def compile_plan(plan: Plan, doc: _yaml.YamlDocument | None = None) -> None:
    """Cross-check ``plan``'s references and compile it; PlanError positioned in ``doc`` if given."""
    national = load_national()
    findings = check_references(plan, national)
    if findings:
        file = doc.file if doc is not None else "<plan>"
        problems = []
        for path, code, name, message, hint in findings:
            if doc is not None:
                # clashes and band coverage concern a whole entry: point at its key
                line, col = doc.position(path, key=code in ("BK202", "BK205"))
            else:
                line, col = 1, 1
                message = f"{'.'.join(map(str, path))}: {message}"
            problems.append(Problem(file, line, col, code, Severity.ERROR, message, hint, name))
        raise PlanError(problems, file)
    plan._attach(doc, national)


def load_plan(path: str | Path) -> Plan:
    """Load, check and compile one plan file. Raises :class:`beredskab.PlanError`."""
    p = Path(path)
    display = _display(p)
    if p.is_dir():
        raise PlanError(
            [
                Problem(
                    display,
                    1,
                    1,
                    "BK000",
                    Severity.ERROR,
                    "is a folder; use load_plans() for folders",
                    None,
                    "unreadable",
                )
            ]
        )
    try:
        doc = _yaml.load_document(p, display)
    except _yaml.YamlProblems as exc:
        raise PlanError(exc.problems, display) from None
    return parse_plan(doc)


def plan_files(paths: Iterable[str | Path]) -> list[Path]:
    """Plan files named or found (``*.yaml``/``*.yml``, not examples) under ``paths``, sorted."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(
                f
                for f in sorted(p.iterdir())
                if f.is_file() and f.suffix in (".yaml", ".yml") and not f.name.endswith(EXAMPLES_SUFFIX)
            )
        else:
            out.append(p)
    return out


def load_plans(directory: str | Path) -> dict[str, Plan]:
    """Every plan in a folder, by slug. One PlanError lists the problems of all bad files."""
    d = Path(directory)
    if not d.is_dir():
        raise PlanError([Problem(_display(d), 1, 1, "BK000", Severity.ERROR, "not a folder", None, "unreadable")])
    plans: dict[str, Plan] = {}
    where: dict[str, str] = {}
    problems: list[Problem] = []
    for f in plan_files([d]):
        try:
            plan = load_plan(f)
        except PlanError as exc:
            problems.extend(exc.problems)
            continue
        slug = plan.municipality.slug
        if slug in plans:
            problems.append(
                Problem(
                    _display(f),
                    1,
                    1,
                    "BK206",
                    Severity.ERROR,
                    f"slug {slug!r} is already used by {where[slug]}",
                    None,
                    "duplicate-slug",
                )
            )
            continue
        plans[slug] = plan
        where[slug] = _display(f)
    if problems:
        raise PlanError(problems, _display(d))
    return plans
