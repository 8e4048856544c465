"""BK903 quote-verbatim: a quote that is not word for word in the plan's text file (``document.text``).

A quote is the sentence of the plan's own text that a fact rests on; one that is not in the
text (a paraphrase, a translation, a slip) lets a reviewer believe the text says what it
does not. When ``document.text`` names the document as a plain-text file (UTF-8, relative
to the plan file, in the plan's folder or below it), every ``source.quote`` is looked up in it: spacing and line breaks may
differ, nothing else. A quote whose ``source.seed`` names another text (not the plan's own
``document.seed``) is looked up in the file of that name in the folder of the plan's text.
Without ``document.text`` (a plan known by its title or URL only) nothing is checked. The
message shows where the quote departs from the text: its first word that differs, and the
closest passage of the text with its line (at most 160 characters of it).

A text that is not there is BK904 source-text-missing. A text that is not UTF-8, or larger
than 4 MiB, is reported here (at ``document.text``, or once at the first ``source.seed``
naming it), and so is a text outside the plan's folder tree (``../``, an absolute path, a
link leading out), which is never read: a plan in a pull request must not be able to test
what another file on the machine contains. The quotes of such a text are not checked.

Fix: copy the sentence from the text as it stands, or, if the text does not say it, mark
the value ``assumed: true`` with a note.

Passing example (``plan.txt`` beside the plan contains "Ring 112 ved akut fare.")::

    document:
      title: Handleplan
      text: plan.txt
    rules:
      - id: acute
        source: {section: "2.1", quote: "Ring 112 ved  akut fare."}

Failing example (the text says "Ring 112 ved akut fare."; it departs at "altid", word 2)::

    document:
      title: Handleplan
      text: plan.txt
    rules:
      - id: acute
        source: {section: "2.1", quote: "Ring altid 112."}
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from ..._problems import Draft
from .._texts import SourceText, norm, plan_texts
from ..context import CheckContext

CODE = "BK903"
PASSAGE_CHARS = 160
"""The most of a text a message shows."""
WORD_CHARS = 40
"""The most of one word a message shows."""
CANDIDATES = 6
"""Windows of the text compared closely with a quote that departs from it."""
SENTENCE_WORDS = 5
"""Words a passage may run on past the quote's length to end its sentence."""

_WORD = re.compile(r"\S+")
_PUNCT = "\"'“”„«»‘’`.,;:!?()[]{}<>-–—…*/"


def check(ctx: CheckContext) -> Iterator[Draft]:
    _ = ctx.translate
    texts = plan_texts(ctx)
    if texts is None:
        return
    own = texts.own
    if own.fault == "outside":
        message = _(
            "the plan's text file {file} is outside the plan's folder; name a file in the "
            "plan's folder or below it (quotes are not checked)"
        )
        yield Draft(("document", "text"), message.format(file=repr(own.name)))
    elif own.fault == "unreadable":
        message = _("the plan's text file {file} is not a UTF-8 text file of at most 4 MiB; quotes are not checked")
        yield Draft(("document", "text"), message.format(file=repr(own.name)))
    # a missing text is BK904's
    told: set[str] = set()
    indexes: dict[str, _Index] = {}
    for citation in texts.citations:
        text = own if citation.seed is None else texts.seed(citation.seed)
        if citation.seed is not None and text.fault in ("outside", "unreadable") and citation.seed not in told:
            told.add(citation.seed)
            if text.fault == "outside":
                message = _(
                    "the text {file} that source.seed names is outside the plan's folder; name a file in the "
                    "plan's folder or below it (the quotes citing it are not checked)"
                )
            else:
                message = _(
                    "the text {file} that source.seed names is not a UTF-8 text file of at most 4 MiB; "
                    "the quotes citing it are not checked"
                )
            yield Draft((*citation.path, "seed"), message.format(file=repr(citation.seed)))
        if text.fault is not None or citation.quote is None or norm(citation.quote) in text.flat:
            continue
        if text.name not in indexes:
            indexes[text.name] = _Index(text)
        yield Draft((*citation.path, "quote"), _departure(ctx, citation.quote, indexes[text.name]))


def _departure(ctx: CheckContext, quote: str, index: _Index) -> str:
    _ = ctx.translate
    found = closest(quote, index)
    if found is None:
        return _("quote is not word for word in {file}, and no passage of the text comes close to it").format(
            file=index.name
        )
    return _(
        'quote is not word for word in {file}: it departs at "{word}" (word {number}); '
        'the closest passage (line {line}): "{passage}"'
    ).format(
        file=index.name,
        word=_clip(found.word, WORD_CHARS),
        number=found.number,
        line=found.line,
        passage=found.passage,
    )


# --- the closest passage -------------------------------------------------------------------


class _Index:
    """A text's words with their offsets, and their keys (case and punctuation dropped)."""

    def __init__(self, text: SourceText) -> None:
        self.name = text.name
        self.raw = text.raw
        found = list(_WORD.finditer(text.raw))
        self.words = [m.group() for m in found]
        self.starts = [m.start() for m in found]
        self.keys = [_key(w) for w in self.words]
        self.where: dict[str, list[int]] = {}
        for i, k in enumerate(self.keys):
            self.where.setdefault(k, []).append(i)

    def line(self, i: int) -> int:
        return self.raw.count("\n", 0, self.starts[i]) + 1


@dataclass(frozen=True)
class Departure:
    """Where a quote leaves its text: its first differing word and the closest passage."""

    word: str
    number: int
    """1-based position of ``word`` in the quote."""
    line: int
    """Line of the text where the shown passage starts."""
    passage: str
    """At most :data:`PASSAGE_CHARS` characters of the text (``...`` marks a cut)."""


def _key(word: str) -> str:
    return word.strip(_PUNCT).casefold()


def closest(quote: str, index: _Index) -> Departure | None:
    """The passage of the text closest to ``quote`` and where the quote departs from it.

    Each word of the quote found in the text votes for the place the quote would start if
    it were there (case and punctuation dropped; each text's words are indexed once, so a
    quote costs as many steps as its words occur in the text); the few most voted places,
    with some slack either side, are aligned with the quote word by word (:mod:`difflib`),
    and the one sharing most words wins (the first in the text on a tie). None when the best
    passage shares fewer than two of the quote's words (a third of them in a long quote).
    """
    qwords = quote.split()
    if not qwords or not index.words:
        return None
    qkeys = [_key(w) for w in qwords]
    n, total = len(qkeys), len(index.keys)
    keys, where = index.keys, index.where
    votes: Counter[int] = Counter()
    for offset, k in enumerate(qkeys):
        for position in where.get(k, ()):
            votes[position - offset] += 1
    if not votes:
        return None
    starts: list[int] = []
    for start, _votes in sorted(votes.items(), key=lambda item: (-item[1], item[0])):
        if len(starts) == CANDIDATES:
            break
        if all(abs(start - s) > n // 2 for s in starts):
            starts.append(start)
    width = min(n, total)
    slack = max(2, n // 3)
    best: tuple[int, int, int, int] | None = None  # (matched, -lo, lo, hi) of the best aligned window
    for start in starts:
        lo, hi = max(0, start - slack), max(0, min(total, start + width + slack))
        matcher = difflib.SequenceMatcher(None, qkeys, keys[lo:hi], autojunk=False)
        matched = sum(block.size for block in matcher.get_matching_blocks())
        if best is None or (matched, -lo) > best[:2]:
            best = (matched, -lo, lo, hi)
    if best is None or best[0] < max(min(2, n), n // 3):  # a word or two in common is no passage
        return None
    _, _, lo, hi = best
    aligned = difflib.SequenceMatcher(None, qkeys, keys[lo:hi], autojunk=False)
    blocks = [b for b in aligned.get_matching_blocks() if b.size]
    if not blocks:
        return None
    first, last = blocks[0], blocks[-1]
    begin = max(lo, lo + first.b - first.a)
    # on from the last word in common for as many words as the quote has left, to the end of
    # the sentence if that comes first, or a little further if it is near
    end = lo + last.b + last.size
    stop = min(total, end + (n - last.a - last.size) + SENTENCE_WORDS)
    while end < stop and not index.words[end - 1].endswith((".", "!", "?", ":")):
        end += 1
    # the first word that differs as written (case and punctuation count here)
    number, at = 0, begin
    for tag, i1, _i2, j1, _j2 in difflib.SequenceMatcher(
        None, qwords, index.words[begin:end], autojunk=False
    ).get_opcodes():
        if tag != "equal":
            number, at = i1, begin + j1
            break
    else:
        number, at = n - 1, end
    number = min(number, n - 1)
    shown_from, passage = _passage(index, begin, end, min(at, end - 1) if end > begin else begin)
    return Departure(qwords[number], number + 1, index.line(shown_from), passage)


def _passage(index: _Index, begin: int, end: int, at: int) -> tuple[int, str]:
    """The words ``begin:end`` of the text (and its first word), cut to :data:`PASSAGE_CHARS` around word ``at``.

    ``...`` marks a cut; a word longer than :data:`WORD_CHARS` is cut too.
    """
    end = max(end, at + 1)

    def size(i: int) -> int:
        return len(_clip(index.words[i], WORD_CHARS)) + 1

    # up to a third of the room before the departure, the rest after it, then what is left before
    first, room, before = at, PASSAGE_CHARS + 1 - size(at), PASSAGE_CHARS // 3
    while first > begin and size(first - 1) <= min(room, before):
        first -= 1
        room -= size(first)
        before -= size(first)
    last = at + 1
    while last < end and size(last) <= room:
        room -= size(last)
        last += 1
    while first > begin and size(first - 1) <= room:
        first -= 1
        room -= size(first)
    text = " ".join(_clip(index.words[i], WORD_CHARS) for i in range(first, last))
    if first > begin:
        text = "... " + text
    if last < end:
        text += " ..."
    return first, text


def _clip(word: str, limit: int) -> str:
    return word if len(word) <= limit else word[: limit - 3] + "..."
