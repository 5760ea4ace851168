"""A direct download recorded in the journal of finished downloads reaches a process that has
the database open already (the window polls :meth:`DownloadManager.sync` every second): the
next sync applies it and tells its subscribers, as for a task another process added."""

from __future__ import annotations

from manager_helpers import SLOW_FILES, SLOW_REPO

from hfsuite.app.download.operation import DownloadRequest
from hfsuite.app.events import TaskCompleted
from hfsuite.app.history_ops import find_history
from hfsuite.app.queue.early import EarlyDownload
from hfsuite.app.queue.finished import journal_finished
from hfsuite.app.queue.journal import journal_folder, pending
from hfsuite.app.queue.manager import DownloadManager
from hfsuite.core.types import Outcome, RepoRef, TaskState


def test_the_next_sync_applies_a_finished_download_and_announces_its_task(  # type: ignore[no-untyped-def]
    make_suite, options
):
    window = DownloadManager(make_suite())
    window.sync()  # the window is open: its first sync only notes where the queue stands
    seen: list = []
    window.subscribe(seen.append)

    command = make_suite()  # `hfsuite download` in a shell beside it
    request = DownloadRequest(RepoRef(SLOW_REPO), destination=options.destination)
    early = EarlyDownload(command, request).start()
    assert early.wait(60)
    outcome = early.result()
    assert journal_finished(
        command.settings, request, outcome, started_at=1.0, duration_s=0.5, finished_at=2.0
    )
    folder = journal_folder(command.settings)
    assert folder is not None and len(pending(folder)) == 1

    window.sync()
    assert pending(folder) == []
    (added,) = [e for e in seen if isinstance(e, TaskCompleted)]
    task = window.require(added.task_id)
    assert task.state is TaskState.COMPLETED and task.repo_id == SLOW_REPO
    assert task.resolved_commit == outcome.plan.snapshot.commit
    assert {f.path for f in window.files(task.id)} == set(SLOW_FILES)
    (entry,) = find_history(window.db)
    assert (entry.task_id, entry.outcome, entry.finished_at) == (task.id, Outcome.COMPLETED, 2.0)


def test_an_entry_applied_before_a_crash_is_not_applied_twice(make_suite, options):  # type: ignore[no-untyped-def]
    """A crash between the commit that applied an entry and the removal of its file leaves the
    file: the next opening finds the history entry there and removes the file only."""
    suite = make_suite()
    request = DownloadRequest(RepoRef(SLOW_REPO), destination=options.destination)
    early = EarlyDownload(suite, request).start()
    assert early.wait(60)
    assert journal_finished(
        suite.settings, request, early.result(), started_at=1.0, duration_s=0.5, finished_at=2.0
    )
    folder = journal_folder(suite.settings)
    assert folder is not None
    (entry,) = pending(folder)
    kept = entry.read_bytes()

    manager = DownloadManager(suite)
    manager.sync()  # applies it
    entry.write_bytes(kept)  # as if the process died before removing it
    manager.sync()
    assert pending(folder) == []
    assert len(find_history(manager.db)) == 1
    assert sum(manager.counts().values()) == 1
