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

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QProgressBar, QPushButton, QWidget

from hfsuite.app.library import ScanSummary
from hfsuite.core.units import format_bytes
from hfsuite.ui.context import UiContext
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP
from hfsuite.ui.tabs.library_work import run_niced
from hfsuite.ui.widgets._status import set_status

if TYPE_CHECKING:
    from hfsuite.app.events import LibraryScanProgressed

translate = QCoreApplication.translate

PHASES = {
    "walk": QT_TRANSLATE_NOOP("LibraryScan", "Listing"),
    "identify": QT_TRANSLATE_NOOP("LibraryScan", "Reading headers"),
    "moves": QT_TRANSLATE_NOOP("LibraryScan", "Looking for moved files"),
    "hash": QT_TRANSLATE_NOOP("LibraryScan", "Hashing"),
    "done": QT_TRANSLATE_NOOP("LibraryScan", "Finishing"),
}


def progress_text(event: LibraryScanProgressed) -> str:
    """One line for a scan's progress."""
    name = PHASES.get(event.phase)
    phase = translate("LibraryScan", name) if name else event.phase
    if event.phase == "hash" and event.files_total:
        return translate(
            "LibraryScan", "{phase} {files} of {total} files · {bytes} of {bytes_total}"
        ).format(
            phase=phase,
            files=f"{event.files:,}",
            total=f"{event.files_total:,}",
            bytes=format_bytes(event.bytes),
            bytes_total=format_bytes(event.bytes_total or 0),
        )
    return translate("LibraryScan", "{phase}… {files} files · {bytes}").format(
        phase=phase, files=f"{event.files:,}", bytes=format_bytes(event.bytes)
    )


def summary_text(summary: ScanSummary) -> str:
    """One line for a finished (or cancelled) scan."""
    verb = (
        translate("LibraryScan", "Scan cancelled")
        if summary.cancelled
        else translate("LibraryScan", "Scanned")
    )
    text = translate(
        "LibraryScan",
        "{verb}: {files} files · {bytes} ({added} new, {changed} changed, {removed} gone)",
    ).format(
        verb=verb,
        files=f"{summary.files:,}",
        bytes=format_bytes(summary.bytes),
        added=f"{summary.added:,}",
        changed=f"{summary.changed:,}",
        removed=f"{summary.removed:,}",
    )
    if summary.issues:
        text += " · " + translate("LibraryScan", "{n} could not be read").format(
            n=len(summary.issues)
        )
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
        self.cancel_button = QPushButton(translate("LibraryScan", "Cancel scan"), self)
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
        set_status(self.label, "busy", translate("LibraryScan", "Scanning…"))
        self._status_message(translate("LibraryScan", "Scanning the model library…"))

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
            set_status(self.label, "error", translate("LibraryScan", "Scan failed."))
            self._status_message(translate("LibraryScan", "Library scan failed."), 8000)
            self.ctx.show_error(error)
            self.ended.emit(None)

        self.ctx.run_async(work, done, failed)
        return True

    def cancel(self) -> None:
        """Stop the running scan (what it recorded is kept)."""
        if self._cancel is not None:
            self._cancel.set()
            set_status(self.label, "busy", translate("LibraryScan", "Cancelling…"))

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
        self._status_message(translate("LibraryScan", "Library: {text}").format(text=text))

    def _status_message(self, text: str, timeout_ms: int = 0) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, timeout_ms)
