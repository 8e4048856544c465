"""The routing-graph picture of a plan (``beredskab graph``): Mermaid, Graphviz DOT or SVG, optionally as a revision diff.

The SVG is drawn by beredskab's own layered layout (never by Graphviz), so the same plan
gives the same picture, byte for byte, on every machine. Optionally one concern's route
is drawn on it (:func:`concern_route`, ``beredskab graph PLAN --concern FILE``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import math
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from .._i18n import DEFAULT_LANG, WEEKDAYS, Translate, translator
from ..plan import Plan
from ..routing.calendar import ZONE as _ZONE
from ..routing.concern import Concern, Decision, parse_concern
from ..routing.conditions import admissible
from ..spec.model import ActionSpec, CatchAll, Condition, Rule

__all__ = [
    "GRAPH_FORMATS",
    "ConcernRoute",
    "GraphFormat",
    "RouteHop",
    "concern_route",
    "graphviz_available",
    "render_graph",
]

GraphFormat = Literal["mermaid", "dot", "svg"]
GRAPH_FORMATS: tuple[GraphFormat, ...] = ("mermaid", "dot", "svg")

Status = Literal["same", "added", "removed", "changed"]

# GitHub's palette: readable on white, and the colours reviewers already read as added/removed
_STROKE: dict[Status, str] = {"same": "#333333", "added": "#1a7f37", "removed": "#cf222e", "changed": "#bc4c00"}
_FILL: dict[Status, str] = {"same": "#f6f8fa", "added": "#dafbe1", "removed": "#ffebe9", "changed": "#fff1e5"}
_DIFF_STATUSES: tuple[Status, ...] = ("added", "removed", "changed")
_ROUTE_STROKE, _ROUTE_FILL = "#0969da", "#ddf4ff"

# a label is short: who acts and the deciding fact, each cut at so many characters;
# everything else is in the hover text (and the rules table)
_MAX_KINDS = 2
_MAX_WHO = 24
_MAX_FACT = 26
_ONE_LINE = 36  # who and fact on one line, cut at so many characters


def graphviz_available() -> bool:
    """Whether Graphviz's ``dot`` is on PATH (``--format dot`` text can then be drawn by it; ``svg`` never needs it)."""
    return shutil.which("dot") is not None


def render_graph(
    plan: Plan,
    fmt: GraphFormat,
    *,
    other: Plan | None = None,
    lang: str = DEFAULT_LANG,
    route: ConcernRoute | None = None,
) -> str:
    """The routing graph of ``plan`` as Mermaid, DOT or SVG text; with ``other``, the changes from ``other`` to ``plan``.

    Nodes are the plan's steps; an edge ``S -> T`` stands for every rule that, at step
    ``S``, sends an actor to perform ``T`` or has one notified there (dashed when the
    rules only notify). Its label is short: who acts, and the deciding fact in a few
    words; the rule ids, actors and conditions are in the hover text (SVG ``<title>``,
    DOT ``tooltip``) and in the plan's rules table.

    With ``other`` (the old revision), what only ``plan`` has is marked added, what only
    ``other`` has is drawn too and marked removed, and an edge both have whose rules
    differ is marked changed. With ``route`` (:func:`concern_route`), the steps and
    hand-overs one concern takes are highlighted, with when each actor can act and by when.
    Plan text is escaped for each format: a plan is data, and a picture of it must never
    become markup or script.

    ``svg`` is beredskab's own layered layout: the same on every machine, with or without Graphviz.
    """
    if fmt not in GRAPH_FORMATS:
        raise ValueError(f"graph format must be one of {', '.join(GRAPH_FORMATS)}, not {fmt!r}")
    _ = translator(lang, "graph")
    picture = _picture(plan, other, _)
    if route is not None:
        picture = _with_route(picture, plan, route, lang, _)
    if fmt == "mermaid":
        return _mermaid(picture, _)
    if fmt == "dot":
        return _dot(picture, _)
    if other is not None:
        return _svg(picture, _)
    key = f"{plan.digest}:{lang}"
    if route is not None and key not in _CHOSEN:
        # a route is drawn in the layout of the plan's own picture: the same drawing whether or
        # not this process drew the plan before (a report, a single `graph --concern`)
        _svg(_picture(plan, None, _), _, key)
    return _svg(picture, _, key)


# --- what to draw --------------------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    id: str
    name: str
    terminal: str | None
    status: Status = "same"
    route: bool = False


@dataclass(frozen=True)
class _Edge:
    src: str
    dst: str
    notify: bool  # the rules only notify here: nobody is handed the case
    lines: tuple[str, ...]  # the short label, one entry per line
    details: tuple[str, ...]  # the hover text: each rule with its actors and conditions
    # what the rules say before the label shortens it: edges in two revisions differ when this does
    signature: tuple[tuple[str, ...], ...]
    status: Status = "same"
    route: tuple[str, ...] = ()  # with a concern's route: the times on this hand-over


@dataclass(frozen=True)
class _Picture:
    title: str
    nodes: tuple[_Node, ...]
    edges: tuple[_Edge, ...]
    diff: bool
    route: bool = False


@dataclass
class _Parallel:
    """The rules handing over between one pair of steps, gathered before they become one edge."""

    kinds: list[str] = field(default_factory=list)  # of the actors handed the case
    notified_kinds: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    notified: list[str] = field(default_factory=list)
    # rule id -> (condition parts, actors handed the case, actors notified)
    rules: dict[str, tuple[list[str], list[str], list[str]]] = field(default_factory=dict)


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


def _graph_of(plan: Plan, _: Translate) -> tuple[dict[str, _Node], dict[tuple[str, str], _Edge]]:
    """The plan's steps and its hand-overs, one edge per pair of steps."""
    steps = list(plan.steps)
    nodes = {sid: _Node(sid, _clean(step.name), step.terminal) for sid, step in plan.steps.items()}
    parallel: dict[tuple[str, str], _Parallel] = {}

    def hand_over(src: str, dst: str, notify: bool, actor_id: str, parts: list[str], rule_id: str) -> None:
        p = parallel.setdefault((src, dst), _Parallel())
        actor = plan.compiled.actors[actor_id]
        name, kind = _clean(actor.name), _clean(_(actor.kind.value))
        for items, value in (
            (p.notified if notify else p.actors, name),
            (p.notified_kinds if notify else p.kinds, kind),
        ):
            if value not in items:
                items.append(value)
        record = p.rules.setdefault(rule_id, (parts, [], []))
        who = record[2] if notify else record[1]
        if name not in who:
            who.append(name)

    def hand_overs(rule: Rule | CatchAll, rule_id: str, sources: Iterable[str], parts: list[str]) -> None:
        for src in sources:
            for act in rule.next:
                hand_over(src, act.step, False, act.actor, parts, rule_id)
                for esc in _closed_escalations(act):
                    hand_over(src, esc[1], False, esc[0], [*parts, _("escalation when closed")], rule_id)
            for act in rule.notify:
                hand_over(src, act.step, True, act.actor, parts, rule_id)

    always_left: set[str] = set()
    for rule in plan.rules:
        sources = admissible(rule.when, "step", steps)
        if rule.when.model_fields_set <= {"step"}:
            # a rule conditioned on the step alone always holds there: the catch-all never answers
            always_left |= sources
        parts = [_clean(p) for p in _summary_parts(rule.when, plan, _)]
        hand_overs(rule, rule.id, (s for s in steps if s in sources), parts)
    # the catch-all answers wherever no rule holds, which is at any step a flow can still leave
    catch_all_sources = [s for s in steps if plan.steps[s].terminal is None and s not in always_left]
    hand_overs(plan.catch_all, "catch-all", catch_all_sources, [_("otherwise (catch-all)")])

    edges = {key: _edge(key, p, nodes, _) for key, p in parallel.items()}
    return nodes, edges


def _edge(key: tuple[str, str], p: _Parallel, nodes: dict[str, _Node], _: Translate) -> _Edge:
    src, dst = key
    notify = not p.actors
    details = [f"{nodes[src].name} → {nodes[dst].name}"]
    for rule_id, (parts, actors, notified) in p.rules.items():
        line = f"{rule_id}: {', '.join(parts) or _('always at this step')}"
        if actors:
            line += " → " + "; ".join(actors)
        if notified:
            line += " · " + _("notify: {actors}").format(actors="; ".join(notified))
        details.append(line)
    signature = (tuple(p.actors), tuple(p.notified), tuple(details))
    return _Edge(src, dst, notify, _short_label(p, notify, _), tuple(details), signature)


def _closed_escalations(act: ActionSpec) -> list[tuple[str, str]]:
    """(actor, step) taking over when the acting actor is closed: a hand-over too, as in routing's graph."""
    return [(e.actor, e.step or act.step) for e in act.escalation if e.on == "closed"]


def _shortened(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip(" ,/") + "…"


def _short_label(p: _Parallel, notify: bool, _: Translate) -> tuple[str, ...]:
    """Who acts (the kinds of actor) and the deciding fact in a few words: ``Infohus · under 18 år``."""
    kinds = p.notified_kinds if notify else p.kinds
    shown = kinds[:_MAX_KINDS] + ([f"+{len(kinds) - _MAX_KINDS}"] if len(kinds) > _MAX_KINDS else [])
    who = _shortened(", ".join(shown), _MAX_WHO)
    if notify:
        who = _("notify: {actors}").format(actors=who)
    fact = _shortened(_deciding_fact([parts for parts, _a, _n in p.rules.values()], _), _MAX_FACT)
    if not fact:
        return (who,)
    return (_shortened(f"{who} · {fact}", _ONE_LINE),)


def _deciding_fact(rules: list[list[str]], _: Translate) -> str:
    """What the rules between two steps ask, in a few words: theirs when they agree, else what they share."""
    distinct: list[list[str]] = []
    for parts in rules:
        if parts not in distinct:
            distinct.append(parts)
    if len(distinct) == 1:
        return ", ".join(distinct[0])
    common = [part for part in distinct[0] if all(part in parts for parts in distinct[1:])]
    if common:
        return ", ".join(common)
    firsts: list[str] = []
    for parts in distinct:
        first = parts[0] if parts else _("always")
        if first not in firsts:
            firsts.append(first)
    alternatives = " / ".join(firsts)
    if len(firsts) < len(distinct) and len(alternatives) <= _MAX_FACT:
        return alternatives
    return _("{n} rules").format(n=len(rules))


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


# --- one concern's route -------------------------------------------------------------


@dataclass(frozen=True)
class RouteHop:
    """One hand-over on a concern's route: the deciding rule at ``src`` hands the case to ``actor`` at ``dst``."""

    src: str
    dst: str
    rule: str
    actor: str
    available_from: dt.datetime
    act_by: dt.datetime | None


@dataclass(frozen=True)
class ConcernRoute:
    """The steps one concern passes through, decision by decision, and why the walk stopped.

    ``end`` is ``terminal`` (a step that ends the flow), ``loop`` (back at a step already
    passed), ``limit`` (more hand-overs than the plan has steps) or ``none`` (nobody acts).
    """

    steps: tuple[str, ...]
    hops: tuple[RouteHop, ...]
    end: Literal["terminal", "loop", "limit", "none"]
    decisions: tuple[Decision, ...] = ()


def concern_route(plan: Plan, concern: Concern | dict[str, Any], *, lang: str = DEFAULT_LANG) -> ConcernRoute:
    """Follow one concern through ``plan``: route it, take the deciding rule's first acting actor and its step, and
    route again from that step (the concern's facts and findings kept; received when that actor can act), until a
    terminal step, a step already passed, or more hand-overs than the plan has steps.

    ``concern`` is a :class:`Concern` or its JSON object (``parse_concern``: ConcernError on a bad field).
    """
    current = parse_concern(concern)
    steps = [current.step]
    hops: list[RouteHop] = []
    decisions: list[Decision] = []
    end: Literal["terminal", "loop", "limit", "none"] = "limit"
    for _hop in range(len(plan.steps) + 1):
        if hops and plan.steps[steps[-1]].terminal is not None:
            end = "terminal"
            break
        decision = plan.route(current, lang=lang)
        decisions.append(decision)
        acting = [a for a in decision.next if a.role == "primary"] or list(decision.next)
        if not acting:
            end = "none"
            break
        action = acting[0]
        hops.append(
            RouteHop(steps[-1], action.step, decision.rules[0], action.name, action.available_from, action.act_by)
        )
        if action.step in steps:
            steps.append(action.step)
            end = "loop"
            break
        steps.append(action.step)
        received = max(current.received_at, action.available_from)
        current = parse_concern({**current.model_dump(), "step": action.step, "received_at": received})
    else:
        end = "terminal" if plan.steps[steps[-1]].terminal is not None else "limit"
    return ConcernRoute(tuple(steps), tuple(hops), end, tuple(decisions))


def _moment(moment: dt.datetime, lang: str) -> str:
    """``tir 24.11. kl. 08.00`` (Danish), ``Tue 24.11. 08:00`` (English), Copenhagen time."""
    local = moment.astimezone(_ZONE)
    day = translator(lang)(WEEKDAYS[local.weekday()])
    if lang == "da":
        return f"{day} {local.day:02d}.{local.month:02d}. kl. {local.hour:02d}.{local.minute:02d}"
    return f"{day} {local.day:02d}.{local.month:02d}. {local.hour:02d}:{local.minute:02d}"


def _with_route(picture: _Picture, plan: Plan, route: ConcernRoute, lang: str, _: Translate) -> _Picture:
    """``picture`` with the route's steps and hand-overs marked, and the times on each hand-over's label."""
    times: dict[tuple[str, str], list[str]] = {}
    for number, hop in enumerate(route.hops, start=1):
        lines = times.setdefault((hop.src, hop.dst), [])
        lines.append(f"{number}. " + _("can act from {when}").format(when=_moment(hop.available_from, lang)))
        if hop.act_by is not None:
            lines.append(_("at the latest {when}").format(when=_moment(hop.act_by, lang)))
    nodes = tuple(dataclasses.replace(n, route=n.id in route.steps) for n in picture.nodes)
    edges = [dataclasses.replace(e, route=tuple(times.pop((e.src, e.dst), ()))) for e in picture.edges]
    for (src, dst), lines in times.items():  # a hand-over no rule's edge shows (cannot happen, but never drop it)
        edges.append(_Edge(src, dst, False, (), (f"{src} → {dst}",), ((),), route=tuple(lines)))
    title = picture.title + " · " + _("the route of one concern")
    return dataclasses.replace(picture, title=title, nodes=nodes, edges=tuple(edges), route=True)


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
        if edge.route:
            arrow = "==>"
        out.append(f"    {ids[edge.src]} {arrow}|{_mermaid_label(edge.lines + edge.route)}| {ids[edge.dst]}")
        if edge.route:
            link_styles.append(f"    linkStyle {index} stroke:{_ROUTE_STROKE},stroke-width:4px,color:{_ROUTE_STROKE}")
        elif edge.status != "same":
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
    if picture.route:
        out.append(f"    classDef route fill:{_ROUTE_FILL},stroke:{_ROUTE_STROKE},stroke-width:3px")
        members = [ids[n.id] for n in picture.nodes if n.route]
        if members:
            out.append(f"    class {','.join(members)} route")
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
        if node.route:
            attrs.update({"color": f'"{_ROUTE_STROKE}"', "fillcolor": f'"{_ROUTE_FILL}"', "penwidth": "3"})
        out.append(f"    {_dot_id(node.id)} {_dot_attrs(attrs)};")
    terminal = {n.id for n in picture.nodes if n.terminal}
    for edge in picture.edges:
        attrs = {"label": _dot_label(edge.lines + edge.route), "tooltip": _dot_label(["; ".join(edge.details)])}
        if edge.notify:
            attrs["style"] = "dashed"
        if edge.notify or edge.src in terminal:
            # only hand-overs order the flow; leaving a terminal step is a new concern about a finished case
            attrs["constraint"] = "false"
        attrs.update(_dot_status(edge.status, node=False))
        if edge.route:
            attrs.update(
                {"style": "bold", "color": f'"{_ROUTE_STROKE}"', "fontcolor": f'"{_ROUTE_STROKE}"', "penwidth": "3"}
            )
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


# --- SVG: beredskab's own layered layout ---------------------------------------------
#
# Sugiyama-style, in four stages: (1) ranks: each step at twice its layer, the layer its
# longest path from intake (cycles broken by reversing the edges a depth-first search
# from intake finds going back); a hand-over that leaves a step ending the flow is a new
# concern about a finished case and goes into a footnote instead. (2) Every edge becomes
# a chain through the odd ranks between its ends: its label is a node of its own in the
# rank next to its source (so it gets its own space, and no edge passes over it), a bend
# point in each further rank. (3) Crossings: barycentre sweeps down and up, with swaps of
# neighbours, keeping the best order. (4) Coordinates: each rank placed as near the mean
# of its neighbours as the widths allow (an exact least-squares placement by pooling
# adjacent violators), sweeping down and up. Text is measured with Helvetica's widths
# (Arial and Liberation Sans have the same), so the picture is the same everywhere.
# Both orientations are laid out (top-down, left-right) and the one printing larger on
# an A4 landscape page is drawn.

_FONT = "Arial, 'Liberation Sans', Helvetica, sans-serif"
_NAME_SIZE, _NAME_LINE = 11.0, 13.0
_LABEL_SIZE, _LABEL_LINE = 10.0, 11.5
_TITLE_SIZE, _TITLE_LINE = 14.0, 18.0
_NOTE_SIZE, _NOTE_LINE = 10.0, 13.0
_NAME_WIDTH = 190.0  # px of a step's name on one line
_PAD_X, _PAD_Y = 7.0, 4.0  # inside a step's box
_LABEL_PAD_X, _LABEL_PAD_Y = 3.0, 1.0
_GAP_STEPS = 24.0  # between two boxes in a rank
_GAP_SMALL = 8.0  # next to a label or a bend point
_RANK_GAP = 9.0  # between two ranks: where edges bend
_LOOP = 26.0  # beside a box: a loop's reach, a folded fan-in's arrow
_FAN_IN = 3  # so many steps handing back up (or notifying) alike are one arrow
_MARGIN = 12.0
_A4_LANDSCAPE_MM = (277.0, 190.0)  # the printable area
_LEGIBLE_PT = 7.0  # the smallest text printed on it, at least

# Helvetica's advance widths in thousandths of an em (Arial and Liberation Sans agree)
_WIDTHS: dict[str, int] = {}
for _chars, _width in (
    ("ijl'", 222),
    (" !,./:;I[\\]ft·", 278),
    ("()-`r", 333),
    ("{}", 334),
    ('"', 355),
    ("*", 389),
    ("^", 469),
    ("ckszxyvJ", 500),
    ("0123456789abdeghnopqu$_?#–åäöüéèáóúLñ", 556),
    ("+<=>~", 584),
    ("FTZø", 611),
    ("ABEKPSVXY&ÅÄÉ", 667),
    ("CDHNRUwÜ", 722),
    ("GOQØÖ", 778),
    ("Mm", 833),
    ("%æ", 889),
    ("W", 944),
    ("ÆŒ—…→", 1000),
    ("@", 1015),
    ("|", 260),
):
    for _ch in _chars:
        _WIDTHS[_ch] = _width


@functools.lru_cache(maxsize=65536)
def _text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of ``text`` in px at ``size``, a little generous (a fallback font may be wider)."""
    thousandths = sum(_WIDTHS.get(ch, 640 if ch.isupper() else 600) for ch in text)
    return thousandths * size / 1000 * (1.1 if bold else 1.0) * 1.04


def _wrap(text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
    """``text`` in lines no wider than ``width`` px where the words allow; every character kept."""
    words = text.split(" ")
    lines: list[str] = []
    line = ""
    for word in words:
        candidate = f"{line} {word}" if line else word
        if line and _text_width(candidate, size, bold=bold) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    return lines


@dataclass
class _Item:
    """One node of the layered layout: a step, an edge's label, or where an edge crosses a rank."""

    kind: Literal["step", "label", "bend"]
    key: str  # the step id, or the edge's index
    rank: int
    breadth: float  # along the rank (the width when drawn top-down)
    depth: float  # across the ranks
    box: tuple[float, float] = (0.0, 0.0)  # a step's box (breadth, depth), without the loop beside it
    lines: tuple[str, ...] = ()
    o: float = 0.0  # centre along the rank
    ups: list[int] = field(default_factory=list)
    downs: list[int] = field(default_factory=list)

    @property
    def weight(self) -> float:
        # bend points weigh most: a long edge stays straight
        return {"step": 1.0, "label": 2.0, "bend": 4.0}[self.kind]


@dataclass
class _Chain:
    edge: _Edge
    items: list[int]  # from the upper end to the lower end
    reversed: bool  # drawn from the lower end up
    label: int  # the item holding its label


@dataclass
class _Drawing:
    lr: bool
    items: list[_Item]
    chains: list[_Chain]
    # beside a step: (edge, step item, label size, label centre from the box's centre, "loop" or "fan")
    sides: list[tuple[_Edge, int, tuple[float, float], float, str]]
    rank_top: list[float]
    rank_bottom: list[float]
    folded: list[_Edge]
    fan_notes: list[str]


def _label_lines(edge: _Edge) -> tuple[str, ...]:
    return edge.lines + edge.route


def _label_size(lines: Sequence[str], route: bool) -> tuple[float, float]:
    width = max((_text_width(line, _LABEL_SIZE, bold=route) for line in lines), default=0.0)
    return width + 2 * _LABEL_PAD_X, len(lines) * _LABEL_LINE + 2 * _LABEL_PAD_Y


def _step_size(node: _Node) -> tuple[tuple[str, ...], float, float]:
    lines = _wrap(node.name, _NAME_WIDTH, _NAME_SIZE)
    width = max(_text_width(line, _NAME_SIZE) for line in lines)
    # the space a line breaks at stays at its end (the text keeps spaces): the name reads back whole
    lines = [line + " " for line in lines[:-1]] + lines[-1:]
    return tuple(lines), max(width + 2 * _PAD_X, 80.0), len(lines) * _NAME_LINE + 2 * _PAD_Y


def _layers(picture: _Picture, edges: Sequence[_Edge]) -> tuple[dict[str, int], set[int]]:
    """Each step's layer (its longest path from intake) and the edges that go back (reversed to break cycles)."""
    order = [n.id for n in picture.nodes]
    index = {sid: i for i, sid in enumerate(order)}
    out: dict[str, list[int]] = {sid: [] for sid in order}
    for i, e in enumerate(edges):
        out[e.src].append(i)
    back: set[int] = set()
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    roots = (["intake"] if "intake" in index else []) + order
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(out[root]))]
        while stack:
            sid, todo = stack[-1]
            for i in todo:
                dst = edges[i].dst
                if state.get(dst) == 1:
                    back.add(i)
                elif dst not in state:
                    state[dst] = 1
                    stack.append((dst, iter(out[dst])))
                    break
            else:
                state[sid] = 2
                stack.pop()
    dag: nx.DiGraph[str] = nx.DiGraph()
    dag.add_nodes_from(order)
    for i, e in enumerate(edges):
        dag.add_edge(*((e.dst, e.src) if i in back else (e.src, e.dst)))
    layer: dict[str, int] = {}
    for sid in nx.lexicographical_topological_sort(dag, key=index.__getitem__):
        layer[sid] = max((layer[p] + 1 for p in dag.predecessors(sid)), default=0)
    # a step nothing leads to (but intake) sits just above the first step it leads to
    for sid in reversed(list(nx.lexicographical_topological_sort(dag, key=index.__getitem__))):
        if sid != "intake" and not any(True for _p in dag.predecessors(sid)):
            below = [layer[s] for s in dag.successors(sid)]
            if below:
                layer[sid] = min(below) - 1
    low = min(layer.values(), default=0)
    return {sid: v - low for sid, v in layer.items()}, back


def _layout(picture: _Picture, lr: bool, _: Translate, *, sparse: bool = False, fan_in: int = _FAN_IN) -> _Drawing:
    terminal = {n.id for n in picture.nodes if n.terminal}
    folded = [e for e in picture.edges if e.src in terminal and e.src != e.dst and not e.route]
    drawn = [e for e in picture.edges if e not in folded]
    loops_of = [e for e in drawn if e.src == e.dst]
    edges = [e for e in drawn if e.src != e.dst]
    # where many steps hand over back up, or only notify, with the same words to the same step:
    # one arrow into that step, its label saying from how many (the steps in the footnote)
    _layer, back = _layers(picture, edges)
    groups: dict[tuple[str, tuple[str, ...], bool, Status], list[_Edge]] = {}
    for i, e in enumerate(edges):
        # (without labels on notify-only edges, their lines alone take no room to fold)
        if (i in back or (e.notify and not sparse)) and not e.route:
            # notifying alike: to the same step, whatever the facts (they are in the hover text)
            who = (e.lines[0].split(" · ")[0],) if e.notify and e.lines else e.lines
            groups.setdefault((e.dst, who, e.notify, e.status), []).append(e)
    fans = {key: group for key, group in groups.items() if len(group) >= fan_in}
    fanned = {id(e) for group in fans.values() for e in group}
    edges = [e for e in edges if id(e) not in fanned]
    layer, back = _layers(picture, edges)
    sides: dict[str, list[tuple[_Edge, str]]] = {}
    for e in loops_of:
        sides.setdefault(e.src, []).append((e, "loop"))
    fan_notes: list[str] = []
    nodes = {n.id: n for n in picture.nodes}
    for (dst, lines, _notify, _status), group in fans.items():
        count = _("from {n} steps").format(n=len(group))
        details = tuple(line for e in group for line in e.details)
        first = group[0]
        sides.setdefault(dst, []).append(
            (dataclasses.replace(first, lines=(*lines, count + " *"), details=details), "fan")
        )
        fan_notes.append(
            _("{target} ← {label} from: {steps}.").format(
                target=nodes[dst].name, label=" · ".join(lines), steps=", ".join(nodes[e.src].name for e in group)
            )
        )

    def oriented(width: float, height: float) -> tuple[float, float]:
        return (height, width) if lr else (width, height)

    items: list[_Item] = []
    step_item: dict[str, int] = {}
    side_marks: list[tuple[_Edge, int, tuple[float, float], float, str]] = []
    for node in picture.nodes:
        lines, width, height = _step_size(node)
        breadth, depth = oriented(width, height)
        here = [(e, kind, oriented(*_label_size(_label_lines(e), bool(e.route)))) for e, kind in sides.get(node.id, [])]
        extra = max((_LOOP + size[0] + _GAP_SMALL for _e, _k, size in here), default=0.0)
        stack = sum(size[1] for _e, _k, size in here) + _GAP_SMALL * max(len(here) - 1, 0)
        step_item[node.id] = len(items)
        offset = -stack / 2
        for e, kind, size in here:
            side_marks.append((e, len(items), size, offset + size[1] / 2, kind))
            offset += size[1] + _GAP_SMALL
        items.append(
            _Item("step", node.id, 2 * layer[node.id], breadth + extra, max(depth, stack), (breadth, depth), lines)
        )
    chains: list[_Chain] = []
    for i, e in enumerate(edges):
        rev = i in back
        upper, lower = (e.dst, e.src) if rev else (e.src, e.dst)
        r0, r1 = 2 * layer[upper], 2 * layer[lower]
        label_rank = r1 - 1 if rev else r0 + 1
        chain = [step_item[upper]]
        label = -1
        for r in range(r0 + 1, r1):
            if r == label_rank and not (sparse and e.notify and not e.route):
                label = len(items)
                breadth, depth = oriented(*_label_size(_label_lines(e), bool(e.route)))
                items.append(_Item("label", str(i), r, breadth, depth, lines=_label_lines(e)))
            else:
                items.append(_Item("bend", str(i), r, 2.0, 0.0))
            chain.append(len(items) - 1)
        chain.append(step_item[lower])
        for a, b in itertools.pairwise(chain):
            items[a].downs.append(b)
            items[b].ups.append(a)
        chains.append(_Chain(e, chain, rev, label))
    ranks: list[list[int]] = [[] for _ in range(max((it.rank for it in items), default=0) + 1)]
    for k, it in enumerate(items):
        ranks[it.rank].append(k)
    _order(items, ranks)
    _coordinates(items, ranks)
    tops, bottoms = [], []
    cursor = 0.0
    for members in ranks:
        depth = max((items[k].depth for k in members), default=0.0)
        tops.append(cursor)
        bottoms.append(cursor + depth)
        cursor += depth + _RANK_GAP
    return _Drawing(lr, items, chains, side_marks, tops, bottoms, folded, fan_notes)


def _crossings(items: list[_Item], upper: list[int], pos: dict[int, int]) -> int:
    segments = sorted((pos[a], pos[b]) for a in upper for b in items[a].downs)
    count = 0
    for i, (_a, b) in enumerate(segments):
        count += sum(1 for a2, b2 in segments[i + 1 :] if b2 < b and a2 != _a)
    return count


def _order(items: list[_Item], ranks: list[list[int]]) -> None:
    """Order each rank to keep crossings few: barycentre sweeps and neighbour swaps; the best order found is kept."""
    pos = {k: i for members in ranks for i, k in enumerate(members)}

    def total() -> int:
        return sum(_crossings(items, ranks[r], pos) for r in range(len(ranks) - 1))

    def sweep(rank_ids: Iterable[int], down: bool) -> None:
        for r in rank_ids:
            members = ranks[r]

            def key(k: int) -> tuple[float, int]:
                near = items[k].ups if down else items[k].downs
                return (sum(pos[n] for n in near) / len(near) if near else float(pos[k]), pos[k])

            members.sort(key=key)
            pos.update({k: i for i, k in enumerate(members)})

    def local(a: int, b: int) -> int:
        """Crossings between the edges of ``a`` and ``b`` when ``a`` is left of ``b``."""
        n = 0
        for side in ("ups", "downs"):
            for x in getattr(items[a], side):
                n += sum(1 for y in getattr(items[b], side) if pos[y] < pos[x])
        return n

    def transpose() -> None:
        for _round in range(4):
            improved = False
            for members in ranks:
                for i in range(len(members) - 1):
                    a, b = members[i], members[i + 1]
                    if local(b, a) < local(a, b):
                        members[i], members[i + 1] = b, a
                        pos[a], pos[b] = i + 1, i
                        improved = True
            if not improved:
                return

    best = [list(m) for m in ranks]
    best_count = total()
    for round_ in range(12):
        if round_ % 2 == 0:
            sweep(range(1, len(ranks)), down=True)
        else:
            sweep(range(len(ranks) - 2, -1, -1), down=False)
        transpose()
        count = total()
        if count < best_count:
            best, best_count = [list(m) for m in ranks], count
    ranks[:] = best


def _pooled(targets: Sequence[float], weights: Sequence[float]) -> list[float]:
    """The non-decreasing sequence nearest ``targets`` in weighted least squares (pool adjacent violators)."""
    blocks: list[list[float]] = []  # [value, weight, count]
    for t, w in zip(targets, weights, strict=True):
        blocks.append([t, w, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            v2, w2, c2 = blocks.pop()
            v1, w1, c1 = blocks.pop()
            blocks.append([(v1 * w1 + v2 * w2) / (w1 + w2), w1 + w2, c1 + c2])
    return [v for v, _w, c in blocks for _ in range(int(c))]


def _gap(a: _Item, b: _Item) -> float:
    return (a.breadth + b.breadth) / 2 + (_GAP_STEPS if a.kind == b.kind == "step" else _GAP_SMALL)


def _coordinates(items: list[_Item], ranks: list[list[int]]) -> None:
    """Place each rank's items near the mean of their neighbours, in order, never closer than their gaps."""
    for members in ranks:
        x = 0.0
        for i, k in enumerate(members):
            x += _gap(items[members[i - 1]], items[k]) if i else items[k].breadth / 2
            items[k].o = x
    widest = max((items[m[-1]].o + items[m[-1]].breadth / 2 for m in ranks if m), default=0.0)
    for members in ranks:  # centred
        if members:
            shift = (widest - items[members[-1]].o - items[members[-1]].breadth / 2) / 2
            for k in members:
                items[k].o += shift

    def place(members: list[int], sides: tuple[str, ...]) -> None:
        if not members:
            return
        offsets = [0.0]
        for a, b in itertools.pairwise(members):
            offsets.append(offsets[-1] + _gap(items[a], items[b]))
        targets, weights = [], []
        for k, off in zip(members, offsets, strict=True):
            near = [n for side in sides for n in getattr(items[k], side)]
            wanted = sum(items[n].o for n in near) / len(near) if near else items[k].o
            targets.append(wanted - off)
            weights.append(items[k].weight * (1.0 if near else 0.2))
        for k, y, off in zip(members, _pooled(targets, weights), offsets, strict=True):
            items[k].o = y + off

    for _round in range(10):
        for members in ranks[1:]:
            place(members, ("ups",))
        for members in reversed(ranks[:-1]):
            place(members, ("downs",))
    for _round in range(4):
        for members in ranks:
            place(members, ("ups", "downs"))
    left = min((it.o - it.breadth / 2 for it in items), default=0.0)
    for it in items:
        it.o -= left


# --- SVG: drawing --------------------------------------------------------------------


def _f(v: float) -> str:
    return f"{v:.1f}"


class _Canvas:
    """Maps layout coordinates (along a rank, across ranks) to the picture's x and y."""

    def __init__(self, lr: bool, dx: float, dy: float) -> None:
        self.lr, self.dx, self.dy = lr, dx, dy

    def xy(self, o: float, d: float) -> tuple[float, float]:
        return (d + self.dx, o + self.dy) if self.lr else (o + self.dx, d + self.dy)

    def pt(self, o: float, d: float) -> str:
        x, y = self.xy(o, d)
        return f"{_f(x)},{_f(y)}"

    def rect(self, o: float, d: float, breadth: float, depth: float) -> tuple[float, float, float, float]:
        """x, y, width, height of a box centred at (o, d)."""
        x, y = self.xy(o - breadth / 2, d - depth / 2)
        return (x, y, depth, breadth) if self.lr else (x, y, breadth, depth)


def _text(lines: Sequence[str], cx: float, top: float, line: float, attrs: str, anchor: str = "middle") -> str:
    spans = "".join(
        f'<tspan x="{_f(cx)}" y="{_f(top + (i + 0.5) * line)}">{escape(text)}</tspan>' for i, text in enumerate(lines)
    )
    return f'<text text-anchor="{anchor}" dominant-baseline="central" {attrs}>{spans}</text>'


def _edge_class(e: _Edge) -> str:
    return f"{e.status}{' notify' if e.notify else ''}{' route' if e.route else ''}"


def _stroke(e: _Edge) -> str:
    if e.route:
        return f'fill="none" stroke="{_ROUTE_STROKE}" stroke-width="3"'
    stroke = f'fill="none" stroke="{_STROKE[e.status]}" stroke-width="{1.2 if e.status == "same" else 2}"'
    if e.notify or e.status == "removed":
        stroke += ' stroke-dasharray="5 3"'
    return stroke


def _marker(e: _Edge) -> str:
    return "url(#arrow-route)" if e.route else f"url(#arrow-{e.status})"


def _drawing_svg(picture: _Picture, layout: _Drawing, _: Translate) -> tuple[str, float, float]:
    """The SVG text of a laid-out picture, and its width and height in px."""
    items, lr = layout.items, layout.lr
    breadth = max((it.o + it.breadth / 2 for it in items), default=0.0)
    depth = layout.rank_bottom[-1] if layout.rank_bottom else 0.0
    width, height = (depth, breadth) if lr else (breadth, depth)
    inner = max(width, 460.0)
    title_lines = _wrap(picture.title, inner, _TITLE_SIZE, bold=True)
    top = _MARGIN + len(title_lines) * _TITLE_LINE + 10
    canvas = _Canvas(lr, _MARGIN + (inner - width) / 2, top)
    nodes = {n.id: n for n in picture.nodes}

    def span(k: int) -> tuple[float, float]:
        """Where an item starts and ends across the ranks: a step's box, else its whole rank."""
        it = items[k]
        if it.kind == "step":
            mid = (layout.rank_top[it.rank] + layout.rank_bottom[it.rank]) / 2
            return mid - it.box[1] / 2, mid + it.box[1] / 2
        return layout.rank_top[it.rank], layout.rank_bottom[it.rank]

    def box_centre(k: int) -> float:
        it = items[k]
        return it.o - it.breadth / 2 + it.box[0] / 2 if it.kind == "step" else it.o

    # where each edge meets a box: spread along its side in the order of the other ends
    ports: dict[tuple[int, int], float] = {}
    for k, it in enumerate(items):
        if it.kind != "step":
            continue
        for side in ("ups", "downs"):
            ends = sorted(getattr(it, side), key=lambda n: (items[n].o, n))
            room = min(it.box[0] * 0.7, 14.0 * len(ends))
            for j, n in enumerate(ends):
                ports[(k, n)] = box_centre(k) - room / 2 + room * (j + 0.5) / len(ends)

    edge_parts: list[str] = []
    label_parts: list[str] = []
    for chain in layout.chains:
        e = chain.edge
        segs: list[tuple[str, tuple[float, float], tuple[float, float]]] = []
        points: list[tuple[float, float]] = []  # (o, d) in and out of each item along the chain
        ids = chain.items
        for j, k in enumerate(ids):
            start, end = span(k)
            if j == 0:
                points.append((ports[(k, ids[1])], end))
            elif j == len(ids) - 1:
                points.append((ports[(k, ids[-2])], start))
            else:
                points += [(items[k].o, start), (items[k].o, end)]
        for j in range(0, len(points) - 1):
            # curves out of and into the boxes, straight lines between and through the ranks between
            segs.append(("C" if j in (0, len(points) - 2) else "L", points[j], points[j + 1]))
        if chain.reversed:
            segs = [(kind, b, a) for kind, a, b in reversed(segs)]
        path = f"M{canvas.pt(*segs[0][1])}"
        for kind, (o0, d0), (o1, d1) in segs:
            if kind == "L":
                path += f" L{canvas.pt(o1, d1)}"
            else:
                mid = (d0 + d1) / 2
                path += f" C{canvas.pt(o0, mid)} {canvas.pt(o1, mid)} {canvas.pt(o1, d1)}"
        details = escape("\n".join(e.details))
        edge_parts.append(
            f'<g class="edge {_edge_class(e)}"><title>{details}</title>'
            f'<path d="{path}" {_stroke(e)} marker-end="{_marker(e)}"/></g>'
        )
        if chain.label >= 0:
            lab = items[chain.label]
            mid = (layout.rank_top[lab.rank] + layout.rank_bottom[lab.rank]) / 2
            label_parts.append(_label_svg(e, canvas.rect(lab.o, mid, lab.breadth, lab.depth)))
    for e, k, (lb, ld), offset, kind in layout.sides:
        it = items[k]
        start, end = span(k)
        centre = (start + end) / 2 + offset
        edge_o = it.o - it.breadth / 2 + it.box[0]
        at = min(max(centre, start + 8), end - 8)
        if kind == "loop":
            path = (
                f"M{canvas.pt(edge_o, at - 7)} C{canvas.pt(edge_o + _LOOP, centre - 22)} "
                f"{canvas.pt(edge_o + _LOOP, centre + 22)} {canvas.pt(edge_o, at + 7)}"
            )
        else:
            far = edge_o + _LOOP + _GAP_SMALL / 2
            middle = edge_o + _LOOP / 2
            path = f"M{canvas.pt(far, centre)} C{canvas.pt(middle, centre)} {canvas.pt(middle, at)} {canvas.pt(edge_o, at)}"
        edge_parts.append(
            f'<g class="edge {_edge_class(e)}"><title>{escape(chr(10).join(e.details))}</title>'
            f'<path d="{path}" {_stroke(e)} marker-end="{_marker(e)}"/></g>'
        )
        label_parts.append(_label_svg(e, canvas.rect(edge_o + _LOOP + _GAP_SMALL / 2 + lb / 2, centre, lb, ld)))
    step_parts: list[str] = []
    for k, it in enumerate(items):
        if it.kind != "step":
            continue
        node = nodes[it.key]
        start, end = span(k)
        x, y, w, h = canvas.rect(box_centre(k), (start + end) / 2, it.box[0], it.box[1])
        step_parts.append(_step_svg(node, it.lines, x, y, w, h))

    body_bottom = top + height
    legend, legend_width = _legend(picture, _MARGIN, body_bottom + 22, _)
    total_width = max(inner, legend_width) + 2 * _MARGIN
    notes = _footnote(layout.folded, layout.fan_notes, nodes, total_width - 2 * _MARGIN, _)
    note_top = body_bottom + 22 + 14
    note_svg = (
        _text(notes, _MARGIN, note_top, _NOTE_LINE, f'font-size="{_f(_NOTE_SIZE)}" fill="#57606a"', "start")
        if notes
        else ""
    )
    total_height = note_top + len(notes) * _NOTE_LINE + _MARGIN
    heading = _text(
        title_lines,
        _MARGIN,
        _MARGIN,
        _TITLE_LINE,
        f'font-size="{_f(_TITLE_SIZE)}" font-weight="bold" fill="#1f2328"',
        "start",
    )
    w, h = math.ceil(total_width), math.ceil(total_height)
    colours = {**{f"arrow-{s}": c for s, c in _STROKE.items()}, "arrow-route": _ROUTE_STROKE}
    markers = "".join(
        f'<marker id="{mid}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        for mid, colour in colours.items()
    )
    svg = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!-- rendered by beredskab's built-in layered layout; the same picture on every machine -->\n"
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
        f'font-family={quoteattr(_FONT)} role="img">\n'
        f"<title>{escape(picture.title)}</title>\n"
        f"<defs>{markers}</defs>\n"
        f'<rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>\n'
        f"{heading}\n" + "\n".join(edge_parts + step_parts + label_parts) + f"\n{legend}\n{note_svg}\n</svg>\n"
    )
    return svg, w, h


def _label_svg(e: _Edge, rect: tuple[float, float, float, float]) -> str:
    x, y, w, h = rect
    colour = _ROUTE_STROKE if e.route else _STROKE[e.status]
    lines = _label_lines(e)
    top = y + (h - len(lines) * _LABEL_LINE) / 2
    weight = ' font-weight="bold"' if e.route else ""
    text = _text(lines, x + w / 2, top, _LABEL_LINE, f'font-size="{_f(_LABEL_SIZE)}" fill="{colour}"{weight}')
    border = f'stroke="{colour}" stroke-width="1"' if e.route else 'stroke="none"'
    return (
        f'<g class="label {_edge_class(e)}"><title>{escape(chr(10).join(e.details))}</title>'
        f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(w)}" height="{_f(h)}" rx="3" fill="#ffffff" {border}/>'
        f"{text}</g>"
    )


def _step_svg(node: _Node, lines: Sequence[str], x: float, y: float, w: float, h: float) -> str:
    colour = _ROUTE_STROKE if node.route else _STROKE[node.status]
    fill = _ROUTE_FILL if node.route else _FILL[node.status]
    dash = ' stroke-dasharray="6 4"' if node.status == "removed" else ""
    width = 3 if node.route else 1.5
    # a terminal step ends the flow: a rounder box with a double border
    inner = (
        f'<rect x="{_f(x + 3)}" y="{_f(y + 3)}" width="{_f(w - 6)}" height="{_f(h - 6)}" '
        f'rx="9" fill="none" stroke="{colour}"{dash}/>'
        if node.terminal
        else ""
    )
    name = _text(
        lines,
        x + w / 2,
        y + (h - len(lines) * _NAME_LINE) / 2,
        _NAME_LINE,
        f'font-size="{_f(_NAME_SIZE)}" fill="#1f2328" xml:space="preserve"',
    )
    cls = f"step {node.status}{' route' if node.route else ''}"
    return (
        f'<g class="{cls}"><title>{escape(node.name)} ({escape(node.id)})</title>'
        f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(w)}" height="{_f(h)}" '
        f'rx="{12 if node.terminal else 4}" fill="{fill}" stroke="{colour}" stroke-width="{width}"{dash}/>'
        f"{inner}{name}</g>"
    )


def _footnote(
    folded: Sequence[_Edge], fan_notes: Sequence[str], nodes: dict[str, _Node], width: float, _: Translate
) -> list[str]:
    """The hand-overs out of steps that end the flow, in words: new information about a finished case."""
    targets: dict[str, list[str]] = {}
    for e in folded:
        targets.setdefault(e.src, [])
        if e.dst not in targets[e.src]:
            targets[e.src].append(e.dst)
    every: list[str] = [d for dsts in targets.values() for d in dsts]
    groups = {tuple(dict.fromkeys(every)): list(targets)} if targets else {}
    lines: list[str] = []
    for dsts, srcs in groups.items():
        text = _("New information after {steps} (steps that end the flow) is handed over to: {targets}.").format(
            steps=", ".join(nodes[s].name for s in srcs), targets=", ".join(nodes[d].name for d in dsts)
        )
        lines += _wrap(text, width, _NOTE_SIZE)
    for note in fan_notes:
        lines += _wrap("* " + note, width, _NOTE_SIZE)
    return lines


def _legend(picture: _Picture, x: float, y: float, _: Translate) -> tuple[str, float]:
    """Solid and dashed lines, with a diff the three colours, with a route its colour; in a row. Its width too."""
    attrs = f'font-size="{_f(_NOTE_SIZE)}" fill="#1f2328"'
    top = y - _NOTE_LINE / 2
    heading = _("Legend") + ":"
    parts = [_text([heading], x, top, _NOTE_LINE, attrs, "start")]
    cursor = x + _text_width(heading, _NOTE_SIZE) + 12
    lines = [
        ("hand-over", _("hand-over"), "same", ""),
        ("notify", _("notify"), "same", ' stroke-dasharray="5 3"'),
        ("hover", _("(rules and conditions: point at an arrow)"), "none", ""),
    ]
    if picture.route:
        lines.append(("route", _("the concern's route"), "route", ""))
    for _kind, word, colour_of, dash in lines:
        if colour_of == "none":
            parts.append(_text([word], cursor, top, _NOTE_LINE, attrs, "start"))
            cursor += _text_width(word, _NOTE_SIZE) + 16
            continue
        colour = _ROUTE_STROKE if colour_of == "route" else _STROKE["same"]
        width = 3 if colour_of == "route" else 1.2
        marker = "url(#arrow-route)" if colour_of == "route" else "url(#arrow-same)"
        parts.append(
            f'<path d="M{_f(cursor)},{_f(y)} h26" fill="none" stroke="{colour}" stroke-width="{width}"{dash} '
            f'marker-end="{marker}"/>'
        )
        parts.append(_text([word], cursor + 32, top, _NOTE_LINE, attrs, "start"))
        cursor += 32 + _text_width(word, _NOTE_SIZE) + 16
    for status in _DIFF_STATUSES if picture.diff else ():
        dash = ' stroke-dasharray="6 4"' if status == "removed" else ""
        parts.append(
            f'<rect x="{_f(cursor)}" y="{_f(y - 7)}" width="26" height="14" rx="3" '
            f'fill="{_FILL[status]}" stroke="{_STROKE[status]}" stroke-width="2"{dash}/>'
        )
        parts.append(_text([_(status)], cursor + 32, top, _NOTE_LINE, attrs, "start"))
        cursor += 32 + _text_width(_(status), _NOTE_SIZE) + 16
    return '<g class="legend">' + "".join(parts) + "</g>", cursor - x


# the layout variant (sparse labels, fold width, left-right) chosen for a plan's picture, by plan
# digest: its routes and diffs try it first, so that a report's hundred route drawings do not each
# search all six (the search is most of a report's time)
_CHOSEN: dict[str, tuple[tuple[bool, int, bool], float]] = {}
_VARIANTS = tuple(
    (sparse, fan_in, lr)
    for sparse, fan_in in ((False, _FAN_IN), (True, _FAN_IN), (True, _FAN_IN - 1))
    for lr in (False, True)
)


def _svg(picture: _Picture, _: Translate, key: str | None = None) -> str:
    """Laid out top-down and left-right, with every label; where that prints small, without the labels of
    notify-only edges (their hover text keeps them); then with two alike hand-overs already folded into one
    arrow. The first that prints the smallest text at least :data:`_LEGIBLE_PT` on A4 landscape is drawn,
    else the one printing largest. ``key`` (the plan's digest) remembers the variant chosen, which a
    later picture of the same plan tries first."""

    def draw(variant: tuple[bool, int, bool]) -> tuple[float, str]:
        sparse, fan_in, lr = variant
        svg, w, h = _drawing_svg(picture, _layout(picture, lr, _, sparse=sparse, fan_in=fan_in), _)
        return _LABEL_SIZE * min(_A4_LANDSCAPE_MM[0] / w, _A4_LANDSCAPE_MM[1] / h) * 72 / 25.4, svg

    known = _CHOSEN.get(key) if key is not None else None
    if known is not None:
        printed, svg = draw(known[0])
        # legible, or nearly as large as the plan's own picture prints (a dense plan never reaches
        # the mark: searching again would find no better)
        if printed >= min(_LEGIBLE_PT, known[1] * 0.95):
            return svg
    best: tuple[float, str, tuple[bool, int, bool]] | None = None
    for i, variant in enumerate(_VARIANTS):
        printed, svg = draw(variant)
        if best is None or printed > best[0] * 1.02:
            best = (printed, svg, variant)
        if i % 2 == 1 and best[0] >= _LEGIBLE_PT:
            break
    assert best is not None
    if key is not None:
        if len(_CHOSEN) > 256:  # bounded: a long-running service may draw many plans
            _CHOSEN.clear()
        _CHOSEN.setdefault(key, (best[2], best[0]))
    return best[1]
