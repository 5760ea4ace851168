"""SpeedMeter: a running total that goes down never makes a negative speed."""

from __future__ import annotations

from hfsuite.core.clock import ManualClock
from hfsuite.core.speed import SpeedMeter


def test_speed_over_the_window() -> None:
    clock = ManualClock()
    meter = SpeedMeter(clock)
    meter.update(0)
    clock.advance(1.0)
    meter.update(1000)
    assert meter.speed_bps == 1000.0


def test_a_total_that_drops_restarts_the_measure_instead_of_going_negative() -> None:
    # What a cancelled download's last progress event looks like: the files stopped before
    # the end leave the count, so the total is lower than the previous sample.
    clock = ManualClock()
    meter = SpeedMeter(clock)
    meter.update(0)
    clock.advance(1.0)
    meter.update(5000)
    clock.advance(0.5)
    meter.update(1000)
    assert meter.speed_bps == 0.0
    clock.advance(1.0)
    meter.update(3000)
    assert meter.speed_bps == 2000.0
