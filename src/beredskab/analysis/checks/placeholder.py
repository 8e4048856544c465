"""BK906 placeholder: a value `beredskab init` wrote as a placeholder that was never replaced.

``beredskab init`` starts a plan with contacts no one can use on purpose: a phone number of
zeros (no Danish number starts with 0) and addresses under ``.invalid``, a name reserved so
that it can never exist (RFC 2606). Listed as assumptions they would be only info, hidden by
``--no-info``, and a plan could ship invented numbers under ``--strict``; as errors they
must be replaced by what the plan's text says before the plan validates. Also reported: an
address under ``example.com``, ``example.org`` or ``example.net`` (reserved for examples),
in a contact, ``document.url`` or ``document.published``.

Fix: write the contact the text gives, with its ``source``; where the text gives none,
remove the contact (the action card then says the plan gives no contact).

Passing example::

    contacts:
      - {channel: email, value: infohus@testby.dk, source: {section: "3.2", quote: "..."}}

Failing example (as ``beredskab init`` wrote it)::

    contacts:
      - {channel: phone, value: "0000 0000", assumed: true, note: "Fra skabelonen: citér jeres plan her"}
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..._problems import Draft
from ...spec.vocabulary import Channel
from ..context import CheckContext

CODE = "BK906"

# a host under a name reserved never to exist, or reserved for examples (RFC 2606)
_RESERVED_HOST = re.compile(r"(?:^|[@./])(?:[a-z0-9-]+\.)*(?:invalid|example\.(?:com|org|net))(?:[/:?#]|$)", re.I)


def is_placeholder(channel: Channel | None, value: str) -> bool:
    """Whether ``value`` is a reserved placeholder: an all-zero phone number or a reserved host."""
    if channel == Channel.PHONE:
        digits = re.sub(r"\D", "", value)
        return bool(digits) and set(digits) == {"0"}
    return bool(_RESERVED_HOST.search(value.strip()))


def check(ctx: CheckContext) -> Iterator[Draft]:
    plan = ctx.plan
    _ = ctx.translate
    found: list[tuple[tuple[Any, ...], str]] = []
    for aid, actor in plan.actors.items():
        for j, contact in enumerate(actor.contacts):
            if is_placeholder(contact.channel, contact.value):
                found.append((("actors", aid, "contacts", j, "value"), contact.value))
    doc = plan.document
    if doc.url is not None and is_placeholder(None, doc.url):
        found.append((("document", "url"), doc.url))
    if doc.published is not None and is_placeholder(None, doc.published.url):
        found.append((("document", "published", "url"), doc.published.url))
    for path, value in found:
        yield Draft(
            path,
            _("{value} is a placeholder that was never replaced").format(value=repr(value)),
            _("write what the plan's text gives, with its source, or remove it"),
        )
