"""The layout holds: imports run one way through the layers, with no circle, and start-up stays lean.

Layers, lowest first: the foundation (``_errors``, ``_problems``, ``_i18n``, ``_files``) <- the plan format
(``spec``) <- routing <- ``plan``/``loader`` <- analysis <- audit <- the public facade
(``beredskab/__init__``) <- ``cli``. A module imports only from its own layer or below.
Runtime imports count wherever they stand (a function-level import is a dependency
too); imports under ``if TYPE_CHECKING:`` do not.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

import beredskab

PACKAGE = Path(beredskab.__file__).resolve().parent

LAYERS = [
    ("foundation", ("beredskab._errors", "beredskab._problems", "beredskab._i18n", "beredskab._files")),
    ("spec", ("beredskab.spec",)),
    ("routing", ("beredskab.routing",)),
    ("plan", ("beredskab.plan", "beredskab.loader")),
    ("analysis", ("beredskab.analysis",)),
    ("audit", ("beredskab.audit",)),
    ("facade", ("beredskab",)),
    ("service", ("beredskab.serve",)),
    ("cli", ("beredskab.cli", "beredskab.__main__")),
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _layer(module: str) -> int:
    best: tuple[int, int] | None = None  # (length of the matching prefix, layer index)
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or module.startswith(prefix + ".")
            if matches and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index)
    assert best is not None, f"{module} belongs to no layer: add it to LAYERS"
    return best[1]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id.endswith("TYPE_CHECKING")) or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    out: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            out.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return out


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> set[str]:
    is_package = MODULES[module].name == "__init__.py"
    if isinstance(node, ast.Import):
        return {a.name for a in node.names if a.name.split(".")[0] == "beredskab"}
    if node.level:
        base_parts = module.split(".") if is_package else module.split(".")[:-1]
        base_parts = base_parts[: len(base_parts) - (node.level - 1)]
        base = ".".join(base_parts + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    if base.split(".")[0] != "beredskab":
        return set()
    # ``from pkg import name``: a submodule when one exists, else a name of pkg itself
    return {f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names}


def _graph() -> nx.DiGraph:
    g = nx.DiGraph()
    for module, path in MODULES.items():
        g.add_node(module)
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            for target in _targets(module, node):
                assert target in MODULES, f"{module} imports {target}, which does not exist"
                if target != module:
                    g.add_edge(module, target, line=node.lineno)
    return g


GRAPH = _graph()


def test_the_import_graph_sees_the_package() -> None:
    # guards the test itself: a parser that found no edges would pass everything below
    assert GRAPH.has_edge("beredskab.plan", "beredskab.routing.router")
    assert GRAPH.has_edge("beredskab.analysis.checks.coverage_gap", "beredskab.analysis.space")
    assert GRAPH.number_of_edges() > 100


def test_no_import_circle() -> None:
    cycles = list(nx.simple_cycles(GRAPH))
    assert not cycles, "import circles: " + "; ".join(" -> ".join([*c, c[0]]) for c in cycles)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_run_one_way_through_the_layers(module: str) -> None:
    mine = _layer(module)
    upward = [
        f"{target} (line {GRAPH.edges[module, target]['line']}, layer {LAYERS[_layer(target)][0]})"
        for target in GRAPH.successors(module)
        if _layer(target) > mine
    ]
    assert not upward, f"{module} (layer {LAYERS[mine][0]}) imports upward: {', '.join(upward)}"


def _modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code``."""
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=PACKAGE.parent)
    loaded: set[str] = set(json.loads(out.stdout.splitlines()[-1]))
    return loaded


HEAVY = ("beredskab.analysis", "beredskab.cli", "beredskab.audit", "networkx")


def _heavy(loaded: set[str]) -> list[str]:
    return sorted(m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY))


def test_import_builds_only_what_routing_uses() -> None:
    assert _heavy(_modules_after("import beredskab")) == []


def test_routing_the_shipped_plans_loads_no_analysis(plans: dict[str, beredskab.Plan]) -> None:
    plans_dir = Path(__file__).resolve().parents[1] / "plans"
    code = f"""
import beredskab
for plan in beredskab.load_plans({str(plans_dir)!r}).values():
    for age in (None, 8, 16, 30):
        for acute in (True, False):
            plan.route({{"acute": acute, "age": age, "received_at": "2026-11-28T12:00:00+01:00"}})
"""
    assert _heavy(_modules_after(code)) == []


def test_validate_is_there_when_asked() -> None:
    loaded = _modules_after("import beredskab; beredskab.validate")
    assert "beredskab.analysis.validate" in loaded
    assert "Report" in dir(beredskab) and "validate" in dir(beredskab)
