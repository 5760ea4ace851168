"""Update tracking, statistics, favorites, change polling and query indices.

Revision ID: 0002
Revises: 0001
Create Date: 2025-06-16

Why: the first schema could queue and record downloads but not (a) tell which downloaded
models changed upstream (``model_versions``), (b) chart per-day statistics (``daily_stats``),
(c) star repositories (``favorites``), (d) let a second process (desktop app + CLI) poll the
queue cheaply and learn about deletions (``tasks.change_seq``, ``sequences``,
``task_tombstones``); and the queue view's ``ORDER BY priority DESC, rank`` and history's date
filter scanned whole tables (indices below). Existing rows are kept: tasks get
``change_seq = 1`` and the counter starts there, so a poller starting at 0 sees them all.

Migrations are self-contained: never import hfsuite.storage.schema here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

# 64-bit on PostgreSQL (sizes, byte counts, nanosecond times, inodes do not fit its 32-bit
# INTEGER); SQLite's INTEGER is already 64-bit, and its schema stays as it was.
BIG_INT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Add the tables, the change cursor and the indices."""
    op.add_column(
        "tasks",
        sa.Column("change_seq", BIG_INT, nullable=False, server_default=sa.text("0")),
    )
    op.execute("UPDATE tasks SET change_seq = 1")
    op.create_index("ix_tasks_change_seq", "tasks", ["change_seq"])
    op.create_index("ix_tasks_order", "tasks", [sa.text("priority DESC"), "rank"])
    op.create_index("ix_tasks_state_order", "tasks", ["state", sa.text("priority DESC"), "rank"])

    seq = op.create_table(
        "sequences",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", BIG_INT, nullable=False),
    )
    op.bulk_insert(seq, [{"name": "tasks", "value": 1}])
    op.create_table(
        "task_tombstones",
        sa.Column("task_id", BIG_INT, primary_key=True, autoincrement=False),
        sa.Column("change_seq", BIG_INT, nullable=False),
    )
    op.create_index("ix_task_tombstones_change_seq", "task_tombstones", ["change_seq"])

    op.create_index("ix_history_finished_at", "history", ["finished_at"])
    op.create_index("ix_history_repo", "history", ["source", "repo_type", "repo_id"])
    op.create_table(
        "favorites",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("repo_type", sa.String(16), nullable=False),
        sa.Column("repo_id", sa.String(300), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.UniqueConstraint("source", "repo_type", "repo_id", name="uq_favorites_repo"),
    )

    op.create_index("ix_api_cache_kind", "api_cache", ["kind"])
    op.create_index("ix_api_cache_expires_at", "api_cache", ["expires_at"])
    op.create_index("ix_file_hashes_size_bytes", "file_hashes", ["size_bytes"])
    op.create_index("ix_file_hashes_sha256", "file_hashes", ["sha256"])

    op.create_table(
        "daily_stats",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("downloads", BIG_INT, nullable=False),
        sa.Column("failures", BIG_INT, nullable=False),
        sa.Column("cancelled", BIG_INT, nullable=False),
        sa.Column("bytes_downloaded", BIG_INT, nullable=False),
        sa.Column("seconds", sa.Float, nullable=False),
    )
    op.create_table(
        "model_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("repo_type", sa.String(16), nullable=False),
        sa.Column("repo_id", sa.String(300), nullable=False),
        sa.Column("revision", sa.String(300)),
        sa.Column("commit", sa.String(64), nullable=False),
        sa.Column("destination", sa.Text, nullable=False),
        sa.Column("layout", sa.String(32), nullable=False),
        sa.Column("manifest", sa.JSON, nullable=False),
        sa.Column("downloaded_at", sa.Float, nullable=False),
        sa.Column("upstream_commit", sa.String(64)),
        sa.Column("checked_at", sa.Float),
        sa.UniqueConstraint(
            "source", "repo_type", "repo_id", "destination", name="uq_model_versions_target"
        ),
    )


def downgrade() -> None:
    """Remove what :func:`upgrade` added."""
    op.drop_table("model_versions")
    op.drop_table("daily_stats")
    op.drop_index("ix_file_hashes_sha256", "file_hashes")
    op.drop_index("ix_file_hashes_size_bytes", "file_hashes")
    op.drop_index("ix_api_cache_expires_at", "api_cache")
    op.drop_index("ix_api_cache_kind", "api_cache")
    op.drop_table("favorites")
    op.drop_index("ix_history_repo", "history")
    op.drop_index("ix_history_finished_at", "history")
    op.drop_table("task_tombstones")
    op.drop_table("sequences")
    op.drop_index("ix_tasks_state_order", "tasks")
    op.drop_index("ix_tasks_order", "tasks")
    op.drop_index("ix_tasks_change_seq", "tasks")
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("change_seq")
