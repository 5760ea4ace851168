"""``hfsuite updates``: which downloaded repositories changed upstream, and queue the changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.text import Text

from hfsuite.cli.json_views import updates_view
from hfsuite.cli.output import err, json_option, out, print_json, print_warning
from hfsuite.cli.tables import FoldingTable
from hfsuite.core.i18n import _, ngettext, pgettext

if TYPE_CHECKING:
    from hfsuite.app.download.updates import RepoUpdate

HELP = _("""Check every downloaded repository for upstream changes.

Compares what each destination holds with the commit its revision points to now and lists
the files that were added (new upstream, within what the download asked for), modified, or
removed upstream (while still in the destination). --apply queues the modified files (and with
--include-added the new ones) into the same destinations; run them with `hfsuite queue run`.
A repository is up to date only when none of that remains.

A hub that cannot be reached is named once; its repositories say "unreachable". Exit 5 when
no repository could be checked, 0 when some could (a warning names what could not).

Examples:

  hfsuite updates

  hfsuite updates --apply

  hfsuite updates --json
""")


def register(app: typer.Typer) -> None:
    """Add the command to the main app."""
    app.command("updates", help=HELP)(updates_command)


def updates_command(
    ctx: typer.Context,
    apply: bool = typer.Option(False, "--apply", help=_("Queue the changed files.")),
    include_added: bool = typer.Option(
        False, "--include-added", help=_("With --apply, also queue files new upstream.")
    ),
    as_json: bool = json_option(),
) -> None:
    from hfsuite.app.download.updates import ChangeKind, apply_updates, check_updates
    from hfsuite.app.queue.manager import DownloadManager
    from hfsuite.core.units import format_bytes

    suite = ctx.find_root().obj.suite()
    updates = check_updates(suite)
    queued: list[int] = []
    if apply:
        queued = apply_updates(DownloadManager(suite), updates, include_added=include_added)
    if as_json:
        print_json(updates_view(updates, queued))
        _tell_unreachable(updates)
        return
    if not updates:
        out.print(_("No downloaded repositories are tracked yet."))
        return
    table = FoldingTable(title=_("Downloaded repositories"), title_justify="left")
    for col in (_("repo"), _("destination"), _("downloaded"), _("now"), _("changes")):
        table.add_column(col, overflow="fold")
    for u in updates:
        v = u.version
        if u.unreachable:
            status = _("[red]unreachable[/]")
        elif u.error:
            status = f"[red]{escape(u.error)}[/]"
        elif u.pinned:
            status = _("[dim]pinned commit[/]")
        elif not u.has_update:
            status = _("[green]up to date[/]")
        else:
            status = (
                f"[yellow]+{u.count(ChangeKind.ADDED)} ~{u.count(ChangeKind.MODIFIED)} "
                f"-{u.count(ChangeKind.REMOVED)}[/] ({format_bytes(u.download_bytes)})"
            )
        name = v.repo_id if v.repo_type.value == "model" else f"{v.repo_type.value}s/{v.repo_id}"
        now = (u.current_commit or "?")[:10]
        table.add_row(
            name, v.destination, v.commit[:10], now, Text.from_markup(status, emoji=False)
        )
    out.print(table)
    for u in updates:
        for c in u.changes:
            kind = _kind_text(c.kind.value)
            out.print(f"  {u.version.repo_id}: {_pad(kind, 8)} {c.path}", highlight=False)
    for line in _next_steps(updates, apply=apply, include_added=include_added, queued=queued):
        out.print(line, highlight=False)
    _tell_unreachable(updates)


def _kind_text(kind: str) -> str:
    """A ChangeKind's value, translated."""
    texts = {
        "added": pgettext("change", "added"),
        "modified": pgettext("change", "modified"),
        "removed": pgettext("change", "removed"),
    }
    return texts.get(kind, kind)


def _pad(text: str, width: int) -> str:
    """``text`` left-aligned in ``width`` terminal columns (a CJK character takes two)."""
    from rich.cells import cell_len

    return text + " " * max(0, width - cell_len(text))


def _tell_unreachable(updates: list[RepoUpdate]) -> None:
    """Name each source that could not be reached once; exit 5 when that left nothing checked.

    Raises:
        typer.Exit: code 5, when no repository could be checked.
    """
    from hfsuite.app.download.updates import nothing_checked, unreachable_sources

    down = unreachable_sources(updates)
    if not down:
        return
    if nothing_checked(updates):
        for why in down.values():
            err.print(
                _("[bold red]Error:[/] {message}").format(message=escape(why)),
                highlight=False,
                markup=True,
            )
        raise typer.Exit(5)
    for source, why in down.items():
        missed = sum(1 for u in updates if u.unreachable and u.version.source is source)
        not_checked = ngettext(
            "{why} Not checked: {n} repository.", "{why} Not checked: {n} repositories.", missed
        )
        print_warning(not_checked.format(why=why, n=missed))


def _next_steps(
    updates: list[RepoUpdate], *, apply: bool, include_added: bool, queued: list[int]
) -> list[str]:
    """What the user can do about the changes listed."""
    from hfsuite.app.download.updates import ChangeKind

    modified = sum(u.count(ChangeKind.MODIFIED) for u in updates)
    added = sum(u.count(ChangeKind.ADDED) for u in updates)
    removed = sum(u.count(ChangeKind.REMOVED) for u in updates)
    lines = []
    if apply:
        n = len(queued)
        lines.append(
            ngettext(
                "Queued {n} task; run them with `hfsuite queue run`.",
                "Queued {n} tasks; run them with `hfsuite queue run`.",
                n,
            ).format(n=n)
        )
    elif modified:
        lines.append(_("Run `hfsuite updates --apply` to queue the modified files."))
    if added and not include_added:
        lines.append(
            ngettext(
                "New upstream: {n} file; `hfsuite updates --apply --include-added` queues it too.",
                "New upstream: {n} files; `hfsuite updates --apply --include-added` queues them "
                "too.",
                added,
            ).format(n=added)
        )
    if removed:
        lines.append(
            ngettext(
                "Removed upstream but still in their destination: {n} file; delete it if you no "
                "longer need it.",
                "Removed upstream but still in their destination: {n} files; delete them if you "
                "no longer need them.",
                removed,
            ).format(n=removed)
        )
    return lines
