"""Starting the desktop app: QApplication, manager, window — or one screenshot of it.

``run_gui(suite)`` is what ``hfsuite gui`` calls: it starts the queue runner in a background
thread (as ``hfsuite queue run --watch`` would), shows the main window and runs the Qt event
loop until the window closes, then stops the runner (running tasks go back to the queue and
resume next time).

``run_gui(suite, screenshot=path)`` renders the window offscreen with the current data instead:
it waits until the chosen tab has its first data and the live progress had time to arrive,
saves a PNG and returns — for documentation and tests.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from hfsuite.app.queue.manager import DownloadManager
from hfsuite.app.suite import Suite
from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import resolve_language
from hfsuite.ui.screenshot import ScreenshotOptions as ScreenshotOptions  # what the CLI builds

if TYPE_CHECKING:
    from PySide6.QtGui import QPixmap
    from PySide6.QtWidgets import QWidget

    from hfsuite.ui.main_window import MainWindow
    from hfsuite.ui.screenshot import Waiter

log = logging.getLogger(__name__)


def parse_size(text: str) -> tuple[int, int]:
    """``1280x800`` → ``(1280, 800)``.

    Raises:
        UsageError: for anything else.
    """
    try:
        width, height = (int(part) for part in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise UsageError(
            f"--size {text!r} is not WIDTHxHEIGHT.", hint="Example: 1280x800"
        ) from None
    if not (320 <= width <= 8000 and 240 <= height <= 8000):
        raise UsageError(f"--size {text!r} is out of range.", hint="Example: 1280x800")
    return width, height


#: How much lower the download threads' CPU priority is than the window's (Linux nice).
UI_BACKGROUND_NICE = 10


def tune_for_responsiveness() -> None:
    """Keep the UI thread's pauses short while worker threads download.

    * ``gc.freeze()``: everything alive after start-up (modules, Qt wrappers, settings) moves to
      a generation the collector never scans again, so a full collection triggered by a worker
      thread no longer pauses every thread for a tenth of a second.
    * A shorter GIL switch interval: a busy worker hands the GIL back to the UI thread sooner.
    """
    import gc

    gc.collect()
    gc.freeze()
    sys.setswitchinterval(0.0002)


def run_gui(
    suite: Suite,
    *,
    theme: str | None = None,
    screenshot: ScreenshotOptions | None = None,
) -> int:
    """Run the desktop app (or render one screenshot). Returns the exit code."""
    if screenshot is not None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from hfsuite.ui.context import UiContext
    from hfsuite.ui.i18n import install_translators
    from hfsuite.ui.main_window import MainWindow
    from hfsuite.ui.tabs import tab_names

    if screenshot is not None and screenshot.tab and screenshot.tab not in tab_names():
        raise UsageError(
            f"There is no tab {screenshot.tab!r}.", hint="Tabs: " + ", ".join(tab_names())
        )
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("HF Download Suite")
    app.setOrganizationName("hfsuite")
    app.setDesktopFileName("hfsuite")
    install_translators(app, resolve_language(suite.settings.language))
    font = QFont(app.font())
    font.setPointSizeF(max(font.pointSizeF(), 9.5))
    app.setFont(font)
    suite.prepare_network()
    manager = DownloadManager(suite)
    manager.sync()
    manager.start(background_nice=UI_BACKGROUND_NICE)
    ctx = UiContext(suite, manager)
    window = MainWindow(ctx, theme=theme, restore=screenshot is None)
    tune_for_responsiveness()
    try:
        if screenshot is None:
            window.show()
            return app.exec()
        return _screenshot(app, window, screenshot)
    finally:
        window.close()
        manager.stop()
        ctx.close()


def _with_error_inspector(window: MainWindow, image: QPixmap, wait: Waiter) -> QPixmap:
    """The window's image with the error inspector over it (a dialog is a window of its own:
    the window's grab does not hold it), its first failure selected."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QColor, QPainter

    inspector = window.show_errors()
    wait(lambda: window.failures.loaded_once and not window.failures.busy)
    window.failures.flush()
    inspector.reload()
    size = image.size()
    inspector.resize(min(1120, size.width() - 80), min(620, size.height() - 120))
    dialog = inspector.grab()
    painter = QPainter(image)
    painter.fillRect(image.rect(), QColor(0, 0, 0, 90))
    corner = QPoint((size.width() - dialog.width()) // 2, (size.height() - dialog.height()) // 2)
    painter.drawPixmap(corner, dialog)
    painter.setPen(QColor(0, 0, 0, 110))
    painter.drawRect(corner.x() - 1, corner.y() - 1, dialog.width() + 1, dialog.height() + 1)
    painter.end()
    return image


def _staged_dialog(window: MainWindow, options: ScreenshotOptions) -> QWidget:
    """The statistics dashboard or a comparison, loaded (``--open stats|compare``)."""
    if options.overlay == "stats":
        from hfsuite.ui.dialogs import stats_dashboard

        return stats_dashboard.stage_for_screenshot(window.ctx, options)
    from hfsuite.ui.dialogs import compare_dialog

    return compare_dialog.stage_for_screenshot(window.ctx, options)


def _with_dialog(image: QPixmap, dialog: QWidget) -> QPixmap:
    """``image`` dimmed, with ``dialog`` drawn in its middle (a dialog is a window of its own)."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QColor, QPainter

    size = image.size()
    dialog.resize(min(1160, size.width() - 60), min(700, size.height() - 80))
    shot = dialog.grab()
    painter = QPainter(image)
    painter.fillRect(image.rect(), QColor(0, 0, 0, 90))
    corner = QPoint((size.width() - shot.width()) // 2, (size.height() - shot.height()) // 2)
    painter.drawPixmap(corner, shot)
    painter.setPen(QColor(0, 0, 0, 110))
    painter.drawRect(corner.x() - 1, corner.y() - 1, shot.width() + 1, shot.height() + 1)
    painter.end()
    dialog.close()
    return image


def _screenshot(app: object, window: object, options: ScreenshotOptions) -> int:
    from PySide6.QtWidgets import QApplication

    from hfsuite.ui.main_window import MainWindow

    assert isinstance(app, QApplication) and isinstance(window, MainWindow)
    name = options.tab or window.tab_names()[0]
    options.check_tab(name)
    window.resize(*options.size)
    window.show()
    window.show_tab(name)
    page = window.tab_page(name)
    deadline = time.monotonic() + options.timeout_s

    def wait(cond: Callable[[], bool]) -> None:
        while time.monotonic() < deadline and not (cond() and not window.ctx.busy):
            app.processEvents()
            time.sleep(0.02)

    wait(page.is_ready)
    if options.overlay is None:
        page.prepare_screenshot(options, wait)
    settle = time.monotonic() + options.settle_s
    while time.monotonic() < settle:
        app.processEvents()
        time.sleep(0.02)
    window.toasts.clear()
    app.processEvents()
    image = window.grab()
    if options.open_errors:
        image = _with_error_inspector(window, image, wait)
    elif options.overlay is not None:
        image = _with_dialog(image, _staged_dialog(window, options))
    options.path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(options.path)):
        raise UsageError(f"Cannot write the screenshot to {options.path}.")
    log.info("screenshot saved to %s", options.path)
    return 0
