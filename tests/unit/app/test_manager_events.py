"""The event stream and live progress: thread-safe delivery, speed and ETA on a manual clock."""

from __future__ import annotations

import threading

from manager_unit_helpers import record

from hfsuite.app.events import (
    EventBus,
    EventQueue,
    TaskAdded,
    TaskCompleted,
    TaskPaused,
    TaskRemoved,
    TaskStarted,
    state_event,
)
from hfsuite.app.queue.progress import ProgressTracker
from hfsuite.core.clock import ManualClock
from hfsuite.core.events import FileCompleted, FileRestarted, FileStarted, TransferProgressed
from hfsuite.core.types import TaskState
from hfsuite.storage import FileState


def test_bus_delivers_to_every_subscriber_even_when_one_fails() -> None:
    bus = EventBus()
    got: list = []

    def broken(event) -> None:  # type: ignore[no-untyped-def]
        raise RuntimeError("subscriber bug")

    bus.subscribe(broken)
    unsubscribe = bus.subscribe(got.append)
    bus.publish(TaskRemoved(1))
    unsubscribe()
    bus.publish(TaskRemoved(2))
    assert got == [TaskRemoved(1)]


def test_bus_is_safe_across_threads() -> None:
    bus = EventBus()
    queues = [EventQueue() for _ in range(4)]
    for q in queues:
        bus.subscribe(q)
    start = threading.Barrier(8)

    def publish(base: int) -> None:
        start.wait()
        for i in range(500):
            bus.publish(TaskRemoved(base + i))

    def churn() -> None:
        start.wait()
        for _ in range(500):
            bus.subscribe(lambda e: None)()

    threads = [threading.Thread(target=publish, args=(k * 1000,)) for k in range(4)]
    threads += [threading.Thread(target=churn) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for q in queues:
        assert len({e.task_id for e in q.drain()}) == 2000


def test_event_queue_drops_the_oldest_when_full() -> None:
    q = EventQueue(maxsize=2)
    for i in range(5):
        q(TaskRemoved(i))
    assert [e.task_id for e in q.drain()] == [3, 4]
    assert q.get(timeout=0) is None


def test_state_events_name_the_transition() -> None:
    assert isinstance(state_event(record(1, TaskState.QUEUED), None), TaskAdded)
    started = state_event(record(1, TaskState.RUNNING), TaskState.QUEUED)
    assert isinstance(started, TaskStarted) and started.previous is TaskState.QUEUED
    assert isinstance(state_event(record(1, TaskState.PAUSED), TaskState.RUNNING), TaskPaused)
    assert isinstance(state_event(record(1, TaskState.COMPLETED), TaskState.RUNNING), TaskCompleted)
    assert state_event(record(1, TaskState.QUEUED), TaskState.QUEUED) is None


def test_speed_and_eta_over_a_sliding_window() -> None:
    clock = ManualClock()
    tracker = ProgressTracker(clock, window_s=5.0)
    tracker.start(7)
    tracker.set_plan(7, total_bytes=20_000, files_total=2)
    done = 0
    for _ in range(5):  # 100 B/s for 5 s
        done += 100
        clock.advance(1.0)
        tracker.on_event(TransferProgressed(7, done, 20_000, 0.0, None))
        tracker.snapshot()
    (p,) = tracker.snapshot().tasks
    assert p.speed_bps == 100.0
    assert p.eta_s == (20_000 - 500) / 100
    for _ in range(10):  # then 1,000 B/s: the window forgets the slow start
        done += 1000
        clock.advance(1.0)
        tracker.on_event(TransferProgressed(7, done, 20_000, 0.0, None))
        batch = tracker.snapshot()
    assert batch.tasks[0].speed_bps == 1000.0
    assert batch.speed_bps == 1000.0
    assert batch.tasks[0].fraction == done / 20_000


def test_resumed_bytes_are_not_counted_as_speed() -> None:
    """A task resuming with 900 MB on disk must not report a burst of 900 MB/s."""
    clock = ManualClock()
    tracker = ProgressTracker(clock, window_s=5.0)
    tracker.start(3)
    tracker.snapshot()
    clock.advance(1.0)
    tracker.on_event(FileStarted(3, "model.bin", 1_000_000_000, 900_000_000))
    tracker.on_event(TransferProgressed(3, 900_000_100, 1_000_000_000, 0.0, None))
    tracker.snapshot()
    clock.advance(1.0)
    tracker.on_event(TransferProgressed(3, 900_000_200, 1_000_000_000, 0.0, None))
    (p,) = tracker.snapshot().tasks
    assert p.speed_bps <= 200.0
    assert p.eta_s is not None and p.eta_s > 1000


def test_progress_counts_files_and_fetched_bytes_and_never_shrinks() -> None:
    tracker = ProgressTracker(ManualClock())
    tracker.start(1)
    tracker.on_event(FileCompleted(1, "config.json", 10, "/x/config.json", skipped=True))
    tracker.on_event(FileStarted(1, "model.bin", 1000, 400))  # 400 B resumed from disk
    tracker.on_event(TransferProgressed(1, 910, 1010, 0.0, None))
    assert tracker.fetched_bytes(1) == 500
    # The engine's report after a stop counts finished files only: ignored.
    tracker.on_event(TransferProgressed(1, 10, 1010, 0.0, None))
    assert tracker.get(1).done_bytes == 910  # type: ignore[union-attr]
    # After a restart (bad hash, remote change) progress may go down.
    tracker.on_event(FileRestarted(1, "model.bin", "hash mismatch"))
    tracker.on_event(TransferProgressed(1, 10, 1010, 0.0, None))
    assert tracker.get(1).done_bytes == 10  # type: ignore[union-attr]
    assert tracker.get(1).files_done == 1  # type: ignore[union-attr]
    assert tracker.take_file_states(1) == {
        "config.json": FileState.SKIPPED,
        "model.bin": FileState.DOWNLOADING,
    }
    assert tracker.take_file_states(1) == {}
    tracker.on_event(TransferProgressed(2, 1, 1, 0.0, None))  # untracked task: ignored
    tracker.stop(1)
    assert tracker.snapshot().tasks == ()
