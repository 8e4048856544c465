"""The one Jinja2 environment of the views: templates from the package, HTML autoescaped, undefined names errors."""

from __future__ import annotations

import functools
from typing import Any

import jinja2

from .._i18n import Translate

__all__ = ["markdown_cell", "render"]


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


def markdown_cell(value: Any) -> str:
    """Plan text safe in a markdown table cell or line: no HTML, no table breaks."""
    text = str(value)
    for ch, repl in (("\\", "\\\\"), ("|", "\\|"), ("<", "&lt;"), (">", "&gt;"), ("\n", " ")):
        text = text.replace(ch, repl)
    return text


def render(template: str, translate: Translate, **context: Any) -> str:
    """Render ``templates/<template>`` (HTML when it ends in ``.html.j2``) with ``_`` as the translator."""
    return _environment(template.endswith(".html.j2")).get_template(template).render(_=translate, **context)
