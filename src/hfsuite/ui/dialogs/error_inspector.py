"""The error inspector: every failure, newest first, with its cause, its fix and the details.

```
┌ Errors ─────────────────────────────────────────────────────────────────────────────┐
│ [Filter failures…          ] [Every kind ▾]                            4 failures  │
│ ┌ When ─────── Kind ── What ────────── Message ┐ ┌ Model org/x is gated: accept … ┐ │
│ │ 12:04  Download  Download of org/x  Model …  │ │ Download of org/x · 12:04      │ │
│ │ 11:58  Scan      The library scan   Cannot … │ │ Cause  The token's owner has … │ │
│ │                                              │ │ Fix    Accept the conditions … │ │
│ │                                              │ │ Details  GatedRepoError, exit 6│ │
│ └──────────────────────────────────────────────┘ └────────────────────────────────┘ │
│ [Retry] [Open settings] [Copy report]                                       [Close] │
└─────────────────────────────────────────────────────────────────────────────────────┘
```

Failures come from :class:`~hfsuite.ui.models.failures_model.FailureLog` (the queue's events,
the errors the window showed, the database). Cause and fix are docs/errors.md's words for the
message (:func:`hfsuite.app.failures.explain`). Retry is the queue's retry for a task (a
scan: scanning again); every action has a shortcut (scope Errors) and is in the context menu.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hfsuite.app.failures import Failure, FailureKind, rich
from hfsuite.ui import shortcuts
from hfsuite.ui.context import UiContext
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP
from hfsuite.ui.models.failures_model import (
    FAILURE_ROLE,
    KIND_TEXT,
    Column,
    FailureLog,
    FailuresModel,
    FailuresProxy,
)
from hfsuite.ui.models.formatting import local_time
from hfsuite.ui.theme import colors_for
from hfsuite.ui.widgets.table_setup import setup_table

translate = QCoreApplication.translate

ACTIONS = (  # texts in English, shown through translate("ErrorInspector", …)
    ("inspector_retry", QT_TRANSLATE_NOOP("ErrorInspector", "Retry")),
    ("inspector_settings", QT_TRANSLATE_NOOP("ErrorInspector", "Open settings")),
    ("inspector_copy", QT_TRANSLATE_NOOP("ErrorInspector", "Copy report")),
    ("inspector_filter", QT_TRANSLATE_NOOP("ErrorInspector", "Filter")),
)


class ErrorInspector(QDialog):
    """The failures list and the selected failure's explanation.

    Args:
        ctx: The UI context (the queue's retry, worker threads).
        log: The failures.
        open_settings: Shows the Settings tab (the main window's).
        rescan: Scans the library again (the Local models tab's).
        parent: The window it belongs to.
    """

    #: A retry was asked for (the failure's key).
    retried = Signal(str)

    def __init__(
        self,
        ctx: UiContext,
        log: FailureLog,
        *,
        open_settings: Callable[[], None] | None = None,
        rescan: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.log = log
        self.open_settings_handler = open_settings
        self.rescan_handler = rescan
        self.setObjectName("error_inspector")
        self.setWindowTitle(translate("ErrorInspector", "Errors"))
        self.resize(1120, 620)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(
            translate("ErrorInspector", "Filter failures (repository, message, file…)")
        )
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter_changed)
        self.kind_combo = QComboBox(self)
        self.kind_combo.addItem(translate("ErrorInspector", "Every kind"), None)
        for kind, text in KIND_TEXT.items():
            self.kind_combo.addItem(translate("FailuresModel", text), kind)
        self.kind_combo.currentIndexChanged.connect(self._filter_changed)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("muted")
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.kind_combo)
        top.addStretch(1)
        top.addWidget(self.count_label)

        self.model = FailuresModel()
        self.proxy = FailuresProxy()
        self.proxy.setSourceModel(self.model)
        self.table = QTableView(self)
        self.table.setObjectName("failures_table")
        self.table.setModel(self.proxy)
        setup_table(
            self.table,
            stretch=Column.MESSAGE,
            widths={Column.TIME: 130, Column.KIND: 80, Column.WHAT: 220},
            row_height=28,
            alternating_rows=True,
        )
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())

        self.detail = QFrame(self)
        self.detail.setObjectName("card")
        self.title_label = QLabel(self.detail)
        self.title_label.setObjectName("title")
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint_label = QLabel(self.detail)
        self.hint_label.setWordWrap(True)
        self.hint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.where_label = QLabel(self.detail)
        self.where_label.setObjectName("muted")
        self.where_label.setWordWrap(True)
        self.cause_label = self._rich_label()
        self.fix_label = self._rich_label()
        self.details_edit = QPlainTextEdit(self.detail)
        self.details_edit.setObjectName("failure_details")
        self.details_edit.setReadOnly(True)
        self.details_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        box = QVBoxLayout(self.detail)
        box.setContentsMargins(14, 12, 14, 12)
        box.setSpacing(6)
        box.addWidget(self.title_label)
        box.addWidget(self.hint_label)
        box.addWidget(self.where_label)
        for caption, label in (
            (translate("ErrorInspector", "Cause"), self.cause_label),
            (translate("ErrorInspector", "Fix"), self.fix_label),
        ):
            heading = QLabel(caption, self.detail)
            heading.setObjectName("stat")
            box.addWidget(heading)
            box.addWidget(label)
        heading = QLabel(translate("ErrorInspector", "Technical details"), self.detail)
        heading.setObjectName("stat")
        box.addWidget(heading)
        box.addWidget(self.details_edit, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setSizes([600, 500])

        self._build_actions()
        self.retry_button = self._button("inspector_retry")
        self.settings_button = self._button("inspector_settings")
        self.copy_button = self._button("inspector_copy")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.retry_button)
        bottom.addWidget(self.settings_button)
        bottom.addWidget(self.copy_button)
        bottom.addStretch(1)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

        log.changed.connect(self.reload)
        self.reload()

    def _rich_label(self) -> QLabel:
        label = QLabel(self.detail)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _build_actions(self) -> None:
        self.actions_by_name: dict[str, QAction] = {}
        slots: dict[str, Callable[[], Any]] = {
            "inspector_retry": lambda: self.retry(),
            "inspector_settings": lambda: self.open_settings(),
            "inspector_copy": lambda: self.copy_report(),
            "inspector_filter": self.focus_filter,
        }
        for name, text in ACTIONS:
            action = QAction(translate("ErrorInspector", text), self)
            action.setShortcut(shortcuts.key(name))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slots[name])
            self.addAction(action)
            self.actions_by_name[name] = action

    def focus_filter(self) -> None:
        """Ctrl+F: the filter field."""
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    def _button(self, name: str) -> QPushButton:
        action = self.actions_by_name[name]
        button = QPushButton(action.text(), self)
        button.setObjectName(f"button_{name}")
        button.setAutoDefault(False)
        button.setToolTip(
            translate("ErrorInspector", "{action} ({keys})").format(
                action=translate("Shortcuts", shortcuts.SHORTCUTS[name].description),
                keys=shortcuts.native_text(name),
            )
        )
        button.clicked.connect(action.trigger)
        return button

    # --- the list -------------------------------------------------------------------------
    def reload(self) -> None:
        """Show the log's failures (the selection kept)."""
        current = self.current()
        self.model.set_failures(self.log.failures(), colors_for(self.palette()))
        self._update_count()
        if current is not None and self.select(current.key):
            return
        if self.proxy.rowCount():
            self.table.selectRow(0)
        else:
            self._show_current()

    def _filter_changed(self, *_: Any) -> None:
        kind = self.kind_combo.currentData()
        self.proxy.set_filter(self.filter_edit.text(), FailureKind(kind) if kind else None)
        self._update_count()
        if self.current() is None and self.proxy.rowCount():
            self.table.selectRow(0)
        self._show_current()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        text = (
            translate("ErrorInspector", "1 failure")
            if total == 1
            else translate("ErrorInspector", "%n failures", None, total)
        )
        if shown != total:
            text = translate("ErrorInspector", "{shown} of {total}").format(shown=shown, total=text)
        self.count_label.setText(text)

    def select(self, key: str) -> bool:
        """Select the failure ``key`` (a toast's Details); False when it is not shown."""
        row = self.model.row_of(key)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():  # filtered out: show everything again
            self.filter_edit.clear()
            self.kind_combo.setCurrentIndex(0)
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        self._show_current()
        return True

    def current(self) -> Failure | None:
        """The failure shown."""
        index: QModelIndex = self.table.currentIndex()
        rows = self.table.selectionModel().selectedRows()
        if rows:
            index = rows[0]
        failure = index.data(FAILURE_ROLE) if index.isValid() else None
        return failure if isinstance(failure, Failure) else None

    def _show_current(self) -> None:
        failure = self.current()
        has = failure is not None
        retryable = failure is not None and failure.retryable
        self.actions_by_name["inspector_retry"].setEnabled(retryable)
        self.retry_button.setEnabled(retryable)
        self.actions_by_name["inspector_copy"].setEnabled(has)
        self.copy_button.setEnabled(has)
        if failure is None:
            empty = not self.model.rowCount()
            self.title_label.setText(translate("ErrorInspector", "No failures") if empty else "")
            self.where_label.setText(
                translate("ErrorInspector", "Nothing failed.") if empty else ""
            )
            self.hint_label.hide()
            self.cause_label.setText("")
            self.fix_label.setText("")
            self.details_edit.setPlainText("")
            return
        self.retry_button.setText(
            translate("ErrorInspector", "Scan again")
            if failure.kind is FailureKind.SCAN
            else translate("ErrorInspector", "Retry")
        )
        self.title_label.setText(failure.message)
        self.hint_label.setText(failure.hint or "")
        self.hint_label.setVisible(bool(failure.hint))
        self.where_label.setText(f"{failure.what} · {local_time(failure.time)}")
        self.cause_label.setText(
            rich(failure.cause) if failure.cause else translate("ErrorInspector", "Not documented.")
        )
        fix = failure.fix or failure.hint
        self.fix_label.setText(
            rich(fix) if fix else translate("ErrorInspector", "No suggestion: see the details.")
        )
        self.details_edit.setPlainText(technical_details(failure))

    # --- actions --------------------------------------------------------------------------
    def retry(self) -> None:
        """Retry the failed task (the queue's retry), queue again a download only the history
        keeps, or scan again for a scan."""
        failure = self.current()
        if failure is None or not failure.retryable:
            return
        if failure.task_id is not None:
            manager, task_id = self.ctx.manager, failure.task_id

            def done(changed: int) -> None:
                name = failure.what.removeprefix("Download of ")
                self.ctx.notify(
                    translate("ErrorInspector", "Retrying {name}.").format(name=name)
                    if changed
                    else translate(
                        "ErrorInspector", "Nothing to retry: the task is no longer failed."
                    )
                )
                self.retried.emit(failure.key)

            self.ctx.run_async(lambda: manager.retry([task_id]), done)
        elif failure.history_id is not None:
            manager, history_id = self.ctx.manager, failure.history_id

            def queued(task_id: int) -> None:
                name = failure.what.removeprefix("Download of ")
                self.ctx.notify(
                    translate("ErrorInspector", "Queued {name} again.").format(name=name)
                )
                self.retried.emit(failure.key)

            self.ctx.run_async(lambda: manager.redownload(history_id), queued)
        elif self.rescan_handler is not None:
            self.rescan_handler()
            self.retried.emit(failure.key)

    def open_settings(self) -> None:
        """Show the settings (a proxy, a token, a folder may be the fix)."""
        if self.open_settings_handler is not None:
            self.open_settings_handler()

    def copy_report(self) -> str:
        """Copy the failure's report to the clipboard; returns it."""
        failure = self.current()
        if failure is None:
            return ""
        report = failure.report()
        QGuiApplication.clipboard().setText(report)
        self.ctx.notify(translate("ErrorInspector", "Copied the error report."))
        return report

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self.table.selectRow(index.row())
        menu = QMenu(self)
        for name in ("inspector_retry", "inspector_copy", "inspector_settings"):
            menu.addAction(self.actions_by_name[name])
        menu.popup(self.table.viewport().mapToGlobal(pos))


def technical_details(failure: Failure) -> str:
    """The details box: exception type, error code, task id, URL, traceback."""
    lines = []
    for label, value in (
        (
            translate("ErrorInspector", "Exception"),
            failure.error_type or translate("ErrorInspector", "— (stored message)"),
        ),
        (translate("ErrorInspector", "Exit code"), failure.exit_code),
        (translate("ErrorInspector", "Task"), failure.task_id),
        (translate("ErrorInspector", "History entry"), failure.history_id),
        (translate("ErrorInspector", "File"), failure.path),
        (translate("ErrorInspector", "URL"), failure.url),
        (translate("ErrorInspector", "Kind"), failure.kind.value),
    ):
        if value is not None:
            lines.append(
                translate("ErrorInspector", "{label}: {value}").format(label=label, value=value)
            )
    if failure.hint:
        lines.append(translate("ErrorInspector", "Hint: {hint}").format(hint=failure.hint))
    if failure.details:
        lines += ["", failure.details]
    if failure.traceback:
        lines += ["", failure.traceback]
    return "\n".join(lines)
