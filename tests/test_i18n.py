"""The gettext catalogs: compiled in step with their sources, Danish by default, English on request."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from beredskab._i18n import LOCALE_DIR, translator
from conftest import REPO

CATALOGS = sorted(LOCALE_DIR.glob("da/LC_MESSAGES/*.po"))


def test_every_compiled_catalog_matches_its_source() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "compile_catalogs.py"), "--check"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.stem)
def test_every_message_is_translated_and_danish_by_default(po: Path) -> None:
    with po.open("rb") as fh:
        catalog = read_po(fh)
    _ = translator("da", po.stem)
    english = translator("en", po.stem)
    ids = [m.id for m in catalog if m.id]
    assert ids
    for msgid in ids:
        assert isinstance(msgid, str)
        assert _(msgid) == catalog[msgid].string != "", msgid
        assert english(msgid) == msgid
        # placeholders survive translation, or .format() would fail at run time
        assert sorted(_placeholders(msgid)) == sorted(_placeholders(_(msgid))), msgid


def _placeholders(text: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="da, en"):
        translator("sv")
