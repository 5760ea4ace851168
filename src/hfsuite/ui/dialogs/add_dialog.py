"""The "Add downloads" dialog: paste or drop IDs/URLs, see the dry-run plan, choose, add.

```
┌ Add downloads ───────────────────────────────────────────────────────────┐
│ org/model                                  (one per line; drop links or  │
│ https://huggingface.co/datasets/org/data    a .txt file here)            │
│ Destination [HF cache ▾] [~/.cache/huggingface/hub     ] [Browse…]       │
│             (HF cache, a folder, a profile or a tool's folder: comfyui:loras)│
│ Priority [Normal ▾]  ☐ Add paused  ☑ One folder per repository           │
│ ┌ plan ──────────────────────────────────────────────────────────────┐   │
│ │ ☑ org/model                         3 files   4.2 GiB              │   │
│ │    ☑ model.safetensors              4.2 GiB   new                  │   │
│ └────────────────────────────────────────────────────────────────────┘   │
│ 2 repositories · 5 files · 4.3 GiB to download · 120 GiB free            │
│                                                    [Cancel] [Add 2]      │
└──────────────────────────────────────────────────────────────────────────┘
```

Reading the names, planning (the Hub's file lists) and adding run on worker threads; a plan
that arrives after the text changed again is dropped (a generation counter). The profiles and
the detected tools' folders are listed after the HF cache and Folder (read on a worker thread);
choosing one queues through :func:`hfsuite.app.download_targets.queue_with_target`, the call
behind the command line's ``--profile`` and ``--to``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QMimeData, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from hfsuite.app.download.destinations import default_destination
from hfsuite.app.download_targets import queue_with_target
from hfsuite.app.queue.add_ops import (
    AddPreview,
    AddTarget,
    LineError,
    TargetPlan,
    preview,
    queue_targets,
    read_targets,
)
from hfsuite.app.queue.manager import TaskOptions
from hfsuite.app.target_choices import TargetChoice, download_choices, preview_with_target
from hfsuite.core.destination import Destination, DestinationKind
from hfsuite.core.types import Priority
from hfsuite.core.units import format_bytes
from hfsuite.ui.context import UiContext
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP
from hfsuite.ui.theme import colors_for
from hfsuite.ui.widgets import target_combo

translate = QCoreApplication.translate

_CHECKED = Qt.CheckState.Checked
# The priority list's labels (English; shown through translate("AddDialog", …)).
PRIORITY_NAMES = {
    Priority.HIGH: QT_TRANSLATE_NOOP("AddDialog", "High"),
    Priority.NORMAL: QT_TRANSLATE_NOOP("AddDialog", "Normal"),
    Priority.LOW: QT_TRANSLATE_NOOP("AddDialog", "Low"),
}
_UNCHECKED = Qt.CheckState.Unchecked
_TEXT_SUFFIXES = {".txt", ".list", ".csv", ".md", ""}


def mime_to_text(mime: QMimeData) -> tuple[str, list[Path]]:
    """Names carried by a drop: text and web URLs, plus local text files to read (later)."""
    lines: list[str] = []
    files: list[Path] = []
    if mime.hasUrls():
        for url in mime.urls():
            if url.isLocalFile():
                path = Path(url.toLocalFile())
                if path.suffix.lower() in _TEXT_SUFFIXES:
                    files.append(path)
            else:
                lines.append(url.toString())
    elif mime.hasText():
        lines.append(mime.text())
    return "\n".join(lines), files


def read_text_files(paths: list[Path], limit_bytes: int = 1 << 20) -> str:
    """The text of dropped files (run on a worker thread; big or binary files are skipped)."""
    parts = []
    for path in paths:
        try:
            if path.stat().st_size <= limit_bytes:
                parts.append(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
    return "\n".join(parts)


class _NamesEdit(QPlainTextEdit):
    """The names box: accepts dropped links, text and text files."""

    files_dropped = Signal(object)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasUrls() or source.hasText()

    def insertFromMimeData(self, source: QMimeData) -> None:
        text, files = mime_to_text(source)
        if text:
            self.appendPlainText(text)
        if files:
            self.files_dropped.emit(files)


class AddDialog(QDialog):
    """Add one or many repositories to the queue after seeing what they will download.

    Args:
        ctx: The UI context.
        parent: The window it belongs to.
    """

    #: Tasks were added (their ids).
    tasks_added = Signal(object)
    #: A preview arrived (tests wait on it).
    preview_ready = Signal(object)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(translate("AddDialog", "Add downloads"))
        self.setObjectName("add_dialog")
        self.resize(760, 620)
        self.setAcceptDrops(True)
        settings = ctx.suite.settings
        self.targets: list[AddTarget] = []
        self.line_errors: list[LineError] = []
        self.result_preview: AddPreview | None = None
        self.added_ids: list[int] = []
        self._generation = 0
        self._planning = False

        title = QLabel(translate("AddDialog", "Add downloads"))
        title.setObjectName("title")
        hint = QLabel(
            translate(
                "AddDialog",
                "One repository per line: org/name, a Hub URL, hf://datasets/org/name, or a file "
                "URL. Paste, or drop links and text files here.",
            )
        )
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        self.names = _NamesEdit()
        self.names.setPlaceholderText(
            "meta-llama/Llama-3.2-1B\nhttps://huggingface.co/datasets/org/data"
        )
        self.names.setFixedHeight(110)
        self.names.textChanged.connect(self._schedule_preview)
        self.names.files_dropped.connect(self._read_files)

        self.layout_combo = QComboBox()
        self.layout_combo.addItem(
            translate("AddDialog", "Hugging Face cache"), DestinationKind.HF_CACHE
        )
        self.layout_combo.addItem(translate("AddDialog", "Folder"), DestinationKind.FOLDER)
        self.path_edit = QLineEdit()
        self.browse_button = QPushButton(translate("AddDialog", "Browse…"))
        self.browse_button.clicked.connect(self._browse)
        self.subfolders = QCheckBox(translate("AddDialog", "One folder per repository"))
        self.subfolders.setChecked(True)
        # The path last given for each kind: switching back and forth keeps both.
        self._paths = {
            kind: str(default_destination(settings, kind=kind).path)
            for kind in (DestinationKind.HF_CACHE, DestinationKind.FOLDER)
        }
        self.layout_combo.setCurrentIndex(
            self.layout_combo.findData(default_destination(settings).kind)
        )
        self.choices: list[TargetChoice] = []
        self.choices_loaded = False
        ctx.run_async(lambda: download_choices(ctx.suite), self._add_choices, self._no_choices)
        destination = QHBoxLayout()
        destination.addWidget(self.layout_combo)
        destination.addWidget(self.path_edit, 1)
        destination.addWidget(self.browse_button)

        self.priority_combo = QComboBox()
        for priority in (Priority.HIGH, Priority.NORMAL, Priority.LOW):
            self.priority_combo.addItem(translate("AddDialog", PRIORITY_NAMES[priority]), priority)
        self.priority_combo.setCurrentIndex(1)
        self.paused_check = QCheckBox(translate("AddDialog", "Add paused"))
        options_row = QHBoxLayout()
        options_row.addWidget(self.priority_combo)
        options_row.addSpacing(12)
        options_row.addWidget(self.paused_check)
        options_row.addSpacing(12)
        options_row.addWidget(self.subfolders)
        options_row.addStretch(1)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(translate("AddDialog", "Destination"), destination)
        form.addRow(translate("AddDialog", "Priority"), options_row)

        self.tree = QTreeWidget()
        self.tree.setObjectName("plan")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(
            [
                translate("AddDialog", "Repository / file"),
                translate("AddDialog", "Size"),
                translate("AddDialog", "On disk"),
            ]
        )
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(False)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(False)
        header.resizeSection(1, 100)
        header.resizeSection(2, 120)
        self.tree.itemChanged.connect(self._item_changed)

        self.summary = QLabel(
            translate("AddDialog", "Type or paste names to see what they download.")
        )
        self.summary.setObjectName("muted")
        self.summary.setWordWrap(True)
        self.preview_button = QPushButton(translate("AddDialog", "Refresh plan"))
        self.preview_button.clicked.connect(self.preview_now)
        summary_row = QHBoxLayout()
        summary_row.addWidget(self.summary, 1)
        summary_row.addWidget(self.preview_button)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = self.buttons.addButton(
            translate("AddDialog", "Add"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.add_button.setObjectName("primary")
        self.add_button.setDefault(True)
        self.add_button.setEnabled(False)
        self.add_button.clicked.connect(self.add_now)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.names)
        layout.addLayout(form)
        layout.addWidget(self.tree, 1)
        layout.addLayout(summary_row)
        layout.addWidget(self.buttons)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(500)
        self._debounce.timeout.connect(self.preview_now)
        self._layout_changed()
        self.layout_combo.currentIndexChanged.connect(self._layout_changed)
        self.path_edit.editingFinished.connect(self._path_edited)
        self.subfolders.toggled.connect(self._schedule_preview)

    # --- input ------------------------------------------------------------------------

    def append_text(self, text: str) -> None:
        """Add names to the box (a paste or a drop) and plan them."""
        current = self.names.toPlainText().rstrip("\n")
        self.names.setPlainText(f"{current}\n{text}".strip("\n") if current else text.strip())
        self.preview_now()

    def _read_files(self, files: list[Path]) -> None:
        self.ctx.run_async(lambda: read_text_files(files), self.append_text)

    def dragEnterEvent(self, event: Any) -> None:
        if event.mimeData().hasUrls() or event.mimeData().hasText():
            event.acceptProposedAction()

    def dropEvent(self, event: Any) -> None:
        text, files = mime_to_text(event.mimeData())
        if text:
            self.append_text(text)
        if files:
            self._read_files(files)
        event.acceptProposedAction()

    def _add_choices(self, choices: list[TargetChoice]) -> None:
        if not isValid(self):  # closed before the list arrived
            return
        self.choices, self.choices_loaded = choices, True
        if choices:
            self.layout_combo.insertSeparator(self.layout_combo.count())
        for choice in choices:
            self.layout_combo.addItem(target_combo.choice_label(choice), choice)
            self.layout_combo.setItemData(
                self.layout_combo.count() - 1, str(choice.folder), Qt.ItemDataRole.ToolTipRole
            )

    def _no_choices(self, _error: BaseException) -> None:
        self.choices_loaded = True  # the HF cache and a folder still work

    def choose_target(self, *, profile: str | None = None, to: str | None = None) -> bool:
        """Choose a profile or a ``TOOL:KIND`` folder as the destination (tests, keyboard)."""
        return target_combo.choose_target(self.layout_combo, profile=profile, to=to)

    def chosen_target(self) -> TargetChoice | None:
        """The profile or tool folder chosen (None: the HF cache or a folder)."""
        return target_combo.chosen_target(self.layout_combo)

    def _layout_changed(self) -> None:
        target = self.chosen_target()
        kind = self.chosen_kind()
        self.path_edit.setReadOnly(target is not None)
        self.browse_button.setEnabled(target is None)
        if target is not None:
            self.path_edit.setText(str(target.folder))
            self.subfolders.setEnabled(False)
        else:
            self.path_edit.setText(self._paths[kind])
            self.subfolders.setEnabled(kind is not DestinationKind.HF_CACHE)
        self._schedule_preview()

    def _path_edited(self) -> None:
        if self.chosen_target() is not None:
            return
        self._paths[self.chosen_kind()] = self.path_edit.text().strip()
        self._schedule_preview()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, translate("AddDialog", "Destination"), self.path_edit.text()
        )
        if folder:
            self.path_edit.setText(folder)
            self._path_edited()

    def chosen_kind(self) -> DestinationKind:
        """The kind of destination chosen in the destination box (a profile's or tool's
        folder: ``tool-folder``)."""
        data = self.layout_combo.currentData()
        if isinstance(data, TargetChoice):
            return DestinationKind.TOOL_FOLDER
        return DestinationKind(data)

    def chosen_destination(self) -> Destination:
        """The destination the destination box says (a profile or a tool: its folder)."""
        path = Path(self.path_edit.text().strip() or ".").expanduser()
        if self.chosen_target() is not None:
            return Destination.folder(path)
        return Destination(self.chosen_kind(), path)

    def options(self) -> TaskOptions:
        """The options the dialog's fields say (no destination for a profile or tool: it
        says where)."""
        return TaskOptions(
            destination=None if self.chosen_target() else self.chosen_destination(),
            priority=Priority(self.priority_combo.currentData()),
            paused=self.paused_check.isChecked(),
        )

    # --- planning ---------------------------------------------------------------------

    def _schedule_preview(self, *_: Any) -> None:
        self.add_button.setEnabled(False)
        self._debounce.start()

    def preview_now(self) -> None:
        """Read the names and plan them on a worker thread (the dialog shows the result)."""
        self._debounce.stop()
        self._generation += 1
        generation = self._generation
        text = self.names.toPlainText()
        options = self.options()
        subfolders = self.subfolders.isChecked()
        suite = self.ctx.suite
        target = self.chosen_target()
        if not text.strip():
            self._show(generation, ([], [], None))
            return
        self._planning = True
        self.add_button.setEnabled(False)
        self.summary.setText(translate("AddDialog", "Planning…"))

        def work() -> tuple[list[AddTarget], list[LineError], AddPreview | None]:
            targets, errors = read_targets(suite, text)
            if not targets:
                return targets, errors, None
            if target is not None:
                plans = preview_with_target(
                    suite, targets, options, profile=target.profile, to=target.to
                )
            else:
                plans = preview(suite, targets, options, subfolders=subfolders)
            return targets, errors, plans

        self.ctx.run_async(work, lambda result: self._show(generation, result), self._failed)

    def _failed(self, error: BaseException) -> None:
        self._planning = False
        self.summary.setText(str(error))
        self.ctx.show_error(error)

    def _show(
        self,
        generation: int,
        result: tuple[list[AddTarget], list[LineError], AddPreview | None],
    ) -> None:
        if generation != self._generation:
            return  # the text changed since: a newer plan is on its way
        self._planning = False
        self.targets, self.line_errors, self.result_preview = result
        colors = colors_for(self.palette())
        self.tree.blockSignals(True)
        self.tree.clear()
        plans = self.result_preview.plans if self.result_preview else ()
        for plan in plans:
            self.tree.addTopLevelItem(self._repo_item(plan, colors.danger, colors.muted))
        for error in self.line_errors:
            where = translate("AddDialog", "line {n}: {text}").format(
                n=error.line_no, text=error.text
            )
            item = QTreeWidgetItem([where, "", ""])
            item.setToolTip(0, error.message)
            item.setForeground(0, _color(colors.danger))
            child = QTreeWidgetItem([error.message, "", ""])
            child.setForeground(0, _color(colors.muted))
            item.addChild(child)
            self.tree.addTopLevelItem(item)
        if len(plans) <= 3:
            self.tree.expandAll()
        self.tree.blockSignals(False)
        self._update_summary()
        self.preview_ready.emit(self.result_preview)

    def _repo_item(self, plan: TargetPlan, danger: str, muted: str) -> QTreeWidgetItem:
        name = str(plan.target.ref) + (
            f"  ({', '.join(plan.target.paths)})" if plan.target.paths else ""
        )
        item = QTreeWidgetItem([name, "", ""])
        item.setData(0, Qt.ItemDataRole.UserRole, plan)
        if plan.error:
            item.setText(2, translate("AddDialog", "error"))
            item.setForeground(0, _color(danger))
            item.setToolTip(0, plan.error)
            child = QTreeWidgetItem([plan.error, "", ""])
            child.setForeground(0, _color(danger))
            item.addChild(child)
            return item
        item.setFlags(
            item.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsAutoTristate
        )
        item.setText(1, format_bytes(plan.total_bytes))
        item.setText(2, translate("AddDialog", "{n} files").format(n=len(plan.files)))
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setCheckState(0, _CHECKED)
        for f in plan.files:
            child = QTreeWidgetItem([f.path, format_bytes(f.size_bytes), ""])
            child.setData(0, Qt.ItemDataRole.UserRole, f.path)
            child.setFlags(child.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            child.setCheckState(0, _CHECKED)
            child.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if f.missing_bytes == 0:
                child.setText(2, translate("AddDialog", "complete"))
            elif f.missing_bytes < f.size_bytes:
                have = format_bytes(f.size_bytes - f.missing_bytes)
                child.setText(2, translate("AddDialog", "partial ({size})").format(size=have))
            else:
                child.setText(2, translate("AddDialog", "new"))
            child.setForeground(2, _color(muted))
            item.addChild(child)
        return item

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if column == 0:
            self._update_summary()

    # --- choosing ---------------------------------------------------------------------

    def selection(self) -> list[AddTarget]:
        """The targets to add, each limited to its checked files (all checked: whole repo)."""
        chosen: list[AddTarget] = []
        for i in range(self.tree.topLevelItemCount()):
            item = self._top(i)
            plan = item.data(0, Qt.ItemDataRole.UserRole)
            if not isinstance(plan, TargetPlan) or plan.error:
                continue
            state = item.checkState(0)
            if state == _UNCHECKED:
                continue
            if state == _CHECKED or item.childCount() == 0:
                chosen.append(plan.target)
                continue
            paths = tuple(
                self._child(item, j).data(0, Qt.ItemDataRole.UserRole)
                for j in range(item.childCount())
                if self._child(item, j).checkState(0) == _CHECKED
            )
            chosen.append(replace(plan.target, paths=paths))
        return chosen

    def set_file_checked(self, path: str, checked: bool, repo_index: int = 0) -> None:
        """Check or uncheck one file of a planned repository (tests, keyboard users)."""
        item = self._top(repo_index)
        for j in range(item.childCount()):
            child = self._child(item, j)
            if child.data(0, Qt.ItemDataRole.UserRole) == path:
                child.setCheckState(0, _CHECKED if checked else _UNCHECKED)

    def _top(self, i: int) -> QTreeWidgetItem:
        item = self.tree.topLevelItem(i)
        assert item is not None
        return item

    @staticmethod
    def _child(item: QTreeWidgetItem, j: int) -> QTreeWidgetItem:
        child = item.child(j)
        assert child is not None
        return child

    def _selected_bytes(self) -> tuple[int, int, int]:
        files = total = missing = 0
        for i in range(self.tree.topLevelItemCount()):
            item = self._top(i)
            plan = item.data(0, Qt.ItemDataRole.UserRole)
            if not isinstance(plan, TargetPlan) or plan.error:
                continue
            for j, f in enumerate(plan.files):
                if self._child(item, j).checkState(0) == _CHECKED:
                    files += 1
                    total += f.size_bytes
                    missing += f.missing_bytes
        return files, total, missing

    def _update_summary(self) -> None:
        chosen = self.selection()
        files, total, missing = self._selected_bytes()
        parts = []
        if self.result_preview is not None:
            repos = len(chosen)
            parts.append(
                translate("AddDialog", "1 repository")
                if repos == 1
                else translate("AddDialog", "%n repositories", None, repos)
            )
            parts.append(
                translate("AddDialog", "1 file")
                if files == 1
                else translate("AddDialog", "%n files", None, files)
            )
            parts.append(translate("AddDialog", "{size} total").format(size=format_bytes(total)))
            parts.append(
                translate("AddDialog", "{size} to download").format(size=format_bytes(missing))
            )
            free = self.result_preview.min_free_bytes
            if free is not None:
                parts.append(translate("AddDialog", "{size} free").format(size=format_bytes(free)))
        failed = sum(
            1 for p in (self.result_preview.plans if self.result_preview else ()) if p.error
        )
        problems = len(self.line_errors) + failed
        if problems:
            parts.append(
                translate("AddDialog", "1 line skipped")
                if problems == 1
                else translate("AddDialog", "%n lines skipped", None, problems)
            )
        text = (
            " · ".join(parts)
            if parts
            else translate("AddDialog", "Type or paste names to see what they download.")
        )
        free = self.result_preview.min_free_bytes if self.result_preview else None
        if free is not None and missing > free:
            text += " — " + translate("AddDialog", "not enough free space")
        self.summary.setText(text)
        self.add_button.setEnabled(bool(chosen) and not self._planning)
        count = len(chosen)
        self.add_button.setText(
            translate("AddDialog", "Add %n", None, count)
            if count > 1
            else translate("AddDialog", "Add")
        )

    # --- adding -----------------------------------------------------------------------

    def add_now(self) -> None:
        """Queue the chosen targets (on a worker thread) and close when they are in."""
        chosen = self.selection()
        if not chosen:
            return
        options = self.options()
        subfolders = self.subfolders.isChecked()
        manager = self.ctx.manager
        target = self.chosen_target()
        self.add_button.setEnabled(False)

        def done(ids: list[int]) -> None:
            self.added_ids = ids
            self.tasks_added.emit(ids)
            count = len(ids)
            self.ctx.notify(
                translate("AddDialog", "Added 1 download.")
                if count == 1
                else translate("AddDialog", "Added %n downloads.", None, count)
            )
            self.accept()

        def failed(error: BaseException) -> None:
            self.add_button.setEnabled(True)
            self.ctx.show_error(error)

        def work() -> list[int]:
            if target is not None:
                return queue_with_target(
                    manager, chosen, options, profile=target.profile, to=target.to
                )
            return queue_targets(manager, chosen, options, subfolders=subfolders)

        self.ctx.run_async(work, done, failed)


def _color(hex_color: str) -> Any:
    from PySide6.QtGui import QBrush, QColor

    return QBrush(QColor(hex_color))
