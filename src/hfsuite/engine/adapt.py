"""How many connections a file gets: start with a few, add more while the rate keeps rising.

A big file (``big_file_bytes`` or more still to fetch) starts with ``big_start`` connections at
once, as aria2c's ``-x16 -s16`` does: against a CDN that caps each connection the ramp from a
few would cost tenths of a second of a download that lasts a few seconds, and on a link that
one connection fills the extra ones cost only a little CPU and memory (one read buffer each).

A server that caps each connection (a CDN) rewards more connections almost linearly; an
uncapped loopback, a saturated link or a slow disk do not, and there every extra connection
only costs CPU and memory. :class:`ConnectionPolicy` doubles the count after each measurement
window as long as the total rate rose by at least ``min_gain`` of what the added connections
would bring if each got what the others get (four-fold after a step that brought nearly all of
it: the server caps each connection), and stops for good when it did not, or at the ceiling
(a rate that merely stopped rising does not make it shrink).

**Near a file's end more connections only cost.** A doubling pays back only if enough of the
file is left for the new connections to bring more than they cost: a thread, a connection and
its requests, a share of the interpreter lock (:meth:`ConnectionPolicy.worth_growing`, about
``connection_cost_s`` = 10 ms per connection on two cores: 16 more made the rest of the
process 0.1-0.15 s slower). A capped 200 MiB file at 16 connections has 0.55 s left when first
measured and goes on to 32 (its last byte 0.25 s sooner); 64 MiB stays at 16.

**This machine can be the limit too.** On a loopback or a fast LAN the bytes come faster than
a small machine takes them (every byte is also hashed, in order, by one thread); extra
connections then only cost CPU (measured: 1 GiB uncapped on two cores took 1.86 s with 16–32
connections, 1.64 s with 4). It shows in the kernel: after each read the socket already holds
the next bytes, where a server that caps each connection leaves it empty. So when over a
window at least half of the file's reads found a quarter of a read buffer or more waiting
(:class:`Backlog`), the count drops to ``floor`` and growth stops; the surplus connections
end with their current segments (stopping one mid-way wasted the bytes already sent to it:
50–60 MB of a 1 GiB file on a loopback). If the rate then fell by more than ``max_loss`` (the
server capped each connection after all), the count before comes back and growth goes on as
from the start, without stepping down again.

A window starts once every connection asked for has received bytes (a new connection first
connects and waits for its first byte), and lasts at least ``min_window_s`` and 1.5 times the
longest time one connection took from its start to its first byte, so a distant server is
measured on flowing connections too. That is the server's and the network's latency; the time
since the count changed is used only when the caller cannot tell it, since it also holds how
long the connections took to be started one after another (tens of milliseconds on a busy
interpreter, which made the first window, and so the first growth, twice as late against a
server that answers in a millisecond).

The class is pure: it is fed the time and a byte counter and answers with a count.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AdaptSettings:
    """Tuning of :class:`ConnectionPolicy`.

    Attributes:
        start: Connections at first.
        ceiling: Never more than this.
        min_window_s: Shortest measurement window.
        min_gain: Fraction of the proportional gain a step must bring to go on growing.
        leap_gain: A step that brought this fraction of it or more (each connection is capped,
            nothing else limits) is followed by a four-fold step instead of a doubling.
        big_file_bytes: A file with this much or more still to fetch starts with ``big_start``.
        big_start: Connections at first for such a file.
        floor: Connections of a file whose bytes wait for this machine (see above).
        max_loss: Largest fraction of the rate that dropping to ``floor`` may cost and be kept
            (a server that caps each connection loses three quarters going from 16 to 4).
        judge_window_s: Shortest window that measures the rate after such a drop.
        connection_cost_s: What one more connection costs this machine (a thread, a
            connection and its requests, its share of the interpreter lock), in seconds of
            the download; see :meth:`ConnectionPolicy.worth_growing`.
    """

    start: int = 4
    ceiling: int = 32
    min_window_s: float = 0.05
    min_gain: float = 0.5
    leap_gain: float = 0.85
    big_file_bytes: int = 64 << 20
    big_start: int = 16
    floor: int = 4
    max_loss: float = 0.5
    judge_window_s: float = 0.15
    connection_cost_s: float = 0.01

    def start_for(self, missing: int) -> int:
        """Connections at first for a file with ``missing`` bytes still to fetch."""
        return max(self.start, self.big_start) if missing >= self.big_file_bytes else self.start


@dataclass(frozen=True)
class Backlog:
    """How often a file's reads found bytes already waiting in the kernel (running totals).

    Attributes:
        reads: Reads so far whose backlog could be measured.
        waiting: Of those, reads after which a quarter of a read buffer or more was waiting.
    """

    reads: int = 0
    waiting: int = 0


_MIN_READS = 8  # fewer reads in a window tell nothing about the backlog


def _bytes_wait_for_us(before: Backlog | None, after: Backlog | None) -> bool:
    """Whether over a window at least half of the reads found bytes waiting for them."""
    if before is None or after is None:
        return False
    reads = after.reads - before.reads
    return reads >= _MIN_READS and 2 * (after.waiting - before.waiting) >= reads


class ConnectionPolicy:
    """Decides the connection count of one file from its measured rate.

    Args:
        settings: Start, ceiling, window and gain threshold.
        now: The time the first connections are asked for.
    """

    def __init__(self, settings: AdaptSettings, now: float):
        self.settings = settings
        self.target = max(1, min(settings.start, settings.ceiling))
        self.settled = self.target >= settings.ceiling
        self._changed_at = now
        # start, bytes at its start, length, backlog at its start, connection start-up
        self._window: tuple[float, int, float, Backlog | None, float] | None = None
        self._previous: tuple[int, float] | None = None  # count, rate measured with it
        self._dropped: tuple[int, float] | None = None  # count and rate before a drop to floor
        self._may_drop = True  # False once a drop cost bytes and was undone

    def sized_for(self, ceiling: int) -> int:
        """The connection count the file's next segments are sized for: ``ceiling`` while the
        count may still change, the count itself once it has settled (fewer connections, longer
        segments). Not yet after a drop: if it is undone, the connections that come back must
        find work left to take, not halves of a few long segments to steal (each steal ends a
        response early and wastes the bytes already sent on it)."""
        return self.target if self.settled else ceiling

    def update(
        self,
        now: float,
        total_bytes: int,
        ready: bool,
        startup_s: float | None = None,
        backlog: Backlog | None = None,
        left_bytes: int | None = None,
    ) -> int:
        """The number of connections wanted now.

        Args:
            now: The current time (monotonic seconds).
            total_bytes: Bytes received so far by the file (any counter that grows with them).
            ready: Every connection asked for so far has received its first bytes (and those
                asked to stop have stopped).
            startup_s: The longest time one of them took from its start to its first bytes
                (None: unknown; the time since the count last changed stands in for it).
            backlog: How often the file's reads found bytes waiting (None: not measured).
            left_bytes: Bytes of the file not yet asked for or not yet received (None: not
                known; growth is then never stopped for it).
        """
        if self.settled or not ready:
            return self.target
        if self._window is None:
            startup = now - self._changed_at if startup_s is None else startup_s
            shortest = self.settings.min_window_s
            if self._dropped is not None:  # the connections left need a moment to take over
                shortest = self.settings.judge_window_s
            length = max(shortest, 1.5 * startup)
            self._window = (now, total_bytes, length, backlog, startup)
            return self.target
        start, start_bytes, length, backlog_before, startup = self._window
        if now - start < length:
            return self.target
        rate = (total_bytes - start_bytes) / (now - start)
        if self._dropped is not None:
            count, before = self._dropped
            self._dropped = None
            if rate >= (1 - self.settings.max_loss) * before:
                self.settled = True  # as fast with fewer: this machine is the limit
                return self.target
            self._may_drop = False  # fewer moved fewer bytes: the server caps each connection
            self._previous = None  # grow on from the count before, as from the start
            self._change(now, count)
            return self.target
        if self._may_drop and _bytes_wait_for_us(backlog_before, backlog):
            if self.target <= self.settings.floor:
                self.settled = True  # more connections would only wait for this machine too
                return self.target
            self._dropped = (self.target, rate)
            self._change(now, self.settings.floor)
            return self.target
        if not self.worth_growing(rate, left_bytes, startup):
            self.settled = True  # nearly done: more connections would not pay back their cost
            return self.target
        growth = 2
        if self._previous is not None:
            count, before = self._previous
            expected = before * (self.target / count - 1)  # each new one as fast as the others
            if rate - before < self.settings.min_gain * expected:
                self.settled = True  # no longer helps: the link, the server or the disk is full
                return self.target
            if rate - before >= self.settings.leap_gain * expected:
                growth = 4
        self._previous = (self.target, rate)
        self._change(now, min(self.settings.ceiling, self.target * growth))
        self.settled = self.target >= self.settings.ceiling
        return self.target

    def worth_growing(self, rate: float, left_bytes: int | None, startup_s: float) -> bool:
        """Whether doubling the count still pays at ``rate`` with ``left_bytes`` to fetch.

        With ``n`` connections the rest takes ``T = left / rate``; ``n`` more, each as fast,
        deliver after ``startup_s`` (connect, request, first byte) and end it at
        ``T / 2 + startup_s / 2``: half of ``T - startup_s`` gained, against ``n`` times
        ``connection_cost_s``. So the count grows while ``T > startup_s + 2 n cost``: near the
        end of a file more connections only cost. (The cost was 30 ms while a new database
        was built by running every migration beside the first download's bytes; with that
        gone, 16 more connections cost the rest of the process 0.1-0.15 s: docs/benchmarks.md,
        Round 12.)
        """
        if left_bytes is None or rate <= 0:
            return True
        return left_bytes / rate > startup_s + 2 * self.target * self.settings.connection_cost_s

    def _change(self, now: float, count: int) -> None:
        self.target = count
        self._changed_at = now
        self._window = None
