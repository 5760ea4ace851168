"""``hfsuite sync``: settings, profiles, favorites and tools across machines (a file to export
and import, or a folder kept in step by a cloud drive or Syncthing). Tokens are never synced."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape

from hfsuite.cli.output import out, print_warning
from hfsuite.cli.wording import counted
from hfsuite.core.errors import OperationCancelled, UsageError

if TYPE_CHECKING:
    from hfsuite.app.suite import Suite
    from hfsuite.app.sync import ImportPlan, RoundReport

app = typer.Typer(
    help=(
        "Settings, profiles, favorites and added tools across machines (docs/sync.md). "
        "Tokens and this machine's own folders are never in a sync file.\n\n"
        "Examples:\n\n"
        "  hfsuite sync export ~/hfsuite-sync.json\n\n"
        "  hfsuite sync export sync.json && hfsuite sync import sync.json --dry-run\n\n"
        "  hfsuite sync folder ~/Sync/hfsuite"
    ),
    no_args_is_help=True,
)


def _suite(ctx: typer.Context) -> Suite:
    suite: Suite = ctx.find_root().obj.suite()
    return suite


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 120 else text[:117] + "..."


@app.command("export")
def export_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="The file to write (replaced when it exists)."),
) -> None:
    """Write this machine's settings, profiles, favorites and added tools to FILE.

    Not written: tokens (they stay in the keyring), settings that may hold a secret or only
    make sense here (proxy, folders, the database), profiles made by `profiles detect`.

    Examples:

      hfsuite sync export ~/hfsuite-sync.json
    """
    from hfsuite.app.sync import export_file

    document = export_file(_suite(ctx), file)
    counts = ", ".join(
        counted(len(items), section.rstrip("s") if section != "settings" else "setting")
        for section, items in document.sections.items()
    )
    out.print(f"Wrote {escape(str(file))}: {escape(counts)}.")


@app.command("import")
def import_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A file written by `hfsuite sync export`."),
    dry_run: bool = typer.Option(False, "--dry-run", "-n", help="Only show what would change."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Apply without asking."),
    replace: bool = typer.Option(
        False,
        "--replace",
        help="Also remove the items (of the sections the file has) that the file does not list.",
    ),
) -> None:
    """Apply a sync file here: the changes are shown first (added, changed, removed per
    section), then applied all or nothing.

    Examples:

      hfsuite sync export sync.json && hfsuite sync import sync.json --dry-run

      hfsuite sync export sync.json && hfsuite sync import sync.json --yes
    """
    from hfsuite.app.sync import apply_import, plan_import, read_document

    suite = _suite(ctx)
    document = read_document(file)
    plan = plan_import(suite, document, replace=replace)
    _show_plan(plan)
    if not plan.changes:
        out.print("Nothing to change.")
        return
    if dry_run:
        out.print("Dry run: nothing was changed.")
        return
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(
                "Not importing without confirmation: stdin is not a terminal.",
                hint="Check the changes, then run the same command with --yes "
                "(or with --dry-run to only show them).",
            )
        if not typer.confirm(f"Apply {counted(len(plan.changes), 'change')}?", err=True):
            raise OperationCancelled("Import cancelled: nothing was changed.")
    apply_import(suite, plan)
    out.print(f"Applied {counted(len(plan.changes), 'change')} from {escape(str(file))}.")


def _show_plan(plan: ImportPlan) -> None:
    from hfsuite.app.sync import SECTIONS

    document = plan.document
    out.print(
        f"From {escape(document.machine_name)} ({escape(document.machine_id)}), "
        f"exported {escape(_iso(document.exported_at))}:"
    )
    for section in SECTIONS:
        changes = plan.of(section)
        skipped = [(k, why) for s, k, why in plan.skipped if s == section]
        if section not in document.sections:
            continue
        added = sum(c.action == "added" for c in changes)
        changed = sum(c.action == "changed" for c in changes)
        removed = sum(c.action == "removed" for c in changes)
        out.print(
            f"[bold]{section}[/]: {added} added, {changed} changed, {removed} removed"
            + (f", {len(skipped)} skipped" if skipped else "")
        )
        for change in changes:
            key = escape(change.key)
            if change.action == "added":
                out.print(f"  [green]+ {key}[/]: {escape(_short(change.new))}")
            elif change.action == "removed":
                out.print(f"  [red]- {key}[/]: {escape(_short(change.old))}")
            else:
                out.print(
                    f"  [yellow]~ {key}[/]: {escape(_short(change.old))} -> "
                    f"{escape(_short(change.new))}"
                )
        for key, why in skipped:
            out.print(f"  [dim]skipped {escape(key)}: {escape(why)}[/]")


def _iso(ts: float) -> str:
    from hfsuite.app.sync.document import iso

    return iso(ts)


@app.command("folder")
def folder_command(
    ctx: typer.Context,
    path: Path | None = typer.Argument(
        None, help="The shared folder (default: the one set before, setting sync_folder)."
    ),
    once: bool = typer.Option(
        False, "--once", help="Run one round with PATH without remembering it."
    ),
) -> None:
    """Run one sync round through a folder a cloud drive or Syncthing keeps in step: write
    this machine's file there, read the other machines', take the newest of each item.

    The folder is remembered (setting sync_folder) unless --once; run `hfsuite sync folder`
    again (from cron, a systemd timer or Task Scheduler) for the next rounds. Conflicts (an
    item changed on two machines) keep the newest and are logged in the folder.

    Examples:

      hfsuite sync folder ~/Sync/hfsuite

      hfsuite sync folder ~/Sync/hfsuite --once

      hfsuite sync folder ~/Sync/hfsuite && hfsuite sync folder
    """
    from hfsuite.app.sync import sync_round
    from hfsuite.app.sync.folder import check_folder

    suite = _suite(ctx)
    if path is None:
        remembered = suite.settings.sync_folder
        if remembered is None:
            raise UsageError(
                "No sync folder is set.",
                hint="Give one: hfsuite sync folder PATH (a folder your cloud drive or "
                "Syncthing keeps in step).",
            )
        folder = remembered
    else:
        folder = check_folder(path)
        if not once:
            suite.store.set("sync_folder", str(folder))
    report = sync_round(suite, folder)
    _show_round(report)


def _show_round(report: RoundReport) -> None:
    for warning in report.warnings:
        print_warning(warning)
    for path, why in report.skipped_files:
        print_warning(f"skipped {path}: {why}")
    for conflict in report.conflicts:
        print_warning(f"conflict: {conflict.line(report.round_at)}")
    others = ", ".join(report.machines) or "none yet"
    out.print(f"Synced through {escape(str(report.folder))} (other machines: {escape(others)}).")
    if report.applied:
        out.print(f"{counted(len(report.applied), 'change')} taken from other machines:")
        for change in report.applied:
            out.print(f"  {change.action} {escape(change.section)} {escape(change.key)}")
    else:
        out.print("Nothing changed here.")
    if report.conflicts:
        out.print(
            f"{counted(len(report.conflicts), 'conflict')}: the newest kept; the others are "
            f"in {escape(str(report.folder / f'conflicts-{report.machine_id}.log'))}."
        )
