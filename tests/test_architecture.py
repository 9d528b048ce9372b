"""The package's layers: every module sits in one layer package, imports run one way, no cycle.

Read from the source with `ast`, so an import inside a function (a "late" import that hides a
cycle from Python) counts as much as one at the top of a module. ARCHITECTURE.md describes the layers."""

from __future__ import annotations

import ast
import importlib
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "rulebook"
# Bottom to top. A module may import its own layer and the layers below; peers (same rank) may not
# import each other. The order is the one of ARCHITECTURE.md's diagram.
LAYERS = {
    "core": 0,  # stdlib-level utilities: cache files, fork pools, process helpers, settings, phases
    "model": 1,  # the schema and the domain's pure knowledge (numerals, structure patterns, quantities)
    "data": 2,  # files on disk <-> models: layout, YAML, loading and cross-checks, lint, importer
    "analysis": 3,  # machine results computed from the data: alignment, suggestions, curation
    "search": 3,  # the search indexes
    "views": 4,  # pure generators: data in, Markdown/HTML/JSON/xlsx out
    "build": 5,  # MkDocs glue, page registry, caches of a build, incremental builds, CSP, atomic swap
    "devtools": 6,  # for tests, benchmarks and scripts only: browser, synthetic corpora, link check
}
# The only modules that may spell where files under rules_data/ are.
DATA_LAYOUT = {"rulebook.data.layout"}


def _modules(package: Path = PACKAGE) -> dict[str, ast.Module]:
    """Every module of the package by dotted name (rulebook.views.render), parsed."""
    out = {}
    for p in sorted(package.rglob("*.py")):
        if "__pycache__" in p.parts:
            continue
        rel = p.relative_to(package.parent).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        out[".".join(parts)] = ast.parse(p.read_text(encoding="utf-8"), str(p))
    return out


def _imports(name: str, tree: ast.Module, names: set[str]) -> set[str]:
    """Package modules `name` imports, at any depth (top level, in functions, under TYPE_CHECKING)."""
    package = name if name in names and any(n.startswith(name + ".") for n in names) else name.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            if base != "rulebook" and not base.startswith("rulebook."):
                continue
            for a in node.names:
                sub = f"{base}.{a.name}"
                out.add(sub if sub in names else base)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("rulebook.")}
    return {m for m in out if m in names} - {name}


@lru_cache(maxsize=4)  # the package's graph is read once per test session
def _graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    mods = _modules(package)
    return {name: _imports(name, tree, set(mods)) for name, tree in mods.items()}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def _placement_errors(graph: dict[str, set[str]]) -> list[str]:
    """A module outside every layer package: where it belongs (the lowest layer its imports allow)."""
    errors = []
    for name, deps in sorted(graph.items()):
        if name == "rulebook" or (len(name.split(".")) == 2 and name.split(".")[1] in LAYERS):
            continue  # the package and the layer packages themselves
        if _layer(name) is None:
            ranks = [LAYERS[layer] for d in deps if (layer := _layer(d))]
            lowest = max(ranks, default=0)
            fits = [layer for layer, r in LAYERS.items() if r >= lowest]
            errors.append(
                f"{name} is in no layer: move it into rulebook/<layer>/ — by its imports one of "
                f"{', '.join(fits)} (see ARCHITECTURE.md), and add its line to ARCHITECTURE.md"
            )
    return errors


def _upward(graph: dict[str, set[str]]) -> list[str]:
    """Imports that go to a higher layer, or sideways to a peer layer."""
    bad = []
    for name, deps in sorted(graph.items()):
        mine = _layer(name)
        if mine is None:
            continue
        for d in sorted(deps):
            theirs = _layer(d)
            if theirs is None or theirs == mine:
                continue
            if LAYERS[theirs] >= LAYERS[mine]:
                bad.append(f"{name} ({mine}) imports {d} ({theirs})")
    return bad


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        path.append(n)
        for m in sorted(graph.get(n, ())):
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
    names = {"rulebook.a", "rulebook.b"}
    graph = {
        "rulebook.a": _imports("rulebook.a", ast.parse("def f():\n    from rulebook.b import x\n"), names),
        "rulebook.b": _imports("rulebook.b", ast.parse("from rulebook import a\n"), names),
    }
    assert _cycle(graph) == ["rulebook.a", "rulebook.b", "rulebook.a"]


def test_the_checks_find_an_unplaced_module_and_an_upward_import(tmp_path):
    pkg = tmp_path / "rulebook"
    for d in ("", "model", "views"):
        (pkg / d).mkdir(exist_ok=True)
        (pkg / d / "__init__.py").write_text("")
    (pkg / "model" / "schema.py").write_text("from rulebook.views.render import x\n")
    (pkg / "views" / "render.py").write_text("x = 1\n")
    (pkg / "helper.py").write_text("from rulebook.views import render\n")
    graph = _graph(pkg)
    assert graph["rulebook.model.schema"] == {"rulebook.views.render"}
    assert _upward(graph) == ["rulebook.model.schema (model) imports rulebook.views.render (views)"]
    [placed] = _placement_errors(graph)
    assert placed.startswith("rulebook.helper is in no layer") and "views, build, devtools" in placed


def test_every_module_is_in_a_layer():
    graph = _graph()
    assert len(graph) > 40 and "rulebook.views.render" in graph, "the graph was read"
    assert _placement_errors(graph) == []
    packages = {
        p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__" and (p / "__init__.py").exists()
    }
    assert packages <= set(LAYERS), f"packages that are no layer: {sorted(packages - set(LAYERS))}"


def test_imports_run_one_way():
    assert _upward(_graph()) == []


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_each_layers_exports_resolve_and_name_no_module(layer):
    # `from rulebook.<layer> import name` gives the name of the module _EXPORTS says; a name equal to a
    # module of the layer would shadow it (the package attribute is the module once imported).
    package = importlib.import_module(f"rulebook.{layer}")
    exports = package._EXPORTS
    modules = {p.stem for p in (PACKAGE / layer).glob("*.py")}
    assert not set(exports) & modules
    for name, module in exports.items():
        assert getattr(package, name) is getattr(importlib.import_module(f"rulebook.{layer}.{module}"), name)
    with pytest.raises(AttributeError):
        package.no_such_name  # noqa: B018


def test_every_setting_is_documented():
    from rulebook.core.settings import describe

    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for variable, *_ in describe():
        assert f"| `{variable}` |" in text, f"ARCHITECTURE.md's settings table has no row for {variable}"
        assert variable in readme, f"README.md does not mention {variable}"


def test_settings_are_read_only_in_core_settings():
    # One typed object: no other module names a RULEBOOK_* variable (so none reads one from the environment).
    offenders = []
    for name, tree in _modules().items():
        if name == "rulebook.core.settings":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("RULEBOOK_"):
                offenders.append(f"{name}:{node.lineno}: {node.value}")
    assert offenders == []


def test_package_imports_have_no_cycle():
    graph = _graph()
    assert graph["rulebook.views.exports"], "the graph was read"
    assert _cycle(graph) is None, f"import cycle: {' -> '.join(_cycle(graph) or [])}"


def test_architecture_md_names_every_module():
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    missing = [
        name
        for name in _graph()
        if name.count(".") == 2 and f"`{name.split('.', 1)[1].replace('.', '/')}.py`" not in text
    ]
    assert missing == [], f"ARCHITECTURE.md has no line for: {', '.join(missing)}"


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_each_layer_says_what_it_is_for(layer):
    init = PACKAGE / layer / "__init__.py"
    doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    assert doc and len(doc) > 20, f"{init} needs a docstring saying what the layer holds"


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
        if name not in DATA_LAYOUT and (lines := _spells_rules_data(tree))
    }
    assert offenders == {}


def test_no_module_edits_the_import_path():
    # The package is installed (pip install -e .): nothing needs sys.path.insert
    offenders = [
        str(p.relative_to(ROOT))
        for folder in ("rulebook", "scripts", "tests")
        for p in (ROOT / folder).rglob("*.py")
        if "sys.path.insert" in p.read_text(encoding="utf-8") and p.name != "test_architecture.py"
    ]
    assert offenders == []
