"""The package's import rule: engine at the bottom, front ends at the top, no cycles.

Each unit of ``nst_core`` (a subpackage, or a top-level module) has a layer; a module may
import from its own unit and from lower layers only, never upwards, never from another unit
of its own layer, and never a private (``_name``) of another unit. Module-level imports
within the package must not form a cycle. Imports inside functions (kept lazy to stay fast
at start-up) follow the same rule; ``if TYPE_CHECKING:`` imports too, since they show what
a module depends on.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "nst_core"

#: Bottom to top. ``nst_core/__init__.py`` (the lazy public names) is above them all.
LAYERS: dict[str, int] = {
    "errors": 0,
    "_compat": 0,
    "image": 1,
    "cluster": 1,
    "engine": 2,
    "fast": 3,
    "options": 4,
    "metrics": 5,
    "pipeline": 6,
    "api": 7,
    "video": 8,
    "train": 9,
    "batch": 9,
    "cli": 10,
    "notebook": 10,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, list[str], bool]]:
    """(imported module, imported names, at module level) for each nst_core import in ``path``."""
    tree = ast.parse(path.read_text(), str(path))
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            target, names = node.names[0].name, []
        else:
            continue
        if target == "nst_core" or target.startswith("nst_core."):
            found.append((target, names, id(node) in top_level))
    return found


def _unit(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def test_every_unit_has_a_layer():
    units = {_unit(_module_name(p)) for p in MODULES} - {None}
    assert units <= set(LAYERS), f"give these a layer in LAYERS: {sorted(units - set(LAYERS))}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _module_name(p))
def test_imports_run_one_way(path):
    module = _module_name(path)
    unit = _unit(module)
    if unit is None:  # nst_core/__init__.py: the public names, above everything
        return
    wrong = []
    for target, names, _ in _imports(path):
        # From the package root only its dunders (``__version__``) or its units are imported.
        targets = [target] if target != "nst_core" else [f"nst_core.{n}" for n in names if not n.startswith("__")]
        for full in targets:
            other = _unit(full)
            if other is None or other == unit:
                continue
            if other not in LAYERS or LAYERS[other] > LAYERS[unit]:
                wrong.append(f"{full} (upward: {unit} is below {other})")
            elif LAYERS[other] == LAYERS[unit]:
                wrong.append(f"{full} (sideways: {unit} and {other} are both front ends)")
            elif any(n.startswith("_") for n in names) and target != "nst_core":
                wrong.append(f"private {', '.join(n for n in names if n.startswith('_'))} of {full}")
    assert not wrong, f"{module} imports " + "; ".join(wrong)


def test_no_import_cycles():
    graph: dict[str, set[str]] = {}
    names = {_module_name(p) for p in MODULES}
    for path in MODULES:
        edges = set()
        for target, imported, top in _imports(path):
            if not top:
                continue
            candidates = [f"{target}.{n}" for n in imported] + [target]
            edges |= {c for c in candidates if c in names}
        graph[_module_name(path)] = edges - {_module_name(path)}

    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            pytest.fail("import cycle: " + " -> ".join(cycle))
