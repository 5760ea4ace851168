"""Fixtures for engine tests: a Suite with sandboxed settings, and repo contents."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from engine_helpers import MIB, pattern_bytes

from hfsuite.app.suite import Suite
from hfsuite.config import SettingsStore
from hfsuite.testing import HubEmulator


@pytest.fixture
def suite(tmp_path: Path) -> Suite:
    store = SettingsStore(tmp_path / "cfg" / "settings.toml")
    env = {
        "HFSUITE_DB_URL": os.environ.get("HFSUITE_DB_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    }
    s = Suite(store.load(env=env), store)
    yield s
    s.close()


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "hf-cache"


@pytest.fixture
def repo_files() -> dict[str, bytes]:
    return {
        "config.json": b'{"model_type": "tiny"}',
        "README.md": b"# tiny\n",
        "weights/model.safetensors": pattern_bytes(6 * MIB + 12345, seed=7),
        "weights/small.bin": pattern_bytes(3 * MIB, seed=9),
        "tokenizer/vocab.txt": b"a\nb\nc\n" * 1000,
    }


@pytest.fixture
def tiny_hub(hub_factory, repo_files) -> HubEmulator:  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=1 * MIB)
    hub.create_repo("acme/tiny", files=repo_files)
    return hub
