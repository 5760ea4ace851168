"""Telling a stalled connection from a slow link, in seconds rather than at the read timeout.

Each connection of a file records when it started waiting for the network (a request sent, a
read begun) and when its last byte arrived. A connection is *stalled* when it has waited longer
than :meth:`StallPolicy.limit_s` while another connection of the same file received bytes after
it began waiting: the link works, this server response does not. The limit is relative to the
rate the other connections get (``factor`` times the time one read buffer takes at their
per-connection rate) with an absolute floor, so a slow but steady CDN is not mistaken for a
stall. A lone connection has nothing to compare with; the socket's read timeout stays its last
resort.

Time spent in our own throttle or paused is not waiting: only the network is watched.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class StallPolicy:
    """When silence is a stall.

    Attributes:
        floor_s: Never call a connection stalled before this many seconds of silence.
        factor: Times the expected duration of one read at the others' rate.
        chunk_bytes: The read size that duration is computed for.
        endgame_floor_s: The floor when nothing else is left to fetch and an idle connection
            could take the silent one's bytes over (the end of a file waits on it alone).
    """

    floor_s: float = 2.0
    factor: float = 8.0
    chunk_bytes: int = 256 << 10
    endgame_floor_s: float = 0.75

    def limit_s(self, per_connection_bps: float, endgame: bool = False) -> float:
        """Silence allowed to a connection whose peers each get ``per_connection_bps``."""
        floor = min(self.floor_s, self.endgame_floor_s) if endgame else self.floor_s
        if per_connection_bps <= 0:
            return floor
        return max(floor, self.factor * self.chunk_bytes / per_connection_bps)

    def stalled(
        self,
        now: float,
        waiting_since: float | None,
        others_last_byte: float | None,
        per_connection_bps: float,
        endgame: bool = False,
    ) -> bool:
        """Whether a connection waiting since ``waiting_since`` is stalled at ``now``.

        Args:
            now: The current time (monotonic seconds).
            waiting_since: When the connection began waiting for the network (None: it is not
                waiting: writing, throttled, paused or idle).
            others_last_byte: When another connection of the file last received bytes.
            per_connection_bps: The other connections' recent rate, each.
            endgame: Nothing else is left to fetch and an idle connection could take over (a
                lower floor applies; without news from the others, the normal one).
        """
        if waiting_since is None or others_last_byte is None:
            return False
        if others_last_byte <= waiting_since:
            # Nobody received anything meanwhile: the link itself may be down. Only in the
            # endgame, where an idle connection stands by to race it, is the silence cut short,
            # and then only after the normal limit.
            return endgame and now - waiting_since > self.limit_s(per_connection_bps)
        return now - waiting_since > self.limit_s(per_connection_bps, endgame)


@dataclass(eq=False)
class ConnectionState:
    """What the watchdog knows about one connection (written by the connection's own thread).

    Attributes:
        waiting_since: When it began waiting for the network, None while not waiting.
        last_byte_at: When its last bytes arrived (None before any).
        first_byte_at: When its first bytes arrived (None before any).
        abandoned: The watchdog gave up on its current response (reset by the connection).
        abort: Shuts the current response's socket down (None between responses).
        work: What the connection is fetching (the caller's segment), for a take-over.
        registered_at: When the watchdog started looking after it.
        retiring: The file wants fewer connections: this one ends with its current segment
            (stopping mid-way would waste the bytes already sent to it).
    """

    waiting_since: float | None = None
    last_byte_at: float | None = None
    first_byte_at: float | None = None
    abandoned: bool = False
    abort: Callable[[], None] | None = None
    work: object = None
    registered_at: float = 0.0
    retiring: bool = False

    def received(self, now: float) -> None:
        """Bytes arrived at ``now`` (called by the connection's thread for each read)."""
        self.last_byte_at = now
        if self.first_byte_at is None:
            self.first_byte_at = now


class RateEstimate:
    """A smoothed bytes-per-second figure from a growing byte counter, while it grows.

    Args:
        half_life_s: How quickly older samples fade.
    """

    def __init__(self, half_life_s: float = 1.0):
        self.half_life_s = half_life_s
        self.bps = 0.0
        self._last: tuple[float, int] | None = None

    def update(self, now: float, total_bytes: int) -> float:
        """Feed the counter's value at ``now``; returns the current estimate."""
        if self._last is None:
            self._last = (now, total_bytes)
            return self.bps
        t0, b0 = self._last
        dt = now - t0
        if dt <= 0:
            return self.bps
        if total_bytes <= b0:
            # Nothing arrived: keep the last figure, which says what flowing connections get.
            # Letting it decay while every connection waits would stretch the stall limit
            # without bound exactly when it matters.
            self._last = (now, b0)
            return self.bps
        sample = (total_bytes - b0) / dt
        weight = 1 - 0.5 ** (dt / self.half_life_s) if self.bps else 1.0
        self.bps += (sample - self.bps) * weight
        self._last = (now, total_bytes)
        return self.bps


class Watchdog:
    """The connections of one file, and which of them are stalled.

    Connections call :meth:`waiting` before a read and :meth:`received` after it; a thread (or
    an idle connection, in the endgame) calls :meth:`find_stalled`.

    Args:
        policy: When silence is a stall.
        monotonic: The clock.
    """

    def __init__(self, policy: StallPolicy, monotonic: Callable[[], float]):
        self.policy = policy
        self.monotonic = monotonic
        self.rate = RateEstimate()
        self.stalls = 0
        self._conns: list[ConnectionState] = []
        self._retired_last_byte: float | None = None  # of connections that have ended
        self._lock = threading.Lock()

    def register(self) -> ConnectionState:
        """A new connection's state."""
        state = ConnectionState(registered_at=self.monotonic())
        with self._lock:
            self._conns.append(state)
        return state

    def unregister(self, state: ConnectionState) -> None:
        """A connection ended; its last byte still tells that the link worked."""
        with self._lock:
            if state in self._conns:
                self._conns.remove(state)
            if state.last_byte_at is not None:
                self._retired_last_byte = max(self._retired_last_byte or 0.0, state.last_byte_at)

    def all_received(self, patience_s: float = 1.0) -> bool:
        """Every current connection has received bytes (none is still starting up); one that
        has waited longer than ``patience_s`` for its first bytes no longer counts (it is the
        watchdog's business, and must not hold the adaptation up)."""
        now = self.monotonic()
        with self._lock:
            return all(
                c.last_byte_at is not None or now - c.registered_at > patience_s
                for c in self._conns
            )

    def longest_start_s(self) -> float | None:
        """The longest time a current connection took from its start to its first bytes (the
        server's and the network's latency, not how long the connections took to be started);
        None while none has received any."""
        with self._lock:
            waits = [
                c.first_byte_at - c.registered_at
                for c in self._conns
                if c.first_byte_at is not None
            ]
        return max(waits, default=None)

    def states(self) -> list[ConnectionState]:
        """The current connections."""
        with self._lock:
            return list(self._conns)

    def observe(self, total_bytes: int) -> None:
        """Feed the file's byte counter (for the per-connection rate)."""
        self.rate.update(self.monotonic(), total_bytes)

    def find_stalled(self, endgame: bool = False) -> list[ConnectionState]:
        """Connections silent too long while others received bytes; each is marked abandoned
        (and not returned again until its connection resets the mark)."""
        now = self.monotonic()
        with self._lock:
            conns = list(self._conns)
            retired = self._retired_last_byte
        flowing = sum(
            1
            for c in conns
            if c.last_byte_at is not None and now - c.last_byte_at < self.policy.floor_s
        )
        per_connection = self.rate.bps / max(1, flowing)
        stalled = []
        for state in conns:
            if state.abandoned:
                continue
            others = [c.last_byte_at for c in conns if c is not state and c.last_byte_at]
            if retired is not None:
                others.append(retired)
            others_last = max(others, default=None)
            if self.policy.stalled(now, state.waiting_since, others_last, per_connection, endgame):
                state.abandoned = True
                stalled.append(state)
        self.stalls += len(stalled)
        return stalled


@dataclass(frozen=True)
class ProgressFloor:
    """The slowest a file may come before its download fails (a server that trickles).

    A server that sends a byte every few seconds never lets the read timeout fire, and nothing
    is silent for the stall watchdog either. When a file's bytes come slower than ``min_bps``
    over ``window_s``, its ranges are asked for again (every open response is abandoned: a new
    connection may reach a healthy server); when the next window is as slow, the file fails.

    Attributes:
        min_bps: Bytes per second a file must get over a window.
        window_s: The window (a file fails after two slow windows in a row).
    """

    min_bps: float = 1024.0
    window_s: float = 150.0


class ProgressWatch:
    """Tells, from a file's byte counter, when it fell below a :class:`ProgressFloor`.

    Pure: fed the time and the counter.

    Args:
        floor: The floor.
        now: When the file's transfer started (monotonic seconds).
        total_bytes: The counter then.
    """

    OK, RETRY, FAIL = "ok", "retry", "fail"

    def __init__(self, floor: ProgressFloor, now: float, total_bytes: int = 0):
        self.floor = floor
        self._mark = (now, total_bytes)
        self._retried = False
        self._lock = threading.Lock()

    def observe(self, now: float, total_bytes: int) -> str:
        """:attr:`OK`; :attr:`RETRY` once a window came in below the floor (ask again);
        :attr:`FAIL` when the window after that did too."""
        floor = self.floor
        with self._lock:
            since, at = self._mark
            if total_bytes - at >= floor.min_bps * floor.window_s:
                self._mark, self._retried = (now, total_bytes), False
                return self.OK
            if now - since < floor.window_s:
                return self.OK
            self._mark = (now, total_bytes)
            if self._retried:
                return self.FAIL
            self._retried = True
            return self.RETRY

    def pause(self, now: float, total_bytes: int) -> None:
        """Start a fresh window (after a pause: time not spent downloading)."""
        with self._lock:
            self._mark = (now, total_bytes)
