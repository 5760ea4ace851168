"""The database schema at the newest migration, as SQLAlchemy ORM models.

These models describe *head*; the migrations in ``migrations/versions`` are self-contained
(they never import this module) and a test checks that the two agree. To change the schema,
edit this module and add a migration.

```
profiles ◄──(SET NULL)── tasks ──(CASCADE)──► task_files
                           │ change_seq ◄── sequences["tasks"]      task_tombstones
history      favorites (source, repo_type, repo_id)
model_versions   daily_stats   api_cache
library_roots   library_files ──(device, inode, size, mtime)──► file_hashes   reclaim_log
```

Conventions: timestamps are REAL epoch seconds; enum values are stored as their ``.value``
(text, or an integer for :class:`~hfsuite.core.types.Priority`); lists and settings are JSON.
No column holds a token or any other secret.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base; its metadata is the migrations' target."""


class Profile(Base):
    """A named destination with a layout and settings."""

    __tablename__ = "profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    destination: Mapped[str] = mapped_column(sa.Text)
    layout: Mapped[str] = mapped_column(sa.String(32))
    settings: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    origin: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[float] = mapped_column(sa.Float)
    updated_at: Mapped[float] = mapped_column(sa.Float)


class Task(Base):
    """A download in the queue."""

    __tablename__ = "tasks"
    # Never reuse the id of a deleted task (tombstones and history refer to task ids).
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012 (SQLAlchemy reads it)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(32))
    repo_id: Mapped[str | None] = mapped_column(sa.String(300))
    url: Mapped[str | None] = mapped_column(sa.Text)
    repo_type: Mapped[str] = mapped_column(sa.String(16))
    revision: Mapped[str | None] = mapped_column(sa.String(300))
    resolved_commit: Mapped[str | None] = mapped_column(sa.String(64))
    include_globs: Mapped[list[Any]] = mapped_column(sa.JSON)
    exclude_globs: Mapped[list[Any]] = mapped_column(sa.JSON)
    files: Mapped[list[Any] | None] = mapped_column(sa.JSON(none_as_null=True))
    destination: Mapped[str] = mapped_column(sa.Text)
    layout: Mapped[str] = mapped_column(sa.String(32))
    profile_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("profiles.id", ondelete="SET NULL")
    )
    priority: Mapped[int] = mapped_column(sa.Integer)
    rank: Mapped[float] = mapped_column(sa.Float)
    state: Mapped[str] = mapped_column(sa.String(16))
    bandwidth_limit_bps: Mapped[int | None] = mapped_column(sa.Integer)
    connections: Mapped[int | None] = mapped_column(sa.Integer)
    expected_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    bytes_total: Mapped[int | None] = mapped_column(sa.Integer)
    bytes_done: Mapped[int] = mapped_column(sa.Integer)
    files_total: Mapped[int | None] = mapped_column(sa.Integer)
    files_done: Mapped[int] = mapped_column(sa.Integer)
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[float] = mapped_column(sa.Float)
    started_at: Mapped[float | None] = mapped_column(sa.Float)
    finished_at: Mapped[float | None] = mapped_column(sa.Float)
    updated_at: Mapped[float] = mapped_column(sa.Float)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(200))
    heartbeat_at: Mapped[float | None] = mapped_column(sa.Float)
    change_seq: Mapped[int] = mapped_column(sa.Integer, server_default=sa.text("0"), index=True)


# The queue view's order, and the scheduler's "next runnable" query.
sa.Index("ix_tasks_order", Task.priority.desc(), Task.rank)
sa.Index("ix_tasks_state_order", Task.state, Task.priority.desc(), Task.rank)


class TaskFile(Base):
    """One file of a task, with progress and persisted resume information."""

    __tablename__ = "task_files"
    __table_args__ = (sa.UniqueConstraint("task_id", "path", name="uq_task_files_task_path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(sa.Text)
    size_bytes: Mapped[int | None] = mapped_column(sa.Integer)
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    etag: Mapped[str | None] = mapped_column(sa.String(200))
    state: Mapped[str] = mapped_column(sa.String(16))
    bytes_done: Mapped[int] = mapped_column(sa.Integer)
    completed_ranges: Mapped[list[Any]] = mapped_column(sa.JSON)
    remote_etag: Mapped[str | None] = mapped_column(sa.String(200))
    remote_commit: Mapped[str | None] = mapped_column(sa.String(64))
    updated_at: Mapped[float] = mapped_column(sa.Float)


class TaskTombstone(Base):
    """A deleted task, so pollers learn about deletions through the change cursor."""

    __tablename__ = "task_tombstones"

    task_id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    change_seq: Mapped[int] = mapped_column(sa.Integer, index=True)


class NamedSequence(Base):
    """Named monotonic counters (``tasks``: the queue's change cursor)."""

    __tablename__ = "sequences"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[int] = mapped_column(sa.Integer)


class History(Base):
    """A finished, failed or cancelled download."""

    __tablename__ = "history"
    __table_args__ = (sa.Index("ix_history_repo", "source", "repo_type", "repo_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int | None] = mapped_column(sa.Integer)
    source: Mapped[str] = mapped_column(sa.String(32))
    repo_id: Mapped[str | None] = mapped_column(sa.String(300))
    url: Mapped[str | None] = mapped_column(sa.Text)
    repo_type: Mapped[str] = mapped_column(sa.String(16))
    revision: Mapped[str | None] = mapped_column(sa.String(300))
    commit: Mapped[str | None] = mapped_column(sa.String(64))
    layout: Mapped[str | None] = mapped_column(sa.String(32))
    files: Mapped[list[Any]] = mapped_column(sa.JSON)
    bytes_downloaded: Mapped[int] = mapped_column(sa.Integer)
    duration_s: Mapped[float] = mapped_column(sa.Float)
    destination: Mapped[str] = mapped_column(sa.Text)
    outcome: Mapped[str] = mapped_column(sa.String(16))
    error: Mapped[str | None] = mapped_column(sa.Text)
    started_at: Mapped[float | None] = mapped_column(sa.Float)
    finished_at: Mapped[float] = mapped_column(sa.Float, index=True)


class Favorite(Base):
    """A favorite repository (see :class:`~hfsuite.storage.repositories.HistoryRepository`)."""

    __tablename__ = "favorites"
    __table_args__ = (
        sa.UniqueConstraint("source", "repo_type", "repo_id", name="uq_favorites_repo"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(32))
    repo_type: Mapped[str] = mapped_column(sa.String(16))
    repo_id: Mapped[str] = mapped_column(sa.String(300))
    note: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[float] = mapped_column(sa.Float)


class ApiCache(Base):
    """Cached API responses."""

    __tablename__ = "api_cache"

    key: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(64), index=True)
    body: Mapped[Any] = mapped_column(sa.JSON)
    etag: Mapped[str | None] = mapped_column(sa.String(200))
    fetched_at: Mapped[float] = mapped_column(sa.Float)
    expires_at: Mapped[float | None] = mapped_column(sa.Float, index=True)


class FileHash(Base):
    """Hashes of a file's bytes, keyed by the file's identity on disk.

    Valid while (device, inode, size, mtime_ns) are what they were when hashed: a rename or a
    hard link keeps the key (no re-read), any rewrite changes it. ``origin`` says whether the
    digest was read by a scan (``read``) or verified by a finished download (``download``).
    """

    __tablename__ = "file_hashes"

    device: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    inode: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    size_bytes: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    mtime_ns: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    sha256: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    autov1: Mapped[str | None] = mapped_column(sa.String(8), index=True)
    partial_hash: Mapped[str | None] = mapped_column(sa.String(64))
    origin: Mapped[str] = mapped_column(sa.String(16))
    computed_at: Mapped[float] = mapped_column(sa.Float)


class LibraryRoot(Base):
    """A folder the library scans: the HF cache, a folder the user added, a tool's folder.

    A default root (the HF cache) the user removed stays as a disabled row, so it is not
    added back by itself.
    """

    __tablename__ = "library_roots"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(sa.Text, unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    enabled: Mapped[bool] = mapped_column(sa.Boolean)
    added_at: Mapped[float] = mapped_column(sa.Float)


class LibraryFile(Base):
    """One file found by a library scan, with what its header says.

    Its hashes are in :class:`FileHash`, joined on (device, inode, size_bytes, mtime_ns).
    """

    __tablename__ = "library_files"
    __table_args__ = (
        sa.Index("ix_library_files_key", "device", "inode", "size_bytes", "mtime_ns"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(sa.Text, unique=True)
    root: Mapped[str] = mapped_column(sa.Text, index=True)
    device: Mapped[int] = mapped_column(sa.Integer)
    inode: Mapped[int] = mapped_column(sa.Integer)
    size_bytes: Mapped[int] = mapped_column(sa.Integer, index=True)
    mtime_ns: Mapped[int] = mapped_column(sa.Integer)
    nlink: Mapped[int] = mapped_column(sa.Integer)
    is_symlink: Mapped[bool] = mapped_column(sa.Boolean)
    hf_blob: Mapped[bool] = mapped_column(sa.Boolean)
    format: Mapped[str] = mapped_column(sa.String(32), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32), index=True)
    architecture: Mapped[str | None] = mapped_column(sa.String(64))
    dtype: Mapped[str | None] = mapped_column(sa.String(32))
    parameter_count: Mapped[int | None] = mapped_column(sa.Integer)
    context_length: Mapped[int | None] = mapped_column(sa.Integer)
    tensor_count: Mapped[int | None] = mapped_column(sa.Integer)
    header_metadata: Mapped[dict[str, Any] | None] = mapped_column(
        sa.JSON(none_as_null=True), nullable=True
    )
    warnings: Mapped[list[Any] | None] = mapped_column(sa.JSON(none_as_null=True), nullable=True)
    problem_kind: Mapped[str | None] = mapped_column(sa.String(32))
    problem: Mapped[str | None] = mapped_column(sa.Text)
    hf_repo_type: Mapped[str | None] = mapped_column(sa.String(16))
    hf_repo_id: Mapped[str | None] = mapped_column(sa.String(300), index=True)
    hf_revision: Mapped[str | None] = mapped_column(sa.String(64))
    hf_path: Mapped[str | None] = mapped_column(sa.Text)
    hf_refs: Mapped[list[Any] | None] = mapped_column(sa.JSON(none_as_null=True), nullable=True)
    first_seen: Mapped[float] = mapped_column(sa.Float)
    last_seen: Mapped[float] = mapped_column(sa.Float)


class ReclaimLog(Base):
    """One action of reclaiming duplicate space (a link, a deletion, or why it was skipped)."""

    __tablename__ = "reclaim_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[float] = mapped_column(sa.Float, index=True)
    mode: Mapped[str] = mapped_column(sa.String(16))
    path: Mapped[str] = mapped_column(sa.Text)
    keep: Mapped[str | None] = mapped_column(sa.Text)
    outcome: Mapped[str] = mapped_column(sa.String(16))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    bytes: Mapped[int] = mapped_column(sa.Integer)


class DailyStat(Base):
    """Per-day counters, updated with an upsert as downloads finish."""

    __tablename__ = "daily_stats"

    day: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    downloads: Mapped[int] = mapped_column(sa.Integer)
    failures: Mapped[int] = mapped_column(sa.Integer)
    cancelled: Mapped[int] = mapped_column(sa.Integer)
    bytes_downloaded: Mapped[int] = mapped_column(sa.Integer)
    seconds: Mapped[float] = mapped_column(sa.Float)


class ModelVersion(Base):
    """The commit downloaded into a destination, for update checks."""

    __tablename__ = "model_versions"
    __table_args__ = (
        sa.UniqueConstraint(
            "source", "repo_type", "repo_id", "destination", name="uq_model_versions_target"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(32))
    repo_type: Mapped[str] = mapped_column(sa.String(16))
    repo_id: Mapped[str] = mapped_column(sa.String(300))
    revision: Mapped[str | None] = mapped_column(sa.String(300))
    commit: Mapped[str] = mapped_column(sa.String(64))
    destination: Mapped[str] = mapped_column(sa.Text)
    layout: Mapped[str] = mapped_column(sa.String(32))
    manifest: Mapped[list[Any]] = mapped_column(sa.JSON)
    downloaded_at: Mapped[float] = mapped_column(sa.Float)
    upstream_commit: Mapped[str | None] = mapped_column(sa.String(64))
    checked_at: Mapped[float | None] = mapped_column(sa.Float)
    selections: Mapped[list[Any] | None] = mapped_column(sa.JSON, nullable=True)
