"""``hfsuite gui``: the desktop app (the optional ``gui`` extra: PySide6).

The CLI does not import the desktop app's modules (they need PySide6, and ``cli`` and ``ui`` are
peers): the app is loaded by name only when this command runs.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path

import typer

from hfsuite.app.desktop_check import check_desktop, qt_library_dirs, system_library_probe
from hfsuite.core.errors import UsageError
from hfsuite.core.i18n import _, tr

_THEMES = ("system", "light", "dark")


def _require_pyside() -> None:
    if importlib.util.find_spec("PySide6") is None:
        raise UsageError(
            tr("The desktop app needs PySide6, which is not installed."),
            hint=tr("Install the gui extra: pip install 'hfsuite[gui]'"),
        )


def require_desktop(*, offscreen: bool = False) -> None:
    """Fail with a clear message where Qt would abort: PySide6 missing, no display, or the
    system libraries of Qt's X11 plugin missing (``offscreen``: no window, no display needed).
    """
    _require_pyside()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"} if offscreen else os.environ
    check_desktop(sys.platform, env, system_library_probe(qt_library_dirs()))


def register(app: typer.Typer) -> None:
    """Add the ``gui`` command to the CLI."""

    @app.command(
        "gui",
        help=_(
            "Open the desktop app (or, with --screenshot, save an image of it and exit).\n\n"
            "Examples:\n\n"
            "  hfsuite gui\n\n"
            "  hfsuite gui --tab browse --theme dark\n\n"
            "  hfsuite gui --screenshot window.png --tab downloads --settle 0"
        ),
    )
    def gui_command(
        ctx: typer.Context,
        screenshot: Path = typer.Option(
            None, "--screenshot", help=_("Render the window offscreen to this PNG and exit.")
        ),
        tab: str = typer.Option(None, "--tab", help=_("Tab to show (downloads, browse…).")),
        size: str = typer.Option("1280x800", "--size", help=_("Window size for --screenshot.")),
        theme: str = typer.Option(None, "--theme", help=_("system, light or dark.")),
        settle: float = typer.Option(
            2.0, "--settle", min=0, help=_("Seconds of live data before the screenshot.")
        ),
        search: str = typer.Option(
            None,
            "--search",
            help=_("Browse: search for this first. Library: filter. ComfyUI: the install folder."),
        ),
        open_repo: str = typer.Option(
            None,
            "--open",
            help=_(
                "Browse: open this repository. Library: duplicates. ComfyUI: a workflow file. "
                "Any tab: errors, stats or compare (that window over it)."
            ),
        ),
        select: list[str] = typer.Option(
            None,
            "--select",
            help=_("Browse: show the Files tab with files matching GLOB checked."),
        ),
        check_updates: bool = typer.Option(
            False, "--check-updates", help=_("History: check for updates first.")
        ),
    ) -> None:
        require_desktop(offscreen=screenshot is not None)
        if theme is not None and theme not in _THEMES:
            raise UsageError(
                tr("--theme {value} is not a theme.", value=repr(theme)),
                hint=tr("Use system, light or dark."),
            )
        ui_app = importlib.import_module("hfsuite.ui.app")
        suite = ctx.find_root().obj.suite()
        shot = None
        if screenshot is not None:
            shot = ui_app.ScreenshotOptions(
                path=screenshot,
                tab=tab,
                size=ui_app.parse_size(size),
                settle_s=settle,
                search=search,
                open_repo=open_repo,
                select=tuple(select or ()),
                check_updates=check_updates,
            )
        code = ui_app.run_gui(suite, theme=theme, screenshot=shot)
        if shot is not None:
            typer.echo(_("Saved {path}").format(path=screenshot), err=True)
        raise typer.Exit(code)
