"""Tables of the command line never cut text: every table is a FoldingTable, whose columns fold
what does not fit, and a value shortened on purpose ends in an ellipsis."""

from __future__ import annotations

import ast
from pathlib import Path

from rich.console import Console
from rich.text import Text

from hfsuite.cli.tables import ELLIPSIS, FoldingTable, shorten

CLI = Path(__file__).resolve().parents[3] / "src" / "hfsuite" / "cli"


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]


def _name(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def test_every_table_of_the_cli_folds_instead_of_cutting() -> None:
    tables = 0
    for path in sorted(CLI.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree):
            assert _name(call) != "Table" or path.name == "tables.py", (
                f"{path.name}:{call.lineno} makes a rich Table; use FoldingTable"
            )
            tables += _name(call) == "FoldingTable"
            if _name(call) == "add_column":
                for kw in call.keywords:
                    value = kw.value.value if isinstance(kw.value, ast.Constant) else None
                    assert not (kw.arg == "overflow" and value in ("ellipsis", "crop")), (
                        f"{path.name}:{call.lineno} cuts its column"
                    )
                    assert not (kw.arg == "no_wrap" and value is True), (
                        f"{path.name}:{call.lineno}: a column that cannot wrap is cut when narrow"
                    )
    assert tables >= 10  # every command's table was found


def test_a_folding_table_keeps_every_character_at_a_narrow_width() -> None:
    console = Console(width=30, record=True, color_system=None)
    table = FoldingTable(box=None, pad_edge=False)
    table.add_column("id")
    table.add_column("repository")
    long_id = "acme/a-repository-with-a-very-long-name-indeed"
    table.add_row("1", Text(long_id))
    console.print(table)
    text = console.export_text()
    assert ELLIPSIS not in text
    column = [line[3:].strip() for line in text.splitlines()[1:]]
    assert "".join(column) == long_id


def test_shorten_cuts_at_a_word_and_says_so() -> None:
    assert shorten("Check your connection.", 60) == ("Check your connection.", False)
    assert shorten("two\n  lines", 60) == ("two lines", False)
    note, cut = shorten("Check your connection to the proxy at 10.0.0.1:3128 and retry", 30)
    assert cut and note == "Check your connection to the…" and len(note) <= 30
    assert shorten("x" * 40, 10) == ("x" * 9 + ELLIPSIS, True)
