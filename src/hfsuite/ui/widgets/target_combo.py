"""A destination combo's profiles and ``TOOL:KIND`` folders (the Add dialog, Browse's bar)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox

from hfsuite.app.target_choices import TargetChoice

translate = QCoreApplication.translate


def choice_label(choice: TargetChoice) -> str:
    """How the combo lists a choice: ``Profile NAME`` translated, a tool folder as it is
    (``ComfyUI · loras``: names)."""
    if choice.profile is not None:
        return translate("TargetCombo", "Profile {name}").format(name=choice.profile)
    return choice.label


def choose_target(combo: QComboBox, *, profile: str | None, to: str | None) -> bool:
    """Select the entry of profile ``profile`` or tool folder ``to``; whether there is one."""
    for i in range(combo.count()):
        data = combo.itemData(i)
        if isinstance(data, TargetChoice) and (data.profile, data.to) == (profile, to):
            combo.setCurrentIndex(i)
            return True
    return False


def chosen_target(combo: QComboBox) -> TargetChoice | None:
    """The profile or tool folder selected (None: the HF cache or a plain folder)."""
    data = combo.currentData()
    return data if isinstance(data, TargetChoice) else None
