"""Format versions and the migrations between them: pure, ordered, data-to-data steps.

``format`` names the version of the plan format a file is written in. The current
version is :data:`~.model.FORMAT_VERSION` (1). A future change that an older file cannot
pass gets the next number and a :class:`Step` here that carries older files forward.

One older version has no number of its own: **1-legacy**, the shape plans had before
the format made "cited" and "assumed" exclusive (commit 9f9bdb6, 2026-12-01). Those files
say ``format: 1`` like current ones, so it is told by content: a fact with both
``assumed: true`` and a ``source`` (:func:`legacy_facts`). Every other change the format
went through under ``format: 1`` added optional keys or loosened a pattern
(``response_promise`` 8561e55, the real-date check 347d639, ``legal_bases`` 9f9bdb6,
the ten-year duration bound de2ed58, ``document.url``/``text`` and an optional ``seed``
b80cc69, ``language`` 7a9085a, the national template's keys 4d95a42): every plan ever
committed to this repository passes them as written.

Because the content test cannot tell an old file from a new mistake, readers choose:
:func:`migrate` with ``legacy=True`` (the default) carries a 1-legacy file forward, for
reading history (``diff REV:PATH``, ``compare``, ``report --previous``) and for
``beredskab migrate``; the authoring path (``validate``, ``load_plan``) leaves the file as
written, so a plan written today that is cited and assumed at once is still an error
(BK101). A numbered older version, once there is one, is migrated on every read.

Steps never invent a value. Where a newer format requires something an old plan lacks,
the step marks it ``assumed: true`` with a note saying it was migrated, or leaves it out
where it is optional. Each step is documented: which change, when (the commit), what it
does.
"""

from __future__ import annotations

import copy
import json
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from .model import FORMAT_VERSION

__all__ = [
    "CURRENT",
    "LEGACY_1",
    "STEPS",
    "Change",
    "Migration",
    "Step",
    "detect_version",
    "dump_text",
    "legacy_facts",
    "migrate",
    "rewrite_text",
]

CURRENT = str(FORMAT_VERSION)
"""The label of the current format version (``"1"``)."""

LEGACY_1 = "1-legacy"
"""``format: 1`` as written before commit 9f9bdb6 (2026-12-01): facts both cited and assumed."""

NOTE_LIMIT = 2000  # the format's longest text (model.Text)

PathT = tuple[Any, ...]


@dataclass(frozen=True)
class Change:
    """One thing a step changed: where (a path into the plan's data) and what, in words."""

    path: PathT
    what: str


@dataclass(frozen=True)
class Step:
    """One migration: from ``source`` to ``target``, for the change made in ``commit``."""

    source: str
    target: str
    commit: str
    date: str
    change: str
    run: Callable[[dict[str, Any]], list[Change]]
    """Changes the (copied) data in place; returns what it changed."""


@dataclass(frozen=True)
class Migration:
    """A plan's data carried to the current version, and how."""

    data: Any
    source: str | None
    """The version the data was written in (None: not a plan mapping, or an unknown ``format``)."""
    steps: tuple[Step, ...] = ()
    changes: tuple[Change, ...] = field(default_factory=tuple)

    @property
    def migrated(self) -> bool:
        return bool(self.steps)


# --- 1-legacy -> 1: cited and assumed are exclusive (9f9bdb6) ------------------------------


def _provenanced(data: Any, path: PathT = ()) -> Iterator[tuple[PathT, dict[str, Any]]]:
    """Every mapping of the plan that carries provenance keys, depth first."""
    stack: list[tuple[PathT, Any]] = [(path, data)]
    while stack:
        p, value = stack.pop()
        if isinstance(value, dict):
            if "assumed" in value or "source" in value:
                yield p, value
            stack.extend((((*p, k), v) for k, v in reversed(list(value.items()))))
        elif isinstance(value, list):
            stack.extend((((*p, i), v) for i, v in reversed(list(enumerate(value)))))


def legacy_facts(data: Any) -> list[PathT]:
    """Paths of the facts written the 1-legacy way: ``assumed: true`` together with a ``source``."""
    return [p for p, fact in _provenanced(data) if fact.get("assumed") is True and fact.get("source") is not None]


def _nearest_text(source: Any, room: int) -> str:
    """The source as 9f9bdb6 wrote it into notes: ``Nearest text, SECTION: "QUOTE"``, within ``room``."""
    if not isinstance(source, dict):
        return f"Nearest text: {source}"
    section = str(source.get("section") or "").strip()
    seed = source.get("seed")
    where = f"{section} [{seed}]" if seed else section
    quote = source.get("quote")
    if not quote:
        return f"Nearest text: {where}"
    head = f'Nearest text, {where}: "'
    text = str(quote).strip()
    if len(head) + len(text) + 1 > room:
        # the note is bounded (2,000 characters); the quote is shortened, never the note's own words
        text = text[: max(0, room - len(head) - 2)].rstrip() + "…"
    return f'{head}{text}"'


MIGRATED_NOTE = "moved from 'source' by the migration from format 1-legacy"


def _cited_and_assumed(data: dict[str, Any]) -> list[Change]:
    """Move the ``source`` of every fact that is also ``assumed: true`` into its ``note``.

    This is the conversion commit 9f9bdb6 applied by hand to 53 facts of the shipped
    plans: the source's section and quote are appended to the note as "(Nearest text,
    SECTION: "QUOTE"...)", and the fact stays assumed. Nothing is lost and nothing is
    claimed that the old file did not claim: the old file already said the value was
    assumed.
    """
    changes: list[Change] = []
    for path, fact in _provenanced(data):
        if fact.get("assumed") is not True or fact.get("source") is None:
            continue
        source = fact.pop("source")
        note = str(fact.get("note") or "").strip()
        tail_words = f"; {MIGRATED_NOTE}.)"
        room = NOTE_LIMIT - len(note) - len(" (") - len(tail_words)
        addition = f"({_nearest_text(source, room)}{tail_words}"
        fact["note"] = f"{note} {addition}" if note else addition
        changes.append(Change(path, "source moved into the note (a fact is cited or assumed, not both)"))
    return changes


STEPS: tuple[Step, ...] = (
    Step(
        source=LEGACY_1,
        target="1",
        commit="9f9bdb6",
        date="2026-12-01",
        change="a fact is either cited ('source') or assumed ('assumed: true' with a 'note'), not both",
        run=_cited_and_assumed,
    ),
)
"""Every migration in order; each one's ``target`` is the next one's ``source``."""


# --- versions --------------------------------------------------------------------------


def _order(version: str) -> tuple[int, int]:
    number, _, dialect = version.partition("-")
    return int(number), (0 if dialect else 1)


def detect_version(data: Any, *, legacy: bool = True) -> str | None:
    """The version ``data`` is written in, or None where it names none this module knows.

    ``format: 1`` is :data:`LEGACY_1` when a fact is cited and assumed at once (and
    ``legacy`` is true), else the current version. A number this module has no step
    from, or a ``format`` that is not a number, is None: the model reports it.
    """
    if not isinstance(data, dict):
        return None
    number = data.get("format")
    if isinstance(number, bool) or not isinstance(number, int):
        return None
    version = str(number)
    known = {CURRENT} | {s.source for s in STEPS}
    if version not in known:
        return None
    if version == "1" and legacy and legacy_facts(data):
        return LEGACY_1
    return version


def migrate(data: Any, *, legacy: bool = True) -> Migration:
    """``data`` carried to the current version (a copy; ``data`` is never changed).

    Returns the data as it is when it is current or not a version this module knows.
    ``legacy=False`` leaves a 1-legacy file as written (see the module's docstring).
    """
    version = detect_version(data, legacy=legacy)
    if version is None or version == CURRENT:
        return Migration(data, version)
    out = copy.deepcopy(data)
    applied: list[Step] = []
    changes: list[Change] = []
    current = version
    for step in STEPS:
        if _order(step.source) < _order(current):
            continue
        if step.source != current:  # pragma: no cover - STEPS is a chain (a test holds it)
            raise RuntimeError(f"no migration step from format {current}")
        changes.extend(step.run(out))
        applied.append(step)
        current = step.target
        if isinstance(out, dict) and current.isdigit():
            out["format"] = int(current)
    return Migration(out, version, tuple(applied), tuple(changes))


# --- the text form: rewrite only what a migration changed ----------------------------------


def rewrite_text(text: str, new: Any) -> str | None:
    """``text`` with the values that differ from ``new`` rewritten where they stand.

    Everything a migration did not change keeps its bytes: comments, blank lines, key
    order, quoting. A removed key goes with its lines, a changed text is written again
    (a long one as a folded ``>-`` block), an added key is appended to its mapping. The
    result is read back and must give ``new`` exactly; None where it does not, or where a
    change falls somewhere this line-based rewrite does not handle (the caller then writes
    the whole document again, without comments).
    """
    from . import _yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)  # marks with offsets; the text was read safely before
        old = _yaml.to_document(root, "<plan>").data
    except (yaml.YAMLError, _yaml.YamlProblems):
        return None
    if root is None:
        return None
    edits: list[tuple[int, int, str]] = []
    if not _patch(text, root, old, new, 0, edits):
        return None
    out = text
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        out = out[:start] + replacement + out[end:]
    try:
        again = _yaml.parse_text(out, "<plan>").data
    except _yaml.YamlProblems:
        return None
    return out if again == new else None


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _content_end(text: str, node: yaml.Node) -> int:
    """Offset just past the last character of ``node``'s own lines (its trailing comment lines
    and blank lines excluded: they belong to what follows)."""
    end = node.end_mark.index
    lines = text[:end].rstrip().split("\n")
    start_line = node.start_mark.line
    while len(lines) - 1 > start_line and lines[-1].strip().startswith("#"):
        lines.pop()
        while len(lines) - 1 > start_line and not lines[-1].strip():
            lines.pop()
    cut = len("\n".join(lines))
    newline = text.find("\n", cut)
    return len(text) if newline < 0 else newline + 1


def _key(node: yaml.Node) -> Any:
    from ._yaml import _scalar

    key = _scalar(node) if isinstance(node, yaml.ScalarNode) else None
    if key is not None and not isinstance(key, str):
        key = str(key).lower() if isinstance(key, bool) else str(key)
    return key


def _render_scalar(value: Any, indent: int, block: bool) -> str | None:
    if isinstance(value, str):
        if block and value and "\n" not in value and value == value.strip():
            lines = textwrap.wrap(value, width=max(40, 100 - indent), break_long_words=False, break_on_hyphens=False)
            return ">-\n" + "\n".join(" " * indent + line for line in lines)
        return json.dumps(value, ensure_ascii=False)
    if value is None or isinstance(value, bool | int | float):
        return json.dumps(value)
    return None


def _render_value(value: Any, indent: int) -> str:
    """``value`` after ``key:`` in block style at ``indent`` (the key's column)."""
    if isinstance(value, dict | list) and value:
        dumped = yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
        return "\n" + "".join(" " * (indent + 2) + line + "\n" for line in dumped.splitlines()).rstrip("\n")
    if isinstance(value, str) and len(value) > 60:
        return " " + (_render_scalar(value, indent + 2, True) or json.dumps(value, ensure_ascii=False))
    return " " + json.dumps(value, ensure_ascii=False)


def _patch(
    text: str,
    node: yaml.Node,
    old: Any,
    new: Any,
    indent: int,
    edits: list[tuple[int, int, str]],
    seen: dict[int, Any] | None = None,
) -> bool:
    if old == new and type(old) is type(new):
        return True
    # an anchored node stands once in the text however often its aliases repeat it: patched once
    seen = {} if seen is None else seen
    if id(node) in seen:
        return bool(seen[id(node)] == new)
    seen[id(node)] = new
    if isinstance(node, yaml.MappingNode) and isinstance(old, dict) and isinstance(new, dict) and not node.flow_style:
        pairs = [(_key(k), k, v) for k, v in node.value]
        if len({k for k, _, _ in pairs}) != len(pairs) or set(old) != {k for k, _, _ in pairs}:
            return False
        for key, knode, vnode in pairs:
            if key in new:
                if not _patch(text, vnode, old[key], new[key], knode.start_mark.column, edits, seen):
                    return False
                continue
            start = _line_start(text, knode.start_mark.index)
            if text[start : knode.start_mark.index].strip():
                return False  # the key shares its line (``- key:``): leave it to the full rewrite
            edits.append((start, _content_end(text, vnode), ""))
        added = [k for k in new if k not in old]
        if added:
            kept = [(k, v) for key, k, v in pairs if key in new] or [(k, v) for _, k, v in pairs]
            knode, vnode = kept[-1]
            at = _content_end(text, vnode)
            column = knode.start_mark.column
            lines = "".join(f"{' ' * column}{k}:{_render_value(new[k], column)}\n" for k in added)
            edits.append((at, at, lines if text[at - 1 : at] == "\n" else "\n" + lines))
        return True
    if isinstance(node, yaml.SequenceNode) and isinstance(old, list) and isinstance(new, list) and not node.flow_style:
        if len(old) != len(new):
            return False
        return all(
            _patch(text, item, a, b, item.start_mark.column, edits, seen)
            for item, a, b in zip(node.value, old, new, strict=True)
        )
    if isinstance(node, yaml.ScalarNode):
        block = node.style in (">", "|") or (isinstance(new, str) and len(new) > 60)
        rendered = _render_scalar(new, indent + 2, block)
        if rendered is None:
            return False
        end = _content_end(text, node) if node.style in (">", "|") else node.end_mark.index
        if node.style in (">", "|") and text[end - 1 : end] == "\n":
            end -= 1
        edits.append((node.start_mark.index, end, rendered))
        return True
    if getattr(node, "flow_style", False):
        edits.append((node.start_mark.index, node.end_mark.index, json.dumps(new, ensure_ascii=False)))
        return True
    return False


def dump_text(data: Any) -> str:
    """The whole plan written again (comments lost): the fallback of :func:`rewrite_text`."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
