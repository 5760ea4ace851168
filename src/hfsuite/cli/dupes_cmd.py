"""``hfsuite dupes``: duplicate files of the library, and ``dupes reclaim`` to free their space."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.markup import escape

from hfsuite.cli.groups import SubcommandGroup
from hfsuite.cli.json_views import document
from hfsuite.cli.output import err, json_option, out, print_json, print_warning
from hfsuite.core.errors import HfSuiteError, OperationCancelled, UsageError
from hfsuite.core.i18n import N_, _, ngettext, tr
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


class _DupesGroup(SubcommandGroup):
    """``hfsuite dupes [PATH...]`` lists; ``hfsuite dupes reclaim …`` reclaims.

    Anything that is not a sub-command's name goes to ``ls`` (paths and options alike).
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["ls", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_DupesGroup,
    help=_(
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

PATHS_HELP = _(
    "Only files under these files or folders (they must have been scanned: `hfsuite scan "
    "PATH`). Default: the whole library."
)
# Outcomes and modes of a reclaim, shown translated.
_WORDS = (N_("done"), N_("skipped"), N_("failed"), N_("hardlink"), N_("symlink"), N_("delete"))


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
                _("{label} hashing {done} of {total}").format(
                    label=label,
                    done=format_bytes(p.bytes_done),
                    total=format_bytes(p.bytes_total),
                )
            )

    return status, update


def _find(suite: Suite, paths: list[str]) -> DupesResult:
    from hfsuite.app.library.dupes import find, suite_index

    status, update = hash_status(_("Looking for duplicates…"))
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


@app.command(
    "ls",
    help=_(
        "List duplicate files (the default of `hfsuite dupes`).\n\n"
        "Groups narrow by size, then a hash of the first and last MiB, then the "
        "full SHA-256 (read\n"
        "once: hashes come from and go to the library's hash cache).\n\n"
        "Examples:\n\n"
        "  hfsuite dupes ls\n\n"
        "  hfsuite scan ~/apps/ComfyUI && hfsuite dupes ls ~/apps/ComfyUI --json"
    ),
)
def list_command(
    ctx: typer.Context,
    paths: list[str] = typer.Argument(None, help=PATHS_HELP, show_default=False),
    as_json: bool = json_option(),
) -> None:
    result = _find(_suite(ctx), paths or [])
    if as_json:
        print_json(dupes_view(result))
        return
    _print_groups(result)


def _print_groups(result: DupesResult) -> None:
    for path, message in result.problems:
        print_warning(_("Not hashed: {path}: {message}").format(path=path, message=message))
    if result.gone:
        n = len(result.gone)
        print_warning(
            ngettext(
                "{n} indexed file no longer there; `hfsuite scan` updates the library.",
                "{n} indexed files no longer there; `hfsuite scan` updates the library.",
                n,
            ).format(n=n)
        )
    if not result.groups:
        n = len(result.files)
        out.print(
            ngettext(
                "No duplicate files among {n} file.", "No duplicate files among {n} files.", n
            ).format(n=n)
        )
        if not result.files:
            out.print(_("The library index has no files here yet: `hfsuite scan` fills it."))
        return
    for group in result.groups:
        wasted = _("([yellow]{size} wasted[/])").format(size=format_bytes(group.wasted_bytes))
        out.print(
            f"[bold]{group.sha256[:16]}[/]  {format_bytes(group.size)} x {len(group.copies)}"
            f"  {wasted}",
            markup=True,
        )
        for copy in group.copies:
            notes = []
            if len(copy.paths) > 1:
                more = len(copy.paths) - 1
                notes.append(
                    ngettext("{n} more hard link", "{n} more hard links", more).format(n=more)
                )
            if copy.hf_blob:
                notes.append(_("HF cache blob"))
            if copy.symlinks:
                links = len(copy.symlinks)
                notes.append(
                    ngettext("{n} symlink to it", "{n} symlinks to it", links).format(n=links)
                )
            tail = f"  [dim]({', '.join(notes)})[/]" if notes else ""
            out.print(f"  {escape(copy.path)}{tail}", markup=True)
    extra = sum(len(g.copies) - 1 for g in result.groups)
    groups = ngettext("{n} group", "{n} groups", len(result.groups)).format(n=len(result.groups))
    copies = ngettext("{n} extra copy", "{n} extra copies", extra).format(n=extra)
    out.print(
        _(
            "{groups}, {copies}: [bold]{size}[/] wasted. "
            "`hfsuite dupes reclaim --hardlink|--symlink|--delete --dry-run` shows what "
            "reclaiming would do."
        ).format(groups=groups, copies=copies, size=format_bytes(result.wasted_bytes)),
        markup=True,
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
        console.print(
            _("  [dim]leave[/] {path}: {reason}").format(
                path=escape(refusal.path), reason=escape(refusal.reason)
            ),
            markup=True,
        )
    if not plan.actions:
        return
    console.print(
        _("[bold]Plan ({mode}):[/] {actions}, frees {size} ({bytes} bytes)").format(
            mode=_(plan.mode.value),
            actions=_actions(len(plan.actions)),
            size=format_bytes(plan.bytes_to_free),
            bytes=plan.bytes_to_free,
        ),
        markup=True,
    )
    for action in plan.actions:
        console.print(f"  {escape(action.describe())}", markup=True)


def _actions(n: int) -> str:
    return ngettext("{n} action", "{n} actions", n).format(n=n)


def _print_entry(entry: ReclaimLogEntry) -> None:
    from hfsuite.app.library.dupes import Outcome

    if entry.outcome is Outcome.PLANNED:
        return
    colour = {"done": "green", "skipped": "yellow", "failed": "red"}[entry.outcome.value]
    why = f": {escape(entry.reason)}" if entry.reason else ""
    out.print(
        f"  [{colour}]{_(entry.outcome.value)}[/] {escape(entry.action.path)}{why}", markup=True
    )


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
            tr("Not reclaiming without confirmation: stdin is not a terminal."),
            hint=tr(
                "Check the plan, then run the same command with --yes "
                "(or with --dry-run to only list it)."
            ),
        )
    question = _("Carry out {actions}, freeing {size}?").format(
        actions=_actions(len(plan.actions)), size=format_bytes(plan.bytes_to_free)
    )
    if not typer.confirm(question, default=False, err=True):
        raise OperationCancelled(tr("Reclaim cancelled: nothing was changed."))


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
            tr("Choose one way to reclaim: --hardlink, --symlink or --delete."),
            hint=tr("--hardlink keeps every path a regular file (same file system only)."),
        )
    return chosen[0]


@app.command(
    "reclaim",
    help=_(
        "Free the space duplicates take: keep one copy per group, link or delete "
        "the others.\n\n"
        "The plan (every action and the bytes it frees) is shown first; without "
        "--yes you are asked\n"
        "(and, when stdin is not a terminal, refused: exit 2). Each replacement "
        "is atomic (a link\n"
        "under a temporary name, then a rename over the duplicate); a file that "
        "changed since it was\n"
        "hashed is skipped; the HF cache is never broken (its blobs stay, its "
        "snapshot files are not\n"
        "deleted). Every action goes to the log file and the reclaim log. Exit 1 "
        "when an action\n"
        "failed.\n\n"
        "Examples:\n\n"
        "  hfsuite dupes reclaim --hardlink --dry-run\n\n"
        "  hfsuite dupes reclaim --delete --dry-run --json\n\n"
        "  hfsuite scan ~/apps/ComfyUI && hfsuite dupes reclaim --symlink --yes "
        "~/apps/ComfyUI"
    ),
)
def reclaim_command(
    ctx: typer.Context,
    paths: list[str] = typer.Argument(None, help=PATHS_HELP, show_default=False),
    hardlink: bool = typer.Option(
        False, "--hardlink", help=_("Replace each duplicate by a hard link to the kept copy.")
    ),
    symlink: bool = typer.Option(
        False, "--symlink", help=_("Replace each duplicate by a symbolic link to the kept copy.")
    ),
    delete: bool = typer.Option(False, "--delete", help=_("Delete each duplicate.")),
    dry_run: bool = typer.Option(False, "--dry-run", help=_("Show the plan; change nothing.")),
    yes: bool = typer.Option(False, "--yes", "-y", help=_("Do not ask before changing files.")),
    as_json: bool = json_option(),
) -> None:
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
            out.print(_("Nothing to reclaim."))
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
                _(
                    "The library index was not updated ({reason}); `hfsuite scan` updates it."
                ).format(reason=exc.message)
            )
    if as_json:
        print_json(reclaim_view(plan, run, dry_run))
    else:
        _print_report(run)
    if run.report.failed:
        raise typer.Exit(1)


def _print_report(run: ReclaimResult) -> None:
    if run.stale_temps:
        text = (
            _("Leftovers of an interrupted reclaim (would remove): {paths}")
            if run.dry_run
            else _("Leftovers of an interrupted reclaim (removed): {paths}")
        )
        out.print(text.format(paths=", ".join(escape(p) for p in run.stale_temps)), markup=True)
    if run.dry_run:
        out.print(_("Dry run: nothing was changed."))
        return
    r = run.report
    out.print(
        _(
            "[bold]Reclaimed {size}[/] ({bytes} bytes): "
            "{done} done, {skipped} skipped, {failed} failed."
        ).format(
            size=format_bytes(r.freed_bytes),
            bytes=r.freed_bytes,
            done=r.done,
            skipped=r.skipped,
            failed=r.failed,
        ),
        markup=True,
    )
