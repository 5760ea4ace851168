"""The system tray icon: overall progress in its tooltip, notices when downloads end.

Platforms (and the offscreen test platform) without a tray get no icon; notices then appear
only as toasts in the window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from hfsuite.core.units import format_rate

if TYPE_CHECKING:
    from hfsuite.app.events import TasksProgressed

translate = QCoreApplication.translate


def app_icon(accent: str = "#2563eb", fraction: float | None = None) -> QIcon:
    """The app's icon: a download arrow in a rounded square, with a progress arc if given."""
    size = 64
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(accent))
    p.drawRoundedRect(QRectF(4, 4, 56, 56), 14, 14)
    pen = QPen(QColor("white"), 5.5)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.drawLine(QPointF(32, 15), QPointF(32, 40))
    p.drawLine(QPointF(21, 30), QPointF(32, 41))
    p.drawLine(QPointF(43, 30), QPointF(32, 41))
    p.drawLine(QPointF(19, 49), QPointF(45, 49))
    if fraction is not None:
        arc = QPen(QColor("#ffd21e"), 5)
        arc.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(arc)
        p.drawArc(QRectF(7, 7, 50, 50), 90 * 16, -round(360 * 16 * max(0.0, min(1.0, fraction))))
    p.end()
    return QIcon(pixmap)


class Tray(QObject):
    """The tray icon of a main window (inactive where the platform has no tray).

    Args:
        window: The main window (shown/hidden from the tray menu).
        menu_actions: Actions for the tray menu (pause all, resume all, quit…).
    """

    def __init__(self, window: QWidget, menu_actions: list[QAction] | None = None):
        super().__init__(window)
        self.window = window
        self.icon: QSystemTrayIcon | None = None
        self.tooltip = translate("Tray", "HF Download Suite")
        #: Every notice (title, text), whether or not a tray shows it.
        self.notices: list[tuple[str, str]] = []
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        self.icon = QSystemTrayIcon(app_icon(), window)
        menu = QMenu(window)
        show = menu.addAction(translate("Tray", "Show window"))
        show.triggered.connect(self._show_window)
        menu.addSeparator()
        for action in menu_actions or []:
            menu.addAction(action)
        self.icon.setContextMenu(menu)
        self.icon.activated.connect(self._activated)
        self.icon.setToolTip(self.tooltip)
        self.icon.show()

    @property
    def available(self) -> bool:
        """Whether a tray icon is shown."""
        return self.icon is not None

    def show_progress(self, batch: TasksProgressed, queued: int = 0) -> None:
        """Put overall progress in the tooltip."""
        done = sum(p.done_bytes for p in batch.tasks)
        total = sum(p.total_bytes for p in batch.tasks)
        active = len(batch.tasks)
        queued_text = translate("Tray", ", {n} queued").format(n=queued) if queued else ""
        if active:
            percent = f"{100 * done / total:.0f}%" if total else translate("Tray", "starting")
            self.tooltip = (
                translate(
                    "Tray", "HF Download Suite — {active} downloading, {percent}, {rate}"
                ).format(active=active, percent=percent, rate=format_rate(batch.speed_bps))
                + queued_text
            )
        else:
            self.tooltip = translate("Tray", "HF Download Suite — idle") + queued_text
        if self.icon is not None:
            self.icon.setToolTip(self.tooltip)

    def notify(self, title: str, text: str, error: bool = False) -> None:
        """A desktop notification (where a tray exists)."""
        self.notices.append((title, text))
        if self.icon is not None and self.icon.supportsMessages():
            kind = (
                QSystemTrayIcon.MessageIcon.Warning
                if error
                else QSystemTrayIcon.MessageIcon.Information
            )
            self.icon.showMessage(title, text, kind, 6000)

    def hide(self) -> None:
        """Remove the icon (the window is closing)."""
        if self.icon is not None:
            self.icon.hide()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason is QSystemTrayIcon.ActivationReason.Trigger:
            self._show_window()

    def _show_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()
