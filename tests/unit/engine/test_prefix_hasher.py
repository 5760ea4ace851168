"""PrefixHasher: chunks kept in memory near the frontier, the rest read back, digest exact."""

from __future__ import annotations

import hashlib
import os
import random
import threading
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from hfsuite.engine.ranges import RangeSet
from hfsuite.engine.verify import Expectation, HashKind, PrefixHasher

KIB = 1024


def _content(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def _write_chunks(
    path: Path, data: bytes, order: list[int], chunk: int, *, window: int, buffer: int
) -> PrefixHasher:
    """Write ``data`` chunk by chunk in ``order`` as connections do (pwrite, offer, count
    written), with the hashing thread following; return the hasher once it is done."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    os.ftruncate(fd, len(data))
    expectation = Expectation(len(data), HashKind.SHA256, hashlib.sha256(data).hexdigest())
    hasher = PrefixHasher(expectation, fd, window_bytes=window, buffer_bytes=buffer)
    done = RangeSet()
    lock = threading.Lock()

    def prefix_end() -> int:
        with lock:
            return done.contiguous_prefix()

    stop = threading.Event()
    thread = threading.Thread(target=hasher.run_behind, args=(prefix_end, stop))
    thread.start()
    try:
        for index in order:
            start = index * chunk
            piece = data[start : start + chunk]
            buf = hasher.buffer()
            buf[: len(piece)] = piece
            os.pwrite(fd, memoryview(buf)[: len(piece)], start)
            if not hasher.offer(start, buf, len(piece)):
                hasher.give_back(buf)
            with lock:
                done.add(start, start + len(piece))
    finally:
        hasher.stop_behind(stop)
        thread.join()
    hasher.catch_up(len(data))  # what FileDownload does after its connections end
    os.close(fd)
    return hasher


def _offer_all(
    path: Path, data: bytes, order: list[int], chunk: int, *, window: int
) -> tuple[PrefixHasher, list[bool]]:
    """Write and offer every chunk with no hashing thread running yet; then hash it all."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    os.ftruncate(fd, len(data))
    expectation = Expectation(len(data), HashKind.SHA256, hashlib.sha256(data).hexdigest())
    hasher = PrefixHasher(expectation, fd, window_bytes=window, buffer_bytes=chunk)
    kept = []
    for index in order:
        start = index * chunk
        piece = data[start : start + chunk]
        buf = hasher.buffer()
        buf[: len(piece)] = piece
        os.pwrite(fd, memoryview(buf)[: len(piece)], start)
        kept.append(hasher.offer(start, buf, len(piece)))
    hasher.catch_up(len(data))
    os.close(fd)
    return hasher, kept


def test_bytes_arriving_in_order_are_hashed_from_memory(tmp_path: Path) -> None:
    data = _content(64 * 64 * KIB + 123, seed=1)
    chunks = -(-len(data) // (64 * KIB))
    hasher, kept = _offer_all(
        tmp_path / "f", data, list(range(chunks)), 64 * KIB, window=len(data) + 64 * KIB
    )
    assert all(kept)
    assert hasher.matches()
    assert hasher.reread_bytes == 0, "nothing kept in memory is read back"


def test_memory_is_bounded_and_bytes_far_ahead_are_read_back(tmp_path: Path) -> None:
    chunk = 64 * KIB
    data = _content(32 * chunk, seed=2)
    # The second half first (beyond the 4-chunk window), then the first half in order.
    order = list(range(16, 32)) + list(range(16))
    hasher, kept = _offer_all(tmp_path / "f", data, order, chunk, window=4 * chunk)
    assert kept[:16] == [False] * 16, "chunks beyond the window are not kept"
    assert kept[16:20] == [True] * 4 and not any(kept[20:]), "at most a window's worth kept"
    assert hasher.matches()
    assert hasher.reread_bytes == len(data) - 4 * chunk


def test_a_wrong_byte_is_a_mismatch(tmp_path: Path) -> None:
    data = _content(8 * 64 * KIB, seed=3)
    path = tmp_path / "f"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    os.pwrite(fd, data[:-1] + b"\x00", 0)
    hasher = PrefixHasher(
        Expectation(len(data), HashKind.SHA256, hashlib.sha256(data).hexdigest()), fd
    )
    hasher.catch_up(len(data))
    os.close(fd)
    assert hasher.position == len(data) and not hasher.matches()


def test_buffers_are_recycled_not_reallocated(tmp_path: Path) -> None:
    fd = os.open(tmp_path / "f", os.O_RDWR | os.O_CREAT, 0o644)
    hasher = PrefixHasher(Expectation(1, HashKind.SIZE), fd, window_bytes=4 * KIB, buffer_bytes=KIB)
    first = hasher.buffer()
    hasher.give_back(first)
    assert hasher.buffer() is first
    os.close(fd)


@settings(max_examples=40, deadline=None)
@given(
    size=st.integers(1, 600 * KIB),
    seed=st.integers(0, 2**32 - 1),
    window_chunks=st.integers(1, 12),
)
def test_any_arrival_order_gives_the_exact_digest(
    tmp_path_factory, size: int, seed: int, window_chunks: int
) -> None:  # type: ignore[no-untyped-def]
    chunk = 32 * KIB
    data = _content(size, seed)
    n = -(-size // chunk)
    rng = random.Random(seed)
    # Roughly in order, as several connections deliver: a shuffle within a sliding span.
    order = sorted(range(n), key=lambda i: i + rng.uniform(0, 6))
    path = tmp_path_factory.mktemp("h") / "f"
    hasher = _write_chunks(path, data, order, chunk, window=window_chunks * chunk, buffer=chunk)
    assert hasher.position == size
    assert hasher.result() == hashlib.sha256(data).hexdigest()
