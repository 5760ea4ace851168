"""Recording a direct download that ended before it needed its task, without the database.

``hfsuite download`` calls :func:`journal_finished` for a download that completed within its
first seconds; the entry it writes waits in the journal of finished downloads
(:mod:`hfsuite.app.queue.journal`, which also applies it) until the database is next opened.
Nothing here imports SQLAlchemy or the storage layer: the task's columns come from
:func:`~hfsuite.app.queue.task_fields.task_fields`, as a queued task's do.
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from typing import TYPE_CHECKING, Any

from hfsuite.app.download.operation import DownloadOutcome, DownloadRequest
from hfsuite.app.queue.journal import (
    MAX_PENDING,
    VERSION,
    journal_folder,
    pending,
    stat_key,
    task_entry,
)
from hfsuite.app.queue.task_fields import request_options, task_fields
from hfsuite.core.remote import is_sha256

if TYPE_CHECKING:
    from hfsuite.config import Settings

__all__ = ["journal_finished"]

log = logging.getLogger(__name__)


def journal_finished(
    settings: Settings,
    request: DownloadRequest,
    outcome: DownloadOutcome,
    *,
    started_at: float,
    duration_s: float,
    finished_at: float,
) -> bool:
    """Record a completed download in the journal of finished downloads.

    Returns:
        Whether it was recorded; False (nothing written) when the journal cannot be written
        (a warning logged) or already holds :data:`~hfsuite.app.queue.journal.MAX_PENDING`
        entries, and the caller records it in the database itself.
    """
    folder = journal_folder(settings)
    if folder is None or len(pending(folder)) >= MAX_PENDING:
        return False
    times = {"started_at": started_at, "duration_s": duration_s, "finished_at": finished_at}
    entry = {**_entry(settings, request, outcome), **times}
    name = f"{time.time_ns()}-{uuid.uuid4().hex}.json"
    tmp = folder / f".{name}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(entry), encoding="utf-8")
        os.replace(tmp, folder / name)
    except OSError as exc:
        log.warning("cannot write the journal of finished downloads in %s: %s", folder, exc)
        tmp.unlink(missing_ok=True)
        return False
    return True


def _entry(
    settings: Settings, request: DownloadRequest, outcome: DownloadOutcome
) -> dict[str, Any]:
    """The entry of a completed download, but for its times."""
    plan = outcome.plan
    ended = {f.remote.path: f for f in (outcome.result.files if outcome.result else [])}
    files = []
    for planned in plan.files:
        remote = planned.remote
        done = ended.get(remote.path)
        skipped = done.skipped if done is not None else planned.action == "skip"
        key = None
        if done is not None and not skipped and done.local_path and is_sha256(remote.sha256):
            key = stat_key(done.local_path)
        files.append(
            {
                "path": remote.path,
                "size": remote.size,
                "sha256": remote.sha256,
                "etag": remote.etag,
                "blob_id": remote.blob_id,
                "skipped": skipped,
                "local_path": done.local_path if done is not None else None,
                "key": key,
            }
        )
    fields = task_fields(request.ref, request_options(request, settings), settings)
    return {
        "version": VERSION,
        "task": task_entry(fields),
        "commit": plan.snapshot.commit,
        "total_bytes": plan.total_bytes,
        "downloaded_bytes": outcome.downloaded_bytes,
        "files": files,
    }
