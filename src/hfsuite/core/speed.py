"""Speed and ETA from a sliding window of samples, with the clock injected."""

from __future__ import annotations

from collections import deque

from hfsuite.core.clock import Clock


class SpeedMeter:
    """Average speed over the last ``window_s`` seconds.

    Feed it the running total of bytes (:meth:`update`); it keeps timestamped samples and
    reports ``(newest - oldest) / elapsed`` within the window.

    Args:
        clock: Time source.
        window_s: Length of the sliding window.
    """

    def __init__(self, clock: Clock, window_s: float = 5.0):
        self._clock = clock
        self._window_s = window_s
        self._samples: deque[tuple[float, int]] = deque()

    def update(self, total_bytes: int) -> None:
        """Record the running total now."""
        now = self._clock.monotonic()
        if self._samples and total_bytes < self._samples[-1][1]:
            # The total went down (a file's partial data was discarded, or a stopped file's
            # bytes left the count): a difference across the drop would be a negative speed.
            self._samples.clear()
        self._samples.append((now, total_bytes))
        while len(self._samples) > 2 and now - self._samples[1][0] >= self._window_s:
            self._samples.popleft()

    def reset(self) -> None:
        """Forget the history (after a pause, so the pause does not drag the average down)."""
        self._samples.clear()

    @property
    def speed_bps(self) -> float:
        """Bytes per second over the window (0 until two samples exist; never negative)."""
        if len(self._samples) < 2:
            return 0.0
        (t0, b0), (t1, b1) = self._samples[0], self._samples[-1]
        return max(0.0, (b1 - b0) / (t1 - t0)) if t1 > t0 else 0.0

    def eta_s(self, remaining_bytes: int) -> float | None:
        """Seconds to transfer ``remaining_bytes`` at the current speed (None if unknown)."""
        if remaining_bytes <= 0:
            return 0.0
        speed = self.speed_bps
        return remaining_bytes / speed if speed > 0 else None
