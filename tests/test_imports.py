"""The package's import graph: no cycles, and each layer imports only what
it may. Imports under ``if TYPE_CHECKING:`` are for annotations only and do
not count; imports inside functions (lazy imports) do."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ecs_guard"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    found = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    found.update({f"ecs_guard.rules.{p.stem}": p for p in (ROOT / "rules").glob("*.py") if p.stem != "__init__"})
    found["ecs_guard.rules"] = ROOT / "rules" / "__init__.py"
    return found


MODULES = _modules()


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    nodes: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            nodes.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    return nodes


def imports_of(module: str) -> set[str]:
    """The ecs_guard modules `module` imports at run time (at the top or lazily)."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_nodes(tree)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                name = f"{source}.{alias.name}"
                found.add(name if name in MODULES else source)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name in MODULES and name != module}


GRAPH = {module: imports_of(module) for module in MODULES}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in GRAPH[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in GRAPH:
        if node not in index:
            visit(node)
    return found


def test_the_graph_is_read():
    assert len(GRAPH) > 100
    assert "ecs_guard.model" in GRAPH["ecs_guard.engine"]


def test_no_import_cycle():
    assert _cycles() == []


def test_a_cycle_would_be_found():
    GRAPH["ecs_guard.model"].add("ecs_guard.engine")
    try:
        [cycle] = _cycles()
        assert {"ecs_guard.engine", "ecs_guard.model"} <= set(cycle)
    finally:
        GRAPH["ecs_guard.model"].discard("ecs_guard.engine")


CORE = ("model", "results", "location", "rule", "engine", "alternatives", "suppress", "fingerprint", "redact")
# (importer prefix, what it must not import, why)
LAYERS = [
    *[(f"ecs_guard.{core}", "ecs_guard.inputs", "the core knows no input kind") for core in CORE],
    *[(f"ecs_guard.{core}", "ecs_guard.cli", "the core knows no command line") for core in CORE],
    *[(f"ecs_guard.{core}", "ecs_guard.reporters", "the core knows no output format") for core in CORE],
    ("ecs_guard.rules", "ecs_guard.inputs", "rules never see parser shapes"),
    ("ecs_guard.inputs", "ecs_guard.rules", "adapters never decide policy"),
    ("ecs_guard.inputs", "ecs_guard.cli", "adapters are library code"),
    ("ecs_guard.audit", "ecs_guard.cli", "the audit is library code; cli/audit.py is its command"),
    ("ecs_guard.inputs.terraform.hcl", "ecs_guard.inputs.terraform.source", "the language knows no Terraform module"),
    ("ecs_guard.inputs.terraform.hcl", "ecs_guard.inputs.terraform.build", "the language knows no model"),
    ("ecs_guard.inputs.terraform.hcl", "ecs_guard.inputs.terraform.provider", "the language knows no provider"),
    ("ecs_guard.inputs.terraform.hcl", "ecs_guard.model", "the language knows no model"),
    (
        "ecs_guard.inputs.terraform.hcl.functions",
        "ecs_guard.inputs.terraform.hcl.evaluate",
        "the library is below the evaluator",
    ),
    ("ecs_guard.inputs.snapshot", "ecs_guard.inputs.terraform", "input kinds are siblings"),
    ("ecs_guard.inputs.terraform", "ecs_guard.inputs.snapshot", "input kinds are siblings"),
    ("ecs_guard.inputs.cloudformation", "ecs_guard.inputs.snapshot", "input kinds are siblings"),
    ("ecs_guard.checkov", "ecs_guard.inputs.terraform.hcl", "python-hcl2 is not importable in checkov's env"),
    ("ecs_guard.checkov", "ecs_guard.inputs.terraform.source", "python-hcl2 is not importable in checkov's env"),
]


@pytest.mark.parametrize("importer, forbidden, why", LAYERS, ids=[f"{a}-{b}" for a, b, _ in LAYERS])
def test_layers(importer, forbidden, why):
    offending = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if module == importer or module.startswith(importer + ".")
        for target in targets
        if target == forbidden or target.startswith(forbidden + ".")
    )
    assert offending == [], why


def reachable_from(prefix: str) -> set[str]:
    """Every ecs_guard module that importing a module under `prefix` can import, directly or not."""
    found = {module for module in GRAPH if module == prefix or module.startswith(prefix + ".")}
    todo = list(found)
    while todo:
        for target in GRAPH[todo.pop()]:
            if target not in found:
                found.add(target)
                todo.append(target)
    return found


@pytest.mark.parametrize("forbidden", ["ecs_guard.inputs.terraform.hcl", "ecs_guard.inputs.terraform.source"])
def test_the_checkov_bridge_never_reaches_the_hcl_front_end(forbidden):
    """Inside checkov's environment `hcl2` is checkov's bc-python-hcl2: ecs-guard's
    HCL front end (python-hcl2) must not be imported by the bridge, even indirectly."""
    reached = reachable_from("ecs_guard.checkov")
    assert "ecs_guard.inputs.terraform.plan.read" in reached  # the bridge is really in the graph
    assert sorted(m for m in reached if m == forbidden or m.startswith(forbidden + ".")) == []


def test_a_path_to_the_hcl_front_end_would_be_found():
    GRAPH["ecs_guard.checkov.estate"].add("ecs_guard.inputs.terraform.hcl.parse")
    try:
        assert "ecs_guard.inputs.terraform.hcl.parse" in reachable_from("ecs_guard.checkov")
    finally:
        GRAPH["ecs_guard.checkov.estate"].discard("ecs_guard.inputs.terraform.hcl.parse")
