"""The main window: lazily created tabs, status bar, tray, shortcuts, toasts, drops, state.

```
┌ HF Download Suite ──────────────────────────────────────────────── [?] ┐
│ Downloads │ Browse │ History │ Local models │ Profiles │ Settings (TABS)│
│ <the current tab; others are built the first time they are shown>      │
│                                                           ┌ toast ┐    │
├────────────────────────────────────────────────────────────────────────┤
│ ⚠ 2 errors  2 active · 5 queued    ↓ 24.1 MiB/s    ⏲ Limit [Unlimited] │
└────────────────────────────────────────────────────────────────────────┘
```

The window installs the one error presenter (an error toast with a "Details" button) and the
notifier (a plain toast) on the context, and remembers its geometry and last tab in
``gui.ini`` next to the settings file. Every failure (an error shown, a task or a file that
failed) is kept in a :class:`~hfsuite.ui.models.failures_model.FailureLog`; the error
inspector shows them, opened from a toast's "Details", the status bar's error counter or
Ctrl+E.
"""

from __future__ import annotations

import traceback
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QMainWindow,
    QMenu,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hfsuite.core.errors import HfSuiteError
from hfsuite.core.types import TaskState
from hfsuite.ui import shortcuts
from hfsuite.ui.context import UiContext
from hfsuite.ui.dialogs.add_dialog import mime_to_text, read_text_files
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP
from hfsuite.ui.icons import icon
from hfsuite.ui.models.failures_model import FailureLog
from hfsuite.ui.status import StatusBar
from hfsuite.ui.tabs import TABS, TabEntry
from hfsuite.ui.tabs.base import TabPage
from hfsuite.ui.theme import apply_theme, colors_for
from hfsuite.ui.tray import Tray, app_icon
from hfsuite.ui.widgets.toast import ToastHost

if TYPE_CHECKING:
    from hfsuite.ui.dialogs.error_inspector import ErrorInspector
    from hfsuite.ui.tabs.downloads import DownloadsTab

STATE_FILE = "gui.ini"
translate = QCoreApplication.translate

# The theme menu's entries (English names are the setting's values, capitalised).
THEME_NAMES = {
    "system": QT_TRANSLATE_NOOP("MainWindow", "System"),
    "light": QT_TRANSLATE_NOOP("MainWindow", "Light"),
    "dark": QT_TRANSLATE_NOOP("MainWindow", "Dark"),
}


class MainWindow(QMainWindow):
    """The app window over a UI context.

    Args:
        ctx: The context (suite, manager, bridge); the window installs its presenters on it.
        theme: ``system``, ``light`` or ``dark`` (default: the ``theme`` setting).
        state_path: Where window state is remembered (default: ``gui.ini`` by the settings).
        restore: Whether to restore the remembered size, position and tab.
    """

    def __init__(
        self,
        ctx: UiContext,
        *,
        theme: str | None = None,
        state_path: Path | None = None,
        restore: bool = True,
    ):
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(translate("MainWindow", "HF Download Suite"))
        self.setObjectName("main_window")
        self.setAcceptDrops(True)
        self.theme_name = theme or ctx.suite.settings.theme
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, self.theme_name)
        self.setWindowIcon(app_icon(colors_for(self.palette()).accent))
        self.state = QSettings(
            str(state_path or Path(ctx.suite.store.path).parent / STATE_FILE),
            QSettings.Format.IniFormat,
        )

        self.toasts = ToastHost(self)
        ctx.error_presenter = self.present_error
        ctx.notifier = self._notify

        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.tabBar().setDrawBase(False)
        self.entries: list[TabEntry] = list(TABS)
        self.tab_widgets: dict[str, QWidget] = {}
        self.tab_pages: dict[str, TabPage] = {}
        for entry in self.entries:
            page = QWidget()
            page.setObjectName(f"page_{entry.name}")
            box = QVBoxLayout(page)
            box.setContentsMargins(0, 0, 0, 0)
            self.tabs.addTab(page, translate("MainWindow", entry.title))
        self.tabs.currentChanged.connect(self._tab_changed)
        self._build_corner()
        self.setCentralWidget(self.tabs)

        self.status = StatusBar(ctx)
        self.setStatusBar(self.status)
        self.failures = FailureLog(ctx, parent=self)
        self.failures.changed.connect(lambda: self.status.show_error_count(self.failures.count()))
        self.status.errors_requested.connect(self.show_errors)
        self.inspector: ErrorInspector | None = None
        self.stats_dialog: QDialog | None = None
        self.failures.refresh()
        self._build_actions()
        self.tray = Tray(self, [self.pause_all_action, self.resume_all_action, self.quit_action])
        ctx.bridge.progress_changed.connect(
            lambda batch: self.tray.show_progress(
                batch, self.status.counts.get(TaskState.QUEUED, 0)
            )
        )
        self._finished_burst: list[Any] = []
        self._finished_timer = QTimer(self)
        self._finished_timer.setSingleShot(True)
        self._finished_timer.setInterval(400)
        self._finished_timer.timeout.connect(self._notify_finished)
        ctx.bridge.task_finished.connect(self._task_finished)
        self.status.counts_updated.connect(self._counts_updated)
        ctx.theme_requested.connect(self.set_theme)

        self.resize(1280, 800)
        last = self.state.value("last_tab", "") if restore else ""
        if restore:
            geometry = self.state.value("geometry")
            if isinstance(geometry, QByteArray | bytes):
                self.restoreGeometry(QByteArray(geometry))
        names = [e.name for e in self.entries]
        self.show_tab(str(last) if last in names else names[0])

    # --- tabs -------------------------------------------------------------------------

    def tab_names(self) -> list[str]:
        """The tabs' names, in order."""
        return [e.name for e in self.entries]

    def show_tab(self, name: str) -> QWidget:
        """Make a tab current (building it on first visit); returns its widget."""
        index = self.tab_names().index(name)
        if self.tabs.currentIndex() != index:
            self.tabs.setCurrentIndex(index)  # builds it through _tab_changed
        return self.tab_widget(name)

    def tab_widget(self, name: str) -> QWidget:
        """A tab's widget, built now if it was not yet."""
        widget = self.tab_widgets.get(name)
        if widget is None:
            index = self.tab_names().index(name)
            entry = self.entries[index]
            widget, self.tab_pages[name] = entry.factory(self.ctx)
            widget.setObjectName(widget.objectName() or f"tab_{name}")
            page = self.tabs.widget(index)
            layout = page.layout() if page is not None else None
            assert layout is not None
            layout.addWidget(widget)
            self.tab_widgets[name] = widget
        return widget

    def tab_page(self, name: str) -> TabPage:
        """A tab's hooks, the tab built now if it was not yet."""
        self.tab_widget(name)
        return self.tab_pages[name]

    def current_tab_name(self) -> str:
        """The name of the tab shown."""
        return self.entries[self.tabs.currentIndex()].name

    def current_tab(self) -> QWidget:
        """The widget of the tab shown."""
        return self.tab_widget(self.current_tab_name())

    def _tab_changed(self, index: int) -> None:
        if index < 0:
            return
        self.tab_page(self.entries[index].name).tab_shown()
        if self.entries[index].name == "downloads":
            self._counts_updated(self.status.counts)

    # --- chrome -----------------------------------------------------------------------

    def _build_corner(self) -> None:
        button = QToolButton()
        button.setObjectName("help_button")
        button.setAutoRaise(True)
        button.setFixedSize(30, 28)
        button.setToolTip(translate("MainWindow", "Help and appearance"))
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        menu.addAction(translate("MainWindow", "Statistics…"), self.show_statistics)
        menu.addAction(translate("MainWindow", "Compare models…"), lambda: self.show_compare())
        menu.addAction(translate("MainWindow", "Errors…"), lambda: self.show_errors())
        menu.addSeparator()
        menu.addAction(translate("MainWindow", "Keyboard shortcuts…"), self.show_shortcuts)
        theme_menu = menu.addMenu(translate("MainWindow", "Theme"))
        for name, label in THEME_NAMES.items():
            action = theme_menu.addAction(translate("MainWindow", label))
            action.triggered.connect(lambda _=False, n=name: self.set_theme(n))
        button.setMenu(menu)
        self.corner_button = button
        corner = QWidget()
        box = QHBoxLayout(corner)
        box.setContentsMargins(0, 2, 10, 2)
        box.addWidget(button)
        self.tabs.setCornerWidget(corner, Qt.Corner.TopRightCorner)
        self._refresh_icons()

    def _refresh_icons(self) -> None:
        colors = colors_for(self.palette())
        self.corner_button.setIcon(icon("help", colors.muted))
        if hasattr(self, "status"):
            self.status.refresh_theme()
        if getattr(self, "inspector", None) is not None:
            assert self.inspector is not None
            self.inspector.reload()  # its colours
        for page in self.tab_pages.values():
            page.refresh_icons()

    def _build_actions(self) -> None:
        def shortcut(name: str, slot: Any) -> QShortcut:
            s = QShortcut(shortcuts.key(name), self)
            s.setContext(Qt.ShortcutContext.WindowShortcut)
            s.activated.connect(slot)
            return s

        self.shortcut_objects = {
            "add": shortcut("add", self.add_requested),
            "paste": shortcut("paste", self.add_from_clipboard),
            "search": shortcut("search", self.search_requested),
            "help": shortcut("help", self.show_shortcuts),
            "errors": shortcut("errors", self.show_errors),
            "stats": shortcut("stats", self.show_statistics),
            "compare": shortcut("compare", lambda: self.show_compare()),
            "quit": shortcut("quit", self.close),
        }
        for number in range(1, min(9, len(self.entries)) + 1):
            s = QShortcut(QKeySequence(f"Ctrl+{number}"), self)
            s.activated.connect(lambda n=number: self.tabs.setCurrentIndex(n - 1))
            self.shortcut_objects[f"tab{number}"] = s
        manager = self.ctx.manager
        self.pause_all_action = QAction(translate("MainWindow", "Pause all"), self)
        self.pause_all_action.triggered.connect(lambda: self.ctx.run_async(manager.pause))
        self.resume_all_action = QAction(translate("MainWindow", "Resume all"), self)
        self.resume_all_action.triggered.connect(lambda: self.ctx.run_async(manager.resume))
        self.quit_action = QAction(translate("MainWindow", "Quit"), self)
        self.quit_action.triggered.connect(self.close)

    def set_theme(self, name: str) -> None:
        """Switch theme (``system``, ``light`` or ``dark``) for the whole app."""
        self.theme_name = name
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, name)
        self._refresh_icons()

    # --- user intents -----------------------------------------------------------------

    def add_requested(self, text: str = "") -> Any:
        """Ctrl+N: the Downloads tab's Add dialog (prefilled with ``text``)."""
        self.show_tab("downloads")
        return self._downloads_tab().add_requested(text)

    def add_from_clipboard(self) -> Any:
        """Ctrl+Shift+V: the Add dialog with the clipboard's text."""
        return self.add_requested(QGuiApplication.clipboard().text())

    def search_requested(self) -> None:
        """Ctrl+F: the current tab's search, else the Browse tab's."""
        current = self.tab_page(self.current_tab_name())
        if not current.focus_search() and "browse" in self.tab_names():
            self.show_tab("browse")
            self.tab_page("browse").focus_search()

    def show_shortcuts(self) -> Any:
        """F1: the keyboard shortcuts dialog (non-blocking); returns it."""
        from hfsuite.ui.dialogs.help_dialog import ShortcutsDialog

        dialog = ShortcutsDialog([translate("MainWindow", e.title) for e in self.entries], self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_statistics(self) -> QDialog:
        """Ctrl+Shift+T: the statistics dashboard (non-blocking, one at a time)."""
        from hfsuite.ui.dialogs.stats_dashboard import StatsDashboard

        if self.stats_dialog is None:
            self.stats_dialog = StatsDashboard(self.ctx, parent=self)
            self.stats_dialog.finished.connect(lambda _r: setattr(self, "stats_dialog", None))
        self.stats_dialog.show()
        self.stats_dialog.raise_()
        self.stats_dialog.activateWindow()
        return self.stats_dialog

    def show_compare(self, a: str = "", b: str = "") -> QDialog:
        """Ctrl+Shift+M: a comparison of two models (``a`` and ``b`` prefilled when given)."""
        from hfsuite.ui.dialogs.compare_dialog import CompareDialog

        dialog = CompareDialog(self.ctx, a=a, b=b, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_errors(self, key: str | None = None) -> ErrorInspector:
        """Ctrl+E: the error inspector (non-blocking, one at a time), at failure ``key``."""
        from hfsuite.ui.dialogs.error_inspector import ErrorInspector

        self.failures.flush()
        if self.inspector is None:
            self.inspector = ErrorInspector(
                self.ctx,
                self.failures,
                open_settings=self._open_settings,
                rescan=self._rescan_library,
                parent=self,
            )
            self.inspector.finished.connect(self._inspector_closed)
        self.failures.refresh()
        if key is not None:
            self.inspector.select(key)
        self.inspector.show()
        self.inspector.raise_()
        self.inspector.activateWindow()
        return self.inspector

    def _inspector_closed(self, _result: int) -> None:
        if self.inspector is not None:
            self.inspector.deleteLater()
            self.inspector = None

    def _open_settings(self) -> None:
        self.show_tab("settings")

    def _rescan_library(self) -> None:
        library: Any = self.show_tab("library")
        library.scan()

    # --- messages ---------------------------------------------------------------------

    def _notify(self, text: str) -> None:
        self.toasts.show_info(text)

    def present_error(self, error: BaseException) -> None:
        """The one error presenter: a toast saying what happened and what to do; its
        "Details" opens the error inspector at this failure."""
        failure = self.failures.record_error(error)
        if isinstance(error, HfSuiteError):
            title, hint = error.message, error.hint or ""
            details = "\n".join(
                part
                for part in (
                    translate("MainWindow", "{kind} (exit code {code})").format(
                        kind=type(error).__name__, code=error.exit_code
                    ),
                    error.details or "",
                )
                if part
            )
        else:
            title = translate("MainWindow", "Something went wrong")
            hint = str(error) or type(error).__name__
            details = "".join(traceback.format_exception(error)).strip()
        self.toasts.show_error(
            title, hint, details or None, on_details=lambda: self.show_errors(failure.key)
        )

    def _counts_updated(self, counts: dict[TaskState, int]) -> None:
        if "downloads" in self.tab_widgets:
            self._downloads_tab().show_counts(counts)

    def _downloads_tab(self) -> DownloadsTab:
        from hfsuite.ui.tabs.downloads import DownloadsTab  # here: tabs are imported when built

        tab = self.tab_widget("downloads")
        assert isinstance(tab, DownloadsTab)
        return tab

    def _task_finished(self, record: Any) -> None:
        # Tasks often end together: one notice per burst, shown after the burst.
        self._finished_burst.append(record)
        self._finished_timer.start()

    def _notify_finished(self) -> None:
        burst, self._finished_burst = self._finished_burst, []
        done = [r.display_name for r in burst if r.state is TaskState.COMPLETED]
        failed = [r for r in burst if r.state is not TaskState.COMPLETED]
        count = len(done)
        if count == 1:
            self.tray.notify(translate("MainWindow", "Download complete"), done[0])
            self.toasts.show_info(translate("MainWindow", "Downloaded {name}").format(name=done[0]))
        elif done:
            names = ", ".join(done[:3])
            more = count - 3
            if more > 0:
                names = translate("MainWindow", "{names} and %n more", None, more).format(
                    names=names
                )
            self.tray.notify(translate("MainWindow", "%n downloads complete", None, count), names)
            self.toasts.show_info(
                translate("MainWindow", "Downloaded %n repositories", None, count), names
            )
        for record in failed[:3]:
            name = record.display_name
            error = record.error or translate("MainWindow", "failed")
            self.tray.notify(
                translate("MainWindow", "Download failed"),
                translate("MainWindow", "{name}: {error}").format(name=name, error=error),
                error=True,
            )
            self.toasts.show_error(
                translate("MainWindow", "{name} failed").format(name=name),
                record.error or "",
                None,
                on_details=partial(self.show_errors, f"task:{record.id}"),
            )
        more_failed = len(failed) - 3
        if more_failed > 0:
            self.toasts.show_error(
                translate("MainWindow", "%n more downloads failed", None, more_failed),
                translate("MainWindow", "See the error inspector."),
                on_details=self.show_errors,
            )

    # --- drag and drop ----------------------------------------------------------------

    def dragEnterEvent(self, event: Any) -> None:
        mime = event.mimeData()
        if mime.hasUrls() or mime.hasText():
            event.acceptProposedAction()

    def dropEvent(self, event: Any) -> None:
        """Links, text or text files dropped anywhere: the Add dialog, prefilled."""
        self.handle_drop(event.mimeData())
        event.acceptProposedAction()

    def handle_drop(self, mime: Any) -> None:
        """Open the Add dialog with what a drop carries (text files read on a worker)."""
        text, files = mime_to_text(mime)
        if files:
            self.ctx.run_async(
                lambda: read_text_files(files),
                lambda content: self.add_requested("\n".join(p for p in (text, content) if p)),
            )
        elif text.strip():
            self.add_requested(text)

    # --- state ------------------------------------------------------------------------

    def save_state(self) -> None:
        """Remember size, position and the current tab."""
        self.state.setValue("geometry", self.saveGeometry())
        self.state.setValue("last_tab", self.current_tab_name())
        self.state.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.failures.close()
        self.toasts.clear()
        self.tray.hide()
        super().closeEvent(event)
