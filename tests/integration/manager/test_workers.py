"""Workers on one PostgreSQL queue (``hfsuite worker``): several processes share the tasks,
every task runs once, and a worker killed mid-file has its file finished by another from the
partial data it left (bytes sent again bounded by one checkpoint interval)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from process_helpers import checkpointed_bytes, runner_env, settled, wait_until

from hfsuite.app.history_ops import find_history
from hfsuite.app.queue.manager import DownloadManager, TaskOptions
from hfsuite.app.suite import Suite
from hfsuite.config import SettingsStore
from hfsuite.core.destination import Destination
from hfsuite.core.types import Outcome, TaskState
from hfsuite.testing import HubEmulator

HFSUITE = shutil.which("hfsuite", path=str(Path(sys.executable).parent)) or "hfsuite"
MIB = 1 << 20


def _suite(tmp_path: Path, db_url: str, hub: HubEmulator) -> Suite:
    store = SettingsStore(tmp_path / "cfg" / "settings.toml")
    env = {"HFSUITE_DB_URL": db_url, "HF_ENDPOINT": hub.url, "HFSUITE_HF_HOME": str(tmp_path)}
    return Suite(store.load(env=env), store)


def _worker(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [HFSUITE, "worker", "--json", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_three_workers_share_300_tasks_each_run_once(hub_factory, postgres_url, tmp_path):
    hub = hub_factory()
    contents = {f"acme/m{i:03d}": os.urandom(2048 + i) for i in range(300)}
    for repo_id, data in contents.items():
        hub.create_repo(repo_id, files={"model.bin": data})
    suite = _suite(tmp_path, postgres_url, hub)
    manager = DownloadManager(suite)
    cache = tmp_path / "shared-store"
    ids = manager.add_repos(list(contents), TaskOptions(destination=Destination.hf_cache(cache)))
    assert len(ids) == 300
    env = runner_env(tmp_path, hub, postgres_url)

    workers = [_worker(env, "--until-empty", "--slots", "3", "--name", f"w{i}") for i in range(3)]
    try:
        for w in workers:
            w.wait(240)
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
    for w in workers:
        assert w.returncode == 0, w.stderr.read() if w.stderr else ""

    assert [t.state for t in manager.list_tasks()] == [TaskState.COMPLETED] * 300
    history = find_history(manager.db)
    assert sorted(h.task_id or 0 for h in history) == sorted(ids)  # one run each, no second one
    assert {h.outcome for h in history} == {Outcome.COMPLETED}
    for repo_id, data in contents.items():
        snapshot = next((cache / f"models--{repo_id.replace('/', '--')}" / "snapshots").iterdir())
        assert (snapshot / "model.bin").read_bytes() == data, repo_id
    gets = [r.path for r in hub.log.records if r.method == "GET" and "/resolve/" in r.path]
    assert len(gets) == len(set(gets)) == 300  # every file fetched once, by one worker

    listed = subprocess.run(
        [HFSUITE, "workers", "ls", "--all", "--json"], env=env, capture_output=True, text=True
    )
    assert listed.returncode == 0, listed.stderr
    fleet = json.loads(listed.stdout)["workers"]
    assert sorted(w["name"] for w in fleet) == ["w0", "w1", "w2"]
    assert {w["state"] for w in fleet} == {"stopped"}
    assert sum(w["tasks_done"] for w in fleet) == 300
    assert sum(1 for w in fleet if w["tasks_done"] > 0) >= 2, fleet  # the work was shared
    suite.close()


def test_a_killed_worker_s_file_is_finished_by_another(hub_factory, postgres_url, tmp_path):
    hub = hub_factory(lfs_threshold=MIB)
    weights = os.urandom(24 * MIB)
    hub.create_repo("acme/big", files={"model.safetensors": weights, "config.json": b"{}"})
    cap = 2 * MIB
    hub.throttle(per_connection_bps=cap)
    suite = _suite(tmp_path, postgres_url, hub)
    manager = DownloadManager(suite)
    cache = tmp_path / "shared-store"
    (task_id,) = manager.add_repos(
        ["acme/big"], TaskOptions(destination=Destination.hf_cache(cache), connections=2)
    )
    env = runner_env(tmp_path, hub, postgres_url)

    first = _worker(env, "--name", "doomed")
    try:
        wait_until(
            lambda: checkpointed_bytes(cache) >= 4 * MIB, 60, "a checkpoint of the first worker"
        )
        time.sleep(0.6)  # not at a checkpoint: most of an interval's bytes are not saved yet
        running = manager.require(task_id)
        assert running.state is TaskState.RUNNING and ":worker:" in (running.claimed_by or "")
        assert manager.worker_names([running]) == {task_id: "doomed"}
        listed = subprocess.run(
            [HFSUITE, "queue", "ls", "--json"], env=env, capture_output=True, text=True
        )
        assert listed.returncode == 0, listed.stderr
        (row,) = json.loads(listed.stdout)["tasks"]
        assert (row["state"], row["worker"]) == ("running", "doomed")
        table = subprocess.run([HFSUITE, "queue", "ls"], env=env, capture_output=True, text=True)
        assert "worker" in table.stdout and "doomed" in table.stdout
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    killed_at = time.time()
    saved = checkpointed_bytes(cache)

    second = _worker(env, "--until-empty", "--name", "heir")
    try:
        assert second.wait(120) == 0, second.stderr.read() if second.stderr else ""
    finally:
        if second.poll() is None:
            second.kill()
    task = manager.require(task_id)
    assert task.state is TaskState.COMPLETED
    snapshot = next((cache / "models--acme--big" / "snapshots").iterdir())
    assert hashlib.sha256((snapshot / "model.safetensors").read_bytes()).digest() == (
        hashlib.sha256(weights).digest()
    )

    def cdn_gets_of(records: list) -> list:
        return [r for r in records if r.method == "GET" and r.origin == "cdn"]

    # The emulator records a response a moment after its last byte: wait for all of them.
    records = hub.log.wait_for(
        lambda rs: sum(r.bytes_sent for r in cdn_gets_of(rs)) >= len(weights)
    )
    cdn_gets = cdn_gets_of(records)
    served_after = sum(r.bytes_sent for r in cdn_gets if r.started >= killed_at)
    resent = sum(r.bytes_sent for r in cdn_gets) - len(weights)  # fetched twice, in all
    print(f"checkpointed {saved} of {len(weights)} bytes at the kill; fetched twice: {resent}")
    # What the dead worker received after its last checkpoint was fetched again: at most what
    # two capped connections move in one checkpoint interval (1 s), plus a little slack.
    assert 0 <= resent <= 2 * cap * 1.0 + MIB // 4
    assert served_after <= len(weights) - saved  # the heir fetched only what was not saved
    assert served_after < len(weights) - 3 * MIB  # and it did resume, not start over
    (entry,) = [h for h in find_history(manager.db) if h.task_id == task_id]
    assert entry.outcome is Outcome.COMPLETED
    suite.close()


def test_pause_and_cancel_from_another_client_reach_the_worker(hub_factory, postgres_url, tmp_path):
    hub = hub_factory(lfs_threshold=MIB)
    hub.create_repo("acme/slow", files={"model.safetensors": os.urandom(16 * MIB)})
    hub.create_repo("acme/other", files={"model.safetensors": os.urandom(16 * MIB)})
    hub.throttle(per_connection_bps=MIB)
    suite = _suite(tmp_path, postgres_url, hub)
    client = DownloadManager(suite)  # another host's client, as far as the worker can tell
    cache = tmp_path / "shared-store"
    slow, other = client.add_repos(
        ["acme/slow", "acme/other"],
        TaskOptions(destination=Destination.hf_cache(cache), connections=1),
    )
    worker = _worker(runner_env(tmp_path, hub, postgres_url), "--name", "w", "--slots", "2")
    try:
        running = lambda i: client.require(i).state is TaskState.RUNNING  # noqa: E731
        wait_until(lambda: running(slow) and running(other), 30, "both tasks running")
        wait_until(lambda: checkpointed_bytes(cache) > 0, 30, "a checkpoint")
        client.pause([slow])
        client.cancel([other])
        # The worker lets go: no claim on either row, and nothing moves on disk any more.
        wait_until(lambda: client.require(slow).claimed_by is None, 10, "the pause to reach it")
        wait_until(lambda: client.require(other).state is TaskState.CANCELLED, 10, "the cancel")
        assert client.require(slow).state is TaskState.PAUSED
        # The worker stops the transfers within a poll (or at once, notified) and writes a
        # last checkpoint: then nothing moves, though a running one would checkpoint each second.
        last = settled(lambda: checkpointed_bytes(cache), quiet_s=2.5, timeout_s=10)
        assert 0 < last < 32 * MIB  # type: ignore[operator]
        hub.clear_faults()
        client.resume([slow])
        wait_until(
            lambda: client.require(slow).state is TaskState.COMPLETED, 60, "the resumed task"
        )
    finally:
        worker.send_signal(signal.SIGTERM)  # a service manager stopping it
        try:
            worker.wait(30)
        finally:
            if worker.poll() is None:
                worker.kill()
    assert worker.returncode == 0, worker.stderr.read() if worker.stderr else ""
    (w,) = client.workers()
    assert w.name == "w" and w.stopped_at is not None
    suite.close()
