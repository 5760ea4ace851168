"""Small line icons of the model tools, in the style of :mod:`hfsuite.ui.icons`.

Each tool gets a simple shape of its own (a node graph for ComfyUI, a palette for the
stable-diffusion web UIs, a speech bubble for LM Studio…) drawn in a colour of its own, so
tools tell apart at a glance in both themes. Not the tools' logos: shapes that hint at them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

_SIZE = 20
_SCALE = 3

#: Each tool's colour (readable on the light and the dark background alike).
TOOL_COLORS: dict[str, str] = {
    "comfyui": "#8b5cf6",
    "a1111": "#f97316",
    "forge": "#ef4444",
    "sdnext": "#0ea5e9",
    "invokeai": "#14b8a6",
    "fooocus": "#eab308",
    "lmstudio": "#6366f1",
    "ollama": "#78716c",
    "stability-matrix": "#22c55e",
}


def _nodes(p: QPainter) -> None:  # ComfyUI: a node graph
    for x, y in ((3.5, 4), (3.5, 12.5), (12.5, 8.2)):
        p.drawRoundedRect(QRectF(x, y, 4.5, 3.6), 1, 1)
    p.drawLine(QPointF(8, 5.8), QPointF(12.5, 10))
    p.drawLine(QPointF(8, 14.3), QPointF(12.5, 10))


def _palette(p: QPainter) -> None:  # the A1111 family: a painter's palette
    path = QPainterPath(QPointF(10, 3.5))
    path.cubicTo(15.5, 3.5, 17.5, 8, 16, 11)
    path.cubicTo(14.8, 13.2, 12, 11.5, 11.5, 13.5)
    path.cubicTo(11, 16, 9.5, 16.5, 8, 16.5)
    path.cubicTo(4.5, 16.5, 3, 13.5, 3, 10)
    path.cubicTo(3, 6.5, 5.5, 3.5, 10, 3.5)
    p.drawPath(path)
    for x, y in ((7, 7.5), (10.5, 6.5), (6.5, 11.5)):
        p.drawEllipse(QPointF(x, y), 0.9, 0.9)


def _anvil(p: QPainter) -> None:  # Forge: an anvil
    path = QPainterPath(QPointF(3, 6))
    path.lineTo(16.5, 6)
    path.lineTo(16.5, 8)
    path.lineTo(12.5, 10)
    path.lineTo(12.5, 12.5)
    path.lineTo(15, 16)
    path.lineTo(5, 16)
    path.lineTo(7.5, 12.5)
    path.lineTo(7.5, 10)
    path.lineTo(5.5, 9)
    path.closeSubpath()
    p.drawPath(path)


def _arrow_next(p: QPainter) -> None:  # SD.Next: a forward chevron in a circle
    p.drawEllipse(QRectF(3.5, 3.5, 13, 13))
    p.drawLine(QPointF(8.5, 6.5), QPointF(12, 10))
    p.drawLine(QPointF(12, 10), QPointF(8.5, 13.5))


def _spark(p: QPainter) -> None:  # InvokeAI: a spark
    path = QPainterPath(QPointF(10, 3))
    path.quadTo(10.8, 9.2, 17, 10)
    path.quadTo(10.8, 10.8, 10, 17)
    path.quadTo(9.2, 10.8, 3, 10)
    path.quadTo(9.2, 9.2, 10, 3)
    p.drawPath(path)


def _aperture(p: QPainter) -> None:  # Fooocus: a lens
    p.drawEllipse(QRectF(3.5, 3.5, 13, 13))
    p.drawEllipse(QRectF(7.5, 7.5, 5, 5))
    p.drawLine(QPointF(10, 3.5), QPointF(12.4, 7.9))
    p.drawLine(QPointF(16.5, 10), QPointF(12.5, 10))
    p.drawLine(QPointF(10, 16.5), QPointF(7.6, 12.1))


def _bubble(p: QPainter) -> None:  # LM Studio: a chat bubble
    path = QPainterPath(QPointF(4, 5))
    path.lineTo(16, 5)
    path.lineTo(16, 13)
    path.lineTo(9, 13)
    path.lineTo(5.5, 16)
    path.lineTo(6, 13)
    path.lineTo(4, 13)
    path.closeSubpath()
    p.drawPath(path)
    p.drawLine(QPointF(7, 8), QPointF(13, 8))
    p.drawLine(QPointF(7, 10.5), QPointF(11, 10.5))


def _llama(p: QPainter) -> None:  # Ollama: a llama's head
    path = QPainterPath(QPointF(6.5, 16.5))
    path.lineTo(6.5, 9)
    path.cubicTo(6.5, 6.5, 13.5, 6.5, 13.5, 9)
    path.lineTo(13.5, 16.5)
    p.drawPath(path)
    p.drawLine(QPointF(7.5, 7.2), QPointF(7, 3.5))
    p.drawLine(QPointF(12.5, 7.2), QPointF(13, 3.5))
    p.drawPoint(QPointF(8.8, 11))
    p.drawPoint(QPointF(11.2, 11))


def _grid(p: QPainter) -> None:  # Stability Matrix: a matrix of packages
    for x in (4, 11):
        for y in (4, 11):
            p.drawRoundedRect(QRectF(x, y, 5, 5), 1.2, 1.2)


def _generic(p: QPainter) -> None:  # anything else: a box
    p.drawRoundedRect(QRectF(4, 5, 12, 10), 2, 2)
    p.drawLine(QPointF(4, 8.5), QPointF(16, 8.5))


_DRAW: dict[str, Callable[[QPainter], None]] = {
    "comfyui": _nodes,
    "a1111": _palette,
    "forge": _anvil,
    "sdnext": _arrow_next,
    "invokeai": _spark,
    "fooocus": _aperture,
    "lmstudio": _bubble,
    "ollama": _llama,
    "stability-matrix": _grid,
}


def tool_icon(kind: str, color: QColor | str | None = None) -> QIcon:
    """The icon of a tool kind (``comfyui``, ``lmstudio``…), in its colour unless given."""
    pixmap = QPixmap(_SIZE * _SCALE, _SIZE * _SCALE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(_SCALE, _SCALE)
    pen = QPen(QColor(color or TOOL_COLORS.get(kind, "#8b95a3")), 1.6)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    _DRAW.get(kind, _generic)(painter)
    painter.end()
    pixmap.setDevicePixelRatio(_SCALE)
    return QIcon(pixmap)


def tool_kinds_with_icons() -> list[str]:
    """The tool kinds that have an icon of their own."""
    return list(_DRAW)
