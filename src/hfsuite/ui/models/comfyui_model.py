"""The ComfyUI tab's table: one row per model reference of a workflow, with its state.

```
Node            │ Folder      │ File                   │ Status             │ Source │ Size
#12 LoraLoader  │ loras       │ Wan/detail.safetensors │ missing · download │ index  │ 144 MiB
#4 Checkpoint…  │ checkpoints │ sd_xl_base.safetensors │ ✓ present          │        │
```

Rows are built off the UI thread (:func:`build_rows`) from a
:class:`~hfsuite.app.comfyui_missing.MissingReport`; while ``Download missing`` runs, a row's
status follows its download (``downloading 42 %``) and turns ``✓ present`` when its file is in
place. Inactive (muted or bypassed) references live in a second model of the same class, shown
apart by the tab.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QPalette

from hfsuite.app.comfyui_missing import MissingItem, MissingReport
from hfsuite.core.units import format_bytes
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP
from hfsuite.ui.theme import colors_for

translate = QCoreApplication.translate

#: Qt role holding the row's :class:`RefRow`.
ROW_ROLE = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex


class RefColumn(enum.IntEnum):
    """The table's columns."""

    NODE = 0
    FOLDER = 1
    FILE = 2
    STATUS = 3
    SOURCE = 4
    CONFIDENCE = 5
    SIZE = 6
    WHERE = 7


HEADERS = {
    RefColumn.NODE: QT_TRANSLATE_NOOP("ComfyUIModel", "Node"),
    RefColumn.FOLDER: QT_TRANSLATE_NOOP("ComfyUIModel", "Folder"),
    RefColumn.FILE: QT_TRANSLATE_NOOP("ComfyUIModel", "File"),
    RefColumn.STATUS: QT_TRANSLATE_NOOP("ComfyUIModel", "Status"),
    RefColumn.SOURCE: QT_TRANSLATE_NOOP("ComfyUIModel", "Source"),
    RefColumn.CONFIDENCE: QT_TRANSLATE_NOOP("ComfyUIModel", "Confidence"),
    RefColumn.SIZE: QT_TRANSLATE_NOOP("ComfyUIModel", "Size"),
    RefColumn.WHERE: QT_TRANSLATE_NOOP("ComfyUIModel", "Where"),
}

#: What each state is called in the Status column.
STATUS_TEXT = {
    "present": QT_TRANSLATE_NOOP("ComfyUIModel", "✓ present"),
    "elsewhere": QT_TRANSLATE_NOOP("ComfyUIModel", "elsewhere on disk"),
    "resolved": QT_TRANSLATE_NOOP("ComfyUIModel", "missing · download"),
    "unresolved": QT_TRANSLATE_NOOP("ComfyUIModel", "missing · not found"),
    "refused": QT_TRANSLATE_NOOP("ComfyUIModel", "refused"),
    "inactive": QT_TRANSLATE_NOOP("ComfyUIModel", "inactive"),
    "queued": QT_TRANSLATE_NOOP("ComfyUIModel", "waiting to download"),
    "downloaded": QT_TRANSLATE_NOOP("ComfyUIModel", "✓ present"),
    "failed": QT_TRANSLATE_NOOP("ComfyUIModel", "download failed"),
}


def status_text(state: str) -> str:
    """What a state is called in the Status column, translated."""
    text = STATUS_TEXT.get(state)
    return translate("ComfyUIModel", text) if text else state


@dataclass
class RefRow:
    """One reference as shown.

    Attributes:
        item: The checked reference (its candidates, destination, reason).
        state: ``present``, ``elsewhere``, ``resolved``, ``unresolved``, ``refused``,
            ``inactive``; during a fetch also ``queued``, ``downloading``, ``downloaded``,
            ``failed``.
        cells: The text of each column.
        progress: Fraction downloaded while ``downloading``.
        error: Why the download failed.
    """

    item: MissingItem
    state: str
    cells: list[str]
    progress: float = 0.0
    error: str | None = None

    @property
    def key(self) -> str:
        """Where the file goes (its download's identity), or the reference's text."""
        if self.item.destination is not None:
            return str(self.item.destination)
        return f"{self.item.ref.node_id}:{self.item.ref.input}:{self.item.ref.value}"


def item_state(item: MissingItem) -> str:
    """The row state of a checked reference."""
    if item.status == "missing":
        return "resolved" if item.resolution is not None else "unresolved"
    return item.status


def _node_text(item: MissingItem) -> str:
    ref = item.ref
    if ref.node_id is None and ref.node_type is None:
        if ref.origin == "declared":
            return translate("ComfyUIModel", "declared in the workflow")
        return ref.origin or ""
    text = f"#{ref.node_id} {ref.node_type or ''}".strip()
    if ref.subgraph:
        text += translate("ComfyUIModel", "  (in {subgraph})").format(subgraph=ref.subgraph)
    return text


def _where(item: MissingItem) -> str:
    if item.found_at is not None:
        return str(item.found_at)
    if item.status == "missing" and item.destination is not None:
        return f"→ {item.destination}"
    return item.reason or ""


def _source_text(item: MissingItem) -> str:
    best = item.resolution
    if best is None:
        return ""
    where = best.repo_id if best.kind == "hub" and best.repo_id else (best.url or "")
    return f"{best.source}: {where}" if where else best.source


def make_row(item: MissingItem) -> RefRow:
    """Format one reference (plain strings: safe off the UI thread)."""
    state = item_state(item)
    best = item.resolution
    cells = [""] * len(RefColumn)
    cells[RefColumn.NODE] = _node_text(item)
    cells[RefColumn.FOLDER] = item.ref.folder or "?"
    cells[RefColumn.FILE] = item.ref.value
    cells[RefColumn.STATUS] = status_text(state)
    cells[RefColumn.SOURCE] = _source_text(item)
    cells[RefColumn.CONFIDENCE] = best.confidence if best is not None else ""
    size = best.size if best is not None else None
    cells[RefColumn.SIZE] = format_bytes(size) if size else ""
    cells[RefColumn.WHERE] = _where(item)
    return RefRow(item, state, cells)


def build_rows(report: MissingReport) -> tuple[list[RefRow], list[RefRow]]:
    """The active and the inactive references of ``report``, as rows."""
    active: list[RefRow] = []
    inactive: list[RefRow] = []
    for item in report.items:
        row = make_row(item)
        (inactive if item.status == "inactive" else active).append(row)
    return active, inactive


class ComfyRefsModel(QAbstractTableModel):
    """The references of one workflow (see the module docstring)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.rows: list[RefRow] = []
        self._colors: dict[str, QColor] = {}
        self._italic = QFont()
        self._italic.setItalic(True)
        self.refresh_colors()

    def refresh_colors(self) -> None:
        """Take the theme's colours again (the palette changed)."""
        c = colors_for(QPalette())
        self._colors = {
            "present": QColor(c.success),
            "downloaded": QColor(c.success),
            "elsewhere": QColor(c.accent),
            "resolved": QColor(c.warning),
            "queued": QColor(c.warning),
            "downloading": QColor(c.accent),
            "unresolved": QColor(c.danger),
            "failed": QColor(c.danger),
            "refused": QColor(c.muted),
            "inactive": QColor(c.muted),
        }
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(RefColumn)))

    # --- Qt model -------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(RefColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate("ComfyUIModel", HEADERS[RefColumn(section)])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == RefColumn.STATUS and row.error:
                return row.error
            if column == RefColumn.SOURCE and row.item.resolution is not None:
                best = row.item.resolution
                return best.note or best.url or best.file
            return row.cells[column] or None
        if role == Qt.ItemDataRole.ForegroundRole and column == RefColumn.STATUS:
            return self._colors.get(row.state)
        if role == Qt.ItemDataRole.ForegroundRole and row.state == "inactive":
            return self._colors["inactive"]
        if role == Qt.ItemDataRole.FontRole and row.state == "inactive":
            return self._italic
        if role == Qt.ItemDataRole.TextAlignmentRole and column == RefColumn.SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ROW_ROLE:
            return row
        return None

    # --- contents -------------------------------------------------------------------------
    def set_rows(self, rows: list[RefRow]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def row_at(self, index: _Index) -> RefRow | None:
        """The row of ``index`` (any column), or None."""
        return self.rows[index.row()] if index.isValid() else None

    def set_state(
        self, keys: set[str], state: str, *, progress: float = 0.0, error: str = ""
    ) -> None:
        """Give the rows whose :attr:`RefRow.key` is in ``keys`` a download state."""
        for number, row in enumerate(self.rows):
            if row.key not in keys:
                continue
            row.state, row.progress, row.error = state, progress, error or None
            if state == "downloading":
                row.cells[RefColumn.STATUS] = translate(
                    "ComfyUIModel", "downloading {percent} %"
                ).format(percent=f"{progress * 100:.0f}")
            else:
                row.cells[RefColumn.STATUS] = status_text(state)
            if state == "downloaded":
                row.cells[RefColumn.WHERE] = str(row.item.destination or "")
            self.dataChanged.emit(self.index(number, 0), self.index(number, len(RefColumn) - 1))

    def counts(self) -> dict[str, int]:
        """How many rows are in each state."""
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[row.state] = counts.get(row.state, 0) + 1
        return counts

    def states(self) -> list[str]:
        """Every row's state, in order (tests and the status line read it)."""
        return [row.state for row in self.rows]
