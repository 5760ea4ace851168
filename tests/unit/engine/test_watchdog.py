"""The stall watchdog's rules, with a manual clock."""

from __future__ import annotations

import pytest

from hfsuite.core.clock import ManualClock
from hfsuite.engine.scheduler import MIB, SegmentScheduler
from hfsuite.engine.watchdog import RateEstimate, StallPolicy, Watchdog


def test_limit_has_a_floor_and_follows_the_others_rate() -> None:
    policy = StallPolicy(floor_s=2.0, factor=8.0, chunk_bytes=256 * 1024)
    assert policy.limit_s(20e6) == 2.0  # a chunk takes 13 ms at 20 MB/s: the floor rules
    assert policy.limit_s(100e3) == 8 * 256 * 1024 / 100e3  # a slow link gets longer
    assert policy.limit_s(0) == 2.0
    assert policy.limit_s(20e6, endgame=True) == policy.endgame_floor_s


def test_silence_is_a_stall_only_when_others_received_bytes_meanwhile() -> None:
    policy = StallPolicy(floor_s=2.0)
    # The others' last byte came after this connection began waiting: the link works.
    assert policy.stalled(12.5, waiting_since=10.0, others_last_byte=12.0, per_connection_bps=20e6)
    # Not yet past the floor.
    assert not policy.stalled(12.0, 10.5, 11.9, 20e6)
    # Nobody received anything since it began waiting: maybe the link is down; the read
    # timeout decides.
    assert not policy.stalled(100.0, 10.0, 9.0, 20e6)
    # Alone, or not waiting for the network (throttled, paused, writing).
    assert not policy.stalled(100.0, 10.0, None, 20e6)
    assert not policy.stalled(100.0, None, 99.0, 20e6)


def test_in_the_endgame_the_last_connection_is_raced_after_the_normal_limit() -> None:
    # The others finished before it went silent: no evidence that the link works, but an idle
    # connection stands by, so the last bytes are asked for again after the normal 2 s instead
    # of the 30 s read timeout.
    policy = StallPolicy(floor_s=2.0, endgame_floor_s=0.5)
    assert not policy.stalled(11.0, 10.0, 9.0, 20e6, endgame=True)
    assert policy.stalled(12.5, 10.0, 9.0, 20e6, endgame=True)
    assert not policy.stalled(12.5, 10.0, None, 20e6, endgame=True), "a lone connection"


def test_rate_estimate_keeps_the_last_figure_while_nothing_arrives() -> None:
    rate = RateEstimate(half_life_s=1.0)
    rate.update(0.0, 0)
    assert rate.update(1.0, 50_000_000) == 50e6  # the first sample is taken as is
    for t in range(2, 30):
        rate.update(float(t), 50_000_000)  # every connection waits
    assert rate.bps == 50e6  # else the stall limit would stretch exactly when it matters
    assert rate.update(30.0, 150_000_000) == 75e6  # 100 MB/s for a second, half-life 1 s


def _flow(clock: ManualClock, conn, nbytes: int = MIB) -> None:  # type: ignore[no-untyped-def]
    conn.waiting_since = clock.monotonic()
    clock.advance(0.05)
    conn.waiting_since = None
    conn.last_byte_at = clock.monotonic()


def test_watchdog_finds_the_silent_connection_once() -> None:
    clock = ManualClock()
    dog = Watchdog(StallPolicy(floor_s=2.0), clock.monotonic)
    a, b, c = dog.register(), dog.register(), dog.register()
    aborted: list[str] = []
    b.abort = lambda: aborted.append("b")
    for conn in (a, b, c):
        _flow(clock, conn)
    b.waiting_since = clock.monotonic()  # b's response goes silent
    total = 3 * MIB
    for _ in range(9):  # 1.8 s: a and c keep flowing
        clock.advance(0.1)
        total += 2 * MIB
        for conn in (a, c):
            _flow(clock, conn)
        dog.observe(total)
        assert dog.find_stalled() == []
    clock.advance(0.3)
    _flow(clock, a)  # 2.1 s since b's last read began
    assert dog.find_stalled() == [b]
    assert b.abandoned and dog.stalls == 1
    clock.advance(1.0)
    assert dog.find_stalled() == [], "an abandoned connection is not reported twice"


def test_a_lone_connection_is_left_to_the_read_timeout() -> None:
    clock = ManualClock()
    dog = Watchdog(StallPolicy(floor_s=2.0), clock.monotonic)
    lone = dog.register()
    _flow(clock, lone)
    lone.waiting_since = clock.monotonic()
    clock.advance(25.0)
    assert dog.find_stalled() == []


def test_finished_connections_still_show_the_link_works() -> None:
    # The end of a file: the others are done, one connection is stuck on the last bytes.
    clock = ManualClock()
    dog = Watchdog(StallPolicy(floor_s=2.0, endgame_floor_s=0.5), clock.monotonic)
    stuck, done = dog.register(), dog.register()
    stuck.waiting_since = clock.monotonic()
    _flow(clock, done)
    dog.unregister(done)
    clock.advance(0.6)
    assert dog.find_stalled() == []
    assert dog.find_stalled(endgame=True) == [stuck]


def test_take_over_moves_the_rest_of_a_silent_segment() -> None:
    sched = SegmentScheduler(8 * MIB, connections=1, min_segment=MIB, max_segment=64 * MIB)
    victim = sched.next_segment()
    assert victim is not None
    start = victim.pos
    sched.written(start, sched.reserve(victim, 3 * MIB))
    taken = sched.take_over(victim)
    assert taken is not None and (taken.start, taken.end) == (3 * MIB, 8 * MIB)
    assert sched.reserve(victim, MIB) == 0, "the silent connection stops if it wakes up"
    assert sched.take_over(victim) is None
    sched.release(victim)
    while (n := sched.reserve(taken, MIB)) > 0:
        sched.written(taken.pos - n, n)
    sched.release(taken)
    assert sched.complete


def test_a_connection_slow_to_start_stops_holding_the_adaptation_up() -> None:
    clock = ManualClock()
    dog = Watchdog(StallPolicy(), clock.monotonic)
    fast, slow = dog.register(), dog.register()
    _flow(clock, fast)
    assert not dog.all_received()
    clock.advance(1.1)
    assert dog.all_received(patience_s=1.0)
    _flow(clock, slow)
    assert dog.all_received()


def test_progress_floor_asks_again_then_fails() -> None:
    from hfsuite.engine.watchdog import ProgressFloor, ProgressWatch

    clock = ManualClock()
    floor = ProgressFloor(min_bps=1000, window_s=60)
    watch = ProgressWatch(floor, clock.monotonic())
    verdicts = []
    for got in range(1, 131):  # a byte every second: the read timeout never fires
        clock.advance(1)
        verdicts.append(watch.observe(clock.monotonic(), got))
    assert verdicts[:59] == [ProgressWatch.OK] * 59
    assert verdicts[59] == ProgressWatch.RETRY, "one slow window: ask for the ranges again"
    assert set(verdicts[60:119]) == {ProgressWatch.OK}
    assert verdicts[119] == ProgressWatch.FAIL, "a second slow window in a row: fail"


def test_progress_floor_is_met_by_a_slow_but_steady_file() -> None:
    from hfsuite.engine.watchdog import ProgressFloor, ProgressWatch

    clock = ManualClock()
    watch = ProgressWatch(ProgressFloor(min_bps=1000, window_s=60), clock.monotonic())
    got = 0
    for _ in range(600):
        clock.advance(1)
        got += 1500  # 1.5 KB/s: slow, above the floor
        assert watch.observe(clock.monotonic(), got) == ProgressWatch.OK


def test_progress_floor_recovers_after_a_retry_and_ignores_pauses() -> None:
    from hfsuite.engine.watchdog import ProgressFloor, ProgressWatch

    clock = ManualClock()
    watch = ProgressWatch(ProgressFloor(min_bps=1000, window_s=60), clock.monotonic())
    clock.advance(61)
    assert watch.observe(clock.monotonic(), 10) == ProgressWatch.RETRY
    clock.advance(30)
    assert watch.observe(clock.monotonic(), 70_000) == ProgressWatch.OK, "the new ranges flow"
    clock.advance(600)  # paused ten minutes
    watch.pause(clock.monotonic(), 70_000)
    clock.advance(1)
    assert watch.observe(clock.monotonic(), 70_010) == ProgressWatch.OK


def test_start_up_is_each_connection_s_own_wait_for_its_first_bytes() -> None:
    # Connections started one after another (a busy interpreter starts them tens of ms apart):
    # what the adaptation waits for is the longest time one of them waited for the server,
    # not the time since the first one was started.
    clock = ManualClock()
    dog = Watchdog(StallPolicy(), clock.monotonic)
    assert dog.longest_start_s() is None
    first = dog.register()
    clock.advance(0.004)
    first.received(clock.monotonic())
    clock.advance(0.050)
    late = dog.register()
    clock.advance(0.010)
    late.received(clock.monotonic())
    clock.advance(0.200)
    late.received(clock.monotonic())  # later bytes do not move its first-byte time
    assert dog.longest_start_s() == pytest.approx(0.010)
    assert first.first_byte_at == pytest.approx(0.004) and late.last_byte_at == pytest.approx(0.264)
