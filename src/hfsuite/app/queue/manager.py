"""The download manager: the queue API the CLI and the desktop app drive.

```
DownloadManager(suite)
  ├── queue operations: add / pause / resume / cancel / retry / remove / move / priority …
  │     one write transaction each, then sync() so subscribers hear of it at once
  ├── sync(): changes_since(cursor) → TaskAdded / TaskPaused / … / TasksUpdated events
  │     (a GUI calls it on a timer to see what other processes did; the runner every poll)
  ├── run(): the queue runner (runner.QueueRunner), one per database (a lock file)
  ├── start_download(request): add a task (or take over its idle twin), run it now
  ├── adopt(early): the same for a download that started before the database was opened
  └── interrupted_ids(): running tasks whose runner is gone (shown as interrupted)
```

The manager is the runner's :class:`~hfsuite.app.queue.runner_host.RunnerHost`: the runner module
never imports this one.

Any number of managers in any number of processes may share one database; only one of them
runs the queue at a time. Others change the queue through the database and the runner notices
within one poll interval (half a second). A manager never keeps task rows in memory beyond the
state it last saw per id, so a queue of 10,000 tasks costs a small dict, and a view pages through
:meth:`DownloadManager.list_tasks` and refreshes the rows each :class:`TasksUpdated` names.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import TYPE_CHECKING

from hfsuite.app.download.operation import DownloadPlan, DownloadRequest, parse_target
from hfsuite.app.events import (
    EventBus,
    Subscriber,
    TaskRemoved,
    TasksUpdated,
    state_event,
)
from hfsuite.app.history_ops import TaskEnd, get_history, record_end, redownload_spec
from hfsuite.app.queue.journal import apply_finished
from hfsuite.app.queue.liveness import (
    Claim,
    ClaimKind,
    interrupted_ids,
    new_claim_id,
)
from hfsuite.app.queue.progress import ProgressTracker
from hfsuite.app.queue.runner import (
    DirectDownload,
    FreshDownload,
    QueueRunner,
    RunSummary,
    start_direct,
)
from hfsuite.app.queue.runner_host import DownloadJob, LocalRunner
from hfsuite.app.queue.tasks import (
    TaskOptions,
    partial_files,
    request_for,
    spec_for,
    spec_for_request,
)
from hfsuite.app.queue.twins import take_over_or_add
from hfsuite.core.errors import UsageError
from hfsuite.core.events import Event
from hfsuite.core.i18n import tr
from hfsuite.core.types import Outcome, Priority, RepoType, TaskState
from hfsuite.storage import (
    Database,
    HistoryQuery,
    MoveDirection,
    TaskChanges,
    TaskFileRecord,
    TaskRecord,
    TaskSpec,
    UnitOfWork,
    WorkerRecord,
)

if TYPE_CHECKING:
    from hfsuite.app.events import TaskProgress
    from hfsuite.app.queue.early import EarlyDownload
    from hfsuite.app.suite import Suite

__all__ = [
    "DownloadManager",
    "MoveDirection",
    "TaskChanges",
    "TaskFileRecord",
    "TaskOptions",
    "TaskRecord",
]

_UNFINISHED = (TaskState.QUEUED, TaskState.PAUSED)
# What a direct download of the same files takes over: an interrupted task (its row says
# RUNNING), or one that waits, is paused, failed or was cancelled.


class DownloadManager:
    """The queue, its runner, and the event stream, over one Suite's database.

    Args:
        suite: Settings, database and clock.
        events: The event stream to publish on (default: a new one).
    """

    def __init__(self, suite: Suite, *, events: EventBus | None = None):
        self.suite = suite
        self.events = events or EventBus()
        #: Live progress of tasks this process is downloading.
        self.tracker = ProgressTracker(suite.clock)
        self._tasks_in_parallel = suite.settings.tasks_in_parallel
        self._sync_lock = threading.Lock()
        self._cursor: int | None = None
        self._known: dict[int, TaskState] = {}
        self._runners: list[LocalRunner] = []
        self._runners_lock = threading.Lock()
        self._background: threading.Thread | None = None
        self._background_stop: threading.Event | None = None

    @property
    def db(self) -> Database:
        """The database the queue lives in."""
        return self.suite.database

    # --- events -------------------------------------------------------------------------

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Receive every event (on the publishing thread); returns the unsubscribe function."""
        return self.events.subscribe(subscriber)

    def sync(self) -> TaskChanges:
        """Pick up queue changes (of any process) and publish them as events.

        The first call only records where the queue stands (no events for existing tasks).

        Returns:
            The changes seen (empty on the first call).
        """
        with self._sync_lock:
            # Direct downloads another process finished without opening the database.
            apply_finished(self.db, self.suite.settings, self.suite.clock.now())
            with self.db.read() as uow:
                if self._cursor is None:
                    self._cursor = uow.tasks.current_cursor()
                    self._known = {t.id: t.state for t in uow.tasks.list_queue()}
                    return TaskChanges(tasks=(), deleted_ids=(), cursor=self._cursor)
                changes = uow.tasks.changes_since(self._cursor)
            self._cursor = changes.cursor
            events: list[Event] = []
            for record in changes.tasks:
                changed = state_event(record, self._known.get(record.id))
                self._known[record.id] = record.state
                if changed is not None:
                    events.append(changed)
            for task_id in changes.deleted_ids:
                if self._known.pop(task_id, None) is not None:
                    events.append(TaskRemoved(task_id))
        for event in events:
            self.events.publish(event)
        if changes.tasks:
            self.events.publish(TasksUpdated(None, changes.tasks))
        return changes

    def has_queued(self) -> bool:
        """Whether the last :meth:`sync` saw a task waiting to run (no database access)."""
        with self._sync_lock:
            return TaskState.QUEUED in self._known.values()

    def _changed(self) -> None:
        """After a local write: publish it and wake the local runners."""
        self.sync()
        with self._runners_lock:
            runners = list(self._runners)
        for runner in runners:
            runner.wake()

    # --- adding -------------------------------------------------------------------------

    def add(self, specs: Sequence[TaskSpec]) -> list[int]:
        """Add tasks at the end of the queue (one transaction). Returns their ids."""
        with self.db.write() as uow:
            ids = uow.tasks.add_many(specs)
        self._changed()
        return ids

    def add_repos(
        self,
        names: Iterable[str],
        options: TaskOptions | None = None,
        *,
        repo_type: RepoType | None = None,
        revision: str | None = None,
    ) -> list[int]:
        """Parse names and queue them: repository ids (``org/name[@rev]``, ``datasets/…``), Hub,
        mirror and ModelScope URLs of repos, folders or files, ``hf://``, ``modelscope:`` and
        plain file URLs.

        Every name is checked before any is added, so a typo adds nothing.

        Raises:
            UsageError: naming the first line that is not a repository id.
        """
        options = options or TaskOptions()
        settings = self.suite.settings
        specs = []
        for name in names:
            ref, paths = parse_target(self.suite, name, repo_type, revision)
            named = (
                dataclasses.replace(options, paths=(*paths, *options.paths)) if paths else options
            )
            specs.append(spec_for(ref, named, settings))
        if not specs:
            raise UsageError(tr("Nothing to add."), hint=tr("Give repository ids or -i FILE."))
        return self.add(specs)

    def redownload(self, history_id: int, *, pin_commit: bool = False) -> int:
        """Queue a new task downloading what a history entry downloaded. Returns its id."""
        (task_id,) = self.add(
            [redownload_spec(get_history(self.db, history_id), pin_commit=pin_commit)]
        )
        return task_id

    # --- reading ------------------------------------------------------------------------

    def get(self, task_id: int) -> TaskRecord | None:
        """One task, or None."""
        with self.db.read() as uow:
            return uow.tasks.get(task_id)

    def require(self, task_id: int) -> TaskRecord:
        """One task.

        Raises:
            UsageError: when there is no such task.
        """
        task = self.get(task_id)
        if task is None:
            raise UsageError(
                tr("There is no task {id}.", id=task_id), hint=tr("List tasks: hfsuite queue ls")
            )
        return task

    def list_tasks(
        self,
        states: Collection[TaskState] | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[TaskRecord]:
        """Tasks in queue order (priority, then manual order); page with limit/offset."""
        with self.db.read() as uow:
            return uow.tasks.list_queue(states, limit=limit, offset=offset)

    def counts(self) -> dict[TaskState, int]:
        """How many tasks are in each state."""
        with self.db.read() as uow:
            return uow.tasks.count_by_state()

    def files(self, task_id: int) -> list[TaskFileRecord]:
        """A task's planned files with their state (empty before planning)."""
        with self.db.read() as uow:
            return uow.task_files.list_for(task_id)

    def progress(self) -> dict[int, TaskProgress]:
        """Live progress of the tasks this process is downloading."""
        return {p.task_id: p for p in self.tracker.snapshot().tasks}

    def interrupted_ids(self) -> set[int]:
        """Tasks whose row says running but whose runner is gone (killed, crashed).

        They are shown as interrupted; the next queue run resumes them where they stopped. The
        queue runner's lock is probed once (see :mod:`hfsuite.app.queue.liveness`).
        """
        with self.db.read() as uow:
            running = uow.tasks.list_queue([TaskState.RUNNING])
        return interrupted_ids(running, where=self.db.where, now=self.suite.clock.now())

    # --- workers ------------------------------------------------------------------------

    def workers(self, *, include_stopped: bool = True) -> list[WorkerRecord]:
        """The queue's runners as they last reported (``hfsuite workers ls``), newest first."""
        with self.db.read() as uow:
            return uow.workers.all(include_stopped=include_stopped)

    def worker_names(self, tasks: Iterable[TaskRecord]) -> dict[int, str]:
        """Who runs each running task: its worker's name, else ``host-pid`` from the claim
        (``direct``: a download started now by that process)."""
        running = [t for t in tasks if t.state is TaskState.RUNNING and t.claimed_by]
        if not running:
            return {}
        with self.db.read() as uow:
            names = uow.workers.names([t.claimed_by for t in running if t.claimed_by])
        out: dict[int, str] = {}
        for t in running:
            claim_id = t.claimed_by or ""
            if claim_id in names:
                out[t.id] = names[claim_id]
                continue
            claim = Claim.parse(claim_id)
            if claim is not None:
                who = f"{claim.host}-{claim.pid}" if claim.pid is not None else claim.host
                out[t.id] = f"{who} ({claim.kind})" if claim.kind == ClaimKind.DIRECT else who
        return out

    # --- state --------------------------------------------------------------------------

    def pause(self, task_ids: Iterable[int] | None = None) -> int:
        """Pause queued and running tasks (None: all); running ones stop within a second.

        Partial data is kept; a paused task stays paused across restarts.
        """
        with self.db.write() as uow:
            changed = uow.tasks.pause(_ids(task_ids))
        self._changed()
        return changed

    def resume(self, task_ids: Iterable[int] | None = None) -> int:
        """Queue paused tasks again (None: all); they continue where they stopped."""
        with self.db.write() as uow:
            changed = uow.tasks.resume(_ids(task_ids))
        self._changed()
        return changed

    def retry(self, task_ids: Iterable[int] | None = None) -> int:
        """Queue failed and cancelled tasks again (None: all), keeping their partial data."""
        with self.db.write() as uow:
            changed = uow.tasks.retry(_ids(task_ids))
        self._changed()
        return changed

    def cancel(self, task_ids: Iterable[int] | None = None) -> int:
        """Cancel unfinished tasks (None: all). Each becomes a "cancelled" history entry.

        Waiting and paused tasks are recorded here; running ones by their runner once stopped.
        """
        ids = _ids(task_ids)
        now = self.suite.clock.now()
        with self.db.write() as uow:
            idle = [t for t in _tasks(uow, ids, _UNFINISHED) if t.state in _UNFINISHED]
            changed = uow.tasks.cancel(ids)
            for task in idle:
                record_end(uow, task, TaskEnd(Outcome.CANCELLED, started_at=task.started_at), now)
        self._changed()
        return changed

    def remove(
        self, task_ids: Iterable[int], *, delete_data: bool = False, wait_s: float = 10.0
    ) -> int:
        """Delete tasks from the queue, optionally with their partial data.

        A running task is cancelled first and removed once its runner let go of it (at most
        ``wait_s``), so no partial file is deleted under a writer. Completed files are never
        deleted.

        Returns:
            How many tasks were removed.
        """
        ids = sorted(set(task_ids))
        with self.db.read() as uow:
            tasks = {t.id: t for t in _tasks(uow, ids, None)}
        running = [i for i, t in tasks.items() if t.state is TaskState.RUNNING]
        if running:
            since = self.suite.clock.now()
            self.cancel(running)
            self._wait_released(running, since, wait_s)
        files: dict[int, list[TaskFileRecord]] = {}
        with self.db.write() as uow:
            if delete_data:
                files = {i: uow.task_files.list_for(i) for i in tasks}
            removed = uow.tasks.delete(ids)
        if delete_data:
            for task_id, task in tasks.items():
                for path in partial_files(task, files.get(task_id, [])):
                    path.unlink(missing_ok=True)
        self._changed()
        return removed

    def clear_finished(self, states: Collection[TaskState] = (TaskState.COMPLETED,)) -> list[int]:
        """Remove finished tasks from the queue (history keeps them). Returns their ids."""
        with self.db.write() as uow:
            ids = uow.tasks.delete_finished(states)
        self._changed()
        return ids

    def _wait_released(self, task_ids: list[int], since: float, wait_s: float) -> None:
        local = [r for r in self._runners_snapshot() if r.owns_any(task_ids)]
        deadline = time.monotonic() + wait_s
        for runner in local:
            runner.wait_released(task_ids, max(0.0, deadline - time.monotonic()))
        pending = set(task_ids)
        while pending and time.monotonic() < deadline:
            with self.db.read() as uow:
                rows = uow.history.find(HistoryQuery(since=since))
            pending -= {r.task_id for r in rows if r.task_id is not None}
            if pending:
                time.sleep(0.1)  # another process's runner: it writes history when stopped

    # --- order and priority -------------------------------------------------------------

    def move(self, task_id: int, direction: MoveDirection) -> bool:
        """Move a task up, down, to the top or bottom within its priority."""
        with self.db.write() as uow:
            moved = uow.tasks.move(task_id, direction)
        self._changed()
        return moved

    def move_before(self, task_id: int, before_id: int | None) -> None:
        """Drop a task just before another (taking its priority); None: to the bottom."""
        with self.db.write() as uow:
            uow.tasks.move_before(task_id, before_id)
        self._changed()

    def reorder(self, task_ids: Sequence[int]) -> None:
        """Put these tasks in this order, in the places they hold now."""
        with self.db.write() as uow:
            uow.tasks.reorder(task_ids)
        self._changed()

    def set_priority(self, task_ids: Iterable[int], priority: Priority) -> int:
        """Change tasks' priority (high runs before normal before low)."""
        with self.db.write() as uow:
            changed = uow.tasks.set_priority(list(task_ids), priority)
        self._changed()
        return changed

    def set_limits(
        self, task_id: int, *, bandwidth_limit_bps: int | None, connections: int | None
    ) -> None:
        """A task's own bandwidth limit and connections (None: the settings). A running task
        takes the new limit at once, in whichever process or host runs it; connections apply
        from its next run."""
        with self.db.write() as uow:
            uow.tasks.set_limits(
                task_id, bandwidth_limit_bps=bandwidth_limit_bps, connections=connections
            )
        self._changed()

    @property
    def tasks_in_parallel(self) -> int:
        """How many tasks the runner downloads at once (from the settings)."""
        return self._tasks_in_parallel

    @tasks_in_parallel.setter
    def tasks_in_parallel(self, value: int) -> None:
        self._tasks_in_parallel = max(1, int(value))
        for runner in self._runners_snapshot():
            runner.wake()

    # --- running ------------------------------------------------------------------------

    def run(
        self,
        *,
        watch: bool = False,
        stop: threading.Event | None = None,
        name: str | None = None,
        **options: float,
    ) -> RunSummary:
        """Run the queue in this thread until it is empty (``watch``: until ``stop`` is set).

        On a PostgreSQL database this runner is one worker among any others (see
        :mod:`hfsuite.app.queue.runner`); ``name`` is what ``hfsuite workers ls`` shows.

        Raises:
            RunnerBusyError: another process (or thread) runs this queue (SQLite), or another
                thread of this process does (PostgreSQL).
        """
        runner = QueueRunner(self, name=name, **options)
        return runner.run_queue(watch=watch, stop=stop or threading.Event())

    def start(self, *, background_nice: int = 0, name: str | None = None, **options: float) -> None:
        """Run the queue in a background thread (the desktop app), waiting for new tasks.

        Args:
            background_nice: Lower the CPU priority of the runner thread by this much (Linux
                ``nice``); every thread it starts (tasks, connections, hashing) inherits it, so
                a window in the same process keeps getting the CPU first.
            **options: Passed to the queue runner.
        """
        if self._background is not None and self._background.is_alive():
            return
        stop = threading.Event()

        def work() -> None:
            lower_thread_priority(background_nice)
            self.run(watch=True, stop=stop, name=name, **options)

        self._background_stop = stop
        self._background = threading.Thread(target=work, name="hfsuite-runner", daemon=True)
        self._background.start()

    def stop(self, timeout_s: float = 30.0) -> None:
        """Stop the background runner; running tasks go back to the queue and resume later."""
        if self._background_stop is not None:
            self._background_stop.set()
            for runner in self._runners_snapshot():
                runner.wake()
        if self._background is not None:
            self._background.join(timeout_s)
        self._background = None

    def start_download(
        self,
        request: DownloadRequest,
        *,
        on_event: Callable[[Event], None] | None = None,
        on_plan: Callable[[DownloadPlan], None] | None = None,
    ) -> DirectDownload:
        """Add a task for ``request`` and download it now, outside the queue's slots.

        A task of the same download no runner runs (interrupted, waiting, paused, failed,
        cancelled) is taken over instead of adding another. The request is used as given (its
        endpoint and token too; the token is not stored). The task is visible to every process
        like any other and ends in history.

        Args:
            request: What to download.
            on_event: Receives this task's engine events (progress, files…).
            on_plan: Called with the plan, before bytes move.
        """
        return self._run_now(request, FreshDownload(self.suite, request), on_event, on_plan)

    def adopt(
        self,
        early: EarlyDownload,
        *,
        on_event: Callable[[Event], None] | None = None,
        on_plan: Callable[[DownloadPlan], None] | None = None,
    ) -> DirectDownload:
        """Add a task for a download already running and make it the task's download.

        Like :meth:`start_download`, for an :class:`~hfsuite.app.queue.early.EarlyDownload` started
        before this manager's database was opened: its events so far are replayed with the new
        task's id and its plan (if made) is stored at once.

        Args:
            early: The running download (its request is the task's).
            on_event: Receives this task's engine events, the replayed ones first.
            on_plan: Called with the plan (at once when it is already made).
        """
        return self._run_now(early.request, early, on_event, on_plan)

    def _run_now(
        self,
        request: DownloadRequest,
        job: DownloadJob,
        on_event: Callable[[Event], None] | None,
        on_plan: Callable[[DownloadPlan], None] | None,
    ) -> DirectDownload:
        claim = new_claim_id(ClaimKind.DIRECT)
        spec = spec_for_request(request, self.suite.settings)
        with self.db.write() as uow:
            # Run the same command again (after a kill, a failure, Ctrl-C): the task that no
            # runner runs is taken over, with its progress, rather than left beside a twin.
            now = self.suite.clock.now()
            task_id, twin = take_over_or_add(uow, spec, where=self.db.where, now=now)
            if twin is not None:
                uow.tasks.set_state([task_id], TaskState.PAUSED)  # leaves RUNNING, keeps data
            uow.tasks.set_state([task_id], TaskState.RUNNING, claimed_by=claim)
            task = uow.tasks.get(task_id)
        assert task is not None
        self._changed()
        return start_direct(self, task, job, on_event=on_event, on_plan=on_plan)

    def start_task_now(
        self, task_id: int, *, on_event: Callable[[Event], None] | None = None
    ) -> DirectDownload:
        """Download a waiting, paused, failed or cancelled task now, outside the queue's slots.

        Raises:
            UsageError: when the task does not exist, is running or has completed.
        """
        claim = new_claim_id(ClaimKind.DIRECT)
        with self.db.write() as uow:
            task = uow.tasks.get(task_id)
            startable = (*_UNFINISHED, TaskState.FAILED, TaskState.CANCELLED)
            if task is None or not uow.tasks.set_state(
                [task_id], TaskState.RUNNING, only_from=startable, claimed_by=claim
            ):
                raise UsageError(
                    tr(
                        "Task {id} cannot be started now (it is {state}).",
                        id=task_id,
                        state=task.state.value,
                    )
                    if task
                    else tr("Task {id} cannot be started now (no such task).", id=task_id)
                )
            task = uow.tasks.get(task_id)
            assert task is not None
            job = FreshDownload(self.suite, request_for(task))  # raising leaves the row as it was
        self._changed()
        return start_direct(self, task, job, on_event=on_event)

    def attach(self, runner: LocalRunner) -> Callable[[], None]:
        """Know a runner of this process while it runs (to wake it, and to wait for it to let
        go of a task); returns the function that forgets it again."""
        with self._runners_lock:
            self._runners.append(runner)

        def detach() -> None:
            with self._runners_lock:
                if runner in self._runners:
                    self._runners.remove(runner)

        return detach

    def _runners_snapshot(self) -> list[LocalRunner]:
        with self._runners_lock:
            return list(self._runners)


def _ids(task_ids: Iterable[int] | None) -> list[int] | None:
    return None if task_ids is None else list(task_ids)


def _tasks(
    uow: UnitOfWork, ids: list[int] | None, states: Collection[TaskState] | None
) -> list[TaskRecord]:
    if ids is None:
        return uow.tasks.list_queue(states)
    return [t for t in (uow.tasks.get(i) for i in ids) if t is not None]


def lower_thread_priority(nice: int) -> None:
    """Lower the calling thread's CPU priority (Linux: per-thread nice, inherited by threads it
    creates). Best effort: a no-op elsewhere or when not permitted."""
    if nice <= 0 or not hasattr(os, "setpriority"):
        return
    try:
        current = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), min(19, current + nice))
    except OSError:
        pass
