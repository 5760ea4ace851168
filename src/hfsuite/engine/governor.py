"""How many connections one file should use right now, judged by its hash.

More connections help while the network gives each one a capped share (a CDN): that is the
usual case and where every file starts, with all the connections asked for. They stop helping
once the bytes arrive faster than SHA-256 can follow on one core: the file cannot be done
before its hash is, and every extra connection then only costs CPU (more sockets, threads and
wake-ups, and bytes landing further ahead of the hash, to be read back later), which on a small
machine slows the hash itself.

Two signals, sampled together: the *hashable backlog* (bytes of the contiguous written prefix
the hash has not reached yet) and how busy the hashing thread was since the last sample. While
the network is the limit, the hash thread idles most of the time and the backlog stays small (a
completed segment can make the prefix jump, but the idle hash works that down at once). When the
hash is the limit, its thread never rests and the backlog stays large. The governor halves the
connection count after a couple of samples in that state (down to ``minimum``), and raises it
by half again after the hash has been mostly idle with nothing waiting for a few samples (the
link is the limit again). Decisions are pure arithmetic on the samples given.
"""

from __future__ import annotations

MIB = 1 << 20


class ConnectionGovernor:
    """Adjusts a file's connection limit from samples of its hash's progress.

    Args:
        maximum: Connections asked for (the starting and highest limit).
        minimum: Never fewer than this.
        high_bytes: With a hash busy nearly all the time, a backlog above this means the hash
            cannot keep up.
        low_bytes: With a mostly idle hash, a backlog below this means it waits for bytes.
        high_checks: Consecutive hash-bound samples before the limit is halved.
        low_checks: Consecutive network-bound samples before the limit is raised.
        busy_high: Busy fraction of the hashing thread that counts as "never rests".
        busy_low: Busy fraction below which the hash counts as mostly idle.
    """

    def __init__(
        self,
        maximum: int,
        *,
        minimum: int = 2,
        high_bytes: int = 64 * MIB,
        low_bytes: int = 8 * MIB,
        high_checks: int = 2,
        low_checks: int = 6,
        busy_high: float = 0.9,
        busy_low: float = 0.5,
    ):
        self.maximum = max(1, maximum)
        self.minimum = max(1, min(minimum, self.maximum))
        self.limit = self.maximum
        self.high_bytes = high_bytes
        self.low_bytes = low_bytes
        self.high_checks = high_checks
        self.low_checks = low_checks
        self.busy_high = busy_high
        self.busy_low = busy_low
        self._high = 0
        self._low = 0

    def sample(self, backlog_bytes: int, hash_busy: float) -> int:
        """Take one sample (hashable backlog, busy fraction of the hashing thread since the
        last sample); returns the (possibly new) connection limit."""
        if backlog_bytes > self.high_bytes and hash_busy >= self.busy_high:
            self._high += 1
            self._low = 0
            if self._high >= self.high_checks and self.limit > self.minimum:
                self.limit = max(self.minimum, self.limit // 2)
                self._high = 0
        elif backlog_bytes < self.low_bytes and hash_busy < self.busy_low:
            self._low += 1
            self._high = 0
            if self._low >= self.low_checks and self.limit < self.maximum:
                self.limit = min(self.maximum, self.limit + max(1, self.limit // 2))
                self._low = 0
        else:
            self._high = self._low = 0
        return self.limit
