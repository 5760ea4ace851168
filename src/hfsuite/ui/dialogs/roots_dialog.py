"""The library's scan roots: list, add a folder, remove one (its files leave the index).

```
┌ Scan folders ────────────────────────────────────────────┐
│ HF cache   ~/.cache/huggingface/hub          hf_cache    │
│ ComfyUI    ~/apps/ComfyUI/models             user        │
│                         [Add folder…] [Remove] [Close]   │
└──────────────────────────────────────────────────────────┘
```
Every change runs through ``suite.library`` off the UI thread; :attr:`RootsDialog.changed`
tells the tab to reload.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hfsuite.app.library import LibraryRootRecord
from hfsuite.ui.context import UiContext
from hfsuite.ui.models.library_model import root_label
from hfsuite.ui.widgets.path_selector import contract_home

translate = QCoreApplication.translate


class RootsDialog(QDialog):
    """Add and remove the folders the library scans.

    Args:
        ctx: The UI context.
        parent: The parent widget.
    """

    #: The roots changed (added path or removed path).
    changed = Signal(str)
    #: The list was (re)loaded.
    loaded = Signal(int)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(translate("RootsDialog", "Scan folders"))
        self.resize(640, 340)
        intro = QLabel(
            translate(
                "RootsDialog",
                "The library indexes model files in these folders. Removing one drops its "
                "files from the index; nothing is deleted on disk.",
            ),
            self,
        )
        intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.currentRowChanged.connect(lambda _r: self._selection_changed())
        self.add_button = QPushButton(translate("RootsDialog", "Add folder…"), self)
        self.add_button.clicked.connect(self.add_dialog)
        self.remove_button = QPushButton(translate("RootsDialog", "Remove"), self)
        self.remove_button.clicked.connect(lambda: self.remove_selected(confirm=True))
        close = QPushButton(translate("RootsDialog", "Close"), self)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.roots: list[LibraryRootRecord] = []
        self._selection_changed()
        self.reload()

    def reload(self) -> None:
        """Read the roots again (off the UI thread)."""
        library = self.ctx.suite.library

        def work() -> list[tuple[LibraryRootRecord, bool]]:
            return [(r, os.path.isdir(r.path)) for r in library.root_records()]

        def done(found: list[tuple[LibraryRootRecord, bool]]) -> None:
            roots = [r for r, _ in found]
            self.roots = roots
            self.list.clear()
            for r, exists in found:
                there = "" if exists else translate("RootsDialog", "  (not there)")
                text = f"{root_label(r.path, r.kind)}   {contract_home(r.path)}{there}"
                item = QListWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, r.path)
                item.setToolTip(f"{r.path}\n{r.kind}")
                self.list.addItem(item)
            self._selection_changed()
            self.loaded.emit(len(roots))

        self.ctx.run_async(work, done)

    def _selection_changed(self) -> None:
        self.remove_button.setEnabled(self.list.currentItem() is not None)

    def add_dialog(self) -> None:
        """Ask for a folder, then add it."""
        folder = QFileDialog.getExistingDirectory(
            self, translate("RootsDialog", "Add a folder to scan")
        )
        if folder:
            self.add(folder)

    def add(self, folder: str) -> None:
        """Add ``folder`` as a scan root."""
        library = self.ctx.suite.library

        def done(record: LibraryRootRecord) -> None:
            self.changed.emit(record.path)
            self.reload()

        self.ctx.run_async(lambda: library.add_root(folder), done)

    def remove_selected(self, *, confirm: bool = True) -> None:
        """Stop scanning the selected folder (after asking)."""
        item = self.list.currentItem()
        if item is None:
            return
        path = str(item.data(Qt.ItemDataRole.UserRole))
        if confirm:
            answer = QMessageBox.question(
                self,
                translate("RootsDialog", "Remove scan folder"),
                translate(
                    "RootsDialog",
                    "Stop scanning {path}?\n\nIts files leave the index; nothing is deleted.",
                ).format(path=path),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        library = self.ctx.suite.library

        def done(count: int) -> None:
            self.ctx.notify(
                translate("RootsDialog", "Removed {path}; {count} files left the index.").format(
                    path=path, count=count
                )
            )
            self.changed.emit(path)
            self.reload()

        self.ctx.run_async(lambda: library.remove_root(path), done)
