"""The connection-count policy, fed synthetic rates on a manual timeline."""

from __future__ import annotations

from collections.abc import Callable

from hfsuite.engine.adapt import AdaptSettings, Backlog, ConnectionPolicy


def _simulate(
    rate_for: Callable[[int], float],
    settings: AdaptSettings,
    *,
    seconds: float = 5.0,
    startup_s: float = 0.02,
) -> list[int]:
    """Run the policy every 10 ms; connections deliver ``rate_for(n)`` once started."""
    policy = ConnectionPolicy(settings, 0.0)
    now, total, counts = 0.0, 0.0, [policy.target]
    changed_at = 0.0
    while now < seconds:
        now += 0.01
        total += rate_for(policy.target) * 0.01
        ready = now - changed_at >= startup_s
        before = policy.target
        policy.update(now, int(total), ready)
        if policy.target != before:
            changed_at = now
            counts.append(policy.target)
    return counts


def test_a_server_capping_each_connection_gets_the_ceiling() -> None:
    counts = _simulate(lambda n: n * 20e6, AdaptSettings(start=4, ceiling=32))
    assert counts[0] == 4 and counts[-1] == 32
    assert counts == sorted(counts)


def test_growth_leaps_when_each_connection_brought_its_share() -> None:
    counts = _simulate(lambda n: n * 20e6, AdaptSettings(start=4, ceiling=64))
    assert counts == [4, 8, 32, 64]  # 4 -> 8 doubled the rate: the server caps connections


def test_a_saturated_link_stops_the_growth() -> None:
    # 100 MB/s for the whole link: 4 connections at 20 MB/s leave room, 8 fill it.
    counts = _simulate(lambda n: min(n * 20e6, 100e6), AdaptSettings(start=4, ceiling=32))
    assert counts == [4, 8]


def test_an_uncapped_fast_server_stops_after_one_step() -> None:
    # Loopback: 4 connections already get all the machine can move; 8 bring nothing more.
    counts = _simulate(lambda n: 900e6, AdaptSettings(start=4, ceiling=32))
    assert counts == [4, 8]


def test_nothing_is_decided_before_every_connection_has_received_bytes() -> None:
    policy = ConnectionPolicy(AdaptSettings(start=4, ceiling=32, min_window_s=0.1), 0.0)
    for t in range(1, 100):
        assert policy.update(t / 10, t * 1_000_000, ready=False) == 4
    assert not policy.settled


def test_the_window_stretches_with_a_slow_start() -> None:
    # The connections took 2 s to get their first bytes (a distant server): the rate is
    # measured over 3 s, not over the first tenth of a second.
    policy = ConnectionPolicy(AdaptSettings(start=4, ceiling=32, min_window_s=0.1), 0.0)
    assert policy.update(2.0, 0, ready=True) == 4
    assert policy.update(2.5, 10_000_000, ready=True) == 4
    assert policy.update(4.9, 50_000_000, ready=True) == 4
    assert policy.update(5.0, 60_000_000, ready=True) == 8


def test_start_at_the_ceiling_is_settled() -> None:
    policy = ConnectionPolicy(AdaptSettings(start=4, ceiling=2), 0.0)
    assert policy.target == 2 and policy.settled


def test_a_big_file_starts_with_many_connections_at_once() -> None:
    settings = AdaptSettings()
    assert settings.start_for(40 << 20) == settings.start == 4
    assert settings.start_for(64 << 20) == 16
    assert settings.start_for(2 << 30) == 16
    policy = ConnectionPolicy(AdaptSettings(start=settings.start_for(1 << 30), ceiling=16), 0.0)
    assert policy.target == 16 and policy.settled, "at the ceiling from the start"


def test_the_window_follows_the_server_s_latency_not_how_long_starting_took() -> None:
    # 16 connections took 0.1 s to be started one after another, each getting its first bytes
    # 2 ms after its own start (a server on the same machine): the window is the minimum, so
    # the first growth comes 0.05 s after they all flow, not 0.15 s.
    settings = AdaptSettings(start=16, ceiling=32, min_window_s=0.05)
    policy = ConnectionPolicy(settings, 0.0)
    assert policy.update(0.1, 0, ready=True, startup_s=0.002) == 16
    assert policy.update(0.16, 20_000_000, ready=True, startup_s=0.002) == 32
    # The same without the latency: the time since the count was set stands in for it.
    policy = ConnectionPolicy(settings, 0.0)
    assert policy.update(0.1, 0, ready=True) == 16
    assert policy.update(0.16, 20_000_000, ready=True) == 16
    assert policy.update(0.26, 40_000_000, ready=True) == 32


def test_a_distant_server_still_gets_a_long_window() -> None:
    policy = ConnectionPolicy(AdaptSettings(start=4, ceiling=32, min_window_s=0.05), 0.0)
    assert policy.update(0.5, 0, ready=True, startup_s=0.4) == 4
    assert policy.update(1.0, 10_000_000, ready=True, startup_s=0.4) == 4  # 0.6 s not over
    assert policy.update(1.15, 13_000_000, ready=True, startup_s=0.4) == 8


def _backlogged(reads: int, share: float) -> Backlog:
    return Backlog(reads, int(reads * share))


class _Feed:
    """Feeds a policy on a manual timeline (each connection's own start took 1 ms)."""

    def __init__(self, policy: ConnectionPolicy):
        self.policy = policy
        self.now = 0.0
        self.total = 0.0
        self.reads = 0

    def run(self, seconds: float, rate: float, waiting_share: float | None) -> int:
        """Move ``seconds`` on at ``rate`` in steps of 10 ms; the count at the end."""
        for _ in range(round(seconds / 0.01)):
            self.now += 0.01
            self.total += rate * 0.01
            self.reads += 10
            backlog = None if waiting_share is None else _backlogged(self.reads, waiting_share)
            self.policy.update(self.now, int(self.total), True, 0.001, backlog)
        return self.policy.target


def test_bytes_waiting_for_this_machine_drop_a_big_file_to_the_floor() -> None:
    # Loopback on a small machine: 16 connections get no more than 4 (the CPU is the limit),
    # and after most reads the kernel already holds the next bytes.
    feed = _Feed(ConnectionPolicy(AdaptSettings(start=16, ceiling=32), 0.0))
    assert feed.run(0.1, 900e6, 0.7) == 4
    assert not feed.policy.settled
    assert feed.run(0.3, 900e6, 0.7) == 4  # as fast with 4, over the longer window: kept
    assert feed.policy.settled


def test_a_drop_that_costs_bytes_is_undone_and_growth_goes_on() -> None:
    # A server capping each connection whose bytes yet looked waiting (a bursty link): 4
    # connections bring a quarter of 16's rate, so 16 come back and grow to 32 as usual.
    feed = _Feed(ConnectionPolicy(AdaptSettings(start=16, ceiling=32), 0.0))
    assert feed.run(0.1, 16 * 20e6, 0.9) == 4
    assert feed.run(0.15, 4 * 20e6, 0.9) == 16
    assert feed.run(0.2, 16 * 20e6, 0.9) == 32  # waiting as before, but no second drop
    assert feed.policy.settled


def test_a_server_that_caps_each_connection_leaves_no_backlog_and_gets_the_ceiling() -> None:
    # Bytes trickle in at the cap and reads drain the socket: few find anything waiting.
    feed = _Feed(ConnectionPolicy(AdaptSettings(start=16, ceiling=32), 0.0))
    assert feed.run(0.1, 16 * 20e6, 0.1) == 32


def test_a_window_of_few_reads_tells_nothing() -> None:
    policy = ConnectionPolicy(AdaptSettings(start=16, ceiling=32, min_window_s=0.05), 0.0)
    assert policy.update(0.1, 0, True, 0.001, Backlog(0, 0)) == 16
    assert policy.update(0.16, 1_000_000, True, 0.001, Backlog(5, 5)) == 32  # 5 reads: grown


def test_at_the_floor_bytes_waiting_stop_the_growth() -> None:
    feed = _Feed(ConnectionPolicy(AdaptSettings(start=4, ceiling=32), 0.0))
    assert feed.run(0.2, 900e6, 1.0) == 4
    assert feed.policy.settled


def test_without_a_measure_the_growth_is_as_before() -> None:
    # Where FIONREAD cannot be asked (Windows), nothing is dropped.
    feed = _Feed(ConnectionPolicy(AdaptSettings(start=16, ceiling=32), 0.0))
    assert feed.run(0.1, 900e6, None) == 32


def test_segments_are_sized_for_the_count_once_it_settled() -> None:
    # While the count may change, segments are sized for the ceiling (connections that come
    # back or are added find work); once the drop to the floor is kept, for the few that stay.
    feed = _Feed(ConnectionPolicy(AdaptSettings(start=16, ceiling=32), 0.0))
    assert feed.policy.sized_for(32) == 32
    assert feed.run(0.1, 900e6, 0.7) == 4
    assert feed.policy.sized_for(32) == 32  # not yet: the drop may be undone
    feed.run(0.3, 900e6, 0.7)
    assert feed.policy.settled and feed.policy.sized_for(32) == 4


def test_segments_are_sized_for_the_ceiling_again_when_a_drop_is_undone() -> None:
    feed = _Feed(ConnectionPolicy(AdaptSettings(start=16, ceiling=32), 0.0))
    assert feed.run(0.1, 16 * 20e6, 0.9) == 4
    assert feed.run(0.15, 4 * 20e6, 0.9) == 16  # fewer moved fewer bytes: undone
    assert feed.policy.sized_for(32) == 32


def test_a_count_settled_below_the_ceiling_sizes_the_segments() -> None:
    # 100 MB/s for the whole link: growth stops at 8 of 32.
    policy = ConnectionPolicy(AdaptSettings(start=4, ceiling=32, min_window_s=0.1), 0.0)
    now, total = 0.0, 0.0
    while not policy.settled:
        now += 0.01
        total += min(policy.target * 20e6, 100e6) * 0.01
        policy.update(now, int(total), True, 0.001)
    assert policy.target == 8 and policy.sized_for(32) == 8


def _fetch_file(size: int, per_connection: float, settings: AdaptSettings) -> list[int]:
    """A file at ``per_connection`` bytes/s per connection, the policy told what is left
    every 10 ms (each connection's start took 20 ms); the counts it went through."""
    policy = ConnectionPolicy(settings, 0.0)
    now, got, counts = 0.0, 0.0, [policy.target]
    while got < size:
        now += 0.01
        got = min(size, got + policy.target * per_connection * 0.01)
        before = policy.target
        policy.update(now, int(got), True, 0.02, left_bytes=size - int(got))
        if policy.target != before:
            counts.append(policy.target)
    return counts


def test_no_growth_for_the_last_moments_of_a_file() -> None:
    # 64 MiB at 16 x 20 MB/s: 0.16 s left at the first measurement, less than 16 more
    # connections would cost (0.32 s of it, and 0.02 s to start them).
    assert _fetch_file(64 << 20, 20e6, AdaptSettings(start=16)) == [16]


def test_a_file_with_a_half_second_left_still_grows_to_the_ceiling() -> None:
    assert _fetch_file(200 << 20, 20e6, AdaptSettings(start=16)) == [16, 32]
    assert _fetch_file(512 << 20, 20e6, AdaptSettings(start=16)) == [16, 32]
    assert _fetch_file(2 << 30, 20e6, AdaptSettings(start=16)) == [16, 32]


def test_a_few_connections_still_grow_on_a_mid_sized_file() -> None:
    # 20 MiB from 4 connections (0.2 s left): doubling 4 costs little and pays.
    counts = _fetch_file(20 << 20, 20e6, AdaptSettings(start=4))
    assert counts == [4, 8]  # but not on to the ceiling for its last moments


def test_doubling_pays_while_the_time_left_exceeds_start_up_and_its_cost() -> None:
    policy = ConnectionPolicy(AdaptSettings(start=16, connection_cost_s=0.03), 0.0)
    rate = 16 * 20e6
    # 16 more cost 2 x 16 x 0.03 = 0.96 s of the time left, plus 0.1 s to start them.
    assert policy.worth_growing(rate, int(rate * 1.1), startup_s=0.1)
    assert not policy.worth_growing(rate, int(rate * 1.0), startup_s=0.1)
    assert policy.worth_growing(rate, None, startup_s=0.1)  # what is left is not known
