"""`hfsuite queue ls` never cuts a note silently, and `hfsuite queue show ID` prints one task in
full: the installed command at a narrow terminal (COLUMNS=60) against the emulator."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from json_documents import document

from hfsuite.testing import HubEmulator

LONG_REPO = "acme/a-model-whose-name-is-longer-than-the-column"
SHORTENED = "Some notes are shortened: hfsuite queue show ID shows a task in full."


@pytest.fixture
def queue(hfsuite_cmd, hub: HubEmulator, tmp_path):  # type: ignore[no-untyped-def]
    """Task 1 completed (a long repository id, two files), task 2 failed with a long error."""
    hub.create_repo(
        LONG_REPO,
        files={"config.json": b"{}", "weights/model-00001-of-00002.bin": os.urandom(9000)},
    )
    env = {"HF_ENDPOINT": hub.url, "COLUMNS": "60"}
    added = hfsuite_cmd("queue", "add", LONG_REPO, "--local-dir", str(tmp_path / "d"), env=env)
    assert added.returncode == 0, added.stderr
    assert hfsuite_cmd("queue", "add", "acme/missing", env=env).returncode == 0
    assert hfsuite_cmd("queue", "run", env=env).returncode == 8
    return env


def _cell(lines: list[str], start: str, key_width: int, last: bool = False) -> str:
    """The whole text of a cell that begins with ``start``, with the spaces wrapping added
    taken out: its first chunk, then the chunks below it at the same position until the next
    row (a line with text in the first ``key_width`` characters). A folded cell fills its
    column, so the first chunk's width is the column's; the last column runs to the line end."""
    row = next(i for i, line in enumerate(lines) if start in line)
    at = lines[row].index(start)
    width = None if last else len(lines[row][at:].split(" ")[0])
    chunks = []
    for i, line in enumerate(lines[row:]):
        if i and line[:key_width].strip():
            break
        chunks.append(line[at:] if width is None else line[at : at + width])
    return "".join("".join(chunks).split())


def test_queue_ls_shortens_long_notes_with_an_ellipsis_and_says_how_to_see_them(
    hfsuite_cmd, queue
) -> None:  # type: ignore[no-untyped-def]
    ls = hfsuite_cmd("queue", "ls", env=queue)
    assert ls.returncode == 0, ls.stderr
    assert all(len(line) <= 60 for line in ls.stdout.splitlines())
    assert SHORTENED in " ".join(ls.stderr.split())
    lines = ls.stdout.splitlines()
    note = _cell(lines, "Model", key_width=3, last=True)
    assert note.startswith("Modelacme/missingwasnotfound") and note.endswith("Check…")
    # The long repository id is folded onto the next lines, not cut.
    assert _cell(lines, "acme/a-", key_width=3) == LONG_REPO
    assert ls.stdout.count("…") == 1  # the note's, and nothing else shortened


def test_queue_show_prints_the_task_in_full(hfsuite_cmd, queue) -> None:  # type: ignore[no-untyped-def]
    failed = hfsuite_cmd("queue", "show", "2", env=queue)
    assert failed.returncode == 0, failed.stderr
    assert all(len(line) <= 60 for line in failed.stdout.splitlines())
    text = " ".join(failed.stdout.split())
    data = document(hfsuite_cmd("queue", "show", "2", "--json", env=queue).stdout, "task-detail")
    assert data["state"] == "failed" and data["files"] == [] and data["file_count"] == 0
    assert len(data["error"]) > 60
    assert f"error {data['error']}" in text  # the whole error, message and hint
    assert "state failed" in text and "progress not planned yet" in text

    done = hfsuite_cmd("queue", "show", "1", env=queue)
    lines = done.stdout.splitlines()
    assert _cell(lines, "acme/a-", key_width=11).startswith(LONG_REPO)
    assert _cell(lines, "weights/", key_width=0) == "weights/model-00001-of-00002.bin"
    data = document(hfsuite_cmd("queue", "show", "1", "--json", env=queue).stdout, "task-detail")
    assert data["repo_id"] == LONG_REPO and data["state"] == "completed"
    assert [(f["path"], f["size"], f["state"], f["bytes_done"]) for f in data["files"]] == [
        ("config.json", 2, "completed", 2),
        ("weights/model-00001-of-00002.bin", 9000, "completed", 9000),
    ]
    assert "…" not in done.stdout

    missing = hfsuite_cmd("queue", "show", "9", env=queue)
    assert missing.returncode == 2 and "There is no task 9." in missing.stderr


def test_queue_show_says_interrupted_when_the_runner_is_gone(hfsuite_cmd, queue) -> None:  # type: ignore[no-untyped-def]
    """A row that says running under a runner that no longer exists (killed; here a claim
    written by hand) is shown as interrupted, as queue ls shows it."""
    from hfsuite.app.queue.liveness import HOST
    from hfsuite.app.queue.manager import DownloadManager
    from hfsuite.app.suite import Suite
    from hfsuite.core.types import TaskState

    # A process of this host that has ended: gone on either database (on SQLite the free
    # runner lock beside the file says so too; a PostgreSQL queue has no such lock).
    ended = subprocess.Popen([sys.executable, "-c", ""])
    ended.wait()
    manager = DownloadManager(Suite.open({}))
    with manager.db.write() as uow:
        uow.tasks.set_state([2], TaskState.RUNNING, claimed_by=f"{HOST}:{ended.pid}:queue:1")
    manager.suite.close()
    shown = hfsuite_cmd("queue", "show", "2", env=queue)
    assert "state interrupted" in " ".join(shown.stdout.split())
    data = document(hfsuite_cmd("queue", "show", "2", "--json", env=queue).stdout, "task-detail")
    assert data["state"] == "interrupted"
