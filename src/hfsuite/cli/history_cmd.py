"""``hfsuite history``: what was downloaded, favorites, re-download and export."""

from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from hfsuite.app.display_names import shown_name
from hfsuite.app.download.operation import parse_repo_arg
from hfsuite.app.suite import Suite
from hfsuite.cli.json_views import favorite_view, history_list_view, history_show_view
from hfsuite.cli.output import err, json_option, out, print_json
from hfsuite.cli.tables import FoldingTable
from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import N_, _, ngettext, tr
from hfsuite.core.types import Outcome, RepoRef
from hfsuite.core.units import format_bytes, format_duration, format_rate

if TYPE_CHECKING:
    from types import ModuleType

    from hfsuite.app.history_ops import HistoryQuery, HistoryRecord

EXPORT_FORMATS = ("csv", "json")
_OUTCOMES = (N_("completed"), N_("failed"), N_("cancelled"))
"""Outcome's values, shown translated."""

app = typer.Typer(
    help=_(
        "Finished, failed and cancelled downloads; favorites; re-download; export.\n\n"
        "Examples:\n\n"
        "  hfsuite history ls --outcome failed --since 7d\n\n"
        "  hfsuite history fav openai-community/gpt2 --note 'baseline'\n\n"
        "  hfsuite history redownload 1 --now\n\n"
        "  hfsuite history export --format csv --output history.csv"
    ),
    no_args_is_help=True,
)

_RELATIVE = re.compile(r"^(\d+)([dhw])$")


def _suite(ctx: typer.Context) -> Suite:
    return ctx.find_root().obj.suite()


def _ops() -> ModuleType:
    """History operations (imported on use: they bring in the database layer)."""
    from hfsuite.app import history_ops

    return history_ops


def parse_when(text: str | None, option: str) -> float | None:
    """``2025-06-01``, ``2025-06-01T12:00``, or ``7d`` / ``12h`` / ``2w`` ago, as epoch seconds."""
    if text is None:
        return None
    match = _RELATIVE.match(text.strip().lower())
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        delta = {"d": timedelta(days=amount), "h": timedelta(hours=amount)}.get(
            unit, timedelta(weeks=amount)
        )
        return (datetime.now() - delta).timestamp()
    try:
        return datetime.fromisoformat(text.strip()).timestamp()
    except ValueError:
        raise UsageError(
            tr("{option} {text} is not a date.", option=option, text=repr(text)),
            hint=tr("Use 2025-06-01, 2025-06-01T12:00 or 7d."),
        ) from None


def _query(
    text: str | None,
    outcome: list[Outcome] | None,
    since: str | None,
    until: str | None,
    favorites: bool,
    limit: int | None,
) -> HistoryQuery:
    return _ops().HistoryQuery(
        text=text or None,
        since=parse_when(since, "--since"),
        until=parse_when(until, "--until"),
        outcomes=tuple(outcome or ()),
        favorites_only=favorites,
        limit=limit,
    )


def _when(ts: float | None) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M") if ts else "-"


def _name(record: HistoryRecord) -> str:
    return shown_name(record.source, record.repo_type, record.repo_id, record.url, record.revision)


def _notes(suite: Suite, rows: list[HistoryRecord]) -> dict[int, str]:
    """The favorite's note of each row that has one, by entry id."""
    if not any(r.is_favorite for r in rows):
        return {}
    notes = _ops().favorite_notes(suite.database)
    return {r.id: note for r in rows if (note := _ops().note_of(notes, r))}


@app.command(
    "ls",
    help=_(
        "List downloads, newest first (a favorite shows its note after the star).\n\n"
        "Examples:\n\n"
        "  hfsuite history ls\n\n"
        "  hfsuite history ls gpt2 --favorites --json"
    ),
)
def list_command(
    ctx: typer.Context,
    text: str = typer.Argument(None, help=_("Only entries mentioning this (repo, path, error…).")),
    outcome: list[Outcome] = typer.Option(None, "--outcome", "-o", help=_("Only this outcome.")),
    since: str = typer.Option(None, "--since", help=_("From this date/time, or e.g. 7d ago.")),
    until: str = typer.Option(None, "--until", help=_("Before this date/time.")),
    favorites: bool = typer.Option(False, "--favorites", "-f", help=_("Only favorite repos.")),
    limit: int = typer.Option(50, "--limit", "-n", min=1, help=_("At most this many rows.")),
    as_json: bool = json_option(_("JSON instead of a table (docs/json.md).")),
) -> None:
    suite = _suite(ctx)
    rows = _ops().find_history(
        suite.database, _query(text, outcome, since, until, favorites, limit)
    )
    if as_json:
        print_json(history_list_view(rows))
        return
    notes = _notes(suite, rows)
    table = FoldingTable(box=None, pad_edge=False)
    headers = (_("id"), _("finished"), _("outcome"), _("repository"), _("commit"), _("size"))
    for name in (*headers, _("speed"), ""):
        table.add_column(name, overflow="fold")
    for r in rows:
        table.add_row(
            str(r.id),
            _when(r.finished_at),
            _(r.outcome.value),
            _name(r),
            (r.commit or "")[:8],
            format_bytes(r.bytes_downloaded),
            format_rate(r.average_speed_bps) if r.average_speed_bps else "-",
            f"★ {notes.get(r.id, '')}".rstrip() if r.is_favorite else "",
        )
    out.print(table)
    if not rows:
        err.print(_("No downloads match."), style="dim")


@app.command(
    "show",
    help=_(
        "Everything about one download: repo, commit, files, speed, destination, "
        "error, and the\n"
        "favorite's note.\n\n"
        "Examples:\n\n"
        "  hfsuite history show 1\n\n"
        "  hfsuite history show 1 --json"
    ),
)
def show_command(
    ctx: typer.Context,
    entry_id: int = typer.Argument(..., help=_("History entry id.")),
    as_json: bool = json_option(),
) -> None:
    suite = _suite(ctx)
    r = _ops().get_history(suite.database, entry_id)
    if as_json:
        print_json(history_show_view(r))
        return
    lines = [
        (_("repository"), _name(r) + ("  ★" if r.is_favorite else "")),
        (_("kind"), r.repo_type.value),
        (_("source"), r.source.value),
        (_("commit"), r.commit or "-"),
        (_("outcome"), _(r.outcome.value)),
        (_("started"), _when(r.started_at)),
        (_("finished"), _when(r.finished_at)),
        (_("duration"), format_duration(r.duration_s)),
        (
            _("downloaded"),
            f"{format_bytes(r.bytes_downloaded)} ({format_rate(r.average_speed_bps)})",
        ),
        (_("destination"), f"{r.destination} ({r.layout.value if r.layout else '-'})"),
        (_("task"), str(r.task_id) if r.task_id else "-"),
    ]
    note = _notes(suite, [r]).get(r.id)
    if note:
        lines.append((_("note"), note))
    if r.error:
        lines.append((_("error"), r.error))
    width = max(12, *(_display_width(key) for key, _value in lines))
    for key, value in lines:
        out.print(
            f"[bold]{_pad(key, width)}[/]  {escape(str(value))}", highlight=False, markup=True
        )
    if r.files:
        out.print(
            f"[bold]{_pad(_('files'), width)}[/]  {len(r.files)}", highlight=False, markup=True
        )
        for f in r.files:
            out.print(f"{'':>14}{f.path}  {format_bytes(f.size_bytes)}", highlight=False)


def _display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (a CJK character takes two)."""
    from rich.cells import cell_len

    return cell_len(text)


def _pad(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` terminal columns."""
    return " " * max(0, width - _display_width(text)) + text


def _ref(ctx: typer.Context, target: str) -> RepoRef:
    if target.isdigit():
        return _ops().ref_of(_ops().get_history(_suite(ctx).database, int(target)))
    return parse_repo_arg(target)


@app.command(
    "fav",
    help=_(
        "Star a repository (every history entry of it shows the star and the "
        "note).\n\n"
        "Examples:\n\n"
        "  hfsuite history fav 1\n\n"
        "  hfsuite history fav openai-community/gpt2 --note 'baseline for evals'"
    ),
)
def fav_command(
    ctx: typer.Context,
    target: str = typer.Argument(..., help=_("History entry id, or a repository id.")),
    note: str = typer.Option(None, "--note", help=_("A note to keep with the favorite.")),
    as_json: bool = json_option(),
) -> None:
    ref = _ref(ctx, target)
    changed = _ops().set_favorite(_suite(ctx).database, ref, True, note)
    if as_json:
        print_json(favorite_view(ref, True, bool(changed), note))
        return
    err.print(f"★ {ref}", highlight=False)


@app.command(
    "unfav",
    help=_("Unstar a repository.\n\nExamples:\n\n  hfsuite history unfav openai-community/gpt2"),
)
def unfav_command(
    ctx: typer.Context,
    target: str = typer.Argument(..., help=_("History entry id, or a repository id.")),
    as_json: bool = json_option(),
) -> None:
    ref = _ref(ctx, target)
    changed = _ops().set_favorite(_suite(ctx).database, ref, False)
    if as_json:
        print_json(favorite_view(ref, False, bool(changed), None))
        return
    if not changed:
        err.print(_("{ref} was not a favorite.").format(ref=ref), highlight=False)


@app.command(
    "redownload",
    help=_(
        "Download the same files to the same place again (queued, or at once "
        "with --now).\n\n"
        "Examples:\n\n"
        "  hfsuite history redownload 1\n\n"
        "  hfsuite history redownload 1 --pin-commit --now"
    ),
)
def redownload_command(
    ctx: typer.Context,
    entry_id: int = typer.Argument(..., help=_("History entry id.")),
    pin_commit: bool = typer.Option(
        False, "--pin-commit", help=_("The recorded commit, not the revision's newest state.")
    ),
    now: bool = typer.Option(False, "--now", help=_("Download it now instead of queueing it.")),
) -> None:
    from hfsuite.app.queue.manager import DownloadManager

    manager = DownloadManager(_suite(ctx))
    task_id = manager.redownload(entry_id, pin_commit=pin_commit)
    if not now:
        queued = _("Queued as task {id}. Run it with: hfsuite queue run").format(id=task_id)
        err.print(queued, highlight=False)
        return
    running = manager.start_task_now(task_id)
    running.wait_to_end()
    outcome = running.result()
    err.print(
        _("Task {id}: {size} downloaded in {duration}.").format(
            id=task_id,
            size=format_bytes(outcome.downloaded_bytes),
            duration=format_duration(outcome.elapsed_s),
        ),
        highlight=False,
    )


@app.command(
    "export",
    help=_(
        "Export history as CSV or JSON (never containing a token).\n\n"
        "Examples:\n\n"
        "  hfsuite history export --format json --since 30d\n\n"
        "  hfsuite history export --output history.csv --outcome failed"
    ),
)
def export_command(
    ctx: typer.Context,
    fmt: str = typer.Option("csv", "--format", "-F", help=_("csv or json.")),
    output: Path = typer.Option(None, "--output", "-O", help=_("Write here (default: stdout).")),
    text: str = typer.Option(None, "--text", help=_("Only entries mentioning this.")),
    outcome: list[Outcome] = typer.Option(None, "--outcome", "-o", help=_("Only this outcome.")),
    since: str = typer.Option(None, "--since", help=_("From this date/time, or e.g. 7d ago.")),
    until: str = typer.Option(None, "--until", help=_("Before this date/time.")),
    favorites: bool = typer.Option(False, "--favorites", "-f", help=_("Only favorite repos.")),
) -> None:
    if fmt not in EXPORT_FORMATS:
        raise UsageError(
            tr("Unknown format {format}.", format=repr(fmt)),
            hint=tr("Use --format csv or --format json."),
        )
    suite = _suite(ctx)
    query = _query(text, outcome, since, until, favorites, None)
    if output is None:
        _ops().export_history(suite.database, fmt, sys.stdout, query, redactor=suite.redactor)
        return
    try:
        with output.open("w", encoding="utf-8", newline="") as fh:
            count = _ops().export_history(suite.database, fmt, fh, query, redactor=suite.redactor)
    except OSError as exc:
        raise UsageError(
            tr("Cannot write {path}: {reason}.", path=output, reason=exc.strerror or exc)
        ) from None
    exported = ngettext(
        "Exported {n} entry to {path}.", "Exported {n} entries to {path}.", count
    ).format(n=count, path=output)
    err.print(exported, highlight=False)
