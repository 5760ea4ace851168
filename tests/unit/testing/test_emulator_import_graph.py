"""The modules of ``hfsuite.testing`` import each other one way (no cycle, at any depth).

Every import counts, including those under ``if TYPE_CHECKING:`` and inside functions: the
modules are parsed, not imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

import hfsuite.testing

PACKAGE = "hfsuite.testing"
FOLDER = Path(hfsuite.testing.__file__).parent


def _module_name(path: Path, folder: Path) -> str:
    rel = path.relative_to(folder).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join([PACKAGE, *parts])


def _imported(path: Path, name: str, known: set[str]) -> set[str]:
    """The modules of ``known`` that the file imports (``from P import m`` counts as P.m)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            submodules = [f"{base}.{alias.name}" for alias in node.names]
            # ``from P import m`` names the submodule m when there is one, else P itself
            candidates = [m for m in submodules if m in known] or [base]
        else:
            continue
        found.update(m for m in candidates if m in known and m != name)
    return found


def import_graph(folder: Path = FOLDER) -> dict[str, set[str]]:
    """Module -> the package modules it imports."""
    files = {_module_name(p, folder): p for p in folder.rglob("*.py")}
    known = set(files)
    return {name: _imported(path, name, known) for name, path in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            nxt = next(edges, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
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
    return found


def test_no_import_cycle_in_the_emulator_package() -> None:
    graph = import_graph()
    assert len(graph) > 10  # the walk really saw the package
    found = cycles(graph)
    detail = [f"{c}: " + "; ".join(f"{m} -> {sorted(graph[m] & set(c))}" for m in c) for c in found]
    assert not found, "import cycles:\n" + "\n".join(detail)


def test_emulator_builds_on_the_handlers_never_the_reverse() -> None:
    graph = import_graph()
    assert "hfsuite.testing._routing" in graph["hfsuite.testing.emulator"]
    importers = {m for m, targets in graph.items() if "hfsuite.testing.emulator" in targets}
    assert importers <= {"hfsuite.testing", "hfsuite.testing.hub", "hfsuite.testing.pytest_plugin"}


def test_checker_sees_type_checking_and_local_imports(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from hfsuite.testing.b import X\n"
    )
    (pkg / "b.py").write_text("def f():\n    from hfsuite.testing import c\n")
    (pkg / "c.py").write_text("from . import a\n")
    graph = import_graph(pkg)
    assert cycles(graph) == [["hfsuite.testing.a", "hfsuite.testing.b", "hfsuite.testing.c"]]
