"""The routing graph reads: no label over another or over a box, it prints on A4 landscape at a legible size,
it is the same picture with or without Graphviz, and one concern's route is drawn on it with its times."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

import beredskab
from beredskab.audit.graph import GRAPH_FORMATS, concern_route, render_graph
from beredskab.cli import main
from conftest import CHROMIUM, SLUGS, playwright_with_chromium

SVG = "{http://www.w3.org/2000/svg}"
TOLERANCE = 1.0  # px two boxes may touch by (antialiasing, rounding)
MM_PER_PX = 25.4 / 96
A4_LANDSCAPE_MM = (277.0, 190.0)
LEGIBLE_PT = 6.5

# a concern on a Monday evening: not acute, a 15-year-old, reported by a professional
CONCERN = {"received_at": "2026-11-23T20:00:00+01:00", "acute": False, "age": 15, "reporter": "professional"}

_MEASURE = """
() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const texts = [...document.querySelectorAll('svg text')].map((t, i) => ({
    i, box: box(t), text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize),
    step: t.closest('g.step') ? [...document.querySelectorAll('g.step')].indexOf(t.closest('g.step')) : -1,
  }));
  const steps = [...document.querySelectorAll('g.step')].map((g) => box(g.querySelector('rect')));
  const svg = document.querySelector('svg');
  return {texts, steps, width: parseFloat(svg.getAttribute('width')), height: parseFloat(svg.getAttribute('height'))};
}
"""


def _overlap(a: list[float], b: list[float]) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > TOLERANCE and min(a[3], b[3]) - max(a[1], b[1]) > TOLERANCE


@pytest.fixture(scope="module")
def browser() -> Any:
    with playwright_with_chromium() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


def _measure(browser: Any, svg: str) -> dict[str, Any]:
    page = browser.new_page(viewport={"width": 2400, "height": 1800})
    try:
        body = re.sub(r"^\s*<\?xml[^>]*\?>", "", svg)
        page.set_content(f"<!doctype html><html><body style='margin:0'>{body}</body></html>")
        measured: dict[str, Any] = page.evaluate(_MEASURE)
        return measured
    finally:
        page.close()


def _problems(measured: dict[str, Any]) -> list[str]:
    texts, steps = measured["texts"], measured["steps"]
    problems = []
    for n, a in enumerate(texts):
        for b in texts[n + 1 :]:
            if _overlap(a["box"], b["box"]):
                problems.append(f"{a['text']!r} overlaps {b['text']!r}")
        for k, rect in enumerate(steps):
            if k != a["step"] and _overlap(a["box"], rect):
                problems.append(f"{a['text']!r} lies over step box {k}")
    return problems


def _printed_pt(measured: dict[str, Any]) -> float:
    """The smallest text's size in points when the picture is printed as large as fits A4 landscape."""
    width_mm, height_mm = measured["width"] * MM_PER_PX, measured["height"] * MM_PER_PX
    scale = min(A4_LANDSCAPE_MM[0] / width_mm, A4_LANDSCAPE_MM[1] / height_mm)
    smallest_px = min(t["size"] for t in measured["texts"])
    return float(smallest_px * scale * 72 / 96)


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("slug", SLUGS)
def test_no_label_overlaps_and_it_prints_legibly_on_a4_landscape(
    plans: dict[str, beredskab.Plan], browser: Any, slug: str, lang: str
) -> None:
    measured = _measure(browser, render_graph(plans[slug], "svg", lang=lang))
    assert _problems(measured) == []
    assert _printed_pt(measured) >= LEGIBLE_PT, (measured["width"], measured["height"])
    # every step is drawn, in a box of its own
    assert len(measured["steps"]) == len(plans[slug].steps)


@pytest.mark.parametrize("slug", SLUGS)
def test_a_route_drawn_on_the_graph_still_reads(plans: dict[str, beredskab.Plan], browser: Any, slug: str) -> None:
    plan = plans[slug]
    svg = render_graph(plan, "svg", route=concern_route(plan, CONCERN))
    measured = _measure(browser, svg)
    assert _problems(measured) == []
    assert _printed_pt(measured) >= LEGIBLE_PT


def test_a_revision_diff_still_reads(
    plans: dict[str, beredskab.Plan], browser: Any, minimal_plan: beredskab.Plan
) -> None:
    measured = _measure(browser, render_graph(plans["koege"], "svg", other=minimal_plan, lang="en"))
    assert _problems(measured) == []


def _fake_dot(folder: Path) -> None:
    """A ``dot`` that would draw something else entirely, were it asked."""
    exe = folder / "dot"
    exe.write_text("#!/bin/sh\necho '<svg xmlns=\"http://www.w3.org/2000/svg\"><text>graphviz</text></svg>'\n")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def test_the_svg_is_the_same_with_and_without_graphviz(
    plans: dict[str, beredskab.Plan], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with_dot = tmp_path / "bin"
    with_dot.mkdir()
    _fake_dot(with_dot)
    real = shutil.which("dot")
    for slug in SLUGS:
        monkeypatch.setenv("PATH", str(empty))
        assert shutil.which("dot") is None
        without = render_graph(plans[slug], "svg")
        monkeypatch.setenv("PATH", os.pathsep.join([str(with_dot), *([str(Path(real).parent)] if real else [])]))
        assert shutil.which("dot") is not None
        assert render_graph(plans[slug], "svg") == without
        assert "graphviz" not in without.lower().split("-->")[0]


# --- one concern's route --------------------------------------------------------------


def test_the_route_follows_the_decisions_to_a_step_that_ends_the_flow(plans: dict[str, beredskab.Plan]) -> None:
    koege = plans["koege"]
    route = concern_route(koege, CONCERN)
    assert route.steps[0] == "intake"
    assert route.end in ("terminal", "loop")
    assert len(route.hops) == len(route.steps) - 1
    for hop, (src, dst) in zip(route.hops, zip(route.steps, route.steps[1:], strict=False), strict=True):
        assert (hop.src, hop.dst) == (src, dst)
    # each hop is the deciding rule of routing the concern at its step
    first = koege.route(CONCERN)
    assert route.hops[0].rule == first.rules[0]
    assert route.hops[0].dst == first.next[0].step
    if route.end == "terminal":
        assert koege.steps[route.steps[-1]].terminal is not None
    assert len(route.hops) <= len(koege.steps) + 1


def test_a_route_is_bounded_and_stops_at_a_loop(plans: dict[str, beredskab.Plan]) -> None:
    for slug in SLUGS:
        plan = plans[slug]
        for step in plan.steps:
            route = concern_route(plan, {**CONCERN, "step": step})
            assert len(route.hops) <= len(plan.steps) + 1
            assert len(set(route.steps)) >= len(route.steps) - 1  # at most the last step comes again


def _route_svg_classes(svg: str) -> tuple[set[str], int]:
    root = ET.fromstring(svg)
    steps = set()
    edges = 0
    for group in root.iter(f"{SVG}g"):
        classes = group.attrib.get("class", "").split()
        if classes[:1] == ["step"] and "route" in classes:
            title = group.find(f"{SVG}title")
            assert title is not None and title.text
            steps.add(re.search(r"\((\w+)\)$", title.text).group(1))  # type: ignore[union-attr]
        if classes[:1] == ["edge"] and "route" in classes:
            edges += 1
    return steps, edges


def test_the_route_in_svg_highlights_its_steps_with_times(plans: dict[str, beredskab.Plan]) -> None:
    koege = plans["koege"]
    route = concern_route(koege, CONCERN)
    svg = render_graph(koege, "svg", route=route)
    steps, edges = _route_svg_classes(svg)
    assert steps == set(route.steps)
    assert edges == len({(h.src, h.dst) for h in route.hops})
    # the concern came on a Monday at 20:00: the municipality can act from Tuesday morning
    assert "kan handle fra tir 24.11. kl. 08.00" in svg
    english = render_graph(koege, "svg", route=route, lang="en")
    assert "can act from Tue 24.11. 08:00" in english
    assert "senest" in svg or all(h.act_by is None for h in route.hops)


def test_the_route_in_mermaid_and_dot(plans: dict[str, beredskab.Plan]) -> None:
    koege = plans["koege"]
    route = concern_route(koege, CONCERN)
    mermaid = render_graph(koege, "mermaid", route=route)
    (members,) = re.findall(r"^\s+class (\S+) route$", mermaid, re.M)
    assert set(members.split(",")) == {f"s_{s}" for s in route.steps}
    assert "classDef route " in mermaid
    edges = [line for line in mermaid.splitlines() if re.match(r"^\s+s_\w+ (-->|-\.->|==>)\|", line)]
    styled = {int(i) for i in re.findall(r"^\s+linkStyle (\d+) stroke:#0969da", mermaid, re.M)}
    taken = {(f"s_{h.src}", f"s_{h.dst}") for h in route.hops}
    marked = {tuple(re.match(r"^\s+(\w+) \S+\|.*\| (\w+)$", edges[i]).groups()) for i in styled}  # type: ignore[union-attr]
    assert marked == taken
    assert "kan handle fra tir 24.11. kl. 08.00" in mermaid.replace("#58;", ":")
    dot = render_graph(koege, "dot", route=route, lang="en")
    bold = re.findall(r'^\s+"(\w+)" -> "(\w+)" \[.*style=bold.*\];$', dot, re.M)
    assert set(bold) == {(h.src, h.dst) for h in route.hops}
    assert "can act from Tue 24.11. 08:00" in dot
    for sid in route.steps:
        assert re.search(rf'^\s+"{sid}" \[.*penwidth=3', dot, re.M), sid


@pytest.mark.parametrize("fmt", GRAPH_FORMATS)
def test_graph_concern_on_the_command_line(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    event = tmp_path / "concern.json"
    event.write_text(json.dumps(CONCERN), encoding="utf-8")
    assert main(["graph", "koege", "--format", fmt, "--concern", str(event)]) == 0
    out = capsys.readouterr().out
    assert "0969da" in out and "24.11." in out


def test_graph_concern_refuses_a_bad_concern(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    event = tmp_path / "concern.json"
    event.write_text('{"acute": "maybe"}', encoding="utf-8")
    assert main(["graph", "koege", "--concern", str(event)]) == 2
    err = capsys.readouterr().err
    assert "acute" in err and "maybe" not in err
    event.write_text("[1, 2", encoding="utf-8")
    assert main(["graph", "koege", "--concern", str(event)]) == 2
    assert main(["graph", "koege", "--concern", str(tmp_path / "missing.json")]) == 2
