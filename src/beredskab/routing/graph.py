"""The routing graph of a plan (networkx), built once per plan.

Nodes are the plan's **steps** (attribute ``name``, and ``terminal`` = ``"closed"``,
``"handover"`` or None).

Edges are **hand-overs**: an edge ``S -> T`` with attribute ``rule`` (rule id) and
``actor`` exists when a rule that can match a concern whose completed step is ``S``
sends a ``next`` action performing step ``T``. A rule without a ``step`` condition can
match at every step. The catch-all adds edges (``catch_all=True``) only from steps no
rule leaves, so that it does not hide gaps from analyses.

``path(step)`` is the expected route from ``step`` to closure: the shortest path (fewest
hand-overs) to any terminal step, precomputed for every step at build time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..spec.model import PlanSpec
from .conditions import admissible

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["RoutingGraph"]


class RoutingGraph:
    """Steps and hand-overs of one plan, with the expected path to closure from each step."""

    def __init__(self, spec: PlanSpec) -> None:
        import networkx as nx  # imported on first use: it costs more than loading all plans

        self._nx: Any = nx
        g: nx.MultiDiGraph = nx.MultiDiGraph()
        for sid, step in spec.steps.items():
            g.add_node(sid, name=step.name, terminal=step.terminal)
        all_steps = frozenset(spec.steps)
        for rule in spec.rules:
            for src in sorted(admissible(rule.when, "step", all_steps)):
                for act in rule.next:
                    g.add_edge(src, act.step, rule=rule.id, actor=act.actor, catch_all=False)
                    for esc in act.escalation:
                        if esc.on == "closed" and esc.step is not None:
                            g.add_edge(src, esc.step, rule=rule.id, actor=esc.actor, catch_all=False)
        for src in sorted(all_steps):
            if spec.steps[src].terminal is None and g.out_degree(src) == 0:
                for act in spec.catch_all.next:
                    g.add_edge(src, act.step, rule="catch-all", actor=act.actor, catch_all=True)
        self.graph = g
        self.terminals = frozenset(s for s, st in spec.steps.items() if st.terminal)
        self._paths = self._paths_to_closure()

    def _paths_to_closure(self) -> dict[str, list[str]]:
        """Multi-source BFS on the reversed graph: each step's shortest way to a terminal."""
        nx = self._nx
        simple = nx.DiGraph(self.graph)
        reverse = simple.reverse(copy=False)
        paths: dict[str, list[str]] = {}
        for terminal in sorted(self.terminals):
            for node, rev_path in nx.single_source_shortest_path(reverse, terminal).items():
                path = list(reversed(rev_path))
                if node not in paths or len(path) < len(paths[node]):
                    paths[node] = path
        return paths

    def path(self, step: str) -> list[str]:
        """Expected steps from ``step`` to a terminal step (just ``[step]`` if none is reachable)."""
        return list(self._paths.get(step, [step]))

    def unreachable_from(self, start: str = "intake") -> list[str]:
        if start not in self.graph:
            return sorted(self.graph.nodes)
        seen = self._nx.descendants(self.graph, start) | {start}
        return sorted(set(self.graph.nodes) - seen)

    def dead_ends(self) -> list[str]:
        """Non-terminal steps from which no terminal step can be reached."""
        return sorted(s for s in self.graph.nodes if s not in self._paths)

    def edges(self) -> Iterable[tuple[str, str, dict[str, object]]]:
        edges: Iterable[tuple[str, str, dict[str, object]]] = self.graph.edges(data=True)
        return edges
