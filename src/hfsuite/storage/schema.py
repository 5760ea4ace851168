"""The database schema at the newest migration, as SQLAlchemy Core tables.

These tables describe *head*; the migrations in ``migrations/versions`` are self-contained
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

import sqlalchemy as sa

# 64-bit on PostgreSQL (sizes, byte counts, nanosecond times, inodes do not fit its 32-bit
# INTEGER); SQLite's INTEGER is already 64-bit, and its schema stays as it was.
BIG_INT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

metadata = sa.MetaData()
"""The tables at head; the migrations' target (see ``migrations/env.py``)."""


PROFILES = sa.Table(
    "profiles",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), unique=True, nullable=False),
    sa.Column("destination", sa.Text, nullable=False),
    sa.Column("layout", sa.String(32), nullable=False),
    sa.Column("settings", sa.JSON, nullable=False),
    sa.Column("origin", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)
"""A named destination with a layout and settings."""


TASKS = sa.Table(
    "tasks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("repo_id", sa.String(300), nullable=True),
    sa.Column("url", sa.Text, nullable=True),
    sa.Column("repo_type", sa.String(16), nullable=False),
    sa.Column("revision", sa.String(300), nullable=True),
    sa.Column("resolved_commit", sa.String(64), nullable=True),
    sa.Column("include_globs", sa.JSON, nullable=False),
    sa.Column("exclude_globs", sa.JSON, nullable=False),
    sa.Column("files", sa.JSON(none_as_null=True), nullable=True),
    sa.Column("destination", sa.Text, nullable=False),
    sa.Column("layout", sa.String(32), nullable=False),
    sa.Column(
        "profile_id", sa.Integer, sa.ForeignKey("profiles.id", ondelete="SET NULL"), nullable=True
    ),
    sa.Column("priority", BIG_INT, nullable=False),
    sa.Column("rank", sa.Float, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("bandwidth_limit_bps", BIG_INT, nullable=True),
    sa.Column("connections", BIG_INT, nullable=True),
    sa.Column("expected_sha256", sa.String(64), nullable=True),
    sa.Column("bytes_total", BIG_INT, nullable=True),
    sa.Column("bytes_done", BIG_INT, nullable=False),
    sa.Column("files_total", BIG_INT, nullable=True),
    sa.Column("files_done", BIG_INT, nullable=False),
    sa.Column("error", sa.Text, nullable=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("started_at", sa.Float, nullable=True),
    sa.Column("finished_at", sa.Float, nullable=True),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Column("claimed_by", sa.String(200), nullable=True),
    sa.Column("heartbeat_at", sa.Float, nullable=True),
    sa.Column("change_seq", BIG_INT, server_default=sa.text("0"), index=True, nullable=False),
    sa.Column("endpoint", sa.Text, nullable=True),
    # Never reuse the id of a deleted task (tombstones and history refer to task ids).
    sqlite_autoincrement=True,
)
"""A download in the queue."""


# The queue view's order, and the scheduler's "next runnable" query.
sa.Index("ix_tasks_order", TASKS.c.priority.desc(), TASKS.c.rank)
sa.Index("ix_tasks_state_order", TASKS.c.state, TASKS.c.priority.desc(), TASKS.c.rank)


TASK_FILES = sa.Table(
    "task_files",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("task_id", sa.Integer, sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("size_bytes", BIG_INT, nullable=True),
    sa.Column("sha256", sa.String(64), nullable=True),
    sa.Column("etag", sa.String(200), nullable=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("bytes_done", BIG_INT, nullable=False),
    sa.Column("completed_ranges", sa.JSON, nullable=False),
    sa.Column("remote_etag", sa.String(200), nullable=True),
    sa.Column("remote_commit", sa.String(64), nullable=True),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.UniqueConstraint("task_id", "path", name="uq_task_files_task_path"),
)
"""One file of a task, with progress and persisted resume information."""


TASK_TOMBSTONES = sa.Table(
    "task_tombstones",
    metadata,
    sa.Column("task_id", BIG_INT, primary_key=True, autoincrement=False),
    sa.Column("change_seq", BIG_INT, index=True, nullable=False),
)
"""A deleted task, so pollers learn about deletions through the change cursor."""


SEQUENCES = sa.Table(
    "sequences",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", BIG_INT, nullable=False),
)
"""Named monotonic counters (``tasks``: the queue's change cursor)."""

INITIAL_ROWS: tuple[tuple[sa.Table, tuple[dict[str, object], ...]], ...] = (
    (SEQUENCES, ({"name": "tasks", "value": 1},)),
)
"""The rows a new database starts with: those the migrations insert (``0002``: the change
cursor starts at 1). A test checks that a database built by the migrations has the same."""


WORKERS = sa.Table(
    "workers",
    metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("host", sa.String(255), nullable=False),
    sa.Column("pid", BIG_INT, nullable=False),
    sa.Column("slots", BIG_INT, nullable=False),
    sa.Column("started_at", sa.Float, nullable=False),
    sa.Column("heartbeat_at", sa.Float, nullable=False),
    sa.Column("stopped_at", sa.Float, nullable=True),
    sa.Column("running", BIG_INT, nullable=False),
    sa.Column("bytes_per_s", sa.Float, nullable=False),
    sa.Column("tasks_done", BIG_INT, nullable=False),
)
"""A queue runner (``hfsuite worker``, ``queue run``, the desktop app) and its last heartbeat;
``id`` is the claim it writes into ``tasks.claimed_by``."""


HISTORY = sa.Table(
    "history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("task_id", BIG_INT, nullable=True),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("repo_id", sa.String(300), nullable=True),
    sa.Column("url", sa.Text, nullable=True),
    sa.Column("repo_type", sa.String(16), nullable=False),
    sa.Column("revision", sa.String(300), nullable=True),
    sa.Column("commit", sa.String(64), nullable=True),
    sa.Column("layout", sa.String(32), nullable=True),
    sa.Column("files", sa.JSON, nullable=False),
    sa.Column("bytes_downloaded", BIG_INT, nullable=False),
    sa.Column("duration_s", sa.Float, nullable=False),
    sa.Column("destination", sa.Text, nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("error", sa.Text, nullable=True),
    sa.Column("started_at", sa.Float, nullable=True),
    sa.Column("finished_at", sa.Float, index=True, nullable=False),
    sa.Column("endpoint", sa.Text, nullable=True),
    sa.Index("ix_history_repo", "source", "repo_type", "repo_id"),
)
"""A finished, failed or cancelled download."""


FAVORITES = sa.Table(
    "favorites",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("repo_type", sa.String(16), nullable=False),
    sa.Column("repo_id", sa.String(300), nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.UniqueConstraint("source", "repo_type", "repo_id", name="uq_favorites_repo"),
)
"""A favorite repository (see :class:`~hfsuite.storage.repositories.HistoryRepository`)."""


API_CACHE = sa.Table(
    "api_cache",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("kind", sa.String(64), index=True, nullable=False),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Column("etag", sa.String(200), nullable=True),
    sa.Column("fetched_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, index=True, nullable=True),
)
"""Cached API responses."""


FILE_HASHES = sa.Table(
    "file_hashes",
    metadata,
    sa.Column("device", BIG_INT, primary_key=True, autoincrement=False),
    sa.Column("inode", BIG_INT, primary_key=True, autoincrement=False),
    sa.Column("size_bytes", BIG_INT, primary_key=True, autoincrement=False),
    sa.Column("mtime_ns", BIG_INT, primary_key=True, autoincrement=False),
    sa.Column("sha256", sa.String(64), index=True, nullable=True),
    sa.Column("autov1", sa.String(8), index=True, nullable=True),
    sa.Column("partial_hash", sa.String(64), nullable=True),
    sa.Column("origin", sa.String(16), nullable=False),
    sa.Column("computed_at", sa.Float, nullable=False),
)
"""Hashes of a file's bytes, keyed by the file's identity on disk.

Valid while (device, inode, size, mtime_ns) are what they were when hashed: a rename or a
hard link keeps the key (no re-read), any rewrite changes it. ``origin`` says whether the
digest was read by a scan (``read``) or verified by a finished download (``download``).
"""


LIBRARY_ROOTS = sa.Table(
    "library_roots",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("path", sa.Text, unique=True, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.Column("added_at", sa.Float, nullable=False),
)
"""A folder the library scans: the HF cache, a folder the user added, a tool's folder.

A default root (the HF cache) the user removed stays as a disabled row, so it is not
added back by itself.
"""


LIBRARY_FILES = sa.Table(
    "library_files",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("path", sa.Text, unique=True, nullable=False),
    sa.Column("root", sa.Text, index=True, nullable=False),
    sa.Column("device", BIG_INT, nullable=False),
    sa.Column("inode", BIG_INT, nullable=False),
    sa.Column("size_bytes", BIG_INT, index=True, nullable=False),
    sa.Column("mtime_ns", BIG_INT, nullable=False),
    sa.Column("nlink", BIG_INT, nullable=False),
    sa.Column("is_symlink", sa.Boolean, nullable=False),
    sa.Column("hf_blob", sa.Boolean, nullable=False),
    sa.Column("format", sa.String(32), index=True, nullable=False),
    sa.Column("kind", sa.String(32), index=True, nullable=False),
    sa.Column("architecture", sa.String(64), nullable=True),
    sa.Column("dtype", sa.String(32), nullable=True),
    sa.Column("parameter_count", BIG_INT, nullable=True),
    sa.Column("context_length", BIG_INT, nullable=True),
    sa.Column("tensor_count", BIG_INT, nullable=True),
    sa.Column("header_metadata", sa.JSON(none_as_null=True), nullable=True),
    sa.Column("warnings", sa.JSON(none_as_null=True), nullable=True),
    sa.Column("problem_kind", sa.String(32), nullable=True),
    sa.Column("problem", sa.Text, nullable=True),
    sa.Column("hf_repo_type", sa.String(16), nullable=True),
    sa.Column("hf_repo_id", sa.String(300), index=True, nullable=True),
    sa.Column("hf_revision", sa.String(64), nullable=True),
    sa.Column("hf_path", sa.Text, nullable=True),
    sa.Column("hf_refs", sa.JSON(none_as_null=True), nullable=True),
    sa.Column("first_seen", sa.Float, nullable=False),
    sa.Column("last_seen", sa.Float, nullable=False),
    sa.Index("ix_library_files_key", "device", "inode", "size_bytes", "mtime_ns"),
)
"""One file found by a library scan, with what its header says.

Its hashes are in :data:`FILE_HASHES`, joined on (device, inode, size_bytes, mtime_ns).
"""


RECLAIM_LOG = sa.Table(
    "reclaim_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.Float, index=True, nullable=False),
    sa.Column("mode", sa.String(16), nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("keep", sa.Text, nullable=True),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("bytes", BIG_INT, nullable=False),
)
"""One action of reclaiming duplicate space (a link, a deletion, or why it was skipped)."""


DAILY_STATS = sa.Table(
    "daily_stats",
    metadata,
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("downloads", BIG_INT, nullable=False),
    sa.Column("failures", BIG_INT, nullable=False),
    sa.Column("cancelled", BIG_INT, nullable=False),
    sa.Column("bytes_downloaded", BIG_INT, nullable=False),
    sa.Column("seconds", sa.Float, nullable=False),
)
"""Per-day counters, updated with an upsert as downloads finish."""


MODEL_VERSIONS = sa.Table(
    "model_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("repo_type", sa.String(16), nullable=False),
    sa.Column("repo_id", sa.String(300), nullable=False),
    sa.Column("revision", sa.String(300), nullable=True),
    sa.Column("commit", sa.String(64), nullable=False),
    sa.Column("destination", sa.Text, nullable=False),
    sa.Column("layout", sa.String(32), nullable=False),
    sa.Column("manifest", sa.JSON, nullable=False),
    sa.Column("downloaded_at", sa.Float, nullable=False),
    sa.Column("upstream_commit", sa.String(64), nullable=True),
    sa.Column("checked_at", sa.Float, nullable=True),
    sa.Column("selections", sa.JSON, nullable=True),
    sa.Column("endpoint", sa.Text, nullable=True),
    sa.UniqueConstraint(
        "source", "repo_type", "repo_id", "destination", name="uq_model_versions_target"
    ),
)
"""The commit downloaded into a destination, for update checks."""
