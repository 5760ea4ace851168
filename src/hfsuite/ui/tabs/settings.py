"""The Settings tab: every setting, from the Hub token to the log detail.

```
Account      [•••••••••• Show] [Validate] [Save]    ✓ alice · read token · token from
Network      Hub endpoint / mirror, ModelScope endpoint, proxy, no-proxy hosts, timeouts, TLS …
Transfers    bandwidth (all / per task), connections (adaptive, most), files / tasks in parallel,
             connections per host
Folders      default destination, HF cache folder, HF home, default layout, free space to keep
Appearance   theme, language, log detail, database
```

Which section, label and editor each setting gets is in :mod:`hfsuite.ui.tabs.settings_fields`.

Every field saves itself when it is left (or changed, for lists and switches): the value goes
through the same validation as ``hfsuite config set`` (:func:`hfsuite.app.config_ops.set_setting`,
off the UI thread). A refused value stays in the field, outlined, with the reason from the
setting's own ``allowed`` text right below it; nothing is written. Accepted values take effect
in this process at once where that is possible (bandwidth limit, tasks in parallel, theme).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hfsuite.app import accounts
from hfsuite.app.accounts import AuthStatus, LoginResult, TokenInfo
from hfsuite.app.config_ops import SettingRow, describe_settings, set_setting
from hfsuite.core.errors import SettingsValueError
from hfsuite.ui.context import UiContext
from hfsuite.ui.i18n import QT_TRANSLATE_NOOP
from hfsuite.ui.tabs.settings_fields import (
    ACCOUNT,
    CHECKBOX_TEXT,
    CHOICES,
    LABELS,
    PATHS,
    PLACEHOLDERS,
    RANGES,
    SECTIONS,
    SPIN_RANGES,
    rate_text,
    unit_hint,
)
from hfsuite.ui.widgets._status import set_status, status_color
from hfsuite.ui.widgets.path_selector import PathSelector, contract_home
from hfsuite.ui.widgets.token_input import TokenInput

if TYPE_CHECKING:
    from hfsuite.ui.screenshot import ScreenshotOptions, Waiter

translate = QCoreApplication.translate

# Token origins (sources/tokens.py TokenOrigin values) and Hub token roles, as shown.
TOKEN_WORDS = {
    "keyring": QT_TRANSLATE_NOOP("SettingsTab", "keyring"),
    "suite token file": QT_TRANSLATE_NOOP("SettingsTab", "suite token file"),
    "hf token file": QT_TRANSLATE_NOOP("SettingsTab", "hf token file"),
    "read": QT_TRANSLATE_NOOP("SettingsTab", "read"),
    "write": QT_TRANSLATE_NOOP("SettingsTab", "write"),
}

_NO_SPIN_BUTTONS = (
    "QAbstractSpinBox::up-button, QAbstractSpinBox::down-button { width: 0px; border: none; }"
)


def token_summary(info: TokenInfo) -> str:
    """``alice (Alice A.) · read token "laptop" · orgs: acme`` plus scopes when fine-grained."""
    who = info.user + (
        f" ({info.fullname})" if info.fullname and info.fullname != info.user else ""
    )
    role = translate("SettingsTab", "fine-grained") if info.fine_grained else _shown(info.role)
    name = f' "{info.token_name}"' if info.token_name else ""
    parts = [who, translate("SettingsTab", "{role} token{name}").format(role=role, name=name)]
    if info.orgs:
        parts.append(translate("SettingsTab", "orgs: {orgs}").format(orgs=", ".join(info.orgs)))
    text = " · ".join(parts)
    if info.fine_grained:
        scopes = [f"{g.entity}: {', '.join(g.permissions)}" for g in info.scopes]
        if info.global_permissions:
            scopes.append(
                translate("SettingsTab", "global: {permissions}").format(
                    permissions=", ".join(info.global_permissions)
                )
            )
        text += "\n" + translate("SettingsTab", "Scopes: {scopes}").format(
            scopes="; ".join(scopes) if scopes else translate("SettingsTab", "none")
        )
        if info.can_read_gated is not None:
            text += " · " + (
                translate("SettingsTab", "gated repos: readable")
                if info.can_read_gated
                else translate("SettingsTab", "gated repos: not readable")
            )
    return text


@dataclass
class _Field:
    """One setting's editor, its inline message and how to read its value."""

    key: str
    editor: QWidget
    message: QLabel
    read: Callable[[], str]
    last: str


class SettingsTab(QWidget):
    """Token, network, transfer, folder and appearance settings, validated inline.

    Args:
        ctx: The UI context.
        parent: The parent widget.
    """

    #: A setting was saved (key, value as stored).
    setting_saved = Signal(str, object)
    #: A setting was refused (key, reason shown).
    setting_refused = Signal(str, str)
    #: A token check or login answered (True: accepted).
    token_checked = Signal(bool)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.fields: dict[str, _Field] = {}
        self._ready = False
        rows = {row.key: row for row in describe_settings(ctx.suite.loaded)}

        # Account across the top, then two columns of sections: all of it fits a 1280×800
        # window, and on a narrow one the page scrolls.
        column = QWidget()
        column.setMaximumWidth(1240)
        grid = QGridLayout(column)
        grid.setContentsMargins(4, 0, 4, 16)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(2)
        account = self._section(translate("SettingsTab", "Account"), self._account_card(rows))
        grid.addWidget(account, 0, 0, 1, 2)
        for index, (title, keys) in enumerate(SECTIONS):
            card, form = self._card()
            for key in keys:
                self._add_field(form, rows[key])
            section = self._section(translate("SettingsTab", title), card)
            grid.addWidget(section, 1 + index // 2, index % 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(1 + (len(SECTIONS) + 1) // 2, 1)

        outer = QWidget()
        centre = QHBoxLayout(outer)
        centre.setContentsMargins(0, 0, 0, 0)
        centre.addStretch(1)
        centre.addWidget(column, 100)
        centre.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(outer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 0)
        layout.addWidget(scroll)
        self.refresh_token_status()

    # --- building -------------------------------------------------------------------------
    def _section(self, title: str, card: QFrame) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        label = QLabel(title)
        label.setObjectName("title")
        label.setContentsMargins(2, 8, 0, 0)
        layout.addWidget(label)
        layout.addWidget(card, 1)  # cards side by side share a height
        return box

    def _card(self) -> tuple[QFrame, QFormLayout]:
        card = QFrame()
        card.setObjectName("card")
        form = QFormLayout(card)
        form.setContentsMargins(14, 12, 14, 12)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(8)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        return card, form

    def _account_card(self, rows: dict[str, SettingRow]) -> QFrame:
        card, form = self._card()
        self.token_input = TokenInput(card)
        self.token_input.validate_requested.connect(self.validate_token)
        self.token_input.save_requested.connect(self.save_token)
        self.token_status = QLabel(card)
        self.token_status.setObjectName("muted")
        self.token_status.setWordWrap(True)
        form.addRow(translate("SettingsTab", "Access token"), self.token_input)
        form.addRow(translate("SettingsTab", "In use"), self.token_status)
        for key in ACCOUNT:
            self._add_field(form, rows[key])
        return card

    def _add_field(self, form: QFormLayout, row: SettingRow) -> None:
        key = row.key
        editor: QWidget
        read: Callable[[], str]
        if key in CHECKBOX_TEXT:
            box = QCheckBox(translate("SettingsTab", CHECKBOX_TEXT[key]))
            box.setChecked(bool(row.value))
            box.toggled.connect(lambda _on, k=key: self.commit(k))
            editor, read = (
                box,
                cast(Callable[[], str], lambda b=box: "true" if b.isChecked() else "false"),
            )
        elif key in SPIN_RANGES:
            editor, read = self._spin_box(key, row.value)
        elif key in RANGES:
            # A line edit, not a spin box: an out-of-range number gets the reason inline.
            number = QLineEdit(str(row.value))
            number.setFixedWidth(80)
            number.editingFinished.connect(lambda k=key: self.commit(k))
            editor, read = number, cast(Callable[[], str], lambda e=number: e.text().strip())
        elif key in PATHS:
            placeholder = PLACEHOLDERS.get(key, "")
            placeholder = translate("SettingsTab", placeholder) if placeholder else ""
            if key == "hf_cache_dir":
                placeholder = cache_placeholder(self.ctx.suite.settings)
            selector = PathSelector(
                placeholder=placeholder, dialog_title=translate("SettingsTab", LABELS[key])
            )
            selector.set_path(row.value or "")
            selector.path_changed.connect(lambda _p, k=key: self.commit(k))
            editor, read = selector, selector.path
        elif key in CHOICES:
            editor, read = self._combo(key, row.value)
        else:
            edit = QLineEdit()
            if key.endswith("_bps"):
                edit.setText(rate_text(row.value))
                edit.setPlaceholderText(translate("SettingsTab", "0 = unlimited"))
                edit.setMaximumWidth(180)
            else:
                edit.setText("" if row.value is None else str(row.value))
                placeholder = PLACEHOLDERS.get(key, "")
                edit.setPlaceholderText(
                    translate("SettingsTab", placeholder) if placeholder else ""
                )
                if unit_hint(key):
                    edit.setFixedWidth(120)
            edit.editingFinished.connect(lambda k=key: self.commit(k))
            editor, read = edit, cast(Callable[[], str], lambda e=edit: e.text().strip())
        editor.setToolTip(
            translate("SettingsTab", "{description}\nAllowed: {allowed}.").format(
                description=row.description, allowed=row.allowed
            )
        )
        editor.setObjectName(f"setting_{key}")
        message = QLabel()
        message.setWordWrap(True)
        message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        message.hide()
        holder = QWidget()
        box_layout = QVBoxLayout(holder)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.setSpacing(3)
        if isinstance(editor, QComboBox) or unit_hint(key):
            line = QHBoxLayout()
            line.addWidget(editor)
            hint = QLabel(unit_hint(key))
            hint.setObjectName("muted")
            line.addWidget(hint, 1)
            box_layout.addLayout(line)
        else:
            box_layout.addWidget(editor)
        box_layout.addWidget(message)
        label = QLabel(translate("SettingsTab", LABELS[key]) if key in LABELS else key)
        label.setToolTip(row.description)
        form.addRow(label, holder)
        field = _Field(key, editor, message, read, read())
        self.fields[key] = field
        self._show_origin(field, row.origin)

    def _spin_box(self, key: str, value: Any) -> tuple[QWidget, Callable[[], str]]:
        low, high, decimals, suffix = SPIN_RANGES[key]
        spin: QSpinBox | QDoubleSpinBox
        if decimals:
            spin = QDoubleSpinBox()
            spin.setDecimals(decimals)
            spin.setRange(low, high)
            spin.setValue(float(value))
        else:
            spin = QSpinBox()
            spin.setRange(int(low), int(high))
            spin.setValue(int(value))
        spin.setSuffix(suffix)
        spin.setKeyboardTracking(False)
        spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
        # No arrow buttons (as the status bar's limit): arrow keys and the wheel still step.
        # Zero-width buttons, not NoButtons, which leaves a styled spin box blank.
        spin.setStyleSheet(_NO_SPIN_BUTTONS)
        inner = spin.findChild(QLineEdit)
        if inner is not None:  # the style sheet's padding does not reach it: line edits' margin
            inner.setTextMargins(5, 0, 0, 0)
        spin.setFixedWidth(80)
        # Without keyboard tracking this fires on arrows, the wheel, Enter and leaving the box.
        spin.valueChanged.connect(lambda _v, k=key: self.commit(k))
        return spin, cast(Callable[[], str], lambda s=spin: f"{s.value():g}")

    def _combo(self, key: str, value: Any) -> tuple[QWidget, Callable[[], str]]:
        combo = QComboBox()
        for choice, shown in CHOICES[key]:
            combo.addItem(translate("SettingsTab", shown), choice)
        if key == "language":
            combo.setEditable(True)
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            line_edit = combo.lineEdit()
            assert line_edit is not None  # editable combo
            line_edit.editingFinished.connect(lambda k=key: self.commit(k))
        index = combo.findData(str(value))
        if index >= 0:
            combo.setCurrentIndex(index)
        else:
            combo.setEditText(str(value))
        combo.activated.connect(lambda _i, k=key: self.commit(k))
        combo.setMinimumWidth(260)
        return combo, cast(Callable[[], str], lambda c=combo: _combo_value(c))

    # --- hooks ------------------------------------------------------------------------------
    def is_ready(self) -> bool:
        """The token status has answered."""
        return self._ready

    def tab_shown(self) -> None:
        """Nothing to reload: settings only change through this tab or the CLI (restart)."""

    def focus_search(self) -> bool:
        """No search here (Ctrl+F goes to the Browse tab)."""
        return False

    def refresh_icons(self) -> None:
        """No icons of its own to repaint."""

    def prepare_screenshot(self, options: ScreenshotOptions, wait: Waiter) -> None:
        """Nothing to stage: the screenshot shows the settings as they are."""

    # --- saving -----------------------------------------------------------------------------
    def set_text(self, key: str, text: str) -> None:
        """Put text in a field as if typed (tests, helpers); :meth:`commit` saves it."""
        editor = self.fields[key].editor
        if isinstance(editor, QLineEdit):
            editor.setText(text)
        elif isinstance(editor, PathSelector):
            editor.edit.setText(text)
        elif isinstance(editor, QComboBox):
            index = editor.findData(text)
            if index >= 0:
                editor.setCurrentIndex(index)
            else:
                editor.setEditText(text)
        elif isinstance(editor, QCheckBox):
            editor.setChecked(text == "true")
        elif isinstance(editor, QSpinBox | QDoubleSpinBox):
            editor.blockSignals(True)  # saved by commit(), as typed text is
            if isinstance(editor, QDoubleSpinBox):
                editor.setValue(float(text))
            else:
                editor.setValue(int(text))
            editor.blockSignals(False)

    def message_of(self, key: str) -> str:
        """The inline message shown under a field (empty when none)."""
        message = self.fields[key].message
        return message.text() if not message.isHidden() else ""

    def commit(self, key: str) -> None:
        """Validate and save a field's value if it changed (refused values stay, outlined)."""
        field = self.fields[key]
        raw = field.read()
        if key.endswith("_bps") and raw == "":
            raw = "0"
        if raw == field.last and not field.editor.property("invalid"):
            return
        store = self.ctx.suite.store

        def done(stored: Any) -> None:
            field.last = raw
            self._mark_invalid(field, False)
            self._apply(key, stored)
            self.setting_saved.emit(key, stored)

        def failed(error: BaseException) -> None:
            if not isinstance(error, SettingsValueError):
                self.ctx.show_error(error)
                return
            reason = (
                translate("SettingsTab", "Not saved: {value} is not accepted. {hint}")
                .format(value=repr(raw), hint=error.hint or "")
                .strip()
            )
            self._mark_invalid(field, True)
            set_status(field.message, "error", reason)
            self.setting_refused.emit(key, reason)

        self.ctx.run_async(lambda: set_setting(store, key, raw), done, failed)

    def _mark_invalid(self, field: _Field, invalid: bool) -> None:
        target = field.editor.edit if isinstance(field.editor, PathSelector) else field.editor
        field.editor.setProperty("invalid", invalid)
        if isinstance(target, QAbstractSpinBox):
            return  # bounded as its validator is: it never holds a refused value
        if invalid:
            color = status_color(self, "error").name()
            target.setStyleSheet(f"border: 1px solid {color};")
        else:
            target.setStyleSheet("")

    def _apply(self, key: str, stored: Any) -> None:
        """Take an accepted value into this process, when no env variable overrides it."""
        suite = self.ctx.suite
        field = self.fields[key]
        origin = suite.loaded.origins.get(key, "default")
        if origin.startswith("env:") or origin == "override":
            self._show_origin(field, origin, saved=True)
            return
        value = stored
        if stored is None:
            from hfsuite.config import Settings

            value = Settings.model_fields[key].get_default(call_default_factory=True)
        setattr(suite.settings, key, value)
        suite.loaded.origins[key] = "file"
        set_status(field.message, "ok", translate("SettingsTab", "Saved."))
        value = getattr(suite.settings, key)
        if key in ("hf_home", "hf_cache_dir") and "hf_cache_dir" in self.fields:
            cache = self.fields["hf_cache_dir"].editor
            if isinstance(cache, PathSelector):
                cache.edit.setPlaceholderText(cache_placeholder(suite.settings))
        if key == "global_limit_bps":
            set_limit = getattr(self.ctx, "set_global_limit", None)  # tells the status bar too
            if set_limit is not None:
                set_limit(int(value))
            else:
                suite.global_bucket.set_rate(int(value))
        elif key == "tasks_in_parallel":
            self.ctx.manager.tasks_in_parallel = int(value)
        elif key == "theme":
            self._apply_theme(str(value))
        if isinstance(field.editor, QLineEdit) and (key.endswith("_bps") or key in RANGES):
            field.editor.setText(rate_text(value) if key.endswith("_bps") else str(value))
            field.last = field.read()

    def _apply_theme(self, name: str) -> None:
        requested = getattr(self.ctx, "theme_requested", None)
        if requested is not None and self.window() is not self:
            requested.emit(name)  # the main window switches theme and refreshes its icons
            return
        app = QApplication.instance()
        if isinstance(app, QApplication):
            from hfsuite.ui.theme import apply_theme

            apply_theme(app, name)

    def _show_origin(self, field: _Field, origin: str, *, saved: bool = False) -> None:
        if origin.startswith("env:"):
            var = origin.removeprefix("env:")
            text = translate(
                "SettingsTab", "Set by the environment variable {var}, which wins over this field."
            ).format(var=var)
            if saved:
                text = translate(
                    "SettingsTab",
                    "Saved, but {var} from the environment is in effect until it is unset.",
                ).format(var=var)
            set_status(field.message, "warning", text)
        elif origin == "override":
            set_status(
                field.message,
                "warning",
                translate("SettingsTab", "Set on the command line for this run."),
            )

    # --- token ------------------------------------------------------------------------------
    def refresh_token_status(self) -> None:
        """Show which token is in effect and whom it belongs to."""
        suite = self.ctx.suite
        self.token_status.setText(translate("SettingsTab", "Checking…"))

        def done(status: AuthStatus) -> None:
            self._ready = True
            if status.origin is None:
                self.token_status.setText(translate("SettingsTab", "No token: public models only."))
            elif status.info is not None:
                self.token_status.setText(
                    translate("SettingsTab", "{token} from {origin} · {summary}").format(
                        token=status.masked,
                        origin=_shown(status.origin.value),
                        summary=token_summary(status.info),
                    )
                )
            else:
                self.token_status.setText(
                    translate("SettingsTab", "{token} from {origin}: {error}").format(
                        token=status.masked,
                        origin=_shown(status.origin.value),
                        error=status.error,
                    )
                )

        def failed(error: BaseException) -> None:
            self._ready = True
            self.token_status.setText(
                translate("SettingsTab", "Could not check the token: {error}").format(
                    error=_message(error)
                )
            )

        self.ctx.run_async(lambda: accounts.status(suite), done, failed)

    def validate_token(self, token: str) -> None:
        """Ask the Hub whom ``token`` belongs to; show owner, role and scopes or the reason."""
        suite = self.ctx.suite
        self.token_input.set_busy()

        def done(status: AuthStatus) -> None:
            if status.info is not None:
                self.token_input.show_valid(token_summary(status.info))
                self.token_checked.emit(True)
            else:
                hint = f" {status.hint}" if status.hint else ""
                error = status.error or translate("SettingsTab", "Refused.")
                self.token_input.show_invalid(f"{error}{hint}")
                self.token_checked.emit(False)

        def failed(error: BaseException) -> None:
            self.token_input.show_invalid(_message(error, with_hint=True))
            self.token_checked.emit(False)

        self.ctx.run_async(lambda: accounts.status(suite, token=token), done, failed)

    def save_token(self, token: str) -> None:
        """Validate ``token`` and store it (keyring, else the suite's 0600 token file)."""
        suite = self.ctx.suite
        self.token_input.set_busy(translate("SettingsTab", "Validating and saving…"))

        def done(result: LoginResult) -> None:
            where = result.location or _shown(result.stored_in.value)
            text = translate("SettingsTab", "{summary}\nSaved to {where}.").format(
                summary=token_summary(result.info), where=where
            )
            if result.warning:
                text += f" {result.warning}"
            self.token_input.show_valid(text)
            self.token_input.edit.clear()
            self.token_checked.emit(True)
            self.refresh_token_status()

        def failed(error: BaseException) -> None:
            self.token_input.show_invalid(_message(error, with_hint=True))
            self.token_checked.emit(False)

        self.ctx.run_async(lambda: accounts.login(suite, token), done, failed)


def cache_placeholder(settings: Any) -> str:
    """The HF cache folder in effect when the field is empty — what huggingface_hub uses:
    ``HF_HUB_CACHE``, else ``<HF_HOME>/hub`` (``HF_HOME`` defaulting to
    ``$XDG_CACHE_HOME/huggingface`` or ``~/.cache/huggingface``)."""
    return translate("SettingsTab", "{path}  (HF home/hub)").format(
        path=contract_home(str(settings.hub_cache))
    )


def _shown(word: str) -> str:
    """A token origin or role as the tab shows it (translated when it is a known one)."""
    known = TOKEN_WORDS.get(word)
    return translate("SettingsTab", known) if known else word


def _combo_value(combo: QComboBox) -> str:
    index = combo.currentIndex()
    text = combo.currentText().strip()
    if index >= 0 and combo.itemText(index) == text:
        return str(combo.itemData(index))
    return text


def _message(error: BaseException, *, with_hint: bool = False) -> str:
    text = str(getattr(error, "message", None) or error)
    hint = getattr(error, "hint", None)
    return f"{text} {hint}" if with_hint and hint else text
