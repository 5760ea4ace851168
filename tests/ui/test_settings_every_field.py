"""The Settings tab shows every setting, each with the editor its kind needs, and saves them."""

from __future__ import annotations

from typing import Any

import pytest

from hfsuite.config import Settings
from hfsuite.ui.context import UiContext

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QLineEdit, QSpinBox
from settings_tab_helpers import open_settings_tab

from hfsuite.ui.tabs.settings_fields import LABELS, laid_out

TIMEOUT = 15_000


_tab = open_settings_tab


def test_every_setting_has_a_labelled_editor_once(qtbot: Any, ctx: UiContext) -> None:
    tab = _tab(qtbot, ctx)
    assert sorted(tab.fields) == sorted(Settings.model_fields)
    assert sorted(laid_out()) == sorted(set(laid_out()))  # none laid out twice
    assert set(LABELS) == set(Settings.model_fields)
    for key, field in tab.fields.items():
        assert field.editor.isVisibleTo(tab), key


def test_new_settings_get_fitting_editors(qtbot: Any, ctx: UiContext) -> None:
    tab = _tab(qtbot, ctx)
    editors = {key: tab.fields[key].editor for key in tab.fields}
    connect, read = editors["connect_timeout_s"], editors["read_timeout_s"]
    assert isinstance(connect, QDoubleSpinBox) and isinstance(read, QDoubleSpinBox)
    assert (connect.minimum(), connect.maximum()) == (0.1, 600.0)
    assert (read.minimum(), read.maximum()) == (0.1, 3600.0)
    most = editors["max_connections_per_file"]
    assert isinstance(most, QSpinBox) and (most.minimum(), most.maximum()) == (1, 64)
    assert isinstance(editors["adaptive_connections"], QCheckBox)
    assert isinstance(editors["space_headroom"], QLineEdit)
    assert tab.fields["space_headroom"].read() == "auto"


@pytest.mark.parametrize(
    ("key", "text", "stored"),
    [
        ("connect_timeout_s", "25", 25.0),
        ("read_timeout_s", "90.5", 90.5),
        ("max_connections_per_file", "12", 12),
        ("adaptive_connections", "false", False),
        ("space_headroom", "5%", "5%"),
        ("space_headroom", "64MiB", "64MiB"),
        ("space_headroom", "0", "0"),
    ],
)
def test_editing_a_new_setting_stores_it(
    qtbot: Any, ctx: UiContext, key: str, text: str, stored: object
) -> None:
    tab = _tab(qtbot, ctx)
    tab.set_text(key, text)
    with qtbot.waitSignal(tab.setting_saved, timeout=TIMEOUT):
        tab.commit(key)
    assert getattr(ctx.suite.settings, key) == stored
    assert ctx.suite.store.read_file()[0][key] == stored


def test_a_spin_box_saves_when_its_value_changes(qtbot: Any, ctx: UiContext) -> None:
    tab = _tab(qtbot, ctx)
    spin = tab.fields["max_connections_per_file"].editor
    assert isinstance(spin, QSpinBox)
    with qtbot.waitSignal(tab.setting_saved, timeout=TIMEOUT) as saved:
        spin.stepBy(-1)  # an arrow click
    assert saved.args == ["max_connections_per_file", 31]
    assert ctx.suite.settings.max_connections_per_file == 31


def test_a_bad_headroom_is_refused_with_its_reason(qtbot: Any, ctx: UiContext) -> None:
    tab = _tab(qtbot, ctx)
    tab.set_text("space_headroom", "lots")
    with qtbot.waitSignal(tab.setting_refused, timeout=TIMEOUT):
        tab.commit("space_headroom")
    assert "Not saved: 'lots' is not accepted" in tab.message_of("space_headroom")
    assert ctx.suite.settings.space_headroom == "auto"
    assert "space_headroom" not in ctx.suite.store.read_file()[0]
