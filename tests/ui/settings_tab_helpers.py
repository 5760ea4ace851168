"""Opening the Settings tab the way its tests need it: shown, sized, its first data loaded."""

from __future__ import annotations

from typing import Any

from hfsuite.ui.context import UiContext
from hfsuite.ui.tabs.settings import SettingsTab

TIMEOUT = 15_000


def open_settings_tab(qtbot: Any, ctx: UiContext) -> SettingsTab:
    """A Settings tab over ``ctx``, shown at 1280x760 once its settings are loaded."""
    tab = SettingsTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1280, 760)
    tab.show()
    qtbot.waitUntil(tab.is_ready, timeout=TIMEOUT)
    return tab
