"""A task whose process was killed shows as interrupted, and `hfsuite queue run` resumes it.

The installed command against the emulator: `hfsuite download` and `hfsuite queue run` are
killed with SIGKILL mid-download; their task rows still say running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from json_documents import document

from hfsuite.engine.ranges import RangeSet
from hfsuite.engine.resume import load_state

MIB = 1 << 20


@pytest.fixture
def served(hub_factory):  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=MIB)
    content = os.urandom(16 * MIB)
    hub.create_repo("acme/big", files={"model.safetensors": content, "config.json": b"{}"})
    hub.create_repo("acme/one", files={"config.json": b"{}"})
    hub.create_repo("acme/two", files={"config.json": b"{}"})
    return hub, content


# A connection whose tail another one takes over drops what was already in its socket buffer:
# a run may fetch this much more than the bytes it lacked per takeover (the engine tests'
# bound too); a loaded machine has seen two in one run.
TAKEOVER_SLACK = 2 * MIB


def _served_ranges(records, since: float) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    """The file bytes each GET since ``since`` sent: [start, start + bytes sent)."""
    served = []
    for r in records:
        if r.started < since or r.method != "GET" or r.status not in (200, 206):
            continue
        if not r.path.endswith("model.safetensors"):
            continue
        start = int(r.range.removeprefix("bytes=").split("-")[0]) if r.range else 0
        served.append((start, start + r.bytes_sent))
    return served


def _kill_once_bytes_are_on_disk(cmd: list[str], dest: Path, env: dict[str, str]) -> RangeSet:
    """Run ``cmd``, kill it with SIGKILL once its resume state records 4 MiB; the ranges the
    state records after the kill (what a resumed run must not fetch again)."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    state_path = dest / ".cache/huggingface/download/model.safetensors.hfsuite.json"
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            state = load_state(state_path) if state_path.exists() else None
            if state is not None and state.ranges.total >= 4 * MIB:
                break
            time.sleep(0.05)
        else:
            pytest.fail("no resume state with 4 MiB in it")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    state = load_state(state_path)
    assert state is not None
    return state.ranges


def _resumed_by_queue_run(
    hfsuite_cmd, hub, content: bytes, dest: Path, env, on_disk: RangeSet
) -> None:  # type: ignore[no-untyped-def]
    (task,) = document(hfsuite_cmd("queue", "ls", "--json", env=env).stdout, "task-list")["tasks"]
    assert task["state"] == "interrupted"
    table = hfsuite_cmd("queue", "ls", env=env)
    assert "interrupted" in table.stdout and "1 interrupted" in table.stderr
    assert "running" not in table.stderr

    hub.clear_faults()
    since = time.time()
    run = hfsuite_cmd("queue", "run", env=env)
    assert run.returncode == 0, run.stderr
    assert f"completed #{task['id']} acme/big" in run.stderr
    (done,) = document(hfsuite_cmd("queue", "ls", "--json", env=env).stdout, "task-list")["tasks"]
    assert done["state"] == "completed"
    assert (dest / "model.safetensors").read_bytes() == content
    served = _served_ranges(hub.log.records, since)
    # Resumed, not started over: no byte the resume state recorded was asked for again ...
    fetched_again = sum(
        max(0, min(end, e) - max(start, s)) for start, end in served for s, e in on_disk
    )
    assert fetched_again == 0, (served, list(on_disk))
    # ... and what was missing came with at most two takeovers' socket buffers more.
    missing = len(content) - on_disk.total
    served_again = sum(end - start for start, end in served)
    assert served_again <= missing + 2 * TAKEOVER_SLACK, (served_again, on_disk.total)


def test_a_killed_download_is_interrupted_and_queue_run_resumes_it(  # type: ignore[no-untyped-def]
    served, hfsuite_cmd, hfsuite_exe, tmp_path
):
    hub, content = served
    hub.throttle(per_connection_bps=1 * MIB)  # 2 connections: about 8 s for the whole file
    dest = tmp_path / "d"
    env = {"HF_ENDPOINT": hub.url}
    cmd = [hfsuite_exe, "download", "acme/big", "--local-dir", str(dest), "-c", "2"]
    on_disk = _kill_once_bytes_are_on_disk(cmd, dest, dict(os.environ, **env))
    _resumed_by_queue_run(hfsuite_cmd, hub, content, dest, env, on_disk)


def test_a_killed_queue_run_leaves_interrupted_tasks_the_next_run_resumes(  # type: ignore[no-untyped-def]
    served, hfsuite_cmd, hfsuite_exe, tmp_path
):
    hub, content = served
    hub.throttle(per_connection_bps=1 * MIB)
    dest = tmp_path / "d"
    env = {"HF_ENDPOINT": hub.url}
    added = hfsuite_cmd(
        "queue", "add", "acme/big", "--local-dir", str(dest), "-c", "2", "--json", env=env
    )
    assert added.returncode == 0, added.stderr
    on_disk = _kill_once_bytes_are_on_disk(
        [hfsuite_exe, "queue", "run"], dest, dict(os.environ, **env)
    )
    _resumed_by_queue_run(hfsuite_cmd, hub, content, dest, env, on_disk)


def test_queue_messages_use_verbs_and_plurals(served, hfsuite_cmd) -> None:  # type: ignore[no-untyped-def]
    hub, _ = served
    env = {"HF_ENDPOINT": hub.url}
    added = hfsuite_cmd("queue", "add", "acme/one", "acme/two", "--paused", env=env)
    assert "Added 2 tasks: 1, 2" in added.stderr
    said = {
        ("priority", "high", "1", "2"): "Changed the priority of 2 tasks.",
        ("resume", "1"): "Resumed 1 task.",
        ("pause", "--all"): "Paused 1 task.",
        ("cancel", "--all"): "Cancelled 2 tasks.",
        ("retry", "2"): "Retried 1 task.",
        ("rm", "1", "2"): "Removed 2 tasks.",
        ("retry", "--all"): "Retried 0 tasks.",
    }
    for args, message in said.items():
        result = hfsuite_cmd("queue", *args, env=env)
        assert result.returncode == 0, result.stderr
        assert message in result.stderr, (args, result.stderr)
