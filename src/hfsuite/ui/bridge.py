"""The engine bridge: manager events in, batched Qt signals on the main thread out.

```
runner / engine threads ──► EngineBridge._collect()   (any thread: a dict merge under a lock)
                                   │
QTimer on the main thread, every interval_ms (250 ms: four refreshes per second)
                                   ▼
                     flush(): one signal per kind, only what changed since the last flush
                       rows_changed(dict[id, TaskRecord])   latest row of each changed task
                       rows_removed(list[id])
                       progress_changed(TasksProgressed)    the latest live progress batch
                       task_finished(TaskRecord)            completed / failed (notifications)
                       counts_changed()                     the state of some task changed
                       files_changed(set[id])               live per-file bytes of these tasks
```

Like qBittorrent's core, the bridge never emits one signal per engine event: a download of a
thousand chunks a second still costs the UI four small updates a second. Subscribers of the
manager are called on the publishing thread and must not block, so ``_collect`` only merges
into dicts. The bridge also calls :meth:`DownloadManager.sync` on a worker thread every second,
so changes made by other processes (``hfsuite queue pause`` in a terminal) show up even when no
runner of this process is looking.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal

from hfsuite.app.events import (
    TaskCompleted,
    TaskEvent,
    TaskFailed,
    TaskRemoved,
    TasksProgressed,
    TasksUpdated,
)
from hfsuite.core.events import Event, FileCompleted, FileProgress, TransferProgressed

if TYPE_CHECKING:
    from hfsuite.app.queue.manager import DownloadManager, TaskRecord

T = TypeVar("T")


class RunAsync(Protocol):
    """Runs ``fn`` on a worker thread and calls back on the main thread (``UiContext.run_async``).

    The bridge takes this one callable rather than the whole context, which owns the bridge.
    """

    def __call__(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``fn`` off the UI thread; ``on_done(result)`` or ``on_error(exc)`` back on it."""
        ...


class EngineBridge(QObject):
    """Turns a manager's events into batched signals on the Qt main thread.

    Args:
        manager: The download manager whose events are batched (and synced every second).
        run_async: Runs the syncs off the UI thread (``UiContext.run_async``).
        interval_ms: How often collected events are flushed as signals.
        sync_interval_ms: How often the database is checked for other processes' changes
            (0: never).
    """

    #: Latest record of each task whose row changed (state, order, priority, progress…).
    rows_changed = Signal(object)
    #: Ids of tasks deleted from the queue.
    rows_removed = Signal(object)
    #: The latest :class:`~hfsuite.app.events.TasksProgressed` batch (live speed and bytes).
    progress_changed = Signal(object)
    #: A task completed or failed (its record); for notifications.
    task_finished = Signal(object)
    #: Some task changed state (counts of active/queued tasks may differ).
    counts_changed = Signal()
    #: Live per-file progress of these task ids changed (read :meth:`file_progress`).
    files_changed = Signal(object)

    def __init__(
        self,
        manager: DownloadManager,
        run_async: RunAsync,
        interval_ms: int = 250,
        sync_interval_ms: int = 1000,
    ):
        super().__init__()
        self._manager = manager
        self._run_async = run_async
        self._lock = threading.Lock()
        self._rows: dict[int, TaskRecord] = {}
        self._removed: set[int] = set()
        self._progress: TasksProgressed | None = None
        self._finished: list[TaskRecord] = []
        self._states_changed = False
        self._files: dict[int, dict[str, FileProgress]] = {}
        self._files_touched: set[int] = set()
        self._syncing = False
        self._unsubscribe = manager.subscribe(self._collect)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.flush)
        self._timer.start()
        self._sync_timer = QTimer(self)
        if sync_interval_ms > 0:
            self._sync_timer.setInterval(sync_interval_ms)
            self._sync_timer.timeout.connect(self.sync_now)
            self._sync_timer.start()
        #: Signals emitted so far (tests check the batching).
        self.flushes = 0

    # --- any thread -----------------------------------------------------------------------

    def _collect(self, event: Event) -> None:
        """Merge one event into the pending batch (called on the publishing thread)."""
        with self._lock:
            if isinstance(event, TasksProgressed):
                self._progress = event
            elif isinstance(event, TransferProgressed):
                if event.task_id is not None and event.files:
                    files = self._files.setdefault(event.task_id, {})
                    for f in event.files:
                        files[f.path] = f
                    self._files_touched.add(event.task_id)
            elif isinstance(event, FileCompleted):
                if event.task_id is not None:
                    files = self._files.setdefault(event.task_id, {})
                    files[event.path] = FileProgress(event.path, event.size, event.size, 0.0, 0)
                    self._files_touched.add(event.task_id)
            elif isinstance(event, TasksUpdated):
                for record in event.records:
                    self._rows[record.id] = record
                    self._removed.discard(record.id)
            elif isinstance(event, TaskRemoved):
                if event.task_id is not None:
                    self._removed.add(event.task_id)
                    self._rows.pop(event.task_id, None)
                    self._files.pop(event.task_id, None)
                self._states_changed = True
            elif isinstance(event, TaskEvent):
                self._states_changed = True
                if isinstance(event, TaskCompleted | TaskFailed):
                    self._finished.append(event.record)

    # --- main thread ----------------------------------------------------------------------

    def flush(self) -> None:
        """Emit what was collected since the last flush (called by the timer; tests may too)."""
        with self._lock:
            rows, self._rows = self._rows, {}
            removed, self._removed = self._removed, set()
            progress, self._progress = self._progress, None
            finished, self._finished = self._finished, []
            states_changed, self._states_changed = self._states_changed, False
            files_touched, self._files_touched = self._files_touched, set()
        if removed:
            self.rows_removed.emit(sorted(removed))
        if rows:
            self.rows_changed.emit(rows)
        if progress is not None:
            self.progress_changed.emit(progress)
        for record in finished:
            self.task_finished.emit(record)
        if states_changed:
            self.counts_changed.emit()
        if files_touched:
            self.files_changed.emit(files_touched)
        if rows or removed or progress is not None or finished:
            self.flushes += 1

    def file_progress(self, task_id: int) -> dict[str, FileProgress]:
        """The latest live progress of a task's files (by path; only files seen moving)."""
        with self._lock:
            return dict(self._files.get(task_id, {}))

    def sync_now(self) -> None:
        """Check the database for changes (on a worker thread; one at a time)."""
        if self._syncing:
            return
        self._syncing = True

        def done(_: object = None) -> None:
            self._syncing = False

        def failed(_: BaseException) -> None:
            self._syncing = False  # the database may be busy; the next tick tries again

        self._run_async(self._manager.sync, done, failed)

    def close(self) -> None:
        """Stop listening (the window is closing)."""
        self._timer.stop()
        self._sync_timer.stop()
        self._unsubscribe()
        self._unsubscribe = lambda: None
