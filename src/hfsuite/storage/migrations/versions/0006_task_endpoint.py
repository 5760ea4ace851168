"""The endpoint a task was added with, and a history entry's.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

Why: ``hfsuite download --endpoint URL`` (a mirror) made a task that, resumed later from the
queue (``queue resume``, the window, a worker), downloaded from the endpoint of the settings
instead: the endpoint was not stored. The history entry keeps it too, for ``history
redownload``. ``NULL`` keeps meaning "the setting's".

Migrations are self-contained: never import hfsuite.storage.schema here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add the columns (every existing task and entry keeps the setting's endpoint)."""
    for table in ("tasks", "history"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("endpoint", sa.Text, nullable=True))


def downgrade() -> None:
    """Remove what :func:`upgrade` added."""
    for table in ("history", "tasks"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("endpoint")
