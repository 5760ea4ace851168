"""Tasks left running by a runner that died are interrupted, and the next queue run resumes them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from manager_helpers import MIB, REPOS, SLOW_REPO, cached_file

from hfsuite.app.history_ops import find_history
from hfsuite.app.queue.liveness import HOST
from hfsuite.app.queue.manager import DownloadManager
from hfsuite.core.types import Outcome, TaskState


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    return child.pid


@pytest.mark.parametrize(
    "claim",
    [
        pytest.param(
            f"{HOST}:{os.getpid()}:queue:1",
            id="queue-runner-without-the-lock",
            marks=pytest.mark.sqlite_only(
                reason="the free runner lock beside a SQLite database tells a dead queue runner; "
                "on PostgreSQL runners share the queue and a lease runs out instead (test_workers)"
            ),
        ),
        pytest.param(f"{HOST}:{_dead_pid()}:direct:1", id="killed-direct-download"),
    ],
)
def test_the_next_run_resumes_an_interrupted_task(manager: DownloadManager, options, claim):  # type: ignore[no-untyped-def]
    (task_id,) = manager.add_repos(["acme/alpha"], options)
    with manager.db.write() as uow:  # what a runner killed mid-download leaves behind
        uow.tasks.set_state([task_id], TaskState.RUNNING, claimed_by=claim)
    assert manager.interrupted_ids() == {task_id}
    assert manager.require(task_id).state is TaskState.RUNNING

    summary = manager.run()  # at once: no waiting for a heartbeat to go stale

    assert summary.completed == 1
    assert manager.require(task_id).state is TaskState.COMPLETED
    assert manager.interrupted_ids() == set()
    (entry,) = find_history(manager.db)
    assert entry.task_id == task_id and entry.outcome is Outcome.COMPLETED
    cache = Path(manager.require(task_id).destination)
    for path, content in REPOS["acme/alpha"].items():
        assert cached_file(cache, "acme/alpha", path).read_bytes() == content


def test_a_running_direct_download_is_not_interrupted(manager, options, hub):  # type: ignore[no-untyped-def]
    hub.throttle(per_connection_bps=1 * MIB)
    (task_id,) = manager.add_repos([SLOW_REPO], options)
    running = manager.start_task_now(task_id)
    try:
        assert manager.require(task_id).claimed_by, "a direct download claims its row"
        assert manager.interrupted_ids() == set()
    finally:
        running.cancel()
        assert running.wait(30)
