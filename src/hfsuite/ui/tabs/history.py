"""The History tab: every finished download, filterable, with favorites, re-download, export
and "check for updates".

```
[ filter text…  ] [Any time ▾] [All outcomes ▾] [★ Favorites]    [Check for updates] [Export ▾]
┌ ★ │ Repository │ Outcome │ Upstream │ Files │ Size │ Avg speed │ Finished │ Destination ┐
│ … a QTableView over HistoryTableModel (filters run as a database query, off the UI thread) │
└────────────────────────────────────────────────────────────────────────────────────────────┘
12 downloads · 4.2 GiB · 1 failed               [Re-download] [Open folder] [Queue updates]
```
Clicking a star toggles the favorite; a failed row's tooltip is its error.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hfsuite.app.download import updates
from hfsuite.app.download.destinations import stored_files_folder
from hfsuite.app.download.updates import ChangeKind, RepoUpdate
from hfsuite.app.history_ops import (
    HistoryQuery,
    HistoryRecord,
    export_history,
    find_history,
    ref_of,
    set_favorite,
)
from hfsuite.core.types import Outcome
from hfsuite.core.units import format_bytes
from hfsuite.ui.context import UiContext
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP
from hfsuite.ui.models.history_model import (
    RECORD_ROLE,
    SORT_ROLE,
    Column,
    HistoryTableModel,
    update_key,
)
from hfsuite.ui.widgets._status import set_status
from hfsuite.ui.widgets.table_setup import setup_table

if TYPE_CHECKING:
    from hfsuite.ui.screenshot import ScreenshotOptions, Waiter

translate = QCoreApplication.translate

# English labels (tests pick items by them); shown through translate("HistoryTab", …).
DATE_RANGES = (
    (QT_TRANSLATE_NOOP("HistoryTab", "Any time"), None),
    (QT_TRANSLATE_NOOP("HistoryTab", "Today"), 0),
    (QT_TRANSLATE_NOOP("HistoryTab", "Last 7 days"), 7),
    (QT_TRANSLATE_NOOP("HistoryTab", "Last 30 days"), 30),
    (QT_TRANSLATE_NOOP("HistoryTab", "Last 12 months"), 365),
)
OUTCOMES = (
    (QT_TRANSLATE_NOOP("HistoryTab", "All outcomes"), None),
    (QT_TRANSLATE_NOOP("HistoryTab", "Completed"), Outcome.COMPLETED),
    (QT_TRANSLATE_NOOP("HistoryTab", "Failed"), Outcome.FAILED),
    (QT_TRANSLATE_NOOP("HistoryTab", "Cancelled"), Outcome.CANCELLED),
)


def since_for(days: int | None, now: float | None = None) -> float | None:
    """The start of a date range: local midnight ``days`` days ago (0: today), or None."""
    if days is None:
        return None
    now = time.time() if now is None else now
    midnight = datetime.fromtimestamp(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.timestamp() - days * 86400


class HistoryTab(QWidget):
    """Finished downloads with filters, favorites, re-download, export and update checks.

    Args:
        ctx: The UI context.
        parent: The parent widget.
    """

    #: The table was (re)loaded (number of rows).
    reloaded = Signal(int)
    #: An export finished (path, number of rows).
    exported = Signal(str, int)
    #: An update check finished (the reports).
    updates_checked = Signal(list)
    #: Tasks were queued by re-download or "queue updates" (their ids).
    tasks_queued = Signal(list)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._load_seq = 0
        self._ready = False
        self._reports: list[RepoUpdate] = []
        self.model = HistoryTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(250)
        self._reload_timer.timeout.connect(self.reload)

        self._build_filters()
        self._build_table()
        self._build_footer()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(10)
        layout.addLayout(self._filter_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(self._footer)

        ctx.bridge.task_finished.connect(self._task_finished)
        QTimer.singleShot(0, self.reload)

    # --- building -------------------------------------------------------------------------
    def _build_filters(self) -> None:
        self.text_edit = QLineEdit(self)
        self.text_edit.setPlaceholderText(
            translate("HistoryTab", "Filter by repository, folder, revision or error…")
        )
        self.text_edit.setClearButtonEnabled(True)
        self.text_edit.textChanged.connect(lambda _t: self._reload_timer.start())
        self.date_combo = QComboBox(self)
        for label, days in DATE_RANGES:
            self.date_combo.addItem(translate("HistoryTab", label), days)
        self.outcome_combo = QComboBox(self)
        for label, outcome in OUTCOMES:
            self.outcome_combo.addItem(translate("HistoryTab", label), outcome)
        for combo in (self.date_combo, self.outcome_combo):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.favorites_button = QPushButton(translate("HistoryTab", "★ Favorites"), self)
        self.favorites_button.setObjectName("chip")
        self.favorites_button.setCheckable(True)
        self.favorites_button.setToolTip(translate("HistoryTab", "Only starred repositories"))
        self.favorites_button.toggled.connect(lambda _on: self.reload())
        self.check_button = QPushButton(translate("HistoryTab", "Check for updates"), self)
        self.check_button.setToolTip(
            translate("HistoryTab", "Ask the Hub whether downloaded repositories changed")
        )
        self.check_button.clicked.connect(self.check_updates)
        self.export_button = QPushButton(translate("HistoryTab", "Export"), self)
        self.export_button.setToolTip(
            translate("HistoryTab", "Save the rows matching the filters as CSV or JSON")
        )
        menu = QMenu(self.export_button)
        menu.addAction(translate("HistoryTab", "Export as CSV…"), lambda: self.export_dialog("csv"))
        menu.addAction(
            translate("HistoryTab", "Export as JSON…"), lambda: self.export_dialog("json")
        )
        self.export_button.setMenu(menu)
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.text_edit, 3)
        row.addWidget(self.date_combo)
        row.addWidget(self.outcome_combo)
        row.addWidget(self.favorites_button)
        row.addStretch(1)
        row.addWidget(self.check_button)
        row.addWidget(self.export_button)
        self._filter_row = row

    def _build_table(self) -> None:
        table = QTableView(self)
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(Column.FINISHED, Qt.SortOrder.DescendingOrder)
        widths = {
            Column.STAR: 34,
            Column.OUTCOME: 96,
            Column.UPDATE: 160,
            Column.FILES: 56,
            Column.SIZE: 86,
            Column.SPEED: 100,
            Column.FINISHED: 132,
            Column.DESTINATION: 240,
        }
        setup_table(
            table,
            stretch=Column.REPO,
            widths=widths,
            row_height=30,
            stretch_last=True,
            alternating_rows=True,
        )
        table.customContextMenuRequested.connect(self._context_menu)
        table.clicked.connect(self._clicked)
        table.doubleClicked.connect(lambda _i: self.open_folder())
        table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.table = table

    def _build_footer(self) -> None:
        self.summary_label = QLabel(self)
        self.status_label = QLabel(self)
        self.status_label.hide()
        self.redownload_button = QPushButton(translate("HistoryTab", "Re-download"), self)
        self.redownload_button.clicked.connect(self.redownload_selected)
        self.open_button = QPushButton(translate("HistoryTab", "Open folder"), self)
        self.open_button.clicked.connect(self.open_folder)
        self.queue_updates_button = QPushButton(translate("HistoryTab", "Queue updates"), self)
        self.queue_updates_button.setObjectName("primary")
        self.queue_updates_button.clicked.connect(lambda: self.queue_updates(confirm=True))
        self.queue_updates_button.hide()
        footer = QHBoxLayout()
        footer.setSpacing(8)
        footer.addWidget(self.summary_label)
        footer.addWidget(self.status_label)
        footer.addStretch(1)
        footer.addWidget(self.queue_updates_button)
        footer.addWidget(self.redownload_button)
        footer.addWidget(self.open_button)
        self._footer = footer
        self._selection_changed()

    def _task_finished(self, _record: object) -> None:
        # A bound method (not a lambda): Qt drops the connection when this tab is deleted.
        self._reload_timer.start()

    # --- hooks for the main window --------------------------------------------------------
    def tab_shown(self) -> None:
        """Reload: downloads may have finished since the tab was last seen."""
        self.reload()

    def focus_search(self) -> bool:
        """Ctrl+F: the filter field."""
        self.text_edit.setFocus()
        self.text_edit.selectAll()
        return True

    def is_ready(self) -> bool:
        """The first load has answered."""
        return self._ready

    def refresh_icons(self) -> None:
        """No icons of its own to repaint."""

    def prepare_screenshot(self, options: ScreenshotOptions, wait: Waiter) -> None:
        """Run "Check for updates" first when ``--screenshot`` asks for it."""
        if options.check_updates:
            reports: list[object] = []
            self.updates_checked.connect(reports.append)
            self.check_updates()
            wait(lambda: bool(reports))

    # --- loading --------------------------------------------------------------------------
    def current_query(self) -> HistoryQuery:
        """The filters as set in the filter row."""
        outcome = self.outcome_combo.currentData()
        return HistoryQuery(
            text=self.text_edit.text().strip() or None,
            since=since_for(self.date_combo.currentData()),
            outcomes=(Outcome(outcome),) if outcome is not None else (),
            favorites_only=self.favorites_button.isChecked(),
        )

    def reload(self) -> None:
        """Load the rows matching the filters (answers to older loads are dropped)."""
        self._reload_timer.stop()
        if self.ctx.closed:
            return  # a late timer after the window closed: the database is closed too
        self._load_seq += 1
        seq = self._load_seq
        query = self.current_query()
        db = self.ctx.suite.database

        def done(records: list[HistoryRecord]) -> None:
            if seq != self._load_seq:
                return
            selected = {r.id for r in self.selected_records()}
            self.model.set_records(records)
            self._reselect(selected)
            self._ready = True
            self._show_summary()
            self.reloaded.emit(len(records))

        self.ctx.run_async(lambda: find_history(db, query), done)

    def _reselect(self, ids: set[int]) -> None:
        if not ids:
            return
        selection = self.table.selectionModel()
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(RECORD_ROLE).id in ids:
                selection.select(
                    index,
                    selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
                )

    def _show_summary(self) -> None:
        records = self.model.records
        if not records:
            filtered = self.current_query() != HistoryQuery()
            self.summary_label.setText(
                translate("HistoryTab", "Nothing matches these filters.")
                if filtered
                else translate("HistoryTab", "No downloads yet.")
            )
            return
        total = sum(sum(f.size_bytes for f in r.files) or r.bytes_downloaded for r in records)
        failed = sum(1 for r in records if r.outcome is Outcome.FAILED)
        n = len(records)
        count = (
            translate("HistoryTab", "1 download")
            if n == 1
            else translate("HistoryTab", "%n downloads", None, n)
        )
        text = f"{count} · {format_bytes(total)}"
        if failed:
            text += " · " + translate("HistoryTab", "{n} failed").format(n=failed)
        self.summary_label.setText(text)

    # --- selection and row actions ---------------------------------------------------------
    def selected_records(self) -> list[HistoryRecord]:
        """The selected rows' records, in view order."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.proxy.index(row, 0).data(RECORD_ROLE) for row in rows]

    def select_rows(self, rows: Sequence[int]) -> None:
        """Select rows of the view (tests, keyboard helpers)."""
        self.table.clearSelection()
        selection = self.table.selectionModel()
        for row in rows:
            selection.select(
                self.proxy.index(row, 0),
                selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
            )

    def _selection_changed(self) -> None:
        records = self.selected_records()
        self.redownload_button.setEnabled(bool(records))
        self.open_button.setEnabled(len(records) == 1)

    def _clicked(self, index: QModelIndex) -> None:
        if index.column() == Column.STAR:
            self.toggle_favorite(index.data(RECORD_ROLE))

    def toggle_favorite(self, record: HistoryRecord) -> None:
        """Star or unstar a row's repository (every row of it follows)."""
        if not record.repo_id:
            self.ctx.notify(translate("HistoryTab", "Plain URL downloads cannot be favorites."))
            return
        db = self.ctx.suite.database
        ref = ref_of(record)
        star = not record.is_favorite
        self.ctx.run_async(lambda: set_favorite(db, ref, star), lambda _changed: self.reload())

    def redownload_selected(self) -> None:
        """Queue each selected row again (same files, same place, newest revision)."""
        records = self.selected_records()
        if not records:
            return
        manager = self.ctx.manager
        ids = [r.id for r in records]

        def done(task_ids: list[int]) -> None:
            count = len(task_ids)
            self.ctx.notify(
                translate("HistoryTab", "Queued 1 re-download.")
                if count == 1
                else translate("HistoryTab", "Queued %n re-downloads.", None, count)
            )
            self.tasks_queued.emit(task_ids)

        self.ctx.run_async(lambda: [manager.redownload(i) for i in ids], done)

    def open_folder(self) -> None:
        """Open the selected row's folder in the file manager."""
        records = self.selected_records()
        if len(records) != 1:
            return
        folder = stored_files_folder(records[0])

        def opened(exists: bool) -> None:
            if not exists:
                self.ctx.notify(
                    translate("HistoryTab", "The folder {folder} no longer exists.").format(
                        folder=folder
                    )
                )
            else:
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

        self.ctx.run_async(folder.is_dir, opened)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        record: HistoryRecord = index.data(RECORD_ROLE)
        menu = QMenu(self)
        menu.addAction(translate("HistoryTab", "Re-download"), self.redownload_selected)
        menu.addAction(translate("HistoryTab", "Open folder"), self.open_folder)
        star = (
            translate("HistoryTab", "Remove from favorites")
            if record.is_favorite
            else translate("HistoryTab", "Add to favorites")
        )
        menu.addAction(star, lambda: self.toggle_favorite(record))
        copy = QAction(translate("HistoryTab", "Copy repository id"), menu)
        copy.triggered.connect(
            lambda: QGuiApplication.clipboard().setText(record.repo_id or record.url or "")
        )
        menu.addAction(copy)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    # --- export ---------------------------------------------------------------------------
    def export_dialog(self, fmt: str) -> None:
        """Ask for a file, then export the rows matching the filters."""
        default = str(Path.home() / f"hfsuite-history.{fmt}")
        name_filter = (
            translate("HistoryTab", "CSV files (*.csv)")
            if fmt == "csv"
            else translate("HistoryTab", "JSON files (*.json)")
        )
        path, _ = QFileDialog.getSaveFileName(
            self, translate("HistoryTab", "Export history"), default, name_filter
        )
        if path:
            self.export_to(Path(path), fmt)

    def export_to(self, path: Path, fmt: str | None = None) -> None:
        """Write the rows matching the filters to ``path`` as CSV or JSON (by suffix)."""
        fmt = fmt or path.suffix.lstrip(".").lower() or "csv"
        query = self.current_query()
        suite = self.ctx.suite

        def work() -> int:
            with open(path, "w", encoding="utf-8", newline="") as out:
                return export_history(suite.database, fmt, out, query, redactor=suite.redactor)

        def done(count: int) -> None:
            self.ctx.notify(
                translate("HistoryTab", "Exported {count} history entries to {path}").format(
                    count=count, path=path
                )
            )
            self.exported.emit(str(path), count)

        self.ctx.run_async(work, done)

    # --- updates --------------------------------------------------------------------------
    def check_updates(self) -> None:
        """Ask the Hub whether the downloaded repositories moved to new commits."""
        suite = self.ctx.suite
        self.check_button.setEnabled(False)
        set_status(self.status_label, "busy", translate("HistoryTab", "Checking for updates…"))

        def done(reports: list[RepoUpdate]) -> None:
            self.check_button.setEnabled(True)
            self._reports = reports
            self.model.set_updates(
                {update_key(r.version.repo_id, r.version.destination): r for r in reports}
            )
            changed = [r for r in reports if r.has_update]
            failed = [r for r in reports if r.error]
            if not reports:
                set_status(
                    self.status_label,
                    "note",
                    translate("HistoryTab", "Nothing downloaded to check yet."),
                )
            elif changed:
                n = len(changed)
                text = (
                    translate("HistoryTab", "1 repository has updates.")
                    if n == 1
                    else translate("HistoryTab", "%n repositories have updates.", None, n)
                )
                set_status(self.status_label, "warning", text)
            else:
                set_status(
                    self.status_label, "ok", translate("HistoryTab", "Everything is up to date.")
                )
            if failed:
                self.status_label.setText(
                    self.status_label.text()
                    + " "
                    + translate("HistoryTab", "{n} could not be checked.").format(n=len(failed))
                )
            self.queue_updates_button.setVisible(bool(updates.update_specs(reports)))
            self.updates_checked.emit(reports)

        def failed(error: BaseException) -> None:
            self.check_button.setEnabled(True)
            set_status(self.status_label, "error", translate("HistoryTab", "Update check failed."))
            self.ctx.show_error(error)

        self.ctx.run_async(lambda: updates.check_updates(suite), done, failed)

    @property
    def update_reports(self) -> list[RepoUpdate]:
        """The reports of the last update check."""
        return list(self._reports)

    def queue_updates(self, *, confirm: bool = True) -> None:
        """Queue the changed files of every repository with an update (after asking)."""
        specs = updates.update_specs(self._reports)
        if not specs:
            return
        if confirm:
            lines = []
            for report in self._reports:
                modified = [c for c in report.changes if c.kind is ChangeKind.MODIFIED]
                if report.has_update and modified:
                    size = format_bytes(sum(c.new_size or 0 for c in modified))
                    lines.append(
                        translate("HistoryTab", "• {repo}: {n} files, {size}").format(
                            repo=report.version.repo_id, n=len(modified), size=size
                        )
                    )
            answer = QMessageBox.question(
                self,
                translate("HistoryTab", "Queue updates"),
                translate("HistoryTab", "Download the modified files again?")
                + "\n\n"
                + "\n".join(lines),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        manager = self.ctx.manager

        def done(ids: list[int]) -> None:
            queued = len(ids)  # a plain name: lupdate misreads a call as the count
            self.queue_updates_button.hide()
            self.ctx.notify(
                translate("HistoryTab", "Queued 1 update.")
                if len(ids) == 1
                else translate("HistoryTab", "Queued %n updates.", None, queued)
            )
            self.tasks_queued.emit(ids)

        self.ctx.run_async(lambda: manager.add(specs), done)
