"""Painted cells: a progress bar and a status pill (no widget per row).

Both read the row through roles of :mod:`hfsuite.ui.models.task_model` and take their colours
from the view's palette (:func:`hfsuite.ui.theme.colors_for`), so a theme switch repaints them.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from hfsuite.core.types import Priority, TaskState
from hfsuite.ui.models.task_files_model import FileFractionRole, FileStateRole
from hfsuite.ui.models.task_model import Column, FractionRole, StateRole, TaskTableModel
from hfsuite.ui.theme import ThemeColors, colors_for

AnyIndex = QModelIndex | QPersistentModelIndex


def paint_bar(
    painter: QPainter,
    rect: QRectF,
    fraction: float,
    color: QColor,
    track: QColor,
    text: str = "",
    text_color: QColor | None = None,
) -> None:
    """A rounded progress bar with an optional centred label (also used by the file table)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    radius = rect.height() / 2
    painter.setBrush(track)
    painter.drawRoundedRect(rect, radius, radius)
    if fraction > 0:
        filled = QRectF(rect)
        filled.setWidth(max(rect.height(), rect.width() * min(1.0, fraction)))
        painter.setBrush(color)
        painter.drawRoundedRect(filled, radius, radius)
    painter.restore()
    if text:
        painter.save()
        painter.setPen(text_color or QColor("#000"))
        painter.drawText(rect.adjusted(0, -8, 0, 8), Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()


class _PaintedDelegate(QStyledItemDelegate):
    def _background(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        """The cell's selection/hover background, without its text."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)


class ProgressDelegate(_PaintedDelegate):
    """Paints the progress column: a slim bar coloured by the task's state, and the percent."""

    BAR_HEIGHT = 6

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        self._background(painter, option, index)
        fraction: float | None = index.data(FractionRole)
        state: TaskState = index.data(StateRole)
        self.paint_cell(painter, option, fraction, state, colors_for(option.palette))

    def paint_cell(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        fraction: float | None,
        state: TaskState,
        colors: ThemeColors,
    ) -> None:
        """Paint the bar and percent of one cell (background already painted)."""
        rect = QRectF(option.rect).adjusted(10, 0, -10, 0)
        label_w = 46.0
        bar = QRectF(
            rect.left(),
            rect.center().y() - self.BAR_HEIGHT / 2,
            max(10.0, rect.width() - label_w - 6),
            self.BAR_HEIGHT,
        )
        paint_bar(painter, bar, fraction or 0.0, colors.state_color(state), QColor(colors.track))
        painter.save()
        painter.setPen(QColor(colors.muted if state is not TaskState.RUNNING else colors.text))
        label = QRectF(bar.right() + 6, rect.top(), label_w, rect.height())
        text = "" if fraction is None else f"{100 * fraction:.0f}%"
        painter.drawText(label, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        return QSize(180, 30)


class StatusDelegate(_PaintedDelegate):
    """Paints the status column as a small coloured dot and label."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        self._background(painter, option, index)
        state: TaskState = index.data(StateRole)
        text: str = index.data(Qt.ItemDataRole.DisplayRole) or ""
        self.paint_cell(painter, option, text, state, colors_for(option.palette))

    def paint_cell(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        text: str,
        state: TaskState,
        colors: ThemeColors,
    ) -> None:
        """Paint the pill of one cell (background already painted)."""
        color = colors.state_color(state)
        rect = QRectF(option.rect).adjusted(10, 0, -6, 0)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = option.fontMetrics
        pill_w = min(rect.width(), metrics.horizontalAdvance(text) + 26.0)
        pill = QRectF(rect.left(), rect.center().y() - 11, pill_w, 22)
        fill = QColor(color)
        fill.setAlpha(38)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(pill, 11, 11)
        painter.setBrush(color)
        painter.drawEllipse(QRectF(pill.left() + 8, pill.center().y() - 3, 6, 6))
        painter.setPen(color if state is not TaskState.QUEUED else QColor(colors.muted))
        painter.drawText(
            pill.adjusted(19, 0, -4, 0),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            text,
        )
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        return QSize(120, 30)


class FileProgressDelegate(_PaintedDelegate):
    """Paints a file's progress (details pane) as a slim bar coloured by the file's state."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        self._background(painter, option, index)
        fraction: float = index.data(FileFractionRole) or 0.0
        state: str = index.data(FileStateRole) or "pending"
        colors = colors_for(option.palette)
        color = {
            "completed": colors.success,
            "skipped": colors.success,
            "failed": colors.danger,
            "verifying": colors.warning,
        }.get(state, colors.accent)
        rect = QRectF(option.rect).adjusted(8, 0, -8, 0)
        bar = QRectF(rect.left(), rect.center().y() - 3, max(10.0, rect.width() - 44), 6)
        paint_bar(painter, bar, fraction, QColor(color), QColor(colors.track))
        painter.save()
        painter.setPen(QColor(colors.muted))
        painter.drawText(
            QRectF(bar.right() + 4, rect.top(), 40, rect.height()),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            f"{100 * fraction:.0f}%",
        )
        painter.restore()


class QueueDelegate(QStyledItemDelegate):
    """Paints every cell of the queue table in one Python call per cell.

    The default delegate asks the model for eight or so roles per cell, each a call from C++
    into Python; while downloads keep worker threads busy every such call waits for the GIL,
    and a repaint of a few hundred of them stalls the event loop. This delegate reads the row's
    record directly and paints text, the progress bar and the status pill itself.

    Args:
        model: The queue's source model.
        proxy: The filter model the view shows (maps view rows to source rows).
    """

    def __init__(self, model: TaskTableModel, proxy: QSortFilterProxyModel, parent: QObject):
        super().__init__(parent)
        self.model = model
        self.proxy = proxy
        self._progress = ProgressDelegate(parent)
        self._status = StatusDelegate(parent)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        row = self.proxy.mapToSource(index).row()
        if row < 0:
            return
        record = self.model.record(row)
        column = index.column()
        colors = colors_for(option.palette)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(option.rect, QColor(colors.selection))
        if column == Column.PROGRESS:
            self._progress.paint_cell(
                painter, option, self.model.fraction(record), record.state, colors
            )
            return
        if column == Column.STATUS:
            self._status.paint_cell(
                painter, option, self.model.text(record, column), record.state, colors
            )
            return
        text = self.model.text(record, column)
        if not text:
            return
        rect = option.rect.adjusted(10, 0, -10, 0)
        right = column in (Column.SIZE, Column.SPEED, Column.ETA)
        align = (
            Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft
        ) | Qt.AlignmentFlag.AlignVCenter
        painter.save()
        if column == Column.NAME:
            font = QFont(option.font)
            font.setWeight(QFont.Weight.DemiBold)
            painter.setFont(font)
            painter.setPen(QColor(colors.text))
        elif column in (Column.SOURCE, Column.ETA) or (
            column == Column.PRIORITY and record.priority is Priority.NORMAL
        ):
            painter.setPen(QColor(colors.muted))
        elif column == Column.PRIORITY:
            high = record.priority is Priority.HIGH
            painter.setPen(QColor(colors.warning if high else colors.muted))
        else:
            painter.setPen(QColor(colors.text))
        elided = painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideMiddle, rect.width())
        painter.drawText(rect, align, elided)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        return QSize(100, 34)
