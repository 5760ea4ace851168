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
from hfsuite.core.errors import OperationCancelled, UsageError
from hfsuite.core.i18n import _, ngettext, tr

if TYPE_CHECKING:
    from hfsuite.app.suite import Suite
    from hfsuite.app.sync import ImportPlan, RoundReport

app = typer.Typer(
    help=_(
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


@app.command(
    "export",
    help=_(
        "Write this machine's settings, profiles, favorites and added tools to FILE.\n\n"
        "Not written: tokens (they stay in the keyring), settings that may hold a secret or only\n"
        "make sense here (proxy, folders, the database), profiles made by `profiles detect`.\n\n"
        "Examples:\n\n"
        "  hfsuite sync export ~/hfsuite-sync.json"
    ),
)
def export_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help=_("The file to write (replaced when it exists).")),
) -> None:
    from hfsuite.app.sync import export_file

    document = export_file(_suite(ctx), file)
    counts = _(", ").join(
        _section_count(section, len(items)) for section, items in document.sections.items()
    )
    out.print(
        _("Wrote {path}: {counts}.").format(path=escape(str(file)), counts=escape(counts)),
        markup=True,
    )


def _section_count(section: str, count: int) -> str:
    """``3 profiles``: how many items of a section (``section`` is a sync file's key)."""
    words = {
        "settings": ngettext("{n} setting", "{n} settings", count),
        "profiles": ngettext("{n} profile", "{n} profiles", count),
        "favorites": ngettext("{n} favorite", "{n} favorites", count),
        "tools": ngettext("{n} tool", "{n} tools", count),
    }
    if section in words:
        return words[section].format(n=count)
    return f"{count} {section.rstrip('s') if count == 1 else section}"


@app.command(
    "import",
    help=_(
        "Apply a sync file here: the changes are shown first (added, changed, removed per\n"
        "section), then applied all or nothing.\n\n"
        "Examples:\n\n"
        "  hfsuite sync export sync.json && hfsuite sync import sync.json --dry-run\n\n"
        "  hfsuite sync export sync.json && hfsuite sync import sync.json --yes"
    ),
)
def import_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help=_("A file written by `hfsuite sync export`.")),
    dry_run: bool = typer.Option(False, "--dry-run", "-n", help=_("Only show what would change.")),
    yes: bool = typer.Option(False, "--yes", "-y", help=_("Apply without asking.")),
    replace: bool = typer.Option(
        False,
        "--replace",
        help=_("Also remove the items (of the sections the file has) that the file does not list."),
    ),
) -> None:
    from hfsuite.app.sync import apply_import, plan_import, read_document

    suite = _suite(ctx)
    document = read_document(file)
    plan = plan_import(suite, document, replace=replace)
    _show_plan(plan)
    if not plan.changes:
        out.print(_("Nothing to change."))
        return
    if dry_run:
        out.print(_("Dry run: nothing was changed."))
        return
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(
                tr("Not importing without confirmation: stdin is not a terminal."),
                hint=tr(
                    "Check the changes, then run the same command with --yes "
                    "(or with --dry-run to only show them)."
                ),
            )
        if not typer.confirm(
            _("Apply {changes}?").format(changes=_changes(len(plan.changes))), err=True
        ):
            raise OperationCancelled(tr("Import cancelled: nothing was changed."))
    apply_import(suite, plan)
    out.print(
        _("Applied {changes} from {path}.").format(
            changes=_changes(len(plan.changes)), path=escape(str(file))
        ),
        markup=True,
    )


def _changes(count: int) -> str:
    return ngettext("{n} change", "{n} changes", count).format(n=count)


def _show_plan(plan: ImportPlan) -> None:
    from hfsuite.app.sync import SECTIONS

    document = plan.document
    out.print(
        _("From {machine} ({id}), exported {date}:").format(
            machine=escape(document.machine_name),
            id=escape(document.machine_id),
            date=escape(_iso(document.exported_at)),
        ),
        markup=True,
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
            f"[bold]{section}[/]: "
            + _("{added} added, {changed} changed, {removed} removed").format(
                added=added, changed=changed, removed=removed
            )
            + (_(", {n} skipped").format(n=len(skipped)) if skipped else ""),
            markup=True,
        )
        for change in changes:
            key = escape(change.key)
            if change.action == "added":
                out.print(f"  [green]+ {key}[/]: {escape(_short(change.new))}", markup=True)
            elif change.action == "removed":
                out.print(f"  [red]- {key}[/]: {escape(_short(change.old))}", markup=True)
            else:
                out.print(
                    f"  [yellow]~ {key}[/]: {escape(_short(change.old))} -> "
                    f"{escape(_short(change.new))}",
                    markup=True,
                )
        for key, why in skipped:
            skipped_line = _("[dim]skipped {key}: {reason}[/]")
            out.print("  " + skipped_line.format(key=escape(key), reason=escape(why)), markup=True)


def _iso(ts: float) -> str:
    from hfsuite.app.sync.document import iso

    return iso(ts)


@app.command(
    "folder",
    help=_(
        "Run one sync round through a folder a cloud drive or Syncthing keeps in step: write\n"
        "this machine's file there, read the other machines', take the newest of each item.\n\n"
        "The folder is remembered (setting sync_folder) unless --once; run `hfsuite sync folder`\n"
        "again (from cron, a systemd timer or Task Scheduler) for the next rounds. Conflicts (an\n"
        "item changed on two machines) keep the newest and are logged in the folder.\n\n"
        "Examples:\n\n"
        "  hfsuite sync folder ~/Sync/hfsuite\n\n"
        "  hfsuite sync folder ~/Sync/hfsuite --once\n\n"
        "  hfsuite sync folder ~/Sync/hfsuite && hfsuite sync folder"
    ),
)
def folder_command(
    ctx: typer.Context,
    path: Path | None = typer.Argument(
        None, help=_("The shared folder (default: the one set before, setting sync_folder).")
    ),
    once: bool = typer.Option(
        False, "--once", help=_("Run one round with PATH without remembering it.")
    ),
) -> None:
    from hfsuite.app.sync import sync_round
    from hfsuite.app.sync.folder import check_folder

    suite = _suite(ctx)
    if path is None:
        remembered = suite.settings.sync_folder
        if remembered is None:
            raise UsageError(
                tr("No sync folder is set."),
                hint=tr(
                    "Give one: hfsuite sync folder PATH (a folder your cloud drive or "
                    "Syncthing keeps in step)."
                ),
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
        print_warning(_("skipped {path}: {reason}").format(path=path, reason=why))
    for conflict in report.conflicts:
        print_warning(_("conflict: {line}").format(line=conflict.line(report.round_at)))
    others = ", ".join(report.machines) or _("none yet")
    out.print(
        _("Synced through {folder} (other machines: {machines}).").format(
            folder=escape(str(report.folder)), machines=escape(others)
        ),
        markup=True,
    )
    if report.applied:
        out.print(
            _("{changes} taken from other machines:").format(changes=_changes(len(report.applied)))
        )
        for change in report.applied:
            out.print(
                f"  {change.action} {escape(change.section)} {escape(change.key)}", markup=True
            )
    else:
        out.print(_("Nothing changed here."))
    if report.conflicts:
        count = len(report.conflicts)
        out.print(
            _("{conflicts}: the newest kept; the others are in {path}.").format(
                conflicts=ngettext("{n} conflict", "{n} conflicts", count).format(n=count),
                path=escape(str(report.folder / f"conflicts-{report.machine_id}.log")),
            ),
            markup=True,
        )
