"""The Local models tab: the library index as a table, scans, details, and duplicates.

```
(Files) (Duplicates)                      (With hashes) [Scan now] [Scan folder…] [Folders…]
[ filter text…  ] [All kinds ▾] [All locations ▾] [All formats ▾] (Other files too)
┌ Name │ Kind │ Architecture │ Format │ Precision │ Size │ Source │ Location │ # ┐┌ details ───┐
│ a QTableView over LibraryTableModel (filtered and sorted in memory)           ││ header,    │
│                                                                               ││ hashes,    │
└───────────────────────────────────────────────────────────────────────────────┘└ provenance ┘
1,204 files · 812.4 GiB                       Scanning… 3,100 files · 1.2 TiB   [Cancel]
```

The index is read off the UI thread (``suite.library.stream``) and formatted there too; scans
run in ``library_scan.py`` (off the UI thread, cancellable, progress in the tab and the status
bar), the details pane is ``library_details.py``, the duplicates view ``library_dupes.py``.
Every action has a shortcut (``SHORTCUTS``, named in the tooltips) and the table's context menu
offers the row actions.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hfsuite.app.library import LibraryQuery, ScanSummary
from hfsuite.core.units import format_bytes
from hfsuite.ui.context import UiContext
from hfsuite.ui.dialogs.roots_dialog import RootsDialog
from hfsuite.ui.models.library_model import (
    ROW_ROLE,
    Column,
    LibraryFilter,
    LibraryRow,
    LibraryTableModel,
    load_rows,
)
from hfsuite.ui.tabs.library_details import LibraryDetails
from hfsuite.ui.tabs.library_dupes import DuplicatesView
from hfsuite.ui.tabs.library_scan import ScanPanel
from hfsuite.ui.widgets.actions import tab_actions
from hfsuite.ui.widgets.table_setup import setup_table

if TYPE_CHECKING:
    from hfsuite.ui.screenshot import ScreenshotOptions, Waiter

translate = QCoreApplication.translate

DETAIL_COLUMNS = (Column.FORMAT, Column.PRECISION, Column.HASHED)
"""Columns hidden while the details pane is open (it shows them)."""
SHORTCUTS = {
    "rescan": "F5",
    "open_folder": "Ctrl+O",
    "copy_path": "Ctrl+Shift+C",
    "reveal": "Ctrl+D",
    "cancel_scan": "Esc",
    "details": "Ctrl+I",
    "files_view": "Alt+1",
    "dupes_view": "Alt+2",
    "find_dupes": "Ctrl+Shift+D",
    "reclaim": "Ctrl+Shift+K",
    "scan_folder": "Ctrl+Shift+O",
}


class LibraryTab(QWidget):
    """The local model library: files, scans, details and duplicates.

    Args:
        ctx: The UI context.
        parent: The parent widget.
    """

    #: The table was (re)loaded (number of rows loaded).
    reloaded = Signal(int)
    #: A scan finished (its ScanSummary; ``cancelled`` set when stopped).
    scan_finished = Signal(object)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._ready = False
        self._load_seq = 0
        self.last_summary: ScanSummary | None = None
        self.model = LibraryTableModel(self)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(150)
        self._filter_timer.timeout.connect(self.apply_filter)

        self._build_top()
        self._build_filters()
        self._build_table()
        self.details = LibraryDetails(ctx, self)
        self.details.open_requested.connect(self.open_folder)
        self.details.copy_requested.connect(self.copy_path)
        self.details.reveal_requested.connect(self.reveal_duplicates)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([880, 380])
        self.details.hide()
        files_page = QWidget(self)
        files_layout = QVBoxLayout(files_page)
        files_layout.setContentsMargins(0, 0, 0, 0)
        files_layout.setSpacing(8)
        files_layout.addLayout(self._filter_row)
        files_layout.addWidget(self.splitter, 1)
        self.dupes = DuplicatesView(ctx, self)
        self.dupes.show_in_table.connect(self.show_file)
        self.dupes.reclaimed.connect(lambda _run: self.reload())
        self.stack = QStackedWidget(self)
        self.stack.addWidget(files_page)
        self.stack.addWidget(self.dupes)
        self._build_footer()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(10)
        layout.addLayout(self._top_row)
        layout.addWidget(self.stack, 1)
        layout.addLayout(self._footer)
        self._build_actions()
        QTimer.singleShot(0, self.reload)

    # --- building -------------------------------------------------------------------------
    def _build_top(self) -> None:
        self.files_button = QPushButton(translate("LibraryTab", "Files"), self)
        self.dupes_button = QPushButton(translate("LibraryTab", "Duplicates"), self)
        for i, button in enumerate((self.files_button, self.dupes_button)):
            button.setObjectName("chip")
            button.setCheckable(True)
            button.setAutoExclusive(True)
            button.clicked.connect(lambda _c=False, i=i: self.show_view(i))
        self.files_button.setChecked(True)
        self.files_button.setToolTip(
            translate("LibraryTab", "The indexed files ({keys})").format(
                keys=SHORTCUTS["files_view"]
            )
        )
        self.dupes_button.setToolTip(
            translate(
                "LibraryTab", "Files stored more than once, and reclaiming them ({keys})"
            ).format(keys=SHORTCUTS["dupes_view"])
        )
        self.hash_button = QPushButton(translate("LibraryTab", "With hashes"), self)
        self.hash_button.setObjectName("chip")
        self.hash_button.setCheckable(True)
        self.hash_button.setToolTip(
            translate("LibraryTab", "Also compute each file's SHA-256 during the scan (slower)")
        )
        self.scan_button = QPushButton(translate("LibraryTab", "Scan now"), self)
        self.scan_button.setObjectName("primary")
        self.scan_button.setToolTip(
            translate("LibraryTab", "Scan every folder again ({keys})").format(
                keys=SHORTCUTS["rescan"]
            )
        )
        self.scan_button.clicked.connect(lambda: self.scan())
        self.scan_folder_button = QPushButton(translate("LibraryTab", "Scan folder…"), self)
        self.scan_folder_button.setToolTip(
            translate("LibraryTab", "Scan one folder (added to the scan folders) ({keys})").format(
                keys=SHORTCUTS["scan_folder"]
            )
        )
        self.scan_folder_button.clicked.connect(self.scan_folder_dialog)
        self.roots_button = QPushButton(translate("LibraryTab", "Folders…"), self)
        self.roots_button.setToolTip(translate("LibraryTab", "The folders the library scans"))
        self.roots_button.clicked.connect(self.manage_roots)
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.files_button)
        row.addWidget(self.dupes_button)
        row.addStretch(1)
        row.addWidget(self.hash_button)
        row.addWidget(self.scan_button)
        row.addWidget(self.scan_folder_button)
        row.addWidget(self.roots_button)
        self._top_row = row

    def _build_filters(self) -> None:
        self.text_edit = QLineEdit(self)
        self.text_edit.setPlaceholderText(
            translate("LibraryTab", "Filter by name, folder, architecture, repo or hash…")
        )
        self.text_edit.setClearButtonEnabled(True)
        self.text_edit.textChanged.connect(lambda _t: self._filter_timer.start())
        self.kind_combo = QComboBox(self)
        self.location_combo = QComboBox(self)
        self.format_combo = QComboBox(self)
        for combo, tip in (
            (self.kind_combo, translate("LibraryTab", "Only this kind of model")),
            (
                self.location_combo,
                translate("LibraryTab", "Only files of this scan folder or tool"),
            ),
            (self.format_combo, translate("LibraryTab", "Only this file format")),
        ):
            combo.setToolTip(tip)
            combo.setMinimumWidth(130)
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self._fill_combos()
        self.all_button = QPushButton(translate("LibraryTab", "Other files too"), self)
        self.all_button.setObjectName("chip")
        self.all_button.setCheckable(True)
        self.all_button.setToolTip(
            translate("LibraryTab", "Also list files that are not models (READMEs, configs…)")
        )
        self.all_button.toggled.connect(lambda _on: self.apply_filter())
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.text_edit, 3)
        row.addWidget(self.kind_combo)
        row.addWidget(self.location_combo)
        row.addWidget(self.format_combo)
        row.addWidget(self.all_button)
        self._filter_row = row

    def _fill_combos(self) -> None:
        for combo, first, column in (
            (self.kind_combo, translate("LibraryTab", "All kinds"), Column.KIND),
            (self.location_combo, translate("LibraryTab", "All locations"), Column.LOCATION),
            (self.format_combo, translate("LibraryTab", "All formats"), Column.FORMAT),
        ):
            current = combo.currentData() or ""
            values = self.model.values(column)
            if current and current not in values:
                values.append(current)
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first, "")
            for value in values:
                combo.addItem(value, value)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    def _build_table(self) -> None:
        table = QTableView(self)
        table.setModel(self.model)
        table.setSortingEnabled(True)
        table.horizontalHeader().setSortIndicator(Column.NAME, Qt.SortOrder.AscendingOrder)
        widths = {
            Column.KIND: 104,
            Column.ARCH: 112,
            Column.FORMAT: 90,
            Column.PRECISION: 86,
            Column.SIZE: 80,
            Column.SOURCE: 170,
            Column.LOCATION: 160,
            Column.HASHED: 64,
        }
        setup_table(table, stretch=Column.NAME, widths=widths, row_height=28, alternating_rows=True)
        table.horizontalHeader().setMinimumSectionSize(40)
        table.customContextMenuRequested.connect(self._context_menu)
        table.doubleClicked.connect(lambda _i: self.toggle_details(True))
        table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table = table

    def _build_footer(self) -> None:
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("library_totals")
        self.scan_panel = ScanPanel(self.ctx, self)
        self.scan_panel.cancel_button.setToolTip(
            translate("LibraryTab", "Stop the scan; what it found is kept ({keys})").format(
                keys=SHORTCUTS["cancel_scan"]
            )
        )
        self.scan_panel.ended.connect(self._scan_ended)
        self.scan_label = self.scan_panel.label
        self.cancel_button = self.scan_panel.cancel_button
        footer = QHBoxLayout()
        footer.setSpacing(8)
        footer.addWidget(self.summary_label)
        footer.addStretch(1)
        footer.addWidget(self.scan_panel)
        self._footer = footer

    def _build_actions(self) -> None:
        entries: list[tuple[str, str, Callable[..., Any]]] = [
            ("rescan", translate("LibraryTab", "Scan now"), lambda: self.scan()),
            ("open_folder", translate("LibraryTab", "Open folder"), lambda: self.open_folder()),
            ("copy_path", translate("LibraryTab", "Copy path"), lambda: self.copy_path()),
            (
                "reveal",
                translate("LibraryTab", "Show duplicates"),
                lambda: self.reveal_duplicates(),
            ),
            ("cancel_scan", translate("LibraryTab", "Cancel scan"), self.cancel_scan),
            ("details", translate("LibraryTab", "Show details"), lambda: self.toggle_details()),
            ("files_view", translate("LibraryTab", "Files"), lambda: self.show_view(0)),
            ("dupes_view", translate("LibraryTab", "Duplicates"), lambda: self.show_view(1)),
            ("find_dupes", translate("LibraryTab", "Find duplicates"), self._find_duplicates),
            ("reclaim", translate("LibraryTab", "Reclaim…"), self._reclaim),
            ("scan_folder", translate("LibraryTab", "Scan folder…"), self.scan_folder_dialog),
        ]
        self.actions_by_name = tab_actions(self, SHORTCUTS, entries)

    # --- hooks for the main window --------------------------------------------------------
    def tab_shown(self) -> None:
        """Reload: a download or a scan elsewhere may have changed the index."""
        if not self.scanning:
            self.reload()

    def focus_search(self) -> bool:
        """Ctrl+F: the filter field (the file list is shown first)."""
        self.show_view(0)
        self.text_edit.setFocus()
        self.text_edit.selectAll()
        return True

    def is_ready(self) -> bool:
        """The first load has answered."""
        return self._ready

    def refresh_icons(self) -> None:
        """Repaint what carries theme colours (the table's, the details pane)."""
        self.model.refresh_colors()
        self.details.refresh_theme()

    def prepare_screenshot(self, options: ScreenshotOptions, wait: Waiter) -> None:
        """``--search`` filters, ``--select GLOB`` opens the first matching file's details,
        ``--open duplicates`` shows the duplicates view (found first)."""
        if options.search:
            self.text_edit.setText(options.search)
            self.apply_filter()
        if options.select:
            paths = [r.path for r in self.model.all_rows]
            names: dict[str, str] = {}
            for r in self.model.all_rows:  # the name shown (an HF-cache blob: its file name)
                names.setdefault(r.cells[Column.NAME], r.path)
            chosen = options.selected(paths) or [names[n] for n in options.selected(list(names))]
            if chosen:
                self.show_file(chosen[0])
                wait(lambda: self.details.settled)
        if options.open_repo in ("duplicates", "dupes"):
            self.show_view(1)
            if self.dupes.result is None:
                self.dupes.find_duplicates()
            wait(lambda: self.dupes.result is not None and not self.dupes.busy)

    # --- loading --------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the index again (off the UI thread); answers to older loads are dropped."""
        self._load_seq += 1
        seq = self._load_seq
        library = self.ctx.suite.library

        def work() -> list[LibraryRow]:
            roots = library.root_records()
            return load_rows(library.stream(LibraryQuery()), roots)

        def done(rows: list[LibraryRow]) -> None:
            if seq != self._load_seq:
                return
            current = self.current_row()
            self.model.set_rows(rows)
            self._fill_combos()
            self._ready = True
            self._show_summary()
            if current is not None:
                self._select_path(current.path, scroll=False)
            self.reloaded.emit(len(rows))

        self.ctx.run_async(work, done)

    def current_filter(self) -> LibraryFilter:
        """The filter row as a filter."""
        return LibraryFilter(
            text=self.text_edit.text().strip(),
            kind=self.kind_combo.currentData() or "",
            location=self.location_combo.currentData() or "",
            format=self.format_combo.currentData() or "",
            models_only=not self.all_button.isChecked(),
        )

    def apply_filter(self) -> None:
        """Filter the table as the filter row says (in memory: no reload)."""
        self._filter_timer.stop()
        current = self.current_row()
        self.model.set_filter(self.current_filter())
        self._show_summary()
        if current is not None:
            self._select_path(current.path, scroll=True)

    def _show_summary(self) -> None:
        files, size = self.model.totals
        loaded = len(self.model.all_rows)
        if not loaded:
            self.summary_label.setText(
                translate(
                    "LibraryTab", "Nothing scanned yet — Scan now, or Scan folder… to add one."
                )
            )
            return
        if not files:
            self.summary_label.setText(translate("LibraryTab", "Nothing matches these filters."))
            return
        count = (
            translate("LibraryTab", "1 file")
            if files == 1
            else translate("LibraryTab", "{n} files").format(n=f"{files:,}")
        )
        self.summary_label.setText(f"{count} · {format_bytes(size)}")

    # --- selection ------------------------------------------------------------------------
    def current_row(self) -> LibraryRow | None:
        """The row with the keyboard focus (the one the details pane shows)."""
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        row: LibraryRow = index.data(ROW_ROLE)
        return row

    def selected_rows(self) -> list[LibraryRow]:
        """The selected rows, in view order."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.row(r) for r in rows]

    def _select_path(self, path: str, *, scroll: bool = True) -> bool:
        row = self.model.row_of(path)
        if row is None:
            return False
        index = self.model.index(row, 0)
        selection = self.table.selectionModel()
        selection.setCurrentIndex(
            index,
            selection.SelectionFlag.ClearAndSelect | selection.SelectionFlag.Rows,
        )
        if scroll:
            self.table.scrollTo(index, QTableView.ScrollHint.PositionAtCenter)
        return True

    def show_file(self, path: str) -> None:
        """Show the file list with ``path`` selected and its details open."""
        self.show_view(0)
        if self.model.row_of(path) is None:
            self.text_edit.clear()
            for combo in (self.kind_combo, self.location_combo, self.format_combo):
                combo.setCurrentIndex(0)
            self.all_button.setChecked(True)
            self.apply_filter()
        if self._select_path(path):
            self.toggle_details(True)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self.details.isVisible():
            return
        if current.isValid():
            self.details.show_file(self.model.row(current.row()).record)
        else:
            self.details.clear()

    def toggle_details(self, show: bool | None = None) -> None:
        """Show or hide the details pane (it shows the current row).

        While it is open the columns it repeats (format, precision, hashed) make room for the
        name."""
        show = not self.details.isVisible() if show is None else show
        for column in DETAIL_COLUMNS:
            self.table.setColumnHidden(column, show)
        if not show:
            self.details.hide()
            return
        row = self.current_row()
        already = (
            self.details.isVisible()
            and row is not None
            and (self.details.record is not None and self.details.record.path == row.path)
        )
        self.details.show()
        if row is not None and not already:
            self.details.show_file(row.record)

    # --- views ----------------------------------------------------------------------------
    def _find_duplicates(self) -> None:
        self.show_view(1)
        self.dupes.find_duplicates()

    def _reclaim(self) -> None:
        self.show_view(1)
        if self.dupes.reclaim_button.isEnabled():
            self.dupes.open_reclaim()

    def show_view(self, index: int) -> None:
        """0: the file list, 1: duplicates."""
        self.stack.setCurrentIndex(index)
        self.summary_label.setVisible(index == 0)
        (self.files_button if index == 0 else self.dupes_button).setChecked(True)

    def reveal_duplicates(self, path: str | None = None) -> None:
        """Show the duplicates view at the group of ``path`` (default: the current file)."""
        if path is None:
            row = self.current_row()
            if row is None:
                return
            path = row.path
        self.show_view(1)
        self.dupes.reveal(path)

    # --- scanning -------------------------------------------------------------------------
    @property
    def scanning(self) -> bool:
        """Whether a scan runs."""
        return self.scan_panel.running

    def scan(self, paths: list[str] | None = None, *, hash: bool | None = None) -> None:
        """Scan ``paths`` (None: every scan folder) off the UI thread, cancellable."""
        hash_files = self.hash_button.isChecked() if hash is None else hash
        if self.scan_panel.start(paths, hash_files):
            self.scan_button.setEnabled(False)
            self.scan_folder_button.setEnabled(False)

    def _scan_ended(self, summary: ScanSummary | None) -> None:
        self.scan_button.setEnabled(True)
        self.scan_folder_button.setEnabled(True)
        if summary is not None:
            self.last_summary = summary
            self.scan_finished.emit(summary)
            self.reload()

    def cancel_scan(self) -> None:
        """Stop the running scan (what it recorded is kept)."""
        self.scan_panel.cancel()

    def scan_folder_dialog(self) -> None:
        """Ask for a folder, then scan it (it becomes a scan folder)."""
        folder = QFileDialog.getExistingDirectory(self, translate("LibraryTab", "Scan a folder"))
        if folder:
            self.scan([folder])

    def manage_roots(self) -> RootsDialog:
        """Open the scan folders dialog (changes reload the table)."""
        dialog = RootsDialog(self.ctx, self)
        dialog.changed.connect(lambda _p: self.reload())
        dialog.open()
        return dialog

    # --- row actions ----------------------------------------------------------------------
    def _target(self, path: str | None) -> str | None:
        if path:
            return path
        row = self.current_row()
        return row.path if row is not None else None

    def open_folder(self, path: str | None = None) -> None:
        """Open the folder of a file (default: the current one) in the file manager."""
        target = self._target(path)
        if target is None:
            return
        folder = os.path.dirname(target)

        def opened(exists: bool) -> None:
            if not exists:
                self.ctx.notify(
                    translate("LibraryTab", "The folder {folder} no longer exists.").format(
                        folder=folder
                    )
                )
            else:
                QDesktopServices.openUrl(QUrl.fromLocalFile(folder))

        self.ctx.run_async(lambda: os.path.isdir(folder), opened)

    def copy_path(self, path: str | None = None) -> None:
        """Copy the paths of the selected files (or ``path``) to the clipboard."""
        paths = [path] if path else [r.path for r in self.selected_rows()]
        if paths:
            QGuiApplication.clipboard().setText("\n".join(paths))
            self.ctx.notify(
                translate("LibraryTab", "Copied the path.")
                if len(paths) == 1
                else translate("LibraryTab", "Copied {n} paths.").format(n=len(paths))
            )

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        menu = QMenu(self)
        menu.addAction(self.actions_by_name["details"])
        menu.addAction(self.actions_by_name["open_folder"])
        menu.addAction(self.actions_by_name["copy_path"])
        menu.addAction(self.actions_by_name["reveal"])
        menu.addSeparator()
        folder = os.path.dirname(self.model.row(index.row()).path)
        menu.addAction(
            translate("LibraryTab", "Scan this folder again"), lambda: self.scan([folder])
        )
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def context_actions(self) -> list[str]:
        """The names of the actions the context menu offers (tests, help)."""
        return ["details", "open_folder", "copy_path", "reveal"]
