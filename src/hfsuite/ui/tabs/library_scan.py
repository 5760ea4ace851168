"""The Local models tab's scan: runs off the UI thread, cancellable, its progress shown in the
tab and in the window's status bar.

```
Reading headers… 3,100 files · 1.2 TiB  [▓▓▓░░░]  [Cancel scan]
```

The scanning thread only stores its latest progress event; a timer on the UI thread shows it
five times per second, so a scan never floods the event loop.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QProgressBar, QPushButton, QWidget

from hfsuite.app.library import ScanSummary
from hfsuite.core.units import format_bytes
from hfsuite.ui.context import UiContext
from hfsuite.ui.tabs.library_work import run_niced
from hfsuite.ui.widgets._status import set_status

if TYPE_CHECKING:
    from hfsuite.app.events import LibraryScanProgressed

PHASES = {
    "walk": "Listing",
    "identify": "Reading headers",
    "moves": "Looking for moved files",
    "hash": "Hashing",
    "done": "Finishing",
}


def progress_text(event: LibraryScanProgressed) -> str:
    """One line for a scan's progress."""
    phase = PHASES.get(event.phase, event.phase)
    if event.phase == "hash" and event.files_total:
        return (
            f"{phase} {event.files:,} of {event.files_total:,} files · "
            f"{format_bytes(event.bytes)} of {format_bytes(event.bytes_total or 0)}"
        )
    return f"{phase}… {event.files:,} files · {format_bytes(event.bytes)}"


def summary_text(summary: ScanSummary) -> str:
    """One line for a finished (or cancelled) scan."""
    verb = "Scan cancelled" if summary.cancelled else "Scanned"
    text = (
        f"{verb}: {summary.files:,} files · {format_bytes(summary.bytes)} "
        f"({summary.added:,} new, {summary.changed:,} changed, {summary.removed:,} gone)"
    )
    if summary.issues:
        text += f" · {len(summary.issues)} could not be read"
    return text


class ScanPanel(QWidget):
    """Runs library scans and shows their progress (label, bar, cancel button).

    Args:
        ctx: The UI context.
        parent: The parent widget.
    """

    #: A scan ended: its ScanSummary (``cancelled`` set when stopped), or None when it failed.
    ended = Signal(object)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._cancel: threading.Event | None = None
        self._progress: LibraryScanProgressed | None = None
        self._poll = QTimer(self)
        self._poll.setInterval(200)
        self._poll.timeout.connect(self._show_progress)
        self.label = QLabel(self)
        self.label.hide()
        self.bar = QProgressBar(self)
        self.bar.setMaximumWidth(160)
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        self.bar.hide()
        self.cancel_button = QPushButton("Cancel scan", self)
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)

    @property
    def running(self) -> bool:
        """Whether a scan runs."""
        return self._cancel is not None

    def start(self, paths: list[str] | None, hash_files: bool) -> bool:
        """Scan ``paths`` (None: every scan folder); False when one already runs."""
        if self._cancel is not None:
            return False
        cancel = threading.Event()
        self._cancel = cancel
        self._progress = None
        library = self.ctx.suite.library
        self._set_running(True)
        set_status(self.label, "busy", "Scanning…")
        self._status_message("Scanning the model library…")

        def progress(event: LibraryScanProgressed) -> None:
            self._progress = event  # read a few times per second by the UI thread's timer

        def work() -> ScanSummary:
            return run_niced(
                lambda: library.scan(paths, hash=hash_files, on_progress=progress, cancel=cancel)
            )

        def done(summary: ScanSummary) -> None:
            self._set_running(False)
            text = summary_text(summary)
            set_status(self.label, "note" if summary.cancelled else "ok", text)
            self._status_message(text, 8000)
            self.ended.emit(summary)

        def failed(error: BaseException) -> None:
            self._set_running(False)
            set_status(self.label, "error", "Scan failed.")
            self._status_message("Library scan failed.", 8000)
            self.ctx.show_error(error)
            self.ended.emit(None)

        self.ctx.run_async(work, done, failed)
        return True

    def cancel(self) -> None:
        """Stop the running scan (what it recorded is kept)."""
        if self._cancel is not None:
            self._cancel.set()
            set_status(self.label, "busy", "Cancelling…")

    def _set_running(self, on: bool) -> None:
        if on:
            self._poll.start()
        else:
            self._cancel = None
            self._poll.stop()
        self.bar.setRange(0, 0)
        self.bar.setVisible(on)
        self.cancel_button.setVisible(on)

    def _show_progress(self) -> None:
        event = self._progress
        if event is None or self._cancel is None or self._cancel.is_set():
            return
        text = progress_text(event)
        if event.phase == "hash" and event.bytes_total:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * event.bytes / max(1, event.bytes_total)))
        set_status(self.label, "busy", text)
        self._status_message("Library: " + text)

    def _status_message(self, text: str, timeout_ms: int = 0) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, timeout_ms)
