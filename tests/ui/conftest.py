"""Fixtures for the desktop app's tests (pytest-qt, offscreen).

* ``suite``: a Suite on a temp database and settings file, pointed at the ``hub`` emulator,
  downloading into ``tmp_path / "downloads"`` (local-dir layout) — or the HF cache under
  ``tmp_path / "hf-home"``.
* ``ctx``: a :class:`~hfsuite.ui.context.UiContext` over that suite with a started
  :class:`~hfsuite.app.queue.manager.DownloadManager` (its queue runner runs in the background,
  as in the app); stopped and closed at teardown.
* ``main_window``: the shown main window over ``ctx`` (tabs are created on first visit:
  ``main_window.show_tab("downloads")`` returns the tab widget).

Add repositories to the emulator with ``hub.create_repo("org/name", files={...})``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

pytest.importorskip("PySide6")
# The session's QApplication may be created before the autouse sandbox sets this.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hfsuite.app.queue.manager import DownloadManager
from hfsuite.app.suite import Suite
from hfsuite.config import SettingsStore
from hfsuite.testing import HubEmulator

if TYPE_CHECKING:
    from hfsuite.ui.context import UiContext
    from hfsuite.ui.main_window import MainWindow


def make_suite(tmp_path: Path, hub: HubEmulator, **settings: Any) -> Suite:
    """A Suite whose settings file, database and folders live under ``tmp_path``."""
    store = SettingsStore(tmp_path / "cfg" / "settings.toml")
    env = {
        "HFSUITE_DB_URL": os.environ.get("HFSUITE_DB_URL", f"sqlite:///{tmp_path / 'db.sqlite'}"),
        "HF_ENDPOINT": hub.url,
        "HFSUITE_HF_HOME": str(tmp_path / "hf-home"),
        "HFSUITE_DOWNLOAD_DIR": str(tmp_path / "downloads"),
        **{f"HFSUITE_{k.upper()}": str(v) for k, v in settings.items()},
    }
    return Suite(store.load(env=env), store)


@pytest.fixture
def suite(tmp_path: Path, hub: HubEmulator) -> Iterator[Suite]:
    """A Suite in the sandbox, pointed at the emulator."""
    s = make_suite(tmp_path, hub)
    yield s
    s.close()


@pytest.fixture
def ctx(qapp: Any, suite: Suite) -> Iterator[UiContext]:
    """The UI context with a running download manager (stopped at teardown)."""
    from hfsuite.ui.context import UiContext

    manager = DownloadManager(suite)
    manager.sync()
    manager.start(poll_interval_s=0.2)
    context = UiContext(suite, manager)
    yield context
    manager.stop()
    context.close()


@pytest.fixture
def main_window(qtbot: Any, ctx: UiContext) -> Iterator[MainWindow]:
    """The main window, shown (offscreen); its state file lives in the sandbox."""
    from hfsuite.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()
