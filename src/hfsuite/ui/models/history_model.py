"""History rows as a table model: star, repository, outcome, update state, size, speed, time.

The model only holds what the History tab loaded (:func:`hfsuite.app.history_ops.find_history`
off the UI thread) and the last update-check reports; filtering happens in the database query.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QPalette

from hfsuite.app.download.updates import ChangeKind, RepoUpdate
from hfsuite.app.history_ops import HistoryRecord
from hfsuite.core.types import Outcome
from hfsuite.core.units import format_bytes, format_rate
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP
from hfsuite.ui.models.formatting import local_time
from hfsuite.ui.theme import colors_for
from hfsuite.ui.widgets.path_selector import contract_home

translate = QCoreApplication.translate

_Index = QModelIndex | QPersistentModelIndex
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
"""The :class:`HistoryRecord` of a row."""
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
"""A sortable value of a cell."""


class Column(IntEnum):
    """The columns, in order."""

    STAR = 0
    REPO = 1
    OUTCOME = 2
    UPDATE = 3
    FILES = 4
    SIZE = 5
    SPEED = 6
    FINISHED = 7
    DESTINATION = 8


HEADERS = {
    Column.STAR: "★",
    Column.REPO: QT_TRANSLATE_NOOP("HistoryModel", "Repository"),
    Column.OUTCOME: QT_TRANSLATE_NOOP("HistoryModel", "Outcome"),
    Column.UPDATE: QT_TRANSLATE_NOOP("HistoryModel", "Upstream"),
    Column.FILES: QT_TRANSLATE_NOOP("HistoryModel", "Files"),
    Column.SIZE: QT_TRANSLATE_NOOP("HistoryModel", "Size"),
    Column.SPEED: QT_TRANSLATE_NOOP("HistoryModel", "Avg speed"),
    Column.FINISHED: QT_TRANSLATE_NOOP("HistoryModel", "Finished"),
    Column.DESTINATION: QT_TRANSLATE_NOOP("HistoryModel", "Destination"),
}
"""English (tests compare them); shown through ``translate("HistoryModel", …)``."""
_RIGHT = {Column.FILES, Column.SIZE, Column.SPEED}
_OUTCOME_TEXT = {
    Outcome.COMPLETED: QT_TRANSLATE_NOOP("HistoryModel", "Completed"),
    Outcome.FAILED: QT_TRANSLATE_NOOP("HistoryModel", "Failed"),
    Outcome.CANCELLED: QT_TRANSLATE_NOOP("HistoryModel", "Cancelled"),
}
# ChangeKind's values, shown translated.
_CHANGE_TEXT = {
    ChangeKind.ADDED: QT_TRANSLATE_NOOP("HistoryModel", "added"),
    ChangeKind.MODIFIED: QT_TRANSLATE_NOOP("HistoryModel", "modified"),
    ChangeKind.REMOVED: QT_TRANSLATE_NOOP("HistoryModel", "removed"),
}


def _change_text(kind: ChangeKind) -> str:
    text = _CHANGE_TEXT.get(kind)
    return translate("HistoryModel", text) if text else kind.value


def update_key(repo_id: str | None, destination: str) -> tuple[str, str]:
    """How history rows and update reports are matched: repository and destination."""
    return (repo_id or "", destination)


def describe_update(report: RepoUpdate) -> str:
    """A one-line summary of an update report (the Upstream cell)."""
    if report.error:
        return translate("HistoryModel", "check failed")
    if report.pinned:
        return translate("HistoryModel", "pinned commit")
    if not report.has_update:
        return translate("HistoryModel", "✓ up to date")
    counts = {kind: 0 for kind in ChangeKind}
    for change in report.changes:
        counts[change.kind] += 1
    parts = [f"{n} {_change_text(kind)}" for kind, n in counts.items() if n]
    return "⬆ " + (", ".join(parts) if parts else translate("HistoryModel", "new commit"))


class HistoryTableModel(QAbstractTableModel):
    """Finished downloads, newest first, with favorites and update marks."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[HistoryRecord] = []
        self._updates: dict[tuple[str, str], RepoUpdate] = {}

    def set_records(self, records: Sequence[HistoryRecord]) -> None:
        """Show these rows (as loaded with the current filters)."""
        self.beginResetModel()
        self._rows = list(records)
        self.endResetModel()

    def set_updates(self, reports: Mapping[tuple[str, str], RepoUpdate]) -> None:
        """Mark rows with the results of an update check."""
        self._updates = dict(reports)
        if self._rows:
            top = self.index(0, Column.UPDATE)
            self.dataChanged.emit(top, self.index(len(self._rows) - 1, Column.UPDATE))

    @property
    def records(self) -> Sequence[HistoryRecord]:
        """The rows shown."""
        return tuple(self._rows)

    def record(self, row: int) -> HistoryRecord:
        """The record of a row."""
        return self._rows[row]

    def update_of(self, record: HistoryRecord) -> RepoUpdate | None:
        """The last update check of a row's repository and destination, if any."""
        return self._updates.get(update_key(record.repo_id, record.destination))

    # --- Qt model -------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return translate("HistoryModel", HEADERS[Column(section)])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_align(Column(section)))
        if role == Qt.ItemDataRole.ToolTipRole and section == Column.STAR:
            return translate("HistoryModel", "Favorite (click a star to toggle)")
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        record = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(record, column)
        if role == RECORD_ROLE:
            return record
        if role == SORT_ROLE:
            return self._sort_value(record, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_align(column))
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(record, column)
        if role == Qt.ItemDataRole.FontRole and column is Column.REPO:
            font = QFont()
            font.setWeight(QFont.Weight.DemiBold)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(record, column)
        return None

    def _display(self, r: HistoryRecord, column: Column) -> str:
        if column is Column.STAR:
            return "★" if r.is_favorite else "☆"
        if column is Column.REPO:
            name = r.repo_id or r.url or "?"
            return f"{name} @{r.revision}" if r.revision and r.revision != "main" else name
        if column is Column.OUTCOME:
            text = _OUTCOME_TEXT.get(r.outcome)
            return translate("HistoryModel", text) if text else r.outcome.value
        if column is Column.UPDATE:
            report = self.update_of(r)
            return describe_update(report) if report else ""
        if column is Column.FILES:
            return str(len(r.files)) if r.files else "—"
        if column is Column.SIZE:
            total = sum(f.size_bytes for f in r.files) or r.bytes_downloaded
            return format_bytes(total) if total else "—"
        if column is Column.SPEED:
            return format_rate(r.average_speed_bps) if r.average_speed_bps > 0 else "—"
        if column is Column.FINISHED:
            return local_time(r.finished_at)
        return contract_home(r.destination)

    def _sort_value(self, r: HistoryRecord, column: Column) -> Any:
        if column is Column.SIZE:
            return sum(f.size_bytes for f in r.files) or r.bytes_downloaded
        if column is Column.SPEED:
            return r.average_speed_bps
        if column is Column.FINISHED:
            return r.finished_at
        if column is Column.FILES:
            return len(r.files)
        if column is Column.STAR:
            return int(r.is_favorite)
        return self._display(r, column).lower()

    def _foreground(self, r: HistoryRecord, column: Column) -> QColor | None:
        palette = QPalette()
        colors = colors_for(palette)
        if column is Column.STAR:
            return QColor("#e3a008") if r.is_favorite else QColor(colors.muted)
        if column is Column.OUTCOME:
            return QColor(
                {
                    Outcome.COMPLETED: colors.success,
                    Outcome.FAILED: colors.danger,
                    Outcome.CANCELLED: colors.muted,
                }.get(r.outcome, colors.text)
            )
        if column is Column.UPDATE:
            report = self.update_of(r)
            if report is None:
                return None
            if report.error:
                return QColor(colors.danger)
            return QColor(colors.accent if report.has_update else colors.muted)
        if column in (Column.FINISHED, Column.DESTINATION, Column.SPEED, Column.FILES):
            return QColor(colors.muted)
        return None

    def _tooltip(self, r: HistoryRecord, column: Column) -> str | None:
        if column is Column.OUTCOME and r.error:
            return r.error
        if column is Column.UPDATE:
            report = self.update_of(r)
            if report is None:
                return translate("HistoryModel", "Not checked yet: use Check for updates")
            if report.error:
                return report.error
            lines = [
                translate("HistoryModel", "Downloaded {commit}").format(
                    commit=report.version.commit[:10]
                )
            ]
            if report.current_commit:
                lines.append(
                    translate("HistoryModel", "Upstream {commit}").format(
                        commit=report.current_commit[:10]
                    )
                )
            for change in report.changes[:20]:
                size = change.new_size if change.new_size is not None else change.old_size
                lines.append(
                    f"{_change_text(change.kind)}: {change.path} ({format_bytes(size or 0)})"
                )
            return "\n".join(lines)
        if column is Column.REPO:
            commit = f"\ncommit {r.commit}" if r.commit else ""
            files = "\n".join(f.path for f in r.files[:15])
            more = (
                "\n" + translate("HistoryModel", "… {n} more").format(n=len(r.files) - 15)
                if len(r.files) > 15
                else ""
            )
            return f"{r.repo_id or r.url}{commit}\n{files}{more}".strip()
        if column is Column.DESTINATION:
            layout = r.layout.value if r.layout else ""
            return f"{r.destination}\n{layout}".strip()
        return None


def _align(column: Column) -> Qt.AlignmentFlag:
    if column is Column.STAR:
        return Qt.AlignmentFlag.AlignCenter
    horizontal = Qt.AlignmentFlag.AlignRight if column in _RIGHT else Qt.AlignmentFlag.AlignLeft
    return horizontal | Qt.AlignmentFlag.AlignVCenter
