"""Showing ``hfsuite queue run``: a bar per running task on a terminal, lines otherwise.

Every display subscribes to the manager's events (:mod:`hfsuite.app.events`): live progress
arrives in :class:`TasksProgressed` batches a few times per second, task starts and ends as
task events. Nothing here touches the queue.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.progress import TaskID

from hfsuite.app.events import (
    TaskCancelled,
    TaskCompleted,
    TaskEvent,
    TaskFailed,
    TaskPaused,
    TaskQueued,
    TaskRemoved,
    TasksProgressed,
    TaskStarted,
)
from hfsuite.cli.json_views import queue_event_view
from hfsuite.cli.progress import emit_json, named_once, transfer_progress
from hfsuite.core.events import Event, FileFailed
from hfsuite.core.i18n import pgettext
from hfsuite.core.types import TaskState
from hfsuite.core.units import format_bytes, format_duration, format_rate

if TYPE_CHECKING:
    from hfsuite.app.queue.manager import TaskRecord

_ENDS = (TaskCompleted, TaskFailed, TaskCancelled, TaskPaused, TaskQueued)


def _word(key: str) -> str:
    """What happened to a task, the first word of its line: ``key`` translated (context
    ``task event``: "started" is not the start time's column), padded to 10 columns (a CJK
    character takes two)."""
    words = {
        "started": pgettext("task event", "started"),
        "completed": pgettext("task event", "completed"),
        "failed": pgettext("task event", "failed"),
        "cancelled": pgettext("task event", "cancelled"),
        "paused": pgettext("task event", "paused"),
        "requeued": pgettext("task event", "requeued"),
    }
    text = words[key]
    return text + " " * max(1, 10 - cell_len(text))


def task_label(record: TaskRecord) -> str:
    """``#id org/name@rev`` for lists and progress bars."""
    rev = f"@{record.revision}" if record.revision else ""
    return f"#{record.id} {record.display_name}{rev}"


def end_line(event: TaskEvent) -> str:
    """One line telling how a task's run ended (plain text)."""
    record = event.record
    label = task_label(record)
    if isinstance(event, TaskCompleted):
        size = format_bytes(record.bytes_total or record.bytes_done)
        return f"{_word('completed')}{label} ({size})"
    if isinstance(event, TaskFailed):
        return f"{_word('failed')}{label}: {record.error}"
    if isinstance(event, TaskCancelled):
        return f"{_word('cancelled')}{label}"
    if isinstance(event, TaskPaused):
        return f"{_word('paused')}{label}"
    return f"{_word('requeued')}{label}"


class RichQueueDisplay:
    """A total bar and one bar per running task, with speed and ETA."""

    def __init__(self, console: Console):
        self.console = console
        self.progress = transfer_progress(console)
        self._bars: dict[int, TaskID] = {}
        self._labels: dict[int, str] = {}

    def __enter__(self) -> RichQueueDisplay:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def __call__(self, event: Event) -> None:
        if isinstance(event, TaskStarted):
            self._labels[event.record.id] = task_label(event.record)
        elif isinstance(event, TasksProgressed):
            for p in event.tasks:
                fields: dict[str, Any] = {
                    "speed": format_rate(p.speed_bps),
                    "eta": format_duration(p.eta_s),
                }
                bar = self._bars.get(p.task_id)
                if bar is None:
                    label = self._labels.get(p.task_id, f"#{p.task_id}")
                    name = label if len(label) <= 40 else label[:39] + "…"
                    self._bars[p.task_id] = self.progress.add_task(
                        escape(name), total=p.total_bytes or None, completed=p.done_bytes, **fields
                    )
                else:
                    self.progress.update(
                        bar, completed=p.done_bytes, total=p.total_bytes or None, **fields
                    )
        elif isinstance(event, _ENDS) and event.previous is not None:
            bar = self._bars.pop(event.record.id, None)
            if bar is not None:
                self.progress.remove_task(bar)
            if event.previous is TaskState.RUNNING:
                style = "red" if isinstance(event, TaskFailed) else "green"
                self.progress.console.print(
                    end_line(event), style=style, highlight=False, markup=False
                )
        elif isinstance(event, TaskRemoved):
            bar = self._bars.pop(event.task_id or 0, None)
            if bar is not None:
                self.progress.remove_task(bar)
        elif isinstance(event, FileFailed):
            line = f"#{event.task_id} {named_once(event.path, event.message)}"
            self.progress.console.print(line, style="red", markup=False, highlight=False)


class LineQueueDisplay:
    """One line per task start and end on stderr (output is not a terminal)."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet

    def __enter__(self) -> LineQueueDisplay:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def __call__(self, event: Event) -> None:
        if self.quiet:
            return
        if isinstance(event, TaskStarted):
            print(f"{_word('started')}{task_label(event.record)}", file=sys.stderr, flush=True)
        elif isinstance(event, _ENDS) and event.previous is TaskState.RUNNING:
            print(end_line(event), file=sys.stderr, flush=True)


class JsonQueueDisplay:
    """JSON lines on stdout: task events and progress batches (docs/json.md, queue-event)."""

    def __enter__(self) -> JsonQueueDisplay:
        return self

    def __exit__(self, *exc: object) -> None:
        sys.stdout.flush()

    def __call__(self, event: Event) -> None:
        data = queue_event_view(event)
        if data is not None:
            emit_json(data)
