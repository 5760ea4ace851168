"""Events of the download manager, and the thread-safe stream that carries them.

```
engine threads ──► FileStarted / FileVerified / FileCompleted / TransferRetrying … (forwarded)
runner loop    ──► TasksProgressed   (one batch for every running task, a few times per second)
sync()         ──► TaskAdded / TaskStarted / TaskQueued / TaskPaused / TaskCompleted /
                   TaskFailed / TaskCancelled / TaskRemoved   (state changes, from any process)
                   TasksUpdated      (every changed row of one sync, for model/view refreshes)
```

State-change events come from comparing the database with what the manager saw last
(:meth:`~hfsuite.app.queue.manager.DownloadManager.sync`), so a change made by another process (the
CLI pausing a task the desktop app runs) produces the same event as a local one. Subscribers are
called on the publishing thread and must not block: the desktop app's bridge re-posts them to
the Qt main thread; the CLI's displays only update Rich state.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hfsuite.core.events import Event
from hfsuite.core.types import TaskState

if TYPE_CHECKING:
    from hfsuite.storage import TaskRecord

log = logging.getLogger(__name__)

Subscriber = Callable[[Event], None]
"""Receives events; called on the publishing thread, must return quickly."""


# --- task events ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaskEvent(Event):
    """A task changed state; ``record`` is the task as stored after the change."""

    record: TaskRecord
    previous: TaskState | None = None


@dataclass(frozen=True, slots=True)
class TaskAdded(TaskEvent):
    """A task entered the queue (queued or paused)."""


@dataclass(frozen=True, slots=True)
class TaskStarted(TaskEvent):
    """A runner began (or resumed) downloading the task."""


@dataclass(frozen=True, slots=True)
class TaskQueued(TaskEvent):
    """A task went back to waiting: resumed, retried, or given back by a stopped runner."""


@dataclass(frozen=True, slots=True)
class TaskPaused(TaskEvent):
    """A task was paused; it stays paused across restarts until resumed."""


@dataclass(frozen=True, slots=True)
class TaskCompleted(TaskEvent):
    """Every file of the task is on disk and verified."""


@dataclass(frozen=True, slots=True)
class TaskFailed(TaskEvent):
    """The task stopped on an error (``record.error`` says which)."""


@dataclass(frozen=True, slots=True)
class TaskCancelled(TaskEvent):
    """The task was cancelled for good (its partial data is kept unless removed)."""


@dataclass(frozen=True, slots=True)
class TaskRemoved(Event):
    """The task was deleted from the queue."""


@dataclass(frozen=True, slots=True)
class TasksUpdated(Event):
    """Rows changed in one sync (state, order, priority, persisted progress…).

    ``task_id`` is None; a model/view refreshes exactly these rows.
    """

    records: tuple[TaskRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class TaskProgress:
    """Live progress of one running task.

    Attributes:
        task_id: The task.
        done_bytes: Bytes on disk (resumed bytes included).
        total_bytes: Bytes of the plan (0 until planned).
        files_done: Files completed or skipped.
        files_total: Files in the plan (0 until planned).
        speed_bps: Average over the sliding window.
        eta_s: Seconds left at that speed (None when unknown).
    """

    task_id: int
    done_bytes: int
    total_bytes: int
    files_done: int
    files_total: int
    speed_bps: float
    eta_s: float | None

    @property
    def fraction(self) -> float:
        """Done as a fraction 0…1 (0 before planning)."""
        return self.done_bytes / self.total_bytes if self.total_bytes else 0.0


@dataclass(frozen=True, slots=True)
class TasksProgressed(Event):
    """Progress of every running task, published a few times per second (``task_id`` None)."""

    tasks: tuple[TaskProgress, ...] = ()
    speed_bps: float = 0.0


# --- library events --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LibraryScanProgressed(Event):
    """Progress of a library scan (``task_id`` None), a few times per second.

    Attributes:
        phase: ``walk`` (listing and comparing), ``identify`` (reading headers), ``moves``
            (hashing files that may have moved), ``hash`` (``scan --hash``), ``done``.
        files: Files so far (in ``hash``: files hashed so far).
        bytes: Their bytes (in ``hash``: bytes hashed so far).
        current_path: The file being looked at, if any.
        files_total: In ``hash``: files to hash.
        bytes_total: In ``hash``: bytes to hash.
    """

    phase: str = "walk"
    files: int = 0
    bytes: int = 0
    current_path: str | None = None
    files_total: int | None = None
    bytes_total: int | None = None


_STATE_EVENTS: dict[TaskState, type[TaskEvent]] = {
    TaskState.QUEUED: TaskQueued,
    TaskState.RUNNING: TaskStarted,
    TaskState.PAUSED: TaskPaused,
    TaskState.COMPLETED: TaskCompleted,
    TaskState.FAILED: TaskFailed,
    TaskState.CANCELLED: TaskCancelled,
}


def state_event(record: TaskRecord, previous: TaskState | None) -> TaskEvent | None:
    """The event for a row seen in a new state (None when the state did not change).

    Args:
        record: The row now.
        previous: Its state when last seen, or None for a row not seen before.
    """
    if previous is None:
        if record.state in (TaskState.QUEUED, TaskState.PAUSED):
            return TaskAdded(record.id, record, None)
        return _STATE_EVENTS[record.state](record.id, record, None)
    if previous is record.state:
        return None
    return _STATE_EVENTS[record.state](record.id, record, previous)


# --- the stream ----------------------------------------------------------------------------


class EventBus:
    """Publish/subscribe, safe to use from any thread.

    Publishing calls every subscriber in turn on the caller's thread; a subscriber that raises is
    logged and does not stop the others (nor the download that published).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: tuple[Subscriber, ...] = ()

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Add a subscriber; returns a function that removes it again."""
        with self._lock:
            self._subscribers = (*self._subscribers, subscriber)

        def unsubscribe() -> None:
            with self._lock:
                self._subscribers = tuple(s for s in self._subscribers if s is not subscriber)

        return unsubscribe

    def publish(self, event: Event) -> None:
        """Deliver ``event`` to every current subscriber."""
        for subscriber in self._subscribers:  # a tuple: replaced, never mutated
            try:
                subscriber(event)
            except Exception:
                log.exception("event subscriber %r failed", subscriber)


@dataclass
class EventQueue:
    """A subscriber that buffers events for a consumer that polls (tests, a UI timer).

    Attributes:
        maxsize: Bound of the buffer (0: unbounded); when full the oldest events are dropped.
    """

    maxsize: int = 0
    _queue: queue.Queue[Event] = field(init=False)

    def __post_init__(self) -> None:
        self._queue = queue.Queue(self.maxsize)

    def __call__(self, event: Event) -> None:
        while True:
            try:
                self._queue.put_nowait(event)
                return
            except queue.Full:
                with contextlib.suppress(queue.Empty):
                    self._queue.get_nowait()

    def get(self, timeout: float | None = None) -> Event | None:
        """The next event, waiting up to ``timeout`` seconds (None when none came)."""
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def drain(self) -> list[Event]:
        """Every buffered event, without waiting."""
        out: list[Event] = []
        while True:
            try:
                out.append(self._queue.get_nowait())
            except queue.Empty:
                return out

    def wait_for(self, predicate: Callable[[Event], bool], timeout: float) -> Event | None:
        """Consume events until one matches ``predicate`` (None after ``timeout`` seconds)."""
        import time

        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            event = self.get(timeout=left)
            if event is not None and predicate(event):
                return event
        return None
