"""``hfsuite library verify``: read indexed files again and compare with their recorded hashes.

The ``library`` group registers it with :func:`register`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer
from rich.cells import cell_len
from rich.markup import escape

from hfsuite.cli.dupes_cmd import hash_status
from hfsuite.cli.json_views import document
from hfsuite.cli.output import err, json_option, out, print_json
from hfsuite.core.i18n import N_, _, ngettext
from hfsuite.core.units import format_bytes

if TYPE_CHECKING:
    from hfsuite.app.library.verify import VerifyResult

EXIT_FAILED = 8
"""Exit code when a file is corrupt, missing or unreadable (that of ``IntegrityError``)."""

HELP = _(
    """Read files again and compare them with the hashes recorded for them.

Only files with a recorded hash are read (hashed by `hfsuite scan --hash`, by `hfsuite dupes`,
or verified by a download). Each is unchanged, changed (rewritten since it was hashed: hashed
again and recorded), corrupt (same size and time, other bytes), missing or unreadable.
Exit 8 when a file is corrupt, missing or unreadable, else 0.

Examples:

  hfsuite library verify

  hfsuite scan ~/apps/ComfyUI --hash && hfsuite library verify ~/apps/ComfyUI --json
"""
)
STATUSES = (
    N_("unchanged"),
    N_("changed"),
    N_("corrupt"),
    N_("missing"),
    N_("unreadable"),
)
"""A file's outcome, shown translated (``_(status)``); JSON keeps the English value."""


def register(app: typer.Typer) -> None:
    """Add ``verify`` to the ``library`` group."""
    app.command("verify", help=HELP)(verify_command)


def verify_view(result: VerifyResult) -> dict[str, Any]:
    """``library verify --json``."""
    return document(
        "library-verify",
        {
            "files": [f.to_dict() for f in result.files],
            "file_count": len(result.files),
            "counts": result.counts,
            "not_hashed": result.not_hashed,
            "read_bytes": result.read_bytes,
            "ok": result.ok,
        },
    )


def verify_command(
    ctx: typer.Context,
    paths: list[str] = typer.Argument(
        None,
        help=_("Only files under these files or folders (scanned ones). Default: the library."),
        show_default=False,
    ),
    as_json: bool = json_option(),
) -> None:
    from hfsuite.app.library.dupes import suite_index
    from hfsuite.app.library.verify import VerifyStatus, verify

    suite = ctx.find_root().obj.suite()
    status, update = hash_status(_("Verifying…"))
    with status:
        result = verify(suite_index(suite), paths or [], on_progress=update)
    if as_json:
        print_json(verify_view(result))
    else:
        colours = {
            VerifyStatus.CHANGED: "yellow",
            VerifyStatus.CORRUPT: "bold red",
            VerifyStatus.MISSING: "red",
            VerifyStatus.UNREADABLE: "red",
        }
        for f in result.files:
            if f.status is VerifyStatus.UNCHANGED:
                continue
            why = f": {escape(f.reason)}" if f.reason else ""
            label = _(f.status.value)
            label += " " * max(0, 10 - cell_len(label))
            out.print(f"[{colours[f.status]}]{label}[/] {escape(f.path)}{why}", markup=True)
        counts = _(", ").join(f"{n} {_(s)}" for s, n in result.counts.items() if n)
        out.print(
            (
                _("Verified {files} ({size} read): {counts}.")
                if counts
                else _("Verified {files} ({size} read).")
            ).format(
                files=_files(len(result.files)), size=format_bytes(result.read_bytes), counts=counts
            )
        )
        if result.not_hashed:
            out.print(
                _(
                    "[dim]{files} without a recorded hash not verified "
                    "(`hfsuite scan --hash` records them).[/]"
                ).format(files=_files(result.not_hashed)),
                markup=True,
            )
    if not result.ok:
        bad = sum(n for s, n in result.counts.items() if s in ("corrupt", "missing", "unreadable"))
        err.print(
            _("[bold red]Error:[/] {files} corrupt, missing or unreadable.").format(
                files=_files(bad)
            ),
            highlight=False,
            markup=True,
        )
        raise typer.Exit(EXIT_FAILED)


def _files(count: int) -> str:
    return ngettext("{n} file", "{n} files", count).format(n=count)
