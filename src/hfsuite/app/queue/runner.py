"""Running tasks: the queue runner (one per database) and direct downloads.

```
QueueRunner.run_queue()                       holds <db>.runner.lock (released by the OS on crash)
  loop, every 0.25 s:
    finished workers → outcome.decide → state + history + stats (one transaction)
    every 0.5 s: sync() — a local task whose row says paused/cancelled/removed is stopped;
                 tasks of dead runners go back to the queue; free slots claim_next()
    TasksProgressed batch to subscribers; every 1 s progress + file states to the database
  worker thread per task: job.run(…), a DownloadJob (a fresh download, or an early one adopted)
```

The runner works for a :class:`~hfsuite.app.queue.runner_host.RunnerHost` (the download manager) and
never imports it. A task is the runner's while its row says RUNNING and ``claimed_by`` is the
runner's claim; any other row state makes the runner stop the transfer (partial data and resume
state stay on disk, so the next run continues byte-level). A direct download (``hfsuite
download``) is the same loop over one given task, without the lock and without claiming from the
queue: its row carries a ``direct`` claim written when it was marked RUNNING.

Dead runners (:mod:`hfsuite.app.queue.liveness`). While holding the lock a queue runner knows
every other queue claim is stale; a claim by a process on this host that no longer exists is
stale; anything else is stale once its heartbeat is older than ``stale_after_s``.

Workers (a PostgreSQL database). Several runners share the queue, on one host or many: no file
lock, each claims with ``SELECT … FOR UPDATE SKIP LOCKED`` under a ``worker`` claim, and each
registers in the ``workers`` table with a heartbeat (``hfsuite workers ls``); another
process's change wakes it at once through LISTEN/NOTIFY (storage.notify), the poll stays. A
task is leased to its runner while its row's heartbeat (renewed with every progress flush,
each second) is fresh; a runner that dies loses it after ``stale_after_s`` (at once when it
ran on this host or stopped normally), and another resumes its files from the partial data
and resume state beside them. On SQLite the one-runner lock stays.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from hfsuite.app.download.operation import DownloadOutcome, DownloadPlan, download
from hfsuite.app.events import TaskRemoved, TasksUpdated
from hfsuite.app.history_ops import TaskEnd, record_end

# What a task's end needs is imported with the runner, while a download's bytes move (``hfsuite
# download`` imports the runner then), not after its last byte (0.05 s of a 200 MiB download).
from hfsuite.app.library.hashes import record_download_outcome
from hfsuite.app.plugins.service import completed_download, task_notice
from hfsuite.app.queue.liveness import (
    HOST,
    STALE_AFTER_S,
    ClaimKind,
    RunnerLock,
    default_worker_name,
    new_claim_id,
    runner_gone,
)
from hfsuite.app.queue.outcome import Ending, decide, ending_of
from hfsuite.app.queue.runner_host import DownloadJob, RunnerHost, StartedDownload
from hfsuite.app.queue.tasks import manifest_of, request_for, task_files_of
from hfsuite.core.errors import (
    HfSuiteError,
    OperationCancelled,
    RunnerBusyError,
    unexpected_error,
)
from hfsuite.core.events import Event
from hfsuite.core.types import Outcome, TaskState
from hfsuite.storage import ProgressUpdate, TaskRecord
from hfsuite.storage.notify import QueueListener

if TYPE_CHECKING:
    from hfsuite.storage import UnitOfWork

__all__ = ["DirectDownload", "FreshDownload", "QueueRunner", "RunSummary", "RunnerBusyError"]

log = logging.getLogger(__name__)

WORKERS_KEPT_S = 7 * 24 * 3600.0
"""How long ``hfsuite workers ls --all`` remembers a worker that stopped or went silent."""


@dataclass
class RunSummary:
    """What a run of the queue did (counts of tasks by how their run ended)."""

    completed: int = 0
    failed: int = 0
    cancelled: int = 0
    stopped: int = 0  # paused, removed, or given back to the queue when the runner stopped

    def count(self, outcome: Outcome | None) -> None:
        """Count one task's run by its history outcome (None: it stopped without one)."""
        if outcome is Outcome.COMPLETED:
            self.completed += 1
        elif outcome is Outcome.FAILED:
            self.failed += 1
        elif outcome is Outcome.CANCELLED:
            self.cancelled += 1
        else:
            self.stopped += 1

    @property
    def total(self) -> int:
        """Tasks whose run ended, however."""
        return self.completed + self.failed + self.cancelled + self.stopped


class FreshDownload(StartedDownload):
    """A task's download started now, in the task's worker thread (a ``DownloadJob``)."""

    def run(
        self,
        task_id: int,
        on_event: Callable[[Event], None],
        on_plan: Callable[[DownloadPlan], None],
    ) -> DownloadOutcome:
        """Plan, check space and download (see :func:`hfsuite.app.download.operation.download`)."""
        return download(
            self.suite,
            self.request,
            control=self.control,
            on_event=on_event,
            on_plan=on_plan,
            task_id=task_id,
        )


@dataclass
class _Active:
    task: TaskRecord
    job: DownloadJob
    on_event: Callable[[Event], None] | None = None
    on_plan: Callable[[DownloadPlan], None] | None = None
    plan: DownloadPlan | None = None
    thread: threading.Thread | None = None
    outcome: DownloadOutcome | None = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)


class QueueRunner:
    """Runs tasks of a queue (or one direct task) with live progress.

    Args:
        host: Database, settings, events and queue state (the download manager).
        poll_interval_s: How often the database is checked for changes and free slots.
        progress_interval_s: How often a progress batch is published.
        flush_interval_s: How often progress is written to the database.
        stale_after_s: Heartbeat age after which another runner's task is taken back.
        name: The name ``hfsuite workers ls`` shows (default ``host-pid``).
        beat_interval_s: How often the runner's row in ``workers`` is renewed.
    """

    _in_process_locks: ClassVar[dict[str, threading.Lock]] = {}

    def __init__(
        self,
        host: RunnerHost,
        *,
        poll_interval_s: float = 0.5,
        progress_interval_s: float = 0.25,
        flush_interval_s: float = 1.0,
        stale_after_s: float = STALE_AFTER_S,
        name: str | None = None,
        beat_interval_s: float = 5.0,
    ):
        self.host = host
        self.suite = host.suite
        self.clock = host.suite.clock
        self.poll_interval_s = poll_interval_s
        self.progress_interval_s = progress_interval_s
        self.flush_interval_s = flush_interval_s
        self.stale_after_s = stale_after_s
        #: The claim on the rows this runner downloads (a direct runner takes its task's).
        self.runner_id = new_claim_id(ClaimKind.QUEUE)
        self._active: dict[int, _Active] = {}
        self._finished: queue.SimpleQueue[int] = queue.SimpleQueue()
        self._wake = threading.Event()
        self._released = threading.Condition()
        self._cancel_on_stop = False
        self.summary = RunSummary()
        self.name = name or default_worker_name()
        self.beat_interval_s = beat_interval_s
        #: Whether other runners may share the queue (a PostgreSQL database): no file lock,
        #: ``worker`` claims, dead runners told by heartbeat (see the module's docstring).
        self.shared = False
        self._speed_bps = 0.0
        self._registered = False

    # --- control from other threads ------------------------------------------------------

    def wake(self) -> None:
        """Re-check the database now (after a local change)."""
        self._wake.set()

    def owns_any(self, task_ids: Collection[int]) -> bool:
        """Whether this runner is downloading one of these tasks."""
        return any(i in self._active for i in task_ids)

    def wait_released(self, task_ids: Collection[int], timeout_s: float) -> bool:
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
        db = self.host.db
        self.shared = db.dialect != "sqlite"
        if self.shared:
            self.runner_id = new_claim_id(ClaimKind.WORKER)
        with RunnerLock(db.where, self._in_process_locks, file_lock=not self.shared):
            detach = self.host.attach(self)
            unsubscribe = self.host.events.subscribe(self._on_event)
            # Other processes' changes wake the loop at once on PostgreSQL (else: the poll).
            listener = QueueListener(db.engine, self.wake).start()
            self._register()
            try:
                self._requeue_dead()
                self._loop(claim=True, watch=watch, stop=stop)
            finally:
                listener.stop()
                unsubscribe()
                detach()
                self._unregister()
        return self.summary

    def run_direct(self, active: _Active, stop: threading.Event) -> None:
        """Download one task already marked RUNNING under this runner's claim, watching its row."""
        detach = self.host.attach(self)
        unsubscribe = self.host.events.subscribe(self._on_event)
        try:
            self._start(active)
            self._loop(claim=False, watch=False, stop=stop)
        finally:
            unsubscribe()
            detach()

    # --- the loop -----------------------------------------------------------------------

    def _loop(self, *, claim: bool, watch: bool, stop: threading.Event) -> None:
        next_poll = next_flush = 0.0
        next_beat = self.clock.monotonic() + self.beat_interval_s
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
                snapshot = self.host.tracker.snapshot()
                self._speed_bps = snapshot.speed_bps
                self.host.events.publish(snapshot)
                if now >= next_flush:
                    next_flush = now + self.flush_interval_s
                    self._flush()
            else:
                self._speed_bps = 0.0
            if self._registered and now >= next_beat:
                next_beat = now + self.beat_interval_s
                self._beat()
            self._wake.wait(self.progress_interval_s)
        self._shutdown()

    def _shutdown(self) -> None:
        for active in list(self._active.values()):
            active.job.control.cancel()
        for active in list(self._active.values()):
            active.done.wait()
        self._collect_finished()

    def _watch_rows(self) -> None:
        # The rows are checked in _on_event: any thread's sync() (a local pause, this loop's
        # poll) publishes the changed rows, and the sync cursor is shared by the host.
        self.host.sync()

    def _on_event(self, event: Event) -> None:
        """Stop a local transfer whose row no longer says it is ours (any thread)."""
        if isinstance(event, TasksUpdated):
            for record in event.records:
                active = self._active.get(record.id)
                if active is None:
                    continue
                if record.state is not TaskState.RUNNING or record.claimed_by != self.runner_id:
                    log.info("task %s is now %s: stopping it", record.id, record.state.value)
                    active.job.control.cancel()
                elif record.bandwidth_limit_bps != active.task.bandwidth_limit_bps:
                    # A new limit from any client (this process or another host): at once.
                    limit = record.bandwidth_limit_bps
                    if limit is None:
                        limit = self.suite.settings.task_limit_bps
                    active.job.control.set_limit(int(limit or 0))
                    active.task = record
        elif isinstance(event, TaskRemoved) and event.task_id is not None:
            active = self._active.get(event.task_id)
            if active is not None:
                active.job.control.cancel()

    def _requeue_dead(self) -> None:
        stale_before = self.clock.now() - self.stale_after_s
        with self.host.db.read() as uow:
            running = uow.tasks.list_queue([TaskState.RUNNING])
            stopped = self._stopped_workers(uow, running) if self.shared else set()
        # Alone (the lock), this runner knows no other queue runner lives; shared, it cannot.
        alive = None if self.shared else False
        dead = [
            t.id
            for t in running
            if t.id not in self._active
            and (
                t.claimed_by in stopped
                or runner_gone(t, queue_runner_alive=alive, stale_before=stale_before)
            )
        ]
        if not dead:
            return
        log.info("requeueing tasks of stopped runners: %s", dead)
        with self.host.db.write() as uow:
            uow.tasks.set_state(dead, TaskState.QUEUED, only_from=(TaskState.RUNNING,))
        self.host.sync()

    def _stopped_workers(self, uow: UnitOfWork, running: list[TaskRecord]) -> set[str]:
        """Claims of running tasks whose worker says it stopped (it gave up without giving
        them back, e.g. its last write failed)."""
        claims = {t.claimed_by for t in running if t.claimed_by and t.claimed_by != self.runner_id}
        if not claims:
            return set()
        return uow.workers.stopped_among(sorted(claims))

    # --- the workers table ----------------------------------------------------------------

    def _register(self) -> None:
        try:
            with self.host.db.write() as uow:
                uow.workers.prune(stopped_before=self.clock.now() - WORKERS_KEPT_S)
                uow.workers.register(
                    self.runner_id,
                    name=self.name,
                    host=HOST,
                    pid=os.getpid(),
                    slots=self.host.tasks_in_parallel,
                )
            self._registered = True
        except HfSuiteError:
            log.exception("could not register this runner in the workers table")

    def _beat(self) -> None:
        try:
            with self.host.db.write() as uow:
                uow.workers.beat(
                    self.runner_id,
                    running=len(self._active),
                    bytes_per_s=self._speed_bps,
                    tasks_done=self.summary.total,
                    slots=self.host.tasks_in_parallel,
                )
        except HfSuiteError:
            log.warning("could not renew this runner's heartbeat", exc_info=True)

    def _unregister(self) -> None:
        if not self._registered:
            return
        try:
            with self.host.db.write() as uow:
                uow.workers.stop(self.runner_id, tasks_done=self.summary.total)
        except HfSuiteError:
            log.warning("could not mark this runner stopped", exc_info=True)

    def _claim(self) -> int:
        free = self.host.tasks_in_parallel - len(self._active)
        # No write transaction when nothing waits: an idle runner never holds the write lock
        # other processes need (the poll before this one has just synced the known states).
        if free <= 0 or not self.host.has_queued():
            return 0
        with self.host.db.write() as uow:
            claimed = uow.tasks.claim_next(free, self.runner_id)
        for task in claimed:
            try:
                request = request_for(task)
            except HfSuiteError as exc:
                self._fail_unstartable(task, exc)
                continue
            except Exception as exc:
                log.error("task %s cannot start", task.id, exc_info=exc)
                self._fail_unstartable(task, unexpected_error(exc))
                continue
            self._start(_Active(task, FreshDownload(self.suite, request)))
        if claimed:
            self.host.sync()
        return len(claimed)

    def _fail_unstartable(self, task: TaskRecord, exc: HfSuiteError) -> None:
        with self.host.db.write() as uow:
            uow.tasks.set_state([task.id], TaskState.FAILED, error=str(exc))
            record_end(uow, task, TaskEnd(Outcome.FAILED, error=str(exc)), self.clock.now())
        self.summary.count(Outcome.FAILED)

    # --- workers ------------------------------------------------------------------------

    def _start(self, active: _Active) -> None:
        task_id = active.task.id
        self._active[task_id] = active
        self.host.tracker.start(task_id)
        self.suite.plugins.prepare()  # loaded while the bytes move, ready for the task's end
        active.thread = threading.Thread(
            target=self._work, args=(active,), name=f"hfsuite-task-{task_id}", daemon=True
        )
        active.thread.start()

    def _work(self, active: _Active) -> None:
        task_id = active.task.id

        def on_event(event: Event) -> None:
            self.host.tracker.on_event(event)
            self.host.events.publish(event)
            if active.on_event is not None:
                active.on_event(event)

        def on_plan(plan: DownloadPlan) -> None:
            active.plan = plan
            self.host.tracker.set_plan(task_id, plan.total_bytes, len(plan.files))
            with self.host.db.write() as uow:
                uow.tasks.set_plan(
                    task_id, task_files_of(plan), resolved_commit=plan.snapshot.commit
                )
            if active.on_plan is not None:
                active.on_plan(plan)

        try:
            active.outcome = active.job.run(task_id, on_event, on_plan)
        except BaseException as exc:
            active.error = exc
        finally:
            active.done.set()
            self._finished.put(task_id)
            self._wake.set()

    def _flush(self) -> None:
        tracker = self.host.tracker
        updates: list[ProgressUpdate] = []
        file_states = {}
        for task_id in self._active:
            progress = tracker.get(task_id)
            if progress is None:
                continue
            updates.append(ProgressUpdate(task_id, progress.done_bytes, progress.files_done))
            file_states[task_id] = tracker.take_file_states(task_id)
        with self.host.db.write() as uow:
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
                self.host.tracker.stop(task_id)
                with self._released:
                    self._active.pop(task_id, None)
                    self._released.notify_all()
            self.host.sync()

    def _flush_files(self, task_id: int) -> None:
        states = self.host.tracker.take_file_states(task_id)
        if not states:
            return
        with self.host.db.write() as uow:
            if uow.tasks.get(task_id) is None:
                return
            for path, state in states.items():
                uow.task_files.save_progress(task_id, path, state=state)

    def _record(self, active: _Active) -> None:
        """Apply :func:`~hfsuite.app.queue.outcome.decide` to a task whose worker ended."""
        task_id = active.task.id
        now = self.clock.now()
        duration = max(0.0, self.clock.monotonic() - active.job.started_mono)
        tracker = self.host.tracker
        progress = tracker.get(task_id)
        plan = active.plan
        files = manifest_of(plan) if plan else []
        ending = ending_of(active.outcome is not None, active.error)
        message = self._failure_message(task_id, active.error) if ending is Ending.FAILED else None
        with self.host.db.write() as uow:
            current = uow.tasks.get(task_id)
            if current is None:  # removed while running
                self.summary.count(None)
                return
            mine = current.state is TaskState.RUNNING and current.claimed_by == self.runner_id
            decision = decide(current.state, ending, mine=mine, cancel_on_stop=self._cancel_on_stop)
            if active.outcome is not None and ending is Ending.COMPLETED:
                total = plan.total_bytes if plan else 0
                uow.tasks.update_progress(task_id, total, files_done=len(files))
                fetched = active.outcome.downloaded_bytes
                record_download_outcome(uow, active.outcome.result)  # scans never re-read these
            else:
                fetched = tracker.fetched_bytes(task_id)
                if progress is not None:
                    uow.tasks.update_progress(
                        task_id, progress.done_bytes, files_done=progress.files_done
                    )
            if decision.state is not None:
                error = message if decision.state is TaskState.FAILED else None
                uow.tasks.set_state(
                    [task_id], decision.state, only_from=decision.only_from, error=error
                )
            if decision.history is not None:
                end = TaskEnd(
                    decision.history,
                    plan.snapshot.commit if plan else None,
                    files,
                    fetched,
                    duration,
                    active.job.started_at,
                    message if decision.history is Outcome.FAILED else None,
                )
                record_end(uow, current, end, now)
        self.summary.count(decision.history)
        if decision.history in (Outcome.COMPLETED, Outcome.FAILED):
            self._tell_plugins(current, active, decision.history is Outcome.COMPLETED, message)

    def _tell_plugins(
        self, task: TaskRecord, active: _Active, completed: bool, message: str | None
    ) -> None:
        """Queue the plugins' post-download actions and notifications (they run in the
        plugins' thread, never this one; see docs/plugins.md)."""
        plugins = self.suite.plugins
        if not plugins.enabled:
            return
        plan = active.plan
        duration = max(0.0, self.clock.monotonic() - active.job.started_mono)
        try:
            notice = task_notice(
                task, plan, completed=completed, error=message, duration_s=duration
            )
            local = active.outcome.local_paths if active.outcome is not None else None
            download = completed_download(task, plan, local) if completed and plan else None
        except Exception:  # never let the plugins' bookkeeping stop the runner
            log.exception("cannot describe task %s to the plugins", task.id)
            return
        plugins.task_ended(notice, download)

    def _failure_message(self, task_id: int, error: BaseException | None) -> str:
        if error is not None and not isinstance(error, HfSuiteError):
            log.error("task %s failed unexpectedly", task_id, exc_info=error)
            error = unexpected_error(error)
        return self.suite.redactor(str(error))


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

    def wait_to_end(self) -> None:
        """Wait for the end in the command's main thread: a Ctrl-C meanwhile cancels the
        download and waits until it has stopped (:meth:`result` then says it was cancelled).
        Short waits, so that the interrupt reaches the thread at once."""
        try:
            while not self.wait(0.2):
                pass
        except KeyboardInterrupt:
            self.cancel()
            self.wait()

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
        error = self._active.error
        if error is not None and not isinstance(error, HfSuiteError | KeyboardInterrupt):
            raise unexpected_error(error) from error  # its traceback is in the log
        if error is not None:
            raise error
        if self._active.outcome is None:
            raise OperationCancelled("Download cancelled.")
        return self._active.outcome


def start_direct(
    host: RunnerHost,
    task: TaskRecord,
    job: DownloadJob,
    *,
    on_event: Callable[[Event], None] | None = None,
    on_plan: Callable[[DownloadPlan], None] | None = None,
) -> DirectDownload:
    """Run a task in a background thread; see :class:`DirectDownload`.

    Args:
        host: Database, settings and events.
        task: The task, already marked RUNNING under a ``direct`` claim (its runner's id).
        job: Its download: fresh, or an early one the task adopts.
        on_event: Receives this task's engine events.
        on_plan: Called with the plan.
    """
    if not task.claimed_by:
        raise ValueError(f"task {task.id} is not claimed for a direct download")
    runner = QueueRunner(host)
    runner.runner_id = task.claimed_by
    active = _Active(task, job, on_event, on_plan)
    stop = threading.Event()
    finished = threading.Event()

    def work() -> None:
        try:
            runner.run_direct(active, stop)
        finally:
            finished.set()

    threading.Thread(target=work, name=f"hfsuite-direct-{task.id}", daemon=True).start()
    return DirectDownload(runner, active, finished, stop)
