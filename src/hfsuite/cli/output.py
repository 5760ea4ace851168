"""Printing for the CLI: one Rich console for results, one for errors, and the error printer.

Errors are shown here and nowhere else in the CLI (docs/architecture.md): a red line with the
message, then the hint, and the technical detail only with ``-v``.

The two consoles are made when first used, not when this module is imported: Rich's console
costs about 35 ms of imports, and ``hfsuite -q download`` prints nothing before its bytes move
(docs/benchmarks.md, "First byte").
"""

from __future__ import annotations

import json
import sys
import threading
from typing import TYPE_CHECKING, Any, cast

import typer

from hfsuite.core.errors import HfSuiteError
from hfsuite.core.i18n import _

if TYPE_CHECKING:
    from rich.console import Console


class _LazyConsole:
    """A :class:`rich.console.Console` made at its first use; every attribute is the
    console's own."""

    def __init__(self, **options: Any):
        self._options = options
        self._console: Console | None = None
        self._lock = threading.Lock()

    def _made(self) -> Console:
        if self._console is not None:
            return self._console
        with self._lock:  # a display's first event may come from an engine thread
            if self._console is None:
                from rich.console import Console

                self._console = Console(**self._options)
            return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._made(), name)


out = cast("Console", _LazyConsole(highlight=False, soft_wrap=True))
err = cast("Console", _LazyConsole(stderr=True, highlight=False, soft_wrap=True))


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
    """Show an error a person can act on."""
    err.print(
        _("[bold red]Error:[/] {message}").format(message=error.message),
        markup=True,
        highlight=False,
    )
    if error.hint:
        err.print(
            _("[yellow]Hint:[/] {hint}").format(hint=error.hint), markup=True, highlight=False
        )
    if verbose and error.details:
        err.print(error.details, markup=False)


def print_warning(text: str) -> None:
    """Show a warning line on stderr."""
    err.print(_("[yellow]Warning:[/] {text}").format(text=text), markup=True, highlight=False)


def emit_json(data: dict[str, Any]) -> None:
    """Write one JSON line to stdout."""
    sys.stdout.write(json.dumps(data, default=str, ensure_ascii=False) + "\n")
    sys.stdout.flush()
