"""Every failure the window knows of, for the error inspector and the status bar's counter.

```
manager events (any thread) ──► FailureLog._collect    TaskFailed, FileFailed, TaskCompleted
errors the window shows      ──► FailureLog.record_error (UI thread; the error presenter)
the database                 ──► FailureLog.refresh    (run_async: failed tasks, history)
                                        │  flushed by a QTimer, a few times per second
                                        ▼
                         changed() ─► FailuresModel (newest first) ─► FailuresProxy (filter)
```

A failure is kept under a key (``task:12``, ``file:12:model.bin``, ``live:3``): the same task
failing again replaces its row, and a task that completes after a retry drops its rows.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Sequence
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor

from hfsuite.app.events import TaskCompleted, TaskEvent, TaskFailed, TaskRemoved
from hfsuite.app.failures import (
    Failure,
    FailureKind,
    failure_of_exception,
    failure_of_file,
    failure_of_task,
    list_failures,
    repo_url,
)
from hfsuite.core.events import Event, FileFailed
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP
from hfsuite.ui.models.formatting import local_time
from hfsuite.ui.theme import ThemeColors

if TYPE_CHECKING:
    from hfsuite.ui.context import UiContext

translate = QCoreApplication.translate

_Index = QModelIndex | QPersistentModelIndex
FAILURE_ROLE = Qt.ItemDataRole.UserRole + 1
"""The :class:`Failure` of a row."""

# English (code compares them); shown through translate("FailuresModel", …).
KIND_TEXT = {
    FailureKind.TASK: QT_TRANSLATE_NOOP("FailuresModel", "Download"),
    FailureKind.FILE: QT_TRANSLATE_NOOP("FailuresModel", "File"),
    FailureKind.SCAN: QT_TRANSLATE_NOOP("FailuresModel", "Scan"),
    FailureKind.RESOLVE: QT_TRANSLATE_NOOP("FailuresModel", "Lookup"),
    FailureKind.OTHER: QT_TRANSLATE_NOOP("FailuresModel", "Other"),
}


class FailureLog(QObject):
    """Collects failures from the queue's events, the error presenter and the database.

    Args:
        ctx: The UI context (its manager's events, its worker threads).
        interval_ms: How often collected events are handed to the views.
    """

    #: The failures changed (read :meth:`failures`).
    changed = Signal()

    def __init__(self, ctx: UiContext, interval_ms: int = 250, parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._closed = False
        self._endpoint = ctx.suite.settings.endpoint
        self._lock = threading.Lock()
        self._pending: list[Failure] = []
        self._resolved: set[int] = set()
        self._names: dict[int, tuple[str, str | None]] = {}
        self._by_key: dict[str, Failure] = {}
        self._numbers = itertools.count(1)
        self._loading = False
        self.loaded_once = False
        self._unsubscribe = ctx.manager.subscribe(self._collect)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.flush)
        self._timer.start()

    # --- any thread -----------------------------------------------------------------------
    def _collect(self, event: Event) -> None:
        with self._lock:
            if isinstance(event, TaskEvent):
                record = event.record
                url = repo_url(self._endpoint, record.repo_id, record.repo_type, record.url)
                self._names[record.id] = (record.display_name, url)
                if isinstance(event, TaskFailed):
                    self._pending.extend(failure_of_task(record, self._endpoint))
                elif isinstance(event, TaskCompleted):
                    self._resolved.add(record.id)
            elif isinstance(event, TaskRemoved) and event.task_id is not None:
                self._resolved.add(event.task_id)
            elif isinstance(event, FileFailed):
                name, url = self._names.get(
                    event.task_id or -1,
                    (
                        translate("FailuresModel", "task {id}").format(id=event.task_id),
                        None,
                    ),
                )
                self._pending.append(
                    failure_of_file(
                        event.task_id, name, event.path, event.message, time.time(), url
                    )
                )

    # --- UI thread ------------------------------------------------------------------------
    def flush(self) -> None:
        """Take in what the events brought (the timer calls it; tests may too)."""
        with self._lock:
            pending, self._pending = self._pending, []
            resolved, self._resolved = self._resolved, set()
        if self._closed or (not pending and not resolved):
            return
        for failure in pending:
            self._by_key[failure.key] = failure
            resolved.discard(failure.task_id or -1)
        if resolved:
            for key, failure in list(self._by_key.items()):
                if failure.task_id in resolved:
                    del self._by_key[key]
        self.changed.emit()

    def record_error(self, error: BaseException) -> Failure:
        """An error the window shows, kept as a failure (returned: its key opens it)."""
        failure = failure_of_exception(error, key=f"live:{next(self._numbers)}")
        self._by_key[failure.key] = failure
        self.changed.emit()
        return failure

    def refresh(self) -> None:
        """Read the failures the database keeps (off the UI thread)."""
        if self._loading:
            return
        self._loading = True
        manager = self.ctx.manager

        def done(stored: list[Failure]) -> None:
            self._loading = False
            if self._closed:  # the window closed while the database was read
                return
            self.loaded_once = True
            kept = {k: f for k, f in self._by_key.items() if k.startswith("live:")}
            live_files = {k: f for k, f in self._by_key.items() if k.startswith("file:")}
            self._by_key = {**live_files, **{f.key: f for f in stored}, **kept}
            self.changed.emit()

        def failed(_: BaseException) -> None:
            self._loading = False  # the database may be busy: the next refresh tries again

        self.ctx.run_async(lambda: list_failures(manager), done, failed)

    def failures(self) -> list[Failure]:
        """Every failure, newest first."""
        return sorted(self._by_key.values(), key=lambda f: f.time, reverse=True)

    def get(self, key: str) -> Failure | None:
        """The failure kept under ``key``."""
        return self._by_key.get(key)

    def count(self) -> int:
        """Failures that still stand: failed tasks in the queue and what failed this session
        (failed downloads only in the history do not count)."""
        return sum(1 for k in self._by_key if not k.startswith("history:"))

    @property
    def busy(self) -> bool:
        """Whether a refresh is running (tests wait on it)."""
        return self._loading

    def close(self) -> None:
        """Stop listening (the window is closing); a refresh still running is dropped."""
        self._closed = True
        self._timer.stop()
        self._unsubscribe()
        self._unsubscribe = lambda: None


class Column(IntEnum):
    """The inspector table's columns."""

    TIME = 0
    KIND = 1
    WHAT = 2
    MESSAGE = 3


HEADERS = {
    Column.TIME: QT_TRANSLATE_NOOP("FailuresModel", "When"),
    Column.KIND: QT_TRANSLATE_NOOP("FailuresModel", "Kind"),
    Column.WHAT: QT_TRANSLATE_NOOP("FailuresModel", "What"),
    Column.MESSAGE: QT_TRANSLATE_NOOP("FailuresModel", "Message"),
}


class FailuresModel(QAbstractTableModel):
    """Failures, newest first."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Failure] = []
        self.colors: ThemeColors | None = None

    def set_failures(self, failures: Sequence[Failure], colors: ThemeColors) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self.rows = list(failures)
        self.colors = colors
        self.endResetModel()

    def row_of(self, key: str) -> int:
        """The row of the failure ``key`` (-1: none)."""
        return next((i for i, f in enumerate(self.rows) if f.key == key), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate("FailuresModel", HEADERS[Column(section)])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        failure = self.rows[index.row()]
        column = Column(index.column())
        if role == FAILURE_ROLE:
            return failure
        if role == Qt.ItemDataRole.DisplayRole:
            if column is Column.TIME:
                return local_time(failure.time)
            if column is Column.KIND:
                return translate("FailuresModel", KIND_TEXT[failure.kind])
            if column is Column.WHAT:
                return failure.what
            return failure.message
        if role == Qt.ItemDataRole.ToolTipRole and column is Column.MESSAGE:
            return failure.message + (f"\n{failure.hint}" if failure.hint else "")
        if role == Qt.ItemDataRole.ForegroundRole and self.colors is not None:
            if column is Column.KIND:
                return QColor(self.colors.danger)
            if column is Column.TIME:
                return QColor(self.colors.muted)
        return None


class FailuresProxy(QSortFilterProxyModel):
    """Keeps the failures matching a text (any field) and a kind."""

    def __init__(self) -> None:
        super().__init__()
        self.text = ""
        self.kind: FailureKind | None = None

    def set_filter(self, text: str, kind: FailureKind | None) -> None:
        """Show only failures containing ``text`` (case-insensitive) of ``kind`` (None: any)."""
        self.beginFilterChange()
        self.text = text.strip().lower()
        self.kind = kind
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, FailuresModel):
            return True
        failure = model.rows[source_row]
        if self.kind is not None and failure.kind is not self.kind:
            return False
        return not self.text or self.text in failure.text()
