"""Each thread reads into one buffer of its own, kept across its segments and files."""

from __future__ import annotations

import errno
import mmap
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from hfsuite.engine.fileio import read_buffer

T = TypeVar("T")


def in_fresh_thread(fn: Callable[[], T]) -> T:
    """``fn()`` run in a new thread (which has no buffer yet); its result, or its exception."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(fn())
        except BaseException as exc:  # handed to the calling thread
            failure.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return outcome[0]


def test_a_thread_gets_the_same_buffer_again() -> None:
    first = read_buffer(1 << 16)
    first[:3] = b"abc"
    again = read_buffer(1 << 16)
    assert again.obj is first.obj  # no new allocation (nor zeroing) per segment
    assert len(again) == 1 << 16


def test_another_size_gets_a_new_buffer() -> None:
    small = read_buffer(1 << 12)
    big = read_buffer(1 << 13)
    assert len(big) == 1 << 13
    assert big.obj is not small.obj


def test_threads_never_share_a_buffer() -> None:
    mine = read_buffer(1 << 12)
    theirs = in_fresh_thread(lambda: read_buffer(1 << 12))
    assert theirs.obj is not mine.obj


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads Linux's /proc")
def test_a_new_buffer_touches_no_page_until_read_into() -> None:
    # A zeroed bytearray had every page written with the interpreter lock held (32 connections:
    # 32 MiB, ~30 ms of the lock while the download command imports its queue).
    page = os.sysconf("SC_PAGE_SIZE")

    def resident() -> int:
        return int(Path("/proc/self/statm").read_text().split()[1]) * page

    size = 64 << 20

    def make() -> tuple[int, int]:
        before = resident()
        view = read_buffer(size)
        after = resident()
        view[:4096] = b"x" * 4096  # as a first read would
        return after - before, len(view)

    grown, length = in_fresh_thread(make)
    assert length == size
    assert grown < size // 4, grown


def test_without_posix_mapping_flags_a_plain_anonymous_map_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Windows' mmap has neither MAP_PRIVATE nor MAP_ANONYMOUS.
    monkeypatch.delattr(mmap, "MAP_PRIVATE")
    monkeypatch.delattr(mmap, "MAP_ANONYMOUS")

    def make() -> memoryview:
        view = read_buffer(1 << 16)
        view[:5] = b"hello"
        return view

    view = in_fresh_thread(make)
    assert bytes(view[:5]) == b"hello"
    assert len(view) == 1 << 16


def test_no_memory_for_a_buffer_is_a_memory_error_not_a_write_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: object, **kwargs: object) -> mmap.mmap:
        raise OSError(errno.ENOMEM, "Cannot allocate memory")

    monkeypatch.setattr(mmap, "mmap", refuse)
    with pytest.raises(MemoryError) as raised:
        in_fresh_thread(lambda: read_buffer(1 << 16))
    assert "Cannot allocate memory" in str(raised.value)
