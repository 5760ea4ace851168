"""Fixtures for the storage tests: a fresh database per test, on a manual clock.

Every test that takes ``db_url`` (or ``db``) runs twice: on a SQLite file and on a new
PostgreSQL database (skipped when no PostgreSQL server can be started). A test marked
``sqlite_only`` (or ``postgresql_only``) is about that database itself and runs once.
"""

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


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        marked = metafunc.definition.get_closest_marker
        backends = ["sqlite", "postgresql"]
        if marked("sqlite_only"):
            backends = ["sqlite"]
        elif marked("postgresql_only"):
            backends = ["postgresql"]
        metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The database the test runs on: ``sqlite`` or ``postgresql``."""
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """URL of a new database: a SQLite file in a folder that does not exist yet, or a new,
    empty PostgreSQL database."""
    if backend == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path / 'data' / 'hfsuite.db'}"


@pytest.fixture
def db(db_url: str, clock: ManualClock) -> Iterator[Database]:
    """An open, migrated database."""
    database = open_database(db_url, clock=clock)
    yield database
    database.close()
