"""BK902 unmarked-inference: a cited value whose note says the text does not state it, so it is an assumption in disguise.

A value is either cited (``source``: the text says it) or assumed (``assumed: true``
with a ``note``: the text does not). A cited value whose own note says that the text
does not state it ("inferred", "not stated", "the text does not say", "udledt",
"fremgår ikke", ...) is an inference: the quote next to it supports something nearby,
not the value itself. Reported at the note, as a warning (the wording may be a false
alarm, e.g. a note about another value).

Fix: mark the value ``assumed: true``, drop its ``source`` and keep in the note what the
text does say; or, if the text does say it, quote the sentence that does and reword the
note.

Passing example::

    schedules:
      municipal_hours:
        weekly: {mon: ["08:00-15:00"]}
        assumed: true
        note: The text mentions the municipality's opening hours but does not state them.

Failing example (a quote about something else, and a note that admits it)::

    schedules:
      municipal_hours:
        weekly: {mon: ["08:00-15:00"]}
        source: {section: "2.1", quote: "Udenfor kommunens åbningstid ..."}
        note: The hours are inferred; the text does not state them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..._problems import Draft
from ..context import CheckContext

CODE = "BK902"

# English and Danish ways of saying "the text does not say this"
ADMISSION = re.compile(
    r"\b(inferred|inference|infer|not stated|is not stated|does not state|doesn't state|do not state"
    r"|(the )?text does not (say|state|give|name|mention)|the text doesn't (say|state)|not in the text"
    r"|not given in the text|nowhere stated|udledt|udleder|fremgår ikke|står ikke|ikke nævnt|ikke angivet"
    r"|teksten siger ikke|teksten nævner ikke)\b",
    re.IGNORECASE,
)


def check(ctx: CheckContext) -> Iterator[Draft]:
    for path, value in ctx.mappings:
        if not isinstance(value, dict) or value.get("assumed") is True or "source" not in value:
            continue
        note = value.get("note")
        if not isinstance(note, str):
            continue
        m = ADMISSION.search(note)
        if m is None:
            continue
        yield Draft(
            (*path, "note"),
            ctx.translate(
                "the note says {words} of a value that cites the text: if the text does not state it, "
                "it is an assumption"
            ).format(words=repr(m.group(0))),
            ctx.translate("mark it assumed: true (and drop the source), or quote the sentence that states it"),
            key=True,
        )
