"""The queue runner against the emulator: order, slots, pause across restarts, ends in history."""

from __future__ import annotations

import threading
import time
from datetime import date

from manager_helpers import REPOS, SLOW_FILES, SLOW_REPO, cached_file

from hfsuite.app.events import (
    EventQueue,
    TaskCompleted,
    TaskEvent,
    TaskPaused,
    TasksProgressed,
    TaskStarted,
)
from hfsuite.app.history_ops import find_history, stats_summary
from hfsuite.app.queue.manager import DownloadManager, MoveDirection, TaskOptions
from hfsuite.core.events import FileVerified
from hfsuite.core.types import Outcome, Priority, TaskState

FAST = {"poll_interval_s": 0.05, "progress_interval_s": 0.05, "flush_interval_s": 0.1}


def test_runs_by_priority_then_manual_order(manager, events, options, tmp_path):  # type: ignore[no-untyped-def]
    manager.tasks_in_parallel = 1
    low, a, b = manager.add_repos(["acme/alpha", "acme/beta", "acme/gamma"], options)
    manager.set_priority([low], Priority.LOW)
    (high,) = manager.add_repos(
        ["acme/delta"], TaskOptions(destination=options.destination, priority=Priority.HIGH)
    )
    manager.move(b, MoveDirection.TOP)

    summary = manager.run(**FAST)

    assert summary.completed == 4
    started = [e.task_id for e in events.drain() if isinstance(e, TaskStarted)]
    assert started == [high, b, a, low]
    for repo_id, files in REPOS.items():
        if repo_id == "acme/epsilon":
            continue
        for path, content in files.items():
            assert cached_file(options.destination.path, repo_id, path).read_bytes() == content


def test_concurrency_limit_holds(manager, events, options, hub):  # type: ignore[no-untyped-def]
    hub.throttle(per_connection_bps=4 * (1 << 20))
    manager.tasks_in_parallel = 2
    ids = manager.add_repos(list(REPOS), options)
    running: set[int] = set()
    peak = 0
    lock = threading.Lock()

    def watch(event) -> None:  # type: ignore[no-untyped-def]
        nonlocal peak
        if isinstance(event, TaskEvent):
            with lock:
                if event.record.state is TaskState.RUNNING:
                    running.add(event.record.id)
                else:
                    running.discard(event.record.id)
                peak = max(peak, len(running))
        if isinstance(event, TasksProgressed):
            assert len(event.tasks) <= 2

    manager.subscribe(watch)
    summary = manager.run(**FAST)
    assert summary.completed == len(ids)
    assert peak == 2
    assert all(t.state is TaskState.COMPLETED for t in manager.list_tasks())


def test_pause_survives_restart_and_resume_continues_byte_level(  # type: ignore[no-untyped-def]
    make_suite, options, hub
):
    hub.throttle(per_connection_bps=1 << 20)  # 8 MiB over 2 connections: ~4 s
    first = DownloadManager(make_suite())
    first.sync()
    q = EventQueue()
    first.subscribe(q)
    (task_id,) = first.add_repos(
        [SLOW_REPO], TaskOptions(destination=options.destination, connections=2)
    )
    first.start(**FAST)
    progressed = q.wait_for(
        lambda e: (
            isinstance(e, TasksProgressed)
            and any(p.task_id == task_id and p.done_bytes > 0 for p in e.tasks)
        ),
        timeout=20,
    )
    assert progressed is not None
    first.pause([task_id])
    assert q.wait_for(lambda e: isinstance(e, TaskPaused) and e.task_id == task_id, 10)
    first.stop()

    # "Restart": another suite and manager on the same database.
    second = DownloadManager(make_suite())
    assert second.require(task_id).state is TaskState.PAUSED
    assert second.run(**FAST).completed == 0  # nothing runnable: exits at once
    assert second.require(task_id).state is TaskState.PAUSED
    assert find_history(second.db) == []

    hub.clear_faults()
    second.resume([task_id])
    assert second.run(**FAST).completed == 1
    task = second.require(task_id)
    assert task.state is TaskState.COMPLETED and task.bytes_done == task.bytes_total
    (entry,) = find_history(second.db)
    total = sum(len(c) for c in SLOW_FILES.values())
    assert entry.outcome is Outcome.COMPLETED
    assert 0 < entry.bytes_downloaded < total, "resumed: only the missing bytes moved"
    for path, content in SLOW_FILES.items():
        assert cached_file(options.destination.path, SLOW_REPO, path).read_bytes() == content


def test_mixed_outcomes_fill_history_stats_and_model_versions(manager, events, options):  # type: ignore[no-untyped-def]
    ok, missing, cancelled = manager.add_repos(["acme/beta", "acme/missing", "acme/gamma"], options)
    manager.cancel([cancelled])
    summary = manager.run(**FAST)
    assert (summary.completed, summary.failed) == (1, 1)

    history = {h.task_id: h for h in find_history(manager.db)}
    assert history[ok].outcome is Outcome.COMPLETED
    assert history[ok].commit == manager.require(ok).resolved_commit
    assert sorted(f.path for f in history[ok].files) == ["README.md", "weights.bin"]
    assert history[ok].bytes_downloaded == sum(len(c) for c in REPOS["acme/beta"].values())
    assert history[ok].duration_s > 0 and history[ok].average_speed_bps > 0
    assert history[missing].outcome is Outcome.FAILED
    assert "acme/missing" in (history[missing].error or "")
    assert manager.require(missing).error == history[missing].error
    assert history[cancelled].outcome is Outcome.CANCELLED

    verified = {e.path for e in events.drain() if isinstance(e, FileVerified)}
    assert "weights.bin" in verified

    from hfsuite.app.history_ops import local_day

    day = local_day(manager.suite.clock.now())
    summary_stats = stats_summary(manager.db, day, 7)
    assert summary_stats.days[-1].day == day
    assert (summary_stats.downloads, summary_stats.failures) == (1, 1)
    assert summary_stats.days[-1].cancelled == 1
    assert summary_stats.bytes_downloaded == history[ok].bytes_downloaded
    assert isinstance(summary_stats.days[0].day, date)

    with manager.db.read() as uow:
        (version,) = uow.model_versions.list_all()
    assert version.repo_id == "acme/beta" and version.commit == history[ok].commit
    files = {f.path: f.state.value for f in manager.files(ok)}
    assert set(files.values()) == {"completed"}


def test_remove_running_task_with_its_partial_data(manager, events, options, hub):  # type: ignore[no-untyped-def]
    hub.throttle(per_connection_bps=1 << 20)
    (task_id,) = manager.add_repos(
        [SLOW_REPO], TaskOptions(destination=options.destination, connections=1)
    )
    manager.start(**FAST)
    assert events.wait_for(
        lambda e: (
            isinstance(e, TasksProgressed)
            and any(p.task_id == task_id and p.done_bytes > 0 for p in e.tasks)
        ),
        timeout=20,
    )
    blobs = options.destination.path / "models--acme--slow" / "blobs"
    assert list(blobs.glob("*.hfsuite.incomplete"))
    assert manager.remove([task_id], delete_data=True) == 1
    manager.stop()
    assert manager.get(task_id) is None
    assert not list(blobs.glob("*.hfsuite.*")), "partial data and resume state are gone"
    (entry,) = find_history(manager.db)
    assert entry.outcome is Outcome.CANCELLED


def test_direct_download_is_a_task_in_history(manager, events, options):  # type: ignore[no-untyped-def]
    from hfsuite.app.download.operation import DownloadRequest
    from hfsuite.core.types import RepoRef

    seen: list = []
    running = manager.start_download(
        DownloadRequest(RepoRef("acme/gamma"), destination=options.destination),
        on_event=seen.append,
    )
    assert running.wait(30)
    outcome = running.result()
    assert outcome.downloaded_bytes == len(REPOS["acme/gamma"]["model.gguf"])
    assert manager.require(running.task_id).state is TaskState.COMPLETED
    assert all(e.task_id == running.task_id for e in seen)
    assert any(isinstance(e, TaskCompleted) for e in events.drain())
    (entry,) = find_history(manager.db)
    assert entry.task_id == running.task_id and entry.outcome is Outcome.COMPLETED


def test_a_limit_set_by_another_client_reaches_the_running_task(make_suite, options, hub):  # type: ignore[no-untyped-def]
    hub.throttle(per_connection_bps=1 << 20)  # keeps the task running for seconds
    runner = DownloadManager(make_suite())
    q = EventQueue()
    runner.subscribe(q)
    (task_id,) = runner.add_repos(
        [SLOW_REPO], TaskOptions(destination=options.destination, connections=1)
    )
    runner.start(**FAST)
    try:
        assert q.wait_for(
            lambda e: isinstance(e, TasksProgressed) and any(p.task_id == task_id for p in e.tasks),
            timeout=20,
        )
        (local,) = runner._runners_snapshot()
        control = local._active[task_id].job.control  # type: ignore[attr-defined]
        assert control.bucket.rate_bps == 0
        # Another process (a client on another host, for a worker) limits the task.
        client = DownloadManager(make_suite())
        client.set_limits(task_id, bandwidth_limit_bps=300_000, connections=None)
        deadline = time.monotonic() + 10
        while control.bucket.rate_bps != 300_000 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert control.bucket.rate_bps == 300_000
        client.set_limits(task_id, bandwidth_limit_bps=None, connections=None)
        deadline = time.monotonic() + 10
        while control.bucket.rate_bps != 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert control.bucket.rate_bps == 0  # back to the setting: unlimited
    finally:
        runner.stop()
