"""The main window: lazy tabs, remembered state, themes, shortcuts, status bar, tray, CLI."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import QApplication
from typer.testing import CliRunner

from hfsuite.app.suite import Suite
from hfsuite.core.destination import Destination
from hfsuite.testing import HubEmulator
from hfsuite.ui.context import UiContext
from hfsuite.ui.main_window import MainWindow
from hfsuite.ui.tabs import TABS
from hfsuite.ui.theme import DARK, LIGHT, colors_for

MIB = 1 << 20


def test_tabs_are_created_on_first_visit(qtbot: Any, main_window: MainWindow) -> None:
    assert main_window.tab_names()[0] == "downloads"
    assert set(main_window.tab_widgets) == {"downloads"}
    if len(TABS) > 1:
        second = TABS[1].name
        qtbot.keyClick(main_window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
        assert main_window.current_tab_name() == second
        assert second in main_window.tab_widgets
    qtbot.keyClick(main_window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert main_window.current_tab_name() == "downloads"


def test_window_size_position_and_last_tab_are_remembered(
    qtbot: Any, ctx: UiContext, tmp_path: Path
) -> None:
    state = tmp_path / "gui.ini"
    first = MainWindow(ctx, state_path=state)
    qtbot.addWidget(first)
    first.show()
    first.resize(700, 500)  # within the offscreen screen (800x600)
    last = TABS[-1].name
    first.show_tab(last)
    first.close()
    assert state.exists()
    second = MainWindow(ctx, state_path=state)
    qtbot.addWidget(second)
    assert second.current_tab_name() == last
    assert (second.width(), second.height()) == (700, 500)
    assert set(second.tab_widgets) == {last}  # only the shown tab was built


def test_state_file_lives_next_to_the_settings(main_window: MainWindow, ctx: UiContext) -> None:
    main_window.save_state()
    assert Path(main_window.state.fileName()).parent == ctx.suite.store.path.parent


def test_themes_set_a_real_palette(qtbot: Any, main_window: MainWindow) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    main_window.set_theme("dark")
    window_color = app.palette().color(QPalette.ColorRole.Window).name()
    assert window_color == DARK.window
    assert colors_for(app.palette()) is DARK
    assert "QTabBar::tab" in app.styleSheet()
    main_window.ctx.theme_requested.emit("light")
    assert app.palette().color(QPalette.ColorRole.Window).name() == LIGHT.window


def test_global_speed_limit_in_the_status_bar_takes_effect_at_once(
    qtbot: Any, main_window: MainWindow, ctx: UiContext
) -> None:
    bucket = ctx.suite.global_bucket
    assert bucket.rate_bps == 0
    assert main_window.status.limit_spin.text() == "Unlimited"
    main_window.status.set_limit_mib(2.5)
    assert bucket.rate_bps == int(2.5 * MIB)
    settings_file = ctx.suite.store.path
    qtbot.waitUntil(
        lambda: settings_file.exists() and str(int(2.5 * MIB)) in settings_file.read_text(),
        timeout=5000,
    )
    # a change from elsewhere (the Settings tab) shows in the status bar
    ctx.set_global_limit(5 * MIB)
    assert main_window.status.limit_spin.value() == 5.0
    main_window.status.set_limit_mib(0)
    assert bucket.rate_bps == 0


def test_status_bar_shows_counts(
    qtbot: Any, main_window: MainWindow, ctx: UiContext, tmp_path: Path
) -> None:
    from hfsuite.app.queue.manager import TaskOptions

    ctx.manager.add_repos(
        ["acme/a", "acme/b"], TaskOptions(destination=Destination.folder(tmp_path), paused=True)
    )
    qtbot.waitUntil(lambda: "2 paused" in main_window.status.counts_label.text(), timeout=5000)
    assert "0 active" in main_window.status.counts_label.text()


def test_shortcuts_are_listed_in_the_help_dialog(qtbot: Any, main_window: MainWindow) -> None:
    dialog = main_window.show_shortcuts()
    entries = dict(dialog.entries())
    assert entries["Ctrl+N"].startswith("Add downloads")
    assert "Ctrl+1" in entries and "Space" in entries and "Del" in entries
    dialog.close()


def test_ctrl_n_opens_the_add_dialog(qtbot: Any, main_window: MainWindow) -> None:
    main_window.activateWindow()
    main_window.shortcut_objects["add"].activated.emit()
    tab = main_window.tab_widget("downloads")
    qtbot.waitUntil(lambda: tab._add_dialog is not None, timeout=2000)  # type: ignore[attr-defined]
    tab._add_dialog.reject()  # type: ignore[attr-defined]


def test_tray_is_guarded_without_a_system_tray(main_window: MainWindow) -> None:
    # offscreen has no tray: the window works and notices are still recorded
    main_window.tray.notify("Download complete", "acme/x")
    assert main_window.tray.notices[-1] == ("Download complete", "acme/x")


def _cli_env(tmp_path: Path, hub: HubEmulator) -> dict[str, str]:
    return {
        "HFSUITE_DB_URL": os.environ.get("HFSUITE_DB_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}"),
        "HF_ENDPOINT": hub.url,
        "HFSUITE_HF_HOME": str(tmp_path / "hf-home"),
    }


def test_gui_screenshot_renders_the_window(
    qtbot: Any, qapp: Any, tmp_path: Path, hub: HubEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hfsuite.cli.main import app

    for key, value in _cli_env(tmp_path, hub).items():
        monkeypatch.setenv(key, value)
    suite = Suite.open()
    from hfsuite.app.queue.manager import DownloadManager, TaskOptions

    DownloadManager(suite).add_repos(
        ["acme/one"], TaskOptions(destination=Destination.folder(tmp_path), paused=True)
    )
    suite.close()
    out = tmp_path / "shot.png"
    result = CliRunner().invoke(
        app,
        ["gui", "--screenshot", str(out), "--size", "1024x640", "--theme", "dark", "--settle", "0"],
    )
    assert result.exit_code == 0, result.output
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1024, 640)
    assert image.pixelColor(5, 5).lightness() < 128  # dark theme


def test_gui_without_pyside_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from hfsuite.cli.main import app

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "PySide6" else real(name, *a)
    )
    with pytest.raises(Exception) as info:
        CliRunner().invoke(app, ["gui"], catch_exceptions=False)
    assert "pip install 'hfsuite[gui]'" in str(getattr(info.value, "hint", "")) or "PySide6" in str(
        info.value
    )


def test_screenshot_can_open_a_model_and_check_updates(
    qtbot: Any, qapp: Any, main_window: MainWindow, hub: HubEmulator, tmp_path: Path
) -> None:
    from hfsuite.core.errors import UsageError
    from hfsuite.ui import app as ui_app

    files = {"config.json": b"{}", "model.safetensors": b"w" * 100, "README.md": b"# Llama"}
    hub.create_repo("acme/llama-one", files=files, downloads=9)
    hub.create_repo("acme/llama-two", files=files, downloads=5)
    shot = tmp_path / "browse.png"
    options = ui_app.ScreenshotOptions(
        path=shot,
        tab="browse",
        size=(1024, 640),
        settle_s=0,
        search="llama",
        open_repo="acme/llama-two",
        select=("*.json", "*.safetensors"),
    )
    assert ui_app._screenshot(qapp, main_window, options) == 0
    tab: Any = main_window.tab_widget("browse")
    assert tab.opened.id == "acme/llama-two"
    assert tab.list_view.currentIndex().row() == 1  # its result row is selected
    assert tab.detail_tabs.currentIndex() == 1
    assert sorted(tab.files_model.checked_paths()) == ["config.json", "model.safetensors"]
    assert QImage(str(shot)).width() == 1024

    history = ui_app.ScreenshotOptions(path=shot, tab="history", settle_s=0, check_updates=True)
    ui_app._screenshot(qapp, main_window, history)
    assert "Nothing downloaded" in main_window.tab_widget("history").status_label.text()  # type: ignore[attr-defined]
    with pytest.raises(UsageError):
        ui_app._screenshot(qapp, main_window, ui_app.ScreenshotOptions(path=shot, search="x"))
