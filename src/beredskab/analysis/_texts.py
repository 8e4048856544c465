"""The texts a plan's quotes cite: found, confined to the plan's folder, read once, shared by the checks.

A plan names its own text with ``document.text`` (a path relative to the plan file) and may
give that text a name with ``document.seed``; a ``source`` whose ``seed`` names another text
is looked up in the file of that name in the folder of the plan's text. BK903
quote-verbatim asks whether each quote is in its text; BK904 source-text-missing whether
the text is there at all. Both see the same answer, computed once per plan
(``ctx.cache["texts"]``).

The rules: nothing is looked up for a plan without ``document.text`` (known by its title or
URL only) or without a file on disk (a plan from a git revision or from memory); a text
that resolves (links followed) outside the plan's folder tree is never read, so a plan in
a pull request cannot test what another file on the machine contains; a text is read
bounded (at most :data:`MAX_TEXT_BYTES`), as a regular UTF-8 file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .._errors import suggest
from .._files import read_bounded
from .context import CheckContext

__all__ = ["MAX_TEXT_BYTES", "Citation", "PlanTexts", "SourceText", "norm", "plan_texts"]

MAX_TEXT_BYTES = 4 * 1024 * 1024
"""A plan's text is a few hundred KiB at most; a larger file is not one."""
MAX_LISTED = 2000
"""Entries of a folder looked at for a did-you-mean: a text folder holds a handful."""

Fault = Literal["outside", "missing", "unreadable"]


def norm(text: str) -> str:
    """``text`` with every run of white space one space: how quotes are compared.

    ``str.split`` splits at the characters the ``\\s`` of ``re`` matches, so this is
    ``re.sub(r"\\s+", " ", text).strip()``, a few times faster on a plan's text.
    """
    return " ".join(text.split())


@dataclass(frozen=True)
class SourceText:
    """One text as the plan names it: its content, or why there is none."""

    name: str
    """The name as the plan writes it (``document.text`` or ``source.seed``)."""
    fault: Fault | None = None
    """``outside`` the plan's folder tree (not read), ``missing``, or ``unreadable`` (not UTF-8, too large...)."""
    raw: str = ""
    """The text as read (byte order mark dropped): for line numbers."""
    flat: str = ""
    """The text with white space collapsed (:func:`norm`): what quotes are looked up in."""


@dataclass(frozen=True)
class Citation:
    """A ``source`` of the plan: where it is, its quote, and the text it cites."""

    path: tuple[Any, ...]
    """The path of the ``source`` mapping in the plan's data."""
    quote: str | None
    seed: str | None
    """``source.seed`` as written, or None when the source cites the plan's own text."""


@dataclass
class PlanTexts:
    """The texts of one plan on disk, resolved and read on demand, each once."""

    plan_folder: Path
    folder: Path
    """Where texts are looked for, relative to the plan's folder: the folder of ``document.text``."""
    shown_folder: str
    """The same as a report names it (the plan file's folder as given, joined): ``plans/sources/``."""
    own: SourceText
    citations: list[Citation]
    _by_name: dict[str, SourceText] = field(default_factory=dict)
    _by_path: dict[Path, SourceText] = field(default_factory=dict)

    def seed(self, name: str) -> SourceText:
        """The text ``source.seed: name`` cites (the plan's own text if it is the same file)."""
        if name not in self._by_name:
            self._by_name[name] = self._resolve(name, str(self.folder / name) if name.strip() else "")
        return self._by_name[name]

    def _resolve(self, name: str, relative: str) -> SourceText:
        if not relative.strip():
            return SourceText(name, "missing")
        path = confined(self.plan_folder, relative)
        if path is None:
            return SourceText(name, "outside")
        if path in self._by_path:
            found = self._by_path[path]
            return SourceText(name, found.fault, found.raw, found.flat)
        text = _read(name, path)
        self._by_path[path] = text
        return text

    def names_nearby(self) -> list[str]:
        """The files of the text folder a plan could mean (plans and dot files left out), bounded."""
        where = confined(self.plan_folder, str(self.folder)) if str(self.folder) != "." else self.plan_folder.resolve()
        if where is None:
            return []
        names: list[str] = []
        try:
            with os.scandir(where) as entries:
                for i, entry in enumerate(entries):
                    if i >= MAX_LISTED:
                        break
                    if entry.name.startswith(".") or entry.name.endswith((".yaml", ".yml")):
                        continue
                    if entry.is_file():
                        names.append(entry.name)
        except OSError:
            return []
        return sorted(names)

    def guess(self, name: str, extra: tuple[str, ...] = ()) -> str | None:
        """The existing text name closest to ``name`` (a did-you-mean), or None."""
        return suggest(Path(name).name, [*self.names_nearby(), *extra])


def confined(folder: Path, name: str) -> Path | None:
    """``folder / name`` if it resolves (links followed) inside ``folder``, else None."""
    root = folder.resolve()
    candidate = (folder / name).resolve()
    return candidate if candidate != root and candidate.is_relative_to(root) else None


def _read(name: str, path: Path) -> SourceText:
    try:
        raw = read_bounded(path, MAX_TEXT_BYTES).decode("utf-8-sig")
    except UnicodeDecodeError:
        return SourceText(name, "unreadable")
    except OSError:
        return SourceText(name, "unreadable" if path.exists() else "missing")
    return SourceText(name, None, raw, norm(raw))


def _citations(mappings: list[tuple[tuple[Any, ...], dict[str, Any]]], own_name: str | None) -> list[Citation]:
    out: list[Citation] = []
    for path, value in mappings:
        if "section" not in value:
            continue
        quote = value.get("quote")
        seed = value.get("seed")
        if seed is not None:
            seed = str(seed)
        out.append(Citation(path, quote if isinstance(quote, str) else None, None if seed == own_name else seed))
    return out


def plan_texts(ctx: CheckContext) -> PlanTexts | None:
    """The plan's texts, or None when there is nothing to look up (no ``document.text``, no file)."""
    if "texts" not in ctx.cache:
        ctx.cache["texts"] = _plan_texts(ctx)
    texts: PlanTexts | None = ctx.cache["texts"]
    return texts


def _plan_texts(ctx: CheckContext) -> PlanTexts | None:
    document = ctx.plan.document
    if document.text is None:
        return None
    plan_file = Path(ctx.document.file)
    if not plan_file.is_file():  # a plan from a git revision or from memory: no folder to look in
        return None
    folder = Path(document.text).parent
    shown = (plan_file.parent / folder).as_posix()
    texts = PlanTexts(
        plan_folder=plan_file.parent,
        folder=folder,
        shown_folder=shown if shown.endswith("/") else shown + "/",
        own=SourceText(document.text, "missing"),
        citations=_citations(ctx.mappings, document.seed),
    )
    texts.own = texts._resolve(document.text, document.text)
    return texts
