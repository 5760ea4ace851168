"""The Local models tab's duplicates view: groups of identical files, the bytes they waste,
and reclaiming them (hard link, symbolic link or delete) after a dry run and a confirmation.

```
[Find duplicates] [Cancel]  Hashing 3 of 8 files…      Reclaim by [Hard link ▾] [Reclaim…]
┌ File ──────────────────────────────┬ Size ──┬ Plan ─────────────────────────────────┐
│ ▾ sdxl_vae.safetensors · 3 copies  │ 335 M  │ wastes 670 MiB                        │
│     ~/ComfyUI/models/vae/…         │        │ kept                                  │
│     ~/A1111/models/VAE/…           │        │ hard link → ~/ComfyUI/models/vae/…    │
└──────────────────────────────────────────────────────────────────────────────────────┘
3 groups · 1.2 GiB wasted · hard links free 1.2 GiB
```

Finding reads hashes from (and records them in) the library's hash cache, off the UI thread,
cancellable; the plan is recomputed when the mode changes; the reclaim itself runs off the UI
thread and its folders are scanned again so the index shows the links at once.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from hfsuite.app.library import dupes
from hfsuite.app.library.dupes import DupesResult, ReclaimMode, ReclaimPlan, ReclaimResult
from hfsuite.core.units import format_bytes
from hfsuite.ui.context import UiContext
from hfsuite.ui.dialogs.reclaim_dialog import MODE_PLURAL, MODE_TEXT, ReclaimDialog
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP
from hfsuite.ui.tabs.library_work import run_niced
from hfsuite.ui.theme import colors_for
from hfsuite.ui.widgets._status import set_status
from hfsuite.ui.widgets.path_selector import contract_home

translate = QCoreApplication.translate

log = logging.getLogger(__name__)
PATH_ROLE = Qt.ItemDataRole.UserRole + 1
MODES = (
    (QT_TRANSLATE_NOOP("LibraryDupes", "Hard link"), ReclaimMode.HARDLINK),
    (QT_TRANSLATE_NOOP("LibraryDupes", "Symbolic link"), ReclaimMode.SYMLINK),
    (QT_TRANSLATE_NOOP("LibraryDupes", "Delete"), ReclaimMode.DELETE),
)


def _cell(text: str, *, path: str = "", color: str | None = None, right: bool = False) -> Any:
    item = QStandardItem(text)
    item.setEditable(False)
    if path:
        item.setData(path, PATH_ROLE)
        item.setToolTip(path)
    if color:
        item.setForeground(QColor(color))
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class DuplicatesView(QWidget):
    """Duplicate groups of the library and their reclaim.

    Args:
        ctx: The UI context.
        parent: The parent widget.
    """

    #: A search finished (the DupesResult, or None when cancelled).
    found = Signal(object)
    #: A reclaim finished (its ReclaimResult).
    reclaimed = Signal(object)
    #: The reclaim dialog opened (the dialog).
    dialog_opened = Signal(object)
    #: The user asked to see a path in the file table.
    show_in_table = Signal(str)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.result: DupesResult | None = None
        self.plan: ReclaimPlan | None = None
        self.dialog: ReclaimDialog | None = None
        self._cancel: threading.Event | None = None
        self._progress: Any = None  # the last HashProgress, from the hashing thread
        self._after_find: list[Any] = []
        self._poll = QTimer(self)
        self._poll.setInterval(200)
        self._poll.timeout.connect(self._show_progress)

        self.find_button = QPushButton(translate("LibraryDupes", "Find duplicates"), self)
        self.find_button.setToolTip(
            translate(
                "LibraryDupes",
                "Hash files of the same size and group identical ones (Ctrl+Shift+D)",
            )
        )
        self.find_button.clicked.connect(self.find_duplicates)
        self.cancel_button = QPushButton(translate("LibraryDupes", "Cancel"), self)
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.status_label = QLabel(self)
        self.status_label.hide()
        self.mode_combo = QComboBox(self)
        for label, mode in MODES:
            self.mode_combo.addItem(translate("LibraryDupes", label), mode)
        self.mode_combo.setToolTip(
            translate(
                "LibraryDupes",
                "Hard link: every path stays a regular file (same file system only).\n"
                "Symbolic link: paths point at the kept copy.\nDelete: only the kept copy remains.",
            )
        )
        self.mode_combo.currentIndexChanged.connect(lambda _i: self._replan())
        self.reclaim_button = QPushButton(translate("LibraryDupes", "Reclaim…"), self)
        self.reclaim_button.setObjectName("primary")
        self.reclaim_button.setToolTip(
            translate("LibraryDupes", "Show the plan as a dry run, then confirm (Ctrl+Shift+K)")
        )
        self.reclaim_button.clicked.connect(self.open_reclaim)
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.find_button)
        top.addWidget(self.cancel_button)
        top.addWidget(self.status_label)
        top.addStretch(1)
        top.addWidget(QLabel(translate("LibraryDupes", "Reclaim by"), self))
        top.addWidget(self.mode_combo)
        top.addWidget(self.reclaim_button)

        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(
            [
                translate("LibraryDupes", "File"),
                translate("LibraryDupes", "Size"),
                translate("LibraryDupes", "Plan"),
            ]
        )
        tree = QTreeView(self)
        tree.setModel(self.model)
        tree.setUniformRowHeights(True)
        tree.setStyleSheet("QTreeView::item { min-height: 26px; }")
        tree.setAlternatingRowColors(True)
        tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(self._context_menu)
        tree.doubleClicked.connect(self._double_clicked)
        header = tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 90)
        header.resizeSection(2, 330)
        self.tree = tree
        self.summary_label = QLabel(
            translate("LibraryDupes", "Find duplicates to see identical files and what they waste.")
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(tree, 1)
        layout.addWidget(self.summary_label)
        self._update_buttons()

    # --- finding ----------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """Whether a search is running."""
        return self._cancel is not None

    def find_duplicates(self) -> None:
        """Look for duplicates among the indexed files (off the UI thread, cancellable)."""
        if self._cancel is not None:
            return
        cancel = threading.Event()
        self._cancel = cancel
        self._progress = None
        library = self.ctx.suite.library
        set_status(self.status_label, "busy", translate("LibraryDupes", "Looking for duplicates…"))
        self.cancel_button.show()
        self._update_buttons()
        self._poll.start()

        def progress(p: Any) -> None:
            self._progress = p  # read by the UI thread's timer

        def work() -> DupesResult | None:
            result = run_niced(lambda: dupes.find(library, on_progress=progress, cancel=cancel))
            return None if cancel.is_set() else result

        def finish() -> None:
            self._cancel = None
            self._poll.stop()
            self.cancel_button.hide()
            self._update_buttons()

        def done(result: DupesResult | None) -> None:
            finish()
            if result is None:
                set_status(self.status_label, "note", translate("LibraryDupes", "Cancelled."))
            else:
                set_status(self.status_label, "none")
                self.show_result(result)
            self.found.emit(result)
            callbacks, self._after_find = self._after_find, []
            for callback in callbacks:
                callback()

        def failed(error: BaseException) -> None:
            finish()
            set_status(
                self.status_label,
                "error",
                translate("LibraryDupes", "Could not look for duplicates."),
            )
            self.ctx.show_error(error)
            self._after_find = []

        self.ctx.run_async(work, done, failed)

    def cancel(self) -> None:
        """Stop a running search."""
        if self._cancel is not None:
            self._cancel.set()
            set_status(self.status_label, "busy", translate("LibraryDupes", "Cancelling…"))

    def _show_progress(self) -> None:
        p = self._progress
        if p is None or self._cancel is None or self._cancel.is_set():
            return
        set_status(
            self.status_label,
            "busy",
            translate(
                "LibraryDupes", "Hashing {done} of {total} files · {bytes} of {bytes_total}"
            ).format(
                done=f"{p.files_done:,}",
                total=f"{p.files_total:,}",
                bytes=format_bytes(p.bytes_done),
                bytes_total=format_bytes(p.bytes_total),
            ),
        )

    def show_result(self, result: DupesResult) -> None:
        """Show the groups of ``result`` and plan their reclaim in the chosen mode."""
        self.result = result
        self._replan()

    @property
    def mode(self) -> ReclaimMode:
        """The reclaim mode chosen."""
        mode: ReclaimMode = self.mode_combo.currentData()
        return mode

    def set_mode(self, mode: ReclaimMode) -> None:
        """Choose the reclaim mode (the plan follows)."""
        self.mode_combo.setCurrentIndex(self.mode_combo.findData(mode))

    def _replan(self) -> None:
        if self.result is None:
            return
        self.plan = dupes.plan(self.result, self.mode)
        self._fill()
        self._update_buttons()

    def _fill(self) -> None:
        result, plan = self.result, self.plan
        assert result is not None and plan is not None
        colors = colors_for(self.palette())
        actions = {a.path: a for a in plan.actions}
        refused = {r.path: r for r in plan.refused}
        self.model.removeRows(0, self.model.rowCount())
        verb = translate("ReclaimDialog", MODE_TEXT[plan.mode.value])
        for group in result.groups:
            first = group.copies[0]
            files = result.files
            shown = files.get(first.path)
            ref_name = shown.hf_refs[0].path.rsplit("/", 1)[-1] if shown and shown.hf_refs else ""
            name = ref_name or os.path.basename(first.path)
            head = [
                _cell(
                    translate("LibraryDupes", "{name} · {n} copies").format(
                        name=name, n=len(group.copies)
                    ),
                    path=first.path,
                ),
                _cell(format_bytes(group.size), right=True),
                _cell(
                    translate("LibraryDupes", "wastes {size}").format(
                        size=format_bytes(group.wasted_bytes)
                    ),
                    color=colors.warning,
                ),
            ]
            font = head[0].font()
            font.setBold(True)
            head[0].setFont(font)
            head[0].setToolTip(f"SHA-256 {group.sha256}")
            for copy in group.copies:
                extra = (
                    translate("LibraryDupes", " (+{n} hard links)").format(n=len(copy.paths) - 1)
                    if len(copy.paths) > 1
                    else ""
                )
                action = actions.get(copy.path)
                refusal = refused.get(copy.path)
                if action is not None:
                    what = translate("LibraryDupes", "{verb} (frees {size})").format(
                        verb=verb, size=format_bytes(action.frees_bytes)
                    )
                    if plan.mode is not ReclaimMode.DELETE:
                        what = translate("LibraryDupes", "{verb} to the kept copy").format(
                            verb=verb
                        )
                    color = colors.accent
                    tip = action.describe()
                elif refusal is not None:
                    what = translate("LibraryDupes", "left alone: {reason}").format(
                        reason=refusal.reason
                    )
                    color, tip = colors.muted, refusal.reason
                else:
                    what, color = translate("LibraryDupes", "kept"), colors.success
                    tip = translate("LibraryDupes", "The copy that stays")
                place = contract_home(copy.path)
                hf = files.get(copy.path)
                if hf is not None and hf.hf_refs:
                    r = hf.hf_refs[0]
                    place = translate("LibraryDupes", "HF cache · {repo}: {path}").format(
                        repo=r.repo_id, path=r.path
                    )
                plan_cell = _cell(what, color=color)
                plan_cell.setToolTip(tip)
                head[0].appendRow(
                    [
                        _cell(place + extra, path=copy.path),
                        _cell("", right=True),
                        plan_cell,
                    ]
                )
            self.model.appendRow(head)
        self.tree.expandAll()
        groups = len(result.groups)
        if not groups:
            self.summary_label.setText(
                translate("LibraryDupes", "No duplicates: every model file is stored once.")
            )
            return
        wasted = format_bytes(result.wasted_bytes)
        text = (
            translate("LibraryDupes", "1 group · {size} wasted").format(size=wasted)
            if groups == 1
            else translate("LibraryDupes", "{n} groups · {size} wasted").format(
                n=groups, size=wasted
            )
        )
        text += " · " + translate("LibraryDupes", "{modes} free {size}").format(
            modes=translate("ReclaimDialog", MODE_PLURAL[plan.mode.value]),
            size=format_bytes(plan.bytes_to_free),
        )
        if plan.refused:
            text += " · " + translate("LibraryDupes", "{n} left alone").format(n=len(plan.refused))
        self.summary_label.setText(text)

    def _update_buttons(self) -> None:
        running = self._cancel is not None
        self.find_button.setEnabled(not running)
        self.reclaim_button.setEnabled(not running and bool(self.plan and self.plan.actions))

    # --- reveal -----------------------------------------------------------------------------
    def reveal(self, path: str) -> None:
        """Select the group holding ``path`` (finding duplicates first if needed)."""
        if self.result is None or self.busy:
            self._after_find.append(lambda: self._select_group(path))
            if not self.busy:
                self.find_duplicates()
            return
        self._select_group(path)

    def group_row_of(self, path: str) -> int | None:
        """The row of the group that holds ``path``, if any."""
        for row in range(self.model.rowCount()):
            head = self.model.item(row, 0)
            for child in range(head.rowCount()):
                if head.child(child, 0).data(PATH_ROLE) == path:
                    return row
        if self.result is not None:
            for row, group in enumerate(self.result.groups):
                if any(path in c.paths or path in c.symlinks for c in group.copies):
                    return row
        return None

    def _select_group(self, path: str) -> None:
        row = self.group_row_of(path)
        if row is None:
            self.ctx.notify(
                translate("LibraryDupes", "{name} has no duplicates.").format(
                    name=os.path.basename(path)
                )
            )
            return
        index = self.model.index(row, 0)
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtTop)

    # --- reclaiming -------------------------------------------------------------------------
    def open_reclaim(self) -> ReclaimDialog | None:
        """Show the plan as a dry run; the reclaim runs when the dialog is confirmed."""
        if self.plan is None:
            return None
        dialog = ReclaimDialog(self.plan, self)
        dialog.confirmed.connect(lambda plan: self._run_reclaim(dialog, plan))
        self.dialog = dialog
        dialog.open()
        self.dialog_opened.emit(dialog)
        return dialog

    def _run_reclaim(self, dialog: ReclaimDialog, plan: ReclaimPlan) -> None:
        suite = self.ctx.suite
        self.reclaim_button.setEnabled(False)
        self.find_button.setEnabled(False)

        def reclaim() -> ReclaimResult:
            run = dupes.reclaim(dupes.suite_index(suite), plan, forget=dupes.index_forgetter(suite))
            try:
                dupes.rescan_touched(suite, run)
            except Exception:  # the index is updated by the next scan anyway
                log.warning(
                    translate("LibraryDupes", "The library index was not updated after a reclaim"),
                    exc_info=True,
                )
            return run

        def work() -> ReclaimResult:
            return run_niced(reclaim)

        def done(run: ReclaimResult) -> None:
            dialog.show_result(run)
            self.result = None
            self.plan = None
            self.model.removeRows(0, self.model.rowCount())
            self.summary_label.setText(
                translate("LibraryDupes", "Reclaimed {size}. Looking again…").format(
                    size=format_bytes(run.report.freed_bytes)
                )
            )
            self.reclaimed.emit(run)
            self._update_buttons()
            self.find_duplicates()

        def failed(error: BaseException) -> None:
            dialog.show_error(str(error))
            self._update_buttons()
            self.ctx.show_error(error)

        self.ctx.run_async(work, done, failed)

    # --- menu -------------------------------------------------------------------------------
    def _path_at(self, index: QModelIndex) -> str | None:
        if not index.isValid():
            return None
        value = index.siblingAtColumn(0).data(PATH_ROLE)
        return str(value) if value else None

    def _double_clicked(self, index: QModelIndex) -> None:
        path = self._path_at(index)
        if path:
            self.show_in_table.emit(path)

    def _context_menu(self, pos: QPoint) -> None:
        path = self._path_at(self.tree.indexAt(pos))
        if not path:
            return
        menu = QMenu(self)
        menu.addAction(
            translate("LibraryDupes", "Show in the file list"),
            lambda: self.show_in_table.emit(path),
        )
        menu.addAction(
            translate("LibraryDupes", "Copy path"),
            lambda: QGuiApplication.clipboard().setText(path),
        )
        menu.addSeparator()
        menu.addAction(translate("LibraryDupes", "Reclaim…"), self.open_reclaim).setEnabled(
            self.reclaim_button.isEnabled()
        )
        menu.exec(self.tree.viewport().mapToGlobal(pos))
