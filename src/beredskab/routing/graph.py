"""The routing graph of a plan (networkx), built once per plan.

Nodes are the plan's **steps** (attribute ``name``, and ``terminal`` = ``"closed"``,
``"handover"`` or None).

Edges are **hand-overs**: an edge ``S -> T`` with attribute ``rule`` (rule id) and
``actor`` exists when a rule that can match a concern whose completed step is ``S``
sends a ``next`` action performing step ``T``. A rule without a ``step`` condition can
match at every step. The catch-all adds edges (``catch_all=True``) only from steps no
rule leaves, so that it does not hide gaps from analyses.

``path(step)`` is the expected route from ``step`` to closure: the shortest path (fewest
hand-overs) to any terminal step, precomputed for every step at build time in plain
Python; the networkx graph (``graph``) is built for the analyses on first use.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..spec.model import PlanSpec
from .conditions import admissible

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["RoutingGraph"]


class RoutingGraph:
    """Steps and hand-overs of one plan, with the expected path to closure from each step.

    The hand-overs and the paths to closure are plain data, computed at build time
    (routing asks for a path when a plan's own rules loop); the networkx graph for the
    analyses (reachability, cycles) is built on first use of :attr:`graph`, so that
    routing never imports networkx.
    """

    def __init__(self, spec: PlanSpec) -> None:
        self._spec = spec
        self.steps: tuple[str, ...] = tuple(spec.steps)
        # (source step, target step, attributes), in the order rules give them
        self._edges: list[tuple[str, str, dict[str, object]]] = []
        all_steps = frozenset(spec.steps)
        for rule in spec.rules:
            for src in sorted(admissible(rule.when, "step", all_steps)):
                for act in rule.next:
                    self._add(src, act.step, rule=rule.id, actor=act.actor, catch_all=False)
                    for esc in act.escalation:
                        if esc.on == "closed" and esc.step is not None:
                            self._add(src, esc.step, rule=rule.id, actor=esc.actor, catch_all=False)
        leaving = {src for src, _, _ in self._edges}
        for src in sorted(all_steps):
            if spec.steps[src].terminal is None and src not in leaving:
                for act in spec.catch_all.next:
                    self._add(src, act.step, rule="catch-all", actor=act.actor, catch_all=True)
        self.terminals = frozenset(s for s, st in spec.steps.items() if st.terminal)
        self._paths = self._paths_to_closure()

    def _add(self, src: str, dst: str, **attrs: object) -> None:
        self._edges.append((src, dst, attrs))

    def _paths_to_closure(self) -> dict[str, list[str]]:
        """Breadth-first from each terminal over reversed hand-overs: each step's shortest way out.

        Predecessors are visited in the plans' step order, and terminals in sorted order
        with the earlier one kept on a tie, so the paths are stable from run to run.
        """
        order = {sid: i for i, sid in enumerate(self.steps)}
        preds: dict[str, list[str]] = {sid: [] for sid in self.steps}
        for src, dst, _ in self._edges:
            if src not in preds[dst]:
                preds[dst].append(src)
        for sources in preds.values():
            sources.sort(key=order.__getitem__)
        paths: dict[str, list[str]] = {}
        for terminal in sorted(self.terminals):
            found: dict[str, list[str]] = {terminal: [terminal]}
            level = [terminal]
            while level:
                following: list[str] = []
                for v in level:
                    for w in preds[v]:
                        if w not in found:
                            found[w] = [*found[v], w]
                            following.append(w)
                level = following
            for node, rev_path in found.items():
                path = list(reversed(rev_path))
                if node not in paths or len(path) < len(paths[node]):
                    paths[node] = path
        return paths

    @functools.cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The networkx multigraph of steps (``name``, ``terminal``) and hand-overs (``rule``, ``actor``)."""
        import networkx as nx  # imported on first use: analyses need it, routing does not

        g: nx.MultiDiGraph = nx.MultiDiGraph()
        for sid, step in self._spec.steps.items():
            g.add_node(sid, name=step.name, terminal=step.terminal)
        for src, dst, attrs in self._edges:
            g.add_edge(src, dst, **attrs)
        return g

    def path(self, step: str) -> list[str]:
        """Expected steps from ``step`` to a terminal step (just ``[step]`` if none is reachable)."""
        return list(self._paths.get(step, [step]))

    def unreachable_from(self, start: str = "intake") -> list[str]:
        """Steps no chain of hand-overs reaches from ``start`` (every step when ``start`` is none).

        Depth-first over the plain hand-overs, as :meth:`_paths_to_closure` walks them, so
        that ``validate`` does not import networkx for it; the nodes are those of
        :attr:`graph` (the steps and the ends of every hand-over), and the answer is that of
        ``networkx.descendants`` on it (a test compares the two).
        """
        nodes = set(self.steps)
        following: dict[str, list[str]] = {}
        for src, dst, _ in self._edges:
            nodes.update((src, dst))
            following.setdefault(src, []).append(dst)
        if start not in nodes:
            return sorted(nodes)
        seen = {start}
        stack = [start]
        while stack:
            for nxt in following.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return sorted(nodes - seen)

    def dead_ends(self) -> list[str]:
        """Non-terminal steps from which no terminal step can be reached."""
        return sorted(s for s in self.steps if s not in self._paths)

    def edges(self) -> Iterable[tuple[str, str, dict[str, object]]]:
        return list(self._edges)
