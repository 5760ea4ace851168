"""Bring a database's schema to the version this program needs, with Alembic.

The migration scripts ship inside the package (``migrations/``); no ``alembic.ini`` is needed at
run time. Rules:

- a new database (no tables at all) gets the schema of :mod:`hfsuite.storage.schema` at once,
  with the rows the migrations leave (:data:`~hfsuite.storage.schema.INITIAL_ROWS`), stamped
  with the head revision (:func:`create_new`): what Alembic's documentation advises for a
  database built from scratch, and 0.02 s where importing Alembic and running every migration
  took 0.3 s of the first command a user runs (a test checks the two give the same tables,
  columns, keys, indices and rows);
- an older database is upgraded in place, inside one ``BEGIN IMMEDIATE`` transaction
  (on PostgreSQL: one transaction holding an advisory lock), so two processes opening it at once
  migrate it exactly once and a failed migration leaves the old schema untouched (DDL is
  transactional on both; so is the creation of a new one);
- a database stamped with a revision this program does not know was written by a newer version
  of the program: it is refused with a :class:`~hfsuite.core.errors.MigrationError` rather than
  being "upgraded" into something neither version understands.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from hfsuite.core.errors import MigrationError
from hfsuite.core.i18n import tr
from hfsuite.storage.schema import INITIAL_ROWS, metadata

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

#: The newest revision in ``migrations/versions``. Opening an up-to-date database only compares
#: its stamp with this, so Alembic is imported only to migrate (a test keeps it equal to
#: Alembic's own head).
HEAD_REVISION = "0007"

_PG_LOCK = 0x6866_7375_6974_65
"""The advisory lock key migrations hold on PostgreSQL ("hfsuite")."""

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")
"""Folder holding ``env.py`` and ``versions/``."""

_VERSION_TABLE = sa.Table(
    "alembic_version",
    sa.MetaData(),
    sa.Column("version_num", sa.String(32), nullable=False),
    sa.PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)
"""Alembic's stamp table, as Alembic creates it."""


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations.

    Args:
        connection: An open connection for ``env.py`` to run on (the normal case).

    Returns:
        The config (no ini file behind it).
    """
    from alembic.config import Config

    config = Config()
    # ConfigParser interpolation: a '%' in the install path must be doubled.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def _script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest schema revision this program knows."""
    head = _script().get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise MigrationError(tr("No database migrations are installed."))
    return head


def known_revisions() -> frozenset[str]:
    """Every schema revision this program knows."""
    return frozenset(s.revision for s in _script().walk_revisions())


def current_revisions(connection: Connection) -> tuple[str, ...]:
    """The revisions the database is stamped with (empty for a new database)."""
    # What Alembic's MigrationContext.get_current_heads() reads, without importing Alembic.
    if not sa.inspect(connection).has_table("alembic_version"):
        return ()
    rows = connection.execute(sa.text("SELECT version_num FROM alembic_version"))
    return tuple(sorted(str(r[0]) for r in rows))


def check_known(revisions: Iterable[str], where: str) -> None:
    """Refuse a database stamped with revisions this program does not know.

    Args:
        revisions: The database's current revisions.
        where: The database's path or URL, for the message.

    Raises:
        MigrationError: when a revision is unknown (the database is from a newer version).
    """
    unknown = sorted(set(revisions) - known_revisions())
    if unknown:
        raise MigrationError(
            tr(
                "The database at {where} was created by a newer version of HF Download Suite "
                "(schema revision {unknown}; this version knows up to {head}).",
                where=where,
                unknown=", ".join(unknown),
                head=head_revision(),
            ),
            hint=tr("Upgrade HF Download Suite, or point it at another database file."),
        )


def _lock_for_schema(connection: Connection) -> None:
    """On PostgreSQL, which has no ``BEGIN IMMEDIATE``: a transaction-scoped advisory lock, so
    processes that open a new database at once create or migrate it one after the other."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})


def create_new(engine: Engine, where: str) -> bool:
    """Give a new, empty database the newest schema in one transaction on ``engine``.

    Args:
        engine: The write engine (``BEGIN IMMEDIATE`` on SQLite), as for :func:`upgrade`.
        where: The database's path or URL, for messages.

    Returns:
        True when the schema was created; False when the database is not empty (another
        process created it meanwhile, or it holds tables without a stamp): :func:`upgrade`
        then decides, as for any existing database.

    Raises:
        MigrationError: when creating the schema fails (nothing is left of it).
    """
    try:
        with engine.begin() as connection:
            _lock_for_schema(connection)
            if sa.inspect(connection).get_table_names():
                return False
            metadata.create_all(connection)
            for table, rows in INITIAL_ROWS:
                connection.execute(table.insert(), list(rows))
            _VERSION_TABLE.create(connection)
            connection.execute(_VERSION_TABLE.insert(), {"version_num": HEAD_REVISION})
    except Exception as exc:
        raise MigrationError(
            tr("Could not create the database at {where}: {reason}", where=where, reason=exc),
            hint=tr("Nothing was written. Check the location, or report this."),
            details=repr(exc),
        ) from exc
    return True


def upgrade(engine: Engine, where: str, target: str = "head") -> None:
    """Upgrade the schema to ``target`` in one transaction on ``engine``.

    ``engine`` should emit ``BEGIN IMMEDIATE`` (the write engine of
    :class:`~hfsuite.storage.database.Database`) so the check and the upgrade are atomic with
    respect to other processes.

    Args:
        engine: The engine to run on.
        where: The database's path or URL, for messages.
        target: A revision id, or ``"head"``.

    Raises:
        MigrationError: when the database is newer than this program or a migration fails.
    """
    try:
        with engine.begin() as connection:
            _lock_for_schema(connection)
            current = current_revisions(connection)
            check_known(current, where)
            wanted = head_revision() if target == "head" else target
            if current == (wanted,):
                return
            from alembic import command

            command.upgrade(alembic_config(connection), target)
    except MigrationError:
        raise
    except Exception as exc:
        raise MigrationError(
            tr(
                "Could not bring the database at {where} up to date: {reason}",
                where=where,
                reason=exc,
            ),
            hint=tr(
                "The database was left as it was. Report this, or move the file aside to "
                "start with a fresh database."
            ),
            details=repr(exc),
        ) from exc
