"""Fixtures for source tests: an in-memory keyring (never the real one) and a sandboxed Suite."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import keyring.errors
import pytest

from hfsuite.app.suite import Suite
from hfsuite.config import SettingsStore
from memory_keyring import MemoryKeyring


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test here gets an empty in-memory keyring."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """No usable keyring: the token goes to the 0600 file."""
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    yield


@pytest.fixture
def make_suite(tmp_path: Path) -> Iterator[Callable[..., Suite]]:
    """Build a Suite with sandboxed settings/database and the given setting overrides."""
    made: list[Suite] = []

    def make(clock: Any = None, env: dict[str, str] | None = None, **overrides: Any) -> Suite:
        store = SettingsStore(tmp_path / "cfg" / "settings.toml")
        full_env = {
            "HFSUITE_DB_URL": os.environ.get(
                "HFSUITE_DB_URL", f"sqlite:///{tmp_path / 'db.sqlite'}"
            ),
            **(env or {}),
        }
        suite = Suite(store.load(env=full_env, overrides=overrides), store, clock=clock)
        made.append(suite)
        return suite

    yield make
    for suite in made:
        suite.close()
