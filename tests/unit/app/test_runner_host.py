"""The runner works for any RunnerHost and runs any DownloadJob (no DownloadManager here)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from manager_unit_helpers import make_suite

from hfsuite.app.download.operation import DownloadOutcome, DownloadPlan
from hfsuite.app.events import EventBus, TasksUpdated
from hfsuite.app.history_ops import find_history
from hfsuite.app.queue.liveness import ClaimKind, new_claim_id
from hfsuite.app.queue.progress import ProgressTracker
from hfsuite.app.queue.runner import QueueRunner, start_direct
from hfsuite.app.queue.runner_host import LocalRunner
from hfsuite.app.suite import Suite
from hfsuite.core.errors import HfSuiteError, OperationCancelled
from hfsuite.core.events import Event
from hfsuite.core.types import Outcome, SourceKind, TaskState
from hfsuite.engine.transfer import TransferControl
from hfsuite.storage import Database, TaskChanges, TaskRecord, TaskSpec


class Host:
    """The smallest host: a database, an event stream, progress, and a sync cursor."""

    def __init__(self, suite: Suite):
        self.suite = suite
        self.events = EventBus()
        self.tracker = ProgressTracker(suite.clock)
        self.tasks_in_parallel = 2
        self.attached: list[LocalRunner] = []
        self._cursor = 0

    @property
    def db(self) -> Database:
        return self.suite.database

    def sync(self) -> TaskChanges:
        with self.db.read() as uow:
            changes = uow.tasks.changes_since(self._cursor)
        self._cursor = changes.cursor
        if changes.tasks:
            self.events.publish(TasksUpdated(None, changes.tasks))
        return changes

    def has_queued(self) -> bool:
        with self.db.read() as uow:
            return bool(uow.tasks.count_by_state().get(TaskState.QUEUED))

    def attach(self, runner: LocalRunner) -> Callable[[], None]:
        self.attached.append(runner)
        return lambda: self.attached.remove(runner)


class Job:
    """A download that fails at once, or waits until cancelled."""

    def __init__(self, error: HfSuiteError | None = None):
        self.error = error
        self.control = TransferControl()
        self.started_mono = 0.0
        self.started_at = 0.0
        self.running = threading.Event()

    def run(
        self,
        task_id: int,
        on_event: Callable[[Event], None],
        on_plan: Callable[[DownloadPlan], None],
    ) -> DownloadOutcome:
        self.running.set()
        if self.error is not None:
            raise self.error
        cancelled = threading.Event()
        self.control.on_cancel(cancelled.set)
        cancelled.wait(30)
        raise OperationCancelled("Download cancelled.")


@pytest.fixture
def host(tmp_path: Path) -> Iterator[Host]:
    suite = make_suite(tmp_path)
    yield Host(suite)
    suite.close()


def _direct_task(host: Host, tmp_path: Path) -> TaskRecord:
    spec = TaskSpec(SourceKind.URL, str(tmp_path), url="http://127.0.0.1:9/x.bin")
    with host.db.write() as uow:
        (task_id,) = uow.tasks.add_many([spec])
        uow.tasks.set_state([task_id], TaskState.RUNNING, claimed_by=new_claim_id(ClaimKind.DIRECT))
        task = uow.tasks.get(task_id)
    assert task is not None
    return task


def test_a_failing_job_fails_its_task_with_history(host: Host, tmp_path: Path) -> None:
    task = _direct_task(host, tmp_path)
    running = start_direct(host, task, Job(HfSuiteError("the mirror is down")))
    assert running.wait(10)
    with pytest.raises(HfSuiteError, match="mirror is down"):
        running.result()
    with host.db.read() as uow:
        after = uow.tasks.get(task.id)
    assert after is not None and after.state is TaskState.FAILED
    assert after.error == "the mirror is down" and after.claimed_by is None
    (entry,) = find_history(host.db)
    assert entry.outcome is Outcome.FAILED and entry.task_id == task.id
    assert host.attached == [], "the runner detached from its host"


def test_a_paused_row_stops_the_job_and_stays_paused(host: Host, tmp_path: Path) -> None:
    task = _direct_task(host, tmp_path)
    job = Job()
    running = start_direct(host, task, job)
    assert job.running.wait(10)
    assert len(host.attached) == 1
    with host.db.write() as uow:  # another process pauses it; the runner's poll notices
        uow.tasks.pause([task.id])
    assert running.wait(10)
    with pytest.raises(OperationCancelled):
        running.result()
    with host.db.read() as uow:
        after = uow.tasks.get(task.id)
    assert after is not None and after.state is TaskState.PAUSED
    assert find_history(host.db) == []


def test_cancelling_a_direct_download_records_it(host: Host, tmp_path: Path) -> None:
    task = _direct_task(host, tmp_path)
    job = Job()
    running = start_direct(host, task, job)
    assert job.running.wait(10)
    running.cancel()
    assert running.wait(10)
    with host.db.read() as uow:
        after = uow.tasks.get(task.id)
    assert after is not None and after.state is TaskState.CANCELLED
    (entry,) = find_history(host.db)
    assert entry.outcome is Outcome.CANCELLED


def test_the_queue_runs_for_any_host(host: Host, tmp_path: Path) -> None:
    # Nothing answers on port 9: each claimed task fails at once, through the whole loop.
    specs = [
        TaskSpec(SourceKind.URL, str(tmp_path), url=f"http://127.0.0.1:9/{n}.bin")
        for n in ("a", "b", "c")
    ]
    with host.db.write() as uow:
        ids = uow.tasks.add_many(specs)
    summary = QueueRunner(host, poll_interval_s=0.05).run_queue(watch=False, stop=threading.Event())
    assert (summary.failed, summary.completed) == (3, 0)
    with host.db.read() as uow:
        assert [uow.tasks.get(i).state for i in ids] == [TaskState.FAILED] * 3  # type: ignore[union-attr]
    assert host.attached == []
