"""BK801 contact-syntax: a phone number, e-mail address or web address that cannot be used as written.

Phone: spaces, dashes and dots are ignored, an optional ``+45`` / ``0045`` prefix is
allowed, then exactly 8 digits, or ``112`` / ``114``. E-mail: ``local@domain.tld``
without spaces. Web: a domain (``koege.dk``, optionally with a path:
``kk.dk/radikalisering``) or an ``http(s)://`` URL with a host; no spaces. Meeting and
post contacts are free text (only non-empty). Only the plan's own actors are checked
(the national catalogue is package data, tested with the package). Reported at the
contact's ``value``.

Fix: copy the number or address from the text again.

Passing example::

    contacts:
      - {channel: phone, value: "+45 1234 5678", source: {section: "1"}}
      - {channel: email, value: infohus@testby.dk, source: {section: "1"}}
      - {channel: web, value: testby.dk, source: {section: "1"}}

Failing example (seven digits; no top-level domain; a space in the web address)::

    contacts:
      - {channel: phone, value: "1234 567", source: {section: "1"}}
      - {channel: email, value: infohus@testby, source: {section: "1"}}
      - {channel: web, value: testby dk, source: {section: "1"}}
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from ..._problems import Draft
from ...spec.vocabulary import Channel
from ..context import CheckContext

CODE = "BK801"

_PHONE_NOISE = re.compile(r"[\s.\-]")
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"  # a DNS label; \w admits æøå (IDN domains)
_DOMAIN = re.compile(rf"^(?:{_LABEL}\.)+[^\W\d_]{{2,63}}$")
_LOCAL = re.compile(r"^[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*$")


def phone_ok(value: str) -> bool:
    digits = _PHONE_NOISE.sub("", value)
    for prefix in ("+45", "0045"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
            break
    return digits in ("112", "114") or (len(digits) == 8 and digits.isascii() and digits.isdigit())


def email_ok(value: str) -> bool:
    local, at, domain = value.rpartition("@")
    return bool(at) and bool(_LOCAL.match(local)) and bool(_DOMAIN.match(domain))


def web_ok(value: str) -> bool:
    if not value or any(c.isspace() for c in value):
        return False
    if "://" in value:
        try:
            parts = urlsplit(value)
            host = parts.hostname or ""
            parts.port  # noqa: B018 - raises ValueError on a malformed port
        except ValueError:
            return False
        return parts.scheme in ("http", "https") and bool(_DOMAIN.match(host))
    # a bare address "koege.dk/bekymring": the part before the first slash is the host
    host = re.split(r"[/?#]", value, maxsplit=1)[0]
    return bool(_DOMAIN.match(host))


_RULES = {
    Channel.PHONE: (phone_ok, "a phone number is 8 digits (spaces allowed, optional +45), or 112 / 114"),
    Channel.EMAIL: (email_ok, "an e-mail address looks like name@domain.dk, without spaces"),
    Channel.WEB: (web_ok, "a web address is a domain such as koege.dk or an http(s):// URL, without spaces"),
}


def check(ctx: CheckContext) -> Iterator[Draft]:
    _ = ctx.translate
    for aid, actor in ctx.plan.actors.items():
        for j, contact in enumerate(actor.contacts):
            rule = _RULES.get(contact.channel)
            if rule is None:  # meeting, post: free text
                continue
            ok, expected = rule
            if ok(contact.value):
                continue
            yield Draft(
                ("actors", aid, "contacts", j, "value"),
                _("{channel} contact {value} of actor {actor} is not valid").format(
                    channel=contact.channel.value, value=repr(contact.value), actor=repr(aid)
                ),
                _(expected),
            )
