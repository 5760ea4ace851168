"""Small line icons painted with QPainter (no icon theme or image files needed).

``icon("pause", color)`` returns a crisp 20 px icon in the given colour; toolbars repaint theirs
when the theme changes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

_SIZE = 20
_SCALE = 3  # drawn at 3x, then shown at 20 px: smooth on any screen


def _plus(p: QPainter) -> None:
    p.drawLine(QPointF(10, 4), QPointF(10, 16))
    p.drawLine(QPointF(4, 10), QPointF(16, 10))


def _pause(p: QPainter) -> None:
    p.drawLine(QPointF(7.5, 5), QPointF(7.5, 15))
    p.drawLine(QPointF(12.5, 5), QPointF(12.5, 15))


def _play(p: QPainter) -> None:
    path = QPainterPath(QPointF(7, 4.5))
    path.lineTo(15.5, 10)
    path.lineTo(7, 15.5)
    path.closeSubpath()
    p.drawPath(path)


def _stop(p: QPainter) -> None:
    p.drawEllipse(QRectF(3.5, 3.5, 13, 13))
    p.drawLine(QPointF(7.5, 7.5), QPointF(12.5, 12.5))
    p.drawLine(QPointF(12.5, 7.5), QPointF(7.5, 12.5))


def _retry(p: QPainter) -> None:
    p.drawArc(QRectF(4, 4, 12, 12), 60 * 16, 290 * 16)
    path = QPainterPath(QPointF(13.2, 2.4))
    path.lineTo(13.4, 5.6)
    path.lineTo(10.2, 5.9)
    p.drawPath(path)


def _trash(p: QPainter) -> None:
    p.drawLine(QPointF(4, 6), QPointF(16, 6))
    p.drawLine(QPointF(8, 6), QPointF(8.5, 3.8))
    p.drawLine(QPointF(8.5, 3.8), QPointF(11.5, 3.8))
    p.drawLine(QPointF(11.5, 3.8), QPointF(12, 6))
    path = QPainterPath(QPointF(5.5, 6))
    path.lineTo(6.5, 16)
    path.lineTo(13.5, 16)
    path.lineTo(14.5, 6)
    p.drawPath(path)


def _up(p: QPainter) -> None:
    p.drawLine(QPointF(10, 15.5), QPointF(10, 4.5))
    p.drawLine(QPointF(5.5, 9), QPointF(10, 4.5))
    p.drawLine(QPointF(14.5, 9), QPointF(10, 4.5))


def _down(p: QPainter) -> None:
    p.drawLine(QPointF(10, 4.5), QPointF(10, 15.5))
    p.drawLine(QPointF(5.5, 11), QPointF(10, 15.5))
    p.drawLine(QPointF(14.5, 11), QPointF(10, 15.5))


def _top(p: QPainter) -> None:
    p.drawLine(QPointF(5, 3.5), QPointF(15, 3.5))
    p.drawLine(QPointF(10, 16), QPointF(10, 7))
    p.drawLine(QPointF(6, 11), QPointF(10, 7))
    p.drawLine(QPointF(14, 11), QPointF(10, 7))


def _bottom(p: QPainter) -> None:
    p.drawLine(QPointF(5, 16.5), QPointF(15, 16.5))
    p.drawLine(QPointF(10, 4), QPointF(10, 13))
    p.drawLine(QPointF(6, 9), QPointF(10, 13))
    p.drawLine(QPointF(14, 9), QPointF(10, 13))


def _folder(p: QPainter) -> None:
    path = QPainterPath(QPointF(3, 15.5))
    path.lineTo(3, 5)
    path.lineTo(8, 5)
    path.lineTo(9.5, 6.8)
    path.lineTo(17, 6.8)
    path.lineTo(17, 15.5)
    path.closeSubpath()
    p.drawPath(path)


def _link(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(6.5, 3.5, 9.5, 10), 2, 2)
    path = QPainterPath(QPointF(4, 7))
    path.lineTo(4, 16.5)
    path.lineTo(12.5, 16.5)
    p.drawPath(path)


def _flag(p: QPainter) -> None:
    p.drawLine(QPointF(5, 17), QPointF(5, 3.5))
    path = QPainterPath(QPointF(5, 4))
    path.lineTo(15, 4)
    path.lineTo(12.5, 7.5)
    path.lineTo(15, 11)
    path.lineTo(5, 11)
    p.drawPath(path)


def _gauge(p: QPainter) -> None:
    p.drawArc(QRectF(3, 4.5, 14, 14), 20 * 16, 140 * 16)
    p.drawLine(QPointF(10, 11.5), QPointF(13.5, 7))


def _help(p: QPainter) -> None:
    p.drawEllipse(QRectF(3.5, 3.5, 13, 13))
    p.drawArc(QRectF(7.8, 6, 4.4, 4.4), 160 * 16, -250 * 16)
    p.drawLine(QPointF(10, 10.4), QPointF(10, 11.6))
    p.drawPoint(QPointF(10, 14))


_DRAW: dict[str, Callable[[QPainter], None]] = {
    "add": _plus,
    "pause": _pause,
    "resume": _play,
    "cancel": _stop,
    "retry": _retry,
    "remove": _trash,
    "up": _up,
    "down": _down,
    "top": _top,
    "bottom": _bottom,
    "folder": _folder,
    "copy": _link,
    "priority": _flag,
    "speed": _gauge,
    "help": _help,
}


def icon(name: str, color: QColor | str) -> QIcon:
    """A line icon (``add``, ``pause``, ``resume``, ``cancel``, ``retry``, ``remove``, ``up``,
    ``down``, ``top``, ``bottom``, ``folder``, ``copy``, ``priority``, ``speed``, ``help``)."""
    pixmap = QPixmap(_SIZE * _SCALE, _SIZE * _SCALE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(_SCALE, _SCALE)
    pen = QPen(QColor(color), 1.6)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    _DRAW[name](painter)
    painter.end()
    pixmap.setDevicePixelRatio(_SCALE)
    return QIcon(pixmap)


def icon_names() -> list[str]:
    """Every icon this module can paint."""
    return list(_DRAW)
