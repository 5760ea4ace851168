"""A repository's files with a checkbox each: what the Browse tab downloads.

``selection_changed(count, size_bytes)`` fires whenever a box is ticked or cleared, so the tab
can show the selection's total size.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from hfsuite.app.hub.catalog import FileEntry
from hfsuite.core.units import format_bytes
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP

translate = QCoreApplication.translate

_Index = QModelIndex | QPersistentModelIndex
# English (shown through translate("RepoFilesModel", …)).
COLUMNS = (
    QT_TRANSLATE_NOOP("RepoFilesModel", "File"),
    QT_TRANSLATE_NOOP("RepoFilesModel", "Size"),
    QT_TRANSLATE_NOOP("RepoFilesModel", "Storage"),
)


class RepoFilesModel(QAbstractTableModel):
    """Files of one repository commit, checkable."""

    #: (number of ticked files, their total size in bytes)
    selection_changed = Signal(int, object)  # object: sizes pass 2 GiB

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._files: list[FileEntry] = []
        self._checked: list[bool] = []

    def set_files(self, files: Sequence[FileEntry], *, checked: bool = False) -> None:
        """Show these files (sorted by path), all ticked or all clear."""
        self.beginResetModel()
        self._files = sorted(files, key=lambda f: f.path)
        self._checked = [checked] * len(self._files)
        self.endResetModel()
        self._emit_selection()

    @property
    def files(self) -> Sequence[FileEntry]:
        """The files shown."""
        return tuple(self._files)

    def checked_paths(self) -> list[str]:
        """Paths of the ticked files."""
        return [f.path for f, on in zip(self._files, self._checked, strict=True) if on]

    def checked_size(self) -> int:
        """Total size of the ticked files."""
        return sum(f.size for f, on in zip(self._files, self._checked, strict=True) if on)

    def total_size(self) -> int:
        """Total size of every file."""
        return sum(f.size for f in self._files)

    def set_checked(self, paths: Iterable[str], checked: bool = True) -> None:
        """Tick (or clear) the files with these paths."""
        wanted = set(paths)
        for row, f in enumerate(self._files):
            if f.path in wanted:
                self._checked[row] = checked
        if self._files:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._files) - 1, 0))
        self._emit_selection()

    def set_all_checked(self, checked: bool) -> None:
        """Tick or clear every file."""
        self.set_checked((f.path for f in self._files), checked)

    def _emit_selection(self) -> None:
        self.selection_changed.emit(sum(self._checked), self.checked_size())

    # --- Qt model -------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._files)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate("RepoFilesModel", COLUMNS[section])
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            side = Qt.AlignmentFlag.AlignRight if section == 1 else Qt.AlignmentFlag.AlignLeft
            return int(side | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 0:
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        f = self._files[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return f.path
            if col == 1:
                return format_bytes(f.size)
            return "LFS" if f.lfs else "git"
        if role == Qt.ItemDataRole.CheckStateRole and col == 0:
            return Qt.CheckState.Checked if self._checked[index.row()] else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            size = translate("RepoFilesModel", "{size} bytes").format(size=f"{f.size:,}")
            return f"{f.path}\n{size}" + (f"\nsha256 {f.sha256}" if f.sha256 else "")
        if role == Qt.ItemDataRole.UserRole:
            return f.size if col == 1 else f.path
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != 0:
            return False
        state = value if isinstance(value, Qt.CheckState) else Qt.CheckState(value)
        self._checked[index.row()] = state == Qt.CheckState.Checked
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self._emit_selection()
        return True
