"""Several processes on one queue: kill -9 of the runner, a second runner, clients meanwhile."""

from __future__ import annotations

import hashlib
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from manager_helpers import MIB, REPOS, SLOW_FILES, SLOW_REPO, cached_file
from process_helpers import checkpointed_bytes, runner_env, settled, wait_until

from hfsuite.app.history_ops import find_history
from hfsuite.app.queue.manager import DownloadManager, TaskOptions
from hfsuite.core.destination import Destination
from hfsuite.core.types import Outcome, TaskState

HFSUITE = shutil.which("hfsuite", path=str(Path(sys.executable).parent)) or "hfsuite"


def test_kill_9_of_the_runner_then_run_completes_every_task(  # type: ignore[no-untyped-def]
    make_suite, hub, tmp_path, manager_db_url
):
    cache = tmp_path / "cache"
    manager = DownloadManager(make_suite())
    ids = manager.add_repos(
        list(REPOS), TaskOptions(destination=Destination.hf_cache(cache), connections=2)
    )
    total = sum(len(c) for files in REPOS.values() for c in files.values())
    hub.throttle(per_connection_bps=1 * MIB)  # 2 connections per file: the queue takes ~3 s
    env = runner_env(tmp_path, hub, manager_db_url)

    runner = subprocess.Popen(
        [HFSUITE, "queue", "run"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_until(lambda: checkpointed_bytes(cache) >= MIB, 30, "resume state on disk")
    finally:
        runner.send_signal(signal.SIGKILL)
        runner.wait(10)
    assert runner.returncode == -signal.SIGKILL
    interrupted = [t for t in manager.list_tasks() if t.state is TaskState.RUNNING]
    assert interrupted, "the runner died holding tasks"
    assert any(t.claimed_by for t in interrupted)

    hub.clear_faults()
    rerun_started = time.time()
    rerun = subprocess.run(
        [HFSUITE, "queue", "run"], env=env, capture_output=True, text=True, timeout=60
    )
    assert rerun.returncode == 0, rerun.stderr

    assert [manager.require(i).state for i in ids] == [TaskState.COMPLETED] * len(ids)
    for repo_id, files in REPOS.items():
        for path, content in files.items():
            on_disk = cached_file(cache, repo_id, path).read_bytes()
            assert hashlib.sha256(on_disk).digest() == hashlib.sha256(content).digest(), path
    served_again = sum(
        r.bytes_sent for r in hub.log.records if r.started >= rerun_started and r.method == "GET"
    )
    assert served_again < total, "the second run resumed instead of starting over"
    completed = [h for h in find_history(manager.db) if h.outcome is Outcome.COMPLETED]
    assert sorted(h.task_id for h in completed) == sorted(ids)


@pytest.mark.sqlite_only(
    reason="on SQLite a second runner is refused (its file lock); on PostgreSQL runners share "
    "the queue by design (test_workers.py)"
)
def test_two_processes_share_the_queue(make_suite, hub, tmp_path, manager_db_url):  # type: ignore[no-untyped-def]
    cache = tmp_path / "cache"
    env = runner_env(tmp_path, hub, manager_db_url)
    client = DownloadManager(make_suite())
    hub.throttle(per_connection_bps=1 * MIB)
    (slow,) = client.add_repos(
        [SLOW_REPO], TaskOptions(destination=Destination.hf_cache(cache), connections=1)
    )

    runner = subprocess.Popen(
        [HFSUITE, "queue", "run", "--watch", "--parallel", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(lambda: client.require(slow).state is TaskState.RUNNING, 15, "the runner")

        second = subprocess.run(
            [HFSUITE, "queue", "run"], env=env, capture_output=True, text=True, timeout=30
        )
        assert second.returncode == 10
        assert "already running" in second.stderr

        # A client adds work; the watching runner picks it up within about a second.
        added_at = time.monotonic()
        (quick,) = client.add_repos(
            ["acme/delta"], TaskOptions(destination=Destination.hf_cache(cache))
        )
        wait_until(lambda: client.require(quick).state is TaskState.COMPLETED, 15, "the added task")
        assert time.monotonic() - added_at < 5

        # Another process pauses the running task: the runner lets go of it.
        wait_until(lambda: checkpointed_bytes(cache) > 0, 15, "the slow task's first checkpoint")
        paused = subprocess.run(
            [HFSUITE, "queue", "pause", str(slow)], env=env, capture_output=True, text=True
        )
        assert paused.returncode == 0, paused.stderr
        wait_until(lambda: client.require(slow).state is TaskState.PAUSED, 5, "the pause")
        # The runner stops the transfer within a read or two; then nothing moves any more.
        moved = settled(lambda: (checkpointed_bytes(cache), client.require(slow).bytes_done))
        assert 0 < moved[0] < len(SLOW_FILES["model.safetensors"])
        assert client.require(slow).state is TaskState.PAUSED
        assert client.require(slow).claimed_by is None

        hub.clear_faults()
        client.resume([slow])
        wait_until(lambda: client.require(slow).state is TaskState.COMPLETED, 20, "completion")
    finally:
        runner.send_signal(signal.SIGINT)
        try:
            runner.wait(20)
        finally:
            if runner.poll() is None:
                runner.kill()
    assert runner.returncode == 0, runner.stderr.read() if runner.stderr else ""
    content = SLOW_FILES["model.safetensors"]
    assert cached_file(cache, SLOW_REPO, "model.safetensors").read_bytes() == content
