"""The CLI prints text as text: Rich markup only where a call asks for it, and escaped there.

Paths, file names, repository ids and servers' messages may hold brackets; Rich markup took
``[v1]`` for a style (the text printed without it) and ``[/]`` for a closing tag (a
``MarkupError`` traceback). The consoles of ``hfsuite.cli.output`` print without markup; a
``print`` call that styles its text says ``markup=True`` (and escapes what it did not write).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import hfsuite.cli
from hfsuite.cli import output
from hfsuite.core.errors import HfSuiteError
from hfsuite.core.events import FileProgress, TransferProgressed

CLI = Path(hfsuite.cli.__file__).parent
_TAG = re.compile(
    r"\[/?(bold|yellow|red|green|dim|cyan|magenta|blue|italic|b|link|reverse|underline)\b"
    r"|\[/\]|\[\{"
)


def _calls(name: str) -> list[tuple[str, int, ast.Call, str]]:
    found = []
    for path in sorted(CLI.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == name
            ):
                found.append((path.name, node.lineno, node, ast.get_source_segment(source, node)))
    return found


def test_a_print_that_styles_its_text_asks_for_markup() -> None:
    wrong = []
    for module, line, call, source in _calls("print"):
        keywords = {k.arg: k.value for k in call.keywords}
        asks = isinstance(keywords.get("markup"), ast.Constant) and keywords["markup"].value
        if (_TAG.search(source or "") or "escape(" in (source or "")) and not asks:
            wrong.append(f"{module}:{line}")
    assert not wrong, f"markup or escape() without markup=True: {wrong}"


def test_table_cells_are_not_escaped_markup() -> None:
    # Cells print as text on the CLI's consoles: escape() there shows its backslashes.
    wrong = [f"{m}:{n}" for m, n, _call, source in _calls("add_row") if "escape(" in source]
    assert not wrong, wrong


@pytest.mark.parametrize("text", ["a [/] b", "out [v1]", "[bold]x", "c:\\models\\"])
def test_errors_and_warnings_print_brackets_as_they_are(
    capsys: pytest.CaptureFixture[str], text: str
) -> None:
    output.print_error(HfSuiteError(f"cannot write {text}", hint=f"see {text}"))
    output.print_warning(f"kept {text}")
    output.err.print(f"plain {text}")
    err = capsys.readouterr().err
    for line in (f"Error: cannot write {text}", f"Hint: see {text}", f"Warning: kept {text}"):
        assert line in err, err
    assert f"plain {text}" in err, err


def _progress_of(name: str) -> TransferProgressed:
    """A progress event with one file, ``name``, half done."""
    return TransferProgressed(
        1,
        done_bytes=1,
        total_bytes=2,
        speed_bps=1.0,
        eta_s=1.0,
        files=(FileProgress(name, 2, 1, 1.0, 1),),
    )


def test_the_download_display_draws_on_the_cli_console_and_shows_reasons_whole(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from hfsuite.cli.progress import RichProgressDisplay
    from hfsuite.core.events import FileRestarted

    name = "lora [fp16] [/].safetensors"
    with RichProgressDisplay(output.err) as display:  # the console the command hands it
        display(_progress_of(name))
        display(FileRestarted(1, name, "the server sent [/] instead"))
    err = capsys.readouterr().err
    assert "the server sent [/] instead" in err, err


def test_emoji_codes_in_names_print_as_they_are(capsys: pytest.CaptureFixture[str]) -> None:
    # Rich replaced ":cat:" with an emoji by default: a folder "a:cat:b" printed as "a🐱b".
    from rich.markup import escape

    from hfsuite.cli.progress import RichProgressDisplay

    name = "a:cat:b/x:thumbs_up:.safetensors"
    output.out.print(name)
    output.err.print(f"[bold]{escape(name)}[/bold]", markup=True)
    with RichProgressDisplay(output.err) as display:
        display(_progress_of(name))
    captured = capsys.readouterr()
    assert captured.out == name + "\n"
    assert captured.err.count(name) >= 2, captured.err
    assert "🐱" not in captured.err + captured.out and "👍" not in captured.err + captured.out


def test_markup_made_into_text_keeps_emoji_codes() -> None:
    wrong = []
    for module, line, call, _source in _calls("from_markup"):
        keywords = {k.arg: k.value for k in call.keywords}
        emoji = keywords.get("emoji")
        if not (isinstance(emoji, ast.Constant) and emoji.value is False):
            wrong.append(f"{module}:{line}")
    assert not wrong, f"Text.from_markup without emoji=False: {wrong}"


def test_a_line_is_written_as_it_is_without_a_console(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(vars(output), "out", raising=False)  # no console made yet
    output.line("a:cat:b [v1]\rx\x07y\tz")
    output.line("e [/]", err=True)
    captured = capsys.readouterr()
    assert captured.out == "a:cat:b [v1]xy\tz\n"  # Rich's dropped codes dropped, the tab kept
    assert captured.err == "e [/]\n"
    assert "out" not in vars(output)  # no console was made for it
