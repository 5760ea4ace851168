"""Showing a running download: a Rich display on a terminal, JSON lines for scripts, or nothing.

Each display is an event subscriber (:meth:`__call__`); events arrive on engine threads and
Rich's progress is thread-safe, so no locking is needed here.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn

from hfsuite.cli.json_views import download_event_view
from hfsuite.core.events import (
    Event,
    FileCompleted,
    FileFailed,
    FileRestarted,
    TransferProgressed,
    TransferRetrying,
)
from hfsuite.core.units import format_duration, format_rate


def transfer_progress(console: Console) -> Progress:
    """The Rich progress the download and queue displays share: description, bar, percent,
    bytes, and our own speed and ETA (task fields ``speed`` and ``eta``)."""
    return Progress(
        TextColumn("{task.description}", justify="left"),
        BarColumn(bar_width=None),
        TextColumn("{task.percentage:>5.1f}%"),
        DownloadColumn(binary_units=True),
        TextColumn("{task.fields[speed]:>12}"),
        TextColumn("ETA {task.fields[eta]:>6}"),
        console=console,
        expand=True,
        refresh_per_second=8,
    )


class RichProgressDisplay:
    """Overall bar plus one bar per file in flight, with our own speed and ETA."""

    def __init__(self, console: Console):
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
            self.progress.console.print(f"[yellow]{event.path}: {event.reason}[/]")
        elif isinstance(event, TransferRetrying) and event.attempt >= 3:
            self.progress.console.print(
                f"[dim]{event.path}: retry {event.attempt} in {event.delay_s:.1f}s "
                f"({event.reason})[/]"
            )
        elif isinstance(event, FileFailed):
            self.progress.console.print(f"[red]{event.path}: {event.message}[/]")

    def _on_progress(self, event: TransferProgressed) -> None:
        speed, eta = format_rate(event.speed_bps), format_duration(event.eta_s)
        if self._overall is None:
            self._overall = self.progress.add_task(
                "[bold]total", total=event.total_bytes, speed=speed, eta=eta
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
                    f"  {name}", total=f.size, speed=fspeed, eta=feta
                )
            else:
                self.progress.update(task, completed=f.done_bytes, speed=fspeed, eta=feta)


class JsonLinesDisplay:
    """One JSON object per event on stdout (``{"schema": …, "event": "TransferProgressed", …}``)."""

    def __enter__(self) -> JsonLinesDisplay:
        return self

    def __exit__(self, *exc: object) -> None:
        sys.stdout.flush()

    def __call__(self, event: Event) -> None:
        emit_json(download_event_view(event))


class QuietDisplay:
    """Prints nothing while running (stdout is not a terminal)."""

    def __enter__(self) -> QuietDisplay:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def __call__(self, event: Event) -> None:
        if isinstance(event, FileFailed):
            print(f"hfsuite: {event.path}: {event.message}", file=sys.stderr)
        elif isinstance(event, FileRestarted):
            print(f"hfsuite: {event.path}: {event.reason}", file=sys.stderr)


def emit_json(data: dict[str, Any]) -> None:
    """Write one JSON line to stdout."""
    sys.stdout.write(json.dumps(data, default=str, ensure_ascii=False) + "\n")
    sys.stdout.flush()
