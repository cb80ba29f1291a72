"""The package's layout follows the data flow, and stays that way: dependencies point only down the flow
(sources → graph → validation → store → query → web / publish, with the command line on top), there are no
import circles, and no module takes another's private names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "kennisgraaf"

# The steps in the order of the data flow; a module may import from its own step and the steps before it.
LAYERS: list[tuple[str, ...]] = [
    ("kennisgraaf.errors", "kennisgraaf.config", "kennisgraaf.namespaces", "kennisgraaf.sparqltext"),  # foundation
    ("kennisgraaf.graph",),
    ("kennisgraaf.validation",),
    ("kennisgraaf.store",),
    ("kennisgraaf.queries",),
    ("kennisgraaf.network",),
    ("kennisgraaf.entry",),
    ("kennisgraaf.web",),
    ("kennisgraaf.publish",),
    ("kennisgraaf", "kennisgraaf.cli", "kennisgraaf.__main__"),  # the public API and the command line
]


def _module_name(path: Path) -> str:
    parts = ["kennisgraaf", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if _is_package(module) else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(module: str) -> list[tuple[str, str | None, int]]:
    """(imported module, imported name or None, line) for every import of the package's own code in `module`,
    at any depth (imports inside functions count: they are dependencies all the same)."""
    found: list[tuple[str, str | None, int]] = []
    for node in ast.walk(ast.parse(MODULES[module].read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None, node.lineno) for alias in node.names if alias.name.startswith("kennisgraaf")]
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, node)
            if not source.startswith("kennisgraaf"):
                continue
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                found.append((submodule, None, node.lineno) if submodule in MODULES else (source, alias.name,
                                                                                            node.lineno))
    return found


def layer_of(module: str) -> int:
    best = None
    for index, members in enumerate(LAYERS):
        for member in members:
            if (module == member or module.startswith(member + ".")) and (best is None or len(member) > best[1]):
                best = (index, len(member))
    assert best is not None, f"{module} is in no step of the data flow: add it to LAYERS in {__file__}"
    return best[0]


def test_every_module_has_its_place_in_the_flow() -> None:
    for module in MODULES:
        layer_of(module)


def test_dependencies_point_only_down_the_flow() -> None:
    wrong = [f"{module}:{line} imports {target} ({LAYERS[layer_of(target)][0]} comes after "
             f"{LAYERS[layer_of(module)][0]})"
             for module in MODULES for target, _, line in imports(module) if layer_of(target) > layer_of(module)]
    assert not wrong, "\n".join(wrong)


def test_no_module_imports_a_private_name_of_another() -> None:
    wrong = [f"{module}:{line} imports {name} from {source}"
             for module in MODULES for source, name, line in imports(module)
             if name is not None and name.startswith("_") and source != module]
    wrong += [f"{module}:{node.lineno} uses {node.value.id}.{node.attr}"
              for module in MODULES for node in ast.walk(ast.parse(MODULES[module].read_text("utf-8")))
              if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
              and node.attr.startswith("_") and not node.attr.startswith("__")
              and node.value.id in _module_aliases(module)]
    assert not wrong, "\n".join(wrong)


def _module_aliases(module: str) -> set[str]:
    """Names under which `module` refers to other modules of the package (`from . import worker`)."""
    aliases = set()
    for node in ast.walk(ast.parse(MODULES[module].read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and _absolute(module, node).startswith("kennisgraaf"):
            source = _absolute(module, node)
            aliases |= {alias.asname or alias.name for alias in node.names if f"{source}.{alias.name}" in MODULES}
        elif isinstance(node, ast.Import):
            aliases |= {alias.asname or alias.name.split(".")[0] for alias in node.names
                        if alias.name.startswith("kennisgraaf")}
    return aliases


def test_there_are_no_import_circles() -> None:
    graph = {module: sorted({target for target, _, _ in imports(module) if target != module}) for module in MODULES}
    circles = [component for component in _strongly_connected(graph) if len(component) > 1]
    assert not circles, "import circles: " + "; ".join(" <-> ".join(sorted(c)) for c in circles)


def _strongly_connected(graph: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the groups of modules that import each other, directly or through others."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in graph.get(node, []):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            components.append(component)

    for node in graph:
        if node not in index:
            visit(node)
    return components


@pytest.mark.parametrize("package", sorted(name for name in MODULES if _is_package(name) and name != "kennisgraaf"))
def test_each_step_says_what_it_owns_and_may_import(package: str) -> None:
    docstring = ast.get_docstring(ast.parse(MODULES[package].read_text("utf-8"))) or ""
    assert "Owns:" in docstring and "May import:" in docstring, f"{MODULES[package]} needs a docstring saying " \
                                                               f"what the step owns and what it may import"


def test_the_checks_see_a_circle_and_a_wrong_direction() -> None:
    # The checks themselves, on a made-up graph: a test that cannot fail would guard nothing.
    assert sorted(map(sorted, _strongly_connected({"a": ["b"], "b": ["a"], "c": ["a"]}))) == [["a", "b"], ["c"]]
    assert layer_of("kennisgraaf.web.app") > layer_of("kennisgraaf.store.builds") > layer_of("kennisgraaf.config")
    assert ("kennisgraaf.web.state", "ServerState") in {(t, n) for t, n, _ in imports("kennisgraaf.web.pages")}
