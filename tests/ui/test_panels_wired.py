"""The statistics dashboard and the comparison are reachable from the window (menu and
shortcut) and ``hfsuite gui --screenshot --open stats|compare`` draws them over a tab."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtGui import QImage

from hfsuite.core.errors import UsageError
from hfsuite.testing import HubEmulator
from hfsuite.ui.dialogs.compare_dialog import CompareDialog
from hfsuite.ui.dialogs.stats_dashboard import StatsDashboard
from hfsuite.ui.main_window import MainWindow
from hfsuite.ui.screenshot import ScreenshotOptions


def _hfsuite() -> str:
    """The console script of this environment (beside the running Python)."""
    found = shutil.which("hfsuite", path=str(Path(sys.executable).parent))
    assert found, "the hfsuite command is not installed in this environment"
    return found


def test_the_shortcuts_and_the_menu_open_the_dashboard_and_a_comparison(
    qtbot: Any, main_window: MainWindow
) -> None:
    main_window.shortcut_objects["stats"].activated.emit()
    dashboard = main_window.stats_dialog
    assert isinstance(dashboard, StatsDashboard) and dashboard.isVisible()
    qtbot.waitUntil(dashboard.is_ready, timeout=20000)
    main_window.shortcut_objects["stats"].activated.emit()
    assert main_window.stats_dialog is dashboard  # one at a time
    dashboard.close()
    texts = [a.text() for a in main_window.corner_button.menu().actions()]
    assert {"Statistics…", "Compare models…", "Errors…"} <= set(texts)
    main_window.shortcut_objects["compare"].activated.emit()
    dialogs = main_window.findChildren(CompareDialog)
    assert dialogs and dialogs[-1].isVisible()
    dialogs[-1].close()


def test_screenshot_options_for_the_panels() -> None:
    ScreenshotOptions(Path("x.png"), open_repo="stats", search="90d").check_tab("downloads")
    both = ScreenshotOptions(Path("x.png"), open_repo="compare", select=("a/b", "c/d"))
    both.check_tab("history")
    assert both.overlay == "compare"
    with pytest.raises(UsageError, match="not a period"):
        ScreenshotOptions(Path("x.png"), open_repo="stats", search="week").check_tab("browse")
    with pytest.raises(UsageError, match="two --select values"):
        ScreenshotOptions(Path("x.png"), open_repo="compare", select=("a/b",)).check_tab("browse")


def test_gui_screenshot_draws_a_comparison_over_the_window(
    hub: HubEmulator, tmp_path: Path
) -> None:
    hub.create_repo("acme/one", files={"config.json": b'{"hidden_size": 64}', "a.bin": b"x" * 99})
    hub.create_repo("acme/two", files={"config.json": b'{"hidden_size": 96}', "b.bin": b"y" * 9})
    out = tmp_path / "compare.png"
    command = [
        _hfsuite(), "gui", "--screenshot", str(out), "--open", "compare",
        "--select", "acme/one", "--select", "acme/two", "--size", "1000x700", "--settle", "0",
    ]  # fmt: skip
    env = {**os.environ, "HF_ENDPOINT": hub.url}
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1000, 700)
