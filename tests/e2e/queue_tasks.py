"""Reading the queue through the installed command, and stopping a download the way a user
does once its task runs (e2e helpers)."""

from __future__ import annotations

import signal
import subprocess
import threading
from collections.abc import Callable
from typing import Any

from json_documents import document


def listed_tasks(hfsuite_cmd: Callable[..., Any], env: dict[str, str]) -> list[dict[str, Any]]:
    """The tasks `hfsuite queue ls --json` lists."""
    listed = hfsuite_cmd("queue", "ls", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    return list(document(listed.stdout, "task-list")["tasks"])


def ctrl_c_once_running(
    proc: subprocess.Popen[str], hfsuite_cmd: Callable[..., Any], env: dict[str, str]
) -> str:
    """Wait (up to 20 s) until the download ``proc`` runs is the queue's only task, running,
    then press Ctrl-C; returns its stderr once it has exited (killed if it is still there)."""
    try:
        tick = threading.Event()
        for _ in range(200):
            if [t["state"] for t in listed_tasks(hfsuite_cmd, env)] == ["running"]:
                break
            tick.wait(0.1)
        else:
            raise AssertionError("the download never got its task")
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        return str(err)
    finally:
        proc.kill()
