"""Units of work: atomic commit/rollback, snapshots, and waiting for the write lock."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from hfsuite.core.clock import ManualClock
from hfsuite.core.errors import StorageError
from hfsuite.core.types import Outcome, SourceKind
from hfsuite.storage import Database, HistorySpec, TaskSpec, open_database
from hfsuite.storage import database as database_module


def task(name: str) -> TaskSpec:
    return TaskSpec(source=SourceKind.HUGGINGFACE, repo_id=name, destination="/d")


def history(name: str) -> HistorySpec:
    return HistorySpec(
        source=SourceKind.HUGGINGFACE,
        repo_id=name,
        outcome=Outcome.COMPLETED,
        destination="/d",
        finished_at=1.0,
    )


def counts(db: Database) -> tuple[int, int]:
    with db.read() as uow:
        return len(uow.tasks.list_queue()), uow.history.count()


def test_exception_in_a_write_rolls_everything_back(db: Database) -> None:
    with db.write() as uow:
        uow.tasks.add(task("org/kept"))
    with pytest.raises(RuntimeError, match="crash mid-way"), db.write() as uow:
        uow.tasks.add_many([task("org/a"), task("org/b")])
        uow.history.add(history("org/a"))
        uow.tasks.pause()
        raise RuntimeError("crash mid-way")
    assert counts(db) == (1, 0)
    with db.read() as uow:
        (kept,) = uow.tasks.list_queue()
    assert kept.state.value == "queued"


def test_database_errors_become_storage_errors_and_roll_back(db: Database) -> None:
    with pytest.raises(StorageError, match="Database error") as info, db.write() as uow:
        uow.tasks.add(task("org/a"))
        uow.session.execute(text("INSERT INTO no_such_table VALUES (1)"))
    assert info.value.exit_code == 4
    assert counts(db) == (0, 0)


def test_a_read_is_a_snapshot(db_url: str, db: Database, clock: ManualClock) -> None:
    other = open_database(db_url, clock=clock)
    try:
        with db.read() as uow:
            assert uow.tasks.list_queue() == []
            with other.write() as writer:  # commits while the read is open
                writer.tasks.add(task("org/new"))
            assert uow.tasks.list_queue() == []
        assert counts(db) == (1, 0)
    finally:
        other.close()


def test_a_second_writer_waits_instead_of_failing(db_url: str, db: Database) -> None:
    other = open_database(db_url)
    started = threading.Event()
    errors: list[BaseException] = []

    def slow_read_then_write() -> None:
        try:
            with db.write() as uow:
                uow.tasks.list_queue()  # read first…
                started.set()
                time.sleep(0.3)
                uow.tasks.add(task("org/first"))  # …then write: no SQLITE_BUSY
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            started.set()

    thread = threading.Thread(target=slow_read_then_write)
    thread.start()
    started.wait(5)
    t0 = time.perf_counter()
    with other.write() as uow:
        uow.tasks.add(task("org/second"))
    waited = time.perf_counter() - t0
    thread.join()
    other.close()
    assert errors == []
    assert waited > 0.15  # it queued behind the first writer
    with db.read() as uow:
        assert [t.repo_id for t in uow.tasks.list_queue()] == ["org/first", "org/second"]


@pytest.mark.sqlite_only
def test_why_begin_immediate_deferred_upgrade_fails_without_waiting(db: Database) -> None:
    """The failure mode the write() design avoids, shown with plain sqlite3 connections."""
    path = Path(db.where)
    a = sqlite3.connect(path, timeout=5, isolation_level=None)
    b = sqlite3.connect(path, timeout=5, isolation_level=None)
    try:
        a.execute("BEGIN")  # deferred, like pysqlite's default
        a.execute("SELECT count(*) FROM history").fetchone()
        b.execute("UPDATE sequences SET value = value + 1")  # another process commits
        t0 = time.perf_counter()
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            a.execute("UPDATE sequences SET value = value + 1")
        assert time.perf_counter() - t0 < 1  # the 5 s busy timeout did not help
        a.execute("ROLLBACK")
    finally:
        a.close()
        b.close()


@pytest.mark.sqlite_only
def test_lock_held_too_long_gives_a_clear_storage_error(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_S", 0.05)
    db = open_database(db_url)
    blocker = sqlite3.connect(Path(db.where), isolation_level=None, check_same_thread=False)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        with pytest.raises(StorageError, match="stayed locked"), db.write():
            pass  # pragma: no cover
        # Released while retrying: run_write gets through.
        threading.Timer(0.1, lambda: blocker.execute("ROLLBACK")).start()
        result = db.run_write(lambda uow: uow.tasks.add(task("org/late")).id, attempts=5)
        assert result == 1
    finally:
        time.sleep(0.15)
        blocker.close()
        db.close()


@pytest.mark.postgresql_only
def test_postgresql_writer_held_too_long_gives_a_clear_storage_error(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_S", 0.05)  # lock_timeout = 50 ms
    db = open_database(db_url)
    other = open_database(db_url)
    try:
        with other.write():  # holds the write lock
            with pytest.raises(StorageError, match="stayed locked") as info, db.write():
                pass  # pragma: no cover
            assert info.value.exit_code == 4
        release = threading.Event()

        def hold() -> None:
            with other.write():
                release.wait(5)

        holder = threading.Thread(target=hold)
        holder.start()
        time.sleep(0.05)  # the holder takes the lock (a real wait on a real server)
        threading.Timer(0.1, release.set).start()
        result = db.run_write(lambda uow: uow.tasks.add(task("org/late")).id, attempts=5)
        holder.join()
        assert result == 1
    finally:
        db.close()
        other.close()
