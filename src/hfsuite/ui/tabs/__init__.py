"""Tabs of the desktop app, and the registry the main window builds them from.

Each entry names a tab, gives its title and a factory ``factory(ctx) -> QWidget``. The main
window creates a tab the first time it is shown (lazy), so a factory should import its module
inside the function: starting the app then costs only the tabs a person opens.

A tab widget may offer these optional hooks, which the main window calls when present:

* ``tab_shown()``: the tab became the current one (refresh what may be stale).
* ``focus_search()``: the "search" shortcut (Ctrl+F) landed on this tab.
* ``add_requested()``: the "add" shortcut (Ctrl+N) landed on this tab.
* ``is_ready() -> bool``: its first data has arrived (``--screenshot`` waits for it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from hfsuite.ui.context import UiContext


class TabEntry(NamedTuple):
    """One tab of the main window.

    Attributes:
        name: Short id (``--tab NAME``, remembered as the last tab).
        title: Shown on the tab.
        factory: Builds the tab's widget for a context.
    """

    name: str
    title: str
    factory: Callable[[UiContext], QWidget]


def _downloads(ctx: UiContext) -> QWidget:
    from hfsuite.ui.tabs.downloads import DownloadsTab

    return DownloadsTab(ctx)


def _browse(ctx: UiContext) -> QWidget:
    from hfsuite.ui.tabs.browse import BrowseTab

    return BrowseTab(ctx)


def _history(ctx: UiContext) -> QWidget:
    from hfsuite.ui.tabs.history import HistoryTab

    return HistoryTab(ctx)


def _settings(ctx: UiContext) -> QWidget:
    from hfsuite.ui.tabs.settings import SettingsTab

    return SettingsTab(ctx)


#: The tabs, in the order shown (Ctrl+1 … Ctrl+n follow it). Add one line per tab.
TABS: list[TabEntry] = [
    TabEntry("downloads", "Downloads", _downloads),
    TabEntry("browse", "Browse", _browse),
    TabEntry("history", "History", _history),
    TabEntry("settings", "Settings", _settings),
]


def tab_names() -> list[str]:
    """The registered tab names, in order."""
    return [entry.name for entry in TABS]
