"""Alembic environment for the suite's database.

The program runs migrations through :func:`hfsuite.storage.migrate.upgrade_to_head`, which hands
over an open connection (already inside a ``BEGIN IMMEDIATE`` transaction, so two processes
opening a new database at once migrate it exactly once) in ``config.attributes["connection"]``.
Run from the ``alembic`` command line (developers, with ``alembic.ini`` beside this file), it
connects to ``sqlalchemy.url`` itself.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from hfsuite.storage.schema import metadata

target_metadata = metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite ALTER TABLE is limited; batch mode recreates tables when needed (on
        # PostgreSQL the same batch blocks are plain ALTER TABLE statements).
        render_as_batch=True,
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on the given connection, or on one made from ``sqlalchemy.url``."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("No connection given and no sqlalchemy.url configured")
    engine = create_engine(url)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("Offline (SQL script) migrations are not supported.")
run_migrations_online()
