"""BK904 source-text-missing: a citation names a text (``document.text``, ``source.seed``) that is not there, so its quotes cannot be checked.

Quotes are checked word for word (BK903 quote-verbatim) against the text they cite: the
plan's own text (``document.text``, a path relative to the plan file), or, for a
``source`` with a ``seed`` other than the plan's own ``document.seed``, the file of that
name in the folder of the plan's text. A name that finds no file would switch that check
off without a word, so that an invented quote validates clean; it is an error instead,
reported at the ``text`` or ``seed`` key, once per name (at its first use), with the folder
it was looked for in and the closest name of a text there. The quotes that cite it are not
checked until it is found. Nothing is looked for in a plan without ``document.text``; a
text outside the plan's folder tree, or one that is not UTF-8, is BK903's.

Fix: correct the file name, or add the text.

Passing example (``sources/aalborg.txt`` and ``sources/aarhus.txt`` beside the plan)::

    document:
      title: Handleplan
      text: sources/aalborg.txt
      seed: aalborg.txt
    rules:
      - id: acute
        source: {section: "2.1", quote: "Ring 112 ved akut fare."}
      - id: hotline
        source: {section: "3", seed: aarhus.txt, quote: "Ring til den nationale hotline."}

Failing example (no ``sources/aarhus-tyrg.txt``: did you mean 'aarhus.txt'?)::

    document:
      title: Handleplan
      text: sources/aalborg.txt
    rules:
      - id: hotline
        source: {section: "3", seed: aarhus-tyrg.txt, quote: "Ring til den nationale hotline."}
"""

from __future__ import annotations

from collections.abc import Iterator

from ..._problems import Draft
from .._texts import PlanTexts, plan_texts
from ..context import CheckContext

CODE = "BK904"


def check(ctx: CheckContext) -> Iterator[Draft]:
    _ = ctx.translate
    texts = plan_texts(ctx)
    if texts is None:
        return
    if texts.own.fault == "missing":
        message = _(
            "the plan's text file {file} is not in {folder}; the quotes of the plan's own text are not checked"
        ).format(file=repr(texts.own.name), folder=texts.shown_folder)
        guess = texts.guess(texts.own.name)
        if guess is not None and str(texts.folder) != ".":
            guess = (texts.folder / guess).as_posix()
        yield Draft(("document", "text"), message, _hint(ctx, guess), key=True)
    told: set[str] = set()
    for citation in texts.citations:
        seed = citation.seed
        if seed is None or seed in told or texts.seed(seed).fault != "missing":
            continue
        told.add(seed)
        message = _(
            "the text {file} that source.seed names is not in {folder}; the quotes citing it are not checked"
        ).format(file=repr(seed), folder=texts.shown_folder)
        yield Draft((*citation.path, "seed"), message, _hint(ctx, _guess(texts, seed, ctx)), key=True)


def _guess(texts: PlanTexts, seed: str, ctx: CheckContext) -> str | None:
    own_name = ctx.plan.document.seed
    return texts.guess(seed, (own_name,) if own_name else ())


def _hint(ctx: CheckContext, guess: str | None) -> str:
    _ = ctx.translate
    if guess is None:
        return _("correct the file name, or add the text")
    return _("did you mean {guess}?").format(guess=repr(guess))
