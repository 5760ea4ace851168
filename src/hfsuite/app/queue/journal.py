"""The journal of finished downloads: where it lives, and applying it to the database.

``hfsuite download`` starts moving bytes before the queue's database is opened
(:mod:`hfsuite.app.queue.early`). Opening it costs the import of SQLAlchemy and the storage
layer, about 0.25 s of CPU, which on a small machine competes with the transfer for its
cores. So the command waits: a download about to end (or ended) within its first seconds never
opens the database. Its task is written to this journal instead
(:func:`hfsuite.app.queue.finished.journal_finished`), one small JSON file per download, and
whoever opens that database next applies it (:func:`apply_finished`: every opening through
:attr:`Suite.database <hfsuite.app.suite.Suite.database>`, and each
:meth:`DownloadManager.sync <hfsuite.app.queue.manager.DownloadManager.sync>`, the window's
one-second poll). Applying it writes exactly what the task's runner writes when a direct
download completes: the task (or the idle one it takes over), its plan and files, its state,
the history entry, the day's statistics, the model version and the verified hashes.

```
<data dir>/finished/<hash of the database URL>/
    <time ns>-<uuid>.json      one finished download (written to a dot-file, then renamed)
    .lock                      held while entries are applied (one process at a time)
    unreadable/                entries that could not be read, kept for a look, never applied
```

A download's bytes are on disk before its entry is; an entry is removed only after the
transaction that applies it is committed, and an entry whose history entry is there already (a
crash came between the two) is removed without being applied again. A file's verified hash is
recorded only if the file is still the one downloaded (its device, inode, size and modification
time unchanged). Nothing here imports the storage layer until an entry is applied.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from hfsuite.config.settings import APP_NAME
from hfsuite.core.types import Layout, Priority, RepoType, SourceKind, TaskState

if TYPE_CHECKING:
    from hfsuite.config import Settings
    from hfsuite.storage import Database, TaskSpec, UnitOfWork

__all__ = [
    "MAX_PENDING",
    "VERSION",
    "apply_finished",
    "journal_folder",
    "pending",
    "stat_key",
    "task_entry",
]

log = logging.getLogger(__name__)

VERSION = 1
"""The entries' format; an entry of another version is set aside, not guessed at."""

MAX_PENDING = 64
"""With this many entries waiting (downloads run in a loop, nothing else), the next one is
recorded in the database itself, which applies them all: the journal stays small."""

_LOCK_TIMEOUT_S = 10.0

# The task's columns that are enums or lists in an entry (TaskSpec's fields).
_ENUMS: dict[str, type[Any]] = {
    "source": SourceKind,
    "repo_type": RepoType,
    "layout": Layout,
    "priority": Priority,
    "state": TaskState,
}
_LISTS = ("include", "exclude", "files")


def journal_folder(settings: Settings) -> Path | None:
    """The journal of the database ``settings.db_url`` names (None for an in-memory
    database, which no other process could apply it to)."""
    url = settings.db_url
    if url.startswith("sqlite") and (url.rstrip("/").endswith(":") or ":memory:" in url):
        return None
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    return Path(platformdirs.user_data_dir(APP_NAME)) / "finished" / digest


def pending(folder: Path) -> list[Path]:
    """The entries waiting in ``folder``, oldest first."""
    try:
        names = sorted(e.name for e in os.scandir(folder) if e.name.endswith(".json"))
    except OSError:  # no journal yet (the usual case), or not a folder
        return []
    return [folder / n for n in names if not n.startswith(".")]


def stat_key(path: str) -> list[int] | None:
    """(device, inode, size, mtime_ns) of the file at ``path``; None if it cannot be read."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns]


def task_entry(fields: dict[str, Any]) -> dict[str, Any]:
    """A task's columns (:func:`~hfsuite.app.queue.task_fields.task_fields`) as JSON values."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key in _ENUMS:
            out[key] = value.value
        elif key in _LISTS and value is not None:
            out[key] = list(value)
        else:
            out[key] = value
    return out


# --- applying ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _File:
    path: str
    size: int
    sha256: str | None
    etag: str | None
    blob_id: str | None
    skipped: bool
    local_path: str | None
    key: tuple[int, ...] | None


@dataclass(frozen=True)
class _Finished:
    task: TaskSpec
    commit: str
    total_bytes: int
    downloaded_bytes: int
    files: Sequence[_File]
    started_at: float
    duration_s: float
    finished_at: float


def apply_finished(db: Database, settings: Settings, now: float) -> int:
    """Write every finished download of the journal into ``db`` (see the module's notes);
    ``now`` (epoch seconds) tells an interrupted task to take over (its heartbeat's age).

    Never raises for an entry: one that cannot be read is moved to ``unreadable/`` (and
    logged); one that cannot be written stays for the next time (and is logged).

    Returns:
        How many entries were applied.
    """
    folder = journal_folder(settings)
    if folder is None or not pending(folder):
        return 0
    from filelock import FileLock, Timeout

    try:
        with FileLock(str(folder / ".lock"), timeout=_LOCK_TIMEOUT_S):
            applied = 0
            for path in pending(folder):  # again, under the lock: another may have applied
                applied += _apply_one(db, folder, path, now)
            return applied
    except Timeout:
        log.warning("the journal of finished downloads in %s is locked; applied later", folder)
        return 0
    except OSError as exc:
        log.warning("cannot apply the journal of finished downloads in %s: %s", folder, exc)
        return 0


def _apply_one(db: Database, folder: Path, path: Path, now: float) -> int:
    try:
        finished = _parse(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return 0
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("setting aside an unreadable entry of finished downloads %s: %s", path, exc)
        try:
            (folder / "unreadable").mkdir(exist_ok=True)
            os.replace(path, folder / "unreadable" / path.name)
        except OSError:
            log.warning("cannot move %s aside", path, exc_info=True)
        return 0
    from hfsuite.core.errors import HfSuiteError

    try:
        with db.write() as uow:
            _record(uow, finished, where=db.where, now=now)
    except HfSuiteError as exc:
        log.warning("cannot record the finished download %s yet: %s", path, exc)
        return 0
    path.unlink(missing_ok=True)
    return 1


def _parse(entry: dict[str, Any]) -> _Finished:
    from hfsuite.storage import TaskSpec

    if entry.get("version") != VERSION:
        raise ValueError(f"version {entry.get('version')!r}, not {VERSION}")
    fields = dict(entry["task"])
    for key, enum in _ENUMS.items():
        fields[key] = enum(fields[key])
    for key in _LISTS:
        if fields.get(key) is not None:
            fields[key] = tuple(str(v) for v in fields[key])
    files = [
        _File(
            path=str(f["path"]),
            size=int(f["size"]),
            sha256=f["sha256"],
            etag=f["etag"],
            blob_id=f["blob_id"],
            skipped=bool(f["skipped"]),
            local_path=f["local_path"],
            key=tuple(int(v) for v in f["key"]) if f["key"] is not None else None,
        )
        for f in entry["files"]
    ]
    return _Finished(
        task=TaskSpec(**fields),
        commit=str(entry["commit"]),
        total_bytes=int(entry["total_bytes"]),
        downloaded_bytes=int(entry["downloaded_bytes"]),
        files=files,
        started_at=float(entry["started_at"]),
        duration_s=float(entry["duration_s"]),
        finished_at=float(entry["finished_at"]),
    )


def _record(uow: UnitOfWork, finished: _Finished, *, where: str, now: float) -> None:
    """What :meth:`QueueRunner._record <hfsuite.app.queue.runner.QueueRunner._record>` writes
    for a direct download that completed, in the caller's transaction."""
    from hfsuite.app.history_ops import TaskEnd, record_end
    from hfsuite.app.library.hashes import record_downloaded_hashes
    from hfsuite.app.queue.outcome import Ending, decide
    from hfsuite.app.queue.twins import take_over_or_add
    from hfsuite.storage import FileState, ManifestEntry, TaskFileSpec

    spec = finished.task
    if _recorded_before(uow, finished):
        return  # a crash came between that commit and the entry's removal
    # As the command itself would have: a task no runner runs (a failed or interrupted earlier
    # try of this download) is taken over rather than left beside a completed twin.
    task_id, _twin = take_over_or_add(uow, spec, where=where, now=now)
    uow.tasks.set_plan(
        task_id,
        [
            TaskFileSpec(path=f.path, size_bytes=f.size, sha256=f.sha256, etag=f.etag)
            for f in finished.files
        ],
        resolved_commit=finished.commit,
    )
    for f in finished.files:
        state = FileState.SKIPPED if f.skipped else FileState.COMPLETED
        uow.task_files.save_progress(task_id, f.path, state=state)
    uow.tasks.update_progress(task_id, finished.total_bytes, files_done=len(finished.files))
    decision = decide(TaskState.RUNNING, Ending.COMPLETED, mine=True, cancel_on_stop=False)
    assert decision.state is not None and decision.history is not None
    uow.tasks.set_state([task_id], decision.state)
    record_downloaded_hashes(uow, _unchanged(finished.files))
    task = uow.tasks.get(task_id)
    assert task is not None
    manifest = [
        ManifestEntry(path=f.path, size_bytes=f.size, sha256=f.sha256, git_oid=f.blob_id)
        for f in finished.files
    ]
    end = TaskEnd(
        decision.history,
        finished.commit,
        manifest,
        finished.downloaded_bytes,
        finished.duration_s,
        finished.started_at,
    )
    record_end(uow, task, end, finished.finished_at)


def _recorded_before(uow: UnitOfWork, finished: _Finished) -> bool:
    """Whether this entry's history entry is there already: the same repository or URL,
    destination, and start and end times (to the stored float)."""
    from hfsuite.storage import HistoryQuery

    spec, end = finished.task, finished.finished_at
    return any(
        (h.repo_id, h.url, h.destination, h.started_at)
        == (spec.repo_id, spec.url, spec.destination, finished.started_at)
        for h in uow.history.find(HistoryQuery(since=end, until=end + 0.001))
    )


def _unchanged(files: Sequence[_File]) -> list[tuple[str | None, str | None]]:
    """(path, SHA-256) of the verified files still as they were when downloaded."""
    return [
        (f.local_path, f.sha256)
        for f in files
        if f.key is not None and f.local_path and stat_key(f.local_path) == list(f.key)
    ]
