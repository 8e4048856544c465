"""BK905 personal-name: a person's name in an actor, a contact or a quote: plans name roles, never people.

A plan is published and outlives the staff it was written with: it routes a concern to
"SSP-konsulenten" or "Infohus Randers", never to the person who holds the post today. A
person's name in a plan is personal data that goes stale. Looked at: each actor of the
plan (``name``, ``organisation``, ``members``), its contacts (an e-mail mailbox made of a
person's names or initials; the ``label``; meeting and post contacts' text), who keeps
and approved the plan (``document.owner``, ``document.approved.by``) and every
``source.quote``, with the mailboxes quoted in it. A note is not looked at: it is where
to say that the text names a person and the plan keeps the role.

A name is two or more capitalised words in a row that begin with a known first name
("Allan Krarup", "Rikke Møller Larsen") or end with a known surname ("Ayşe Jensen"); a
row that names a place after a person is not one ("Jens Baggesens Vej", "Karen Blixen
Skolen"). A mailbox is a person's when its local part is a first name and more
(``allan.krarup@``) or initials: two or three letters, or up to four followed by digits
(``rml@``, ``TWA001@``), other than a role's abbreviation (``ssp@``, ``pet@``). The
names are Faker's Danish, Norwegian and Swedish first names and surnames
(``beredskab/data/person_names.txt`` says which and why some are left out). A name in
capitals only, or a first name alone, is not found. The plan's own actors only: the
national catalogue is package data.

Fix: name the role or the unit ("SSP-konsulent", "Infohus"), and use the unit's shared
mailbox. Quote a shorter part of the sentence, without the name, and say in the note
that the text names the person. A name that is not a person's (a role, a place) is
accepted under ``not_person_names``, with the reason, as the message writes it.

Passing example::

    actors:
      ssp:
        name: SSP-konsulenten
        contacts:
          - {channel: email, value: ssp@testby.dk, source: {section: "4", quote: "Kontakt SSP."}}
    not_person_names:
      Jens Baggesen: the school's name (Jens Baggesen Skolen), not a person

Failing example (a person as actor, a personal mailbox, a name in a quote)::

    actors:
      ssp:
        name: Allan Krarup
        contacts:
          - {channel: email, value: allan.krarup@testby.dk, source: {section: "4"}}
          - channel: phone
            value: "12 34 56 78"
            source: {section: "4", quote: "Rikke Møller Larsen, SSP-konsulent, tlf. 12 34 56 78"}
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

from ..._problems import Draft
from ...spec.vocabulary import Channel
from ..context import CheckContext

CODE = "BK905"

_UP = "A-ZÀ-ÖØ-ÞĀ-Ž"  # upper case letters of the Latin alphabets (ÆØÅ, ÄÖÜ, É, Ç, Ş...)
_LOW = "a-zß-öø-ÿā-žı"
_WORD = rf"[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)*"
_INITIAL = rf"[{_UP}]\."
# capitalised words in a row on one line; a middle initial may stand between them
_RUN = re.compile(rf"(?<![\w.-]){_WORD}(?:[^\S\n]+(?:{_INITIAL}[^\S\n]+)?{_WORD})+(?![\w-])")
_MAX_WORDS = 4
"""A name is reported with at most this many words (first name, middle names, surnames)."""

# words that make a row the name of a place or a thing named after a person
_PLACE_WORDS = frozenset(
    """vej vejen gade gaden allé alle plads pladsen torv torvet stræde vænge boulevard park parken
    have haven skole skolen gymnasium gymnasiet hus huset center centret centeret hallen kirke
    kirken kollegium kollegiet hospital hospitalet bibliotek biblioteket fond fonden institut
    instituttet prisen klinik klinikken stadion børnehave børnehaven vuggestue""".split()  # noqa: SIM905
)
# role mailboxes of two to four letters that are not a person's initials
_ROLE_MAILBOXES = frozenset(
    "ssp psp ksp pet sfi ppr sfo sos bfu fu ung job it hr kk post info mail ssf krim".split()  # noqa: SIM905
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_INITIALS = re.compile(r"[^\W\d_]{2,3}|[^\W\d_]{2,4}\d{1,3}")


@cache
def _names() -> tuple[frozenset[str], frozenset[str]]:
    """The first names and surnames of ``data/person_names.txt``."""
    text = resources.files("beredskab").joinpath("data/person_names.txt").read_text(encoding="utf-8")
    lists: dict[str, set[str]] = {"[first names]": set(), "[surnames]": set()}
    current: set[str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line in lists:
            current = lists[line]
        elif current is not None:
            current.add(line)
    return frozenset(lists["[first names]"]), frozenset(lists["[surnames]"])


def _is_first(word: str, first: frozenset[str]) -> bool:
    return word in first or word.split("-")[0] in first


def names_in(text: str) -> list[str]:
    """The personal names in ``text``, each once, in order of appearance."""
    first, last = _names()
    found: list[str] = []
    for m in _RUN.finditer(text):
        words = m.group(0).split()
        i = 0
        while i < len(words) - 1:
            if not (_is_first(words[i], first) or words[i + 1] in last):
                i += 1
                continue
            rest = words[i:]
            if any(w.lower() in _PLACE_WORDS for w in rest[1:]) or any(
                w.endswith("s") and not _is_first(w, first) and j + 1 < len(rest)
                for j, w in enumerate(rest[1:], start=1)
            ):
                break  # a place or a thing named after a person
            # the name runs on to the next word that begins another name
            size = 2
            while size < min(len(rest), _MAX_WORDS) and not _is_first(rest[size], first):
                size += 1
            name = " ".join(rest[:size])
            if name not in found:
                found.append(name)
            i += size
    return found


def personal_mailbox(address: str) -> bool:
    """Whether an e-mail address looks like a person's own: names or initials as its local part."""
    local = address.rpartition("@")[0].lower()
    if not local:
        return False
    if local not in _ROLE_MAILBOXES and _INITIALS.fullmatch(local):
        return True
    first, last = _names()
    tokens = [t for t in re.split(r"[._-]+", local) if t]
    if len(tokens) < 2 or not all(t.isalpha() for t in tokens):
        return False
    return tokens[0] in _lowered(first) or tokens[-1] in _lowered(last)


@cache
def _lowered(names: frozenset[str]) -> frozenset[str]:
    return frozenset(n.lower() for n in names)


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def check(ctx: CheckContext) -> Iterator[Draft]:
    _ = ctx.translate
    plan = ctx.plan
    accepted = {_key(n) for n in plan.not_person_names}
    hint = _(
        "name the role or the unit, not the person; a name that is not a person's goes under "
        "not_person_names, with the reason"
    )

    def named(path: tuple[Any, ...], text: str | None, message: str, **values: str) -> Iterator[Draft]:
        for name in names_in(text or ""):
            if _key(name) not in accepted:
                yield Draft(path, message.format(name=repr(name), **values), hint)

    def mailbox(path: tuple[Any, ...], address: str, message: str, hint: str, **values: str) -> Iterator[Draft]:
        if personal_mailbox(address) and _key(address) not in accepted:
            yield Draft(path, message.format(value=repr(address), **values), hint)

    for aid, actor in plan.actors.items():
        here = ("actors", aid)
        message = _("actor {actor} names a person: {name}")
        yield from named((*here, "name"), actor.name, message, actor=repr(aid))
        yield from named((*here, "organisation"), actor.organisation, message, actor=repr(aid))
        for i, member in enumerate(actor.members):
            yield from named((*here, "members", i), member, message, actor=repr(aid))
        message = _("a contact of actor {actor} names a person: {name}")
        for j, contact in enumerate(actor.contacts):
            at = (*here, "contacts", j)
            if contact.channel is Channel.EMAIL:
                yield from mailbox(
                    (*at, "value"),
                    contact.value,
                    _("e-mail {value} of actor {actor} looks like a person's own mailbox"),
                    _(
                        "give the unit's shared mailbox; an address that is not a person's goes under "
                        "not_person_names, with the reason"
                    ),
                    actor=repr(aid),
                )
            elif contact.channel in (Channel.MEETING, Channel.POST):
                yield from named((*at, "value"), contact.value, message, actor=repr(aid))
            yield from named((*at, "label"), contact.label, message, actor=repr(aid))
    document = plan.document
    message = _("the plan's owner or approver is given as a person: {name}")
    if document.owner is not None:
        yield from named(("document", "owner", "name"), document.owner.name, message)
    if document.approved is not None:
        yield from named(("document", "approved", "by"), document.approved.by, message)
    quote_hint = _(
        "quote a shorter part of the sentence that leaves the name out, and say in the note that the text "
        "names a person; a name that is not a person's goes under not_person_names, with the reason"
    )
    for path, value in ctx.mappings:
        if not (isinstance(value, dict) and isinstance(value.get("quote"), str) and "section" in value):
            continue
        quote: str = value["quote"]
        for name in names_in(quote):
            if _key(name) not in accepted:
                yield Draft((*path, "quote"), _("quote names a person: {name}").format(name=repr(name)), quote_hint)
        for address in _EMAIL.findall(quote):
            yield from mailbox((*path, "quote"), address, _("quote gives a person's own mailbox: {value}"), quote_hint)
