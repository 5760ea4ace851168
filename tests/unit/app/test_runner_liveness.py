"""Claims, the runner lock and its probe, and when a running task counts as interrupted."""

from __future__ import annotations

import dataclasses
import fcntl
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from manager_unit_helpers import make_suite, record

from hfsuite.app.queue.liveness import (
    HOST,
    Claim,
    ClaimKind,
    RunnerLock,
    lock_path,
    new_claim_id,
    pid_alive,
    queue_runner_alive,
    runner_gone,
)
from hfsuite.app.queue.manager import DownloadManager
from hfsuite.core.errors import RunnerBusyError
from hfsuite.core.types import SourceKind, TaskState
from hfsuite.storage import TaskSpec

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock")


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    return child.pid


def _running(claimed_by: str | None, heartbeat_at: float | None = 100.0):  # type: ignore[no-untyped-def]
    return dataclasses.replace(
        record(1, TaskState.RUNNING), claimed_by=claimed_by, heartbeat_at=heartbeat_at
    )


def test_claims_name_host_process_and_kind() -> None:
    claim = new_claim_id(ClaimKind.DIRECT)
    assert claim != new_claim_id(ClaimKind.DIRECT)
    assert Claim.parse(claim) == Claim(HOST, os.getpid(), "direct")
    assert Claim.parse("box:12:queue:7f") == Claim("box", 12, "queue")
    assert Claim.parse("box:12") == Claim("box", 12, "")  # an older version's claim
    assert Claim.parse("box:x:queue:1") == Claim("box", None, "queue")
    assert Claim.parse(None) is None and Claim.parse("") is None


def test_a_process_is_gone_only_when_known_on_this_host() -> None:
    dead = _dead_pid()
    assert pid_alive(os.getpid()) and not pid_alive(dead)
    assert Claim(HOST, dead, "direct").process_gone()
    assert not Claim(HOST, os.getpid(), "direct").process_gone()
    assert not Claim("another-host", dead, "direct").process_gone()


def test_when_a_running_task_is_interrupted() -> None:
    dead, me = _dead_pid(), os.getpid()
    queue_claim = f"{HOST}:{me}:queue:1"
    # A queue runner's claim: interrupted once no queue runner holds the lock.
    assert runner_gone(_running(queue_claim), queue_runner_alive=False)
    assert not runner_gone(_running(queue_claim), queue_runner_alive=True)
    assert not runner_gone(_running(queue_claim))  # unknown: its process lives
    # A claim of a process of this host that has ended: interrupted, lock or not.
    assert runner_gone(_running(f"{HOST}:{dead}:direct:1"), queue_runner_alive=True)
    assert runner_gone(_running(f"{HOST}:{dead}:queue:1"))
    assert not runner_gone(_running(f"{HOST}:{me}:direct:1"), queue_runner_alive=False)
    # Nothing else known (another host, no claim): only a stale heartbeat tells.
    for claim in ("elsewhere:1:direct:1", None):
        assert not runner_gone(_running(claim, heartbeat_at=100.0), stale_before=50.0)
        assert runner_gone(_running(claim, heartbeat_at=10.0), stale_before=50.0)
        assert not runner_gone(_running(claim, heartbeat_at=10.0))
    # Only a running task can be interrupted.
    paused = dataclasses.replace(record(1, TaskState.PAUSED), claimed_by=queue_claim)
    assert not runner_gone(paused, queue_runner_alive=False, stale_before=1e12)


def test_the_probe_sees_a_runner_of_this_or_another_process(tmp_path: Path) -> None:
    where = str(tmp_path / "db.sqlite")
    assert queue_runner_alive(where) is False  # no runner ever ran here
    with RunnerLock(where, {}):
        assert queue_runner_alive(where) is True
        assert queue_runner_alive(where) is True  # probes do not disturb each other
    assert queue_runner_alive(where) is False

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from filelock import FileLock; lock = FileLock(sys.argv[1]); "
            "lock.acquire(); print('held', flush=True); sys.stdin.read()",
            str(lock_path(where)),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert queue_runner_alive(where) is True
        with pytest.raises(RunnerBusyError):
            RunnerLock(where, {}).__enter__()
    finally:
        holder.kill()  # the OS drops its lock
        holder.wait()
    assert queue_runner_alive(where) is False
    assert queue_runner_alive(str(tmp_path / "no-such-dir" / "db.sqlite")) is None


def test_a_runner_starting_during_a_probe_waits_for_it(tmp_path: Path) -> None:
    where = str(tmp_path / "db.sqlite")
    with RunnerLock(where, {}):
        pass  # the lock file exists from now on
    path = lock_path(where)
    assert path is not None
    fd = os.open(path, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)  # a probe, caught in the middle
    release = threading.Timer(0.05, os.close, args=(fd,))
    release.start()
    try:
        with RunnerLock(where, {}):
            assert queue_runner_alive(where) is True
    finally:
        release.join()


def test_the_manager_lists_interrupted_tasks(tmp_path: Path) -> None:
    manager = DownloadManager(make_suite(tmp_path))
    try:
        url = "http://127.0.0.1:9/x.bin"
        queued, direct, kept = manager.add(
            [TaskSpec(SourceKind.URL, str(tmp_path), url=url) for _ in range(3)]
        )
        assert manager.interrupted_ids() == set()
        with manager.db.write() as uow:
            # A queue runner of this very process that stopped without giving its task back,
            # a direct download whose process was killed, one that still runs here.
            uow.tasks.claim_next(1, f"{HOST}:{os.getpid()}:queue:1")
            uow.tasks.set_state(
                [direct], TaskState.RUNNING, claimed_by=f"{HOST}:{_dead_pid()}:direct:1"
            )
            uow.tasks.set_state(
                [kept], TaskState.RUNNING, claimed_by=new_claim_id(ClaimKind.DIRECT)
            )
        assert manager.interrupted_ids() == {queued, direct}
        with RunnerLock(manager.db.where, {}):  # a queue runner holds the queue
            assert manager.interrupted_ids() == {direct}
        assert manager.require(queued).state is TaskState.RUNNING, "listing changes nothing"
    finally:
        manager.suite.close()
