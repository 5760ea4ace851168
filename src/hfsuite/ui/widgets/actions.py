"""A tab's keyboard actions: each bound to its shortcut while the focus is inside the tab."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


def tab_actions(
    widget: QWidget,
    shortcuts: Mapping[str, str],
    entries: Iterable[tuple[str, str, Callable[..., Any]]],
) -> dict[str, QAction]:
    """Add one action per ``(name, text, slot)`` to ``widget`` with the key ``shortcuts[name]``
    (active within the widget and its children); returns them by name (context menus)."""
    actions: dict[str, QAction] = {}
    for name, text, slot in entries:
        action = QAction(text, widget)
        action.setShortcut(QKeySequence(shortcuts[name]))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        widget.addAction(action)
        actions[name] = action
    return actions
