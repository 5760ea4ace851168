"""SQL helpers shared by the library repositories: the one dialect-specific upsert, and
64-bit integers that do not fit a signed SQL INTEGER.

Everything else in the library repositories is plain SQLAlchemy Core; the insert-or-update is
the only statement whose spelling differs between SQLite and PostgreSQL, so it is chosen here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

_I64 = 1 << 63
_U64 = 1 << 64


def to_sql_int(value: int) -> int:
    """``value`` as a signed 64-bit integer (an inode or device number can use all 64 bits)."""
    return value - _U64 if value >= _I64 else value


def from_sql_int(value: int) -> int:
    """The unsigned number :func:`to_sql_int` stored."""
    return value + _U64 if value < 0 else value


def upsert(
    session: Connection,
    table: sa.Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    conflict: Sequence[str],
    update: Mapping[str, Any] | Sequence[str],
) -> None:
    """Insert ``rows``, updating the existing row when ``conflict`` columns already match.

    Args:
        session: Where to run it (one executemany).
        table: The table.
        rows: Column values, all rows with the same keys.
        conflict: The unique columns that identify a row.
        update: Columns to overwrite from the new row (names), or a mapping of column to an
            expression of ``excluded`` given as ``lambda excluded, table: …``.
    """
    if not rows:
        return
    dialect = session.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Any = pg_insert(table)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(table)
    if isinstance(update, Mapping):
        values = {col: make(stmt.excluded, table) for col, make in update.items()}
    else:
        values = {col: stmt.excluded[col] for col in update}
    stmt = stmt.on_conflict_do_update(index_elements=list(conflict), set_=values)
    session.execute(stmt, list(rows))
