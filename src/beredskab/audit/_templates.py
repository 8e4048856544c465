"""The one Jinja2 environment of the views: templates from the package, HTML autoescaped, undefined names errors.

It also holds the one way plan text is written into markdown (:func:`markdown_cell`, the
templates' ``|md``, and :func:`markdown_code`): plans arrive from outside, and the markdown
is pasted into pull-request comments and wikis that render links, images and inline HTML.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import jinja2

from .._i18n import Translate

__all__ = ["markdown_cell", "markdown_code", "render"]


@functools.cache
def _environment(html: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("beredskab", "templates"),
        # every value from a plan is escaped in HTML; markdown templates escape with |md
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_cell
    return env


# Characters that act anywhere in a line: code spans, emphasis, strikethrough (GFM), links
# and images (with [ and ] escaped, "![" and "](" can no longer open one), table cells (|),
# headings' closing #s, math ($, GitHub) and the backslash itself. CommonMark lets any ASCII
# punctuation be backslash-escaped, and the backslash disappears when rendered.
# < > & become entities rather than escapes: GitHub renders inline HTML and entities.
_INLINE = str.maketrans(
    {
        **{ch: "\\" + ch for ch in "\\`*_[]|~#$"},
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
    }
)
# what starts a block only at the start of a line (or of a list item's text, where a
# value often stands): a list item (- + or 1. 1)), a setext underline or thematic break (=)
_LEADING_MARKER = re.compile(r"^(?:(\d{1,9})([.)])|([-+=]))")
# CommonMark's line endings; a value on two lines could start a block on the second
_LINE_BREAK = re.compile(r"\r\n|[\r\n]")
_BACKTICKS = re.compile(r"`+")


def _one_line(value: Any) -> str:
    return _LINE_BREAK.sub(" ", str(value))


def markdown_cell(value: Any) -> str:
    """Plan text as literal text in a markdown line or table cell (the templates' ``|md``).

    Renders as the plan writes it (line breaks become spaces), but can open no link, image,
    code span, emphasis, HTML tag, heading, list or table cell: see ``_INLINE``.
    """
    # leading and trailing blanks show nothing, and four leading spaces in a list item open a code block
    text = _one_line(value).strip().translate(_INLINE)
    return _LEADING_MARKER.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text, count=1)


def markdown_code(value: Any, *, in_table: bool = False) -> str:
    """Plan text as one markdown code span: literal, whatever backticks or HTML it holds.

    The fence is one backtick longer than the longest run inside (so no run can close it,
    the CommonMark rule), with a space either side where the text starts or ends with a
    backtick or with a space (the renderer strips one space each side). ``in_table``: the
    span stands in a GFM table cell, where a ``|`` splits the row even inside a code span
    unless written ``\\|`` (which GFM shows as ``|`` there).
    """
    text = _one_line(value)
    if in_table:
        text = text.replace("|", "\\|")
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    if not text or text[0] == "`" or text[-1] == "`" or (text[0] == " " and text[-1] == " "):
        text = f" {text} "
    return f"{fence}{text}{fence}"


def render(template: str, translate: Translate, **context: Any) -> str:
    """Render ``templates/<template>`` (HTML when it ends in ``.html.j2``) with ``_`` as the translator."""
    return _environment(template.endswith(".html.j2")).get_template(template).render(_=translate, **context)
