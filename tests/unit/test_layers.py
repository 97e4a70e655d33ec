"""The packages stand in layers: core at the bottom, then accounts, editions, the stages, and the home page, the
benchmark, the demo and the CLI on top. A package imports only those below it, and no two modules of a package
import each other, even inside a function: such a cycle means a piece belongs lower."""

import ast
from pathlib import Path

import pbflow

ROOT = Path(pbflow.__file__).parent
# Lowest first: each may import those before it.
LAYERS = ["config", "extensions", "core", "accounts", "editions", "ambassadors", "past_results", "proposals",
          "meetings", "feedback", "workshops", "marathons", "monitoring", "home", "demo", "bench", "cli", ""]


def modules():
    """{dotted name: path} of every module of pbflow ('pbflow' itself is create_app's)."""
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = ("pbflow", *path.relative_to(ROOT).with_suffix("").parts)
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports():
    """{module: {module it imports}}, at any depth of the file (function-level imports too)."""
    known = modules()
    graph = {}
    for name, path in known.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            assert not (isinstance(node, ast.ImportFrom) and node.level), f"{path}: a relative import"  # unchecked
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "pbflow":
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    targets.add(full if full in known else node.module)
            elif isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names if alias.name.split(".")[0] == "pbflow")
        graph[name] = {target for target in targets if target in known and target != name}
    return graph


def layer(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_package_has_a_layer():
    assert {layer(module) for module in modules()} <= set(LAYERS)


def test_no_package_imports_one_above_it():
    upward = sorted(f"{module} imports {target}" for module, targets in imports().items() for target in targets
                    if LAYERS.index(layer(target)) > LAYERS.index(layer(module)))
    assert upward == []


def test_no_two_modules_of_a_package_import_each_other():
    graph = imports()

    def reaches(start, goal, seen):
        for step in graph[start]:
            if step == goal:
                return True
            if step not in seen and layer(step) == layer(goal):
                seen.add(step)
                if reaches(step, goal, seen):
                    return True
        return False

    cycles = sorted(module for module in graph if layer(module) and reaches(module, module, set()))
    assert cycles == []
