"""Showing a running download: a Rich display on a terminal, JSON lines for scripts, or nothing.

Each display is an event subscriber (:meth:`__call__`); events arrive on engine threads and
Rich's progress is thread-safe, so no locking is needed here. Files that fail are not told as
they fail: the download's own error (the command's ``Error:`` line) is one of them, so the
displays keep them and :meth:`FailedFiles.lines` tells, once it is known, only the others.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from hfsuite.cli.json_views import download_event_view
from hfsuite.cli.output import emit_json
from hfsuite.core.events import (
    Event,
    FileCompleted,
    FileFailed,
    FileRestarted,
    TransferProgressed,
    TransferRetrying,
)
from hfsuite.core.i18n import _
from hfsuite.core.units import format_duration, format_rate

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, Task, TaskID


def transfer_progress(console: Console) -> Progress:
    """The Rich progress the download and queue displays share: description, bar, percent,
    bytes, and our own speed and ETA (task fields ``speed`` and ``eta``).

    Rich's progress module is imported here, for a display on a terminal only: a download
    with ``-q``, ``--json`` or its output redirected never loads it (everything ``hfsuite
    download`` imports before its first byte delays that byte)."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn
    from rich.text import Text

    class NameColumn(TextColumn):
        """The description: markup (names are escaped), and ``:name:`` stays as it is (Rich's
        own column turns it into an emoji: a file ``a:cat:b`` showed as ``a🐱b``)."""

        def render(self, task: Task) -> Text:
            text = self.text_format.format(task=task)
            return Text.from_markup(text, style=self.style, justify=self.justify, emoji=False)

    return Progress(
        NameColumn("{task.description}", justify="left"),
        BarColumn(bar_width=None),
        TextColumn("{task.percentage:>5.1f}%"),
        DownloadColumn(binary_units=True),
        TextColumn("{task.fields[speed]:>12}"),
        TextColumn(_("ETA") + " {task.fields[eta]:>6}"),
        console=console,
        expand=True,
        refresh_per_second=8,
    )


def named_once(path: str, text: str) -> str:
    """``text`` about the file ``path``, naming it in front unless the text already does."""
    return text if text.startswith((f"{path}:", f"{path} ")) else f"{path}: {text}"


class FailedFiles:
    """The files that failed during a download, kept to be told after it ended."""

    def __init__(self) -> None:
        self.failed: list[FileFailed] = []

    def keep(self, event: FileFailed) -> None:
        """Remember a failure (list appends are atomic: engine threads may call this at once)."""
        self.failed.append(event)

    def lines(self, final: BaseException) -> list[str]:
        """One line per failure that ``final`` (the error the download ends with, printed
        after these) does not already say: each file named once, and failures for one shared
        reason (no access, a gated repository) left to that error alone."""
        said = {str(final)}
        told = []
        for event in self.failed:
            if event.message in said:
                continue
            said.add(event.message)
            told.append(named_once(event.path, event.message))
        return told


class RichProgressDisplay(FailedFiles):
    """Overall bar plus one bar per file in flight, with our own speed and ETA."""

    def __init__(self, console: Console):
        super().__init__()
        self.console = console
        self.progress = transfer_progress(console)
        self._overall: TaskID | None = None
        self._files: dict[str, TaskID] = {}

    def __enter__(self) -> RichProgressDisplay:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def __call__(self, event: Event) -> None:
        if isinstance(event, TransferProgressed):
            self._on_progress(event)
        elif isinstance(event, FileCompleted):
            task = self._files.pop(event.path, None)
            if task is not None:
                self.progress.remove_task(task)
        elif isinstance(event, FileRestarted):
            self.progress.console.print(
                named_once(event.path, event.reason), style="yellow", markup=False
            )
        elif isinstance(event, TransferRetrying) and event.attempt >= 3:
            self.progress.console.print(
                _("{path}: retry {attempt} in {delay}s ({reason})").format(
                    path=event.path,
                    attempt=event.attempt,
                    delay=f"{event.delay_s:.1f}",
                    reason=event.reason,
                ),
                style="dim",
                markup=False,
            )
        elif isinstance(event, FileFailed):
            self.keep(event)
            task = self._files.pop(event.path, None)
            if task is not None:
                self.progress.remove_task(task)

    def _on_progress(self, event: TransferProgressed) -> None:
        from rich.markup import escape  # a terminal display only: Rich is imported already

        speed, eta = format_rate(event.speed_bps), format_duration(event.eta_s)
        if self._overall is None:
            self._overall = self.progress.add_task(
                "[bold]" + _("total"), total=event.total_bytes, speed=speed, eta=eta
            )
        self.progress.update(
            self._overall, completed=event.done_bytes, total=event.total_bytes, speed=speed, eta=eta
        )
        for f in event.files:
            remaining = f.size - f.done_bytes
            file_eta = remaining / f.speed_bps if f.speed_bps > 0 else None
            fspeed, feta = format_rate(f.speed_bps), format_duration(file_eta)
            task = self._files.get(f.path)
            name = f.path if len(f.path) <= 40 else "…" + f.path[-39:]
            if task is None:
                self._files[f.path] = self.progress.add_task(
                    f"  {escape(name)}", total=f.size, speed=fspeed, eta=feta
                )
            else:
                self.progress.update(task, completed=f.done_bytes, speed=fspeed, eta=feta)


class JsonLinesDisplay(FailedFiles):
    """One JSON object per event on stdout (``{"schema": …, "event": "TransferProgressed", …}``):
    failures are events of their own there, so :meth:`lines` has nothing more to tell."""

    def __enter__(self) -> JsonLinesDisplay:
        return self

    def __exit__(self, *exc: object) -> None:
        sys.stdout.flush()

    def __call__(self, event: Event) -> None:
        emit_json(download_event_view(event))


class QuietDisplay(FailedFiles):
    """Prints nothing while running (stdout is not a terminal) but files started over."""

    def __enter__(self) -> QuietDisplay:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def __call__(self, event: Event) -> None:
        if isinstance(event, FileFailed):
            self.keep(event)
        elif isinstance(event, FileRestarted):
            print(f"hfsuite: {named_once(event.path, event.reason)}", file=sys.stderr)
