"""Initial schema: the queue (tasks, task files), history, profiles and the caches.

Revision ID: 0001
Revises:
Create Date: 2025-06-15

Migrations are self-contained: never import hfsuite.storage.schema here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

# 64-bit on PostgreSQL (sizes, byte counts, nanosecond times, inodes do not fit its 32-bit
# INTEGER); SQLite's INTEGER is already 64-bit, and its schema stays as it was.
BIG_INT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the first tables."""
    op.create_table(
        "profiles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("destination", sa.Text, nullable=False),
        sa.Column("layout", sa.String(32), nullable=False),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("origin", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("repo_id", sa.String(300)),
        sa.Column("url", sa.Text),
        sa.Column("repo_type", sa.String(16), nullable=False),
        sa.Column("revision", sa.String(300)),
        sa.Column("resolved_commit", sa.String(64)),
        sa.Column("include_globs", sa.JSON, nullable=False),
        sa.Column("exclude_globs", sa.JSON, nullable=False),
        sa.Column("files", sa.JSON),
        sa.Column("destination", sa.Text, nullable=False),
        sa.Column("layout", sa.String(32), nullable=False),
        sa.Column("profile_id", sa.Integer, sa.ForeignKey("profiles.id", ondelete="SET NULL")),
        sa.Column("priority", BIG_INT, nullable=False),
        sa.Column("rank", sa.Float, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("bandwidth_limit_bps", BIG_INT),
        sa.Column("connections", BIG_INT),
        sa.Column("expected_sha256", sa.String(64)),
        sa.Column("bytes_total", BIG_INT),
        sa.Column("bytes_done", BIG_INT, nullable=False),
        sa.Column("files_total", BIG_INT),
        sa.Column("files_done", BIG_INT, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("started_at", sa.Float),
        sa.Column("finished_at", sa.Float),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.Column("claimed_by", sa.String(200)),
        sa.Column("heartbeat_at", sa.Float),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "task_files",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "task_id",
            sa.Integer,
            sa.ForeignKey("tasks.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("size_bytes", BIG_INT),
        sa.Column("sha256", sa.String(64)),
        sa.Column("etag", sa.String(200)),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("bytes_done", BIG_INT, nullable=False),
        sa.Column("completed_ranges", sa.JSON, nullable=False),
        sa.Column("remote_etag", sa.String(200)),
        sa.Column("remote_commit", sa.String(64)),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.UniqueConstraint("task_id", "path", name="uq_task_files_task_path"),
    )
    op.create_table(
        "history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("task_id", BIG_INT),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("repo_id", sa.String(300)),
        sa.Column("url", sa.Text),
        sa.Column("repo_type", sa.String(16), nullable=False),
        sa.Column("revision", sa.String(300)),
        sa.Column("commit", sa.String(64)),
        sa.Column("layout", sa.String(32)),
        sa.Column("files", sa.JSON, nullable=False),
        sa.Column("bytes_downloaded", BIG_INT, nullable=False),
        sa.Column("duration_s", sa.Float, nullable=False),
        sa.Column("destination", sa.Text, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("started_at", sa.Float),
        sa.Column("finished_at", sa.Float, nullable=False),
    )
    op.create_table(
        "api_cache",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("etag", sa.String(200)),
        sa.Column("fetched_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float),
    )
    op.create_table(
        "file_hashes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("path", sa.Text, nullable=False, unique=True),
        sa.Column("size_bytes", BIG_INT, nullable=False),
        sa.Column("mtime_ns", BIG_INT, nullable=False),
        sa.Column("sha256", sa.String(64)),
        sa.Column("partial_hash", sa.String(64)),
        sa.Column("computed_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    """Drop everything."""
    for table in ("file_hashes", "api_cache", "history", "task_files", "tasks", "profiles"):
        op.drop_table(table)
