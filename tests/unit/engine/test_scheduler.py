from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hfsuite.engine.ranges import RangeSet
from hfsuite.engine.scheduler import MIB, SegmentScheduler


def _drain(sched: SegmentScheduler, seg, chunk: int) -> None:  # type: ignore[no-untyped-def]
    while True:
        start = seg.pos
        n = sched.reserve(seg, chunk)
        if n == 0:
            break
        sched.written(start, n)
    sched.release(seg)


def test_segments_come_in_order_and_cover_the_file() -> None:
    sched = SegmentScheduler(100 * MIB, connections=4, max_segment=16 * MIB)
    segs = [sched.next_segment() for _ in range(4)]
    starts = [s.start for s in segs if s]
    assert starts == sorted(starts) and starts[0] == 0
    for seg in segs:
        _drain(sched, seg, MIB)
    while (seg := sched.next_segment()) is not None:
        _drain(sched, seg, MIB)
    assert sched.complete
    assert sched.done.total == 100 * MIB


def test_idle_connection_steals_the_tail_of_a_slow_one() -> None:
    sched = SegmentScheduler(8 * MIB, connections=1, min_segment=MIB, max_segment=64 * MIB)
    slow = sched.next_segment()
    assert slow is not None and (slow.start, slow.end) == (0, 8 * MIB)
    start = slow.pos
    sched.written(start, sched.reserve(slow, MIB))  # the slow one has done 1 MiB
    thief = sched.next_segment()
    assert thief is not None
    assert thief.start >= slow.pos and thief.end == 8 * MIB
    assert slow.end == thief.start, "the victim's end moved to the split point"
    _drain(sched, thief, MIB)
    _drain(sched, slow, 256 * 1024)
    assert sched.complete


def test_no_steal_below_twice_the_minimum() -> None:
    sched = SegmentScheduler(3 * MIB, connections=1, min_segment=2 * MIB, max_segment=4 * MIB)
    seg = sched.next_segment()
    assert seg is not None
    assert sched.next_segment() is None


def test_resume_only_hands_out_missing_bytes() -> None:
    done = RangeSet([(0, 10 * MIB), (20 * MIB, 30 * MIB)])
    sched = SegmentScheduler(32 * MIB, done, connections=2, min_segment=MIB)
    handed = RangeSet()
    while (seg := sched.next_segment()) is not None:
        handed.add(seg.start, seg.end)
        _drain(sched, seg, MIB)
    assert list(handed) == [(10 * MIB, 20 * MIB), (30 * MIB, 32 * MIB)]


def test_released_unwritten_bytes_go_back_to_the_queue() -> None:
    sched = SegmentScheduler(4 * MIB, connections=1, min_segment=MIB)
    seg = sched.next_segment()
    assert seg is not None
    start = seg.pos
    n = sched.reserve(seg, MIB)
    sched.written(start, n // 2)  # the connection died halfway through a chunk
    sched.release(seg, written_upto=start + n // 2)
    again = sched.next_segment()
    assert again is not None and again.start == start + n // 2


@settings(max_examples=60, deadline=None)
@given(
    size=st.integers(1, 40 * MIB),
    conns=st.integers(1, 8),
    seed=st.integers(0, 2**32 - 1),
)
def test_random_interleaving_always_completes_exactly(size: int, conns: int, seed: int) -> None:
    """Connections at random speeds, failing and stealing, still cover every byte once."""
    rng = random.Random(seed)
    sched = SegmentScheduler(size, connections=conns, min_segment=256 * 1024, max_segment=8 * MIB)
    workers: list = [None] * conns
    writes = RangeSet()
    written_bytes = 0
    for _ in range(100_000):
        if sched.complete:
            break
        i = rng.randrange(conns)
        seg = workers[i]
        if seg is None:
            workers[i] = sched.next_segment()
            continue
        if rng.random() < 0.02:  # connection drops
            sched.release(seg)
            workers[i] = None
            continue
        start = seg.pos
        n = sched.reserve(seg, rng.randint(1, 2 * MIB))
        if n == 0:
            sched.release(seg)
            workers[i] = None
            continue
        assert not writes.covers(start, start + 1) or not writes.covers(start, start + n)
        writes.add(start, start + n)
        written_bytes += n
        sched.written(start, n)
    assert sched.complete
    assert sched.done.total == size
    assert written_bytes == size, "no byte was written twice"


def _simulate_equal_connections(sched: SegmentScheduler, conns: int, step: int) -> list[int]:
    """Connections at the same speed each write ``step`` bytes per round; returns, per round,
    how far the written bytes reach beyond the contiguous prefix (what a hash must read back)."""
    active = [sched.next_segment() for _ in range(conns)]
    lags = []
    while any(active):
        for i, seg in enumerate(active):
            if seg is None:
                continue
            start = seg.pos
            n = sched.reserve(seg, step)
            if n:
                sched.written(start, n)
            if seg.pos >= seg.end:
                sched.release(seg)
                active[i] = sched.next_segment()
        lags.append(sched.done.total - sched.done.contiguous_prefix())
    return lags


def test_first_segments_are_staggered_so_the_prefix_grows_steadily() -> None:
    sched = SegmentScheduler(2048 * MIB, connections=16, max_segment=64 * MIB)
    first = [sched.next_segment() for _ in range(16)]
    sizes = [s.end - s.start for s in first if s]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1], "the first wave grows in size"
    assert sizes[-1] == 64 * MIB


def test_written_bytes_never_run_far_ahead_of_the_prefix() -> None:
    # 16 equal connections over 1 GiB: without the staggered first wave every segment of a
    # wave completes together and the bytes beyond the prefix reach 925 MiB (measured); with
    # it they peak at 327 MiB, and 66 MiB in the last tenth.
    sched = SegmentScheduler(1024 * MIB, connections=16, max_segment=64 * MIB)
    lags = _simulate_equal_connections(sched, 16, MIB)
    assert sched.complete
    assert max(lags) <= 520 * MIB
    # At the end (the last tenth of the rounds) little is left for the hash to read back.
    assert max(lags[-len(lags) // 10 :]) <= 160 * MIB


def test_segments_follow_the_count_they_are_shared_by() -> None:
    # Sized for 32, what is left of a 1 GiB file after the first wave goes out in 32nds; once
    # 4 connections share it, in quarters: fewer, longer requests.
    sched = SegmentScheduler(1024 * MIB, connections=32, max_segment=1024 * MIB)
    for _ in range(32):  # the staggered first wave
        assert sched.next_segment() is not None

    def next_share() -> float:
        left = sum(end - start for start, end in sched._gaps)
        seg = sched.next_segment()
        assert seg is not None
        return (seg.end - seg.start) / left

    assert next_share() == pytest.approx(1 / 32, rel=0.01)
    sched.share(4)
    assert next_share() == pytest.approx(1 / 4, rel=0.01)


def test_left_counts_the_gaps_and_what_segments_in_flight_still_have_to_take() -> None:
    sched = SegmentScheduler(10 * MIB, RangeSet([(0, 2 * MIB)]), connections=2)
    assert sched.left() == 8 * MIB
    seg = sched.next_segment()
    assert seg is not None
    assert sched.left() == 8 * MIB  # handed out, nothing received yet
    got = sched.reserve(seg, MIB)
    sched.written(seg.start, got)
    assert sched.left() == 8 * MIB - got
