"""Read the database a command wrote, whichever it is: a SQLite file or, when the suite runs on
PostgreSQL (``HFSUITE_TEST_DB=postgresql``), the test's PostgreSQL database."""

from __future__ import annotations

from typing import Any

import sqlalchemy


def query(url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` (named parameters ``:name``) on the database at ``url``."""
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(sqlalchemy.text(sql), params)]
    finally:
        engine.dispose()


def every_row(url: str) -> str:
    """Every row of every table of the database at ``url``, as text."""
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as conn:
            tables = sqlalchemy.inspect(conn).get_table_names()
            return "\n".join(
                repr(row)
                for table in tables
                for row in conn.execute(sqlalchemy.text(f'SELECT * FROM "{table}"'))
            )
    finally:
        engine.dispose()
