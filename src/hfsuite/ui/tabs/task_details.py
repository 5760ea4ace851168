"""The details pane under the queue: the selected task's numbers, its files and a speed graph.

```
┌ ring ┐ name                     │ File              Size   Progress   State │ Speed graph
│ 42 % │ Downloading · HF model   │ model.safetensors 4 GiB  ████░░ 61% …      │  ╱╲_╱‾‾
└──────┘ Size / Done / Speed / ETA│ …                                          │
```

Nothing here touches the database on the UI thread: the file list comes from
``ctx.run_async(manager.files)`` when the selection (or the task's state) changes, and live
bytes from the engine bridge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hfsuite.core.types import Priority, TaskState
from hfsuite.core.units import format_bytes, format_duration, format_rate
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP
from hfsuite.ui.models.delegates import FileProgressDelegate
from hfsuite.ui.models.task_files_model import FileColumn, TaskFilesModel
from hfsuite.ui.models.task_model import source_text, state_label
from hfsuite.ui.theme import colors_for
from hfsuite.ui.widgets.path_selector import contract_home
from hfsuite.ui.widgets.progress_ring import ProgressRing
from hfsuite.ui.widgets.speed_graph import SpeedGraph

if TYPE_CHECKING:
    from hfsuite.app.events import TaskProgress
    from hfsuite.app.queue.manager import TaskFileRecord, TaskRecord
    from hfsuite.ui.bridge import EngineBridge
    from hfsuite.ui.context import UiContext

translate = QCoreApplication.translate

# Captions of the facts grid (English keys of ``facts``; shown translated).
_FACTS = (
    QT_TRANSLATE_NOOP("TaskDetails", "Size"),
    QT_TRANSLATE_NOOP("TaskDetails", "Done"),
    QT_TRANSLATE_NOOP("TaskDetails", "Speed"),
    QT_TRANSLATE_NOOP("TaskDetails", "ETA"),
    QT_TRANSLATE_NOOP("TaskDetails", "Files"),
    QT_TRANSLATE_NOOP("TaskDetails", "Priority"),
)
_PRIORITIES = {
    Priority.HIGH: QT_TRANSLATE_NOOP("TaskDetails", "High"),
    Priority.NORMAL: QT_TRANSLATE_NOOP("TaskDetails", "Normal"),
    Priority.LOW: QT_TRANSLATE_NOOP("TaskDetails", "Low"),
}


def _card() -> QFrame:
    frame = QFrame()
    frame.setObjectName("card")
    return frame


class TaskDetails(QWidget):
    """Details of one task: summary, per-file progress and a live speed graph.

    Args:
        ctx: The UI context (runs the file queries).
        bridge: Live per-file progress.
    """

    def __init__(self, ctx: UiContext, bridge: EngineBridge, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.bridge = bridge
        self.record: TaskRecord | None = None
        self._loading_for: int | None = None
        self._files_state: tuple[int, TaskState, int] | None = None

        # --- summary card -------------------------------------------------------------
        summary = _card()
        summary.setMinimumWidth(300)
        summary.setMaximumWidth(380)
        self.ring = ProgressRing(diameter=76)
        self.title = QLabel(translate("TaskDetails", "No task selected"))
        self.title.setObjectName("title")
        self.title.setWordWrap(True)
        self.subtitle = QLabel(
            translate("TaskDetails", "Select a download to see its files and speed.")
        )
        self.subtitle.setObjectName("muted")
        self.subtitle.setWordWrap(True)
        head = QHBoxLayout()
        head.setSpacing(12)
        head.addWidget(self.ring, 0, Qt.AlignmentFlag.AlignTop)
        names = QVBoxLayout()
        names.setSpacing(2)
        names.addWidget(self.title)
        names.addWidget(self.subtitle)
        names.addStretch(1)
        head.addLayout(names, 1)
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(4)
        self.facts: dict[str, QLabel] = {}
        for i, key in enumerate(_FACTS):
            caption = QLabel(translate("TaskDetails", key))
            caption.setObjectName("muted")
            value = QLabel("—")
            value.setObjectName("stat")
            grid.addWidget(caption, (i // 2) * 2, i % 2)
            grid.addWidget(value, (i // 2) * 2 + 1, i % 2)
            self.facts[key] = value
        self.destination = QLabel("")
        self.destination.setObjectName("muted")
        self.destination.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # A long path must not widen the pane (the full path is in the tooltip).
        self.destination.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        box = QVBoxLayout(summary)
        box.setContentsMargins(14, 12, 14, 12)
        box.setSpacing(10)
        box.addLayout(head)
        box.addLayout(grid)
        box.addWidget(self.destination)
        box.addWidget(self.error)
        box.addStretch(1)

        # --- files --------------------------------------------------------------------
        files_card = _card()
        self.files_model = TaskFilesModel(self)
        self.files_view = QTableView()
        self.files_view.setModel(self.files_model)
        self.files_view.setItemDelegateForColumn(FileColumn.PROGRESS, FileProgressDelegate(self))
        self.files_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.files_view.setShowGrid(False)
        self.files_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.files_view.verticalHeader().hide()
        self.files_view.verticalHeader().setDefaultSectionSize(26)
        self.files_view.setStyleSheet("QTableView { border: none; }")
        header = self.files_view.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(FileColumn.PATH, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(FileColumn.SIZE, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(FileColumn.PROGRESS, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(FileColumn.STATE, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(FileColumn.SIZE, 80)
        header.resizeSection(FileColumn.PROGRESS, 150)
        header.resizeSection(FileColumn.STATE, 100)
        files_title = QLabel(translate("TaskDetails", "Files"))
        files_title.setObjectName("stat")
        files_box = QVBoxLayout(files_card)
        files_box.setContentsMargins(12, 10, 12, 6)
        files_box.addWidget(files_title)
        files_box.addWidget(self.files_view, 1)

        # --- speed --------------------------------------------------------------------
        speed_card = _card()
        speed_card.setMinimumWidth(260)
        speed_card.setMaximumWidth(420)
        self.graph_title = QLabel(translate("TaskDetails", "Speed · all downloads"))
        self.graph_title.setObjectName("stat")
        self.graph = SpeedGraph()
        speed_box = QVBoxLayout(speed_card)
        speed_box.setContentsMargins(12, 10, 12, 10)
        speed_box.addWidget(self.graph_title)
        speed_box.addWidget(self.graph, 1)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(summary, 0)
        layout.addWidget(files_card, 1)
        layout.addWidget(speed_card, 1)
        bridge.files_changed.connect(self._on_files_changed)

    # --- showing ----------------------------------------------------------------------

    def show_task(self, record: TaskRecord | None, live: TaskProgress | None = None) -> None:
        """Show a task (None: nothing selected), refreshing its files when they may differ."""
        changed_task = (record.id if record else None) != (self.record.id if self.record else None)
        self.record = record
        if record is None:
            self.ring.set_value(0.0)
            self.ring.set_caption("")
            self.title.setText(translate("TaskDetails", "No task selected"))
            self.subtitle.setText(
                translate("TaskDetails", "Select a download to see its files and speed.")
            )
            self.subtitle.setToolTip("")
            for label in self.facts.values():
                label.setText("—")
            self.destination.setText("")
            self.error.setVisible(False)
            self.files_model.set_files(None, [])
            self._files_state = None
            return
        self.update_numbers(record, live)
        key = (record.id, record.state, record.files_done)
        if changed_task or key != self._files_state:
            self._files_state = key
            self._load_files(record.id)
        if changed_task:
            self.files_model.set_live(self.bridge.file_progress(record.id))

    def update_numbers(self, record: TaskRecord, live: TaskProgress | None) -> None:
        """Refresh the summary from the row and its live progress."""
        colors = colors_for(self.palette())
        running = record.state is TaskState.RUNNING and live is not None
        total = (live.total_bytes if running and live and live.total_bytes else None) or (
            record.bytes_total
        )
        done = live.done_bytes if running and live else record.bytes_done
        if record.state is TaskState.COMPLETED and total:
            done = total
        fraction = (done / total) if total else (1.0 if record.state is TaskState.COMPLETED else 0)
        self.ring.set_value(min(1.0, fraction))
        self.ring.set_color(colors.state_color(record.state))
        self.ring.set_caption(state_label(record.state).lower())
        self.title.setText(
            record.display_name + (f" @{record.revision}" if record.revision else "")
        )
        subtitle = f"{state_label(record.state)} · {source_text(record)}"
        if record.endpoint:  # its own mirror (--endpoint): the host it downloads from
            subtitle += f" · {urlsplit(record.endpoint).netloc or record.endpoint}"
        self.subtitle.setText(subtitle)
        self.subtitle.setToolTip(record.endpoint or "")
        self.facts["Size"].setText(format_bytes(total) if total else "—")
        self.facts["Done"].setText(format_bytes(done) if total else "—")
        self.facts["Speed"].setText(format_rate(live.speed_bps) if running and live else "—")
        eta = live.eta_s if running and live and live.speed_bps > 0 else None
        self.facts["ETA"].setText(format_duration(eta) if eta is not None else "—")
        files_done = live.files_done if running and live and live.files_total else record.files_done
        files_total = (
            live.files_total if running and live and live.files_total else record.files_total
        )
        self.facts["Files"].setText(f"{files_done} / {files_total}" if files_total else "—")
        self.facts["Priority"].setText(translate("TaskDetails", _PRIORITIES[record.priority]))
        self.destination.setText(f"→ {contract_home(record.destination)}")
        self.destination.setToolTip(record.destination)
        if record.error:
            self.error.setText(record.error)
            self.error.setStyleSheet(f"color: {colors.danger};")
        self.error.setVisible(bool(record.error))

    def set_graph(self, title: str, samples: list[float], limit_bps: int = 0) -> None:
        """Show a speed history (the selected task's, or the total)."""
        self.graph_title.setText(title)
        self.graph.set_samples(samples)
        self.graph.set_limit(limit_bps)

    # --- files ------------------------------------------------------------------------

    def _load_files(self, task_id: int) -> None:
        self._loading_for = task_id

        def done(files: list[TaskFileRecord]) -> None:
            if self._loading_for == task_id:
                self._loading_for = None
            if self.record is not None and self.record.id == task_id:
                self.files_model.set_files(task_id, files)
                self.files_model.set_live(self.bridge.file_progress(task_id))

        self.ctx.run_async(lambda: self.ctx.manager.files(task_id), done)

    def _on_files_changed(self, task_ids: set[int]) -> None:
        if self.record is not None and self.record.id in task_ids:
            live = self.bridge.file_progress(self.record.id)
            if len(live) > self.files_model.rowCount() and self._loading_for is None:
                self._load_files(self.record.id)  # planned after we last asked
            self.files_model.set_live(live)
