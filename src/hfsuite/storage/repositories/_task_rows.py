"""Converting between task specs, ``tasks`` rows and task records."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from hfsuite.core.types import Layout, Priority, RepoType, SourceKind, TaskState
from hfsuite.storage.records import TaskRecord, TaskSpec


def task_record(row: sa.RowMapping) -> TaskRecord:
    """A detached record from a ``tasks`` row."""
    files = row["files"]
    return TaskRecord(
        id=row["id"],
        source=SourceKind(row["source"]),
        repo_id=row["repo_id"],
        url=row["url"],
        repo_type=RepoType(row["repo_type"]),
        revision=row["revision"],
        resolved_commit=row["resolved_commit"],
        include=tuple(row["include_globs"] or ()),
        exclude=tuple(row["exclude_globs"] or ()),
        files=None if files is None else tuple(files),
        destination=row["destination"],
        layout=Layout(row["layout"]),
        profile_id=row["profile_id"],
        priority=Priority(row["priority"]),
        rank=row["rank"],
        state=TaskState(row["state"]),
        bandwidth_limit_bps=row["bandwidth_limit_bps"],
        connections=row["connections"],
        expected_sha256=row["expected_sha256"],
        bytes_total=row["bytes_total"],
        bytes_done=row["bytes_done"],
        files_total=row["files_total"],
        files_done=row["files_done"],
        error=row["error"],
        created_at=row["created_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        updated_at=row["updated_at"],
        change_seq=row["change_seq"],
        claimed_by=row["claimed_by"],
        heartbeat_at=row["heartbeat_at"],
        endpoint=row["endpoint"],
    )


def task_row(spec: TaskSpec, rank: float, now: float, seq: int) -> dict[str, Any]:
    """The ``tasks`` row for a new task.

    Raises:
        ValueError: for a spec without repo id and URL, or with another initial state.
    """
    if not spec.repo_id and not spec.url:
        raise ValueError("a task needs a repo_id or a url")
    if spec.state not in (TaskState.QUEUED, TaskState.PAUSED):
        raise ValueError(f"a new task starts queued or paused, not {spec.state.value}")
    return {
        "source": spec.source.value,
        "repo_id": spec.repo_id,
        "url": spec.url,
        "repo_type": spec.repo_type.value,
        "revision": spec.revision,
        "resolved_commit": None,
        "include_globs": list(spec.include),
        "exclude_globs": list(spec.exclude),
        "files": None if spec.files is None else list(spec.files),
        "destination": spec.destination,
        "layout": spec.layout.value,
        "profile_id": spec.profile_id,
        "priority": int(spec.priority),
        "rank": rank,
        "state": spec.state.value,
        "bandwidth_limit_bps": spec.bandwidth_limit_bps,
        "connections": spec.connections,
        "expected_sha256": spec.expected_sha256,
        "endpoint": spec.endpoint,
        "bytes_total": None,
        "bytes_done": 0,
        "files_total": None,
        "files_done": 0,
        "error": None,
        "created_at": now,
        "started_at": None,
        "finished_at": None,
        "updated_at": now,
        "claimed_by": None,
        "heartbeat_at": None,
        "change_seq": seq,
    }
