"""``hfsuite download`` moves bytes before its task exists; the task then adopts the download."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from manager_helpers import SLOW_FILES, SLOW_REPO, cached_file

from hfsuite.app.download.operation import DownloadRequest
from hfsuite.app.history_ops import find_history
from hfsuite.app.queue.early import EarlyDownload
from hfsuite.app.queue.manager import DownloadManager
from hfsuite.core.errors import OperationCancelled, RepoNotFoundError
from hfsuite.core.events import FileStarted, FileVerified, TransferProgressed
from hfsuite.core.types import Outcome, RepoRef, TaskState
from hfsuite.engine.resume import load_state


def test_an_adopted_download_is_a_task_with_its_events_plan_and_history(  # type: ignore[no-untyped-def]
    make_suite, hub, options
):
    suite = make_suite()
    # The emulator serves slowly, so the adoption happens while bytes are moving.
    hub.throttle(per_connection_bps=4 * 1024 * 1024)
    request = DownloadRequest(RepoRef(SLOW_REPO), destination=options.destination)
    early = EarlyDownload(suite, request).start()
    assert early.wait_moving(30)
    assert not early.wait(0), "still downloading when the task is added"

    manager = DownloadManager(suite)  # the database is opened only now
    seen: list = []
    running = manager.adopt(early, on_event=seen.append)
    assert running.wait(60)
    outcome = running.result()

    task = manager.require(running.task_id)
    assert task.state is TaskState.COMPLETED
    assert task.resolved_commit == outcome.plan.snapshot.commit, "the plan was stored"
    assert {f.path for f in manager.files(running.task_id)} == set(SLOW_FILES)
    # Events from before the task existed were replayed, all stamped with its id.
    assert any(isinstance(e, FileStarted) for e in seen)
    assert any(isinstance(e, TransferProgressed) for e in seen)
    assert sum(isinstance(e, FileVerified) for e in seen) == len(SLOW_FILES)
    assert all(e.task_id == running.task_id for e in seen)
    (entry,) = find_history(manager.db)
    assert entry.task_id == running.task_id and entry.outcome is Outcome.COMPLETED
    big = cached_file(options.destination.path, SLOW_REPO, "model.safetensors")
    assert big.read_bytes() == SLOW_FILES["model.safetensors"]


def test_the_plugins_are_loaded_while_the_bytes_move(  # type: ignore[no-untyped-def]
    make_suite, hub, options, monkeypatch
):
    # Reading every installed package's entry points (and importing the plugins) used to wait
    # for the task's end, and the command's exit with it.
    downloads: list[EarlyDownload] = []
    read_while_moving: list[bool] = []

    def entry_points() -> list:
        read_while_moving.append(not downloads[0].wait(0))
        return []

    monkeypatch.setattr("hfsuite.app.plugins.manager.installed_entry_points", entry_points)
    suite = make_suite()
    hub.throttle(per_connection_bps=2 * 1024 * 1024)
    request = DownloadRequest(RepoRef(SLOW_REPO), destination=options.destination)
    downloads.append(EarlyDownload(suite, request).start())
    assert downloads[0].wait_moving(30)
    running = DownloadManager(suite).adopt(downloads[0])
    assert running.wait(60)
    running.result()
    assert suite.plugins.wait_idle(10)
    assert read_while_moving == [True]


def test_a_download_that_failed_before_adoption_is_recorded_as_failed(  # type: ignore[no-untyped-def]
    make_suite, options
):
    suite = make_suite()
    request = DownloadRequest(RepoRef("acme/does-not-exist"), destination=options.destination)
    early = EarlyDownload(suite, request).start()
    assert early.wait(30), "the plan fails at once"

    manager = DownloadManager(suite)
    running = manager.adopt(early)
    assert running.wait(30)
    with pytest.raises(RepoNotFoundError):
        running.result()
    task = manager.require(running.task_id)
    assert task.state is TaskState.FAILED and "acme/does-not-exist" in (task.error or "")
    (entry,) = find_history(manager.db)
    assert entry.outcome is Outcome.FAILED


def test_cancelling_an_early_download_keeps_its_partial_data(make_suite, hub, options):  # type: ignore[no-untyped-def]
    suite = make_suite()
    hub.throttle(per_connection_bps=256 * 1024)
    request = DownloadRequest(RepoRef(SLOW_REPO), destination=options.destination)
    early = EarlyDownload(suite, request).start()
    assert early.wait_moving(30)
    states = _wait_for_resume_state(options.destination.path)
    early.cancel_and_wait()  # what `hfsuite download` does when the database cannot be opened
    assert list(options.destination.path.rglob("*.hfsuite.incomplete")), "the partial file is kept"
    state = load_state(states)
    assert state is not None
    kept = state.ranges.total
    assert 0 < kept < len(SLOW_FILES["model.safetensors"])
    assert not list(options.destination.path.rglob("snapshots/*/model.safetensors"))

    # A later run resumes from it and completes.
    hub.throttle(per_connection_bps=None)
    seen: list = []
    running = DownloadManager(suite).start_download(request, on_event=seen.append)
    assert running.wait(60)
    (resumed,) = [e for e in seen if isinstance(e, FileStarted) and e.path == "model.safetensors"]
    assert resumed.resumed_bytes == kept
    assert running.result().downloaded_bytes <= sum(map(len, SLOW_FILES.values())) - kept
    big = cached_file(options.destination.path, SLOW_REPO, "model.safetensors")
    assert big.read_bytes() == SLOW_FILES["model.safetensors"]


def _wait_for_resume_state(cache: Path, timeout_s: float = 20.0) -> Path:
    """The resume state of the big file, once it records some bytes (a checkpoint is written
    every second while downloading)."""
    deadline = time.monotonic() + timeout_s
    tick = threading.Event()
    while time.monotonic() < deadline:
        for path in cache.rglob("*.hfsuite.json"):
            state = load_state(path)
            if state is not None and state.ranges.total > 0:
                return path
        tick.wait(0.05)
    raise AssertionError("no resume state with bytes in it")


def test_a_task_that_cannot_take_over_stops_the_early_download(  # type: ignore[no-untyped-def]
    make_suite, hub, options, monkeypatch
):
    """If storing the plan fails while adopting, the running download is cancelled (partial
    data kept) rather than left running with no task to answer for it."""
    from hfsuite.core.errors import StorageError
    from hfsuite.storage.repositories.tasks import TaskRepository

    suite = make_suite()
    hub.throttle(per_connection_bps=256 * 1024)
    request = DownloadRequest(RepoRef(SLOW_REPO), destination=options.destination)
    early = EarlyDownload(suite, request).start()
    assert early.wait_moving(30)

    def broken_set_plan(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise StorageError("disk I/O error")

    monkeypatch.setattr(TaskRepository, "set_plan", broken_set_plan)
    running = DownloadManager(suite).adopt(early)
    assert running.wait(30)
    with pytest.raises(StorageError):
        running.result()
    assert early.wait(0), "the early download was stopped"
    with pytest.raises(OperationCancelled):
        early.result()
    assert list(options.destination.path.rglob("*.hfsuite.incomplete")), "its partial data is kept"


def test_an_adopted_downloads_events_reach_the_task_from_several_threads_at_once(  # type: ignore[no-untyped-def]
    make_suite, options
):
    """The hand-over's lock is not held while the task handles an event: a handler that waits
    for another file thread's event gets it (held, the two threads would queue up)."""
    from hfsuite.core.events import FileStarted

    suite = make_suite()
    early = EarlyDownload(suite, DownloadRequest(RepoRef(SLOW_REPO), options.destination))
    early._event(FileStarted(None, "held.bin", 1, 0))  # before the task exists
    seen: list = []
    first_inside, second_arrived = threading.Event(), threading.Event()
    waited: list[bool] = []

    def handler(event) -> None:  # type: ignore[no-untyped-def]
        seen.append(event)
        if event.path == "first.bin":
            first_inside.set()
            waited.append(second_arrived.wait(5))
        elif event.path == "second.bin":
            second_arrived.set()

    early.adopt(7, handler, lambda plan: None)
    first = threading.Thread(target=early._event, args=(FileStarted(None, "first.bin", 1, 0),))
    first.start()
    assert first_inside.wait(5)  # the first thread is inside the handler, waiting
    second = threading.Thread(target=early._event, args=(FileStarted(None, "second.bin", 1, 0),))
    second.start()
    first.join(10)
    second.join(10)
    assert waited == [True], "the second event reached the task while the first was handled"
    assert seen[0].path == "held.bin", "what came before the task comes first"
    assert {e.path for e in seen} == {"held.bin", "first.bin", "second.bin"}
    assert all(e.task_id == 7 for e in seen)


def test_an_adopted_downloads_events_take_no_lock(make_suite, options):  # type: ignore[no-untyped-def]
    """After the hand-over (to the task and the display), a file thread's event goes straight
    to both: with the hand-over's lock held elsewhere, it is still delivered (it used to wait
    for the lock)."""
    from hfsuite.core.events import FileStarted

    suite = make_suite()
    early = EarlyDownload(suite, DownloadRequest(RepoRef(SLOW_REPO), options.destination))
    early._event(FileStarted(None, "held.bin", 1, 0))
    seen: list = []
    watched: list = []
    early.watch(watched.append)
    early.adopt(9, seen.append, lambda plan: None)
    with early._lock:  # nothing may need it now
        thread = threading.Thread(target=early._event, args=(FileStarted(None, "a.bin", 1, 0),))
        thread.start()
        thread.join(5)
        assert not thread.is_alive()
    assert [e.path for e in seen] == ["held.bin", "a.bin"]
    assert all(e.task_id == 9 for e in seen)
    assert [e.path for e in watched] == ["held.bin", "a.bin"]


@pytest.mark.parametrize("watch_first", [True, False])
def test_a_watcher_sees_every_event_once_whether_watching_before_or_after_the_task(  # type: ignore[no-untyped-def]
    make_suite, options, watch_first
):
    """The display watches the download itself: it gets every event once, in order, whether it
    starts watching before the task adopts the download or after (or with no task at all: a
    download recorded in the journal of finished downloads); those emitted once the task
    exists carry its id, as the task's own do."""
    suite = make_suite()
    early = EarlyDownload(suite, DownloadRequest(RepoRef(SLOW_REPO), options.destination))
    watched: list = []
    handled: list = []
    early._event(FileStarted(None, "a.bin", 1, 0))
    if watch_first:
        early.watch(watched.append)
        early._event(FileStarted(None, "b.bin", 1, 0))
        early.adopt(3, handled.append, lambda plan: None)
    else:
        early.adopt(3, handled.append, lambda plan: None)
        early._event(FileStarted(None, "b.bin", 1, 0))
        early.watch(watched.append)
    early._event(FileStarted(None, "c.bin", 1, 0))
    assert [e.path for e in watched] == ["a.bin", "b.bin", "c.bin"]
    # The watcher saw a.bin and b.bin before it and the task both had them; c.bin after.
    assert [e.task_id for e in watched] == [None, None, 3]
    assert [e.path for e in handled] == ["a.bin", "b.bin", "c.bin"]
    assert all(e.task_id == 3 for e in handled)
    assert early._held == [], "nothing kept once both have them"


def test_a_watched_download_with_no_task_reports_its_progress(make_suite, hub, options):  # type: ignore[no-untyped-def]
    """What ``hfsuite download`` waits on before deciding whether to make the task: when the
    bytes began and the transfer's estimate of the time left."""
    suite = make_suite()
    hub.throttle(per_connection_bps=1024 * 1024)
    request = DownloadRequest(RepoRef(SLOW_REPO), destination=options.destination)
    early = EarlyDownload(suite, request)
    watched: list = []
    early.start()
    early.watch(watched.append)
    assert early.wait_moving(30)
    assert early.moving_since is not None
    assert early.wait(60)
    early.result()
    assert any(isinstance(e, TransferProgressed) for e in watched)
    assert early.eta_s is not None
    assert sum(isinstance(e, FileVerified) for e in watched) == len(SLOW_FILES)
