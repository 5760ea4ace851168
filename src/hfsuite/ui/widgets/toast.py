"""Toast notifications: short messages stacked in a corner of a window, gone after a while.

``ToastHost(window)`` owns the stack; ``host.show_info("Added 3 tasks")`` and
``host.show_error(title, message, details)`` add one. An error toast stays longer and offers a
"Details" button: the error inspector at that failure when ``on_details`` is given (the main
window does so), else the technical detail in a message box. The main window installs a host's
methods as the context's ``notifier`` and ``error_presenter``, so every part of the app shows
messages the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QEnterEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hfsuite.ui.theme import colors_for

translate = QCoreApplication.translate


class Toast(QFrame):
    """One notification card.

    Args:
        parent: The window it floats over.
        title: Bold first line.
        message: The text (wrapped).
        kind: ``info`` or ``error`` (colour of the edge and icon).
        details: Technical detail behind a "Details" button (None: no button).
        timeout_ms: Time until it closes itself (0: stays until closed).
        details_button: Show the "Details" button even without ``details`` (its owner shows
            them elsewhere).
    """

    #: The toast closed (by its timer, its button, or the host).
    dismissed = Signal()
    #: The "Details" button was pressed.
    details_requested = Signal()

    def __init__(
        self,
        parent: QWidget,
        title: str,
        message: str = "",
        *,
        kind: str = "info",
        details: str | None = None,
        timeout_ms: int = 5000,
        details_button: bool = False,
    ):
        super().__init__(parent)
        self.setObjectName("toast")
        self.setProperty("kind", kind)
        self.kind = kind
        self.title = title
        self.message = message
        self.details = details
        self.setFixedWidth(380)
        colors = colors_for(self.palette())
        icon = QLabel("!" if kind == "error" else "i")
        icon.setFixedSize(22, 22)
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        edge = colors.danger if kind == "error" else colors.accent
        icon.setStyleSheet(
            f"background: {edge}; color: white; border-radius: 11px; font-weight: 700;"
        )
        title_label = QLabel(title)
        title_label.setWordWrap(True)
        title_label.setStyleSheet("font-weight: 600;")
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(title_label)
        if message:
            self.message_label = QLabel(message)
            self.message_label.setWordWrap(True)
            self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.message_label.setStyleSheet(f"color: {colors.muted};")
            texts.addWidget(self.message_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.details_button: QPushButton | None = None
        if details or details_button:
            self.details_button = QPushButton(translate("Toast", "Details"))
            self.details_button.setObjectName("toast_details")
            self.details_button.clicked.connect(self.details_requested)
            buttons.addWidget(self.details_button)
            texts.addLayout(buttons)
        close = QPushButton("✕")
        close.setFlat(True)
        close.setFixedSize(24, 24)
        close.setStyleSheet("border: none; padding: 0;")
        close.setToolTip(translate("Toast", "Dismiss"))
        close.clicked.connect(self.dismiss)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 10, 8, 10)
        row.setSpacing(10)
        row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(texts, 1)
        row.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        if timeout_ms > 0:
            self._timer.start(timeout_ms)

    def enterEvent(self, event: QEnterEvent) -> None:
        self._timer.stop()  # reading it: do not take it away
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._timer.start(3000)
        super().leaveEvent(event)

    def dismiss(self) -> None:
        """Close the toast."""
        if self.isVisible() or self.parent() is not None:
            self.hide()
            self.dismissed.emit()
            self.deleteLater()


class ToastHost(QObject):
    """Stacks toasts at the bottom-right corner of a window.

    Args:
        window: The widget the toasts float over (its resizes move them).
        max_visible: Older toasts close when more are shown.
    """

    MARGIN = 16
    SPACING = 8

    def __init__(self, window: QWidget, max_visible: int = 4):
        super().__init__(window)
        self.window = window
        self.max_visible = max_visible
        self.toasts: list[Toast] = []
        #: Every toast shown so far as (kind, title, message) — for tests and the log view.
        self.history: list[tuple[str, str, str]] = []
        window.installEventFilter(self)

    def show_info(self, text: str, message: str = "") -> Toast:
        """A short notice that closes itself after a few seconds."""
        return self._add(Toast(self.window, text, message, kind="info", timeout_ms=4500))

    def show_error(
        self,
        title: str,
        message: str = "",
        details: str | None = None,
        on_details: Callable[[], object] | None = None,
    ) -> Toast:
        """An error: what happened, what to do, and a "Details" button for the technical part
        (``on_details``: what the button does instead of showing ``details`` in a box)."""
        toast = Toast(
            self.window,
            title,
            message,
            kind="error",
            details=details,
            timeout_ms=12000,
            details_button=on_details is not None,
        )
        if on_details is not None:

            def open_inspector() -> None:
                on_details()
                toast.dismiss()

            toast.details_requested.connect(open_inspector)
        else:
            toast.details_requested.connect(lambda: self.open_details(toast))
        return self._add(toast)

    def open_details(self, toast: Toast) -> QMessageBox:
        """Show a toast's detail in a (non-blocking) dialog."""
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(translate("Toast", "Error details"))
        box.setText(toast.title)
        box.setInformativeText(toast.message)
        box.setDetailedText(toast.details or "")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def clear(self) -> None:
        """Close every toast."""
        for toast in list(self.toasts):
            toast.dismiss()

    def _add(self, toast: Toast) -> Toast:
        self.history.append((toast.kind, toast.title, toast.message))
        self.toasts.append(toast)
        toast.dismissed.connect(lambda: self._remove(toast))
        while len(self.toasts) > self.max_visible:
            self.toasts[0].dismiss()
        toast.adjustSize()
        toast.show()
        toast.raise_()
        self._layout()
        return toast

    def _remove(self, toast: Toast) -> None:
        if toast in self.toasts:
            self.toasts.remove(toast)
            self._layout()

    def _layout(self) -> None:
        rect = self.window.rect()
        bottom = rect.bottom() - self.MARGIN - 28  # above the status bar
        for toast in reversed(self.toasts):
            toast.adjustSize()
            height = toast.sizeHint().height()
            top = bottom - height
            toast.setGeometry(
                rect.right() - self.MARGIN - toast.width(), top, toast.width(), height
            )
            toast.move(QPoint(rect.right() - self.MARGIN - toast.width(), top))
            bottom = top - self.SPACING

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Resize:
            self._layout()
        return False
