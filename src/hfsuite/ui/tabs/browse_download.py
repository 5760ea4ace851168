"""The Browse tab's download bar: what is ticked, where it goes, and the download buttons.

```
2 of 12 files selected · 4.1 GiB (all files: 9.8 GiB)
[HF cache ▾] [~/.cache/huggingface/hub          …] [Download selected] [Download all]
```
The destination follows the chosen kind and the shown repository until the user types or picks
a folder; from then on it stays. The profiles and the detected tools' folders (``comfyui:loras``)
are listed after the HF cache and the plain folder; one of them queues through
:func:`hfsuite.app.download_targets.queue_with_target`, as ``--profile``/``--to`` do. Downloads
are queued through ``ctx.run_async``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from hfsuite.app.download.destinations import default_destination
from hfsuite.app.download_targets import queue_with_target
from hfsuite.app.hub.catalog import RepoDetails
from hfsuite.app.queue.add_ops import AddTarget
from hfsuite.app.queue.tasks import TaskOptions, spec_for
from hfsuite.app.target_choices import TargetChoice, download_choices
from hfsuite.core.destination import Destination, DestinationKind
from hfsuite.core.types import RepoRef
from hfsuite.core.units import format_bytes
from hfsuite.ui.context import UiContext
from hfsuite.ui.models.files_model import RepoFilesModel
from hfsuite.ui.widgets import target_combo
from hfsuite.ui.widgets._status import status_color
from hfsuite.ui.widgets.path_selector import PathSelector

translate = QCoreApplication.translate


class DownloadBar(QWidget):
    """The selection summary, the destination chooser and the buttons that queue downloads.

    Args:
        ctx: The UI context (suite settings, manager, async runner, notices).
        files_model: The shown repository's files, ticked or not.
        parent: The parent widget.
    """

    #: Tasks were queued (their ids).
    tasks_queued = Signal(list)

    def __init__(self, ctx: UiContext, files_model: RepoFilesModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.files_model = files_model
        self._details: RepoDetails | None = None
        self._dest_custom = False
        files_model.selection_changed.connect(self._selection_changed)

        self.selection_label = QLabel(self)
        self.layout_combo = QComboBox(self)
        self.layout_combo.addItem(translate("DownloadBar", "HF cache"), DestinationKind.HF_CACHE)
        self.layout_combo.addItem(translate("DownloadBar", "Plain folder"), DestinationKind.FOLDER)
        self.layout_combo.setToolTip(
            translate(
                "DownloadBar",
                "HF cache: transformers/diffusers find the files.\n"
                "Plain folder: a local-dir copy (ComfyUI, LM Studio…).",
            )
        )
        self.layout_combo.currentIndexChanged.connect(self._layout_changed)
        self.choices_loaded = False
        ctx.run_async(lambda: download_choices(ctx.suite), self._add_choices, self._no_choices)
        self.dest_selector = PathSelector(
            self, dialog_title=translate("DownloadBar", "Download to…")
        )
        self.dest_selector.path_changed.connect(self._dest_edited)
        self.download_selected_button = QPushButton(
            translate("DownloadBar", "Download selected"), self
        )
        self.download_selected_button.setDefault(True)
        self.download_selected_button.clicked.connect(self.download_selected)
        self.download_all_button = QPushButton(translate("DownloadBar", "Download all"), self)
        self.download_all_button.clicked.connect(self.download_all)
        for button in (self.download_selected_button, self.download_all_button):
            bold = button.font()
            bold.setBold(True)  # the theme makes the default button bold: leave room for it
            width = QFontMetrics(bold).horizontalAdvance(button.text())
            button.setMinimumWidth(int(width * 1.12) + 34)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.layout_combo)
        bar.addWidget(self.dest_selector, 1)
        bar.addWidget(self.download_selected_button)
        bar.addWidget(self.download_all_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        lay.addWidget(self.selection_label)
        lay.addLayout(bar)

    def show_repo(self, details: RepoDetails) -> None:
        """Download from this repository (its default destination unless one was chosen)."""
        self._details = details
        if not self._dest_custom:
            self.dest_selector.set_path(self._default_destination().path)
        self.set_download_enabled(True)

    def set_download_enabled(self, enabled: bool) -> None:
        """Allow downloading (while a repository loads, nothing is)."""
        self.download_all_button.setEnabled(enabled)
        self.download_selected_button.setEnabled(enabled and bool(self.files_model.checked_paths()))

    def _selection_changed(self, count: int, size: int) -> None:
        total = len(self.files_model.files)
        if total == 0:
            self.selection_label.setText("")
        else:
            everything = format_bytes(self.files_model.total_size())
            selected = translate("DownloadBar", "{count} of {total} files selected").format(
                count=count, total=total
            )
            all_files = translate("DownloadBar", "(all files: {size})").format(size=everything)
            self.selection_label.setText(
                f"{selected} · <b>{format_bytes(size)}</b>"
                f" <span style='color:{status_color(self, 'note').name()}'>{all_files}</span>"
            )
        self.download_selected_button.setEnabled(self._details is not None and count > 0)

    # --- the destination --------------------------------------------------------------------
    def _add_choices(self, choices: list[TargetChoice]) -> None:
        if not isValid(self):  # closed before the list arrived
            return
        self.choices_loaded = True
        if choices:
            self.layout_combo.insertSeparator(self.layout_combo.count())
        for choice in choices:
            self.layout_combo.addItem(target_combo.choice_label(choice), choice)

    def _no_choices(self, _error: BaseException) -> None:
        self.choices_loaded = True  # the HF cache and a folder still work

    def choose_target(self, *, profile: str | None = None, to: str | None = None) -> bool:
        """Download to a profile or a ``TOOL:KIND`` folder (tests, keyboard users)."""
        return target_combo.choose_target(self.layout_combo, profile=profile, to=to)

    def selected_target(self) -> TargetChoice | None:
        """The profile or tool folder chosen (None: the HF cache or a plain folder)."""
        return target_combo.chosen_target(self.layout_combo)

    def selected_kind(self) -> DestinationKind:
        """The kind of destination chosen for the next download."""
        data = self.layout_combo.currentData()
        if isinstance(data, TargetChoice):
            return DestinationKind.TOOL_FOLDER
        return DestinationKind(data)

    def selected_destination(self) -> Destination:
        """Where the next download goes: the path shown, else the default for the kind."""
        path = self.dest_selector.path()
        if not path:
            return self._default_destination()
        return Destination(self.selected_kind(), Path(path).expanduser())

    def set_destination(self, destination: Destination) -> None:
        """Choose where the next download goes."""
        index = self.layout_combo.findData(destination.kind)
        self.layout_combo.setCurrentIndex(index if index >= 0 else 0)
        self._dest_custom = True
        self.dest_selector.set_path(destination.path)

    def _default_destination(self) -> Destination:
        d = self._details
        ref = RepoRef(d.id, d.repo_type, d.revision) if d else None
        target = self.selected_target()
        if target is not None:  # shown only: the profile or tool says how files land
            return Destination.folder(target.folder)
        return default_destination(self.ctx.suite.settings, ref, self.selected_kind())

    def _layout_changed(self, _index: int) -> None:
        target = self.selected_target()
        self.dest_selector.setEnabled(target is None)
        if target is not None:
            self.dest_selector.set_path(target.folder)
        elif not self._dest_custom:
            self.dest_selector.set_path(self._default_destination().path)

    def _dest_edited(self, text: str) -> None:
        self._dest_custom = bool(text)
        if not text:
            self.dest_selector.set_path(self._default_destination().path)

    # --- queueing ---------------------------------------------------------------------------
    def download_selected(self) -> None:
        """Queue the ticked files of the shown repository."""
        paths = self.files_model.checked_paths()
        if paths:
            self._queue(paths)

    def download_all(self) -> None:
        """Queue every file of the shown repository."""
        self._queue([])

    def _queue(self, paths: list[str]) -> None:
        details = self._details
        if details is None:
            return
        target = self.selected_target()
        destination = self._default_destination() if target else self.selected_destination()
        options = TaskOptions(paths=tuple(paths), destination=None if target else destination)
        ref = RepoRef(details.id, details.repo_type, details.revision)
        manager = self.ctx.manager
        if paths:
            chosen = {f.path: f.size for f in details.files}
            size = sum(chosen.get(p, 0) for p in paths)
            count = len(paths)
            files = (
                translate("DownloadBar", "1 file")
                if count == 1
                else translate("DownloadBar", "%n files", None, count)
            )
            what = f"{files}, {format_bytes(size)}"
        else:
            count = len(details.files)
            files = translate("DownloadBar", "all %n files", None, count)
            what = f"{files}, {format_bytes(self.files_model.total_size())}"

        def done(ids: list[int]) -> None:
            self.ctx.notify(
                translate("DownloadBar", "Queued {repo} ({what}) → {path}").format(
                    repo=details.id, what=what, path=destination.path
                )
            )
            self.tasks_queued.emit(ids)

        def work() -> list[int]:
            if target is not None:
                one = AddTarget(details.id, ref, tuple(paths))
                return queue_with_target(
                    manager, [one], options, profile=target.profile, to=target.to
                )
            return manager.add([spec_for(ref, options, self.ctx.suite.settings)])

        self.ctx.run_async(work, done)


__all__ = ["DownloadBar"]
