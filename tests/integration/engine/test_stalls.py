"""Stalled responses are abandoned in seconds while the other connections flow."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest
from engine_helpers import MIB, pattern_bytes, run_transfer

from hfsuite.core.events import TransferRetrying

BIG = "big.safetensors"


@pytest.fixture
def content() -> bytes:
    return pattern_bytes(24 * MIB + 4321, seed=11)


@pytest.fixture
def hub(hub_factory, content):  # type: ignore[no-untyped-def]
    h = hub_factory(lfs_threshold=1 * MIB)
    h.create_repo("acme/m", files={BIG: content})
    return h


def test_stalled_responses_are_asked_again_long_before_the_read_timeout(  # type: ignore[no-untyped-def]
    hub, content, tmp_path: Path
):
    # The first three responses go silent for 60 s after 200 kB; the read timeout is 30 s.
    hub.throttle(per_connection_bps=8 * MIB)
    hub.add_fault(f"*{BIG}", origin="cdn", stall_after_bytes=200_000, stall_s=60, count=3)
    events: list = []
    started = time.monotonic()
    result = run_transfer(
        hub.url,
        "acme/m",
        tmp_path / "out",
        local_dir=True,
        events=events,
        read_timeout_s=30,
        connections_per_file=4,
    )
    elapsed = time.monotonic() - started
    assert hashlib.sha256((tmp_path / "out" / BIG).read_bytes()).digest() == (
        hashlib.sha256(content).digest()
    )
    # Fault-free: 24 MiB over 4 × 8 MiB/s ≈ 0.8 s; each stall costs about the 2 s floor.
    assert elapsed < 12, f"took {elapsed:.1f} s: the stalls were waited out"
    reasons = [e.reason for e in events if isinstance(e, TransferRetrying)]
    assert sum("other connections" in r for r in reasons) >= 3
    # Nothing is written twice; what was received and dropped is counted, and small.
    assert result.downloaded_bytes == len(content)
    assert result.duplicate_bytes <= 3 * MIB
    assert result.refetched_bytes == result.duplicate_bytes  # no file started over


def test_a_trickling_server_fails_the_file_after_asking_again(hub_factory, tmp_path):  # type: ignore[no-untyped-def]
    from hfsuite.core.errors import NetworkError
    from hfsuite.engine.watchdog import ProgressFloor

    h = hub_factory(lfs_threshold=MIB)
    h.create_repo("acme/slow", files={"w.bin": pattern_bytes(2 * MIB, seed=4)})
    h.throttle(per_connection_bps=2000)  # bytes keep coming: no read timeout ever fires
    floor = ProgressFloor(min_bps=50_000, window_s=0.4)
    events: list = []
    t0 = time.monotonic()
    with pytest.raises(NetworkError, match=r"w\.bin: the server sent less than 50000 bytes"):
        run_transfer(h.url, "acme/slow", tmp_path / "o", local_dir=True, floor=floor, events=events)
    assert time.monotonic() - t0 < 5
    reasons = [e.reason for e in events if isinstance(e, TransferRetrying)]
    assert any("asking again" in r for r in reasons), "asked for again before giving up"
