"""``hfsuite gui --screenshot``: the Profiles tab, and the error inspector staged over a tab
(``--open errors``), rendered for real (offscreen) and looked at pixel by pixel."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "integrations"))
from PySide6.QtGui import QImage
from tools_layouts import comfyui

from hfsuite.core.errors import StorageError, UsageError
from hfsuite.ui import app as ui_app
from hfsuite.ui.main_window import MainWindow
from hfsuite.ui.screenshot import ScreenshotOptions


def test_the_profiles_tab_renders(
    qapp: Any, main_window: MainWindow, tmp_path: Path, sandbox: Path
) -> None:
    comfyui(sandbox / "ComfyUI")
    out = tmp_path / "profiles.png"
    options = ScreenshotOptions(out, tab="profiles", size=(1280, 800), settle_s=0.2)
    assert ui_app._screenshot(qapp, main_window, options) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)
    tab: Any = main_window.tab_widget("profiles")
    assert tab.tools_model.rowCount() == 1 and tab.tree.isExpanded(tab.tools_model.index(0, 0))


def test_open_errors_draws_the_inspector_over_any_tab(
    qapp: Any, main_window: MainWindow, tmp_path: Path
) -> None:
    main_window.present_error(StorageError("The database is locked.", hint="Close hfsuite."))
    plain, staged = tmp_path / "plain.png", tmp_path / "errors.png"
    for path, open_repo in ((plain, None), (staged, "errors")):
        options = ScreenshotOptions(path, tab="downloads", open_repo=open_repo, settle_s=0.2)
        assert ui_app._screenshot(qapp, main_window, options) == 0
    assert main_window.inspector is not None
    assert main_window.inspector.model.rowCount() >= 1
    a, b = QImage(str(plain)), QImage(str(staged))
    assert a.size() == b.size()
    # outside the dialog the window is dimmed; inside, the dialog's title is the failure
    assert b.pixelColor(5, 5).lightness() < a.pixelColor(5, 5).lightness()
    assert a != b


def test_open_errors_is_accepted_for_any_tab_and_other_opens_are_not() -> None:
    ScreenshotOptions(Path("x.png"), open_repo="errors").check_tab("profiles")
    ScreenshotOptions(Path("x.png"), open_repo="errors").check_tab("downloads")
    with pytest.raises(UsageError, match="--open errors"):
        ScreenshotOptions(Path("x.png"), open_repo="org/x").check_tab("profiles")
