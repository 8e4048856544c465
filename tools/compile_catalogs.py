"""Compile ``src/beredskab/locale/*/LC_MESSAGES/*.po`` to ``.mo`` with Babel (``pip install -e '.[test]'``).

python tools/compile_catalogs.py          # writes the .mo files beside the .po files
python tools/compile_catalogs.py --check  # exit 1 if a .mo is missing or out of date
"""

from __future__ import annotations

import datetime
import io
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[1] / "src" / "beredskab" / "locale"


def compiled(po: Path) -> bytes:
    with po.open("rb") as fh:
        catalog = read_po(fh, abort_invalid=True)
    # Babel stamps "now" into a header without these dates: fixed, so a .mo depends only on its .po
    catalog.creation_date = catalog.revision_date = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        data = compiled(po)
        if mo.exists() and mo.read_bytes() == data:
            continue
        if check:
            stale.append(mo)
        else:
            mo.write_bytes(data)
            print(f"wrote {mo.relative_to(LOCALE.parents[2])}")
    for mo in stale:
        print(f"{mo}: missing or out of date; run python tools/compile_catalogs.py", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
