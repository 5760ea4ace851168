"""A folder (or file) path field with a Browse… button.

``path_changed(text)`` fires when the user picks a folder in the dialog or finishes editing the
field by hand, only when the text actually changed. The field never touches the disk itself:
whether the folder exists or is writable is for the owner to check (off the UI thread).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget

translate = QCoreApplication.translate


class PathSelector(QWidget):
    """A line edit for a path and a button that opens a folder dialog.

    Args:
        parent: The parent widget.
        placeholder: Shown while the field is empty.
        dialog_title: Title of the folder dialog.
    """

    #: The new path text (may be empty).
    path_changed = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        placeholder: str = "",
        dialog_title: str = "",
    ):
        super().__init__(parent)
        self.dialog_title = dialog_title or translate("PathSelector", "Choose a folder")
        self._last = ""
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(placeholder)
        self.edit.editingFinished.connect(self._edited)
        self.button = QPushButton(translate("PathSelector", "Browse…"), self)
        self.button.clicked.connect(self.browse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.edit)

    def path(self) -> str:
        """The path as typed (stripped, ``~`` expanded; empty when none)."""
        text = self.edit.text().strip()
        return os.path.expanduser(text) if text.startswith("~") else text

    def set_path(self, path: str | Path | None, *, emit: bool = False) -> None:
        """Show a path (the home folder as ``~``); ``emit`` also fires :attr:`path_changed`."""
        text = "" if path is None else contract_home(str(path))
        self.edit.setText(text)
        self.edit.setCursorPosition(0)
        if emit:
            self._edited()
        else:
            self._last = self.path()

    def browse(self) -> None:
        """Open the folder dialog at the current path."""
        chosen = QFileDialog.getExistingDirectory(self, self.dialog_title, self.path())
        if chosen:
            self.set_path(chosen, emit=True)

    def _edited(self) -> None:
        text = self.path()
        if text != self._last:
            self._last = text
            self.path_changed.emit(text)


def contract_home(path: str) -> str:
    """``/home/me/models`` → ``~/models`` (shorter, and the same on every machine)."""
    home = os.path.expanduser("~")
    if home not in ("", "/") and (path == home or path.startswith(home + os.sep)):
        return "~" + path[len(home) :]
    return path
