"""The package's import graph: one direction (models -> data -> views -> build glue), no cycle.

Read from the source with `ast`, so an import inside a function (a "late" import that hides a
cycle from Python) counts as much as one at the top of a module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "rulebook"
# The data layer: the only modules that may spell where files under rules_data/ are.
DATA_LAYER = {"data", "paths", "layout"}


def _modules() -> dict[str, ast.Module]:
    return {p.stem: ast.parse(p.read_text(encoding="utf-8"), str(p)) for p in sorted(PACKAGE.glob("*.py"))}


def _imports(tree: ast.Module, names: set[str]) -> set[str]:
    """Package modules a module imports, at any depth (top level, in functions, under TYPE_CHECKING)."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 or node.module == "rulebook" or (node.module or "").startswith("rulebook."):
                base = node.module or ""
                base = base.removeprefix("rulebook").lstrip(".") if node.level == 0 else base
                if base:
                    out.add(base.split(".")[0])
                else:  # from . import x / from rulebook import x
                    out |= {a.name for a in node.names if a.name in names}
        elif isinstance(node, ast.Import):
            out |= {a.name.split(".")[1] for a in node.names if a.name.startswith("rulebook.")}
    return out & names


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    return {name: _imports(tree, set(mods)) - {name} for name, tree in mods.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        path.append(n)
        for m in sorted(graph[n]):
            if state.get(m) == 1:
                return [*path[path.index(m) :], m]
            if m not in state and (found := visit(m)):
                return found
        path.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state and (found := visit(n)):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle():
    # the checker itself can fail: a late import back into a module is a cycle
    tree = ast.parse("def f():\n    from .b import x\n")
    graph = {"a": _imports(tree, {"a", "b"}), "b": _imports(ast.parse("from . import a\n"), {"a", "b"})}
    assert _cycle(graph) == ["a", "b", "a"]


def test_package_imports_have_no_cycle():
    graph = _graph()
    assert "site" in graph and graph["exports"], "the graph was read"
    assert _cycle(graph) is None, f"import cycle: {' -> '.join(_cycle(graph) or [])}"


@pytest.mark.parametrize(
    ("view", "forbidden"),
    [
        (v, g)
        for v in ("compare", "chains", "concordance", "exports", "printing", "search", "render")
        for g in ("site", "mkdocs_hooks")
    ],
)
def test_views_do_not_import_build_glue(view, forbidden):
    assert forbidden not in _graph()[view]


def _spells_rules_data(tree: ast.Module) -> list[int]:
    """Lines that build a path from the literal 'rules_data' (root / "rules_data" / ...)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            for side in (node.left, node.right):
                if (
                    isinstance(side, ast.Constant)
                    and isinstance(side.value, str)
                    and side.value.startswith("rules_data")
                ):
                    lines.append(node.lineno)
    return sorted(set(lines))


def test_the_path_finder_finds_a_path():
    assert _spells_rules_data(ast.parse('p = root / "rules_data" / "cities"\n')) == [1]


def test_only_the_data_layer_spells_rules_data_paths():
    offenders = {
        name: lines
        for name, tree in _modules().items()
        if name not in DATA_LAYER and (lines := _spells_rules_data(tree))
    }
    assert offenders == {}
