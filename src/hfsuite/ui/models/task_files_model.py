"""The files of one task (details pane): path, size, a painted progress bar and the state.

Rows come from the database (:meth:`DownloadManager.files`, on a worker thread) and live bytes
from the engine bridge (:meth:`EngineBridge.file_progress`), which wins while a file moves.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from hfsuite.core.units import format_bytes
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from hfsuite.app.queue.manager import TaskFileRecord
    from hfsuite.core.events import FileProgress

translate = QCoreApplication.translate

AnyIndex = QModelIndex | QPersistentModelIndex

#: Done as a fraction 0…1 (progress column).
FileFractionRole = Qt.ItemDataRole.UserRole + 11
#: The file's state as text (``pending``, ``downloading``, ``completed``…).
FileStateRole = Qt.ItemDataRole.UserRole + 12


class FileColumn(enum.IntEnum):
    """Columns of the files table."""

    PATH = 0
    """Path in the repository."""
    SIZE = 1
    """File size."""
    PROGRESS = 2
    """A painted bar."""
    STATE = 3
    """Pending, downloading, completed…"""


# English (shown through translate("TaskFilesModel", …)).
_HEADERS = (
    QT_TRANSLATE_NOOP("TaskFilesModel", "File"),
    QT_TRANSLATE_NOOP("TaskFilesModel", "Size"),
    QT_TRANSLATE_NOOP("TaskFilesModel", "Progress"),
    QT_TRANSLATE_NOOP("TaskFilesModel", "State"),
)
_STATE_TEXT = {
    "pending": QT_TRANSLATE_NOOP("TaskFilesModel", "Waiting"),
    "downloading": QT_TRANSLATE_NOOP("TaskFilesModel", "Downloading"),
    "verifying": QT_TRANSLATE_NOOP("TaskFilesModel", "Verifying"),
    "completed": QT_TRANSLATE_NOOP("TaskFilesModel", "Done"),
    "skipped": QT_TRANSLATE_NOOP("TaskFilesModel", "Already there"),
    "failed": QT_TRANSLATE_NOOP("TaskFilesModel", "Failed"),
}


class TaskFilesModel(QAbstractTableModel):
    """Files of the task shown in the details pane."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._files: list[TaskFileRecord] = []
        self._live: dict[str, FileProgress] = {}
        self.task_id: int | None = None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._files)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(FileColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate("TaskFilesModel", _HEADERS[section])
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self._files[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == FileColumn.PATH:
                return record.path
            if column == FileColumn.SIZE:
                return format_bytes(record.size_bytes) if record.size_bytes is not None else "—"
            if column == FileColumn.PROGRESS:
                fraction = self.fraction(index.row())
                return f"{100 * fraction:.0f}%"
            if column == FileColumn.STATE:
                state = self.state(index.row())
                return (
                    translate("TaskFilesModel", _STATE_TEXT[state])
                    if state in _STATE_TEXT
                    else state
                )
        if role == FileFractionRole:
            return self.fraction(index.row())
        if role == FileStateRole:
            return self.state(index.row())
        if role == Qt.ItemDataRole.TextAlignmentRole and column == FileColumn.SIZE:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ToolTipRole:
            return record.path
        return None

    def fraction(self, row: int) -> float:
        """Done as a fraction 0…1 (live bytes while the file moves)."""
        record = self._files[row]
        if self.state(row) in ("completed", "skipped"):
            return 1.0
        live = self._live.get(record.path)
        size = record.size_bytes or (live.size if live else 0)
        done = max(record.bytes_done, live.done_bytes if live else 0)
        return min(1.0, done / size) if size else 0.0

    def state(self, row: int) -> str:
        """The file's state (``downloading`` when live bytes moved and the row says pending)."""
        record = self._files[row]
        state = record.state.value
        live = self._live.get(record.path)
        if live is not None and state == "pending":
            return "completed" if live.size and live.done_bytes >= live.size else "downloading"
        return state

    def set_files(self, task_id: int | None, files: Sequence[TaskFileRecord]) -> None:
        """Show another task's files (or refresh the same task's)."""
        if task_id == self.task_id and [f.path for f in files] == [f.path for f in self._files]:
            self._files = list(files)
            self._emit_all()
            return
        self.beginResetModel()
        if task_id != self.task_id:
            self._live = {}
        self.task_id = task_id
        self._files = list(files)
        self.endResetModel()

    def set_live(self, live: Mapping[str, FileProgress]) -> None:
        """Take in live per-file bytes from the bridge."""
        self._live = dict(live)
        self._emit_all()

    def _emit_all(self) -> None:
        if self._files:
            self.dataChanged.emit(
                self.index(0, FileColumn.PROGRESS),
                self.index(len(self._files) - 1, FileColumn.STATE),
            )
