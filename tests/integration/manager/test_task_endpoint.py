"""A task keeps the endpoint it was added with (``--endpoint``, a mirror): run later from the
queue, it downloads from there, not from the endpoint of the settings; a download that takes
over a task stores the endpoint it used."""

from __future__ import annotations

from dataclasses import replace

from manager_helpers import REPOS, cached_file

from hfsuite.app.download.operation import DownloadRequest
from hfsuite.app.queue.early import EarlyDownload
from hfsuite.app.queue.finished import journal_finished
from hfsuite.app.queue.manager import DownloadManager, TaskOptions
from hfsuite.core.types import RepoRef, TaskState

FAST = {"poll_interval_s": 0.05, "progress_interval_s": 0.05, "flush_interval_s": 0.1}
NOWHERE = "http://127.0.0.1:9"  # the discard port: nothing listens, a connection is refused


def test_a_task_downloads_from_the_endpoint_it_was_added_with(make_suite, hub, options):  # type: ignore[no-untyped-def]
    manager = DownloadManager(make_suite(endpoint=NOWHERE))  # the settings name a dead server
    manager.tasks_in_parallel = 1
    (mirrored,) = manager.add_repos(["acme/alpha"], replace(options, endpoint=hub.url))
    (plain,) = manager.add_repos(["acme/beta"], options)

    summary = manager.run(**FAST)

    assert (summary.completed, summary.failed) == (1, 1)
    task = manager.require(mirrored)
    assert task.state is TaskState.COMPLETED and task.endpoint == hub.url
    for path, content in REPOS["acme/alpha"].items():
        assert cached_file(options.destination.path, "acme/alpha", path).read_bytes() == content
    other = manager.require(plain)
    assert other.state is TaskState.FAILED and other.endpoint is None  # the setting's


def test_a_download_that_takes_over_a_task_stores_the_endpoint_it_used(  # type: ignore[no-untyped-def]
    make_suite, hub, options
):
    suite = make_suite()
    manager = DownloadManager(suite)
    old = TaskOptions(destination=options.destination, paused=True, endpoint=NOWHERE)
    (twin,) = manager.add_repos(["acme/alpha"], old)
    request = DownloadRequest(
        RepoRef("acme/alpha"), destination=options.destination, endpoint=hub.url
    )

    running = manager.adopt(EarlyDownload(suite, request).start())
    running.wait_to_end()
    running.result()

    task = manager.require(twin)  # taken over, not a second task beside it
    assert task.state is TaskState.COMPLETED and task.endpoint == hub.url
    assert [t.id for t in manager.list_tasks()] == [twin]


def test_a_journaled_download_that_takes_over_a_task_stores_its_endpoint(  # type: ignore[no-untyped-def]
    make_suite, hub, options
):
    suite = make_suite()
    manager = DownloadManager(suite)
    manager.sync()
    (twin,) = manager.add_repos(
        ["acme/beta"], TaskOptions(destination=options.destination, endpoint=NOWHERE)
    )
    request = DownloadRequest(
        RepoRef("acme/beta"), destination=options.destination, endpoint=hub.url
    )
    early = EarlyDownload(suite, request).start()
    assert early.wait(60)
    assert journal_finished(
        suite.settings, request, early.result(), started_at=1.0, duration_s=0.5, finished_at=2.0
    )

    manager.sync()

    task = manager.require(twin)
    assert task.state is TaskState.COMPLETED and task.endpoint == hub.url
