"""The contract between the main window and its tabs.

Every tab implements :class:`TabPage` explicitly (a hook with nothing to do is an empty method),
so the main window and ``hfsuite gui --screenshot`` call the hooks directly instead of probing
for them. A tab's factory returns a :class:`BuiltTab`: the widget to show and the page to call,
usually the same object (a widget type and a protocol cannot be spelled as one type).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from hfsuite.ui.screenshot import ScreenshotOptions, Waiter


class TabPage(Protocol):
    """The hooks the main window calls on a tab."""

    def tab_shown(self) -> None:
        """The tab became the current one: refresh what may be stale, focus what matters."""
        ...

    def focus_search(self) -> bool:
        """The search shortcut (Ctrl+F) landed on this tab.

        Returns:
            Whether the tab has a search field (it now has the focus); without one the
            window searches in the Browse tab instead.
        """
        ...

    def is_ready(self) -> bool:
        """Whether the tab's first data has arrived (``--screenshot`` waits for it)."""
        ...

    def refresh_icons(self) -> None:
        """Repaint icons in the palette's colours (the theme changed)."""
        ...

    def prepare_screenshot(self, options: ScreenshotOptions, wait: Waiter) -> None:
        """Put the tab into the state ``--screenshot`` asks for (search, open, check…).

        Only called with options :meth:`ScreenshotOptions.check_tab` accepted for this tab.

        Args:
            options: What to render.
            wait: Runs the event loop until a condition holds (or time is up).
        """
        ...


class BuiltTab(NamedTuple):
    """What a tab factory returns.

    Attributes:
        widget: Shown in the tab.
        page: Its hooks (usually ``widget`` itself).
    """

    widget: QWidget
    page: TabPage
