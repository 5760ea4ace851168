"""An exception nobody raised on purpose ends a task as failed, with a message and a log line."""

from __future__ import annotations

import logging

import pytest

from hfsuite.app.download.operation import DownloadRequest
from hfsuite.app.history_ops import find_history
from hfsuite.core.errors import HfSuiteError
from hfsuite.core.types import Outcome, RepoRef, TaskState
from hfsuite.sources.huggingface import HuggingFaceSource

FAST = {"poll_interval_s": 0.05, "progress_interval_s": 0.05, "flush_interval_s": 0.1}


@pytest.fixture
def broken_listing(monkeypatch):  # type: ignore[no-untyped-def]
    def snapshot(self, ref):  # type: ignore[no-untyped-def]
        raise ValueError("weights.bin: the HF cache layout needs an etag")

    monkeypatch.setattr(HuggingFaceSource, "snapshot", snapshot)


def test_a_queued_task_fails_with_the_message_and_logs_the_traceback(  # type: ignore[no-untyped-def]
    manager, options, broken_listing, caplog
):
    (task_id,) = manager.add_repos(["acme/beta"], options)
    with caplog.at_level(logging.ERROR, logger="hfsuite"):
        summary = manager.run(**FAST)
    assert summary.failed == 1
    task = manager.require(task_id)
    assert task.state is TaskState.FAILED
    assert task.error is not None
    assert "ValueError" in task.error and "needs an etag" in task.error
    (entry,) = find_history(manager.db)
    assert entry.outcome is Outcome.FAILED and entry.error == task.error
    logged = [r for r in caplog.records if r.exc_info and str(task_id) in r.getMessage()]
    assert logged and isinstance(logged[0].exc_info[1], ValueError)  # type: ignore[index]


def test_a_direct_download_raises_a_readable_error_not_the_raw_exception(  # type: ignore[no-untyped-def]
    manager, options, broken_listing
):
    running = manager.start_download(
        DownloadRequest(RepoRef("acme/gamma"), destination=options.destination)
    )
    assert running.wait(30)
    with pytest.raises(HfSuiteError) as caught:
        running.result()
    error = caught.value
    assert error.exit_code == 1
    assert error.message.startswith("Unexpected error: ValueError: ")
    assert "needs an etag" in error.message
    assert error.hint and "log" in error.hint
    assert "Traceback" not in str(error)
    assert isinstance(error.__cause__, ValueError)
    assert manager.require(running.task_id).state is TaskState.FAILED
