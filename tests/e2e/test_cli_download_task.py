"""`hfsuite download` is a queue task run at once; the queue must not fill with its leftovers.

The installed command against the emulator: a typo leaves no task, a failure names the task to
retry, a second run after a kill takes the interrupted task over, and unknown ids are refused.
"""

from __future__ import annotations

import os

import pytest
from queue_tasks import ctrl_c_once_running, listed_tasks
from test_cli_queue_interrupted import _kill_once_bytes_are_on_disk

MIB = 1 << 20


@pytest.fixture
def served(hub_factory):  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=MIB)
    content = os.urandom(16 * MIB)
    hub.create_repo("acme/big", files={"model.safetensors": content, "config.json": b"{}"})
    hub.create_repo("acme/one", files={"config.json": b"{}"})
    return hub, content


def test_a_typo_leaves_no_queue_task(served, hfsuite_cmd, tmp_path) -> None:  # type: ignore[no-untyped-def]
    hub, _ = served
    env = {"HF_ENDPOINT": hub.url}
    typo = hfsuite_cmd("download", "acme/bgi", "--local-dir", str(tmp_path / "d"), env=env)
    assert typo.returncode == 7, typo.stderr
    assert "acme/bgi was not found" in typo.stderr
    assert listed_tasks(hfsuite_cmd, env) == []


def test_a_failed_download_names_its_task_to_retry(served, hfsuite_cmd, tmp_path) -> None:  # type: ignore[no-untyped-def]
    hub, content = served
    env = {"HF_ENDPOINT": hub.url}
    hfsuite_cmd("queue", "add", "acme/one", "--paused", env=env)  # an unrelated task: id 1
    hub.add_fault("*model.safetensors", methods=["GET"], status=403)
    failed = hfsuite_cmd("download", "acme/big", "--local-dir", str(tmp_path / "d"), env=env)
    assert failed.returncode != 0
    (task,) = [t for t in listed_tasks(hfsuite_cmd, env) if t["repo_id"] == "acme/big"]
    assert task["state"] == "failed"
    assert f"hfsuite queue retry {task['id']}" in failed.stderr, failed.stderr
    assert "--all" not in failed.stderr

    hub.clear_faults()
    again = hfsuite_cmd("download", "acme/big", "--local-dir", str(tmp_path / "d"), env=env)
    assert again.returncode == 0, again.stderr
    # The same command again takes the failed task over rather than adding a twin.
    assert [(t["id"], t["state"]) for t in listed_tasks(hfsuite_cmd, env)] == [
        (1, "paused"),
        (task["id"], "completed"),
    ]
    assert (tmp_path / "d" / "model.safetensors").read_bytes() == content


def test_queue_run_names_the_failed_tasks(served, hfsuite_cmd) -> None:  # type: ignore[no-untyped-def]
    hub, _ = served
    env = {"HF_ENDPOINT": hub.url}
    hfsuite_cmd("queue", "add", "acme/missing", "acme/one", env=env)
    run = hfsuite_cmd("queue", "run", env=env)
    assert run.returncode == 8
    assert "hfsuite queue retry 1" in run.stderr and "--all" not in run.stderr


def test_running_download_again_after_a_kill_takes_the_interrupted_task_over(  # type: ignore[no-untyped-def]
    served, hfsuite_cmd, hfsuite_exe, tmp_path
):
    hub, content = served
    # Slow enough that the task row exists (the database opens while the first bytes move,
    # up to a second on a loaded machine) before the 1 MiB the kill waits for is on disk.
    hub.throttle(per_connection_bps=MIB // 4)
    dest = tmp_path / "d"
    env = {"HF_ENDPOINT": hub.url}
    cmd = [hfsuite_exe, "download", "acme/big", "--local-dir", str(dest), "-c", "2"]
    _kill_once_bytes_are_on_disk(cmd, dest, dict(os.environ, **env))
    (before,) = listed_tasks(hfsuite_cmd, env)
    assert before["state"] == "interrupted"

    hub.clear_faults()
    again = hfsuite_cmd("download", "acme/big", "--local-dir", str(dest), "-c", "2", env=env)
    assert again.returncode == 0, again.stderr
    (after,) = listed_tasks(hfsuite_cmd, env)
    assert (after["id"], after["state"]) == (before["id"], "completed")
    assert (dest / "model.safetensors").read_bytes() == content


@pytest.mark.parametrize(
    "args",
    [
        ("pause", "99"),
        ("resume", "99"),
        ("cancel", "99"),
        ("retry", "99"),
        ("rm", "99"),
        ("priority", "high", "99"),
        ("pause", "1", "99"),
    ],
)
def test_unknown_task_ids_are_refused(served, hfsuite_cmd, args) -> None:  # type: ignore[no-untyped-def]
    hub, _ = served
    env = {"HF_ENDPOINT": hub.url}
    hfsuite_cmd("queue", "add", "acme/one", env=env)
    result = hfsuite_cmd("queue", *args, env=env)
    assert result.returncode == 2, result.stderr
    assert "There is no task 99" in result.stderr
    assert "0 tasks" not in result.stderr
    (task,) = listed_tasks(hfsuite_cmd, env)
    assert task["state"] == "queued"  # nothing changed, not even task 1


def test_download_summary_counts_files_in_words(served, hfsuite_cmd, tmp_path) -> None:  # type: ignore[no-untyped-def]
    hub, _ = served
    env = {"HF_ENDPOINT": hub.url}
    done = hfsuite_cmd("download", "acme/one", "--local-dir", str(tmp_path / "d"), env=env)
    assert done.returncode == 0, done.stderr
    assert "Downloaded 1 file," in done.stderr
    plan = hfsuite_cmd(
        "download", "acme/one", "--local-dir", str(tmp_path / "d"), "--dry-run", env=env
    )
    assert "1 file " in plan.stdout and "1 files" not in plan.stdout
    info = hfsuite_cmd("info", "acme/one", "--files", env={**env, "COLUMNS": "200"})
    assert "1 file " in info.stdout and "1 files" not in info.stdout


def test_ctrl_c_once_the_task_runs_cancels_the_task_and_keeps_its_bytes(  # type: ignore[no-untyped-def]
    served, hfsuite_cmd, hfsuite_exe, tmp_path
):
    """A download long enough to get its task (seconds more to go after its first second and a
    half) is in the queue while it runs; a Ctrl-C then stops it as a cancelled task, its
    partial data kept for the same command to resume."""
    import subprocess

    hub, _ = served
    hub.throttle(per_connection_bps=MIB // 16)
    dest = tmp_path / "d"
    env = dict(os.environ, HF_ENDPOINT=hub.url)
    cmd = [hfsuite_exe, "download", "acme/big", "--local-dir", str(dest)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    err = ctrl_c_once_running(proc, hfsuite_cmd, {"HF_ENDPOINT": hub.url})
    assert proc.returncode == 130, err
    assert "run the same command again to resume" in err
    (task,) = listed_tasks(hfsuite_cmd, {"HF_ENDPOINT": hub.url})
    assert task["state"] == "cancelled"
    assert list(dest.rglob("*.hfsuite.incomplete")), "its partial data is kept"
