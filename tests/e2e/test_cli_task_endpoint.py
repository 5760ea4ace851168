"""A mirror given with ``--endpoint`` stays the task's: through the installed command, with the
settings' endpoint pointing at a server that refuses every connection."""

from __future__ import annotations

import os
import subprocess

import pytest
from json_documents import document
from queue_tasks import ctrl_c_once_running, listed_tasks

from hfsuite.testing import HubEmulator

NOWHERE = "http://127.0.0.1:9"  # the discard port: nothing listens
MIB = 1 << 20
BIG = os.urandom(6 * MIB)
CONTENT = {"config.json": b'{"m": 1}', "model.safetensors": os.urandom(300_000)}


@pytest.fixture
def env(hub: HubEmulator) -> dict[str, str]:
    hub.create_repo("acme/mirrored", files=CONTENT)
    return {"HF_ENDPOINT": NOWHERE}


def test_queue_add_keeps_the_endpoint_for_queue_run(hfsuite_cmd, hub, env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "d"
    added = hfsuite_cmd(
        "queue", "add", "acme/mirrored", "--endpoint", hub.url, "--local-dir", str(folder), env=env
    )
    assert added.returncode == 0, added.stderr

    run = hfsuite_cmd("queue", "run", env=env)

    assert run.returncode == 0, run.stderr
    for path, content in CONTENT.items():
        assert (folder / path).read_bytes() == content
    shown = document(hfsuite_cmd("queue", "show", "1", "--json", env=env).stdout, "task-detail")
    assert shown["state"] == "completed" and shown["endpoint"] == hub.url
    text = " ".join(hfsuite_cmd("queue", "show", "1", env=env).stdout.split())
    assert f"endpoint {hub.url}" in text


def test_a_cancelled_download_resumes_from_its_endpoint(  # type: ignore[no-untyped-def]
    hfsuite_cmd, hfsuite_exe, hub, env, tmp_path
):
    """The journey of a mirror's user: `download --endpoint` long enough to get its task,
    Ctrl-C, then `queue retry` and `queue run`, which resume it from the same mirror."""
    hub.create_repo("acme/big", files={"model.safetensors": BIG})
    hub.throttle(per_connection_bps=MIB // 16)
    folder = tmp_path / "d"
    cmd = [hfsuite_exe, "download", "acme/big", "--endpoint", hub.url, "--local-dir", str(folder)]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **env}
    )
    err = ctrl_c_once_running(proc, hfsuite_cmd, env)
    assert proc.returncode == 130, err
    hub.throttle(per_connection_bps=None)

    assert hfsuite_cmd("queue", "retry", "1", env=env).returncode == 0
    run = hfsuite_cmd("queue", "run", env=env)  # the settings still name a dead server

    assert run.returncode == 0, run.stderr
    assert (folder / "model.safetensors").read_bytes() == BIG
    shown = document(hfsuite_cmd("queue", "show", "1", "--json", env=env).stdout, "task-detail")
    assert shown["state"] == "completed" and shown["endpoint"] == hub.url

    # History keeps it as well: redone from there, the download asks the mirror again.
    listed = hfsuite_cmd("history", "ls", "--json", env=env)
    entries = document(listed.stdout, "history-list")["entries"]
    assert [(e["outcome"], e["endpoint"]) for e in entries] == [
        ("completed", hub.url),
        ("cancelled", hub.url),
    ]
    (folder / "model.safetensors").unlink()
    again = hfsuite_cmd("history", "redownload", str(entries[0]["id"]), "--now", env=env)
    assert again.returncode == 0, again.stderr
    assert (folder / "model.safetensors").read_bytes() == BIG
    script = hfsuite_cmd("script", "--history", str(entries[0]["id"]), "--shell", "python", env=env)
    assert script.returncode == 0, script.stderr  # planned against the mirror
    assert f"DEFAULT_ENDPOINT = '{hub.url}'" in script.stdout


def test_a_bad_endpoint_is_refused_before_anything_is_added(hfsuite_cmd, env) -> None:  # type: ignore[no-untyped-def]
    bad = hfsuite_cmd("queue", "add", "acme/mirrored", "--endpoint", "ftp://mirror", env=env)

    assert bad.returncode == 3, bad.stderr  # a setting's value refused (docs/errors.md)
    assert "Invalid value 'ftp://mirror' for setting 'endpoint'" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert listed_tasks(hfsuite_cmd, env) == []


def test_updates_ask_the_mirror_a_model_came_from(hfsuite_cmd, hub, env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """download --endpoint MIRROR, a change upstream, then `updates` and `updates --apply`
    with the settings naming a dead server: checked, queued and fetched from the mirror."""
    repo = hub.create_repo("acme/tracked", files={"a.txt": b"one", "b.txt": b"two"})
    folder = tmp_path / "t"
    got = hfsuite_cmd(
        "download", "acme/tracked", "--endpoint", hub.url, "--local-dir", str(folder), env=env
    )
    assert got.returncode == 0, got.stderr
    repo.commit({"a.txt": b"ONE, changed"})

    checked = hfsuite_cmd("updates", "--json", env=env)

    assert checked.returncode == 0, checked.stderr
    (entry,) = document(checked.stdout, "updates")["repos"]
    assert entry["update_available"] is True and entry["current_commit"] == repo.sha
    applied = document(hfsuite_cmd("updates", "--apply", "--json", env=env).stdout, "updates")
    (task_id,) = applied["queued_task_ids"]
    shown = hfsuite_cmd("queue", "show", str(task_id), "--json", env=env)
    assert document(shown.stdout, "task-detail")["endpoint"] == hub.url
    run = hfsuite_cmd("queue", "run", env=env)
    assert run.returncode == 0, run.stderr
    assert (folder / "a.txt").read_bytes() == b"ONE, changed"
    (after,) = document(hfsuite_cmd("updates", "--json", env=env).stdout, "updates")["repos"]
    assert after["downloaded_commit"] == repo.sha and after["update_available"] is False
