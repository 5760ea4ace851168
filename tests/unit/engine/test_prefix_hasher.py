"""PrefixHasher: a hashing thread follows the written prefix whatever order bytes land in."""

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


def _write_behind(path: Path, data: bytes, order: list[int], chunk: int) -> PrefixHasher:
    """Write ``data`` chunk by chunk in ``order`` as connections do (pwrite, then count it as
    written) while the hashing thread follows; return the hasher once all is hashed."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    os.ftruncate(fd, len(data))
    expectation = Expectation(len(data), HashKind.SHA256, hashlib.sha256(data).hexdigest())
    hasher = PrefixHasher(expectation, fd)
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
            os.pwrite(fd, data[start : start + chunk], start)
            with lock:
                done.add(start, min(len(data), start + chunk))
    finally:
        stop.set()
        thread.join()
    hasher.catch_up(len(data))  # what FileDownload does after its connections end
    os.close(fd)
    return hasher


def test_the_hashing_thread_follows_bytes_written_out_of_order(tmp_path: Path) -> None:
    chunk = 64 * KIB
    data = _content(32 * chunk + 5, seed=2)
    order = list(range(16, 33)) + list(range(16))  # the second half lands first
    hasher = _write_behind(tmp_path / "f", data, order, chunk)
    assert hasher.matches()
    assert hasher.reread_bytes == len(data), "every byte was read back once, no more"


def test_a_connection_feeding_in_order_needs_no_read_back(tmp_path: Path) -> None:
    data = _content(10 * 64 * KIB + 17, seed=5)
    fd = os.open(tmp_path / "f", os.O_RDWR | os.O_CREAT, 0o644)
    hasher = PrefixHasher(
        Expectation(len(data), HashKind.SHA256, hashlib.sha256(data).hexdigest()), fd
    )
    view = memoryview(data)
    assert not hasher.feed(64 * KIB, view[64 * KIB : 128 * KIB]), "not at the frontier"
    for start in range(0, len(data), 64 * KIB):
        os.pwrite(fd, view[start : start + 64 * KIB], start)
        assert hasher.feed(start, view[start : start + 64 * KIB])
    hasher.catch_up(len(data))
    os.close(fd)
    assert hasher.matches() and hasher.reread_bytes == 0


def test_a_wrong_byte_is_a_mismatch(tmp_path: Path) -> None:
    data = _content(8 * 64 * KIB, seed=3)
    fd = os.open(tmp_path / "f", os.O_RDWR | os.O_CREAT, 0o644)
    os.pwrite(fd, data[:-1] + b"\x00", 0)
    hasher = PrefixHasher(
        Expectation(len(data), HashKind.SHA256, hashlib.sha256(data).hexdigest()), fd
    )
    hasher.catch_up(len(data))
    os.close(fd)
    assert hasher.position == len(data) and not hasher.matches()


def test_git_blob_id_is_checked(tmp_path: Path) -> None:
    data = b"hello\n"
    path = tmp_path / "f"
    path.write_bytes(data)
    blob_id = hashlib.sha1(b"blob 6\0" + data).hexdigest()  # what `git hash-object` prints
    fd = os.open(path, os.O_RDONLY)
    hasher = PrefixHasher(Expectation(len(data), HashKind.GIT_SHA1, blob_id), fd)
    hasher.catch_up(len(data))
    os.close(fd)
    assert hasher.matches()


@settings(max_examples=40, deadline=None)
@given(size=st.integers(1, 600 * KIB), seed=st.integers(0, 2**32 - 1))
def test_any_arrival_order_gives_the_exact_digest(tmp_path_factory, size: int, seed: int) -> None:  # type: ignore[no-untyped-def]
    chunk = 32 * KIB
    data = _content(size, seed)
    n = -(-size // chunk)
    rng = random.Random(seed)
    # Roughly in order, as several connections deliver: a shuffle within a sliding span.
    order = sorted(range(n), key=lambda i: i + rng.uniform(0, 6))
    hasher = _write_behind(tmp_path_factory.mktemp("h") / "f", data, order, chunk)
    assert hasher.position == size
    assert hasher.result() == hashlib.sha256(data).hexdigest()


def _written(path: Path, data: bytes) -> tuple[int, PrefixHasher]:
    """A file already holding ``data``, open for reading, and a hasher expecting it."""
    path.write_bytes(data)
    fd = os.open(path, os.O_RDONLY)
    expectation = Expectation(len(data), HashKind.SHA256, hashlib.sha256(data).hexdigest())
    return fd, PrefixHasher(expectation, fd)


class _StopAtFirstWait(threading.Event):
    """A stop event that records where the hasher stood when it first chose to wait."""

    def __init__(self, hasher_ref: list[PrefixHasher]):
        super().__init__()
        self.hasher_ref = hasher_ref
        self.waited_at: list[int] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waited_at.append(self.hasher_ref[0].position)
        self.set()
        return True


def test_the_hashing_thread_waits_only_once_it_has_caught_up(tmp_path: Path) -> None:
    # The prefix grows while the thread hashes (each look finds 16 KiB more): it must go on at
    # once, not wait a poll interval after each catch-up (that capped it below the rate a fast
    # download writes at, leaving half of a big file to hash after its last byte).
    data = _content(256 * KIB, seed=5)
    fd, hasher = _written(tmp_path / "f", data)
    grown = iter(range(16 * KIB, len(data) + 1, 16 * KIB))
    last = [0]

    def prefix_end() -> int:
        last[0] = next(grown, len(data))
        return last[0]

    stop = _StopAtFirstWait([hasher])
    hasher.run_behind(prefix_end, stop)
    os.close(fd)
    assert stop.waited_at == [len(data)]  # the first wait came with everything hashed
    assert hasher.matches()


def test_a_stopped_catch_up_leaves_the_rest_to_whoever_stopped_it(tmp_path: Path) -> None:
    data = _content(64 * KIB, seed=6)
    fd, hasher = _written(tmp_path / "f", data)
    stop = threading.Event()
    stop.set()
    hasher.catch_up(len(data), stop)  # the connections ended: the thread returns at once
    assert hasher.position == 0
    hasher.catch_up(len(data))  # what FileDownload does next, in its own thread
    os.close(fd)
    assert hasher.matches()
