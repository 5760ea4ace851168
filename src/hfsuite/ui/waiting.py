"""Running the event loop until something is ready (screenshot staging of dialogs)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer


def wait_until(condition: Callable[[], bool], timeout_s: float) -> None:
    """Run the event loop until ``condition()`` holds or the time is up."""
    elapsed = QElapsedTimer()
    elapsed.start()
    tick = QTimer()  # wakes the loop below even when no other event comes
    tick.start(50)
    loop = QEventLoop()
    while not condition() and elapsed.elapsed() < timeout_s * 1000:
        loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    tick.stop()
