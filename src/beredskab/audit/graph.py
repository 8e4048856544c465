"""The routing-graph picture of a plan (``beredskab graph``): Mermaid, Graphviz DOT or SVG, optionally as a revision diff."""

from __future__ import annotations

import dataclasses
import math
import re
import shutil
import subprocess
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal
from xml.sax.saxutils import escape, quoteattr

from .._i18n import DEFAULT_LANG, Translate, translator
from ..plan import Plan
from ..routing.conditions import admissible
from ..spec.model import ActionSpec, CatchAll, Condition, Rule

__all__ = ["GRAPH_FORMATS", "GraphFormat", "graphviz_available", "render_graph"]

GraphFormat = Literal["mermaid", "dot", "svg"]
GRAPH_FORMATS: tuple[GraphFormat, ...] = ("mermaid", "dot", "svg")

Status = Literal["same", "added", "removed", "changed"]

# GitHub's palette: readable on white, and the colours reviewers already read as added/removed
_STROKE: dict[Status, str] = {"same": "#333333", "added": "#1a7f37", "removed": "#cf222e", "changed": "#bc4c00"}
_FILL: dict[Status, str] = {"same": "#f6f8fa", "added": "#dafbe1", "removed": "#ffebe9", "changed": "#fff1e5"}
_DIFF_STATUSES: tuple[Status, ...] = ("added", "removed", "changed")

_DOT_TIMEOUT_S = 20
# an edge label stays short: at most so many actors and condition summaries (more are
# counted), each cut at so many characters, in lines of about _LABEL_WIDTH
_MAX_ACTORS = 3
_MAX_CONDITIONS = 3
_MAX_ACTOR_NAME = 40
_MAX_SUMMARY = 60
_LABEL_WIDTH = 40


def graphviz_available() -> bool:
    """Whether Graphviz's ``dot`` is on PATH (then ``svg`` is drawn by it)."""
    return shutil.which("dot") is not None


def render_graph(plan: Plan, fmt: GraphFormat, *, other: Plan | None = None, lang: str = DEFAULT_LANG) -> str:
    """The routing graph of ``plan`` as Mermaid, DOT or SVG text; with ``other``, the changes from ``other`` to ``plan``.

    Nodes are the plan's steps; an edge ``S -> T`` is a hand-over: a rule that can hold at
    step ``S`` sends an actor to perform ``T`` (``notify`` actions are dashed edges). Rules
    that hand over between the same two steps are drawn as one edge whose label names the
    distinct actors, a short summary of the conditions and how many rules it stands for.

    With ``other`` (the old revision), what only ``plan`` has is marked added, what only
    ``other`` has is drawn too and marked removed, and an edge both have whose label
    differs is marked changed. Plan text is escaped for each format: a plan is data, and
    a picture of it must never become markup or script.

    ``svg`` is drawn by Graphviz when ``dot`` is installed and by a built-in layered
    layout otherwise (or when ``dot`` fails), so it never needs Graphviz.
    """
    if fmt not in GRAPH_FORMATS:
        raise ValueError(f"graph format must be one of {', '.join(GRAPH_FORMATS)}, not {fmt!r}")
    _ = translator(lang, "graph")
    picture = _picture(plan, other, _)
    if fmt == "mermaid":
        return _mermaid(picture, _)
    dot = _dot(picture, _)
    if fmt == "dot":
        return dot
    return _graphviz_svg(dot) or _builtin_svg(picture, _)


# --- what to draw --------------------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    id: str
    name: str
    terminal: str | None
    status: Status = "same"


@dataclass(frozen=True)
class _Edge:
    src: str
    dst: str
    notify: bool
    lines: tuple[str, ...]  # the label, one entry per line
    # what the label says before it is shortened: edges in two revisions differ when this does
    signature: tuple[tuple[str, ...], tuple[str, ...], int]
    status: Status = "same"


@dataclass(frozen=True)
class _Picture:
    title: str
    nodes: tuple[_Node, ...]
    edges: tuple[_Edge, ...]
    diff: bool


@dataclass
class _Parallel:
    """The rules handing over between one pair of steps, gathered before they become one edge."""

    actors: list[tuple[str, str]] = field(default_factory=list)  # (name, kind)
    conditions: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)


_INVALID_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"[\t\n\r\u2028\u2029]")


def _clean(text: str) -> str:
    """Plan text on one line, without the characters XML cannot hold even escaped."""
    return _INVALID_TEXT.sub("\ufffd", _LINE_BREAKS.sub(" ", text))


def _plan_label(plan: Plan) -> str:
    revised = plan.document.revised
    return plan.municipality.name + (f" ({revised.date})" if revised is not None else "")


def _picture(plan: Plan, other: Plan | None, _: Translate) -> _Picture:
    nodes, edges = _graph_of(plan, _)
    if other is None:
        title = _("{plan}: hand-overs between steps").format(plan=_plan_label(plan))
        return _Picture(_clean(title), tuple(nodes.values()), tuple(edges.values()), diff=False)
    old_nodes, old_edges = _graph_of(other, _)
    merged_nodes: list[_Node] = []
    for sid, node in nodes.items():
        old = old_nodes.get(sid)
        if old is None:
            merged_nodes.append(dataclasses.replace(node, status="added"))
        elif (old.name, old.terminal) != (node.name, node.terminal):
            merged_nodes.append(dataclasses.replace(node, status="changed"))
        else:
            merged_nodes.append(node)
    merged_nodes += [dataclasses.replace(n, status="removed") for sid, n in old_nodes.items() if sid not in nodes]
    merged_edges: list[_Edge] = []
    for key, edge in edges.items():
        old_edge = old_edges.get(key)
        if old_edge is None:
            merged_edges.append(dataclasses.replace(edge, status="added"))
        elif old_edge.signature != edge.signature:
            merged_edges.append(dataclasses.replace(edge, status="changed"))
        else:
            merged_edges.append(edge)
    merged_edges += [dataclasses.replace(e, status="removed") for key, e in old_edges.items() if key not in edges]
    title = _("{new} compared with {old}").format(new=_plan_label(plan), old=_plan_label(other))
    return _Picture(_clean(title), tuple(merged_nodes), tuple(merged_edges), diff=True)


def _graph_of(plan: Plan, _: Translate) -> tuple[dict[str, _Node], dict[tuple[str, str, bool], _Edge]]:
    """The plan's steps and its hand-overs, parallel ones merged."""
    steps = list(plan.steps)
    nodes = {sid: _Node(sid, _clean(step.name), step.terminal) for sid, step in plan.steps.items()}
    parallel: dict[tuple[str, str, bool], _Parallel] = {}

    def hand_over(src: str, dst: str, notify: bool, actor_id: str, summary: str, rule_id: str) -> None:
        p = parallel.setdefault((src, dst, notify), _Parallel())
        actor = plan.compiled.actors[actor_id]
        who = (_clean(actor.name), _(actor.kind.value))
        if who not in p.actors:
            p.actors.append(who)
        for items, value in ((p.conditions, summary), (p.rules, rule_id)):
            if value not in items:
                items.append(value)

    def hand_overs(rule: Rule | CatchAll, rule_id: str, sources: Iterable[str], summary: str) -> None:
        for src in sources:
            for act in rule.next:
                hand_over(src, act.step, False, act.actor, summary, rule_id)
                for esc in _closed_escalations(act):
                    closed = _("escalation when closed")
                    hand_over(src, esc[1], False, esc[0], f"{summary}, {closed}" if summary else closed, rule_id)
            for act in rule.notify:
                hand_over(src, act.step, True, act.actor, summary, rule_id)

    always_left: set[str] = set()
    for rule in plan.rules:
        sources = admissible(rule.when, "step", steps)
        if rule.when.model_fields_set <= {"step"}:
            # a rule conditioned on the step alone always holds there: the catch-all never answers
            always_left |= sources
        hand_overs(rule, rule.id, (s for s in steps if s in sources), _summary(rule.when, plan, _))
    # the catch-all answers wherever no rule holds, which is at any step a flow can still leave
    catch_all_sources = [s for s in steps if plan.steps[s].terminal is None and s not in always_left]
    hand_overs(plan.catch_all, "catch-all", catch_all_sources, _("otherwise (catch-all)"))

    edges = {
        key: _Edge(
            *key,
            lines=_label(key[2], p, _),
            signature=(tuple(f"{name} ({kind})" for name, kind in p.actors), tuple(p.conditions), len(p.rules)),
        )
        for key, p in parallel.items()
    }
    return nodes, edges


def _closed_escalations(act: ActionSpec) -> list[tuple[str, str]]:
    """(actor, step) taking over when the acting actor is closed: a hand-over too, as in routing's graph."""
    return [(e.actor, e.step or act.step) for e in act.escalation if e.on == "closed"]


def _shortened(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _limited(items: Sequence[str], most: int, _: Translate) -> list[str]:
    if len(items) <= most:
        return list(items)
    return [*items[:most], _("+{n} more").format(n=len(items) - most)]


def _label(notify: bool, p: _Parallel, _: Translate) -> tuple[str, ...]:
    named = [f"{_shortened(name, _MAX_ACTOR_NAME)} ({kind})" for name, kind in p.actors]
    actors = ", ".join(_limited(named, _MAX_ACTORS, _))
    lines = [_("notify: {actors}").format(actors=actors) if notify else actors]
    conditions = [_shortened(c, _MAX_SUMMARY) for c in p.conditions if c]
    if conditions:
        lines.append("; ".join(_limited(conditions, _MAX_CONDITIONS, _)))
    if len(p.rules) > 1:
        lines.append(_("{n} rules").format(n=len(p.rules)))
    return tuple(wrapped for line in lines for wrapped in textwrap.wrap(line, _LABEL_WIDTH) or [line])


def _summary(cond: Condition, plan: Plan, _: Translate) -> str:
    """A few words for what ``cond`` asks besides the step (the edge's source says that)."""
    return _clean(", ".join(_summary_parts(cond, plan, _)))


def _summary_parts(cond: Condition, plan: Plan, _: Translate) -> list[str]:
    parts: list[str] = []
    if cond.acute is not None:
        parts.append(_("acute") if cond.acute else _("not acute"))
    if cond.age_band:
        bands = plan.age_bands
        parts.append(" / ".join(bands[b].label if b in bands else b for b in cond.age_band))
    if cond.reporter:
        parts.append(_("reported by {who}").format(who=" / ".join(_(str(r)) for r in cond.reporter)))
    if cond.topic:
        parts.append(" / ".join(_(str(t)) for t in cond.topic))
    if cond.severity:
        parts.append(_("severity {levels}").format(levels=" / ".join(_(str(s)) for s in cond.severity)))
    for finding, value in (cond.findings or {}).items():
        if value is None:
            parts.append(_("{finding} not established").format(finding=_(finding)))
        else:
            parts.append(_(finding) if value else _("not {finding}").format(finding=_(finding)))
    for sid, is_open in (cond.open or {}).items():
        schedule = plan.compiled.schedules.get(sid)
        name = schedule.spec.name if schedule is not None and schedule.spec.name else sid
        parts.append((_("within {schedule}") if is_open else _("outside {schedule}")).format(schedule=name))
    if cond.holiday is not None:
        parts.append(_("public holiday") if cond.holiday else _("not a public holiday"))
    for sub in cond.all or []:
        parts.extend(_summary_parts(sub, plan, _))
    if cond.any:
        alternatives = [", ".join(_summary_parts(sub, plan, _)) or _("any concern") for sub in cond.any]
        parts.append("(" + f" {_('or')} ".join(alternatives) + ")")
    if cond.not_ is not None:
        inner = ", ".join(_summary_parts(cond.not_, plan, _))
        if inner:  # a negated step list is already in the edge's source
            parts.append(_("not ({condition})").format(condition=inner))
    return parts


# --- Mermaid -------------------------------------------------------------------------

# Mermaid's entity codes: quotes end a label, brackets and pipes end a shape or a link
# label, '<' and '&' would be markup, and Mermaid strips the last ';' of a line holding
# "style...:...#...;" (so ':' goes too, and '#' to keep plan text from forming a code)
_MERMAID_ESCAPES = {
    "#": "#35;",
    '"': "#quot;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    "[": "#91;",
    "]": "#93;",
    "{": "#123;",
    "}": "#125;",
    "|": "#124;",
    "`": "#96;",
    ":": "#58;",
}
_MERMAID_SPECIAL = re.compile("[" + re.escape("".join(_MERMAID_ESCAPES)) + "]")


def _mermaid_text(text: str) -> str:
    return _MERMAID_SPECIAL.sub(lambda m: _MERMAID_ESCAPES[m.group(0)], _clean(text))


def _mermaid_label(lines: Iterable[str]) -> str:
    return '"' + "<br/>".join(_mermaid_text(line) for line in lines) + '"'


def _mermaid_ids(nodes: Iterable[_Node]) -> dict[str, str]:
    """Step id -> Mermaid id: a prefix keeps clear of Mermaid's words (``end``) and edge syntax (``o``/``x``)."""
    out: dict[str, str] = {}
    for node in nodes:
        base = "s_" + re.sub(r"[^A-Za-z0-9_]", "_", node.id)
        mid, n = base, 2
        while mid in out.values():
            mid, n = f"{base}_{n}", n + 1
        out[node.id] = mid
    return out


def _mermaid(picture: _Picture, _: Translate) -> str:
    ids = _mermaid_ids(picture.nodes)
    out = ["flowchart TD"]
    for node in picture.nodes:
        label = _mermaid_label([node.name, f"({node.id})"])
        # a stadium for steps that end the flow
        out.append(f"    {ids[node.id]}([{label}])" if node.terminal else f"    {ids[node.id]}[{label}]")
    link_styles: list[str] = []
    for index, edge in enumerate(picture.edges):
        arrow = "-.->" if edge.notify or edge.status == "removed" else "-->"
        out.append(f"    {ids[edge.src]} {arrow}|{_mermaid_label(edge.lines)}| {ids[edge.dst]}")
        if edge.status != "same":
            dash = ",stroke-dasharray:5 5" if edge.status == "removed" else ""
            link_styles.append(f"    linkStyle {index} stroke:{_STROKE[edge.status]},stroke-width:2px{dash}")
    out += link_styles
    if picture.diff:
        out.append(f"    subgraph legend[{_mermaid_label([_('Legend')])}]")
        out.append("        direction LR")
        for status in _DIFF_STATUSES:
            out.append(f"        legend_{status}[{_mermaid_label([_(status)])}]")
        out.append("    end")
        for status in _DIFF_STATUSES:
            dash = ",stroke-dasharray:5 5" if status == "removed" else ""
            out.append(
                f"    classDef {status} fill:{_FILL[status]},stroke:{_STROKE[status]},"
                f"color:{_STROKE[status]},stroke-width:2px{dash}"
            )
        for status in _DIFF_STATUSES:
            members = [ids[n.id] for n in picture.nodes if n.status == status] + [f"legend_{status}"]
            out.append(f"    class {','.join(members)} {status}")
    return "\n".join(out) + "\n"


# --- Graphviz DOT --------------------------------------------------------------------


def _dot_text(text: str) -> str:
    """Plan text inside a DOT string: Graphviz reads backslash escapes and HTML entities in labels."""
    text = _clean(text).replace("\\", "\\\\").replace('"', '\\"')
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _dot_label(lines: Iterable[str]) -> str:
    return '"' + "\\n".join(_dot_text(line) for line in lines) + '"'


def _dot_id(text: str) -> str:
    return '"' + _clean(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot_attrs(attrs: dict[str, str]) -> str:
    return "[" + ", ".join(f"{k}={v}" for k, v in attrs.items()) + "]"


def _dot(picture: _Picture, _: Translate) -> str:
    font = '"Helvetica,Arial,sans-serif"'
    out = [
        "digraph beredskab {",
        f"    graph [rankdir=TB, labelloc=t, fontname={font}, label={_dot_label([picture.title])}];",
        f'    node [shape=box, style="rounded,filled", fillcolor="{_FILL["same"]}", color="{_STROKE["same"]}", '
        f"fontname={font}, fontsize=12];",
        f"    edge [fontname={font}, fontsize=10];",
    ]
    for node in picture.nodes:
        # the name on one line: Graphviz draws each line as its own <text>, and the name is searched for whole
        attrs = {"label": _dot_label([node.name, f"({node.id})"])}
        if node.terminal:
            attrs["peripheries"] = "2"
        attrs.update(_dot_status(node.status, node=True))
        out.append(f"    {_dot_id(node.id)} {_dot_attrs(attrs)};")
    terminal = {n.id for n in picture.nodes if n.terminal}
    for edge in picture.edges:
        attrs = {"label": _dot_label(edge.lines)}
        if edge.notify:
            attrs["style"] = "dashed"
        if edge.notify or edge.src in terminal:
            # only hand-overs order the flow; leaving a terminal step is a new concern about a finished case
            attrs["constraint"] = "false"
        attrs.update(_dot_status(edge.status, node=False))
        out.append(f"    {_dot_id(edge.src)} -> {_dot_id(edge.dst)} {_dot_attrs(attrs)};")
    if picture.diff:
        # legend ids start with '_', which no step id can (ids are [a-z][a-z0-9_]*)
        out.append("    subgraph cluster_legend {")
        out.append(f'        label={_dot_label([_("Legend")])}; style=dashed; color="#8c959f";')
        for status in _DIFF_STATUSES:
            attrs = {"label": _dot_label([_(status)]), **_dot_status(status, node=True)}
            out.append(f"        {_dot_id('_legend_' + status)} {_dot_attrs(attrs)};")
        out.append("    }")
    out.append("}")
    return "\n".join(out) + "\n"


def _dot_status(status: Status, *, node: bool) -> dict[str, str]:
    if status == "same":
        return {}
    attrs = {"color": f'"{_STROKE[status]}"', "fontcolor": f'"{_STROKE[status]}"', "penwidth": "2"}
    if node:
        attrs["fillcolor"] = f'"{_FILL[status]}"'
        if status == "removed":
            attrs["style"] = '"rounded,filled,dashed"'
    elif status == "removed":
        attrs["style"] = "dashed"
    return attrs


def _graphviz_svg(dot: str) -> str | None:
    """``dot -Tsvg`` of ``dot``, or None when Graphviz is missing, fails or takes too long."""
    exe = shutil.which("dot")
    if exe is None:
        return None
    try:
        done = subprocess.run(
            [exe, "-Tsvg"], input=dot.encode("utf-8"), capture_output=True, timeout=_DOT_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    svg = done.stdout.decode("utf-8", errors="replace")
    start = svg.find("<svg")
    if done.returncode != 0 or start < 0:
        return None
    # from <svg on: Graphviz's DOCTYPE names an external DTD, and the picture stands alone
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!-- rendered by Graphviz dot -->\n{svg[start:]}'


# --- built-in SVG --------------------------------------------------------------------

_FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"
_NAME_SIZE, _NAME_CHAR, _NAME_LINE = 13, 7.4, 17.0  # px: font size, average glyph width, line height
_ID_SIZE, _ID_CHAR = 11, 6.7
_LABEL_SIZE, _LABEL_CHAR, _LABEL_LINE = 11, 6.2, 13.0
_NAME_WRAP = 30  # characters per line
_PAD_X, _PAD_Y = 12.0, 8.0
_GAP_X = 48.0  # between boxes in a row
_LABEL_GAP = 10.0  # between edge labels in a row
_ROW_GAP = 28.0  # above and below a row of edge labels
_MARGIN = 16.0


@dataclass
class _Box:
    """A step's box, or an edge label's: its size and, once placed, where it is."""

    lines: list[str]
    width: float
    height: float
    x: float = 0.0  # left
    y: float = 0.0  # top

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def cy(self) -> float:
        return self.y + self.height / 2

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass
class _Drawn:
    """One label and the lines through it: for one edge, or for edges from several steps to one."""

    edge: _Edge  # the first of them: its status and style are theirs
    sources: list[str]
    label: _Box
    feeds: list[str] = field(default_factory=list)  # from each source to the label
    path: str = ""  # on to the target, with the arrowhead


@dataclass
class _Layout:
    boxes: dict[str, _Box]  # by step id
    drawn: list[_Drawn]


def _wrap_keeping_text(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters (where words allow) that join back to exactly ``text``.

    The space at a break stays at the end of its line, so the SVG's text content is the
    step's name as the plan writes it (what a reader, or a search, looks for).
    """
    lines: list[str] = []
    current = ""
    for token in re.split(r"(\s+)", text):
        if current.strip() and token.strip() and len(current.rstrip()) + len(token) > width:
            lines.append(current)
            current = ""
        current += token
    if current or not lines:
        lines.append(current)
    return lines


def _layers(order: Sequence[str], edges: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Longest-path layers from ``intake`` (or the steps nothing enters), back edges set aside.

    A depth-first walk in the plan's step order drops the edges that close a cycle; what
    is left is acyclic and a step sits one layer below its deepest predecessor. Steps
    not reached share a last layer.
    """
    rank = {n: i for i, n in enumerate(order)}
    succ: dict[str, list[str]] = {n: [] for n in order}
    entered: set[str] = set()
    for src, dst in edges:
        if src != dst and dst not in succ[src]:
            succ[src].append(dst)
            entered.add(dst)
    for targets in succ.values():
        targets.sort(key=rank.__getitem__)
    roots = ["intake"] if "intake" in succ else [n for n in order if n not in entered] or list(order[:1])
    state: dict[str, int] = {}  # 1: on the walk's path, 2: done
    finished: list[str] = []
    dag: dict[str, list[str]] = {n: [] for n in order}
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(succ[root]))]
        while stack:
            node, following = stack[-1]
            for nxt in following:
                if state.get(nxt) == 1:
                    continue  # a back edge
                dag[node].append(nxt)
                if nxt not in state:
                    state[nxt] = 1
                    stack.append((nxt, iter(succ[nxt])))
                    break
            else:
                state[node] = 2
                finished.append(node)
                stack.pop()
    layer = dict.fromkeys(roots, 0)
    for node in reversed(finished):  # a topological order of the acyclic part
        for nxt in dag[node]:
            layer[nxt] = max(layer.get(nxt, 0), layer.get(node, 0) + 1)
    last = max(layer.values(), default=-1) + 1
    return {n: layer.get(n, last) for n in order}


def _step_box(node: _Node) -> _Box:
    lines = _wrap_keeping_text(node.name, _NAME_WRAP)
    text_width = max(max(len(line.rstrip()) for line in lines) * _NAME_CHAR, (len(node.id) + 2) * _ID_CHAR)
    height = len(lines) * _NAME_LINE + _NAME_LINE + 2 * _PAD_Y
    return _Box(lines, max(text_width + 2 * _PAD_X, 120.0), height)


def _label_box(lines: Sequence[str]) -> _Box:
    width = max((len(line) for line in lines), default=0) * _LABEL_CHAR + 8
    return _Box(list(lines), width, len(lines) * _LABEL_LINE + 6)


def _spread(items: Sequence[tuple[float, _Box]], gap: float) -> None:
    """Set each box's ``x`` near its wanted centre, left to right without overlap."""
    cursor = -math.inf
    for wanted, box in items:
        box.x = max(wanted - box.width / 2, cursor)
        cursor = box.right + gap
    if items:  # shift the whole row back so that it is centred where it was wanted
        shift = sum(w - b.cx for w, b in items) / len(items)
        for _wanted, box in items:
            box.x += shift


def _layout(picture: _Picture) -> _Layout:
    """Steps in rows by layer; each downward edge's label in the band below its source's row.

    Edges that go up or sideways (a concern about a finished case comes in again) go
    round the outside, their labels stacked so they do not overlap.
    """
    edges = picture.edges
    boxes = {n.id: _step_box(n) for n in picture.nodes}
    order = [n.id for n in picture.nodes]
    terminal = {n.id for n in picture.nodes if n.terminal}
    # leaving a terminal step is a new concern about a finished case: it does not give the flow's order
    layer_of = _layers(order, ((e.src, e.dst) for e in edges if not e.notify and e.src not in terminal))
    rows: list[list[str]] = [[] for _ in range(max(layer_of.values(), default=0) + 1)]
    for sid in order:
        rows[layer_of[sid]].append(sid)
    preds: dict[str, list[str]] = {sid: [] for sid in order}
    for e in edges:
        if layer_of[e.src] < layer_of[e.dst]:
            preds[e.dst].append(e.src)
    # two sweeps of barycentres: a step goes under the steps that hand over to it
    position = {sid: float(i) for members in rows for i, sid in enumerate(members)}
    for _sweep in range(2):
        for members in rows[1:]:
            keys = {s: sum(position[p] for p in preds[s]) / len(preds[s]) if preds[s] else position[s] for s in members}
            members.sort(key=keys.__getitem__)
            position.update({sid: float(i) for i, sid in enumerate(members)})
    widths = [sum(boxes[s].width for s in members) + _GAP_X * max(len(members) - 1, 0) for members in rows]
    full = max(widths, default=0.0)
    for members, width in zip(rows, widths, strict=True):
        x = (full - width) / 2
        for sid in members:
            boxes[sid].x = x
            x += boxes[sid].width + _GAP_X

    labels = [_label_box(e.lines) for e in edges]
    down = [i for i, e in enumerate(edges) if layer_of[e.dst] > layer_of[e.src]]
    # ports along the boxes' bottoms and tops in the order of the other ends, so edges do not cross there
    out_port: dict[int, float] = {}
    in_port: dict[int, float] = {}
    for sid, box in boxes.items():
        for ports, mine, other in ((out_port, "src", "dst"), (in_port, "dst", "src")):
            ends = sorted(
                (i for i in down if getattr(edges[i], mine) == sid), key=lambda i: boxes[getattr(edges[i], other)].cx
            )
            for k, i in enumerate(ends):
                ports[i] = box.x + box.width * (k + 1) / (len(ends) + 1)
    y = 0.0
    for r, members in enumerate(rows):
        row_height = max((boxes[s].height for s in members), default=0.0)
        for sid in members:
            boxes[sid].y = y + (row_height - boxes[sid].height) / 2
        y += row_height
        band = sorted(
            ((2 * out_port[i] + in_port[i]) / 3, labels[i]) for i in down if layer_of[edges[i].src] == r
        )  # wanted near the source, leaning to the target
        height = max((b.height for _w, b in band), default=0.0)
        for _wanted, box in band:
            box.y = y + _ROW_GAP + (height - box.height) / 2
        _spread(band, _LABEL_GAP)
        y += height + 2 * _ROW_GAP

    drawn: list[_Drawn] = []
    for i in down:
        e, lab = edges[i], labels[i]
        s, d = boxes[e.src], boxes[e.dst]
        x0, y0, x1, y1 = out_port[i], s.bottom, in_port[i], d.y
        b0, b1 = (lab.y - y0) / 2, (y1 - lab.bottom) / 2
        feed = f"M{_f(x0)},{_f(y0)} C{_f(x0)},{_f(y0 + b0)} {_f(lab.cx)},{_f(lab.y - b0)} {_f(lab.cx)},{_f(lab.y)}"
        path = f"M{_f(lab.cx)},{_f(lab.bottom)} C{_f(lab.cx)},{_f(lab.bottom + b1)} {_f(x1)},{_f(y1 - b1)} {_f(x1)},{_f(y1)}"
        drawn.append(_Drawn(e, [e.src], lab, [feed], path))
    placed = list(boxes.values()) + [labels[i] for i in down]
    extent = {"left": min((b.x for b in placed), default=0.0), "right": max((b.right for b in placed), default=0.0)}
    middle = (extent["left"] + extent["right"]) / 2
    # edges going up or sideways with the same target, style and label share one label on the outside
    groups: dict[tuple[str, bool, tuple[str, ...], Status], list[int]] = {}
    for i, e in enumerate(edges):
        if i in out_port:
            continue
        if e.src == e.dst:
            lab, box = labels[i], boxes[e.src]
            x, yc = box.right, box.cy
            lab.x, lab.y = x + 44, yc - lab.height / 2
            path = f"M{_f(x)},{_f(yc - 6)} C{_f(x + 50)},{_f(yc - 34)} {_f(x + 50)},{_f(yc + 34)} {_f(x)},{_f(yc + 6)}"
            drawn.append(_Drawn(e, [e.src], lab, [], path))
            continue
        groups.setdefault((e.dst, e.notify, e.lines, e.status), []).append(i)
    stacked: dict[str, list[tuple[float, _Drawn]]] = {"left": [], "right": []}
    for group in groups.values():
        first = edges[group[0]]
        d = boxes[first.dst]
        source_y = sum(boxes[edges[i].src].cy for i in group) / len(group)
        source_x = sum(boxes[edges[i].src].cx for i in group) / len(group)
        side = "right" if (source_x + d.cx) / 2 >= middle else "left"
        item = _Drawn(first, [edges[i].src for i in group], labels[group[0]])
        stacked[side].append(((source_y + d.cy) / 2, item))
    for side, column in stacked.items():
        cursor = -math.inf
        for wanted, item in sorted(column, key=lambda pair: pair[0]):
            lab = item.label
            lab.x = extent["right"] + 40 if side == "right" else extent["left"] - 40 - lab.width
            lab.y = max(wanted - lab.height / 2, cursor)
            cursor = lab.bottom + 8
            inner = lab.x if side == "right" else lab.right
            sign = 1.0 if side == "right" else -1.0
            for sid in item.sources:
                b = boxes[sid]
                x0, y0 = (b.right, b.cy) if side == "right" else (b.x, b.cy)
                if lab.y <= y0 <= lab.bottom:
                    item.feeds.append(f"M{_f(x0)},{_f(y0)} L{_f(inner)},{_f(y0)}")
                else:
                    end = lab.bottom if y0 > lab.bottom else lab.y
                    item.feeds.append(f"M{_f(x0)},{_f(y0)} Q{_f(lab.cx)},{_f(y0)} {_f(lab.cx)},{_f(end)}")
            d = boxes[item.edge.dst]
            x1 = d.right if side == "right" else d.x
            item.path = (
                f"M{_f(inner)},{_f(lab.cy)} C{_f(inner - sign * 30)},{_f(lab.cy)} "
                f"{_f(x1 + sign * 30)},{_f(d.cy)} {_f(x1)},{_f(d.cy)}"
            )
            drawn.append(item)
    return _Layout(boxes, drawn)


class _Bounds:
    def __init__(self) -> None:
        self.x0, self.y0, self.x1, self.y1 = math.inf, math.inf, -math.inf, -math.inf

    def add(self, x0: float, y0: float, x1: float | None = None, y1: float | None = None) -> None:
        self.x0, self.y0 = min(self.x0, x0), min(self.y0, y0)
        self.x1, self.y1 = max(self.x1, x0 if x1 is None else x1), max(self.y1, y0 if y1 is None else y1)

    def add_box(self, box: _Box) -> None:
        self.add(box.x, box.y, box.right, box.bottom)


def _f(v: float) -> str:
    return f"{v:.1f}"


def _text_block(
    lines: Sequence[str],
    x: float,
    top: float,
    line_height: float,
    anchor: str,
    attrs: str,
    bounds: _Bounds,
    char: float,
) -> str:
    """A ``<text>`` of ``lines``, the first line's box starting at ``top``; its extent added to ``bounds``."""
    width = max((len(line) for line in lines), default=0) * char
    left = {"middle": x - width / 2, "start": x, "end": x - width}[anchor]
    bounds.add(left, top, left + width, top + len(lines) * line_height)
    spans = "".join(
        f'<tspan x="{_f(x)}" y="{_f(top + (i + 0.5) * line_height)}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text text-anchor="{anchor}" dominant-baseline="central" {attrs}>{spans}</text>'


def _builtin_svg(picture: _Picture, _: Translate) -> str:
    layout = _layout(picture)
    bounds = _Bounds()
    body: list[str] = []
    for item in layout.drawn:
        e, lab = item.edge, item.label
        bounds.add_box(lab)
        for path in (*item.feeds, item.path):
            for token in re.findall(r"-?\d+(?:\.\d+)?,-?\d+(?:\.\d+)?", path):
                px, py = token.split(",")
                bounds.add(float(px), float(py))
        colour = _STROKE[e.status]
        stroke = f'fill="none" stroke="{colour}" stroke-width="{1.2 if e.status == "same" else 2}"'
        if e.notify or e.status == "removed":
            stroke += ' stroke-dasharray="6 4"'
        feeds = "".join(f'<path d="{feed}" {stroke}/>' for feed in item.feeds)
        text = _text_block(
            lab.lines,
            lab.cx,
            lab.y + 3,
            _LABEL_LINE,
            "middle",
            f'font-size="{_LABEL_SIZE}" fill="{colour}"',
            bounds,
            _LABEL_CHAR,
        )
        title = escape(f"{', '.join(item.sources)} -> {e.dst}")
        body.append(
            f'<g class="edge {e.status}"><title>{title}</title>{feeds}'
            f'<path d="{item.path}" {stroke} marker-end="url(#arrow-{e.status})"/>'
            f'<rect x="{_f(lab.x)}" y="{_f(lab.y)}" width="{_f(lab.width)}" height="{_f(lab.height)}" rx="3" '
            f'fill="#ffffff" fill-opacity="0.9"/>{text}</g>'
        )
    for node in picture.nodes:
        box = layout.boxes[node.id]
        bounds.add_box(box)
        colour = _STROKE[node.status]
        dash = ' stroke-dasharray="6 4"' if node.status == "removed" else ""
        # a terminal step ends the flow: a rounder box with a double border
        inner = (
            f'<rect x="{_f(box.x + 3)}" y="{_f(box.y + 3)}" width="{_f(box.width - 6)}" height="{_f(box.height - 6)}" '
            f'rx="13" fill="none" stroke="{colour}"{dash}/>'
            if node.terminal
            else ""
        )
        name = _text_block(
            box.lines,
            box.cx,
            box.y + _PAD_Y,
            _NAME_LINE,
            "middle",
            f'font-size="{_NAME_SIZE}" fill="#1f2328" xml:space="preserve"',
            bounds,
            _NAME_CHAR,
        )
        step_id = _text_block(
            [f"({node.id})"],
            box.cx,
            box.bottom - _PAD_Y - _NAME_LINE,
            _NAME_LINE,
            "middle",
            f'font-size="{_ID_SIZE}" font-family="monospace" fill="#57606a"',
            bounds,
            _ID_CHAR,
        )
        body.append(
            f'<g class="step {node.status}"><title>{escape(node.name)} ({escape(node.id)})</title>'
            f'<rect x="{_f(box.x)}" y="{_f(box.y)}" width="{_f(box.width)}" height="{_f(box.height)}" '
            f'rx="{16 if node.terminal else 4}" fill="{_FILL[node.status]}" stroke="{colour}" stroke-width="1.5"{dash}/>'
            f"{inner}{name}{step_id}</g>"
        )
    left = bounds.x0 if math.isfinite(bounds.x0) else 0.0
    top = bounds.y0 if math.isfinite(bounds.y0) else 0.0
    bottom = bounds.y1 if math.isfinite(bounds.y1) else 0.0
    heading = _text_block(
        [picture.title],
        left,
        top - 2 * _NAME_LINE,
        _NAME_LINE,
        "start",
        f'font-size="{_NAME_SIZE + 2}" font-weight="bold" fill="#1f2328"',
        bounds,
        _NAME_CHAR + 1,
    )
    legend = _legend(picture.diff, left, bottom + 36, bounds, _)
    x0, y0 = bounds.x0 - _MARGIN, bounds.y0 - _MARGIN
    w, h = math.ceil(bounds.x1 - x0 + _MARGIN), math.ceil(bounds.y1 - y0 + _MARGIN)
    markers = "".join(
        f'<marker id="arrow-{status}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        for status, colour in _STROKE.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!-- rendered by beredskab's built-in layout; install Graphviz for a better picture -->\n"
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="{_f(x0)} {_f(y0)} {w} {h}" font-family={quoteattr(_FONT)} role="img">\n'
        f"<title>{escape(picture.title)}</title>\n"
        f"<defs>{markers}</defs>\n"
        f'<rect x="{_f(x0)}" y="{_f(y0)}" width="{w}" height="{h}" fill="#ffffff"/>\n'
        f"{heading}\n" + "\n".join(body) + f"\n{legend}\n</svg>\n"
    )


def _legend(diff: bool, x: float, y: float, bounds: _Bounds, _: Translate) -> str:
    """Solid and dashed lines, and with a diff the three colours, in a row under the picture."""
    text_attrs = f'font-size="{_LABEL_SIZE}" fill="#1f2328"'
    top = y - _LABEL_LINE / 2
    heading = _("Legend") + ":"
    items = [_text_block([heading], x, top, _LABEL_LINE, "start", text_attrs, bounds, _LABEL_CHAR)]
    cursor = x + len(heading) * _LABEL_CHAR + 16
    for kind, word in (("hand-over", _("hand-over")), ("notify", _("notify"))):
        dash = ' stroke-dasharray="6 4"' if kind == "notify" else ""
        items.append(
            f'<path d="M{_f(cursor)},{_f(y)} h28" fill="none" stroke="{_STROKE["same"]}" stroke-width="1.2"{dash} '
            'marker-end="url(#arrow-same)"/>'
        )
        items.append(_text_block([word], cursor + 36, top, _LABEL_LINE, "start", text_attrs, bounds, _LABEL_CHAR))
        cursor += 36 + len(word) * _LABEL_CHAR + 20
    for status in _DIFF_STATUSES if diff else ():
        dash = ' stroke-dasharray="6 4"' if status == "removed" else ""
        items.append(
            f'<rect x="{_f(cursor)}" y="{_f(y - 8)}" width="28" height="16" rx="3" '
            f'fill="{_FILL[status]}" stroke="{_STROKE[status]}" stroke-width="2"{dash}/>'
        )
        items.append(_text_block([_(status)], cursor + 36, top, _LABEL_LINE, "start", text_attrs, bounds, _LABEL_CHAR))
        cursor += 36 + len(_(status)) * _LABEL_CHAR + 20
    bounds.add(x, y - 10, cursor, y + 10)
    return '<g class="legend">' + "".join(items) + "</g>"
