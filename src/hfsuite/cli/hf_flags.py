"""``hf download``'s output flags on ``hfsuite download``: ``--format`` and ``-q/--quiet``
after the sub-command, with the meaning they have there.

People arrive from huggingface_hub's ``hf`` command and type its spellings; the other
flags it names differently (``--force-download``, ``--max-workers``, ``--type``) are aliases
declared beside ours in :mod:`hfsuite.cli.download_cmd`.
"""

from __future__ import annotations

import enum
from typing import Any

import typer

from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import _, tr


class XetMode(enum.StrEnum):
    """What ``download --xet`` accepts: how Xet-backed files are fetched (docs/xet.md)."""

    auto = "auto"
    """Through Xet where it pays (an update of a big file whose chunks are mostly on disk), the
    resolve redirect otherwise."""
    on = "on"
    """Always through Xet (an error without the lz4 package)."""
    off = "off"
    """Always through the resolve redirect (the Hub's bridge)."""


class OutputFormat(enum.StrEnum):
    """What ``--format`` accepts (``hf download``'s values; ``agent`` has no counterpart)."""

    AUTO = "auto"
    """The default: a progress display on a terminal, the path at the end."""
    HUMAN = "human"
    """The same as ``auto``."""
    JSON = "json"
    """Like ``--json``: JSON lines (docs/json.md)."""
    QUIET = "quiet"
    """Like ``-q``: only the path (and errors)."""


def format_option() -> Any:
    """``--format auto|human|json|quiet``, as ``hf download`` has it."""
    return typer.Option(
        None,
        "--format",
        case_sensitive=False,
        help=_(
            "Output as hf download names it: json (= --json), quiet (= -q), human or auto "
            "(the default)."
        ),
        callback=_format_requested,
    )


def quiet_option() -> Any:
    """``-q/--quiet`` after the sub-command: the same as the global ``hfsuite -q``."""
    return typer.Option(
        False,
        "--quiet",
        "-q",
        help=_("Only errors, and the path on stdout (the same as hfsuite -q download …)."),
        callback=_quiet_requested,
    )


def _format_requested(ctx: typer.Context, value: OutputFormat | None) -> OutputFormat | None:
    state = ctx.find_root().obj
    if state is not None and value is OutputFormat.JSON:
        state.json_output = True  # errors also as JSON, as with --json
    if state is not None and value is OutputFormat.QUIET:
        state.quiet = True
    return value


def _quiet_requested(ctx: typer.Context, value: bool) -> bool:
    state = ctx.find_root().obj
    if value and state is not None:
        state.quiet = True
    return value


def wants_json(as_json: bool, output_format: OutputFormat | None) -> bool:
    """Whether ``--json`` and ``--format`` ask for JSON.

    Raises:
        UsageError: ``--json`` with a ``--format`` other than json.
    """
    if as_json and output_format not in (None, OutputFormat.JSON):
        raise UsageError(
            tr("--json and --format {value} ask for different output.", value=output_format),
            hint=tr("Give one of them."),
        )
    return as_json or output_format is OutputFormat.JSON
