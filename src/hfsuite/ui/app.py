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

import fnmatch
import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hfsuite.app.manager import DownloadManager
from hfsuite.app.suite import Suite
from hfsuite.core.errors import UsageError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScreenshotOptions:
    """What ``hfsuite gui --screenshot`` renders.

    Attributes:
        path: PNG file to write.
        tab: Tab to show (None: the first).
        size: Window size (width, height).
        settle_s: Seconds to let live data (speeds, graphs) arrive after the tab is ready.
        timeout_s: Give up waiting for the tab's data after this long (the image is still made).
        search: Browse: search for this query first.
        open_repo: Browse: open this repository (its result row is selected when listed).
        select: Browse: show the opened repository's Files tab with the files matching these
            glob patterns checked.
        check_updates: History: run "Check for updates" first.
    """

    path: Path
    tab: str | None = None
    size: tuple[int, int] = (1280, 800)
    settle_s: float = 2.0
    timeout_s: float = 20.0
    search: str | None = None
    open_repo: str | None = None
    select: tuple[str, ...] = ()
    check_updates: bool = False


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


def _screenshot(app: object, window: object, options: ScreenshotOptions) -> int:
    from PySide6.QtWidgets import QApplication

    from hfsuite.ui.main_window import MainWindow

    assert isinstance(app, QApplication) and isinstance(window, MainWindow)
    window.resize(*options.size)
    window.show()
    tab = window.show_tab(options.tab or window.tab_names()[0])
    ready = getattr(tab, "is_ready", lambda: True)
    deadline = time.monotonic() + options.timeout_s

    def wait(cond: Callable[[], bool]) -> None:
        while time.monotonic() < deadline and not (cond() and not window.ctx.busy):
            app.processEvents()
            time.sleep(0.02)

    wait(ready)
    _prepare(tab, options, wait)
    settle = time.monotonic() + options.settle_s
    while time.monotonic() < settle:
        app.processEvents()
        time.sleep(0.02)
    window.toasts.clear()
    app.processEvents()
    options.path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(options.path)):
        raise UsageError(f"Cannot write the screenshot to {options.path}.")
    log.info("screenshot saved to %s", options.path)
    return 0


def _prepare(
    tab: Any, options: ScreenshotOptions, wait: Callable[[Callable[[], bool]], None]
) -> None:
    """Put the tab into the state the screenshot options ask for (search, open, select, check)."""
    browse = options.search is not None or options.open_repo is not None or bool(options.select)
    if browse and not hasattr(tab, "open_repo"):
        raise UsageError("--search, --open and --select need --tab browse.")
    if options.check_updates and not hasattr(tab, "check_updates"):
        raise UsageError("--check-updates needs --tab history.")
    if options.search is not None:
        answers: list[int] = []
        tab.search_finished.connect(answers.append)
        tab.search_bar.setText(options.search)
        tab.search()
        wait(lambda: bool(answers))
    if options.open_repo:
        repo = options.open_repo
        rows = [r for r in range(tab.results.rowCount()) if tab.results.hit(r).id == repo]
        if rows:
            tab.select_result(rows[0])
        else:
            tab.open_repo(repo)
        wait(lambda: tab.opened is not None and tab.opened.id == repo)
    if options.select:
        tab.detail_tabs.setCurrentIndex(1)
        paths = [f.path for f in tab.files_model.files]
        tab.files_model.set_checked(
            [p for p in paths if any(fnmatch.fnmatch(p, g) for g in options.select)]
        )
    if options.check_updates:
        reports: list[object] = []
        tab.updates_checked.connect(reports.append)
        tab.check_updates()
        wait(lambda: bool(reports))
