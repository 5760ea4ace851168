"""Plain records that cross the storage boundary.

Repositories take ``…Spec`` objects in (what the caller decides) and hand ``…Record`` objects out
(what the database holds, ids and timestamps included). Records are frozen dataclasses detached
from any session: they can be passed to other threads, pickled, or kept in a Qt model without
touching the database again.

Timestamps are floats, seconds since the Unix epoch (what :meth:`hfsuite.core.clock.Clock.now`
returns); days are :class:`datetime.date`. Nothing here ever holds a token or another secret.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hfsuite.core.types import Layout, Outcome, Priority, RepoType, SourceKind, TaskState


class FileState(enum.StrEnum):
    """Life cycle of one file of a task."""

    PENDING = "pending"
    """Planned, no byte transferred yet."""
    DOWNLOADING = "downloading"
    """Some bytes are on disk; the resume information says which."""
    VERIFYING = "verifying"
    """All bytes are on disk; the hash or size is being checked."""
    COMPLETED = "completed"
    """Verified and at its final path."""
    SKIPPED = "skipped"
    """Already present and complete before the task ran; nothing transferred."""
    FAILED = "failed"
    """Gave up on this file (the error is on the task)."""


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """One file as recorded in history and in model version manifests.

    Attributes:
        path: The file's path inside the repository (``/`` separated).
        size_bytes: Its size.
        sha256: SHA-256 of the content (LFS files), when known.
        git_oid: The git blob id (small files), when known.
    """

    path: str
    size_bytes: int
    sha256: str | None = None
    git_oid: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The compact JSON form stored in the database (absent hashes are left out)."""
        data: dict[str, Any] = {"path": self.path, "size": self.size_bytes}
        if self.sha256:
            data["sha256"] = self.sha256
        if self.git_oid:
            data["oid"] = self.git_oid
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ManifestEntry:
        """Inverse of :meth:`to_json`."""
        return cls(
            path=str(data["path"]),
            size_bytes=int(data.get("size", 0)),
            sha256=data.get("sha256"),
            git_oid=data.get("oid"),
        )


# --- tasks ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaskSpec:
    """What to download: the input of :meth:`TaskRepository.add_many`.

    Attributes:
        source: Which hub (or a plain URL).
        destination: Folder the files go to (or the HF cache root for the HF cache layout).
        repo_id: ``org/name`` for hub sources; ``None`` for a plain URL.
        url: The file URL for :attr:`SourceKind.URL` tasks (or the original link, for display).
        repo_type: model, dataset or space.
        revision: Branch, tag, commit or PR ref; ``None`` means the default branch.
        include: Include globs (``hf download`` semantics); empty means everything.
        exclude: Exclude globs.
        files: An explicit file selection; ``None`` means "use the globs".
        layout: HF cache or local dir.
        profile_id: The profile the task targets, if any.
        priority: Queue priority.
        state: The initial state: ``QUEUED`` (default) or ``PAUSED`` (added paused).
        bandwidth_limit_bps: Per-task limit in bytes per second; ``None`` means no own limit.
        connections: Per-task connection count override; ``None`` uses the global setting.
        expected_sha256: Expected hash of a plain URL download, if the user gave one.
        endpoint: The Hub (or ModelScope) URL the task was added with (``--endpoint``);
            ``None`` means the setting's, read when the task runs.
    """

    source: SourceKind
    destination: str
    repo_id: str | None = None
    url: str | None = None
    repo_type: RepoType = RepoType.MODEL
    revision: str | None = None
    include: Sequence[str] = ()
    exclude: Sequence[str] = ()
    files: Sequence[str] | None = None
    layout: Layout = Layout.LOCAL_DIR
    profile_id: int | None = None
    priority: Priority = Priority.NORMAL
    state: TaskState = TaskState.QUEUED
    bandwidth_limit_bps: int | None = None
    connections: int | None = None
    expected_sha256: str | None = None
    endpoint: str | None = None


@dataclass(frozen=True, slots=True)
class TaskRecord:
    """A task as stored in the queue.

    Attributes mirror :class:`TaskSpec`, plus:
        id: Database id.
        rank: Manual order position within the queue (lower runs first at equal priority).
        resolved_commit: The commit the revision resolved to when planned.
        bytes_total: Total bytes of the plan (``None`` before planning).
        bytes_done: Bytes on disk so far.
        files_total: Number of files in the plan (``None`` before planning).
        files_done: Number of files completed or skipped.
        error: The last error message (for failed tasks).
        created_at / started_at / finished_at / updated_at: Epoch seconds.
        change_seq: Monotonic change counter; see :meth:`TaskRepository.changes_since`.
        claimed_by: Which runner (``host:pid``) holds a running task.
        heartbeat_at: Last sign of life from that runner.
    """

    id: int
    source: SourceKind
    repo_id: str | None
    url: str | None
    repo_type: RepoType
    revision: str | None
    resolved_commit: str | None
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    files: tuple[str, ...] | None
    destination: str
    layout: Layout
    profile_id: int | None
    priority: Priority
    rank: float
    state: TaskState
    bandwidth_limit_bps: int | None
    connections: int | None
    expected_sha256: str | None
    bytes_total: int | None
    bytes_done: int
    files_total: int | None
    files_done: int
    error: str | None
    created_at: float
    started_at: float | None
    finished_at: float | None
    updated_at: float
    change_seq: int
    claimed_by: str | None
    heartbeat_at: float | None
    endpoint: str | None = None

    @property
    def display_name(self) -> str:
        """A short name for lists: the repo id, or the URL for plain URL tasks."""
        return self.repo_id or self.url or f"task {self.id}"


@dataclass(frozen=True, slots=True)
class TaskChanges:
    """What changed in the queue since a cursor (for cheap polling by other processes).

    Attributes:
        tasks: Tasks added or modified since the cursor, in change order.
        deleted_ids: Ids of tasks deleted since the cursor.
        cursor: Pass this to the next :meth:`TaskRepository.changes_since` call.
    """

    tasks: tuple[TaskRecord, ...]
    deleted_ids: tuple[int, ...]
    cursor: int


@dataclass(frozen=True, slots=True)
class ResumeInfo:
    """What a crash-surviving resume of one file needs.

    Attributes:
        completed_ranges: Half-open byte ranges ``(start, end)`` already written and flushed.
        remote_etag: The server's ETag when the ranges were written; a different ETag means the
            partial bytes belong to another version and must be discarded.
        commit: The commit the file was resolved at.
    """

    completed_ranges: tuple[tuple[int, int], ...] = ()
    remote_etag: str | None = None
    commit: str | None = None

    @property
    def bytes_done(self) -> int:
        """Total bytes covered by :attr:`completed_ranges`."""
        return sum(end - start for start, end in self.completed_ranges)


@dataclass(frozen=True, slots=True)
class TaskFileSpec:
    """One planned file of a task.

    Attributes:
        path: Path inside the repository (or the file name of a plain URL).
        size_bytes: Expected size, when known.
        sha256: Expected SHA-256 (LFS files), when known.
        etag: Expected ETag / git blob id (small files), when known.
    """

    path: str
    size_bytes: int | None = None
    sha256: str | None = None
    etag: str | None = None


@dataclass(frozen=True, slots=True)
class TaskFileRecord:
    """One file of a task with its progress and resume information."""

    id: int
    task_id: int
    path: str
    size_bytes: int | None
    sha256: str | None
    etag: str | None
    state: FileState
    bytes_done: int
    resume: ResumeInfo
    updated_at: float


# --- history and favorites -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HistorySpec:
    """A finished, failed or cancelled download, as handed to :meth:`HistoryRepository.add`.

    Attributes:
        source: Which hub.
        outcome: How it ended.
        destination: Where the files went.
        repo_id: ``org/name`` (``None`` for plain URLs).
        url: The URL of a plain URL download (or the original link).
        repo_type: model, dataset or space.
        revision: The revision asked for.
        commit: The commit downloaded.
        layout: The layout used.
        files: The files, with sizes.
        bytes_downloaded: Bytes transferred (not counting files that were already present).
        duration_s: Time spent transferring.
        error: The error message when it failed.
        task_id: The queue task it came from, if any (not a foreign key: tasks get deleted).
        started_at: When the transfer started.
        finished_at: When it ended.
        endpoint: The task's own endpoint (``--endpoint``), if it had one.
    """

    source: SourceKind
    outcome: Outcome
    destination: str
    finished_at: float
    repo_id: str | None = None
    url: str | None = None
    repo_type: RepoType = RepoType.MODEL
    revision: str | None = None
    commit: str | None = None
    layout: Layout | None = None
    files: Sequence[ManifestEntry] = ()
    bytes_downloaded: int = 0
    duration_s: float = 0.0
    error: str | None = None
    task_id: int | None = None
    started_at: float | None = None
    endpoint: str | None = None


@dataclass(frozen=True, slots=True)
class HistoryRecord:
    """A history row; ``is_favorite`` tells whether its repo is a favorite."""

    id: int
    source: SourceKind
    outcome: Outcome
    destination: str
    repo_id: str | None
    url: str | None
    repo_type: RepoType
    revision: str | None
    commit: str | None
    layout: Layout | None
    files: tuple[ManifestEntry, ...]
    bytes_downloaded: int
    duration_s: float
    average_speed_bps: float
    error: str | None
    task_id: int | None
    started_at: float | None
    finished_at: float
    is_favorite: bool
    endpoint: str | None = None

    def to_export_dict(self) -> dict[str, Any]:
        """A flat, JSON-ready dict for CSV/JSON export (ISO-8601 UTC times, no secrets).

        ``files`` stays a list of ``{"path", "size"}`` dicts; a CSV writer may JSON-encode it or
        use ``file_count``.
        """
        return {
            "id": self.id,
            "source": self.source.value,
            "repo_type": self.repo_type.value,
            "repo_id": self.repo_id,
            "url": self.url,
            "revision": self.revision,
            "commit": self.commit,
            "outcome": self.outcome.value,
            "error": self.error,
            "destination": self.destination,
            "layout": self.layout.value if self.layout else None,
            "file_count": len(self.files),
            "files": [{"path": f.path, "size": f.size_bytes} for f in self.files],
            "bytes": self.bytes_downloaded,
            "duration_s": round(self.duration_s, 3),
            "average_speed_bps": round(self.average_speed_bps, 1),
            "started_at": iso_utc(self.started_at),
            "finished_at": iso_utc(self.finished_at),
            "favorite": self.is_favorite,
            "endpoint": self.endpoint,
        }


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    """Filters for :meth:`HistoryRepository.find`; every field is optional.

    Attributes:
        text: Case-insensitive substring of repo id, URL, destination, revision or error.
        since: Only entries finished at or after this epoch time.
        until: Only entries finished before this epoch time.
        outcomes: Only these outcomes (empty means all).
        source: Only this source.
        favorites_only: Only entries whose repo is a favorite.
        limit: At most this many rows (``None``: all).
        offset: Skip this many rows (paging).
    """

    text: str | None = None
    since: float | None = None
    until: float | None = None
    outcomes: Sequence[Outcome] = ()
    source: SourceKind | None = None
    favorites_only: bool = False
    limit: int | None = None
    offset: int = 0


@dataclass(frozen=True, slots=True)
class FavoriteRecord:
    """A favorite repository."""

    id: int
    source: SourceKind
    repo_type: RepoType
    repo_id: str
    note: str | None
    created_at: float


def iso_utc(ts: float | None) -> str | None:
    """Format epoch seconds as ISO-8601 UTC (``None`` stays ``None``)."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, tz=UTC).isoformat(timespec="seconds")
