"""Part 1's loose ends: the Settings tab shows the HF cache folder really in effect, and check
boxes in item views can be seen in the dark theme."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QTableView

from hfsuite.ui.context import UiContext
from hfsuite.ui.tabs.settings import SettingsTab, cache_placeholder
from hfsuite.ui.theme import DARK, LIGHT, apply_theme, check_mark, stylesheet_of
from hfsuite.ui.widgets.path_selector import PathSelector, contract_home


def _placeholder(tab: SettingsTab) -> str:
    editor = tab.fields["hf_cache_dir"].editor
    assert isinstance(editor, PathSelector)
    return editor.edit.placeholderText()


def test_settings_shows_the_hf_cache_in_effect_not_a_placeholder(
    qtbot: Any, ctx: UiContext, tmp_path: Path
) -> None:
    tab = SettingsTab(ctx)
    qtbot.addWidget(tab)
    # the tests' suite has HFSUITE_HF_HOME=<tmp>/hf-home and no HF_HUB_CACHE
    expected = contract_home(str(tmp_path / "hf-home" / "hub"))
    assert ctx.suite.settings.hub_cache == tmp_path / "hf-home" / "hub"
    assert _placeholder(tab).startswith(expected)
    assert "<hf_home>" not in _placeholder(tab)
    assert cache_placeholder(ctx.suite.settings) == _placeholder(tab)


def _luminance(color: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(QColor(a)), _luminance(QColor(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("colors", [LIGHT, DARK], ids=["light", "dark"])
def test_check_box_borders_stand_out_from_the_table(colors: Any, qapp: Any) -> None:
    sheet = stylesheet_of(colors)
    assert "QTableView::indicator" in sheet and "QTreeView::indicator:checked" in sheet
    # WCAG's 3:1 for the parts of a control that must be seen
    assert f"border: 1px solid {colors.muted}" in sheet
    assert _contrast(colors.muted, colors.base) >= 3.0
    assert _contrast(colors.muted, colors.alt_base) >= 3.0
    assert _contrast(colors.muted, colors.selection) >= 2.0
    assert _contrast(colors.accent_text, colors.accent) >= 3.0
    tick = check_mark("tick", colors.accent_text)
    assert tick.is_file() and tick.as_posix() in sheet
    assert not QImage(str(tick)).isNull()


def test_a_checked_row_in_the_dark_theme_shows_a_filled_box(qtbot: Any) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, "dark")
    try:
        model = QStandardItemModel(2, 1)
        for row, state in enumerate((Qt.CheckState.Checked, Qt.CheckState.Unchecked)):
            item = QStandardItem(f"file-{row}.safetensors")
            item.setCheckable(True)
            item.setCheckState(state)
            model.setItem(row, 0, item)
        view = QTableView()
        qtbot.addWidget(view)
        view.setModel(model)
        view.resize(300, 120)
        view.show()
        qtbot.waitExposed(view)
        image = view.viewport().grab().toImage()
        accent = QColor(DARK.accent)

        def accent_pixels(row: int) -> int:
            rect = view.visualRect(model.index(row, 0))
            found = 0
            for x in range(rect.left(), rect.left() + 30):
                for y in range(rect.top(), rect.bottom()):
                    c = image.pixelColor(x, y)
                    if abs(c.red() - accent.red()) + abs(c.green() - accent.green()) < 40:
                        found += 1
            return found

        assert accent_pixels(0) > 40  # the checked box is filled with the accent
        assert accent_pixels(1) == 0
    finally:
        apply_theme(app, "light")
