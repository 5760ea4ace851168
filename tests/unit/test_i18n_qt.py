"""The desktop app in Chinese: widgets of converted modules show the shipped translation once
the translators are installed (as ``hfsuite gui`` does), Qt's standard buttons too, and English
again when they are removed. pytest-qt, offscreen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
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


@pytest.fixture
def ui_context(qapp: QApplication, tmp_path: Path) -> Iterator[Any]:
    """A UiContext over a Suite in the sandbox (no hub needed: the History tab reads the
    database), its download manager started and stopped as the window does."""
    from hfsuite.app.queue.manager import DownloadManager
    from hfsuite.app.suite import Suite
    from hfsuite.config import SettingsStore
    from hfsuite.ui.context import UiContext

    store = SettingsStore(tmp_path / "cfg" / "settings.toml")
    env = {
        "HFSUITE_DB_URL": os.environ.get("HFSUITE_DB_URL", f"sqlite:///{tmp_path / 'db.sqlite'}"),
        "HFSUITE_HF_HOME": str(tmp_path / "hf-home"),
        "HFSUITE_DOWNLOAD_DIR": str(tmp_path / "downloads"),
    }
    suite = Suite(store.load(env=env), store)
    manager = DownloadManager(suite)
    manager.sync()
    manager.start(poll_interval_s=0.2)
    context = UiContext(suite, manager)
    yield context
    manager.stop()
    context.close()
    suite.close()


def test_the_history_tab_in_chinese(chinese: QApplication, ui_context: Any, qtbot: Any) -> None:
    from hfsuite.ui.tabs.history import HistoryTab

    tab = HistoryTab(ui_context)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(tab.is_ready, timeout=10_000)
    assert tab.check_button.text() == "检查更新"
    assert tab.favorites_button.text() == "★ 收藏"
    assert tab.date_combo.itemText(0) == "任意时间"
    assert tab.outcome_combo.itemText(1) == "已完成"
    headers = [
        tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(tab.model.columnCount())
    ]
    assert "仓库" in headers and "平均速度" in headers
    assert tab.summary_label.text() == "还没有下载记录。"


def test_the_queue_table_headers_in_chinese(chinese: QApplication) -> None:
    from hfsuite.core.types import TaskState
    from hfsuite.ui.models.task_model import HEADERS, Column, TaskTableModel, state_label

    model = TaskTableModel()
    shown = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert shown[:3] == ["名称", "来源", "大小"]
    assert state_label(TaskState.RUNNING) == "下载中"
    assert HEADERS[Column.NAME] == "Name"  # the table itself stays English
