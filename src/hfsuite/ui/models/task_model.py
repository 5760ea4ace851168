"""The queue as a Qt table model: one row per task, no widget per row.

Rows are :class:`~hfsuite.storage.TaskRecord` values in queue order (priority, then manual
rank, then id: the order :meth:`DownloadManager.list_tasks` returns), plus the live progress of
running tasks from the engine bridge. Updates touch only what changed:

* :meth:`TaskTableModel.apply_rows` replaces changed rows in place (``dataChanged`` per row),
  appends new ones in one ``beginInsertRows`` and re-sorts only when an order key moved;
* :meth:`TaskTableModel.remove_ids` removes contiguous runs of rows at once;
* :meth:`TaskTableModel.apply_progress` repaints the progress, speed and ETA cells of running
  tasks only.

So a queue of 10,000 tasks costs a list and a dict, and the view asks for the ~30 visible rows.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from hfsuite.app.queue.liveness import Claim, runner_gone
from hfsuite.core.types import Priority, RepoType, SourceKind, TaskState
from hfsuite.core.units import format_bytes, format_duration, format_rate
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from hfsuite.app.events import TaskProgress, TasksProgressed
    from hfsuite.app.queue.manager import TaskRecord

translate = QCoreApplication.translate

AnyIndex = QModelIndex | QPersistentModelIndex


class Column(enum.IntEnum):
    """Columns of the queue table."""

    NAME = 0
    """Repository id (or URL)."""
    SOURCE = 1
    """Hub and repository type."""
    SIZE = 2
    """Total bytes of the plan."""
    PROGRESS = 3
    """A painted bar (see :class:`~hfsuite.ui.models.delegates.ProgressDelegate`)."""
    SPEED = 4
    """Live speed of a running task."""
    ETA = 5
    """Time left of a running task."""
    STATUS = 6
    """The task's state (a painted pill)."""
    PRIORITY = 7
    """High, normal or low."""
    WORKER = 8
    """Who runs a running task (a worker's name; shown when workers share a database)."""


# English here (tests and code compare them); shown through translate("TaskModel", …).
HEADERS = {
    Column.NAME: QT_TRANSLATE_NOOP("TaskModel", "Name"),
    Column.SOURCE: QT_TRANSLATE_NOOP("TaskModel", "Source"),
    Column.SIZE: QT_TRANSLATE_NOOP("TaskModel", "Size"),
    Column.PROGRESS: QT_TRANSLATE_NOOP("TaskModel", "Progress"),
    Column.SPEED: QT_TRANSLATE_NOOP("TaskModel", "Speed"),
    Column.ETA: QT_TRANSLATE_NOOP("TaskModel", "ETA"),
    Column.STATUS: QT_TRANSLATE_NOOP("TaskModel", "Status"),
    Column.PRIORITY: QT_TRANSLATE_NOOP("TaskModel", "Priority"),
    Column.WORKER: QT_TRANSLATE_NOOP("TaskModel", "Worker"),
}

#: The record of the row (any column).
TaskRole = Qt.ItemDataRole.UserRole + 1
#: Done as a fraction 0…1, or None when unknown (progress column).
FractionRole = Qt.ItemDataRole.UserRole + 2
#: The task's :class:`~hfsuite.core.types.TaskState`.
StateRole = Qt.ItemDataRole.UserRole + 3
#: The task id.
IdRole = Qt.ItemDataRole.UserRole + 4

STATE_LABELS = {
    TaskState.QUEUED: QT_TRANSLATE_NOOP("TaskModel", "Queued"),
    TaskState.RUNNING: QT_TRANSLATE_NOOP("TaskModel", "Downloading"),
    TaskState.PAUSED: QT_TRANSLATE_NOOP("TaskModel", "Paused"),
    TaskState.COMPLETED: QT_TRANSLATE_NOOP("TaskModel", "Completed"),
    TaskState.FAILED: QT_TRANSLATE_NOOP("TaskModel", "Failed"),
    TaskState.CANCELLED: QT_TRANSLATE_NOOP("TaskModel", "Cancelled"),
}
PRIORITY_LABELS = {
    Priority.HIGH: QT_TRANSLATE_NOOP("TaskModel", "▲ High"),
    Priority.NORMAL: QT_TRANSLATE_NOOP("TaskModel", "Normal"),
    Priority.LOW: QT_TRANSLATE_NOOP("TaskModel", "▼ Low"),
}
_LIVE_COLUMNS = (Column.PROGRESS, Column.SPEED, Column.ETA)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def queue_key(record: TaskRecord) -> tuple[int, float, int]:
    """Sort key of the queue order (same as the database's)."""
    return (-int(record.priority), record.rank, record.id)


def state_label(state: TaskState) -> str:
    """A task state as the window shows it, translated."""
    return translate("TaskModel", STATE_LABELS[state])


def claim_label(claimed_by: str) -> str:
    """A runner as ``host-pid`` from its claim, before its worker's name is known."""
    claim = Claim.parse(claimed_by)
    if claim is None:
        return ""
    return f"{claim.host}-{claim.pid}" if claim.pid is not None else claim.host


def source_text(record: TaskRecord) -> str:
    """Where a task downloads from, for people: ``HF model``, ``ModelScope dataset``, ``URL``."""
    if record.source is SourceKind.URL:
        return "URL"
    hub = "HF" if record.source is SourceKind.HUGGINGFACE else "ModelScope"
    kind = {
        RepoType.MODEL: translate("TaskModel", "model"),
        RepoType.DATASET: translate("TaskModel", "dataset"),
        RepoType.SPACE: translate("TaskModel", "space"),
    }
    return f"{hub} {kind.get(record.repo_type, str(record.repo_type))}"


class TaskTableModel(QAbstractTableModel):
    """The download queue for a view (see the module docstring)."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[TaskRecord] = []
        self._index: dict[int, int] = {}
        self._live: dict[int, TaskProgress] = {}
        self._worker_names: dict[str, str] = {}

    # --- Qt model API ---------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return translate("TaskModel", HEADERS[Column(section)])
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _RIGHT if section in (Column.SIZE, Column.SPEED, Column.ETA) else _LEFT
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(record, column)
        if role == FractionRole:
            return self.fraction(record)
        if role == StateRole:
            return record.state
        if role == TaskRole:
            return record
        if role == IdRole:
            return record.id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in (Column.SIZE, Column.SPEED, Column.ETA) else _LEFT
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(record)
        return None

    # --- reading --------------------------------------------------------------------------

    def record(self, row: int) -> TaskRecord:
        """The task shown in ``row``."""
        return self._rows[row]

    def row_of(self, task_id: int) -> int | None:
        """The row showing a task (None when it is not in the queue)."""
        return self._index.get(task_id)

    def records(self) -> list[TaskRecord]:
        """Every row, in queue order (a copy)."""
        return list(self._rows)

    def live(self, task_id: int) -> TaskProgress | None:
        """The latest live progress of a running task."""
        return self._live.get(task_id)

    def fraction(self, record: TaskRecord) -> float | None:
        """Done as a fraction 0…1 (live when running; None before planning)."""
        if record.state is TaskState.COMPLETED:
            return 1.0
        live = self._live.get(record.id)
        if live is not None and live.total_bytes:
            return min(1.0, live.done_bytes / live.total_bytes)
        if record.bytes_total:
            return min(1.0, record.bytes_done / record.bytes_total)
        return None

    def text(self, record: TaskRecord, column: int) -> str:
        """The text of one cell (what the delegate paints)."""
        return self._text(record, column)

    def _text(self, record: TaskRecord, column: int) -> str:
        live = self._live.get(record.id) if record.state is TaskState.RUNNING else None
        if column == Column.NAME:
            rev = f" @{record.revision}" if record.revision else ""
            return record.display_name + rev
        if column == Column.SOURCE:
            return source_text(record)
        if column == Column.SIZE:
            total = live.total_bytes if live and live.total_bytes else record.bytes_total
            return format_bytes(total) if total else "—"
        if column == Column.PROGRESS:
            fraction = self.fraction(record)
            return "" if fraction is None else f"{100 * fraction:.1f}%"
        if column == Column.SPEED:
            return format_rate(live.speed_bps) if live else ""
        if column == Column.ETA:
            return format_duration(live.eta_s) if live and live.speed_bps > 0 else ""
        if column == Column.STATUS:
            if runner_gone(record):
                return translate("TaskModel", "Interrupted")
            return state_label(record.state)
        if column == Column.PRIORITY:
            label = PRIORITY_LABELS.get(record.priority)
            return translate("TaskModel", label) if label else str(record.priority)
        if column == Column.WORKER:
            if record.state is not TaskState.RUNNING or not record.claimed_by:
                return ""
            return self._worker_names.get(record.claimed_by) or claim_label(record.claimed_by)
        return ""

    # --- workers --------------------------------------------------------------------------

    def set_worker_names(self, names: dict[str, str]) -> None:
        """Names of the workers by claim (``hfsuite workers ls``), for the worker column."""
        self._worker_names = dict(names)
        if self._rows:
            column = int(Column.WORKER)
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    def unknown_claims(self) -> set[str]:
        """Claims of running rows whose worker's name is not known yet."""
        return {
            r.claimed_by
            for r in self._rows
            if r.state is TaskState.RUNNING
            and r.claimed_by
            and r.claimed_by not in self._worker_names
        }

    @staticmethod
    def _tooltip(record: TaskRecord) -> str:
        lines = [
            record.display_name,
            translate("TaskModel", "Destination: {path}").format(path=record.destination),
        ]
        if record.files_total:
            lines.append(
                translate("TaskModel", "Files: {done} of {total}").format(
                    done=record.files_done, total=record.files_total
                )
            )
        if record.error:
            lines.append(translate("TaskModel", "Error: {error}").format(error=record.error))
        return "\n".join(lines)

    # --- changing -------------------------------------------------------------------------

    def set_records(self, records: Iterable[TaskRecord]) -> None:
        """Replace every row (the first load; ``records`` in any order)."""
        self.beginResetModel()
        self._rows = sorted(records, key=queue_key)
        self._reindex()
        self._live = {k: v for k, v in self._live.items() if k in self._index}
        self.endResetModel()

    def apply_rows(self, changed: dict[int, TaskRecord]) -> None:
        """Take in changed rows (new ones appended, then re-sorted if the order moved)."""
        new: list[TaskRecord] = []
        resort = False
        last = self.columnCount() - 1
        for task_id, record in changed.items():
            row = self._index.get(task_id)
            if row is None:
                new.append(record)
                continue
            old = self._rows[row]
            self._rows[row] = record
            if queue_key(old) != queue_key(record):
                resort = True
            if record.state is not TaskState.RUNNING:
                self._live.pop(task_id, None)
            self.dataChanged.emit(self.index(row, 0), self.index(row, last))
        if new:
            new.sort(key=queue_key)
            first = len(self._rows)
            if self._rows and queue_key(new[0]) < queue_key(self._rows[-1]):
                resort = True
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._rows.extend(new)
            for offset, record in enumerate(new):
                self._index[record.id] = first + offset
            self.endInsertRows()
        if resort:
            self._resort()

    def remove_ids(self, task_ids: Sequence[int]) -> None:
        """Remove rows of deleted tasks (contiguous runs at once)."""
        rows = sorted((r for i in task_ids if (r := self._index.get(i)) is not None), reverse=True)
        if not rows:
            return
        for task_id in task_ids:
            self._live.pop(task_id, None)
        runs: list[tuple[int, int]] = []
        for row in rows:
            if runs and runs[-1][0] == row + 1:
                runs[-1] = (row, runs[-1][1])
            else:
                runs.append((row, row))
        for first, last in runs:  # bottom-up, so earlier rows keep their numbers
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first : last + 1]
            self.endRemoveRows()
        self._reindex()

    def apply_progress(self, batch: TasksProgressed) -> None:
        """Take in live progress; repaints the live cells of the rows concerned."""
        seen = {p.task_id: p for p in batch.tasks}
        touched = set(seen) | (set(self._live) - set(seen))
        self._live = {k: v for k, v in seen.items() if k in self._index}
        for task_id in touched:
            row = self._index.get(task_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, Column.SIZE), self.index(row, Column.ETA), [])

    def _reindex(self) -> None:
        self._index = {record.id: row for row, record in enumerate(self._rows)}

    def _resort(self) -> None:
        self.layoutAboutToBeChanged.emit()
        old_ids = [record.id for record in self._rows]
        self._rows.sort(key=queue_key)
        self._reindex()
        before = self.persistentIndexList()
        after = [
            self.index(self._index[old_ids[i.row()]], i.column())
            if 0 <= i.row() < len(old_ids)
            else QModelIndex()
            for i in before
        ]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()


class TaskFilterModel(QSortFilterProxyModel):
    """Shows the tasks whose name contains a text and whose state is in a set (None: all)."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._text = ""
        self._states: frozenset[TaskState] | None = None

    def set_text(self, text: str) -> None:
        """Keep tasks whose name contains ``text`` (case-insensitive)."""
        self.beginFilterChange()
        self._text = text.strip().lower()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_states(self, states: Iterable[TaskState] | None) -> None:
        """Keep tasks in these states (None: every state)."""
        self.beginFilterChange()
        self._states = None if states is None else frozenset(states)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if self._text == "" and self._states is None:
            return True
        model = self.sourceModel()
        assert isinstance(model, TaskTableModel)
        record = model.record(source_row)
        if self._states is not None and record.state not in self._states:
            return False
        return not self._text or self._text in record.display_name.lower()
