"""Builders shared by the download-manager unit tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hfsuite.app.suite import Suite
from hfsuite.config import SettingsStore
from hfsuite.core.clock import Clock
from hfsuite.core.types import Layout, Priority, RepoType, SourceKind, TaskState
from hfsuite.storage import TaskRecord


def record(task_id: int, state: TaskState) -> TaskRecord:
    """A task record in a given state (for event tests)."""
    return TaskRecord(
        id=task_id,
        source=SourceKind.HUGGINGFACE,
        repo_id="acme/x",
        url=None,
        repo_type=RepoType.MODEL,
        revision=None,
        resolved_commit=None,
        include=(),
        exclude=(),
        files=None,
        destination="/tmp/x",
        layout=Layout.HF_CACHE,
        profile_id=None,
        priority=Priority.NORMAL,
        rank=1.0,
        state=state,
        bandwidth_limit_bps=None,
        connections=None,
        expected_sha256=None,
        bytes_total=None,
        bytes_done=0,
        files_total=None,
        files_done=0,
        error=None,
        created_at=0.0,
        started_at=None,
        finished_at=None,
        updated_at=0.0,
        change_seq=1,
        claimed_by=None,
        heartbeat_at=None,
    )


DB_URLS: dict[Path, str] = {}
"""A test's ``tmp_path`` -> its PostgreSQL database's URL (see :func:`on_both_backends`)."""


@pytest.fixture(autouse=True, params=["sqlite", "postgresql"])
def on_both_backends(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Import into a test module to run each of its tests on SQLite and on PostgreSQL (a new
    database per test; skipped without a server). ``sqlite_only`` marks the exceptions."""
    if request.param == "postgresql":
        marker = request.node.get_closest_marker("sqlite_only")
        if marker is not None:
            pytest.skip(marker.kwargs.get("reason", "about SQLite only"))
        DB_URLS[tmp_path] = str(request.getfixturevalue("postgres_url"))
    yield str(request.param)
    DB_URLS.pop(tmp_path, None)


def make_suite(tmp_path: Path, clock: Clock | None = None, **env: str) -> Suite:
    """A Suite on a database in ``tmp_path`` (a second call = another process's view)."""
    store = SettingsStore(tmp_path / "cfg" / "settings.toml")
    loaded = store.load(
        env={
            "HFSUITE_DB_URL": DB_URLS.get(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}"),
            "HF_ENDPOINT": "http://127.0.0.1:9",
            "HFSUITE_HF_HOME": str(tmp_path / "hf-home"),
            **env,
        }
    )
    return Suite(loaded, store, clock=clock)
