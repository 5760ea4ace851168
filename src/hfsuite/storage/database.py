"""Opening the database and running units of work on it.

```
open_database(url) ──► Database ──┬── write() ─► UnitOfWork  (BEGIN IMMEDIATE … COMMIT | ROLLBACK)
                                  └── read()  ─► UnitOfWork  (BEGIN … ROLLBACK: a snapshot)
UnitOfWork: .tasks .task_files .history .profiles .api_cache .file_hashes .stats .model_versions
            .library_roots .library_files .reclaim_log
```

Several processes (the desktop app and the CLI) share one SQLite file. What makes that safe:

- WAL journal: readers never block the writer and the writer never blocks readers.
- ``busy_timeout`` (30 s): a writer waits for another writer's lock instead of failing at once.
- Write transactions start with ``BEGIN IMMEDIATE``. pysqlite's default deferred ``BEGIN`` takes
  the write lock only at the first write; upgrading a read transaction to a write one fails with
  SQLITE_BUSY *without* calling the busy handler when another process committed in between
  (the snapshot is stale and waiting cannot help), which surfaces as "database is locked".
  Taking the lock up front makes the busy handler apply. See
  https://sqlite.org/lang_transaction.html and https://sqlite.org/wal.html#busy.
- A bounded retry around acquiring the write lock, for the rare case the busy timeout runs out.

The engine uses pysqlite with ``isolation_level=None`` (the driver emits no ``BEGIN`` of its own)
and a ``begin`` event that emits ``BEGIN`` or ``BEGIN IMMEDIATE``; this is the recipe from the
SQLAlchemy SQLite dialect documentation ("Serializable isolation / Savepoints / Transactional
DDL"). A :class:`Database` must not be shared across ``fork()``: open one per process.

PostgreSQL (``postgresql+psycopg://user:password@host:5432/name``, psycopg 3) is the second
backend: a connection pool checked before use (``pool_pre_ping``), READ COMMITTED for writes
(the SQLite pragmas and ``BEGIN IMMEDIATE`` do not apply; a write transaction takes a
transaction-scoped advisory lock instead, so writers still go one at a time as on SQLite),
REPEATABLE READ for :meth:`Database.read` so a read is one snapshot as on SQLite, and a
``lock_timeout`` equal to SQLite's busy timeout. Passwords never appear in messages.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from hfsuite.core.clock import Clock, SystemClock
from hfsuite.core.errors import MigrationError, StorageError
from hfsuite.core.i18n import tr
from hfsuite.storage import migrate
from hfsuite.storage.notify import CHANNEL as NOTIFY_CHANNEL

if TYPE_CHECKING:
    from hfsuite.storage.repositories import (
        ApiCacheRepository,
        FileHashRepository,
        HistoryRepository,
        LibraryFileRepository,
        LibraryRootRepository,
        ModelVersionRepository,
        ProfileRepository,
        ReclaimLogRepository,
        StatsRepository,
        TaskFileRepository,
        TaskRepository,
        WorkerRepository,
    )

T = TypeVar("T")

BUSY_TIMEOUT_S = 30.0
"""How long SQLite waits for another connection's lock before giving up."""
WRITE_LOCK_ATTEMPTS = 3
"""How many times :meth:`Database.write` tries to take the write lock."""
_BEGIN_OPTION = "hfsuite_begin"
CONNECT_TIMEOUT_S = 10
"""How long connecting to a PostgreSQL server may take before it counts as unreachable."""
PSYCOPG_SPEC = "psycopg[binary]>=3.2"
"""The package a PostgreSQL URL needs."""
WRITE_LOCK_KEY = 0x6866_7375_6974_66
"""The advisory lock a write transaction holds on PostgreSQL (the counterpart of SQLite's write
lock; waiting for it is bounded by ``lock_timeout``)."""
_LOCKED_TEXTS = (
    "database is locked",  # SQLite
    "database is busy",
    "lock timeout",  # PostgreSQL: lock_timeout ran out (55P03)
    "deadlock detected",  # PostgreSQL: 40P01, the victim's transaction can be re-run
    "could not serialize access",  # PostgreSQL: 40001
)


def is_locked_error(exc: BaseException) -> bool:
    """Whether ``exc`` means another connection held a lock too long (re-running may help).

    SQLite's "database is locked" / "database is busy"; PostgreSQL's lock timeout, deadlock
    and serialization failures.
    """
    text = str(getattr(exc, "orig", exc)).lower()
    return any(part in text for part in _LOCKED_TEXTS)


def backend_name(url: str) -> str:
    """The backend of a database URL: ``sqlite``, ``postgresql``, or another SQLAlchemy name.

    Raises:
        StorageError: when ``url`` is not a URL SQLAlchemy can read.
    """
    try:
        return make_url(url).get_backend_name()
    except Exception as exc:  # ArgumentError, ValueError: a malformed URL
        raise StorageError(
            tr("The database URL is not valid."),
            hint=tr("Use sqlite:///path/to/hfsuite.db or postgresql+psycopg://user@host/name."),
        ) from exc


class UnitOfWork:
    """One transaction, with a repository per table group bound to it.

    Everything done through one unit of work commits together or not at all. Repositories are
    created on first use.

    Args:
        session: The connection the transaction runs in (a Core :class:`~sqlalchemy.Connection`;
            the name is historical).
        clock: The clock repositories use for timestamps.
    """

    def __init__(self, session: Connection, clock: Clock):
        self.session = session
        self.clock = clock

    @property
    def changed_queue(self) -> bool:
        """Whether this transaction moved the queue's change cursor (so pollers and listeners
        have news)."""
        tasks = self.__dict__.get("tasks")
        return tasks is not None and tasks.changed

    @cached_property
    def tasks(self) -> TaskRepository:
        """The queue: tasks and their files."""
        from hfsuite.storage.repositories.tasks import TaskRepository

        return TaskRepository(self.session, self.clock)

    @cached_property
    def task_files(self) -> TaskFileRepository:
        """Files of tasks, with progress and resume information."""
        from hfsuite.storage.repositories.task_files import TaskFileRepository

        return TaskFileRepository(self.session, self.clock)

    @cached_property
    def history(self) -> HistoryRepository:
        """Finished downloads and favorites."""
        from hfsuite.storage.repositories.history import HistoryRepository

        return HistoryRepository(self.session, self.clock)

    @cached_property
    def profiles(self) -> ProfileRepository:
        """Named destinations."""
        from hfsuite.storage.repositories.profiles import ProfileRepository

        return ProfileRepository(self.session, self.clock)

    @cached_property
    def api_cache(self) -> ApiCacheRepository:
        """Cached API responses."""
        from hfsuite.storage.repositories.api_cache import ApiCacheRepository

        return ApiCacheRepository(self.session, self.clock)

    @cached_property
    def file_hashes(self) -> FileHashRepository:
        """Cached hashes of file contents, keyed by (device, inode, size, mtime)."""
        from hfsuite.storage.repositories.file_hashes import FileHashRepository

        return FileHashRepository(self.session, self.clock)

    @cached_property
    def stats(self) -> StatsRepository:
        """Per-day statistics."""
        from hfsuite.storage.repositories.stats import StatsRepository

        return StatsRepository(self.session, self.clock)

    @cached_property
    def model_versions(self) -> ModelVersionRepository:
        """What was downloaded where, for update checks."""
        from hfsuite.storage.repositories.model_versions import ModelVersionRepository

        return ModelVersionRepository(self.session, self.clock)

    @cached_property
    def library_roots(self) -> LibraryRootRepository:
        """Folders the library scans."""
        from hfsuite.storage.repositories.library_roots import LibraryRootRepository

        return LibraryRootRepository(self.session, self.clock)

    @cached_property
    def library_files(self) -> LibraryFileRepository:
        """Files found by library scans (with their cached hashes)."""
        from hfsuite.storage.repositories.library_files import LibraryFileRepository

        return LibraryFileRepository(self.session, self.clock)

    @cached_property
    def workers(self) -> WorkerRepository:
        """Queue runners and their heartbeats."""
        from hfsuite.storage.repositories.workers import WorkerRepository

        return WorkerRepository(self.session, self.clock)

    @cached_property
    def reclaim_log(self) -> ReclaimLogRepository:
        """What reclaiming duplicate space did."""
        from hfsuite.storage.repositories.library_reclaim_log import ReclaimLogRepository

        return ReclaimLogRepository(self.session, self.clock)


class Database:
    """An open database: an engine configured for SQLite or PostgreSQL and its units of work.

    Create it with :func:`open_database`, which also migrates the schema.

    Args:
        engine: An engine made by :func:`create_engine_for`.
        where: The file path (or URL for in-memory databases), for messages.
        clock: Clock for timestamps the repositories write.
    """

    def __init__(self, engine: Engine, where: str, clock: Clock | None = None):
        self.engine = engine
        self.where = where
        self.clock: Clock = clock or SystemClock()
        self._write_engine = engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        self._read_engine = engine
        if engine.dialect.name == "postgresql":
            # One snapshot for the whole read, as SQLite's deferred BEGIN gives.
            self._read_engine = engine.execution_options(isolation_level="REPEATABLE READ")

    @property
    def dialect(self) -> str:
        """The backend: ``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @property
    def url(self) -> str:
        """The database URL."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def write_engine(self) -> Engine:
        """The engine whose transactions start with ``BEGIN IMMEDIATE``."""
        return self._write_engine

    @contextmanager
    def write(self) -> Iterator[UnitOfWork]:
        """A write transaction: commits when the block ends, rolls back if it raises.

        The write lock is taken when the block starts (``BEGIN IMMEDIATE``; on PostgreSQL an
        advisory lock), waiting up to the busy timeout and retrying a few times, so the block
        itself never meets "database is locked". Keep blocks short: other processes wait for
        them.

        Yields:
            The unit of work.

        Raises:
            StorageError: when the lock cannot be had or the database fails; the transaction is
                rolled back. Exceptions raised by the block itself propagate unchanged (after
                the rollback), except SQLAlchemy errors, which become StorageError.
        """
        conn = self._begin(self._write_engine)
        try:
            uow = UnitOfWork(conn, self.clock)
            yield uow
            if uow.changed_queue and conn.dialect.name == "postgresql":
                # Delivered when the transaction commits (storage/notify.py).
                conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NOTIFY_CHANNEL})
            conn.commit()
        except BaseException as exc:
            conn.rollback()
            translated = self._translate(exc)
            if translated is exc:
                raise
            raise translated from exc
        finally:
            conn.close()

    @contextmanager
    def read(self) -> Iterator[UnitOfWork]:
        """A read-only transaction: a consistent snapshot, never committed.

        Yields:
            The unit of work (do not write through it; use :meth:`write`).

        Raises:
            StorageError: when the database fails.
        """
        # The transaction begins (BEGIN, deferred) at the first statement, like a session's.
        conn = self._read_engine.connect()
        try:
            yield UnitOfWork(conn, self.clock)
        except BaseException as exc:
            translated = self._translate(exc)
            if translated is exc:
                raise
            raise translated from exc
        finally:
            conn.rollback()
            conn.close()

    def run_write(self, work: Callable[[UnitOfWork], T], attempts: int = WRITE_LOCK_ATTEMPTS) -> T:
        """Run ``work`` in a write transaction, re-running it whole if the database was locked.

        Use this when ``work`` is safe to repeat (it only touches the database).

        Args:
            work: Called with the unit of work; its return value is returned.
            attempts: How many times to try.

        Returns:
            What ``work`` returned.
        """
        for attempt in range(1, attempts + 1):
            try:
                with self.write() as uow:
                    return work(uow)
            except StorageError as exc:
                if attempt == attempts or not is_locked_error(exc.__cause__ or exc):
                    raise
                time.sleep(0.05 * attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def schema_revision(self) -> str | None:
        """The schema revision the database is at."""
        with self.engine.connect() as conn:
            revisions = migrate.current_revisions(conn)
        return revisions[0] if revisions else None

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _begin(self, engine: Engine) -> Connection:
        delay = 0.05
        for attempt in range(1, WRITE_LOCK_ATTEMPTS + 1):
            conn: Connection | None = None
            try:
                conn = engine.connect()
                conn.begin()  # emits BEGIN IMMEDIATE now, not at the first write
                if conn.dialect.name == "postgresql":
                    # One writer at a time, as on SQLite: the repositories read, then write
                    # (ranks, the change cursor) and rely on no other writer in between.
                    conn.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY}
                    )
                return conn
            except SQLAlchemyError as exc:
                if conn is not None:
                    conn.close()
                if not is_locked_error(exc) or attempt == WRITE_LOCK_ATTEMPTS:
                    raise self._translate(exc) from exc
                time.sleep(delay)
                delay *= 4
        raise AssertionError("unreachable")  # pragma: no cover

    def _translate(self, exc: BaseException) -> BaseException:
        if not isinstance(exc, SQLAlchemyError):
            return exc
        lost = isinstance(exc, DBAPIError) and exc.connection_invalidated
        if _is_unreachable(exc) or (lost and self.dialect == "postgresql"):
            return _unreachable_error(self.where, exc)
        if is_locked_error(exc):
            return StorageError(
                tr(
                    "The database at {where} stayed locked by another process for more than "
                    "{seconds} s.",
                    where=self.where,
                    seconds=format(BUSY_TIMEOUT_S, ".0f"),
                ),
                hint=tr("Another HF Download Suite process may be stuck; close it and retry."),
                details=str(exc),
            )
        message = str(exc.orig) if isinstance(exc, DBAPIError) else str(exc)
        return StorageError(
            tr("Database error in {where}: {message}", where=self.where, message=message),
            details=str(exc),
        )


def _dump_json(value: Any) -> str:
    # Compact, and readable non-ASCII file names (history's text filter searches this JSON).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _retry_locked(action: Callable[[], object]) -> None:
    """Run ``action``, retrying while SQLite says "locked" (up to the busy timeout).

    Switching a new file to WAL needs an exclusive lock, and SQLite does not call the busy
    handler for it: when two processes open a brand-new database at the same moment, one of
    them gets "database is locked" at once. Found by the two-process test.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    delay = 0.005
    while True:
        try:
            action()
            return
        except Exception as exc:
            if not is_locked_error(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.1)


def create_sqlite_engine(url: str) -> Engine:
    """Create an engine for a SQLite URL with the suite's connection settings.

    Every new connection gets WAL journaling (file databases), ``foreign_keys=ON``,
    ``busy_timeout`` and ``synchronous=NORMAL`` (safe with WAL: a power loss may lose the last
    transactions but never corrupts the file).

    Args:
        url: ``sqlite:///path/to/file.db`` or ``sqlite://`` (in memory, for tests).

    Returns:
        The engine.

    Raises:
        StorageError: when the URL is not a SQLite URL.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise StorageError(
            tr(
                "Unsupported database URL {url}: only SQLite is supported.",
                url=parsed.render_as_string(hide_password=True),
            ),
            hint=tr("Use a URL like sqlite:///path/to/hfsuite.db."),
        )
    in_memory = parsed.database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {
        "connect_args": {"timeout": BUSY_TIMEOUT_S},
        "json_serializer": _dump_json,
    }
    if in_memory:
        kwargs["poolclass"] = StaticPool
        kwargs["connect_args"]["check_same_thread"] = False
    engine = create_engine(parsed, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver must not issue its own BEGIN: _on_begin does, with the right mode.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            if not in_memory:
                _retry_locked(lambda: cursor.execute("PRAGMA journal_mode = WAL"))
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def create_postgresql_engine(url: str) -> Engine:
    """Create an engine for a PostgreSQL URL (psycopg 3) with the suite's connection settings.

    A pool of connections checked before use (``pool_pre_ping``: a server restart costs one
    reconnect, not an error), READ COMMITTED isolation, a connect timeout of
    :data:`CONNECT_TIMEOUT_S` and a ``lock_timeout`` of :data:`BUSY_TIMEOUT_S` (the counterpart
    of SQLite's busy timeout). ``postgresql://`` without a driver means psycopg 3.

    Args:
        url: ``postgresql+psycopg://user:password@host:port/name``.

    Returns:
        The engine (no connection is made yet).

    Raises:
        StorageError: when psycopg is not installed, or the URL names another driver.
    """
    parsed = make_url(url)
    driver = parsed.get_driver_name()
    shown = parsed.render_as_string(hide_password=True)
    if "+" not in parsed.drivername:
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif driver != "psycopg":
        raise StorageError(
            tr(
                "Unsupported database URL {url}: the PostgreSQL driver must be psycopg (3).",
                url=shown,
            ),
            hint=tr("Write the URL as postgresql+psycopg://user:password@host:5432/name."),
        )
    try:
        import psycopg  # noqa: F401  (a clear message now rather than a traceback later)
    except ImportError as exc:
        raise StorageError(
            tr(
                "The database URL {url} needs the PostgreSQL driver psycopg, which is not "
                "installed.",
                url=shown,
            ),
            hint=tr("Install it: python -m pip install '{spec}'.", spec=PSYCOPG_SPEC),
        ) from exc
    lock_ms = int(BUSY_TIMEOUT_S * 1000)
    return create_engine(
        parsed,
        pool_size=5,
        max_overflow=10,
        pool_pre_ping=True,
        isolation_level="READ COMMITTED",
        json_serializer=_dump_json,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_S,
            "options": f"-c lock_timeout={lock_ms}",
            "application_name": "hfsuite",
        },
    )


def create_engine_for(url: str) -> Engine:
    """Create an engine for a SQLite or PostgreSQL URL (see the two factories).

    Raises:
        StorageError: when the URL names another database, or its driver is missing.
    """
    backend = backend_name(url)
    if backend == "postgresql":
        return create_postgresql_engine(url)
    if backend == "sqlite":
        return create_sqlite_engine(url)
    shown = make_url(url).render_as_string(hide_password=True)
    raise StorageError(
        tr("Unsupported database URL {url}: only SQLite and PostgreSQL are supported.", url=shown),
        hint=tr("Use sqlite:///path/to/hfsuite.db or postgresql+psycopg://user@host/name."),
    )


_UNREACHABLE_TEXTS = (
    "connection refused",
    "could not connect",
    "connection failed",
    "could not translate host name",
    "timeout expired",
    "server closed the connection",
    "terminating connection",
    "no such host",
    "name or service not known",
    "does not exist",  # a database or role the server does not have
    "password authentication failed",
    "no password supplied",
)


def _is_unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` is PostgreSQL refusing or failing the connection itself."""
    orig = getattr(exc, "orig", None)
    if orig is None or not type(orig).__module__.startswith("psycopg"):
        return False
    if getattr(orig, "sqlstate", None) not in (None, "28P01", "28000", "3D000", "57P01"):
        return False
    text = str(orig).lower()
    return any(part in text for part in _UNREACHABLE_TEXTS)


def _unreachable_error(where: str, exc: BaseException) -> StorageError:
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    return StorageError(
        tr(
            "Cannot connect to the PostgreSQL database at {where}: {reason}",
            where=where,
            reason=reason,
        ),
        hint=tr(
            "Check that the server is running and reachable, and the URL's host, port, "
            "database name, user and password (db_url, or HFSUITE_DB_URL)."
        ),
        details=str(exc),
    )


def open_database(url: str, *, clock: Clock | None = None) -> Database:
    """Open (creating if needed) the database at ``url`` and migrate it to the newest schema.

    Args:
        url: A SQLite URL, e.g. ``sqlite:////home/me/.local/share/hfsuite/hfsuite.db`` (the
            file's folder is created when missing), or a PostgreSQL one,
            ``postgresql+psycopg://user:password@host:5432/name`` (the database must exist;
            its tables are created on first use). The settings layer supplies it.
        clock: Clock for the timestamps repositories write (default: the system clock).

    Returns:
        The open database.

    Raises:
        MigrationError: when the database comes from a newer version of the program, or a
            migration fails (the database is left unchanged).
        StorageError: when the URL is neither SQLite nor PostgreSQL, psycopg is missing for a
            PostgreSQL URL, the server cannot be reached, or the file cannot be created, opened
            or read (e.g. it is not a database or is corrupt); the message names the path or
            the URL without its password.
    """
    backend_name(url)  # a malformed URL -> StorageError
    parsed = make_url(url)
    path: Path | None = None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(str(parsed.database)).expanduser()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                tr(
                    "Cannot create the folder for the database at {path}: {reason}",
                    path=path,
                    reason=exc.strerror or exc,
                ),
                hint=tr("Choose a writable location for the database."),
            ) from exc
        parsed = parsed.set(database=str(path))
    where = str(path) if path else parsed.render_as_string(hide_password=True)
    engine = create_engine_for(parsed.render_as_string(hide_password=False))
    database = Database(engine, where, clock)
    try:
        with engine.connect() as conn:
            current = migrate.current_revisions(conn)
        # A new database gets the newest schema at once; one up to date needs no Alembic.
        created = current == () and migrate.create_new(database.write_engine, where)
        if not created and current != (migrate.HEAD_REVISION,):
            migrate.check_known(current, where)
            migrate.upgrade(database.write_engine, where)
    except MigrationError:
        engine.dispose()
        raise
    except SQLAlchemyError as exc:
        engine.dispose()
        if is_locked_error(exc) or _is_unreachable(exc):
            raise database._translate(exc) from exc
        if engine.dialect.name != "sqlite":
            raise database._translate(exc) from exc
        raise StorageError(
            tr(
                "Cannot open the database at {where}: {reason}",
                where=where,
                reason=getattr(exc, "orig", None) or exc,
            ),
            hint=tr(
                "The file is not a database or is damaged. Move it aside (the program starts "
                "with a fresh one) or restore a backup."
            ),
            details=str(exc),
        ) from exc
    return database
