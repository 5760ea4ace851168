"""A download that starts before its queue task exists, so bytes move while the database opens.

``hfsuite download`` is a queue task run at once. Opening the queue's database costs the
import of SQLAlchemy and the storage layer (about 0.2 s on a small machine) before the first
byte could move. Instead the command starts an :class:`EarlyDownload` (plan, space check,
transfer; nothing of the database is imported), waits until its transfer has begun, and only
then opens the database and adds the task, which *adopts* the running download
(:meth:`DownloadManager.adopt <hfsuite.app.queue.manager.DownloadManager.adopt>`, the one way
in): the events so far are replayed to the task's runner stamped with the new task id, the plan
is stored, and from then on everything is as for any task (progress, pause/cancel through the
task row, history). To the runner it is a
:class:`~hfsuite.app.queue.runner_host.DownloadJob` like a fresh download:
:meth:`EarlyDownload.run` takes it over and waits for its end.

A download that ends soon after it began never opens the database at all: its caller records
it in the journal of finished downloads (:mod:`hfsuite.app.queue.finished`) instead, which the
next opening of the database applies. A display :meth:`watches <EarlyDownload.watch>` the
download itself, so it is live whether a task adopts the download or not.

If the database cannot be opened, the caller cancels the early download; its partial data and
resume state stay on disk like after any interruption.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from hfsuite.app.download.operation import DownloadOutcome, DownloadPlan, DownloadRequest, download
from hfsuite.app.queue.runner_host import StartedDownload
from hfsuite.core.errors import OperationCancelled
from hfsuite.core.events import Event, TransferProgressed

if TYPE_CHECKING:
    from hfsuite.app.suite import Suite


class EarlyDownload(StartedDownload):
    """A download running in a thread of its own until a queue task adopts it.

    Args:
        suite: Settings, clock and shared bandwidth limit.
        request: What to download.
    """

    def __init__(self, suite: Suite, request: DownloadRequest):
        super().__init__(suite, request)
        self.plan: DownloadPlan | None = None
        self.outcome: DownloadOutcome | None = None
        self.error: BaseException | None = None
        self._lock = threading.Lock()
        self._held: list[Event] = []  # until both the watcher and a task have them
        self._task_id: int | None = None
        self._on_event: Callable[[Event], None] | None = None
        self._watcher: Callable[[Event], None] | None = None
        self.moving_since: float | None = None
        """When the transfer began (the clock's monotonic time of its first event)."""
        self.eta_s: float | None = None
        """The time left the transfer's last progress report estimated (None: not known)."""
        self._on_plan: Callable[[DownloadPlan], None] | None = None
        self._moving = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hfsuite-early", daemon=True)

    def start(self) -> EarlyDownload:
        """Start planning and transferring; returns self."""
        self._thread.start()
        return self

    def wait_moving(self, timeout_s: float) -> bool:
        """Wait until the transfer has begun (its first event) or the download ended."""
        return self._moving.wait(timeout_s)

    def watch(self, watcher: Callable[[Event], None]) -> None:
        """Give every event, as the download emits it, to ``watcher`` too (a display); the
        events so far are delivered now. The watcher sees them whether a task adopts the
        download or not; those emitted once a task has adopted it carry its id."""
        with self._lock:
            for event in self._held:
                watcher(event)
            self._watcher = watcher
            if self._on_event is not None:
                self._held.clear()

    def adopt(
        self,
        task_id: int,
        on_event: Callable[[Event], None],
        on_plan: Callable[[DownloadPlan], None],
    ) -> None:
        """Hand the download to a task: the plan (if made) and the events so far are delivered
        now, stamped with ``task_id``; later ones as they come."""
        with self._lock:
            self._task_id = task_id
            if self.plan is not None:
                on_plan(self.plan)
            for event in self._held:
                on_event(self._stamp(event))
            if self._watcher is not None:
                self._held.clear()
            self._on_event, self._on_plan = on_event, on_plan

    def run(
        self,
        task_id: int,
        on_event: Callable[[Event], None],
        on_plan: Callable[[DownloadPlan], None],
    ) -> DownloadOutcome:
        """Hand the download to a task and wait for its end (what the task's runner calls).

        If handing it over fails (storing the plan, say), the download is cancelled, its partial
        data kept, rather than left running with no task to answer for it.

        Raises:
            HfSuiteError: what the download or the hand-over raised.
        """
        try:
            self.adopt(task_id, on_event, on_plan)
        except BaseException:
            self.cancel_and_wait()
            raise
        return self.result()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Wait for the end; returns whether it ended."""
        return self._done.wait(timeout_s)

    def result(self) -> DownloadOutcome:
        """The outcome (waits for the end).

        Raises:
            HfSuiteError: what the download raised (OperationCancelled when cancelled).
        """
        self._done.wait()
        if self.error is not None:
            raise self.error
        if self.outcome is None:  # pragma: no cover - download() returns or raises
            raise OperationCancelled("Download cancelled.")
        return self.outcome

    def cancel_and_wait(self) -> None:
        """Stop the download (partial data kept for resume) and wait until it has stopped."""
        self.control.cancel()
        self._done.wait()

    # --- the download thread -----------------------------------------------------------------
    def _run(self) -> None:
        try:
            self.outcome = download(
                self.suite,
                self.request,
                control=self.control,
                on_event=self._event,
                on_plan=self._plan,
            )
        except BaseException as exc:  # handed to whoever adopts or waits
            self.error = exc
        finally:
            self._moving.set()
            self._done.set()

    def _event(self, event: Event) -> None:
        if not self._moving.is_set():  # set() takes the flag's lock even when it is set: every
            self.moving_since = self.suite.clock.monotonic()
            self._moving.set()  # event of every file thread queued on it (26 % of their time)
        if isinstance(event, TransferProgressed):
            self.eta_s = event.eta_s
        # Once watched and adopted, no lock at all: watch() and adopt() set their handler last,
        # after every held event is out, and never again. (With the lock taken for each event,
        # 1,000 small files' threads spent 17 % of their samples waiting for it, each holder
        # briefly, but often while it waited for the interpreter.) Before that, the lock:
        # events emitted during a hand-over wait for it and come after the held ones; an event
        # is held for the one not there yet and given to the other after the lock.
        watcher, handler = self._watcher, self._on_event
        if watcher is None or handler is None:
            with self._lock:
                watcher, handler = self._watcher, self._on_event
                if watcher is None or handler is None:
                    self._held.append(event)
        # Outside the lock: the file threads emit at once (a task's handler and a display are
        # thread-safe, as for any download).
        if watcher is not None:
            watcher(self._stamp(event))
        if handler is not None:
            handler(self._stamp(event))

    def _plan(self, plan: DownloadPlan) -> None:
        with self._lock:
            self.plan = plan
            if self._on_plan is not None:
                self._on_plan(plan)

    def _stamp(self, event: Event) -> Event:
        if event.task_id is None and self._task_id is not None:
            return dataclasses.replace(event, task_id=self._task_id)
        return event
