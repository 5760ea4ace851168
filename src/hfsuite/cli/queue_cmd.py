"""``hfsuite queue``: add, list, reorder, pause and run queued downloads.

Every command but ``run`` only changes the database, so it works while another process (a
``queue run`` in another terminal, the desktop app) runs the queue; that runner picks the change
up within a second.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.text import Text

from hfsuite.app.display_names import shown_name
from hfsuite.app.suite import Suite
from hfsuite.cli.destination_flags import (
    chosen_destination,
    profile_option,
    subfolder_option,
    to_option,
)
from hfsuite.cli.json_views import (
    INTERRUPTED,
    queue_change_view,
    queue_finished_view,
    shown_state,
    task_list_view,
)
from hfsuite.cli.output import err, json_option, out, print_json, print_warning
from hfsuite.cli.progress import emit_json
from hfsuite.cli.queue_progress import JsonQueueDisplay, LineQueueDisplay, RichQueueDisplay
from hfsuite.cli.queue_show import register as register_show
from hfsuite.cli.tables import FoldingTable, shorten
from hfsuite.core.errors import TransferError, UsageError
from hfsuite.core.i18n import N_, _, ngettext
from hfsuite.core.types import Priority, RepoType, TaskState
from hfsuite.core.units import format_bytes, parse_size

if TYPE_CHECKING:
    from hfsuite.app.queue.manager import DownloadManager, TaskRecord

app = typer.Typer(
    help=_(
        "The download queue: add many repositories, order them, pause them, run them.\n\n"
        "Examples:\n\n"
        "  hfsuite queue add openai-community/gpt2 datasets/rajpurkar/squad -p high\n\n"
        "  hfsuite queue add -i models.txt --local-dir ./models\n\n"
        "  hfsuite queue ls\n\n"
        "  hfsuite queue show 3\n\n"
        "  hfsuite queue move 3 top\n\n"
        "  hfsuite queue pause --all\n\n"
        "  hfsuite queue run --watch"
    ),
    no_args_is_help=True,
)

_PRIORITIES = {p.name.lower(): p for p in Priority}
#: The longest note ``queue ls`` shows; a longer one ends in an ellipsis, and a line under the
#: table says how to see it whole.
NOTE_WIDTH = 60
SHORTENED = N_("Some notes are shortened: hfsuite queue show ID shows a task in full.")
# The verbs of "Which tasks should I {verb}?", shown translated.
_VERBS = (N_("pause"), N_("resume"), N_("cancel"), N_("retry"), N_("remove"))


def _suite(ctx: typer.Context) -> Suite:
    return ctx.find_root().obj.suite()


def _manager(ctx: typer.Context) -> DownloadManager:
    from hfsuite.app.queue.manager import DownloadManager  # the database layer: only when needed

    return DownloadManager(_suite(ctx))


def _priority(name: str) -> Priority:
    try:
        return _PRIORITIES[name.lower()]
    except KeyError:
        raise UsageError(
            _("{name} is not a priority.").format(name=repr(name)),
            hint=_("Use high, normal or low."),
        ) from None


def _rate(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return parse_size(text)
    except ValueError:
        raise UsageError(
            _("--limit-rate {text} is not a rate.").format(text=repr(text)),
            hint=_("Examples: 500k, 10M, 1.5MiB."),
        ) from None


def _read_text(path: Path) -> str:
    try:
        return sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(
            _("Cannot read {path}: {reason}.").format(path=path, reason=exc.strerror or exc)
        ) from None


def _selection(ids: list[int] | None, all_: bool, verb: str) -> list[int] | None:
    if all_:
        return None
    if not ids:
        raise UsageError(
            _("Which tasks should I {verb}?").format(verb=_(verb)),
            hint=_("Give task ids, or --all."),
        )
    return ids


def _require_all(manager: DownloadManager, ids: list[int] | None) -> None:
    """Refuse the whole command when an id names no task (nothing is changed)."""
    for task_id in ids or ():
        manager.require(task_id)


@app.command(
    "add",
    help=_(
        "Add repositories to the queue (ids as arguments, or -i FILE with one "
        "per line).\n\n"
        "A bad argument adds nothing (exit 2); a bad line of the file is skipped "
        "with a warning\n"
        "naming its number, and the other lines are added. Several repositories "
        "added with one\n"
        "--local-dir each go to their own folder in it (<folder>/<name>).\n\n"
        "Examples:\n\n"
        "  hfsuite queue add openai-community/gpt2 --paused\n\n"
        "  hfsuite queue add -i models.txt --local-dir ./models\n\n"
        "  hfsuite queue add datasets/rajpurkar/squad --revision main --priority "
        "low\n\n"
        '  hfsuite queue add openai-community/gpt2 --include "*.safetensors" '
        "--to comfyui:checkpoints"
    ),
)
def add_command(
    ctx: typer.Context,
    names: list[str] = typer.Argument(None, help=_("Repository ids: org/name[@rev] (many).")),
    input_file: Path = typer.Option(
        None, "--input", "-i", help=_("File with one repository id per line ('-': stdin).")
    ),
    repo_type: RepoType = typer.Option(None, "--repo-type", help=_("model, dataset or space.")),
    revision: str = typer.Option(None, "--revision", help=_("Branch, tag or commit for all.")),
    include: list[str] = typer.Option(None, "--include", help=_("Glob of files to keep (repeat).")),
    exclude: list[str] = typer.Option(None, "--exclude", help=_("Glob of files to drop (repeat).")),
    local_dir: Path = typer.Option(None, "--local-dir", help=_("Download into this folder.")),
    cache_dir: Path = typer.Option(None, "--cache-dir", help=_("HF cache folder.")),
    profile: str = profile_option(),
    to: str = to_option(),
    subfolder: str = subfolder_option(),
    priority: str = typer.Option("normal", "--priority", "-p", help=_("high, normal or low.")),
    paused: bool = typer.Option(False, "--paused", help=_("Add paused (start with resume).")),
    limit_rate: str = typer.Option(None, "--limit-rate", help=_("Per-task limit, e.g. 10M.")),
    connections: int = typer.Option(
        None, "--connections", "-c", min=1, max=64, help=_("Connections per file.")
    ),
    endpoint: str = typer.Option(
        None,
        "--endpoint",
        help=_("Hub URL or mirror, kept with the tasks (default: the setting when they run)."),
    ),
    as_json: bool = json_option(_("Print the new ids as JSON (docs/json.md).")),
) -> None:
    from hfsuite.app.download.operation import parse_target
    from hfsuite.app.queue.add_ops import AddTarget, check_subfolders, queue_targets, read_names
    from hfsuite.app.queue.tasks import TaskOptions

    if endpoint:  # checked as the setting is (a URL), and used to resolve the names
        ctx.find_root().obj.overrides["endpoint"] = endpoint
    suite = _suite(ctx)
    targets = []
    for name in names or ():
        ref, paths = parse_target(suite, name, repo_type, revision)
        targets.append(AddTarget(name, ref, tuple(paths)))
    if input_file is not None:
        found, skipped = read_names(suite, _read_text(input_file), repo_type, revision)
        targets += found
        for line in skipped:
            print_warning(_("{line} (skipped)").format(line=line))
    if not targets:
        raise UsageError(_("Nothing to add."), hint=_("Give repository ids or -i FILE."))
    options = TaskOptions(
        include=include or (),
        exclude=exclude or (),
        destination=chosen_destination(local_dir, cache_dir),
        priority=_priority(priority),
        paused=paused,
        limit_bps=_rate(limit_rate),
        connections=connections,
        endpoint=endpoint or None,
    )
    if profile is not None or to is not None or subfolder is not None:
        from hfsuite.app.download_targets import queue_with_target

        manager = _manager(ctx)
        ids = queue_with_target(
            manager, targets, options, profile=profile, to=to, subfolder=subfolder
        )
        _print_added(ctx, ids, as_json)
        return
    subfolders = local_dir is not None and len({t.ref.repo_id for t in targets}) > 1
    if subfolders:
        check_subfolders(targets, options)
    ids = queue_targets(_manager(ctx), targets, options, subfolders=subfolders)
    _print_added(ctx, ids, as_json)


def _print_added(ctx: typer.Context, ids: list[int], as_json: bool) -> None:
    if as_json:
        print_json(queue_change_view("add", ids, len(ids)))
        return
    shown = ", ".join(map(str, ids[:20])) + (" …" if len(ids) > 20 else "")
    added = ngettext("Added {n} task: {ids}", "Added {n} tasks: {ids}", len(ids))
    err.print(added.format(n=len(ids), ids=shown), highlight=False)
    if not ctx.find_root().obj.quiet:
        err.print(_("Run them with: hfsuite queue run"), style="dim", highlight=False)


def _progress_text(task: TaskRecord) -> str:
    """The share of the task's bytes on disk, rounded down: 100.0% only when every byte is
    there (a task whose last small file failed is not shown as complete)."""
    if not task.bytes_total:
        return "  -  "
    tenths = 1000 * min(task.bytes_done, task.bytes_total) // task.bytes_total
    return f"{tenths / 10:5.1f}%"


@app.command(
    "ls",
    help=_(
        "List tasks in queue order (priority, then manual order).\n\n"
        "A task shows as interrupted when its row says running but the process "
        "that ran it is gone\n"
        "(killed, crashed): the next `hfsuite queue run` resumes it where it "
        "stopped.\n\n"
        "Examples:\n\n"
        "  hfsuite queue ls\n\n"
        "  hfsuite queue ls --state failed --json\n\n"
        "Long notes are shortened (…); hfsuite queue show ID prints a task in "
        "full."
    ),
)
def list_command(
    ctx: typer.Context,
    state: list[TaskState] = typer.Option(
        None,
        "--state",
        "-s",
        help=_("Only this state (repeat). Interrupted tasks are stored as running."),
    ),
    limit: int = typer.Option(None, "--limit", "-n", min=1, help=_("At most this many rows.")),
    offset: int = typer.Option(0, "--offset", min=0, help=_("Skip this many rows.")),
    as_json: bool = json_option(_("JSON instead of a table (docs/json.md).")),
) -> None:
    manager = _manager(ctx)
    tasks = manager.list_tasks(state or None, limit=limit, offset=offset)
    interrupted = manager.interrupted_ids()
    workers = manager.worker_names([t for t in tasks if t.id not in interrupted])
    if as_json:
        print_json(task_list_view(tasks, interrupted, workers))
        return
    table = FoldingTable(box=None, pad_edge=False)
    # Who runs a task: a column once tasks are spread over workers (or another process).
    show_worker = len(set(workers.values())) > 1 or any(
        t.claimed_by and ":worker:" in t.claimed_by for t in tasks if t.id in workers
    )
    for name, justify in (
        (_("id"), "right"),
        (_("state"), "left"),
        (_("prio"), "left"),
        (_("repository"), "left"),
        (_("progress"), "right"),
        (_("size"), "right"),
        *(((_("worker"), "left"),) if show_worker else ()),
        (_("note"), "left"),
    ):
        table.add_column(name, justify=justify)
    any_shortened = False
    for t in tasks:
        size = format_bytes(t.bytes_total) if t.bytes_total is not None else "-"
        note, shortened = shorten(t.error or "", NOTE_WIDTH)
        any_shortened |= shortened
        table.add_row(
            str(t.id),
            _(shown_state(t, interrupted)),
            _(t.priority.name.lower()),
            Text(shown_name(t.source, t.repo_type, t.repo_id, t.url, t.revision)),
            _progress_text(t),
            size,
            *((Text(workers.get(t.id, "")),) if show_worker else ()),
            Text(note),  # Text: brackets in an error are not markup
        )
    out.print(table)
    if any_shortened:
        err.print(_(SHORTENED), style="dim", highlight=False)
    counts: dict[str, int] = {s.value: n for s, n in manager.counts().items()}
    if interrupted:
        running = counts.get(TaskState.RUNNING.value, 0)
        counts[TaskState.RUNNING.value] = max(0, running - len(interrupted))
        counts[INTERRUPTED] = len(interrupted)
    err.print(
        ", ".join(f"{n} {_(s)}" for s, n in counts.items() if n) or _("The queue is empty."),
        style="dim",
        highlight=False,
    )
    if interrupted:
        resume = _("Resume interrupted tasks with: hfsuite queue run")
        err.print(resume, style="dim", highlight=False)


def _state_command(verb: str, done: Callable[[int], str], help_text: str, *examples: str) -> None:
    def command(
        ctx: typer.Context,
        ids: list[int] = typer.Argument(None, help=_("Task ids.")),
        all_: bool = typer.Option(False, "--all", "-a", help=_("Every task.")),
        as_json: bool = json_option(),
    ) -> None:
        selection = _selection(ids, all_, verb)
        manager = _manager(ctx)
        _require_all(manager, selection)
        changed = getattr(manager, verb)(selection)
        if as_json:
            print_json(queue_change_view(verb, selection, changed))
            return
        err.print(done(changed), highlight=False)

    shown = "".join(f"\n\n  hfsuite queue {verb} {example}" for example in examples)
    app.command(verb, help=help_text + "\n\n" + _("Examples:") + shown)(command)


_state_command(
    "pause",
    lambda n: ngettext("Paused {n} task.", "Paused {n} tasks.", n).format(n=n),
    _("Pause tasks (running ones stop; they stay paused across restarts)."),
    "2 3",
    "--all",
)
_state_command(
    "resume",
    lambda n: ngettext("Resumed {n} task.", "Resumed {n} tasks.", n).format(n=n),
    _("Queue paused tasks again; they continue where they stopped."),
    "2",
    "--all",
)
_state_command(
    "cancel",
    lambda n: ngettext("Cancelled {n} task.", "Cancelled {n} tasks.", n).format(n=n),
    _("Cancel tasks for good (recorded in history; data is kept)."),
    "3",
)
_state_command(
    "retry",
    lambda n: ngettext("Retried {n} task.", "Retried {n} tasks.", n).format(n=n),
    _("Queue failed or cancelled tasks again (resuming their data)."),
    "3",
    "--all",
)


@app.command(
    "rm",
    help=_(
        "Remove tasks from the queue (history keeps finished ones).\n\n"
        "Examples:\n\n"
        "  hfsuite queue rm 3 --delete-data\n\n"
        "  hfsuite queue rm --finished"
    ),
)
def remove_command(
    ctx: typer.Context,
    ids: list[int] = typer.Argument(None, help=_("Task ids.")),
    delete_data: bool = typer.Option(
        False, "--delete-data", help=_("Also delete partial files (completed files stay).")
    ),
    finished: bool = typer.Option(False, "--finished", help=_("Remove every completed task.")),
    as_json: bool = json_option(),
) -> None:
    manager = _manager(ctx)
    selection: list[int] | None = None
    if finished:
        removed = len(manager.clear_finished())
    else:
        selection = _selection(ids, False, "remove")
        assert selection is not None
        _require_all(manager, selection)
        removed = manager.remove(selection, delete_data=delete_data)
    if as_json:
        print_json(queue_change_view("rm", selection, removed))
        return
    err.print(
        ngettext("Removed {n} task.", "Removed {n} tasks.", removed).format(n=removed),
        highlight=False,
    )


@app.command(
    "move",
    help=_(
        "Change a task's place in the queue (within its priority, or before "
        "another task).\n\n"
        "Examples:\n\n"
        "  hfsuite queue move 3 top\n\n"
        "  hfsuite queue move 3 --before 2"
    ),
)
def move_command(
    ctx: typer.Context,
    task_id: int = typer.Argument(..., help=_("The task to move.")),
    where: str = typer.Argument(None, help=_("up, down, top or bottom.")),
    before: int = typer.Option(None, "--before", help=_("Put it just before this task.")),
    as_json: bool = json_option(),
) -> None:
    manager = _manager(ctx)
    manager.require(task_id)
    if before is not None:
        manager.require(before)
        manager.move_before(task_id, before)
        if as_json:
            print_json(queue_change_view("move", [task_id], 1))
        return
    from hfsuite.app.queue.manager import MoveDirection

    try:
        direction = MoveDirection((where or "").lower())
    except ValueError:
        raise UsageError(
            _("Where to? Give up, down, top or bottom, or --before ID."),
            hint=_("Example: hfsuite queue move 7 top"),
        ) from None
    manager.move(task_id, direction)
    if as_json:
        print_json(queue_change_view("move", [task_id], 1))


@app.command(
    "priority",
    help=_(
        "Set tasks' priority (high runs before normal before low).\n\n"
        "Examples:\n\n"
        "  hfsuite queue priority high 2 3"
    ),
)
def priority_command(
    ctx: typer.Context,
    level: str = typer.Argument(..., help=_("high, normal or low.")),
    ids: list[int] = typer.Argument(..., help=_("Task ids.")),
    as_json: bool = json_option(),
) -> None:
    chosen = _priority(level)
    manager = _manager(ctx)
    _require_all(manager, ids)
    changed = manager.set_priority(ids, chosen)
    if as_json:
        print_json(queue_change_view("priority", ids, changed))
        return
    err.print(
        ngettext(
            "Changed the priority of {n} task.", "Changed the priority of {n} tasks.", changed
        ).format(n=changed),
        highlight=False,
    )


@app.command(
    "run",
    help=_(
        "Download queued tasks (resuming interrupted ones) until the queue is "
        "empty.\n\n"
        "Exit code 8 when a task failed. Ctrl-C stops: running tasks go back to "
        "the queue and\n"
        "continue where they were on the next run.\n\n"
        "Examples:\n\n"
        "  hfsuite queue run\n\n"
        "  hfsuite queue run --parallel 2 --json\n\n"
        "  hfsuite queue run --watch"
    ),
)
def run_command(
    ctx: typer.Context,
    watch: bool = typer.Option(False, "--watch", "-w", help=_("Keep waiting for new tasks.")),
    parallel: int = typer.Option(
        None, "--parallel", "-j", min=1, max=32, help=_("Tasks at once (default: setting).")
    ),
    as_json: bool = json_option(_("JSON lines instead of progress bars (docs/json.md).")),
) -> None:
    manager = _manager(ctx)
    if parallel:
        manager.tasks_in_parallel = parallel
    run_with_display(ctx, manager, watch=watch, as_json=as_json)


def run_with_display(
    ctx: typer.Context,
    manager: DownloadManager,
    *,
    watch: bool,
    as_json: bool,
    name: str | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Run the queue with progress on stderr until it is empty (``watch``: until Ctrl-C or
    ``stop``), then print the summary; ``hfsuite queue run`` and ``hfsuite worker``.

    Raises:
        TransferError: a task failed (exit code 8).
    """
    state = ctx.find_root().obj
    if as_json:
        display: JsonQueueDisplay | RichQueueDisplay | LineQueueDisplay = JsonQueueDisplay()
    elif sys.stderr.isatty() and not state.quiet:
        display = RichQueueDisplay(err)
    else:
        display = LineQueueDisplay(state.quiet)
    stop = stop or threading.Event()
    finished = threading.Event()
    result: dict[str, object] = {}

    def work() -> None:
        try:
            result["summary"] = manager.run(watch=watch, stop=stop, name=name)
        except BaseException as exc:
            result["error"] = exc
        finally:
            finished.set()

    manager.subscribe(display)
    failed_ids = _failed_ids(manager)
    with display:
        threading.Thread(target=work, name="hfsuite-queue-run", daemon=True).start()
        # An Event, not Thread.join: Ctrl-C inside join() can misreport the thread (gh-90882).
        try:
            while not finished.wait(0.2):
                pass
        except KeyboardInterrupt:
            stop.set()
            finished.wait()
    error = result.get("error")
    if isinstance(error, BaseException):
        raise error
    summary = result.get("summary")
    if summary is None:
        return
    if as_json:
        emit_json(
            queue_finished_view(summary.completed, summary.failed, summary.cancelled)  # type: ignore[attr-defined]
        )
    elif not state.quiet:
        err.print(
            _("Done: {completed} completed, {failed} failed, {cancelled} cancelled.").format(
                completed=summary.completed,  # type: ignore[attr-defined]
                failed=summary.failed,  # type: ignore[attr-defined]
                cancelled=summary.cancelled,  # type: ignore[attr-defined]
            ),
            highlight=False,
        )
    if summary.failed:  # type: ignore[attr-defined]
        n = summary.failed  # type: ignore[attr-defined]
        raise TransferError(
            ngettext("{n} task failed.", "{n} tasks failed.", n).format(n=n),
            hint=_("See why: hfsuite queue show {id}; try again: hfsuite queue retry {ids}").format(
                id=min(failed_ids, default="ID"), ids=" ".join(map(str, sorted(set(failed_ids))))
            ),
        )


def _failed_ids(manager: DownloadManager) -> list[int]:
    """The ids of tasks that fail from now on, as the manager publishes them (filled live)."""
    from hfsuite.app.events import TaskFailed

    failed: list[int] = []

    def note(event: object) -> None:
        if isinstance(event, TaskFailed) and event.task_id is not None:
            failed.append(event.task_id)

    manager.subscribe(note)
    return failed


register_show(app)
