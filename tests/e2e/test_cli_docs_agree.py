"""What the docs promise and what the commands do agree (the installed command, the emulator):
``auth status`` without a token, ``--cursor`` that is no cursor, favorites' notes, names in
``queue ls``/``history ls``, and the progress of a task that failed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

MIB = 1 << 20
ERRORS_MD = Path(__file__).resolve().parents[2] / "docs" / "errors.md"
NOT_LOGGED_IN = "Not logged in: downloads are anonymous (public repositories only)."


@pytest.fixture
def served(hub_factory, tmp_path):  # type: ignore[no-untyped-def]
    hub = hub_factory(lfs_threshold=MIB)
    hub.create_repo("acme/data", "dataset", files={"train.csv": b"a,b\n1,2\n"})
    hub.create_repo("acme/m", files={"config.json": b"{}"})
    hub.create_repo(
        "acme/big", files={"model.safetensors": os.urandom(2 * MIB), "config.json": b"{}"}
    )
    env = {
        "HF_ENDPOINT": hub.url,
        "MODELSCOPE_ENDPOINT": hub.url,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "HFSUITE_DOWNLOAD_DIR": str(tmp_path / "dl"),
    }
    return hub, env


def test_auth_status_without_a_token_exits_0_as_documented(served, hfsuite_cmd) -> None:  # type: ignore[no-untyped-def]
    _, env = served
    status = hfsuite_cmd("auth", "status", env=env)
    assert status.returncode == 0, status.stderr
    assert NOT_LOGGED_IN in status.stdout
    docs = ERRORS_MD.read_text(encoding="utf-8")
    promise = f"`hfsuite auth status` without a token is no error: it prints `{NOT_LOGGED_IN}`"
    assert f"{promise} and exits 0" in docs
    assert "`hfsuite auth status/check`" not in docs


def test_a_cursor_that_is_no_cursor_is_called_so(served, hfsuite_cmd) -> None:  # type: ignore[no-untyped-def]
    _, env = served
    result = hfsuite_cmd("search", "--cursor", "garbage", "--json", env=env)
    assert result.returncode == 2
    assert "'garbage' is not a valid search cursor." in result.stderr
    assert "another server" not in result.stderr
    assert "| `'<text>' is not a valid search cursor.` | 2 |" in ERRORS_MD.read_text(
        encoding="utf-8"
    )


def test_a_favorites_note_is_shown(served, hfsuite_cmd, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, env = served
    assert (
        hfsuite_cmd("download", "acme/m", "--local-dir", str(tmp_path / "m"), env=env).returncode
        == 0
    )
    assert (
        hfsuite_cmd("history", "fav", "1", "--note", "baseline for evals", env=env).returncode == 0
    )
    shown = hfsuite_cmd("history", "show", "1", env=env)
    assert "baseline for evals" in shown.stdout
    listed = hfsuite_cmd("history", "ls", env={**env, "COLUMNS": "200"})
    assert "baseline" in listed.stdout


def test_lists_name_datasets_and_modelscope_as_typed(served, hfsuite_cmd, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, env = served
    wide = {**env, "COLUMNS": "200"}
    for name in ("datasets/acme/data", "modelscope:acme/m"):
        done = hfsuite_cmd("download", name, env=env)
        assert done.returncode == 0, done.stderr
    for listing in (("queue", "ls"), ("history", "ls")):
        text = hfsuite_cmd(*listing, env=wide).stdout
        assert "datasets/acme/data" in text, (listing, text)
        assert "modelscope:acme/m" in text, (listing, text)


def test_a_failed_task_is_not_shown_complete(served, hfsuite_cmd, tmp_path) -> None:  # type: ignore[no-untyped-def]
    hub, env = served
    # The small file fails once the big one is on disk: 99.99 % of the bytes, not 100 %.
    hub.add_fault("*config.json", methods=["GET"], status=403, latency_s=2)
    failed = hfsuite_cmd("download", "acme/big", "--local-dir", str(tmp_path / "b"), env=env)
    assert failed.returncode != 0
    table = hfsuite_cmd("queue", "ls", env={**env, "COLUMNS": "200"}).stdout
    assert "failed" in table
    assert "99.9%" in table and "100.0%" not in table
