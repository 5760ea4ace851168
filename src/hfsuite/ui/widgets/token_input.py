"""An access-token field: masked, show/hide, Validate, and the verdict right below it.

```
[ ••••••••••••••••••••  Show ] [Validate] [Save]
  ✓ alice · role read · scopes: …         ← or ✗ and the precise reason
```

The widget does no network work itself: it emits ``validate_requested(token)`` and
``save_requested(token)``; the owner asks the Hub (off the UI thread) and reports back with
:meth:`TokenInput.show_valid` or :meth:`TokenInput.show_invalid`.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hfsuite.ui.widgets._status import set_status

translate = QCoreApplication.translate


class TokenInput(QWidget):
    """Masked token entry with show/hide, validate and save.

    Args:
        parent: The parent widget.
    """

    #: The token to check (stripped, never empty).
    validate_requested = Signal(str)
    #: The token to validate and store.
    save_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setPlaceholderText(
            translate("TokenInput", "hf_…  (paste a token from huggingface.co/settings/tokens)")
        )
        self.edit.returnPressed.connect(self._validate)
        self.edit.textChanged.connect(self._text_changed)
        self.toggle = QPushButton(self)
        self.toggle.setText(translate("TokenInput", "Show"))
        self.toggle.setCheckable(True)
        self.toggle.setToolTip(translate("TokenInput", "Show or hide the token"))
        self.toggle.toggled.connect(self.set_revealed)
        self.validate_button = QPushButton(translate("TokenInput", "Validate"), self)
        self.validate_button.clicked.connect(self._validate)
        self.save_button = QPushButton(translate("TokenInput", "Save"), self)
        self.save_button.setToolTip(
            translate("TokenInput", "Validate the token, then store it in the keyring")
        )
        self.save_button.clicked.connect(self._save)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()

        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(self.edit, 1)
        row.addWidget(self.toggle)
        row.addWidget(self.validate_button)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.setFocusProxy(self.edit)
        self._text_changed("")

    def token(self) -> str:
        """The token as typed (stripped)."""
        return self.edit.text().strip()

    def set_revealed(self, revealed: bool) -> None:
        """Show the token in clear text, or mask it."""
        mode = QLineEdit.EchoMode.Normal if revealed else QLineEdit.EchoMode.Password
        self.edit.setEchoMode(mode)
        self.toggle.setText(
            translate("TokenInput", "Hide") if revealed else translate("TokenInput", "Show")
        )
        if self.toggle.isChecked() != revealed:
            self.toggle.setChecked(revealed)

    @property
    def revealed(self) -> bool:
        """Whether the token is shown in clear text."""
        return self.edit.echoMode() == QLineEdit.EchoMode.Normal

    def set_busy(self, text: str = "") -> None:
        """Show that a check is running (buttons disabled until the verdict)."""
        self._set_buttons(False)
        set_status(self.status, "busy", text or translate("TokenInput", "Checking with the Hub…"))

    def show_valid(self, text: str) -> None:
        """Show a positive verdict (who owns the token, its role and scopes)."""
        self._set_buttons(True)
        set_status(self.status, "ok", "✓ " + text)

    def show_invalid(self, text: str) -> None:
        """Show why the token was refused."""
        self._set_buttons(True)
        set_status(self.status, "error", "✗ " + text)

    def show_note(self, text: str) -> None:
        """Show a neutral note (e.g. which token is in effect now)."""
        set_status(self.status, "note", text)

    @property
    def verdict(self) -> str:
        """The verdict text shown (empty when none)."""
        return self.status.text() if self.status.isVisible() or self.status.text() else ""

    def _set_buttons(self, enabled: bool) -> None:
        has_text = bool(self.token())
        self.validate_button.setEnabled(enabled and has_text)
        self.save_button.setEnabled(enabled and has_text)

    def _text_changed(self, _text: str) -> None:
        self._set_buttons(True)

    def _validate(self) -> None:
        if self.token():
            self.validate_requested.emit(self.token())

    def _save(self) -> None:
        if self.token():
            self.save_requested.emit(self.token())
