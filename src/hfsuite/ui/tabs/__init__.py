"""Tabs of the desktop app, and the registry the main window builds them from.

Each entry names a tab, gives its title and a factory ``factory(ctx) -> BuiltTab``. The main
window creates a tab the first time it is shown (lazy), so a factory should import its module
inside the function: starting the app then costs only the tabs a person opens.

Every tab implements :class:`~hfsuite.ui.tabs.base.TabPage` (``tab_shown``, ``focus_search``,
``is_ready``, ``refresh_icons``, ``prepare_screenshot``); the factory hands the tab over as
both the widget and the page, which lets the type checker hold it to that contract.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from hfsuite.ui.i18n import QT_TRANSLATE_NOOP
from hfsuite.ui.tabs.base import BuiltTab

if TYPE_CHECKING:
    from hfsuite.ui.context import UiContext


class TabEntry(NamedTuple):
    """One tab of the main window.

    Attributes:
        name: Short id (``--tab NAME``, remembered as the last tab).
        title: Shown on the tab.
        factory: Builds the tab for a context.
    """

    name: str
    title: str
    factory: Callable[[UiContext], BuiltTab]


def _downloads(ctx: UiContext) -> BuiltTab:
    from hfsuite.ui.tabs.downloads import DownloadsTab

    tab = DownloadsTab(ctx)
    return BuiltTab(tab, tab)


def _browse(ctx: UiContext) -> BuiltTab:
    from hfsuite.ui.tabs.browse import BrowseTab

    tab = BrowseTab(ctx)
    return BuiltTab(tab, tab)


def _history(ctx: UiContext) -> BuiltTab:
    from hfsuite.ui.tabs.history import HistoryTab

    tab = HistoryTab(ctx)
    return BuiltTab(tab, tab)


def _library(ctx: UiContext) -> BuiltTab:
    from hfsuite.ui.tabs.library import LibraryTab

    tab = LibraryTab(ctx)
    return BuiltTab(tab, tab)


def _profiles(ctx: UiContext) -> BuiltTab:
    from hfsuite.ui.tabs.profiles import ProfilesTab

    tab = ProfilesTab(ctx)
    return BuiltTab(tab, tab)


def _comfyui(ctx: UiContext) -> BuiltTab:
    from hfsuite.ui.tabs.comfyui import ComfyUITab

    tab = ComfyUITab(ctx)
    return BuiltTab(tab, tab)


def _settings(ctx: UiContext) -> BuiltTab:
    from hfsuite.ui.tabs.settings import SettingsTab

    tab = SettingsTab(ctx)
    return BuiltTab(tab, tab)


#: The tabs, in the order shown (Ctrl+1 … Ctrl+n follow it). Add one line per tab. Titles are
#: English (shown through translate("MainWindow", title) by the main window).
TABS: list[TabEntry] = [
    TabEntry("downloads", QT_TRANSLATE_NOOP("MainWindow", "Downloads"), _downloads),
    TabEntry("browse", QT_TRANSLATE_NOOP("MainWindow", "Browse"), _browse),
    TabEntry("history", QT_TRANSLATE_NOOP("MainWindow", "History"), _history),
    TabEntry("library", QT_TRANSLATE_NOOP("MainWindow", "Local models"), _library),
    TabEntry("profiles", QT_TRANSLATE_NOOP("MainWindow", "Profiles"), _profiles),
    TabEntry("comfyui", QT_TRANSLATE_NOOP("MainWindow", "ComfyUI"), _comfyui),
    TabEntry("settings", QT_TRANSLATE_NOOP("MainWindow", "Settings"), _settings),
]


def tab_names() -> list[str]:
    """The registered tab names, in order."""
    return [entry.name for entry in TABS]
