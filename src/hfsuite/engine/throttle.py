"""Bandwidth limiting: token buckets shared by every connection they cover.

A download passes through two buckets, its task's and the global one; each chunk a connection
reads is *reserved* in both before it is read, and the connection waits for the longer of the
two delays. Reservations may drive a bucket into debt, which is what keeps the long-run rate
exact however large the chunks are. Rates change at any time from any thread (0 = unlimited)
and take effect on the next reservation.

The clock is injected, so the maths is tested without sleeping.
"""

from __future__ import annotations

import threading

from hfsuite.core.clock import Clock, SystemClock


class TokenBucket:
    """A token bucket of ``rate_bps`` bytes per second.

    Args:
        rate_bps: Bytes per second; 0 means unlimited.
        burst_s: How many seconds' worth of tokens may accumulate while idle.
        clock: Time source.
    """

    def __init__(self, rate_bps: int = 0, *, burst_s: float = 0.25, clock: Clock | None = None):
        self._clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._rate = max(0, int(rate_bps))
        self._burst_s = burst_s
        self._tokens = 0.0
        self._stamp = self._clock.monotonic()

    @property
    def rate_bps(self) -> int:
        """Current rate (0 = unlimited)."""
        return self._rate

    def set_rate(self, rate_bps: int) -> None:
        """Change the rate; takes effect for the next reservation."""
        with self._lock:
            self._refill()
            self._rate = max(0, int(rate_bps))
            self._tokens = min(self._tokens, self._capacity())

    def reserve(self, nbytes: int) -> float:
        """Take ``nbytes`` tokens now; returns how long the caller must wait before using them."""
        with self._lock:
            if self._rate == 0:
                return 0.0
            self._refill()
            self._tokens -= nbytes
            return 0.0 if self._tokens >= 0 else -self._tokens / self._rate

    def refund(self, nbytes: int) -> None:
        """Give back tokens reserved but not used (a short read)."""
        if nbytes <= 0:
            return
        with self._lock:
            if self._rate:
                self._tokens = min(self._tokens + nbytes, self._capacity())

    def suggested_chunk(self, default: int) -> int:
        """A read size that keeps the flow smooth: about 1/20 s of the rate, at most ``default``."""
        rate = self._rate
        if rate == 0:
            return default
        return max(4096, min(default, rate // 20))

    def _capacity(self) -> float:
        return self._rate * self._burst_s

    def _refill(self) -> None:
        now = self._clock.monotonic()
        if self._rate:
            self._tokens = min(self._capacity(), self._tokens + (now - self._stamp) * self._rate)
        self._stamp = now


class Throttle:
    """The buckets one connection passes through (task and global); waits for the slowest."""

    def __init__(self, *buckets: TokenBucket):
        self.buckets = [b for b in buckets if b is not None]

    def reserve(self, nbytes: int) -> float:
        """Reserve in every bucket; returns the longest wait."""
        return max((b.reserve(nbytes) for b in self.buckets), default=0.0)

    def refund(self, nbytes: int) -> None:
        """Return unused tokens to every bucket."""
        for b in self.buckets:
            b.refund(nbytes)

    def chunk(self, default: int) -> int:
        """Read size suited to the tightest bucket."""
        return min((b.suggested_chunk(default) for b in self.buckets), default=default)
