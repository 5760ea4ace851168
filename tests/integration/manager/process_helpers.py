"""Helpers of the tests that run the queue in other processes (``hfsuite queue run``,
``hfsuite worker``): their environment, waiting for what they do, and their checkpoints."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from hfsuite.engine.resume import load_state
from hfsuite.testing import HubEmulator


def runner_env(tmp_path: Path, hub: HubEmulator, db_url: str) -> dict[str, str]:
    """The environment of a runner process on the test's database and emulator."""
    return dict(
        os.environ,
        HFSUITE_DB_URL=db_url,
        HF_ENDPOINT=hub.url,
        HFSUITE_HF_HOME=str(tmp_path / "hf-home"),
    )


def wait_until(predicate: Callable[[], object], timeout_s: float, what: str) -> object:
    """``predicate()``'s first true value, polled every 50 ms (another process acts)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout_s} s waiting for {what}")


def settled(read: Callable[[], object], quiet_s: float = 0.6, timeout_s: float = 15) -> object:
    """Wait until ``read()`` stays the same for ``quiet_s`` (another process stopped writing)."""
    deadline = time.monotonic() + timeout_s
    value, since = read(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = read()
        if now != value:
            value, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return value
    pytest.fail(f"still changing after {timeout_s} s")


def checkpointed_bytes(cache: Path) -> int:
    """Bytes the resume states under an HF cache say are on disk."""
    return sum(
        state.ranges.total
        for path in cache.glob("models--*/blobs/*.hfsuite.json")
        if (state := load_state(path)) is not None
    )
