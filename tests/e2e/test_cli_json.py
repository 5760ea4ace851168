"""Every command's ``--json`` output against docs/json-schema/v1.json: the installed command and
the emulator.

Commands whose JSON other end-to-end tests read (queue ls/run, history ls, stats, updates,
search, info, auth status, config show, download --dry-run) are validated there too; this file
covers the rest, errors under ``--json``, and the ``download --json`` stream to its last line.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from json_documents import check, document, json_lines

from hfsuite.testing import HubEmulator

MIB = 1 << 20
ALICE = "hf_aliceJSONtoken00001"
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


@pytest.fixture
def hub(hub_factory: Any) -> HubEmulator:
    hub: HubEmulator = hub_factory(lfs_threshold=MIB)
    hub.create_repo("acme/big", files={"model.safetensors": os.urandom(8 * MIB), "a.json": b"{}"})
    hub.create_repo("acme/small", files={"config.json": b"{}", "weights.bin": b"w" * 1000})
    hub.create_repo("meta/gated", gated="manual", files={"a.txt": b"a"})
    hub.add_token(ALICE, user="alice", display_name="laptop")
    return hub


def _env(hub: HubEmulator, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "HF_ENDPOINT": hub.url,
        "HFSUITE_HF_CACHE_DIR": str(tmp_path / "cache"),
        **NO_KEYRING,
        **extra,
    }


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_config_commands(hfsuite_cmd: Any) -> None:
    changed = document(
        _ok(hfsuite_cmd("config", "set", "global_limit_bps", "20M", "--json")), "setting-change"
    )
    assert (changed["key"], changed["value"], changed["overridden_by"]) == (
        "global_limit_bps",
        20_000_000,
        None,
    )
    overridden = hfsuite_cmd(
        "config", "set", "endpoint", "http://127.0.0.1:9", "--json",
        env={"HF_ENDPOINT": "http://127.0.0.1:5"},
    )  # fmt: skip
    assert document(_ok(overridden), "setting-change")["overridden_by"] == "HF_ENDPOINT"
    got = document(_ok(hfsuite_cmd("config", "get", "global_limit_bps", "--json")), "setting")
    assert (got["value"], got["origin"]) == (20_000_000, "file")
    path = document(_ok(hfsuite_cmd("config", "path", "--json")), "config-path")["path"]
    assert Path(path) == Path(_ok(hfsuite_cmd("config", "path")).strip())
    document(_ok(hfsuite_cmd("config", "show", "--json")), "settings")
    reset = hfsuite_cmd("config", "reset", "global_limit_bps", "--json")
    assert document(_ok(reset), "setting-change")["value"] is None
    everything = hfsuite_cmd("config", "reset", "--yes", "--json")
    assert document(_ok(everything), "setting-change")["key"] is None


def test_auth_commands(hfsuite_cmd: Any, hub: HubEmulator, tmp_path: Path) -> None:
    env = _env(hub, tmp_path)
    login = document(
        _ok(hfsuite_cmd("auth", "login", "--token", ALICE, "--json", env=env)), "auth-login"
    )
    assert (login["user"], login["stored_in"]) == ("alice", "suite token file")
    status = document(_ok(hfsuite_cmd("auth", "status", "--json", env=env)), "auth-status")
    assert status["logged_in"] is True and ALICE not in json.dumps(status)

    readable = document(
        _ok(hfsuite_cmd("auth", "check", "acme/small", "--json", env=env)), "access-report"
    )
    assert (readable["repo_id"], readable["repo_type"], readable["readable"]) == (
        "acme/small",
        "model",
        True,
    )
    gated = hfsuite_cmd("auth", "check", "meta/gated", "--json", env=env)
    assert gated.returncode == 6
    # The report, then the error the refusal ends with: two documents on stdout.
    report_text, error_line = gated.stdout.rstrip("\n").rsplit("\n", 1)
    assert document(report_text, "access-report")["verdict"].startswith("gated")
    assert document(error_line, "error")["error"]["exit_code"] == 6

    logout = document(_ok(hfsuite_cmd("auth", "logout", "--json", env=env)), "auth-logout")
    assert logout == {
        "schema": "hfsuite/auth-logout/v1",
        "removed": ["suite token file"],
        "still_active": None,
    }
    again = document(_ok(hfsuite_cmd("auth", "logout", "--json", env=env)), "auth-logout")
    assert again["removed"] == []


def test_queue_changes(hfsuite_cmd: Any, hub: HubEmulator, tmp_path: Path) -> None:
    env = _env(hub, tmp_path)
    added = hfsuite_cmd("queue", "add", "acme/small", "acme/big", "--paused", "--json", env=env)
    first, second = document(_ok(added), "queue-change")["task_ids"]

    def change(*args: str) -> dict[str, Any]:
        return document(_ok(hfsuite_cmd("queue", *args, "--json", env=env)), "queue-change")

    assert change("resume", str(first)) == {
        "schema": "hfsuite/queue-change/v1",
        "action": "resume",
        "task_ids": [first],
        "changed": 1,
    }
    assert change("pause", "--all")["task_ids"] is None
    assert change("move", str(second), "top")["task_ids"] == [second]
    assert change("move", str(first), "--before", str(second))["action"] == "move"
    assert change("priority", "high", str(second))["changed"] == 1
    assert change("cancel", str(first))["changed"] == 1
    assert change("retry", str(first))["changed"] == 1
    tasks = document(_ok(hfsuite_cmd("queue", "ls", "--json", env=env)), "task-list")["tasks"]
    assert [(t["id"], t["priority"], t["repo_id"], t["source"]) for t in tasks] == [
        (second, "high", "acme/big", "huggingface"),
        (first, "normal", "acme/small", "huggingface"),
    ]
    assert change("rm", str(first), str(second))["changed"] == 2


def test_history_and_download_stream(hfsuite_cmd: Any, hub: HubEmulator, tmp_path: Path) -> None:
    env = _env(hub, tmp_path)
    dest = tmp_path / "small"
    got = hfsuite_cmd("download", "acme/small", "--local-dir", str(dest), "--json", env=env)
    events = json_lines(_ok(got), "download-event")
    done = events[-1]
    assert (done["event"], done["repo_id"], done["file_count"], done["path"]) == (
        "Done",
        "acme/small",
        2,
        str(dest),
    )
    assert done["refetched_bytes"] == 0  # no fault: nothing was received twice
    assert {e["path"] for e in events if e["event"] == "FileCompleted"} == {
        "config.json",
        "weights.bin",
    }

    entries = document(_ok(hfsuite_cmd("history", "ls", "--json", env=env)), "history-list")
    (entry,) = entries["entries"]
    assert entry["file_count"] == len(entry["files"]) == 2
    shown = hfsuite_cmd("history", "show", str(entry["id"]), "--json", env=env)
    assert document(_ok(shown), "history-entry")["id"] == entry["id"]

    fav = hfsuite_cmd("history", "fav", str(entry["id"]), "--note", "keep", "--json", env=env)
    assert document(_ok(fav), "favorite") == {
        "schema": "hfsuite/favorite/v1",
        "source": "huggingface",
        "repo_type": "model",
        "repo_id": "acme/small",
        "revision": None,
        "favorite": True,
        "changed": True,
        "note": "keep",
    }
    unfav = document(
        _ok(hfsuite_cmd("history", "unfav", "acme/small", "--json", env=env)), "favorite"
    )
    assert (unfav["favorite"], unfav["changed"]) == (False, True)
    stats = document(_ok(hfsuite_cmd("stats", "--json", env=env)), "stats")
    assert stats["total"]["completed"] == 1


def test_errors_under_json(hfsuite_cmd: Any, hub: HubEmulator, tmp_path: Path) -> None:
    env = _env(hub, tmp_path)
    missing = hfsuite_cmd("info", "acme/nope", "--json", env=env)
    assert missing.returncode == 7
    error = document(missing.stdout, "error")["error"]
    assert error["type"] == "RepoNotFoundError" and error["exit_code"] == 7
    assert "acme/nope" in error["message"] and "acme/nope" in missing.stderr

    # A usage error the command line parser finds, before the command runs.
    usage = hfsuite_cmd("queue", "move", "--json", env=env)
    assert usage.returncode == 2
    assert document(usage.stdout, "error")["error"]["type"] == "UsageError"
    # One the command finds.
    no_task = hfsuite_cmd("queue", "pause", "99", "--json", env=env)
    assert no_task.returncode == 2
    assert "99" in document(no_task.stdout, "error")["error"]["message"]

    # A stream ends with the error document.
    failed = hfsuite_cmd("download", "acme/nope", "--json", env=env)
    assert failed.returncode == 7
    lines = json_lines(failed.stdout, "download-event")
    assert lines[-1]["schema"] == "hfsuite/error/v1"

    # Without --json, stdout stays empty.
    assert hfsuite_cmd("info", "acme/nope", env=env).stdout == ""


def test_ctrl_c_ends_the_download_stream_with_cancelled(
    hfsuite_exe: str, hub: HubEmulator, tmp_path: Path
) -> None:
    # Slow enough that the interrupt lands mid-transfer however many connections are used.
    hub.throttle(per_connection_bps=MIB // 8)
    env = dict(os.environ, **_env(hub, tmp_path))
    proc = subprocess.Popen(
        [hfsuite_exe, "download", "acme/big", "--local-dir", str(tmp_path / "d"), "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            data = json.loads(line)
            if data["event"] == "TransferProgressed" and data["done_bytes"] >= MIB // 2:
                break
        else:
            pytest.fail("no progress within 30 s")
        proc.send_signal(signal.SIGINT)
        rest, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert proc.returncode == 130, stderr
    events = json_lines("".join(lines) + rest, "download-event")  # speeds never negative
    last = events[-1]
    assert last["event"] == "Cancelled" and "run the same command again" in last["message"]
    assert all(e["event"] != "Done" for e in events)
    check(last, "download-event")
