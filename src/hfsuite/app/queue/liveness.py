"""Who runs a task, and whether that runner still lives.

```
claimed_by = "<host>:<pid>:<kind>:<token>"     kind: queue (a queue runner) or direct (a download
                                              started now: ``hfsuite download``, "start now")
<database>.runner.lock                        held by the one queue runner of that database
```

A runner writes its claim on the RUNNING rows it downloads. When it stops normally it gives them
back (queued, paused, finished); when its process is killed the rows keep saying RUNNING. Such a
task is *interrupted*: :func:`runner_gone` tells it from the row and what can be known about
runners, :func:`queue_runner_alive` probes the runner lock for it, and the next queue runner
takes the task back and resumes it.

The lock is an ``flock`` taken by :mod:`filelock` (the OS drops it when the process dies).
``flock`` has no query operation, so :func:`queue_runner_alive` asks for a *shared* lock without
waiting and drops it at once: it fails while a runner holds the exclusive one. Two probes never
disturb each other; a runner starting during a probe waits :data:`LOCK_GRACE_S` for it.
"""

from __future__ import annotations

import errno
import itertools
import os
import socket
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from hfsuite.core.errors import RunnerBusyError
from hfsuite.core.i18n import tr
from hfsuite.core.types import TaskState

if TYPE_CHECKING:
    from filelock import FileLock

    from hfsuite.storage import TaskRecord, WorkerRecord

HOST = socket.gethostname()
STALE_AFTER_S = 15.0
"""Heartbeat age after which a running task with no other sign of its runner is interrupted."""
LOCK_GRACE_S = 0.25
"""How long a starting queue runner waits for the lock (a probe holds it for microseconds)."""

_tokens = itertools.count(1)


class ClaimKind(StrEnum):
    """What kind of runner claimed a task."""

    QUEUE = "queue"
    """The queue runner of the database (at most one: it holds the runner lock)."""
    DIRECT = "direct"
    """A task downloaded now, outside the queue's slots, by the process that started it."""
    WORKER = "worker"
    """One of several queue runners sharing a PostgreSQL database (``hfsuite worker``)."""


@dataclass(frozen=True, slots=True)
class Claim:
    """A parsed ``claimed_by`` value.

    Attributes:
        host: The host the runner ran on.
        pid: Its process id (None when unreadable).
        kind: ``queue``, ``direct``, or whatever an unknown version wrote.
    """

    host: str
    pid: int | None
    kind: str

    @classmethod
    def parse(cls, claimed_by: str | None) -> Claim | None:
        """The claim in a row (None for an unclaimed row)."""
        if not claimed_by:
            return None
        host, _, rest = claimed_by.partition(":")
        pid_text, _, rest = rest.partition(":")
        kind = rest.partition(":")[0]
        return cls(host, int(pid_text) if pid_text.isdigit() else None, kind)

    def process_gone(self) -> bool:
        """Whether the claiming process is known to have ended (only knowable on its host)."""
        return self.host == HOST and self.pid is not None and not pid_alive(self.pid)


def new_claim_id(kind: ClaimKind) -> str:
    """A claim unique to this process and call: ``host:pid:kind:token``."""
    return f"{HOST}:{os.getpid()}:{kind.value}:{next(_tokens):x}"


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this host (always True where unknowable)."""
    if sys.platform == "win32":  # os.kill(pid, 0) would send it a Ctrl-C there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def runner_gone(
    task: TaskRecord, *, queue_runner_alive: bool | None = None, stale_before: float | None = None
) -> bool:
    """Whether a RUNNING task's runner stopped without giving it back (the task is interrupted).

    Evidence, strongest first: a queue runner's claim while no queue runner holds the lock; a
    claim made on this host by a process that no longer exists; a heartbeat older than
    ``stale_before``.

    Args:
        task: The row (any state; only RUNNING ones can be interrupted).
        queue_runner_alive: Whether a queue runner holds the lock (None: unknown).
        stale_before: Epoch seconds; an older heartbeat counts as gone (None: never).
    """
    if task.state is not TaskState.RUNNING:
        return False
    claim = Claim.parse(task.claimed_by)
    if claim is not None:
        if claim.kind == ClaimKind.QUEUE.value and queue_runner_alive is False:
            return True
        if claim.process_gone():
            return True
    return stale_before is not None and (task.heartbeat_at or 0.0) < stale_before


# --- the queue runner's lock -------------------------------------------------------------------


def lock_path(where: str) -> Path | None:
    """The runner lock file of a database (None when it has no folder: an in-memory database)."""
    path = Path(where)
    return path.with_name(path.name + ".runner.lock") if path.parent.is_dir() else None


def interrupted_ids(running: Sequence[TaskRecord], *, where: str, now: float) -> set[int]:
    """The ids of those RUNNING tasks whose runner is gone (:func:`runner_gone`, with whether a
    queue runner holds the lock of the database at ``where`` and heartbeats older than
    :data:`STALE_AFTER_S` before ``now``)."""
    if not running:
        return set()
    alive, old = queue_runner_alive(where), now - STALE_AFTER_S
    return {t.id for t in running if runner_gone(t, queue_runner_alive=alive, stale_before=old)}


def queue_runner_alive(where: str) -> bool | None:
    """Whether a queue runner (of any process, this one too) holds the database's runner lock.

    Returns:
        None when that cannot be known (no lock file possible, no ``flock`` on this platform or
        file system).
    """
    path = lock_path(where)
    if path is None or sys.platform == "win32":
        return None
    import fcntl

    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False  # no runner ever ran here
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
            return True
        return None
    finally:
        os.close(fd)  # also drops the shared lock
    return False


class RunnerLock:
    """The queue-runner lock: a file lock next to the database, plus an in-process lock.

    ``flock`` locks belong to the open file and the OS drops them when the process dies, so a
    runner killed with SIGKILL never leaves the queue locked.

    Args:
        where: The database file.
        in_process: Locks by database, shared by every runner of this process.
        file_lock: False for a database several runners share (PostgreSQL): only the
            in-process lock is taken.
    """

    def __init__(
        self, where: str, in_process: dict[str, threading.Lock], *, file_lock: bool = True
    ):
        self.where = where
        self._thread_lock = in_process.setdefault(where, threading.Lock())
        path = lock_path(where) if file_lock else None
        self._file_lock: FileLock | None = None
        if path is not None:
            # Imported here: only a queue runner locks (not `hfsuite download`, whose end waits
            # for the queue's import; filelock brings asyncio along).
            from filelock import FileLock

            self._file_lock = FileLock(str(path), is_singleton=False)

    def __enter__(self) -> RunnerLock:
        if not self._thread_lock.acquire(blocking=False):
            raise self._busy()
        if self._file_lock is not None:
            from filelock import Timeout

            try:
                self._file_lock.acquire(timeout=LOCK_GRACE_S, poll_interval=0.01)
            except Timeout:
                self._thread_lock.release()
                raise self._busy() from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file_lock is not None:
            self._file_lock.release()
        self._thread_lock.release()

    def _busy(self) -> RunnerBusyError:
        return RunnerBusyError(
            tr("Another process is already running the download queue."),
            hint=tr("Tasks you add are picked up by it; see them with: hfsuite queue ls"),
        )


def worker_state(worker: WorkerRecord, now: float, stale_after_s: float = STALE_AFTER_S) -> str:
    """How a registered runner is: ``running`` (beating), ``stopped`` (it ended normally) or
    ``lost`` (no heartbeat for ``stale_after_s``, or a process of this host that no longer
    exists: killed, crashed, or its host is gone; its tasks go back to the queue)."""
    if worker.stopped_at is not None:
        return "stopped"
    if worker.host == HOST and not pid_alive(worker.pid):
        return "lost"  # on this host a dead process is known at once
    return "lost" if worker.heartbeat_age(now) > stale_after_s else "running"


def default_worker_name() -> str:
    """The name a runner shows when it was given none: ``host-pid``."""
    return f"{HOST}-{os.getpid()}"
