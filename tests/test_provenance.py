"""Every fact in the plans is cited from its source text or marked as an assumption."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from beredskab.spec._yaml import iter_paths, load_document
from conftest import PLANS, REPO, SLUGS, seeds_dir


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _seed_text(name: str) -> str:
    seeds = seeds_dir()
    if seeds is None:
        pytest.skip("source texts not found (set BEREDSKAB_SEEDS or keep ../shared/seeds)")
    return _norm((seeds / name).read_text(encoding="utf-8"))


def _files() -> list[Path]:
    return [PLANS / f"{s}.yaml" for s in SLUGS] + [REPO / "src" / "beredskab" / "data" / "national.yaml"]


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.stem)
def test_every_quote_is_verbatim_from_the_seed(path: Path) -> None:
    data = load_document(path).data
    document = data.get("document") or {}
    # a plan names its text file (document.text: sources/<name>); national.yaml cites by name
    default_seed = document.get("seed") or (Path(document["text"]).name if document.get("text") else None)
    checked = 0
    for where, value in iter_paths(data):
        if isinstance(value, dict) and isinstance(value.get("quote"), str) and "section" in value:
            seed = value.get("seed") or default_seed
            assert seed, f"{where}: a quote needs a seed"
            assert _norm(value["quote"]) in _seed_text(seed), f"{path.name} {where}: not verbatim: {value['quote']!r}"
            checked += 1
    assert checked > 0


def _facts(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Entries that must carry provenance: schedules, actors, contacts, bands, steps, rules..."""
    out: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    for where, value in iter_paths(data):
        if not isinstance(value, dict):
            continue
        n = len(where)
        if (
            (n == 2 and where[0] in ("schedules", "actors", "age_bands", "steps", "rules"))
            or where == ("catch_all",)
            or (n == 4 and where[0] == "actors" and where[2] == "contacts")
            or (n >= 1 and where[-1] == "deadline")
            or (n >= 2 and where[-2] == "escalation")
        ):
            out.append((where, value))
    return out


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.stem)
def test_every_fact_is_cited_or_assumed_with_a_note(path: Path) -> None:
    found = _facts(load_document(path).data)
    assert found
    for where, value in found:
        if value.get("assumed") is True:
            assert value.get("note"), f"{where}: assumed without a note"
        else:
            assert isinstance(value.get("source"), dict), f"{where}: neither cited nor assumed"


@pytest.mark.parametrize("slug", SLUGS)
def test_assumptions_are_greppable(slug: str) -> None:
    """`grep 'assumed: true'` lists exactly the assumed values: each with a note nearby."""
    path = PLANS / f"{slug}.yaml"
    text = path.read_text(encoding="utf-8")
    data = load_document(path).data
    assumed_in_data = sum(1 for _, v in iter_paths(data) if isinstance(v, dict) and v.get("assumed") is True)
    assert text.count("assumed: true") == assumed_in_data
    assert "assumed: false" not in text
