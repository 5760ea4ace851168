"""Fixtures for the storage tests: a fresh database per test, on a manual clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hfsuite.core.clock import ManualClock
from hfsuite.storage import Database, open_database


@pytest.fixture
def clock() -> ManualClock:
    """A clock that moves only when the test says so."""
    return ManualClock(wall_start=1_750_000_000.0)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """URL of a database file in a folder that does not exist yet."""
    return f"sqlite:///{tmp_path / 'data' / 'hfsuite.db'}"


@pytest.fixture
def db(db_url: str, clock: ManualClock) -> Iterator[Database]:
    """An open, migrated database."""
    database = open_database(db_url, clock=clock)
    yield database
    database.close()
