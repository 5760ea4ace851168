"""Live progress of the tasks a runner is downloading: speed, ETA, per-file states.

Engine threads feed events in (:meth:`ProgressTracker.on_event`); the runner loop takes a
snapshot a few times per second (:meth:`ProgressTracker.snapshot`), which is what subscribers
receive as one :class:`~hfsuite.app.events.TasksProgressed` batch and what is persisted to the
database every second or so. Speed is a sliding-window average over the injected clock, so tests
drive it with :class:`~hfsuite.core.clock.ManualClock` and no sleeps.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from hfsuite.app.events import TaskProgress, TasksProgressed
from hfsuite.core.clock import Clock
from hfsuite.core.events import (
    Event,
    FileCompleted,
    FileFailed,
    FileRestarted,
    FileStarted,
    TransferProgressed,
)
from hfsuite.core.speed import SpeedMeter
from hfsuite.storage import FileState


@dataclass
class _Live:
    meter: SpeedMeter
    done_bytes: int = 0
    total_bytes: int = 0
    files_done: int = 0
    files_total: int = 0
    baseline_bytes: int = 0  # on disk before this run: skipped files and resumed bytes
    restarted: bool = False  # a file started over: progress may legitimately go down
    file_states: dict[str, FileState] = field(default_factory=dict)


class ProgressTracker:
    """Progress of running tasks, fed from engine events, read by the runner loop.

    Args:
        clock: Time source of the speed meters.
        window_s: Length of the sliding window speed is averaged over.
    """

    def __init__(self, clock: Clock, window_s: float = 5.0):
        self._clock = clock
        self._window_s = window_s
        self._lock = threading.Lock()
        self._live: dict[int, _Live] = {}

    def start(self, task_id: int) -> None:
        """Begin tracking a task (forgetting anything from an earlier run)."""
        with self._lock:
            self._live[task_id] = _Live(SpeedMeter(self._clock, self._window_s))

    def stop(self, task_id: int) -> None:
        """Stop tracking a task."""
        with self._lock:
            self._live.pop(task_id, None)

    def set_plan(self, task_id: int, total_bytes: int, files_total: int) -> None:
        """Totals from the task's plan (known before the first byte moves)."""
        with self._lock:
            live = self._live.get(task_id)
            if live is not None:
                live.total_bytes, live.files_total = total_bytes, files_total

    def on_event(self, event: Event) -> None:
        """Take in an engine event (called on engine threads)."""
        if event.task_id is None:
            return
        with self._lock:
            live = self._live.get(event.task_id)
            if live is None:
                return
            if isinstance(event, TransferProgressed):
                # The engine's last report after a stop counts only finished files (the
                # partial ones have left its active set): never let that shrink the progress.
                if event.done_bytes >= live.done_bytes or live.restarted:
                    live.done_bytes = event.done_bytes
                    live.restarted = False
                live.total_bytes = event.total_bytes or live.total_bytes
            elif isinstance(event, FileRestarted):
                live.restarted = True
            elif isinstance(event, FileStarted):
                live.baseline_bytes += event.resumed_bytes
                live.file_states[event.path] = FileState.DOWNLOADING
            elif isinstance(event, FileCompleted):
                live.files_done += 1
                if event.skipped:
                    live.baseline_bytes += event.size
                    live.done_bytes = max(live.done_bytes, live.baseline_bytes)
                live.file_states[event.path] = (
                    FileState.SKIPPED if event.skipped else FileState.COMPLETED
                )
            elif isinstance(event, FileFailed):
                live.file_states[event.path] = FileState.FAILED

    def snapshot(self) -> TasksProgressed:
        """Progress of every tracked task now (feeds each task's speed meter)."""
        items: list[TaskProgress] = []
        with self._lock:
            for task_id, live in self._live.items():
                # Bytes fetched in this run only: what a resumed task had on disk is no speed.
                live.meter.update(max(0, live.done_bytes - live.baseline_bytes))
                items.append(self._progress(task_id, live))
        return TasksProgressed(None, tuple(items), sum(p.speed_bps for p in items))

    def get(self, task_id: int) -> TaskProgress | None:
        """One task's latest progress (without feeding the meter)."""
        with self._lock:
            live = self._live.get(task_id)
            return self._progress(task_id, live) if live else None

    def fetched_bytes(self, task_id: int) -> int:
        """Bytes this run moved over the network (on disk now minus on disk before)."""
        with self._lock:
            live = self._live.get(task_id)
            return max(0, live.done_bytes - live.baseline_bytes) if live else 0

    def take_file_states(self, task_id: int) -> dict[str, FileState]:
        """File states that changed since the last call (for a batched database write)."""
        with self._lock:
            live = self._live.get(task_id)
            if live is None or not live.file_states:
                return {}
            states, live.file_states = live.file_states, {}
            return states

    @staticmethod
    def _progress(task_id: int, live: _Live) -> TaskProgress:
        return TaskProgress(
            task_id=task_id,
            done_bytes=live.done_bytes,
            total_bytes=live.total_bytes,
            files_done=live.files_done,
            files_total=live.files_total,
            speed_bps=live.meter.speed_bps,
            eta_s=live.meter.eta_s(live.total_bytes - live.done_bytes)
            if live.total_bytes
            else None,
        )
