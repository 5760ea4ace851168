"""One connection budget per task: many small files do not starve a big one.

The emulator caps every connection (a CDN) and serves every file through it, small ones too, so
the big file and the small files compete for the same host's connections.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest
from engine_helpers import MIB, pattern_bytes, run_transfer

from hfsuite.core.events import FileCompleted
from hfsuite.engine.adapt import AdaptSettings

KIB = 1 << 10
BIG = "big.safetensors"
SMALL_COUNT = 200
CAP = 4 * MIB  # per connection


@pytest.fixture
def big() -> bytes:
    return pattern_bytes(24 * MIB + 17, seed=3)


@pytest.fixture
def small() -> dict[str, bytes]:
    return {f"shards/s{i:03}.bin": pattern_bytes(8 * KIB + i, seed=i) for i in range(SMALL_COUNT)}


def _hub(hub_factory, files: dict[str, bytes]):  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=4 * KIB)  # every file goes through the CDN
    hub.create_repo("acme/m", files=files)
    hub.throttle(per_connection_bps=CAP)
    return hub


def _most_at_once(hub, name: str) -> int:  # type: ignore[no-untyped-def]
    """The most CDN responses of one file in flight at the same moment (request log)."""
    edges = []
    for r in hub.log.filter(origin="cdn", method="GET"):
        if name in r.path:
            edges += [(r.started, 1), (r.started + r.duration_s, -1)]
    most = now = 0
    for _, step in sorted(edges):
        now += step
        most = max(most, now)
    return most


def _timed(hub, dest: Path, **options) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    done: dict[str, float] = {}
    started = time.monotonic()

    class Stamp(list):  # type: ignore[type-arg]
        def append(self, event: object) -> None:
            if isinstance(event, FileCompleted):
                done[event.path] = time.monotonic() - started

    run_transfer(hub.url, "acme/m", dest, local_dir=True, events=Stamp(), **options)
    return done[BIG], max(done.values())


@pytest.mark.parametrize("adapt", [None, AdaptSettings()], ids=["fixed", "adaptive"])
def test_small_files_do_not_starve_the_big_one(hub_factory, big, small, tmp_path, adapt):  # type: ignore[no-untyped-def]
    options = {
        "connections_per_file": 8,
        "max_connections_per_file": 8,
        "connections_per_host": 8,
        "adapt": adapt,
    }
    alone_hub = _hub(hub_factory, {BIG: big})
    _timed(alone_hub, tmp_path / "warm-up", **options)  # the emulator's first hashing, imports
    alone, _ = _timed(alone_hub, tmp_path / "alone", **options)
    hub = _hub(hub_factory, {BIG: big, **small})
    with_small, everything = _timed(hub, tmp_path / "both", **options)

    out = tmp_path / "both"
    assert hashlib.sha256((out / BIG).read_bytes()).digest() == hashlib.sha256(big).digest()
    assert all((out / path).read_bytes() == data for path, data in small.items())
    # The small files keep a quarter of the budget while the big file wants more (2 of 8
    # connections), so the big file runs on 6 at least: at most 4/3 of its time alone, plus
    # the small files' bytes at the whole budget's rate. Starved, it would end after them.
    share = sum(map(len, small.values())) / (8 * CAP)
    bound = alone * 4 / 3 + share
    assert with_small <= bound * 1.3 + 0.3, (  # loopback timing on a shared machine: slack
        f"big file alone {alone:.2f} s, with {SMALL_COUNT} small files {with_small:.2f} s"
    )
    big_conns = _most_at_once(hub, BIG)
    assert big_conns >= 6, f"the big file had {big_conns} connections at most"
    assert everything >= with_small


def test_the_budget_lends_small_files_only_what_big_ones_do_not_want() -> None:
    from hfsuite.engine.context import ConnectionBudget

    budget = ConnectionBudget(4)
    owner = object()
    assert budget.try_take(3) == 3
    budget.want(owner, 5)  # a big file would use more than is left
    assert budget.take(lambda: False, small=True), "small files keep a unit"
    assert budget.used == 4
    budget.give_back(small=True)
    budget.give_back(3)
    assert budget.try_take(10) == 4 and budget.used == 4
    budget.give_back(4)
    budget.want(owner, 0)
    for _ in range(4):
        assert budget.take(lambda: False, small=True)
    assert not budget.take(lambda: True, small=True), "a stopping download does not wait"
