"""``hfsuite scan``: walk the library's folders and index what is there."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn

from hfsuite.cli.library_views import scan_view
from hfsuite.cli.output import err, json_option, out, print_json
from hfsuite.core.errors import OperationCancelled
from hfsuite.core.i18n import N_, _, ngettext
from hfsuite.core.units import format_bytes

if TYPE_CHECKING:
    from hfsuite.app.events import LibraryScanProgressed
    from hfsuite.app.library import ScanSummary

HELP = _("""Scan model folders into the library index (no PATH: every scan root).

The HF cache is a scan root by default; a folder outside every root becomes one.

A rescan reads only new and changed files. Ctrl-C stops and keeps what was recorded.

Examples:

  hfsuite scan

  hfsuite scan ~/apps/ComfyUI --hash

  hfsuite scan --json
""")

ISSUES_SHOWN = 20
PHASES = {
    "walk": N_("Listing"),
    "identify": N_("Reading headers"),
    "moves": N_("Hashing moved files"),
    "hash": N_("Hashing"),
    "done": N_("Done"),
}


def files_count(n: int) -> str:
    """``1 file``, ``3 files``, translated."""
    return ngettext("{n} file", "{n} files", n).format(n=n)


def register(app: typer.Typer) -> None:
    """Add the command to the main app."""
    app.command("scan", help=HELP)(scan_command)


def scan_command(
    ctx: typer.Context,
    paths: list[str] = typer.Argument(None, help=_("Folders to scan (default: every root).")),
    hash_files: bool = typer.Option(
        False, "--hash", help=_("Also compute SHA-256 (and AutoV1) of files not hashed yet.")
    ),
    as_json: bool = json_option(_("JSON instead of text (docs/json.md).")),
) -> None:
    state = ctx.find_root().obj
    suite = state.suite()
    library = suite.library
    _targets, added = library.targets_for(list(paths or []))  # checks PATHs, adds new roots
    cancel = threading.Event()
    outcome: list[ScanSummary] = []
    failure: list[BaseException] = []
    show_progress = not as_json and not state.quiet and err.is_terminal
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),  # paths
        console=err,
        transient=True,
    )
    task = progress.add_task(_("Scanning…"), total=None)

    def on_progress(event: LibraryScanProgressed) -> None:
        label = _(PHASES.get(event.phase, event.phase))
        if event.phase in ("hash", "moves") and event.files_total is not None:
            amount = _("{done}/{total} files, {bytes}/{bytes_total}").format(
                done=event.files,
                total=event.files_total,
                bytes=format_bytes(event.bytes),
                bytes_total=format_bytes(event.bytes_total or 0),
            )
        else:
            amount = f"{files_count(event.files)}, {format_bytes(event.bytes)}"
        where = f"  {event.current_path}" if event.current_path else ""
        progress.update(task, description=f"{label}: {amount}{where}")

    finished = threading.Event()

    def work() -> None:
        try:
            outcome.append(
                library.scan(
                    list(paths or []) or None,
                    hash=hash_files,
                    on_progress=on_progress if show_progress else None,
                    cancel=cancel,
                )
            )
        except BaseException as exc:  # handed to the main thread
            failure.append(exc)
        finally:
            finished.set()

    worker = threading.Thread(target=work, name="library-scan", daemon=True)
    if show_progress:
        progress.start()
    try:
        worker.start()
        # Polled with sleep, not Thread.join: a Ctrl-C inside join() can leave the thread
        # looking finished while it still runs (CPython 3.11).
        while True:
            try:
                if finished.is_set():
                    break
                time.sleep(0.05)
            except KeyboardInterrupt:
                cancel.set()
    finally:
        if show_progress:
            progress.stop()
    if failure:
        raise failure[0]
    summary = outcome[0]
    if as_json:
        print_json(scan_view(summary, added))
    else:
        _print_summary(summary, added, hash_files)
    if summary.cancelled:
        raise cancelled_error(summary)


def cancelled_error(summary: ScanSummary) -> OperationCancelled:
    """What a scan stopped by Ctrl-C ends with (exit 130)."""
    return OperationCancelled(
        _(
            "Scan stopped: {files} read and recorded so far. Run hfsuite scan again to finish."
        ).format(files=files_count(summary.identified))
    )


def _print_summary(s: ScanSummary, added: list[str], hashed: bool) -> None:
    for root in added:
        out.print(_("Added scan root {root}").format(root=root))
    changes = [
        _("{n} new").format(n=s.added),
        _("{n} changed").format(n=s.changed),
        _("{n} removed").format(n=s.removed),
        _("{n} moved").format(n=len(s.moved)),
        _("{n} unchanged").format(n=s.unchanged),
    ]
    folders = ngettext("{n} folder", "{n} folders", len(s.roots)).format(n=len(s.roots))
    out.print(
        _("Scanned {folders}: {files}, {size} ({changes}) in {seconds} s").format(
            folders=folders,
            files=files_count(s.files),
            size=format_bytes(s.bytes),
            changes=", ".join(changes),
            seconds=f"{s.elapsed_s:.1f}",
        )
    )
    for move in s.moved[:ISSUES_SHOWN]:
        out.print(_("  moved: {old} -> {new}").format(old=move.old_path, new=move.new_path))
    if hashed or s.hashed_files:
        out.print(
            _("Hashed {files} ({size} read); {known} already known").format(
                files=files_count(s.hashed_files),
                size=format_bytes(s.hashed_bytes),
                known=files_count(s.cached_hashes),
            )
        )
    if s.issues:
        n = len(s.issues)
        err.print(
            ngettext(
                "[yellow]{n} path could not be read in full:[/]",
                "[yellow]{n} paths could not be read in full:[/]",
                n,
            ).format(n=n),
            markup=True,
        )
        for issue in s.issues[:ISSUES_SHOWN]:
            err.print(f"  {issue.path}: {issue.kind}: {issue.message}", markup=False)
        if len(s.issues) > ISSUES_SHOWN:
            err.print(
                _("  … and {n} more (hfsuite scan --json lists all)").format(
                    n=len(s.issues) - ISSUES_SHOWN
                )
            )
