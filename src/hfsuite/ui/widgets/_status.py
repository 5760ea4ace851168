"""Inline status text (ok / error / busy / note) that reads well in light and dark themes."""

from __future__ import annotations

from typing import Literal

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QWidget

from hfsuite.ui.theme import colors_for

StatusKind = Literal["ok", "error", "warning", "busy", "note", "none"]

_KIND_COLOR = {"ok": "success", "error": "danger", "warning": "warning"}


def is_dark(widget: QWidget) -> bool:
    """Whether the widget's palette has a dark window background."""
    return colors_for(widget.palette()).name == "dark"


def status_color(widget: QWidget, kind: str) -> QColor:
    """The colour for a status kind (ok, error, warning; others: muted) in the widget's theme."""
    colors = colors_for(widget.palette())
    return QColor(getattr(colors, _KIND_COLOR.get(kind, "muted")))


def set_status(label: QLabel, kind: StatusKind, text: str = "") -> None:
    """Show ``text`` in ``label`` coloured by ``kind`` (``none`` or empty text hides it)."""
    label.setProperty("status", kind)
    if kind == "none" or not text:
        label.clear()
        label.hide()
        return
    label.setText(text)
    label.setStyleSheet(f"color: {status_color(label, kind).name()};")
    label.show()
