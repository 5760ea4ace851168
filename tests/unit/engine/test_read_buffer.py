"""Each thread reads into one buffer of its own, kept across its segments and files."""

from __future__ import annotations

import threading

from hfsuite.engine.fileio import read_buffer


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
    theirs: list[memoryview] = []
    thread = threading.Thread(target=lambda: theirs.append(read_buffer(1 << 12)))
    thread.start()
    thread.join()
    assert theirs[0].obj is not mine.obj
