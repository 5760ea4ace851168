"""The Downloads tab: the queue (model/view), its actions, and the selected task's details.

```
[+ Add] │ ▶ ⏸ ⊗ ↻ 🗑 │ ⤒ ↑ ↓ ⤓ ⚑ │ 📁 ⧉            All  Active  Queued  Done  Failed  [filter…]
┌──────────────────────────────────────────────────────────────────────────────────────────┐
│ Name              Source    Size   Progress        Speed   ETA   Status        Priority  │
│ org/model         HF model  4 GiB  ██████░░ 61%  12 MiB/s  2m05s ● Downloading Normal    │
└──────────────────────────────────────────────────────────────────────────────────────────┘
 details: ring + numbers │ files with bars │ speed graph
```

Every action runs through ``ctx.run_async`` (database writes, waits for a running task to let
go); the table changes when the engine bridge reports the rows, a fraction of a second later.
"""

from __future__ import annotations

import collections
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hfsuite.app.downloads import files_folder
from hfsuite.app.manager import MoveDirection
from hfsuite.core.types import Priority, RepoType, TaskState
from hfsuite.ui import shortcuts
from hfsuite.ui.icons import icon
from hfsuite.ui.models.delegates import QueueDelegate
from hfsuite.ui.models.task_model import Column, TaskFilterModel, TaskRole, TaskTableModel
from hfsuite.ui.tabs.task_details import TaskDetails
from hfsuite.ui.theme import colors_for

if TYPE_CHECKING:
    from hfsuite.app.events import TasksProgressed
    from hfsuite.app.manager import TaskRecord
    from hfsuite.ui.context import UiContext

_FILTERS: dict[str, frozenset[TaskState] | None] = {
    "All": None,
    "Active": frozenset({TaskState.RUNNING}),
    "Queued": frozenset({TaskState.QUEUED, TaskState.PAUSED}),
    "Done": frozenset({TaskState.COMPLETED}),
    "Failed": frozenset({TaskState.FAILED, TaskState.CANCELLED}),
}
_PAUSABLE = {TaskState.QUEUED, TaskState.RUNNING}
_RESUMABLE = {TaskState.PAUSED}
_RETRYABLE = {TaskState.FAILED, TaskState.CANCELLED}
_CANCELLABLE = {TaskState.QUEUED, TaskState.RUNNING, TaskState.PAUSED}
_SAMPLE_MS = 250


def source_url(record: TaskRecord, endpoint: str) -> str:
    """The web page of a task's source (the Hub page of its repository, or its URL)."""
    if record.url:
        return record.url
    prefix = {RepoType.DATASET: "datasets/", RepoType.SPACE: "spaces/"}.get(record.repo_type, "")
    page = f"{endpoint.rstrip('/')}/{prefix}{record.repo_id}"
    return page + (f"/tree/{record.revision}" if record.revision else "")


def folder_of(record: TaskRecord) -> Path:
    """The folder a task's files go to (its repository's folder inside an HF cache)."""
    return files_folder(record.destination, record.layout, record.repo_id, record.repo_type)


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
        self._last_batch: TasksProgressed | None = None
        self._last_batch_at = 0.0
        self._speed_history: dict[int, collections.deque[float]] = {}
        self._graph_speed: dict[int, float] = {}
        self._total_history: collections.deque[float] = collections.deque(maxlen=240)
        self._add_dialog: Any = None

        self.model = TaskTableModel(self)
        self.proxy = TaskFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setObjectName("queue")
        self.view.setModel(self.proxy)
        self._setup_view()
        self.actions_by_name: dict[str, QAction] = {}
        toolbar = self._build_toolbar()
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
            "No downloads yet.\nAdd models with Ctrl+N, or drop links or a text file here.",
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
        self._update_actions()
        self.reload()

    # --- building ---------------------------------------------------------------------

    def _setup_view(self) -> None:
        view = self.view
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setShowGrid(False)
        view.setAlternatingRowColors(False)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._context_menu)
        view.doubleClicked.connect(self._double_clicked)
        vertical = view.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(34)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        widths = {
            Column.SOURCE: 100,
            Column.SIZE: 84,
            Column.PROGRESS: 190,
            Column.SPEED: 96,
            Column.ETA: 70,
            Column.STATUS: 132,
            Column.PRIORITY: 84,
        }
        for column, width in widths.items():
            header.resizeSection(column, width)
        view.setItemDelegate(QueueDelegate(self.model, self.proxy, view))

    def _action(
        self,
        name: str,
        text: str,
        slot: Callable[[], None],
        icon_name: str | None = None,
        shortcut: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"action_{name}")
        if icon_name:
            action.setProperty("icon_name", icon_name)
        if shortcut:
            action.setShortcut(shortcuts.key(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"{text} ({shortcuts.native_text(shortcut)})")
            self.addAction(action)
        action.triggered.connect(slot)
        self.actions_by_name[name] = action
        return action

    def _build_toolbar(self) -> QToolBar:
        a = self._action
        a("add", "Add", self.add_requested, "add")
        self.actions_by_name["add"].setToolTip(f"Add downloads ({shortcuts.native_text('add')})")
        a("resume", "Resume", self.resume_selected, "resume")
        a("pause", "Pause", self.pause_selected, "pause")
        a("toggle", "Pause/Resume", self.toggle_selected, None, "toggle")
        a("cancel", "Cancel", self.cancel_selected, "cancel", "cancel")
        a("retry", "Retry", self.retry_selected, "retry", "retry")
        a("remove", "Remove", lambda: self.remove_selected(False), "remove", "remove")
        a("remove_data", "Remove and delete data", lambda: self.remove_selected(True), None)
        self.actions_by_name["remove_data"].setShortcut(shortcuts.key("remove_data"))
        self.actions_by_name["remove_data"].setShortcutContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        self.addAction(self.actions_by_name["remove_data"])
        a("move_top", "Move to top", lambda: self.move_selected(MoveDirection.TOP), "top")
        a("move_up", "Move up", lambda: self.move_selected(MoveDirection.UP), "up", "move_up")
        a(
            "move_down",
            "Move down",
            lambda: self.move_selected(MoveDirection.DOWN),
            "down",
            "move_down",
        )
        a(
            "move_bottom",
            "Move to bottom",
            lambda: self.move_selected(MoveDirection.BOTTOM),
            "bottom",
            "move_bottom",
        )
        self.actions_by_name["move_top"].setShortcut(shortcuts.key("move_top"))
        self.actions_by_name["move_top"].setShortcutContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        self.addAction(self.actions_by_name["move_top"])
        for level in (Priority.HIGH, Priority.NORMAL, Priority.LOW):
            a(
                f"priority_{level.name.lower()}",
                f"{level.name.capitalize()} priority",
                self._priority_slot(level),
            )
        a("open_folder", "Open folder", self.open_folder, "folder", "open_folder")
        a("copy_url", "Copy source URL", self.copy_url, "copy", "copy_url")
        a("pause_all", "Pause all", self.pause_all, None, "pause_all")
        a("resume_all", "Resume all", self.resume_all, None, "resume_all")
        a("focus_filter", "Filter", self.focus_search, None, None)

        toolbar = QToolBar()
        toolbar.setObjectName("downloads_toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.setMovable(False)
        toolbar.setIconSize(toolbar.iconSize().scaled(18, 18, Qt.AspectRatioMode.KeepAspectRatio))
        toolbar.addAction(self.actions_by_name["add"])
        add_button = toolbar.widgetForAction(self.actions_by_name["add"])
        if isinstance(add_button, QToolButton):
            add_button.setObjectName("primary")
        toolbar.addSeparator()
        for name in ("resume", "pause", "cancel", "retry", "remove"):
            toolbar.addAction(self.actions_by_name[name])
        toolbar.addSeparator()
        self.priority_menu = QMenu("Priority", self)
        for name in ("high", "normal", "low"):
            self.priority_menu.addAction(self.actions_by_name[f"priority_{name}"])
        for name in ("move_top", "move_up", "move_down", "move_bottom"):
            toolbar.addAction(self.actions_by_name[name])
            button = toolbar.widgetForAction(self.actions_by_name[name])
            if isinstance(button, QToolButton):
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        priority_button = QToolButton()
        priority_button.setObjectName("priority_button")
        priority_button.setText("Priority ▾")
        priority_button.setProperty("icon_name", "priority")
        priority_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        priority_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        priority_button.setMenu(self.priority_menu)
        self.priority_button = priority_button
        toolbar.addWidget(priority_button)
        toolbar.addSeparator()
        for name in ("open_folder", "copy_url"):
            toolbar.addAction(self.actions_by_name[name])
            button = toolbar.widgetForAction(self.actions_by_name[name])
            if isinstance(button, QToolButton):
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.toolbar = toolbar
        self.refresh_icons()
        return toolbar

    def _build_filters(self) -> QHBoxLayout:
        box = QHBoxLayout()
        box.setSpacing(4)
        self.filter_group = QButtonGroup(self)
        self.filter_buttons: dict[str, QPushButton] = {}
        for name in _FILTERS:
            button = QPushButton(name)
            button.setObjectName("chip")
            button.setCheckable(True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            self.filter_group.addButton(button)
            self.filter_buttons[name] = button
            button.clicked.connect(lambda _=False, n=name: self.set_state_filter(n))
            box.addWidget(button)
        self.filter_buttons["All"].setChecked(True)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by name…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setFixedWidth(200)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        box.addStretch(1)
        return box

    def show_counts(self, counts: dict[TaskState, int]) -> None:
        """Put the number of tasks on each filter chip."""
        for name, states in _FILTERS.items():
            n = sum(counts.values()) if states is None else sum(counts.get(s, 0) for s in states)
            self.filter_buttons[name].setText(f"{name}  {n}")

    def _priority_slot(self, priority: Priority) -> Callable[[], None]:
        return lambda: self.set_priority_selected(priority)

    def refresh_icons(self) -> None:
        """Repaint the toolbar icons in the palette's colours (after a theme change)."""
        colors = colors_for(self.palette())
        for action in self.actions_by_name.values():
            name = action.property("icon_name")
            if name:
                tint = colors.accent_text if action is self.actions_by_name["add"] else colors.text
                action.setIcon(icon(name, tint))
        self.priority_button.setIcon(icon("priority", colors.text))

    # --- hooks of the main window -----------------------------------------------------

    def is_ready(self) -> bool:
        """Whether the first load of the queue arrived."""
        return self.loaded

    def tab_shown(self) -> None:
        """The tab became current: give the table the focus."""
        self.view.setFocus()

    def focus_search(self) -> None:
        """Ctrl+F: focus the name filter."""
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

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
        self._update_actions()

    def _on_removed(self, task_ids: list[int]) -> None:
        if not self.loaded:
            self._pending_removed.update(task_ids)
            for task_id in task_ids:
                self._pending_rows.pop(task_id, None)
            return
        self.model.remove_ids(task_ids)
        self._refresh_details()

    def _on_progress(self, batch: TasksProgressed) -> None:
        now = time.monotonic()
        # The manager's speed counts only bytes fetched in this run (a resume is no burst).
        self._graph_speed = {p.task_id: p.speed_bps for p in batch.tasks}
        self._last_batch = batch
        self._last_batch_at = now
        if self.loaded:
            self.model.apply_progress(batch)
            record = self.details.record
            if record is not None:
                self.details.update_numbers(record, self.model.live(record.id))

    def _sample_speeds(self) -> None:
        fresh = self._last_batch is not None and time.monotonic() - self._last_batch_at < 1.5
        speeds = dict(self._graph_speed) if fresh else {}
        self._total_history.append(sum(speeds.values()))
        for task_id, speed in speeds.items():
            history = self._speed_history.get(task_id)
            if history is None:
                history = self._speed_history[task_id] = collections.deque(maxlen=240)
            history.append(speed)
        for task_id, history in self._speed_history.items():
            if task_id not in speeds:
                history.append(0.0)
        self._update_graph()

    def speed_history(self, task_id: int | None = None) -> list[float]:
        """Sampled speeds (four a second) of a task, or of all downloads together."""
        if task_id is None:
            return list(self._total_history)
        return list(self._speed_history.get(task_id, ()))

    def _update_graph(self) -> None:
        record = self.details.record
        limit = self.ctx.suite.global_bucket.rate_bps
        if record is not None and record.id in self._speed_history:
            self.details.set_graph("Speed · this download", self.speed_history(record.id), limit)
        else:
            self.details.set_graph("Speed · all downloads", self.speed_history(), limit)

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
        rows = [
            r
            for r in range(self.model.rowCount())
            if self.model.record(r).state is TaskState.RUNNING
        ]
        source_row = rows[0] if rows else 0
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
        self._update_actions()

    def _refresh_details(self) -> None:
        records = self.selected_records()
        record = records[0] if len(records) >= 1 else None
        if record is not None:
            self.details.show_task(record, self.model.live(record.id))
        else:
            self.details.show_task(None)
        self._update_graph()

    def _update_actions(self) -> None:
        states = {r.state for r in self.selected_records()}
        any_selected = bool(states)
        enable = {
            "resume": bool(states & _RESUMABLE),
            "pause": bool(states & _PAUSABLE),
            "toggle": bool(states & (_RESUMABLE | _PAUSABLE)),
            "cancel": bool(states & _CANCELLABLE),
            "retry": bool(states & _RETRYABLE),
            "remove": any_selected,
            "remove_data": any_selected,
            "move_top": any_selected,
            "move_up": any_selected,
            "move_down": any_selected,
            "move_bottom": any_selected,
            "open_folder": any_selected,
            "copy_url": any_selected,
            "priority_high": any_selected,
            "priority_normal": any_selected,
            "priority_low": any_selected,
        }
        for name, enabled in enable.items():
            self.actions_by_name[name].setEnabled(enabled)
        self.priority_button.setEnabled(any_selected)

    # --- actions ----------------------------------------------------------------------

    def _run(self, fn: Callable[[], Any], done: Callable[[Any], None] | None = None) -> None:
        self.ctx.run_async(fn, done)

    def pause_selected(self) -> None:
        """Pause the selected tasks."""
        ids = [r.id for r in self.selected_records() if r.state in _PAUSABLE]
        if ids:
            self._run(lambda: self.ctx.manager.pause(ids))

    def resume_selected(self) -> None:
        """Resume the selected paused tasks."""
        ids = [r.id for r in self.selected_records() if r.state in _RESUMABLE]
        if ids:
            self._run(lambda: self.ctx.manager.resume(ids))

    def toggle_selected(self) -> None:
        """Space: pause what runs or waits, resume what is paused."""
        records = self.selected_records()
        if any(r.state in _PAUSABLE for r in records):
            self.pause_selected()
        else:
            self.resume_selected()

    def pause_all(self) -> None:
        """Pause every task."""
        self._run(lambda: self.ctx.manager.pause(None))

    def resume_all(self) -> None:
        """Resume every paused task."""
        self._run(lambda: self.ctx.manager.resume(None))

    def cancel_selected(self) -> None:
        """Cancel the selected unfinished tasks (partial data is kept)."""
        ids = [r.id for r in self.selected_records() if r.state in _CANCELLABLE]
        if ids:
            self._run(lambda: self.ctx.manager.cancel(ids))

    def retry_selected(self) -> None:
        """Queue the selected failed or cancelled tasks again."""
        ids = [r.id for r in self.selected_records() if r.state in _RETRYABLE]
        if ids:
            self._run(lambda: self.ctx.manager.retry(ids))

    def remove_selected(self, delete_data: bool, *, confirm: bool = True) -> None:
        """Remove the selected tasks from the queue (with their partial data if asked)."""
        ids = self.selected_ids()
        if not ids:
            return
        if delete_data and confirm:
            answer = QMessageBox.question(
                self,
                "Delete partial data?",
                f"Remove {len(ids)} download(s) and delete their partial data? "
                "Completed files are kept.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._run(
            lambda: self.ctx.manager.remove(ids, delete_data=delete_data),
            lambda n: self.ctx.notify(f"Removed {n} download(s)."),
        )

    def move_selected(self, direction: MoveDirection) -> None:
        """Move the selected tasks within their priority (keeping their relative order)."""
        ids = self.selected_ids()
        if direction in (MoveDirection.DOWN, MoveDirection.TOP):
            ids.reverse()  # so the block keeps its order
        if ids:

            def work() -> None:
                for task_id in ids:
                    self.ctx.manager.move(task_id, direction)

            self._run(work)

    def set_priority_selected(self, priority: Priority) -> None:
        """Give the selected tasks a priority."""
        ids = self.selected_ids()
        if ids:
            self._run(lambda: self.ctx.manager.set_priority(ids, priority))

    def open_folder(self) -> None:
        """Open the selected task's folder in the file manager."""
        records = self.selected_records()
        if records:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder_of(records[0]))))

    def copy_url(self) -> None:
        """Copy the selected tasks' source URLs (one per line)."""
        endpoint = self.ctx.suite.settings.endpoint
        urls = [source_url(r, endpoint) for r in self.selected_records()]
        if urls:
            QGuiApplication.clipboard().setText("\n".join(urls))
            self.ctx.notify(
                "Copied " + ("the source URL." if len(urls) == 1 else f"{len(urls)} URLs.")
            )

    def _double_clicked(self, index: QModelIndex) -> None:
        record = index.data(TaskRole)
        if record is not None and record.state is TaskState.COMPLETED:
            self.open_folder()

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.build_context_menu()
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def build_context_menu(self) -> QMenu:
        """The queue's context menu for the current selection."""
        menu = QMenu(self)
        names = [
            ("resume", "pause", "cancel", "retry"),
            ("move_top", "move_up", "move_down", "move_bottom"),
            ("open_folder", "copy_url"),
            ("remove", "remove_data"),
        ]
        for group in names:
            for name in group:
                menu.addAction(self.actions_by_name[name])
            if group is names[1]:
                menu.addMenu(self.priority_menu)
            menu.addSeparator()
        menu.addAction(self.actions_by_name["add"])
        return menu

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
