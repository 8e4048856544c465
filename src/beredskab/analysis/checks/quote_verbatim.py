"""BK903 quote-verbatim: a quote that is not word for word in the plan's text file (``document.text``).

A quote is the sentence of the plan's own text that a fact rests on; one that is not in the
text (a paraphrase, a translation, a slip) lets a reviewer believe the text says what it
does not. When ``document.text`` names the document as a plain-text file (UTF-8, relative
to the plan file, in the plan's folder or below it), every ``source.quote`` is looked up in it: spacing and line breaks may
differ, nothing else. A quote whose ``source.seed`` names another text is looked up in the
file of that name beside the plan's text, when there is one. Without ``document.text`` (a
plan known by its title or URL only) nothing is checked. The text file itself must exist
and be UTF-8 (reported at ``document.text``). A text outside the plan's folder tree (``../``,
an absolute path, a link leading out) is never read: a plan in a pull request must not be
able to test what another file on the machine contains.

Fix: copy the sentence from the text as it stands, or, if the text does not say it, mark
the value ``assumed: true`` with a note.

Passing example (``plan.txt`` beside the plan contains "Ring 112 ved akut fare.")::

    document:
      title: Handleplan
      text: plan.txt
    rules:
      - id: acute
        source: {section: "2.1", quote: "Ring 112 ved  akut fare."}

Failing example (the text says "Ring 112 ved akut fare.")::

    document:
      title: Handleplan
      text: plan.txt
    rules:
      - id: acute
        source: {section: "2.1", quote: "Ring altid 112."}
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..._files import read_bounded
from ..._problems import Draft
from ...spec._yaml import iter_paths
from ..context import CheckContext

CODE = "BK903"
MAX_TEXT_BYTES = 4 * 1024 * 1024
"""A plan's text is a few hundred KiB at most; a larger file is not one."""


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _confined(folder: Path, name: str) -> Path | None:
    """``folder / name`` if it resolves (links followed) inside ``folder``, else None."""
    root = folder.resolve()
    candidate = (folder / name).resolve()
    return candidate if candidate != root and candidate.is_relative_to(root) else None


def _read(path: Path) -> str | None:
    """The normalised text, or None if it is not a regular UTF-8 text file of a sane size."""
    try:
        return _norm(read_bounded(path, MAX_TEXT_BYTES).decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        return None


def check(ctx: CheckContext) -> Iterator[Draft]:
    _ = ctx.translate
    document = ctx.plan.document
    if document.text is None:
        return
    plan_file = Path(ctx.document.file)
    if not plan_file.is_file():  # a plan from a git revision or from memory: no folder to look in
        return
    text_path = _confined(plan_file.parent, document.text)
    if text_path is None:
        message = _(
            "the plan's text file {file} is outside the plan's folder; name a file in the "
            "plan's folder or below it (quotes are not checked)"
        ).format(file=repr(document.text))
        yield Draft(("document", "text"), message)
        return
    own = _read(text_path)
    if own is None:
        if not text_path.exists():
            message = _("the plan's text file {file} does not exist; quotes are not checked")
        else:
            message = _("the plan's text file {file} is not a UTF-8 text file of at most 4 MiB; quotes are not checked")
        yield Draft(("document", "text"), message.format(file=repr(document.text)))
        return
    others: dict[str, str | None] = {}
    for path, value in iter_paths(ctx.document.data):
        if not (isinstance(value, dict) and isinstance(value.get("quote"), str) and "section" in value):
            continue
        seed = value.get("seed")
        if seed is None or seed == document.seed:
            text: str | None = own
        else:
            if seed not in others:
                candidate = _confined(plan_file.parent, str(Path(document.text).parent / str(seed)))
                others[seed] = _read(candidate) if candidate is not None else None
            text = others[seed]
        if text is not None and _norm(value["quote"]) not in text:
            where = document.text if text is own else str(seed)
            yield Draft((*path, "quote"), _("quote is not word for word in {file}").format(file=where))
