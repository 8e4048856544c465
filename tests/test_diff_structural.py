"""The structural layer of the coming ``beredskab diff``: changes keyed by id, moves, renames, provenance, phones."""

from __future__ import annotations

import re
from pathlib import Path

import beredskab
from beredskab.audit.structural import structural_changes
from beredskab.loader import read_document
from beredskab.plan import build_plan
from beredskab.spec.phones import phone_digits
from conftest import PLANS

KOEGE = PLANS / "koege.yaml"


def _load(path: Path) -> tuple[beredskab.Plan, object]:
    document = read_document(path)
    return build_plan(document), document


def _changes(a: Path, b: Path) -> list[object]:
    plan_a, doc_a = _load(a)
    plan_b, doc_b = _load(b)
    return structural_changes(plan_a, doc_a, plan_b, doc_b)  # type: ignore[arg-type]


def _swap_rules(text: str, i: int, j: int) -> str:
    starts = [m.start() for m in re.finditer(r"^  - id: ", text, re.M)]
    end = text.index("\ncatch_all:") + 1
    bounds = [*starts, end]
    blocks = [text[bounds[k] : bounds[k + 1]] for k in range(len(starts))]
    blocks[i], blocks[j] = blocks[j], blocks[i]
    return text[: starts[0]] + "".join(blocks) + text[end:]


def test_a_plan_against_itself_has_no_change() -> None:
    assert _changes(KOEGE, KOEGE) == []


def test_rename_move_and_provenance_are_told_apart(tmp_path: Path) -> None:
    text = _swap_rules(KOEGE.read_text(encoding="utf-8"), 5, 9)
    text = text.replace("id: over-18-infohus-mail", "id: adults-write-to-infohus", 1)
    text = text.replace('quote: "revideret januar 2024"', 'quote: "januar 2024"', 1)
    changed = tmp_path / "koege.yaml"
    changed.write_text(text, encoding="utf-8")
    changes = _changes(KOEGE, changed)
    kinds = {(c.change, c.path) for c in changes}  # type: ignore[attr-defined]
    assert ("renamed", "rules[id=over-18-infohus-mail]") in kinds
    moved = [c for c in changes if c.change == "moved"]  # type: ignore[attr-defined]
    # the longest run of rules kept in order stands still: only the two swapped rules moved
    assert len(moved) == 2 and all(re.fullmatch(r"\d+(st|nd|rd|th) rule", str(c.a)) for c in moved)
    provenance = [c for c in changes if c.provenance_only]  # type: ignore[attr-defined]
    assert [c.path for c in provenance] == ["document.revised.source.quote"]
    assert changes[-1].provenance_only  # type: ignore[attr-defined]
    for c in changes:
        assert str(c.a_at).startswith("plans/koege.yaml:") and str(c.b_at).startswith(str(changed))  # type: ignore[attr-defined]


def test_phones_are_compared_as_digits(tmp_path: Path) -> None:
    assert phone_digits("4174 9090") == phone_digits("+45 41 74 90 90") == "41749090"
    herning = PLANS / "herning.yaml"
    text = herning.read_text(encoding="utf-8")
    spaced = re.findall(r'value: "(\d{2} \d{2} \d{2} \d{2})"', text)[0]
    other = tmp_path / "herning.yaml"
    other.write_text(text.replace(f'value: "{spaced}"', f'value: "+45 {spaced.replace(" ", "")}"', 1), encoding="utf-8")
    assert [c for c in _changes(herning, other) if "contacts" in c.path] == []  # type: ignore[attr-defined]
    other.write_text(text.replace(f'value: "{spaced}"', 'value: "+45 11 22 33 44"', 1), encoding="utf-8")
    hit = [c for c in _changes(herning, other) if "contacts" in c.path]  # type: ignore[attr-defined]
    assert len(hit) == 1 and hit[0].change == "changed" and hit[0].path.endswith(".value") and hit[0].b == "11223344"  # type: ignore[attr-defined]
