"""ConnectionGovernor: fewer connections only while the hash is the bottleneck."""

from __future__ import annotations

from hfsuite.engine.governor import MIB, ConnectionGovernor


def test_starts_with_every_connection_asked_for() -> None:
    assert ConnectionGovernor(16).limit == 16


def test_halves_while_the_hash_cannot_keep_up_down_to_the_minimum() -> None:
    gov = ConnectionGovernor(16, minimum=2)
    limits = [gov.sample(500 * MIB, 1.0) for _ in range(8)]
    assert limits == [16, 8, 8, 4, 4, 2, 2, 2]


def test_a_backlog_the_hash_works_down_is_not_a_reason() -> None:
    # A completed segment makes the prefix jump; a hash that is idle most of the time
    # clears it: that is the network being the limit, as it should be.
    gov = ConnectionGovernor(16)
    for backlog, busy in [(300 * MIB, 1.0), (100 * MIB, 0.6), (0, 0.1)] * 5:
        assert gov.sample(backlog, busy) == 16


def test_one_busy_sample_at_a_time_never_lowers_it() -> None:
    gov = ConnectionGovernor(16)
    for _ in range(10):
        gov.sample(200 * MIB, 1.0)
        gov.sample(0, 0.2)
    assert gov.limit == 16


def test_raised_again_by_half_when_the_hash_waits_for_bytes() -> None:
    gov = ConnectionGovernor(16, minimum=2)
    for _ in range(6):
        gov.sample(500 * MIB, 1.0)
    assert gov.limit == 2
    limits = [gov.sample(0, 0.1) for _ in range(36)]
    assert limits[5] == 3 and limits[11] == 4 and limits[17] == 6
    assert limits[-1] == 16 and max(limits) == 16
