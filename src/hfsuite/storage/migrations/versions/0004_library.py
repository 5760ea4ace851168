"""The local model library: scan roots, scanned files, a hash cache keyed by file identity, and
a log of space-reclaiming actions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

Why: the library scans folders (the HF cache, folders the user adds, tool folders), identifies
every file from its header and hashes files once. ``library_roots`` holds the folders (a
default root the user removed stays, disabled, so it is not added back),
``library_files`` one row per file found (its stat key, what it is, where in the HF cache it
appears). The old ``file_hashes`` table was keyed by path and size+mtime, so a renamed or
hard-linked file was hashed again and a replaced file with the same size and mtime could keep a
stale hash; it was never filled by any feature. It is replaced by a ``file_hashes`` table keyed
by (device, inode, size, mtime_ns), the identity of the bytes on disk, with the AutoV1 short
hash and where the digest came from (read by a scan, or verified by a download). Its rows were
only a cache, so none are carried over. ``reclaim_log`` records what reclaiming duplicate
space did to each file.

Migrations are self-contained: never import hfsuite.storage.schema here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

# 64-bit on PostgreSQL (sizes, byte counts, nanosecond times, inodes do not fit its 32-bit
# INTEGER); SQLite's INTEGER is already 64-bit, and its schema stays as it was.
BIG_INT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the library tables and replace ``file_hashes``."""
    op.create_table(
        "library_roots",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("path", sa.Text, nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("added_at", sa.Float, nullable=False),
    )
    op.create_table(
        "library_files",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("path", sa.Text, nullable=False, unique=True),
        sa.Column("root", sa.Text, nullable=False),
        sa.Column("device", BIG_INT, nullable=False),
        sa.Column("inode", BIG_INT, nullable=False),
        sa.Column("size_bytes", BIG_INT, nullable=False),
        sa.Column("mtime_ns", BIG_INT, nullable=False),
        sa.Column("nlink", BIG_INT, nullable=False),
        sa.Column("is_symlink", sa.Boolean, nullable=False),
        sa.Column("hf_blob", sa.Boolean, nullable=False),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("architecture", sa.String(64)),
        sa.Column("dtype", sa.String(32)),
        sa.Column("parameter_count", BIG_INT),
        sa.Column("context_length", BIG_INT),
        sa.Column("tensor_count", BIG_INT),
        sa.Column("header_metadata", sa.JSON),
        sa.Column("warnings", sa.JSON),
        sa.Column("problem_kind", sa.String(32)),
        sa.Column("problem", sa.Text),
        sa.Column("hf_repo_type", sa.String(16)),
        sa.Column("hf_repo_id", sa.String(300)),
        sa.Column("hf_revision", sa.String(64)),
        sa.Column("hf_path", sa.Text),
        sa.Column("hf_refs", sa.JSON),
        sa.Column("first_seen", sa.Float, nullable=False),
        sa.Column("last_seen", sa.Float, nullable=False),
    )
    op.create_index("ix_library_files_root", "library_files", ["root"])
    op.create_index("ix_library_files_size_bytes", "library_files", ["size_bytes"])
    op.create_index("ix_library_files_kind", "library_files", ["kind"])
    op.create_index("ix_library_files_format", "library_files", ["format"])
    op.create_index("ix_library_files_hf_repo_id", "library_files", ["hf_repo_id"])
    op.create_index(
        "ix_library_files_key", "library_files", ["device", "inode", "size_bytes", "mtime_ns"]
    )

    op.drop_index("ix_file_hashes_sha256", "file_hashes")
    op.drop_index("ix_file_hashes_size_bytes", "file_hashes")
    op.drop_table("file_hashes")
    op.create_table(
        "file_hashes",
        sa.Column("device", BIG_INT, primary_key=True, autoincrement=False),
        sa.Column("inode", BIG_INT, primary_key=True, autoincrement=False),
        sa.Column("size_bytes", BIG_INT, primary_key=True, autoincrement=False),
        sa.Column("mtime_ns", BIG_INT, primary_key=True, autoincrement=False),
        sa.Column("sha256", sa.String(64)),
        sa.Column("autov1", sa.String(8)),
        sa.Column("partial_hash", sa.String(64)),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("computed_at", sa.Float, nullable=False),
    )
    op.create_index("ix_file_hashes_sha256", "file_hashes", ["sha256"])
    op.create_index("ix_file_hashes_autov1", "file_hashes", ["autov1"])

    op.create_table(
        "reclaim_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("keep", sa.Text),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("bytes", BIG_INT, nullable=False),
    )
    op.create_index("ix_reclaim_log_at", "reclaim_log", ["at"])


def downgrade() -> None:
    """Remove what :func:`upgrade` added and bring back the path-keyed ``file_hashes``."""
    op.drop_index("ix_reclaim_log_at", "reclaim_log")
    op.drop_table("reclaim_log")
    op.drop_index("ix_file_hashes_autov1", "file_hashes")
    op.drop_index("ix_file_hashes_sha256", "file_hashes")
    op.drop_table("file_hashes")
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
    op.create_index("ix_file_hashes_size_bytes", "file_hashes", ["size_bytes"])
    op.create_index("ix_file_hashes_sha256", "file_hashes", ["sha256"])
    for name in ("key", "hf_repo_id", "format", "kind", "size_bytes", "root"):
        op.drop_index(f"ix_library_files_{name}", "library_files")
    op.drop_table("library_files")
    op.drop_table("library_roots")
