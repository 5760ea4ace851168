"""Queue operations through the manager on a real database (no network needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from manager_unit_helpers import make_suite, on_both_backends  # noqa: F401  (fixture)

from hfsuite.app.events import EventQueue, TaskAdded, TaskFailed, TaskRemoved, TasksUpdated
from hfsuite.app.history_ops import find_history
from hfsuite.app.queue.manager import DownloadManager, MoveDirection, TaskOptions
from hfsuite.app.queue.runner import RunnerBusyError
from hfsuite.core.destination import Destination
from hfsuite.core.errors import UsageError
from hfsuite.core.types import Layout, Outcome, Priority, SourceKind, TaskState
from hfsuite.storage import TaskFileSpec, TaskSpec
from hfsuite.storage.schema import TASKS


@pytest.fixture
def manager(tmp_path: Path) -> DownloadManager:
    m = DownloadManager(make_suite(tmp_path))
    m.sync()
    yield m
    m.suite.close()


def _names(manager: DownloadManager) -> list[str]:
    return [t.repo_id or "" for t in manager.list_tasks()]


def test_add_many_in_order_and_a_typo_adds_nothing(manager, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ids = manager.add_repos(
        ["acme/a", "datasets/acme/b", "acme/c@v1"],
        TaskOptions(destination=Destination.folder(tmp_path / "m")),
    )
    tasks = manager.list_tasks()
    assert [t.id for t in tasks] == ids
    assert tasks[1].repo_type.value == "dataset" and tasks[2].revision == "v1"
    assert all(t.layout is Layout.LOCAL_DIR for t in tasks)
    assert tasks[0].destination == str((tmp_path / "m").absolute())
    with pytest.raises(UsageError, match="Cannot read 'not a repo'"):
        manager.add_repos(["acme/d", "not a repo"])
    assert len(manager.list_tasks()) == 3


def test_priority_then_manual_order(manager) -> None:  # type: ignore[no-untyped-def]
    a, b, c, d = manager.add_repos(["acme/a", "acme/b", "acme/c", "acme/d"])
    manager.set_priority([d], Priority.HIGH)
    manager.set_priority([a], Priority.LOW)
    assert _names(manager) == ["acme/d", "acme/b", "acme/c", "acme/a"]
    manager.move(c, MoveDirection.UP)
    assert _names(manager) == ["acme/d", "acme/c", "acme/b", "acme/a"]
    manager.move_before(a, c)  # dropped before c: takes its priority
    assert _names(manager) == ["acme/d", "acme/a", "acme/c", "acme/b"]
    assert manager.require(a).priority is Priority.NORMAL
    manager.reorder([b, c, a])
    assert _names(manager) == ["acme/d", "acme/b", "acme/c", "acme/a"]


def test_pause_resume_cancel_retry_and_history(manager) -> None:  # type: ignore[no-untyped-def]
    a, b, c = manager.add_repos(["acme/a", "acme/b", "acme/c"])
    assert manager.pause() == 3
    assert manager.resume([a]) == 1
    assert manager.cancel([b]) == 1
    assert manager.retry([b]) == 1
    states = {t.id: t.state for t in manager.list_tasks()}
    assert states == {a: TaskState.QUEUED, b: TaskState.QUEUED, c: TaskState.PAUSED}
    (entry,) = find_history(manager.db)
    assert entry.task_id == b and entry.outcome is Outcome.CANCELLED
    assert manager.cancel() == 3
    assert len(find_history(manager.db)) == 4


def test_paused_stays_paused_after_a_restart(tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = DownloadManager(make_suite(tmp_path))
    ids = first.add_repos(["acme/a", "acme/b"])
    first.pause([ids[0]])
    first.suite.close()
    again = DownloadManager(make_suite(tmp_path))
    assert [t.state for t in again.list_tasks()] == [TaskState.PAUSED, TaskState.QUEUED]
    again.suite.close()


def test_changes_by_another_process_become_events(manager, tmp_path) -> None:  # type: ignore[no-untyped-def]
    other = DownloadManager(make_suite(tmp_path))
    seen = EventQueue()
    manager.subscribe(seen)
    (task_id,) = other.add_repos(["acme/a"])
    other.pause([task_id])
    manager.sync()
    added, updated = seen.drain()
    # Both changes arrive in one sync: the task is new to this manager, and paused.
    assert isinstance(added, TaskAdded) and added.record.state is TaskState.PAUSED
    assert isinstance(updated, TasksUpdated) and [r.id for r in updated.records] == [task_id]
    other.resume([task_id])
    manager.sync()
    assert [type(e).__name__ for e in seen.drain()] == ["TaskQueued", "TasksUpdated"]
    other.remove([task_id])
    manager.sync()
    assert [e for e in seen.drain() if isinstance(e, TaskRemoved)] == [TaskRemoved(task_id)]
    other.suite.close()


def test_remove_keeps_or_deletes_partial_data_never_finished_files(manager, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dest = tmp_path / "models"
    keep, drop = manager.add_repos(
        ["acme/a", "acme/b"], TaskOptions(destination=Destination.folder(dest))
    )
    side = dest / ".cache" / "huggingface" / "download"
    side.mkdir(parents=True)
    for task_id in (keep, drop):
        with manager.db.write() as uow:
            uow.tasks.set_plan(
                task_id, [TaskFileSpec("w.bin", 10, etag="e" * 40)], resolved_commit="c" * 40
            )
    partial = side / "w.bin.hfsuite.incomplete"
    state = side / "w.bin.hfsuite.json"
    finished = dest / "done.bin"
    for path in (partial, state, finished):
        path.write_bytes(b"x")
    assert manager.remove([keep]) == 1
    assert partial.exists() and state.exists()
    assert manager.remove([drop], delete_data=True) == 1
    assert not partial.exists() and not state.exists()
    assert finished.exists()
    assert manager.list_tasks() == []


def test_one_runner_per_database_and_dead_runners_tasks_come_back(manager, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # A task a crashed runner (another host's queue runner) left RUNNING, whose URL nothing
    # answers (a closed loopback port): the new runner requeues it, then fails it clearly.
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{closed_port}/y.bin"
    (task_id,) = manager.add([TaskSpec(SourceKind.URL, str(tmp_path), url=url)])
    with manager.db.write() as uow:
        uow.tasks.claim_next(1, "elsewhere:12345:queue:1")
        if manager.db.dialect == "postgresql":
            # Runners share a PostgreSQL queue: another host's runner is gone once its lease
            # (the row's heartbeat) ran out; on SQLite the free runner lock says it at once.
            uow.tasks.session.execute(sa.update(TASKS).values(heartbeat_at=0.0))
    seen = EventQueue()
    manager.subscribe(seen)
    manager.start(poll_interval_s=0.05)
    try:
        failed = seen.wait_for(lambda e: isinstance(e, TaskFailed), timeout=10)
        assert failed is not None and failed.task_id == task_id
        other = DownloadManager(make_suite(tmp_path))
        with pytest.raises(RunnerBusyError, match="already running"):
            other.run()
        other.suite.close()
    finally:
        manager.stop()
    task = manager.require(task_id)
    assert task.state is TaskState.FAILED and "connection refused" in (task.error or "")
    (entry,) = find_history(manager.db)
    assert entry.outcome is Outcome.FAILED
