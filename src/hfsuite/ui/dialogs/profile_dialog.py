"""Adding or editing a profile: a name, a destination and download defaults.

```
┌ New profile ───────────────────────────────────────────────┐
│ Name         [comfy-loras                               ]  │
│ Destination  (•) Tool folder [ComfyUI · loras        ▾]     │
│                  Subfolder   [                       ]     │
│              ( ) Folder      [~/Models            ][…]     │
│              ( ) HF cache    ~/.cache/huggingface/hub      │
│ Only files   [*.safetensors                            ]   │
│ Skip files   [*.bin                                    ]   │
│ Connections  [auto]   Speed limit [none]                   │
│ <why it was refused, in red>                               │
│                                        [Cancel] [Save]     │
└────────────────────────────────────────────────────────────┘
```

The profile is built and stored by the same service as ``hfsuite profiles add``
(:class:`hfsuite.app.profiles.ProfileService`), off the UI thread; a refusal (a taken name, a
tool folder that is gone…) is shown in the dialog, which stays open.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hfsuite.app.profiles import Profile, ProfileDefaults, ProfileService
from hfsuite.app.tools import DetectedTool
from hfsuite.core.destination import DestinationKind
from hfsuite.core.errors import HfSuiteError
from hfsuite.ui.context import UiContext
from hfsuite.ui.tabs.profiles_icons import tool_icon
from hfsuite.ui.widgets._status import set_status
from hfsuite.ui.widgets.path_selector import PathSelector, contract_home

translate = QCoreApplication.translate

MIB = 1 << 20
_SPLIT = re.compile(r"[,\s]+")


def patterns(text: str) -> tuple[str, ...]:
    """``*.safetensors, *.json`` → ``("*.safetensors", "*.json")``."""
    return tuple(p for p in _SPLIT.split(text.strip()) if p)


class ProfileDialog(QDialog):
    """A profile's fields; saves through the profile service.

    Args:
        ctx: The UI context.
        tools: The detected tools (their download folders are the tool destinations).
        service: Makes the profile service (the tab's: tests give their own tools).
        profile: The profile to edit (None: a new one).
        parent: The parent widget.
    """

    #: The profile was stored (the stored :class:`Profile`).
    saved = Signal(object)

    def __init__(
        self,
        ctx: UiContext,
        tools: list[DetectedTool],
        service: Callable[[], ProfileService],
        profile: Profile | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self.original = profile
        self.setObjectName("profile_dialog")
        self.setWindowTitle(
            translate("ProfileDialog", "Edit profile")
            if profile
            else translate("ProfileDialog", "New profile")
        )
        self.setMinimumWidth(560)

        title = QLabel(
            translate("ProfileDialog", "Edit profile {name}").format(name=profile.name)
            if profile
            else translate("ProfileDialog", "New profile")
        )
        title.setObjectName("title")
        self.name_edit = QLineEdit(profile.name if profile else "")
        self.name_edit.setPlaceholderText(
            translate("ProfileDialog", "e.g. comfy-loras (letters, digits, - _ .)")
        )

        self.tool_radio = QRadioButton(translate("ProfileDialog", "Tool folder"))
        self.folder_radio = QRadioButton(translate("ProfileDialog", "Folder"))
        self.cache_radio = QRadioButton(translate("ProfileDialog", "HF cache"))
        self.kinds = QButtonGroup(self)
        for i, radio in enumerate((self.tool_radio, self.folder_radio, self.cache_radio)):
            self.kinds.addButton(radio, i)
        self.tool_combo = QComboBox()
        for tool in tools:
            if tool.kind == "ollama":
                continue
            for kind in sorted(tool.default_folder):
                label = f"{tool.display_name} · {kind}"
                if tool.name != tool.kind:
                    label = f"{tool.display_name} ({tool.name}) · {kind}"
                self.tool_combo.addItem(tool_icon(tool.kind), label, f"{tool.name}:{kind}")
        self.subfolder_edit = QLineEdit()
        self.subfolder_edit.setPlaceholderText(
            translate("ProfileDialog", "optional: a folder of its own inside the kind's")
        )
        self.folder_selector = PathSelector(
            dialog_title=translate("ProfileDialog", "Profile folder")
        )
        hf_cache = ctx.suite.settings.hub_cache
        self.cache_label = QLabel(contract_home(str(hf_cache)))
        self.cache_label.setObjectName("muted")
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.addWidget(self.tool_radio, 0, 0)
        grid.addWidget(self.tool_combo, 0, 1)
        grid.addWidget(
            QLabel(translate("ProfileDialog", "Subfolder")), 1, 0, Qt.AlignmentFlag.AlignRight
        )
        grid.addWidget(self.subfolder_edit, 1, 1)
        grid.addWidget(self.folder_radio, 2, 0)
        grid.addWidget(self.folder_selector, 2, 1)
        grid.addWidget(self.cache_radio, 3, 0)
        grid.addWidget(self.cache_label, 3, 1)
        grid.setColumnStretch(1, 1)

        self.include_edit = QLineEdit()
        self.include_edit.setPlaceholderText(
            translate("ProfileDialog", "all files  (e.g. *.safetensors, *.json)")
        )
        self.exclude_edit = QLineEdit()
        self.exclude_edit.setPlaceholderText(translate("ProfileDialog", "none  (e.g. *.bin)"))
        self.connections_spin = QSpinBox()
        self.connections_spin.setRange(0, 64)
        self.connections_spin.setSpecialValueText(translate("ProfileDialog", "setting"))
        self.limit_spin = QDoubleSpinBox()
        self.limit_spin.setRange(0.0, 100_000.0)
        self.limit_spin.setDecimals(1)
        self.limit_spin.setSuffix(translate("ProfileDialog", " MiB/s"))
        self.limit_spin.setSpecialValueText(translate("ProfileDialog", "none"))

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(translate("ProfileDialog", "Name"), self.name_edit)
        form.addRow(translate("ProfileDialog", "Destination"), grid)
        form.addRow(translate("ProfileDialog", "Only files"), self.include_edit)
        form.addRow(translate("ProfileDialog", "Skip files"), self.exclude_edit)
        form.addRow(translate("ProfileDialog", "Connections"), self.connections_spin)
        form.addRow(translate("ProfileDialog", "Speed limit"), self.limit_spin)
        self.message = QLabel()
        self.message.setObjectName("profile_message")
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(
            translate("ProfileDialog", "Save"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setObjectName("primary")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self.kinds.idToggled.connect(self._kind_toggled)
        self._fill(profile)

    def _fill(self, profile: Profile | None) -> None:
        if profile is None:
            (self.tool_radio if self.tool_combo.count() else self.folder_radio).setChecked(True)
            self._kind_toggled(self.kinds.checkedId(), True)
            return
        if profile.target is not None:
            self.tool_radio.setChecked(True)
            to = f"{profile.target.tool}:{profile.target.model_kind}"
            index = self.tool_combo.findData(to)
            if index < 0:  # the tool is gone: keep the choice visible
                self.tool_combo.addItem(destination_label(profile), to)
                index = self.tool_combo.count() - 1
            self.tool_combo.setCurrentIndex(index)
            self.subfolder_edit.setText(profile.subfolder or "")
        elif profile.kind is DestinationKind.HF_CACHE:
            self.cache_radio.setChecked(True)
        else:
            self.folder_radio.setChecked(True)
            self.folder_selector.set_path(profile.path)
        d = profile.defaults
        self.include_edit.setText(", ".join(d.include))
        self.exclude_edit.setText(", ".join(d.exclude))
        self.connections_spin.setValue(d.connections or 0)
        self.limit_spin.setValue((d.limit_bps or 0) / MIB)
        self._kind_toggled(self.kinds.checkedId(), True)

    def _kind_toggled(self, _id: int, checked: bool) -> None:
        if not checked:
            return
        self.tool_combo.setEnabled(self.tool_radio.isChecked())
        self.subfolder_edit.setEnabled(self.tool_radio.isChecked())
        self.folder_selector.setEnabled(self.folder_radio.isChecked())

    # --- values ---------------------------------------------------------------------------
    def defaults(self) -> ProfileDefaults:
        """The defaults the fields say."""
        limit = round(self.limit_spin.value() * MIB)
        return ProfileDefaults(
            include=patterns(self.include_edit.text()),
            exclude=patterns(self.exclude_edit.text()),
            connections=self.connections_spin.value() or None,
            limit_bps=limit or None,
        )

    def set_tool_target(self, to: str) -> None:
        """Choose the tool folder ``TOOL:KIND`` (tests, keyboard users)."""
        self.tool_radio.setChecked(True)
        self.tool_combo.setCurrentIndex(self.tool_combo.findData(to))

    def set_folder(self, folder: str | Path) -> None:
        """Choose a plain folder."""
        self.folder_radio.setChecked(True)
        self.folder_selector.set_path(folder)

    def show_message(self, text: str) -> None:
        """Show why the profile was refused (the dialog stays open)."""
        set_status(self.message, "error", text)

    def message_text(self) -> str:
        """The refusal shown (empty: none)."""
        return self.message.text() if not self.message.isHidden() else ""

    # --- saving ---------------------------------------------------------------------------
    def save(self) -> None:
        """Build and store the profile off the UI thread; close when it is stored."""
        name = self.name_edit.text().strip()
        to = str(self.tool_combo.currentData()) if self.tool_radio.isChecked() else None
        subfolder = self.subfolder_edit.text().strip() or None if to else None
        folder_text = self.folder_selector.path()
        if self.folder_radio.isChecked() and not folder_text:
            self.show_message(translate("ProfileDialog", "Choose the profile's folder."))
            return
        folder = Path(folder_text) if self.folder_radio.isChecked() else None
        hf_cache = self.cache_radio.isChecked()
        defaults = self.defaults()
        original = self.original
        make = self.service
        self.save_button.setEnabled(False)

        def work() -> Profile:
            service = make()
            profile = service.build(
                name, to=to, folder=folder, hf_cache=hf_cache, subfolder=subfolder,
                defaults=defaults,
            )  # fmt: skip
            renamed = original is not None and original.name != profile.name
            _, stored = service.add(profile, replace_existing=original is not None and not renamed)
            if renamed and original is not None:
                service.remove(original.name)
            return stored

        def done(profile: Profile) -> None:
            self.saved.emit(profile)
            self.accept()

        def failed(error: BaseException) -> None:
            self.save_button.setEnabled(True)
            if isinstance(error, HfSuiteError):
                self.show_message(f"{error.message} {error.hint or ''}".strip())
            else:
                self.ctx.show_error(error)

        self.ctx.run_async(work, done, failed)


def destination_label(profile: Profile) -> str:
    """A tool profile's destination as the tool combo lists it."""
    target = profile.target
    if target is None:
        return str(profile.path)
    return f"{target.display} · {target.model_kind}"
