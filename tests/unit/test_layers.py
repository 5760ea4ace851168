"""The layers point one way (docs/architecture.md), PySide6 stays under ui/, and no two
modules import each other, directly or round a longer loop.

Every module of the package is parsed (not imported) and each ``import hfsuite.X`` /
``from hfsuite.X import …`` is checked against the allowed direction:
ui, cli → app → {engine, sources, storage, library, integrations, config, testing} → core
(app → testing for the demo's Hub).
Import cycles count every import: at module level, inside a function, or under
``if TYPE_CHECKING:`` (a loop that only type checking closes still ties the two modules
together; a small Protocol in the lower module cuts it).
"""

from __future__ import annotations

import ast
from pathlib import Path

import hfsuite

PACKAGE = Path(hfsuite.__file__).parent

ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "config": {"core"},
    "storage": {"core"},
    "sources": {"core"},
    "engine": {"core"},
    "library": {"core"},
    "integrations": {"core"},
    # app -> testing: `hfsuite demo` (app/demo/) serves its repositories with the Hub emulator,
    # which is a product feature there, not a test helper. testing itself needs only core.
    "app": {"core", "config", "storage", "sources", "engine", "library", "integrations", "testing"},
    "cli": {"app", "core", "config"},
    "ui": {"app", "core", "config"},
    "testing": {"core"},
}
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "shiboken6")


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            # Relative imports stay inside a layer only when they go no higher than it.
            rel = path.relative_to(PACKAGE).parts
            if node.level >= len(rel):
                found.append((node.lineno, "hfsuite." + (node.module or "")))
    return found


def _layer_of(path: Path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None


def test_every_module_belongs_to_a_known_layer() -> None:
    layers = {_layer_of(p) for p in PACKAGE.rglob("*.py")} - {None}
    assert layers <= set(ALLOWED), f"unknown layers: {layers - set(ALLOWED)}"


def test_imports_point_one_way() -> None:
    violations = []
    for path in sorted(PACKAGE.rglob("*.py")):
        layer = _layer_of(path)
        if layer is None:
            continue
        for lineno, module in _imports(path):
            if not module.startswith("hfsuite."):
                continue
            target = module.split(".")[1]
            if target != layer and target not in ALLOWED[layer]:
                violations.append(f"{path.relative_to(PACKAGE)}:{lineno} {layer} -> {target}")
    assert not violations, "layer direction broken:\n" + "\n".join(violations)


def test_qt_only_under_ui() -> None:
    violations = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if _layer_of(path) == "ui":
            continue
        for lineno, module in _imports(path):
            if module.split(".")[0] in QT_MODULES:
                violations.append(f"{path.relative_to(PACKAGE)}:{lineno} imports {module}")
    assert not violations, "Qt outside ui/:\n" + "\n".join(violations)


def test_checker_catches_a_violation(tmp_path: Path) -> None:
    """The parser sees both import forms (so the tests above cannot pass vacuously)."""
    sample = tmp_path / "m.py"
    sample.write_text("import PySide6.QtCore\nfrom hfsuite.app import suite\n")
    assert [m for _, m in _imports(sample)] == ["PySide6.QtCore", "hfsuite.app"]


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (``from pkg import sub`` names the submodule)."""
    modules = {_module_name(p, root): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - node.level + 1]
                    module = ".".join([*base, node.module] if node.module else base)
                else:
                    module = node.module or ""
                targets = [
                    f"{module}.{alias.name}" if f"{module}.{alias.name}" in modules else module
                    for alias in node.names
                ]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def test_no_import_cycles() -> None:
    cycles = _cycles(_import_graph(PACKAGE))
    assert not cycles, "modules that import each other:\n" + "\n".join(
        " <-> ".join(cycle) for cycle in cycles
    )


def test_cycle_checker_finds_cycles(tmp_path: Path) -> None:
    """Two modules tied only under TYPE_CHECKING, and a three-module loop, are both found."""
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from pkg import b\n")
    (pkg / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import A\n"
    )
    (pkg / "c.py").write_text("def f():\n    from .sub import d\n")
    (pkg / "sub" / "d.py").write_text("from ..e import x\n")
    (pkg / "e.py").write_text("import pkg.c\n")
    (pkg / "f.py").write_text("import pkg.a\n")
    assert sorted(_cycles(_import_graph(pkg))) == [
        ["pkg.a", "pkg.b"],
        ["pkg.c", "pkg.e", "pkg.sub.d"],
    ]
