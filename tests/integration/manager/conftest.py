"""Fixtures for download-manager tests: a Suite on a temp database pointed at an emulator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from manager_helpers import MIB, REPOS, SLOW_FILES, SLOW_REPO

from hfsuite.app.events import EventQueue
from hfsuite.app.queue.manager import DownloadManager, TaskOptions
from hfsuite.app.suite import Suite
from hfsuite.config import SettingsStore
from hfsuite.core.destination import Destination
from hfsuite.testing import HubEmulator


@pytest.fixture
def hub(hub_factory) -> HubEmulator:  # type: ignore[no-untyped-def]
    emulator = hub_factory(lfs_threshold=MIB)
    for repo_id, files in REPOS.items():
        emulator.create_repo(repo_id, files=files)
    emulator.create_repo(SLOW_REPO, files=SLOW_FILES)
    return emulator


@pytest.fixture(params=["sqlite", "postgresql"])
def manager_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The shared database: a SQLite file, or a new PostgreSQL database (skipped without a
    server); a test marked ``sqlite_only`` runs on SQLite alone."""
    if request.param == "postgresql":
        marker = request.node.get_closest_marker("sqlite_only")
        if marker is not None:
            pytest.skip(marker.kwargs.get("reason", "about SQLite only"))
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path / 'db.sqlite'}"


@pytest.fixture
def make_suite(
    tmp_path: Path, hub: HubEmulator, manager_db_url: str
) -> Iterator[Callable[..., Suite]]:
    """Suites on one database (several = several "processes" sharing the queue)."""
    made: list[Suite] = []

    def make(**settings: str) -> Suite:
        store = SettingsStore(tmp_path / "cfg" / "settings.toml")
        env = {
            "HFSUITE_DB_URL": manager_db_url,
            "HF_ENDPOINT": hub.url,
            "HFSUITE_HF_HOME": str(tmp_path / "hf-home"),
            **{f"HFSUITE_{k.upper()}": v for k, v in settings.items()},
        }
        suite = Suite(store.load(env=env), store)
        made.append(suite)
        return suite

    yield make
    for suite in made:
        suite.close()


@pytest.fixture
def manager(make_suite) -> DownloadManager:  # type: ignore[no-untyped-def]
    m = DownloadManager(make_suite())
    m.sync()
    return m


@pytest.fixture
def events(manager: DownloadManager) -> EventQueue:
    q = EventQueue()
    manager.subscribe(q)
    return q


@pytest.fixture
def options(tmp_path: Path) -> TaskOptions:
    return TaskOptions(destination=Destination.hf_cache(tmp_path / "cache"))
