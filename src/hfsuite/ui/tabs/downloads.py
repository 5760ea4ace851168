"""The Downloads tab: the queue (model/view), its filters, and the selected task's details.

```
[+ Add] │ ▶ ⏸ ⊗ ↻ 🗑 │ ⤒ ↑ ↓ ⤓ ⚑ │ 📁 ⧉                                              [filter…]
All 10  Active 2  Queued 5  Done 3  Failed 0
┌──────────────────────────────────────────────────────────────────────────────────────────┐
│ Name              Source    Size   Progress        Speed   ETA   Status        Priority  │
│ org/model         HF model  4 GiB  ██████░░ 61%  12 MiB/s  2m05s ● Downloading Normal    │
└──────────────────────────────────────────────────────────────────────────────────────────┘
 details: ring + numbers │ files with bars │ speed graph
```

The toolbar, context menu and what they do live in :mod:`~hfsuite.ui.tabs.downloads_actions`;
the speed graph's histories in :class:`~hfsuite.ui.speed_sampler.SpeedSampler`. The table changes
when the engine bridge reports the rows, a fraction of a second later.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hfsuite.core.types import TaskState
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP
from hfsuite.ui.models.delegates import QueueDelegate
from hfsuite.ui.models.task_model import Column, TaskFilterModel, TaskRole, TaskTableModel
from hfsuite.ui.speed_sampler import SpeedSampler
from hfsuite.ui.tabs.downloads_actions import QueueActions
from hfsuite.ui.tabs.task_details import TaskDetails
from hfsuite.ui.widgets.table_setup import setup_table

if TYPE_CHECKING:
    from hfsuite.app.events import TasksProgressed
    from hfsuite.app.queue.manager import TaskRecord, WorkerRecord
    from hfsuite.ui.context import UiContext
    from hfsuite.ui.screenshot import ScreenshotOptions, Waiter

translate = QCoreApplication.translate

# Keyed by the English name (code and tests use it); shown through translate("DownloadsTab", …).
_FILTERS: dict[str, frozenset[TaskState] | None] = {
    QT_TRANSLATE_NOOP("DownloadsTab", "All"): None,
    QT_TRANSLATE_NOOP("DownloadsTab", "Active"): frozenset({TaskState.RUNNING}),
    QT_TRANSLATE_NOOP("DownloadsTab", "Queued"): frozenset({TaskState.QUEUED, TaskState.PAUSED}),
    QT_TRANSLATE_NOOP("DownloadsTab", "Done"): frozenset({TaskState.COMPLETED}),
    QT_TRANSLATE_NOOP("DownloadsTab", "Failed"): frozenset({TaskState.FAILED, TaskState.CANCELLED}),
}
_SAMPLE_MS = 250


class DownloadsTab(QWidget):
    """The queue table with its toolbar, filters, context menu and details pane.

    Args:
        ctx: The UI context; its engine bridge feeds the updates.
    """

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        bridge = ctx.bridge
        self.bridge = bridge
        self.loaded = False
        self._pending_rows: dict[int, TaskRecord] = {}
        self._pending_removed: set[int] = set()
        #: Speed histories of the graph (all downloads, and each task seen moving).
        self.speeds = SpeedSampler()
        self._add_dialog: Any = None

        self.model = TaskTableModel(self)
        self.proxy = TaskFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setObjectName("queue")
        self.view.setModel(self.proxy)
        self._setup_view()
        self.queue_actions = QueueActions(
            ctx, self, self.selected_records, add=self.add_requested, focus_filter=self.focus_search
        )
        #: The queue's actions by name (``pause``, ``move_top``…).
        self.actions_by_name: dict[str, QAction] = self.queue_actions.by_name
        toolbar = self.queue_actions.toolbar
        filters = self._build_filters()
        self.details = TaskDetails(ctx, bridge)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(toolbar, 1)
        top.addWidget(self.filter_edit)
        upper = QWidget()
        upper_box = QVBoxLayout(upper)
        upper_box.setContentsMargins(0, 0, 0, 0)
        upper_box.setSpacing(6)
        upper_box.addLayout(top)
        upper_box.addLayout(filters)
        upper_box.addWidget(self.view, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(upper)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([480, 260])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.splitter)

        self.empty_label = QLabel(
            translate(
                "DownloadsTab",
                "No downloads yet.\nAdd models with Ctrl+N, or drop links or a text file here.",
            ),
            self.view.viewport(),
        )
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setObjectName("muted")
        self.empty_label.hide()

        bridge.rows_changed.connect(self._on_rows)
        bridge.rows_removed.connect(self._on_removed)
        bridge.progress_changed.connect(self._on_progress)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.proxy.rowsInserted.connect(self._update_empty)
        self.proxy.rowsRemoved.connect(self._update_empty)
        self.proxy.modelReset.connect(self._update_empty)
        self._sampler = QTimer(self)
        self._sampler.setInterval(_SAMPLE_MS)
        self._sampler.timeout.connect(self._sample_speeds)
        self._sampler.start()
        self.queue_actions.update_enabled()
        self.reload()

    # --- building ---------------------------------------------------------------------

    def _setup_view(self) -> None:
        view = self.view
        widths = {
            Column.SOURCE: 100,
            Column.SIZE: 84,
            Column.PROGRESS: 190,
            Column.SPEED: 96,
            Column.ETA: 70,
            Column.STATUS: 132,
            Column.PRIORITY: 84,
            Column.WORKER: 120,
        }
        setup_table(view, stretch=Column.NAME, widths=widths, row_height=34)
        # Who runs a task matters once workers share the queue (a PostgreSQL database).
        self._shared_queue = self.ctx.manager.db.dialect != "sqlite"
        self._fetching_workers = False
        view.setColumnHidden(Column.WORKER, not self._shared_queue)
        view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        view.customContextMenuRequested.connect(self._context_menu)
        view.doubleClicked.connect(self._double_clicked)
        view.setItemDelegate(QueueDelegate(self.model, self.proxy, view))

    def _build_filters(self) -> QHBoxLayout:
        box = QHBoxLayout()
        box.setSpacing(4)
        self.filter_group = QButtonGroup(self)
        self.filter_buttons: dict[str, QPushButton] = {}
        for name in _FILTERS:
            button = QPushButton(translate("DownloadsTab", name))
            button.setObjectName("chip")
            button.setCheckable(True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            self.filter_group.addButton(button)
            self.filter_buttons[name] = button
            button.clicked.connect(lambda _=False, n=name: self.set_state_filter(n))
            box.addWidget(button)
        self.filter_buttons["All"].setChecked(True)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(translate("DownloadsTab", "Filter by name…"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setFixedWidth(200)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        box.addStretch(1)
        return box

    def show_counts(self, counts: dict[TaskState, int]) -> None:
        """Put the number of tasks on each filter chip."""
        for name, states in _FILTERS.items():
            n = sum(counts.values()) if states is None else sum(counts.get(s, 0) for s in states)
            self.filter_buttons[name].setText(f"{translate('DownloadsTab', name)}  {n}")

    def refresh_icons(self) -> None:
        """Repaint the toolbar icons in the palette's colours (after a theme change)."""
        self.queue_actions.refresh_icons()

    # --- hooks of the main window -----------------------------------------------------

    def is_ready(self) -> bool:
        """Whether the first load of the queue arrived."""
        return self.loaded

    def tab_shown(self) -> None:
        """The tab became current: give the table the focus."""
        self.view.setFocus()

    def focus_search(self) -> bool:
        """Ctrl+F: focus the name filter."""
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()
        return True

    def prepare_screenshot(self, options: ScreenshotOptions, wait: Waiter) -> None:
        """Nothing to stage: the screenshot shows the queue as it is."""

    def add_requested(self, text: str = "") -> Any:
        """Open the Add dialog (prefilled with ``text``); returns it."""
        from hfsuite.ui.dialogs.add_dialog import AddDialog

        if self._add_dialog is not None and self._add_dialog.isVisible():
            if text:
                self._add_dialog.append_text(text)
            self._add_dialog.raise_()
            return self._add_dialog
        dialog = AddDialog(self.ctx, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: setattr(self, "_add_dialog", None))
        if text:
            dialog.append_text(text)
        self._add_dialog = dialog
        dialog.open()
        return dialog

    # --- loading and updates ----------------------------------------------------------

    def reload(self) -> None:
        """Load the whole queue (on a worker thread)."""

        def done(records: list[TaskRecord]) -> None:
            self.model.set_records(records)
            self.loaded = True
            if self._pending_rows:
                self.model.apply_rows(self._newer(self._pending_rows))
            if self._pending_removed:
                self.model.remove_ids(sorted(self._pending_removed))
            self._pending_rows, self._pending_removed = {}, set()
            self._update_empty()
            self._select_initial()
            self._name_workers()

        self.ctx.run_async(self.ctx.manager.list_tasks, done)

    def _newer(self, rows: dict[int, TaskRecord]) -> dict[int, TaskRecord]:
        """Rows newer than the model's (an event may be older than the first load)."""
        out = {}
        for task_id, record in rows.items():
            row = self.model.row_of(task_id)
            if row is None or self.model.record(row).change_seq <= record.change_seq:
                out[task_id] = record
        return out

    def _on_rows(self, rows: dict[int, TaskRecord]) -> None:
        if not self.loaded:
            self._pending_rows.update(rows)
            return
        self.model.apply_rows(self._newer(rows))
        self._refresh_details()
        self.queue_actions.update_enabled()
        self._name_workers()

    def _name_workers(self) -> None:
        """Fetch the workers' names when a running row's worker is not known yet."""
        if not self._shared_queue or self._fetching_workers or not self.model.unknown_claims():
            return
        self._fetching_workers = True

        def done(workers: list[WorkerRecord]) -> None:
            self._fetching_workers = False
            self.model.set_worker_names({w.id: w.name for w in workers})

        def failed(_: BaseException) -> None:
            self._fetching_workers = False

        self.ctx.run_async(self.ctx.manager.workers, done, failed)

    def _on_removed(self, task_ids: list[int]) -> None:
        if not self.loaded:
            self._pending_removed.update(task_ids)
            for task_id in task_ids:
                self._pending_rows.pop(task_id, None)
            return
        self.model.remove_ids(task_ids)
        self.speeds.forget(task_ids)
        self._refresh_details()

    def _on_progress(self, batch: TasksProgressed) -> None:
        # The manager's speed counts only bytes fetched in this run (a resume is no burst).
        self.speeds.update({p.task_id: p.speed_bps for p in batch.tasks})
        if self.loaded:
            self.model.apply_progress(batch)
            record = self.details.record
            if record is not None:
                self.details.update_numbers(record, self.model.live(record.id))

    def _sample_speeds(self) -> None:
        self.speeds.sample()
        self._update_graph()

    def _update_graph(self) -> None:
        record = self.details.record
        limit = self.ctx.suite.global_bucket.rate_bps
        if record is not None and self.speeds.tracks(record.id):
            title = translate("DownloadsTab", "Speed · this download")
            self.details.set_graph(title, self.speeds.history(record.id), limit)
        else:
            title = translate("DownloadsTab", "Speed · all downloads")
            self.details.set_graph(title, self.speeds.history(), limit)

    def _update_empty(self, *_: Any) -> None:
        empty = self.loaded and self.model.rowCount() == 0
        self.empty_label.setVisible(empty)
        if empty:
            self.empty_label.setGeometry(self.view.viewport().rect())

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._update_empty()

    def _select_initial(self) -> None:
        if self.selected_records() or self.proxy.rowCount() == 0:
            return
        states = [self.model.record(r).state for r in range(self.model.rowCount())]
        source_row = next((r for r, s in enumerate(states) if s is TaskState.RUNNING), None)
        if source_row is None:
            # The first load usually arrives before the runner has claimed a task: the first
            # queued one (queue order) is the one it starts, so its details are worth showing.
            source_row = next((r for r, s in enumerate(states) if s is TaskState.QUEUED), 0)
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if index.isValid():
            self.view.selectRow(index.row())

    # --- selection --------------------------------------------------------------------

    def selected_records(self) -> list[TaskRecord]:
        """The selected tasks, in queue order."""
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.proxy.index(r, 0).data(TaskRole) for r in rows]

    def selected_ids(self) -> list[int]:
        """Ids of the selected tasks, in queue order."""
        return [r.id for r in self.selected_records()]

    def select_ids(self, task_ids: Iterable[int]) -> None:
        """Select these tasks (tests, and after an add)."""
        selection = self.view.selectionModel()
        selection.clearSelection()
        first = True
        for task_id in task_ids:
            row = self.model.row_of(task_id)
            if row is None:
                continue
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            if not index.isValid():
                continue
            flags = selection.SelectionFlag.Select | selection.SelectionFlag.Rows
            if first:
                selection.setCurrentIndex(index, flags)
                self.view.scrollTo(index)
                first = False
            else:
                selection.select(index, flags)

    def _selection_changed(self, *_: Any) -> None:
        self._refresh_details()
        self.queue_actions.update_enabled()

    def _refresh_details(self) -> None:
        records = self.selected_records()
        record = records[0] if len(records) >= 1 else None
        if record is not None:
            self.details.show_task(record, self.model.live(record.id))
        else:
            self.details.show_task(None)
        self._update_graph()

    # --- table events -----------------------------------------------------------------

    def _double_clicked(self, index: QModelIndex) -> None:
        record = index.data(TaskRole)
        if record is not None and record.state is TaskState.COMPLETED:
            self.queue_actions.open_folder()

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.queue_actions.build_context_menu()
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def set_state_filter(self, name: str) -> None:
        """Show only tasks of a filter chip (``All``, ``Active``, ``Queued``, ``Done``…)."""
        self.filter_buttons[name].setChecked(True)
        self.proxy.set_states(_FILTERS[name])

    def keyPressEvent(self, event: Any) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            text = QGuiApplication.clipboard().text()
            if text.strip():
                self.add_requested(text)
                return
        super().keyPressEvent(event)
