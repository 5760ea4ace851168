"""What ``hfsuite gui --screenshot`` asks for: the image, the tab and how to stage it.

Qt-free on purpose: the tabs stage themselves from these options (``TabPage.prepare_screenshot``)
and ``ui/app.py`` renders the window, so both import this module and neither imports the other.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from hfsuite.core.errors import UsageError

#: What ``--open`` draws over any tab instead of staging it.
OVERLAYS = ("errors", "stats", "compare")
#: The dashboard's periods (``--open stats --search PERIOD``).
STATS_PERIODS = ("7d", "30d", "90d", "all")

#: Runs the event loop until the condition holds (or the screenshot's time is up).
Waiter = Callable[[Callable[[], bool]], None]


@dataclass(frozen=True)
class ScreenshotOptions:
    """What ``hfsuite gui --screenshot`` renders.

    Attributes:
        path: PNG file to write.
        tab: Tab to show (None: the first).
        size: Window size (width, height).
        settle_s: Seconds to let live data (speeds, graphs) arrive after the tab is ready.
        timeout_s: Give up waiting for the tab's data after this long (the image is still made).
        search: Browse: search for this query first. Library: filter the files with it.
            ComfyUI: the install folder to check against.
        open_repo: Browse: open this repository (its result row is selected when listed).
            Any tab: ``errors``, ``stats`` or ``compare`` draws that window over it.
            Library: ``duplicates`` shows the duplicates view (found first). ComfyUI: the
            workflow (or image) to check. Any tab:
            ``errors`` opens the error inspector over it.
        select: Browse: show the opened repository's Files tab with the files matching these
            glob patterns checked. Library: open the details of the first file matching one
            (by path or file name).
        check_updates: History: run "Check for updates" first.
    """

    path: Path
    tab: str | None = None
    size: tuple[int, int] = (1280, 800)
    settle_s: float = 2.0
    timeout_s: float = 20.0
    search: str | None = None
    open_repo: str | None = None
    select: tuple[str, ...] = ()
    check_updates: bool = False

    def check_tab(self, tab: str) -> None:
        """Refuse staging options the tab named ``tab`` cannot act on.

        Raises:
            UsageError: e.g. ``--search`` for any tab but Browse.
        """
        if self.open_repo == "errors" and self.search is None and not self.select:
            if self.check_updates and tab != "history":
                raise UsageError("--check-updates needs --tab history.")
            return  # the error inspector opens over any tab
        if self.open_repo == "stats" and not self.select:
            if self.search is not None and self.search not in STATS_PERIODS:
                raise UsageError(
                    f"--open stats --search {self.search}: not a period.",
                    hint="Use " + ", ".join(STATS_PERIODS) + ".",
                )
            return  # the statistics dashboard opens over any tab
        if self.open_repo == "compare":
            if len(self.select) != 2 or self.search is not None:
                raise UsageError(
                    "--open compare needs two --select values: the models to compare "
                    "(org/name[@rev] or a local path)."
                )
            return  # the comparison opens over any tab
        if tab == "comfyui":
            if self.select:
                raise UsageError("--tab comfyui takes --open WORKFLOW and --search COMFYUI-FOLDER.")
            return
        browse = self.search is not None or self.open_repo is not None or bool(self.select)
        if browse and tab not in ("browse", "library"):
            raise UsageError(
                "--search, --open and --select need --tab browse "
                "(or --tab library: filter, --open duplicates, --select FILE-GLOB for details; "
                "--tab comfyui: --open WORKFLOW, --search COMFYUI-FOLDER; any tab: --open errors)."
            )
        if tab == "library" and self.open_repo not in (None, "duplicates", "dupes"):
            raise UsageError("--tab library takes --open duplicates (the duplicates view).")
        if self.check_updates and tab != "history":
            raise UsageError("--check-updates needs --tab history.")

    @property
    def open_errors(self) -> bool:
        """Whether the error inspector is shown over the tab (``--open errors``)."""
        return self.open_repo == "errors"

    @property
    def overlay(self) -> str | None:
        """The window drawn over the tab: ``errors``, ``stats`` or ``compare`` (``--open``)."""
        return self.open_repo if self.open_repo in OVERLAYS else None

    def selected(self, paths: Iterable[str]) -> list[str]:
        """The paths matching one of the ``select`` glob patterns, in their order."""
        return [p for p in paths if any(fnmatch.fnmatch(p, g) for g in self.select)]
