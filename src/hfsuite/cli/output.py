"""Printing for the CLI: one Rich console for results, one for errors, and the error printer.

Errors are shown here and nowhere else in the CLI (docs/architecture.md): a red line with the
message, then the hint, and the technical detail only with ``-v``.

The two consoles are made when first used, not when this module is imported: Rich's console
costs about 35 ms of imports, and ``hfsuite -q download`` prints nothing before its bytes move
(docs/benchmarks.md, "First byte").

**Text is text.** Both consoles print without Rich markup unless a call asks for it
(``markup=True``), and a call that does escapes what it did not write itself
(:func:`rich.markup.escape`): paths, file names, repository ids and servers' messages may hold
brackets, and markup took ``[v1]`` in a folder's name for a style (the path printed without
it) and ``[/]`` for a closing tag (a traceback). ``tests/unit/cli/test_markup.py`` holds every
command module to it.
"""

from __future__ import annotations

import json
import sys
import threading
from typing import TYPE_CHECKING, Any

import typer

from hfsuite.core.errors import HfSuiteError
from hfsuite.core.i18n import _

if TYPE_CHECKING:
    from rich.console import Console


out: Console  # results, on stdout; made at first use (__getattr__ below)
err: Console  # messages and progress, on stderr; made at first use

_CONSOLES: dict[str, dict[str, Any]] = {"out": {}, "err": {"stderr": True}}
_lock = threading.Lock()

# What Rich's Text drops from a string (bell, backspace, vertical tab, form feed, carriage
# return): :func:`line` drops the same.
_RICH_DROPS = dict.fromkeys((7, 8, 11, 12, 13))


def __getattr__(name: str) -> Console:
    """``out`` and ``err``, made at their first use (PEP 562)."""
    if name not in _CONSOLES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return _console(name)


def _console(name: str) -> Console:
    """The console ``out`` or ``err``, made now if it is not yet: a real Rich console that
    prints text as text unless a call asks for markup, and never turns ``:name:`` into an emoji
    (Rich's default did: a folder ``a:cat:b`` printed as ``a🐱b``)."""
    with _lock:  # a display's first event may come from an engine thread
        made = globals().get(name)
        if made is None:
            from rich.console import Console

            made = Console(
                highlight=False, soft_wrap=True, markup=False, emoji=False, **_CONSOLES[name]
            )
            globals()[name] = made  # later lookups find it without __getattr__
        return made


def line(text: str, *, err: bool = False) -> None:
    """Print ``text`` as one plain line on stdout (stderr with ``err``), without Rich.

    For a line a script reads (the folder ``hfsuite download`` prints): written as it is, tabs
    and all, with the control codes Rich drops dropped too (a name cannot move the cursor).
    Making a Rich console only for it cost 20-28 ms of imports after the last byte of
    ``hfsuite -q download`` (docs/benchmarks.md, "Round 12"). Not while a live display draws
    on the same stream.
    """
    stream = sys.stderr if err else sys.stdout
    stream.write(text.translate(_RICH_DROPS) + "\n")
    stream.flush()


def json_option(help_text: str | None = None) -> Any:
    """The ``--json`` option of every command that has one.

    Asking for it also tells the error boundary (:func:`hfsuite.cli.main.exit_code`) to print
    a failure as a JSON error document on stdout, besides the message on stderr.
    """
    text = help_text if help_text is not None else _("Machine-readable output (docs/json.md).")
    return typer.Option(False, "--json", help=text, callback=_json_requested)


def _json_requested(ctx: typer.Context, value: bool) -> bool:
    state = ctx.find_root().obj
    if value and state is not None:
        state.json_output = True
    return value


def print_json(data: Any) -> None:
    """Write machine-readable JSON to stdout (no colours, no wrapping)."""
    sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def print_error(error: HfSuiteError, *, verbose: bool = False) -> None:
    """Show an error a person can act on (its message and hint as they are: a path or a
    server's answer with brackets in it is text, not Rich markup)."""
    from rich.markup import escape

    err = _console("err")
    err.print(
        _("[bold red]Error:[/] {message}").format(message=escape(error.message)),
        markup=True,
        highlight=False,
    )
    if error.hint:
        err.print(
            _("[yellow]Hint:[/] {hint}").format(hint=escape(error.hint)),
            markup=True,
            highlight=False,
        )
    if verbose and error.details:
        err.print(error.details, markup=False)


def print_warning(text: str) -> None:
    """Show a warning line on stderr (``text`` as it is, not Rich markup)."""
    from rich.markup import escape

    _console("err").print(
        _("[yellow]Warning:[/] {text}").format(text=escape(text)), markup=True, highlight=False
    )


def emit_json(data: dict[str, Any]) -> None:
    """Write one JSON line to stdout."""
    sys.stdout.write(json.dumps(data, default=str, ensure_ascii=False) + "\n")
    sys.stdout.flush()
