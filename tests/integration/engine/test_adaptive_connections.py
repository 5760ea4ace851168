"""Adaptive connection counts against the emulator's per-connection and total caps."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from pathlib import Path

import pytest
from engine_helpers import MIB, pattern_bytes, run_transfer

from hfsuite.engine.adapt import AdaptSettings

BIG = "big.safetensors"


@pytest.fixture
def content() -> bytes:
    return pattern_bytes(40 * MIB + 99, seed=5)


@pytest.fixture
def hub(hub_factory, content):  # type: ignore[no-untyped-def]
    h = hub_factory(lfs_threshold=1 * MIB)
    h.create_repo("acme/m", files={BIG: content})
    return h


def _most_at_once(hub) -> int:  # type: ignore[no-untyped-def]
    """The most CDN responses in flight at the same moment (from the request log)."""
    edges = []
    for r in hub.log.filter(origin="cdn"):
        edges += [(r.started, 1), (r.started + r.duration_s, -1)]
    most = now = 0
    for _, step in sorted(edges, key=lambda e: (e[0], e[1])):
        now += step
        most = max(most, now)
    return most


def _fetch(hub, content: bytes, tmp_path: Path, **options) -> None:  # type: ignore[no-untyped-def]
    dest = tmp_path / "out"
    run_transfer(hub.url, "acme/m", dest, local_dir=True, adapt=AdaptSettings(), **options)
    assert hashlib.sha256((dest / BIG).read_bytes()).digest() == hashlib.sha256(content).digest()


def test_more_connections_on_a_server_that_caps_each_one(hub, content, tmp_path):  # type: ignore[no-untyped-def]
    hub.throttle(per_connection_bps=3 * MIB)
    _fetch(hub, content, tmp_path, max_connections_per_file=32, connections_per_host=16)
    capped = _most_at_once(hub)
    assert capped >= 12, f"only {capped} connections against a 3 MiB/s-per-connection cap"
    assert capped <= 16, "the per-host limit was exceeded"


def test_few_connections_on_a_saturated_link(hub, content, tmp_path):  # type: ignore[no-untyped-def]
    hub.throttle(total_bps=24 * MIB)  # the link, not the connection, is the limit
    _fetch(hub, content, tmp_path, max_connections_per_file=32, connections_per_host=16)
    assert _most_at_once(hub) <= 8


def test_the_per_host_limit_bounds_the_growth(hub, content, tmp_path):  # type: ignore[no-untyped-def]
    hub.throttle(per_connection_bps=3 * MIB)
    _fetch(hub, content, tmp_path, max_connections_per_file=32, connections_per_host=6)
    assert _most_at_once(hub) <= 6


def test_a_fixed_count_is_kept(hub, content, tmp_path):  # type: ignore[no-untyped-def]
    hub.throttle(per_connection_bps=10 * MIB)
    dest = tmp_path / "out"
    run_transfer(hub.url, "acme/m", dest, local_dir=True, connections_per_file=3)
    assert _most_at_once(hub) <= 3


def _most_at_once_after(hub, share: float) -> int:  # type: ignore[no-untyped-def]
    """The most CDN responses in flight at once in the last ``share`` of the transfer."""
    records = hub.log.filter(origin="cdn")
    first = min(r.started for r in records)
    last = max(r.started + r.duration_s for r in records)
    since = last - share * (last - first)
    edges = []
    for r in records:
        end = r.started + r.duration_s
        if end > since:
            edges += [(max(r.started, since), 1), (end, -1)]
    most = now = 0
    for _, step in sorted(edges, key=lambda e: (e[0], e[1])):
        now += step
        most = max(most, now)
    return most


def test_bytes_waiting_for_this_machine_drop_the_count(hub_factory, tmp_path, monkeypatch, caplog):  # type: ignore[no-untyped-def]
    # A disk that takes one write at a time, slowly: the emulator sends faster than the file
    # is written, so after each read the socket already holds more. 16 connections drop to 4
    # (the rate does not depend on the count), and the file is still complete and verified.
    content = pattern_bytes(96 * MIB + 5, seed=9)
    hub = hub_factory(lfs_threshold=1 * MIB)
    hub.create_repo("acme/m", files={BIG: content})
    write = os.pwrite
    disk = threading.Lock()

    def slow_disk(fd: int, data, offset: int) -> int:  # type: ignore[no-untyped-def]
        with disk:
            time.sleep(0.003)
            return write(fd, data, offset)

    monkeypatch.setattr(os, "pwrite", slow_disk)
    caplog.set_level(logging.DEBUG, logger="hfsuite.engine.connections")
    dest = tmp_path / "out"
    run_transfer(
        hub.url,
        "acme/m",
        dest,
        local_dir=True,
        adapt=AdaptSettings(),  # 96 MiB: starts with 16
        max_connections_per_file=32,
        connections_per_host=32,
        min_segment=4 * MIB,  # segments the size a big file's are (a read never empties one)
    )
    assert hashlib.sha256((dest / BIG).read_bytes()).digest() == hashlib.sha256(content).digest()
    dropped = [r.getMessage() for r in caplog.records if "bytes wait for this" in r.getMessage()]
    assert dropped == [
        "bytes wait for this machine, not for the server: 4 connections instead of 16"
    ]


def test_a_server_that_caps_each_connection_keeps_its_connections(hub, content, tmp_path):  # type: ignore[no-untyped-def]
    # The same file started with 16 against a per-connection cap: no backlog, no drop.
    hub.throttle(per_connection_bps=2 * MIB)
    dest = tmp_path / "out"
    adapt = AdaptSettings(big_file_bytes=8 * MIB)
    run_transfer(
        hub.url,
        "acme/m",
        dest,
        local_dir=True,
        adapt=adapt,
        max_connections_per_file=32,
        connections_per_host=32,
    )
    assert hashlib.sha256((dest / BIG).read_bytes()).digest() == hashlib.sha256(content).digest()
    assert _most_at_once_after(hub, 0.4) >= 12
