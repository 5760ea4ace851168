"""Test sandbox: every test gets its own HOME, config, data, log and HF cache folders.

No test may read the user's real settings, database or HF cache, or talk to anything but
loopback. Environment variables that steer huggingface_hub or the suite are cleared.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest

from hfsuite.testing.postgres import PostgresCluster, PostgresUnavailable

# Read before the sandbox clears HFSUITE_* variables.
_NO_PG = os.environ.get("HFSUITE_TEST_NO_PG", "") not in ("", "0")
_PG_NAMES = count(1)

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
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point HOME and every XDG/HF folder at a temp dir and clear steering env vars."""
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
    config.addinivalue_line(
        "markers", "sqlite_only: a storage test about SQLite itself (not run on PostgreSQL)"
    )
    config.addinivalue_line(
        "markers", "postgresql_only: a storage test about PostgreSQL itself (not run on SQLite)"
    )


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A throwaway PostgreSQL server for the session; the test is skipped when there is none."""
    if _NO_PG:
        pytest.skip("PostgreSQL tests are turned off (HFSUITE_TEST_NO_PG=1)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("PostgreSQL tests need psycopg: pip install 'psycopg[binary]>=3.2'")
    try:
        cluster = PostgresCluster().start()
    except (PostgresUnavailable, OSError) as exc:
        pytest.skip(f"no PostgreSQL server for the tests: {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """URL of a new, empty PostgreSQL database, dropped after the test."""
    name = f"hfsuite_test_{os.getpid()}_{next(_PG_NAMES)}"
    url = postgres_cluster.create_database(name)
    yield url
    postgres_cluster.drop_database(name)
