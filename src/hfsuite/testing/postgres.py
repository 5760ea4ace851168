"""A throwaway PostgreSQL server for tests: ``initdb`` + ``pg_ctl start`` in a temp folder.

```
PostgresCluster.start()  ── finds initdb/pg_ctl (PATH, /usr/local/bin, /usr/lib/postgresql/*/bin)
   │                         ── as root: runs them as an unprivileged user (postgres refuses root)
   ├── create_database(name, template=…) / drop_database(name)
   ├── CleanDatabases(cluster, template)  ── a new database per test, copied from a migrated
   │                                         template; one no test wrote to is used again
   ├── url(name)  ── postgresql+psycopg://postgres@127.0.0.1:PORT/name (trust auth, loopback)
   └── stop()     ── pg_ctl stop -m immediate, folder removed
```

The server listens on 127.0.0.1 only, on a free port, with durability off (``fsync=off``): it
is for tests, never for data. Nothing here imports SQLAlchemy or pytest; psycopg is imported
only to create and drop databases.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Any

SUPERUSER = "postgres"
"""The cluster's superuser (trust authentication on loopback: no password)."""

_UNPRIVILEGED = ("postgres", "nobody")
_CANDIDATES = ("/usr/local/bin",)


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server can be started here; the message says why."""


def find_bindir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, or None when PostgreSQL is not installed."""
    candidates: list[str] = []
    found = shutil.which("initdb")
    if found:
        candidates.append(str(Path(found).resolve().parent))
    candidates.extend(_CANDIDATES)
    candidates.extend(sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True))
    for folder in candidates:
        path = Path(folder)
        if (path / "initdb").is_file() and (path / "pg_ctl").is_file():
            return path
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run_as_user() -> str | None:
    """The user to run the server as: None when not root, else an existing unprivileged one."""
    if os.geteuid() != 0:
        return None
    for name in _UNPRIVILEGED:
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise PostgresUnavailable("running as root and no unprivileged user (postgres, nobody)")


class PostgresCluster:
    """One PostgreSQL server in its own temp folder.

    Args:
        bindir: Where ``initdb`` and ``pg_ctl`` are (default: :func:`find_bindir`).
    """

    def __init__(self, bindir: Path | None = None):
        found = bindir or find_bindir()
        if found is None:
            raise PostgresUnavailable(
                "PostgreSQL is not installed (no initdb in PATH, /usr/local/bin or "
                "/usr/lib/postgresql/*/bin)"
            )
        self.bindir = found
        self.user = _run_as_user()
        self.port = 0
        self.base: Path | None = None
        self._psycopg: Any = None

    @property
    def data_dir(self) -> Path:
        """The cluster's data folder."""
        assert self.base is not None, "not started"
        return self.base / "data"

    def _cmd(self, *args: str) -> list[str]:
        if self.user is None:
            return list(args)
        return ["runuser", "-u", self.user, "--", *args]

    def _run(self, *args: str, timeout: float = 120) -> None:
        result = subprocess.run(
            self._cmd(*args),
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.base,
            check=False,
        )
        if result.returncode != 0:
            output = (result.stdout + result.stderr).strip()
            raise PostgresUnavailable(f"{Path(args[0]).name} failed: {output[-2000:]}")

    def start(self) -> PostgresCluster:
        """Create the cluster and start the server; raise :class:`PostgresUnavailable` if not."""
        self.base = Path(tempfile.mkdtemp(prefix="hfsuite-pg-"))
        try:
            if self.user is not None:
                entry = pwd.getpwnam(self.user)
                os.chown(self.base, entry.pw_uid, entry.pw_gid)
            self._run(
                str(self.bindir / "initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            )
            last: PostgresUnavailable | None = None
            for _ in range(3):  # the free port may be taken between the check and the start
                self.port = _free_port()
                options = (
                    f"-p {self.port} -c listen_addresses=127.0.0.1 "
                    f"-c unix_socket_directories={self.base} -c fsync=off "
                    "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
                )
                try:
                    self._run(
                        str(self.bindir / "pg_ctl"),
                        "-D",
                        str(self.data_dir),
                        "-l",
                        str(self.base / "server.log"),
                        "-o",
                        options,
                        "-w",
                        "-t",
                        "60",
                        "start",
                    )
                    return self
                except PostgresUnavailable as exc:
                    last = exc
            assert last is not None
            raise last
        except BaseException:
            self.stop()
            raise

    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy URL of ``database`` on this server."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        self._query(sql, "postgres")

    def _query(self, sql: str, database: str) -> list[tuple[object, ...]]:
        if self._psycopg is None:
            # Kept: a test that hides psycopg (sys.modules) must not break its own teardown.
            import psycopg

            self._psycopg = psycopg
        with self._psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=SUPERUSER,
            dbname=database,
            autocommit=True,
            connect_timeout=10,
        ) as conn:
            cursor = conn.execute(sql.encode())
            return list(cursor.fetchall()) if cursor.description else []

    def disconnect(self, name: str) -> None:
        """Close every other connection to database ``name`` (their transactions roll back)."""
        self._admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        )

    def fingerprint(self, name: str) -> tuple[object, ...]:
        """What database ``name`` holds, to tell whether anything changed: every table of the
        public schema with a digest of its rows, and every sequence with its last value."""
        tables = [
            str(row[0])
            for row in self._query(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
                name,
            )
        ]
        parts = [
            f"SELECT '{table}', md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) "
            f'FROM "{table}" x'
            for table in tables
        ]
        parts.append(
            "SELECT 'sequence ' || sequencename, coalesce(last_value::text, '') "
            "FROM pg_sequences WHERE schemaname = 'public'"
        )
        sql = " UNION ALL ".join(f"({part})" for part in parts) + " ORDER BY 1"
        return tuple(self._query(sql, name))

    def create_database(self, name: str, template: str = "template1") -> str:
        """Create database ``name`` (a copy of ``template``) and return its URL."""
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop database ``name``, closing what is still connected to it."""
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server (immediately) and remove its folder."""
        if self.base is None:
            return
        if (self.data_dir / "postmaster.pid").exists():
            with contextlib.suppress(Exception):
                self._run(
                    str(self.bindir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "stop"
                )
        shutil.rmtree(self.base, ignore_errors=True)
        self.base = None

    def __enter__(self) -> PostgresCluster:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class CleanDatabases:
    """New databases that are copies of ``template`` (a database already migrated), one per
    test; a database given back unchanged is handed out again instead of a new copy.

    Copying a database costs about 0.15 s and dropping one 0.05 s, while most tests never
    write to the database: :meth:`release` compares what the database holds with the template
    (:meth:`PostgresCluster.fingerprint`, a few milliseconds) and keeps it when nothing
    changed (no row, no sequence step, no table), else drops it.

    Args:
        cluster: The running server.
        template: The database to copy; nothing may be connected to it.
        prefix: Start of the new databases' names.
    """

    def __init__(self, cluster: PostgresCluster, template: str, prefix: str):
        self.cluster = cluster
        self.template = template
        self.prefix = prefix
        self._clean = cluster.fingerprint(template)
        self._free: list[str] = []
        self._returned: list[str] = []
        self._made = 0
        self.copied = 0
        self.reused = 0

    def acquire(self) -> str:
        """The name of a database identical to the template, nobody connected to it."""
        while self._returned:
            self.release(self._returned.pop())
        if self._free:
            self.reused += 1
            return self._free.pop()
        self._made += 1
        name = f"{self.prefix}{self._made}"
        self.cluster.create_database(name, template=self.template)
        self.copied += 1
        return name

    def release_later(self, name: str) -> None:
        """Give ``name`` back at the next :meth:`acquire`: what still runs when a test's
        fixtures are gone (a Qt event processed after the last teardown) finds its database."""
        self._returned.append(name)

    def release(self, name: str) -> None:
        """Give ``name`` back after a test: its connections are closed, then it is kept for
        another test when unchanged, else dropped."""
        self.cluster.disconnect(name)
        try:
            unchanged = self.cluster.fingerprint(name) == self._clean
        except Exception:  # a database a test broke is simply not reused
            unchanged = False
        if unchanged:
            self._free.append(name)
        else:
            self.cluster.drop_database(name)
