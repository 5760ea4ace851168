"""The desktop app in Chinese: widgets of converted modules show the shipped translation once
the translators are installed (as ``hfsuite gui`` does), Qt's standard buttons too, and English
again when they are removed. pytest-qt, offscreen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("PySide6")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QDialogButtonBox, QPushButton

from hfsuite.core import i18n
from hfsuite.ui.i18n import install_translators


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[QApplication]:
    """The application with the zh_CN translators; English and the old language after."""
    saved = (i18n._language, i18n._catalogue)
    installed = install_translators(qapp, "zh_CN")
    assert installed, "no zh_CN catalogue loaded"
    yield qapp
    install_translators(qapp, "en")
    i18n._language, i18n._catalogue = saved


def _close_button(dialog: Any) -> QPushButton:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    button = box.button(QDialogButtonBox.StandardButton.Close)
    assert button is not None
    return button


def test_the_shortcuts_dialog_in_chinese(chinese: QApplication, qtbot: Any) -> None:
    from hfsuite.ui.dialogs.help_dialog import ShortcutsDialog

    dialog = ShortcutsDialog(["Downloads", "History"])
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "键盘快捷键"
    header = dialog.tree.headerItem()
    assert (header.text(0), header.text(1)) == ("按键", "操作")
    assert any(action == "转到History" for _keys, action in dialog.entries())
    assert _close_button(dialog).text() == "关闭"  # Qt's own catalogue


def test_english_when_the_translators_are_removed(qapp: QApplication, qtbot: Any) -> None:
    from hfsuite.ui.dialogs.help_dialog import ShortcutsDialog

    install_translators(qapp, "zh_CN")
    install_translators(qapp, "en")
    dialog = ShortcutsDialog(["Downloads"])
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Keyboard shortcuts"
    assert _close_button(dialog).text().replace("&", "") == "Close"


def test_a_language_without_catalogue_stays_in_english(qapp: QApplication) -> None:
    saved = (i18n._language, i18n._catalogue)
    try:
        assert install_translators(qapp, "xx") == []
    finally:
        install_translators(qapp, "en")
        i18n._language, i18n._catalogue = saved
