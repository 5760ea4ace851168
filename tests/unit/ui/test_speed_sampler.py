"""SpeedSampler: bursty progress reports become one graph point per tick (fake clock)."""

from __future__ import annotations

from hfsuite.ui.speed_sampler import SpeedSampler


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_each_sample_takes_the_latest_speeds_and_their_sum() -> None:
    clock = FakeClock()
    sampler = SpeedSampler(clock)
    sampler.update({1: 1000.0, 2: 500.0})
    sampler.sample()
    clock.now += 0.25
    sampler.update({1: 2000.0, 2: 0.0})
    sampler.sample()
    assert sampler.history() == [1500.0, 2000.0]
    assert sampler.history(1) == [1000.0, 2000.0]
    assert sampler.history(2) == [500.0, 0.0]


def test_nothing_reported_yet_samples_zero_and_tracks_no_task() -> None:
    sampler = SpeedSampler(FakeClock())
    sampler.sample()
    sampler.sample()
    assert sampler.history() == [0.0, 0.0]
    assert sampler.history(7) == []
    assert not sampler.tracks(7)


def test_the_last_speeds_repeat_until_they_go_stale_then_zeros() -> None:
    clock = FakeClock()
    sampler = SpeedSampler(clock, stale_after_s=1.5)
    sampler.update({1: 800.0})
    for _ in range(6):  # 0 … 1.25 s after the report: still fresh
        sampler.sample()
        clock.now += 0.25
    sampler.sample()  # 1.5 s: stale
    assert sampler.history(1) == [800.0] * 6 + [0.0]
    assert sampler.history()[-1] == 0.0
    assert sampler.tracks(1)


def test_a_task_missing_from_a_report_gets_a_zero_point() -> None:
    clock = FakeClock()
    sampler = SpeedSampler(clock)
    sampler.update({1: 100.0, 2: 200.0})
    sampler.sample()
    sampler.update({2: 300.0})  # task 1 finished
    sampler.sample()
    assert sampler.history(1) == [100.0, 0.0]
    assert sampler.history(2) == [200.0, 300.0]
    assert sampler.history() == [300.0, 300.0]


def test_histories_keep_only_the_newest_points() -> None:
    clock = FakeClock()
    sampler = SpeedSampler(clock, length=3)
    for speed in (1.0, 2.0, 3.0, 4.0, 5.0):
        sampler.update({1: speed})
        sampler.sample()
    assert sampler.history(1) == [3.0, 4.0, 5.0]
    assert sampler.history() == [3.0, 4.0, 5.0]


def test_forgotten_tasks_lose_their_history_and_their_speed() -> None:
    clock = FakeClock()
    sampler = SpeedSampler(clock)
    sampler.update({1: 100.0, 2: 200.0})
    sampler.sample()
    sampler.forget([1, 99])
    sampler.sample()
    assert not sampler.tracks(1) and sampler.history(1) == []
    assert sampler.history() == [300.0, 200.0]


def test_history_returns_a_copy() -> None:
    sampler = SpeedSampler(FakeClock())
    sampler.update({1: 5.0})
    sampler.sample()
    sampler.history(1).append(99.0)
    sampler.history().append(99.0)
    assert sampler.history(1) == [5.0] and sampler.history() == [5.0]
