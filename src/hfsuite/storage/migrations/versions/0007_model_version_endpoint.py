"""The endpoint a tracked download came from.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

Why: a model downloaded from a mirror (``--endpoint``) was checked for updates against the
endpoint of the settings, and ``updates --apply`` queued its update without the mirror. The
row now keeps the endpoint of the download that wrote it; ``NULL`` keeps meaning "the
setting's".

Migrations are self-contained: never import hfsuite.storage.schema here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add the column (every row tracked so far keeps the setting's endpoint)."""
    with op.batch_alter_table("model_versions") as batch:
        batch.add_column(sa.Column("endpoint", sa.Text, nullable=True))


def downgrade() -> None:
    """Remove what :func:`upgrade` added."""
    with op.batch_alter_table("model_versions") as batch:
        batch.drop_column("endpoint")
