"""A worker's state as ``hfsuite workers ls`` shows it."""

from __future__ import annotations

import os
import subprocess
import sys

from hfsuite.app.queue.liveness import HOST, worker_state
from hfsuite.storage import WorkerRecord


def _worker(**kw: object) -> WorkerRecord:
    fields: dict[str, object] = {
        "id": "h:1:worker:1",
        "name": "w",
        "host": "elsewhere",
        "pid": 1,
        "slots": 2,
        "started_at": 0.0,
        "heartbeat_at": 100.0,
        "stopped_at": None,
        "running": 0,
        "bytes_per_s": 0.0,
        "tasks_done": 0,
    }
    fields.update(kw)
    return WorkerRecord(**fields)  # type: ignore[arg-type]


def test_running_until_the_heartbeat_is_older_than_the_lease() -> None:
    assert worker_state(_worker(), now=110.0) == "running"
    assert worker_state(_worker(), now=116.0) == "lost"
    assert worker_state(_worker(stopped_at=105.0), now=1000.0) == "stopped"


def test_a_dead_process_on_this_host_is_lost_at_once() -> None:
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    assert worker_state(_worker(host=HOST, pid=child.pid), now=100.5) == "lost"
    assert worker_state(_worker(host=HOST, pid=os.getpid()), now=100.5) == "running"
