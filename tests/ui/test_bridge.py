"""EngineBridge on its own: a manager-like source and a run_async callable, no UiContext."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from hfsuite.app.events import TaskProgress, TaskRemoved, TasksProgressed, TasksUpdated
from hfsuite.core.events import Event
from hfsuite.ui.bridge import EngineBridge


class FakeManager:
    """Records subscriptions and syncs like DownloadManager."""

    def __init__(self) -> None:
        self.listeners: list[Callable[[Event], None]] = []
        self.syncs = 0

    def subscribe(self, fn: Callable[[Event], None]) -> Callable[[], None]:
        self.listeners.append(fn)
        return lambda: self.listeners.remove(fn)

    def sync(self) -> None:
        self.syncs += 1

    def publish(self, event: Event) -> None:
        for fn in list(self.listeners):
            fn(event)


class DeferredRunner:
    """A run_async that keeps jobs until the test runs them (no threads)."""

    def __init__(self) -> None:
        self.jobs: list[tuple[Any, Any, Any]] = []

    def __call__(self, fn: Any, on_done: Any = None, on_error: Any = None) -> None:
        self.jobs.append((fn, on_done, on_error))

    def run_all(self) -> None:
        jobs, self.jobs = self.jobs, []
        for fn, on_done, on_error in jobs:
            try:
                value = fn()
            except BaseException as exc:
                on_error(exc)
            else:
                on_done(value)


def _record(task_id: int, seq: int) -> Any:
    return SimpleNamespace(id=task_id, change_seq=seq)


@pytest.fixture
def parts(qapp: Any) -> Any:
    manager, runner = FakeManager(), DeferredRunner()
    bridge = EngineBridge(manager, runner, interval_ms=60_000, sync_interval_ms=0)
    yield SimpleNamespace(manager=manager, runner=runner, bridge=bridge)
    bridge.close()


def test_events_are_merged_into_one_signal_per_kind(parts: Any) -> None:
    bridge, manager = parts.bridge, parts.manager
    rows: list[dict[int, Any]] = []
    removed: list[list[int]] = []
    progress: list[TasksProgressed] = []
    bridge.rows_changed.connect(rows.append)
    bridge.rows_removed.connect(removed.append)
    bridge.progress_changed.connect(progress.append)
    manager.publish(TasksUpdated(None, (_record(1, 1), _record(2, 1))))
    manager.publish(TasksUpdated(None, (_record(1, 2),)))
    manager.publish(TaskRemoved(3))
    first = TasksProgressed(None, (TaskProgress(1, 5, 10, 0, 1, 100.0, 1.0),), 100.0)
    last = TasksProgressed(None, (TaskProgress(1, 8, 10, 0, 1, 200.0, 1.0),), 200.0)
    manager.publish(first)
    manager.publish(last)
    bridge.flush()
    assert len(rows) == 1 and {k: r.change_seq for k, r in rows[0].items()} == {1: 2, 2: 1}
    assert removed == [[3]]
    assert progress == [last]
    assert bridge.flushes == 1
    bridge.flush()  # nothing new: no signal
    assert len(rows) == 1 and bridge.flushes == 1


def test_sync_goes_through_run_async_one_at_a_time(parts: Any) -> None:
    bridge, manager, runner = parts.bridge, parts.manager, parts.runner
    bridge.sync_now()
    bridge.sync_now()  # the first has not answered yet
    assert len(runner.jobs) == 1
    runner.run_all()
    assert manager.syncs == 1
    bridge.sync_now()
    runner.run_all()
    assert manager.syncs == 2


def test_a_failed_sync_lets_the_next_one_run(parts: Any) -> None:
    bridge, manager, runner = parts.bridge, parts.manager, parts.runner

    def busy() -> None:
        raise RuntimeError("database is locked")

    manager.sync = busy
    bridge.sync_now()
    runner.run_all()
    bridge.sync_now()
    assert len(runner.jobs) == 1


def test_close_unsubscribes(parts: Any) -> None:
    assert len(parts.manager.listeners) == 1
    parts.bridge.close()
    assert parts.manager.listeners == []
    parts.bridge.close()  # twice is fine
