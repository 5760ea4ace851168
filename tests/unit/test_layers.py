"""The layers point one way (DESIGN.md), and PySide6 stays under ui/.

Every module of the package is parsed (not imported) and each ``import hfsuite.X`` /
``from hfsuite.X import …`` is checked against the allowed direction:
ui, cli → app → {engine, sources, storage, library, integrations, config} → core.
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
    "app": {"core", "config", "storage", "sources", "engine", "library", "integrations"},
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
