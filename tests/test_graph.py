"""The routing-graph picture: every step drawn in every format, plan text escaped, revisions coloured."""

from __future__ import annotations

import ast
import html
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

import beredskab
from beredskab._i18n import LOCALE_DIR
from beredskab.audit import graph as graph_module
from beredskab.audit.graph import GRAPH_FORMATS, graphviz_available, render_graph
from beredskab.plan import compile_plan
from beredskab.spec.vocabulary import FINDINGS, ActorKind, Reporter, Topic

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "Mod<script>alert(1)</script> \"quoted\" & 'single' [x] {y} |z| #quot; `b` a:b \\n"
GREEN, RED, ORANGE = "#1a7f37", "#cf222e", "#bc4c00"

needs_graphviz = pytest.mark.skipif(not graphviz_available(), reason="Graphviz dot is not installed")


@pytest.fixture
def builtin_svg(monkeypatch: pytest.MonkeyPatch) -> None:
    """Draw SVG without Graphviz, as on a machine that lacks it."""
    monkeypatch.setattr(shutil, "which", lambda name: None)


def _modified(plan: beredskab.Plan, edit: Any) -> beredskab.Plan:
    data = plan.model_dump(by_alias=True, exclude_unset=True)
    edit(data)
    return compile_plan(beredskab.Plan.model_validate(data))


def _rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    rule: dict[str, Any] = next(r for r in data["rules"] if r["id"] == rule_id)
    return rule


# --- reading the formats back ---------------------------------------------------------


def _dot_strings(dot: str) -> list[str]:
    """The quoted strings of a DOT text, decoded (backslash escapes, then the HTML entities Graphviz reads)."""
    out = []
    for m in re.finditer(r'"((?:[^"\\]|\\.)*)"', dot):
        raw = re.sub(r"\\(.)", lambda e: "\n" if e.group(1) == "n" else e.group(1), m.group(1))
        out.append(html.unescape(raw))
    return out


def _dot_structure(dot: str) -> tuple[set[str], list[tuple[str, str, str]]]:
    """Declared node ids and (source, target, attributes) edges; asserts braces balance outside strings."""
    outside = re.sub(r'"(?:[^"\\]|\\.)*"', '""', dot)
    depth = 0
    for ch in outside:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    string = r'"((?:[^"\\]|\\.)*)"'
    nodes = {m.group(1) for m in re.finditer(rf"^\s*{string} \[", dot, re.M)}
    edges = [
        (m.group(1), m.group(2), m.group(3)) for m in re.finditer(rf"^\s*{string} -> {string} \[(.*)\];$", dot, re.M)
    ]
    return nodes, edges


_MERMAID_CODES = {"quot": '"', "amp": "&", "lt": "<", "gt": ">"}


def _mermaid_decode(code: str) -> str:
    return chr(int(code)) if code.isdigit() else _MERMAID_CODES[code]


def _mermaid_labels(mermaid: str) -> list[str]:
    """Every quoted label of a Mermaid text, with the entity codes and our line breaks decoded."""
    out = []
    for m in re.finditer(r'"([^"\n]*)"', mermaid):
        text = m.group(1).replace("<br/>", "\n")
        out.append(re.sub(r"#(\d+|[a-z]+);", lambda e: _mermaid_decode(e.group(1)), text))  # one pass, as Mermaid
    return out


def _mermaid_edges(mermaid: str) -> list[str]:
    return [line for line in mermaid.splitlines() if re.match(r"^\s+s_\w+ (-->|-\.->|==>)\|", line)]


def _svg_texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


# --- every format draws every step --------------------------------------------------


@pytest.mark.parametrize("fmt", GRAPH_FORMATS)
def test_every_step_name_is_in_every_format(plans: dict[str, beredskab.Plan], fmt: str) -> None:
    koege = plans["koege"]
    out = render_graph(koege, fmt)  # type: ignore[arg-type]
    for step in koege.steps.values():
        assert step.name in out, step.name


def test_every_step_name_is_in_the_builtin_svg_too(plans: dict[str, beredskab.Plan], builtin_svg: None) -> None:
    koege = plans["koege"]
    texts = _svg_texts(render_graph(koege, "svg"))
    for step in koege.steps.values():
        assert step.name in texts, step.name


def test_mermaid_is_a_flowchart_with_safe_ids(plans: dict[str, beredskab.Plan]) -> None:
    out = render_graph(plans["koege"], "mermaid")
    assert out.startswith("flowchart TD\n")
    declared = set(re.findall(r"^\s+(\w+)\(?\[", out, re.M))
    assert {f"s_{sid}" for sid in plans["koege"].steps} <= declared
    for line in _mermaid_edges(out):
        src, dst = re.match(r"^\s+(\w+) \S+\|.*\| (\w+)$", line).groups()  # type: ignore[union-attr]
        assert {src, dst} <= declared
        assert re.fullmatch(r"[A-Za-z0-9_]+", src) and re.fullmatch(r"[A-Za-z0-9_]+", dst)
    # terminal steps are stadiums, the others boxes
    assert 's_closed(["' in out and 's_intake["' in out


def test_dot_declares_every_node_it_links(plans: dict[str, beredskab.Plan]) -> None:
    for plan in plans.values():
        nodes, edges = _dot_structure(render_graph(plan, "dot"))
        assert nodes >= set(plan.steps)
        assert edges
        for src, dst, _ in edges:
            assert src in nodes and dst in nodes


@needs_graphviz
def test_graphviz_accepts_the_dot(plans: dict[str, beredskab.Plan]) -> None:
    for plan in plans.values():
        done = subprocess.run(
            ["dot", "-Tsvg"], input=render_graph(plan, "dot").encode(), capture_output=True, timeout=60, check=False
        )
        assert done.returncode == 0, done.stderr.decode()
        assert b"<svg" in done.stdout


@needs_graphviz
def test_svg_is_not_drawn_by_graphviz_even_when_it_is_there(plans: dict[str, beredskab.Plan]) -> None:
    koege = plans["koege"]
    svg = render_graph(koege, "svg")
    assert "built-in layered layout" in svg.splitlines()[1]
    assert "<!DOCTYPE" not in svg
    texts = _svg_texts(svg)
    for step in koege.steps.values():
        assert step.name in texts


def test_svg_never_asks_graphviz(plans: dict[str, beredskab.Plan], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: "/bin/false")
    svg = render_graph(plans["koege"], "svg")
    assert "built-in layered layout" in svg.splitlines()[1]
    ET.fromstring(svg)


def test_builtin_svg_is_standalone_well_formed_xml(plans: dict[str, beredskab.Plan], builtin_svg: None) -> None:
    for plan in plans.values():
        svg = render_graph(plan, "svg")
        lines = svg.splitlines()
        assert lines[0].startswith("<?xml")
        assert lines[1] == "<!-- rendered by beredskab's built-in layered layout; the same picture on every machine -->"
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg"
        assert {"width", "height", "viewBox"} <= set(root.attrib)
        assert float(root.attrib["width"]) > 0 and float(root.attrib["height"]) > 0
        tags = {el.tag.removeprefix(SVG) for el in root.iter()}
        assert "script" not in tags and "image" not in tags and "foreignObject" not in tags
        assert "marker" in tags  # arrowheads
        # references stay inside the picture
        for el in root.iter():
            for name, value in el.attrib.items():
                assert "href" not in name
                assert "url(" not in value or value.startswith("url(#"), value


def test_builtin_svg_lays_the_flow_out_top_down(plans: dict[str, beredskab.Plan], builtin_svg: None) -> None:
    koege = plans["koege"]
    root = ET.fromstring(render_graph(koege, "svg"))
    top = {}
    for group in root.iter(f"{SVG}g"):
        if "step" in group.attrib.get("class", ""):
            title = group.find(f"{SVG}title")
            assert title is not None and title.text
            sid = re.search(r"\((\w+)\)$", title.text).group(1)  # type: ignore[union-attr]
            rect = group.find(f"{SVG}rect")
            assert rect is not None
            top[sid] = float(rect.attrib["y"])
    assert set(top) == set(koege.steps)
    # the layers follow the hand-overs out of intake, not the re-entries from finished cases
    assert top["intake"] < top["reception"] < top["police_assessment"] < top["infohus_assessment"]
    assert top["infohus_assessment"] < top["visitation"] < top["follow_up"]


# --- edges ----------------------------------------------------------------------------


def test_parallel_hand_overs_are_one_short_edge_with_the_rules_in_its_tooltip(plans: dict[str, beredskab.Plan]) -> None:
    koege = plans["koege"]
    _, edges = _dot_structure(render_graph(koege, "dot", lang="en"))
    keys = [(src, dst) for src, dst, attrs in edges]
    assert len(keys) == len(set(keys))  # one edge per pair of steps
    # acute-inside-hours and acute-outside-hours both send 112 and 114 from intake to the police
    (attrs,) = [a for s, d, a in edges if (s, d) == ("intake", "police_assessment")]
    label, tooltip = _dot_strings(attrs)[:2]
    # the label is short: the kinds of actor and the deciding fact
    assert label.startswith("emergency, police") and "acute" in label
    assert len(label) <= 40
    # the tooltip has every rule, with its actors, each actor once per rule
    actors = koege.compiled.actors
    for rule in ("acute-inside-hours", "acute-outside-hours", "police-reporter-not-acute"):
        assert f"{rule}: " in tooltip
    assert tooltip.count(actors["alarm_112"].name) == 2
    assert tooltip.count(actors["police_114"].name) == 2


def test_notify_is_dashed_and_says_so(plans: dict[str, beredskab.Plan]) -> None:
    koege = plans["koege"]
    dot = render_graph(koege, "dot", lang="en")
    _, edges = _dot_structure(dot)
    # acute-inside-hours notifies Infohus Køge at its assessment, and hands nobody over there from intake
    notify = [a for s, d, a in edges if (s, d) == ("intake", "infohus_assessment") and "dashed" in a]
    assert len(notify) == 1
    label, tooltip = _dot_strings(notify[0])[:2]
    assert label.startswith("notify: ")
    assert "acute-inside-hours: " in tooltip and "notify: Infohus Køge" in tooltip
    # where a rule hands over and another only notifies, the one edge is solid; the tooltip says both
    (both,) = [a for s, d, a in edges if (s, d) == ("police_assessment", "infohus_assessment")]
    assert "dashed" not in both and "notify: " in _dot_strings(both)[1]
    assert "ready_to_act" in _dot_strings(both)[1]
    assert any(re.search(r"s_intake -\.->", line) for line in _mermaid_edges(render_graph(koege, "mermaid")))


def test_the_catch_all_leaves_only_steps_no_rule_always_leaves(minimal_plan: beredskab.Plan) -> None:
    dot = render_graph(minimal_plan, "dot", lang="en")
    _, edges = _dot_structure(dot)
    catch_all_targets = {a.step for a in minimal_plan.catch_all.next}
    from_catch_all = {
        s for s, d, a in edges if d in catch_all_targets and "dashed" not in a and "catch-all: " in _dot_strings(a)[1]
    }
    always = {
        sid
        for rule in minimal_plan.rules
        if rule.when.model_fields_set <= {"step"}
        for sid in (rule.when.step or minimal_plan.steps)
    }
    expected = {sid for sid, st in minimal_plan.steps.items() if st.terminal is None} - always
    assert from_catch_all == expected


def test_edges_follow_the_rules(plans: dict[str, beredskab.Plan]) -> None:
    """Every rule's next action is an edge from each step its condition admits (cross-checked with routing's graph)."""
    for plan in plans.values():
        _, edges = _dot_structure(render_graph(plan, "dot"))
        solid = {(s, d) for s, d, a in edges if "dashed" not in a}
        routing = {(s, d) for s, d, attrs in plan.compiled.graph.edges()}
        assert routing <= solid, routing - solid


# --- escaping -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(plans: dict[str, beredskab.Plan]) -> beredskab.Plan:
    def edit(data: dict[str, Any]) -> None:
        data["steps"]["reception"]["name"] = HOSTILE
        data["actors"]["infohus_koege"]["name"] = 'Infohus "<img src=x onerror=alert(1)>"'

    return _modified(plans["koege"], edit)


def test_plan_text_is_escaped_in_mermaid(hostile: beredskab.Plan) -> None:
    out = render_graph(hostile, "mermaid")
    assert "<script" not in out and "<img" not in out
    for line in out.splitlines():
        # a label is one quoted string: no quote of the plan's ends it early
        if "[" in line and '"' in line:
            assert line.count('"') in (2, 4), line
    assert f"{HOSTILE}\n(reception)" in _mermaid_labels(out)


def test_plan_text_is_escaped_in_dot(hostile: beredskab.Plan) -> None:
    out = render_graph(hostile, "dot")
    assert "<script" not in out and "<img" not in out
    nodes, edges = _dot_structure(out)
    assert "reception" in nodes and edges
    assert f"{HOSTILE}\n(reception)" in _dot_strings(out)


@pytest.mark.parametrize("renderer", ["builtin", pytest.param("graphviz", marks=needs_graphviz)])
def test_plan_text_is_escaped_in_svg(hostile: beredskab.Plan, renderer: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if renderer == "builtin":
        monkeypatch.setattr(shutil, "which", lambda name: None)
    svg = render_graph(hostile, "svg")
    assert "<script" not in svg and "<img" not in svg
    root = ET.fromstring(svg)
    assert not [el for el in root.iter() if el.tag.removeprefix(SVG) in ("script", "img", "image")]
    texts = _svg_texts(svg)
    assert HOSTILE in texts  # escaped, and read back as the plan wrote it
    titles = ["".join(t.itertext()) for t in root.iter(f"{SVG}title")]
    assert any('Infohus "<img src=x onerror=alert(1)>"' in t for t in titles)


def test_control_characters_do_not_break_the_xml(plans: dict[str, beredskab.Plan], builtin_svg: None) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["steps"]["reception"]["name"] = "Modtagelse\x01\nny linje"

    plan = _modified(plans["koege"], edit)
    ET.fromstring(render_graph(plan, "svg"))
    assert "\x01" not in render_graph(plan, "dot")
    assert "Modtagelse\ufffd ny linje" in render_graph(plan, "mermaid")


# --- revisions ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def revised(plans: dict[str, beredskab.Plan]) -> beredskab.Plan:
    """Køge with a security threat sent to the police case instead of PET, and no rule closing irrelevant concerns."""

    def edit(data: dict[str, Any]) -> None:
        _rule(data, "police-security-threat-pet")["next"][0]["step"] = "police_case"
        # ready to act with a threat: the police case and PET's hand-over; PET's goes to the police case too
        _rule(data, "police-ready-to-act-security-threat")["next"][1]["step"] = "police_case"
        data["rules"] = [r for r in data["rules"] if r["id"] != "infohus-irrelevant-closed"]

    return _modified(plans["koege"], edit)


def _dot_edge(dot: str, src: str, dst: str, dashed: bool = False) -> str:
    _, edges = _dot_structure(dot)
    (attrs,) = [a for s, d, a in edges if (s, d) == (src, dst) and ("dashed" in a) == dashed]
    return attrs


def test_a_retargeted_rule_changes_and_removes_edges(plans: dict[str, beredskab.Plan], revised: beredskab.Plan) -> None:
    dot = render_graph(revised, "dot", other=plans["koege"])
    # the police case gets PET as a second actor: changed; PET's hand-over is gone: removed, but drawn
    assert ORANGE in _dot_edge(dot, "police_assessment", "police_case")
    removed = _dot_edge(dot, "police_assessment", "pet_handover", dashed=True)
    assert RED in removed
    # a dropped rule whose edge has no other rule: removed
    assert RED in _dot_edge(dot, "infohus_assessment", "closed", dashed=True)
    # what did not change is not coloured
    assert all(c not in _dot_edge(dot, "reception", "police_assessment") for c in (GREEN, RED, ORANGE))
    assert "cluster_legend" in dot


def test_the_other_way_round_the_edges_are_added(plans: dict[str, beredskab.Plan], revised: beredskab.Plan) -> None:
    dot = render_graph(plans["koege"], "dot", other=revised)
    assert GREEN in _dot_edge(dot, "infohus_assessment", "closed")
    assert GREEN in _dot_edge(dot, "police_assessment", "pet_handover")


def test_mermaid_colours_the_changes(plans: dict[str, beredskab.Plan], revised: beredskab.Plan) -> None:
    out = render_graph(revised, "mermaid", other=plans["koege"])
    edges = _mermaid_edges(out)
    styles = dict(re.findall(r"^\s+linkStyle (\d+) stroke:(#[0-9a-f]{6})", out, re.M))
    index = {re.match(r"^\s+(\w+) \S+\|.*\| (\w+)$", e).groups(): i for i, e in enumerate(edges)}  # type: ignore[union-attr]
    assert styles[str(index[("s_police_assessment", "s_police_case")])] == ORANGE
    assert styles[str(index[("s_infohus_assessment", "s_closed")])] == RED
    assert "s_infohus_assessment -.->" in edges[index[("s_infohus_assessment", "s_closed")]]  # removed: dashed
    assert str(index[("s_reception", "s_police_assessment")]) not in styles
    for status in ("added", "removed", "changed"):
        assert re.search(rf"^\s+classDef {status} ", out, re.M)
        assert re.search(rf"^\s+class \S*legend_{status}\S* {status}$", out, re.M)


def test_added_removed_and_changed_steps(plans: dict[str, beredskab.Plan], builtin_svg: None) -> None:
    koege = plans["koege"]

    def edit(data: dict[str, Any]) -> None:
        data["steps"]["reception"]["name"] = "Modtagelse (ny tekst)"

    renamed = _modified(koege, edit)
    out = render_graph(renamed, "mermaid", other=koege)
    assert re.search(r"^\s+class s_reception(,\S+)? changed$", out, re.M)
    # a plan against itself: nothing marked, the legend still there
    out = render_graph(koege, "mermaid", other=koege)
    assert not re.search(r"^\s+class s_", out, re.M)
    assert "linkStyle" not in out and "legend_added" in out
    svg = render_graph(renamed, "svg", other=koege)
    root = ET.fromstring(svg)
    classes = [g.attrib.get("class", "") for g in root.iter(f"{SVG}g")]
    assert "step changed" in classes


def test_steps_only_in_the_old_revision_are_drawn_as_removed(
    plans: dict[str, beredskab.Plan], minimal_plan: beredskab.Plan, builtin_svg: None
) -> None:
    koege = plans["koege"]
    gone = sorted(set(minimal_plan.steps) - set(koege.steps))
    new = sorted(set(koege.steps) - set(minimal_plan.steps))
    assert gone or new
    svg = render_graph(koege, "svg", other=minimal_plan, lang="en")
    root = ET.fromstring(svg)
    status = {}
    for group in root.iter(f"{SVG}g"):
        cls = group.attrib.get("class", "").split()
        if cls and cls[0] == "step":
            title = group.find(f"{SVG}title")
            assert title is not None and title.text
            status[re.search(r"\((\w+)\)$", title.text).group(1)] = cls[1]  # type: ignore[union-attr]
    assert all(status[s] == "removed" for s in gone)
    assert all(status[s] == "added" for s in new)
    assert set(status) == set(koege.steps) | set(minimal_plan.steps)
    texts = _svg_texts(svg)
    assert {"added", "removed", "changed"} <= {t for t in texts}


# --- words ----------------------------------------------------------------------------


def test_english_and_danish_words_differ(plans: dict[str, beredskab.Plan], revised: beredskab.Plan) -> None:
    da = render_graph(revised, "mermaid", other=plans["koege"])
    en = render_graph(revised, "mermaid", other=plans["koege"], lang="en")
    assert "Legend" in en and "Signaturforklaring" in da
    for english, danish in (("added", "tilføjet"), ("removed", "fjernet"), ("changed", "ændret")):
        assert f'legend_{english}["{english}"]' in en
        assert f'legend_{english}["{danish}"]' in da
    assert "not acute" in en and "ikke akut" in da
    assert "notify#58; " in en and "orienteres#58; " in da
    assert render_graph(revised, "mermaid", other=plans["koege"]) == da  # Danish by default


def test_builtin_svg_legend_in_both_languages(plans: dict[str, beredskab.Plan], builtin_svg: None) -> None:
    texts_en = _svg_texts(render_graph(plans["koege"], "svg", lang="en"))
    texts_da = _svg_texts(render_graph(plans["koege"], "svg"))
    assert "Legend:" in texts_en and "hand-over" in texts_en and "notify" in texts_en
    assert "Signaturforklaring:" in texts_da and "overdragelse" in texts_da


def test_every_word_the_graph_uses_has_a_danish_entry() -> None:
    with (LOCALE_DIR / "da" / "LC_MESSAGES" / "graph.po").open("rb") as fh:
        catalog = read_po(fh)
    known = {m.id for m in catalog if m.id and m.string}
    source = Path(graph_module.__file__).read_text(encoding="utf-8")
    literal = {
        node.args[0].value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "_"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    # words looked up from the plan's vocabulary, and the diff states
    vocabulary = {k.value for k in ActorKind} | set(FINDINGS) | {r.value for r in Reporter} | {t.value for t in Topic}
    vocabulary |= {"high", "medium", "low", "none", "added", "removed", "changed"}
    assert literal and literal | vocabulary <= known, (literal | vocabulary) - known


def test_an_unknown_format_or_language_is_refused(plans: dict[str, beredskab.Plan]) -> None:
    with pytest.raises(ValueError, match="mermaid, dot, svg"):
        render_graph(plans["koege"], "png")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="da, en"):
        render_graph(plans["koege"], "mermaid", lang="sv")
