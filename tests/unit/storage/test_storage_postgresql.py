"""PostgreSQL as the database: connection settings, clear errors, 64-bit values, concurrency.

The storage tests that take ``db`` or ``db_url`` already run on both backends (see conftest);
these are about what differs: how connections are set up and what a person sees when the
server or its driver is missing.
"""

from __future__ import annotations

import importlib.util
import socket
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from hfsuite.core.errors import StorageError
from hfsuite.core.types import Outcome, SourceKind
from hfsuite.storage import (
    Database,
    HistorySpec,
    create_engine_for,
    migrate,
    open_database,
)
from hfsuite.storage import database as database_module


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens there once closed


@pytest.mark.postgresql_only
def test_every_connection_is_configured(db: Database) -> None:
    assert db.dialect == "postgresql"
    assert db.engine.pool._pre_ping  # type: ignore[attr-defined]
    with db.write() as uow:
        show = uow.session.exec_driver_sql
        assert show("SHOW transaction_isolation").scalar() == "read committed"
        assert show("SHOW lock_timeout").scalar() == "30s"
        assert show("SHOW application_name").scalar() == "hfsuite"
        # The write lock is held for the transaction.
        held = show("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'").scalar()
        assert held == 1
    with db.read() as uow:
        level = uow.session.exec_driver_sql("SHOW transaction_isolation").scalar()
        assert level == "repeatable read"


@pytest.mark.postgresql_only
def test_sizes_beyond_32_bits_round_trip(db: Database) -> None:
    five_gib = 5 * 1024**3
    with db.write() as uow:
        uow.history.add(
            HistorySpec(
                source=SourceKind.HUGGINGFACE,
                repo_id="org/big",
                outcome=Outcome.COMPLETED,
                destination="/d",
                finished_at=1.0,
                bytes_downloaded=five_gib,
            )
        )
    with db.read() as uow:
        (row,) = uow.history.find()
    assert row.bytes_downloaded == five_gib


@pytest.mark.postgresql_only
def test_two_processes_opening_a_new_database_migrate_it_once(db_url: str) -> None:
    opened: list[Database] = []
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            opened.append(open_database(db_url))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert {db.schema_revision() for db in opened} == {migrate.head_revision()}
        with opened[0].engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    finally:
        for db in opened:
            db.close()


def test_a_url_without_a_driver_means_psycopg() -> None:
    pytest.importorskip("psycopg")
    engine = create_engine_for("postgresql://me@127.0.0.1/hfsuite")
    try:
        assert engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg"
    finally:
        engine.dispose()


def test_without_psycopg_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg -> ImportError
    with pytest.raises(StorageError) as info:
        open_database("postgresql+psycopg://me:s3cret@db.example:5432/hfsuite")
    message = str(info.value)
    assert "psycopg" in message and "s3cret" not in message and "***" in message
    assert "pip install 'psycopg[binary]>=3.2'" in (info.value.hint or "")
    assert info.value.exit_code == 4


def test_a_server_that_cannot_be_reached_is_a_clear_storage_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("psycopg")
    monkeypatch.setattr(database_module, "CONNECT_TIMEOUT_S", 2)
    url = f"postgresql+psycopg://me:s3cret@127.0.0.1:{_closed_port()}/hfsuite"
    with pytest.raises(StorageError) as info:
        open_database(url)
    message = str(info.value)
    assert message.startswith("Cannot connect to the PostgreSQL database at ")
    assert "refused" in message.lower()
    assert "s3cret" not in message and "s3cret" not in (info.value.hint or "")
    assert "server is running" in (info.value.hint or "")
    assert info.value.exit_code == 4


@pytest.mark.postgresql_only
def test_a_database_the_server_does_not_have_is_a_clear_storage_error(db_url: str) -> None:
    missing = db_url.rsplit("/", 1)[0] + "/no_such_database"
    with pytest.raises(StorageError, match="Cannot connect to the PostgreSQL database") as info:
        open_database(missing)
    assert "does not exist" in str(info.value)


DOC = (Path(__file__).parents[3] / "docs" / "errors.md").read_text(encoding="utf-8")


def _documented(error: StorageError, **placeholders: str) -> bool:
    message = error.message
    for name, given in placeholders.items():
        message = message.replace(given, f"<{name}>")
    return f"| `{message}` | {error.exit_code} |" in DOC


def test_the_database_url_messages_are_documented(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each message produced by the code, found word for word in docs/errors.md."""
    shown = "postgresql+psycopg://me:***@127.0.0.1:{port}/hfsuite"
    cases: list[tuple[str, dict[str, str]]] = [
        ("not a url://", {}),
        ("mysql://me:s3cret@127.0.0.1/hfsuite", {"url": "mysql://me:***@127.0.0.1/hfsuite"}),
        (
            "postgresql+psycopg2://me:s3cret@127.0.0.1/hfsuite",
            {"url": "postgresql+psycopg2://me:***@127.0.0.1/hfsuite"},
        ),
    ]
    for url, placeholders in cases:
        with pytest.raises(StorageError) as info:
            open_database(url)
        assert _documented(info.value, **placeholders), info.value.message
    with monkeypatch.context() as patch:
        patch.setitem(sys.modules, "psycopg", None)
        with pytest.raises(StorageError) as info:
            open_database("postgresql+psycopg://me:s3cret@127.0.0.1/hfsuite")
        url = "postgresql+psycopg://me:***@127.0.0.1/hfsuite"
        assert _documented(info.value, url=url), info.value.message
    if importlib.util.find_spec("psycopg") is not None:
        port = _closed_port()
        with pytest.raises(StorageError) as info:
            open_database(f"postgresql+psycopg://me:s3cret@127.0.0.1:{port}/hfsuite")
        reason = info.value.message.split(": ", 1)[1]
        where = shown.format(port=port)
        assert _documented(info.value, url=where, reason=reason), info.value.message
    locked = database_module.Database(
        create_engine_for("sqlite://"), "/data/hfsuite.db"
    )._translate(OperationalError("BEGIN", {}, Exception("database is locked")))
    assert isinstance(locked, StorageError)
    assert _documented(locked, where="/data/hfsuite.db"), locked.message


def test_without_postgresql_programs_the_cluster_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    from hfsuite.testing import postgres

    monkeypatch.setattr(postgres.shutil, "which", lambda _name: None)
    monkeypatch.setattr(postgres.glob, "glob", lambda _pattern: [])
    monkeypatch.setattr(postgres, "_CANDIDATES", ())
    with pytest.raises(postgres.PostgresUnavailable, match="PostgreSQL is not installed"):
        postgres.PostgresCluster()
