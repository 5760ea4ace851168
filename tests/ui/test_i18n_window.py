"""The whole window in Chinese: the main window built with the zh_CN translators installed (as
``hfsuite gui`` does for ``language = "zh_CN"``) shows Chinese tab titles, menus, status bar and
the labels of every tab; English again once the translators are swapped back. Also: every module
under ``ui/`` is either converted or checked as having nothing to mark. pytest-qt, offscreen."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from hfsuite.core import i18n
from hfsuite.ui.i18n import install_translators

# Imported here, not in a test: a first import while a test's download threads run has hit a
# CPython 3.11 race in ast.parse (pytest's assertion rewriting compiles the module).
from hfsuite.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
HAN = re.compile(r"[\u4e00-\u9fff]")


def load_script() -> Any:
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[QApplication]:
    """The application with the zh_CN translators; English (and the old gettext language)
    after, so the tests that follow read English."""
    saved = (i18n._language, i18n._catalogue)
    assert install_translators(qapp, "zh_CN"), "no zh_CN catalogue loaded"
    try:
        yield qapp
    finally:
        install_translators(qapp, "en")
        i18n._language, i18n._catalogue = saved


def _window(qtbot: Any, ctx: Any) -> Any:
    window = MainWindow(ctx, restore=False)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def _texts(widget: QWidget) -> list[str]:
    """The texts of a widget's labels and buttons (shown or not)."""
    found = [label.text() for label in widget.findChildren(QLabel)]
    found += [button.text() for button in widget.findChildren(QPushButton)]
    return [t for t in found if t]


def test_the_main_window_in_chinese(chinese: QApplication, qtbot: Any, ctx: Any) -> None:
    window = _window(qtbot, ctx)
    try:
        titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
        assert titles == ["下载", "浏览", "历史", "本地模型", "配置", "ComfyUI", "设置"]
        assert window.corner_button.toolTip() == "帮助与外观"
        menu = window.corner_button.menu()
        assert menu is not None
        entries = [a.text() for a in menu.actions() if a.text()]
        assert entries[:4] == ["统计…", "比较模型…", "错误…", "键盘快捷键…"]
        assert window.pause_all_action.text() == "全部暂停"
        status = window.status
        assert status.errors_button.text() == "没有错误"
        assert status.limit_spin.text() == "不限速"
        qtbot.waitUntil(lambda: "个进行中" in status.counts_label.text(), timeout=5000)
        assert status.counts_label.text() == "0 个进行中 · 0 个排队"
        status.show_error_count(2)
        assert status.errors_button.text() == "⚠ 2 个错误"

        # the tabs built in Chinese (their own words come from their modules)
        settings = window.show_tab("settings")
        shown = _texts(settings)
        for word in ("账户", "访问令牌", "网络", "传输", "文件夹与磁盘", "外观与数据", "验证"):
            assert word in shown, word
        assert "带宽限制（所有下载）" in shown and "语言" in shown
        profiles = window.show_tab("profiles")
        assert "本机上的工具" in _texts(profiles)
        browse = window.show_tab("browse")
        assert browse.search_bar.placeholderText().startswith("在 Hub 上搜索模型")  # type: ignore[attr-defined]
        downloads = window.show_tab("downloads")
        files = downloads.details.files_model  # type: ignore[attr-defined]
        headers = [
            files.headerData(c, Qt.Orientation.Horizontal) for c in range(files.columnCount())
        ]
        assert headers == ["文件", "大小", "进度", "状态"]

        # the shortcuts dialog gets the translated titles and the table's words
        dialog = window.show_shortcuts()
        actions = [action for _keys, action in dialog.entries()]
        assert "添加下载（ID 或网址）" in actions and "转到设置" in actions
        dialog.close()
    finally:
        window.close()


def test_english_again_after_switching_back(qapp: QApplication, qtbot: Any, ctx: Any) -> None:
    saved = (i18n._language, i18n._catalogue)
    install_translators(qapp, "zh_CN")
    install_translators(qapp, "en")
    i18n._language, i18n._catalogue = saved
    window = _window(qtbot, ctx)
    try:
        titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
        assert titles[:3] == ["Downloads", "Browse", "History"]
        assert window.status.errors_button.text() == "No errors"
        assert not any(HAN.search(t) for t in _texts(window.show_tab("settings")))
    finally:
        window.close()


def test_every_ui_module_is_converted_or_has_nothing_to_mark() -> None:
    script = load_script()
    modules = {str(p.relative_to(script.PACKAGE)) for p in (script.PACKAGE / "ui").rglob("*.py")}
    converted, nothing = set(script.CONVERTED_UI), set(script.UI_NOTHING_TO_MARK)
    assert not converted & nothing
    assert modules == converted | nothing, sorted(modules ^ (converted | nothing))
    for rel in converted:
        text = (script.PACKAGE / rel).read_text(encoding="utf-8")
        assert "translate(" in text or "QT_TRANSLATE_NOOP(" in text, rel
