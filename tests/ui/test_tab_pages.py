"""Every tab implements TabPage; the main window and --screenshot call its hooks directly."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from hfsuite.core.errors import UsageError
from hfsuite.ui import app as ui_app
from hfsuite.ui.main_window import MainWindow
from hfsuite.ui.screenshot import ScreenshotOptions
from hfsuite.ui.tabs import TABS
from hfsuite.ui.tabs.base import TabPage

HOOKS = [n for n, _ in inspect.getmembers(TabPage, inspect.isfunction) if not n.startswith("_")]


def test_the_protocol_has_the_hooks_the_window_calls() -> None:
    assert set(HOOKS) == {
        "tab_shown",
        "focus_search",
        "is_ready",
        "refresh_icons",
        "prepare_screenshot",
    }


@pytest.mark.parametrize("name", [entry.name for entry in TABS])
def test_each_tab_is_its_own_page_and_defines_every_hook(
    qtbot: Any, main_window: MainWindow, name: str
) -> None:
    widget = main_window.show_tab(name)
    page = main_window.tab_page(name)
    assert page is widget
    for hook in HOOKS:
        assert hook in type(widget).__dict__, f"{type(widget).__name__} lacks {hook}"
    qtbot.waitUntil(page.is_ready, timeout=10000)
    page.refresh_icons()
    waited: list[object] = []
    page.prepare_screenshot(ScreenshotOptions(Path("x.png")), waited.append)
    assert waited == []  # nothing asked, nothing staged


def test_ctrl_f_focuses_the_current_tabs_search_or_the_browse_tab(
    qtbot: Any, main_window: MainWindow
) -> None:
    history: Any = main_window.show_tab("history")
    main_window.activateWindow()
    main_window.search_requested()
    assert main_window.current_tab_name() == "history"
    qtbot.waitUntil(history.text_edit.hasFocus, timeout=2000)

    main_window.show_tab("settings")
    assert main_window.tab_page("settings").focus_search() is False
    main_window.search_requested()
    assert main_window.current_tab_name() == "browse"
    browse: Any = main_window.tab_widget("browse")
    qtbot.waitUntil(browse.search_bar.hasFocus, timeout=2000)


def test_a_theme_change_repaints_the_built_tabs_icons(main_window: MainWindow) -> None:
    tab: Any = main_window.show_tab("downloads")
    before = tab.actions_by_name["pause"].icon().cacheKey()
    main_window.set_theme("dark")
    assert tab.actions_by_name["pause"].icon().cacheKey() != before
    main_window.set_theme("light")


def test_screenshot_refuses_options_of_another_tab_before_building_it(
    qapp: Any, main_window: MainWindow, tmp_path: Path
) -> None:
    options = ScreenshotOptions(tmp_path / "s.png", tab="settings", check_updates=True)
    with pytest.raises(UsageError, match="--tab history"):
        ui_app._screenshot(qapp, main_window, options)
    assert "settings" not in main_window.tab_widgets
    assert not (tmp_path / "s.png").exists()
