"""The connections of one big file: how many run, which are stalled, who takes the end.

:class:`Connections` runs the file's connection threads and, in the thread that called
:meth:`Connections.run`, looks at them a few times per tenth of a second:

- the :class:`~hfsuite.engine.watchdog.Watchdog` names connections that went silent while others
  flowed; their responses are abandoned and their segments asked for again;
- with adaptation on, the :class:`~hfsuite.engine.adapt.ConnectionPolicy` says how many
  connections the measured rate deserves, and new ones are started while there is work left;
- :meth:`Connections.next_segment` hands out work; when nothing is left to hand out, an idle
  connection stays (the *endgame*) and takes over the rest of a connection that goes silent.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from hfsuite.engine.adapt import AdaptSettings, ConnectionPolicy
from hfsuite.engine.scheduler import Segment, SegmentScheduler
from hfsuite.engine.watchdog import ConnectionState, StallPolicy, Watchdog

_TICK_S = 0.05  # how often the connections are looked at


class Connections:
    """Runs a file's connections.

    Args:
        scheduler: Hands out the file's segments.
        work: A connection's body: fetch segments from :meth:`next_segment` until None.
        count: The connection count when not adapting (and the most ever started).
        adapt: Adapt the count to the measured rate, within ``count``; None: always ``count``.
        stall: When a silent connection is abandoned.
        monotonic: The clock.
        received: The file's byte counter.
        stopping: Whether the file's download is stopping (error, cancel, halt).
        abandon: Abandons a stalled connection's current response.
    """

    def __init__(
        self,
        scheduler: SegmentScheduler,
        work: Callable[[ConnectionState], None],
        *,
        count: int,
        adapt: AdaptSettings | None,
        stall: StallPolicy,
        monotonic: Callable[[], float],
        received: Callable[[], int],
        stopping: Callable[[], bool],
        abandon: Callable[[ConnectionState], None],
    ):
        self.scheduler = scheduler
        self.watchdog = Watchdog(stall, monotonic)
        self._work = work
        self._count = max(1, count)
        self._adapt = adapt
        self._monotonic = monotonic
        self._received = received
        self._stopping = stopping
        self._abandon = abandon
        self._threads: list[threading.Thread] = []
        self._idle = threading.Event()  # never set: a sleep that the stop check ends early
        self.peak = 0  # most connections started

    def run(self) -> None:
        """Start the connections and look after them until every one has ended."""
        policy = None
        if self._adapt is not None and self._count > 1:
            settings = AdaptSettings(
                start=min(self._adapt.start, self._count),
                ceiling=self._count,
                min_window_s=self._adapt.min_window_s,
                min_gain=self._adapt.min_gain,
            )
            policy = ConnectionPolicy(settings, self._monotonic())
        self._start(policy.target if policy is not None else self._count)
        watchdog = self.watchdog
        while True:
            alive = [t for t in self._threads if t.is_alive()]
            if not alive:
                return
            alive[0].join(_TICK_S)
            watchdog.observe(self._received())
            for state in watchdog.find_stalled():
                self._abandon(state)
            if policy is not None and not policy.settled and not self._stopping():
                wanted = policy.update(
                    self._monotonic(), self._received(), ready=watchdog.all_received()
                )
                if wanted > len(self._threads) and self.scheduler.has_work():
                    self._start(wanted - len(self._threads))

    def _start(self, n: int) -> None:
        for _ in range(n):
            state = self.watchdog.register()
            thread = threading.Thread(
                target=self._run_one,
                args=(state,),
                name=f"hfsuite-conn-{len(self._threads)}",
                daemon=True,
            )
            self._threads.append(thread)
            thread.start()
        self.peak = max(self.peak, len(self._threads))

    def _run_one(self, state: ConnectionState) -> None:
        try:
            self._work(state)
        finally:
            self.watchdog.unregister(state)

    def next_segment(self) -> Segment | None:
        """Work for an idle connection; None when the file needs nothing more from it.

        With nothing left to hand out, the connection stays while others work, and takes over
        the rest of one that goes silent (sooner than the watchdog would abandon it).
        """
        scheduler, watchdog = self.scheduler, self.watchdog
        while not self._stopping():
            seg = scheduler.next_segment()
            if seg is not None or scheduler.active_count == 0:
                return seg
            taken = None
            for state in watchdog.find_stalled(endgame=True):
                victim = state.work
                if taken is None and isinstance(victim, Segment):
                    taken = scheduler.take_over(victim)
                self._abandon(state)  # each one found: none is looked at twice
            if taken is not None:
                return taken
            self._idle.wait(_TICK_S / 2)
        return None
