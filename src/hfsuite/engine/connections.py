"""The connections of one big file: how many run, which are stalled, who takes the end.

:class:`Connections` runs the file's connection threads and, in the thread that called
:meth:`Connections.run`, looks at them a few times per tenth of a second:

- the :class:`~hfsuite.engine.watchdog.Watchdog` names connections that went silent while others
  flowed; their responses are abandoned and their segments asked for again;
- with adaptation on, the :class:`~hfsuite.engine.adapt.ConnectionPolicy` says how many
  connections the measured rate deserves; new ones are started while there is work left, and
  when it wants fewer (the bytes wait for this machine, not the other way round), the
  connections furthest into the file end with their current segments, and once the count has
  settled, segments are sized for it (fewer, longer requests);
- :meth:`Connections.next_segment` hands out work; when nothing is left to hand out, an idle
  connection stays (the *endgame*) and takes over the rest of a connection that goes silent;
- with a task's :class:`~hfsuite.engine.context.ConnectionBudget`, each connection holds one of
  its units: the file borrows what is free and says how many more it wants, so the units small
  files release come to it at the next look.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable

from hfsuite.engine.adapt import AdaptSettings, Backlog, ConnectionPolicy
from hfsuite.engine.context import ConnectionBudget
from hfsuite.engine.scheduler import Segment, SegmentScheduler
from hfsuite.engine.watchdog import ConnectionState, StallPolicy, Watchdog

_TICK_S = 0.05  # how often the connections are looked at

log = logging.getLogger(__name__)


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
        budget: The task's connections shared by its files (None: only ``count`` limits).
        backlog: How often the file's reads found bytes already waiting (None: not known here).
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
        budget: ConnectionBudget | None = None,
        backlog: Callable[[], Backlog] | None = None,
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
        self._budget = budget
        self._backlog = backlog
        self._live: list[ConnectionState] = []  # started and not yet ended (_running_lock)
        self._running_lock = threading.Lock()
        self._policy: ConnectionPolicy | None = None
        self._idle = threading.Event()  # never set: a sleep that the stop check ends early
        self.peak = 0  # most connections started
        self._sized_for = scheduler.connections  # the count the segments were first sized for

    def run(self) -> None:
        """Start the connections and look after them until every one has ended."""
        policy = None
        if self._adapt is not None and self._count > 1:
            settings = dataclasses.replace(
                self._adapt,
                start=min(self._adapt.start, self._count),
                ceiling=self._count,
                floor=min(self._adapt.floor, self._count),
            )
            policy = ConnectionPolicy(settings, self._monotonic())
        self._policy = policy
        try:
            self._run(policy)
        finally:
            if self._budget is not None:
                self._budget.want(self, 0)

    def _run(self, policy: ConnectionPolicy | None) -> None:
        if not self._grow(policy.target if policy is not None else self._count, first=True):
            return
        watchdog = self.watchdog
        while True:
            alive = [t for t in self._threads if t.is_alive()]
            if not alive:
                return
            alive[0].join(_TICK_S)
            watchdog.observe(self._received())
            for state in watchdog.find_stalled():
                self._abandon(state)
            if self._stopping():
                continue
            wanted = policy.target if policy is not None else self._count
            if policy is not None and not policy.settled and self._running == wanted:
                # Measured only on the count it asked for (a budget may have lent fewer; the
                # ones asked to stop must have stopped).
                wanted = policy.update(
                    self._monotonic(),
                    self._received(),
                    ready=watchdog.all_received(),
                    startup_s=watchdog.longest_start_s(),
                    backlog=self._backlog() if self._backlog is not None else None,
                    left_bytes=self.scheduler.left(),
                )
                self.scheduler.share(policy.sized_for(self._sized_for))
            staying = self._running - self._retiring
            if wanted < staying:
                log.debug(
                    "bytes wait for this machine, not for the server: %d connections instead of %d",
                    wanted,
                    staying,
                )
                self._retire(staying - wanted)
            if wanted > self._running and self.scheduler.has_work():
                self._grow(wanted)
            elif self._budget is not None:
                self._budget.want(self, 0)

    def _retire(self, n: int) -> None:
        """Ask ``n`` connections to end with their current segments: those furthest into the
        file, so the ones that stay go on where the written prefix (and the hashing behind it)
        waits for bytes."""

        def offset(state: ConnectionState) -> int:
            work = state.work
            return work.pos if isinstance(work, Segment) else -1

        with self._running_lock:
            candidates = [s for s in self._live if not s.retiring]
            for state in sorted(candidates, key=offset, reverse=True)[:n]:
                state.retiring = True

    @property
    def _running(self) -> int:
        """Connections started and not yet ended."""
        return len(self._live)

    @property
    def _retiring(self) -> int:
        """Of those, the ones asked to end with their current segments."""
        with self._running_lock:
            return sum(state.retiring for state in self._live)

    @property
    def measuring(self) -> bool:
        """Whether the count may still change with what the reads find waiting (the backlog
        is worth measuring)."""
        policy = self._policy
        return policy is not None and not policy.settled

    def _grow(self, wanted: int, *, first: bool = False) -> bool:
        """Start connections up to ``wanted``, as many as the budget lends; False: not even
        the first one could start (the download is stopping)."""
        lacking = wanted - self._running
        n = lacking
        budget = self._budget
        if budget is not None:
            n = 0
            if first:
                if not budget.take(self._stopping):
                    return False
                n = 1
            n += budget.try_take(lacking - n)
            budget.want(self, lacking - n)
        self._start(n)
        return True

    def _start(self, n: int) -> None:
        for _ in range(n):
            state = self.watchdog.register()
            with self._running_lock:
                self._live.append(state)
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
            with self._running_lock:
                self._live.remove(state)
            if self._budget is not None:
                self._budget.give_back()

    def next_segment(self, state: ConnectionState | None = None) -> Segment | None:
        """Work for an idle connection; None when the file needs nothing more from it (or
        wants fewer connections and ``state``, the asking connection's, was asked to stop).

        With nothing left to hand out, the connection stays while others work, and takes over
        the rest of one that goes silent (sooner than the watchdog would abandon it).
        """
        scheduler, watchdog = self.scheduler, self.watchdog
        while not self._stopping():
            if state is not None and state.retiring:
                return None
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
