"""Queue runners and their heartbeats.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

Why: several workers (on one PostgreSQL database, on many hosts) share one queue. Each runner
now registers itself with a heartbeat, so ``hfsuite workers ls`` can list the fleet and a task's
``claimed_by`` can be shown as the worker's name.

Migrations are self-contained: never import hfsuite.storage.schema here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

BIG_INT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the table."""
    op.create_table(
        "workers",
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


def downgrade() -> None:
    """Remove what :func:`upgrade` added."""
    op.drop_table("workers")
