"""``hfsuite dupes``: duplicate files of the library, and ``dupes reclaim`` to free their space."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from hfsuite.cli.json_views import document
from hfsuite.cli.output import err, json_option, out, print_json, print_warning
from hfsuite.cli.wording import counted
from hfsuite.core.errors import HfSuiteError, OperationCancelled, UsageError
from hfsuite.core.units import format_bytes

if TYPE_CHECKING:
    from hfsuite.app.library.dupes import (
        DupesResult,
        DuplicateGroup,
        ReclaimLogEntry,
        ReclaimPlan,
        ReclaimResult,
    )
    from hfsuite.app.suite import Suite


class _DupesGroup(TyperGroup):
    """``hfsuite dupes [PATH...]`` lists; ``hfsuite dupes reclaim …`` reclaims.

    Anything that is not a sub-command's name goes to ``ls`` (paths and options alike).
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["ls", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_DupesGroup,
    help=(
        "Duplicate files in the library, and reclaiming their space.\n\n"
        "Files are those of the last `hfsuite scan`; hard links of one file and the HF "
        "cache's symbolic links are one copy, never duplicates.\n\n"
        "Examples:\n\n"
        "  hfsuite dupes\n\n"
        "  hfsuite scan ~/apps/ComfyUI && hfsuite dupes ~/apps/ComfyUI --json\n\n"
        "  hfsuite dupes reclaim --hardlink --dry-run\n\n"
        "  hfsuite dupes reclaim --delete --dry-run --json"
    ),
    no_args_is_help=False,
)

PATHS_HELP = (
    "Only files under these files or folders (they must have been scanned: `hfsuite scan "
    "PATH`). Default: the whole library."
)


def _suite(ctx: typer.Context) -> Suite:
    return ctx.find_root().obj.suite()


def hash_status(label: str) -> tuple[Any, Callable[[Any], None] | None]:
    """A spinner on a terminal (stderr) with the bytes hashed so far, and its updater."""
    if not err.is_terminal:
        return contextlib.nullcontext(), None
    status = err.status(label)

    def update(p: Any) -> None:  # a HashProgress, from the hashing threads
        if p.bytes_total:
            status.update(
                f"{label} hashing {format_bytes(p.bytes_done)} of {format_bytes(p.bytes_total)}"
            )

    return status, update


def _find(suite: Suite, paths: list[str]) -> DupesResult:
    from hfsuite.app.library.dupes import find, suite_index

    status, update = hash_status("Looking for duplicates…")
    with status:
        return find(suite_index(suite), paths, on_progress=update)


# --- listing ----------------------------------------------------------------------------------


def group_json(group: DuplicateGroup) -> dict[str, Any]:
    """One group in ``dupes --json``."""
    return {
        "sha256": group.sha256,
        "size_bytes": group.size,
        "paths": [c.path for c in group.copies],
        "wasted_bytes": group.wasted_bytes,
        "copies": [
            {"paths": list(c.paths), "hf_blob": c.hf_blob, "symlinks": list(c.symlinks)}
            for c in group.copies
        ],
    }


def dupes_view(result: DupesResult) -> dict[str, Any]:
    """``dupes --json``: the groups, and totals."""
    return document(
        "dupes",
        {
            "groups": [group_json(g) for g in result.groups],
            "group_count": len(result.groups),
            "wasted_bytes": result.wasted_bytes,
            "files_considered": len(result.files),
            "hashed_bytes": result.hashed_bytes,
            "gone": list(result.gone),
            "problems": [{"path": p, "message": m} for p, m in result.problems],
        },
    )


@app.command("ls")
def list_command(
    ctx: typer.Context,
    paths: list[str] = typer.Argument(None, help=PATHS_HELP, show_default=False),
    as_json: bool = json_option(),
) -> None:
    """List duplicate files (the default of `hfsuite dupes`).

    Groups narrow by size, then a hash of the first and last MiB, then the full SHA-256 (read
    once: hashes come from and go to the library's hash cache).

    Examples:

      hfsuite dupes ls

      hfsuite scan ~/apps/ComfyUI && hfsuite dupes ls ~/apps/ComfyUI --json
    """
    result = _find(_suite(ctx), paths or [])
    if as_json:
        print_json(dupes_view(result))
        return
    _print_groups(result)


def _print_groups(result: DupesResult) -> None:
    for path, message in result.problems:
        print_warning(f"Not hashed: {escape(path)}: {escape(message)}")
    if result.gone:
        print_warning(
            f"{counted(len(result.gone), 'indexed file')} no longer there; "
            "`hfsuite scan` updates the library."
        )
    if not result.groups:
        out.print(f"No duplicate files among {counted(len(result.files), 'file')}.")
        if not result.files:
            out.print("The library index has no files here yet: `hfsuite scan` fills it.")
        return
    for group in result.groups:
        out.print(
            f"[bold]{group.sha256[:16]}[/]  {format_bytes(group.size)} x {len(group.copies)}"
            f"  ([yellow]{format_bytes(group.wasted_bytes)} wasted[/])"
        )
        for copy in group.copies:
            notes = []
            if len(copy.paths) > 1:
                notes.append(counted(len(copy.paths) - 1, "more hard link"))
            if copy.hf_blob:
                notes.append("HF cache blob")
            if copy.symlinks:
                notes.append(counted(len(copy.symlinks), "symlink") + " to it")
            tail = f"  [dim]({', '.join(notes)})[/]" if notes else ""
            out.print(f"  {escape(copy.path)}{tail}")
    extra = sum(len(g.copies) - 1 for g in result.groups)
    out.print(
        f"{counted(len(result.groups), 'group')}, {counted(extra, 'extra copy', 'extra copies')}: "
        f"[bold]{format_bytes(result.wasted_bytes)}[/] wasted. "
        "`hfsuite dupes reclaim --hardlink|--symlink|--delete --dry-run` shows what reclaiming "
        "would do."
    )


# --- reclaiming -------------------------------------------------------------------------------


def _action_json(entry_or_action: Any, outcome: str | None, reason: str | None) -> dict[str, Any]:
    a = entry_or_action
    return {
        "mode": a.mode.value,
        "path": a.path,
        "keep": None if a.mode.value == "delete" else a.keep,
        "frees_bytes": a.frees_bytes,
        "outcome": outcome,
        "reason": reason,
    }


def reclaim_view(plan: ReclaimPlan, run: ReclaimResult | None, dry_run: bool) -> dict[str, Any]:
    """``dupes reclaim --json``: every action with its outcome, the refusals, the totals."""
    if run is not None:
        actions = [_action_json(e.action, e.outcome.value, e.reason or None) for e in run.entries]
    else:
        actions = [_action_json(a, None, None) for a in plan.actions]
    report = run.report if run is not None else None
    return document(
        "reclaim",
        {
            "mode": plan.mode.value,
            "dry_run": dry_run,
            "actions": actions,
            "refused": [{"path": r.path, "keep": r.keep, "reason": r.reason} for r in plan.refused],
            "planned_bytes": plan.bytes_to_free,
            "done": report.done if report else 0,
            "skipped": report.skipped if report else 0,
            "failed": report.failed if report else 0,
            "freed_bytes": report.freed_bytes if report else 0,
            "stale_temps": list(run.stale_temps) if run is not None else [],
        },
    )


def _print_plan(plan: ReclaimPlan, console: Console = out) -> None:
    """The plan: what is left alone, then every action and the bytes it frees."""
    for refusal in plan.refused:
        console.print(f"  [dim]leave[/] {escape(refusal.path)}: {escape(refusal.reason)}")
    if not plan.actions:
        return
    console.print(
        f"[bold]Plan ({plan.mode.value}):[/] {counted(len(plan.actions), 'action')}, "
        f"frees {format_bytes(plan.bytes_to_free)} ({plan.bytes_to_free} bytes)"
    )
    for action in plan.actions:
        console.print(f"  {escape(action.describe())}")


def _print_entry(entry: ReclaimLogEntry) -> None:
    from hfsuite.app.library.dupes import Outcome

    if entry.outcome is Outcome.PLANNED:
        return
    colour = {"done": "green", "skipped": "yellow", "failed": "red"}[entry.outcome.value]
    why = f": {escape(entry.reason)}" if entry.reason else ""
    out.print(f"  [{colour}]{entry.outcome.value}[/] {escape(entry.action.path)}{why}")


def _confirm(plan: ReclaimPlan, yes: bool) -> None:
    """Ask before changing anything (unless ``--yes``).

    Raises:
        UsageError: no ``--yes`` and stdin is not a terminal (nobody to ask).
        OperationCancelled: the answer was no.
    """
    if yes:
        return
    if not sys.stdin.isatty():
        raise UsageError(
            "Not reclaiming without confirmation: stdin is not a terminal.",
            hint="Check the plan, then run the same command with --yes "
            "(or with --dry-run to only list it).",
        )
    what = f"{counted(len(plan.actions), 'action')}, freeing {format_bytes(plan.bytes_to_free)}"
    if not typer.confirm(f"Carry out {what}?", default=False, err=True):
        raise OperationCancelled("Reclaim cancelled: nothing was changed.")


def _mode(hardlink: bool, symlink: bool, delete: bool) -> Any:
    from hfsuite.app.library.dupes import ReclaimMode

    chosen = [
        m
        for m, flag in (
            (ReclaimMode.HARDLINK, hardlink),
            (ReclaimMode.SYMLINK, symlink),
            (ReclaimMode.DELETE, delete),
        )
        if flag
    ]
    if len(chosen) != 1:
        raise UsageError(
            "Choose one way to reclaim: --hardlink, --symlink or --delete.",
            hint="--hardlink keeps every path a regular file (same file system only).",
        )
    return chosen[0]


@app.command("reclaim")
def reclaim_command(
    ctx: typer.Context,
    paths: list[str] = typer.Argument(None, help=PATHS_HELP, show_default=False),
    hardlink: bool = typer.Option(
        False, "--hardlink", help="Replace each duplicate by a hard link to the kept copy."
    ),
    symlink: bool = typer.Option(
        False, "--symlink", help="Replace each duplicate by a symbolic link to the kept copy."
    ),
    delete: bool = typer.Option(False, "--delete", help="Delete each duplicate."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the plan; change nothing."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask before changing files."),
    as_json: bool = json_option(),
) -> None:
    """Free the space duplicates take: keep one copy per group, link or delete the others.

    The plan (every action and the bytes it frees) is shown first; without --yes you are asked
    (and, when stdin is not a terminal, refused: exit 2). Each replacement is atomic (a link
    under a temporary name, then a rename over the duplicate); a file that changed since it was
    hashed is skipped; the HF cache is never broken (its blobs stay, its snapshot files are not
    deleted). Every action goes to the log file and the reclaim log. Exit 1 when an action
    failed.

    Examples:

      hfsuite dupes reclaim --hardlink --dry-run

      hfsuite dupes reclaim --delete --dry-run --json

      hfsuite scan ~/apps/ComfyUI && hfsuite dupes reclaim --symlink --yes ~/apps/ComfyUI
    """
    from hfsuite.app.library.dupes import index_forgetter, reclaim, rescan_touched, suite_index
    from hfsuite.app.library.dupes import plan as make_plan

    mode = _mode(hardlink, symlink, delete)
    suite = _suite(ctx)
    result = _find(suite, paths or [])
    plan = make_plan(result, mode)
    if not as_json:
        _print_plan(plan)
    if not plan.actions:
        if as_json:
            print_json(reclaim_view(plan, None, dry_run))
        else:
            out.print("Nothing to reclaim.")
        return
    if not dry_run:
        if as_json and not yes:
            _print_plan(plan, err)  # stdout holds only the JSON document
        _confirm(plan, yes)
    run = reclaim(
        suite_index(suite),
        plan,
        dry_run=dry_run,
        on_entry=None if as_json else _print_entry,
        forget=index_forgetter(suite),
    )
    if not dry_run:
        try:
            rescan_touched(suite, run)
        except HfSuiteError as exc:
            print_warning(
                f"The library index was not updated ({escape(exc.message)}); "
                "`hfsuite scan` updates it."
            )
    if as_json:
        print_json(reclaim_view(plan, run, dry_run))
    else:
        _print_report(run)
    if run.report.failed:
        raise typer.Exit(1)


def _print_report(run: ReclaimResult) -> None:
    if run.stale_temps:
        verb = "would remove" if run.dry_run else "removed"
        out.print(
            f"Leftovers of an interrupted reclaim ({verb}): "
            + ", ".join(escape(p) for p in run.stale_temps)
        )
    if run.dry_run:
        out.print("Dry run: nothing was changed.")
        return
    r = run.report
    out.print(
        f"[bold]Reclaimed {format_bytes(r.freed_bytes)}[/] ({r.freed_bytes} bytes): "
        f"{r.done} done, {r.skipped} skipped, {r.failed} failed."
    )
