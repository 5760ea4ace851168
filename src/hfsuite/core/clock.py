"""An injectable clock: speed, ETA, throttling and retry maths are tested without sleeps."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """What code that measures time needs: a monotonic reading and a wall-clock reading."""

    def monotonic(self) -> float:
        """Seconds from an arbitrary origin; never goes backwards."""
        ...

    def now(self) -> float:
        """Seconds since the Unix epoch (for timestamps people see)."""
        ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> float:
        return time.time()


class ManualClock:
    """A clock that moves only when told to (for tests).

    Args:
        start: The initial monotonic reading.
        wall_start: The wall-clock reading at ``start``.
    """

    def __init__(self, start: float = 0.0, wall_start: float = 1_750_000_000.0):
        self._t = start
        self._wall_offset = wall_start - start

    def monotonic(self) -> float:
        return self._t

    def now(self) -> float:
        return self._t + self._wall_offset

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        if seconds < 0:
            raise ValueError("a clock does not go backwards")
        self._t += seconds
