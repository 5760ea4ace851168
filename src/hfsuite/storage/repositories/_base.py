"""What every repository shares: the connection it works in and the clock it stamps times with."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import Connection

from hfsuite.core.clock import Clock

CHUNK = 900
"""Items per ``IN (...)`` list: well under SQLite's host-parameter limit."""

_Item = TypeVar("_Item")


class Repository:
    """Base of the repositories: bound to one unit of work's connection.

    Repositories run Core statements (not ORM object loading) and return detached records, so
    listing 10,000 tasks stays cheap and nothing leaks a live connection.

    Args:
        session: The connection of the unit of work (a Core :class:`~sqlalchemy.Connection`).
        clock: Where "now" comes from for timestamps.
    """

    def __init__(self, session: Connection, clock: Clock):
        self.session = session
        self.clock = clock

    def _now(self) -> float:
        return self.clock.now()


def like_pattern(text: str) -> str:
    """A ``LIKE`` pattern matching ``text`` anywhere (use with ``escape='\\\\'``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def chunks(items: Sequence[_Item]) -> Iterator[Sequence[_Item]]:
    """``items`` in slices of :data:`CHUNK`."""
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def rowcount(result: Any) -> int:
    """Rows an UPDATE/DELETE touched (0 when the driver does not say)."""
    return int(getattr(result, "rowcount", 0) or 0)


def insert_on_conflict(session: Connection, table: sa.Table) -> Any:
    """An INSERT for ``table`` in the dialect of ``session``, with ``on_conflict_do_update``.

    SQLite and PostgreSQL spell an upsert the same way (``INSERT … ON CONFLICT``), but
    SQLAlchemy builds it from each dialect's own ``insert()``; this picks the one the connection
    speaks.
    """
    if session.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)
