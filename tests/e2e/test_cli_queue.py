"""`hfsuite queue`, `history` and `stats` end to end: the installed command and the emulator."""

from __future__ import annotations

import csv
import io
import json
import os

import pytest
from json_documents import document, json_lines

MIB = 1 << 20
TOKEN = "hf_" + "T" * 34


@pytest.fixture
def hub_env(hub_factory, tmp_path):  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=MIB)
    hub.add_token(TOKEN, user="alice", role="read")
    contents = {
        "acme/one": {"model.safetensors": os.urandom(2 * MIB), "config.json": b"{}"},
        "acme/two": {"weights.bin": os.urandom(MIB + 5)},
        "acme/three": {"tokenizer.json": b'{"t": 1}' * 100},
    }
    for repo_id, files in contents.items():
        hub.create_repo(repo_id, files=files)
    env = {"HF_ENDPOINT": hub.url, "HF_TOKEN": TOKEN, "HFSUITE_HF_CACHE_DIR": str(tmp_path / "c")}
    return hub, env, contents


def test_queue_add_order_pause_and_run(hfsuite_cmd, hub_env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, env, contents = hub_env
    listing = tmp_path / "models.txt"
    listing.write_text("# my models\nacme/two\n\nacme/three\n")
    added = hfsuite_cmd("queue", "add", "acme/one", "-i", str(listing), "--json", env=env)
    assert added.returncode == 0, added.stderr
    one, two, three = document(added.stdout, "queue-change")["task_ids"]

    assert hfsuite_cmd("queue", "priority", "high", str(three), env=env).returncode == 0
    assert hfsuite_cmd("queue", "move", str(two), "top", env=env).returncode == 0
    assert hfsuite_cmd("queue", "pause", str(one), env=env).returncode == 0
    shown = hfsuite_cmd("queue", "ls", "--json", env=env)
    rows = document(shown.stdout, "task-list")["tasks"]
    assert [(r["id"], r["state"], r["priority"]) for r in rows] == [
        (three, "queued", "high"),
        (two, "queued", "normal"),
        (one, "paused", "normal"),
    ]
    table = hfsuite_cmd("queue", "ls", env=env)
    assert "acme/three" in table.stdout and "1 paused" in table.stderr

    run = hfsuite_cmd("queue", "run", "--json", "--parallel", "1", env=env)
    assert run.returncode == 0, run.stderr
    events = json_lines(run.stdout, "queue-event")
    started = [e["task"]["id"] for e in events if e["event"] == "TaskStarted"]
    assert started == [three, two]  # the paused one stays paused; order by priority, place
    assert any(e["event"] == "TasksProgressed" for e in events)
    assert events[-1] == {
        "schema": "hfsuite/queue-event/v1",
        "event": "Finished",
        "completed": 2,
        "failed": 0,
        "cancelled": 0,
    }

    assert hfsuite_cmd("queue", "resume", "--all", env=env).returncode == 0
    again = hfsuite_cmd("queue", "run", env=env)
    assert again.returncode == 0, again.stderr
    assert f"completed #{one} acme/one" in again.stderr
    snapshots = tmp_path / "c" / "models--acme--one" / "snapshots"
    (snapshot,) = snapshots.iterdir()
    assert (snapshot / "model.safetensors").read_bytes() == contents["acme/one"][
        "model.safetensors"
    ]

    assert hfsuite_cmd("queue", "rm", "--finished", env=env).returncode == 0
    emptied = hfsuite_cmd("queue", "ls", "--json", env=env).stdout
    assert document(emptied, "task-list")["tasks"] == []


def test_queue_errors_and_exit_codes(hfsuite_cmd, hub_env) -> None:  # type: ignore[no-untyped-def]
    _, env, _ = hub_env
    assert hfsuite_cmd("queue", "add", "not a repo", env=env).returncode == 2
    assert hfsuite_cmd("queue", "pause", env=env).returncode == 2  # which ones?
    assert hfsuite_cmd("queue", "move", "99", "top", env=env).returncode == 2
    assert hfsuite_cmd("queue", "priority", "urgent", "1", env=env).returncode == 2
    hfsuite_cmd("queue", "add", "acme/missing", env=env)
    failed = hfsuite_cmd("queue", "run", env=env)
    assert failed.returncode == 8
    assert "acme/missing was not found" in failed.stderr
    retried = hfsuite_cmd("queue", "retry", "--all", env=env)
    assert retried.returncode == 0 and "1 task" in retried.stderr


def test_download_history_export_and_stats(hfsuite_cmd, hub_env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, env, contents = hub_env
    done = hfsuite_cmd("download", "acme/two", "--local-dir", str(tmp_path / "two"), env=env)
    assert done.returncode == 0, done.stderr
    # A queued task that fails is recorded (a one-off `hfsuite download` of a missing repo
    # leaves nothing behind: tests/e2e/test_cli_download_task.py).
    hfsuite_cmd("queue", "add", "acme/nope", env=env)
    assert hfsuite_cmd("queue", "run", env=env).returncode == 8
    hfsuite_cmd("queue", "add", "acme/three", env=env)
    assert hfsuite_cmd("queue", "cancel", "--all", env=env).returncode == 0

    listed = document(hfsuite_cmd("history", "ls", "--json", env=env).stdout, "history-list")[
        "entries"
    ]
    assert [(r["repo_id"], r["outcome"]) for r in listed] == [
        ("acme/three", "cancelled"),
        ("acme/nope", "failed"),
        ("acme/two", "completed"),
    ]
    two = listed[-1]
    assert two["bytes"] == MIB + 5 and two["commit"] and two["destination"] == str(tmp_path / "two")
    failed_only = hfsuite_cmd("history", "ls", "--outcome", "failed", "--json", env=env)
    failed_entries = document(failed_only.stdout, "history-list")["entries"]
    assert [r["repo_id"] for r in failed_entries] == ["acme/nope"]
    shown = hfsuite_cmd("history", "show", str(two["id"]), env=env)
    assert "weights.bin" in shown.stdout and two["commit"] in shown.stdout

    assert hfsuite_cmd("history", "fav", "acme/two", env=env).returncode == 0
    favorites = hfsuite_cmd("history", "ls", "-f", "--json", env=env).stdout
    assert [r["repo_id"] for r in document(favorites, "history-list")["entries"]] == ["acme/two"]
    assert hfsuite_cmd("history", "unfav", str(two["id"]), env=env).returncode == 0

    out_csv = tmp_path / "history.csv"
    exported = hfsuite_cmd("history", "export", "--format", "csv", "-O", str(out_csv), env=env)
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text())))
    assert [r["outcome"] for r in rows] == ["cancelled", "failed", "completed"]
    assert rows[2]["files"] == "weights.bin" and rows[2]["bytes"] == str(MIB + 5)
    as_json = hfsuite_cmd("history", "export", "--format", "json", env=env).stdout
    assert json.loads(as_json)[2]["repo_id"] == "acme/two"
    for text in (out_csv.read_text(), as_json):
        assert TOKEN not in text

    stats = document(hfsuite_cmd("stats", "--days", "3", "--json", env=env).stdout, "stats")
    assert len(stats["days"]) == 3
    total = stats["total"]
    assert (total["completed"], total["failed"], total["cancelled"]) == (1, 1, 1)
    assert total["bytes"] >= MIB + 5
    assert "total" in hfsuite_cmd("stats", env=env).stdout

    (tmp_path / "two" / "weights.bin").unlink()
    again = hfsuite_cmd("history", "redownload", str(two["id"]), "--now", env=env)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "two" / "weights.bin").read_bytes() == contents["acme/two"]["weights.bin"]


def test_help_lists_the_new_groups(hfsuite_cmd) -> None:  # type: ignore[no-untyped-def]
    top = hfsuite_cmd("--help").stdout
    assert all(name in top for name in ("queue", "history", "stats"))
    assert "Examples" in hfsuite_cmd("queue", "--help").stdout
