"""Running tasks: the queue runner (one per database) and direct downloads.

```
QueueRunner.run_queue()                       holds <db>.runner.lock (released by the OS on crash)
  loop, every 0.25 s:
    finished workers → final state + history + stats + model version (one transaction)
    every 0.5 s: sync() — a local task whose row says paused/cancelled/removed is stopped;
                 tasks of dead runners go back to the queue; free slots claim_next()
    TasksProgressed batch to subscribers; every 1 s progress + file states to the database
  worker thread per task: app.downloads.download(…) with a TransferControl
```

A task is the runner's while its row says RUNNING and ``claimed_by`` is the runner's id; any
other row state makes the runner stop the transfer (partial data and resume state stay on disk,
so the next run continues byte-level). A direct download (``hfsuite download``) is the same loop
over one given task, without the lock and without claiming; its row is RUNNING with no claim and
is kept alive by progress heartbeats.

Dead runners. While holding the lock a queue runner knows every other queue claim is stale; a
claim by a process on this host that no longer exists is stale; anything else is stale once its
heartbeat is older than ``stale_after_s``.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from filelock import FileLock, Timeout

from hfsuite.app.downloads import DownloadOutcome, DownloadPlan, DownloadRequest, download
from hfsuite.app.early import EarlyDownload
from hfsuite.app.events import TaskRemoved, TasksUpdated
from hfsuite.app.history_ops import TaskEnd, record_end
from hfsuite.app.manager_tasks import manifest_of, request_for, task_files_of
from hfsuite.core.errors import HfSuiteError, OperationCancelled, RunnerBusyError
from hfsuite.core.events import Event
from hfsuite.core.types import Outcome, TaskState
from hfsuite.engine.transfer import TransferControl
from hfsuite.storage import ProgressUpdate, TaskRecord, UnitOfWork

if TYPE_CHECKING:
    from hfsuite.app.manager import DownloadManager

log = logging.getLogger(__name__)

_HOST = socket.gethostname()


@dataclass
class RunSummary:
    """What a run of the queue did (counts of tasks by how their run ended)."""

    completed: int = 0
    failed: int = 0
    cancelled: int = 0
    stopped: int = 0  # paused, removed, or given back to the queue when the runner stopped


@dataclass
class _Active:
    task: TaskRecord
    request: DownloadRequest
    control: TransferControl
    started_mono: float
    started_at: float
    on_event: Callable[[Event], None] | None = None
    on_plan: Callable[[DownloadPlan], None] | None = None
    plan: DownloadPlan | None = None
    thread: threading.Thread | None = None
    outcome: DownloadOutcome | None = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)
    early: EarlyDownload | None = None  # started before the task existed; adopted here


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class QueueRunner:
    """Runs tasks of a manager's queue (or one direct task) with live progress.

    Args:
        manager: The manager whose database, settings and events are used.
        poll_interval_s: How often the database is checked for changes and free slots.
        progress_interval_s: How often a progress batch is published.
        flush_interval_s: How often progress is written to the database.
        stale_after_s: Heartbeat age after which another runner's task is taken back.
    """

    _in_process_locks: ClassVar[dict[str, threading.Lock]] = {}

    def __init__(
        self,
        manager: DownloadManager,
        *,
        poll_interval_s: float = 0.5,
        progress_interval_s: float = 0.25,
        flush_interval_s: float = 1.0,
        stale_after_s: float = 15.0,
    ):
        self.manager = manager
        self.suite = manager.suite
        self.clock = manager.suite.clock
        self.poll_interval_s = poll_interval_s
        self.progress_interval_s = progress_interval_s
        self.flush_interval_s = flush_interval_s
        self.stale_after_s = stale_after_s
        self.runner_id = f"{_HOST}:{os.getpid()}:queue:{id(self):x}"
        self._claim_id: str | None = self.runner_id
        self._active: dict[int, _Active] = {}
        self._finished: queue.SimpleQueue[int] = queue.SimpleQueue()
        self._wake = threading.Event()
        self._released = threading.Condition()
        self._cancel_on_stop = False
        self.summary = RunSummary()

    # --- control from other threads ------------------------------------------------------

    def wake(self) -> None:
        """Re-check the database now (after a local change)."""
        self._wake.set()

    def owns_any(self, task_ids: list[int]) -> bool:
        """Whether this runner is downloading one of these tasks."""
        return any(i in self._active for i in task_ids)

    def wait_released(self, task_ids: list[int], timeout_s: float) -> bool:
        """Wait until none of these tasks is downloading here. Returns whether that happened."""
        with self._released:
            return self._released.wait_for(
                lambda: not self.owns_any(task_ids), timeout=max(0.0, timeout_s)
            )

    # --- entry points -------------------------------------------------------------------

    def run_queue(self, *, watch: bool, stop: threading.Event) -> RunSummary:
        """Run the queue until it is empty (``watch``: until ``stop`` is set).

        Raises:
            RunnerBusyError: another process or thread runs this database's queue.
        """
        with self._runner_lock():
            self.manager._register(self)
            unsubscribe = self.manager.subscribe(self._on_event)
            try:
                self._requeue_dead()
                self._loop(claim=True, watch=watch, stop=stop)
            finally:
                unsubscribe()
                self.manager._unregister(self)
        return self.summary

    def run_direct(self, active: _Active, stop: threading.Event) -> None:
        """Download one task already marked RUNNING (no claim), watching its row."""
        self._claim_id = None
        self.manager._register(self)
        unsubscribe = self.manager.subscribe(self._on_event)
        try:
            self._start(active)
            self._loop(claim=False, watch=False, stop=stop)
        finally:
            unsubscribe()
            self.manager._unregister(self)

    # --- the loop -----------------------------------------------------------------------

    def _loop(self, *, claim: bool, watch: bool, stop: threading.Event) -> None:
        next_poll = next_flush = 0.0
        while True:
            self._collect_finished()
            if stop.is_set():
                break
            now = self.clock.monotonic()
            if now >= next_poll or self._wake.is_set():
                self._wake.clear()
                next_poll = now + self.poll_interval_s
                self._watch_rows()
                if claim:
                    self._requeue_dead()
                    claimed = self._claim()
                    if not self._active and not claimed and not watch:
                        break
            if not claim and not self._active:
                break
            if self._active:
                self.manager.events.publish(self.manager.tracker.snapshot())
                if now >= next_flush:
                    next_flush = now + self.flush_interval_s
                    self._flush()
            self._wake.wait(self.progress_interval_s)
        self._shutdown()

    def _shutdown(self) -> None:
        for active in list(self._active.values()):
            active.control.cancel()
        for active in list(self._active.values()):
            active.done.wait()
        self._collect_finished()

    def _watch_rows(self) -> None:
        # The rows are checked in _on_event: any thread's sync() (a local pause, this loop's
        # poll) publishes the changed rows, and the sync cursor is shared by the manager.
        self.manager.sync()

    def _on_event(self, event: Event) -> None:
        """Stop a local transfer whose row no longer says it is ours (any thread)."""
        if isinstance(event, TasksUpdated):
            for record in event.records:
                active = self._active.get(record.id)
                if active is None:
                    continue
                if record.state is not TaskState.RUNNING or record.claimed_by != self._claim_id:
                    log.info("task %s is now %s: stopping it", record.id, record.state.value)
                    active.control.cancel()
        elif isinstance(event, TaskRemoved) and event.task_id is not None:
            active = self._active.get(event.task_id)
            if active is not None:
                active.control.cancel()

    def _requeue_dead(self) -> None:
        stale_before = self.clock.now() - self.stale_after_s
        with self.manager.db.read() as uow:
            running = uow.tasks.list_queue([TaskState.RUNNING])
        dead = [
            t.id for t in running if t.id not in self._active and self._is_dead(t, stale_before)
        ]
        if not dead:
            return
        log.info("requeueing tasks of stopped runners: %s", dead)
        with self.manager.db.write() as uow:
            uow.tasks.set_state(dead, TaskState.QUEUED, only_from=(TaskState.RUNNING,))
        self.manager.sync()

    def _is_dead(self, task: TaskRecord, stale_before: float) -> bool:
        if task.claimed_by and task.claimed_by != self.runner_id:
            host, _, rest = task.claimed_by.partition(":")
            pid_text, _, kind = rest.partition(":")
            if kind.startswith("queue"):
                return True  # we hold the runner lock: that runner is gone
            if host == _HOST and pid_text.isdigit() and not pid_alive(int(pid_text)):
                return True
        return (task.heartbeat_at or 0.0) < stale_before

    def _claim(self) -> int:
        free = self.manager.tasks_in_parallel - len(self._active)
        # No write transaction when nothing waits: an idle runner never holds the write lock
        # other processes need (the poll before this one has just synced the known states).
        if free <= 0 or not self.manager.has_queued():
            return 0
        with self.manager.db.write() as uow:
            claimed = uow.tasks.claim_next(free, self.runner_id)
        for task in claimed:
            try:
                request = request_for(task)
            except HfSuiteError as exc:
                self._fail_unstartable(task, exc)
                continue
            now = self.clock
            self._start(_Active(task, request, TransferControl(), now.monotonic(), now.now()))
        if claimed:
            self.manager.sync()
        return len(claimed)

    def _fail_unstartable(self, task: TaskRecord, exc: HfSuiteError) -> None:
        with self.manager.db.write() as uow:
            uow.tasks.set_state([task.id], TaskState.FAILED, error=str(exc))
            record_end(uow, task, TaskEnd(Outcome.FAILED, error=str(exc)), self.clock.now())
        self.summary.failed += 1

    # --- workers ------------------------------------------------------------------------

    def _start(self, active: _Active) -> None:
        task_id = active.task.id
        self._active[task_id] = active
        self.manager.tracker.start(task_id)
        active.thread = threading.Thread(
            target=self._work, args=(active,), name=f"hfsuite-task-{task_id}", daemon=True
        )
        active.thread.start()

    def _work(self, active: _Active) -> None:
        task_id = active.task.id

        def on_event(event: Event) -> None:
            self.manager.tracker.on_event(event)
            self.manager.events.publish(event)
            if active.on_event is not None:
                active.on_event(event)

        def on_plan(plan: DownloadPlan) -> None:
            active.plan = plan
            self.manager.tracker.set_plan(task_id, plan.total_bytes, len(plan.files))
            with self.manager.db.write() as uow:
                uow.tasks.set_plan(
                    task_id, task_files_of(plan), resolved_commit=plan.snapshot.commit
                )
            if active.on_plan is not None:
                active.on_plan(plan)

        try:
            if active.early is not None:
                try:
                    active.early.adopt(task_id, on_event, on_plan)
                except BaseException:
                    active.early.cancel_and_wait()  # not left running unowned
                    raise
                active.outcome = active.early.result()
            else:
                active.outcome = download(
                    self.suite,
                    active.request,
                    control=active.control,
                    on_event=on_event,
                    on_plan=on_plan,
                    task_id=task_id,
                )
        except BaseException as exc:
            active.error = exc
        finally:
            active.done.set()
            self._finished.put(task_id)
            self._wake.set()

    def _flush(self) -> None:
        tracker = self.manager.tracker
        updates: list[ProgressUpdate] = []
        file_states = {}
        for task_id in self._active:
            progress = tracker.get(task_id)
            if progress is None:
                continue
            updates.append(ProgressUpdate(task_id, progress.done_bytes, progress.files_done))
            file_states[task_id] = tracker.take_file_states(task_id)
        with self.manager.db.write() as uow:
            uow.tasks.update_progress_many(updates)
            for task_id, states in file_states.items():
                for path, state in states.items():
                    uow.task_files.save_progress(task_id, path, state=state)

    # --- ends ---------------------------------------------------------------------------

    def _collect_finished(self) -> None:
        while True:
            try:
                task_id = self._finished.get_nowait()
            except queue.Empty:
                return
            active = self._active.get(task_id)
            if active is None:
                continue
            if active.thread is not None:
                active.thread.join()
            try:
                self._record(active)
            except HfSuiteError:
                log.exception("could not record the end of task %s", task_id)
            finally:
                self._flush_files(task_id)
                self.manager.tracker.stop(task_id)
                with self._released:
                    self._active.pop(task_id, None)
                    self._released.notify_all()
            self.manager.sync()

    def _flush_files(self, task_id: int) -> None:
        states = self.manager.tracker.take_file_states(task_id)
        if not states:
            return
        with self.manager.db.write() as uow:
            if uow.tasks.get(task_id) is None:
                return
            for path, state in states.items():
                uow.task_files.save_progress(task_id, path, state=state)

    def _record(self, active: _Active) -> None:
        """Put a task whose worker ended in its next state, with history when it ended."""
        task_id = active.task.id
        now = self.clock.now()
        duration = max(0.0, self.clock.monotonic() - active.started_mono)
        progress = self.manager.tracker.get(task_id)
        plan = active.plan
        files = manifest_of(plan) if plan else []
        commit = plan.snapshot.commit if plan else None
        error = active.error
        with self.manager.db.write() as uow:
            current = uow.tasks.get(task_id)
            if current is None:  # removed while running
                self.summary.stopped += 1
                return
            mine = current.state is TaskState.RUNNING and current.claimed_by == self._claim_id
            if error is None and active.outcome is not None:
                total = plan.total_bytes if plan else 0
                uow.tasks.update_progress(task_id, total, files_done=len(files))
                uow.tasks.set_state([task_id], TaskState.COMPLETED)
                end = TaskEnd(
                    Outcome.COMPLETED,
                    commit,
                    files,
                    active.outcome.downloaded_bytes,
                    duration,
                    active.started_at,
                )
                self._end(uow, current, end, now)
                self.summary.completed += 1
                return
            fetched = self.manager.tracker.fetched_bytes(task_id)
            if progress is not None:
                uow.tasks.update_progress(
                    task_id, progress.done_bytes, files_done=progress.files_done
                )
            cancelled = TaskEnd(
                Outcome.CANCELLED, commit, files, fetched, duration, active.started_at
            )
            if isinstance(error, OperationCancelled) or not isinstance(error, BaseException):
                if current.state is TaskState.CANCELLED:
                    self._end(uow, current, cancelled, now)
                    self.summary.cancelled += 1
                elif mine and self._cancel_on_stop:
                    uow.tasks.set_state([task_id], TaskState.CANCELLED)
                    self._end(uow, current, cancelled, now)
                    self.summary.cancelled += 1
                elif mine:  # the runner stops: back to the queue, resumed by the next run
                    uow.tasks.set_state([task_id], TaskState.QUEUED, only_from=(TaskState.RUNNING,))
                    self.summary.stopped += 1
                else:  # paused or requeued meanwhile: leave it as the user put it
                    self.summary.stopped += 1
                return
            message = self.suite.redactor(str(error))
            if not isinstance(error, HfSuiteError):
                log.error("task %s failed unexpectedly", task_id, exc_info=error)
                message = f"Unexpected error: {message}"
            if current.state is TaskState.CANCELLED:
                self._end(uow, current, cancelled, now)
                self.summary.cancelled += 1
            elif current.state is TaskState.RUNNING:
                uow.tasks.set_state([task_id], TaskState.FAILED, error=message)
                failed = TaskEnd(
                    Outcome.FAILED, commit, files, fetched, duration, active.started_at, message
                )
                self._end(uow, current, failed, now)
                self.summary.failed += 1
            else:
                self.summary.stopped += 1

    def _end(self, uow: UnitOfWork, task: TaskRecord, end: TaskEnd, now: float) -> None:
        record_end(uow, task, end, now)

    # --- the one-runner lock --------------------------------------------------------------

    def _runner_lock(self) -> _RunnerLock:
        where = self.manager.db.where
        return _RunnerLock(where, self._in_process_locks)


class _RunnerLock:
    """The queue-runner lock: a file lock next to the database, plus an in-process lock.

    ``flock`` locks belong to the open file and the OS drops them when the process dies, so a
    runner killed with SIGKILL never leaves the queue locked.
    """

    def __init__(self, where: str, in_process: dict[str, threading.Lock]):
        self.where = where
        self._thread_lock = in_process.setdefault(where, threading.Lock())
        path = Path(where)
        self._file_lock = (
            FileLock(str(path.with_name(path.name + ".runner.lock")), is_singleton=False)
            if path.parent.is_dir()
            else None
        )

    def __enter__(self) -> _RunnerLock:
        if not self._thread_lock.acquire(blocking=False):
            raise self._busy()
        if self._file_lock is not None:
            try:
                self._file_lock.acquire(timeout=0)
            except Timeout:
                self._thread_lock.release()
                raise self._busy() from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file_lock is not None:
            self._file_lock.release()
        self._thread_lock.release()

    def _busy(self) -> RunnerBusyError:
        return RunnerBusyError(
            "Another process is already running the download queue.",
            hint="Tasks you add are picked up by it; see them with: hfsuite queue ls",
        )


# --- direct downloads ------------------------------------------------------------------------


class DirectDownload:
    """A task downloading now outside the queue's slots (``hfsuite download``).

    Attributes:
        task_id: The task's id in the queue.
    """

    def __init__(
        self,
        runner: QueueRunner,
        active: _Active,
        finished: threading.Event,
        stop: threading.Event,
    ):
        self.task_id = active.task.id
        self._runner = runner
        self._active = active
        self._finished = finished
        self._stop = stop

    def wait(self, timeout_s: float | None = None) -> bool:
        """Wait for the end; returns whether it ended.

        Waits on an Event, not ``Thread.join``: a KeyboardInterrupt inside ``join()`` can leave
        the thread claiming it stopped while it still runs (CPython gh-90882).
        """
        return self._finished.wait(timeout_s)

    def cancel(self) -> None:
        """Stop for good: the task is cancelled (partial data kept for a later run)."""
        self._runner._cancel_on_stop = True
        self._stop.set()
        self._runner.wake()

    def result(self) -> DownloadOutcome:
        """The outcome (after :meth:`wait`).

        Raises:
            HfSuiteError: what the download raised (OperationCancelled when stopped).
        """
        self._finished.wait()
        if self._active.error is not None:
            raise self._active.error
        if self._active.outcome is None:
            raise OperationCancelled("Download cancelled.")
        return self._active.outcome


def start_direct(
    manager: DownloadManager,
    task_id: int,
    request: DownloadRequest,
    *,
    on_event: Callable[[Event], None] | None = None,
    on_plan: Callable[[DownloadPlan], None] | None = None,
    early: EarlyDownload | None = None,
) -> DirectDownload:
    """Run a task already marked RUNNING in a background thread; see :class:`DirectDownload`.

    With ``early``, the task adopts that already running download instead of starting one.
    """
    task = manager.require(task_id)
    runner = QueueRunner(manager)
    clock = manager.suite.clock
    if early is not None:
        control, started_mono, started_at = early.control, early.started_mono, early.started_at
    else:
        control, started_mono, started_at = TransferControl(), clock.monotonic(), clock.now()
    active = _Active(
        task, request, control, started_mono, started_at, on_event, on_plan, early=early
    )
    stop = threading.Event()
    finished = threading.Event()

    def work() -> None:
        try:
            runner.run_direct(active, stop)
        finally:
            finished.set()

    threading.Thread(target=work, name=f"hfsuite-direct-{task_id}", daemon=True).start()
    return DirectDownload(runner, active, finished, stop)
