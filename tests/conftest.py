"""Test sandbox: every test gets its own HOME, config, data, log and HF cache folders.

No test may read the user's real settings, database or HF cache, or talk to anything but
loopback. Environment variables that steer huggingface_hub or the suite are cleared.

``HFSUITE_TEST_DB=postgresql`` (``python3 dev.py test --postgres``) runs the whole suite with
PostgreSQL as the default database: the sandbox also sets ``HFSUITE_DB_URL`` to a new, migrated
PostgreSQL database on a throwaway server (one per session), so every Suite, CLI subprocess and
window uses it. Tests that pass their own SQLite URL stay on SQLite; tests marked
``sqlite_only`` are skipped.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import NoReturn

import pytest

from hfsuite.testing.postgres import (
    CleanDatabases,
    PostgresCluster,
    PostgresUnavailable,
    find_bindir,
)

# Read before the sandbox clears HFSUITE_* variables.
_NO_PG = os.environ.get("HFSUITE_TEST_NO_PG", "") not in ("", "0")
_PG_NAMES = count(1)
_TEST_DB = os.environ.get("HFSUITE_TEST_DB", "sqlite").strip().lower() or "sqlite"
if _TEST_DB not in ("sqlite", "postgresql"):
    raise pytest.UsageError(f"HFSUITE_TEST_DB must be sqlite or postgresql, not {_TEST_DB!r}")
ON_POSTGRESQL = _TEST_DB == "postgresql"
_DEFAULT_DATABASES: list[CleanDatabases] = []
"""True when the whole suite runs with PostgreSQL as the default database
(``HFSUITE_TEST_DB=postgresql``): every test's ``HFSUITE_DB_URL`` is a new PostgreSQL database."""

_CLEARED_PREFIXES = ("HF_", "HFSUITE_", "HUGGINGFACE_", "MODELSCOPE_")
_CLEARED = {
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "XDG_CACHE_HOME",
    "XDG_STATE_HOME",
}


@pytest.fixture(autouse=True)
def sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Path:
    """Point HOME and every XDG/HF folder at a temp dir and clear steering env vars.

    With ``HFSUITE_TEST_DB=postgresql`` it also points ``HFSUITE_DB_URL`` at a new PostgreSQL
    database (:func:`default_postgres_url`), so every Suite, CLI subprocess and window of the
    test uses PostgreSQL; a test marked ``sqlite_only`` is skipped then.
    """
    for name in list(os.environ):
        if name.startswith(_CLEARED_PREFIXES) or name in _CLEARED:
            monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("HF_HUB_DISABLE_XET", "1")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    # The messages tests read are English: a developer's own locale must not translate them
    # (the translation tests set the language they test).
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    if ON_POSTGRESQL:
        marker = request.node.get_closest_marker("sqlite_only")
        if marker is not None:
            pytest.skip(
                "about SQLite itself, skipped with HFSUITE_TEST_DB=postgresql: "
                + str(marker.kwargs.get("reason", "the test is marked sqlite_only"))
            )
        monkeypatch.setenv("HFSUITE_DB_URL", request.getfixturevalue("default_postgres_url"))
    return home


def installed_command(name: str) -> str:
    """A console script of this environment (next to the running Python), so tests work
    whether or not the virtual environment is on PATH (``python3 dev.py test`` does not put it
    there)."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert found, f"the {name} command is not installed in this environment"
    return found


@pytest.fixture
def hfsuite_exe() -> str:
    """Path of the installed ``hfsuite`` command."""
    return installed_command("hfsuite")


def pytest_configure(config: pytest.Config) -> None:
    if ON_POSTGRESQL:
        # What can be told before any test: the mode runs nothing without a server.
        if _NO_PG:
            raise pytest.UsageError("HFSUITE_TEST_DB=postgresql and HFSUITE_TEST_NO_PG=1 conflict")
        if find_bindir() is None:
            raise pytest.UsageError(
                "HFSUITE_TEST_DB=postgresql: PostgreSQL is not installed (no initdb in PATH, "
                "/usr/local/bin or /usr/lib/postgresql/*/bin)"
            )
    config.addinivalue_line(
        "markers",
        "sqlite_only(reason=...): a test about SQLite itself (not run on PostgreSQL, nor at all "
        "with HFSUITE_TEST_DB=postgresql)",
    )
    config.addinivalue_line(
        "markers", "postgresql_only: a storage test about PostgreSQL itself (not run on SQLite)"
    )


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A throwaway PostgreSQL server for the session; the test is skipped when there is none
    (the whole run stops instead with ``HFSUITE_TEST_DB=postgresql``, which needs one)."""

    def unavailable(reason: str) -> NoReturn:
        if ON_POSTGRESQL:  # every test that needs it errors with the reason
            pytest.fail(f"HFSUITE_TEST_DB=postgresql: {reason}", pytrace=False)
        pytest.skip(reason)

    if _NO_PG:
        unavailable("PostgreSQL tests are turned off (HFSUITE_TEST_NO_PG=1)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        unavailable("PostgreSQL tests need psycopg: pip install 'psycopg[binary]>=3.2'")
    try:
        cluster = PostgresCluster().start()
    except (PostgresUnavailable, OSError) as exc:
        unavailable(f"no PostgreSQL server for the tests: {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def clean_postgres_databases(postgres_cluster: PostgresCluster) -> CleanDatabases:
    """New PostgreSQL databases with the newest schema and no rows, copied from a database
    migrated once (much cheaper than migrating one per test); one a test left unchanged is
    handed to the next test."""
    from hfsuite.storage import open_database

    template = f"hfsuite_template_{os.getpid()}"
    postgres_cluster.create_database(template)
    open_database(postgres_cluster.url(template)).close()
    databases = CleanDatabases(postgres_cluster, template, prefix=f"hfsuite_default_{os.getpid()}_")
    _DEFAULT_DATABASES.append(databases)
    return databases


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for databases in _DEFAULT_DATABASES:
        terminalreporter.write_line(
            f"HFSUITE_TEST_DB=postgresql: {databases.copied} default databases copied from the "
            f"template, {databases.reused} handed out again unchanged"
        )


@pytest.fixture
def default_postgres_url(
    postgres_cluster: PostgresCluster, clean_postgres_databases: CleanDatabases
) -> Iterator[str]:
    """URL of a PostgreSQL database with the newest schema and no rows, for this test alone
    (the default database of every test with ``HFSUITE_TEST_DB=postgresql``)."""
    name = clean_postgres_databases.acquire()
    yield postgres_cluster.url(name)
    # Not now: pytest-qt still processes the Qt events left after the last fixture's teardown.
    clean_postgres_databases.release_later(name)


def _new_postgres_database(cluster: PostgresCluster) -> Iterator[str]:
    name = f"hfsuite_test_{os.getpid()}_{next(_PG_NAMES)}"
    url = cluster.create_database(name)
    yield url
    cluster.drop_database(name)


@pytest.fixture
def postgres_url(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """URL of a new, empty PostgreSQL database, dropped after the test."""
    yield from _new_postgres_database(postgres_cluster)


@pytest.fixture
def postgres_url_2(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """URL of a second new, empty PostgreSQL database (a test comparing two)."""
    yield from _new_postgres_database(postgres_cluster)
