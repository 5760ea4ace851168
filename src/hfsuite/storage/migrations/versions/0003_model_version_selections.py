"""What each tracked download asked for.

Revision ID: 0003
Revises: 0002
Create Date: 2025-07-02

Why: an update check reported as "added" every file new upstream, even one the download's
``--include``/``--exclude`` would never have taken, and after an update that fetched only the
modified files it could no longer tell an added file from one left out on purpose. The
selections (explicit paths, include and exclude globs) of the downloads into a destination are
now kept with its tracked version. Existing rows get NULL: their selection is unknown.

Migrations are self-contained: never import hfsuite.storage.schema here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add the column."""
    with op.batch_alter_table("model_versions") as batch:
        batch.add_column(sa.Column("selections", sa.JSON, nullable=True))


def downgrade() -> None:
    """Remove what :func:`upgrade` added."""
    with op.batch_alter_table("model_versions") as batch:
        batch.drop_column("selections")
