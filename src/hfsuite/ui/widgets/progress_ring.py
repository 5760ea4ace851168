"""A progress ring: a painted circle that fills clockwise, with the percent in the middle."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from hfsuite.ui.theme import colors_for


class ProgressRing(QWidget):
    """A circular progress indicator.

    Args:
        parent: Parent widget.
        diameter: Preferred size in pixels.
        thickness: Width of the ring.
    """

    def __init__(self, parent: QWidget | None = None, diameter: int = 72, thickness: int = 7):
        super().__init__(parent)
        self._value: float | None = 0.0
        self._color: QColor | None = None
        self._caption = ""
        self.diameter = diameter
        self.thickness = thickness
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def value(self) -> float | None:
        """Done as a fraction 0…1 (None: unknown, drawn as an empty ring with a dash)."""
        return self._value

    def set_value(self, fraction: float | None) -> None:
        """Set the fraction shown (clamped to 0…1; None: unknown)."""
        value = None if fraction is None else max(0.0, min(1.0, float(fraction)))
        if value != self._value:
            self._value = value
            self.update()

    def set_color(self, color: QColor | str | None) -> None:
        """The ring's colour (None: the theme's accent)."""
        self._color = QColor(color) if color is not None else None
        self.update()

    def set_caption(self, text: str) -> None:
        """A small word under the percent (``done``, ``paused``…)."""
        self._caption = text
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(self.diameter, self.diameter)

    def paintEvent(self, event: QPaintEvent) -> None:
        colors = colors_for(self.palette())
        side = min(self.width(), self.height()) - self.thickness
        rect = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(QColor(colors.track), self.thickness)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawEllipse(rect)
        if self._value:
            pen.setColor(self._color or QColor(colors.accent))
            painter.setPen(pen)
            painter.drawArc(rect, 90 * 16, -round(360 * 16 * self._value))
        painter.setPen(QColor(colors.text))
        font = QFont(self.font())
        font.setPixelSize(max(10, side // 4))
        font.setBold(True)
        painter.setFont(font)
        text = "—" if self._value is None else f"{100 * self._value:.0f}%"
        if self._caption:
            painter.drawText(
                rect.adjusted(0, -side / 8, 0, -side / 8), Qt.AlignmentFlag.AlignCenter, text
            )
            small = QFont(self.font())
            small.setPixelSize(max(8, side // 8))
            painter.setFont(small)
            painter.setPen(QColor(colors.muted))
            painter.drawText(
                rect.adjusted(0, side / 4, 0, side / 4), Qt.AlignmentFlag.AlignCenter, self._caption
            )
        else:
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
