"""What a transfer shares with each of its files: options, control, connections, events.

:class:`~hfsuite.engine.transfer.Transfer` builds one :class:`FileContext` and hands it to every
:class:`~hfsuite.engine.filedownload.FileDownload` it starts, so a file's download depends on
these few things and not on the transfer that runs it. :class:`TransferOptions` and
:class:`TransferControl` live here for the same reason; ``hfsuite.engine.transfer`` exports them
too, which is where callers import them from.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from hfsuite.core.clock import Clock
from hfsuite.core.errors import HfSuiteError, OperationCancelled
from hfsuite.core.events import Event
from hfsuite.core.remote import HttpAnswer
from hfsuite.engine.adapt import AdaptSettings
from hfsuite.engine.http import HttpClient
from hfsuite.engine.paths import KnownFolders
from hfsuite.engine.retry import RetryPolicy
from hfsuite.engine.scheduler import MIB
from hfsuite.engine.throttle import Throttle, TokenBucket
from hfsuite.engine.watchdog import ProgressFloor, StallPolicy

ErrorMapper = Callable[[HttpAnswer], HfSuiteError]
"""Turns a hub's error response (4xx) into a typed, actionable error (one per source)."""


@dataclass
class TransferOptions:
    """Limits and tuning of a transfer.

    Attributes:
        connections_per_file: Parallel ranged connections for one file (when ``adapt`` is None).
        adapt: Start with a few connections per file and add more while the rate rises, up to
            ``max_connections_per_file``; None: always ``connections_per_file``.
        max_connections_per_file: The ceiling of an adapting file's connections.
        files_in_parallel: Files transferred at once.
        connections_per_host: Connections to one host at once, across all files.
        small_file_bytes: Files up to this size use a single request.
        min_segment: Smallest segment handed out / stolen.
        max_segment: Largest fresh segment.
        buffer_bytes: Read size per socket read (smaller when throttled).
        checkpoint_interval_s: How often resume state is persisted.
        write_back_bytes: A big file's written bytes are flushed to disk in the background
            each time this much more is written (0: only before the rename), so that flush
            waits for the last part only.
        progress_interval_s: How often progress events are published.
        retry: Backoff policy for retryable failures.
        max_file_restarts: Times a file may start over (hash mismatch, remote change).
        stall: When a silent connection, while the others flow, is abandoned.
        floor: The slowest a file may come (a trickling server) before it fails.
        xet: Xet-backed files: ``auto`` (through Xet when it pays, see docs/xet.md), ``on``
            (always through Xet), ``off`` (always through the resolve redirect).
    """

    connections_per_file: int = 8
    adapt: AdaptSettings | None = None
    max_connections_per_file: int = 32
    files_in_parallel: int = 4
    connections_per_host: int = 16
    small_file_bytes: int = 4 * MIB
    min_segment: int = 1 * MIB
    max_segment: int = 64 * MIB
    buffer_bytes: int = 1 * MIB
    checkpoint_interval_s: float = 1.0
    write_back_bytes: int = 32 * MIB
    progress_interval_s: float = 0.25
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    max_file_restarts: int = 1
    stall: StallPolicy = field(default_factory=StallPolicy)
    floor: ProgressFloor = field(default_factory=ProgressFloor)
    xet: str = "auto"


class TransferControl:
    """Pause, resume, cancel and re-limit a running transfer from any thread.

    Args:
        limit_bps: The task's own bandwidth limit (0 = unlimited).
        clock: Time source for the task's token bucket.
    """

    def __init__(self, limit_bps: int = 0, clock: Clock | None = None):
        self.bucket = TokenBucket(limit_bps, clock=clock)
        self._running = threading.Event()
        self._running.set()
        self._cancelled = threading.Event()
        self._cancel_listeners: list[Callable[[], None]] = []

    def pause(self) -> None:
        """Stop moving bytes (connections wait; the partial data stays)."""
        self._running.clear()

    def resume(self) -> None:
        """Continue after :meth:`pause`."""
        self._running.set()

    def cancel(self) -> None:
        """Stop for good; partial data and resume state are kept for a later run.

        Connections blocked in a read are interrupted at once (their sockets are shut down).
        """
        self._cancelled.set()
        self._running.set()
        for listener in list(self._cancel_listeners):
            listener()

    def on_cancel(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener`` when cancelled; returns a function that removes it."""
        self._cancel_listeners.append(listener)
        return lambda: self._cancel_listeners.remove(listener)

    def set_limit(self, bps: int) -> None:
        """Change the task's bandwidth limit (0 = unlimited); applies at once."""
        self.bucket.set_rate(bps)

    @property
    def paused(self) -> bool:
        """Whether the transfer is paused."""
        return not self._running.is_set()

    @property
    def cancelled(self) -> bool:
        """Whether cancel was requested."""
        return self._cancelled.is_set()

    def checkpoint(self) -> None:
        """Block while paused; raise OperationCancelled when cancelled."""
        if not self._running.is_set():
            self._running.wait()
        if self._cancelled.is_set():
            raise OperationCancelled("Download cancelled.")

    def sleep(self, seconds: float) -> None:
        """Sleep, waking early (and raising) on cancel."""
        if seconds > 0 and self._cancelled.wait(seconds):
            raise OperationCancelled("Download cancelled.")
        if self._cancelled.is_set():
            raise OperationCancelled("Download cancelled.")


class HostSlots:
    """Limits the connections open to each host at once, across every file of a transfer.

    Args:
        per_host: Connections allowed to one host at the same time.
    """

    def __init__(self, per_host: int):
        self._per_host = per_host
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()

    def slot(self, url: str) -> threading.BoundedSemaphore:
        """The semaphore a connection to ``url``'s host holds while it is open."""
        host = urlsplit(url).netloc
        with self._lock:
            slot = self._slots.get(host)
            if slot is None:
                slot = threading.BoundedSemaphore(self._per_host)
                self._slots[host] = slot
            return slot


class ConnectionBudget:
    """The connections of one task, shared by its files.

    A big file's connections borrow from it (never waiting, except for the file's first one)
    and say how many they want (:meth:`want`); a small file's single connection waits for a
    unit that no big file wants, so small files take what the big ones leave (and a quarter of
    the budget at least, so that they move on too), and a unit a small file releases goes to a
    big file that wants more (at its next look, a few hundredths of a second later).

    Args:
        total: Connections the task may have open at once.
    """

    def __init__(self, total: int):
        self.total = max(1, total)
        #: Units small files may hold whatever big files want.
        self.floor = max(1, self.total // 4)
        self._used = 0
        self._small = 0
        self._wanted: dict[int, int] = {}  # id of a big file's connections -> units it lacks
        self._cond = threading.Condition()

    @property
    def used(self) -> int:
        """Units held now."""
        return self._used

    def want(self, owner: object, lacking: int) -> None:
        """Record that ``owner`` (a big file) would use ``lacking`` more units (0: none)."""
        with self._cond:
            if lacking > 0:
                self._wanted[id(owner)] = lacking
            else:
                self._wanted.pop(id(owner), None)
            self._cond.notify_all()

    def try_take(self, n: int) -> int:
        """Take up to ``n`` free units at once; returns how many were taken."""
        with self._cond:
            got = max(0, min(n, self.total - self._used))
            self._used += got
            return got

    def take(self, stopping: Callable[[], bool], *, small: bool = False) -> bool:
        """Wait for one unit (a small file's: one no big file wants); False when ``stopping``
        became true first."""
        with self._cond:
            while True:
                if stopping():
                    return False
                free = self.total - self._used
                if small:
                    # Big files' unmet wants come first; small files keep a quarter of the
                    # budget (one unit at least) if that is free, so they move on however much
                    # the big files want.
                    lacking = sum(self._wanted.values())
                    free = max(free - lacking, min(free, self.floor - self._small))
                if free > 0:
                    self._used += 1
                    self._small += small
                    return True
                self._cond.wait(0.05)

    def give_back(self, n: int = 1, *, small: bool = False) -> None:
        """Return ``n`` units."""
        with self._cond:
            self._used -= n
            if small:
                self._small -= n
            self._cond.notify_all()


@dataclass(frozen=True, slots=True)
class FileContext:
    """Everything a file's download needs from the transfer that runs it.

    Attributes:
        options: Limits and tuning.
        client: The HTTP client.
        control: Pause/resume/cancel of the whole transfer.
        throttle: The task's and the global bandwidth limits.
        clock: Time source.
        emit: Publishes an event (never raises).
        error_mapper: The source's translation of error responses into typed errors.
        host_slots: Connections per host, shared by every file.
        halted: Whether a hard error on another file stopped the transfer.
        task_id: Put on every event.
        budget: The task's connections, shared by its files (None: no limit besides
            ``host_slots``).
        folders: The folders this transfer has made sure exist.
    """

    options: TransferOptions
    client: HttpClient
    control: TransferControl
    throttle: Throttle
    clock: Clock
    emit: Callable[[Event], None]
    error_mapper: ErrorMapper
    host_slots: HostSlots
    halted: Callable[[], bool]
    task_id: int | None = None
    budget: ConnectionBudget | None = None
    folders: KnownFolders = field(default_factory=KnownFolders)
