"""A live speed graph: the last minute or so of samples as a filled line, newest on the right."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from hfsuite.core.units import format_rate
from hfsuite.ui.theme import colors_for

translate = QCoreApplication.translate


class SpeedGraph(QWidget):
    """Plots speed samples (bytes per second) with a scale that adapts to the peak.

    Args:
        parent: Parent widget.
        capacity: Samples kept (at four per second, 240 is one minute).
        min_span: The x axis spans at least this many samples (a young history does not
            stretch over the whole width).
    """

    def __init__(self, parent: QWidget | None = None, capacity: int = 240, min_span: int = 60):
        super().__init__(parent)
        self._samples: deque[float] = deque(maxlen=capacity)
        self._limit_bps = 0
        self.min_span = min_span
        self.setMinimumSize(160, 80)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    @property
    def capacity(self) -> int:
        """How many samples are kept."""
        return self._samples.maxlen or 0

    def samples(self) -> list[float]:
        """The samples shown, oldest first."""
        return list(self._samples)

    def add_sample(self, speed_bps: float) -> None:
        """Append one sample (the oldest falls off when full)."""
        self._samples.append(max(0.0, float(speed_bps)))
        self.update()

    def set_samples(self, samples: Iterable[float]) -> None:
        """Replace every sample (switching to another task's history)."""
        self._samples.clear()
        self._samples.extend(max(0.0, float(s)) for s in samples)
        self.update()

    def set_limit(self, limit_bps: int) -> None:
        """Draw a dashed line at a speed limit (0: none)."""
        self._limit_bps = max(0, int(limit_bps))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(320, 120)

    def paintEvent(self, event: QPaintEvent) -> None:
        colors = colors_for(self.palette())
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = QRectF(self.rect()).adjusted(1, 16, -1, -1)
        samples = list(self._samples)
        peak = max([*samples, self._limit_bps * 1.0, 1024.0 * 1024.0])
        scale = _nice_ceiling(peak * 1.15)
        # grid: three faint lines and the scale's top value
        grid = QPen(QColor(colors.border), 1, Qt.PenStyle.DotLine)
        painter.setPen(grid)
        for i in range(1, 4):
            y = area.top() + area.height() * i / 4
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
        painter.setPen(QColor(colors.muted))
        painter.drawText(
            QRectF(self.rect()).adjusted(4, 0, -4, 0),
            Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight,
            format_rate(scale),
        )
        current = (
            format_rate(samples[-1])
            if samples and samples[-1] > 0
            else translate("SpeedGraph", "idle")
        )
        painter.setPen(QColor(colors.text))
        painter.drawText(
            QRectF(self.rect()).adjusted(4, 0, -4, 0),
            Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft,
            current,
        )
        if self._limit_bps:
            y = area.bottom() - area.height() * self._limit_bps / scale
            painter.setPen(QPen(QColor(colors.warning), 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
        if len(samples) >= 2:
            span = min(self.capacity, max(self.min_span, len(samples)))
            step = area.width() / max(1, span - 1)
            x0 = area.right() - step * (len(samples) - 1)
            points = [
                QPointF(x0 + i * step, area.bottom() - area.height() * s / scale)
                for i, s in enumerate(samples)
            ]
            line = QPainterPath(points[0])
            for p in points[1:]:
                line.lineTo(p)
            fill = QPainterPath(line)
            fill.lineTo(points[-1].x(), area.bottom())
            fill.lineTo(points[0].x(), area.bottom())
            fill.closeSubpath()
            accent = QColor(colors.accent)
            gradient = QLinearGradient(0, area.top(), 0, area.bottom())
            top, bottom = QColor(accent), QColor(accent)
            top.setAlpha(110)
            bottom.setAlpha(10)
            gradient.setColorAt(0, top)
            gradient.setColorAt(1, bottom)
            painter.fillPath(fill, gradient)
            painter.setPen(QPen(accent, 2))
            painter.drawPath(line)
        painter.end()


def _nice_ceiling(value: float) -> float:
    """The next "round" number above ``value`` (1, 2, 5 × a power of 1024 or 10)."""
    unit = 1.0
    while value > unit * 1024:
        unit *= 1024
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1024):
        if value <= unit * step:
            return unit * step
    return unit * 1024
