"""``hfsuite queue show ID``: one task in full, where ``queue ls`` shortens.

Everything the queue knows about the task: what it downloads (repository, revision, the
commit it resolved to, filters), where to, its state (``interrupted`` when its runner is
gone), progress, every planned file with its size and state, and the last error whole.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import typer
from rich.text import Text

from hfsuite.app.display_names import shown_name
from hfsuite.cli.json_views import file_bytes_done, shown_state, task_detail_view
from hfsuite.cli.output import json_option, out, print_json
from hfsuite.cli.tables import FoldingTable
from hfsuite.core.i18n import N_, _, ngettext
from hfsuite.core.types import TaskState
from hfsuite.core.units import format_bytes, format_rate

if TYPE_CHECKING:
    from hfsuite.app.queue.manager import DownloadManager, TaskFileRecord, TaskRecord


def register(app: typer.Typer) -> None:
    """Add ``show`` to the ``queue`` group."""
    app.command(
        "show",
        help=_(
            "One task in full: repository, revision, destination, state, progress, every "
            "file, and the last error whole (queue ls shortens long notes).\n\n"
            "Examples:\n\n  hfsuite queue show 3\n\n  hfsuite queue show 3 --json"
        ),
    )(show_command)


# TaskState's and FileState's values and the priorities, shown translated.
_STATES = (
    N_("queued"),
    N_("running"),
    N_("paused"),
    N_("completed"),
    N_("failed"),
    N_("cancelled"),
    N_("interrupted"),
    N_("pending"),
    N_("downloading"),
    N_("verifying"),
    N_("skipped"),
    N_("low"),
    N_("normal"),
    N_("high"),
)


def show_command(
    ctx: typer.Context,
    task_id: int = typer.Argument(..., help=_("The task's id (hfsuite queue ls shows them).")),
    as_json: bool = json_option(_("JSON instead of text (docs/json.md).")),
) -> None:
    from hfsuite.app.queue.manager import DownloadManager  # the database layer: only when needed

    manager: DownloadManager = DownloadManager(ctx.find_root().obj.suite())
    task = manager.require(task_id)
    files = manager.files(task_id)
    interrupted = manager.interrupted_ids() if task.state is TaskState.RUNNING else set()
    if as_json:
        print_json(task_detail_view(task, files, interrupted))
        return
    out.print(_summary(task, interrupted))
    if files:
        out.print(_file_table(files))


def _summary(task: TaskRecord, interrupted: set[int]) -> FoldingTable:
    table = FoldingTable(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    name = shown_name(task.source, task.repo_type, task.repo_id, task.url, task.revision)
    rows = [
        (_("task"), str(task.id)),
        (_("repository"), f"{name} ({task.repo_type.value}, {task.source.value})"),
        (_("revision"), task.revision or _("default branch")),
        (_("commit"), task.resolved_commit or _("- (not planned yet)")),
        (_("destination"), f"{task.destination} ({task.layout.value})"),
        (_("state"), _(shown_state(task, interrupted))),
        (_("priority"), _(task.priority.name.lower())),
        (_("progress"), _progress(task)),
    ]
    if task.files is not None:
        rows.append((_("paths"), ", ".join(task.files) or "-"))
    if task.include:
        rows.append((_("include"), ", ".join(task.include)))
    if task.exclude:
        rows.append((_("exclude"), ", ".join(task.exclude)))
    if task.bandwidth_limit_bps:
        rows.append((_("limit"), format_rate(task.bandwidth_limit_bps)))
    if task.connections:
        rows.append((_("connections"), str(task.connections)))
    if task.endpoint:
        rows.append((_("endpoint"), task.endpoint))
    if task.expected_sha256:
        rows.append(("sha256", task.expected_sha256))
    rows += [(_("added"), _when(task.created_at)), (_("started"), _when(task.started_at))]
    rows.append((_("finished"), _when(task.finished_at)))
    if task.error:
        rows.append((_("error"), task.error))
    for key, value in rows:
        table.add_row(key, Text(value))  # Text: brackets in an error are not markup
    return table


def _progress(task: TaskRecord) -> str:
    if task.bytes_total is None:
        return _("not planned yet")
    total = task.files_total or 0
    files = ngettext("{done} of {n} file", "{done} of {n} files", total).format(
        done=task.files_done, n=total
    )
    return _("{done} of {total}, {files}").format(
        done=format_bytes(task.bytes_done), total=format_bytes(task.bytes_total), files=files
    )


def _file_table(files: list[TaskFileRecord]) -> FoldingTable:
    table = FoldingTable(box=None, pad_edge=False)
    table.add_column(_("file"))
    table.add_column(_("size"), justify="right")
    table.add_column(_("state"))
    table.add_column(_("on disk"), justify="right")
    for f in files:
        size = format_bytes(f.size_bytes) if f.size_bytes is not None else "-"
        table.add_row(Text(f.path), size, _(f.state.value), format_bytes(file_bytes_done(f)))
    return table


def _when(ts: float | None) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S") if ts else "-"
