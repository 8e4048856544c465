"""``read_event_json``'s quick way (the plain C decoder, checked after the fact) reads as its careful way does.

The quick way exists for speed only (``routing/concern.py``: ``_plain_read``), so what is
tested here is that it changes nothing: every text it reads is read exactly as the careful
way (``_careful_read``: hooks on every object and int, a depth scan first) reads it, and
what the careful way refuses is never read the quick way.
"""

from __future__ import annotations

import json
import random

import pytest

from beredskab import ConcernError
from beredskab.routing import concern
from beredskab.routing.concern import _UNSURE, MAX_EVENT_BYTES, MAX_EVENT_DEPTH, _plain_read, read_event_json
from beredskab.serve.app import MAX_BATCH_BYTES

AT = "2026-11-23T10:00:00+01:00"


def _read(data: bytes, max_bytes: int, max_depth: int) -> tuple[str, str]:
    try:
        return "ok", repr(read_event_json(data, "request body", max_bytes=max_bytes, max_depth=max_depth))
    except ConcernError as exc:
        return "error", str(exc)


def _careful(data: bytes, max_bytes: int, max_depth: int) -> tuple[str, str]:
    """What read_event_json answers without its quick way (the oracle)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(concern, "_plain_read", lambda raw, depth: _UNSURE)
        return _read(data, max_bytes, max_depth)


_ATOMS = [
    "true",
    "false",
    "null",
    "0",
    "-0",
    "-5",
    "123456789012345678",
    "1234567890123456789",
    "-1234567890123456789",
    "1.5",
    "1e400",
    "NaN",
    '"x"',
    '": y"',
    '"a:b"',
    '""',
    '"\\u00e6"',
    '"æ"',
    '"\\""',
    "1" * 5000,
]
_KEYS = ['"acute"', '"age"', '"findings"', '"acute"', '"a:"', '": "', '"æ"', '"\\"q"']


def _value(rng: random.Random, depth: int) -> str:
    roll = rng.random()
    if depth > 10 or roll < 0.5:
        return rng.choice(_ATOMS)
    space = rng.choice(["", " ", "\n", "\t "])
    if roll < 0.8:
        pairs = [f"{rng.choice(_KEYS)}{space}:{space}{_value(rng, depth + 1)}" for _ in range(rng.randrange(4))]
        return "{" + ",".join(pairs) + "}"
    return "[" + ",".join(_value(rng, depth + 1) for _ in range(rng.randrange(4))) + "]"


def _bodies(n: int) -> list[tuple[bytes, int, int]]:
    rng = random.Random(21)
    out = []
    for _ in range(n):
        text = _value(rng, 0)
        if rng.random() < 0.05:
            text = "\ufeff" + text
        if rng.random() < 0.05:
            text = text[: rng.randrange(len(text) + 1)]
        data = text.encode("utf-16" if rng.random() < 0.02 else "utf-8")
        max_bytes, max_depth = rng.choice(
            [(MAX_EVENT_BYTES, 2), (MAX_EVENT_BYTES, MAX_EVENT_DEPTH), (MAX_BATCH_BYTES, MAX_EVENT_DEPTH + 2)]
        )
        out.append((data, max_bytes, max_depth))
    return out


def test_the_quick_read_answers_as_the_careful_read() -> None:
    """Values and errors alike, on bodies good and bad: read_event_json with and without its quick way."""
    quick = 0
    for data, max_bytes, max_depth in _bodies(20_000):
        answer = _read(data, max_bytes, max_depth)
        assert answer == _careful(data, max_bytes, max_depth), data
        text = data.decode("utf-8-sig", "replace")
        quick += answer[0] == "ok" and "\\" not in text and _plain_read(text, max_depth) is not _UNSURE
    assert quick > 5_000  # the quick way is taken for most well-formed bodies


@pytest.mark.parametrize(
    "body",
    [
        '{"acute": false, "acute": true}',
        '{"acute" : false, "acute": true}',
        '{"findings": {"relevant": true, "relevant" :false}}',
        '{"age": 1234567890123456789}',
        '{"age": -1234567890123456789}',
        "[" * (MAX_EVENT_DEPTH + 1) + "]" * (MAX_EVENT_DEPTH + 1),
        "[" * 100_000 + "]" * 100_000,  # past Python's recursion limit
        '{"a": ": b", "a": 2}',
    ],
)
def test_what_the_careful_read_reads_otherwise_is_never_read_the_quick_way(body: str) -> None:
    """A key twice, too deep: refused; too many digits: kept as a number no field takes."""
    assert _plain_read(body, MAX_EVENT_DEPTH) is _UNSURE
    try:
        plain = ("ok", repr(json.loads(body)))
    except RecursionError:
        plain = ("error", "")
    assert _careful(body.encode(), MAX_BATCH_BYTES, MAX_EVENT_DEPTH) != plain


def test_a_concern_is_read_the_quick_way() -> None:
    body = json.dumps({"acute": False, "age": 16, "received_at": AT, "findings": {"relevant": True}})
    assert _plain_read(body, MAX_EVENT_DEPTH) == json.loads(body)
